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
// WithPollProgress sees each poll as an AsyncResult whose ID is the batch id,
// whose TaskStatus is TaskStatusProcessing while the batch runs, TaskStatusSuccess once
// it completed and TaskStatusFailed once it failed, expired or was cancelled, and
// whose RawJSON is the batch.
//
// A completed, expired or cancelled batch is returned without an error (an
// expired or cancelled batch may still have output; check Status and
// RequestCounts). A failed batch is returned with an error that matches
// ErrTaskFailed and carries the batch's validation errors. When ctx ends,
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
	return pollUntil(ctx, set, "batch "+batchID, func(ctx context.Context) (*Batch, *AsyncResult, bool, error) {
		b, err := callWith[Batch](ctx, set, &core.Request{Method: http.MethodGet, Path: "/batches/" + seg})
		if err != nil {
			return nil, nil, false, err
		}
		progress := &AsyncResult{ID: b.ID, TaskStatus: TaskStatusProcessing, rawBody: b.rawBody}
		switch b.Status {
		case BatchStatusCompleted:
			progress.TaskStatus = TaskStatusSuccess
			return b, progress, true, nil
		case BatchStatusFailed:
			progress.TaskStatus = TaskStatusFailed
			return b, progress, true, &batchFailedError{id: batchID, batch: b}
		case BatchStatusExpired, BatchStatusCancelled:
			progress.TaskStatus = TaskStatusFailed
			return b, progress, true, nil
		}
		return b, progress, false, nil
	})
}

// batchFailedError is a batch that ended in BatchStatusFailed: it matches
// ErrTaskFailed and names the first validation errors.
type batchFailedError struct {
	id    string
	batch *Batch
}

func (e *batchFailedError) Error() string {
	var b strings.Builder
	b.WriteString("zai: batch ")
	b.WriteString(e.id)
	b.WriteString(" failed")
	if e.batch.Errors != nil {
		for i, be := range e.batch.Errors.Data {
			if i == 3 {
				b.WriteString("; ...")
				break
			}
			b.WriteString("; ")
			if be.Line > 0 {
				b.WriteString("line ")
				b.WriteString(strconv.Itoa(be.Line))
				b.WriteString(": ")
			}
			b.WriteString(strings.TrimPrefix(strings.TrimSpace(be.Code+": "+be.Message), ": "))
		}
	}
	return b.String()
}

func (e *batchFailedError) Is(target error) bool { return target == ErrTaskFailed }
