package zai_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

// The measurement of Batches.Run at scale. It is slow (a minute or more for
// a million requests), so it runs only when asked:
//
//	ZAI_BATCHRUN_SCALE=1000000 go test -run TestBatchRunScale -v .
//
// ZAI_BATCHRUN_ORDER=input runs it with InputOrder.
//
// The fake server runs in a child process (this test binary again, with
// ZAI_BATCHRUN_SERVE set), so the heap sampled here is the SDK's alone.
// The run is stopped once half its jobs exist, then resumed from what
// OnJob reported; every shard must be created exactly once and every item
// answered.
func TestBatchRunScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("ZAI_BATCHRUN_SCALE"))
	if n <= 0 {
		t.Skip("set ZAI_BATCHRUN_SCALE to the number of requests to run")
	}
	url, serverStats := startScaleServer(t)
	client, err := zai.NewClient(zai.WithBaseURL(url), zai.WithAPIKey(zaitest.DefaultAPIKey))
	if err != nil {
		t.Fatal(err)
	}
	items := func(yield func(zai.BatchInputItem) bool) {
		for i := range n {
			item := zai.BatchInputItem{Request: zai.ChatCompletionRequest{
				Model: zai.ModelGLM4_7Flash,
				Messages: []zai.Message{
					zai.SystemMessage("Classify the review as positive, neutral or negative."),
					zai.UserMessage("Review " + strconv.Itoa(i) + ": the parcel came on time and the product works as described."),
				},
			}}
			if !yield(item) {
				return
			}
		}
	}
	inOrder := os.Getenv("ZAI_BATCHRUN_ORDER") == "input"
	shards := (n + zai.MaxBatchFileRequests - 1) / zai.MaxBatchFileRequests
	answered := make([]uint8, n) // 1 byte an item: the check, not the SDK
	var jobs jobLog
	var peak atomic.Uint64
	stopSampling := sampleHeap(&peak)

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	start := time.Now()

	// First run: stopped once half the jobs exist.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	onJob := func(j zai.BatchRunJob) {
		jobs.on(j)
		if !j.Done && j.Shard == shards/2-1 {
			cancel()
		}
	}
	poll := zai.WithPollInterval(50 * time.Millisecond)
	lines1 := 0
	for l, err := range client.Batches.Run(ctx, zai.BatchRunRequest{Items: items, OnJob: onJob, InputOrder: inOrder}, poll) {
		if err != nil {
			if ctx.Err() == nil {
				t.Fatal(err)
			}
			continue
		}
		id, _ := strconv.Atoi(l.CustomID)
		answered[id]++
		lines1++
	}
	stopped := time.Since(start)
	recs := jobs.records()
	doneBefore := 0
	for _, r := range recs {
		if r.Done {
			doneBefore++
		}
	}

	// Second run: the same items, resumed.
	lines2 := 0
	for l, err := range client.Batches.Run(context.Background(), zai.BatchRunRequest{Items: items, Resume: recs, OnJob: jobs.on, InputOrder: inOrder}, poll) {
		if err != nil {
			t.Fatal(err)
		}
		id, _ := strconv.Atoi(l.CustomID)
		answered[id]++
		lines2++
	}
	total := time.Since(start)
	stopSampling()

	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	for i, c := range answered {
		if c == 0 {
			t.Fatalf("item %d was never answered", i)
		}
	}
	perShard := map[string]int{}
	batches := 0
	for b, err := range client.Batches.All(context.Background(), zai.BatchListRequest{Limit: 100}) {
		if err != nil {
			t.Fatal(err)
		}
		batches++
		perShard[fmt.Sprint(b.Metadata["zai_shard"])]++
	}
	for shard, c := range perShard {
		if c != 1 {
			t.Fatalf("shard %s was created %d times", shard, c)
		}
	}
	if batches != shards || len(perShard) != shards {
		t.Fatalf("%d batches for %d shards", batches, shards)
	}
	t.Logf("%d requests (input order: %v) in %d jobs of up to %d: %d batches created, none twice", n, inOrder, shards, zai.MaxBatchFileRequests, batches)
	t.Logf("first run stopped after %s with %d jobs created (%d read to the end) and %d lines; the resumed run yielded %d lines; %s in all",
		stopped.Round(time.Millisecond), len(recs), doneBefore, lines1, lines2, total.Round(time.Millisecond))
	t.Logf("SDK heap in use: %.1f MiB before, peak %.1f MiB (sampled every 10 ms), %.1f MiB after; %d MiB allocated in all, %d GCs",
		mib(base.HeapInuse), mib(peak.Load()), mib(after.HeapInuse), (after.TotalAlloc-base.TotalAlloc)>>20, after.NumGC-base.NumGC)
	t.Logf("fake server: %s", serverStats())
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

// sampleHeap records the largest HeapInuse seen until the returned func is
// called.
func sampleHeap(peak *atomic.Uint64) func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// startScaleServer runs the fake in a child process and returns its base
// URL, and a function that stops it and returns what it says of its memory.
func startScaleServer(t *testing.T) (string, func() string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestBatchRunScaleServer$")
	cmd.Env = append(os.Environ(), "ZAI_BATCHRUN_SERVE=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	out := bufio.NewReader(stdout)
	line, err := out.ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		t.Fatal(err)
	}
	url := strings.TrimSpace(strings.TrimPrefix(line, "URL "))
	var once sync.Once
	var stats string
	stop := func() string {
		once.Do(func() {
			stdin.Close()
			rest, _ := io.ReadAll(out)
			cmd.Wait()
			for _, l := range strings.Split(string(rest), "\n") {
				if s, ok := strings.CutPrefix(l, "STATS "); ok {
					stats = s
				}
			}
		})
		return stats
	}
	t.Cleanup(func() { stop() })
	return url, stop
}

// TestBatchRunScaleServer is the child process of TestBatchRunScale: it
// serves until its stdin closes, then prints its own peak heap.
func TestBatchRunScaleServer(t *testing.T) {
	if os.Getenv("ZAI_BATCHRUN_SERVE") == "" {
		t.Skip("the server of TestBatchRunScale")
	}
	var peak atomic.Uint64
	stopSampling := sampleHeap(&peak)
	srv := zaitest.Start()
	fmt.Printf("URL %s\n", srv.URL())
	io.Copy(io.Discard, os.Stdin)
	srv.Close()
	stopSampling()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	fmt.Printf("STATS peak heap in use %.1f MiB, %d MiB allocated in all\n", mib(peak.Load()), m.TotalAlloc>>20)
}
