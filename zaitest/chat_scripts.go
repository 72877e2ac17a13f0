package zaitest

import "github.com/zai-go/zai"

// Scripts for chat conversations: replies that carry a whole assistant
// message, for testing structured output and tool loops.
//
//	srv.ReplyToolCalls(zaitest.ToolCall("call_1", "get_weather", `{"city":"Paris"}`))
//	srv.ReplyContent("It is sunny in Paris.")
//	final, err := zai.NewToolRunner(srv.Client(), req, weather).Run(ctx)

// ToolCall returns a function call for ReplyToolCalls and ReplyMessage:
// the call's id, the tool's name and the arguments as JSON text.
func ToolCall(id, name, arguments string) zai.ToolCall {
	return zai.ToolCall{ID: id, Type: zai.ToolTypeFunction, Function: zai.FunctionCall{Name: name, Arguments: arguments}}
}

// ReplyMessage answers the next request with a chat completion whose first
// choice is msg (its role is "assistant" when empty). The finish reason is
// "tool_calls" when msg calls tools and "stop" otherwise.
func (s *Server) ReplyMessage(msg zai.Message) *Scripted {
	finish := zai.FinishReasonStop
	if len(msg.ToolCalls) > 0 {
		finish = zai.FinishReasonToolCalls
	}
	m := map[string]any{"role": zai.RoleAssistant, "content": msg.Content}
	if msg.Role != "" {
		m["role"] = msg.Role
	}
	if msg.ReasoningContent != "" {
		m["reasoning_content"] = msg.ReasoningContent
	}
	if len(msg.ToolCalls) > 0 {
		calls := make([]any, len(msg.ToolCalls))
		for i, c := range msg.ToolCalls {
			calls[i] = callWire(i, c, c.Function.Arguments)
		}
		m["tool_calls"] = calls
	}
	return s.Reply(map[string]any{
		"id": "zaitest-scripted", "request_id": "zaitest-scripted", "object": "chat.completion",
		"created": Created, "model": "zaitest",
		"choices": []any{map[string]any{"index": 0, "finish_reason": finish, "message": m}},
		"usage":   map[string]any{"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
	})
}

// ReplyContent answers the next request with an assistant message of text.
func (s *Server) ReplyContent(content string) *Scripted {
	return s.ReplyMessage(zai.AssistantMessage(content))
}

// ReplyToolCalls answers the next request with an assistant message that
// calls the tools, in order (build each with ToolCall).
func (s *Server) ReplyToolCalls(calls ...zai.ToolCall) *Scripted {
	return s.ReplyMessage(zai.Message{Role: zai.RoleAssistant, ToolCalls: calls})
}

// ReplyStreamMessage answers the next request with msg as a stream, in the
// live API's shape with tool_stream on: the reasoning and then the content
// word by word, each tool call's id and name and then its arguments in
// fragments, then the finish reason and usage.
func (s *Server) ReplyStreamMessage(msg zai.Message) *Scripted {
	var chunks []any
	for _, w := range splitWords(msg.ReasoningContent) {
		chunks = append(chunks, Reasoning(w))
	}
	for _, w := range splitWords(msg.Content) {
		chunks = append(chunks, Text(w))
	}
	for i, c := range msg.ToolCalls {
		chunks = append(chunks, chunk(map[string]any{"tool_calls": []any{callWire(i, c, "")}}, ""))
		args := c.Function.Arguments
		for j := 0; j < len(args); j += 8 {
			chunks = append(chunks, ToolCallChunk(i, "", "", args[j:min(j+8, len(args))]))
		}
	}
	finish := zai.FinishReasonStop
	if len(msg.ToolCalls) > 0 {
		finish = zai.FinishReasonToolCalls
	}
	chunks = append(chunks, Finish(finish, 10, 5))
	return s.ReplyStream(chunks...)
}

func callWire(index int, c zai.ToolCall, args string) map[string]any {
	typ := c.Type
	if typ == "" {
		typ = zai.ToolTypeFunction
	}
	return map[string]any{"id": c.ID, "index": index, "type": typ,
		"function": map[string]any{"name": c.Function.Name, "arguments": args}}
}
