package zai

import (
	"slices"
	"strings"
)

// ChatCompletionAccumulator joins the chunks of a streamed completion into
// the ChatCompletion a non-streaming call would have returned: content and
// reasoning are concatenated, tool-call fragments are merged by index (the
// id, type and name come first, the arguments in pieces when tool_stream is
// on; an MCP call and its document references are kept whole), and the
// finish reason, usage, web-search results and knowledge-base retrieval
// (KnowledgeV2) are kept.
//
//	var acc zai.ChatCompletionAccumulator
//	for chunk, err := range stream.All() {
//		if err != nil { return err }
//		acc.Add(chunk)
//	}
//	completion := acc.Completion()
//
// The zero value is ready to use. Its memory grows with the content kept, not
// with the number of chunks.
type ChatCompletionAccumulator struct {
	id, object, model string
	created           int64
	choices           []*choiceAcc // ordered by first appearance
	usage             *Usage
	webSearch         []WebSearchResult
	contentFilter     []ContentFilter
	knowledgeV2       *KnowledgeV2
}

type choiceAcc struct {
	index        int
	role         Role
	content      strings.Builder
	reasoning    strings.Builder
	toolCalls    []*toolCallAcc
	finishReason FinishReason
	audio        *MessageAudio // ID and ExpiresAt; the data is in audioData
	audioData    strings.Builder
}

type toolCallAcc struct {
	call ToolCall
	args strings.Builder
}

// Add merges one chunk.
func (a *ChatCompletionAccumulator) Add(chunk ChatCompletionChunk) {
	if a.id == "" {
		a.id = chunk.ID
	}
	if chunk.Object != "" {
		a.object = chunk.Object
	}
	if a.model == "" {
		a.model = chunk.Model
	}
	if a.created == 0 {
		a.created = chunk.Created
	}
	if chunk.Usage != nil {
		u := *chunk.Usage
		a.usage = &u
	}
	if len(chunk.WebSearch) > 0 {
		a.webSearch = chunk.WebSearch
	}
	if len(chunk.ContentFilter) > 0 {
		a.contentFilter = chunk.ContentFilter
	}
	if chunk.KnowledgeV2 != nil {
		a.knowledgeV2 = chunk.KnowledgeV2
	}
	for i := range chunk.Choices {
		cc := &chunk.Choices[i]
		ch := a.choice(cc.Index)
		d := &cc.Delta
		if d.Role != "" && ch.role == "" {
			ch.role = d.Role
		}
		ch.content.WriteString(d.Content)
		ch.reasoning.WriteString(d.ReasoningContent)
		for _, tc := range d.ToolCalls {
			ch.addToolCall(tc)
		}
		if d.Audio != nil {
			if ch.audio == nil {
				ch.audio = &MessageAudio{}
			}
			ch.audioData.WriteString(d.Audio.Data)
			if d.Audio.ID != "" {
				ch.audio.ID = d.Audio.ID
			}
			if d.Audio.ExpiresAt != 0 {
				ch.audio.ExpiresAt = d.Audio.ExpiresAt
			}
		}
		if cc.FinishReason != "" {
			ch.finishReason = cc.FinishReason
		}
	}
}

func (a *ChatCompletionAccumulator) choice(index int) *choiceAcc {
	for _, c := range a.choices {
		if c.index == index {
			return c
		}
	}
	c := &choiceAcc{index: index}
	a.choices = append(a.choices, c)
	return c
}

// addToolCall merges a fragment into the call with the same index. A
// fragment with a different id at an index already in use starts a new call,
// for servers that send whole calls without distinct indexes.
func (c *choiceAcc) addToolCall(tc ToolCall) {
	var cur *toolCallAcc
	for _, t := range c.toolCalls {
		if t.call.Index == tc.Index {
			cur = t
		}
	}
	if cur == nil || (tc.ID != "" && cur.call.ID != "" && tc.ID != cur.call.ID) {
		cur = &toolCallAcc{call: ToolCall{Index: tc.Index}}
		c.toolCalls = append(c.toolCalls, cur)
	}
	if tc.ID != "" {
		cur.call.ID = tc.ID
	}
	if tc.Type != "" {
		cur.call.Type = tc.Type
	}
	if n := tc.Function.Name; n != "" && n != cur.call.Function.Name {
		cur.call.Function.Name += n
	}
	if tc.MCP != nil {
		mcp := *tc.MCP
		cur.call.MCP = &mcp
	}
	if len(tc.DocReference) > 0 {
		cur.call.DocReference = tc.DocReference
	}
	cur.args.WriteString(tc.Function.Arguments)
}

// Completion returns the completion assembled so far. Choices are ordered by
// index. It can be called at any time; it does not change the accumulator.
func (a *ChatCompletionAccumulator) Completion() *ChatCompletion {
	object := "chat.completion"
	if a.object == "" {
		object = ""
	}
	out := &ChatCompletion{
		ID:            a.id,
		Object:        object,
		Created:       a.created,
		Model:         a.model,
		WebSearch:     slices.Clone(a.webSearch),
		ContentFilter: slices.Clone(a.contentFilter),
		Choices:       make([]ChatCompletionChoice, 0, len(a.choices)),
	}
	if a.usage != nil {
		out.Usage = *a.usage
	}
	if a.knowledgeV2 != nil {
		kv := *a.knowledgeV2 // a copy, so later chunks don't change this result
		out.KnowledgeV2 = &kv
	}
	for _, c := range a.choices {
		m := Message{
			Role:             c.role,
			Content:          c.content.String(),
			ReasoningContent: c.reasoning.String(),
		}
		if c.audio != nil {
			audio := *c.audio // a copy, so later chunks don't change this result
			audio.Data = c.audioData.String()
			m.Audio = &audio
		}
		if m.Role == "" {
			m.Role = RoleAssistant
		}
		for _, t := range c.toolCalls {
			call := t.call
			call.Function.Arguments = t.args.String()
			call.DocReference = slices.Clone(call.DocReference)
			if call.MCP != nil {
				mcp := *call.MCP
				call.MCP = &mcp
			}
			m.ToolCalls = append(m.ToolCalls, call)
		}
		out.Choices = append(out.Choices, ChatCompletionChoice{Index: c.index, Message: m, FinishReason: c.finishReason})
	}
	slices.SortStableFunc(out.Choices, func(x, y ChatCompletionChoice) int { return x.Index - y.Index })
	return out
}

// Usage returns the usage reported so far (on the last chunk), or nil.
func (a *ChatCompletionAccumulator) Usage() *Usage { return a.usage }
