package zai_test

// The reliability suite: a loopback server injects one fault per test and
// every call must end with the right result or a typed error, leak no
// goroutine, and deliver exactly the chunks the server sent before the
// fault. Run it alone with: go test -run Reliability .

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/zai-go/zai"
	"go.uber.org/goleak"
)

// faultEnv is a loopback server whose handler sees the attempt number, and
// a client with its own transport that records the waits between retries
// instead of sleeping.
type faultEnv struct {
	srv      *httptest.Server
	client   *zai.Client
	attempts atomic.Int32

	mu     sync.Mutex
	sleeps []time.Duration
}

func newFaultEnv(t *testing.T, handler func(w http.ResponseWriter, r *http.Request, attempt int), opts ...zai.Option) *faultEnv {
	t.Helper()
	return newFaultEnvWith(t, nil, handler, opts...)
}

// newFaultEnvWith lets configure set up the server before it starts.
func newFaultEnvWith(t *testing.T, configure func(*http.Server), handler func(w http.ResponseWriter, r *http.Request, attempt int), opts ...zai.Option) *faultEnv {
	t.Helper()
	// Registered first, so it runs last: after the server and the
	// transport have closed, nothing of this test may still be running.
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })

	env := &faultEnv{}
	env.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		handler(w, r, int(env.attempts.Add(1)))
	}))
	if configure != nil {
		configure(env.srv.Config)
	}
	env.srv.Start()
	transport := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(func() {
		env.srv.Close()
		transport.CloseIdleConnections()
	})
	sleep := func(ctx context.Context, d time.Duration) error {
		env.mu.Lock()
		env.sleeps = append(env.sleeps, d)
		env.mu.Unlock()
		return ctx.Err()
	}
	all := append([]zai.Option{
		zai.WithAPIKey("test-key.secret"),
		zai.WithBaseURL(env.srv.URL + "/api/paas/v4"),
		zai.WithHTTPClient(&http.Client{Transport: transport}),
		zai.WithTestHooks(sleep, func() float64 { return 0 }, nil),
	}, opts...)
	client, err := zai.NewClient(all...)
	if err != nil {
		t.Fatal(err)
	}
	env.client = client
	return env
}

func (e *faultEnv) waits() []time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]time.Duration(nil), e.sleeps...)
}

// resetConn aborts the connection with a TCP RST (SO_LINGER 0), whatever
// has been written on it so far.
func resetConn(t *testing.T, w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

// sseEvents frames recorded chunk data as server-sent events.
func sseEvents(data [][]byte) [][]byte {
	out := make([][]byte, len(data))
	for i, d := range data {
		out[i] = append(append([]byte("data: "), d...), "\n\n"...)
	}
	return out
}

// writeEvents writes and flushes each event.
func writeEvents(w http.ResponseWriter, events [][]byte) {
	w.Header().Set("Content-Type", "text/event-stream")
	for _, ev := range events {
		w.Write(ev)
		w.(http.Flusher).Flush()
	}
}

// readAll reads a stream to its end, returning each chunk's raw data.
func readAll(s *zai.Stream[zai.ChatCompletionChunk]) ([][]byte, error) {
	var got [][]byte
	for c, err := range s.All() {
		if err != nil {
			return got, err
		}
		got = append(got, c.RawJSON())
	}
	return got, nil
}

// sameChunks fails unless got holds exactly want, in order.
func sameChunks(t *testing.T, got, want [][]byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("delivered %d chunks, the server sent %d", len(got), len(want))
	}
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("chunk %d is %s, the server sent %s", i, got[i], want[i])
		}
	}
}

// isConnError reports a transport failure surfaced as *url.Error: the
// connection reset or closed before a response.
func isConnError(err error) bool {
	var ue *url.Error
	return errors.As(err, &ue) &&
		(errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF))
}

