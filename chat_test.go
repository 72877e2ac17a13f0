package zai_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/zai-go/zai"
)

// everyField sets every documented chat request field.
func everyField() zai.ChatCompletionRequest {
	return zai.ChatCompletionRequest{
		Model: zai.ModelGLM4_7,
		Messages: []zai.Message{
			zai.SystemMessage("You are helpful."),
			zai.UserMessageParts(
				zai.TextPart("What is in these?"),
				zai.ImageURLPart("https://example.com/cat.png"),
				zai.VideoURLPart("https://example.com/cat.mp4"),
				zai.FileURLPart("https://example.com/cat.pdf"),
				zai.InputAudioPart("UklGRg==", "wav"),
			),
			{Role: zai.RoleAssistant, ToolCalls: []zai.ToolCall{{ID: "call_1", Type: "function", Function: zai.FunctionCall{Name: "weather", Arguments: `{"city":"Paris"}`}}}},
			zai.ToolMessage("call_1", "22 C"),
		},
		Temperature:     zai.Ptr(0.0),
		TopP:            zai.Ptr(0.7),
		MaxTokens:       zai.Ptr(1024),
		Stop:            []string{"END"},
		DoSample:        zai.Ptr(false),
		Seed:            zai.Ptr(int64(42)),
		Thinking:        &zai.Thinking{Type: zai.ThinkingTypeEnabled, ClearThinking: zai.Ptr(false)},
		ReasoningEffort: zai.ReasoningEffortHigh,
		Tools: []zai.Tool{
			zai.FunctionTool("weather", "Get the weather", map[string]any{
				"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}, "required": []string{"city"},
			}),
			zai.WebSearchTool(zai.WebSearch{Enable: zai.Ptr(true), SearchEngine: "search_pro_jina", SearchResult: true, Count: 5}),
			zai.RetrievalTool(zai.Retrieval{KnowledgeID: "kb_1", PromptTemplate: "Answer from {{knowledge}}: {{question}}"}),
			zai.MCPTool(zai.MCP{ServerLabel: "docs", ServerURL: "https://mcp.example.com/sse", TransportType: "sse", AllowedTools: []string{"search"}, Headers: map[string]string{"X-Team": "a"}}),
		},
		ToolChoice:         zai.ToolChoiceFunction("weather"),
		ToolStream:         true,
		ResponseFormat:     &zai.ResponseFormat{Type: "json_object"},
		RequestID:          "req-000001",
		UserID:             "user-000001",
		SensitiveWordCheck: &zai.SensitiveWordCheck{Type: "ALL", Status: "DISABLE"},
		WatermarkEnabled:   zai.Ptr(false),
		Meta:               &zai.CharacterMeta{UserInfo: "a student", BotInfo: "a teacher", BotName: "Li", UserName: "Wang"},
		StreamOptions:      &zai.StreamOptions{IncludeUsage: true},
	}
}

func TestChatRequestGolden(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/recorded/chat_simple.json", "application/json"))
	if _, err := client.Chat.Completions.Create(context.Background(), everyField()); err != nil {
		t.Fatal(err)
	}
	got := rec.last(t)
	if got.Method != "POST" || got.Path != "/api/paas/v4/chat/completions" {
		t.Fatalf("%s %s", got.Method, got.Path)
	}
	assertGoldenJSON(t, "chat_every_field.json", got.Body)

	// Every field of the request is set, so a field added to
	// ChatCompletionRequest reaches a golden file (Extra has its own:
	// chat_file_part_extra.json).
	rv := reflect.ValueOf(everyField())
	for i := range rv.NumField() {
		if f := rv.Type().Field(i); f.Name != "Extra" && rv.Field(i).IsZero() {
			t.Errorf("everyField does not set %s", f.Name)
		}
	}

	// The golden body decodes into a request that encodes to the same body.
	var req zai.ChatCompletionRequest
	if err := json.Unmarshal(got.Body, &req); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(req)
	assertSameJSON(t, got.Body, again)
}

