package zai_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

// runItems makes n chat items; the custom ids are "c<i>" unless bare.
func runItems(n int, bare bool) iter.Seq[zai.BatchInputItem] {
	return func(yield func(zai.BatchInputItem) bool) {
		for i := range n {
			it := zai.BatchInputItem{Request: zai.ChatCompletionRequest{
				Model: zai.ModelGLM4_7Flash, Messages: []zai.Message{zai.UserMessage(fmt.Sprintf("item %d", i))},
			}}
			if !bare {
				it.CustomID = fmt.Sprintf("c%d", i)
			}
			if !yield(it) {
				return
			}
		}
	}
}

// jobLog records what OnJob reports.
type jobLog struct {
	mu   sync.Mutex
	jobs map[int]zai.BatchRunJob
	log  []zai.BatchRunJob
}

func (l *jobLog) on(j zai.BatchRunJob) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.jobs == nil {
		l.jobs = map[int]zai.BatchRunJob{}
	}
	l.jobs[j.Shard] = j
	l.log = append(l.log, j)
}

// records returns the latest record of each job, as a program saves them.
func (l *jobLog) records() []zai.BatchRunJob {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []zai.BatchRunJob
	for _, j := range l.jobs {
		out = append(out, j)
	}
	slices.SortFunc(out, func(a, b zai.BatchRunJob) int { return a.Shard - b.Shard })
	return out
}

// created counts the POST /batches the server received, by shard, from
// the metadata Run sends.
func created(t *testing.T, srv *zaitest.Server) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, r := range srv.Requests() {
		if r.Method == "POST" && r.Path == "/batches" {
			var body struct {
				Metadata map[string]string `json:"metadata"`
			}
			if err := r.Decode(&body); err != nil {
				t.Fatal(err)
			}
			out[body.Metadata["zai_shard"]]++
		}
	}
	return out
}

func countRequests(srv *zaitest.Server, method, path string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Method == method && (r.Path == path || strings.HasPrefix(path, "~") && strings.HasPrefix(r.Path, path[1:])) {
			n++
		}
	}
	return n
}

var fastPolls = zai.WithPollInterval(time.Millisecond)

var runCtx = context.Background()

// answer checks one line: its custom id names an item whose echo it holds.
func answer(t *testing.T, l zai.BatchRunLine, prefix string) int {
	t.Helper()
	i, err := strconv.Atoi(strings.TrimPrefix(l.CustomID, prefix))
	if err != nil {
		t.Fatalf("custom id %q", l.CustomID)
	}
	c, err := l.ChatCompletion()
	if err != nil {
		t.Fatalf("%s: %v", l.CustomID, err)
	}
	if got, want := c.Choices[0].Message.Content, fmt.Sprintf("Echo: item %d", i); got != want {
		t.Fatalf("%s: %q, want %q", l.CustomID, got, want)
	}
	return i
}

