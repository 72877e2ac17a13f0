//go:build live

package zai_test

// Live smoke tests against the real API: go test -tags live -run Live .
// They need ZAI_API_KEY (and ZAI_BASE_URL for BigModel) and spend a few
// tokens.

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/zai-go/zai"
)

func liveClient(t *testing.T) *zai.Client {
	t.Helper()
	if os.Getenv(zai.EnvAPIKey) == "" {
		t.Skip("ZAI_API_KEY is not set")
	}
	c, err := zai.NewClient(zai.WithRequestTimeout(2 * time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var liveReq = zai.ChatCompletionRequest{
	Model:     zai.ModelGLM4_7Flash,
	Messages:  []zai.Message{zai.UserMessage("Reply with the single word: pong")},
	MaxTokens: zai.Ptr(512),
}

func TestLiveChat(t *testing.T) {
	resp, err := liveClient(t).Chat.Completions.Create(context.Background(), liveReq)
	if err != nil {
		var apiErr *zai.APIError
		if errors.As(err, &apiErr) && errors.Is(err, zai.ErrQuotaExceeded) {
			t.Skipf("account cannot pay for the call: %v", err)
		}
		t.Fatal(err)
	}
	if len(resp.Choices) == 0 || resp.Usage.TotalTokens == 0 || resp.ID == "" {
		t.Fatalf("%s", resp.RawJSON())
	}
}

func TestLiveStream(t *testing.T) {
	stream, err := liveClient(t).Chat.Completions.CreateStream(context.Background(), liveReq, zai.WithStreamIdleTimeout(time.Minute))
	if err != nil {
		if errors.Is(err, zai.ErrQuotaExceeded) {
			t.Skipf("account cannot pay for the call: %v", err)
		}
		t.Fatal(err)
	}
	var acc zai.ChatCompletionAccumulator
	for chunk, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		acc.Add(chunk)
	}
	if got := acc.Completion(); got.Choices[0].FinishReason == "" {
		t.Fatalf("no finish reason: %+v", got)
	}
}
