package zai_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"slices"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

func ExampleBatchService_Run() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()

	var items []zai.BatchInputItem
	for _, review := range []string{"Great phone, fast delivery.", "It broke after a day.", "Does what it says."} {
		items = append(items, zai.BatchInputItem{Request: zai.ChatCompletionRequest{
			Model:    zai.ModelGLM4_7Flash,
			Messages: []zai.Message{zai.SystemMessage("Answer positive, neutral or negative."), zai.UserMessage(review)},
		}}) // no CustomID: Run numbers the items "0", "1", ...
	}
	var jobs []zai.BatchRunJob // saved, they let a new Run resume after a crash (BatchRunRequest.Resume)
	run := zai.BatchRunRequest{
		Items:      slices.Values(items), // or any iter.Seq, read as the run goes
		InputOrder: true,
		OnJob:      func(j zai.BatchRunJob) { jobs = append(jobs, j) },
	}
	for line, err := range client.Batches.Run(context.Background(), run, zai.WithPollInterval(10*time.Millisecond)) {
		var jobErr *zai.BatchJobError
		if errors.As(err, &jobErr) {
			fmt.Println(err) // one job failed, expired or could not be read; the others go on
			continue
		} else if err != nil {
			log.Fatal(err) // bad input, a failed upload, ctx: the run ends
		}
		completion, err := line.ChatCompletion() // the line's own error, if it failed
		if err != nil {
			fmt.Println(line.CustomID, "failed:", err)
			continue
		}
		fmt.Println(line.CustomID, completion.Choices[0].Message.Content)
	}
	last := jobs[len(jobs)-1]
	fmt.Printf("job %d: %s, %d requests, done: %v\n", last.Shard, last.BatchID, last.Requests, last.Done)
	// Output:
	// 0 Echo: Great phone, fast delivery.
	// 1 Echo: It broke after a day.
	// 2 Echo: Does what it says.
	// job 0: batch_001, 3 requests, done: true
}
