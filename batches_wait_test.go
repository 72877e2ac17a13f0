package zai_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/zai-go/zai"
)

func batchJSON(status string, extra string) string {
	return `{"id":"batch_1","object":"batch","endpoint":"/v4/chat/completions","input_file_id":"file-1","status":"` + status + `","created_at":1715674031399` + extra + `}`
}

func TestBatchesWaitPollsUntilCompleted(t *testing.T) {
	rec, client := newRecorder(t, sequence(jsonReplies(
		batchJSON("validating", ""),
		batchJSON("in_progress", ""),
		batchJSON("completed", `,"output_file_id":"file-out","metadata":{"job":{"n":1}}`),
	)...))
	var seen []string
	var gaps []time.Duration
	b, err := client.Batches.Wait(context.Background(), "batch_1",
		zai.WithPollProgress(func(p zai.PollProgress) {
			if p.TaskID != "batch_1" || p.Polls != len(seen)+1 {
				t.Errorf("progress %+v", p)
			}
			seen = append(seen, p.Status)
		}),
		zai.WithPollInterval(time.Second),
		zai.WithTestHooks(func(_ context.Context, d time.Duration) error { gaps = append(gaps, d); return nil }, nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	if b.Status != zai.BatchStatusCompleted || b.OutputFileID != "file-out" {
		t.Fatalf("%+v", b)
	}
	if m, ok := b.Metadata["job"].(map[string]any); !ok || m["n"] != float64(1) {
		t.Fatalf("metadata %v", b.Metadata)
	}
	if strings.Join(seen, ",") != "validating,in_progress,completed" {
		t.Fatalf("progress %v", seen)
	}
	if len(gaps) != 2 || gaps[0] != time.Second || gaps[1] != 1500*time.Millisecond {
		t.Fatalf("gaps %v", gaps)
	}
	for _, r := range rec.requests() {
		if r.Method != "GET" || r.Path != "/api/paas/v4/batches/batch_1" {
			t.Fatal(r.Method, r.Path)
		}
	}
}

func TestBatchesWaitTerminalStates(t *testing.T) {
	for _, c := range []struct {
		status  string
		failed  bool
		message string
	}{
		{"failed", true, "line 2: 1214: bad line"},
		{"expired", false, ""},
		{"cancelled", false, ""},
	} {
		_, client := newRecorder(t, respondJSON(batchJSON(c.status, `,"errors":{"object":"list","data":[{"code":"1214","line":2,"message":"bad line"}]}`)))
		var last string
		b, err := client.Batches.Wait(context.Background(), "batch_1", zai.WithPollProgress(func(p zai.PollProgress) { last = p.Status }))
		if b == nil || string(b.Status) != c.status || last != c.status {
			t.Fatalf("%s: %+v %v", c.status, b, last)
		}
		if c.failed != errors.Is(err, zai.ErrTaskFailed) || (c.failed && !strings.Contains(err.Error(), c.message)) {
			t.Fatalf("%s: %v", c.status, err)
		}
		if c.failed && !strings.HasPrefix(err.Error(), "zai: batch batch_1 failed") {
			t.Fatalf("%q", err)
		}
	}
}

func TestBatchesWaitContextEnds(t *testing.T) {
	_, client := newRecorder(t, respondJSON(batchJSON("in_progress", "")))
	ctx, cancel := context.WithCancel(context.Background())
	polls := 0
	b, err := client.Batches.Wait(ctx, "batch_1",
		zai.WithPollProgress(func(zai.PollProgress) { polls++ }),
		zai.WithTestHooks(func(ctx context.Context, _ time.Duration) error {
			if polls == 2 {
				cancel()
			}
			return ctx.Err()
		}, nil, nil))
	if !errors.Is(err, context.Canceled) || b == nil || b.Status != zai.BatchStatusInProgress || polls != 2 {
		t.Fatalf("%v %+v %d", err, b, polls)
	}
}

func TestBatchesWaitBadIDSendsNothing(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(batchJSON("completed", "")))
	for _, id := range []string{"", ".", ".."} {
		if _, err := client.Batches.Wait(context.Background(), id); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("%q: %v", id, err)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}
