package zai_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zai-go/zai"
)

// fail503Twice answers 503, 503, then the recorded completion, with an
// X-Log-Id naming the attempt.
func fail503Twice(completion []byte) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("X-Log-Id", "log-"+strconv.Itoa(n))
		if n <= 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"error":{"code":"500","message":"busy"}}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(completion)
	}
}

func TestMiddlewareSeesEveryAttempt(t *testing.T) {
	var mu sync.Mutex
	var bodies [][]byte
	var statuses []int
	var serverSaw []string
	mw := func(req *http.Request, next zai.MiddlewareNext) (*http.Response, error) {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.Header.Set("X-Attempt-Mark", "mw")
		resp, err := next(req)
		mu.Lock()
		bodies = append(bodies, b)
		if resp != nil {
			statuses = append(statuses, resp.StatusCode)
		}
		mu.Unlock()
		return resp, err
	}
	handler := fail503Twice(toolCompletion(t))
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		mu.Lock()
		serverSaw = append(serverSaw, r.Header.Get("X-Attempt-Mark"))
		mu.Unlock()
		handler(w, r, n)
	}, zai.WithMiddleware(mw))
	c, err := env.client.Chat.Completions.Create(context.Background(), hiReq)
	checkToolCompletion(t, c, err)
	if !slices.Equal(statuses, []int{503, 503, 200}) {
		t.Fatalf("middleware saw statuses %v, want 503 503 200", statuses)
	}
	if len(bodies) != 3 || len(bodies[0]) == 0 || !bytes.Equal(bodies[0], bodies[1]) || !bytes.Equal(bodies[1], bodies[2]) {
		t.Fatalf("bodies differ between attempts: %q", bodies)
	}
	if !slices.Equal(serverSaw, []string{"mw", "mw", "mw"}) {
		t.Fatalf("server saw X-Attempt-Mark %q", serverSaw)
	}
}

