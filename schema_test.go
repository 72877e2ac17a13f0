package zai_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/zai-go/zai"
)

type schemaInner struct {
	A int `json:"a"`
}

type schemaBase struct {
	ID string `json:"id" jsonschema:"the record id"`
}

type schemaOuter struct {
	schemaBase
	Name   string           `json:"name" jsonschema:"the name"`
	Nick   *string          `json:"nick,omitempty"`
	Note   string           `json:"note,omitempty"`
	Inner  schemaInner      `json:"inner"`
	InnerP *schemaInner     `json:"inner_p"`
	Tags   []string         `json:"tags"`
	Counts map[string]int   `json:"counts"`
	When   time.Time        `json:"when"`
	Small  uint8            `json:"small"`
	Hidden string           `json:"-"`
	Nested []schemaInner    `json:"nested"`
	ByName map[string]*bool `json:"by_name,omitempty"`
}

type schemaNode struct {
	Value    int          `json:"value"`
	Children []schemaNode `json:"children"`
}

// at walks a decoded schema along keys.
func at(t *testing.T, m map[string]any, path ...string) any {
	t.Helper()
	var cur any = m
	for _, k := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			t.Fatalf("%v: %s is not an object", path, k)
		}
		if cur, ok = mm[k]; !ok {
			t.Fatalf("%v: no %q", path, k)
		}
	}
	return cur
}

// forbidden reports keywords GLM rejects anywhere in the schema.
func forbidden(v any) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			switch k {
			case "anyOf", "oneOf", "$ref", "$defs", "definitions", "not", "$schema":
				out = append(out, k)
			}
			out = append(out, forbidden(e)...)
		}
	case []any:
		for _, e := range x {
			out = append(out, forbidden(e)...)
		}
	}
	if list, ok := v.(map[string]any); ok {
		if _, isList := list["type"].([]any); isList {
			out = append(out, "type list")
		}
	}
	return out
}

func TestSchemaForShapes(t *testing.T) {
	s, err := zai.SchemaFor[schemaOuter]()
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		path []string
		want any
	}{
		{[]string{"type"}, "object"},
		{[]string{"additionalProperties"}, false},
		{[]string{"properties", "id", "type"}, "string"}, // promoted from the embedded struct
		{[]string{"properties", "id", "description"}, "the record id"},
		{[]string{"properties", "name", "description"}, "the name"},
		{[]string{"properties", "nick", "type"}, "string"}, // a pointer: null folded away
		{[]string{"properties", "inner", "type"}, "object"},
		{[]string{"properties", "inner", "properties", "a", "type"}, "integer"},
		{[]string{"properties", "inner", "required"}, []any{"a"}},
		{[]string{"properties", "inner_p", "type"}, "object"},
		{[]string{"properties", "tags", "type"}, "array"},
		{[]string{"properties", "tags", "items", "type"}, "string"},
		{[]string{"properties", "counts", "type"}, "object"},
		{[]string{"properties", "counts", "additionalProperties", "type"}, "integer"},
		{[]string{"properties", "when", "type"}, "string"},
		{[]string{"properties", "when", "format"}, "date-time"},
		{[]string{"properties", "small", "maximum"}, 255.0},
		{[]string{"properties", "nested", "items", "properties", "a", "type"}, "integer"},
		{[]string{"properties", "by_name", "additionalProperties", "type"}, "boolean"},
	}
	for _, c := range checks {
		if got := at(t, s, c.path...); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s = %#v, want %#v", strings.Join(c.path, "."), got, c.want)
		}
	}
	props := at(t, s, "properties").(map[string]any)
	for _, hidden := range []string{"Hidden", "-", "private", "schemaBase"} {
		if _, ok := props[hidden]; ok {
			t.Errorf("property %q should not be in the schema", hidden)
		}
	}
	required := map[string]bool{}
	for _, r := range at(t, s, "required").([]any) {
		required[r.(string)] = true
	}
	for _, name := range []string{"id", "name", "inner", "inner_p", "tags", "counts", "when", "small", "nested"} {
		if !required[name] {
			t.Errorf("%s should be required", name)
		}
	}
	for _, name := range []string{"nick", "note", "by_name"} {
		if required[name] {
			t.Errorf("%s (omitempty) should be optional", name)
		}
	}
	if f := forbidden(s); len(f) > 0 {
		t.Errorf("schema has keywords GLM rejects: %v", f)
	}
}

func TestSchemaForReturnsACopy(t *testing.T) {
	s, _ := zai.SchemaFor[schemaInner]()
	s["type"] = "string"
	at(t, s, "properties").(map[string]any)["a"] = "changed"
	again, _ := zai.SchemaFor[schemaInner]()
	if again["type"] != "object" || at(t, again, "properties", "a", "type") != "integer" {
		t.Fatalf("a change to a returned schema reached the cache: %v", again)
	}
}

