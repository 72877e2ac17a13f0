package zai

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
)

// SchemaFor returns the JSON Schema of T, in the form GLM accepts for tool
// parameters and for the schema CreateStructured puts in its prompt.
//
// The schema is inferred by github.com/google/jsonschema-go from T's fields:
// the json tag names a property (and "-" hides it), a field without
// omitempty or omitzero is required, and the jsonschema tag is the
// property's description. Structs allow no other properties; pointers and
// slices may also be null when decoded, but the schema shows only their type
// (see CleanSchema); time.Time is a string with format "date-time".
//
//	type Forecast struct {
//		City  string  `json:"city" jsonschema:"the city asked about"`
//		TempC float64 `json:"temp_c"`
//		Notes *string `json:"notes,omitempty"`
//	}
//	schema, err := zai.SchemaFor[Forecast]()
//
// The schema is computed once per type; each call returns a fresh copy that
// the caller may change. A recursive type (a tree, a linked list) is an error
// wrapping ErrInvalidRequest: GLM needs every schema inlined, so a type that
// contains itself has no finite schema. So are types JSON cannot carry
// (channels, functions, complex numbers, maps with non-string keys).
func SchemaFor[T any]() (map[string]any, error) {
	ts, err := schemaOf(reflect.TypeFor[T]())
	if err != nil {
		return nil, err
	}
	return copySchema(ts.clean), nil
}

// typeSchema is what a Go type needs for structured output and tools.
type typeSchema struct {
	clean    map[string]any       // the GLM form, sent to the model
	text     string               // clean as JSON, for prompts
	resolved *jsonschema.Resolved // the full jsonschema-go schema, for validation
	object   bool                 // the JSON value is an object
}

type schemaEntry struct {
	ts  *typeSchema
	err error
}

var schemaCache sync.Map // reflect.Type -> *schemaEntry

// schemaOf returns the cached schema of t, building it on first use.
func schemaOf(t reflect.Type) (*typeSchema, error) {
	if v, ok := schemaCache.Load(t); ok {
		e := v.(*schemaEntry)
		return e.ts, e.err
	}
	ts, err := buildSchema(t)
	v, _ := schemaCache.LoadOrStore(t, &schemaEntry{ts, err})
	e := v.(*schemaEntry)
	return e.ts, e.err
}

// inferOptions make time.Time say what it marshals to, so the model writes
// RFC 3339 rather than any string.
var inferOptions = &jsonschema.ForOptions{TypeSchemas: map[reflect.Type]*jsonschema.Schema{
	reflect.TypeFor[time.Time](): {Type: "string", Format: "date-time"},
}}

func buildSchema(t reflect.Type) (*typeSchema, error) {
	s, err := jsonschema.ForType(t, inferOptions)
	if err != nil {
		if strings.Contains(err.Error(), "cycle detected") {
			return nil, invalidf("schema of %v: the type is recursive, and GLM accepts only inlined schemas (no $ref): %v", t, err)
		}
		return nil, invalidf("schema of %v: %v", t, err)
	}
	resolved, err := s.Resolve(nil)
	if err != nil {
		return nil, invalidf("schema of %v: %v", t, err)
	}
	b, err := json.Marshal(s)
	if err != nil {
		return nil, invalidf("schema of %v: %v", t, err)
	}
	clean, err := CleanSchema(json.RawMessage(b))
	if err != nil {
		return nil, invalidf("schema of %v: %v", t, err)
	}
	text, err := json.Marshal(clean)
	if err != nil {
		return nil, invalidf("schema of %v: %v", t, err)
	}
	return &typeSchema{clean: clean, text: string(text), resolved: resolved, object: clean["type"] == "object"}, nil
}

// keptKeywords are the keywords CleanSchema keeps; GLM rejects some of the
// others outright (HTTP 500, code 1234, for anyOf, oneOf and $ref in tool
// parameters) and ignores the rest, so a whitelist is the safe side.
var keptKeywords = map[string]bool{
	"type": true, "properties": true, "required": true, "items": true, "additionalProperties": true,
	"description": true, "title": true, "enum": true, "default": true, "examples": true, "format": true,
	"pattern": true, "minimum": true, "maximum": true, "exclusiveMinimum": true, "exclusiveMaximum": true,
	"multipleOf": true, "minLength": true, "maxLength": true, "minItems": true, "maxItems": true,
	"uniqueItems": true, "minProperties": true, "maxProperties": true,
}

