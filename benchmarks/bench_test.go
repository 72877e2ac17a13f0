// Package benchmarks compares zai-go with github.com/openai/openai-go/v3 and
// github.com/sashabaranov/go-openai on the same bytes, served by a loopback
// httptest server. Z.ai's chat endpoint speaks the OpenAI chat wire format,
// so every client talks to the same handler.
//
// It is a separate module so that the library never depends on the peers.
package benchmarks

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"testing"

	openai "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	goopenai "github.com/sashabaranov/go-openai"
	"github.com/zai-go/zai"
)

const model = "glm-4.7-flash"

// recordedStream repeats the events of the recorded tool-call stream
// (reasoning deltas, content deltas, a tool call, usage) to n chunks, ending
// with the recording's final chunk and [DONE]. It is the same construction as
// the root module's BenchmarkStreamRecorded.
func recordedStream(tb testing.TB, n int) ([]byte, int) {
	raw, err := os.ReadFile("../testdata/recorded/chat_tool_streaming.sse")
	if err != nil {
		tb.Fatal(err)
	}
	var events [][]byte
	for _, ev := range bytes.Split(raw, []byte("\n\n")) {
		if bytes.HasPrefix(ev, []byte("data: {")) {
			events = append(events, ev)
		}
	}
	last := events[len(events)-1]
	body := events[:len(events)-1]
	var out bytes.Buffer
	count := 0
	for count < n-1 {
		for _, ev := range body {
			if count == n-1 {
				break
			}
			out.Write(ev)
			out.WriteString("\n\n")
			count++
		}
	}
	out.Write(last)
	out.WriteString("\n\ndata: [DONE]\n\n")
	return out.Bytes(), count + 1
}

// expected is what every contender must find in the stream: the number of
// chunks, the bytes of content, the tool call's name and the total tokens.
type expected struct {
	chunks, contentBytes int
	toolName             string
	totalTokens          int64
}

func expect(tb testing.TB, data []byte) expected {
	var e expected
	for _, ev := range bytes.Split(data, []byte("\n\n")) {
		payload, ok := bytes.CutPrefix(ev, []byte("data: "))
		if !ok || string(payload) == "[DONE]" {
			continue
		}
		var c zai.ChatCompletionChunk
		if err := json.Unmarshal(payload, &c); err != nil {
			tb.Fatal(err)
		}
		e.observe(&c)
	}
	if e.toolName != "weather" || e.totalTokens != 266 || e.contentBytes == 0 {
		tb.Fatalf("unexpected recording: %+v", e)
	}
	return e
}

func (e *expected) observe(c *zai.ChatCompletionChunk) {
	e.chunks++
	for _, ch := range c.Choices {
		e.contentBytes += len(ch.Delta.Content)
		for _, tc := range ch.Delta.ToolCalls {
			e.toolName = tc.Function.Name
		}
	}
	if c.Usage != nil {
		e.totalTokens = int64(c.Usage.TotalTokens)
	}
}

