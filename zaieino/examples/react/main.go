// ReAct: an eino ReAct agent (flow/agent/react) on a Z.ai model, with one
// tool. The agent asks the model, runs the tool calls it makes, sends the
// results back, and stops when the model answers in text.
//
//	cd zaieino && go run ./examples/react
//
// Without ZAI_API_KEY it runs against the built-in fake server (zaitest),
// which calls the tool once and then quotes its result.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/cloudwego/eino/components/tool"
	"github.com/cloudwego/eino/components/tool/utils"
	"github.com/cloudwego/eino/compose"
	"github.com/cloudwego/eino/flow/agent/react"
	"github.com/cloudwego/eino/schema"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaieino"
	"github.com/zai-go/zai/zaitest"
)

// weatherIn is the tool's input; its JSON Schema is inferred from the tags.
type weatherIn struct {
	City string `json:"city" jsonschema:"description=City name, such as Paris"`
}

type weatherOut struct {
	City  string  `json:"city"`
	TempC float64 `json:"temp_c"`
	Sky   string  `json:"sky"`
}

func getWeather(_ context.Context, in weatherIn) (weatherOut, error) {
	fmt.Printf("tool get_weather(%q)\n", in.City)
	return weatherOut{City: in.City, TempC: 22, Sky: "clear"}, nil
}

func client() (*zai.Client, func()) {
	if os.Getenv(zai.EnvAPIKey) != "" {
		c, err := zai.NewClient()
		if err != nil {
			log.Fatal(err)
		}
		return c, func() {}
	}
	srv := zaitest.Start()
	fmt.Fprintln(os.Stderr, "ZAI_API_KEY is not set: using the built-in fake server (zaitest).")
	return srv.Client(), srv.Close
}

func main() {
	c, done := client()
	defer done()
	ctx := context.Background()

	cm, err := zaieino.NewChatModel(ctx, &zaieino.Config{
		Client:     c,
		Model:      zai.ModelGLM4_7,
		ToolStream: true, // tool-call arguments stream in fragments
	})
	if err != nil {
		log.Fatal(err)
	}
	weather, err := utils.InferTool("get_weather", "Current weather for a city", getWeather)
	if err != nil {
		log.Fatal(err)
	}
	// eino's default stream checker looks only at the first chunk with
	// content; zaieino sends a turn's tool calls before any text GLM wrote
	// ahead of them, so no custom checker is needed.
	agent, err := react.NewAgent(ctx, &react.AgentConfig{
		ToolCallingModel: cm,
		ToolsConfig:      compose.ToolsNodeConfig{Tools: []tool.BaseTool{weather}},
	})
	if err != nil {
		log.Fatal(err)
	}

	sr, err := agent.Stream(ctx, []*schema.Message{
		schema.SystemMessage("Answer in one sentence. Use the tools for facts."),
		schema.UserMessage("What's the weather in Paris?"),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer sr.Close()
	fmt.Print("answer: ")
	for {
		chunk, err := sr.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		var apiErr *zai.APIError
		if errors.As(err, &apiErr) {
			log.Fatalf("Z.ai error %s: %s", apiErr.Code, apiErr.Message)
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Print(chunk.Content)
	}
	fmt.Println()
}
