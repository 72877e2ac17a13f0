package zai_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zai-go/zai"
)

// The async fixtures are the shapes quoted in the reference §B.5; see
// testdata/shapes/ref_b5_README.md.
const (
	fxProcessing  = "testdata/shapes/ref_b5_async_processing.json"
	fxVideoResult = "testdata/shapes/ref_b5_async_video_result.json"
	fxImageResult = "testdata/shapes/ref_b5_async_image_result.json"
	fxChatResult  = "testdata/shapes/ref_b5_async_chat_result.json"
	fxFail        = "testdata/shapes/ref_b5_async_fail.json"
)

// sleepLog records the waits it is asked for instead of waiting: the
// injected clock of the poll schedule.
type sleepLog struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleepLog) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleepLog) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// hooks makes Wait record its sleeps, with no jitter on retry delays.
func (s *sleepLog) hooks() zai.Option {
	return zai.WithTestHooks(s.sleep, func() float64 { return 0 }, nil)
}

func secs(f ...float64) []time.Duration {
	out := make([]time.Duration, len(f))
	for i, x := range f {
		out[i] = time.Duration(x * float64(time.Second))
	}
	return out
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestAsyncResultGetPathAndDecode(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, fxVideoResult, "application/json"))
	res, err := client.AsyncResult.Get(context.Background(), "task-video-1")
	if err != nil {
		t.Fatal(err)
	}
	got := rec.last(t)
	if got.Method != "GET" || got.Path != "/api/paas/v4/async-result/task-video-1" || len(got.Body) != 0 {
		t.Fatalf("%s %q body %q", got.Method, got.Path, got.Body)
	}
	if res.TaskStatus != zai.TaskStatusSuccess || res.Model != "cogvideox-3" || res.RequestID != "…" {
		t.Fatalf("%+v", res)
	}
	if len(res.VideoResult) != 1 || res.VideoResult[0].URL != "https://…/video.mp4" || res.VideoResult[0].CoverImageURL != "https://…/cover.png" {
		t.Fatalf("video result %+v", res.VideoResult)
	}
	if string(res.RawJSON()) != string(readFile(t, fxVideoResult)) {
		t.Fatal("RawJSON is not the body")
	}
}

func TestAsyncResultGetEscapesID(t *testing.T) {
	var rawPath string
	_, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		rawPath = r.URL.EscapedPath()
		w.Write(readFile(t, fxProcessing))
	})
	if _, err := client.AsyncResult.Get(context.Background(), "a/b?c"); err != nil {
		t.Fatal(err)
	}
	if rawPath != "/api/paas/v4/async-result/a%2Fb%3Fc" {
		t.Fatalf("escaped path %q", rawPath)
	}
}

func TestAsyncChatResultDecoded(t *testing.T) {
	_, client := newRecorder(t, respondFile(t, fxChatResult, "application/json"))
	res, err := client.AsyncResult.Get(context.Background(), "…")
	if err != nil {
		t.Fatal(err)
	}
	if res.TaskStatus != zai.TaskStatusSuccess || res.ID != "…" || res.Model != "glm-4.6" {
		t.Fatalf("%+v", res)
	}
	if len(res.Choices) != 1 {
		t.Fatalf("choices %+v", res.Choices)
	}
	c := res.Choices[0]
	if c.Message.Role != zai.RoleAssistant || c.Message.Content != "Olá! (Oh-lah)" || c.FinishReason != zai.FinishReasonStop ||
		!strings.HasPrefix(c.Message.ReasoningContent, "1.  **Analyze the Request:**") {
		t.Fatalf("choice %+v", c)
	}
	u := res.Usage
	if u.PromptTokens != 15 || u.CompletionTokens != 249 || u.TotalTokens != 264 ||
		u.PromptTokensDetails.CachedTokens != 3 || u.CompletionTokensDetails.ReasoningTokens != 239 {
		t.Fatalf("usage %+v", u)
	}
}

func TestAsyncImageResultDecoded(t *testing.T) {
	for name, body := range map[string][]byte{
		"array (reference §B.5)":               readFile(t, fxImageResult),
		"single object (accepted by Java SDK)": []byte(`{"model":"glm-image","task_status":"SUCCESS","image_result":{"url":"https://…"},"request_id":"…"}`),
	} {
		t.Run(name, func(t *testing.T) {
			_, client := newRecorder(t, sequence(reply{200, body}))
			res, err := client.AsyncResult.Get(context.Background(), "task-image-1")
			if err != nil {
				t.Fatal(err)
			}
			if res.TaskStatus != zai.TaskStatusSuccess || len(res.ImageResult) != 1 || res.ImageResult[0].URL != "https://…" {
				t.Fatalf("%+v", res)
			}
		})
	}
}

