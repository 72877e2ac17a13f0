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
	"io"
	"iter"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The per-file limits of batch input, from the BigModel docs: "单个文件最多支持
// 50000 个请求且大小不超过 100M" (one file holds at most 50,000 requests and is
// at most 100 MB; https://docs.bigmodel.cn/cn/guide/tools/batch), and the
// purpose "batch" of the upload endpoint: "单个文件大小限制为100 MB"
// (https://docs.bigmodel.cn/api-reference/文件-api/上传文件). The byte limit is
// read as decimal megabytes, the smaller reading. Batches.Run shards its
// input within them.
const (
	MaxBatchFileRequests = 50_000
	MaxBatchFileBytes    = 100_000_000
)

// The metadata keys Run labels each job with: the shard's index and the
// digest of its input, checked when a run is resumed.
const (
	batchMetaShard  = "zai_shard"
	batchMetaDigest = "zai_digest"
)

// BatchRunRequest is a run of many chat requests as batch jobs: see
// BatchService.Run.
type BatchRunRequest struct {
	// Items are the requests, read once, in order, as the run goes on, so
	// they need not all be in memory: slices.Values(items) runs a slice. Each
	// needs a model and messages. CustomIDs are given on every item or on
	// none: when none is, Run numbers the items by position ("0", "1",
	// ...), which a resumed run repeats as long as the items are the same.
	// A CustomID must be unique; Run checks it within each job. Items is
	// ranged over on a goroutine of the run, beside the loop body; an
	// Items that blocks holds up the end of the run.
	Items iter.Seq[BatchInputItem]

	// MaxRequestsPerJob and MaxBytesPerJob bound each job's input file; 0
	// means MaxBatchFileRequests and MaxBatchFileBytes, the API's limits.
	// A resumed run must use the limits of the run it resumes.
	MaxRequestsPerJob int
	MaxBytesPerJob    int64

	// MaxJobs bounds the jobs in flight (created and not yet read to the
	// end); 0 for no bound. The next job is created once one is read.
	MaxJobs int

	// InputOrder yields the lines in the order of Items. By default the
	// lines of each job come as soon as the job ends, jobs in the order
	// they end and lines in the order of the job's files (output, then
	// errors). In input order a job's lines wait for the jobs before it,
	// and each job's files are downloaded to a temporary file first and
	// read back in input order.
	InputOrder bool

	// Resume are the jobs an earlier run reported through OnJob: their
	// shards are not uploaded or created again. A job marked Done is
	// skipped; the others are waited for and read. Each shard's digest is
	// checked against the items (an empty Digest skips the check), and
	// the shard and digest the server kept in the batch's metadata
	// against the record, so a changed input or a wrong record is an
	// error, not a second job.
	Resume []BatchRunJob

	// OnJob is called when a job is created, before the next one is, and
	// again with Done set once its lines have all been yielded. Save what
	// it is given: it is what Resume needs. Calls come one at a time, from
	// the run's goroutines, and may overlap the loop body.
	OnJob func(BatchRunJob)

	// KeepFiles keeps the uploaded input files. By default each is
	// deleted once its job has ended (and the server is asked to delete
	// it too, with auto_delete_input_file), or at once if its job could
	// not be created. Output and error files stay on the server either way.
	KeepFiles bool

	// CompletionWindow is each job's completion window ("24h"); empty
	// leaves it to the server.
	CompletionWindow string
	// Metadata labels every job, beside the keys Run adds (zai_shard and
	// zai_digest).
	Metadata map[string]string

	// TempDir holds the files Run writes while it works (each shard's
	// input until it is uploaded; in input order, each job's output while
	// it is read); empty means os.TempDir().
	TempDir string
}

// BatchRunJob is one job of a run, as OnJob reports it and Resume takes it
// back. It marshals to JSON for saving.
type BatchRunJob struct {
	// Shard is the job's place in the run: shard 0 holds the first items.
	Shard int `json:"shard"`
	// BatchID is the job's batch.
	BatchID string `json:"batch_id"`
	// Requests counts the job's items.
	Requests int `json:"requests"`
	// Digest is the SHA-256 of the job's input file (first 16 bytes, in
	// hex).
	Digest string `json:"digest,omitempty"`
	// Done is set once the job's lines, and its error if it had one, have
	// all been yielded.
	Done bool `json:"done,omitempty"`
}

