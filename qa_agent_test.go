package zai_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/zai-go/zai"
)

func qaRequest() zai.QAAgentRequest {
	return zai.QAAgentRequest{Messages: []zai.Message{zai.UserMessage("公司的年假制度是什么？")},
		Retrieval: zai.QAAgentRetrieval{KnowIDs: []string{"123"}}}
}

// qaEvent frames one event of the Q&A agent's stream.
func qaEvent(json string) string { return "data: " + json + "\n\n" }

// The recorded-shape stream decodes into typed events: text, tool call and
// output, and the usage of done; the body ends after done, cleanly.
func TestQAAgentStreamDecodes(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/qa_agent_stream.sse", "text/event-stream;charset=UTF-8"))
	stream, err := client.QAAgent.InvokeStream(ctxb, qaRequest())
	if err != nil {
		t.Fatal(err)
	}
	var got []zai.QAAgentEvent
	for ev, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ev)
	}
	if rec.last(t).Header.Get("Accept") != "text/event-stream" {
		t.Errorf("Accept %q", rec.last(t).Header.Get("Accept"))
	}
	var types []string
	var answer strings.Builder
	for _, ev := range got {
		types = append(types, string(ev.Type))
		if ev.SessionID != "sess-8f3a" {
			t.Errorf("%s: session %q", ev.Type, ev.SessionID)
		}
		if ev.Type == zai.QAAgentEventTypeAnswer {
			answer.WriteString(ev.Text)
		}
	}
	if strings.Join(types, ",") != "session_created,reasoning,thought,tool_call,tool_result,answer,answer,done" {
		t.Fatalf("types %v", types)
	}
	if answer.String() != "Annual leave is 15 days a year." || got[1].Text != "The user asks about annual leave. " || got[2].Text != "I should search the handbook." {
		t.Fatalf("text %q %q %q", answer.String(), got[1].Text, got[2].Text)
	}
	if c := got[3].ToolCall; c == nil || *c != (zai.QAAgentToolCall{CallID: "call_1", ToolName: "knowledge_search", Arguments: `{"query":"annual leave","top_k":8}`}) {
		t.Fatalf("tool call %+v", c)
	}
	want := zai.QAAgentToolOutput{CallID: "call_1", ToolName: "knowledge_search", Status: zai.QAAgentToolStatusSuccess,
		Result: `[{"doc_name":"leave.pdf","text":"Annual leave is 15 days a year."}]`, DurationMS: 137}
	if o := got[4].ToolOutput; o == nil || *o != want || o.Duration() != 137*time.Millisecond {
		t.Fatalf("tool output %+v", o)
	}
	done := got[7]
	wantUsage := zai.Usage{PromptTokens: 812, CompletionTokens: 64, TotalTokens: 876, TotalCalls: 1,
		PromptTokensDetails: zai.PromptTokensDetails{CachedTokens: 128}, CompletionTokensDetails: zai.CompletionTokensDetails{ReasoningTokens: 20}}
	if done.MessageID != "msg-42" || done.Usage == nil || !reflect.DeepEqual(*done.Usage, wantUsage) {
		t.Fatalf("done %+v %+v", done, done.Usage)
	}
	if !strings.HasPrefix(string(done.RawJSON()), `{"type":"done"`) {
		t.Fatalf("raw %s", done.RawJSON())
	}
}

