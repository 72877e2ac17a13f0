package zai

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"os"
	"strconv"
	"time"
)

// shard is the input file of one job being written.
type shard struct {
	index   int
	n       int
	size    int64
	hash    hash.Hash
	file    *os.File // nil for a resumed shard
	w       *bufio.Writer
	ids     *os.File // InputOrder
	idw     *bufio.Writer
	seen    map[string]bool
	resumed *BatchRunJob
}

// produce reads the items, cuts them into shards and starts a job for each.
func (r *batchRun) produce(ctx context.Context) {
	var cur *shard
	defer func() {
		if cur != nil {
			cur.discard()
		}
	}()
	count := 0
	fail := func(err error) { r.post(runEvent{err: err}) }
	var line bytes.Buffer
	enc := json.NewEncoder(&line)
	generated := false
	pos := 0
	var err error
	for item := range r.req.Items {
		if err = ctx.Err(); err != nil {
			break
		}
		id := item.CustomID
		switch {
		case pos == 0:
			generated = id == ""
		case generated != (id == ""):
			err = invalidf("batch run: item %d: give a custom_id on every item or on none", pos)
		}
		if err != nil {
			break
		}
		if generated {
			id = strconv.Itoa(pos)
		}
		line.Reset()
		if err = checkBatchItem(id, &item.Request); err == nil {
			err = encodeBatchLine(enc, id, &item.Request)
		}
		if err == nil && int64(line.Len()) > r.req.MaxBytesPerJob {
			err = invalidf("batch item %q is %d bytes, more than a job's %d", id, line.Len(), r.req.MaxBytesPerJob)
		}
		if err != nil {
			err = fmt.Errorf("%w (item %d of the run)", err, pos)
			break
		}
		if cur != nil && (cur.n == r.req.MaxRequestsPerJob || cur.size+int64(line.Len()) > r.req.MaxBytesPerJob) {
			done := cur
			cur = nil
			if err = r.submit(ctx, done); err != nil {
				break
			}
			count++
		}
		if cur == nil {
			if cur, err = r.newShard(count); err != nil {
				break
			}
		}
		if err = cur.add(id, line.Bytes()); err != nil {
			err = fmt.Errorf("%w (item %d of the run)", err, pos)
			break
		}
		pos++
	}
	if err == nil && cur != nil {
		done := cur
		cur = nil
		if err = r.submit(ctx, done); err == nil {
			count++
		}
	}
	if err == nil {
		if err = ctx.Err(); err != nil {
			err = fmt.Errorf("zai: batch run: %w", err)
		}
	}
	if err == nil {
		for _, j := range r.req.Resume {
			if j.Shard >= count {
				err = invalidf("batch run: resume names shard %d (batch %s), but the items make %d shards", j.Shard, j.BatchID, count)
				break
			}
		}
	}
	if err != nil {
		if ctx.Err() == nil || !errors.Is(err, ctx.Err()) {
			fail(err)
		}
		return
	}
	r.post(runEvent{produced: true, shards: count})
}

func (r *batchRun) newShard(index int) (*shard, error) {
	sh := &shard{index: index, hash: sha256.New(), seen: map[string]bool{}}
	if j, ok := r.resume[index]; ok {
		sh.resumed = &j
	}
	var err error
	if sh.resumed == nil {
		if sh.file, err = os.CreateTemp(r.req.TempDir, "zai-batch-*.jsonl"); err != nil {
			return nil, fmt.Errorf("zai: batch run: %w", err)
		}
		sh.w = bufio.NewWriterSize(sh.file, 256<<10)
	}
	if r.req.InputOrder && (sh.resumed == nil || !sh.resumed.Done) {
		if sh.ids, err = os.CreateTemp(r.req.TempDir, "zai-batch-ids-*"); err != nil {
			sh.discard()
			return nil, fmt.Errorf("zai: batch run: %w", err)
		}
		sh.idw = bufio.NewWriter(sh.ids)
	}
	return sh, nil
}

func (sh *shard) add(id string, line []byte) error {
	if sh.seen[id] {
		return invalidf("custom_id %q is repeated", id)
	}
	sh.seen[id] = true
	sh.n++
	sh.size += int64(len(line))
	sh.hash.Write(line)
	if sh.w != nil {
		if _, err := sh.w.Write(line); err != nil {
			return err
		}
	}
	if sh.idw != nil {
		b, _ := json.Marshal(id)
		sh.idw.Write(b)
		return sh.idw.WriteByte('\n')
	}
	return nil
}

// close finishes the shard's files and returns its digest.
func (sh *shard) close() (string, error) {
	var err error
	if sh.w != nil {
		err = errors.Join(sh.w.Flush(), sh.file.Close())
	}
	if sh.idw != nil {
		err = errors.Join(err, sh.idw.Flush(), sh.ids.Close())
	}
	return hex.EncodeToString(sh.hash.Sum(nil)[:16]), err
}

// discard removes the shard's files.
func (sh *shard) discard() {
	if sh.file != nil {
		sh.file.Close()
		os.Remove(sh.file.Name())
	}
	if sh.ids != nil {
		sh.ids.Close()
		os.Remove(sh.ids.Name())
	}
}

