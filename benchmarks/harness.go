// Package benchmarks compares zai-go with github.com/openai/openai-go/v3,
// github.com/sashabaranov/go-openai and plain-struct decoding with
// encoding/json, github.com/goccy/go-json and (GOEXPERIMENT=jsonv2)
// encoding/json/v2, on the same bytes served by a loopback httptest server.
// Z.ai's chat endpoint speaks the OpenAI chat wire format, so every client
// talks to the same handler.
//
// Contenders are measured in interleaved rounds (Interleave; cmd/interleave
// prints the table), so that a noisy neighbour slows every contender of a
// round alike and the ratios hold. It is a separate module so that the
// library never depends on the peers.
package benchmarks

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	gojson "github.com/goccy/go-json"
	openai "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	goopenai "github.com/sashabaranov/go-openai"
	"github.com/zai-go/zai"
)

// Model is the model every request names.
const Model = "glm-4.7-flash"

// Observed is what a contender found in a stream or a completion; every
// contender must find the same.
type Observed struct {
	Chunks, ContentBytes, ReasoningBytes, ArgumentBytes int
	ToolName                                            string
	TotalTokens                                         int64
}

// StreamScenario is one stream served to every contender.
type StreamScenario struct {
	Name  string
	Body  []byte // the SSE body, ending in [DONE]
	Flush bool   // the server flushes after every event instead of one write
	Want  Observed
}

// Fixture holds the scenarios and the server that serves them.
type Fixture struct {
	Streams    []*StreamScenario
	Completion []byte // the recorded tool-call completion
	Large      []byte // a completion with about 100 KB of content
	History    []zai.Message
	srv        *httptest.Server
	conns      atomic.Int64 // TCP connections accepted
}

// root finds the repository's testdata from the module or a command in it.
func root() string {
	for _, dir := range []string{"..", filepath.Join("..", ".."), filepath.Join("..", "..", "..")} {
		if _, err := os.Stat(filepath.Join(dir, "testdata", "recorded")); err == nil {
			return dir
		}
	}
	return ".."
}

func readRecorded(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join(root(), "testdata", "recorded", name))
}

// events returns the "data: {...}" events of a recording.
func events(raw []byte) [][]byte {
	var out [][]byte
	for _, ev := range bytes.Split(raw, []byte("\n\n")) {
		if bytes.HasPrefix(ev, []byte("data: {")) {
			out = append(out, ev)
		}
	}
	return out
}

