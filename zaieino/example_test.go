package zaieino_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"

	"github.com/cloudwego/eino/components/model"
	"github.com/cloudwego/eino/schema"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaieino"
	"github.com/zai-go/zai/zaitest"
)

// The examples run against zaitest, the fake server, so their output is
// checked by go test. With a real key, pass zai.NewClient() (or leave Client
// nil: NewChatModel then reads ZAI_API_KEY).

func ExampleNewChatModel() {
	srv := zaitest.Start()
	defer srv.Close()
	ctx := context.Background()

	cm, err := zaieino.NewChatModel(ctx, &zaieino.Config{
		Client:   srv.Client(),
		Model:    zai.ModelGLM4_7,
		Thinking: &zai.Thinking{Type: zai.ThinkingTypeEnabled},
	})
	if err != nil {
		log.Fatal(err)
	}
	msg, err := cm.Generate(ctx, []*schema.Message{schema.UserMessage("Hello!")}, model.WithTemperature(0.2))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(msg.ReasoningContent)
	fmt.Println(msg.Content)
	fmt.Println(msg.ResponseMeta.FinishReason, msg.ResponseMeta.Usage.TotalTokens)
	// Output:
	// The user wrote: "Hello!". I will answer.
	// Echo: Hello!
	// stop 11
}

func ExampleChatModel_Stream() {
	srv := zaitest.Start()
	defer srv.Close()
	ctx := context.Background()

	cm, err := zaieino.NewChatModel(ctx, &zaieino.Config{Client: srv.Client(), Model: zai.ModelGLM4_7})
	if err != nil {
		log.Fatal(err)
	}
	sr, err := cm.Stream(ctx, []*schema.Message{schema.UserMessage("one two three")},
		zaieino.WithThinking(zai.Thinking{Type: zai.ThinkingTypeDisabled}))
	if err != nil {
		log.Fatal(err)
	}
	defer sr.Close()
	for {
		chunk, err := sr.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			log.Fatal(err) // a *zai.APIError for errors inside the stream
		}
		fmt.Printf("%q\n", chunk.Content)
	}
	// Output:
	// "Echo:"
	// " one"
	// " two"
	// " three"
	// ""
}

func ExampleChatModel_WithTools() {
	srv := zaitest.Start()
	defer srv.Close()
	ctx := context.Background()

	base, err := zaieino.NewChatModel(ctx, &zaieino.Config{Client: srv.Client(), Model: zai.ModelGLM4_7, ToolStream: true})
	if err != nil {
		log.Fatal(err)
	}
	cm, err := base.WithTools([]*schema.ToolInfo{{
		Name: "get_weather",
		Desc: "Weather for a city",
		ParamsOneOf: schema.NewParamsOneOfByParams(map[string]*schema.ParameterInfo{
			"city": {Type: schema.String, Required: true},
		}),
	}})
	if err != nil {
		log.Fatal(err)
	}
	// With tool_stream the arguments arrive in fragments; each carries its
	// call's index, so ConcatMessageStream joins them.
	sr, err := cm.Stream(ctx, []*schema.Message{schema.UserMessage("Weather in Paris?")})
	if err != nil {
		log.Fatal(err)
	}
	msg, err := schema.ConcatMessageStream(sr)
	if err != nil {
		log.Fatal(err)
	}
	for _, call := range msg.ToolCalls {
		fmt.Println(*call.Index, call.ID, call.Function.Name, call.Function.Arguments)
	}
	fmt.Println(msg.ResponseMeta.FinishReason)
	// Output:
	// 0 call_zaitest_1 get_weather {"city":"Paris"}
	// tool_calls
}

func ExampleWebSearchResults() {
	srv := zaitest.Start()
	defer srv.Close()
	srv.Reply(`{"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"It rained."}}],
		"web_search":[{"title":"Paris weather","link":"https://example.com/paris","refer":"ref_1"}]}`)
	ctx := context.Background()

	cm, err := zaieino.NewChatModel(ctx, &zaieino.Config{
		Client:    srv.Client(),
		Model:     zai.ModelGLM4_7,
		WebSearch: &zai.WebSearch{SearchEngine: "search_pro", SearchResult: true},
	})
	if err != nil {
		log.Fatal(err)
	}
	msg, err := cm.Generate(ctx, []*schema.Message{schema.UserMessage("Did it rain in Paris?")})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range zaieino.WebSearchResults(msg) {
		fmt.Println(r.Refer, r.Title, r.Link)
	}
	// Output:
	// ref_1 Paris weather https://example.com/paris
}
