package core

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type statusErr struct{ status int }

func (e statusErr) Error() string { return fmt.Sprintf("status %d", e.status) }

// testConfig records the delays it is asked to sleep instead of sleeping.
func testConfig(base string, delays *[]time.Duration) *Config {
	return &Config{
		BaseURL:    base,
		MaxRetries: 3,
		Auth:       func() (string, error) { return "Bearer k", nil },
		DecodeError: func(status int, _ http.Header, body []byte) (error, bool) {
			return statusErr{status}, status == 429 || status >= 500
		},
		Sleep: func(_ context.Context, d time.Duration) error {
			*delays = append(*delays, d)
			return nil
		},
		Jitter: func() float64 { return 0 },
	}
}

func TestRetryScheduleAndCount(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	var delays []time.Duration
	c := testConfig(srv.URL, &delays)
	_, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/x", Body: map[string]int{"a": 1}})
	var se statusErr
	if !errors.As(err, &se) || se.status != 503 {
		t.Fatalf("err = %v", err)
	}
	if hits.Load() != 4 {
		t.Fatalf("attempts = %d, want 4 (1 + 3 retries)", hits.Load())
	}
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}
	if fmt.Sprint(delays) != fmt.Sprint(want) {
		t.Fatalf("delays = %v, want %v", delays, want)
	}
}

func TestRetryDelayFormula(t *testing.T) {
	c := &Config{Jitter: func() float64 { return 0.999999 }}
	for attempt, want := range []time.Duration{375 * time.Millisecond, 750 * time.Millisecond, 1500 * time.Millisecond, 3 * time.Second, 6 * time.Second, 6 * time.Second, 6 * time.Second} {
		got := c.retryDelay(attempt, nil)
		if d := got - want; d < -time.Millisecond || d > time.Millisecond {
			t.Errorf("attempt %d: %v, want about %v (max jitter, 8 s cap)", attempt, got, want)
		}
	}
	c.Jitter = func() float64 { return 0 }
	if got := c.retryDelay(40, nil); got != MaxRetryDelay {
		t.Errorf("huge attempt: %v", got)
	}
}

func TestServerDelay(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		h    http.Header
		want time.Duration
		ok   bool
	}{
		{http.Header{"Retry-After": {"2"}}, 2 * time.Second, true},
		{http.Header{"Retry-After": {"0.5"}}, 500 * time.Millisecond, true},
		{http.Header{"Retry-After-Ms": {"250"}, "Retry-After": {"9"}}, 250 * time.Millisecond, true},
		{http.Header{"Retry-After": {now.Add(3 * time.Second).Format(http.TimeFormat)}}, 3 * time.Second, true},
		{http.Header{"Retry-After": {now.Add(-time.Hour).Format(http.TimeFormat)}}, 0, true},
		{http.Header{"Retry-After": {"3600"}}, MaxServerDelay, true},
		{http.Header{"Retry-After": {"soon"}}, 0, false},
		{http.Header{}, 0, false},
	}
	for _, tt := range tests {
		got, ok := ServerDelay(tt.h, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%v: got %v %v, want %v %v", tt.h, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRetryAfterIsUsed(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		io.WriteString(w, `{"ok":true}`)
	}))
	defer srv.Close()
	var delays []time.Duration
	c := testConfig(srv.URL, &delays)
	resp, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/x"})
	if err != nil || string(resp.Body) != `{"ok":true}` {
		t.Fatalf("resp %v err %v", resp, err)
	}
	if len(delays) != 1 || delays[0] != 7*time.Second {
		t.Fatalf("delays = %v, want [7s]", delays)
	}
}

func TestShouldRetryHeader(t *testing.T) {
	for _, tc := range []struct {
		status int
		header string
		want   int32
	}{
		{503, "false", 1},
		{400, "true", 4},
		{400, "", 1},
		{503, "", 4},
	} {
		var hits atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			if tc.header != "" {
				w.Header().Set("x-should-retry", tc.header)
			}
			w.WriteHeader(tc.status)
		}))
		var delays []time.Duration
		_, _ = testConfig(srv.URL, &delays).Do(context.Background(), &Request{Method: "GET", Path: "/"})
		srv.Close()
		if hits.Load() != tc.want {
			t.Errorf("status %d x-should-retry %q: %d attempts, want %d", tc.status, tc.header, hits.Load(), tc.want)
		}
	}
}

func TestBodyReplayedWholeOnEachAttempt(t *testing.T) {
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		if len(bodies) < 3 {
			w.WriteHeader(500)
			return
		}
		io.WriteString(w, "{}")
	}))
	defer srv.Close()
	var delays []time.Duration
	_, err := testConfig(srv.URL, &delays).Do(context.Background(), &Request{Method: "POST", Path: "/", Body: map[string]string{"k": "v"}})
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range bodies {
		if b != `{"k":"v"}` {
			t.Fatalf("attempt %d body %q", i, b)
		}
	}
}

