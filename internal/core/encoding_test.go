package core

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// TestErrorBodyReadUpToWhatTheErrorUses: a JSON error body is read whole
// up to maxErrorBody, a body that is not JSON up to maxPlainErrorBody, with
// or without a Content-Length.
func TestErrorBodyReadUpToWhatTheErrorUses(t *testing.T) {
	jsonBody := func(n int) []byte {
		return append(append([]byte(`{"error":{"message":"`), bytes.Repeat([]byte("m"), n)...), `"}}`...)
	}
	cases := []struct {
		name string
		body []byte
		want int
	}{
		{"small JSON", jsonBody(10), len(jsonBody(10))},
		{"300 KiB JSON", jsonBody(300 << 10), len(jsonBody(300 << 10))},
		{"3 MiB JSON", jsonBody(3 << 20), maxErrorBody},
		{"JSON after white space", append([]byte("\n\n  "), jsonBody(20<<10)...), 20<<10 + 4 + len(jsonBody(0))},
		{"50 KiB page", bytes.Repeat([]byte("<p>oops</p>"), 50<<10/11), maxPlainErrorBody},
		{"short page", []byte("<html>bad gateway</html>"), 24},
		{"empty", nil, 0},
	}
	for _, tc := range cases {
		for _, length := range []bool{true, false} {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if length {
					w.Header().Set("Content-Length", strconv.Itoa(len(tc.body)))
				}
				w.WriteHeader(http.StatusBadGateway)
				w.Write(tc.body)
			}))
			var got []byte
			c := &Config{BaseURL: srv.URL, DecodeError: func(_ int, _ http.Header, b []byte) (error, bool) {
				got = b
				return statusErr{502}, false
			}}
			c.Do(context.Background(), &Request{Method: "GET", Path: "/"})
			srv.Close()
			if len(got) != tc.want || !bytes.Equal(got, tc.body[:tc.want]) {
				t.Errorf("%s (Content-Length %v): read %d bytes, want the first %d", tc.name, length, len(got), tc.want)
			}
		}
	}
}
