package zai_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/zai-go/zai"
)

// BenchmarkCreateLoopback is one Create against a loopback server with no
// middleware, observer or WithResponseInto: the new machinery must cost
// nothing here (compare allocs/op with a build before it).
func BenchmarkCreateLoopback(b *testing.B) {
	body := readFile(b, "testdata/recorded/chat_tool.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	defer srv.Close()
	client, err := zai.NewClient(zai.WithAPIKey("test-key.secret"), zai.WithBaseURL(srv.URL+"/api/paas/v4"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := client.Chat.Completions.Create(context.Background(), hiReq); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateObserved is BenchmarkCreateLoopback with an observer and a
// logger, whose events and lines pass the redaction edges.
func BenchmarkCreateObserved(b *testing.B) {
	body := readFile(b, "testdata/recorded/chat_tool.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Log-Id", "20251206123456abcdef")
		w.Write(body)
	}))
	defer srv.Close()
	client, err := zai.NewClient(zai.WithAPIKey("test-key.secret"), zai.WithBaseURL(srv.URL+"/api/paas/v4"),
		zai.WithObserver(nopObserver{}), zai.WithLogger(slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := client.Chat.Completions.Create(context.Background(), hiReq); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateError is a Create answered with a 400 error envelope: the
// error path, through the redaction of the error.
func BenchmarkCreateError(b *testing.B) {
	body := readFile(b, "testdata/recorded/error_400_1211.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		w.Write(body)
	}))
	defer srv.Close()
	client, err := zai.NewClient(zai.WithAPIKey("test-key.secret"), zai.WithBaseURL(srv.URL+"/api/paas/v4"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := client.Chat.Completions.Create(context.Background(), hiReq); err == nil {
			b.Fatal("no error")
		}
	}
}

type nopObserver struct{}

func (nopObserver) StartCall(ctx context.Context, _ zai.CallInfo) (context.Context, zai.CallObservation) {
	return ctx, nopObservation{}
}

type nopObservation struct{}

func (nopObservation) Attempt(zai.AttemptEvent) {}
func (nopObservation) End(zai.CallEnd)          {}
