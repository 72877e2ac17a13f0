package zaifantasy

import (
	"encoding/json"
	"fmt"
	"slices"

	"charm.land/fantasy"

	"github.com/zai-go/zai"
)

// WebSearchToolID is the id of the provider-defined tool that turns on
// Z.ai's built-in web search (see WebSearchTool).
const WebSearchToolID = "web_search"

// WebSearchTool returns Z.ai's built-in web search as a fantasy
// provider-defined tool, for fantasy.WithProviderDefinedTools or a Call's
// Tools. The server runs the search; with SearchResult true the pages come
// back as source parts. ProviderOptions.WebSearch does the same per call.
func WebSearchTool(ws zai.WebSearch) fantasy.ProviderDefinedTool {
	var args map[string]any
	if b, err := json.Marshal(ws); err == nil {
		_ = json.Unmarshal(b, &args)
	}
	return fantasy.ProviderDefinedTool{ID: WebSearchToolID, Name: WebSearchToolID, Args: args}
}

// prepared is one request ready to send.
type prepared struct {
	req      zai.ChatCompletionRequest
	opts     []zai.Option
	warnings []fantasy.CallWarning
}

// prepare maps a fantasy call onto the body fantasy's other providers send
// for the same call (so recorded exchanges replay), plus what only Z.ai
// has, from the call's ProviderOptions.
func (m *languageModel) prepare(call fantasy.Call, stream bool) (*prepared, error) {
	po, err := providerOptions(call.ProviderOptions)
	if err != nil {
		return nil, err
	}
	msgs, warnings := toMessages(call.Prompt)
	p := &prepared{warnings: warnings}
	unsupported := func(setting string) {
		p.warnings = append(p.warnings, fantasy.CallWarning{Type: fantasy.CallWarningTypeUnsupportedSetting, Setting: setting, Details: "Z.ai has no " + setting + "; it was not sent"})
	}
	if call.TopK != nil {
		unsupported("top_k")
	}
	if call.PresencePenalty != nil {
		unsupported("presence_penalty")
	}
	if call.FrequencyPenalty != nil {
		unsupported("frequency_penalty")
	}

	req := zai.ChatCompletionRequest{
		Model:           m.modelID,
		Messages:        msgs,
		Temperature:     call.Temperature,
		TopP:            call.TopP,
		Thinking:        po.Thinking,
		ReasoningEffort: po.ReasoningEffort,
		DoSample:        po.DoSample,
		Seed:            po.Seed,
		Stop:            po.Stop,
		UserID:          po.UserID,
		RequestID:       po.RequestID,

		SensitiveWordCheck: po.SensitiveWordCheck,
	}
	if call.MaxOutputTokens != nil {
		req.MaxTokens = zai.Ptr(int(*call.MaxOutputTokens))
	}
	if req.Tools, req.ToolChoice, err = toTools(call.Tools, call.ToolChoice, &p.warnings); err != nil {
		return nil, err
	}
	if po.WebSearch != nil {
		req.Tools = append(req.Tools, zai.WebSearchTool(*po.WebSearch))
	}
	if stream {
		req.StreamOptions = &zai.StreamOptions{IncludeUsage: true}
		req.ToolStream = po.ToolStream // the API refuses it on a plain call
	}
	p.req = req

	p.opts = slices.Clone(m.p.requestOpts)
	if len(po.ExtraBody) > 0 {
		p.opts = append(p.opts, zai.WithExtraBody(po.ExtraBody))
	}
	if call.UserAgent != "" {
		p.opts = append(p.opts, zai.WithHeader("User-Agent", call.UserAgent))
	}
	for k, v := range call.Headers {
		p.opts = append(p.opts, zai.WithHeader(k, v))
	}
	return p, nil
}

// providerOptions returns the call's options under the provider's name, or
// empty ones.
func providerOptions(all fantasy.ProviderOptions) (*ProviderOptions, error) {
	v, ok := all[Name]
	if !ok || v == nil {
		return &ProviderOptions{}, nil
	}
	po, ok := v.(*ProviderOptions)
	if !ok {
		return nil, &fantasy.Error{Title: "invalid argument", Message: fmt.Sprintf("zai provider options must be *zaifantasy.ProviderOptions, not %T", v)}
	}
	if po == nil {
		return &ProviderOptions{}, nil
	}
	return po, nil
}

