package zai_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/zai-go/zai"
)

func TestTokenizerRequestGolden(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/tokenizer_response.json", "application/json"))
	req := zai.TokenizerRequest{
		Model: zai.ModelGLM4_6V,
		Messages: []zai.Message{
			zai.SystemMessage("You are helpful."),
			zai.UserMessageParts(zai.TextPart("What is in this picture?"), zai.ImageURLPart("https://example.com/cat.png")),
			zai.AssistantMessage("A cat."),
		},
		Tools: []zai.Tool{zai.FunctionTool("weather", "Get the weather", map[string]any{
			"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}},
		})},
		RequestID: "req-000001",
		UserID:    "user-000001",
	}
	if _, err := client.Tokenizer.Count(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	got := rec.last(t)
	if got.Method != "POST" || got.Path != "/api/paas/v4/tokenizer" {
		t.Fatalf("%s %s", got.Method, got.Path)
	}
	assertGoldenJSON(t, "tokenizer_every_field.json", got.Body)
	assertRoundTrips[zai.TokenizerRequest](t, got.Body)
}

func TestTokenizerRecordedRequestRoundTrips(t *testing.T) {
	recorded := readFile(t, "testdata/recorded/tokenizer_request.json")
	var req zai.TokenizerRequest
	if err := json.Unmarshal(recorded, &req); err != nil {
		t.Fatal(err)
	}
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/tokenizer_response.json", "application/json"))
	if _, err := client.Tokenizer.Count(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, recorded, rec.last(t).Body)
}

func TestTokenizerResponse(t *testing.T) {
	_, client := newRecorder(t, respondFile(t, "testdata/shapes/tokenizer_response.json", "application/json"))
	resp, err := client.Tokenizer.Count(context.Background(), zai.TokenizerRequest{Model: zai.ModelGLM4_6, Messages: []zai.Message{zai.UserMessage("hi")}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.ID != "20241120141244890ab4ee4af84acf" || resp.Created != 1727156815 || resp.RequestID != "1" {
		t.Fatalf("%+v", resp)
	}
	if resp.Usage != (zai.TokenizerUsage{PromptTokens: 14, ImageTokens: 0, VideoTokens: 0, TotalTokens: 14}) {
		t.Fatalf("usage %+v", resp.Usage)
	}
	if string(resp.RawJSON()) != string(readFile(t, "testdata/shapes/tokenizer_response.json")) {
		t.Fatal("RawJSON")
	}
}

func TestTokenizerRecordedError(t *testing.T) {
	rec, client := newRecorder(t, respondRecordedError(t, 429, "testdata/recorded/tokenizer_429_1113.json", "20260711071544ed6884f64ca249e9"))
	_, err := client.Tokenizer.Count(context.Background(), zai.TokenizerRequest{Model: zai.ModelGLM4_6, Messages: []zai.Message{zai.UserMessage("hello world, how are you today?")}})
	assertAPIError(t, err, 429, "1113", "Insufficient balance or no resource package. Please recharge.", "20260711071544ed6884f64ca249e9", zai.ErrQuotaExceeded)
	if n := len(rec.requests()); n != 1 {
		t.Fatalf("%d attempts", n)
	}
}

func TestTokenizerInvalid(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/tokenizer_response.json", "application/json"))
	for name, req := range map[string]zai.TokenizerRequest{
		"no model":    {Messages: []zai.Message{zai.UserMessage("hi")}},
		"no messages": {Model: zai.ModelGLM4_6},
	} {
		if _, err := client.Tokenizer.Count(context.Background(), req); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}
