package zai

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
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
	node, ok := schema.(map[string]any)
	if !ok && schema != nil {
		node = decodedSchema(schema)
	}
	kw, path := findRefused(node, 0)
	if kw == "" {
		return "", ""
	}
	return kw, schemaPointer(path)
}

// decodedSchema decodes a schema that is not a map when its text names a
// refused keyword; nil otherwise. Kept apart from refusedKeyword so that the
// value it decodes into escapes here, not on the path of a map.
func decodedSchema(schema any) map[string]any {
	b, err := schemaJSON(schema)
	if err != nil || !mentionsRefused(b) {
		return nil
	}
	var node map[string]any
	if json.Unmarshal(b, &node) != nil {
		return nil
	}
	return node
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

// findRefused returns the first keyword GLM refuses under node and the
// path to the schema that holds it, innermost segment first. Every request
// with tools passes here, so the usual schema (none refused) is walked
// without allocating: a path is built only on the way back from a hit, and
// of a map of subschemas the first name in sorted order with a hit is
// kept without sorting the names.
func findRefused(node any, depth int) (keyword string, at []string) {
	m, ok := node.(map[string]any)
	if !ok || depth > maxSchemaDepth {
		return "", nil
	}
	for _, k := range refusedKeywords {
		if _, ok := m[k]; ok {
			return k, nil
		}
	}
	for _, k := range subschemaKeys {
		if kw, at := findRefused(m[k], depth+1); kw != "" {
			return kw, append(at, k)
		}
	}
	for _, k := range subschemaLists {
		list, _ := m[k].([]any)
		for i, sub := range list {
			if kw, at := findRefused(sub, depth+1); kw != "" {
				return kw, append(at, strconv.Itoa(i), k)
			}
		}
	}
	for _, k := range subschemaMaps {
		subs, _ := m[k].(map[string]any)
		var first string
		for name, sub := range subs {
			if keyword != "" && name > first {
				continue
			}
			if kw, in := findRefused(sub, depth+1); kw != "" {
				keyword, at, first = kw, in, name
			}
		}
		if keyword != "" {
			return keyword, append(at, first, k)
		}
	}
	return "", nil
}

// schemaPointer is the JSON pointer of a path findRefused returns.
func schemaPointer(at []string) string {
	var b strings.Builder
	b.WriteString("#")
	for i := len(at) - 1; i >= 0; i-- {
		b.WriteString("/")
		b.WriteString(at[i])
	}
	return b.String()
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