// cycle repeats body to n-1 events, ends with last and [DONE].
func cycle(body [][]byte, last []byte, n int) []byte {
	var out bytes.Buffer
	for count := 0; count < n-1; {
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
	return out.Bytes()
}

// NewFixture builds the scenarios and starts the server.
func NewFixture() (*Fixture, error) {
	const n = 1000
	f := &Fixture{}
	tool, err := readRecorded("chat_tool_streaming.sse")
	if err != nil {
		return nil, err
	}
	ev := events(tool)
	// The recorded stream, with the tool call's arguments also streamed in
	// fragments (tool_stream) before the recorded call.
	frag := `data: {"id":"20260313050307df155ecf3e9f4961","created":1773349387,"object":"chat.completion.chunk","model":"glm-4.7-flash","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":%q}}]}}]}`
	body := append([][]byte{}, ev[:len(ev)-2]...)
	for _, piece := range []string{`{"loc`, `ation":`, `"Flor`, `ence,`, `Italy"}`} {
		body = append(body, []byte(fmt.Sprintf(frag, piece)))
	}
	body = append(body, ev[len(ev)-2])
	f.Streams = append(f.Streams,
		&StreamScenario{Name: "recorded", Body: cycle(body, ev[len(ev)-1], n)},
		&StreamScenario{Name: "recorded-flush", Body: cycle(body, ev[len(ev)-1], n), Flush: true})

	thinking, err := readRecorded("glm45_thinking_streaming.sse")
	if err != nil {
		return nil, err
	}
	tev := events(thinking)
	f.Streams = append(f.Streams, &StreamScenario{Name: "reasoning", Body: cycle(tev[:len(tev)-1], tev[len(tev)-1], n)})

	// CJK: the recorded shape with Chinese reasoning and content deltas.
	words := []string{"我们", "需要", "查询", "佛罗伦萨", "的天气", "，", "然后", "调用", "工具", "。", "意大利", "今天", "晴朗"}
	var cjk [][]byte
	for i := range 40 {
		field := "reasoning_content"
		if i >= 30 {
			field = "content"
		}
		cjk = append(cjk, []byte(fmt.Sprintf(`data: {"id":"20260313050307df155ecf3e9f4961","created":1773349387,"object":"chat.completion.chunk","model":"glm-4.7-flash","choices":[{"index":0,"delta":{"role":"assistant","%s":%q}}]}`, field, words[i%len(words)])))
	}
	cjk = append(cjk, ev[len(ev)-2])
	f.Streams = append(f.Streams, &StreamScenario{Name: "cjk", Body: cycle(cjk, ev[len(ev)-1], n)})

	for _, s := range f.Streams {
		if s.Want, err = observeSSE(s.Body); err != nil {
			return nil, fmt.Errorf("%s: %w", s.Name, err)
		}
		if s.Want.Chunks != n || s.Want.ToolName == "" || s.Want.TotalTokens == 0 {
			return nil, fmt.Errorf("%s: unexpected stream %+v", s.Name, s.Want)
		}
	}

	if f.Completion, err = readRecorded("chat_tool.json"); err != nil {
		return nil, err
	}
	f.Large = largeCompletion(f.Completion, 100_000)
	f.History = History(100, 2000)
	f.start()
	return f, nil
}

// largeCompletion is the recorded completion with about size bytes of
// content: prose with newlines, quotes and some CJK.
func largeCompletion(small []byte, size int) []byte {
	var m map[string]any
	json.Unmarshal(small, &m)
	var text strings.Builder
	for text.Len() < size {
		text.WriteString("The weather in Florence is \"sunny\" today, 24°C; 佛罗伦萨今天晴朗。\n")
	}
	msg := m["choices"].([]any)[0].(map[string]any)["message"].(map[string]any)
	msg["content"] = text.String()
	msg["reasoning_content"] = text.String()[:size/10]
	b, _ := json.Marshal(m)
	return b
}

// History is a conversation of n messages of about size bytes of content
// each, alternating user and assistant, the assistant turns with reasoning
// and every tenth with a tool call and its answer.
func History(n, size int) []zai.Message {
	text := strings.Repeat("Tell me about the weather in Florence, \"Italy\" — and 天气 <today>.\n", size/70+1)[:size]
	out := []zai.Message{zai.SystemMessage("You are a helpful assistant")}
	for i := 1; len(out) < n; i++ {
		out = append(out, zai.UserMessage(text))
		a := zai.AssistantMessage(text)
		a.ReasoningContent = text[:size/4]
		if i%10 == 0 {
			a.Content = ""
			var tc zai.ToolCall
			json.Unmarshal([]byte(`{"index":0,"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\"location\":\"Florence\"}"}}`), &tc)
			a.ToolCalls = []zai.ToolCall{tc}
			out = append(out, a, zai.ToolMessage("call_1", `{"temp":24}`))
			continue
		}
		out = append(out, a)
	}
	return out[:n]
}

// start serves POST /s/<scenario>/.../chat/completions: the scenario's
// stream when the body asks for one, a completion otherwise (/s/large/...
// the 100 KB one). /ttfb/... sends the first event and holds the stream
// until the client goes away.
func (f *Fixture) start() {
	byName := map[string]*StreamScenario{}
	for _, s := range f.Streams {
		byName[s.Name] = s
	}
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		parts := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 3)
		if err != nil || len(parts) < 3 || !strings.HasSuffix(r.URL.Path, "/chat/completions") {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		name := parts[1]
		if !bytes.Contains(body, []byte(`"stream":true`)) {
			w.Header().Set("Content-Type", "application/json")
			if name == "large" {
				w.Write(f.Large)
			} else {
				w.Write(f.Completion)
			}
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		s := byName[name]
		if parts[0] == "ttfb" {
			ev := events(s.Body)[0]
			w.Write(ev)
			w.Write([]byte("\n\n"))
			w.(http.Flusher).Flush()
			<-r.Context().Done()
			return
		}
		if !s.Flush {
			w.Write(s.Body)
			return
		}
		fl := w.(http.Flusher)
		rest := s.Body
		for len(rest) > 0 {
			i := bytes.Index(rest, []byte("\n\n"))
			w.Write(rest[:i+2])
			fl.Flush()
			rest = rest[i+2:]
		}
	}))
	f.srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			f.conns.Add(1)
		}
	}
	f.srv.Start()
}