func TestAsyncResultEmptyIDRefused(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, fxProcessing, "application/json"))
	ctx := context.Background()
	for _, id := range []string{"", "  "} {
		if _, err := client.AsyncResult.Get(ctx, id); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("Get(%q): %v", id, err)
		}
		if _, err := client.AsyncResult.Wait(ctx, id); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("Wait(%q): %v", id, err)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}

func TestWaitProcessingThenSuccess(t *testing.T) {
	rec, client := newRecorder(t, sequence(ok(t, fxProcessing), ok(t, fxProcessing), ok(t, fxVideoResult)))
	var sl sleepLog
	var seen []zai.TaskStatus
	res, err := client.AsyncResult.Wait(context.Background(), "task-video-1", sl.hooks(),
		zai.WithPollProgress(func(p zai.PollProgress) { seen = append(seen, zai.TaskStatus(p.Status)) }))
	if err != nil {
		t.Fatal(err)
	}
	if res.TaskStatus != zai.TaskStatusSuccess || res.VideoResult[0].URL != "https://…/video.mp4" {
		t.Fatalf("%+v", res)
	}
	if want := []zai.TaskStatus{zai.TaskStatusProcessing, zai.TaskStatusProcessing, zai.TaskStatusSuccess}; strings.Join(statusStrings(seen), ",") != strings.Join(statusStrings(want), ",") {
		t.Fatalf("progress saw %v, want %v", seen, want)
	}
	reqs := rec.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d polls, want 3", len(reqs))
	}
	for _, r := range reqs {
		if r.Method != "GET" || r.Path != "/api/paas/v4/async-result/task-video-1" {
			t.Fatalf("%s %s", r.Method, r.Path)
		}
	}
	if got := sl.got(); !equalDurations(got, secs(2, 3)) {
		t.Fatalf("sleeps %v", got)
	}
}

func statusStrings(s []zai.TaskStatus) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = string(x)
	}
	return out
}

func TestWaitBackoffSchedule(t *testing.T) {
	cases := []struct {
		name string
		opts []zai.Option
		want []time.Duration
	}{
		{"default 2s x1.5 capped at 30s", nil, secs(2, 3, 4.5, 6.75, 10.125, 15.1875, 22.78125, 30, 30, 30)},
		{"WithPollInterval(1s)", []zai.Option{zai.WithPollInterval(time.Second)}, secs(1, 1.5, 2.25, 3.375, 5.0625, 7.59375, 11.390625, 17.0859375, 25.62890625, 30)},
		{"interval above the cap stays", []zai.Option{zai.WithPollInterval(45 * time.Second)}, secs(45, 45, 45, 45, 45, 45, 45, 45, 45, 45)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			replies := make([]reply, 0, 11)
			for range 10 {
				replies = append(replies, ok(t, fxProcessing))
			}
			replies = append(replies, ok(t, fxVideoResult))
			rec, client := newRecorder(t, sequence(replies...))
			var sl sleepLog
			res, err := client.AsyncResult.Wait(context.Background(), "task-video-1", append(tc.opts, sl.hooks())...)
			if err != nil || res.TaskStatus != zai.TaskStatusSuccess {
				t.Fatalf("%v %+v", err, res)
			}
			if got := sl.got(); !equalDurations(got, tc.want) {
				t.Fatalf("sleeps\n got %v\nwant %v", got, tc.want)
			}
			if n := len(rec.requests()); n != 11 {
				t.Fatalf("%d polls", n)
			}
		})
	}
}

func TestWaitPollIntervalFromClient(t *testing.T) {
	_, base := newRecorder(t, sequence(ok(t, fxProcessing), ok(t, fxVideoResult)))
	var sl sleepLog
	client, err := zai.NewClient(zai.WithAPIKey("k"), zai.WithBaseURL(base.BaseURL()), zai.WithPollInterval(5*time.Second), sl.hooks())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.AsyncResult.Wait(context.Background(), "task-video-1"); err != nil {
		t.Fatal(err)
	}
	if got := sl.got(); !equalDurations(got, secs(5)) {
		t.Fatalf("sleeps %v", got)
	}
}