// toolStream is the data of the recorded tool-call stream's 81 chunks.
func toolStream(t *testing.T) [][]byte { return recordedEventsOf(t, "chat_tool_streaming.sse") }

var (
	toolCompletion = func(t *testing.T) []byte { return readFile(t, "testdata/recorded/chat_tool.json") }
	doneEvent      = []byte("data: [DONE]\n\n")
)

func checkToolCompletion(t *testing.T, c *zai.ChatCompletion, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != "202603130503035652f6eb725d4b48" || c.Choices[0].Message.ToolCalls[0].Function.Name != "weather" || c.Usage.TotalTokens != 261 {
		t.Fatalf("wrong completion %+v", c)
	}
}

func TestReliabilityResetBeforeHeaders(t *testing.T) {
	completion := toolCompletion(t)
	data := toolStream(t) // the tool-call recording
	events := append(sseEvents(data), doneEvent)

	t.Run("recovers", func(t *testing.T) {
		env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
			switch {
			case n <= 2:
				resetConn(t, w)
			case n == 3:
				w.Header().Set("Content-Type", "application/json")
				w.Write(completion)
			default:
				writeEvents(w, events)
			}
		})
		c, err := env.client.Chat.Completions.Create(context.Background(), hiReq)
		checkToolCompletion(t, c, err)
		if env.attempts.Load() != 3 || len(env.waits()) != 2 {
			t.Fatalf("%d attempts, %d waits; want 3 and 2", env.attempts.Load(), len(env.waits()))
		}
		stream, err := env.client.Chat.Completions.CreateStream(context.Background(), hiReq)
		if err != nil {
			t.Fatal(err)
		}
		got, err := readAll(stream)
		if err != nil {
			t.Fatal(err)
		}
		sameChunks(t, got, data)
	})

	t.Run("gives up", func(t *testing.T) {
		env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) { resetConn(t, w) })
		_, err := env.client.Chat.Completions.Create(context.Background(), hiReq, zai.WithMaxRetries(2))
		t.Logf("err: %v", err)
		if !isConnError(err) {
			t.Fatalf("err %v (%T), want a connection error", err, err)
		}
		if env.attempts.Load() != 3 {
			t.Fatalf("%d attempts, want 3", env.attempts.Load())
		}
		_, err = env.client.Chat.Completions.CreateStream(context.Background(), hiReq, zai.WithMaxRetries(0))
		if !isConnError(err) {
			t.Fatalf("stream err %v (%T), want a connection error", err, err)
		}
	})
}

func TestReliabilityResetMidStream(t *testing.T) {
	data := toolStream(t)
	events := sseEvents(data)
	const k = 30
	half := events[k][:len(events[k])/2]

	for _, tc := range []struct {
		name  string
		abort func(t *testing.T, w http.ResponseWriter)
		want  func(error) bool
	}{
		{"RST after half an event", func(t *testing.T, w http.ResponseWriter) {
			w.Write(half)
			w.(http.Flusher).Flush()
			resetConn(t, w)
		}, func(err error) bool {
			return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF)
		}},
		{"FIN inside an event", func(t *testing.T, w http.ResponseWriter) {
			w.Write(half)
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		}, func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			consumed := make(chan struct{})
			env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
				writeEvents(w, events[:k])
				// Abort only once the client has read the k chunks, so
				// what it must have delivered is known exactly.
				select {
				case <-consumed:
				case <-r.Context().Done():
					return
				}
				tc.abort(t, w)
			})
			stream, err := env.client.Chat.Completions.CreateStream(context.Background(), hiReq)
			if err != nil {
				t.Fatal(err)
			}
			var got [][]byte
			for len(got) < k && stream.Next() {
				c := stream.Current()
				got = append(got, c.RawJSON())
			}
			close(consumed)
			rest, err := readAll(stream)
			got = append(got, rest...)
			sameChunks(t, got, data[:k])
			t.Logf("err: %v", err)
			if err == nil || !tc.want(err) {
				t.Fatalf("err %v (%T)", err, err)
			}
			if env.attempts.Load() != 1 {
				t.Fatalf("a stream that had delivered chunks was retried: %d attempts", env.attempts.Load())
			}
		})
	}
}