// The request body, every member set, against its golden file; the session
// goes in the X-Session-Id header, not the body.
func TestQAAgentRequestGolden(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/qa_agent_stream.sse", "text/event-stream"))
	req := zai.QAAgentRequest{
		SessionID: "sess-8f3a",
		Messages: []zai.Message{zai.UserMessageParts(zai.TextPart("What is in this picture?"),
			zai.ImageURLPart("https://example.com/a.png"))},
		Retrieval: zai.QAAgentRetrieval{KnowIDs: []string{"123", "456"}, TopK: 8, TopN: 10, EnableRerank: true,
			SimilarityThreshold: zai.Ptr(0.0)},
		Model: zai.ModelGLM5VTurbo, Temperature: zai.Ptr(0.2), MaxSteps: 10, EnableThinking: true,
	}
	stream, err := client.QAAgent.InvokeStream(ctxb, req)
	if err != nil {
		t.Fatal(err)
	}
	stream.Close()
	got := rec.last(t)
	if got.Method != "POST" || got.Path != "/api/zrag/agent/chat" || got.Header.Get("X-Session-Id") != "sess-8f3a" {
		t.Fatalf("%s %s session %q", got.Method, got.Path, got.Header.Get("X-Session-Id"))
	}
	assertGoldenJSON(t, "qa_agent_every_field.json", got.Body)
	assertRoundTrips[zai.QAAgentRequest](t, got.Body)

	// A new session sends no header at all.
	stream, err = client.QAAgent.InvokeStream(ctxb, qaRequest())
	if err != nil {
		t.Fatal(err)
	}
	stream.Close()
	if _, ok := rec.last(t).Header["X-Session-Id"]; ok {
		t.Fatal("an empty session id was sent")
	}
}

// An error event ends the stream as an *APIError (InStream, HTTP 200, the
// event's message), after the events before it; it is never yielded. So
// does an "event: error" frame.
func TestQAAgentErrorEvent(t *testing.T) {
	for name, tt := range map[string]struct {
		last, msg string
	}{
		"type error":   {qaEvent(`{"type":"error","sessionId":"s1","data":{"message":"检索服务不可用"}}`), "检索服务不可用"},
		"event: error": {"event: error\ndata: {\"code\":\"1234\",\"message\":\"网络错误\"}\n\n", "网络错误"},
	} {
		_, client := newRecorder(t, sseHandler(qaEvent(`{"type":"session_created","sessionId":"s1"}`),
			qaEvent(`{"type":"answer","sessionId":"s1","data":"partial"}`), tt.last))
		stream, err := client.QAAgent.InvokeStream(ctxb, qaRequest())
		if err != nil {
			t.Fatal(err)
		}
		var types []zai.QAAgentEventType
		var last error
		for ev, err := range stream.All() {
			if err != nil {
				last = err
				continue
			}
			types = append(types, ev.Type)
		}
		var apiErr *zai.APIError
		if !errors.As(last, &apiErr) || !apiErr.InStream || apiErr.StatusCode != 200 || apiErr.Message != tt.msg || apiErr.RequestID != "log-stream" {
			t.Fatalf("%s: %T %+v", name, last, last)
		}
		if !reflect.DeepEqual(types, []zai.QAAgentEventType{zai.QAAgentEventTypeSessionCreated, zai.QAAgentEventTypeAnswer}) {
			t.Fatalf("%s: events %v", name, types)
		}
	}
}

// A body that stops before done, whether between events or in the middle
// of one, is io.ErrUnexpectedEOF, never a clean end; one that ends right
// after done is clean.
func TestQAAgentStreamCut(t *testing.T) {
	answer := qaEvent(`{"type":"answer","sessionId":"s1","data":"Annual leave"}`)
	done := qaEvent(`{"type":"done","sessionId":"s1","messageId":"m1"}`)
	for name, tt := range map[string]struct {
		events []string
		clean  bool
	}{
		"cut mid-event":     {[]string{answer, `data: {"type":"answer","sessionId":"s1","da`}, false},
		"cut between":       {[]string{answer, answer}, false},
		"cut mid-done":      {[]string{answer, done[:len(done)-10]}, false},
		"ends after done":   {[]string{answer, done}, true},
		"[DONE] after done": {[]string{answer, done, "data: [DONE]\n\n"}, true},
	} {
		_, client := newRecorder(t, sseHandler(tt.events...))
		stream, err := client.QAAgent.InvokeStream(ctxb, qaRequest())
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		var last error
		for _, err := range stream.All() {
			if err != nil {
				last = err
				continue
			}
			n++
		}
		if tt.clean != (last == nil) || !tt.clean && !errors.Is(last, io.ErrUnexpectedEOF) {
			t.Errorf("%s: %v", name, last)
		}
		if n == 0 {
			t.Errorf("%s: no events before the end", name)
		}
	}
}

