// Chat: one request, one reply, token usage.
//
//	go run ./examples/chat
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/examples/internal/demo"
)

func main() {
	client, done := demo.Client()
	defer done()

	resp, err := client.Chat.Completions.Create(context.Background(), zai.ChatCompletionRequest{
		Model: zai.ModelGLM4_7Flash,
		Messages: []zai.Message{
			zai.SystemMessage("You are a concise assistant."),
			zai.UserMessage("What is the capital of France?"),
		},
		Thinking: &zai.Thinking{Type: zai.ThinkingTypeDisabled},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Choices[0].Message.Content)
	fmt.Printf("tokens: %d prompt + %d completion = %d\n",
		resp.Usage.PromptTokens, resp.Usage.CompletionTokens, resp.Usage.TotalTokens)
}