// 1,000 items with limits of 150 requests a job make 7 jobs; every item is
// answered once, joined to its custom id, and the input files are gone.
func TestBatchRunShardsAndJoins(t *testing.T) {
	srv := zaitest.NewServer(t, zaitest.WithBatchLimits(150, zai.MaxBatchFileBytes))
	client := srv.Client()
	var log jobLog
	var progress []zai.PollProgress
	seen := make([]int, 1000)
	for l, err := range client.Batches.Run(runCtx, zai.BatchRunRequest{Items: runItems(1000, true), MaxRequestsPerJob: 150, OnJob: log.on},
		fastPolls, zai.WithPollProgress(func(p zai.PollProgress) { progress = append(progress, p) })) {
		if err != nil {
			t.Fatal(err)
		}
		seen[answer(t, l, "")]++
		if want := fmt.Sprintf("batch_%03d", l.Shard+1); l.BatchID != want {
			t.Fatalf("%s from shard %d of %s", l.CustomID, l.Shard, l.BatchID)
		}
	}
	for i, n := range seen {
		if n != 1 {
			t.Fatalf("item %d answered %d times", i, n)
		}
	}
	c := created(t, srv)
	if len(c) != 7 || countRequests(srv, "POST", "/files") != 7 {
		t.Fatalf("jobs created %v, %d uploads", c, countRequests(srv, "POST", "/files"))
	}
	recs := log.records()
	if len(recs) != 7 || len(log.log) != 14 {
		t.Fatalf("OnJob: %+v", log.log)
	}
	for i, j := range recs {
		want := 150
		if i == 6 {
			want = 100
		}
		if j.Shard != i || !j.Done || j.Requests != want || len(j.Digest) != 32 || j.BatchID == "" {
			t.Fatalf("job %d: %+v", i, j)
		}
	}
	// Each job's input was deleted when it ended; outputs stay.
	files, _ := client.Files.List(runCtx, zai.FileListRequest{Purpose: zai.FilePurposeBatch, Limit: 100})
	for _, f := range files.Data {
		if !strings.HasSuffix(f.FileName, "_output.jsonl") {
			t.Errorf("left on the server: %+v", f)
		}
	}
	if len(files.Data) != 7 {
		t.Fatalf("%d files", len(files.Data))
	}
	// Progress came from every job, each with its own poll count.
	polls := map[string]int{}
	for _, p := range progress {
		polls[p.TaskID]++
		if p.Polls != polls[p.TaskID] {
			t.Fatalf("progress %+v after %d polls", p, polls[p.TaskID]-1)
		}
	}
	if len(polls) != 7 {
		t.Fatalf("progress of %v", polls)
	}
}

// drain runs a Run to its end and returns its lines and errors.
func drain(seq iter.Seq2[zai.BatchRunLine, error]) (lines []zai.BatchRunLine, errs []error) {
	for l, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		lines = append(lines, l)
	}
	return lines, errs
}

// emptyDir fails unless Run left nothing in dir.
func emptyDir(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 0 {
		t.Fatalf("left in the temp dir: %v %v", entries, err)
	}
}

// A job holds no more bytes than MaxBytesPerJob: the server refuses a
// larger file, and every upload is within the limit and whole lines.
func TestBatchRunByteLimit(t *testing.T) {
	const limit = 4000
	srv := zaitest.NewServer(t, zaitest.WithBatchLimits(zai.MaxBatchFileRequests, limit))
	client := srv.Client()
	items := func(yield func(zai.BatchInputItem) bool) {
		for i := range 200 {
			text := fmt.Sprintf("item %d %s", i, strings.Repeat("y", i%50*10))
			if !yield(zai.BatchInputItem{CustomID: fmt.Sprint(i), Request: zai.ChatCompletionRequest{Model: "glm-4.7", Messages: []zai.Message{zai.UserMessage(text)}}}) {
				return
			}
		}
	}
	dir := t.TempDir()
	lines, errs := drain(client.Batches.Run(runCtx, zai.BatchRunRequest{Items: items, MaxBytesPerJob: limit, TempDir: dir}, fastPolls))
	if len(errs) != 0 || len(lines) != 200 {
		t.Fatalf("%d lines, %v", len(lines), errs)
	}
	total, uploads := 0, 0
	for _, r := range srv.Requests() {
		if r.Method != "POST" || r.Path != "/files" {
			continue
		}
		_, data, ok := r.FormFile("file")
		if !ok || len(data) > limit || len(data) == 0 || data[len(data)-1] != '\n' {
			t.Fatalf("upload of %d bytes", len(data))
		}
		uploads++
		total += strings.Count(string(data), "\n")
	}
	if total != 200 || uploads < 10 || len(created(t, srv)) != uploads {
		t.Fatalf("%d lines in %d uploads, %v", total, uploads, created(t, srv))
	}
	emptyDir(t, dir)
}