// Close stops the server.
func (f *Fixture) Close() { f.srv.Close() }

// Conns returns the number of TCP connections the server has accepted.
func (f *Fixture) Conns() int64 { return f.conns.Load() }

// URL is the base of a scenario's routes.
func (f *Fixture) URL(kind, name string) string { return f.srv.URL + "/" + kind + "/" + name }

// observe adds a zai chunk to o.
func (o *Observed) observe(c *zai.ChatCompletionChunk) {
	o.Chunks++
	for _, ch := range c.Choices {
		o.ContentBytes += len(ch.Delta.Content)
		o.ReasoningBytes += len(ch.Delta.ReasoningContent)
		for _, tc := range ch.Delta.ToolCalls {
			o.ArgumentBytes += len(tc.Function.Arguments)
			if tc.Function.Name != "" {
				o.ToolName = tc.Function.Name
			}
		}
	}
	if c.Usage != nil {
		o.TotalTokens = int64(c.Usage.TotalTokens)
	}
}

func observeSSE(body []byte) (Observed, error) {
	var o Observed
	for _, ev := range bytes.Split(body, []byte("\n\n")) {
		payload, ok := bytes.CutPrefix(ev, []byte("data: "))
		if !ok || string(payload) == "[DONE]" {
			continue
		}
		var c zai.ChatCompletionChunk
		if err := json.Unmarshal(payload, &c); err != nil {
			return o, err
		}
		o.observe(&c)
	}
	return o, nil
}

// PlainChunk is the chunk as a plain struct with no methods: what
// encoding/json, go-json and json/v2 decode into for the floor contenders.
type PlainChunk struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	Model   string `json:"model"`
	Choices []struct {
		Index int `json:"index"`
		Delta struct {
			Role             string `json:"role"`
			Content          string `json:"content"`
			ReasoningContent string `json:"reasoning_content"`
			ToolCalls        []struct {
				Index    int    `json:"index"`
				ID       string `json:"id"`
				Type     string `json:"type"`
				Function struct {
					Name      string `json:"name"`
					Arguments string `json:"arguments"`
				} `json:"function"`
			} `json:"tool_calls"`
		} `json:"delta"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage *PlainUsage `json:"usage"`
}

// PlainUsage is the usage of PlainChunk and PlainCompletion.
type PlainUsage struct {
	PromptTokens        int `json:"prompt_tokens"`
	CompletionTokens    int `json:"completion_tokens"`
	TotalTokens         int `json:"total_tokens"`
	PromptTokensDetails struct {
		CachedTokens int `json:"cached_tokens"`
	} `json:"prompt_tokens_details"`
	CompletionTokensDetails struct {
		ReasoningTokens int `json:"reasoning_tokens"`
	} `json:"completion_tokens_details"`
}

func (o *Observed) observePlain(c *PlainChunk) {
	o.Chunks++
	for _, ch := range c.Choices {
		o.ContentBytes += len(ch.Delta.Content)
		o.ReasoningBytes += len(ch.Delta.ReasoningContent)
		for _, tc := range ch.Delta.ToolCalls {
			o.ArgumentBytes += len(tc.Function.Arguments)
			if tc.Function.Name != "" {
				o.ToolName = tc.Function.Name
			}
		}
	}
	if c.Usage != nil {
		o.TotalTokens = int64(c.Usage.TotalTokens)
	}
}

// PlainCompletion is the completion as a plain struct.
type PlainCompletion struct {
	ID      string `json:"id"`
	Created int64  `json:"created"`
	Model   string `json:"model"`
	Choices []struct {
		Index   int `json:"index"`
		Message struct {
			Role             string `json:"role"`
			Content          string `json:"content"`
			ReasoningContent string `json:"reasoning_content"`
			ToolCalls        []struct {
				Index    int    `json:"index"`
				ID       string `json:"id"`
				Type     string `json:"type"`
				Function struct {
					Name      string `json:"name"`
					Arguments string `json:"arguments"`
				} `json:"function"`
			} `json:"tool_calls"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage PlainUsage `json:"usage"`
}

// PlainMessage is a chat message as a plain struct.
type PlainMessage struct {
	Role             string          `json:"role"`
	Content          string          `json:"content,omitempty"`
	ReasoningContent string          `json:"reasoning_content,omitempty"`
	ToolCalls        []zai.ToolCall  `json:"tool_calls,omitempty"`
	ToolCallID       string          `json:"tool_call_id,omitempty"`
	Extra            json.RawMessage `json:"-"`
}

