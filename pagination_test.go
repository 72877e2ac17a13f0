package zai_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/zai-go/zai"
)

// cyclingPages serves GET /batches from byAfter like pages, and gives up
// after limit requests (answering has_more false), so that an iterator that
// never stops fails the test instead of hanging it.
func cyclingPages(t *testing.T, limit int32, byAfter map[string]string) (http.HandlerFunc, *atomic.Int32) {
	var n atomic.Int32
	serve := pages(t, byAfter)
	return func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) > limit {
			t.Errorf("request %d: the iterator is still following the cycle", n.Load())
			respondJSON(page(false))(w, r)
			return
		}
		serve(w, r)
	}, &n
}

// A server whose cursors loop back to an earlier page (not the one just
// fetched) must not be followed round the loop, and the page that closes
// the loop yields nothing: its items were yielded already.
func TestBatchesAllStopsWhenACursorRepeats(t *testing.T) {
	for _, tc := range []struct {
		name    string
		start   string
		byAfter map[string]string
		ids     string
		fetches int32
	}{
		{"back to the first page's cursor", "", map[string]string{
			"":   page(true, "b1", "b2"),
			"b2": page(true, "b3", "b4"),
			"b4": page(true, "b1", "b2"), // wraps around: next cursor b2 again
		}, "b1,b2,b3,b4", 3},
		{"a cycle of three pages", "", map[string]string{
			"":   page(true, "b1"),
			"b1": page(true, "b2"),
			"b2": page(true, "b3"),
			"b3": page(true, "b1"),
		}, "b1,b2,b3", 4},
		{"back to the starting cursor", "b0", map[string]string{
			"b0": page(true, "b1"),
			"b1": page(true, "b0"),
		}, "b1", 2},
		// A server that echoes the key as an id: the error must not carry it.
		{"a cursor that is the key", "", map[string]string{
			"":                page(true, "test-key.secret"),
			"test-key.secret": page(true, "test-key.secret"),
		}, "test-key.secret", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			handler, n := cyclingPages(t, 10, tc.byAfter)
			_, client := newRecorder(t, handler)
			ids, err := collect(t, client, zai.BatchListRequest{After: tc.start})
			if err == nil || !strings.Contains(err.Error(), "cursor repeated") {
				t.Fatalf("err %v, want the repeated cursor reported", err)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Fatalf("err %v carries the key", err)
			}
			if got := strings.Join(ids, ","); got != tc.ids {
				t.Fatalf("yielded %s, want %s", got, tc.ids)
			}
			if got := n.Load(); got != tc.fetches {
				t.Fatalf("%d pages fetched, want %d", got, tc.fetches)
			}
		})
	}
}

// Ranging twice over one iterator lists from the start both times.
func TestBatchesAllRangesAgainFromTheStart(t *testing.T) {
	rec, client := newRecorder(t, pages(t, map[string]string{
		"b0": page(true, "b1"),
		"b1": page(false, "b2"),
	}))
	seq := client.Batches.All(context.Background(), zai.BatchListRequest{After: "b0"})
	for range 2 {
		var ids []string
		for b, err := range seq {
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, b.ID)
		}
		if strings.Join(ids, ",") != "b1,b2" {
			t.Fatalf("%v", ids)
		}
	}
	if n := len(rec.requests()); n != 4 {
		t.Fatalf("%d requests, want 4", n)
	}
}
