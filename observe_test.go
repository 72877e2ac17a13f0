package zai_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/zai-go/zai"
)

// recordingObserver keeps every event of every call.
type recordingObserver struct {
	mu    sync.Mutex
	calls []*recordedCall
}

type recordedCall struct {
	info     zai.CallInfo
	attempts []zai.AttemptEvent
	ends     []zai.CallEnd
	chunks   int
}

type ctxKey struct{}

func (o *recordingObserver) StartCall(ctx context.Context, info zai.CallInfo) (context.Context, zai.CallObservation) {
	o.mu.Lock()
	defer o.mu.Unlock()
	c := &recordedCall{info: info}
	o.calls = append(o.calls, c)
	return context.WithValue(ctx, ctxKey{}, "observed"), &recordingObservation{o: o, c: c}
}

func (o *recordingObserver) only(t *testing.T) *recordedCall {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.calls) != 1 {
		t.Fatalf("%d calls observed, want 1", len(o.calls))
	}
	c := o.calls[0]
	if len(c.ends) != 1 {
		t.Fatalf("%d end events, want 1", len(c.ends))
	}
	return c
}

type recordingObservation struct {
	o *recordingObserver
	c *recordedCall
}

func (r *recordingObservation) Attempt(ev zai.AttemptEvent) {
	r.o.mu.Lock()
	defer r.o.mu.Unlock()
	r.c.attempts = append(r.c.attempts, ev)
}

func (r *recordingObservation) End(ev zai.CallEnd) {
	r.o.mu.Lock()
	defer r.o.mu.Unlock()
	r.c.ends = append(r.c.ends, ev)
}

func (r *recordingObservation) Chunk(v any) {
	if _, ok := v.(*zai.ChatCompletionChunk); ok {
		r.c.chunks++ // under the trace's lock
	}
}

func TestObserverStreamedUsage(t *testing.T) {
	data := toolStream(t)
	events := sseEvents(data)
	obs := &recordingObserver{}
	var sawCtx any
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("X-Log-Id", "log-s")
		writeEvents(w, events)
	}, zai.WithObserver(obs), zai.WithMiddleware(func(req *http.Request, next zai.MiddlewareNext) (*http.Response, error) {
		sawCtx = req.Context().Value(ctxKey{})
		return next(req)
	}))
	stream, err := env.client.Chat.Completions.CreateStream(context.Background(), hiReq)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := readAll(stream); err != nil {
		t.Fatal(err)
	}
	if sawCtx != "observed" {
		t.Fatal("the middleware did not get the context StartCall returned")
	}
	c := obs.only(t)
	if c.info.Operation != "chat" || c.info.Model != zai.ModelGLM4_7Flash || !c.info.Stream ||
		c.info.ServerAddress != "127.0.0.1" || c.info.ServerPort == 0 || c.info.Path != "/chat/completions" || len(c.info.Body) == 0 {
		t.Fatalf("info %+v", c.info)
	}
	end := c.ends[0]
	want := zai.CallUsage{InputTokens: 173, OutputTokens: 93, TotalTokens: 266, CachedTokens: 172, ReasoningTokens: 65}
	if end.Usage != want || end.Err != nil || end.Attempts != 1 || end.RequestID != "log-s" || end.StatusCode != 200 ||
		end.ResponseModel != "glm-4.7-flash" || !slices.Equal(end.FinishReasons, []string{"tool_calls"}) ||
		end.TimeToFirstChunk <= 0 || end.Duration < end.TimeToFirstChunk {
		t.Fatalf("end %+v", end)
	}
	if c.chunks != len(data) {
		t.Fatalf("%d chunks observed, the server sent %d", c.chunks, len(data))
	}
}

func TestObserverFailedCall(t *testing.T) {
	body := readFile(t, "testdata/recorded/error_429_1113.json")
	obs := &recordingObserver{}
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Log-Id", "log-1113")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write(body)
	})
	_, err := env.client.Chat.Completions.Create(context.Background(), hiReq, zai.WithObserver(obs))
	if !errors.Is(err, zai.ErrQuotaExceeded) {
		t.Fatal(err)
	}
	c := obs.only(t)
	end := c.ends[0]
	if end.BusinessCode != "1113" || end.Err != err || end.StatusCode != 429 || end.RequestID != "log-1113" || end.Attempts != 1 {
		t.Fatalf("end %+v", end)
	}
	if len(c.attempts) != 1 || c.attempts[0].Retry || c.attempts[0].StatusCode != 429 {
		t.Fatalf("attempts %+v", c.attempts)
	}
}

func TestObserverRetriesAndBufferedUsage(t *testing.T) {
	obs := &recordingObserver{}
	env := newFaultEnv(t, fail503Twice(toolCompletion(t)), zai.WithObserver(obs))
	c, err := env.client.Chat.Completions.Create(context.Background(), hiReq)
	checkToolCompletion(t, c, err)
	rc := obs.only(t)
	if len(rc.attempts) != 3 {
		t.Fatalf("%d attempt events, want 3", len(rc.attempts))
	}
	for i, a := range rc.attempts {
		retry := i < 2
		if a.Number != i+1 || a.Retry != retry || (a.Err != nil) != retry || (retry && (a.StatusCode != 503 || a.Delay <= 0)) {
			t.Fatalf("attempt %d: %+v", i, a)
		}
	}
	end := rc.ends[0]
	if end.Attempts != 3 || end.Usage.InputTokens != 173 || end.Usage.OutputTokens != 88 || end.Usage.CachedTokens != 43 ||
		end.Response != any(c) || end.RequestID != "log-3" || !slices.Equal(end.FinishReasons, []string{"tool_calls"}) {
		t.Fatalf("end %+v", end)
	}
}

func TestObserverClosedStreamEndsOnce(t *testing.T) {
	obs := &recordingObserver{}
	events := sseEvents(toolStream(t))
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) { writeEvents(w, events) }, zai.WithObserver(obs))
	stream, err := env.client.Chat.Completions.CreateStream(context.Background(), hiReq)
	if err != nil {
		t.Fatal(err)
	}
	for range stream.All() {
		break
	}
	stream.Close()
	if end := obs.only(t).ends[0]; end.Err != nil || end.TimeToFirstChunk <= 0 {
		t.Fatalf("end %+v", end)
	}
}
