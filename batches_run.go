package zai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"os"
	"slices"
	"strings"
	"sync"
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
				yield(BatchRunLine{}, fmt.Errorf("%w (batch run: removing input files)", err))
			}
			return
		}
		select {
		case <-ctx.Done():
			yield(BatchRunLine{}, fmt.Errorf("zai: batch run: %w", ctx.Err()))
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

// checkBatchItem checks what every batch line needs.
func checkBatchItem(id string, req *ChatCompletionRequest) error {
	if id == "" {
		return invalidf("custom_id is empty")
	}
	// The rules of Create, so a line the API would refuse is refused here,
	// before a file of thousands is uploaded.
	if err := req.validate(); err != nil {
		return fmt.Errorf("%w (batch item %q)", err, id)
	}
	return nil
}

// encodeBatchLine writes one JSONL line of batch input.
func encodeBatchLine(enc *json.Encoder, id string, req *ChatCompletionRequest) error {
	return enc.Encode(batchLine{
		CustomID: id, Method: "POST", URL: BatchEndpointChatCompletions, Body: &chatBody{ChatCompletionRequest: req},
	})
}
