package zai_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/zai-go/zai"
)

// Every Wait reports a task that ended badly as one *TaskFailedError
// (errors.As, errors.Is ErrTaskFailed and the code's category), and every
// poll as one PollProgress, with the status as the service sent it.
func TestEveryWaitFailsWithTaskFailedError(t *testing.T) {
	for _, w := range []struct {
		name     string
		replies  []string // one per poll; the last is the failure
		statuses []string // what WithPollProgress sees
		wait     func(ctx context.Context, c *zai.Client, opts ...zai.Option) (any, error)
		id       string
		status   string
		code     string
		message  string
		category error
		result   bool // Result holds the last result, which Wait returns too
		apiError bool // the failure body is reachable as an *APIError
	}{
		{
			name: "AsyncResult.Wait",
			replies: []string{`{"id":"t1","task_status":"PROCESSING"}`,
				`{"id":"t1","request_id":"r1","task_status":"FAIL","error":{"code":"1301","message":"unsafe"}}`},
			statuses: []string{"PROCESSING", "FAIL"},
			wait: func(ctx context.Context, c *zai.Client, opts ...zai.Option) (any, error) {
				return c.AsyncResult.Wait(ctx, "t1", opts...)
			},
			id: "t1", status: "FAIL", code: "1301", message: "unsafe", category: zai.ErrContentFiltered, result: true,
		},
		{
			name: "Videos.GenerateAndWait",
			replies: []string{`{"id":"t1","task_status":"PROCESSING"}`, `{"id":"t1","task_status":"PROCESSING"}`,
				`{"id":"t1","task_status":"FAIL","message":"the model refused"}`},
			statuses: []string{"PROCESSING", "FAIL"}, // the submission is no poll
			wait: func(ctx context.Context, c *zai.Client, opts ...zai.Option) (any, error) {
				return c.Videos.GenerateAndWait(ctx, zai.VideoRequest{Model: zai.ModelCogVideoX3, Prompt: "a cat"}, opts...)
			},
			id: "t1", status: "FAIL", message: "the model refused", result: true,
		},
		{
			name: "Agents.Wait",
			replies: []string{`{"id":"a","async_id":"as1","status":"pending"}`,
				`{"id":"a","async_id":"as1","status":"failed","error":{"code":"1113","message":"no balance"}}`},
			statuses: []string{"pending", "failed"},
			wait: func(ctx context.Context, c *zai.Client, opts ...zai.Option) (any, error) {
				return c.Agents.Wait(ctx, zai.AgentAsyncResultRequest{AgentID: zai.AgentVideoEffects, AsyncID: "as1"}, opts...)
			},
			id: "as1", status: "failed", code: "1113", message: "no balance", category: zai.ErrQuotaExceeded, apiError: true,
		},
		{
			name:     "FileParser.Wait",
			replies:  []string{`{"status":"processing"}`, `{"status":"failed","message":"cannot read the file"}`},
			statuses: []string{"processing", "failed"},
			wait: func(ctx context.Context, c *zai.Client, opts ...zai.Option) (any, error) {
				return c.FileParser.Wait(ctx, "p1", zai.ParseFormatText, opts...)
			},
			id: "p1", status: "failed", message: "cannot read the file", apiError: true,
		},
		{
			name: "Batches.Wait",
			replies: []string{`{"id":"b1","object":"batch","status":"in_progress"}`,
				`{"id":"b1","object":"batch","status":"failed","errors":{"object":"list","data":[{"code":"1214","message":"bad line"}]}}`},
			statuses: []string{"in_progress", "failed"},
			wait: func(ctx context.Context, c *zai.Client, opts ...zai.Option) (any, error) {
				return c.Batches.Wait(ctx, "b1", opts...)
			},
			id: "b1", status: "failed", code: "1214", message: "bad line", category: zai.ErrBadRequest, result: true,
		},
	} {
		t.Run(w.name, func(t *testing.T) {
			env := newFaultEnv(t, func(rw http.ResponseWriter, r *http.Request, n int) {
				rw.Header().Set("Content-Type", "application/json")
				io.WriteString(rw, w.replies[min(n, len(w.replies))-1])
			})
			var seen []zai.PollProgress
			res, err := w.wait(context.Background(), env.client, zai.WithPollProgress(func(p zai.PollProgress) { seen = append(seen, p) }))
			var failed *zai.TaskFailedError
			if !errors.As(err, &failed) || !errors.Is(err, zai.ErrTaskFailed) {
				t.Fatalf("%T %v", err, err)
			}
			if failed.TaskID != w.id || failed.Status != w.status || failed.Code != w.code || failed.Message != w.message {
				t.Fatalf("%+v", failed)
			}
			if w.category != nil && !errors.Is(err, w.category) {
				t.Errorf("%v does not match %v", err, w.category)
			}
			if text := err.Error(); !strings.HasPrefix(text, "zai: task failed: "+w.id) || strings.Count(text, "zai:") != 1 {
				t.Errorf("text %q", text)
			}
			if w.result != (failed.Result != nil) || w.result && fmt.Sprint(failed.Result) != fmt.Sprint(res) {
				t.Errorf("Result %v, Wait returned %v", failed.Result, res)
			}
			var apiErr *zai.APIError
			if w.apiError != errors.As(err, &apiErr) || w.apiError && (apiErr.StatusCode != 200 || len(apiErr.RawJSON()) == 0) {
				t.Errorf("*APIError %v: %+v", w.apiError, apiErr)
			}
			var statuses []string
			for i, p := range seen {
				statuses = append(statuses, p.Status)
				if p.TaskID != w.id || p.Polls != i+1 || p.Waited < 0 || i > 0 && p.Waited < seen[i-1].Waited {
					t.Errorf("progress %d: %+v", i, p)
				}
			}
			if got := strings.Join(statuses, ","); got != strings.Join(w.statuses, ",") {
				t.Errorf("progress saw %v, want %v", statuses, w.statuses)
			}
		})
	}
}
