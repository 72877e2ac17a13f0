package zai_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zai-go/zai"
)

// The batch as the official Python SDK's integration test recorded it
// (reference/official-sdks.md: tests/integration_tests/test_batches.py):
// Batch(id='batch_1790292763050508288', completion_window='24h',
// created_at=1715674031399, endpoint='/v4/chat/completions',
// status='validating'), with the fields of §B.5 "Batches".
const batchReply = `{"id":"batch_1790292763050508288","object":"batch","endpoint":"/v4/chat/completions",` +
	`"input_file_id":"file-123","completion_window":"24h","status":"validating",` +
	`"created_at":1715674031399,"request_counts":{"total":2,"completed":1,"failed":1},` +
	`"errors":{"object":"list","data":[{"code":"1214","line":2,"message":"bad line","param":"body"}]},` +
	`"metadata":{"team":"a"}}`

func TestBatchesCreate(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(batchReply))
	b, err := client.Batches.Create(context.Background(), zai.BatchCreateRequest{
		InputFileID:         "file-123",
		Endpoint:            zai.BatchEndpointChatCompletions,
		CompletionWindow:    "24h",
		AutoDeleteInputFile: zai.Ptr(false),
		Metadata:            map[string]string{"team": "a"},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := rec.last(t)
	if got.Method != "POST" || got.Path != "/api/paas/v4/batches" {
		t.Fatalf("%s %s", got.Method, got.Path)
	}
	assertGoldenJSON(t, "batches_create.json", got.Body)

	if b.ID != "batch_1790292763050508288" || b.Status != zai.BatchStatusValidating || b.Endpoint != "/v4/chat/completions" ||
		b.RequestCounts == nil || b.RequestCounts.Failed != 1 || b.Errors == nil || b.Errors.Data[0].Line != 2 || b.Metadata["team"] != "a" {
		t.Fatalf("%+v", b)
	}
	// created_at is milliseconds: 2024-05-14.
	if ct := zai.BatchTime(b.CreatedAt).UTC(); ct.Year() != 2024 || ct.Month() != time.May || ct.Day() != 14 {
		t.Fatalf("created %v", ct)
	}
	if !zai.BatchTime(b.CompletedAt).IsZero() {
		t.Fatal("an unset timestamp is the zero time")
	}
}

// The response example of the BigModel reference (docs.bigmodel.cn,
// 创建批处理任务) types request_counts as a number; it decodes, as Total.
func TestBatchRequestCountsAsNumber(t *testing.T) {
	var b zai.Batch
	err := json.Unmarshal([]byte(`{"id":"b","object":"batch","endpoint":"/v4/chat/completions","status":"completed",`+
		`"request_counts":123,"total":123,"completed":120,"failed":3,"metadata":{}}`), &b)
	if err != nil || b.RequestCounts == nil || b.RequestCounts.Total != 123 {
		t.Fatalf("%v %+v", err, b.RequestCounts)
	}
	if err := json.Unmarshal([]byte(`{"request_counts":{"total":2,"completed":1,"failed":1}}`), &b); err != nil || *b.RequestCounts != (zai.BatchRequestCounts{Total: 2, Completed: 1, Failed: 1}) {
		t.Fatalf("%v %+v", err, b.RequestCounts)
	}
}

func TestBatchesGetAndCancel(t *testing.T) {
	var uris rawURIs
	rec, client := newRecorder(t, uris.wrap(respondJSON(batchReply)))
	ctx := context.Background()
	if _, err := client.Batches.Get(ctx, "batch_1"); err != nil {
		t.Fatal(err)
	}
	if got := rec.last(t); got.Method != "GET" || got.Path != "/api/paas/v4/batches/batch_1" {
		t.Fatalf("%s %s", got.Method, got.Path)
	}
	if _, err := client.Batches.Cancel(ctx, "b/1"); err != nil {
		t.Fatal(err)
	}
	if got := rec.last(t); got.Method != "POST" || len(got.Body) != 0 {
		t.Fatalf("%s %q", got.Method, got.Body)
	}
	if u := uris.last(); u != "/api/paas/v4/batches/b%2F1/cancel" {
		t.Fatalf("sent %s", u)
	}
}

func TestBatchesBadInputSendsNothing(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(batchReply))
	ctx := context.Background()
	_, err1 := client.Batches.Create(ctx, zai.BatchCreateRequest{Endpoint: zai.BatchEndpointChatCompletions})
	_, err2 := client.Batches.Create(ctx, zai.BatchCreateRequest{InputFileID: "f"})
	_, err3 := client.Batches.Get(ctx, "")
	_, err4 := client.Batches.Cancel(ctx, "")
	_, err5 := client.Batches.Get(ctx, ".")
	for i, err := range []error{err1, err2, err3, err4, err5} {
		if !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("case %d: %v", i+1, err)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}

// pages serves GET /batches from a list of pages keyed by the after cursor.
func pages(t *testing.T, byAfter map[string]string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, ok := byAfter[r.URL.Query().Get("after")]
		if !ok {
			t.Errorf("unexpected cursor %q", r.URL.RawQuery)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		respondJSON(body)(w, r)
	}
}

func page(hasMore bool, ids ...string) string {
	var data []string
	for _, id := range ids {
		data = append(data, fmt.Sprintf(`{"id":%q,"object":"batch","status":"completed","created_at":1715674031399}`, id))
	}
	first, last := "", ""
	if len(ids) > 0 {
		first, last = ids[0], ids[len(ids)-1]
	}
	return fmt.Sprintf(`{"object":"list","data":[%s],"first_id":%q,"last_id":%q,"has_more":%t}`, strings.Join(data, ","), first, last, hasMore)
}

func collect(t *testing.T, client *zai.Client, params zai.BatchListRequest) ([]string, error) {
	t.Helper()
	var ids []string
	for b, err := range client.Batches.All(context.Background(), params) {
		if err != nil {
			return ids, err
		}
		ids = append(ids, b.ID)
	}
	return ids, nil
}

func TestBatchesAllFollowsCursorUntilNoMore(t *testing.T) {
	rec, client := newRecorder(t, pages(t, map[string]string{
		"":   page(true, "b1", "b2"),
		"b2": page(true, "b3", "b4"),
		"b4": page(false, "b5"),
	}))
	ids, err := collect(t, client, zai.BatchListRequest{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(ids, ",") != "b1,b2,b3,b4,b5" {
		t.Fatalf("%v", ids)
	}
	var queries []string
	for _, r := range rec.requests() {
		if r.Path != "/api/paas/v4/batches" {
			t.Fatal(r.Path)
		}
		queries = append(queries, r.Query)
	}
	if want := "limit=2|after=b2&limit=2|after=b4&limit=2"; strings.Join(queries, "|") != want {
		t.Fatalf("queries %v, want %s", queries, want)
	}
}

func TestBatchesAllStopsOnEmptyPage(t *testing.T) {
	rec, client := newRecorder(t, pages(t, map[string]string{
		"":   page(true, "b1"),
		"b1": page(true), // says more, sends none
	}))
	ids, err := collect(t, client, zai.BatchListRequest{})
	if err != nil || len(ids) != 1 {
		t.Fatalf("%v %v", ids, err)
	}
	if n := len(rec.requests()); n != 2 {
		t.Fatalf("%d requests", n)
	}
}

func TestBatchesAllStuckCursorIsAnError(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(page(true, "b1", "b2")))
	ids, err := collect(t, client, zai.BatchListRequest{})
	// The second page repeats the first: none of it is yielded again.
	if err == nil || strings.Join(ids, ",") != "b1,b2" {
		t.Fatalf("%v %v", ids, err)
	}
	if n := len(rec.requests()); n != 2 {
		t.Fatalf("%d requests", n)
	}
}

func TestBatchesAllStartsAfterAndYieldsErrorOnce(t *testing.T) {
	rec, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("after") == "b0" {
			respondJSON(page(true, "b1"))(w, r)
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"error":{"code":"1214","message":"bad cursor"}}`)
	})
	var ids []string
	var errs []error
	for b, err := range client.Batches.All(context.Background(), zai.BatchListRequest{After: "b0"}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, b.ID)
	}
	if len(ids) != 1 || len(errs) != 1 || !errors.Is(errs[0], zai.ErrBadRequest) {
		t.Fatalf("%v %v", ids, errs)
	}
	if q := rec.requests()[0].Query; q != "after=b0" {
		t.Fatal(q)
	}
}

func TestBatchesAllBreakStopsFetching(t *testing.T) {
	rec, client := newRecorder(t, pages(t, map[string]string{"": page(true, "b1", "b2")}))
	for range client.Batches.All(context.Background(), zai.BatchListRequest{}) {
		break
	}
	if n := len(rec.requests()); n != 1 {
		t.Fatalf("%d requests after break", n)
	}
}

func TestBatchesList(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(page(true, "b1", "b2")))
	l, err := client.Batches.List(context.Background(), zai.BatchListRequest{After: "b0", Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !l.HasMore || l.FirstID != "b1" || l.LastID != "b2" || len(l.Data) != 2 || l.Object != "list" {
		t.Fatalf("%+v", l)
	}
	if q, _ := url.ParseQuery(rec.last(t).Query); q.Get("after") != "b0" || q.Get("limit") != "2" || len(q) != 2 {
		t.Fatalf("%v", q)
	}
}

func TestWriteBatchInput(t *testing.T) {
	var buf bytes.Buffer
	err := zai.WriteBatchInput(&buf,
		zai.BatchInputItem{CustomID: "request-1", Request: zai.ChatCompletionRequest{
			Model:       zai.ModelGLM4_7Flash,
			Messages:    []zai.Message{zai.SystemMessage("Classify the sentiment."), zai.UserMessage("Great phone!")},
			Temperature: zai.Ptr(0.0),
		}},
		zai.BatchInputItem{CustomID: "request-2", Request: zai.ChatCompletionRequest{
			Model:    zai.ModelGLM4_7Flash,
			Messages: []zai.Message{zai.UserMessage("Late delivery <again> & broken")},
		}},
	)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines: %q", len(lines), buf.String())
	}
	// The line format of the official batch input files
	// (tests/unit_tests/batchinput.jsonl): custom_id, method, url, body.
	assertSameJSON(t, []byte(`{"custom_id":"request-1","method":"POST","url":"/v4/chat/completions",`+
		`"body":{"model":"glm-4.7-flash","temperature":0,"messages":[{"role":"system","content":"Classify the sentiment."},{"role":"user","content":"Great phone!"}]}}`),
		[]byte(lines[0]))
	var second struct {
		CustomID string                    `json:"custom_id"`
		Body     zai.ChatCompletionRequest `json:"body"`
	}
	if err := json.Unmarshal([]byte(lines[1]), &second); err != nil || second.CustomID != "request-2" ||
		second.Body.Messages[0].Content != "Late delivery <again> & broken" {
		t.Fatalf("%+v %v", second, err)
	}
}

func TestWriteBatchInputRefusesBadItemsBeforeWriting(t *testing.T) {
	good := zai.ChatCompletionRequest{Model: "m", Messages: []zai.Message{zai.UserMessage("x")}}
	for name, items := range map[string][]zai.BatchInputItem{
		"none":        nil,
		"empty id":    {{CustomID: "", Request: good}},
		"repeated id": {{CustomID: "a", Request: good}, {CustomID: "a", Request: good}},
		"no model":    {{CustomID: "a", Request: good}, {CustomID: "b", Request: zai.ChatCompletionRequest{Messages: good.Messages}}},
		"no messages": {{CustomID: "a", Request: zai.ChatCompletionRequest{Model: "m"}}},
	} {
		var buf bytes.Buffer
		err := zai.WriteBatchInput(&buf, items...)
		if !errors.Is(err, zai.ErrInvalidRequest) || buf.Len() != 0 {
			t.Errorf("%s: %v, wrote %q", name, err, buf.String())
		}
	}
}
