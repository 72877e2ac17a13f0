package zai_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/zai-go/zai"
)

// GLM-5.3 and the GLM-5.3-Flash series always think and take only low,
// high or max (Z.ai OpenAPI ChatThinking.type, reasoning_effort): anything
// else is refused before a request is sent; other models are left alone.
func TestGLM53ThinkingChecksBeforeSending(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(`{"id":"c1","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"ok"}}]}`))
	ctx := context.Background()
	base := func(model string) zai.ChatCompletionRequest {
		return zai.ChatCompletionRequest{Model: model, Messages: []zai.Message{zai.UserMessage("hi")}}
	}
	for _, model := range []string{zai.ModelGLM5_3, zai.ModelGLM5_3Flash, zai.ModelGLM5_3FlashX, "GLM-5.3"} {
		off := base(model)
		off.Thinking = &zai.Thinking{Type: zai.ThinkingTypeDisabled}
		for _, effort := range []zai.ReasoningEffort{zai.ReasoningEffortNone, zai.ReasoningEffortMinimal, zai.ReasoningEffortMedium, zai.ReasoningEffortXHigh, "extreme"} {
			req := base(model)
			req.ReasoningEffort = effort
			if _, err := client.Chat.Completions.Create(ctx, req); !errors.Is(err, zai.ErrInvalidRequest) {
				t.Errorf("%s effort %q: %v", model, effort, err)
			}
			if _, err := client.Chat.Completions.CreateStream(ctx, req); !errors.Is(err, zai.ErrInvalidRequest) {
				t.Errorf("%s effort %q, stream: %v", model, effort, err)
			}
		}
		if _, err := client.Chat.Completions.Create(ctx, off); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("%s thinking off: %v", model, err)
		}
		if _, err := client.Chat.Completions.CreateAsync(ctx, off); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("%s thinking off, async: %v", model, err)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d refused requests reached the server", n)
	}

	sent := 0
	for _, req := range []zai.ChatCompletionRequest{
		func() zai.ChatCompletionRequest {
			r := base(zai.ModelGLM5_3)
			r.ReasoningEffort, r.Thinking = zai.ReasoningEffortLow, &zai.Thinking{Type: zai.ThinkingTypeEnabled}
			return r
		}(),
		func() zai.ChatCompletionRequest {
			r := base(zai.ModelGLM5_3Flash)
			r.ReasoningEffort = zai.ReasoningEffortMax
			return r
		}(),
		func() zai.ChatCompletionRequest {
			r := base(zai.ModelGLM5_3FlashX)
			r.ReasoningEffort = zai.ReasoningEffortHigh
			return r
		}(),
		func() zai.ChatCompletionRequest {
			r := base(zai.ModelGLM5_2)
			r.ReasoningEffort, r.Thinking = zai.ReasoningEffortNone, &zai.Thinking{Type: zai.ThinkingTypeDisabled}
			return r
		}(),
	} {
		if _, err := client.Chat.Completions.Create(ctx, req); err != nil {
			t.Errorf("%s %q: %v", req.Model, req.ReasoningEffort, err)
		}
		sent++
	}
	if n := len(rec.requests()); n != sent {
		t.Fatalf("%d requests, want %d", n, sent)
	}
	// WithExtraBody is the way past the check, should the server widen it.
	if _, err := client.Chat.Completions.Create(ctx, base(zai.ModelGLM5_3), zai.WithExtraBody(map[string]any{"reasoning_effort": "none"})); err != nil {
		t.Fatal(err)
	}
	if m := decodeBody(t, rec.last(t).Body); m["reasoning_effort"] != "none" {
		t.Fatalf("body %v", m)
	}
}

// A completion that made videos carries them (BigModel
// ChatCompletionResponse.video_result: url, cover_image_url), on the fast
// decoding path and on the plain one.
func TestChatCompletionVideoResult(t *testing.T) {
	body := `{"id":"c1","created":1783812000,"model":"glm-4.7","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"here"}}],` +
		`"video_result":[{"url":"https://cdn.example.com/v.mp4","cover_image_url":"https://cdn.example.com/v.png"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}`
	want := []zai.GeneratedVideo{{URL: "https://cdn.example.com/v.mp4", CoverImageURL: "https://cdn.example.com/v.png"}}
	_, client := newRecorder(t, respondJSON(body))
	resp, err := client.Chat.Completions.Create(context.Background(), zai.ChatCompletionRequest{Model: zai.ModelGLM4_7, Messages: []zai.Message{zai.UserMessage("hi")}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(resp.VideoResult, want) {
		t.Fatalf("video result %+v", resp.VideoResult)
	}
	var plain zai.ChatCompletion
	if err := json.Unmarshal([]byte(body), &plain); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(plain.VideoResult, want) {
		t.Fatalf("plain decode %+v", plain.VideoResult)
	}
}

// decodeBody decodes a captured JSON request body into a map.
func decodeBody(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
	return m
}
