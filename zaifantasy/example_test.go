package zaifantasy_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"charm.land/fantasy"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaifantasy"
	"github.com/zai-go/zai/zaitest"
)

// The examples run against zaitest, the fake server, so their output is
// checked by go test. With a real key, give New a client from
// zai.NewClient() (or no client at all: New then reads ZAI_API_KEY).

type weatherInput struct {
	City string `json:"city" description:"the city"`
}

// An agent with one tool: the model calls it, the agent runs it and sends
// the result back, and the model answers.
func ExampleNew() {
	srv := zaitest.Start()
	defer srv.Close()
	ctx := context.Background()

	provider, err := zaifantasy.New(zaifantasy.WithClient(srv.Client()))
	if err != nil {
		log.Fatal(err)
	}
	model, err := provider.LanguageModel(ctx, zai.ModelGLM4_7)
	if err != nil {
		log.Fatal(err)
	}
	weather := fantasy.NewAgentTool("weather", "Current weather for a city",
		func(_ context.Context, in weatherInput, _ fantasy.ToolCall) (fantasy.ToolResponse, error) {
			return fantasy.NewTextResponse("22 C and clear in " + in.City), nil
		})
	agent := fantasy.NewAgent(model, fantasy.WithTools(weather))
	result, err := agent.Generate(ctx, fantasy.AgentCall{Prompt: "What's the weather in Paris?"})
	if err != nil {
		log.Fatal(err)
	}
	for _, call := range result.Steps[0].Content.ToolCalls() {
		fmt.Println("called", call.ToolName, call.Input)
	}
	fmt.Println(result.Response.Content.Text())
	fmt.Println(result.TotalUsage.InputTokens, result.TotalUsage.OutputTokens)
	// Output:
	// called weather {"city":"Paris"}
	// The tool returned: 22 C and clear in Paris
	// 20 32
}

// Thinking and tool_stream are typed provider options; the stream's parts
// carry the reasoning, the text and the finish.
func ExampleProviderOptions() {
	srv := zaitest.Start()
	defer srv.Close()
	ctx := context.Background()

	provider, err := zaifantasy.New(zaifantasy.WithClient(srv.Client()))
	if err != nil {
		log.Fatal(err)
	}
	model, err := provider.LanguageModel(ctx, zai.ModelGLM4_7)
	if err != nil {
		log.Fatal(err)
	}
	stream, err := model.Stream(ctx, fantasy.Call{
		Prompt: fantasy.Prompt{fantasy.NewUserMessage("Hi there")},
		ProviderOptions: zaifantasy.NewProviderOptions(&zaifantasy.ProviderOptions{
			Thinking:   &zai.Thinking{Type: zai.ThinkingTypeEnabled},
			ToolStream: true,
		}),
	})
	if err != nil {
		log.Fatal(err)
	}
	for part := range stream {
		switch part.Type {
		case fantasy.StreamPartTypeReasoningStart:
			fmt.Print("thinking: ")
		case fantasy.StreamPartTypeTextStart:
			fmt.Print("\nanswer: ")
		case fantasy.StreamPartTypeReasoningDelta, fantasy.StreamPartTypeTextDelta:
			fmt.Print(part.Delta)
		case fantasy.StreamPartTypeFinish:
			fmt.Println("\nfinish:", part.FinishReason)
		case fantasy.StreamPartTypeError:
			log.Fatal(part.Error)
		}
	}
	// Output:
	// thinking: The user wrote: "Hi there". I will answer.
	// answer: Echo: Hi there
	// finish: stop
}

// An empty balance (business code 1113, sent with HTTP 429) ends the run at
// once: fantasy does not retry it, and zai's category tells it from a rate
// limit.
func ExampleNew_quotaExceeded() {
	srv := zaitest.Start()
	defer srv.Close()
	srv.ReplyError(429, "1113", "Insufficient balance or no resource package. Please recharge.")

	provider, err := zaifantasy.New(zaifantasy.WithClient(srv.Client()))
	if err != nil {
		log.Fatal(err)
	}
	model, err := provider.LanguageModel(context.Background(), zai.ModelGLM4_7)
	if err != nil {
		log.Fatal(err)
	}
	_, err = fantasy.NewAgent(model).Generate(context.Background(), fantasy.AgentCall{Prompt: "Hello"})
	var pe *fantasy.ProviderError
	if errors.As(err, &pe) {
		fmt.Println(pe.Title, "| retryable:", pe.IsRetryable())
	}
	fmt.Println(errors.Is(err, zai.ErrQuotaExceeded), errors.Is(err, zai.ErrRateLimited), len(srv.Requests()))
	// Output:
	// quota exceeded | retryable: false
	// true false 1
}

// Web search beside function tools: the pages the server found arrive as
// sources.
func ExampleWebSearchTool() {
	srv := zaitest.Start()
	defer srv.Close()
	srv.Reply(`{"id":"c1","model":"glm-4.7","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"It is sunny [ref_1]."}}],
		"web_search":[{"title":"Paris forecast","content":"Sunny, 24 C.","link":"https://example.com/paris","media":"Example","refer":"ref_1"}],
		"usage":{"prompt_tokens":9,"completion_tokens":5,"total_tokens":14}}`)

	provider, err := zaifantasy.New(zaifantasy.WithClient(srv.Client()))
	if err != nil {
		log.Fatal(err)
	}
	model, err := provider.LanguageModel(context.Background(), zai.ModelGLM4_7)
	if err != nil {
		log.Fatal(err)
	}
	agent := fantasy.NewAgent(model, fantasy.WithProviderDefinedTools(
		zaifantasy.WebSearchTool(zai.WebSearch{Enable: zai.Ptr(true), SearchEngine: zai.SearchEngineProJina, SearchResult: true})))
	result, err := agent.Generate(context.Background(), fantasy.AgentCall{Prompt: "Weather in Paris?"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(result.Response.Content.Text())
	for _, s := range result.Response.Content.Sources() {
		fmt.Println(s.ID, s.Title, s.URL)
	}
	// Output:
	// It is sunny [ref_1].
	// ref_1 Paris forecast https://example.com/paris
}