// server answers POST .../chat/completions: the stream when the body asks for
// one, the recorded completion otherwise. Every client hits the same handler.
func server(tb testing.TB, stream, completion []byte) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil || !strings.HasSuffix(r.URL.Path, "/chat/completions") {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if bytes.Contains(body, []byte(`"stream":true`)) {
			w.Header().Set("Content-Type", "text/event-stream")
			w.Write(stream)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(completion)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// httpClient gives each contender its own keep-alive transport with the same
// settings, closed when the sub-benchmark ends so that no contender runs
// beside another's idle connections. It also starts each contender from a
// collected heap, so that one's garbage is not charged to the next.
func httpClient(tb testing.TB) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	tb.Cleanup(t.CloseIdleConnections)
	runtime.GC()
	return &http.Client{Transport: t}
}

type fixture struct {
	stream     []byte
	want       expected
	completion []byte
	srv        *httptest.Server
}

func newFixture(tb testing.TB) *fixture {
	stream, n := recordedStream(tb, 1000)
	want := expect(tb, stream)
	if want.chunks != n {
		tb.Fatalf("%d chunks, want %d", want.chunks, n)
	}
	completion, err := os.ReadFile("../testdata/recorded/chat_tool.json")
	if err != nil {
		tb.Fatal(err)
	}
	return &fixture{stream: stream, want: want, completion: completion, srv: server(tb, stream, completion)}
}

// The request every contender sends: a system and a user message and one
// function tool.
var (
	system   = "You are a helpful assistant"
	question = "What's the weather in Florence, Italy?"
	params   = map[string]any{
		"type":       "object",
		"properties": map[string]any{"location": map[string]any{"type": "string"}},
		"required":   []string{"location"},
	}
)

func zaiRequest() zai.ChatCompletionRequest {
	return zai.ChatCompletionRequest{
		Model:    model,
		Messages: []zai.Message{zai.SystemMessage(system), zai.UserMessage(question)},
		Tools:    []zai.Tool{zai.FunctionTool("weather", "Get the weather", params)},
	}
}

func openaiParams() openai.ChatCompletionNewParams {
	return openai.ChatCompletionNewParams{
		Model:    model,
		Messages: []openai.ChatCompletionMessageParamUnion{openai.SystemMessage(system), openai.UserMessage(question)},
		Tools: []openai.ChatCompletionToolUnionParam{openai.ChatCompletionFunctionTool(openai.FunctionDefinitionParam{
			Name: "weather", Description: openai.String("Get the weather"), Parameters: params,
		})},
	}
}

func goopenaiRequest(stream bool) goopenai.ChatCompletionRequest {
	return goopenai.ChatCompletionRequest{
		Model: model,
		Messages: []goopenai.ChatCompletionMessage{
			{Role: goopenai.ChatMessageRoleSystem, Content: system},
			{Role: goopenai.ChatMessageRoleUser, Content: question},
		},
		Tools: []goopenai.Tool{{Type: goopenai.ToolTypeFunction, Function: &goopenai.FunctionDefinition{
			Name: "weather", Description: "Get the weather", Parameters: params,
		}}},
		Stream: stream,
	}
}

func zaiClient(tb testing.TB, f *fixture) *zai.Client {
	c, err := zai.NewClient(zai.WithAPIKey("bench-key"), zai.WithBaseURL(f.srv.URL+"/api/paas/v4"), zai.WithHTTPClient(httpClient(tb)))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func openaiClient(tb testing.TB, f *fixture) openai.Client {
	return openai.NewClient(option.WithAPIKey("bench-key"), option.WithBaseURL(f.srv.URL+"/v1/"), option.WithHTTPClient(httpClient(tb)))
}

func goopenaiClient(tb testing.TB, f *fixture) *goopenai.Client {
	cfg := goopenai.DefaultConfig("bench-key")
	cfg.BaseURL = f.srv.URL + "/v1"
	cfg.HTTPClient = httpClient(tb)
	return goopenai.NewClientWithConfig(cfg)
}

// check fails the benchmark unless a contender saw what the stream holds.
func check(b *testing.B, name string, got, want expected) {
	if got != want {
		b.Fatalf("%s: got %+v, want %+v", name, got, want)
	}
}

// BenchmarkStream reads a 1,000-chunk recorded-shape stream to the end as
// typed chunks, one HTTP round trip per op. Every contender checks the chunk
// count, the content length, the tool call and the usage.
func BenchmarkStream(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	// report sets up the common metrics and returns the function that adds
	// the per-chunk ones once the loop is done.
	report := func(b *testing.B) func() {
		b.SetBytes(int64(len(f.stream)))
		b.ReportAllocs()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		return func() {
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			chunks := float64(b.N * f.want.chunks)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/chunks, "ns/chunk")
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/chunks, "allocs/chunk")
		}
	}

	b.Run("zai", func(b *testing.B) {
		client := zaiClient(b, f)
		req := zaiRequest()
		done := report(b)
		for b.Loop() {
			stream, err := client.Chat.Completions.CreateStream(ctx, req)
			if err != nil {
				b.Fatal(err)
			}
			var got expected
			for stream.Next() {
				c := stream.Current()
				got.observe(&c)
			}
			if err := stream.Err(); err != nil {
				b.Fatal(err)
			}
			stream.Close()
			check(b, "zai", got, f.want)
		}
		done()
	})

	b.Run("openai-go", func(b *testing.B) {
		client := openaiClient(b, f)
		p := openaiParams()
		done := report(b)
		for b.Loop() {
			stream := client.Chat.Completions.NewStreaming(ctx, p)
			var got expected
			for stream.Next() {
				c := stream.Current()
				got.chunks++
				for _, ch := range c.Choices {
					got.contentBytes += len(ch.Delta.Content)
					for _, tc := range ch.Delta.ToolCalls {
						got.toolName = tc.Function.Name
					}
				}
				if c.Usage.TotalTokens != 0 {
					got.totalTokens = c.Usage.TotalTokens
				}
			}
			if err := stream.Err(); err != nil {
				b.Fatal(err)
			}
			stream.Close()
			check(b, "openai-go", got, f.want)
		}
		done()
	})

	b.Run("go-openai", func(b *testing.B) {
		client := goopenaiClient(b, f)
		req := goopenaiRequest(true)
		done := report(b)
		for b.Loop() {
			stream, err := client.CreateChatCompletionStream(ctx, req)
			if err != nil {
				b.Fatal(err)
			}
			var got expected
			for {
				c, err := stream.Recv()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
				got.chunks++
				for _, ch := range c.Choices {
					got.contentBytes += len(ch.Delta.Content)
					for _, tc := range ch.Delta.ToolCalls {
						got.toolName = tc.Function.Name
					}
				}
				if c.Usage != nil {
					got.totalTokens = int64(c.Usage.TotalTokens)
				}
			}
			stream.Close()
			check(b, "go-openai", got, f.want)
		}
		done()
	})

	// floor: a hand-written request, the body split into lines by hand and
	// each data line json.Unmarshal'ed into zai.ChatCompletionChunk, the
	// struct zai delivers.
	b.Run("floor", func(b *testing.B) {
		hc := httpClient(b)
		body, err := json.Marshal(struct {
			zai.ChatCompletionRequest
			Stream bool `json:"stream"`
		}{zaiRequest(), true})
		if err != nil {
			b.Fatal(err)
		}
		url := f.srv.URL + "/api/paas/v4/chat/completions"
		br := bufio.NewReaderSize(nil, 64<<10)
		done := report(b)
		for b.Loop() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer bench-key")
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "text/event-stream")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			br.Reset(resp.Body)
			var got expected
			for {
				line, err := br.ReadSlice('\n')
				if payload, ok := bytes.CutPrefix(line, []byte("data: ")); ok {
					payload = bytes.TrimRight(payload, "\n")
					if string(payload) == "[DONE]" {
						break
					}
					var c zai.ChatCompletionChunk
					if err := json.Unmarshal(payload, &c); err != nil {
						b.Fatal(err)
					}
					got.observe(&c)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			resp.Body.Close()
			check(b, "floor", got, f.want)
		}
		done()
	})
}

