package zai_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/zai-go/zai"
)

func TestEmbeddingsRequestGolden(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/embeddings_response.json", "application/json"))
	req := zai.EmbeddingRequest{
		Model:              zai.ModelEmbedding3,
		Input:              zai.EmbeddingTexts("The cat sat on the mat.", "A feline rested on a rug."),
		Dimensions:         zai.Ptr(256),
		RequestID:          "req-000001",
		EncodingFormat:     zai.EmbeddingEncodingFormatBase64,
		UserID:             "user-000001",
		User:               "end-user-1",
		SensitiveWordCheck: &zai.SensitiveWordCheck{Type: "ALL", Status: "DISABLE"},
	}
	if _, err := client.Embeddings.Create(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	got := rec.last(t)
	if got.Method != "POST" || got.Path != "/api/paas/v4/embeddings" {
		t.Fatalf("%s %s", got.Method, got.Path)
	}
	assertGoldenJSON(t, "embeddings_every_field.json", got.Body)
	assertRoundTrips[zai.EmbeddingRequest](t, got.Body)
}

// The recorded request sends one text as a plain string; it decodes and is
// sent again unchanged. An array of one stays an array.
func TestEmbeddingsInputForms(t *testing.T) {
	recorded := readFile(t, "testdata/recorded/embeddings_request.json")
	var req zai.EmbeddingRequest
	if err := json.Unmarshal(recorded, &req); err != nil {
		t.Fatal(err)
	}
	if req.Input.Texts != nil || req.Input.Text != "hello" || req.Model != "embedding-2" {
		t.Fatalf("decoded %+v", req)
	}
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/embeddings_response.json", "application/json"))
	if _, err := client.Embeddings.Create(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, recorded, rec.last(t).Body)

	for _, tc := range []struct {
		in   zai.EmbeddingInput
		wire string
	}{
		{zai.EmbeddingText("a"), `"a"`},
		{zai.EmbeddingTexts("a"), `["a"]`},
		{zai.EmbeddingTexts("a", "b"), `["a","b"]`},
	} {
		b, err := json.Marshal(tc.in)
		if err != nil || string(b) != tc.wire {
			t.Errorf("%+v: %s, %v; want %s", tc.in, b, err, tc.wire)
		}
		var back zai.EmbeddingInput
		if err := json.Unmarshal(b, &back); err != nil || back.Text != tc.in.Text || strings.Join(back.Texts, "|") != strings.Join(tc.in.Texts, "|") || (back.Texts == nil) != (tc.in.Texts == nil) {
			t.Errorf("%s decoded to %+v, %v", b, back, err)
		}
	}
}

func TestEmbeddingsResponse(t *testing.T) {
	_, client := newRecorder(t, respondFile(t, "testdata/shapes/embeddings_response.json", "application/json"))
	resp, err := client.Embeddings.Create(context.Background(), zai.EmbeddingRequest{Model: zai.ModelEmbedding3, Input: zai.EmbeddingTexts("a", "b")})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Model != "embedding-3" || resp.Object != "list" || len(resp.Data) != 2 {
		t.Fatalf("%+v", resp)
	}
	// Create keeps the order received.
	d := resp.Data[0]
	if d.Index != 1 || d.Object != "embedding" || fmt.Sprint(d.Embedding) != "[0.25 -0.5 0.125]" {
		t.Fatalf("data[0] %+v", d)
	}
	if fmt.Sprint(resp.Data[1].Embedding) != "[-0.0123 0.0456 0.789]" {
		t.Fatalf("data[1] %+v", resp.Data[1])
	}
	if resp.Usage.PromptTokens != 6 || resp.Usage.TotalTokens != 6 {
		t.Fatalf("usage %+v", resp.Usage)
	}
	if string(resp.RawJSON()) != string(readFile(t, "testdata/shapes/embeddings_response.json")) {
		t.Fatal("RawJSON")
	}
}

func TestEmbeddingsRecordedError(t *testing.T) {
	rec, client := newRecorder(t, respondRecordedError(t, 400, "testdata/recorded/embeddings_400_1211.json", "202607110617267187d149b2e345b5"))
	_, err := client.Embeddings.Create(context.Background(), zai.EmbeddingRequest{Model: "embedding-2", Input: zai.EmbeddingText("hello")})
	assertAPIError(t, err, 400, "1211", "Unknown Model, please check the model code.", "202607110617267187d149b2e345b5", zai.ErrBadRequest)
	if n := len(rec.requests()); n != 1 {
		t.Fatalf("%d attempts", n)
	}
}

func TestEmbeddingsInvalid(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/embeddings_response.json", "application/json"))
	many := make([]string, zai.MaxEmbeddingBatch+1)
	for i := range many {
		many[i] = "t"
	}
	for name, req := range map[string]zai.EmbeddingRequest{
		"no model":            {Input: zai.EmbeddingText("a")},
		"no input":            {Model: zai.ModelEmbedding3},
		"empty list":          {Model: zai.ModelEmbedding3, Input: zai.EmbeddingTexts()},
		"empty text":          {Model: zai.ModelEmbedding3, Input: zai.EmbeddingText("")},
		"text and texts":      {Model: zai.ModelEmbedding3, Input: zai.EmbeddingInput{Text: "a", Texts: []string{"b"}}},
		"texts and tokens":    {Model: zai.ModelEmbedding3, Input: zai.EmbeddingInput{Texts: []string{"b"}, Tokens: []int{1}}},
		"empty tokens":        {Model: zai.ModelEmbedding3, Input: zai.EmbeddingTokens()},
		"empty token lists":   {Model: zai.ModelEmbedding3, Input: zai.EmbeddingTokenLists()},
		"an empty token list": {Model: zai.ModelEmbedding3, Input: zai.EmbeddingTokenLists([]int{1}, nil)},
		"batched with a id":   {Model: zai.ModelEmbedding3, Input: zai.EmbeddingTexts(many...), RequestID: "req-000001"},
	} {
		_, err := client.Embeddings.CreateBatched(context.Background(), req)
		if !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("%s: CreateBatched err %v", name, err)
		}
		if name == "batched with a id" {
			continue // fine for Create: one request
		}
		if _, err := client.Embeddings.Create(context.Background(), req); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("%s: Create err %v", name, err)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}

// embedServer answers each request with one vector per input text "tN",
// whose only value is N, listed in reverse order with their indexes.
func embedServer(t *testing.T, fail func(call int) bool) (*recorder, *zai.Client) {
	var calls atomic.Int32
	var self atomic.Pointer[recorder] // the handler reads the body the recorder kept
	rec, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		call := int(calls.Add(1))
		if fail != nil && fail(call) {
			w.WriteHeader(400)
			w.Write(readFile(t, "testdata/recorded/embeddings_400_1211.json"))
			return
		}
		var req struct {
			Input []string `json:"input"`
		}
		if err := json.Unmarshal(self.Load().last(t).Body, &req); err != nil {
			t.Errorf("decode: %v", err)
		}
		type item struct {
			Index     int       `json:"index"`
			Object    string    `json:"object"`
			Embedding []float64 `json:"embedding"`
		}
		var data []item
		for i := len(req.Input) - 1; i >= 0; i-- {
			n, _ := strconv.Atoi(strings.TrimPrefix(req.Input[i], "t"))
			data = append(data, item{i, "embedding", []float64{float64(n), 1}})
		}
		json.NewEncoder(w).Encode(map[string]any{
			"model": "embedding-3", "object": "list", "data": data,
			"usage": map[string]int{"prompt_tokens": len(req.Input), "completion_tokens": 0, "total_tokens": len(req.Input)},
		})
	})
	self.Store(rec)
	return rec, client
}