func TestChatStreamFieldSetByMethod(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/recorded/chat_tool_streaming.sse", "text/event-stream"))
	stream, err := client.Chat.Completions.CreateStream(context.Background(), zai.ChatCompletionRequest{Model: "m", Messages: []zai.Message{zai.UserMessage("hi")}})
	if err != nil {
		t.Fatal(err)
	}
	stream.Close()
	var body map[string]any
	json.Unmarshal(rec.last(t).Body, &body)
	if body["stream"] != true || rec.last(t).Header.Get("Accept") != "text/event-stream" {
		t.Fatalf("stream body %v accept %q", body, rec.last(t).Header.Get("Accept"))
	}
	if _, err := client.Chat.Completions.Create(context.Background(), zai.ChatCompletionRequest{Model: "m", Messages: []zai.Message{zai.UserMessage("hi")}}); err == nil {
		t.Fatal("an SSE body should not decode as a completion")
	}
	body = nil
	json.Unmarshal(rec.last(t).Body, &body)
	if _, ok := body["stream"]; ok {
		t.Fatalf("Create sent stream: %v", body)
	}
}

// A recorded request (an OpenAI-style client's second turn of a tool call)
// decodes into ChatCompletionRequest and is sent again unchanged.
func TestRecordedRequestRoundTrips(t *testing.T) {
	recorded := readFile(t, "testdata/recorded/chat_tool_followup_request.json")
	var req zai.ChatCompletionRequest
	if err := json.Unmarshal(recorded, &req); err != nil {
		t.Fatal(err)
	}
	rec, client := newRecorder(t, respondFile(t, "testdata/recorded/chat_simple.json", "application/json"))
	if _, err := client.Chat.Completions.Create(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, recorded, rec.last(t).Body)
}

func TestChatResponseSimple(t *testing.T) {
	_, client := newRecorder(t, respondFile(t, "testdata/recorded/chat_simple.json", "application/json"))
	resp, err := client.Chat.Completions.Create(context.Background(), zai.ChatCompletionRequest{Model: zai.ModelGLM4_7Flash, Messages: []zai.Message{zai.UserMessage("Say hi in Portuguese")}})
	if err != nil {
		t.Fatal(err)
	}
	c := resp.Choices[0]
	if c.Message.Content != "Olá! (Oh-lah)" || c.FinishReason != zai.FinishReasonStop || c.Message.Role != "assistant" {
		t.Fatalf("choice %+v", c)
	}
	if !strings.HasPrefix(c.Message.ReasoningContent, "1.  **Analyze the Request:**") {
		t.Fatalf("reasoning %q", c.Message.ReasoningContent)
	}
	u := resp.Usage
	if u.PromptTokens != 15 || u.CompletionTokens != 249 || u.TotalTokens != 264 ||
		u.PromptTokensDetails.CachedTokens != 3 || u.CompletionTokensDetails.ReasoningTokens != 239 {
		t.Fatalf("usage %+v", u)
	}
	if resp.ID != "20260313050242595b2cb031a74737" || resp.RequestID != resp.ID || resp.Created != 1773349367 ||
		resp.Model != "glm-4.7-flash" || resp.Object != "chat.completion" {
		t.Fatalf("resp %+v", resp)
	}
	if string(resp.RawJSON()) != string(readFile(t, "testdata/recorded/chat_simple.json")) {
		t.Fatal("RawJSON is not the body as received")
	}
}

func TestChatResponseToolCall(t *testing.T) {
	_, client := newRecorder(t, respondFile(t, "testdata/recorded/chat_tool.json", "application/json"))
	resp, err := client.Chat.Completions.Create(context.Background(), zai.ChatCompletionRequest{Model: "m", Messages: []zai.Message{zai.UserMessage("weather?")}})
	if err != nil {
		t.Fatal(err)
	}
	msg := resp.Choices[0].Message
	if resp.Choices[0].FinishReason != zai.FinishReasonToolCalls || len(msg.ToolCalls) != 1 {
		t.Fatalf("%+v", resp.Choices[0])
	}
	tc := msg.ToolCalls[0]
	if tc.ID != "call_-7807249954186984837" || tc.Index != 0 || tc.Type != "function" ||
		tc.Function.Name != "weather" || tc.Function.Arguments != `{"location":"Florence,Italy"}` {
		t.Fatalf("tool call %+v", tc)
	}
	// Appending the reply as it is keeps the wire shape; an index of zero is
	// not sent (a decoded call equals the literal that spells it).
	b, _ := json.Marshal(msg)
	if strings.Contains(string(b), `"index"`) || !strings.Contains(string(b), `"arguments":"{\"location\":\"Florence,Italy\"}"`) {
		t.Fatalf("reply re-encoded as %s", b)
	}
}