// BatchRunLine is one line of a run's output: the answer to the item with
// the same CustomID, and the job it came from. Its Err is the line's own
// failure (a line of the job's error file, or an answer that is an error).
type BatchRunLine struct {
	BatchOutputLine
	// Shard and BatchID name the job.
	Shard   int
	BatchID string
}

// BatchJobError is a job of a run that did not answer all its items: it
// failed, expired or was cancelled, or its output could not be read. Run
// yields it after the job's lines and goes on with the other jobs. It
// matches ErrTaskFailed when the job ended failed, expired or cancelled.
type BatchJobError struct {
	Job BatchRunJob
	// Status is the job's last status; empty when it was never read.
	Status BatchStatus
	// Answered counts the job's lines that were yielded.
	Answered int
	// Err is the cause: the failed batch's error, or a download's; nil
	// when the job expired, was cancelled, or completed with fewer lines
	// than it had items.
	Err error
}

func (e *BatchJobError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "zai: batch job %d (%s)", e.Job.Shard, e.Job.BatchID)
	if e.Status != "" {
		b.WriteString(" ")
		b.WriteString(string(e.Status))
	}
	fmt.Fprintf(&b, ", %d of %d requests answered", e.Answered, e.Job.Requests)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(strings.TrimPrefix(e.Err.Error(), "zai: "))
	}
	return b.String()
}

func (e *BatchJobError) Unwrap() error { return e.Err }

// Is matches ErrTaskFailed for a job that ended failed, expired or
// cancelled.
func (e *BatchJobError) Is(target error) bool {
	return target == ErrTaskFailed && (e.Status == BatchStatusFailed || e.Status == BatchStatusExpired || e.Status == BatchStatusCancelled)
}

// Run runs any number of chat requests as batch jobs and yields every
// answer. It cuts req.Items into shards within the per-file limits, and for
// each writes the JSONL to a temporary file, uploads it, creates the batch
// and reports it to req.OnJob (memory holds a line at a time and the
// custom_ids of one job, whatever the number of items); it
// waits for every job with the poller of Wait (WithPollInterval and
// WithPollProgress apply; a job takes minutes to hours, so
// WithPollInterval(time.Minute) suits), and yields each line of the job's
// output and error files joined to its custom_id, as jobs end or in input
// order (req.InputOrder).
//
// A line's own failure is in its Err, never in the loop's error. A job
// that did not answer everything is yielded as a *BatchJobError after its
// lines, and the run goes on. Any other error ends the loop: bad input
// (wrapping ErrInvalidRequest; the jobs before the bad item are created),
// an upload or create that failed, ctx's error. Jobs already created keep
// running on the server: a new Run with the same items and req.Resume set
// to what OnJob reported picks them up without creating them again.
//
//	for line, err := range client.Batches.Run(ctx, zai.BatchRunRequest{Items: slices.Values(items)}) {
//		if err != nil { ... }
//		completion, err := line.ChatCompletion()
//	}
//
// POST /files, POST /batches, GET /batches/{batch_id}, GET /files/{file_id}/content, DELETE /files/{file_id}
func (s *BatchService) Run(ctx context.Context, req BatchRunRequest, opts ...Option) iter.Seq2[BatchRunLine, error] {
	return func(yield func(BatchRunLine, error) bool) {
		r, err := s.newRun(req, opts)
		if err != nil {
			yield(BatchRunLine{}, err)
			return
		}
		r.run(ctx, yield)
	}
}

// batchRun is one call of Run.
type batchRun struct {
	s        *BatchService
	req      BatchRunRequest
	opts     []Option // for every call
	waitOpts []Option // for Wait: opts with WithPollProgress made one call at a time
	resume   map[int]BatchRunJob
	slots    chan struct{} // MaxJobs; nil: no bound

	onJobMu sync.Mutex

	mu     sync.Mutex
	queue  []runEvent
	signal chan struct{}

	wg sync.WaitGroup
}

