package zai

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/zai-go/zai/internal/core"
)

// Wait polls a batch until it ends (BatchStatusCompleted, BatchStatusFailed,
// BatchStatusExpired or BatchStatusCancelled) or ctx is done, with the poller and
// schedule of every Wait: the first poll at once, then gaps from
// WithPollInterval (default DefaultPollInterval) growing 1.5 times each poll
// up to MaxPollInterval. A batch takes minutes to hours, so a longer first
// gap suits it (WithPollInterval(time.Minute)).
//
// WithPollProgress sees each poll, with the batch's status as sent
// ("validating", "in_progress", ...).
//
// A completed, expired or cancelled batch is returned without an error (an
// expired or cancelled batch may still have output; check Status and
// RequestCounts). A failed batch is returned with a *TaskFailedError
// (matching ErrTaskFailed) that carries the batch's validation errors. When ctx ends,
// Wait returns the last batch it saw (nil if none) and an error matching
// ctx.Err().
//
// GET /batches/{batch_id}, repeatedly
func (s *BatchService) Wait(ctx context.Context, batchID string, opts ...Option) (*Batch, error) {
	seg, err := pathSegment("batch id", batchID)
	if err != nil {
		return nil, err
	}
	set, err := s.client.resolve(opts)
	if err != nil {
		return nil, err
	}
	return pollUntil(ctx, set, "batch", batchID, func(ctx context.Context) (*Batch, string, bool, error) {
		b, err := callWith[Batch](ctx, set, &core.Request{Method: http.MethodGet, Path: "/batches/" + seg})
		if err != nil {
			return nil, "", false, err
		}
		switch b.Status {
		case BatchStatusFailed:
			return b, string(b.Status), true, batchFailed(batchID, b)
		case BatchStatusCompleted, BatchStatusExpired, BatchStatusCancelled:
			return b, string(b.Status), true, nil
		}
		return b, string(b.Status), false, nil
	})
}

// batchFailed builds the error of a failed batch: the code and message of
// its one validation error, or the first three of several, with their lines.
func batchFailed(id string, b *Batch) *TaskFailedError {
	e := &TaskFailedError{TaskID: id, Status: string(b.Status), Result: b}
	if b.Errors == nil {
		return e
	}
	errs := b.Errors.Data
	if len(errs) == 1 && errs[0].Line == 0 {
		e.Code, e.Message = errs[0].Code, errs[0].Message
		return e
	}
	var m strings.Builder
	for i, be := range errs {
		if i == 3 {
			m.WriteString("; ...")
			break
		}
		if i > 0 {
			m.WriteString("; ")
		}
		if be.Line > 0 {
			m.WriteString("line ")
			m.WriteString(strconv.Itoa(be.Line))
			m.WriteString(": ")
		}
		m.WriteString(be.Code)
		if be.Code != "" && be.Message != "" {
			m.WriteString(": ")
		}
		m.WriteString(be.Message)
	}
	e.Message = m.String()
	return e
}