func TestNonReplayableBodyIsNotRetried(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		hits.Add(1)
		w.WriteHeader(503)
	}))
	defer srv.Close()
	var delays []time.Duration
	r := &Request{Method: "POST", Path: "/", ContentType: "application/octet-stream",
		NewBody: func() (io.Reader, error) { return strings.NewReader("data"), nil }}
	_, err := testConfig(srv.URL, &delays).Do(context.Background(), r)
	if err == nil || hits.Load() != 1 {
		t.Fatalf("hits %d err %v; want one attempt", hits.Load(), err)
	}
	hits.Store(0)
	r.Replayable = true
	_, _ = testConfig(srv.URL, &delays).Do(context.Background(), r)
	if hits.Load() != 4 {
		t.Fatalf("replayable body: %d attempts, want 4", hits.Load())
	}
}

func TestAttemptTimeoutRetriedAndTyped(t *testing.T) {
	var hits atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) <= 2 {
			select {
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		io.WriteString(w, "{}")
	}))
	defer srv.Close()
	defer close(release)
	var delays []time.Duration
	c := testConfig(srv.URL, &delays)
	c.RequestTimeout = 50 * time.Millisecond
	if _, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/"}); err != nil {
		t.Fatalf("third attempt should succeed: %v", err)
	}
	if hits.Load() != 3 {
		t.Fatalf("attempts %d", hits.Load())
	}
	hits.Store(0)
	c.MaxRetries = 0
	_, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/"})
	var te *TimeoutError
	if !errors.As(err, &te) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want *TimeoutError matching DeadlineExceeded", err)
	}
}

func TestStreamTimeoutStopsAtHeaders(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		for i := 0; i < 4; i++ {
			time.Sleep(30 * time.Millisecond)
			io.WriteString(w, "data: x\n\n")
			w.(http.Flusher).Flush()
		}
	}))
	defer srv.Close()
	var delays []time.Duration
	c := testConfig(srv.URL, &delays)
	c.RequestTimeout = 50 * time.Millisecond
	resp, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/", Stream: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Reader)
	resp.Reader.Close()
	if err != nil || strings.Count(string(b), "data: x") != 4 {
		t.Fatalf("stream cut after %q: %v", b, err)
	}
}

func TestContextCancelStopsRetries(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	c := testConfig(srv.URL, new([]time.Duration))
	c.Sleep = nil // real, ctx-aware sleep
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	start := time.Now()
	_, err := c.Do(ctx, &Request{Method: "GET", Path: "/"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > 400*time.Millisecond {
		t.Fatalf("waited %v after cancel", time.Since(start))
	}
}

func TestConnectionErrorRetried(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	base := srv.URL
	srv.Close() // nothing listens now
	var delays []time.Duration
	_, err := testConfig(base, &delays).Do(context.Background(), &Request{Method: "GET", Path: "/"})
	if err == nil || len(delays) != 3 {
		t.Fatalf("err %v, %d retries; want 3", err, len(delays))
	}
}

func TestURLQueryHeadersAndExtraBody(t *testing.T) {
	var got *http.Request
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		body, _ = io.ReadAll(r.Body)
		io.WriteString(w, "{}")
	}))
	defer srv.Close()
	var delays []time.Duration
	c := testConfig(srv.URL+"/api/paas/v4/", &delays)
	c.RootURL = srv.URL + "/api"
	c.UserAgent = "zai-go/test"
	c.Header = http.Header{"X-Custom": {"1"}}
	c.ExtraBody = map[string]any{"extra": []int{1}, "model": "override"}
	type q struct {
		Purpose string `url:"purpose,omitempty"`
		Limit   int    `url:"limit,omitempty"`
	}
	_, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/files", Query: q{Purpose: "batch", Limit: 2},
		Body: map[string]any{"model": "m", "n": 1}})
	if err != nil {
		t.Fatal(err)
	}
	if got.URL.Path != "/api/paas/v4/files" || got.URL.RawQuery != "limit=2&purpose=batch" {
		t.Fatalf("url %s", got.URL)
	}
	if got.Header.Get("Authorization") != "Bearer k" || got.Header.Get("User-Agent") != "zai-go/test" ||
		got.Header.Get("X-Custom") != "1" || got.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("headers %v", got.Header)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	if m["model"] != "override" || m["n"] != float64(1) || fmt.Sprint(m["extra"]) != "[1]" {
		t.Fatalf("body %s", body)
	}
	_, err = c.Do(context.Background(), &Request{Method: "POST", Path: "/v1/agents", Root: true, Query: url.Values{"a": {"b"}}})
	if err != nil || got.URL.Path != "/api/v1/agents" || got.URL.RawQuery != "a=b" {
		t.Fatalf("agents url %s err %v", got.URL, err)
	}
}

// A 2xx whose body breaks off is not sent again: the server did the work.
func TestBrokenSuccessBodyNotRetried(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Length", "100")
		io.WriteString(w, `{"id":"1","cho`)
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	}))
	defer srv.Close()
	var delays []time.Duration
	_, err := testConfig(srv.URL, &delays).Do(context.Background(), &Request{Method: "POST", Path: "/chat/completions", Body: map[string]int{"a": 1}})
	if err == nil || hits.Load() != 1 {
		t.Fatalf("err %v after %d attempts; want one attempt and an error", err, hits.Load())
	}
}
