package zai_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

// sentParameters returns the parameters of the first tool of the request
// the server received.
func sentParameters(t *testing.T, r zaitest.Request) map[string]any {
	t.Helper()
	var body struct {
		Tools []struct {
			Function struct {
				Parameters map[string]any `json:"parameters"`
			} `json:"function"`
		} `json:"tools"`
	}
	if err := r.Decode(&body); err != nil || len(body.Tools) == 0 {
		t.Fatalf("%v: %s", err, r.Body)
	}
	return body.Tools[0].Function.Parameters
}

func toolRequest(tools ...zai.Tool) zai.ChatCompletionRequest {
	return zai.ChatCompletionRequest{Model: zai.ModelGLM4_7, Messages: []zai.Message{zai.UserMessage("Weather in Paris?")}, Tools: tools}
}

// TestFunctionToolCleansWhatGLMRefuses: a $ref, or an anyOf of a type and
// null, is rewritten so that GLM takes it (zaitest answers the raw form with
// the 500 GLM sends); the call succeeds.
func TestFunctionToolCleansWhatGLMRefuses(t *testing.T) {
	schema := json.RawMessage(`{"type":"object","properties":{
		"city":{"$ref":"#/$defs/City"},
		"days":{"anyOf":[{"type":"integer","minimum":1},{"type":"null"}]}},
		"required":["city"],"$defs":{"City":{"type":"string","description":"a city"}}}`)
	srv := zaitest.NewServer(t)
	resp, err := srv.Client().Chat.Completions.Create(context.Background(), toolRequest(zai.FunctionTool("get_weather", "", schema)))
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Choices[0].Message.ToolCalls[0].Function.Arguments; got != `{"city":"Paris"}` {
		t.Fatalf("arguments %s", got)
	}
	want := map[string]any{"type": "object", "required": []any{"city"}, "properties": map[string]any{
		"city": map[string]any{"type": "string", "description": "a city"},
		"days": map[string]any{"type": "integer", "minimum": float64(1)},
	}}
	if got := sentParameters(t, srv.Requests()[0]); !reflect.DeepEqual(got, want) {
		t.Fatalf("sent %v\nwant %v", got, want)
	}
}

// TestFunctionToolKeepsASchemaGLMTakes: without $ref, anyOf or oneOf the
// schema goes out as given, keywords CleanSchema would drop included.
func TestFunctionToolKeepsASchemaGLMTakes(t *testing.T) {
	schema := json.RawMessage(`{"type":"object","properties":{"anyOf":{"type":"string","pattern":"^[a-z]+$","x-unit":"none"}},"patternProperties":{"^x":{"type":"string"}}}`)
	tool := zai.FunctionTool("f", "", schema)
	if got, ok := tool.Function.Parameters.(json.RawMessage); !ok || string(got) != string(schema) {
		t.Fatalf("parameters changed: %#v", tool.Function.Parameters)
	}
	m := map[string]any{"type": "object"}
	if got := zai.FunctionTool("f", "", m).Function.Parameters; reflect.ValueOf(got).Pointer() != reflect.ValueOf(m).Pointer() {
		t.Fatalf("a map GLM takes was copied: %#v", got)
	}
}

// TestToolSchemaGLMRefusesIsRefusedBeforeSending: a schema that cannot be
// rewritten (through FunctionTool), or one that was never cleaned (a Tool
// built by hand), is an error naming the keyword and where it is, and
// nothing is sent, on every chat road.
func TestToolSchemaGLMRefusesIsRefusedBeforeSending(t *testing.T) {
	twoTypes := map[string]any{"type": "object", "properties": map[string]any{
		"when": map[string]any{"type": "object", "properties": map[string]any{
			"at": map[string]any{"oneOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "integer"}}}}}}}
	byHand := zai.Tool{Type: zai.ToolTypeFunction, Function: &zai.FunctionDefinition{Name: "g",
		Parameters: json.RawMessage(`{"type":"object","properties":{"list":{"type":"array","items":{"$ref":"#/definitions/Item"}}},"definitions":{"Item":{"type":"string"}}}`)}}
	recursive := json.RawMessage(`{"type":"object","properties":{"next":{"$ref":"#"}}}`)
	cases := []struct {
		tool zai.Tool
		want []string
	}{
		{zai.FunctionTool("f", "", twoTypes), []string{"tools[0] (f)", "oneOf at #/properties/when/properties/at", "code 1234", "one schema"}},
		{byHand, []string{"tools[0] (g)", "$ref at #/properties/list/items", "zai.CleanSchema"}},
		{zai.FunctionTool("r", "", recursive), []string{"tools[0] (r)", "$ref at #/properties/next", "recursive"}},
	}
	srv := zaitest.NewServer(t)
	client := srv.Client()
	ctx := context.Background()
	for _, c := range cases {
		req := toolRequest(c.tool)
		_, err1 := client.Chat.Completions.Create(ctx, req)
		_, err2 := client.Chat.Completions.CreateStream(ctx, req)
		_, err3 := client.Chat.Completions.CreateAsync(ctx, req)
		// A batch line is a chat request too: refused before the file is written.
		err4 := zai.WriteBatchInput(io.Discard, zai.BatchInputItem{CustomID: "a", Request: req})
		var err5 error
		for _, err := range client.Batches.Run(ctx, zai.BatchRunRequest{Items: slices.Values([]zai.BatchInputItem{{Request: req}})}) {
			if err != nil {
				err5 = err
				break
			}
		}
		for _, err := range []error{err1, err2, err3, err4, err5} {
			if !errors.Is(err, zai.ErrInvalidRequest) {
				t.Fatalf("%s: %v", c.want[0], err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err, w)
				}
			}
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}