func TestArgumentsSentAsObjectAreKeptAsJSONText(t *testing.T) {
	var tc zai.ToolCall
	if err := json.Unmarshal([]byte(`{"index":2,"id":"c","type":"function","function":{"name":"f","arguments":{"city":"Paris","n":[1,2]}}}`), &tc); err != nil {
		t.Fatal(err)
	}
	if tc.Index != 2 || tc.Function.Arguments != `{"city":"Paris","n":[1,2]}` {
		t.Fatalf("%+v", tc)
	}
	var null zai.ToolCall
	json.Unmarshal([]byte(`{"function":{"name":"f","arguments":null}}`), &null)
	if null.Function.Arguments != "" {
		t.Fatalf("null arguments decoded as %q", null.Function.Arguments)
	}
}

func TestMessageContentForms(t *testing.T) {
	text, _ := json.Marshal(zai.UserMessage("hi"))
	if string(text) != `{"role":"user","content":"hi"}` {
		t.Fatalf("text message %s", text)
	}
	parts, _ := json.Marshal(zai.UserMessageParts(zai.TextPart("look"), zai.ImageURLPart("https://x/y.png")))
	if string(parts) != `{"role":"user","content":[{"type":"text","text":"look"},{"type":"image_url","image_url":{"url":"https://x/y.png"}}]}` {
		t.Fatalf("parts message %s", parts)
	}
	empty, _ := json.Marshal(zai.AssistantMessage(""))
	if string(empty) != `{"role":"assistant","content":""}` {
		t.Fatalf("empty content %s", empty)
	}
	var m zai.Message
	if err := json.Unmarshal(parts, &m); err != nil || len(m.Parts) != 2 || m.Parts[1].ImageURL.URL != "https://x/y.png" || m.Content != "look" {
		t.Fatalf("decoded %+v %v", m, err)
	}
	if err := json.Unmarshal([]byte(`{"role":"assistant","content":null}`), &m); err != nil || m.Content != "" || m.Parts != nil {
		t.Fatalf("null content %+v %v", m, err)
	}
}

func TestToolChoiceForms(t *testing.T) {
	auto, _ := json.Marshal(zai.ToolChoiceAuto)
	fn, _ := json.Marshal(zai.ToolChoiceFunction("weather"))
	if string(auto) != `"auto"` || string(fn) != `{"type":"function","function":{"name":"weather"}}` {
		t.Fatalf("%s %s", auto, fn)
	}
	var a, f zai.ToolChoice
	if json.Unmarshal(auto, &a) != nil || a != zai.ToolChoiceAuto || json.Unmarshal(fn, &f) != nil || f.Function != "weather" {
		t.Fatalf("%+v %+v", a, f)
	}
	b, _ := json.Marshal(zai.ChatCompletionRequest{Model: "m"})
	if strings.Contains(string(b), "tool_choice") {
		t.Fatalf("zero ToolChoice sent: %s", b)
	}
}

func TestChatValidation(t *testing.T) {
	rec, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {})
	for _, req := range []zai.ChatCompletionRequest{
		{Messages: []zai.Message{zai.UserMessage("hi")}},
		{Model: "m"},
	} {
		if _, err := client.Chat.Completions.Create(context.Background(), req); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("Create(%+v) = %v", req, err)
		}
		if _, err := client.Chat.Completions.CreateStream(context.Background(), req); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("CreateStream = %v", err)
		}
		if _, err := client.Chat.Completions.CreateAsync(context.Background(), req); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("CreateAsync = %v", err)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests sent for invalid input", n)
	}
}

