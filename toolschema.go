package zai

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
)

// refusedKeywords are the JSON Schema keywords that make GLM answer a
// request with HTTP 500, code 1234, when a function tool's parameters use
// them (parity audit: claude-code-router#1474). The SDK retries a 500, so
// such a request would fail four times, slowly, with a message that names
// no cause.
var refusedKeywords = []string{"$ref", "anyOf", "oneOf"}

// subschemaKeys are the keywords whose value is one schema; subschemaLists
// and subschemaMaps hold lists and maps of them. Only these are walked, so a
// property that happens to be called "anyOf" is not taken for the keyword.
var (
	subschemaKeys  = []string{"items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames", "unevaluatedItems", "unevaluatedProperties", "additionalItems"}
	subschemaLists = []string{"allOf", "anyOf", "oneOf", "prefixItems", "items"}
	subschemaMaps  = []string{"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
)

// refusedKeyword returns the first keyword of schema that GLM refuses and
// the JSON pointer of the schema that holds it ("#/properties/unit"), or
// "" when there is none. schema is any form FunctionDefinition.Parameters
// takes; one JSON cannot carry (an error of json.Marshal) is left to the
// encoder, which reports it when the request is sent.
func refusedKeyword(schema any) (keyword, at string) {
	var node any
	switch s := schema.(type) {
	case nil:
		return "", ""
	case map[string]any:
		node = s
	default:
		b, err := schemaJSON(schema)
		if err != nil || !mentionsRefused(b) {
			return "", ""
		}
		if json.Unmarshal(b, &node) != nil {
			return "", ""
		}
	}
	return findRefused(node, "#", 0)
}

// mentionsRefused is the cheap test that spares decoding the usual schema.
func mentionsRefused(b []byte) bool {
	for _, k := range refusedKeywords {
		if bytes.Contains(b, []byte(`"`+k+`"`)) {
			return true
		}
	}
	return false
}

func findRefused(node any, path string, depth int) (keyword, at string) {
	m, ok := node.(map[string]any)
	if !ok || depth > maxSchemaDepth {
		return "", ""
	}
	for _, k := range refusedKeywords {
		if _, ok := m[k]; ok {
			return k, path
		}
	}
	for _, k := range subschemaKeys {
		if kw, at := findRefused(m[k], path+"/"+k, depth+1); kw != "" {
			return kw, at
		}
	}
	for _, k := range subschemaLists {
		list, _ := m[k].([]any)
		for i, sub := range list {
			if kw, at := findRefused(sub, fmt.Sprintf("%s/%s/%d", path, k, i), depth+1); kw != "" {
				return kw, at
			}
		}
	}
	for _, k := range subschemaMaps {
		subs, _ := m[k].(map[string]any)
		names := make([]string, 0, len(subs))
		for name := range subs {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			if kw, at := findRefused(subs[name], path+"/"+k+"/"+name, depth+1); kw != "" {
				return kw, at
			}
		}
	}
	return "", ""
}

// glmParameters returns the parameters FunctionTool sends: schema as it is
// when GLM accepts it, else its CleanSchema form when that keeps its
// meaning, else schema as it is, for the request's check to refuse with
// the reason.
func glmParameters(schema any) any {
	if kw, _ := refusedKeyword(schema); kw == "" {
		return schema
	}
	if clean, err := CleanSchema(schema); err == nil {
		return clean
	}
	return schema
}

// checkToolSchemas refuses, before anything is sent, a function tool whose
// parameters GLM would answer with HTTP 500 (code 1234), naming the keyword
// and the way out.
func checkToolSchemas(tools []Tool) error {
	for i, t := range tools {
		if t.Function == nil {
			continue
		}
		kw, at := refusedKeyword(t.Function.Parameters)
		if kw == "" {
			continue
		}
		where := fmt.Sprintf("tools[%d] (%s): the parameters use %s at %s, which GLM refuses (HTTP 500, code 1234)", i, t.Function.Name, kw, at)
		if _, err := CleanSchema(t.Function.Parameters); err != nil {
			if inner := errors.Unwrap(err); inner != nil {
				err = inner
			}
			return invalidf("%s, and no rewrite keeps its meaning (%v): "+
				"describe the choice in one schema (an enum, optional properties) or offer one tool per alternative", where, err)
		}
		return invalidf("%s; build the tool with zai.FunctionTool or zai.NewTool, or pass the schema through zai.CleanSchema: they rewrite it without %s", where, kw)
	}
	return nil
}