func TestSchemaForRecursiveType(t *testing.T) {
	_, err := zai.SchemaFor[schemaNode]()
	if err == nil || !errors.Is(err, zai.ErrInvalidRequest) || !strings.Contains(err.Error(), "recursive") {
		t.Fatalf("err = %v, want a clear recursive-type error wrapping ErrInvalidRequest", err)
	}
	if _, err := zai.SchemaFor[struct{ C chan int }](); err == nil {
		t.Fatal("a channel field has no JSON Schema; want an error")
	}
}

func TestCleanSchema(t *testing.T) {
	in := `{
	  "$schema": "https://json-schema.org/draft/2020-12/schema",
	  "$id": "urn:x",
	  "type": "object",
	  "$defs": {
	    "City": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"], "additionalProperties": {"not": {}}},
	    "Unit": {"type": "string", "enum": ["c", "f"]}
	  },
	  "properties": {
	    "city": {"$ref": "#/$defs/City", "description": "where"},
	    "unit": {"anyOf": [{"$ref": "#/$defs/Unit"}, {"type": "null"}]},
	    "days": {"oneOf": [{"type": "null"}, {"type": "integer", "minimum": 1}]},
	    "tags": {"type": ["null", "array"], "items": {"type": "string"}, "prefixItems": [{"type": "string"}]},
	    "kind": {"const": "forecast"},
	    "mixed": {"allOf": [{"properties": {"a": {"type": "string"}}, "required": ["a"]}, {"properties": {"b": {"type": "number"}}, "required": ["b"]}], "type": "object"},
	    "free": {"not": {"type": "string"}, "x-extension": 1, "if": {}, "then": {}}
	  },
	  "required": ["city"]
	}`
	want := `{
	  "type": "object",
	  "properties": {
	    "city": {"type": "object", "description": "where", "properties": {"name": {"type": "string"}}, "required": ["name"], "additionalProperties": false},
	    "unit": {"type": "string", "enum": ["c", "f"]},
	    "days": {"type": "integer", "minimum": 1},
	    "tags": {"type": "array", "items": {"type": "string"}},
	    "kind": {"enum": ["forecast"]},
	    "mixed": {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "number"}}, "required": ["a", "b"]},
	    "free": {}
	  },
	  "required": ["city"]
	}`
	got, err := zai.CleanSchema(json.RawMessage(in))
	if err != nil {
		t.Fatal(err)
	}
	var w map[string]any
	json.Unmarshal([]byte(want), &w)
	if !reflect.DeepEqual(got, w) {
		g, _ := json.MarshalIndent(got, "", "  ")
		t.Fatalf("got\n%s", g)
	}

	// The input is not changed: the same call gives the same result.
	var m map[string]any
	json.Unmarshal([]byte(in), &m)
	if _, err := zai.CleanSchema(m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["$defs"]; !ok {
		t.Fatal("CleanSchema changed its input map")
	}
}

func TestCleanSchemaInputs(t *testing.T) {
	want := map[string]any{"type": "object", "properties": map[string]any{"q": map[string]any{"type": "string"}}}
	inputs := map[string]any{
		"string":             `{"type":"object","properties":{"q":{"type":["string","null"]}}}`,
		"bytes":              []byte(`{"type":"object","properties":{"q":{"type":"string"}}}`),
		"map":                map[string]any{"type": "object", "properties": map[string]any{"q": map[string]any{"type": "string"}}},
		"*jsonschema.Schema": &jsonschema.Schema{Type: "object", Properties: map[string]*jsonschema.Schema{"q": {Types: []string{"null", "string"}}}},
	}
	for name, in := range inputs {
		got, err := zai.CleanSchema(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %v, %v", name, got, err)
		}
	}
	if got, err := zai.CleanSchema(nil); got != nil || err != nil {
		t.Errorf("nil: got %v, %v", got, err)
	}
}

func TestCleanSchemaErrors(t *testing.T) {
	cases := map[string]string{
		"recursive": `{"$defs":{"N":{"type":"object","properties":{"next":{"$ref":"#/$defs/N"}}}},"$ref":"#/$defs/N"}`,
		"remote":    `{"type":"object","properties":{"a":{"$ref":"https://example.com/a.json"}}}`,
		"dangling":  `{"type":"object","properties":{"a":{"$ref":"#/$defs/missing"}}}`,
		"union":     `{"type":"object","properties":{"a":{"anyOf":[{"type":"string"},{"type":"integer"}]}}}`,
		"not JSON":  `{"type":`,
		"array":     `[1]`,
	}
	for name, in := range cases {
		if _, err := zai.CleanSchema(in); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
	_, err := zai.CleanSchema(cases["recursive"])
	if !strings.Contains(err.Error(), "recursive") {
		t.Errorf("recursive: %v does not say why", err)
	}
}
