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
// WithPollProgress sees each poll with the batch id and the batch's status
// ("validating", "in_progress", ..., "completed").
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
	return pollUntil(ctx, set, batchID, "batch "+batchID, func(ctx context.Context) (*Batch, string, bool, error) {
		b, err := callWith[Batch](ctx, set, &core.Request{Method: http.MethodGet, Path: "/batches/" + seg})
		if err != nil {
			return nil, "", false, err
		}
		switch b.Status {
		case BatchStatusCompleted, BatchStatusExpired, BatchStatusCancelled:
			return b, string(b.Status), true, nil
		case BatchStatusFailed:
			return b, string(b.Status), true, &batchFailedError{id: batchID, batch: b}
		}
		return b, string(b.Status), false, nil
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