// toTools maps function tools (their schemas cleaned for GLM, "strict":
// false as OpenAI-style clients send) and the web search tool. Z.ai's
// tool_choice is "auto" or one named function: "none" sends no function
// tools, and "required" names the function when there is exactly one.
func toTools(tools []fantasy.Tool, choice *fantasy.ToolChoice, warnings *[]fantasy.CallWarning) ([]zai.Tool, zai.ToolChoice, error) {
	var out []zai.Tool
	functions := 0
	for _, t := range tools {
		switch v := t.(type) {
		case *fantasy.FunctionTool:
			t = *v
		case fantasy.ExecutableProviderTool:
			t = v.Definition()
		}
		switch t := t.(type) {
		case fantasy.FunctionTool:
			params, err := toolSchema(t.InputSchema)
			if err != nil {
				return nil, zai.ToolChoice{}, &fantasy.Error{Title: "invalid argument", Message: fmt.Sprintf("tool %q: %v", t.Name, err), Cause: err}
			}
			out = append(out, zai.Tool{Type: zai.ToolTypeFunction, Function: &zai.FunctionDefinition{
				Name: t.Name, Description: t.Description, Parameters: params, Strict: zai.Ptr(false),
			}})
			functions++
		case fantasy.ProviderDefinedTool:
			ws, ok := webSearchArgs(t)
			if !ok {
				*warnings = append(*warnings, fantasy.CallWarning{Type: fantasy.CallWarningTypeUnsupportedTool, Tool: t, Message: "Z.ai has no provider tool " + t.ID})
				continue
			}
			out = append(out, zai.WebSearchTool(ws))
		default:
			*warnings = append(*warnings, fantasy.CallWarning{Type: fantasy.CallWarningTypeUnsupportedTool, Tool: t, Message: "tool is not supported"})
		}
	}
	if choice == nil || len(out) == 0 {
		return out, zai.ToolChoice{}, nil
	}
	switch *choice {
	case fantasy.ToolChoiceAuto:
		return out, zai.ToolChoiceAuto, nil
	case fantasy.ToolChoiceNone:
		// Z.ai has no "none": offer no function to call.
		kept := slices.DeleteFunc(out, func(t zai.Tool) bool { return t.Type == zai.ToolTypeFunction })
		return kept, zai.ToolChoice{}, nil
	case fantasy.ToolChoiceRequired:
		if functions == 1 {
			for _, t := range out {
				if t.Type == zai.ToolTypeFunction {
					return out, zai.ToolChoiceFunction(t.Function.Name), nil
				}
			}
		}
		*warnings = append(*warnings, fantasy.CallWarning{Type: fantasy.CallWarningTypeUnsupportedSetting, Setting: "tool_choice",
			Details: fmt.Sprintf(`Z.ai can force one named function, not a choice among %d; "auto" was sent`, functions)})
		return out, zai.ToolChoiceAuto, nil
	default:
		name := string(*choice)
		if !slices.ContainsFunc(out, func(t zai.Tool) bool { return t.Function != nil && t.Function.Name == name }) {
			return nil, zai.ToolChoice{}, &fantasy.Error{Title: "invalid argument", Message: fmt.Sprintf("tool choice %q names no function tool of the call", name)}
		}
		return out, zai.ToolChoiceFunction(name), nil
	}
}

// toolSchema is the schema as GLM accepts it (it answers 500 / 1234 to
// anyOf, oneOf and $ref). A tool without parameters gets an empty object.
func toolSchema(schema map[string]any) (map[string]any, error) {
	if len(schema) == 0 {
		return map[string]any{"type": "object", "properties": map[string]any{}}, nil
	}
	return zai.CleanSchema(schema)
}

// webSearchArgs reads a web search tool's Args as a zai.WebSearch.
func webSearchArgs(t fantasy.ProviderDefinedTool) (zai.WebSearch, bool) {
	var ws zai.WebSearch
	if t.ID != WebSearchToolID {
		return ws, false
	}
	if len(t.Args) == 0 {
		return ws, true
	}
	b, err := json.Marshal(t.Args)
	if err != nil || json.Unmarshal(b, &ws) != nil {
		return ws, false
	}
	return ws, true
}
