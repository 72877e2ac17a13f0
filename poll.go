package zai

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/zai-go/zai/internal/core"
)

// Poll timing of every Wait: the first gap is DefaultPollInterval (or
// WithPollInterval), each later gap 1.5 times the one before, up to
// MaxPollInterval. A video takes minutes, an image or a chat seconds, so the
// early polls are close and the late ones sparse.
const (
	DefaultPollInterval = 2 * time.Second
	MaxPollInterval     = 30 * time.Second
	pollGrowth          = 1.5
)

// PollProgress is what WithPollProgress sees once per poll of a Wait.
type PollProgress struct {
	TaskID string        // the task, batch or async id being waited for
	Status string        // the status as the service reports it ("PROCESSING", "in_progress", ...)
	Polls  int           // 1 for the first poll
	Waited time.Duration // since Wait started
}

// TaskFailedError is how every Wait (AsyncResult, Agents, FileParser,
// Batches, and Videos.GenerateAndWait) reports a task that ended badly: an
// async task with status FAIL, an agent task or a parse whose reply says it
// failed, a batch that failed. It matches ErrTaskFailed, and also the
// category of its business code when the server sent a known one
// (ErrContentFiltered for 1301, ...):
//
//	var failed *zai.TaskFailedError
//	if errors.As(err, &failed) {
//		log.Printf("task %s: %s %s", failed.TaskID, failed.Code, failed.Message)
//	}
//
// Its text is redacted like every other error.
type TaskFailedError struct {
	// TaskID is the id that was polled: a task, batch or async id.
	TaskID string
	// Status is the final status as the service reports it: "FAIL" for an
	// async task, "failed" for a batch, an agent task or a parse.
	Status string
	// Code and Message are what the service said about the failure, if
	// anything: the business code and message of its error object, or for
	// a batch the first validation errors.
	Code    string
	Message string
	// RequestID is the failed reply's request id, when it has one.
	RequestID string
	// Result is the last result decoded, which Wait returns too: an
	// *AsyncResult (AsyncResult.Wait, Videos.GenerateAndWait) or a *Batch
	// (Batches.Wait). Agents and FileParser send a failure as an error body,
	// not a result: Result is nil, and the *APIError read from the body is
	// reachable with errors.As.
	Result any

	apiErr *APIError // the error body of Agents and FileParser
}

// Error formats the error as "zai: task failed: <id>: code 1301: message",
// the code and message left out when empty.
func (e *TaskFailedError) Error() string {
	var b strings.Builder
	b.WriteString(ErrTaskFailed.Error())
	b.WriteString(": ")
	b.WriteString(e.TaskID)
	writeCodeMessage(&b, e.Code, e.Message)
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

// Unwrap returns the *APIError the failure was read from (Agents,
// FileParser), or nil.
func (e *TaskFailedError) Unwrap() error {
	if e.apiErr == nil {
		return nil
	}
	return e.apiErr
}

// failedReply turns the *APIError of a failure that Agents or FileParser
// sent with HTTP 200 into a *TaskFailedError, with the status it names and
// failed true; other errors (HTTP errors, transport) come back unchanged.
func failedReply(id string, err error) (status string, failed bool, _ error) {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 200 || apiErr.InStream {
		return "", false, err
	}
	status = "failed"
	if p, ok := probe(apiErr.raw); ok {
		var s string
		if json.Unmarshal(p.Status, &s) == nil && s != "" {
			status = s
		}
	}
	return status, true, &TaskFailedError{TaskID: id, Status: status, Code: apiErr.Code, Message: apiErr.Message,
		RequestID: apiErr.RequestID, apiErr: apiErr}
}

// pollUntil is the one poller of every Wait. poll fetches once and returns
// the result, its status as the service names it, whether the task is
// over, and the error that ends the wait; WithPollProgress sees every poll
// that gave a result or a status. The options were resolved once by the caller; the gaps
// start at WithPollInterval (or DefaultPollInterval) and grow by pollGrowth
// up to MaxPollInterval, or up to the first gap if that is larger. When ctx
// ends, the last result comes back with an error that matches ctx.Err().
// Every error leaves through s.leave.
func pollUntil[T any](ctx context.Context, s *settings, kind, id string, poll func(context.Context) (res *T, status string, done bool, err error)) (*T, error) {
	gap := max(cmp.Or(s.pollInterval, DefaultPollInterval), 0)
	limit := max(MaxPollInterval, gap)
	sleep := s.Sleep
	if sleep == nil {
		sleep = core.Sleep
	}
	start := time.Now()
	var last *T
	for polls := 1; ; polls++ {
		res, status, done, err := poll(ctx)
		if res != nil {
			last = res
		}
		if (res != nil || status != "") && s.pollProgress != nil {
			// The status is the server's text: redacted, as at every edge.
			s.pollProgress(PollProgress{TaskID: id, Status: s.secrets.String(status), Polls: polls, Waited: time.Since(start)})
		}
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
				// The poll failed because the wait ended: say so, once.
				err = fmt.Errorf("zai: waiting for %s %s: %w", kind, id, ctxErr)
			}
			return last, s.leave(nil, err)
		}
		if done {
			return res, nil
		}
		if err := sleep(ctx, gap); err != nil {
			return last, s.leave(nil, fmt.Errorf("zai: waiting for %s %s: %w", kind, id, err))
		}
		gap = min(time.Duration(float64(gap)*pollGrowth), limit)
	}
}