func TestWithPollIntervalRejectsNonPositive(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second} {
		if _, err := zai.NewClient(zai.WithAPIKey("k"), zai.WithPollInterval(d)); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("WithPollInterval(%s): %v", d, err)
		}
	}
}

func TestWaitUnknownStatusKeepsPolling(t *testing.T) {
	_, client := newRecorder(t, sequence(
		reply{200, []byte(`{"model":"cogvideox-3","task_status":"SUBMITTED","request_id":"…"}`)},
		ok(t, fxVideoResult)))
	res, err := client.AsyncResult.Wait(context.Background(), "task-video-1")
	if err != nil || res.TaskStatus != zai.TaskStatusSuccess {
		t.Fatalf("%v %+v", err, res)
	}
}

func TestWaitFail(t *testing.T) {
	rec, client := newRecorder(t, sequence(ok(t, fxProcessing), ok(t, fxFail)))
	res, err := client.AsyncResult.Wait(context.Background(), "task-video-1")
	if !errors.Is(err, zai.ErrTaskFailed) {
		t.Fatalf("err %v", err)
	}
	var tf *zai.TaskFailedError
	if !errors.As(err, &tf) || tf.TaskID != "task-video-1" || tf.RequestID != "…" {
		t.Fatalf("%#v", err)
	}
	if res == nil || res.TaskStatus != zai.TaskStatusFailed {
		t.Fatalf("the FAIL result is not returned: %+v", res)
	}
	if err.Error() != "zai: task failed: task-video-1" {
		t.Fatalf("message %q", err)
	}
	if n := len(rec.requests()); n != 2 {
		t.Fatalf("%d polls after FAIL", n)
	}
}

// No recording of a FAIL body with a reason exists; these carry the reason
// in the API's standard error envelopes (reference §B.7), which the SDK
// reads wherever they appear.
func TestWaitFailCarriesMessage(t *testing.T) {
	cases := []struct {
		body     string
		code     string
		message  string
		category error
	}{
		{`{"model":"cogvideox-3","task_status":"FAIL","request_id":"r1","error":{"code":"1301","message":"unsafe content"}}`, "1301", "unsafe content", zai.ErrContentFiltered},
		{`{"model":"cogvideox-3","task_status":"FAIL","request_id":"r1","error":{"code":1234,"message":"network error"}}`, "1234", "network error", zai.ErrServer},
		{`{"model":"cogvideox-3","task_status":"FAIL","request_id":"r1","message":"generation failed"}`, "", "generation failed", nil},
	}
	for _, tc := range cases {
		_, client := newRecorder(t, sequence(reply{200, []byte(tc.body)}))
		res, err := client.AsyncResult.Wait(context.Background(), "t1")
		var tf *zai.TaskFailedError
		if !errors.Is(err, zai.ErrTaskFailed) || !errors.As(err, &tf) {
			t.Fatalf("%s: %v", tc.body, err)
		}
		if tf.Code != tc.code || tf.Message != tc.message || tf.RequestID != "r1" || res.TaskStatus != zai.TaskStatusFailed {
			t.Errorf("%s: %+v", tc.body, tf)
		}
		if !strings.Contains(err.Error(), tc.message) {
			t.Errorf("error %q lacks %q", err, tc.message)
		}
		if tc.category != nil && !errors.Is(err, tc.category) {
			t.Errorf("%s: not %v", tc.body, tc.category)
		}
		if errors.Is(err, zai.ErrRateLimited) {
			t.Errorf("%s: matches an unrelated category", tc.body)
		}
	}
}

func TestWaitContextDeadlineMidWait(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, fxProcessing, "application/json"))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	// The poll sleep outlasts the deadline: it ends only with ctx.
	longSleep := func(ctx context.Context, _ time.Duration) error { <-ctx.Done(); return ctx.Err() }
	start := time.Now()
	res, err := client.AsyncResult.Wait(ctx, "task-video-1", zai.WithTestHooks(longSleep, nil, nil))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
	if errors.Is(err, zai.ErrTaskFailed) {
		t.Fatal("a deadline is not a failed task")
	}
	if res == nil || res.TaskStatus != zai.TaskStatusProcessing {
		t.Fatalf("last result %+v", res)
	}
	if n := len(rec.requests()); n != 1 {
		t.Fatalf("%d polls", n)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Wait took %s after the deadline", d)
	}
}

