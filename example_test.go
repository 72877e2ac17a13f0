package zai_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"strings"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

// The examples run against zaitest, the fake server, so their output is
// checked by go test. With a real key, use zai.NewClient() instead.

func ExampleNewClient() {
	// Reads ZAI_API_KEY; BigModel instead of the default international host.
	client, err := zai.NewClient(zai.WithBaseURL(zai.BigModelBaseURL), zai.WithMaxRetries(5))
	if err != nil {
		log.Fatal(err) // wraps zai.ErrMissingAPIKey when there is no key
	}
	_ = client
}

func ExampleChatCompletionService_Create() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()

	resp, err := client.Chat.Completions.Create(context.Background(), zai.ChatCompletionRequest{
		Model:    zai.ModelGLM4_7,
		Messages: []zai.Message{zai.SystemMessage("You are helpful."), zai.UserMessage("Hello!")},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Choices[0].Message.Content)
	fmt.Println(resp.Choices[0].FinishReason)
	// Output:
	// Echo: Hello!
	// stop
}

func ExampleChatCompletionService_CreateStream() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()

	stream, err := client.Chat.Completions.CreateStream(context.Background(), zai.ChatCompletionRequest{
		Model:    zai.ModelGLM4_7,
		Messages: []zai.Message{zai.UserMessage("one two three")},
		Thinking: &zai.Thinking{Type: zai.ThinkingTypeDisabled},
	})
	if err != nil {
		log.Fatal(err)
	}
	for chunk, err := range stream.All() {
		if err != nil {
			log.Fatal(err)
		}
		for _, c := range chunk.Choices {
			fmt.Printf("%q ", c.Delta.Content)
		}
	}
	fmt.Println()
	// Output:
	// "Echo:" " one" " two" " three" ""
}

func ExampleChatCompletionAccumulator() {
	srv := zaitest.Start()
	defer srv.Close()
	// Tool-call arguments arriving in fragments, as with ToolStream.
	srv.ReplyStream(
		zaitest.ToolCallChunk(0, "call_1", "get_weather", `{"ci`),
		zaitest.ToolCallChunk(0, "", "", `ty":"Pa`),
		zaitest.ToolCallChunk(0, "", "", `ris"}`),
		zaitest.Finish(zai.FinishReasonToolCalls, 12, 9),
	)
	stream, err := srv.Client().Chat.Completions.CreateStream(context.Background(), zai.ChatCompletionRequest{
		Model: zai.ModelGLM4_7, Messages: []zai.Message{zai.UserMessage("Weather in Paris?")}, ToolStream: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	var acc zai.ChatCompletionAccumulator
	for chunk, err := range stream.All() {
		if err != nil {
			log.Fatal(err)
		}
		acc.Add(chunk)
	}
	completion := acc.Completion()
	call := completion.Choices[0].Message.ToolCalls[0]
	fmt.Println(call.ID, call.Function.Name, call.Function.Arguments)
	fmt.Println(completion.Choices[0].FinishReason, completion.Usage.TotalTokens)
	// Output:
	// call_1 get_weather {"city":"Paris"}
	// tool_calls 21
}

func ExampleNewStream() {
	body := io.NopCloser(strings.NewReader(
		"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n" +
			"data: {\"error\":{\"code\":\"1301\",\"message\":\"unsafe content\"}}\n\n"))
	stream := zai.NewStream[zai.ChatCompletionChunk](body)
	for stream.Next() {
		fmt.Println(stream.Current().Choices[0].Delta.Content)
	}
	fmt.Println(stream.Err())
	fmt.Println(errors.Is(stream.Err(), zai.ErrContentFiltered))
	// Output:
	// Hi
	// zai: stream error: code 1301: unsafe content
	// true
}

func ExampleAPIError() {
	srv := zaitest.Start()
	defer srv.Close()
	srv.ReplyError(429, "1113", "Insufficient balance or no resource package. Please recharge.")

	_, err := srv.Client().Chat.Completions.Create(context.Background(), zai.ChatCompletionRequest{
		Model: zai.ModelGLM4_7, Messages: []zai.Message{zai.UserMessage("Hello!")},
	})
	var apiErr *zai.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code)
	}
	// 1113 arrives as HTTP 429 but no wait will fix it: not retried.
	fmt.Println(errors.Is(err, zai.ErrQuotaExceeded), errors.Is(err, zai.ErrRateLimited))
	// Output:
	// 429 1113
	// true false
}

func ExampleImageService_Generate() {
	srv := zaitest.Start()
	defer srv.Close()

	resp, err := srv.Client().Images.Generate(context.Background(), zai.ImageRequest{
		Model:  zai.ModelGLMImage,
		Prompt: "A cute little kitten on a sunny windowsill",
		Size:   "1280x1280",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.HasPrefix(resp.Data[0].URL, "https://"))
	// Output:
	// true
}

func ExampleVideoService_GenerateAndWait() {
	srv := zaitest.Start()
	defer srv.Close()

	// Submit, then poll until SUCCESS or FAIL; bound the wait with ctx.
	res, err := srv.Client().Videos.GenerateAndWait(context.Background(),
		zai.VideoRequest{Model: zai.ModelCogVideoX3, Prompt: "A cat is playing with a ball."},
		zai.WithPollInterval(10*time.Millisecond),
		zai.WithPollProgress(func(p zai.PollProgress) { fmt.Println(p.Status) }))
	if err != nil {
		log.Fatal(err) // errors.Is(err, zai.ErrTaskFailed) when the task fails
	}
	fmt.Println(strings.HasSuffix(res.VideoResult[0].URL, ".mp4"))
	// Output:
	// PROCESSING
	// SUCCESS
	// true
}

func ExampleAsyncResultService_Wait() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()

	task, err := client.Chat.Completions.CreateAsync(context.Background(), zai.ChatCompletionRequest{
		Model: zai.ModelGLM4_7, Messages: []zai.Message{zai.UserMessage("Hello later")},
	})
	if err != nil {
		log.Fatal(err)
	}
	res, err := client.AsyncResult.Wait(context.Background(), task.ID, zai.WithPollInterval(10*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.TaskStatus, res.Choices[0].Message.Content)
	// Output:
	// SUCCESS Echo: Hello later
}

func ExampleEmbeddingService_Create() {
	srv := zaitest.Start()
	defer srv.Close()

	resp, err := srv.Client().Embeddings.Create(context.Background(), zai.EmbeddingRequest{
		Model:      zai.ModelEmbedding3,
		Input:      zai.EmbeddingTexts("The cat sat on the mat.", "Interest rates rose."),
		Dimensions: zai.Ptr(256),
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range resp.Data {
		fmt.Println(d.Index, len(d.Embedding))
	}
	// Output:
	// 0 256
	// 1 256
}