// submit turns a finished shard into a running job: a resumed one is
// checked and waited for; a new one is uploaded, created and reported.
func (r *batchRun) submit(ctx context.Context, sh *shard) (err error) {
	idsPath := ""
	if sh.ids != nil {
		idsPath = sh.ids.Name()
	}
	defer func() {
		if sh.file != nil {
			os.Remove(sh.file.Name())
		}
		if err != nil && idsPath != "" {
			os.Remove(idsPath)
		}
	}()
	digest, err := sh.close()
	if err != nil {
		return fmt.Errorf("zai: batch run: writing shard %d: %w", sh.index, err)
	}
	job := BatchRunJob{Shard: sh.index, Requests: sh.n, Digest: digest}
	if res := sh.resumed; res != nil {
		if res.Digest != "" && res.Digest != digest {
			return invalidf("batch run: resume: shard %d of the items (digest %s) is not the one batch %s ran (digest %s): the items or the limits differ from the run that created it",
				sh.index, digest, res.BatchID, res.Digest)
		}
		if res.Done {
			return nil
		}
		job.BatchID = res.BatchID
		if err := r.acquire(ctx); err != nil {
			return err
		}
		r.start(ctx, &runJob{job: job, idsPath: idsPath}, true)
		return nil
	}
	if err := r.acquire(ctx); err != nil {
		return err
	}
	file, err := r.s.client.Files.Upload(ctx, FileUploadRequest{
		Purpose: FilePurposeBatch,
		File:    FileInput{Path: sh.file.Name(), Name: fmt.Sprintf("zai-batch-%05d.jsonl", sh.index)},
	}, r.opts...)
	if err != nil {
		return fmt.Errorf("%w (batch run: uploading shard %d)", err, sh.index)
	}
	if ctx.Err() != nil { // stopped during the upload: no new job
		r.removeFile(file.ID)
		return fmt.Errorf("zai: batch run: %w", ctx.Err())
	}
	// Once asked for, the job is created and reported even if ctx ends
	// meanwhile: a job the server made but nobody heard of would be
	// created again by a resumed run.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	meta := map[string]string{batchMetaShard: strconv.Itoa(sh.index), batchMetaDigest: digest}
	for k, v := range r.req.Metadata {
		meta[k] = v
	}
	autoDelete := !r.req.KeepFiles
	b, err := r.s.Create(cctx, BatchCreateRequest{
		InputFileID: file.ID, Endpoint: BatchEndpointChatCompletions, CompletionWindow: r.req.CompletionWindow,
		AutoDeleteInputFile: &autoDelete, Metadata: meta,
	}, r.opts...)
	if err != nil {
		r.removeFile(file.ID)
		return fmt.Errorf("%w (batch run: creating the job of shard %d)", err, sh.index)
	}
	job.BatchID = b.ID
	r.report(job)
	r.start(ctx, &runJob{job: job, idsPath: idsPath}, false)
	return nil
}

func (r *batchRun) acquire(ctx context.Context) error {
	if r.slots == nil {
		return nil
	}
	select {
	case r.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("zai: batch run: %w", ctx.Err())
	}
}

// removeFile deletes an input file whose job was never created, whatever
// ctx says.
func (r *batchRun) removeFile(id string) error {
	if r.req.KeepFiles || id == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := r.s.client.Files.Delete(ctx, id, r.opts...)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// start tells the consumer of a job and waits for it on a goroutine of its
// own; when it ends, its input file is deleted and the consumer told.
func (r *batchRun) start(ctx context.Context, j *runJob, resumed bool) {
	r.post(runEvent{job: j})
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		if resumed {
			// Check the record against the batch before waiting for it,
			// which may take hours.
			b, err := r.s.Get(ctx, j.job.BatchID, r.opts...)
			if ctx.Err() != nil {
				return
			}
			if err == nil {
				err = checkResumed(j.job, b)
			}
			if errors.Is(err, ErrInvalidRequest) {
				r.post(runEvent{err: err})
				return
			}
		}
		b, err := r.s.Wait(ctx, j.job.BatchID, r.waitOpts...)
		if ctx.Err() != nil {
			return
		}
		end := &runJob{job: j.job, idsPath: j.idsPath, batch: b, waitErr: err}
		if b != nil && b.InputFileID != "" && isBatchOver(b.Status) && !r.req.KeepFiles {
			if derr := r.removeFile(b.InputFileID); derr != nil {
				r.post(runEvent{cleanup: fmt.Errorf("batch %s, file %s: %w", b.ID, b.InputFileID, derr)})
			}
		}
		r.post(runEvent{end: end})
	}()
}

func isBatchOver(s BatchStatus) bool {
	switch s {
	case BatchStatusCompleted, BatchStatusFailed, BatchStatusExpired, BatchStatusCancelled:
		return true
	}
	return false
}

// checkResumed compares a resumed job's record with the shard and digest
// the server kept in the batch's metadata, where it kept them.
func checkResumed(j BatchRunJob, b *Batch) error {
	if v, ok := b.Metadata[batchMetaShard].(string); ok && v != strconv.Itoa(j.Shard) {
		return invalidf("batch run: resume: batch %s ran shard %s, not shard %d", b.ID, v, j.Shard)
	}
	if v, ok := b.Metadata[batchMetaDigest].(string); ok && j.Digest != "" && v != j.Digest {
		return invalidf("batch run: resume: batch %s ran input %s, not %s (shard %d)", b.ID, v, j.Digest, j.Shard)
	}
	return nil
}
