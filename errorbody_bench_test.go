package zai_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/zai-go/zai"
)

// BenchmarkErrorBody50MiB: a server answers 500 with a 50 MiB body (an
// HTML page, or a JSON envelope padded with spaces, with and without a
// Content-Length). The error can use at most a 1 MiB body (and 512 bytes of
// a page that is not JSON), so B/op must stay near what that takes, however
// large the body. Run with -benchmem.
func BenchmarkErrorBody50MiB(b *testing.B) {
	const size = 50 << 20
	html := bytes.Repeat([]byte("<p>Internal error</p>\n"), size/22)
	json := append(append([]byte(`{"error":{"code":"1234","message":"boom"}}`), bytes.Repeat([]byte(" "), size)...), '\n')
	for _, bc := range []struct {
		name   string
		body   []byte
		length bool
	}{
		{"html", html, true},
		{"html-chunked", html, false},
		{"json", json, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if bc.length {
					w.Header().Set("Content-Length", strconv.Itoa(len(bc.body)))
				}
				w.WriteHeader(http.StatusInternalServerError)
				w.Write(bc.body)
			}))
			defer srv.Close()
			client, err := zai.NewClient(zai.WithAPIKey("test-key.secret"), zai.WithBaseURL(srv.URL), zai.WithMaxRetries(0))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				_, err := client.Chat.Completions.Create(context.Background(), hiReq)
				var apiErr *zai.APIError
				if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 {
					b.Fatal(err)
				}
			}
		})
	}
}
