package zai_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/zai-go/zai"
)

func TestRerankRequestGolden(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/rerank_response.json", "application/json"))
	req := zai.RerankRequest{
		Model:           zai.ModelRerank,
		Query:           "capital of France",
		Documents:       []string{"Paris is the capital of France.", "Berlin is the capital of Germany."},
		TopN:            zai.Ptr(0),
		ReturnDocuments: true,
		ReturnRawScores: true,
		RequestID:       "req-000001",
		UserID:          "user-000001",
	}
	if _, err := client.Rerank.Create(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	got := rec.last(t)
	if got.Method != "POST" || got.Path != "/api/paas/v4/rerank" {
		t.Fatalf("%s %s", got.Method, got.Path)
	}
	assertGoldenJSON(t, "rerank_every_field.json", got.Body)
	assertRoundTrips[zai.RerankRequest](t, got.Body)
}

func TestRerankRecordedRequestRoundTrips(t *testing.T) {
	recorded := readFile(t, "testdata/recorded/rerank_request.json")
	var req zai.RerankRequest
	if err := json.Unmarshal(recorded, &req); err != nil {
		t.Fatal(err)
	}
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/rerank_response.json", "application/json"))
	if _, err := client.Rerank.Create(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, recorded, rec.last(t).Body)
}

func TestRerankResponse(t *testing.T) {
	_, client := newRecorder(t, respondFile(t, "testdata/shapes/rerank_response.json", "application/json"))
	resp, err := client.Rerank.Create(context.Background(), zai.RerankRequest{Model: zai.ModelRerank, Query: "q", Documents: []string{"a", "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.ID != "20260711073207c98afd2ba327474f" || resp.Created != 1783812727 || resp.RequestID != "req-rerank-1" {
		t.Fatalf("%+v", resp)
	}
	want := []zai.RerankResult{
		{Index: 0, RelevanceScore: 0.9921875, Document: "Paris is the capital of France."},
		{Index: 1, RelevanceScore: 0.0234375, Document: "Berlin is the capital of Germany."},
	}
	if len(resp.Results) != 2 || resp.Results[0] != want[0] || resp.Results[1] != want[1] {
		t.Fatalf("results %+v", resp.Results)
	}
	if resp.Usage.PromptTokens != 24 || resp.Usage.TotalTokens != 24 {
		t.Fatalf("usage %+v", resp.Usage)
	}
	if string(resp.RawJSON()) != string(readFile(t, "testdata/shapes/rerank_response.json")) {
		t.Fatal("RawJSON")
	}
}

// The document decodes from a string, an object with "text", or nothing.
func TestRerankDocumentForms(t *testing.T) {
	for body, want := range map[string]string{
		`{"index":1,"relevance_score":0.5,"document":"a"}`:          "a",
		`{"index":1,"relevance_score":0.5,"document":{"text":"b"}}`: "b",
		`{"index":1,"relevance_score":0.5,"document":null}`:         "",
		`{"index":1,"relevance_score":0.5}`:                         "",
	} {
		var r zai.RerankResult
		if err := json.Unmarshal([]byte(body), &r); err != nil || r.Document != want || r.Index != 1 || r.RelevanceScore != 0.5 {
			t.Errorf("%s: %+v, %v", body, r, err)
		}
	}
	var r zai.RerankResult
	if err := json.Unmarshal([]byte(`{"document":1}`), &r); err == nil {
		t.Error("a number is not a document")
	}
}

func TestRerankRecordedError(t *testing.T) {
	rec, client := newRecorder(t, respondRecordedError(t, 400, "testdata/recorded/rerank_400_1211.json", "20260711073207c98afd2ba327474f"))
	_, err := client.Rerank.Create(context.Background(), zai.RerankRequest{Model: "rerank", Query: "capital of France", Documents: []string{"Paris"}})
	assertAPIError(t, err, 400, "1211", "Unknown Model, please check the model code.", "20260711073207c98afd2ba327474f", zai.ErrBadRequest)
	if n := len(rec.requests()); n != 1 {
		t.Fatalf("%d attempts", n)
	}
}

func TestRerankInvalid(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/rerank_response.json", "application/json"))
	for name, req := range map[string]zai.RerankRequest{
		"no model":     {Query: "q", Documents: []string{"a"}},
		"no query":     {Model: zai.ModelRerank, Documents: []string{"a"}},
		"no documents": {Model: zai.ModelRerank, Query: "q"},
	} {
		if _, err := client.Rerank.Create(context.Background(), req); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}
