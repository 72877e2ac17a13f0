// Chat: one request, one reply, token usage. With ZAI_API_KEY set it calls
// the real API; without, the built-in fake server (which echoes the
// question).
//
//	go run ./examples/chat
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

	resp, err := client.Chat.Completions.Create(ctx, zai.ChatCompletionRequest{
		Model: zai.ModelGLM4_7Flash,
		Messages: []zai.Message{
			zai.SystemMessage("You are a concise assistant."),
			zai.UserMessage("What is the capital of France?"),
		},
		Thinking: &zai.Thinking{Type: zai.ThinkingTypeDisabled},
	})
	if err != nil {
		return err
	}
	fmt.Println(resp.Choices[0].Message.Content)
	fmt.Printf("tokens: %d prompt + %d completion = %d\n",
		resp.Usage.PromptTokens, resp.Usage.CompletionTokens, resp.Usage.TotalTokens)
	return nil
}
