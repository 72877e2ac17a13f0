package zaifantasy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"charm.land/fantasy"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaifantasy"
	"github.com/zai-go/zai/zaitest"
)

// part is a stream part reduced to what the protocol test compares.
func partString(p fantasy.StreamPart) string {
	switch p.Type {
	case fantasy.StreamPartTypeReasoningDelta, fantasy.StreamPartTypeTextDelta, fantasy.StreamPartTypeToolInputDelta:
		return fmt.Sprintf("%s %s %q", p.Type, p.ID, p.Delta)
	case fantasy.StreamPartTypeToolInputStart:
		return fmt.Sprintf("%s %s %s", p.Type, p.ID, p.ToolCallName)
	case fantasy.StreamPartTypeToolCall:
		return fmt.Sprintf("%s %s %s %s", p.Type, p.ID, p.ToolCallName, p.ToolCallInput)
	case fantasy.StreamPartTypeSource:
		return fmt.Sprintf("%s %s %s %s %q", p.Type, p.ID, p.SourceType, p.URL, p.Title)
	case fantasy.StreamPartTypeFinish:
		return fmt.Sprintf("%s %s %s", p.Type, p.FinishReason, p.Usage)
	case fantasy.StreamPartTypeWarnings:
		var msgs []string
		for _, w := range p.Warnings {
			msgs = append(msgs, w.Message)
		}
		return fmt.Sprintf("%s %q", p.Type, msgs)
	case fantasy.StreamPartTypeError:
		return fmt.Sprintf("%s %v", p.Type, p.Error)
	default:
		return fmt.Sprintf("%s %s", p.Type, p.ID)
	}
}

