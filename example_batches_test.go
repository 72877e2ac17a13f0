package zai_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"slices"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

// startBatch writes two chat requests as batch input, uploads them and
// starts a batch on the fake server, for the examples.
func startBatch(client *zai.Client) *zai.Batch {
	ctx := context.Background()
	var input bytes.Buffer
	err := zai.WriteBatchInput(&input,
		zai.BatchInputItem{CustomID: "review-1", Request: zai.ChatCompletionRequest{
			Model: zai.ModelGLM4_7Flash, Messages: []zai.Message{zai.UserMessage("Great phone, fast delivery.")}}},
		zai.BatchInputItem{CustomID: "review-2", Request: zai.ChatCompletionRequest{
			Model: zai.ModelGLM4_7Flash, Messages: []zai.Message{zai.UserMessage("It broke after a day.")}}},
	)
	if err != nil {
		log.Fatal(err)
	}
	f, err := client.Files.Upload(ctx, zai.FileUploadRequest{
		Purpose: zai.FilePurposeBatch, File: zai.FileInput{Reader: bytes.NewReader(input.Bytes()), Name: "reviews.jsonl"}})
	if err != nil {
		log.Fatal(err)
	}
	batch, err := client.Batches.Create(ctx, zai.BatchCreateRequest{InputFileID: f.ID, Endpoint: zai.BatchEndpointChatCompletions})
	if err != nil {
		log.Fatal(err)
	}
	return batch
}

func ExampleBatchService_Create() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	// WriteBatchInput checks every request, then writes one JSONL line each.
	var input bytes.Buffer
	err := zai.WriteBatchInput(&input, zai.BatchInputItem{CustomID: "1", Request: zai.ChatCompletionRequest{
		Model: zai.ModelGLM4_7Flash, Messages: []zai.Message{zai.UserMessage("Positive or negative: great phone!")},
	}})
	if err != nil {
		log.Fatal(err)
	}
	f, err := client.Files.Upload(ctx, zai.FileUploadRequest{
		Purpose: zai.FilePurposeBatch, File: zai.FileInput{Reader: bytes.NewReader(input.Bytes()), Name: "input.jsonl"}})
	if err != nil {
		log.Fatal(err)
	}
	batch, err := client.Batches.Create(ctx, zai.BatchCreateRequest{
		InputFileID: f.ID, Endpoint: zai.BatchEndpointChatCompletions, CompletionWindow: "24h"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(batch.ID, batch.Status, batch.InputFileID)
	// Output:
	// batch_001 validating file_001
}

func ExampleBatchService_Get() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	batch := startBatch(client)

	for range 3 { // Wait does this for you
		b, err := client.Batches.Get(context.Background(), batch.ID)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(b.Status, b.RequestCounts.Completed, "of", b.RequestCounts.Total)
	}
	// Output:
	// in_progress 0 of 2
	// completed 2 of 2
	// completed 2 of 2
}

func ExampleBatchService_Wait() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	batch := startBatch(client)

	// Polls until the batch is completed, failed, expired or cancelled; a
	// failed batch matches zai.ErrTaskFailed. Real batches take hours.
	batch, err := client.Batches.Wait(context.Background(), batch.ID, zai.WithPollInterval(10*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(batch.Status, batch.OutputFileID)
	// Output:
	// completed file_002
}

func ExampleBatchService_ReadOutput() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()
	batch, err := client.Batches.Wait(ctx, startBatch(client).ID, zai.WithPollInterval(10*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}

	// The output file, then the error file, one decoded line at a time.
	for line, err := range client.Batches.ReadOutput(ctx, batch) {
		if err != nil {
			log.Fatal(err)
		}
		completion, err := line.ChatCompletion() // a failed line is an *APIError
		if err != nil {
			fmt.Println(line.CustomID, "failed:", err)
			continue
		}
		fmt.Println(line.CustomID, line.Response.StatusCode, completion.Choices[0].Message.Content)
	}
	// Output:
	// review-1 200 Echo: Great phone, fast delivery.
	// review-2 200 Echo: It broke after a day.
}

func ExampleBatchService_List() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	startBatch(client)
	startBatch(client)

	page, err := client.Batches.List(context.Background(), zai.BatchListRequest{Limit: 1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(page.Data[0].ID, page.HasMore) // the next page: After: page.LastID
	// Output:
	// batch_001 true
}

func ExampleBatchService_All() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	startBatch(client)
	startBatch(client)

	for b, err := range client.Batches.All(context.Background(), zai.BatchListRequest{Limit: 1}) { // every page
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(b.ID, b.Status, zai.BatchTime(b.CreatedAt).UTC().Format(time.DateOnly)) // batch times are milliseconds
	}
	// Output:
	// batch_001 validating 2026-01-01
	// batch_002 validating 2026-01-01
}

func ExampleBatchService_Cancel() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	batch := startBatch(client)

	b, err := client.Batches.Cancel(context.Background(), batch.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(b.Status)
	b, err = client.Batches.Wait(context.Background(), batch.ID, zai.WithPollInterval(10*time.Millisecond))
	fmt.Println(b.Status, err)
	// Output:
	// cancelling
	// cancelled <nil>
}

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
