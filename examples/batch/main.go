// Command batch runs two chat completions as a batch: it writes the JSONL
// input, uploads it, starts the batch, waits until it ends and prints each
// answer from the output file. With ZAI_API_KEY set it runs on the real API (a batch may
// take hours); without, on the built-in fake server, at once.
//
//	go run ./examples/batch
package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	client, fake, err := zaitest.RealOrFake() // the real API with ZAI_API_KEY, else a fake server
	if err != nil {
		return err
	}
	defer fake.Close()
	interval := 30 * time.Second // between polls of a task
	if fake != nil {
		interval = 10 * time.Millisecond // the fake's tasks end after one poll
	}

	var input bytes.Buffer
	err = zai.WriteBatchInput(&input,
		zai.BatchInputItem{CustomID: "review-1", Request: zai.ChatCompletionRequest{
			Model:    zai.ModelGLM4_7Flash,
			Messages: []zai.Message{zai.SystemMessage("Answer positive, neutral or negative."), zai.UserMessage("Great phone, fast delivery.")},
		}},
		zai.BatchInputItem{CustomID: "review-2", Request: zai.ChatCompletionRequest{
			Model:    zai.ModelGLM4_7Flash,
			Messages: []zai.Message{zai.SystemMessage("Answer positive, neutral or negative."), zai.UserMessage("It broke after a day.")},
		}},
	)
	if err != nil {
		return err
	}

	file, err := client.Files.Upload(ctx, zai.FileUploadRequest{
		Purpose: zai.FilePurposeBatch,
		// A seeker, so the upload can be retried.
		File: zai.FileInput{Reader: bytes.NewReader(input.Bytes()), Name: "reviews.jsonl"},
	})
	if err != nil {
		return err
	}
	fmt.Println("uploaded", file.ID)

	batch, err := client.Batches.Create(ctx, zai.BatchCreateRequest{
		InputFileID:      file.ID,
		Endpoint:         zai.BatchEndpointChatCompletions,
		CompletionWindow: "24h",
	})
	if err != nil {
		return err
	}
	fmt.Println("batch", batch.ID, batch.Status)

	// Wait polls until the batch ends; each poll is shown as it comes.
	batch, err = client.Batches.Wait(ctx, batch.ID,
		zai.WithPollInterval(interval),
		zai.WithPollProgress(func(p zai.PollProgress) { fmt.Println("poll:", p.Status) }))
	if err != nil {
		return err
	}
	fmt.Println("batch", batch.ID, batch.Status)

	// One result per input line, from the output file and then the error
	// file, matched to the input by custom_id.
	for res, err := range client.Batches.ReadOutput(ctx, batch) {
		if err != nil {
			return err
		}
		completion, err := res.ChatCompletion()
		if err != nil {
			fmt.Printf("%s failed: %v\n", res.CustomID, err)
			continue
		}
		answer := ""
		if len(completion.Choices) > 0 {
			answer = completion.Choices[0].Message.Content
		}
		fmt.Printf("%s (HTTP %d): %s\n", res.CustomID, res.Response.StatusCode, answer)
	}
	return nil
}
