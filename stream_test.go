package zai_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zai-go/zai"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var hiReq = zai.ChatCompletionRequest{Model: zai.ModelGLM4_7Flash, Messages: []zai.Message{zai.UserMessage("hi")}}

// sseHandler writes events one by one, flushing each.
func sseHandler(events ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("X-Log-Id", "log-stream")
		for _, e := range events {
			io.WriteString(w, e)
			w.(http.Flusher).Flush()
		}
	}
}

func chunk(content string) string {
	return fmt.Sprintf("data: {\"id\":\"1\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":%q}}]}\n\n", content)
}

const finalChunk = "data: {\"id\":\"1\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"delta\":{\"content\":\"\"}}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}\n\n"

func TestStreamRecordedToolStreaming(t *testing.T) {
	_, client := newRecorder(t, respondFile(t, "testdata/recorded/chat_tool_streaming.sse", "text/event-stream;charset=UTF-8"))
	stream, err := client.Chat.Completions.CreateStream(context.Background(), hiReq)
	if err != nil {
		t.Fatal(err)
	}
	if stream.RequestID() != "log-123" {
		t.Fatalf("request id %q", stream.RequestID())
	}
	var acc zai.ChatCompletionAccumulator
	var reasoning strings.Builder
	n := 0
	for c, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		n++
		acc.Add(c)
		reasoning.WriteString(c.Choices[0].Delta.ReasoningContent)
		if c.Object != "chat.completion.chunk" || c.ID != "20260313050307df155ecf3e9f4961" || len(c.RawJSON()) == 0 {
			t.Fatalf("chunk %d: %+v", n, c)
		}
	}
	raw := readFile(t, "testdata/recorded/chat_tool_streaming.sse")
	if want := bytes.Count(raw, []byte("data: {")); n != want {
		t.Fatalf("read %d chunks, the recording has %d", n, want)
	}
	got := acc.Completion()
	msg := got.Choices[0].Message
	if got.Choices[0].FinishReason != zai.FinishReasonToolCalls || len(msg.ToolCalls) != 1 {
		t.Fatalf("%+v", got.Choices[0])
	}
	tc := msg.ToolCalls[0]
	if tc.ID != "call_3532c842716b4c72a7dd7498" || tc.Function.Name != "weather" || tc.Function.Arguments != `{"location":"Florence,Italy"}` {
		t.Fatalf("tool call %+v", tc)
	}
	if msg.ReasoningContent != reasoning.String() || !strings.HasPrefix(msg.ReasoningContent, "The user is asking") {
		t.Fatalf("reasoning %q", msg.ReasoningContent)
	}
	if got.Usage.TotalTokens != 266 || got.Usage.PromptTokensDetails.CachedTokens != 172 || got.Usage.CompletionTokensDetails.ReasoningTokens != 65 {
		t.Fatalf("usage %+v", got.Usage)
	}
}

func TestStreamEndsWithoutDoneAfterFinishReason(t *testing.T) {
	_, client := newRecorder(t, sseHandler(chunk("a"), finalChunk))
	stream, err := client.Chat.Completions.CreateStream(context.Background(), hiReq)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for stream.Next() {
		n++
	}
	if stream.Err() != nil || n != 2 {
		t.Fatalf("n %d err %v", n, stream.Err())
	}
}

func TestStreamTruncated(t *testing.T) {
	for name, events := range map[string][]string{
		"no [DONE] and no finish reason": {chunk("a"), chunk("b")},
		"cut in the middle of an event":  {chunk("a"), "data: {\"id\":\"1\",\"choi"},
	} {
		t.Run(name, func(t *testing.T) {
			_, client := newRecorder(t, sseHandler(events...))
			stream, err := client.Chat.Completions.CreateStream(context.Background(), hiReq)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			var last error
			for c, err := range stream.All() {
				if err != nil {
					last = err
					continue
				}
				got = append(got, c.Choices[0].Delta.Content)
			}
			if !errors.Is(last, io.ErrUnexpectedEOF) {
				t.Fatalf("err = %v, want io.ErrUnexpectedEOF", last)
			}
			if strings.Join(got, "") != "ab"[:len(got)] || len(got) == 0 {
				t.Fatalf("chunks before the failure: %q", got)
			}
		})
	}
}

