package zai

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

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

	rawBody
}

// TaskStatus is the state of an async task.
type TaskStatus string

// Task states. A status this SDK does not know is treated as still running.
const (
	TaskStatusProcessing TaskStatus = "PROCESSING"
	TaskStatusSuccess    TaskStatus = "SUCCESS"
	TaskStatusFailed     TaskStatus = "FAIL"
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
	// WebSearch holds the pages found when an async chat ran the web
	// search tool.
	WebSearch []WebSearchResult `json:"web_search,omitempty"`

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

	rawBody
}

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

// taskFailed builds the error of a FAIL result from whichever error
// envelope its body carries.
func taskFailed(id string, res *AsyncResult) *TaskFailedError {
	var e APIError
	fillFromBody(&e, res.raw)
	return &TaskFailedError{TaskID: id, Status: string(res.TaskStatus), Code: e.Code, Message: e.Message,
		RequestID: res.RequestID, Result: res}
}

// Get fetches the state of an async task once. A task that ended with FAIL
// is returned without an error; check TaskStatus, or use Wait.
//
// GET /async-result/{id}
func (s *AsyncResultService) Get(ctx context.Context, id string, opts ...Option) (*AsyncResult, error) {
	seg, err := pathSegment("task id", id)
	if err != nil {
		return nil, err
	}
	set, err := s.client.resolve(opts)
	if err != nil {
		return nil, err
	}
	return getAsyncResult(ctx, set, seg)
}

// getAsyncResult fetches the task whose id is seg, already a path segment.
func getAsyncResult(ctx context.Context, s *settings, seg string) (*AsyncResult, error) {
	return callWith[AsyncResult](ctx, s, &core.Request{
		Method: http.MethodGet, Path: "/async-result/" + seg,
		// A FAIL result may carry an error object: that is the task's
		// failure, for Wait to report, not a failed request.
		Check: checkBody(func(b []byte) bool {
			if !hasErrorEnvelope(b) {
				return false
			}
			p, _ := probe(b)
			return p.TaskStatus == ""
		}),
	})
}

// Wait polls an async task until it ends or ctx is done. The first poll is
// immediate; the gaps between polls start at WithPollInterval (default
// DefaultPollInterval) and grow 1.5 times each poll up to MaxPollInterval.
// WithPollProgress sees every poll.
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
	seg, err := pathSegment("task id", id)
	if err != nil {
		return nil, err
	}
	set, err := s.client.resolve(opts)
	if err != nil {
		return nil, err
	}
	return pollUntil(ctx, set, "task", id, func(ctx context.Context) (*AsyncResult, string, bool, error) {
		res, err := getAsyncResult(ctx, set, seg)
		if err != nil {
			return nil, "", false, err
		}
		switch res.TaskStatus {
		case TaskStatusSuccess:
			return res, string(res.TaskStatus), true, nil
		case TaskStatusFailed:
			return res, string(res.TaskStatus), true, taskFailed(id, res)
		}
		return res, string(res.TaskStatus), false, nil
	})
}
