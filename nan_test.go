package zai_test

import (
	"context"
	"errors"
	"math"
	"net/http"
	"testing"

	"github.com/zai-go/zai"
)

// TestNaNRefusedAsInvalidRequestOnEveryRoad: a body that JSON cannot carry
// (NaN, an infinity) is refused before anything is sent, with an error that
// matches ErrInvalidRequest, whichever encoder the body takes: the chat
// body's own, the chat body merged with WithExtraBody, encoding/json for
// other requests, an extra field, a stream, and Client.Do.
func TestNaNRefusedAsInvalidRequestOnEveryRoad(t *testing.T) {
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(toolCompletion(t))
	})
	ctx := context.Background()
	nanChat := hiReq
	nanChat.Temperature = zai.Ptr(math.NaN())
	roads := map[string]func() error{
		"chat": func() error {
			_, err := env.client.Chat.Completions.Create(ctx, nanChat)
			return err
		},
		"chat with extra body": func() error {
			_, err := env.client.Chat.Completions.Create(ctx, nanChat, zai.WithExtraBody(map[string]any{"x": 1}))
			return err
		},
		"chat stream": func() error {
			s, err := env.client.Chat.Completions.CreateStream(ctx, nanChat)
			if err == nil {
				s.Close()
			}
			return err
		},
		"an infinite extra field": func() error {
			_, err := env.client.Chat.Completions.Create(ctx, hiReq, zai.WithExtraBody(map[string]any{"x": math.Inf(1)}))
			return err
		},
		"encoding/json body (speech)": func() error {
			_, err := env.client.Audio.Speech.Create(ctx, zai.SpeechRequest{Model: "glm-tts", Input: "hi", Voice: "tongtong", Speed: zai.Ptr(math.Inf(-1))})
			return err
		},
		"Client.Do": func() error {
			return env.client.Do(ctx, http.MethodPost, "/chat/completions", map[string]float64{"temperature": math.NaN()}, nil)
		},
	}
	for name, call := range roads {
		err := call()
		if !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("%s: err %v, want ErrInvalidRequest", name, err)
		}
	}
	if n := env.attempts.Load(); n != 0 {
		t.Fatalf("%d requests were sent", n)
	}
}