// runEvent is news for the consumer: a job started (job set), a job ended
// (end set), or the producer finished (produced set, err its failure). A
// fatal err ends the run.
type runEvent struct {
	job      *runJob
	end      *runJob
	produced bool
	shards   int
	err      error
	cleanup  error // an input file that could not be deleted
}

// runJob is a job the consumer tracks.
type runJob struct {
	job     BatchRunJob
	idsPath string // InputOrder: the shard's custom_ids, one JSON string a line
	batch   *Batch
	waitErr error
	ended   bool
}

func (s *BatchService) newRun(req BatchRunRequest, opts []Option) (*batchRun, error) {
	switch {
	case req.Items == nil:
		return nil, invalidf("batch run: Items is nil")
	case req.MaxRequestsPerJob < 0 || req.MaxRequestsPerJob > MaxBatchFileRequests:
		return nil, invalidf("batch run: MaxRequestsPerJob %d is not within 0..%d", req.MaxRequestsPerJob, MaxBatchFileRequests)
	case req.MaxBytesPerJob < 0 || req.MaxBytesPerJob > MaxBatchFileBytes:
		return nil, invalidf("batch run: MaxBytesPerJob %d is not within 0..%d", req.MaxBytesPerJob, MaxBatchFileBytes)
	case req.MaxJobs < 0:
		return nil, invalidf("batch run: MaxJobs is %d", req.MaxJobs)
	}
	for k := range req.Metadata {
		if k == batchMetaShard || k == batchMetaDigest {
			return nil, invalidf("batch run: metadata key %q is Run's own", k)
		}
	}
	if req.MaxRequestsPerJob == 0 {
		req.MaxRequestsPerJob = MaxBatchFileRequests
	}
	if req.MaxBytesPerJob == 0 {
		req.MaxBytesPerJob = MaxBatchFileBytes
	}
	r := &batchRun{s: s, req: req, opts: opts, resume: map[int]BatchRunJob{}, signal: make(chan struct{}, 1)}
	ids := map[string]bool{}
	for _, j := range req.Resume {
		switch {
		case j.Shard < 0:
			return nil, invalidf("batch run: resume: shard %d", j.Shard)
		case strings.TrimSpace(j.BatchID) == "":
			return nil, invalidf("batch run: resume: shard %d has no batch id", j.Shard)
		case ids[j.BatchID]:
			return nil, invalidf("batch run: resume: batch %s is given twice", j.BatchID)
		}
		if _, dup := r.resume[j.Shard]; dup {
			return nil, invalidf("batch run: resume: shard %d is given twice", j.Shard)
		}
		ids[j.BatchID] = true
		r.resume[j.Shard] = j
	}
	set, err := s.client.resolve(opts)
	if err != nil {
		return nil, err
	}
	r.waitOpts = opts
	if fn := set.pollProgress; fn != nil {
		var mu sync.Mutex
		r.waitOpts = append(slices.Clip(opts), WithPollProgress(func(p PollProgress) {
			mu.Lock()
			defer mu.Unlock()
			fn(p)
		}))
	}
	if req.MaxJobs > 0 {
		r.slots = make(chan struct{}, req.MaxJobs)
	}
	return r, nil
}

// post hands an event to the consumer without ever blocking.
func (r *batchRun) post(ev runEvent) {
	r.mu.Lock()
	r.queue = append(r.queue, ev)
	r.mu.Unlock()
	select {
	case r.signal <- struct{}{}:
	default:
	}
}

func (r *batchRun) report(j BatchRunJob) {
	if r.req.OnJob == nil {
		return
	}
	r.onJobMu.Lock()
	defer r.onJobMu.Unlock()
	r.req.OnJob(j)
}

