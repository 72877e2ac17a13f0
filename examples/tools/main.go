// Tools: a full function-calling round trip. The model asks for get_weather,
// the program runs it, and the model answers with the result. With
// ZAI_API_KEY set it calls the real API; without, the built-in fake server
// (which calls the first tool with placeholder arguments).
//
//	go run ./examples/tools
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

// getWeather is the local function the model may call.
func getWeather(city string) string {
	return fmt.Sprintf(`{"city":%q,"temp_c":22,"sky":"clear"}`, city)
}

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

	req := zai.ChatCompletionRequest{
		Model:    zai.ModelGLM4_7Flash,
		Messages: []zai.Message{zai.UserMessage("What's the weather in Paris?")},
		Tools: []zai.Tool{zai.FunctionTool("get_weather", "Get the current weather for a city", map[string]any{
			"type":       "object",
			"properties": map[string]any{"city": map[string]any{"type": "string", "description": "City name"}},
			"required":   []string{"city"},
		})},
	}

	resp, err := client.Chat.Completions.Create(ctx, req)
	if err != nil {
		return err
	}
	msg := resp.Choices[0].Message
	if len(msg.ToolCalls) == 0 {
		fmt.Println("The model answered without a tool:", msg.Content)
		return nil
	}

	// Append the assistant's message as it is, then one result per call.
	req.Messages = append(req.Messages, msg)
	for _, call := range msg.ToolCalls {
		var args struct {
			City string `json:"city"`
		}
		if err := json.Unmarshal([]byte(call.Function.Arguments), &args); err != nil {
			return fmt.Errorf("bad arguments %q: %w", call.Function.Arguments, err)
		}
		fmt.Printf("model calls %s(%s)\n", call.Function.Name, call.Function.Arguments)
		req.Messages = append(req.Messages, zai.ToolMessage(call.ID, getWeather(args.City)))
	}

	resp, err = client.Chat.Completions.Create(ctx, req)
	if err != nil {
		return err
	}
	fmt.Println(resp.Choices[0].Message.Content)
	return nil
}