// maxSchemaDepth bounds nesting, so a pathological schema is an error rather
// than a stack overflow.
const maxSchemaDepth = 64

// CleanSchema rewrites a JSON Schema into the form GLM accepts:
//
//   - $ref is replaced by the schema it points to (in $defs, definitions or
//     any JSON pointer inside the schema), and $defs is dropped;
//   - anyOf or oneOf of one schema and null becomes that schema, and a type
//     list with "null" loses the "null" ("type": ["null", "string"] becomes
//     "string"); allOf is merged into its parent;
//   - const becomes a one-value enum, and "additionalProperties": {"not": {}}
//     becomes false;
//   - other keywords outside the common subset (not, if/then/else,
//     patternProperties, prefixItems, $schema, $id, extensions, ...) are
//     dropped.
//
// schema may be a map, a struct such as *jsonschema.Schema, or JSON text
// (json.RawMessage, []byte or string); it is not modified. A nil schema
// gives nil. A $ref that refers to itself (a recursive schema), a $ref
// outside the schema, and an anyOf or oneOf with two or more non-null
// alternatives are errors: GLM has no way to express them.
//
// FunctionTool calls CleanSchema on a schema that uses a keyword GLM
// refuses ($ref, anyOf, oneOf) and keeps any other as it is; call it
// yourself for a Tool you build without FunctionTool.
func CleanSchema(schema any) (map[string]any, error) {
	root, err := schemaMap(schema)
	if err != nil || root == nil {
		return nil, err
	}
	c := &cleaner{root: root}
	out, err := c.clean(root, "#", 0)
	if err != nil {
		return nil, fmt.Errorf("zai: clean schema: %w", err)
	}
	m, ok := out.(map[string]any)
	if !ok {
		return nil, errors.New("zai: clean schema: the root is not an object schema")
	}
	return m, nil
}

// schemaJSON is the JSON text of a schema in any form
// FunctionDefinition.Parameters takes: raw JSON (json.RawMessage, []byte,
// string) as it is, anything else marshalled.
func schemaJSON(schema any) ([]byte, error) {
	switch s := schema.(type) {
	case json.RawMessage:
		return s, nil
	case []byte:
		return s, nil
	case string:
		return []byte(s), nil
	}
	return json.Marshal(schema)
}

// schemaMap decodes schema into a fresh map.
func schemaMap(schema any) (map[string]any, error) {
	if schema == nil {
		return nil, nil
	}
	b, err := schemaJSON(schema)
	if err != nil {
		return nil, fmt.Errorf("zai: clean schema: %w", err)
	}
	if t := bytes.TrimSpace(b); len(t) == 0 || string(t) == "null" {
		return nil, nil
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("zai: clean schema: not a JSON object: %w", err)
	}
	return m, nil
}

type cleaner struct {
	root  map[string]any
	stack []string // $refs being expanded, to catch recursion
}

