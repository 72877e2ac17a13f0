package zai_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/zai-go/zai"
)

func gzipped(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// TestGzipWhenTheCallerAsksForIt: a caller that sets Accept-Encoding: gzip
// (WithHeader or a middleware) turns off net/http's own gunzip. Every body
// must still decode: a buffered 200, an error whose business code decides
// the retry (a gzipped 429 with 1113 is a quota error, sent once), a
// stream, and a raw download.
func TestGzipWhenTheCallerAsksForIt(t *testing.T) {
	completion := toolCompletion(t)
	events := sseEvents(toolStream(t))
	askers := map[string]zai.Option{
		"WithHeader": zai.WithHeader("Accept-Encoding", "gzip"),
		"middleware": zai.WithMiddleware(func(req *http.Request, next zai.MiddlewareNext) (*http.Response, error) {
			req.Header.Set("Accept-Encoding", "gzip")
			return next(req)
		}),
	}
	for name, ask := range askers {
		t.Run(name, func(t *testing.T) {
			env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if r.Header.Get("Accept-Encoding") != "gzip" {
					t.Errorf("Accept-Encoding %q", r.Header.Get("Accept-Encoding"))
				}
				w.Header().Set("Content-Encoding", "gzip")
				switch {
				case strings.HasSuffix(r.URL.Path, "/quota"):
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusTooManyRequests)
					w.Write(gzipped(t, []byte(`{"error":{"code":"1113","message":"Insufficient balance"}}`)))
				case r.Header.Get("Accept") == "text/event-stream":
					w.Header().Set("Content-Type", "text/event-stream")
					zw := gzip.NewWriter(w)
					for _, ev := range append(events, doneEvent) {
						zw.Write(ev)
						zw.Flush()
						w.(http.Flusher).Flush()
					}
					zw.Close()
				default:
					w.Header().Set("Content-Type", "application/json")
					w.Write(gzipped(t, completion))
				}
			}, ask)
			ctx := context.Background()

			before := env.attempts.Load()
			err := env.client.Do(ctx, http.MethodPost, "/quota", map[string]string{"a": "b"}, nil)
			var apiErr *zai.APIError
			if !errors.As(err, &apiErr) || apiErr.Code != "1113" || !errors.Is(err, zai.ErrQuotaExceeded) {
				t.Fatalf("gzipped 429: err %v, want the 1113 quota error", err)
			}
			if n := env.attempts.Load() - before; n != 1 {
				t.Fatalf("gzipped 1113 sent %d times, want once", n)
			}

			c, err := env.client.Chat.Completions.Create(ctx, hiReq)
			checkToolCompletion(t, c, err)

			stream, err := env.client.Chat.Completions.CreateStream(ctx, hiReq)
			if err != nil {
				t.Fatal(err)
			}
			got, err := readAll(stream)
			if err != nil {
				t.Fatal(err)
			}
			sameChunks(t, got, toolStream(t))

			var raw []byte
			if err := env.client.Do(ctx, http.MethodGet, "/files/f1/content", nil, &raw); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(raw, completion) {
				t.Fatalf("download got %d bytes, want the %d decoded ones", len(raw), len(completion))
			}
		})
	}
}

// TestUnsupportedContentEncoding: a body in a coding the SDK does not
// decode is a clear error that names it, on a 200 (sent once: the work is
// done) and on an error status (which keeps its status).
func TestUnsupportedContentEncoding(t *testing.T) {
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "br")
		if strings.HasSuffix(r.URL.Path, "/bad") {
			w.WriteHeader(http.StatusBadRequest)
		}
		w.Write([]byte{0x1b, 0x03, 0x00, 0xf8})
	}, zai.WithHeader("Accept-Encoding", "br"))
	_, err := env.client.Chat.Completions.Create(context.Background(), hiReq)
	if err == nil || !strings.Contains(err.Error(), `Content-Encoding "br"`) {
		t.Fatalf("err %v, want one naming the br encoding", err)
	}
	if env.attempts.Load() != 1 {
		t.Fatalf("%d attempts", env.attempts.Load())
	}
	err = env.client.Do(context.Background(), http.MethodPost, "/bad", map[string]int{"a": 1}, nil)
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || !strings.Contains(err.Error(), `"br"`) {
		t.Fatalf("err %v, want the 400 naming the br encoding", err)
	}
}
