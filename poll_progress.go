package zai

import "time"

// PollProgress is what WithPollProgress reports after each poll of a Wait:
// the same shape for every kind of task (async results, agents, file
// parses, batches).
type PollProgress struct {
	// TaskID is the id being polled: a task, an agent's async id, a parse
	// task or a batch.
	TaskID string
	// Status is the task's status as the API sent it ("PROCESSING",
	// "SUCCESS", "in_progress", "completed", ...); "failed" when the poll
	// found a failure reported without a status.
	Status string
	// Polls counts the polls so far, this one included.
	Polls int
	// Waited is the time since the wait began.
	Waited time.Duration
}

// WithPollProgress calls fn once per poll of a Wait, the final one
// included, so a program can show progress. fn runs on the waiting
// goroutine and should return quickly.
func WithPollProgress(fn func(PollProgress)) Option {
	return func(s *settings) error {
		s.pollProgress = fn
		return nil
	}
}
