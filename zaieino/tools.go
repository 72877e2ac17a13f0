package zaieino

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cloudwego/eino/schema"

	"github.com/zai-go/zai"
)

func toZaiTools(infos []*schema.ToolInfo) ([]zai.Tool, error) {
	tools := make([]zai.Tool, 0, len(infos))
	for i, info := range infos {
		if info == nil {
			return nil, fmt.Errorf("zaieino: tool %d is nil", i)
		}
		params, err := toolParams(info)
		if err != nil {
			return nil, fmt.Errorf("zaieino: tool %q: %w", info.Name, err)
		}
		tools = append(tools, zai.FunctionTool(info.Name, info.Desc, params))
	}
	return tools, nil
}

// toolParams is the tool's parameter schema as GLM accepts it. A tool
// without parameters gets an empty object schema, which GLM takes where it
// may refuse a missing one.
func toolParams(info *schema.ToolInfo) (map[string]any, error) {
	s, err := info.ToJSONSchema()
	if err != nil {
		return nil, err
	}
	if s == nil {
		return map[string]any{"type": "object", "properties": map[string]any{}}, nil
	}
	// TODO(merge): use zai.CleanSchema
	return cleanSchema(s)
}

// cleanSchema is a minimal stand-in for zai.CleanSchema, with its signature:
// it makes a JSON Schema acceptable to GLM, which answers 500 / 1234 to
// anyOf, oneOf and $ref. $ref is inlined from $defs or definitions, allOf is
// merged, and anyOf/oneOf keep their first branch that is not "null" (an
// optional field stays optional; a true union narrows to its first type).
func cleanSchema(schema any) (map[string]any, error) {
	b, err := json.Marshal(schema)
	if err != nil {
		return nil, err
	}
	var root map[string]any
	if err := json.Unmarshal(b, &root); err != nil {
		return nil, fmt.Errorf("the schema is not a JSON object: %w", err)
	}
	c := schemaCleaner{defs: map[string]any{}}
	for _, key := range []string{"$defs", "definitions"} {
		if d, ok := root[key].(map[string]any); ok {
			for name, v := range d {
				c.defs["#/"+key+"/"+name] = v
			}
		}
	}
	out, err := c.clean(root, nil)
	if err != nil {
		return nil, err
	}
	m, ok := out.(map[string]any)
	if !ok {
		return nil, errors.New("the schema is not a JSON object")
	}
	return m, nil
}

type schemaCleaner struct{ defs map[string]any }

func (c *schemaCleaner) clean(v any, seen []string) (any, error) {
	s, ok := v.(map[string]any)
	if !ok {
		return v, nil // true/false schemas, enum values and the like
	}
	s = cloneMap(s)
	delete(s, "$schema")
	delete(s, "$id")
	delete(s, "$defs")
	delete(s, "definitions")

	if ref, ok := s["$ref"].(string); ok {
		if slices.Contains(seen, ref) {
			return nil, fmt.Errorf("recursive $ref %q cannot be inlined", ref)
		}
		target, ok := c.defs[ref]
		if !ok {
			return nil, fmt.Errorf("$ref %q is not under $defs or definitions", ref)
		}
		delete(s, "$ref")
		inlined, err := c.clean(target, append(seen, ref))
		if err != nil {
			return nil, err
		}
		s = merge(inlined.(map[string]any), s) // siblings (a description) win
	}
	if all, ok := s["allOf"].([]any); ok {
		delete(s, "allOf")
		for _, branch := range all {
			cb, err := c.clean(branch, seen)
			if err != nil {
				return nil, err
			}
			if m, ok := cb.(map[string]any); ok {
				s = merge(s, m)
			}
		}
	}
	for _, key := range []string{"anyOf", "oneOf"} {
		branches, ok := s[key].([]any)
		if !ok {
			continue
		}
		delete(s, key)
		for _, branch := range branches {
			if m, ok := branch.(map[string]any); ok && m["type"] == "null" {
				continue
			}
			cb, err := c.clean(branch, seen)
			if err != nil {
				return nil, err
			}
			if m, ok := cb.(map[string]any); ok {
				s = merge(m, s)
			}
			break
		}
	}
	// A nullable type list (["string","null"]) becomes its first non-null type.
	if types, ok := s["type"].([]any); ok {
		for _, t := range types {
			if t != "null" {
				s["type"] = t
				break
			}
		}
	}

	for _, key := range []string{"properties", "patternProperties"} {
		if props, ok := s[key].(map[string]any); ok {
			out := make(map[string]any, len(props))
			for name, p := range props {
				cp, err := c.clean(p, seen)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", name, err)
				}
				out[name] = cp
			}
			s[key] = out
		}
	}
	for _, key := range []string{"items", "additionalProperties", "not", "contains"} {
		if sub, ok := s[key]; ok {
			cs, err := c.clean(sub, seen)
			if err != nil {
				return nil, err
			}
			s[key] = cs
		}
	}
	if items, ok := s["prefixItems"].([]any); ok {
		out := make([]any, len(items))
		for i, it := range items {
			ci, err := c.clean(it, seen)
			if err != nil {
				return nil, err
			}
			out[i] = ci
		}
		s["prefixItems"] = out
	}
	return s, nil
}

