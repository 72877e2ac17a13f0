// Command batchrun classifies 20 reviews with Batches.Run, cut into jobs of
// 5, and shows a run stopped halfway and resumed: the first run stops once
// two jobs exist, the second picks them up from the saved job records and
// creates only the rest. With ZAI_API_KEY set it runs on the real API (a
// batch may take hours); without, on the built-in fake server, at once.
//
//	go run ./examples/batchrun
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"os"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

// jobsFile is where the run keeps what it needs to resume.
const jobsFile = "batchrun-jobs.json"

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

// reviews yields the items one at a time: a million would not sit in
// memory either.
func reviews(n int) iter.Seq[zai.BatchInputItem] {
	return func(yield func(zai.BatchInputItem) bool) {
		for i := range n {
			item := zai.BatchInputItem{
				CustomID: fmt.Sprintf("review-%02d", i),
				Request: zai.ChatCompletionRequest{
					Model: zai.ModelGLM4_7Flash,
					Messages: []zai.Message{
						zai.SystemMessage("Answer positive, neutral or negative."),
						zai.UserMessage(fmt.Sprintf("Review %d: it arrived on day %d.", i, i%7+1)),
					},
				},
			}
			if !yield(item) {
				return
			}
		}
	}
}

func run(ctx context.Context) error {
	client, fake, err := zaitest.RealOrFake() // the real API with ZAI_API_KEY, else a fake server
	if err != nil {
		return err
	}
	defer fake.Close()
	defer os.Remove(jobsFile)

	// The job records, saved on every report: what a crashed program
	// would read back.
	jobs := map[int]zai.BatchRunJob{}
	save := func(j zai.BatchRunJob) {
		jobs[j.Shard] = j
		b, err := json.Marshal(jobs)
		if err == nil {
			err = os.WriteFile(jobsFile, b, 0o600)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "saving the job records:", err) // a resume would lack this job
		}
	}

	// First run: stop (as a crash would) once two jobs exist.
	stopCtx, stop := context.WithCancel(ctx)
	defer stop()
	req := zai.BatchRunRequest{
		Items:             reviews(20),
		MaxRequestsPerJob: 5, // the API allows 50,000 a job; 5 shows the sharding
		OnJob: func(j zai.BatchRunJob) {
			save(j)
			if !j.Done {
				fmt.Printf("created job %d: %s (%d requests)\n", j.Shard, j.BatchID, j.Requests)
			}
			if !j.Done && j.Shard == 1 {
				stop()
			}
		},
	}
	interval := time.Minute // between polls of a job
	if fake != nil {
		interval = 10 * time.Millisecond // the fake's jobs end at once
	}
	poll := zai.WithPollInterval(interval)
	answered := map[string]string{}
	if err := collect(client.Batches.Run(stopCtx, req, poll), answered); !errors.Is(err, context.Canceled) {
		return fmt.Errorf("the first run should have stopped: %v", err)
	}
	fmt.Printf("stopped with %d answers\n", len(answered))

	// Second run: the same items, and the jobs read back from the file.
	var saved map[int]zai.BatchRunJob
	b, err := os.ReadFile(jobsFile)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, &saved); err != nil {
		return err
	}
	for _, j := range saved {
		req.Resume = append(req.Resume, j)
	}
	fmt.Printf("resuming with %d jobs\n", len(req.Resume))
	req.OnJob = func(j zai.BatchRunJob) {
		save(j)
		if !j.Done {
			fmt.Printf("created job %d: %s (%d requests)\n", j.Shard, j.BatchID, j.Requests)
		}
	}
	if err := collect(client.Batches.Run(ctx, req, poll), answered); err != nil {
		return err
	}
	fmt.Printf("answered %d of 20 reviews in %d jobs\n", len(answered), len(jobs))
	fmt.Println("review-07:", answered["review-07"])
	return nil
}

// collect keeps each answer by custom_id; a job that failed is reported
// and the run goes on.
func collect(lines iter.Seq2[zai.BatchRunLine, error], answered map[string]string) error {
	for line, err := range lines {
		var jobErr *zai.BatchJobError
		if errors.As(err, &jobErr) {
			fmt.Println(err)
			continue
		}
		if err != nil {
			return err
		}
		completion, err := line.ChatCompletion()
		if err != nil {
			answered[line.CustomID] = "failed: " + err.Error()
			continue
		}
		answered[line.CustomID] = completion.Choices[0].Message.Content
	}
	return nil
}