func texts(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "t" + strconv.Itoa(i)
	}
	return out
}

func TestEmbeddingsCreateBatched(t *testing.T) {
	rec, client := embedServer(t, nil)
	resp, err := client.Embeddings.CreateBatched(context.Background(), zai.EmbeddingRequest{
		Model: zai.ModelEmbedding3, Input: zai.EmbeddingTexts(texts(150)...), Dimensions: zai.Ptr(512),
	})
	if err != nil {
		t.Fatal(err)
	}
	reqs := rec.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	for i, want := range []int{64, 64, 22} {
		var body struct {
			Model      string          `json:"model"`
			Input      json.RawMessage `json:"input"`
			Dimensions int             `json:"dimensions"`
		}
		json.Unmarshal(reqs[i].Body, &body)
		var in []string
		if err := json.Unmarshal(body.Input, &in); err != nil || len(in) != want || in[0] != "t"+strconv.Itoa(i*64) {
			t.Errorf("request %d input %s", i, body.Input)
		}
		if body.Dimensions != 512 || body.Model != "embedding-3" {
			t.Errorf("request %d %s", i, reqs[i].Body)
		}
	}
	if len(resp.Data) != 150 {
		t.Fatalf("%d vectors", len(resp.Data))
	}
	for i, d := range resp.Data {
		if d.Index != i || d.Embedding[0] != float64(i) {
			t.Fatalf("data[%d] = index %d, vector %v", i, d.Index, d.Embedding)
		}
	}
	if resp.Usage.PromptTokens != 150 || resp.Usage.TotalTokens != 150 || resp.Model != "embedding-3" {
		t.Fatalf("usage %+v model %q", resp.Usage, resp.Model)
	}
	if resp.RawJSON() != nil {
		t.Fatal("a merged response has no single body")
	}
}