// InputOrder yields the items' order even when jobs end out of order and
// the server answers a job's lines in reverse; the default yields each job
// as it ends.
func TestBatchRunOrder(t *testing.T) {
	for _, inOrder := range []bool{false, true} {
		srv := zaitest.NewServer(t, zaitest.WithBatchOutputReversed(), zaitest.WithTaskPolls(0))
		client := srv.Client()
		// The first job runs until the other two are over: read to the
		// end (by default), or completed (in input order, where they wait
		// for the first).
		srv.Reply(map[string]any{"id": "batch_001", "object": "batch", "status": "in_progress"}).On("GET", "/batches/batch_001").Times(1 << 30)
		over := map[string]bool{}
		var mu sync.Mutex
		release := func(id string) {
			mu.Lock()
			defer mu.Unlock()
			if over[id] = true; over["batch_002"] && over["batch_003"] {
				srv.Reset() // drops the script: batch_001 completes at its next look
			}
		}
		progress := zai.WithPollProgress(func(p zai.PollProgress) {
			if inOrder && p.Status == "completed" {
				release(p.TaskID)
			}
		})
		onJob := func(j zai.BatchRunJob) {
			if !inOrder && j.Done {
				release(j.BatchID)
			}
		}
		dir := t.TempDir()
		lines, errs := drain(client.Batches.Run(runCtx, zai.BatchRunRequest{Items: runItems(10, false), MaxRequestsPerJob: 4, InputOrder: inOrder, TempDir: dir, OnJob: onJob}, fastPolls, progress))
		if len(errs) != 0 || len(lines) != 10 {
			t.Fatalf("%d lines, %v", len(lines), errs)
		}
		var ids, batches []string
		for _, l := range lines {
			answer(t, l, "c")
			ids = append(ids, l.CustomID)
			if len(batches) == 0 || batches[len(batches)-1] != l.BatchID {
				batches = append(batches, l.BatchID)
			}
		}
		if inOrder {
			if got := strings.Join(ids, ","); got != "c0,c1,c2,c3,c4,c5,c6,c7,c8,c9" {
				t.Fatalf("input order: %s", got)
			}
		} else if batches[len(batches)-1] != "batch_001" || len(batches) != 3 || ids[len(ids)-1] != "c0" {
			// The late job comes last, its lines as the server wrote them.
			t.Fatalf("as they end: %v %v", batches, ids)
		}
		emptyDir(t, dir)
	}
}

// A run stopped halfway (ctx cancelled once five of ten jobs exist) is
// resumed from what OnJob reported: no shard is created twice, every item
// is answered, and the jobs read to the end before the stop are not read
// again.
func TestBatchRunResumeAfterCancel(t *testing.T) {
	srv := zaitest.NewServer(t, zaitest.WithTaskPolls(3))
	client := srv.Client()
	dir := t.TempDir()
	cctx, cancel := context.WithCancel(runCtx)
	defer cancel()
	var log jobLog
	onJob := func(j zai.BatchRunJob) {
		log.on(j)
		if !j.Done && j.Shard == 4 {
			cancel()
		}
	}
	first, errs := drain(client.Batches.Run(cctx, zai.BatchRunRequest{Items: runItems(1000, false), MaxRequestsPerJob: 100, OnJob: onJob, TempDir: dir}, fastPolls))
	if len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
		t.Fatalf("first run: %v", errs)
	}
	recs := log.records()
	if len(recs) != 5 {
		t.Fatalf("reported %+v", recs)
	}
	if c := created(t, srv); len(c) != 5 {
		t.Fatalf("created %v", c)
	}
	done := map[string]bool{}
	for _, r := range recs {
		if r.Done {
			done[r.BatchID] = true
		}
	}
	t.Logf("stopped with %d of 5 jobs read to the end, %d lines yielded", len(done), len(first))
	emptyDir(t, dir)

	// The saved records go through JSON, as a program would keep them.
	saved, _ := json.Marshal(recs)
	var resume []zai.BatchRunJob
	if err := json.Unmarshal(saved, &resume); err != nil {
		t.Fatal(err)
	}
	var log2 jobLog
	second, errs := drain(client.Batches.Run(runCtx, zai.BatchRunRequest{Items: runItems(1000, false), MaxRequestsPerJob: 100, Resume: resume, OnJob: log2.on, TempDir: dir}, fastPolls))
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	for shard, n := range created(t, srv) {
		if n != 1 {
			t.Fatalf("shard %s created %d times", shard, n)
		}
	}
	if c := created(t, srv); len(c) != 10 {
		t.Fatalf("created %v", c)
	}
	answered := make([]int, 1000)
	for _, l := range first {
		answered[answer(t, l, "c")]++
	}
	for _, l := range second {
		if done[l.BatchID] {
			t.Fatalf("%s of %s, read to the end before the stop, came again", l.CustomID, l.BatchID)
		}
		answered[answer(t, l, "c")]++
	}
	for i, n := range answered {
		if n == 0 {
			t.Fatalf("item %d never answered", i)
		}
	}
	if recs := log2.records(); len(recs) != 10-len(done) {
		t.Fatalf("second run reported %+v", recs)
	}
	// No input file was left behind by either run.
	files, _ := client.Files.List(runCtx, zai.FileListRequest{Purpose: zai.FilePurposeBatch, Limit: 100})
	for _, f := range files.Data {
		if !strings.HasSuffix(f.FileName, "_output.jsonl") {
			t.Errorf("left on the server: %+v", f)
		}
	}
	emptyDir(t, dir)
}

