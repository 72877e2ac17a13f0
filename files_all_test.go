package zai_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/zai-go/zai"
)

func filePage(hasMore bool, ids ...string) string {
	var data []string
	for _, id := range ids {
		data = append(data, fmt.Sprintf(`{"id":%q,"object":"file","bytes":10,"created_at":1715673494,"filename":"%s.jsonl","purpose":"batch"}`, id, id))
	}
	return fmt.Sprintf(`{"object":"list","data":[%s],"has_more":%t}`, strings.Join(data, ","), hasMore)
}

func collectFiles(client *zai.Client, req zai.FileListRequest) ([]string, []error) {
	var ids []string
	var errs []error
	for f, err := range client.Files.All(context.Background(), req) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, f.ID)
	}
	return ids, errs
}

func TestFilesAllFollowsLastIDUntilNoMore(t *testing.T) {
	rec, client := newRecorder(t, pages(t, map[string]string{
		"":   filePage(true, "f1", "f2"),
		"f2": filePage(true, "f3"),
		"f3": filePage(false, "f4"),
	}))
	ids, errs := collectFiles(client, zai.FileListRequest{Purpose: zai.FilePurposeBatch, Limit: 2, Order: "created_at"})
	if len(errs) != 0 || strings.Join(ids, ",") != "f1,f2,f3,f4" {
		t.Fatalf("%v %v", ids, errs)
	}
	var queries []string
	for _, r := range rec.requests() {
		if r.Method != "GET" || r.Path != "/api/paas/v4/files" {
			t.Fatal(r.Method, r.Path)
		}
		queries = append(queries, r.Query)
	}
	want := "limit=2&order=created_at&purpose=batch|after=f2&limit=2&order=created_at&purpose=batch|after=f3&limit=2&order=created_at&purpose=batch"
	if strings.Join(queries, "|") != want {
		t.Fatalf("queries %v\nwant %s", queries, want)
	}
}

func TestFilesAllErrorOnceAndStuckCursor(t *testing.T) {
	_, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("after") == "" {
			respondJSON(filePage(true, "f1"))(w, r)
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"error":{"code":"1214","message":"bad cursor"}}`)
	})
	ids, errs := collectFiles(client, zai.FileListRequest{})
	if len(ids) != 1 || len(errs) != 1 || !errors.Is(errs[0], zai.ErrBadRequest) {
		t.Fatalf("%v %v", ids, errs)
	}

	rec, client := newRecorder(t, respondJSON(filePage(true, "f1")))
	ids, errs = collectFiles(client, zai.FileListRequest{})
	// The server ignores the cursor: the second page repeats f1, which is
	// not yielded again.
	if len(errs) != 1 || strings.Join(ids, ",") != "f1" {
		t.Fatalf("%v %v", ids, errs)
	}
	if n := len(rec.requests()); n != 2 {
		t.Fatalf("%d requests", n)
	}
}

func TestFilesAllBreakStopsFetching(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(filePage(true, "f1", "f2")))
	for range client.Files.All(context.Background(), zai.FileListRequest{}) {
		break
	}
	if n := len(rec.requests()); n != 1 {
		t.Fatalf("%d requests after break", n)
	}
}