func TestWaitRealTimerHonoursContext(t *testing.T) {
	_, base := newRecorder(t, respondFile(t, fxProcessing, "application/json"))
	// No test hooks: the real poll timer (a 1 h gap) must end with ctx.
	client, err := zai.NewClient(zai.WithAPIKey("k"), zai.WithBaseURL(base.BaseURL()), zai.WithPollInterval(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := client.AsyncResult.Wait(ctx, "task-video-1"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Wait took %s", d)
	}
}

func TestWait5xxDuringPollingIsRetried(t *testing.T) {
	rec, client := newRecorder(t, sequence(
		ok(t, fxProcessing),
		reply{http.StatusInternalServerError, []byte(`{"error":{"code":"500","message":"Internal error"}}`)},
		ok(t, fxProcessing),
		ok(t, fxVideoResult)))
	var sl sleepLog
	var progress int
	res, err := client.AsyncResult.Wait(context.Background(), "task-video-1", sl.hooks(),
		zai.WithPollProgress(func(zai.PollProgress) { progress++ }))
	if err != nil || res.TaskStatus != zai.TaskStatusSuccess {
		t.Fatalf("%v %+v", err, res)
	}
	// poll gap 2 s, the core's retry delay 0.5 s (no jitter), poll gap 3 s.
	if got := sl.got(); !equalDurations(got, secs(2, 0.5, 3)) {
		t.Fatalf("sleeps %v", got)
	}
	if n := len(rec.requests()); n != 4 || progress != 3 {
		t.Fatalf("%d requests, %d progress calls", n, progress)
	}
}

func TestWaitErrorOutlastingRetriesEndsWait(t *testing.T) {
	_, client := newRecorder(t, sequence(
		ok(t, fxProcessing),
		reply{http.StatusServiceUnavailable, []byte(`{"error":{"code":"500","message":"busy"}}`)}))
	res, err := client.AsyncResult.Wait(context.Background(), "task-video-1", zai.WithMaxRetries(1))
	var apiErr *zai.APIError
	if !errors.Is(err, zai.ErrServer) || !errors.As(err, &apiErr) || apiErr.Message != "busy" {
		t.Fatalf("err %v", err)
	}
	if res == nil || res.TaskStatus != zai.TaskStatusProcessing {
		t.Fatalf("last result %+v", res)
	}
}

func TestAsyncChatSubmitThenWait(t *testing.T) {
	submit, result := readFile(t, "testdata/shapes/ref_b5_async_chat_submit.json"), readFile(t, fxChatResult)
	rec, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			w.Write(submit)
			return
		}
		w.Write(result)
	})
	ctx := context.Background()
	task, err := client.Chat.Completions.CreateAsync(ctx, zai.ChatCompletionRequest{Model: zai.ModelGLM4_6, Messages: []zai.Message{zai.UserMessage("hi")}})
	if err != nil {
		t.Fatal(err)
	}
	if task.ID != "…" || task.Model != "glm-4.6" || task.TaskStatus != zai.TaskStatusProcessing {
		t.Fatalf("task %+v", task)
	}
	res, err := client.AsyncResult.Wait(ctx, task.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Choices[0].Message.Content != "Olá! (Oh-lah)" || res.Usage.TotalTokens != 264 {
		t.Fatalf("%+v", res)
	}
	reqs := rec.requests()
	if len(reqs) != 2 || reqs[0].Path != "/api/paas/v4/async/chat/completions" || reqs[1].Path != "/api/paas/v4/async-result/…" {
		t.Fatalf("%+v", reqs)
	}
}

// An error envelope sent with HTTP 200 (as agents and the file parser do,
// reference §B.9) has no task status; it must end the wait, not look like a
// task still running.
func TestWaitErrorEnvelopeIn200(t *testing.T) {
	rec, client := newRecorder(t, sequence(reply{200, []byte(`{"error":{"code":"1222","message":"task does not exist"}}`)}))
	_, err := client.AsyncResult.Wait(context.Background(), "nope")
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "1222" || !errors.Is(err, zai.ErrNotFound) {
		t.Fatalf("%v", err)
	}
	if n := len(rec.requests()); n != 1 {
		t.Fatalf("%d polls", n)
	}
}