func TestChatCreateAsync(t *testing.T) {
	rec, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"id":"task-1","request_id":"r-1","model":"glm-4.6","task_status":"PROCESSING"}`)
	})
	task, err := client.Chat.Completions.CreateAsync(context.Background(), zai.ChatCompletionRequest{Model: zai.ModelGLM4_6, Messages: []zai.Message{zai.UserMessage("hi")}})
	if err != nil {
		t.Fatal(err)
	}
	if task.ID != "task-1" || task.TaskStatus != zai.TaskStatusProcessing || task.Model != "glm-4.6" || task.RequestID != "r-1" {
		t.Fatalf("%+v", task)
	}
	got := rec.last(t)
	if got.Path != "/api/paas/v4/async/chat/completions" || strings.Contains(string(got.Body), "stream") {
		t.Fatalf("%s %s", got.Path, got.Body)
	}
}

func TestChatQuotaErrorRecorded(t *testing.T) {
	body := readFile(t, "testdata/recorded/error_429_1113.json")
	rec, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Log-Id", "20260711073209851e7f8c12c44579")
		w.WriteHeader(429)
		w.Write(body)
	})
	_, err := client.Chat.Completions.CreateAsync(context.Background(), zai.ChatCompletionRequest{Model: "glm-4.6", Messages: []zai.Message{zai.UserMessage("hi")}})
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err %T %v", err, err)
	}
	if apiErr.StatusCode != 429 || apiErr.Code != "1113" || apiErr.RequestID != "20260711073209851e7f8c12c44579" ||
		apiErr.Message != "Insufficient balance or no resource package. Please recharge." {
		t.Fatalf("%+v", apiErr)
	}
	if !errors.Is(err, zai.ErrQuotaExceeded) || errors.Is(err, zai.ErrRateLimited) {
		t.Fatal("1113 must be a quota error, not a rate limit")
	}
	if n := len(rec.requests()); n != 1 {
		t.Fatalf("1113 was retried: %d attempts", n)
	}
}

func TestChatResponseParallelToolCalls(t *testing.T) {
	_, client := newRecorder(t, respondFile(t, "testdata/recorded/glm45_multi_tool.json", "application/json"))
	resp, err := client.Chat.Completions.Create(context.Background(), hiReq)
	if err != nil {
		t.Fatal(err)
	}
	calls := resp.Choices[0].Message.ToolCalls
	if len(calls) != 2 || calls[0].Function.Name != "add" || calls[1].Function.Name != "multiply" || calls[1].Index != 1 || resp.Object != "" {
		t.Fatalf("%+v", resp.Choices[0].Message)
	}
	var args struct{ A, B int }
	if err := json.Unmarshal([]byte(calls[1].Function.Arguments), &args); err != nil || args.A != 2 || args.B != 3 {
		t.Fatalf("arguments %q: %v", calls[1].Function.Arguments, err)
	}
}

func TestAccumulatorAudioAndIndependentResults(t *testing.T) {
	var acc zai.ChatCompletionAccumulator
	add := func(data string, ws string) {
		c := zai.ChatCompletionChunk{Choices: []zai.ChatCompletionChunkChoice{{Delta: zai.ChatCompletionDelta{Audio: &zai.MessageAudio{ID: "a1", Data: data}}}}}
		if ws != "" {
			c.WebSearch = []zai.WebSearchResult{{Title: ws}}
		}
		acc.Add(c)
	}
	add("AAA", "first")
	first := acc.Completion()
	add("BBB", "second")
	second := acc.Completion()
	if first.Choices[0].Message.Audio.Data != "AAA" || first.WebSearch[0].Title != "first" {
		t.Fatalf("a later Add changed an earlier result: %+v %+v", first.Choices[0].Message.Audio, first.WebSearch)
	}
	if second.Choices[0].Message.Audio.Data != "AAABBB" || second.Choices[0].Message.Audio.ID != "a1" || second.WebSearch[0].Title != "second" {
		t.Fatalf("%+v %+v", second.Choices[0].Message.Audio, second.WebSearch)
	}
}