func TestEmbeddingsCreateBatchedOneRequest(t *testing.T) {
	rec, client := embedServer(t, nil)
	resp, err := client.Embeddings.CreateBatched(context.Background(), zai.EmbeddingRequest{
		Model: zai.ModelEmbedding3, Input: zai.EmbeddingTexts(texts(zai.MaxEmbeddingBatch)...), RequestID: "req-000001",
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(rec.requests()); n != 1 {
		t.Fatalf("%d requests", n)
	}
	for i, d := range resp.Data {
		if d.Index != i || d.Embedding[0] != float64(i) {
			t.Fatalf("data[%d] = index %d, vector %v", i, d.Index, d.Embedding)
		}
	}
	if len(resp.RawJSON()) == 0 {
		t.Fatal("one request keeps its body")
	}
}

func TestEmbeddingsCreateBatchedStopsAtFailure(t *testing.T) {
	rec, client := embedServer(t, func(call int) bool { return call == 2 })
	_, err := client.Embeddings.CreateBatched(context.Background(), zai.EmbeddingRequest{Model: zai.ModelEmbedding3, Input: zai.EmbeddingTexts(texts(200)...)})
	if !errors.Is(err, zai.ErrBadRequest) || !strings.Contains(err.Error(), "embeddings 64-127 of 200") {
		t.Fatalf("err %v", err)
	}
	if n := len(rec.requests()); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
}

func TestEmbeddingsCreateBatchedBadResponse(t *testing.T) {
	for name, body := range map[string]string{
		"missing vector":  `{"data":[{"index":0,"embedding":[1]}]}`,
		"repeated index":  `{"data":[{"index":0,"embedding":[1]},{"index":0,"embedding":[2]}]}`,
		"index too large": `{"data":[{"index":0,"embedding":[1]},{"index":2,"embedding":[2]}]}`,
	} {
		_, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(body)) })
		_, err := client.Embeddings.CreateBatched(context.Background(), zai.EmbeddingRequest{Model: zai.ModelEmbedding3, Input: zai.EmbeddingTexts("a", "b")})
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// respondRecordedError answers with a recorded error body, its recorded
// HTTP status and X-Log-Id.
func respondRecordedError(t testing.TB, status int, path, logID string) http.HandlerFunc {
	b := readFile(t, path)
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.Header().Set("X-Log-Id", logID)
		w.WriteHeader(status)
		w.Write(b)
	}
}

// assertAPIError checks every field of an *APIError and its category.
func assertAPIError(t testing.TB, err error, status int, code, message, requestID string, category error) {
	t.Helper()
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("want *APIError, got %T %v", err, err)
	}
	if apiErr.StatusCode != status || apiErr.Code != code || apiErr.Message != message || apiErr.RequestID != requestID {
		t.Fatalf("got %+v", apiErr)
	}
	if !errors.Is(err, category) {
		t.Fatalf("%v is not %v", err, category)
	}
}

// assertRoundTrips decodes a request body into T and checks that T encodes
// to the same JSON.
func assertRoundTrips[T any](t *testing.T, body []byte) {
	t.Helper()
	var req T
	if err := json.Unmarshal(body, &req); err != nil {
		t.Fatal(err)
	}
	again, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, body, again)
}