// PlainRequest is the chat request as a plain struct.
type PlainRequest struct {
	Model    string         `json:"model"`
	Messages []PlainMessage `json:"messages"`
	Tools    []zai.Tool     `json:"tools,omitempty"`
	Stream   bool           `json:"stream,omitempty"`
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

// ZaiRequest is the request zai sends.
func ZaiRequest() zai.ChatCompletionRequest {
	return zai.ChatCompletionRequest{
		Model:    Model,
		Messages: []zai.Message{zai.SystemMessage(system), zai.UserMessage(question)},
		Tools:    []zai.Tool{zai.FunctionTool("weather", "Get the weather", params)},
	}
}

func plainRequest(stream bool) PlainRequest {
	return PlainRequest{Model: Model, Messages: []PlainMessage{{Role: "system", Content: system}, {Role: "user", Content: question}},
		Tools: []zai.Tool{zai.FunctionTool("weather", "Get the weather", params)}, Stream: stream}
}

func openaiParams() openai.ChatCompletionNewParams {
	return openai.ChatCompletionNewParams{
		Model:    Model,
		Messages: []openai.ChatCompletionMessageParamUnion{openai.SystemMessage(system), openai.UserMessage(question)},
		Tools: []openai.ChatCompletionToolUnionParam{openai.ChatCompletionFunctionTool(openai.FunctionDefinitionParam{
			Name: "weather", Description: openai.String("Get the weather"), Parameters: params,
		})},
	}
}

func goopenaiRequest(stream bool) goopenai.ChatCompletionRequest {
	return goopenai.ChatCompletionRequest{
		Model: Model,
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

// HTTPClient returns a keep-alive client with the default transport
// settings, and the function that closes its idle connections.
func HTTPClient() (*http.Client, func()) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	return &http.Client{Transport: t}, t.CloseIdleConnections
}

// Op is one operation of a contender: one stream read to the end, one
// completion, one encoded request.
type Op func(ctx context.Context) error

// Contender is a client under test in one scenario.
type Contender struct {
	Name  string
	Op    Op
	Close func()
}

// Unmarshaler decodes JSON into a value: encoding/json, go-json, json/v2.
type Unmarshaler struct {
	Name      string
	Unmarshal func([]byte, any) error
}

// Unmarshalers are the plain-struct decoders; json/v2 adds itself when
// built with GOEXPERIMENT=jsonv2.
var Unmarshalers = []Unmarshaler{
	{"encoding/json", json.Unmarshal},
	{"go-json", gojson.Unmarshal},
}

func mismatch(name string, got, want any) error {
	return fmt.Errorf("%s: got %+v, want %+v", name, got, want)
}

// StreamContenders returns every contender for one stream scenario.
func (f *Fixture) StreamContenders(s *StreamScenario) []Contender {
	base := f.URL("s", s.Name)
	var out []Contender

	hc, closeZai := HTTPClient()
	client, err := zai.NewClient(zai.WithAPIKey("bench-key"), zai.WithBaseURL(base+"/api/paas/v4"), zai.WithHTTPClient(hc))
	if err != nil {
		panic(err)
	}
	req := ZaiRequest()
	out = append(out, Contender{Name: "zai", Close: closeZai, Op: func(ctx context.Context) error {
		stream, err := client.Chat.Completions.CreateStream(ctx, req)
		if err != nil {
			return err
		}
		defer stream.Close()
		var got Observed
		for stream.Next() {
			c := stream.Current()
			got.observe(&c)
		}
		if err := stream.Err(); err != nil {
			return err
		}
		if got != s.Want {
			return mismatch("zai", got, s.Want)
		}
		return nil
	}})

	hc2, close2 := HTTPClient()
	oc := openai.NewClient(option.WithAPIKey("bench-key"), option.WithBaseURL(base+"/v1/"), option.WithHTTPClient(hc2))
	p := openaiParams()
	out = append(out, Contender{Name: "openai-go", Close: close2, Op: func(ctx context.Context) error {
		stream := oc.Chat.Completions.NewStreaming(ctx, p)
		defer stream.Close()
		var got Observed
		for stream.Next() {
			c := stream.Current()
			got.Chunks++
			for _, ch := range c.Choices {
				got.ContentBytes += len(ch.Delta.Content)
				for _, tc := range ch.Delta.ToolCalls {
					got.ArgumentBytes += len(tc.Function.Arguments)
					if tc.Function.Name != "" {
						got.ToolName = tc.Function.Name
					}
				}
			}
			if c.Usage.TotalTokens != 0 {
				got.TotalTokens = c.Usage.TotalTokens
			}
		}
		if err := stream.Err(); err != nil {
			return err
		}
		got.ReasoningBytes = s.Want.ReasoningBytes // openai-go does not model reasoning_content
		if got != s.Want {
			return mismatch("openai-go", got, s.Want)
		}
		return nil
	}})

	hc3, close3 := HTTPClient()
	cfg := goopenai.DefaultConfig("bench-key")
	cfg.BaseURL = base + "/v1"
	cfg.HTTPClient = hc3
	gc := goopenai.NewClientWithConfig(cfg)
	greq := goopenaiRequest(true)
	out = append(out, Contender{Name: "go-openai", Close: close3, Op: func(ctx context.Context) error {
		stream, err := gc.CreateChatCompletionStream(ctx, greq)
		if err != nil {
			return err
		}
		defer stream.Close()
		var got Observed
		for {
			c, err := stream.Recv()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
			got.Chunks++
			for _, ch := range c.Choices {
				got.ContentBytes += len(ch.Delta.Content)
				got.ReasoningBytes += len(ch.Delta.ReasoningContent)
				for _, tc := range ch.Delta.ToolCalls {
					got.ArgumentBytes += len(tc.Function.Arguments)
					if tc.Function.Name != "" {
						got.ToolName = tc.Function.Name
					}
				}
			}
			if c.Usage != nil {
				got.TotalTokens = int64(c.Usage.TotalTokens)
			}
		}
		if got != s.Want {
			return mismatch("go-openai", got, s.Want)
		}
		return nil
	}})

	for _, u := range Unmarshalers {
		out = append(out, f.plainStream(s, u))
	}
	return out
}

// plainStream is a hand-written request whose body is split into lines by
// hand, each data line decoded into PlainChunk by u.
func (f *Fixture) plainStream(s *StreamScenario, u Unmarshaler) Contender {
	hc, closeFn := HTTPClient()
	body, _ := json.Marshal(plainRequest(true))
	url := f.URL("s", s.Name) + "/api/paas/v4/chat/completions"
	br := bufio.NewReaderSize(nil, 64<<10)
	return Contender{Name: "plain " + u.Name, Close: closeFn, Op: func(ctx context.Context) error {
		resp, err := post(ctx, hc, url, body, "text/event-stream")
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		br.Reset(resp.Body)
		var got Observed
		for {
			line, err := br.ReadSlice('\n')
			if payload, ok := bytes.CutPrefix(line, []byte("data: ")); ok {
				payload = bytes.TrimRight(payload, "\n")
				if string(payload) == "[DONE]" {
					// Read to the end so the connection goes back to the
					// pool, as a careful hand-written client would.
					io.Copy(io.Discard, br)
					break
				}
				var c PlainChunk
				if err := u.Unmarshal(payload, &c); err != nil {
					return err
				}
				got.observePlain(&c)
			}
			if err != nil {
				return err
			}
		}
		if got != s.Want {
			return mismatch(u.Name, got, s.Want)
		}
		return nil
	}}
}

func post(ctx context.Context, hc *http.Client, url string, body []byte, accept string) (*http.Response, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer bench-key")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", accept)
	resp, err := hc.Do(req)
	if err == nil && resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, errors.New(resp.Status)
	}
	return resp, err
}