// A resumed run whose items differ from the run that created a job, or
// whose records name the wrong batches, stops before creating anything.
func TestBatchRunResumeChecksTheRecords(t *testing.T) {
	srv := zaitest.NewServer(t, zaitest.WithTaskPolls(0))
	client := srv.Client()
	var log jobLog
	if _, errs := drain(client.Batches.Run(runCtx, zai.BatchRunRequest{Items: runItems(30, false), MaxRequestsPerJob: 10, OnJob: log.on, KeepFiles: true}, fastPolls)); len(errs) != 0 {
		t.Fatal(errs)
	}
	recs := log.records()
	for i := range recs {
		recs[i].Done = false
	}
	before := len(srv.Requests())

	changed := func(yield func(zai.BatchInputItem) bool) {
		for it := range runItems(30, false) {
			if it.CustomID == "c15" {
				it.Request.Messages = []zai.Message{zai.UserMessage("something else")}
			}
			if !yield(it) {
				return
			}
		}
	}
	_, errs := drain(client.Batches.Run(runCtx, zai.BatchRunRequest{Items: changed, MaxRequestsPerJob: 10, Resume: recs}, fastPolls))
	if len(errs) != 1 || !errors.Is(errs[0], zai.ErrInvalidRequest) || !strings.Contains(errs[0].Error(), "shard 1 of the items") {
		t.Fatalf("changed items: %v", errs)
	}
	// Other limits cut other shards.
	_, errs = drain(client.Batches.Run(runCtx, zai.BatchRunRequest{Items: runItems(30, false), MaxRequestsPerJob: 15, Resume: recs}, fastPolls))
	if len(errs) != 1 || !errors.Is(errs[0], zai.ErrInvalidRequest) {
		t.Fatalf("other limits: %v", errs)
	}
	// Records without digests, their batch ids swapped: the metadata the
	// server kept gives them away.
	swapped := slices.Clone(recs)
	swapped[0].BatchID, swapped[1].BatchID = recs[1].BatchID, recs[0].BatchID
	for i := range swapped {
		swapped[i].Digest = ""
	}
	_, errs = drain(client.Batches.Run(runCtx, zai.BatchRunRequest{Items: runItems(30, false), MaxRequestsPerJob: 10, Resume: swapped}, fastPolls))
	if len(errs) != 1 || !errors.Is(errs[0], zai.ErrInvalidRequest) || !strings.Contains(errs[0].Error(), "not shard") {
		t.Fatalf("swapped records: %v", errs)
	}
	for _, r := range srv.Requests()[before:] {
		if r.Method == "POST" {
			t.Fatalf("a resumed run that stops sent %s %s", r.Method, r.Path)
		}
	}
	// Records of more shards than the items make.
	_, errs = drain(client.Batches.Run(runCtx, zai.BatchRunRequest{Items: runItems(15, false), MaxRequestsPerJob: 10, Resume: recs[2:]}, fastPolls))
	if len(errs) != 1 || !errors.Is(errs[0], zai.ErrInvalidRequest) || !strings.Contains(errs[0].Error(), "make 2 shards") {
		t.Fatalf("too many records: %v", errs)
	}
}

