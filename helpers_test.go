package zai_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zai-go/zai"
)

var update = flag.Bool("update", false, "rewrite golden files")

// captured is one request as the test server saw it.
type captured struct {
	Method, Path, Query string
	Header              http.Header
	Body                []byte
}

// recorder is a loopback server that records requests and answers with
// handler.
type recorder struct {
	mu   sync.Mutex
	reqs []captured
	srv  *httptest.Server
}

func newRecorder(t testing.TB, handler http.HandlerFunc) (*recorder, *zai.Client) {
	t.Helper()
	rec := &recorder{}
	rec.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, captured{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), b})
		rec.mu.Unlock()
		handler(w, r)
	}))
	t.Cleanup(rec.srv.Close)
	client, err := zai.NewClient(zai.WithAPIKey("test-key.secret"), zai.WithBaseURL(rec.srv.URL+"/api/paas/v4"),
		zai.WithTestHooks(noSleep, nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	return rec, client
}

func (r *recorder) requests() []captured {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]captured(nil), r.reqs...)
}

func (r *recorder) last(t testing.TB) captured {
	t.Helper()
	reqs := r.requests()
	if len(reqs) == 0 {
		t.Fatal("no request reached the server")
	}
	return reqs[len(reqs)-1]
}

// respondFile writes a recorded body with its content type.
func respondFile(t testing.TB, path, contentType string) http.HandlerFunc {
	b := readFile(t, path)
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("X-Log-Id", "log-123")
		w.Write(b)
	}
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.FromSlash(path))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// assertGoldenJSON compares body with testdata/golden/name field by field
// (as decoded JSON), rewriting the file under -update.
func assertGoldenJSON(t *testing.T, name string, body []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatal(err)
		}
		pretty, _ := json.MarshalIndent(v, "", "  ")
		if err := os.WriteFile(path, append(pretty, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	assertSameJSON(t, readFile(t, path), body)
}

// assertSameJSON fails unless a and b decode to equal values, naming the
// first differing top-level field.
func assertSameJSON(t testing.TB, want, got []byte) {
	t.Helper()
	var w, g map[string]any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want: %v", err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got: %v in %s", err, got)
	}
	for k, wv := range w {
		if gv, ok := g[k]; !ok || !reflect.DeepEqual(wv, gv) {
			wj, _ := json.Marshal(wv)
			gj, _ := json.Marshal(gv)
			t.Errorf("field %q: got %s, want %s", k, gj, wj)
		}
	}
	for k, gv := range g {
		if _, ok := w[k]; !ok {
			gj, _ := json.Marshal(gv)
			t.Errorf("unexpected field %q: %s", k, gj)
		}
	}
}

// noSleep skips the waits between retries.
func noSleep(context.Context, time.Duration) error { return nil }

// reply is one canned HTTP answer.
type reply struct {
	status int
	body   []byte
}

func ok(t testing.TB, path string) reply { return reply{http.StatusOK, readFile(t, path)} }

// sequence answers with replies in order, repeating the last one.
func sequence(replies ...reply) http.HandlerFunc {
	var mu sync.Mutex
	n := 0
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		rp := replies[min(n, len(replies)-1)]
		n++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rp.status)
		w.Write(rp.body)
	}
}

// jsonReplies makes 200 replies of JSON bodies, for sequence.
func jsonReplies(bodies ...string) []reply {
	out := make([]reply, len(bodies))
	for i, b := range bodies {
		out[i] = reply{http.StatusOK, []byte(b)}
	}
	return out
}

// formPart is one part of a multipart body as the server parsed it.
type formPart struct{ name, file, ctype, body string }

// formParts parses a captured multipart/form-data request body.
func formParts(t testing.TB, c captured) []formPart {
	t.Helper()
	mt, params, err := mime.ParseMediaType(c.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		t.Fatalf("content type %q: %v", c.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(bytes.NewReader(c.Body), params["boundary"])
	var parts []formPart
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return parts
		}
		if err != nil {
			t.Fatalf("multipart: %v", err)
		}
		b, _ := io.ReadAll(p)
		parts = append(parts, formPart{p.FormName(), p.FileName(), p.Header.Get("Content-Type"), string(b)})
	}
}

// failFirst answers the first request with a retryable 503 and the rest with
// then.
func failFirst(then http.HandlerFunc) http.HandlerFunc {
	var n atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"error":{"code":"500","message":"busy"}}`)
			return
		}
		then(w, r)
	}
}