func TestStreamInStreamErrors(t *testing.T) {
	for name, ev := range map[string]string{
		"error payload": "data: {\"error\":{\"code\":\"1301\",\"message\":\"unsafe content\"}}\n\n",
		"error event":   "event: error\ndata: {\"error\":{\"code\":\"1301\",\"message\":\"unsafe content\"}}\n\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, client := newRecorder(t, sseHandler(chunk("a"), ev, chunk("never")))
			stream, err := client.Chat.Completions.CreateStream(context.Background(), hiReq)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for stream.Next() {
				n++
			}
			var apiErr *zai.APIError
			if !errors.As(stream.Err(), &apiErr) || !apiErr.InStream || apiErr.Code != "1301" || apiErr.StatusCode != 200 ||
				apiErr.Message != "unsafe content" || apiErr.RequestID != "log-stream" || n != 1 {
				t.Fatalf("n %d err %#v", n, stream.Err())
			}
			if !errors.Is(stream.Err(), zai.ErrContentFiltered) {
				t.Fatal("1301 in a stream should be ErrContentFiltered")
			}
		})
	}
}

func TestStreamContentMentioningErrorIsNotAnError(t *testing.T) {
	_, client := newRecorder(t, sseHandler(chunk(`"error"`), chunk("error"), finalChunk, "data: [DONE]\n\n"))
	stream, err := client.Chat.Completions.CreateStream(context.Background(), hiReq)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for stream.Next() {
		n++
	}
	if stream.Err() != nil || n != 3 {
		t.Fatalf("n %d err %v", n, stream.Err())
	}
}

func TestStreamHTTPErrorReturnedByCreateStream(t *testing.T) {
	rec, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(400)
		io.WriteString(w, `{"error":{"code":"1211","message":"Unknown Model, please check the model code."}}`)
	})
	stream, err := client.Chat.Completions.CreateStream(context.Background(), hiReq)
	var apiErr *zai.APIError
	if stream != nil || !errors.As(err, &apiErr) || apiErr.Code != "1211" || apiErr.InStream {
		t.Fatalf("stream %v err %v", stream, err)
	}
	if len(rec.requests()) != 1 {
		t.Fatal("400 was retried")
	}
}

func TestStreamMalformedEvent(t *testing.T) {
	_, client := newRecorder(t, sseHandler(chunk("a"), "data: {not json}\n\n"))
	stream, _ := client.Chat.Completions.CreateStream(context.Background(), hiReq)
	n := 0
	for stream.Next() {
		n++
	}
	if n != 1 || stream.Err() == nil || !strings.Contains(stream.Err().Error(), "decoding stream event") {
		t.Fatalf("n %d err %v", n, stream.Err())
	}
}

// stallHandler sends one chunk and then holds the connection open.
func stallHandler(release <-chan struct{}) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, chunk("first"))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}
}

func TestStreamCancelStopsReadAtOnce(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	_, client := newRecorder(t, stallHandler(release))
	ctx, cancel := context.WithCancel(context.Background())
	stream, err := client.Chat.Completions.CreateStream(ctx, hiReq)
	if err != nil {
		t.Fatal(err)
	}
	if !stream.Next() {
		t.Fatal(stream.Err())
	}
	time.AfterFunc(30*time.Millisecond, cancel)
	start := time.Now()
	if stream.Next() {
		t.Fatal("Next after cancel")
	}
	if !errors.Is(stream.Err(), context.Canceled) || stream.Err() != context.Canceled {
		t.Fatalf("err %v, want the context's error", stream.Err())
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("read stopped %v after cancel", d)
	}
}

func TestStreamIdleTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	_, client := newRecorder(t, stallHandler(release))
	stream, err := client.Chat.Completions.CreateStream(context.Background(), hiReq, zai.WithStreamIdleTimeout(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if !stream.Next() {
		t.Fatal(stream.Err())
	}
	if stream.Next() {
		t.Fatal("Next returned a value from a stalled stream")
	}
	if !errors.Is(stream.Err(), zai.ErrTimeout) || !errors.Is(stream.Err(), context.DeadlineExceeded) {
		t.Fatalf("err %v, want ErrTimeout", stream.Err())
	}
}

func TestStreamIdleTimeoutDoesNotCutAFlowingStream(t *testing.T) {
	events := make([]string, 0, 12)
	for i := 0; i < 10; i++ {
		events = append(events, chunk("x"))
	}
	events = append(events, finalChunk, "data: [DONE]\n\n")
	slow := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for _, e := range events {
			time.Sleep(20 * time.Millisecond) // whole stream 240 ms, each gap 20 ms
			io.WriteString(w, e)
			w.(http.Flusher).Flush()
		}
	}
	_, client := newRecorder(t, slow)
	stream, err := client.Chat.Completions.CreateStream(context.Background(), hiReq,
		zai.WithStreamIdleTimeout(150*time.Millisecond), zai.WithRequestTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for stream.Next() {
		n++
	}
	if stream.Err() != nil || n != 11 {
		t.Fatalf("n %d err %v", n, stream.Err())
	}
}

func TestStreamCloseFromAnotherGoroutine(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	_, client := newRecorder(t, stallHandler(release))
	stream, err := client.Chat.Completions.CreateStream(context.Background(), hiReq)
	if err != nil {
		t.Fatal(err)
	}
	stream.Next()
	time.AfterFunc(20*time.Millisecond, func() { stream.Close() })
	if stream.Next() {
		t.Fatal("Next after Close")
	}
	if !errors.Is(stream.Err(), zai.ErrStreamClosed) {
		t.Fatalf("err %v", stream.Err())
	}
	if err := stream.Close(); err != nil {
		t.Fatal(err)
	}
	if stream.Close() != nil {
		t.Fatal("Close is not idempotent")
	}
}

func TestStreamNotRetriedAfterFirstEvent(t *testing.T) {
	var hits atomic.Int32
	_, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, chunk("partial"))
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler) // reset the connection mid-stream
	})
	stream, err := client.Chat.Completions.CreateStream(context.Background(), hiReq)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var last error
	for c, err := range stream.All() {
		if err != nil {
			last = err
			break
		}
		got = append(got, c.Choices[0].Delta.Content)
	}
	if last == nil || len(got) != 1 || got[0] != "partial" {
		t.Fatalf("chunks %q err %v", got, last)
	}
	if hits.Load() != 1 {
		t.Fatalf("stream was retried after its first event: %d requests", hits.Load())
	}
}

func TestStreamConnectRetried(t *testing.T) {
	var hits atomic.Int32
	_, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		sseHandler(chunk("ok"), finalChunk, "data: [DONE]\n\n")(w, r)
	})
	stream, err := client.Chat.Completions.CreateStream(context.Background(), hiReq)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	if !stream.Next() || stream.Current().Choices[0].Delta.Content != "ok" || hits.Load() != 3 {
		t.Fatalf("hits %d err %v", hits.Load(), stream.Err())
	}
}

func TestStreamAllBreakCloses(t *testing.T) {
	body := &trackingBody{Reader: strings.NewReader(chunk("a") + chunk("b") + finalChunk)}
	stream := zai.NewStream[zai.ChatCompletionChunk](body)
	for range stream.All() {
		break
	}
	if !body.closed {
		t.Fatal("breaking out of All did not close the body")
	}
}

func TestNewStreamYieldsErrorOnce(t *testing.T) {
	stream := zai.NewStream[zai.ChatCompletionChunk](io.NopCloser(strings.NewReader(chunk("a"))))
	var values, errs int
	for _, err := range stream.All() {
		if err != nil {
			errs++
		} else {
			values++
		}
	}
	if values != 1 || errs != 1 {
		t.Fatalf("values %d errors %d", values, errs)
	}
}

