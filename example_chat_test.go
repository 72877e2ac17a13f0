package zai_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

func ExampleChatCompletionService_CreateAsync() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	task, err := client.Chat.Completions.CreateAsync(ctx, zai.ChatCompletionRequest{
		Model:    zai.ModelGLM4_7,
		Messages: []zai.Message{zai.UserMessage("Summarise the report")},
		Thinking: &zai.Thinking{Type: zai.ThinkingTypeDisabled},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(task.TaskStatus)
	res, err := client.AsyncResult.Wait(ctx, task.ID, zai.WithPollInterval(10*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.TaskStatus, res.Choices[0].Message.Content)
	// Output:
	// PROCESSING
	// SUCCESS Echo: Summarise the report
}

func ExampleFunctionTool() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	// A hand-written schema. One with $ref, anyOf or oneOf, which GLM
	// answers with HTTP 500, is rewritten without them, or refused.
	weather := zai.FunctionTool("get_weather", "Current weather in a city", map[string]any{
		"type":       "object",
		"properties": map[string]any{"city": map[string]any{"type": "string"}},
		"required":   []string{"city"},
	})
	req := zai.ChatCompletionRequest{
		Model:    zai.ModelGLM4_7,
		Messages: []zai.Message{zai.UserMessage("What's the weather in Paris?")},
		Tools:    []zai.Tool{weather},
		Thinking: &zai.Thinking{Type: zai.ThinkingTypeDisabled},
	}
	resp, err := client.Chat.Completions.Create(ctx, req)
	if err != nil {
		log.Fatal(err)
	}
	msg := resp.Choices[0].Message
	req.Messages = append(req.Messages, msg)
	for _, call := range msg.ToolCalls {
		fmt.Println(call.Function.Name, call.Function.Arguments)
		req.Messages = append(req.Messages, zai.ToolMessage(call.ID, `{"temp_c": 22}`))
	}
	resp, err = client.Chat.Completions.Create(ctx, req)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Choices[0].Message.Content)

	// A choice between two types has no form GLM takes: refused unsent.
	req.Tools = []zai.Tool{zai.FunctionTool("schedule", "", map[string]any{
		"type": "object",
		"properties": map[string]any{"at": map[string]any{
			"anyOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "integer"}}}},
	})}
	_, err = client.Chat.Completions.Create(ctx, req)
	fmt.Println(errors.Is(err, zai.ErrInvalidRequest))
	// Output:
	// get_weather {"city":"Paris"}
	// The tool returned: {"temp_c": 22}
	// true
}