// CreateContenders returns the contenders for one completion: name "small"
// (the recorded tool call) or "large" (about 100 KB of content).
func (f *Fixture) CreateContenders(name string) []Contender {
	base := f.URL("s", name)
	var want PlainCompletion
	if name == "large" {
		json.Unmarshal(f.Large, &want)
	} else {
		json.Unmarshal(f.Completion, &want)
	}
	wantLen := len(want.Choices[0].Message.Content)
	check := func(who, tool string, n int) error {
		if tool != "weather" || n != wantLen {
			return fmt.Errorf("%s: tool %q, %d content bytes, want %d", who, tool, n, wantLen)
		}
		return nil
	}
	var out []Contender
	hc, c1 := HTTPClient()
	client, _ := zai.NewClient(zai.WithAPIKey("bench-key"), zai.WithBaseURL(base+"/api/paas/v4"), zai.WithHTTPClient(hc))
	req := ZaiRequest()
	out = append(out, Contender{Name: "zai", Close: c1, Op: func(ctx context.Context) error {
		c, err := client.Chat.Completions.Create(ctx, req)
		if err != nil {
			return err
		}
		m := c.Choices[0].Message
		return check("zai", m.ToolCalls[0].Function.Name, len(m.Content))
	}})
	hc2, c2 := HTTPClient()
	oc := openai.NewClient(option.WithAPIKey("bench-key"), option.WithBaseURL(base+"/v1/"), option.WithHTTPClient(hc2))
	p := openaiParams()
	out = append(out, Contender{Name: "openai-go", Close: c2, Op: func(ctx context.Context) error {
		c, err := oc.Chat.Completions.New(ctx, p)
		if err != nil {
			return err
		}
		m := c.Choices[0].Message
		return check("openai-go", m.ToolCalls[0].Function.Name, len(m.Content))
	}})
	hc3, c3 := HTTPClient()
	cfg := goopenai.DefaultConfig("bench-key")
	cfg.BaseURL = base + "/v1"
	cfg.HTTPClient = hc3
	gc := goopenai.NewClientWithConfig(cfg)
	greq := goopenaiRequest(false)
	out = append(out, Contender{Name: "go-openai", Close: c3, Op: func(ctx context.Context) error {
		c, err := gc.CreateChatCompletion(ctx, greq)
		if err != nil {
			return err
		}
		m := c.Choices[0].Message
		return check("go-openai", m.ToolCalls[0].Function.Name, len(m.Content))
	}})
	for _, u := range Unmarshalers {
		hc, cl := HTTPClient()
		url := base + "/api/paas/v4/chat/completions"
		preq := plainRequest(false)
		out = append(out, Contender{Name: "plain " + u.Name, Close: cl, Op: func(ctx context.Context) error {
			body, err := json.Marshal(preq)
			if err != nil {
				return err
			}
			resp, err := post(ctx, hc, url, body, "application/json")
			if err != nil {
				return err
			}
			raw, err := readAll(resp)
			resp.Body.Close()
			if err != nil {
				return err
			}
			var c PlainCompletion
			if err := u.Unmarshal(raw, &c); err != nil {
				return err
			}
			m := c.Choices[0].Message
			return check(u.Name, m.ToolCalls[0].Function.Name, len(m.Content))
		}})
	}
	return out
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

// captureTransport answers every request with the small completion, after
// reading the body: it isolates the cost of building and encoding a
// request from the network.
type captureTransport struct {
	resp []byte
	n    atomic.Int64 // body bytes seen
}

func (t *captureTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	n, err := io.Copy(io.Discard, r.Body)
	r.Body.Close()
	if err != nil {
		return nil, err
	}
	t.n.Store(n)
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(t.resp)), ContentLength: int64(len(t.resp)), Request: r}, nil
}

