package zaifantasy

import (
	"context"
	"fmt"

	"charm.land/fantasy"
	"charm.land/fantasy/object"

	"github.com/zai-go/zai"
)

// Generate sends the call and returns the whole reply: reasoning, text,
// tool calls, web-search sources, usage and the finish reason.
//
// POST /chat/completions
func (m *languageModel) Generate(ctx context.Context, call fantasy.Call) (*fantasy.Response, error) {
	p, err := m.prepare(call, false)
	if err != nil {
		return nil, err
	}
	resp, err := m.p.client.Chat.Completions.Create(ctx, p.req, p.opts...)
	if err != nil {
		return nil, toProviderError(ctx, err)
	}
	if len(resp.Choices) == 0 {
		return nil, &fantasy.Error{Title: "no response", Message: fmt.Sprintf("the completion %q has no choices", resp.ID)}
	}
	choice := resp.Choices[0]
	msg := &choice.Message

	finish := mapFinishReason(choice.FinishReason)
	warnings := p.warnings
	content := make([]fantasy.Content, 0, 2+len(msg.ToolCalls)+len(resp.WebSearch))
	if msg.ReasoningContent != "" {
		content = append(content, fantasy.ReasoningContent{Text: msg.ReasoningContent})
	}
	if msg.Content != "" {
		content = append(content, fantasy.TextContent{Text: msg.Content})
	}
	if len(msg.ToolCalls) > 0 {
		if abnormal(finish) {
			// A turn cut short may carry truncated arguments: running
			// them would act on input the model never finished.
			warnings = append(warnings, truncatedCallsWarning(choice.FinishReason))
		} else {
			finish = fantasy.FinishReasonToolCalls
			for _, tc := range msg.ToolCalls {
				content = append(content, fantasy.ToolCallContent{ToolCallID: tc.ID, ToolName: tc.Function.Name, Input: tc.Function.Arguments})
			}
		}
	} else if w := abnormalFinishWarning(choice.FinishReason, finish); w != nil {
		warnings = append(warnings, *w)
	}
	content = append(content, sources(resp.WebSearch)...)

	return &fantasy.Response{
		Content:      content,
		FinishReason: finish,
		Usage:        mapUsage(&resp.Usage),
		Warnings:     warnings,
		ProviderMetadata: fantasy.ProviderMetadata{Name: &ProviderMetadata{
			ID:            resp.ID,
			RequestID:     resp.RequestID,
			FinishReason:  choice.FinishReason,
			WebSearch:     resp.WebSearch,
			ContentFilter: resp.ContentFilter,
		}},
	}, nil
}

// GenerateObject asks for an object matching call.Schema: by default as a
// forced call of a function whose parameters are the schema, which GLM
// follows more closely than a JSON reply (see WithObjectMode).
func (m *languageModel) GenerateObject(ctx context.Context, call fantasy.ObjectCall) (*fantasy.ObjectResponse, error) {
	if m.p.objectMode == fantasy.ObjectModeText {
		return object.GenerateWithText(ctx, m, call)
	}
	return object.GenerateWithTool(ctx, m, call)
}

// StreamObject streams an object matching call.Schema as it is written,
// in the same mode as GenerateObject.
func (m *languageModel) StreamObject(ctx context.Context, call fantasy.ObjectCall) (fantasy.ObjectStreamResponse, error) {
	if m.p.objectMode == fantasy.ObjectModeText {
		return object.StreamWithText(ctx, m, call)
	}
	return object.StreamWithTool(ctx, m, call)
}

// mapUsage counts as fantasy does: input without the cached tokens (they
// are CacheReadTokens), reasoning as a part of the output.
func mapUsage(u *zai.Usage) fantasy.Usage {
	if u == nil {
		return fantasy.Usage{}
	}
	cached := int64(u.PromptTokensDetails.CachedTokens)
	return fantasy.Usage{
		InputTokens:     max(int64(u.PromptTokens)-cached, 0),
		OutputTokens:    int64(u.CompletionTokens),
		TotalTokens:     int64(u.TotalTokens),
		ReasoningTokens: int64(u.CompletionTokensDetails.ReasoningTokens),
		CacheReadTokens: cached,
	}
}

// mapFinishReason maps Z.ai's finish reasons, its own included, onto
// fantasy's. "sensitive" is the content filter; "network_error" an error on
// the server's side; "model_context_window_exceeded" a reply cut at the
// context window, as "length" is at max_tokens.
func mapFinishReason(r zai.FinishReason) fantasy.FinishReason {
	switch r {
	case zai.FinishReasonStop:
		return fantasy.FinishReasonStop
	case zai.FinishReasonToolCalls, "function_call":
		return fantasy.FinishReasonToolCalls
	case zai.FinishReasonLength, zai.FinishReasonModelContextWindowExceeded:
		return fantasy.FinishReasonLength
	case zai.FinishReasonSensitive, "content_filter":
		return fantasy.FinishReasonContentFilter
	case zai.FinishReasonNetworkError:
		return fantasy.FinishReasonError
	default:
		return fantasy.FinishReasonUnknown
	}
}

// abnormal reports a finish that may have cut the reply short.
func abnormal(f fantasy.FinishReason) bool {
	return f == fantasy.FinishReasonLength || f == fantasy.FinishReasonContentFilter || f == fantasy.FinishReasonError
}

func truncatedCallsWarning(raw zai.FinishReason) fantasy.CallWarning {
	return fantasy.CallWarning{
		Type:            fantasy.CallWarningTypeOther,
		Message:         fmt.Sprintf("the turn ended abnormally (finish_reason %q) with tool calls; they were not returned, as their arguments may be truncated", raw),
		RawFinishReason: string(raw),
	}
}

// abnormalFinishWarning tells a reply cut short, or ended for a reason this
// provider does not know, from a complete one.
func abnormalFinishWarning(raw zai.FinishReason, f fantasy.FinishReason) *fantasy.CallWarning {
	var why string
	switch {
	case raw == "":
		return nil
	case raw == zai.FinishReasonModelContextWindowExceeded:
		why = "the conversation filled the model's context window; the reply may be truncated"
	case f == fantasy.FinishReasonLength:
		why = "the model hit the token limit; the reply may be truncated"
	case f == fantasy.FinishReasonContentFilter:
		why = "the content filter stopped the model; the reply may be incomplete"
	case f == fantasy.FinishReasonError:
		why = "the server reported an error; the reply may be truncated"
	case f == fantasy.FinishReasonUnknown:
		why = "the finish reason is not one Z.ai documents; the reply may be truncated"
	default:
		return nil
	}
	return &fantasy.CallWarning{
		Type:            fantasy.CallWarningTypeOther,
		Message:         fmt.Sprintf("the turn ended with finish_reason %q: %s", raw, why),
		RawFinishReason: string(raw),
	}
}

// sources maps web-search results onto URL sources. The id is the
// result's refer ("ref_1"), which the reply's citations name, when sent.
func sources(results []zai.WebSearchResult) []fantasy.Content {
	var out []fantasy.Content
	for i, r := range results {
		out = append(out, fantasy.SourceContent{SourceType: fantasy.SourceTypeURL, ID: sourceID(i, r), URL: r.Link, Title: r.Title})
	}
	return out
}

func sourceID(i int, r zai.WebSearchResult) string {
	if r.Refer != "" {
		return r.Refer
	}
	return fmt.Sprintf("web_search_%d", i+1)
}