// readAll reads a body into a buffer of its Content-Length, when known.
func readAll(resp *http.Response) ([]byte, error) {
	if n := resp.ContentLength; n > 0 {
		b := make([]byte, n)
		_, err := io.ReadFull(resp.Body, b)
		return b, err
	}
	return io.ReadAll(resp.Body)
}

// BenchmarkCreate makes one non-streaming round trip that returns the
// recorded tool-call completion, decoded into each client's type.
func BenchmarkCreate(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()

	b.Run("zai", func(b *testing.B) {
		client := zaiClient(b, f)
		req := zaiRequest()
		b.ReportAllocs()
		for b.Loop() {
			c, err := client.Chat.Completions.Create(ctx, req)
			if err != nil {
				b.Fatal(err)
			}
			if c.Choices[0].Message.ToolCalls[0].Function.Name != "weather" {
				b.Fatal(c)
			}
		}
	})

	b.Run("openai-go", func(b *testing.B) {
		client := openaiClient(b, f)
		p := openaiParams()
		b.ReportAllocs()
		for b.Loop() {
			c, err := client.Chat.Completions.New(ctx, p)
			if err != nil {
				b.Fatal(err)
			}
			if c.Choices[0].Message.ToolCalls[0].Function.Name != "weather" {
				b.Fatal(c)
			}
		}
	})

	b.Run("go-openai", func(b *testing.B) {
		client := goopenaiClient(b, f)
		req := goopenaiRequest(false)
		b.ReportAllocs()
		for b.Loop() {
			c, err := client.CreateChatCompletion(ctx, req)
			if err != nil {
				b.Fatal(err)
			}
			if c.Choices[0].Message.ToolCalls[0].Function.Name != "weather" {
				b.Fatal(c)
			}
		}
	})

	// floor: net/http and encoding/json by hand, into zai.ChatCompletion,
	// with the body read into a buffer of its Content-Length.
	b.Run("floor", func(b *testing.B) {
		hc := httpClient(b)
		url := f.srv.URL + "/api/paas/v4/chat/completions"
		req := zaiRequest()
		b.ReportAllocs()
		for b.Loop() {
			body, err := json.Marshal(req)
			if err != nil {
				b.Fatal(err)
			}
			hreq, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
			hreq.Header.Set("Authorization", "Bearer bench-key")
			hreq.Header.Set("Content-Type", "application/json")
			hreq.Header.Set("Accept", "application/json")
			resp, err := hc.Do(hreq)
			if err != nil {
				b.Fatal(err)
			}
			raw, err := readAll(resp)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				b.Fatal(resp.Status, err)
			}
			var c zai.ChatCompletion
			if err := json.Unmarshal(raw, &c); err != nil {
				b.Fatal(err)
			}
			if c.Choices[0].Message.ToolCalls[0].Function.Name != "weather" {
				b.Fatal(c)
			}
		}
	})
}