// merge returns base with over's keys on top; "properties" and "required"
// are unioned rather than replaced.
func merge(base, over map[string]any) map[string]any {
	out := cloneMap(base)
	for k, v := range over {
		switch k {
		case "properties":
			if bp, ok := out[k].(map[string]any); ok {
				if op, ok := v.(map[string]any); ok {
					m := cloneMap(bp)
					for name, p := range op {
						m[name] = p
					}
					out[k] = m
					continue
				}
			}
		case "required":
			if br, ok := out[k].([]any); ok {
				if or, ok := v.([]any); ok {
					req := slices.Clone(br)
					for _, r := range or {
						if !slices.Contains(req, r) {
							req = append(req, r)
						}
					}
					out[k] = req
					continue
				}
			}
		}
		out[k] = v
	}
	return out
}

func cloneMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// applyToolChoice maps eino's tool choice onto what Z.ai offers: "auto", or
// one named function. Allowed names narrow the tools sent (Z.ai has no
// allow-list); forbidden sends no function tools (Z.ai has no "none"); forced
// needs exactly one tool left to name.
func applyToolChoice(infos []*schema.ToolInfo, funcs []zai.Tool, choice *schema.ToolChoice, allowed []string) ([]*schema.ToolInfo, []zai.Tool, zai.ToolChoice, error) {
	if len(allowed) > 0 {
		var keptInfos []*schema.ToolInfo
		var keptFuncs []zai.Tool
		for _, name := range allowed {
			i := slices.IndexFunc(infos, func(t *schema.ToolInfo) bool { return t.Name == name })
			if i < 0 {
				return nil, nil, zai.ToolChoice{}, fmt.Errorf("zaieino: allowed tool %q is not among the tools", name)
			}
			keptInfos, keptFuncs = append(keptInfos, infos[i]), append(keptFuncs, funcs[i])
		}
		infos, funcs = keptInfos, keptFuncs
	}
	if choice == nil {
		return infos, funcs, zai.ToolChoice{}, nil
	}
	switch *choice {
	case schema.ToolChoiceForbidden:
		return nil, nil, zai.ToolChoice{}, nil
	case schema.ToolChoiceAllowed:
		if len(funcs) == 0 {
			return infos, funcs, zai.ToolChoice{}, nil
		}
		return infos, funcs, zai.ToolChoiceAuto, nil
	case schema.ToolChoiceForced:
		if len(funcs) != 1 {
			names := make([]string, len(infos))
			for i, t := range infos {
				names[i] = t.Name
			}
			return nil, nil, zai.ToolChoice{}, fmt.Errorf("zaieino: Z.ai can force one named function, not a choice among %d tools [%s]; name one with model.WithToolChoice(schema.ToolChoiceForced, name)", len(funcs), strings.Join(names, ", "))
		}
		return infos, funcs, zai.ToolChoiceFunction(funcs[0].Function.Name), nil
	default:
		return nil, nil, zai.ToolChoice{}, fmt.Errorf("zaieino: unknown tool choice %q", *choice)
	}
}
