package zai

import (
	"encoding/json"
	"testing"
)

// TestToolSchemaCheckAllocatesNothingForASchemaGLMTakes: every request
// with tools is checked, so a schema GLM takes is walked without
// allocating (it cost 20 allocations a call when each visited keyword
// built its path).
func TestToolSchemaCheckAllocatesNothingForASchemaGLMTakes(t *testing.T) {
	var schema map[string]any
	if err := json.Unmarshal([]byte(`{"type":"object","properties":{
		"city":{"type":"string"},
		"days":{"type":"array","items":{"type":"integer"}},
		"when":{"type":"object","properties":{"from":{"type":"string"},"to":{"type":"string"}},"allOf":[{"required":["from"]}]}},
		"required":["city"]}`), &schema); err != nil {
		t.Fatal(err)
	}
	tools := []Tool{FunctionTool("get_weather", "", schema)}
	if allocs := testing.AllocsPerRun(100, func() {
		if err := checkToolSchemas(tools); err != nil {
			t.Fatal(err)
		}
	}); allocs != 0 {
		t.Fatalf("%v allocations per check", allocs)
	}
}

// TestRefusedKeywordReportsTheFirstInOrder: of several schemas GLM refuses,
// the one reported is the first in a fixed order (keywords, then lists,
// then maps by sorted name), whatever order a map iterates in.
func TestRefusedKeywordReportsTheFirstInOrder(t *testing.T) {
	schema := `{"type":"object","properties":{
		"zeta":{"oneOf":[{"type":"string"}]},
		"beta":{"type":"array","items":[{"type":"string"},{"anyOf":[{"type":"null"}]}]},
		"gamma":{"$ref":"#/$defs/G"},
		"alpha":{"type":"object","properties":{"y":{"$ref":"#/$defs/Y"},"x":{"type":"object","patternProperties":{"^a":{"oneOf":[]}}}}}}}`
	for range 20 {
		kw, at := refusedKeyword(json.RawMessage(schema))
		if kw != "oneOf" || at != "#/properties/alpha/properties/x/patternProperties/^a" {
			t.Fatalf("%s at %s", kw, at)
		}
	}
	kw, at := refusedKeyword(json.RawMessage(`{"items":[{"type":"string"},{"anyOf":[]}]}`))
	if kw != "anyOf" || at != "#/items/1" {
		t.Fatalf("%s at %s", kw, at)
	}
}