// clean returns the GLM form of node (a schema: an object or a boolean).
func (c *cleaner) clean(node any, path string, depth int) (any, error) {
	if depth > maxSchemaDepth {
		return nil, fmt.Errorf("%s: nested deeper than %d levels", path, maxSchemaDepth)
	}
	m, ok := node.(map[string]any)
	if !ok {
		return node, nil // true, false
	}
	if len(m) == 1 {
		if not, ok := m["not"].(map[string]any); ok && len(not) == 0 {
			return false, nil // jsonschema-go's way of writing false
		}
	}
	out := map[string]any{}

	// A $ref is replaced by its target; keywords beside it win.
	if ref, ok := m["$ref"].(string); ok {
		if slices.Contains(c.stack, ref) {
			return nil, fmt.Errorf("%s: $ref %q is recursive; GLM accepts only inlined schemas", path, ref)
		}
		target, err := c.lookup(ref)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		c.stack = append(c.stack, ref)
		t, err := c.clean(target, ref, depth+1)
		c.stack = c.stack[:len(c.stack)-1]
		if err != nil {
			return nil, err
		}
		if tm, ok := t.(map[string]any); ok {
			maps.Copy(out, tm)
		}
	}

	for _, key := range []string{"allOf", "anyOf", "oneOf"} {
		subs, ok := m[key].([]any)
		if !ok {
			continue
		}
		var kept []map[string]any
		for i, sub := range subs {
			cs, err := c.clean(sub, fmt.Sprintf("%s/%s/%d", path, key, i), depth+1)
			if err != nil {
				return nil, err
			}
			csm, ok := cs.(map[string]any)
			if !ok {
				if cs == false && key == "allOf" {
					return nil, fmt.Errorf("%s/%s/%d: a false schema matches nothing", path, key, i)
				}
				continue // true adds nothing
			}
			if key != "allOf" && csm["type"] == "null" && len(csm) == 1 {
				continue // the null alternative folds into the type
			}
			kept = append(kept, csm)
		}
		if key != "allOf" && len(kept) > 1 {
			return nil, fmt.Errorf("%s: %s with %d non-null alternatives; GLM rejects %s, and it cannot be folded into one schema", path, key, len(kept), key)
		}
		if key != "allOf" && len(kept) == 0 && len(subs) > 0 {
			out["type"] = "null"
		}
		for _, k := range kept {
			mergeSchema(out, k)
		}
	}

	for key, v := range m {
		if !keptKeywords[key] && key != "const" {
			continue
		}
		var err error
		switch key {
		case "properties":
			props, ok := v.(map[string]any)
			if !ok {
				continue
			}
			cp := make(map[string]any, len(props))
			for name, p := range props {
				if cp[name], err = c.clean(p, path+"/properties/"+name, depth+1); err != nil {
					return nil, err
				}
			}
			if prev, ok := out["properties"].(map[string]any); ok {
				maps.Copy(prev, cp)
				continue
			}
			out[key] = cp
		case "items", "additionalProperties":
			if _, isList := v.([]any); isList {
				continue // draft-04 tuple items; GLM knows only one item schema
			}
			if out[key], err = c.clean(v, path+"/"+key, depth+1); err != nil {
				return nil, err
			}
		case "type":
			out[key] = foldType(v)
		case "const":
			out["enum"] = []any{v}
		case "required":
			out[key] = union(out[key], v)
		default:
			out[key] = v
		}
	}
	return out, nil
}

// lookup resolves a reference inside the root schema.
func (c *cleaner) lookup(ref string) (any, error) {
	ptr, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return nil, fmt.Errorf("$ref %q points outside the schema; only local references can be inlined", ref)
	}
	var node any = c.root
	if ptr == "" {
		return node, nil
	}
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := node.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("$ref %q does not resolve", ref)
		}
		if node, ok = m[tok]; !ok {
			return nil, fmt.Errorf("$ref %q does not resolve", ref)
		}
	}
	return node, nil
}

// foldType drops "null" from a list of types, and unwraps a list of one.
func foldType(v any) any {
	list, ok := v.([]any)
	if !ok {
		return v
	}
	var types []any
	for _, t := range list {
		if t != "null" {
			types = append(types, t)
		}
	}
	switch len(types) {
	case 0:
		return "null"
	case 1:
		return types[0]
	}
	return types
}

// mergeSchema adds src's keywords to dst: properties and required are
// joined; for the rest, what dst already has wins.
func mergeSchema(dst, src map[string]any) {
	for k, v := range src {
		switch k {
		case "properties":
			p, _ := dst[k].(map[string]any)
			if p == nil {
				p = map[string]any{}
			}
			if sp, ok := v.(map[string]any); ok {
				for name, s := range sp {
					if _, ok := p[name]; !ok {
						p[name] = s
					}
				}
			}
			dst[k] = p
		case "required":
			dst[k] = union(dst[k], v)
		default:
			if _, ok := dst[k]; !ok {
				dst[k] = v
			}
		}
	}
}

// union joins two "required" lists, keeping their order.
func union(a, b any) any {
	var out []any
	for _, list := range []any{a, b} {
		l, _ := list.([]any)
		for _, x := range l {
			if !slices.Contains(out, x) {
				out = append(out, x)
			}
		}
	}
	if out == nil {
		return b
	}
	return out
}

// copySchema deep-copies a decoded schema, so callers may change the copy.
func copySchema(m map[string]any) map[string]any {
	return copyValue(m).(map[string]any)
}

func copyValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = copyValue(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = copyValue(e)
		}
		return out
	}
	return v
}