// The connection reset in the middle of an event (a real socket cut by the
// server) is an error too.
func TestQAAgentConnectionResetMidEvent(t *testing.T) {
	_, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, qaEvent(`{"type":"thought","sessionId":"s1","data":"search"}`)+`data: {"type":"ans`)
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	})
	stream, err := client.QAAgent.InvokeStream(ctxb, qaRequest())
	if err != nil {
		t.Fatal(err)
	}
	if !stream.Next() || stream.Current().Text != "search" {
		t.Fatal(stream.Err())
	}
	if stream.Next() {
		t.Fatalf("an event from a cut body: %+v", stream.Current())
	}
	if stream.Err() == nil {
		t.Fatal("a reset connection ended the stream cleanly")
	}
}

// The stream machinery of chat applies: the idle timeout and the event
// size cap.
func TestQAAgentStreamIdleTimeoutAndEventCap(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	_, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, qaEvent(`{"type":"session_created","sessionId":"s1"}`))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	stream, err := client.QAAgent.InvokeStream(ctxb, qaRequest(), zai.WithStreamIdleTimeout(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if !stream.Next() {
		t.Fatal(stream.Err())
	}
	if stream.Next() || !errors.Is(stream.Err(), zai.ErrTimeout) {
		t.Fatalf("err %v, want ErrTimeout", stream.Err())
	}

	big := qaEvent(`{"type":"answer","sessionId":"s1","data":"` + strings.Repeat("x", 4096) + `"}`)
	_, client = newRecorder(t, sseHandler(big))
	stream, err = client.QAAgent.InvokeStream(context.Background(), qaRequest(), zai.WithMaxStreamEventSize(1024))
	if err != nil {
		t.Fatal(err)
	}
	if stream.Next() || !errors.Is(stream.Err(), zai.ErrStreamEventTooLarge) {
		t.Fatalf("err %v, want ErrStreamEventTooLarge", stream.Err())
	}
}

// A failure answered as the knowledge envelope with HTTP 200, in place of
// the stream, comes back from InvokeStream itself.
func TestQAAgentEnvelopeErrorBeforeStream(t *testing.T) {
	_, client := newRecorder(t, respondJSON(`{"code":401,"message":"知识库无权限"}`))
	stream, err := client.QAAgent.InvokeStream(ctxb, qaRequest())
	var apiErr *zai.APIError
	if stream != nil || !errors.As(err, &apiErr) || apiErr.StatusCode != 200 || apiErr.Code != "401" || apiErr.Message != "知识库无权限" || apiErr.InStream {
		t.Fatalf("%v %+v", stream, err)
	}
}

// BenchmarkQAAgentStream reads a Q&A agent turn of 200 answer events (plus
// a tool call, its output and done) over a loopback socket.
func BenchmarkQAAgentStream(b *testing.B) {
	var body strings.Builder
	body.WriteString(qaEvent(`{"type":"session_created","sessionId":"s1"}`))
	body.WriteString(qaEvent(`{"type":"tool_call","sessionId":"s1","data":{"callId":"c1","toolName":"knowledge_search","arguments":{"query":"annual leave"}}}`))
	body.WriteString(qaEvent(`{"type":"tool_result","sessionId":"s1","data":{"callId":"c1","toolName":"knowledge_search","result":[{"text":"Annual leave is 15 days."}],"status":"success","durationMs":12}}`))
	for range 200 {
		body.WriteString(qaEvent(`{"type":"answer","sessionId":"s1","data":"word "}`))
	}
	body.WriteString(qaEvent(`{"type":"done","sessionId":"s1","messageId":"m1","usage":{"prompt_tokens":10,"completion_tokens":200,"total_tokens":210}}`))
	payload := body.String()
	_, client := newRecorder(b, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, payload)
	})
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		stream, err := client.QAAgent.InvokeStream(ctxb, qaRequest())
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for _, err := range stream.All() {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 204 {
			b.Fatalf("%d events", n)
		}
	}
}
