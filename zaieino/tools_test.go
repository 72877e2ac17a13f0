package zaieino

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/cloudwego/eino/schema"
	"github.com/eino-contrib/jsonschema"
	"github.com/zai-go/zai"
)

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCleanSchema(t *testing.T) {
	in := decode(t, `{
		"$schema": "https://json-schema.org/draft/2020-12/schema",
		"type": "object",
		"properties": {
			"where": {"$ref": "#/$defs/place", "description": "Where to look"},
			"unit": {"anyOf": [{"type": "null"}, {"type": "string", "enum": ["c", "f"]}]},
			"days": {"type": ["integer", "null"]},
			"tags": {"type": "array", "items": {"oneOf": [{"type": "string"}, {"type": "null"}]}},
			"both": {"allOf": [
				{"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
				{"properties": {"b": {"$ref": "#/definitions/num"}}, "required": ["b"]}
			]}
		},
		"required": ["where"],
		"$defs": {"place": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}},
		"definitions": {"num": {"type": "number"}}
	}`)
	got, err := zai.CleanSchema(in)
	if err != nil {
		t.Fatal(err)
	}
	want := decode(t, `{
		"type": "object",
		"properties": {
			"where": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"], "description": "Where to look"},
			"unit": {"type": "string", "enum": ["c", "f"]},
			"days": {"type": "integer"},
			"tags": {"type": "array", "items": {"type": "string"}},
			"both": {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "number"}}, "required": ["a", "b"]}
		},
		"required": ["where"]
	}`)
	if !reflect.DeepEqual(got, want) {
		b, _ := json.MarshalIndent(got, "", "  ")
		t.Fatalf("cleaned:\n%s", b)
	}
	for _, bad := range []string{"anyOf", "oneOf", "allOf", "$ref", "$defs", "definitions", "$schema"} {
		b, _ := json.Marshal(got)
		if strings.Contains(string(b), `"`+bad+`"`) {
			t.Errorf("%s left in %s", bad, b)
		}
	}
	if in["$defs"] == nil {
		t.Fatal("cleanSchema changed its input")
	}
}

func TestCleanSchemaErrors(t *testing.T) {
	for name, s := range map[string]string{
		"recursive": `{"type":"object","properties":{"next":{"$ref":"#/$defs/node"}},"$defs":{"node":{"type":"object","properties":{"next":{"$ref":"#/$defs/node"}}}}}`,
		"dangling":  `{"type":"object","properties":{"x":{"$ref":"#/$defs/missing"}}}`,
	} {
		if _, err := zai.CleanSchema(decode(t, s)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := zai.CleanSchema([]int{1}); err == nil {
		t.Error("a non-object schema was accepted")
	}
}

// TestToolParamsFromJSONSchema goes through eino's own schema type, as a
// tool built with schema.NewParamsOneOfByJSONSchema (or utils.InferTool) is.
func TestToolParamsFromJSONSchema(t *testing.T) {
	var s jsonschema.Schema
	if err := json.Unmarshal([]byte(`{"type":"object","properties":{"q":{"anyOf":[{"type":"string"},{"type":"null"}]}},"required":["q"]}`), &s); err != nil {
		t.Fatal(err)
	}
	got, err := toolParams(&schema.ToolInfo{Name: "search", ParamsOneOf: schema.NewParamsOneOfByJSONSchema(&s)})
	if err != nil {
		t.Fatal(err)
	}
	want := decode(t, `{"type":"object","properties":{"q":{"type":"string"}},"required":["q"]}`)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("params = %v", got)
	}
}
