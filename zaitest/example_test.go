package zaitest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

// In a test, use zaitest.NewServer(t): it closes the server when the test
// ends and fails the test if a scripted reply was never used. These
// examples use Start, which needs no test.

func ExampleStart() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client() // a *zai.Client for the fake, with its key

	resp, err := client.Chat.Completions.Create(context.Background(), zai.ChatCompletionRequest{
		Model: zai.ModelGLM4_7, Messages: []zai.Message{zai.UserMessage("Hello!")},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Choices[0].Message.Content) // the default answer echoes
	// Output:
	// Echo: Hello!
}

func ExampleServer_ReplyContent() {
	srv := zaitest.Start()
	defer srv.Close()
	srv.ReplyContent("Paris.") // the model's next answer

	resp, err := srv.Client().Chat.Completions.Create(context.Background(), zai.ChatCompletionRequest{
		Model: zai.ModelGLM4_7, Messages: []zai.Message{zai.UserMessage("Capital of France?")},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Choices[0].Message.Content)
	// Output:
	// Paris.
}

func ExampleServer_ReplyToolCalls() {
	srv := zaitest.Start()
	defer srv.Close()
	// A model that calls a tool, then answers with its result.
	srv.ReplyToolCalls(zaitest.ToolCall("call_1", "get_weather", `{"city":"Paris"}`))
	srv.ReplyContent("Light rain, 14 °C: take an umbrella.")

	weather := zai.NewTool("get_weather", "Current weather in a city",
		func(ctx context.Context, in struct {
			City string `json:"city"`
		}) (string, error) {
			fmt.Println("tool called for", in.City)
			return "14 °C, light rain", nil
		})
	final, err := zai.NewToolRunner(srv.Client(), zai.ChatCompletionRequest{
		Model: zai.ModelGLM4_7, Messages: []zai.Message{zai.UserMessage("Umbrella in Paris?")},
	}, weather).Run(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(final.Choices[0].Message.Content)
	fmt.Println(len(srv.Requests()), "requests")
	// Output:
	// tool called for Paris
	// Light rain, 14 °C: take an umbrella.
	// 2 requests
}

func ExampleServer_ReplyError() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	req := zai.ChatCompletionRequest{Model: zai.ModelGLM4_7, Messages: []zai.Message{zai.UserMessage("Hi")}}

	// A rate limit is retried: the next request gets the default answer.
	srv.ReplyError(429, "1302", "High concurrency").WithRetryAfter(time.Millisecond)
	resp, err := client.Chat.Completions.Create(context.Background(), req)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Choices[0].Message.Content, len(srv.Requests()))

	// No balance arrives as HTTP 429 too, but waiting will not help.
	srv.ReplyError(429, "1113", "Insufficient balance")
	_, err = client.Chat.Completions.Create(context.Background(), req)
	fmt.Println(errors.Is(err, zai.ErrQuotaExceeded), len(srv.Requests()))
	// Output:
	// Echo: Hi 2
	// true 3
}

func ExampleServer_ReplyStream() {
	srv := zaitest.Start()
	defer srv.Close()
	// Chunks as the wire sends them; DropAfter cuts the connection after one.
	srv.ReplyStream(zaitest.Text("Hel"), zaitest.Text("lo"), zaitest.Finish(zai.FinishReasonStop, 3, 2)).DropAfter(1)

	stream, err := srv.Client().Chat.Completions.CreateStream(context.Background(), zai.ChatCompletionRequest{
		Model: zai.ModelGLM4_7, Messages: []zai.Message{zai.UserMessage("Hi")},
	})
	if err != nil {
		log.Fatal(err)
	}
	for chunk, err := range stream.All() {
		if err != nil {
			fmt.Println("cut off:", errors.Is(err, io.ErrUnexpectedEOF))
			break
		}
		fmt.Println(chunk.Choices[0].Delta.Content)
	}
	// Output:
	// Hel
	// cut off: true
}

func ExampleServer_ReplyDefault() {
	srv := zaitest.Start()
	defer srv.Close()
	// The default answer, bent into a quirk of the wire: an error envelope
	// sent with HTTP 200.
	srv.ReplyDefault().On("GET", "/monitor/usage/quota/limit").ErrorInBody("1113", "Insufficient balance")

	_, err := srv.Client().CodingPlan.GetQuota(context.Background())
	var apiErr *zai.APIError
	fmt.Println(errors.As(err, &apiErr), apiErr.StatusCode, apiErr.Code)
	// Output:
	// true 200 1113
}

func ExampleScripted_AllowUnused() {
	srv := zaitest.Start()
	defer srv.Close()
	// Spares for a retry that may not come. Without AllowUnused, a server
	// of NewServer fails its test when a scripted reply is left unused.
	srv.ReplyError(503, "500", "busy").Times(5).AllowUnused()

	_, err := srv.Client(zai.WithMaxRetries(1), zai.WithMaxRetryDelay(time.Millisecond)).Models.List(context.Background())
	fmt.Println(errors.Is(err, zai.ErrServer), len(srv.Requests()))
	// Output:
	// true 2
}

func ExampleWithTaskPolls() {
	srv := zaitest.Start(zaitest.WithTaskPolls(3)) // "still running" for three polls
	defer srv.Close()
	client := srv.Client(zai.WithPollInterval(time.Millisecond))
	ctx := context.Background()

	task, err := client.Videos.Generate(ctx, zai.VideoRequest{Model: zai.ModelCogVideoX3, Prompt: "Waves"})
	if err != nil {
		log.Fatal(err)
	}
	res, err := client.AsyncResult.Wait(ctx, task.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.TaskStatus, len(srv.Requests())-1, "polls")
	// Output:
	// SUCCESS 4 polls
}

func ExampleServer_Requests() {
	srv := zaitest.Start()
	defer srv.Close()

	_, err := srv.Client().Chat.Completions.Create(context.Background(), zai.ChatCompletionRequest{
		Model: zai.ModelGLM4_7Flash, Messages: []zai.Message{zai.UserMessage("Hi")}, Temperature: zai.Ptr(0.2),
	})
	if err != nil {
		log.Fatal(err)
	}
	r := srv.Requests()[0] // what the client sent
	var sent zai.ChatCompletionRequest
	if err := r.Decode(&sent); err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Method, r.Path, sent.Model, *sent.Temperature)
	// Output:
	// POST /chat/completions glm-4.7-flash 0.2
}

func ExampleRealOrFake() {
	// For a program that runs with or without a key: the real API when
	// ZAI_API_KEY is set, else a fake server, announced on stderr.
	client, fake, err := zaitest.RealOrFake()
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close() // nil for the real API; Close does nothing then
	if fake != nil {
		fake.ReplyContent("Bonjour !") // what a real model would answer
	}
	resp, err := client.Chat.Completions.Create(context.Background(), zai.ChatCompletionRequest{
		Model: zai.ModelGLM4_7Flash, Messages: []zai.Message{zai.UserMessage("Say hello in French.")},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Choices[0].Message.Content)
}
