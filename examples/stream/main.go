// Stream: prints the model's reasoning and then its answer as they arrive.
// With ZAI_API_KEY set it calls the real API; without, the built-in fake
// server.
//
//	go run ./examples/stream
package main

import (
	"context"
	"fmt"
	"os"

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

	stream, err := client.Chat.Completions.CreateStream(ctx, zai.ChatCompletionRequest{
		Model:    zai.ModelGLM4_7Flash,
		Messages: []zai.Message{zai.UserMessage("Why is the sky blue? Two sentences.")},
		Thinking: &zai.Thinking{Type: zai.ThinkingTypeEnabled},
	})
	if err != nil {
		return err
	}

	var acc zai.ChatCompletionAccumulator
	answering := false
	fmt.Println("--- reasoning")
	for chunk, err := range stream.All() {
		if err != nil {
			return err // a broken stream says so
		}
		acc.Add(chunk)
		for _, c := range chunk.Choices {
			fmt.Print(c.Delta.ReasoningContent)
			if c.Delta.Content != "" && !answering {
				answering = true
				fmt.Println("\n--- answer")
			}
			fmt.Print(c.Delta.Content)
		}
	}
	fmt.Println()
	final := acc.Completion()
	fmt.Printf("--- finish: %s, %d tokens (%d reasoning)\n", final.Choices[0].FinishReason,
		final.Usage.TotalTokens, final.Usage.CompletionTokensDetails.ReasoningTokens)
	return nil
}
