package zai_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/zai-go/zai"
)

func TestWebSearchRequestGolden(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/web_search_response.json", "application/json"))
	req := zai.WebSearchRequest{
		SearchEngine:        zai.SearchEngineProQuark,
		SearchQuery:         "golang generics",
		SearchIntent:        true,
		Count:               zai.Ptr(5),
		SearchDomainFilter:  "go.dev",
		SearchRecencyFilter: zai.SearchRecencyOneYear,
		ContentSize:         zai.ContentSizeHigh,
		IncludeImage:        true,
		RequestID:           "req-000001",
		UserID:              "user-000001",
		SensitiveWordCheck:  &zai.SensitiveWordCheck{Type: "ALL", Status: "DISABLE"},
	}
	if _, err := client.WebSearch.Search(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	got := rec.last(t)
	if got.Method != "POST" || got.Path != "/api/paas/v4/web_search" {
		t.Fatalf("%s %s", got.Method, got.Path)
	}
	assertGoldenJSON(t, "web_search_every_field.json", got.Body)
	assertRoundTrips[zai.WebSearchRequest](t, got.Body)
}

// search_intent is required on BigModel, so false is sent; the recorded
// request (which sends it) goes out unchanged.
func TestWebSearchIntentAlwaysSent(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/web_search_response.json", "application/json"))
	if _, err := client.WebSearch.Search(context.Background(), zai.WebSearchRequest{SearchEngine: zai.SearchEnginePrime, SearchQuery: "q"}); err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, []byte(`{"search_engine":"search-prime","search_query":"q","search_intent":false}`), rec.last(t).Body)

	recorded := readFile(t, "testdata/recorded/web_search_request.json")
	var req zai.WebSearchRequest
	if err := json.Unmarshal(recorded, &req); err != nil {
		t.Fatal(err)
	}
	if _, err := client.WebSearch.Search(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, recorded, rec.last(t).Body)
}

func TestWebSearchResponse(t *testing.T) {
	_, client := newRecorder(t, respondFile(t, "testdata/shapes/web_search_response.json", "application/json"))
	resp, err := client.WebSearch.Search(context.Background(), zai.WebSearchRequest{SearchEngine: zai.SearchEnginePro, SearchQuery: "golang generics", SearchIntent: true})
	if err != nil {
		t.Fatal(err)
	}
	if resp.ID != "20260711071541a8f1483fc80a464b" || resp.Created != 1783811741 || resp.RequestID != "req-search-1" {
		t.Fatalf("%+v", resp)
	}
	if len(resp.SearchIntent) != 1 || resp.SearchIntent[0] != (zai.SearchIntent{Query: "golang generics", Intent: zai.SearchIntentTypeAll, Keywords: "golang generics"}) {
		t.Fatalf("intent %+v", resp.SearchIntent)
	}
	if len(resp.SearchResult) != 2 {
		t.Fatalf("%d results", len(resp.SearchResult))
	}
	r := resp.SearchResult[0]
	if r.Title != "Tutorial: Getting started with generics" || r.Content != "This tutorial introduces the basics of generics in Go." ||
		r.Link != "https://go.dev/doc/tutorial/generics" || r.Media != "go.dev" || r.Icon != "https://go.dev/favicon.ico" ||
		r.Refer != "ref_1" || r.PublishDate != "2022-03-15" || len(r.Images) != 1 || r.Images[0] != "https://go.dev/images/gophers/pilot-bust.svg" {
		t.Fatalf("result %+v", r)
	}
	if resp.SearchResult[1].Refer != "ref_2" || resp.SearchResult[1].Images != nil {
		t.Fatalf("result 1 %+v", resp.SearchResult[1])
	}
	if string(resp.RawJSON()) != string(readFile(t, "testdata/shapes/web_search_response.json")) {
		t.Fatal("RawJSON")
	}
}

// The recorded live answer: 1113 with HTTP 429 is a quota error, not a rate
// limit, and is not retried.
func TestWebSearchRecordedError(t *testing.T) {
	rec, client := newRecorder(t, respondRecordedError(t, 429, "testdata/recorded/web_search_429_1113.json", "20260711071541a8f1483fc80a464b"))
	var req zai.WebSearchRequest
	json.Unmarshal(readFile(t, "testdata/recorded/web_search_request.json"), &req)
	_, err := client.WebSearch.Search(context.Background(), req)
	assertAPIError(t, err, 429, "1113", "Insufficient balance or no resource package. Please recharge.", "20260711071541a8f1483fc80a464b", zai.ErrQuotaExceeded)
	if errors.Is(err, zai.ErrRateLimited) {
		t.Fatal("1113 is not a rate limit")
	}
	if n := len(rec.requests()); n != 1 {
		t.Fatalf("%d attempts", n)
	}
}

// The search codes 1701-1703 are classified by code. No live answer with
// them is recorded: the bodies use the standard envelope that every other
// recorded error uses, and the HTTP statuses are chosen to show that the
// code, not the status, decides (1703 is not retried even with a 500 or 429).
func TestWebSearchErrorCodes(t *testing.T) {
	for _, tc := range []struct {
		status   int
		code     string
		want     error
		attempts int
	}{
		{429, "1701", zai.ErrRateLimited, 4},
		{400, "1701", zai.ErrRateLimited, 1},
		{500, "1702", zai.ErrServer, 4},
		{500, "1703", zai.ErrNotFound, 1},
		{429, "1703", zai.ErrNotFound, 1},
	} {
		body := `{"error":{"code":"` + tc.code + `","message":"search failed"}}`
		rec, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Log-Id", "log-"+tc.code)
			w.WriteHeader(tc.status)
			w.Write([]byte(body))
		})
		_, err := client.WebSearch.Search(context.Background(), zai.WebSearchRequest{SearchEngine: zai.SearchEnginePrime, SearchQuery: "q"})
		assertAPIError(t, err, tc.status, tc.code, "search failed", "log-"+tc.code, tc.want)
		if n := len(rec.requests()); n != tc.attempts {
			t.Errorf("%d/%s: %d attempts, want %d", tc.status, tc.code, n, tc.attempts)
		}
	}
}

func TestWebSearchInvalid(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/web_search_response.json", "application/json"))
	for name, req := range map[string]zai.WebSearchRequest{
		"no engine": {SearchQuery: "q"},
		"no query":  {SearchEngine: zai.SearchEnginePrime},
	} {
		if _, err := client.WebSearch.Search(context.Background(), req); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}
