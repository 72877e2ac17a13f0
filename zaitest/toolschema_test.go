package zaitest_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

// TestDefaultToolArgumentsComeFromTheQuestion: the default tool call fills
// a string as a model would, from the user's words.
func TestDefaultToolArgumentsComeFromTheQuestion(t *testing.T) {
	srv := zaitest.NewServer(t)
	client := srv.Client()
	schema := map[string]any{"type": "object", "properties": map[string]any{
		"city": map[string]any{"type": "string"},
		"unit": map[string]any{"type": "string", "enum": []string{"celsius", "fahrenheit"}},
	}, "required": []string{"city", "unit"}}
	for question, want := range map[string]string{
		"What's the weather in Paris?":    `{"city":"Paris","unit":"celsius"}`,
		"Is it raining in São Paulo now?": `{"city":"Paulo","unit":"celsius"}`,
		"weather in oslo":                 `{"city":"oslo","unit":"celsius"}`,
	} {
		r := req(question)
		r.Tools = []zai.Tool{zai.FunctionTool("get_weather", "", schema)}
		resp, err := client.Chat.Completions.Create(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.Choices[0].Message.ToolCalls[0].Function.Arguments; got != want {
			t.Errorf("%q: arguments %s, want %s", question, got, want)
		}
	}
}

// TestToolSchemaGLMRefuses: parameters with $ref, anyOf or oneOf get what
// GLM answers, HTTP 500 with code 1234, on every chat route. The SDK
// refuses them before sending, so the body goes out through client.Do.
func TestToolSchemaGLMRefuses(t *testing.T) {
	srv := zaitest.NewServer(t)
	client := srv.Client(zai.WithMaxRetries(0))
	body := func(params string) map[string]any {
		return map[string]any{"model": "glm-4.7", "messages": []any{map[string]any{"role": "user", "content": "hi"}},
			"tools": []any{map[string]any{"type": "function", "function": map[string]any{"name": "f", "parameters": json.RawMessage(params)}}}}
	}
	refused := []string{
		`{"type":"object","properties":{"x":{"anyOf":[{"type":"string"},{"type":"integer"}]}}}`,
		`{"type":"object","properties":{"x":{"oneOf":[{"type":"string"}]}}}`,
		`{"type":"object","properties":{"x":{"$ref":"#/$defs/X"}},"$defs":{"X":{"type":"string"}}}`,
		`{"type":"object","properties":{"list":{"type":"array","items":{"anyOf":[{"type":"string"},{"type":"null"}]}}}}`,
	}
	for _, route := range []string{"/chat/completions", "/async/chat/completions"} {
		for _, params := range refused {
			err := client.Do(ctx, http.MethodPost, route, body(params), nil)
			var apiErr *zai.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || apiErr.Code != "1234" || !errors.Is(err, zai.ErrServer) {
				t.Errorf("%s %s: %v", route, params, err)
			}
		}
	}
	// Properties that happen to bear those names are no keywords.
	accepted := `{"type":"object","properties":{"anyOf":{"type":"string"},"$ref":{"type":"string"}},"required":["anyOf"]}`
	var out map[string]any
	if err := client.Do(ctx, http.MethodPost, "/chat/completions", body(accepted), &out); err != nil {
		t.Fatalf("%s: %v", accepted, err)
	}
}