// A resumed job marked Done is not created, polled or read again; the
// others are read without being created.
func TestBatchRunResumeSkipsDoneJobs(t *testing.T) {
	srv := zaitest.NewServer(t, zaitest.WithTaskPolls(0))
	client := srv.Client()
	var log jobLog
	if _, errs := drain(client.Batches.Run(runCtx, zai.BatchRunRequest{Items: runItems(30, true), MaxRequestsPerJob: 10, OnJob: log.on}, fastPolls)); len(errs) != 0 {
		t.Fatal(errs)
	}
	recs := log.records()
	recs[1].Done = false
	srv.Reset()
	lines, errs := drain(client.Batches.Run(runCtx, zai.BatchRunRequest{Items: runItems(30, true), MaxRequestsPerJob: 10, Resume: recs}, fastPolls))
	if len(errs) != 0 || len(lines) != 10 {
		t.Fatalf("%d lines, %v", len(lines), errs)
	}
	for _, l := range lines {
		if i := answer(t, l, ""); i < 10 || i >= 20 || l.BatchID != recs[1].BatchID {
			t.Fatalf("%s from %s", l.CustomID, l.BatchID)
		}
	}
	var sent []string
	for _, r := range srv.Requests() {
		sent = append(sent, r.Method+" "+r.Path)
	}
	if want := "GET /batches/" + recs[1].BatchID; len(sent) == 0 || sent[0] != want || slices.ContainsFunc(sent, func(s string) bool { return strings.HasPrefix(s, "POST") }) {
		t.Fatalf("sent %v", sent)
	}
}

// Bad input stops the run at the bad item: the jobs before it exist and
// were reported, nothing of its shard was uploaded.
func TestBatchRunBadItemMidway(t *testing.T) {
	srv := zaitest.NewServer(t)
	client := srv.Client()
	items := func(yield func(zai.BatchInputItem) bool) {
		for it := range runItems(1000, false) {
			if it.CustomID == "c550" {
				it.Request.Model = ""
			}
			if !yield(it) {
				return
			}
		}
	}
	var log jobLog
	dir := t.TempDir()
	_, errs := drain(client.Batches.Run(runCtx, zai.BatchRunRequest{Items: items, MaxRequestsPerJob: 100, OnJob: log.on, TempDir: dir}, fastPolls))
	if len(errs) != 1 || !errors.Is(errs[0], zai.ErrInvalidRequest) || !strings.Contains(errs[0].Error(), `zai: invalid request: model is empty (batch item "c550") (item 550 of the run)`) {
		t.Fatalf("%v", errs)
	}
	if n := countRequests(srv, "POST", "/files"); n != 5 || len(log.records()) != 5 {
		t.Fatalf("%d uploads, reported %+v", n, log.records())
	}
	emptyDir(t, dir)
}

