package zai_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/zai-go/zai"
)

// panicObserver panics in its attempt hook.
type panicObserver struct{}

func (panicObserver) StartCall(ctx context.Context, _ zai.CallInfo) (context.Context, zai.CallObservation) {
	return ctx, panicObservation{}
}

type panicObservation struct{}

func (panicObservation) Attempt(zai.AttemptEvent) { panic("observer boom") }
func (panicObservation) End(zai.CallEnd)          {}

// recovered runs f and reports whether it panicked.
func recovered(f func()) (panicked bool) {
	defer func() { panicked = recover() != nil }()
	f()
	return false
}

// TestMaxConcurrencySlotSurvivesPanics: with one slot, a call whose
// middleware panics (before or after the round trip), or whose observer
// panics in its attempt hook on a stream, must give its slot back: after
// the recovered panic the next call gets the slot at once.
func TestMaxConcurrencySlotSurvivesPanics(t *testing.T) {
	events := sseEvents(toolStream(t))
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Header.Get("Accept") == "text/event-stream" {
			writeEvents(w, events)
			w.Write(doneEvent)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(toolCompletion(t))
	}, zai.WithMaxConcurrency(1))

	panicBefore := zai.WithMiddleware(func(req *http.Request, next zai.MiddlewareNext) (*http.Response, error) {
		panic("middleware boom")
	})
	panicAfter := zai.WithMiddleware(func(req *http.Request, next zai.MiddlewareNext) (*http.Response, error) {
		resp, err := next(req)
		if err == nil {
			resp.Body.Close()
		}
		panic("middleware boom after the round trip")
	})
	// Each call gives up on waiting for the slot after a while, so that a
	// lost slot fails the test rather than hanging it.
	wait := func() context.Context {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		t.Cleanup(cancel)
		return ctx
	}
	cases := map[string]func(){
		"middleware before the round trip": func() { env.client.Chat.Completions.Create(wait(), hiReq, panicBefore) },
		"middleware after the round trip":  func() { env.client.Chat.Completions.Create(wait(), hiReq, panicAfter) },
		"middleware on a stream": func() {
			s, err := env.client.Chat.Completions.CreateStream(wait(), hiReq, panicAfter)
			if err == nil {
				s.Close()
			}
		},
		"observer attempt hook on a stream": func() {
			s, err := env.client.Chat.Completions.CreateStream(wait(), hiReq, zai.WithObserver(panicObserver{}))
			if err == nil {
				s.Close()
			}
		},
		"observer attempt hook on a call": func() {
			env.client.Chat.Completions.Create(wait(), hiReq, zai.WithObserver(panicObserver{}))
		},
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			if !recovered(f) {
				t.Fatal("the call did not panic")
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			c, err := env.client.Chat.Completions.Create(ctx, hiReq)
			checkToolCompletion(t, c, err)
		})
	}
}

// TestMiddlewareResponseWithoutBody: a middleware that makes up a response
// and forgets its Body gets a clear error, not a nil dereference in the
// core, and the call's slot is free afterwards.
func TestMiddlewareResponseWithoutBody(t *testing.T) {
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(toolCompletion(t))
	}, zai.WithMaxConcurrency(1))
	noBody := zai.WithMiddleware(func(req *http.Request, next zai.MiddlewareNext) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}}, nil
	})
	for _, stream := range []bool{false, true} {
		var err error
		if recovered(func() {
			if stream {
				_, err = env.client.Chat.Completions.CreateStream(context.Background(), hiReq, noBody)
			} else {
				_, err = env.client.Chat.Completions.Create(context.Background(), hiReq, noBody)
			}
		}) {
			t.Fatalf("stream %v: the core panicked on a response without a body", stream)
		}
		if err == nil || !strings.Contains(err.Error(), "nil Body") {
			t.Fatalf("stream %v: err %v, want one that names the nil Body", stream, err)
		}
	}
	if env.attempts.Load() != 0 {
		t.Fatalf("%d requests reached the server", env.attempts.Load())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := env.client.Chat.Completions.Create(ctx, hiReq)
	checkToolCompletion(t, c, err)
}

// TestMaxConcurrencyPerCallRefused: WithMaxConcurrency cannot work for one
// call; given to a method it is a clear error before anything is sent.
func TestMaxConcurrencyPerCallRefused(t *testing.T) {
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(toolCompletion(t))
	})
	_, err := env.client.Chat.Completions.Create(context.Background(), hiReq, zai.WithMaxConcurrency(2))
	if !errors.Is(err, zai.ErrInvalidRequest) || !strings.Contains(err.Error(), "NewClient") {
		t.Fatalf("err %v, want ErrInvalidRequest naming NewClient", err)
	}
	if env.attempts.Load() != 0 {
		t.Fatal("the call was sent")
	}
}