func TestStreamLargeEvents(t *testing.T) {
	big := strings.Repeat("x", 40<<20)
	ev := "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + big + "\"},\"finish_reason\":\"stop\"}]}\n\n"
	_, client := newRecorder(t, sseHandler(ev))

	stream, err := client.Chat.Completions.CreateStream(context.Background(), hiReq)
	if err != nil {
		t.Fatal(err)
	}
	if stream.Next() || !errors.Is(stream.Err(), zai.ErrStreamEventTooLarge) {
		t.Fatalf("40 MiB event under the default cap: err %v", stream.Err())
	}

	stream, err = client.Chat.Completions.CreateStream(context.Background(), hiReq, zai.WithMaxStreamEventSize(64<<20))
	if err != nil {
		t.Fatal(err)
	}
	if !stream.Next() || len(stream.Current().Choices[0].Delta.Content) != len(big) {
		t.Fatalf("40 MiB event with a 64 MiB cap: %v", stream.Err())
	}
	stream.Close()
}

type trackingBody struct {
	io.Reader
	closed bool
}

func (b *trackingBody) Close() error { b.closed = true; return nil }

// TestStreamRecordedTurnTwo streams recorded first turns through the SDK and
// checks that the accumulated assistant message is the one the recording
// client sent back in its second turn.
func TestStreamRecordedTurnTwo(t *testing.T) {
	for _, tc := range []struct{ stream, turn2 string }{
		{"glm45_multi_tool_streaming.sse", "glm45_multi_tool_streaming_turn2_request.json"},
		{"glm45_thinking_streaming.sse", "glm45_thinking_streaming_turn2_request.json"},
	} {
		t.Run(tc.stream, func(t *testing.T) {
			_, client := newRecorder(t, respondFile(t, "testdata/recorded/"+tc.stream, "text/event-stream"))
			stream, err := client.Chat.Completions.CreateStream(context.Background(), hiReq)
			if err != nil {
				t.Fatal(err)
			}
			var acc zai.ChatCompletionAccumulator
			for c, err := range stream.All() {
				if err != nil {
					t.Fatal(err)
				}
				acc.Add(c)
			}
			var next zai.ChatCompletionRequest
			if err := json.Unmarshal(readFile(t, "testdata/recorded/"+tc.turn2), &next); err != nil {
				t.Fatal(err)
			}
			want := next.Messages[2]
			got := acc.Completion().Choices[0]
			if got.FinishReason != zai.FinishReasonToolCalls || got.Message.Content != want.Content || len(got.Message.ToolCalls) != len(want.ToolCalls) {
				t.Fatalf("got %+v\nwant %+v", got.Message, want)
			}
			for i, w := range want.ToolCalls {
				g := got.Message.ToolCalls[i]
				if g.ID != w.ID || g.Index != i || g.Function.Name != w.Function.Name || g.Function.Arguments != w.Function.Arguments {
					t.Errorf("call %d: got %+v, want %+v", i, g, w)
				}
			}
			if acc.Completion().Usage.TotalTokens == 0 || acc.Completion().Choices[0].Message.ReasoningContent == "" {
				t.Fatalf("usage or reasoning lost: %+v", acc.Completion())
			}
		})
	}
}

func TestStreamRecordedWithoutObjectField(t *testing.T) {
	_, client := newRecorder(t, respondFile(t, "testdata/recorded/glm45_simple_streaming.sse", "text/event-stream"))
	stream, _ := client.Chat.Completions.CreateStream(context.Background(), hiReq)
	var acc zai.ChatCompletionAccumulator
	for c, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		acc.Add(c)
	}
	got := acc.Completion()
	if got.Object != "" || got.Model != "glm-4.5" || got.Choices[0].FinishReason != "stop" ||
		!strings.Contains(got.Choices[0].Message.Content, "Olá") || got.Usage.CompletionTokens != 202 {
		t.Fatalf("%+v", got)
	}
}

// A stream request answered with an error envelope and HTTP 200 (JSON, not
// an event stream) returns that error from CreateStream.
func TestStreamJSONErrorWith200(t *testing.T) {
	rec, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		io.WriteString(w, `{"error":{"code":"1113","message":"Insufficient balance"}}`)
	})
	stream, err := client.Chat.Completions.CreateStream(context.Background(), hiReq)
	var apiErr *zai.APIError
	if stream != nil || !errors.As(err, &apiErr) || apiErr.Code != "1113" || apiErr.StatusCode != 200 || !errors.Is(err, zai.ErrQuotaExceeded) {
		t.Fatalf("stream %v err %v", stream, err)
	}
	if len(rec.requests()) != 1 {
		t.Fatal("retried")
	}
}
