package zai_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/zai-go/zai"
)

func webSearchProRequest() zai.WebSearchProRequest {
	return zai.WebSearchProRequest{
		Messages: []zai.WebSearchProMessage{{Role: "user", Content: "What is new in Go 1.24?"}},
		Scope:    "academic", Location: "Berlin", RecentDays: zai.Ptr(7), RequestID: "req-web-pro-1", UserID: "user-123456",
	}
}

func TestWebSearchSearchPro(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/web_search_pro_response.json", "application/json"))
	resp, err := client.WebSearch.SearchPro(context.Background(), webSearchProRequest())
	if err != nil {
		t.Fatal(err)
	}
	got := rec.last(t)
	if got.Method != "POST" || got.Path != "/api/paas/v4/tools" {
		t.Fatalf("%s %s", got.Method, got.Path)
	}
	assertGoldenJSON(t, "web_search_pro_every_field.json", got.Body)

	if resp.ID != "8702546578373539123" || resp.RequestID != "req-web-pro-1" || len(resp.Choices) != 1 {
		t.Fatalf("%+v", resp)
	}
	calls := resp.Choices[0].Message.ToolCalls
	if len(calls) != 3 || calls[0].Type != zai.WebSearchProTypeIntent || calls[1].Type != zai.WebSearchProTypeResult || calls[2].Type != zai.WebSearchProTypeRecommend {
		t.Fatalf("%+v", calls)
	}
	if in := calls[0].SearchIntent; len(in) != 1 || in[0].Intent != zai.SearchIntentTypeAll || in[0].Query != "Go 1.24 release notes" {
		t.Fatalf("%+v", in)
	}
	if r := calls[1].SearchResult; len(r) != 2 || r[1].Link != "https://go.dev/blog/go1.24" || r[0].Refer != "ref_1" || r[0].Media != "go.dev" {
		t.Fatalf("%+v", r)
	}
	if q := calls[2].SearchRecommend; len(q) != 1 || q[0].Query != "Go 1.24 generic type aliases" {
		t.Fatalf("%+v", q)
	}
	if len(resp.RawJSON()) == 0 {
		t.Fatal("no raw JSON")
	}
}

func TestWebSearchSearchProStream(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/web_search_pro_stream.sse", "text/event-stream"))
	stream, err := client.WebSearch.SearchProStream(context.Background(), zai.WebSearchProRequest{
		Messages: []zai.WebSearchProMessage{{Role: "user", Content: "Go 1.24"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var calls []zai.WebSearchProToolCall
	var finish zai.FinishReason
	for chunk, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range chunk.Choices {
			calls = append(calls, c.Delta.ToolCalls...)
			if c.FinishReason != "" {
				finish = c.FinishReason
			}
		}
	}
	if len(calls) != 3 || calls[0].Index != 0 || calls[2].Index != 2 || finish != "stop" {
		t.Fatalf("%+v %q", calls, finish)
	}
	// Single objects decode as lists of one.
	if len(calls[0].SearchIntent) != 1 || calls[0].SearchIntent[0].Keywords != "go 1.24 release" ||
		len(calls[2].SearchRecommend) != 1 || calls[2].SearchRecommend[0].Query != "Go 1.24 generic type aliases" ||
		len(calls[1].SearchResult) != 1 || calls[1].SearchResult[0].Title != "Go 1.24 Release Notes" {
		t.Fatalf("%+v", calls)
	}
	got := rec.last(t)
	assertSameJSON(t, []byte(`{"tool":"web-search-pro","messages":[{"role":"user","content":"Go 1.24"}],"stream":true}`), got.Body)
	if got.Header.Get("Accept") != "text/event-stream" {
		t.Fatal(got.Header)
	}
}

func TestWebSearchSearchProErrorsAndBadInput(t *testing.T) {
	rec, client := newRecorder(t, sequence(reply{http.StatusTooManyRequests, readFile(t, "testdata/recorded/web_search_429_1113.json")}))
	_, err := client.WebSearch.SearchPro(context.Background(), webSearchProRequest(), zai.WithMaxRetries(0))
	if !errors.Is(err, zai.ErrQuotaExceeded) {
		t.Fatalf("%v", err)
	}
	n := len(rec.requests())
	for _, req := range []zai.WebSearchProRequest{{}, {Messages: []zai.WebSearchProMessage{{Role: "user", Content: " "}}}} {
		if _, err := client.WebSearch.SearchPro(context.Background(), req); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("%+v: %v", req, err)
		}
		if _, err := client.WebSearch.SearchProStream(context.Background(), req); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("stream %+v: %v", req, err)
		}
	}
	if len(rec.requests()) != n {
		t.Fatal("bad input reached the server")
	}
}
