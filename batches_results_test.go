package zai_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/zai-go/zai"
)

func TestReadBatchResultsOutputFile(t *testing.T) {
	var got []zai.BatchOutputLine
	for res, err := range zai.ReadBatchOutput(bytes.NewReader(readFile(t, "testdata/shapes/batch_output.jsonl"))) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, res)
	}
	if len(got) != 2 || got[0].CustomID != "review-1" || got[0].ID != "batch_1-1" || got[1].CustomID != "review-2" {
		t.Fatalf("%+v", got)
	}
	r := got[0]
	if r.Response.StatusCode != 200 || r.Response.RequestID != "batch_1-1" || r.Error != nil || r.Err() != nil {
		t.Fatalf("%+v", r)
	}
	c, err := r.ChatCompletion()
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != "chat-1" || c.Choices[0].Message.Content != "positive" || c.Usage.TotalTokens != 21 || string(c.RawJSON()) != string(r.Response.Body) {
		t.Fatalf("%+v", c)
	}
}

func TestReadBatchResultsErrorFile(t *testing.T) {
	var got []zai.BatchOutputLine
	for res, err := range zai.ReadBatchOutput(bytes.NewReader(readFile(t, "testdata/shapes/batch_error.jsonl"))) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, res)
	}
	if len(got) != 2 {
		t.Fatalf("%+v", got)
	}
	var apiErr *zai.APIError
	if err := got[0].Err(); !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.Code != "1214" || apiErr.Message != "messages is empty" ||
		apiErr.RequestID != "batch_1-3" || !errors.Is(err, zai.ErrBadRequest) {
		t.Fatalf("%v", err)
	}
	if _, err := got[0].ChatCompletion(); !errors.As(err, &apiErr) {
		t.Fatalf("ChatCompletion of a failed line: %v", err)
	}
	if got[1].Error == nil || got[1].Error.Code != "1261" {
		t.Fatalf("%+v", got[1])
	}
	if err := got[1].Err(); !errors.As(err, &apiErr) || apiErr.Code != "1261" || apiErr.Message != "Prompt too long" {
		t.Fatalf("%v", err)
	}
}

// A line longer than bufio.Scanner's 64 KiB, read a byte at a time, decodes
// whole; a line over the limit is an error, not a truncation.
func TestReadBatchResultsLongLines(t *testing.T) {
	content := strings.Repeat("x", 200<<10)
	line := `{"custom_id":"big","response":{"status_code":200,"body":{"id":"c","choices":[{"index":0,"message":{"role":"assistant","content":"` + content + `"}}]}}}`
	n := 0
	for res, err := range zai.ReadBatchOutput(iotest.OneByteReader(strings.NewReader(line))) { // no final newline
		if err != nil {
			t.Fatal(err)
		}
		c, err := res.ChatCompletion()
		if err != nil || c.Choices[0].Message.Content != content {
			t.Fatalf("%v", err)
		}
		n++
	}
	if n != 1 {
		t.Fatalf("%d lines", n)
	}

	huge := io.MultiReader(strings.NewReader(`{"custom_id":"`), strings.NewReader(strings.Repeat("y", zai.MaxBatchResultLine)), strings.NewReader(`"}`+"\n"))
	var errs []error
	for _, err := range zai.ReadBatchOutput(huge) {
		errs = append(errs, err)
	}
	if len(errs) != 1 || errs[0] == nil || !strings.Contains(errs[0].Error(), "longer than") {
		t.Fatalf("%v", errs)
	}
}

func TestReadBatchResultsBadLineAndReadError(t *testing.T) {
	in := `{"custom_id":"a","response":{"status_code":200,"body":{}}}` + "\n" + `{not json` + "\n" + `{"custom_id":"c"}` + "\n"
	var ids []string
	var errs []error
	for res, err := range zai.ReadBatchOutput(strings.NewReader(in)) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, res.CustomID)
	}
	if len(ids) != 1 || len(errs) != 1 || !strings.Contains(errs[0].Error(), "line 2") {
		t.Fatalf("%v %v", ids, errs)
	}
	boom := errors.New("disk gone")
	for _, err := range zai.ReadBatchOutput(iotest.ErrReader(boom)) {
		if !errors.Is(err, boom) {
			t.Fatalf("%v", err)
		}
	}
	// Breaking out stops reading.
	for range zai.ReadBatchOutput(bytes.NewReader(readFile(t, "testdata/shapes/batch_output.jsonl"))) {
		break
	}
}

func TestBatchesReadResultsDownloadsOutputThenErrors(t *testing.T) {
	files := map[string][]byte{
		"/api/paas/v4/files/file-out/content": readFile(t, "testdata/shapes/batch_output.jsonl"),
		"/api/paas/v4/files/file-err/content": readFile(t, "testdata/shapes/batch_error.jsonl"),
	}
	rec, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		b, ok := files[r.URL.Path]
		if !ok {
			w.WriteHeader(404)
			io.WriteString(w, `{"error":{"code":"1222","message":"no such file"}}`)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(b)
	})
	batch := &zai.Batch{ID: "batch_1", Status: zai.BatchStatusCompleted, OutputFileID: "file-out", ErrorFileID: "file-err"}
	var ids []string
	failed := 0
	for res, err := range client.Batches.ReadOutput(context.Background(), batch) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.CustomID)
		if res.Err() != nil {
			failed++
		}
	}
	if strings.Join(ids, ",") != "review-1,review-2,review-3,review-4" || failed != 2 {
		t.Fatalf("%v %d", ids, failed)
	}
	reqs := rec.requests()
	if len(reqs) != 2 || reqs[0].Path != "/api/paas/v4/files/file-out/content" || reqs[1].Path != "/api/paas/v4/files/file-err/content" || reqs[0].Method != "GET" {
		t.Fatalf("%+v", reqs)
	}

	// A failed download is yielded once.
	var errs []error
	for _, err := range client.Batches.ReadOutput(context.Background(), &zai.Batch{OutputFileID: "gone"}) {
		errs = append(errs, err)
	}
	if len(errs) != 1 || !errors.Is(errs[0], zai.ErrNotFound) {
		t.Fatalf("%v", errs)
	}
}

func TestBatchesReadResultsBadInputSendsNothing(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(`{}`))
	for _, b := range []*zai.Batch{nil, {ID: "b", Status: zai.BatchStatusFailed}, {OutputFileID: ".."}} {
		var errs []error
		for _, err := range client.Batches.ReadOutput(context.Background(), b) {
			errs = append(errs, err)
		}
		if len(errs) != 1 || !errors.Is(errs[0], zai.ErrInvalidRequest) {
			t.Errorf("%+v: %v", b, errs)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}
