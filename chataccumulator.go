package zai

import (
	"slices"
)

// ChatCompletionAccumulator joins the chunks of a streamed completion into
// the ChatCompletion a non-streaming call would have returned. Every field
// a chunk shares with a completion is carried, by rules that follow from the
// field's type (they are generated; see mergeRule in internal/cmd/gendecode):
//
//   - the chunk's own fields (id, model, usage, web search results,
//     knowledge-base retrieval, ...) and each choice's (finish reason) are
//     reports: the last non-empty value wins;
//
//   - choices are merged by index, and each choice's delta field by field:
//     text (content, reasoning, tool-call arguments, audio data) is
//     concatenated; an id keeps the last value sent; a function name is
//     joined from its pieces, unless a server repeats it whole; other
//     values (role, type, numbers) keep the last one sent; lists are
//     appended; nested objects are merged by the same rules, except an MCP
//     call, which arrives whole;
//
//   - tool calls are merged by index: the id, type and name come first, the
//     arguments in pieces when tool_stream is on. A fragment with a new id at
//     an index already in use starts a new call.
//
//     var acc zai.ChatCompletionAccumulator
//     for chunk, err := range stream.All() {
//     if err != nil { return err }
//     acc.Add(chunk)
//     }
//     completion := acc.Completion()
//
// The zero value is ready to use. Its memory grows with the content kept, not
// with the number of chunks.
type ChatCompletionAccumulator struct {
	report  ChatCompletionChunk             // the last non-empty top-level fields
	choices []*chatCompletionChunkChoiceAcc // ordered by first appearance
}

// Add merges one chunk.
func (a *ChatCompletionAccumulator) Add(chunk ChatCompletionChunk) {
	mergeChatCompletionChunk(&a.report, &chunk)
	for i := range chunk.Choices {
		a.choice(chunk.Choices[i].Index).add(&chunk.Choices[i])
	}
}

func (a *ChatCompletionAccumulator) choice(index int) *chatCompletionChunkChoiceAcc {
	for _, c := range a.choices {
		if c.report.Index == index {
			return c
		}
	}
	c := &chatCompletionChunkChoiceAcc{report: ChatCompletionChunkChoice{Index: index}}
	a.choices = append(a.choices, c)
	return c
}

// Completion returns the completion assembled so far. Choices are ordered by
// index, and a choice whose role was never sent is the assistant's. It can
// be called at any time; it does not change the accumulator, and later Adds
// do not change what it returned.
func (a *ChatCompletionAccumulator) Completion() *ChatCompletion {
	chunk := a.report
	cloneChatCompletionChunk(&chunk)
	chunk.Choices = make([]ChatCompletionChunkChoice, len(a.choices))
	for i, c := range a.choices {
		chunk.Choices[i] = c.value()
		cloneChatCompletionChunkChoice(&chunk.Choices[i])
		if chunk.Choices[i].Delta.Role == "" {
			chunk.Choices[i].Delta.Role = RoleAssistant
		}
	}
	slices.SortStableFunc(chunk.Choices, func(x, y ChatCompletionChunkChoice) int { return x.Index - y.Index })
	out := chatCompletionFromChatCompletionChunk(&chunk)
	if out.Object != "" {
		out.Object = "chat.completion"
	}
	return &out
}

// Usage returns the usage reported so far (on the last chunk), or nil.
func (a *ChatCompletionAccumulator) Usage() *Usage { return a.report.Usage }

// toolCallsAcc merges tool-call fragments by index (byIndex in gendecode).
type toolCallsAcc struct {
	calls []*toolCallAcc
}

// add merges each fragment into the call with the same index. A fragment
// with a different id at an index already in use starts a new call, for
// servers that send whole calls without distinct indexes; one without an id
// goes to the newest call at its index.
func (t *toolCallsAcc) add(calls []ToolCall) {
	for i := range calls {
		tc := &calls[i]
		var cur *toolCallAcc
		for _, c := range t.calls {
			if c.Index == tc.Index {
				cur = c
			}
		}
		if cur == nil || (tc.ID != "" && cur.ID != "" && tc.ID != cur.ID) {
			cur = &toolCallAcc{Index: tc.Index}
			t.calls = append(t.calls, cur)
		}
		cur.add(tc)
	}
}

func (t *toolCallsAcc) value() []ToolCall {
	if len(t.calls) == 0 {
		return nil
	}
	out := make([]ToolCall, len(t.calls))
	for i, c := range t.calls {
		out[i] = c.value()
	}
	return out
}
