// Command batch runs two chat completions as a batch: it writes the JSONL
// input, uploads it, starts the batch, polls until it ends and prints the
// output file.
//
//	ZAI_API_KEY=... go run ./examples/batch
package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/zai-go/zai"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	client, err := zai.NewClient() // reads ZAI_API_KEY
	if err != nil {
		return err
	}

	var input bytes.Buffer
	err = zai.WriteBatchInput(&input,
		zai.BatchChatRequest{CustomID: "review-1", Request: zai.ChatCompletionRequest{
			Model:    zai.ModelGLM4_7Flash,
			Messages: []zai.Message{zai.SystemMessage("Answer positive, neutral or negative."), zai.UserMessage("Great phone, fast delivery.")},
		}},
		zai.BatchChatRequest{CustomID: "review-2", Request: zai.ChatCompletionRequest{
			Model:    zai.ModelGLM4_7Flash,
			Messages: []zai.Message{zai.SystemMessage("Answer positive, neutral or negative."), zai.UserMessage("It broke after a day.")},
		}},
	)
	if err != nil {
		return err
	}

	file, err := client.Files.Upload(ctx, zai.FileUploadRequest{
		Purpose:  zai.FilePurposeBatch,
		Reader:   bytes.NewReader(input.Bytes()), // a seeker, so the upload can be retried
		FileName: "reviews.jsonl",
	})
	if err != nil {
		return err
	}
	fmt.Println("uploaded", file.ID)

	batch, err := client.Batches.Create(ctx, zai.BatchRequest{
		InputFileID:      file.ID,
		Endpoint:         zai.BatchEndpointChatCompletions,
		CompletionWindow: "24h",
	})
	if err != nil {
		return err
	}
	fmt.Println("batch", batch.ID, batch.Status)

	for !done(batch.Status) {
		time.Sleep(30 * time.Second)
		if batch, err = client.Batches.Get(ctx, batch.ID); err != nil {
			return err
		}
		fmt.Println("batch", batch.ID, batch.Status)
	}
	if batch.OutputFileID == "" {
		return fmt.Errorf("batch ended %s without output (error file %q)", batch.Status, batch.ErrorFileID)
	}

	out, err := client.Files.Content(ctx, batch.OutputFileID)
	if err != nil {
		return err
	}
	defer out.Close()
	_, err = io.Copy(os.Stdout, out)
	return err
}

func done(s zai.BatchStatus) bool {
	switch s {
	case zai.BatchCompleted, zai.BatchFailed, zai.BatchExpired, zai.BatchCancelled:
		return true
	}
	return false
}
