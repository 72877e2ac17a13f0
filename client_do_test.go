package zai_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/zai-go/zai"
)

func TestDoDecodesJSONWithAuthAndExtraBody(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(`{"id":"x1","score":0.5}`))
	var out struct {
		ID    string  `json:"id"`
		Score float64 `json:"score"`
	}
	err := client.Do(context.Background(), "post", "/new/endpoint?mode=fast", map[string]any{"input": "hi", "n": 2}, &out,
		zai.WithExtraBody(map[string]any{"extra": true}))
	if err != nil {
		t.Fatal(err)
	}
	if out.ID != "x1" || out.Score != 0.5 {
		t.Fatalf("%+v", out)
	}
	got := rec.last(t)
	if got.Method != "POST" || got.Path != "/api/paas/v4/new/endpoint" || got.Query != "mode=fast" {
		t.Fatalf("%s %s?%s", got.Method, got.Path, got.Query)
	}
	if got.Header.Get("Authorization") != "Bearer test-key.secret" || got.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%v", got.Header)
	}
	assertSameJSON(t, []byte(`{"input":"hi","n":2,"extra":true}`), got.Body)
}

func TestDoRootPathAndNilOut(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(`{"code":200,"msg":"ok","success":true}`))
	if err := client.Do(context.Background(), http.MethodGet, "/api/monitor/usage/quota/limit", nil, nil); err != nil {
		t.Fatal(err)
	}
	got := rec.last(t)
	if got.Method != "GET" || got.Path != "/api/monitor/usage/quota/limit" || len(got.Body) != 0 || got.Header.Get("Content-Type") != "" {
		t.Fatalf("%s %s %q %v", got.Method, got.Path, got.Body, got.Header)
	}
}

func TestDoRawBodies(t *testing.T) {
	const jsonl = `{"custom_id":"a","error":{"code":"1214","message":"bad line"}}` + "\n"
	_, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write([]byte(jsonl))
	})
	var raw []byte
	if err := client.Do(context.Background(), "GET", "/files/f1/content", nil, &raw); err != nil {
		t.Fatal(err)
	}
	if string(raw) != jsonl {
		t.Fatalf("%q", raw)
	}
	var buf bytes.Buffer
	if err := client.Do(context.Background(), "GET", "/files/f1/content", nil, &buf); err != nil {
		t.Fatal(err)
	}
	if buf.String() != jsonl {
		t.Fatalf("%q", buf.String())
	}
}

func TestDoErrorsAreAPIErrors(t *testing.T) {
	_, client := newRecorder(t, sequence(reply{400, readFile(t, "testdata/recorded/error_400_1211.json")}))
	var out map[string]any
	err := client.Do(context.Background(), "POST", "/embeddings", map[string]string{"model": "nope"}, &out)
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.Code != "1211" {
		t.Fatalf("%v", err)
	}
	// A 200 body that is an error envelope is an error too, with out nil,
	// decoded, or raw JSON.
	_, client = newRecorder(t, respondJSON(`{"error":{"code":"1113","message":"no balance"}}`))
	for _, o := range []any{nil, &out, new([]byte)} {
		if err := client.Do(context.Background(), "GET", "/x", nil, o); !errors.As(err, &apiErr) || apiErr.Code != "1113" {
			t.Fatalf("out %T: %v", o, err)
		}
	}
}

func TestDoRetriesThroughTheCore(t *testing.T) {
	rec, client := newRecorder(t, failFirst(respondJSON(`{"ok":true}`)))
	var out struct{ OK bool }
	if err := client.Do(context.Background(), "POST", "/x", json.RawMessage(`{"a":1}`), &out); err != nil || !out.OK {
		t.Fatal(err, out)
	}
	reqs := rec.requests()
	if len(reqs) != 2 || string(reqs[1].Body) != `{"a":1}` {
		t.Fatalf("%d requests, last body %q", len(reqs), reqs[len(reqs)-1].Body)
	}
}

func TestDoRefusesBadInputBeforeTheNetwork(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(`{}`))
	var out map[string]any
	var notPtr map[string]any
	cases := []struct {
		name, method, path string
		body, out          any
	}{
		{"empty method", "", "/x", nil, &out},
		{"method with space", "GE T", "/x", nil, &out},
		{"empty path", "GET", "", nil, &out},
		{"relative path", "GET", "models", nil, &out},
		{"absolute URL", "GET", "https://evil.example/x", nil, &out},
		{"protocol-relative", "GET", "//evil.example/x", nil, &out},
		{"dot segment", "GET", "/files/../batches", nil, &out},
		{"space", "GET", "/a b", nil, &out},
		{"newline", "GET", "/a\nb", nil, &out},
		{"fragment", "GET", "/a#b", nil, &out},
		{"unencodable body", "POST", "/x", map[string]any{"f": func() {}}, &out},
		{"out not a pointer", "GET", "/x", nil, notPtr},
		{"out nil pointer", "GET", "/x", nil, (*map[string]any)(nil)},
	}
	for _, c := range cases {
		err := client.Do(context.Background(), c.method, c.path, c.body, c.out)
		if !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("%s: %v", c.name, err)
		} else if !strings.HasPrefix(err.Error(), "zai: ") {
			t.Errorf("%s: %q", c.name, err)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}

// The Anthropic-compatible route is reachable through Do, and its error
// envelope is an *APIError.
func TestDoAnthropicRoute(t *testing.T) {
	rec, client := newRecorder(t, sequence(reply{429, []byte(`{"type":"error","error":{"type":"1113","message":"余额不足"},"request_id":"req_9"}`)}))
	err := client.Do(context.Background(), "POST", "/api/anthropic/v1/messages",
		map[string]any{"model": "glm-4.7", "max_tokens": 16, "messages": []map[string]string{{"role": "user", "content": "hi"}}}, nil,
		zai.WithMaxRetries(0))
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "1113" || apiErr.RequestID != "req_9" {
		t.Fatalf("%v", err)
	}
	if got := rec.last(t); got.Path != "/api/anthropic/v1/messages" {
		t.Fatal(got.Path)
	}
	if !strings.HasSuffix(zai.AnthropicBaseURL, "/api/anthropic") || !strings.HasPrefix(zai.BigModelAnthropicBaseURL, "https://open.bigmodel.cn/") {
		t.Fatal(zai.AnthropicBaseURL, zai.BigModelAnthropicBaseURL)
	}
}
