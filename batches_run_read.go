package zai

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
)

// yieldJob yields an ended job's lines, then its error if it did not answer
// everything. ok false means the loop body stopped; fatal is ctx's error.
func (r *batchRun) yieldJob(ctx context.Context, j *runJob, yield func(BatchRunLine, error) bool) (fatal error, ok bool) {
	defer func() {
		if j.idsPath != "" {
			os.Remove(j.idsPath)
			j.idsPath = ""
		}
	}()
	b := j.batch
	jobErr := func(answered int, cause error) *BatchJobError {
		e := &BatchJobError{Job: j.job, Answered: answered, Err: cause}
		if b != nil {
			e.Status = b.Status
		}
		return e
	}
	if b == nil || (!isBatchOver(b.Status) && j.waitErr != nil) {
		// The wait itself failed: the job may still be running.
		return nil, yield(BatchRunLine{Shard: j.job.Shard, BatchID: j.job.BatchID}, jobErr(0, j.waitErr))
	}
	emit := func(l BatchOutputLine) bool {
		return yield(BatchRunLine{BatchOutputLine: l, Shard: j.job.Shard, BatchID: j.job.BatchID}, nil)
	}
	var answered int
	var stopped bool
	var err error
	if r.req.InputOrder {
		answered, stopped, err = r.readInOrder(ctx, b, j.idsPath, emit)
	} else {
		for _, id := range []string{b.OutputFileID, b.ErrorFileID} {
			if id == "" || stopped || err != nil {
				continue
			}
			var n int
			n, stopped, err = r.readFile(ctx, id, emit)
			answered += n
		}
	}
	switch {
	case stopped:
		return nil, false
	case err != nil && ctx.Err() != nil:
		return fmt.Errorf("zai: batch run: %w", ctx.Err()), true
	case err != nil:
		return nil, yield(BatchRunLine{Shard: j.job.Shard, BatchID: j.job.BatchID}, jobErr(answered, err))
	}
	if j.waitErr != nil || b.Status != BatchStatusCompleted || answered != j.job.Requests {
		if !yield(BatchRunLine{Shard: j.job.Shard, BatchID: j.job.BatchID}, jobErr(answered, j.waitErr)) {
			return nil, false
		}
	}
	done := j.job
	done.Done = true
	r.report(done)
	return nil, true
}

// batchDownloadAttempts is how many times a result file is fetched when
// its body breaks off: each new attempt skips the lines already read.
const batchDownloadAttempts = 3

// readFile yields the lines of one result file, fetching it again if the
// body breaks off. It returns the lines yielded, whether the loop body
// stopped, and the error that outlasted the attempts.
func (r *batchRun) readFile(ctx context.Context, fileID string, emit func(BatchOutputLine) bool) (int, bool, error) {
	read := 0
	var err error
	for range batchDownloadAttempts {
		var rc io.ReadCloser
		rc, err = r.s.client.Files.Download(ctx, fileID, r.opts...)
		if err != nil {
			return read, false, err // the request core retried what it could
		}
		seen := 0
		for l, lerr := range ReadBatchOutput(rc) {
			if lerr != nil {
				err = lerr
				break
			}
			if seen++; seen <= read {
				continue
			}
			read++
			if !emit(l) {
				rc.Close()
				return read, true, nil
			}
		}
		rc.Close()
		if err == nil || ctx.Err() != nil {
			return read, false, err
		}
	}
	return read, false, err
}

// lineSpan is where a line sits in a downloaded result file.
type lineSpan struct{ off, n int64 }

// readInOrder downloads a job's output and error files to a temporary
// file, indexing each line by custom_id, then yields them in the order of
// the shard's ids. Lines whose custom_id is not the shard's, or repeated,
// come after, in file order.
func (r *batchRun) readInOrder(ctx context.Context, b *Batch, idsPath string, emit func(BatchOutputLine) bool) (int, bool, error) {
	tmp, err := os.CreateTemp(r.req.TempDir, "zai-batch-out-*")
	if err != nil {
		return 0, false, fmt.Errorf("zai: batch run: %w", err)
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}()
	var index map[string]lineSpan
	var extra []lineSpan
	for range batchDownloadAttempts {
		index, extra, err = r.download(ctx, b, tmp)
		if err == nil || ctx.Err() != nil || errors.As(err, new(*APIError)) {
			break
		}
	}
	if err != nil {
		return 0, false, err
	}
	answered := 0
	var buf []byte
	yieldAt := func(sp lineSpan) (bool, error) {
		buf = slices.Grow(buf[:0], int(sp.n))[:sp.n]
		if _, err := tmp.ReadAt(buf, sp.off); err != nil {
			return false, err
		}
		var l BatchOutputLine
		if err := json.Unmarshal(buf, &l); err != nil {
			return false, err
		}
		answered++
		return emit(l), nil
	}
	if idsPath != "" {
		ids, err := os.Open(idsPath)
		if err != nil {
			return 0, false, fmt.Errorf("zai: batch run: %w", err)
		}
		defer ids.Close()
		sc := bufio.NewScanner(ids)
		sc.Buffer(nil, MaxBatchResultLine)
		for sc.Scan() {
			var id string
			if err := json.Unmarshal(sc.Bytes(), &id); err != nil {
				return answered, false, fmt.Errorf("zai: batch run: reading the shard's ids: %w", err)
			}
			sp, ok := index[id]
			if !ok {
				continue
			}
			delete(index, id)
			if more, err := yieldAt(sp); err != nil || !more {
				return answered, !more && err == nil, err
			}
		}
		if err := sc.Err(); err != nil {
			return answered, false, fmt.Errorf("zai: batch run: reading the shard's ids: %w", err)
		}
	}
	for _, sp := range index {
		extra = append(extra, sp)
	}
	slices.SortFunc(extra, func(a, b lineSpan) int { return int(a.off - b.off) })
	for _, sp := range extra {
		if more, err := yieldAt(sp); err != nil || !more {
			return answered, !more && err == nil, err
		}
	}
	return answered, false, nil
}

// download writes a job's output and error files to tmp (from its start)
// and indexes their lines.
func (r *batchRun) download(ctx context.Context, b *Batch, tmp *os.File) (map[string]lineSpan, []lineSpan, error) {
	if err := tmp.Truncate(0); err != nil {
		return nil, nil, err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return nil, nil, err
	}
	w := bufio.NewWriterSize(tmp, 256<<10)
	index := map[string]lineSpan{}
	var extra []lineSpan
	var off int64
	for _, id := range []string{b.OutputFileID, b.ErrorFileID} {
		if id == "" {
			continue
		}
		rc, err := r.s.client.Files.Download(ctx, id, r.opts...)
		if err != nil {
			return nil, nil, err
		}
		err = eachBatchResultLine(rc, func(_ int, text []byte) error {
			var head struct {
				CustomID string `json:"custom_id"`
			}
			if err := json.Unmarshal(text, &head); err != nil {
				return err
			}
			sp := lineSpan{off: off, n: int64(len(text))}
			if _, dup := index[head.CustomID]; dup {
				extra = append(extra, sp)
			} else {
				index[head.CustomID] = sp
			}
			off += sp.n
			_, err := w.Write(text)
			return err
		})
		rc.Close()
		if err != nil {
			return nil, nil, err
		}
	}
	return index, extra, w.Flush()
}
