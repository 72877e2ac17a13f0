package zai

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/zai-go/zai/internal/core"
)

// AsyncTask is a submitted asynchronous task: the answer of
// Chat.Completions.CreateAsync, Images.GenerateAsync and Videos.Generate.
// Poll it with client.AsyncResult.Get, or Wait for it to end.
type AsyncTask struct {
	// ID is the task id to poll.
	ID         string     `json:"id"`
	RequestID  string     `json:"request_id,omitempty"`
	Model      string     `json:"model,omitempty"`
	TaskStatus TaskStatus `json:"task_status"`

	raw []byte
}

// RawJSON returns the response body as received.
func (t *AsyncTask) RawJSON() []byte { return t.raw }

func (t *AsyncTask) setRawJSON(b []byte) { t.raw = b }

// TaskStatus is the state of an async task.
type TaskStatus string

// Task states. A status this SDK does not know is treated as still running.
const (
	TaskProcessing TaskStatus = "PROCESSING"
	TaskSuccess    TaskStatus = "SUCCESS"
	TaskFail       TaskStatus = "FAIL"
)

// Poll timing of AsyncResult.Wait: the first gap is DefaultPollInterval (or
// WithPollInterval), each later gap 1.5 times the one before, up to
// MaxPollInterval. A video takes minutes, an image or a chat seconds, so the
// early polls are close and the late ones sparse.
const (
	DefaultPollInterval = 2 * time.Second
	MaxPollInterval     = 30 * time.Second
	pollGrowth          = 1.5
)

// AsyncResultService fetches the results of async tasks.
//
// Z.ai API docs: https://docs.z.ai/api-reference/async-result
type AsyncResultService struct {
	client *Client
}

// AsyncResult is the state, and once it succeeded the output, of an async
// task. Which output fields are set depends on the kind of task: Choices
// and Usage for a chat, ImageResult for an image, VideoResult for a video.
type AsyncResult struct {
	ID         string     `json:"id,omitempty"`
	RequestID  string     `json:"request_id,omitempty"`
	Model      string     `json:"model,omitempty"`
	TaskStatus TaskStatus `json:"task_status"`
	Created    int64      `json:"created,omitempty"`

	// Choices and Usage are the answer of an async chat completion.
	Choices []ChatCompletionChoice `json:"choices,omitempty"`
	Usage   Usage                  `json:"usage,omitzero"`

	// ImageResult holds the generated images of an async image task. The
	// links expire after 30 days.
	ImageResult GeneratedImages `json:"image_result,omitempty"`
	// VideoResult holds the generated videos of a video task.
	VideoResult []GeneratedVideo `json:"video_result,omitempty"`
	// OptimizedPrompt is the rewritten prompt of a video task, when the
	// server rewrote it.
	OptimizedPrompt string `json:"optimized_prompt,omitempty"`

	// ContentFilter reports content-safety levels.
	ContentFilter []ContentFilter `json:"content_filter,omitempty"`

	raw []byte
}

// RawJSON returns the response body as received, including fields this SDK
// does not model.
func (r *AsyncResult) RawJSON() []byte { return r.raw }

func (r *AsyncResult) setRawJSON(b []byte) { r.raw = b }

// GeneratedVideo is one generated video.
type GeneratedVideo struct {
	// URL of the video.
	URL string `json:"url"`
	// CoverImageURL is a still of the video.
	CoverImageURL string `json:"cover_image_url,omitempty"`
}

// GeneratedImages is a list of generated images. It decodes from a JSON
// array, or from a single object, which the official Java SDK also accepts.
type GeneratedImages []GeneratedImage

// UnmarshalJSON accepts an array of images or one image.
func (g *GeneratedImages) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var one GeneratedImage
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*g = GeneratedImages{one}
		return nil
	}
	var many []GeneratedImage
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*g = many
	return nil
}

// TaskFailedError reports an async task that ended with status FAIL. It
// matches ErrTaskFailed, and also the category of its business code when
// the server sent a known one (ErrContentFiltered for 1301, ...):
//
//	if errors.Is(err, zai.ErrTaskFailed) { ... }
type TaskFailedError struct {
	// TaskID is the id that was polled.
	TaskID string
	// Code and Message are what the result body said about the failure, if
	// anything (an "error" object, or a top-level "message" or "msg").
	Code    string
	Message string
	// RequestID is the result's request_id.
	RequestID string
}

