// Command batch runs two chat completions as a batch: it writes the JSONL
// input, uploads it, starts the batch, polls until it ends and prints the
// output file. With ZAI_API_KEY set it runs on the real API (a batch may
// take hours); without, on the built-in fake server, at once.
//
//	go run ./examples/batch
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/examples/internal/demo"
)

func main() {
	if err := run(context.Background()); err != nil {
		demo.Fail(err)
	}
}

func run(ctx context.Context) error {
	client, done := demo.Client() // the real API with ZAI_API_KEY, else the fake server
	defer done()

	var input bytes.Buffer
	err := zai.WriteBatchInput(&input,
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

	for !finished(batch.Status) {
		time.Sleep(demo.PollInterval(30 * time.Second))
		if batch, err = client.Batches.Get(ctx, batch.ID); err != nil {
			return err
		}
		fmt.Println("batch", batch.ID, batch.Status)
	}
	if batch.OutputFileID == "" {
		return fmt.Errorf("batch ended %s without output (error file %q)", batch.Status, batch.ErrorFileID)
	}

	out, err := client.Files.Download(ctx, batch.OutputFileID)
	if err != nil {
		return err
	}
	defer out.Close()
	// One JSON line per request: its custom_id and the chat completion.
	lines := bufio.NewScanner(out)
	lines.Buffer(nil, 16<<20)
	for lines.Scan() {
		var line struct {
			CustomID string `json:"custom_id"`
			Response struct {
				StatusCode int                `json:"status_code"`
				Body       zai.ChatCompletion `json:"body"`
			} `json:"response"`
		}
		if err := json.Unmarshal(lines.Bytes(), &line); err != nil {
			return fmt.Errorf("output line: %w", err)
		}
		answer := ""
		if len(line.Response.Body.Choices) > 0 {
			answer = line.Response.Body.Choices[0].Message.Content
		}
		fmt.Printf("%s (HTTP %d): %s\n", line.CustomID, line.Response.StatusCode, answer)
	}
	return lines.Err()
}

func finished(s zai.BatchStatus) bool {
	switch s {
	case zai.BatchStatusCompleted, zai.BatchStatusFailed, zai.BatchStatusExpired, zai.BatchStatusCancelled:
		return true
	}
	return false
}