// The whole stream-part protocol on one tool_stream turn as GLM sends it:
// reasoning, text, web-search results, two calls whose arguments arrive in
// fragments keyed by index, then the finish chunk with usage.
func TestStreamProtocol(t *testing.T) {
	srv := zaitest.NewServer(t)
	web := zaitest.Reasoning(" think.")
	web.(map[string]any)["web_search"] = json.RawMessage(`[{"title":"Rome weather","content":"Sunny.","link":"https://example.com/rome","media":"Example","icon":"","refer":"ref_1","publish_date":"2026-05-01"}]`)
	finish := zaitest.Finish(zai.FinishReasonToolCalls, 173, 88).(map[string]any)
	finish["usage"] = json.RawMessage(`{"prompt_tokens":173,"completion_tokens":88,"total_tokens":261,"prompt_tokens_details":{"cached_tokens":43},"completion_tokens_details":{"reasoning_tokens":62}}`)
	srv.ReplyStream(
		zaitest.Reasoning("Let me"), web,
		zaitest.Text("Checking"), zaitest.Text(" both."),
		zaitest.ToolCallChunk(0, "call_a", "weather", ""),
		zaitest.ToolCallChunk(0, "", "", `{"city":`),
		zaitest.ToolCallChunk(0, "", "", `"Rome"}`),
		zaitest.ToolCallChunk(1, "call_b", "weather", `{"city":"Oslo"}`),
		finish,
	)
	m := newModel(t, srv)
	stream, err := m.Stream(context.Background(), fantasy.Call{
		Prompt:          userPrompt("Weather in Rome and Oslo?"),
		Tools:           []fantasy.Tool{fantasy.FunctionTool{Name: "weather", InputSchema: map[string]any{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}}}},
		ProviderOptions: zaifantasy.NewProviderOptions(&zaifantasy.ProviderOptions{ToolStream: true}),
	})
	if err != nil {
		t.Fatal(err)
	}
	parts := collect(t, stream)
	var got []string
	for _, p := range parts {
		got = append(got, partString(p))
	}
	want := []string{
		`reasoning_start 1`,
		`reasoning_delta 1 "Let me"`,
		`source ref_1 url https://example.com/rome "Rome weather"`,
		`reasoning_delta 1 " think."`,
		`reasoning_end 1`,
		`text_start 2`,
		`text_delta 2 "Checking"`,
		`text_delta 2 " both."`,
		`text_end 2`,
		`tool_input_start call_a weather`,
		`tool_input_delta call_a "{\"city\":"`,
		`tool_input_delta call_a "\"Rome\"}"`,
		`tool_input_start call_b weather`,
		`tool_input_delta call_b "{\"city\":\"Oslo\"}"`,
		`tool_input_end call_a`,
		`tool_call call_a weather {"city":"Rome"}`,
		`tool_input_end call_b`,
		`tool_call call_b weather {"city":"Oslo"}`,
		`finish tool-calls Usage{Input: 130, Output: 88, Total: 261, Reasoning: 62, CacheCreation: 0, CacheRead: 43}`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("parts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	meta, ok := parts[len(parts)-1].ProviderMetadata[zaifantasy.Name].(*zaifantasy.ProviderMetadata)
	if !ok || meta.FinishReason != zai.FinishReasonToolCalls || meta.ID != "zaitest-stream" || meta.RequestID == "" ||
		len(meta.WebSearch) != 1 || meta.WebSearch[0].PublishDate != "2026-05-01" {
		t.Fatalf("metadata %+v", meta)
	}
	body := sent(t, srv, 0)
	if body["tool_stream"] != true || body["stream"] != true || !reflect.DeepEqual(body["stream_options"], map[string]any{"include_usage": true}) {
		t.Fatalf("body %v", body)
	}
}

// Whole calls sent without distinct indexes stay apart; a call without
// arguments gets "{}".
func TestStreamCallsSharingAnIndex(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.ReplyStream(
		zaitest.ToolCallChunk(0, "call_a", "add", `{"a":2}`),
		zaitest.ToolCallChunk(0, "call_b", "now", ""),
		zaitest.Finish(zai.FinishReasonToolCalls, 5, 5),
	)
	stream, err := newModel(t, srv).Stream(context.Background(), fantasy.Call{Prompt: userPrompt("hi")})
	if err != nil {
		t.Fatal(err)
	}
	var calls []string
	for _, p := range collect(t, stream) {
		if p.Type == fantasy.StreamPartTypeToolCall {
			calls = append(calls, p.ID+" "+p.ToolCallName+" "+p.ToolCallInput)
		}
	}
	if want := []string{`call_a add {"a":2}`, `call_b now {}`}; !reflect.DeepEqual(calls, want) {
		t.Fatalf("calls %q, want %q", calls, want)
	}
}

// Z.ai's own finish reasons map onto fantasy's, with a warning that keeps
// the raw reason; calls of a turn cut short are never handed over.
func TestFinishReasons(t *testing.T) {
	for _, c := range []struct {
		raw    zai.FinishReason
		want   fantasy.FinishReason
		warned bool
	}{
		{zai.FinishReasonStop, fantasy.FinishReasonStop, false},
		{zai.FinishReasonLength, fantasy.FinishReasonLength, true},
		{zai.FinishReasonSensitive, fantasy.FinishReasonContentFilter, true},
		{zai.FinishReasonNetworkError, fantasy.FinishReasonError, true},
		{zai.FinishReasonModelContextWindowExceeded, fantasy.FinishReasonLength, true},
		{"something_new", fantasy.FinishReasonUnknown, true},
	} {
		t.Run(string(c.raw), func(t *testing.T) {
			srv := zaitest.NewServer(t)
			srv.Reply(map[string]any{"id": "c1", "model": "glm-4.7", "choices": []any{map[string]any{
				"index": 0, "finish_reason": c.raw, "message": map[string]any{"role": "assistant", "content": "Partial"}}}})
			srv.ReplyStream(zaitest.Text("Partial"), zaitest.Finish(c.raw, 1, 1))
			m := newModel(t, srv)
			resp, err := m.Generate(context.Background(), fantasy.Call{Prompt: userPrompt("hi")})
			if err != nil {
				t.Fatal(err)
			}
			if resp.FinishReason != c.want || hasRawWarning(resp.Warnings, c.raw) != c.warned {
				t.Fatalf("Generate: %s, warnings %+v", resp.FinishReason, resp.Warnings)
			}
			stream, err := m.Stream(context.Background(), fantasy.Call{Prompt: userPrompt("hi")})
			if err != nil {
				t.Fatal(err)
			}
			var finish fantasy.FinishReason
			var warnings []fantasy.CallWarning
			for _, p := range collect(t, stream) {
				warnings = append(warnings, p.Warnings...)
				if p.Type == fantasy.StreamPartTypeFinish {
					finish = p.FinishReason
				}
			}
			if finish != c.want || hasRawWarning(warnings, c.raw) != c.warned {
				t.Fatalf("Stream: %s, warnings %+v", finish, warnings)
			}
		})
	}
	t.Run("tool calls cut at length", func(t *testing.T) {
		srv := zaitest.NewServer(t)
		srv.Reply(map[string]any{"id": "c1", "model": "glm-4.7", "choices": []any{map[string]any{
			"index": 0, "finish_reason": "length", "message": map[string]any{"role": "assistant", "content": "",
				"tool_calls": []any{map[string]any{"id": "call_1", "type": "function", "function": map[string]any{"name": "f", "arguments": `{"a":`}}}}}}})
		srv.ReplyStream(zaitest.ToolCallChunk(0, "call_1", "f", `{"a":`), zaitest.Finish(zai.FinishReasonLength, 1, 1))
		m := newModel(t, srv)
		resp, err := m.Generate(context.Background(), fantasy.Call{Prompt: userPrompt("hi")})
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Content.ToolCalls()) != 0 || resp.FinishReason != fantasy.FinishReasonLength || !hasRawWarning(resp.Warnings, "length") {
			t.Fatalf("Generate: %+v", resp)
		}
		stream, err := m.Stream(context.Background(), fantasy.Call{Prompt: userPrompt("hi")})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range collect(t, stream) {
			if p.Type == fantasy.StreamPartTypeToolCall || p.Type == fantasy.StreamPartTypeFinish && p.FinishReason != fantasy.FinishReasonLength {
				t.Fatalf("Stream: %+v", p)
			}
		}
	})
}

func hasRawWarning(ws []fantasy.CallWarning, raw zai.FinishReason) bool {
	for _, w := range ws {
		if w.RawFinishReason == string(raw) {
			return true
		}
	}
	return false
}

// Breaking out of the loop closes the connection (goleak checks that no
// reader is left); a stream read twice says so instead of sending again.
func TestStreamEarlyBreakAndSecondRange(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.ReplyStream(zaitest.Text("a"), zaitest.Text("b"), zaitest.Text("c")).StallAfter(2)
	stream, err := newModel(t, srv).Stream(context.Background(), fantasy.Call{Prompt: userPrompt("hi")})
	if err != nil {
		t.Fatal(err)
	}
	for p := range stream {
		if p.Type == fantasy.StreamPartTypeTextDelta {
			break
		}
	}
	parts := collect(t, stream)
	if len(parts) != 1 || parts[0].Type != fantasy.StreamPartTypeError {
		t.Fatalf("second range: %+v", parts)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Fatalf("%d requests", n)
	}
}