// Bad requests are refused before anything is sent.
func TestBatchRunRefusesBadRequests(t *testing.T) {
	srv := zaitest.NewServer(t)
	client := srv.Client()
	items := runItems(3, false)
	mixed := func(yield func(zai.BatchInputItem) bool) {
		_ = yield(zai.BatchInputItem{CustomID: "a", Request: zai.ChatCompletionRequest{Model: "m", Messages: []zai.Message{zai.UserMessage("x")}}}) &&
			yield(zai.BatchInputItem{Request: zai.ChatCompletionRequest{Model: "m", Messages: []zai.Message{zai.UserMessage("y")}}})
	}
	repeated := func(yield func(zai.BatchInputItem) bool) {
		for range 2 {
			if !yield(zai.BatchInputItem{CustomID: "a", Request: zai.ChatCompletionRequest{Model: "m", Messages: []zai.Message{zai.UserMessage("x")}}}) {
				return
			}
		}
	}
	huge := func(yield func(zai.BatchInputItem) bool) {
		yield(zai.BatchInputItem{CustomID: "a", Request: zai.ChatCompletionRequest{Model: "m", Messages: []zai.Message{zai.UserMessage(strings.Repeat("z", 2000))}}})
	}
	for name, req := range map[string]zai.BatchRunRequest{
		"no items":         {},
		"too many a job":   {Items: items, MaxRequestsPerJob: zai.MaxBatchFileRequests + 1},
		"too large a job":  {Items: items, MaxBytesPerJob: zai.MaxBatchFileBytes + 1},
		"negative jobs":    {Items: items, MaxJobs: -1},
		"reserved key":     {Items: items, Metadata: map[string]string{"zai_shard": "1"}},
		"resume twice":     {Items: items, Resume: []zai.BatchRunJob{{Shard: 0, BatchID: "b1"}, {Shard: 0, BatchID: "b2"}}},
		"resume same id":   {Items: items, Resume: []zai.BatchRunJob{{Shard: 0, BatchID: "b1"}, {Shard: 1, BatchID: "b1"}}},
		"resume no id":     {Items: items, Resume: []zai.BatchRunJob{{Shard: 0}}},
		"mixed custom ids": {Items: mixed},
		"repeated id":      {Items: repeated},
		"line over limit":  {Items: huge, MaxBytesPerJob: 1000},
	} {
		_, errs := drain(client.Batches.Run(runCtx, req))
		if len(errs) != 1 || !errors.Is(errs[0], zai.ErrInvalidRequest) {
			t.Errorf("%s: %v", name, errs)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
	// No items: nothing to do, and no error.
	if lines, errs := drain(client.Batches.Run(runCtx, zai.BatchRunRequest{Items: runItems(0, false)})); len(lines)+len(errs) != 0 {
		t.Fatal(lines, errs)
	}
}

// An upload that keeps failing ends the run with the server's error; the
// jobs created before it resume without being created again.
func TestBatchRunUploadFails(t *testing.T) {
	srv := zaitest.NewServer(t, zaitest.WithTaskPolls(0))
	client := srv.Client(zai.WithMaxRetries(1))
	srv.ReplyDefault().On("POST", "/files").Times(2)
	srv.ReplyError(500, "500", "storage is down").On("POST", "/files").Times(2)
	var log jobLog
	dir := t.TempDir()
	lines, errs := drain(client.Batches.Run(runCtx, zai.BatchRunRequest{Items: runItems(50, false), MaxRequestsPerJob: 10, OnJob: log.on, TempDir: dir}, fastPolls))
	var apiErr *zai.APIError
	if len(errs) != 1 || !errors.As(errs[0], &apiErr) || apiErr.Code != "500" || !strings.Contains(errs[0].Error(), "uploading shard 2") {
		t.Fatalf("%v", errs)
	}
	if len(log.records()) != 2 {
		t.Fatalf("reported %+v", log.records())
	}
	emptyDir(t, dir)
	_, errs = drain(client.Batches.Run(runCtx, zai.BatchRunRequest{Items: runItems(50, false), MaxRequestsPerJob: 10, Resume: log.records(), TempDir: dir}, fastPolls))
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	if c := created(t, srv); len(c) != 5 || c["0"] != 1 || c["1"] != 1 {
		t.Fatalf("created %v", c)
	}
	_ = lines
	emptyDir(t, dir)

	// A connection reset during an upload is retried: the shard is read
	// again from its file, and the run goes on.
	srv = zaitest.NewServer(t, zaitest.WithTaskPolls(0))
	client = srv.Client()
	srv.ReplyDefault().On("POST", "/files").Times(2)
	srv.Reply(nil).On("POST", "/files").DropAfter(0)
	lines, errs = drain(client.Batches.Run(runCtx, zai.BatchRunRequest{Items: runItems(50, false), MaxRequestsPerJob: 10, TempDir: dir}, fastPolls))
	if len(errs) != 0 || len(lines) != 50 || countRequests(srv, "POST", "/files") != 6 || len(created(t, srv)) != 5 {
		t.Fatalf("%d lines, %v, %d uploads, %v", len(lines), errs, countRequests(srv, "POST", "/files"), created(t, srv))
	}
	emptyDir(t, dir)
}

// Jobs that fail validation are errors of their own, matching
// ErrTaskFailed, after which the run goes on; the good job is answered.
func TestBatchRunJobFails(t *testing.T) {
	// The server takes 99 requests a file; the run sends 100, 100, 50.
	srv := zaitest.NewServer(t, zaitest.WithBatchLimits(99, zai.MaxBatchFileBytes))
	client := srv.Client()
	var log jobLog
	lines, errs := drain(client.Batches.Run(runCtx, zai.BatchRunRequest{Items: runItems(250, false), MaxRequestsPerJob: 100, OnJob: log.on}, fastPolls))
	if len(lines) != 50 || len(errs) != 2 {
		t.Fatalf("%d lines, %v", len(lines), errs)
	}
	for _, err := range errs {
		var jobErr *zai.BatchJobError
		if !errors.As(err, &jobErr) || !errors.Is(err, zai.ErrTaskFailed) || jobErr.Status != zai.BatchStatusFailed ||
			jobErr.Answered != 0 || jobErr.Job.Requests != 100 || !strings.Contains(err.Error(), "more than 99 requests") {
			t.Fatalf("%v", err)
		}
	}
	for _, l := range lines {
		if i := answer(t, l, "c"); i < 200 {
			t.Fatal(l.CustomID)
		}
	}
	for _, j := range log.records() {
		if !j.Done {
			t.Fatalf("%+v", j)
		}
	}
}

// An expired job yields the lines it answered, then its error.
func TestBatchRunJobExpires(t *testing.T) {
	srv := zaitest.NewServer(t)
	client := srv.Client()
	part, err := client.Files.Upload(runCtx, zai.FileUploadRequest{Purpose: zai.FilePurposeBatch, File: zai.FileInput{Name: "part.jsonl", Reader: strings.NewReader(
		`{"custom_id":"c1","response":{"status_code":200,"body":{"choices":[{"index":0,"message":{"role":"assistant","content":"Echo: item 1"}}]}}}` + "\n" +
			`{"custom_id":"c3","response":{"status_code":429,"body":{"error":{"code":"1302","message":"slow down"}}}}` + "\n")}})
	if err != nil {
		t.Fatal(err)
	}
	errFile, err := client.Files.Upload(runCtx, zai.FileUploadRequest{Purpose: zai.FilePurposeBatch, File: zai.FileInput{Name: "errors.jsonl", Reader: strings.NewReader(
		`{"custom_id":"c4","error":{"code":"1214","message":"bad line"}}` + "\n")}})
	if err != nil {
		t.Fatal(err)
	}
	srv.Reply(map[string]any{"id": "batch_001", "object": "batch", "status": "expired", "input_file_id": "file_003",
		"output_file_id": part.ID, "error_file_id": errFile.ID}).On("GET", "/batches/batch_001")
	lines, errs := drain(client.Batches.Run(runCtx, zai.BatchRunRequest{Items: runItems(5, false)}, fastPolls))
	var lineErr *zai.APIError
	if len(lines) != 3 || lines[0].CustomID != "c1" || lines[0].Err() != nil || !errors.Is(lines[1].Err(), zai.ErrRateLimited) ||
		!errors.As(lines[2].Err(), &lineErr) || lineErr.Code != "1214" || lines[2].CustomID != "c4" {
		t.Fatalf("%+v", lines)
	}
	var jobErr *zai.BatchJobError
	if len(errs) != 1 || !errors.As(errs[0], &jobErr) || !errors.Is(errs[0], zai.ErrTaskFailed) || jobErr.Status != zai.BatchStatusExpired || jobErr.Answered != 3 ||
		errs[0].Error() != "zai: batch job 0 (batch_001) expired, 3 of 5 requests answered" {
		t.Fatalf("%v", errs)
	}
	// The input file went with the job.
	if _, ok := srv.File("file_003"); ok {
		t.Fatal("input file kept")
	}
}

// A result file cut off mid-line (a clean end of body, or a reset
// connection) is fetched again and read on from where it broke: every line
// comes once. One that stays cut is the job's error, not done, so a resumed
// run reads it again.
func TestBatchRunOutputCut(t *testing.T) {
	srv := zaitest.NewServer(t, zaitest.WithTaskPolls(0))
	client := srv.Client()
	// One job: its input is file_001, its output file_002.
	cut := `{"custom_id":"c0","response":{"status_code":200,"body":{"choices":[{"index":0,"message":{"role":"assistant","content":"Echo: item 0"}}]}}}` + "\n" +
		`{"custom_id":"c1","response":{"status_co`
	srv.Reply(cut).On("GET", "/files/file_002/content")
	srv.ReplyDefault().On("GET", "/files/file_002/content").DropMidBody()
	lines, errs := drain(client.Batches.Run(runCtx, zai.BatchRunRequest{Items: runItems(20, false)}, fastPolls))
	if len(errs) != 0 || len(lines) != 20 {
		t.Fatalf("%d lines, %v", len(lines), errs)
	}
	for i, l := range lines {
		if answer(t, l, "c") != i {
			t.Fatalf("line %d is %s", i, l.CustomID)
		}
	}

	srv2 := zaitest.NewServer(t, zaitest.WithTaskPolls(0))
	client = srv2.Client()
	srv2.ReplyDefault().On("GET", "/files/file_002/content").DropMidBody().Times(3)
	var log jobLog
	lines, errs = drain(client.Batches.Run(runCtx, zai.BatchRunRequest{Items: runItems(20, false), OnJob: log.on}, fastPolls))
	var jobErr *zai.BatchJobError
	if len(errs) != 1 || !errors.As(errs[0], &jobErr) || errors.Is(errs[0], zai.ErrTaskFailed) || jobErr.Status != zai.BatchStatusCompleted || jobErr.Answered != len(lines) {
		t.Fatalf("%d lines, %v", len(lines), errs)
	}
	recs := log.records()
	if len(recs) != 1 || recs[0].Done {
		t.Fatalf("%+v", recs)
	}
	lines, errs = drain(client.Batches.Run(runCtx, zai.BatchRunRequest{Items: runItems(20, false), Resume: recs}, fastPolls))
	if len(errs) != 0 || len(lines) != 20 || len(created(t, srv2)) != 1 {
		t.Fatalf("%d lines, %v, %v", len(lines), errs, created(t, srv2))
	}

	// A completed job whose file holds fewer lines than it had items: the
	// lines, then the shortfall as the job's error.
	srv3 := zaitest.NewServer(t, zaitest.WithTaskPolls(0))
	client = srv3.Client()
	srv3.Reply(cut[:strings.IndexByte(cut, '\n')+1]).On("GET", "/files/file_002/content")
	lines, errs = drain(client.Batches.Run(runCtx, zai.BatchRunRequest{Items: runItems(20, false)}, fastPolls))
	if len(lines) != 1 || len(errs) != 1 || !errors.As(errs[0], &jobErr) || errors.Is(errs[0], zai.ErrTaskFailed) ||
		errs[0].Error() != "zai: batch job 0 (batch_001) completed, 1 of 20 requests answered" {
		t.Fatalf("%d lines, %v", len(lines), errs)
	}
}

// MaxJobs bounds the jobs created and not yet read.
func TestBatchRunMaxJobs(t *testing.T) {
	srv := zaitest.NewServer(t, zaitest.WithTaskPolls(4)) // each job lasts a few polls
	client := srv.Client()
	var mu sync.Mutex
	inFlight, most := 0, 0
	onJob := func(j zai.BatchRunJob) {
		mu.Lock()
		defer mu.Unlock()
		if j.Done {
			inFlight--
		} else {
			inFlight++
		}
		most = max(most, inFlight)
	}
	lines, errs := drain(client.Batches.Run(runCtx, zai.BatchRunRequest{Items: runItems(100, false), MaxRequestsPerJob: 10, MaxJobs: 2, OnJob: onJob}, fastPolls))
	if len(errs) != 0 || len(lines) != 100 || most != 2 {
		t.Fatalf("%d lines, %v, at most %d in flight", len(lines), errs, most)
	}
}

// Breaking out of the loop stops the run at once and leaves nothing behind
// on disk (goroutines are checked by TestMain).
func TestBatchRunBreak(t *testing.T) {
	srv := zaitest.NewServer(t)
	client := srv.Client()
	dir := t.TempDir()
	n := 0
	for _, err := range client.Batches.Run(runCtx, zai.BatchRunRequest{Items: runItems(100, false), MaxRequestsPerJob: 10, TempDir: dir, InputOrder: true}, fastPolls) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 3 {
			break
		}
	}
	emptyDir(t, dir)
}
