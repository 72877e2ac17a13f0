package zai_test

import (
	"context"
	"io"
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