// Token ids go out as an array of integers or of arrays, and decode back
// into the same field.
func TestEmbeddingsTokenInputGolden(t *testing.T) {
	for _, tc := range []struct {
		golden string
		in     zai.EmbeddingInput
	}{
		{"embeddings_tokens.json", zai.EmbeddingTokens(9906, 1917, -1)},
		{"embeddings_token_lists.json", zai.EmbeddingTokenLists([]int{9906, 1917}, []int{42})},
	} {
		rec, client := newRecorder(t, respondFile(t, "testdata/shapes/embeddings_response.json", "application/json"))
		if _, err := client.Embeddings.Create(context.Background(), zai.EmbeddingRequest{Model: zai.ModelEmbedding3, Input: tc.in}); err != nil {
			t.Fatal(err)
		}
		body := rec.last(t).Body
		assertGoldenJSON(t, tc.golden, body)
		var req zai.EmbeddingRequest
		if err := json.Unmarshal(body, &req); err != nil || !reflect.DeepEqual(req.Input, tc.in) {
			t.Fatalf("%s decoded to %+v, %v", body, req.Input, err)
		}
	}
	var in zai.EmbeddingInput
	if err := json.Unmarshal([]byte(`[]`), &in); err != nil || in.Texts == nil || in.Tokens != nil {
		t.Fatalf("[] decoded to %#v, %v", in, err)
	}
	if err := json.Unmarshal([]byte(`[1,"a"]`), &in); err == nil {
		t.Fatal("a mixed array decoded")
	}
}

// Token lists are split into requests like texts.
func TestEmbeddingsCreateBatchedTokenLists(t *testing.T) {
	var sizes []int
	var rec *recorder // set before any request; the recorder has read the body
	rec, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Input [][]int `json:"input"`
		}
		b := rec.last(t).Body
		if err := json.Unmarshal(b, &req); err != nil {
			t.Errorf("decode %s: %v", b, err)
		}
		sizes = append(sizes, len(req.Input))
		var data []map[string]any
		for i := range req.Input {
			data = append(data, map[string]any{"index": i, "object": "embedding", "embedding": []float64{float64(req.Input[i][0])}})
		}
		json.NewEncoder(w).Encode(map[string]any{"model": "embedding-3", "data": data, "usage": map[string]int{"total_tokens": 1}})
	})
	lists := make([][]int, zai.MaxEmbeddingBatch+3)
	for i := range lists {
		lists[i] = []int{i}
	}
	resp, err := client.Embeddings.CreateBatched(context.Background(), zai.EmbeddingRequest{Model: zai.ModelEmbedding3, Input: zai.EmbeddingTokenLists(lists...)})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(sizes) != fmt.Sprintf("[%d 3]", zai.MaxEmbeddingBatch) || len(resp.Data) != len(lists) {
		t.Fatalf("request sizes %v, %d vectors", sizes, len(resp.Data))
	}
	for i, e := range resp.Data {
		if e.Index != i || e.Embedding[0] != float64(i) {
			t.Fatalf("data[%d] = %+v", i, e)
		}
	}
}

// A base64 answer decodes into the same numbers as a float answer.
func TestEmbeddingsBase64Response(t *testing.T) {
	_, client := newRecorder(t, respondFile(t, "testdata/shapes/embeddings_base64_response.json", "application/json"))
	resp, err := client.Embeddings.Create(context.Background(), zai.EmbeddingRequest{
		Model: zai.ModelEmbedding3, Input: zai.EmbeddingTexts("a", "b"), EncodingFormat: zai.EmbeddingEncodingFormatBase64,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Data) != 2 || fmt.Sprint(resp.Data[0].Embedding) != "[0.25 -0.5 0.125]" || fmt.Sprint(resp.Data[1].Embedding) != "[1.5 -2]" ||
		resp.Data[1].Index != 1 || resp.Data[1].Object != "embedding" {
		t.Fatalf("%+v", resp.Data)
	}
	for _, bad := range []string{`{"embedding":"AAA"}`, `{"embedding":"AAAAAAA="}`, `{"embedding":5}`} {
		var e zai.Embedding
		if err := json.Unmarshal([]byte(bad), &e); err == nil {
			t.Errorf("%s decoded to %+v", bad, e)
		}
	}
	var e zai.Embedding
	if err := json.Unmarshal([]byte(`{"index":3,"embedding":null}`), &e); err != nil || e.Index != 3 || e.Embedding != nil {
		t.Fatalf("%+v %v", e, err)
	}
}
