// Quickstart: a chat, a stream and an async task. With ZAI_API_KEY set it
// calls the real API; without, it runs against the built-in fake server.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx); err != nil {
		cancel()
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
	interval := time.Second // between polls of a task
	if fake != nil {
		interval = 10 * time.Millisecond // the fake's tasks end after one poll
	}

	req := zai.ChatCompletionRequest{
		Model:    zai.ModelGLM4_7Flash,
		Messages: []zai.Message{zai.UserMessage("Say hello in three languages.")},
	}

	// 1. A chat completion.
	resp, err := client.Chat.Completions.Create(ctx, req)
	if err != nil {
		return err
	}
	fmt.Println("chat:", resp.Choices[0].Message.Content)

	// 2. The same request, streamed.
	stream, err := client.Chat.Completions.CreateStream(ctx, req)
	if err != nil {
		return err
	}
	fmt.Print("stream: ")
	for chunk, err := range stream.All() {
		if err != nil {
			return err
		}
		for _, c := range chunk.Choices {
			fmt.Print(c.Delta.Content)
		}
	}
	fmt.Println()

	// 3. An async task, polled until it finishes.
	task, err := client.Chat.Completions.CreateAsync(ctx, req)
	if err != nil {
		return err
	}
	fmt.Println("async task:", task.ID, task.TaskStatus)
	res, err := client.AsyncResult.Wait(ctx, task.ID, zai.WithPollInterval(interval))
	if err != nil {
		return err
	}
	fmt.Println("async result:", res.TaskStatus, res.Choices[0].Message.Content)
	return nil
}
