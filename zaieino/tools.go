package zaieino

import (
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
	// GLM answers 500 / 1234 to anyOf, oneOf and $ref: clean as
	// structured output does.
	return zai.CleanSchema(s)
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