func TestMiddlewareOrderAndReplace(t *testing.T) {
	var order []string
	tag := func(name string) zai.Middleware {
		return func(req *http.Request, next zai.MiddlewareNext) (*http.Response, error) {
			order = append(order, name+">")
			resp, err := next(req)
			order = append(order, "<"+name)
			return resp, err
		}
	}
	// The innermost middleware replaces the response the server sent.
	replace := func(req *http.Request, next zai.MiddlewareNext) (*http.Response, error) {
		resp, err := next(req)
		if err != nil {
			return nil, err
		}
		resp.Body.Close()
		resp.Header.Set("X-Replaced", "yes")
		resp.Body = io.NopCloser(bytes.NewReader(toolCompletion(t)))
		resp.ContentLength = -1
		return resp, nil
	}
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"from-server","choices":[]}`)
	}, zai.WithMiddleware(tag("client1"), tag("client2")), zai.WithMiddleware(tag("client3")))
	var resp *http.Response
	c, err := env.client.Chat.Completions.Create(context.Background(), hiReq,
		zai.WithMiddleware(tag("call1")), zai.WithMiddleware(tag("call2"), replace), zai.WithResponseInto(&resp))
	checkToolCompletion(t, c, err)
	want := []string{"client1>", "client2>", "client3>", "call1>", "call2>", "<call2", "<call1", "<client3", "<client2", "<client1"}
	if !slices.Equal(order, want) {
		t.Fatalf("order %v, want %v", order, want)
	}
	if resp == nil || resp.Header.Get("X-Replaced") != "yes" {
		t.Fatalf("WithResponseInto did not get the replaced response: %v", resp)
	}

	// The call's middleware did not leak into the client's.
	order = nil
	if _, err := env.client.Chat.Completions.Create(context.Background(), hiReq); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(order, []string{"client1>", "client2>", "client3>", "<client3", "<client2", "<client1"}) {
		t.Fatalf("plain call ran %v", order)
	}
}

func TestMiddlewareErrorNotRetried(t *testing.T) {
	errLimiter := errors.New("local limiter says no")
	var calls atomic.Int32
	deny := func(req *http.Request, next zai.MiddlewareNext) (*http.Response, error) {
		calls.Add(1)
		return nil, errLimiter
	}
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		t.Error("the server was called")
	}, zai.WithMiddleware(deny))
	_, err := env.client.Chat.Completions.Create(context.Background(), hiReq)
	if err != errLimiter {
		t.Fatalf("err %v (%T), want the middleware's error as it is", err, err)
	}
	if calls.Load() != 1 || len(env.waits()) != 0 {
		t.Fatalf("%d calls, waits %v: a middleware's error was retried", calls.Load(), env.waits())
	}

	// Wrapping ErrRetryable asks for the retries.
	var inner atomic.Int32
	_, err = env.client.Chat.Completions.Create(context.Background(), hiReq, zai.WithMaxRetries(2),
		zai.WithMiddleware(func(req *http.Request, next zai.MiddlewareNext) (*http.Response, error) {
			inner.Add(1)
			return nil, errors.Join(errLimiter, zai.ErrRetryable)
		}))
	// The client's deny runs first, outside: it stops every attempt.
	if err != errLimiter || inner.Load() != 0 {
		t.Fatalf("err %v; inner middleware ran %d times behind the client's deny", err, inner.Load())
	}
	calls.Store(0)
	env2 := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) { t.Error("the server was called") })
	_, err = env2.client.Chat.Completions.Create(context.Background(), hiReq, zai.WithMaxRetries(2),
		zai.WithMiddleware(func(req *http.Request, next zai.MiddlewareNext) (*http.Response, error) {
			calls.Add(1)
			return nil, errors.Join(errLimiter, zai.ErrRetryable)
		}))
	if !errors.Is(err, errLimiter) || calls.Load() != 3 || len(env2.waits()) != 2 {
		t.Fatalf("err %v, %d calls, waits %v; want 3 calls and 2 waits", err, calls.Load(), env2.waits())
	}

	// A transport error passed on (wrapped) is retried as before.
	env3 := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			resetConn(t, w)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(toolCompletion(t))
	}, zai.WithMiddleware(func(req *http.Request, next zai.MiddlewareNext) (*http.Response, error) {
		resp, err := next(req)
		if err != nil {
			return nil, errors.Join(errors.New("via middleware"), err)
		}
		return resp, nil
	}))
	c, err := env3.client.Chat.Completions.Create(context.Background(), hiReq)
	checkToolCompletion(t, c, err)
	if env3.attempts.Load() != 2 {
		t.Fatalf("%d attempts, want 2", env3.attempts.Load())
	}
}

func TestResponseInto(t *testing.T) {
	env := newFaultEnv(t, fail503Twice(toolCompletion(t)))
	var resp *http.Response
	c, err := env.client.Chat.Completions.Create(context.Background(), hiReq, zai.WithResponseInto(&resp))
	checkToolCompletion(t, c, err)
	if resp == nil || resp.StatusCode != 200 || resp.Header.Get("X-Log-Id") != "log-3" {
		t.Fatalf("response %+v, want the third attempt's", resp)
	}

	// On an HTTP error: the last failed attempt.
	env = newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("X-Log-Id", "log-"+strconv.Itoa(n))
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	resp = nil
	_, err = env.client.Chat.Completions.Create(context.Background(), hiReq, zai.WithResponseInto(&resp), zai.WithMaxRetries(1))
	if !errors.Is(err, zai.ErrServer) || resp == nil || resp.StatusCode != 503 || resp.Header.Get("X-Log-Id") != "log-2" {
		t.Fatalf("err %v, response %+v; want the 503 of attempt 2", err, resp)
	}

	// A stream: the response whose body the stream reads.
	events := sseEvents(toolStream(t))
	env = newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("X-Log-Id", "log-stream")
		writeEvents(w, events)
	})
	resp = nil
	stream, err := env.client.Chat.Completions.CreateStream(context.Background(), hiReq, zai.WithResponseInto(&resp))
	if err != nil {
		t.Fatal(err)
	}
	if resp == nil || resp.Header.Get("X-Log-Id") != "log-stream" || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream response %+v", resp)
	}
	if _, err := readAll(stream); err != nil {
		t.Fatal(err)
	}
}

func TestMaxRetryDelayCapsRetryAfter(t *testing.T) {
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n <= 2 {
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(toolCompletion(t))
	}, zai.WithMaxRetryDelay(2*time.Second))
	c, err := env.client.Chat.Completions.Create(context.Background(), hiReq)
	checkToolCompletion(t, c, err)
	if got := env.waits(); !slices.Equal(got, []time.Duration{2 * time.Second, 2 * time.Second}) {
		t.Fatalf("waits %v, want the 30 s Retry-After capped at 2 s", got)
	}
	// The backoff is capped too: 0.5 s, then 1 s capped at 0.7 s.
	env = newFaultEnv(t, fail503Twice(toolCompletion(t)), zai.WithMaxRetryDelay(700*time.Millisecond))
	c, err = env.client.Chat.Completions.Create(context.Background(), hiReq)
	checkToolCompletion(t, c, err)
	if got := env.waits(); !slices.Equal(got, []time.Duration{500 * time.Millisecond, 700 * time.Millisecond}) {
		t.Fatalf("waits %v", got)
	}
	if _, err := zai.NewClient(zai.WithAPIKey("k"), zai.WithMaxRetryDelay(-1)); !errors.Is(err, zai.ErrInvalidRequest) {
		t.Fatalf("negative delay: %v", err)
	}
}
