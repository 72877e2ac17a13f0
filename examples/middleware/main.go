// Middleware and metadata: a middleware that adds a header and logs each
// attempt, the final *http.Response of a call, and an observer that prints
// one line per call (operation, model, attempts, tokens), for a stream too.
// With ZAI_API_KEY set it calls the real API; without, the built-in fake
// server.
//
//	go run ./examples/middleware
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

// logAttempts runs around every attempt, retries included.
func logAttempts(req *http.Request, next zai.MiddlewareNext) (*http.Response, error) {
	req.Header.Set("X-Client-Trace", "example")
	resp, err := next(req)
	if err != nil {
		return nil, err
	}
	fmt.Printf("middleware: %s %s -> %d\n", req.Method, req.URL.Path, resp.StatusCode)
	return resp, nil
}

// printer prints one line per call when it ends.
type printer struct{}

func (printer) StartCall(ctx context.Context, info zai.CallInfo) (context.Context, zai.CallObservation) {
	return ctx, &call{info: info}
}

type call struct{ info zai.CallInfo }

func (*call) Attempt(zai.AttemptEvent) {}

func (c *call) End(e zai.CallEnd) {
	fmt.Printf("observer: %s %s stream=%v attempts=%d tokens=%d+%d finish=%v err=%v\n",
		c.info.Operation, c.info.Model, c.info.Stream, e.Attempts, e.Usage.InputTokens, e.Usage.OutputTokens, e.FinishReasons, e.Err)
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
		Messages: []zai.Message{zai.UserMessage("What is the capital of France?")},
	}
	// Given to NewClient these would apply to every call; here, to each call.
	hooks := []zai.Option{zai.WithMiddleware(logAttempts), zai.WithObserver(printer{})}

	var httpResp *http.Response
	resp, err := client.Chat.Completions.Create(ctx, req, append(hooks, zai.WithResponseInto(&httpResp))...)
	if err != nil {
		return err
	}
	fmt.Println("reply:", resp.Choices[0].Message.Content)
	fmt.Printf("response: HTTP %d, Content-Type %s\n", httpResp.StatusCode, httpResp.Header.Get("Content-Type"))

	stream, err := client.Chat.Completions.CreateStream(ctx, req, hooks...)
	if err != nil {
		return err
	}
	for _, err := range stream.All() { // the observer's line prints when the stream ends
		if err != nil {
			return err
		}
	}
	return nil
}