func TestReliability5xxThenSuccess(t *testing.T) {
	completion := toolCompletion(t)
	statuses := []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable}
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n <= len(statuses) {
			w.WriteHeader(statuses[n-1])
			io.WriteString(w, `{"error":{"code":"500","message":"Internal error"}}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(completion)
	})
	c, err := env.client.Chat.Completions.Create(context.Background(), hiReq)
	checkToolCompletion(t, c, err)
	// Jitter is pinned to 0: the documented 0.5 s, 1 s, 2 s schedule.
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}
	if got := env.waits(); len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("waits %v, want %v", got, want)
	}

	// Always failing: the last 5xx, typed, after 1 + 3 attempts.
	env = newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("X-Log-Id", "log-5xx")
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	_, err = env.client.Chat.Completions.Create(context.Background(), hiReq)
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, zai.ErrServer) || apiErr.StatusCode != 503 || apiErr.RequestID != "log-5xx" {
		t.Fatalf("err %v", err)
	}
	if env.attempts.Load() != 4 {
		t.Fatalf("%d attempts, want 4", env.attempts.Load())
	}
}

func TestReliability429RetryAfter(t *testing.T) {
	completion := toolCompletion(t)
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"error":{"code":"1302","message":"High concurrency usage of this API, please reduce concurrency or contact customer service to increase limits"}}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(completion)
	})
	c, err := env.client.Chat.Completions.Create(context.Background(), hiReq)
	checkToolCompletion(t, c, err)
	if got := env.waits(); len(got) != 1 || got[0] != 7*time.Second {
		t.Fatalf("waits %v, want the server's 7s", got)
	}
}

func TestReliability429Quota1113(t *testing.T) {
	body := readFile(t, "testdata/recorded/error_429_1113.json")
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write(body)
	})
	for _, stream := range []bool{false, true} {
		var err error
		if stream {
			_, err = env.client.Chat.Completions.CreateStream(context.Background(), hiReq)
		} else {
			_, err = env.client.Chat.Completions.Create(context.Background(), hiReq)
		}
		var apiErr *zai.APIError
		if !errors.As(err, &apiErr) || !errors.Is(err, zai.ErrQuotaExceeded) || errors.Is(err, zai.ErrRateLimited) || apiErr.Code != "1113" {
			t.Fatalf("stream=%v: err %v, want ErrQuotaExceeded with code 1113", stream, err)
		}
	}
	if env.attempts.Load() != 2 || len(env.waits()) != 0 {
		t.Fatalf("1113 was retried: %d attempts, waits %v", env.attempts.Load(), env.waits())
	}
}

func TestReliabilityStalledStream(t *testing.T) {
	data := toolStream(t)
	events := sseEvents(data)
	const k = 10
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeEvents(w, events[:k])
		<-r.Context().Done() // stall until the client goes away
	})

	// Idle timeout: the stream ends typed, with the chunks sent.
	stream, err := env.client.Chat.Completions.CreateStream(context.Background(), hiReq, zai.WithStreamIdleTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	got, err := readAll(stream)
	sameChunks(t, got, data[:k])
	if !errors.Is(err, zai.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v, want ErrTimeout", err)
	}

	// No idle timeout: the caller's deadline ends it.
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	stream, err = env.client.Chat.Completions.CreateStream(ctx, hiReq)
	if err != nil {
		t.Fatal(err)
	}
	got, err = readAll(stream)
	sameChunks(t, got, data[:k])
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v, want context.DeadlineExceeded", err)
	}
}

// streamFault serves k recorded events, then bad, then the rest and [DONE]:
// the client must deliver the k chunks and stop at bad with a typed error.
func streamFault(t *testing.T, bad []byte, opts ...zai.Option) ([][]byte, [][]byte, error) {
	data := toolStream(t)
	events := sseEvents(data)
	const k = 20
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		all := append(append(append([][]byte{}, events[:k]...), bad), events[k:]...)
		writeEvents(w, append(all, doneEvent))
	}, opts...)
	stream, err := env.client.Chat.Completions.CreateStream(context.Background(), hiReq)
	if err != nil {
		t.Fatal(err)
	}
	got, err := readAll(stream)
	return got, data[:k], err
}

func TestReliabilityMalformedEvent(t *testing.T) {
	got, want, err := streamFault(t, []byte(`data: {"id":"x","choices":[{"delta":{"content":"a"}}]`+"\n\n"))
	sameChunks(t, got, want)
	var syntaxErr *json.SyntaxError
	if !errors.As(err, &syntaxErr) {
		t.Fatalf("err %v (%T), want a *json.SyntaxError inside", err, err)
	}
}

func TestReliabilityEventOverCap(t *testing.T) {
	big := append(append([]byte(`data: {"choices":[{"index":0,"delta":{"content":"`), bytes.Repeat([]byte("x"), 8<<10)...), `"}}]}`+"\n\n"...)
	got, want, err := streamFault(t, big, zai.WithMaxStreamEventSize(4<<10))
	sameChunks(t, got, want)
	if !errors.Is(err, zai.ErrStreamEventTooLarge) {
		t.Fatalf("err %v, want ErrStreamEventTooLarge", err)
	}
}

func TestReliabilityInvalidUTF8(t *testing.T) {
	t.Run("inside a string", func(t *testing.T) {
		// encoding/json replaces each invalid byte with U+FFFD; so does the
		// stream, which goes on to the end.
		raw := []byte("{\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok \xff\xfe \xe4\xb8\"}}]}")
		data := toolStream(t)
		env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
			writeEvents(w, append(sseEvents(append([][]byte{raw}, data...)), doneEvent))
		})
		stream, err := env.client.Chat.Completions.CreateStream(context.Background(), hiReq)
		if err != nil {
			t.Fatal(err)
		}
		if !stream.Next() {
			t.Fatal(stream.Err())
		}
		c := stream.Current()
		if got := c.Choices[0].Delta.Content; got != "ok \uFFFD\uFFFD \uFFFD\uFFFD" {
			t.Fatalf("content %q", got)
		}
		if !bytes.Equal(c.RawJSON(), raw) {
			t.Fatal("RawJSON does not keep the bytes received")
		}
		got, err := readAll(stream)
		if err != nil {
			t.Fatal(err)
		}
		sameChunks(t, got, data)
	})
	t.Run("outside a string", func(t *testing.T) {
		got, want, err := streamFault(t, []byte("data: {\"id\":\"x\",\xff\"choices\":[]}\n\n"))
		sameChunks(t, got, want)
		var syntaxErr *json.SyntaxError
		if !errors.As(err, &syntaxErr) {
			t.Fatalf("err %v (%T), want a *json.SyntaxError inside", err, err)
		}
	})
}

func TestReliabilitySlowLoris(t *testing.T) {
	data := toolStream(t)
	events := append(sseEvents(data[:5]), sseEvents(data[len(data)-1:])[0], doneEvent)

	t.Run("headers trickle", func(t *testing.T) {
		env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			for _, b := range []byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n") {
				if _, err := conn.Write([]byte{b}); err != nil {
					return // the client gave up
				}
				time.Sleep(20 * time.Millisecond)
			}
		}, zai.WithRequestTimeout(150*time.Millisecond), zai.WithMaxRetries(1))
		start := time.Now()
		_, err := env.client.Chat.Completions.Create(context.Background(), hiReq)
		if !errors.Is(err, zai.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err %v, want ErrTimeout", err)
		}
		if env.attempts.Load() != 2 {
			t.Fatalf("%d attempts, want 2", env.attempts.Load())
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("gave up after %v", d)
		}
	})

	t.Run("body trickles", func(t *testing.T) {
		// One byte at a time keeps the idle timer fed; the stream completes.
		env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Content-Type", "text/event-stream")
			for _, ev := range events {
				for i := range ev {
					w.Write(ev[i : i+1])
					w.(http.Flusher).Flush()
					if i%64 == 0 {
						time.Sleep(time.Millisecond)
					}
				}
			}
		}, zai.WithStreamIdleTimeout(200*time.Millisecond))
		stream, err := env.client.Chat.Completions.CreateStream(context.Background(), hiReq)
		if err != nil {
			t.Fatal(err)
		}
		got, err := readAll(stream)
		if err != nil {
			t.Fatal(err)
		}
		sameChunks(t, got, append(append([][]byte{}, data[:5]...), data[len(data)-1]))
	})

	t.Run("keep-alives forever", func(t *testing.T) {
		// Comments feed the idle timer without data; only the caller's
		// deadline bounds such a stream.
		env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
			writeEvents(w, events[:2])
			for {
				select {
				case <-r.Context().Done():
					return
				case <-time.After(10 * time.Millisecond):
					io.WriteString(w, ": keep-alive\n\n")
					w.(http.Flusher).Flush()
				}
			}
		}, zai.WithStreamIdleTimeout(time.Second))
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		stream, err := env.client.Chat.Completions.CreateStream(ctx, hiReq)
		if err != nil {
			t.Fatal(err)
		}
		got, err := readAll(stream)
		sameChunks(t, got, data[:2])
		if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, zai.ErrTimeout) {
			t.Fatalf("err %v, want the context's deadline, not the idle timeout", err)
		}
	})
}

// TestReliabilityLoad opens 1,000 concurrent streams through one client.
// The server holds every response until all requests have arrived, so the
// streams are truly concurrent, then sends each the recorded tool-call
// stream. Every stream must complete with every chunk.
func TestReliabilityLoad(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 100
	}
	data := toolStream(t)
	body := bytes.Join(append(sseEvents(data), doneEvent), nil)

	var arrived atomic.Int32
	all := make(chan struct{})
	var conns atomic.Int32
	countConns := func(s *http.Server) {
		s.ConnState = func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				conns.Add(1)
			}
		}
	}
	env := newFaultEnvWith(t, countConns, func(w http.ResponseWriter, r *http.Request, _ int) {
		if int(arrived.Add(1)) == n {
			close(all)
		}
		select {
		case <-all:
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		w.Write(body)
	})

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	base := runtime.NumGoroutine()
	var peak atomic.Int64
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			if g := int64(runtime.NumGoroutine()); g > peak.Load() {
				peak.Store(g)
			}
			select {
			case <-stopSampling:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()

	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stream, err := env.client.Chat.Completions.CreateStream(ctx, hiReq)
			if err != nil {
				errs <- err
				return
			}
			got, err := readAll(stream)
			switch {
			case err != nil:
				errs <- err
			case len(got) != len(data) || !bytes.Equal(got[len(got)-1], data[len(data)-1]):
				errs <- errors.New("incomplete stream")
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(stopSampling)
	<-sampled
	close(errs)
	failed := 0
	for err := range errs {
		if failed == 0 {
			t.Error(err)
		}
		failed++
	}
	if failed > 0 {
		t.Fatalf("%d of %d streams failed", failed, n)
	}
	t.Logf("%d concurrent streams of %d chunks: %v; %d TCP connections; goroutines: %d before, %d at peak",
		n, len(data), elapsed.Round(time.Millisecond), conns.Load(), base, peak.Load())
	if int(conns.Load()) < n {
		t.Fatalf("%d connections for %d concurrent HTTP/1.1 streams", conns.Load(), n)
	}
}
