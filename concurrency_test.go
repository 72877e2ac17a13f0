package zai_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zai-go/zai"
)

// inFlight counts the requests a handler is serving and the most at once.
type inFlight struct{ now, peak atomic.Int32 }

func (f *inFlight) enter() {
	n := f.now.Add(1)
	for p := f.peak.Load(); n > p && !f.peak.CompareAndSwap(p, n); p = f.peak.Load() {
	}
}

func (f *inFlight) leave() { f.now.Add(-1) }

func TestMaxConcurrencyBoundsCallsAndStreams(t *testing.T) {
	completion := toolCompletion(t)
	events := sseEvents(toolStream(t))
	var flight inFlight
	// The first request waits (a while at most) for a second, so the test
	// shows two in flight, not merely one after another.
	second := make(chan struct{})
	var once sync.Once
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		flight.enter()
		defer flight.leave()
		if n == 1 {
			select {
			case <-second:
			case <-time.After(5 * time.Second):
			}
		} else {
			once.Do(func() { close(second) })
		}
		if r.Header.Get("Accept") == "text/event-stream" {
			writeEvents(w, events)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(completion)
	}, zai.WithMaxConcurrency(2))

	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				_, err := env.client.Chat.Completions.Create(context.Background(), hiReq)
				errs <- err
				return
			}
			s, err := env.client.Chat.Completions.CreateStream(context.Background(), hiReq)
			if err == nil {
				_, err = readAll(s)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if p := flight.peak.Load(); p != 2 {
		t.Fatalf("at most %d requests in flight at the server, want 2", p)
	}
}

func TestMaxConcurrencyStreamHoldsSlot(t *testing.T) {
	events := sseEvents(toolStream(t))
	release := make(chan struct{})
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Header.Get("Accept") == "text/event-stream" {
			writeEvents(w, events[:1]) // one chunk, then silence until the test lets go
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(toolCompletion(t))
	}, zai.WithMaxConcurrency(1))
	defer close(release)

	stream, err := env.client.Chat.Completions.CreateStream(context.Background(), hiReq)
	if err != nil {
		t.Fatal(err)
	}
	if !stream.Next() {
		t.Fatal(stream.Err())
	}
	before := env.attempts.Load()

	// The open stream holds the only slot: a call waits until its context
	// ends, and a call cannot bring its own bound (it is refused).
	_, err = env.client.Chat.Completions.Create(context.Background(), hiReq, zai.WithMaxConcurrency(5))
	if !errors.Is(err, zai.ErrInvalidRequest) {
		t.Fatalf("a per-call WithMaxConcurrency: err %v, want ErrInvalidRequest", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = env.client.Chat.Completions.Create(ctx, hiReq)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v, want the context's deadline while waiting for a slot", err)
	}
	if env.attempts.Load() != before {
		t.Fatal("a request reached the server while the stream held the slot")
	}

	stream.Close()
	c, err := env.client.Chat.Completions.Create(context.Background(), hiReq)
	checkToolCompletion(t, c, err)
}

func TestMaxConcurrencyFreesSlotBetweenRetries(t *testing.T) {
	var env *faultEnv
	var during error
	// While the first call sleeps before its retry, a second call must get
	// the only slot.
	sleep := func(ctx context.Context, d time.Duration) error {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_, during = env.client.Chat.Completions.Create(cctx, hiReq, zai.WithMaxRetries(0))
		return nil
	}
	completion := toolCompletion(t)
	env = newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(completion)
	}, zai.WithMaxConcurrency(1), zai.WithTestHooks(sleep, func() float64 { return 0 }, nil))
	c, err := env.client.Chat.Completions.Create(context.Background(), hiReq)
	checkToolCompletion(t, c, err)
	if during != nil {
		t.Fatalf("the call made during the retry wait failed: %v", during)
	}
	if env.attempts.Load() != 3 {
		t.Fatalf("%d attempts, want 3", env.attempts.Load())
	}
}

func TestMaxConcurrencyInvalid(t *testing.T) {
	if _, err := zai.NewClient(zai.WithAPIKey("k"), zai.WithMaxConcurrency(0)); !errors.Is(err, zai.ErrInvalidRequest) {
		t.Fatalf("err %v", err)
	}
}
