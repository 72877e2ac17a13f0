// Agent: a fantasy agent (charm.land/fantasy) on a Z.ai model, with one
// tool. The agent streams the model's turn, runs the tool calls it makes,
// sends the results back, and stops when the model answers in text.
//
//	cd zaifantasy && GOTOOLCHAIN=go1.27.3 go run ./examples/agent
//
// Without ZAI_API_KEY it runs against the built-in fake server (zaitest),
// which calls the tool once and then quotes its result. With a GLM Coding
// Plan key, set ZAI_BASE_URL to https://api.z.ai/api/coding/paas/v4.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"

	"charm.land/fantasy"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaifantasy"
	"github.com/zai-go/zai/zaitest"
)

type weatherInput struct {
	City string `json:"city" description:"City name, such as Paris"`
}

func main() {
	client, done := newClient()
	defer done()
	if err := run(context.Background(), os.Stdout, client); err != nil {
		var apiErr *zai.APIError
		if errors.As(err, &apiErr) {
			log.Fatalf("Z.ai error %s: %s", apiErr.Code, apiErr.Message)
		}
		log.Fatal(err)
	}
}

func newClient() (*zai.Client, func()) {
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

func run(ctx context.Context, w io.Writer, client *zai.Client) error {
	provider, err := zaifantasy.New(zaifantasy.WithClient(client))
	if err != nil {
		return err
	}
	model, err := provider.LanguageModel(ctx, zai.ModelGLM4_7)
	if err != nil {
		return err
	}
	weather := fantasy.NewAgentTool("get_weather", "Current weather for a city",
		func(_ context.Context, in weatherInput, _ fantasy.ToolCall) (fantasy.ToolResponse, error) {
			fmt.Fprintf(w, "tool get_weather(%q)\n", in.City)
			return fantasy.NewTextResponse("22 C, clear sky in " + in.City), nil
		})
	agent := fantasy.NewAgent(model,
		fantasy.WithSystemPrompt("Answer in one sentence. Use the tools for facts."),
		fantasy.WithTools(weather),
	)
	_, err = agent.Stream(ctx, fantasy.AgentStreamCall{
		Prompt: "What's the weather in Paris?",
		// Tool-call arguments arrive as they are written.
		ProviderOptions: zaifantasy.NewProviderOptions(&zaifantasy.ProviderOptions{ToolStream: true}),
		OnTextStart: func(string) error {
			_, err := fmt.Fprint(w, "answer: ")
			return err
		},
		OnTextDelta: func(_, delta string) error {
			_, err := fmt.Fprint(w, delta)
			return err
		},
		OnTextEnd: func(string) error {
			_, err := fmt.Fprintln(w)
			return err
		},
	})
	return err
}