// Error formats the error as "zai: task failed: <id>: code 1301: message".
func (e *TaskFailedError) Error() string {
	var b strings.Builder
	b.WriteString(ErrTaskFailed.Error())
	b.WriteString(": ")
	b.WriteString(e.TaskID)
	if e.Code != "" {
		b.WriteString(": code ")
		b.WriteString(e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Is matches ErrTaskFailed and the category of the business code.
func (e *TaskFailedError) Is(target error) bool {
	if target == ErrTaskFailed {
		return true
	}
	n, _ := strconv.Atoi(e.Code)
	c, ok := codeCategory(n)
	return ok && target == c
}

// taskFailed builds the error for a FAIL result from whichever error
// envelope its body carries.
func taskFailed(id string, res *AsyncResult) *TaskFailedError {
	var e APIError
	fillFromBody(&e, res.raw)
	return &TaskFailedError{TaskID: id, Code: e.Code, Message: e.Message, RequestID: res.RequestID}
}

// Get fetches the state of an async task once. A task that ended with FAIL
// is returned without an error; check TaskStatus, or use Wait.
//
// GET /async-result/{id}
func (s *AsyncResultService) Get(ctx context.Context, id string, opts ...Option) (*AsyncResult, error) {
	if strings.TrimSpace(id) == "" {
		return nil, invalidf("task id is empty")
	}
	out := new(AsyncResult)
	r := &core.Request{Method: http.MethodGet, Path: "/async-result/" + url.PathEscape(id)}
	if err := s.client.do(ctx, r, out, opts); err != nil {
		return nil, err
	}
	// An error envelope in a 200 body has no task status; without this
	// check Wait would take it for a task still running.
	if out.TaskStatus == "" {
		e := &APIError{StatusCode: http.StatusOK, raw: out.raw}
		if fillFromBody(e, out.raw) {
			return nil, e
		}
	}
	return out, nil
}

// Wait polls an async task until it ends or ctx is done. The first poll is
// immediate; the gaps between polls start at WithPollInterval (default
// DefaultPollInterval) and grow 1.5 times each poll up to MaxPollInterval.
// WithPollProgress sees every result.
//
// On SUCCESS it returns the result. On FAIL it returns the result and a
// *TaskFailedError, which matches ErrTaskFailed. A transient failure of one
// poll (a 5xx, a dropped connection) is retried by the request core as any
// call is (WithMaxRetries); an error that outlasts the retries ends the wait.
// When ctx ends, Wait returns the last result it saw (nil if none) and an
// error matching ctx.Err().
//
// GET /async-result/{id}, repeatedly
func (s *AsyncResultService) Wait(ctx context.Context, id string, opts ...Option) (*AsyncResult, error) {
	if strings.TrimSpace(id) == "" {
		return nil, invalidf("task id is empty")
	}
	set, err := s.client.resolve(opts)
	if err != nil {
		return nil, err
	}
	poll := newPoller(set)
	var last *AsyncResult
	for {
		res, err := s.Get(ctx, id, opts...)
		if err != nil {
			if ctx.Err() != nil {
				return last, fmt.Errorf("zai: waiting for task %s: %w", id, err)
			}
			return last, err
		}
		last = res
		if set.pollProgress != nil {
			set.pollProgress(res)
		}
		switch res.TaskStatus {
		case TaskSuccess:
			return res, nil
		case TaskFail:
			return res, taskFailed(id, res)
		}
		if err := poll.wait(ctx); err != nil {
			return last, fmt.Errorf("zai: waiting for task %s (last status %s): %w", id, last.TaskStatus, err)
		}
	}
}

// poller spaces the polls of a Wait: gaps start at WithPollInterval (or
// DefaultPollInterval) and grow by pollGrowth up to MaxPollInterval, or up to
// the first gap if that is larger.
type poller struct {
	gap, limit time.Duration
	sleep      func(context.Context, time.Duration) error
}

func newPoller(s *settings) *poller {
	p := &poller{gap: cmp.Or(s.pollInterval, DefaultPollInterval), sleep: s.sleep}
	p.gap = max(p.gap, 0)
	p.limit = max(MaxPollInterval, p.gap)
	if p.sleep == nil {
		p.sleep = core.Sleep
	}
	return p
}

// wait sleeps the current gap and lengthens the next.
func (p *poller) wait(ctx context.Context) error {
	err := p.sleep(ctx, p.gap)
	p.gap = min(time.Duration(float64(p.gap)*pollGrowth), p.limit)
	return err
}