// EncodeContenders send the long history through a transport that answers
// at once: zai, zai with WithExtraBody, and encoding/json of a plain struct
// through the same transport.
func (f *Fixture) EncodeContenders() []Contender {
	var out []Contender
	for _, extra := range []bool{false, true} {
		t := &captureTransport{resp: f.Completion}
		opts := []zai.Option{zai.WithAPIKey("bench-key"), zai.WithBaseURL("http://127.0.0.1:1/api/paas/v4"), zai.WithHTTPClient(&http.Client{Transport: t})}
		name := "zai"
		if extra {
			name = "zai WithExtraBody"
			opts = append(opts, zai.WithExtraBody(map[string]any{"thinking": map[string]any{"type": "enabled"}, "user_id": "bench-user"}))
		}
		client, _ := zai.NewClient(opts...)
		req := zai.ChatCompletionRequest{Model: Model, Messages: f.History}
		out = append(out, Contender{Name: name, Close: func() {}, Op: func(ctx context.Context) error {
			_, err := client.Chat.Completions.Create(ctx, req)
			if err == nil && t.n.Load() < 150_000 {
				err = fmt.Errorf("body of %d bytes", t.n.Load())
			}
			return err
		}})
	}
	plain := PlainRequest{Model: Model}
	for _, m := range f.History {
		plain.Messages = append(plain.Messages, PlainMessage{Role: string(m.Role), Content: m.Content, ReasoningContent: m.ReasoningContent, ToolCalls: m.ToolCalls, ToolCallID: m.ToolCallID})
	}
	t := &captureTransport{resp: f.Completion}
	hc := &http.Client{Transport: t}
	out = append(out, Contender{Name: "plain encoding/json", Close: func() {}, Op: func(ctx context.Context) error {
		body, err := json.Marshal(plain)
		if err != nil {
			return err
		}
		resp, err := post(ctx, hc, "http://127.0.0.1:1/api/paas/v4/chat/completions", body, "application/json")
		if err != nil {
			return err
		}
		raw, err := readAll(resp)
		resp.Body.Close()
		if err != nil {
			return err
		}
		var c PlainCompletion
		return json.Unmarshal(raw, &c)
	}})
	return out
}