// run is the consumer: it starts the producer, yields the jobs' lines as
// they come, and on the way out stops and waits for every goroutine.
func (r *batchRun) run(parent context.Context, yield func(BatchRunLine, error) bool) {
	ctx, cancel := context.WithCancel(parent)
	jobs := map[int]*runJob{}
	defer func() {
		cancel()
		r.wg.Wait()
		for _, j := range jobs {
			if j.idsPath != "" {
				os.Remove(j.idsPath)
			}
		}
		for _, ev := range r.queue { // started after the consumer stopped looking
			if ev.job != nil && ev.job.idsPath != "" {
				os.Remove(ev.job.idsPath)
			}
		}
	}()
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		r.produce(ctx)
	}()

	var ended []*runJob // as they end (default order)
	next := 0           // InputOrder: the next shard to yield
	shards := -1        // known once the producer is done
	var cleanup []error
	for {
		// Yield the next job that is ready.
		var j *runJob
		if r.req.InputOrder {
			for ; shards < 0 || next < shards; next++ {
				if r.skipped(next) {
					continue
				}
				if jj := jobs[next]; jj != nil && jj.ended {
					j = jj
				}
				break
			}
		} else if len(ended) > 0 {
			j, ended = ended[0], ended[1:]
		}
		if j != nil {
			delete(jobs, j.job.Shard)
			next = max(next, j.job.Shard+1)
			fatal, ok := r.yieldJob(ctx, j, yield)
			if !ok {
				return
			}
			if fatal != nil {
				yield(BatchRunLine{}, fatal)
				return
			}
			if r.slots != nil {
				<-r.slots
			}
			continue
		}
		if shards >= 0 && len(jobs) == 0 {
			if err := errors.Join(cleanup...); err != nil {
				yield(BatchRunLine{}, wrapf(err, "batch run: removing input files"))
			}
			return
		}
		select {
		case <-ctx.Done():
			yield(BatchRunLine{}, wrapf(ctx.Err(), "batch run"))
			return
		case <-r.signal:
		}
		r.mu.Lock()
		evs := r.queue
		r.queue = nil
		r.mu.Unlock()
		for i, ev := range evs {
			switch {
			case ev.err != nil:
				for _, rest := range evs[i:] { // for the cleanup
					if rest.job != nil {
						jobs[rest.job.job.Shard] = rest.job
					}
				}
				yield(BatchRunLine{}, ev.err)
				return
			case ev.job != nil:
				jobs[ev.job.job.Shard] = ev.job
			case ev.end != nil:
				ev.end.ended = true
				if r.req.InputOrder {
					jobs[ev.end.job.Shard] = ev.end
				} else {
					ended = append(ended, ev.end)
				}
			case ev.cleanup != nil:
				cleanup = append(cleanup, ev.cleanup)
			case ev.produced:
				shards = ev.shards
			}
		}
	}
}

// skipped reports whether shard i was done in the run being resumed.
func (r *batchRun) skipped(i int) bool {
	j, ok := r.resume[i]
	return ok && j.Done
}

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
			err = fmt.Errorf("batch run: item %d: %w", pos, err)
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
			err = fmt.Errorf("batch run: item %d: %w", pos, err)
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
			err = wrapf(err, "batch run")
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
		return wrapf(err, "batch run: uploading shard %d", sh.index)
	}
	if ctx.Err() != nil { // stopped during the upload: no new job
		r.removeFile(file.ID)
		return wrapf(ctx.Err(), "batch run")
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
		return wrapf(err, "batch run: creating the job of shard %d", sh.index)
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
		return wrapf(ctx.Err(), "batch run")
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
		return wrapf(ctx.Err(), "batch run"), true
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

// checkBatchItem checks what every batch line needs.
func checkBatchItem(id string, req *ChatCompletionRequest) error {
	switch {
	case id == "":
		return invalidf("custom_id is empty")
	case req.Model == "":
		return invalidf("batch item %q: model is empty", id)
	case len(req.Messages) == 0:
		return invalidf("batch item %q: messages is empty", id)
	}
	return nil
}

// encodeBatchLine writes one JSONL line of batch input.
func encodeBatchLine(enc *json.Encoder, id string, req *ChatCompletionRequest) error {
	return enc.Encode(batchLine{
		CustomID: id, Method: "POST", URL: BatchEndpointChatCompletions, Body: &chatBody{ChatCompletionRequest: req},
	})
}