// TTFBContenders measure the time to the first chunk of a stream whose
// server sends one event and then waits: zai's CreateStream and Next
// against a raw net/http POST reading the first SSE data line.
func (f *Fixture) TTFBContenders() []Contender {
	base := f.URL("ttfb", "recorded")
	hc, c1 := HTTPClient()
	client, _ := zai.NewClient(zai.WithAPIKey("bench-key"), zai.WithBaseURL(base+"/api/paas/v4"), zai.WithHTTPClient(hc))
	req := ZaiRequest()
	hc2, c2 := HTTPClient()
	body, _ := json.Marshal(plainRequest(true))
	url := base + "/api/paas/v4/chat/completions"
	return []Contender{
		{Name: "zai", Close: c1, Op: func(ctx context.Context) error {
			stream, err := client.Chat.Completions.CreateStream(ctx, req)
			if err != nil {
				return err
			}
			defer stream.Close()
			if !stream.Next() {
				return fmt.Errorf("no first chunk: %v", stream.Err())
			}
			return nil
		}},
		{Name: "raw net/http", Close: c2, Op: func(ctx context.Context) error {
			resp, err := post(ctx, hc2, url, body, "text/event-stream")
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			line, err := bufio.NewReader(resp.Body).ReadSlice('\n')
			if !bytes.HasPrefix(line, []byte("data: {")) {
				return fmt.Errorf("first line %q: %v", line, err)
			}
			return nil
		}},
	}
}

// ConnsPer runs op n times in sequence and returns the TCP connections the
// server accepted meanwhile.
func (f *Fixture) ConnsPer(ctx context.Context, n int, op Op) (int64, error) {
	before := f.Conns()
	for range n {
		if err := op(ctx); err != nil {
			return 0, err
		}
	}
	return f.Conns() - before, nil
}

// Sample is one contender's measurement in one round.
type Sample struct {
	NsPerOp, AllocsPerOp, BytesPerOp float64
}

// Result is one contender's samples over all rounds.
type Result struct {
	Name    string
	Samples []Sample
}

// Median returns the median of the samples' field chosen by get.
func (r Result) Median(get func(Sample) float64) float64 {
	v := make([]float64, len(r.Samples))
	for i, s := range r.Samples {
		v[i] = get(s)
	}
	sort.Float64s(v)
	if len(v) == 0 {
		return 0
	}
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// Interleave runs rounds; in each, every contender runs its op for at least
// d (and at least once), starting from a collected heap, in an order that
// rotates from round to round.
func Interleave(ctx context.Context, cs []Contender, rounds int, d time.Duration) ([]Result, error) {
	res := make([]Result, len(cs))
	for i, c := range cs {
		res[i].Name = c.Name
		if err := c.Op(ctx); err != nil { // warm up, and check
			return nil, err
		}
	}
	for round := range rounds {
		for k := range cs {
			i := (k + round) % len(cs)
			s, err := measure(ctx, cs[i].Op, d)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", cs[i].Name, err)
			}
			res[i].Samples = append(res[i].Samples, s)
		}
	}
	return res, nil
}

func measure(ctx context.Context, op Op, d time.Duration) (Sample, error) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	n := 0
	for n == 0 || time.Since(start) < d {
		if err := op(ctx); err != nil {
			return Sample{}, err
		}
		n++
	}
	el := time.Since(start)
	runtime.ReadMemStats(&after)
	return Sample{
		NsPerOp:     float64(el.Nanoseconds()) / float64(n),
		AllocsPerOp: float64(after.Mallocs-before.Mallocs) / float64(n),
		BytesPerOp:  float64(after.TotalAlloc-before.TotalAlloc) / float64(n),
	}, nil
}

// CloseAll closes the contenders' transports.
func CloseAll(cs []Contender) {
	for _, c := range cs {
		c.Close()
	}
}
