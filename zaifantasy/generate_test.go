package zaifantasy_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"charm.land/fantasy"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaifantasy"
	"github.com/zai-go/zai/zaitest"
)

// recordedToolReply is the first reply of fantasy's recorded Z.ai "tool"
// exchange (glm-4.7-flash on the Coding Plan route), with web-search
// results in the shape the API reference gives them.
const recordedToolReply = `{"choices":[{"finish_reason":"tool_calls","index":0,"message":{"content":"I'll check the weather in Florence, Italy for you.","reasoning_content":"The user is asking for the weather in Florence, Italy.","role":"assistant","tool_calls":[{"function":{"arguments":"{\"location\":\"Florence,Italy\"}","name":"weather"},"id":"call_-7807249954186984837","index":0,"type":"function"}]}}],"created":1773349384,"id":"202603130503035652f6eb725d4b48","model":"glm-4.7-flash","object":"chat.completion","request_id":"202603130503035652f6eb725d4b48","usage":{"completion_tokens":88,"completion_tokens_details":{"reasoning_tokens":62},"prompt_tokens":173,"prompt_tokens_details":{"cached_tokens":43},"total_tokens":261},
"web_search":[{"title":"Florence forecast","content":"Hot.","link":"https://example.com/florence","media":"Example","icon":"","refer":"ref_1","publish_date":"2026-03-12"},{"title":"Tuscany","content":"Sunny.","link":"https://example.com/tuscany","media":"Example","icon":"","refer":"ref_2","publish_date":"2026-03-11"}]}`

func TestGenerateMapsTheReply(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.Reply(recordedToolReply)
	resp, err := newModel(t, srv).Generate(context.Background(), fantasy.Call{Prompt: userPrompt("What's the weather in Florence,Italy?")})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, c := range resp.Content {
		kinds = append(kinds, string(c.GetType()))
	}
	if want := []string{"reasoning", "text", "tool-call", "source", "source"}; !reflect.DeepEqual(kinds, want) {
		t.Fatalf("content %v, want %v", kinds, want)
	}
	if resp.Content.ReasoningText() != "The user is asking for the weather in Florence, Italy." || resp.Content.Text() != "I'll check the weather in Florence, Italy for you." {
		t.Fatalf("content %+v", resp.Content)
	}
	calls := resp.Content.ToolCalls()
	if calls[0].ToolCallID != "call_-7807249954186984837" || calls[0].ToolName != "weather" || calls[0].Input != `{"location":"Florence,Italy"}` {
		t.Fatalf("call %+v", calls[0])
	}
	src := resp.Content.Sources()
	if src[0].ID != "ref_1" || src[0].URL != "https://example.com/florence" || src[0].Title != "Florence forecast" || src[0].SourceType != fantasy.SourceTypeURL || src[1].URL != "https://example.com/tuscany" {
		t.Fatalf("sources %+v", src)
	}
	// Cached tokens come out of the input; reasoning is a part of the output.
	if want := (fantasy.Usage{InputTokens: 130, OutputTokens: 88, TotalTokens: 261, ReasoningTokens: 62, CacheReadTokens: 43}); resp.Usage != want {
		t.Fatalf("usage %v, want %v", resp.Usage, want)
	}
	if resp.FinishReason != fantasy.FinishReasonToolCalls {
		t.Fatalf("finish %s", resp.FinishReason)
	}
	meta := resp.ProviderMetadata[zaifantasy.Name].(*zaifantasy.ProviderMetadata)
	if meta.RequestID != "202603130503035652f6eb725d4b48" || len(meta.WebSearch) != 2 || meta.WebSearch[1].Content != "Sunny." {
		t.Fatalf("metadata %+v", meta)
	}
}

// Every provider option reaches the body under its wire name, on the body
// fantasy's other providers send for the same call.
func TestProviderOptionsReachTheWire(t *testing.T) {
	srv := zaitest.NewServer(t)
	opts := &zaifantasy.ProviderOptions{
		Thinking:           &zai.Thinking{Type: zai.ThinkingTypeEnabled, ClearThinking: zai.Ptr(false)},
		ReasoningEffort:    zai.ReasoningEffortLow,
		ToolStream:         true,
		WebSearch:          &zai.WebSearch{Enable: zai.Ptr(true), SearchEngine: zai.SearchEngineProJina, SearchResult: true},
		UserID:             "user-000042",
		RequestID:          "req-7",
		DoSample:           zai.Ptr(false),
		Seed:               zai.Ptr(int64(7)),
		Stop:               []string{"END"},
		SensitiveWordCheck: &zai.SensitiveWordCheck{Type: "ALL", Status: "DISABLE"},
		ExtraBody:          map[string]any{"watermark_enabled": false},
	}
	call := fantasy.Call{
		Prompt:          fantasy.Prompt{fantasy.NewSystemMessage("Be brief."), fantasy.NewUserMessage("hi")},
		MaxOutputTokens: fantasy.Opt(int64(100)),
		Temperature:     fantasy.Opt(0.2),
		TopP:            fantasy.Opt(0.9),
		TopK:            fantasy.Opt(int64(5)),
		Tools:           []fantasy.Tool{fantasy.FunctionTool{Name: "f", Description: "F.", InputSchema: map[string]any{"type": "object", "properties": map[string]any{"x": map[string]any{"type": "string"}}, "required": []any{"x"}}}},
		ToolChoice:      fantasy.Opt(fantasy.ToolChoiceAuto),
		Headers:         map[string]string{"X-Trace": "t1"},
		UserAgent:       "crush/1.0",
		ProviderOptions: zaifantasy.NewProviderOptions(opts),
	}
	m := newModel(t, srv)
	resp, err := m.Generate(context.Background(), call)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Warnings) != 1 || resp.Warnings[0].Setting != "top_k" {
		t.Fatalf("warnings %+v", resp.Warnings)
	}
	stream, err := m.Stream(context.Background(), call)
	if err != nil {
		t.Fatal(err)
	}
	collect(t, stream)

	want := `{"do_sample":false,"max_tokens":100,"messages":[{"content":"Be brief.","role":"system"},{"content":"hi","role":"user"}],` +
		`"model":"glm-4.7","reasoning_effort":"low","request_id":"req-7","seed":7,"sensitive_word_check":{"status":"DISABLE","type":"ALL"},"stop":["END"],` +
		`"temperature":0.2,"thinking":{"clear_thinking":false,"type":"enabled"},"tool_choice":"auto",` +
		`"tools":[{"function":{"description":"F.","name":"f","parameters":{"properties":{"x":{"type":"string"}},"required":["x"],"type":"object"},"strict":false},"type":"function"},` +
		`{"type":"web_search","web_search":{"enable":true,"search_engine":"search_pro_jina","search_result":true}}],` +
		`"top_p":0.9,"user_id":"user-000042","watermark_enabled":false}`
	if got := canonical(t, sent(t, srv, 0)); got != want {
		t.Fatalf("Generate body\n%s\nwant\n%s", got, want)
	}
	streamed := sent(t, srv, 1)
	if streamed["tool_stream"] != true || streamed["stream"] != true || streamed["stream_options"] == nil {
		t.Fatalf("Stream body %v", streamed)
	}
	delete(streamed, "tool_stream")
	delete(streamed, "stream")
	delete(streamed, "stream_options")
	if got := canonical(t, streamed); got != want {
		t.Fatalf("Stream body\n%s\nwant\n%s", got, want)
	}
	for _, r := range srv.Requests() {
		if r.Header.Get("X-Trace") != "t1" || r.Header.Get("User-Agent") != "crush/1.0" {
			t.Fatalf("headers %v", r.Header)
		}
	}
}

// canonical re-encodes a decoded body with sorted keys.
func canonical(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Options and metadata persist through fantasy's registry, as a saved
// conversation does.
func TestOptionsPersist(t *testing.T) {
	opts := fantasy.ProviderOptions{zaifantasy.Name: &zaifantasy.ProviderOptions{
		Thinking:  &zai.Thinking{Type: zai.ThinkingTypeDisabled},
		WebSearch: &zai.WebSearch{SearchResult: true, Count: 3},
		DoSample:  zai.Ptr(false),
		UserID:    "user-000042",
		ExtraBody: map[string]any{"k": "v"},
	}}
	b, err := json.Marshal(opts)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"type":"zai.options"`) {
		t.Fatalf("no type id in %s", b)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	back, err := fantasy.UnmarshalProviderOptions(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, opts) {
		t.Fatalf("round trip: %+v, want %+v", back[zaifantasy.Name], opts[zaifantasy.Name])
	}

	meta := fantasy.ProviderMetadata{zaifantasy.Name: &zaifantasy.ProviderMetadata{ID: "c1", FinishReason: zai.FinishReasonSensitive,
		WebSearch: []zai.WebSearchResult{{Title: "T", Link: "https://example.com", Refer: "ref_1"}}}}
	if b, err = json.Marshal(meta); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	backMeta, err := fantasy.UnmarshalProviderMetadata(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(backMeta, meta) {
		t.Fatalf("metadata round trip: %+v", backMeta[zaifantasy.Name])
	}

	parsed, err := zaifantasy.ParseOptions(map[string]any{"reasoning_effort": "high", "tool_stream": true, "user_id": "u-123456"})
	if err != nil {
		t.Fatal(err)
	}
	if parsed.ReasoningEffort != zai.ReasoningEffortHigh || !parsed.ToolStream || parsed.UserID != "u-123456" {
		t.Fatalf("parsed %+v", parsed)
	}
}

// The prompt goes out as Z.ai takes it: text-only user content as a string,
// media as parts, reasoning sent back, tool errors as text, tool media after
// the run of tool messages, and what cannot be sent dropped with a warning.
func TestPromptMapping(t *testing.T) {
	srv := zaitest.NewServer(t)
	prompt := fantasy.Prompt{
		{Role: fantasy.MessageRoleSystem, Content: []fantasy.MessagePart{fantasy.TextPart{Text: "One."}, fantasy.TextPart{Text: "  "}, fantasy.TextPart{Text: "Two."}}},
		{Role: fantasy.MessageRoleUser, Content: []fantasy.MessagePart{fantasy.TextPart{Text: "Line one"}, fantasy.TextPart{Text: "line two"}}},
		{Role: fantasy.MessageRoleAssistant, Content: []fantasy.MessagePart{fantasy.ReasoningPart{Text: "Only thinking."}}},
		{Role: fantasy.MessageRoleAssistant, Content: []fantasy.MessagePart{
			fantasy.ReasoningPart{Text: "Think."}, fantasy.TextPart{Text: "Calling."}, fantasy.TextPart{Text: "Both."},
			fantasy.ToolCallPart{ToolCallID: "c1", ToolName: "shot", Input: `{}`},
			fantasy.ToolCallPart{ToolCallID: "c2", ToolName: "fail", Input: `{}`},
		}},
		{Role: fantasy.MessageRoleTool, Content: []fantasy.MessagePart{
			fantasy.ToolResultPart{ToolCallID: "c1", Output: fantasy.ToolResultOutputContentMedia{Data: "iVBORw0KGgo=", MediaType: "image/png"}},
			fantasy.ToolResultPart{ToolCallID: "c2", Output: fantasy.ToolResultOutputContentError{Error: errString("disk full")}},
		}},
		{Role: fantasy.MessageRoleUser, Content: []fantasy.MessagePart{fantasy.TextPart{Text: "Look:"}, fantasy.FilePart{Data: []byte("GIF89a"), MediaType: "image/gif"}}},
	}
	resp, err := newModel(t, srv).Generate(context.Background(), fantasy.Call{Prompt: prompt})
	if err != nil {
		t.Fatal(err)
	}
	got := messages(t, sent(t, srv, 0))
	want := []string{
		`{"content":"One.\nTwo.","role":"system"}`,
		`{"content":"Line one\nline two","role":"user"}`,
		`{"content":"Calling.\nBoth.","reasoning_content":"Think.","role":"assistant","tool_calls":[{"function":{"arguments":"{}","name":"shot"},"id":"c1","type":"function"},{"function":{"arguments":"{}","name":"fail"},"id":"c2","type":"function"}]}`,
		`{"content":"The tool returned image/png content; see the following user message.","role":"tool","tool_call_id":"c1"}`,
		`{"content":"disk full","role":"tool","tool_call_id":"c2"}`,
		`{"content":[{"image_url":{"url":"data:image/png;base64,iVBORw0KGgo="},"type":"image_url"}],"role":"user"}`,
		`{"content":[{"text":"Look:","type":"text"},{"image_url":{"url":"data:image/gif;base64,R0lGODlh"},"type":"image_url"}],"role":"user"}`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("messages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(resp.Warnings) != 1 || !strings.Contains(resp.Warnings[0].Message, "neither text nor tool calls") {
		t.Fatalf("warnings %+v", resp.Warnings)
	}
}

type errString string

func (e errString) Error() string { return string(e) }

// Z.ai's tool_choice is "auto" or one function: fantasy's other choices map
// onto what it can do.
func TestToolChoice(t *testing.T) {
	f := fantasy.FunctionTool{Name: "f"}
	g := fantasy.FunctionTool{Name: "g"}
	web := zaifantasy.WebSearchTool(zai.WebSearch{SearchResult: true})
	for _, c := range []struct {
		name    string
		tools   []fantasy.Tool
		choice  fantasy.ToolChoice
		want    string // tool_choice and tool names sent
		warning bool
	}{
		{"auto", []fantasy.Tool{f, web}, fantasy.ToolChoiceAuto, `"auto" [function:f web_search]`, false},
		{"none keeps the search", []fantasy.Tool{f, g, web}, fantasy.ToolChoiceNone, `<nil> [web_search]`, false},
		{"required of one", []fantasy.Tool{f, web}, fantasy.ToolChoiceRequired, `{"function":{"name":"f"},"type":"function"} [function:f web_search]`, false},
		{"required of two", []fantasy.Tool{f, g}, fantasy.ToolChoiceRequired, `"auto" [function:f function:g]`, true},
		{"named", []fantasy.Tool{f, g}, fantasy.SpecificToolChoice("g"), `{"function":{"name":"g"},"type":"function"} [function:f function:g]`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := zaitest.NewServer(t)
			srv.ReplyContent("ok")
			resp, err := newModel(t, srv).Generate(context.Background(), fantasy.Call{Prompt: userPrompt("hi"), Tools: c.tools, ToolChoice: &c.choice})
			if err != nil {
				t.Fatal(err)
			}
			body := sent(t, srv, 0)
			choice, _ := json.Marshal(body["tool_choice"])
			if body["tool_choice"] == nil {
				choice = []byte("<nil>")
			}
			var names []string
			tools, _ := body["tools"].([]any)
			for _, tool := range tools {
				tm := tool.(map[string]any)
				if fn, ok := tm["function"].(map[string]any); ok {
					names = append(names, "function:"+fn["name"].(string))
				} else {
					names = append(names, tm["type"].(string))
				}
			}
			got := string(choice) + " [" + strings.Join(names, " ") + "]"
			if got != c.want || (len(resp.Warnings) > 0) != c.warning {
				t.Fatalf("%s, warnings %+v; want %s", got, resp.Warnings, c.want)
			}
		})
	}
}

// An agent that has web search beside a function tool: both go out in one
// request, and the pages found come back as sources, streamed or not.
func TestAgentWebSearchSources(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.Reply(recordedToolReply)
	srv.ReplyContent("It is 40 C in Florence.")
	weather := fantasy.NewAgentTool("weather", "Weather for a location",
		func(context.Context, struct {
			Location string `json:"location"`
		}, fantasy.ToolCall) (fantasy.ToolResponse, error) {
			return fantasy.NewTextResponse("40 C"), nil
		})
	agent := fantasy.NewAgent(newModel(t, srv), fantasy.WithTools(weather),
		fantasy.WithProviderDefinedTools(zaifantasy.WebSearchTool(zai.WebSearch{Enable: zai.Ptr(true), SearchEngine: zai.SearchEngineProJina, SearchResult: true})))
	result, err := agent.Generate(context.Background(), fantasy.AgentCall{Prompt: "What's the weather in Florence,Italy?"})
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, c := range result.Steps[0].Content.Sources() {
		urls = append(urls, c.URL)
	}
	if want := []string{"https://example.com/florence", "https://example.com/tuscany"}; !reflect.DeepEqual(urls, want) {
		t.Fatalf("sources %v", urls)
	}
	tools := sent(t, srv, 0)["tools"].([]any)
	if len(tools) != 2 || tools[1].(map[string]any)["type"] != "web_search" {
		t.Fatalf("tools %v", tools)
	}
	// The second turn sends the reasoning back and answers the call.
	msgs := messages(t, sent(t, srv, 1))
	if len(msgs) != 3 || !strings.Contains(msgs[1], `"reasoning_content":"The user is asking for the weather in Florence, Italy."`) || msgs[2] != `{"content":"40 C","role":"tool","tool_call_id":"call_-7807249954186984837"}` {
		t.Fatalf("second turn %s", strings.Join(msgs, "\n"))
	}

	web := zaitest.Text("Sunny")
	web.(map[string]any)["web_search"] = json.RawMessage(`[{"title":"Rome","link":"https://example.com/rome","refer":"ref_1"}]`)
	srv.ReplyStream(web, zaitest.Finish(zai.FinishReasonStop, 3, 1))
	var seen []string
	streamed, err := agent.Stream(context.Background(), fantasy.AgentStreamCall{Prompt: "Rome?",
		OnSource: func(s fantasy.SourceContent) error { seen = append(seen, s.URL); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || seen[0] != "https://example.com/rome" || len(streamed.Steps[0].Content.Sources()) != 1 {
		t.Fatalf("streamed sources %v", seen)
	}
}

// JWT auth and the Coding Plan route are the client's: the provider sends
// a signed token, never the key, to /api/coding/paas/v4.
func TestJWTOnCodingPlanRoute(t *testing.T) {
	var path, auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path, auth = r.URL.Path, r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"c1","model":"glm-4.7","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Hi"}}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}`))
	}))
	defer srv.Close()
	p, err := zaifantasy.New(zaifantasy.WithClientOptions(
		zai.WithAPIKey("key-id.key-secret"),
		zai.WithJWTAuth(time.Hour),
		zai.WithBaseURL(srv.URL+"/api/coding/paas/v4"),
	))
	if err != nil {
		t.Fatal(err)
	}
	m, err := p.LanguageModel(context.Background(), "glm-4.7")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := m.Generate(context.Background(), fantasy.Call{Prompt: userPrompt("hi")})
	if err != nil || resp.Content.Text() != "Hi" {
		t.Fatal(resp, err)
	}
	token, ok := strings.CutPrefix(auth, "Bearer ")
	if path != "/api/coding/paas/v4/chat/completions" || !ok || strings.Count(token, ".") != 2 || strings.Contains(auth, "key-secret") {
		t.Fatalf("path %q, Authorization %q", path, auth)
	}
}

func TestNewWithoutKey(t *testing.T) {
	t.Setenv("ZAI_API_KEY", "")
	if _, err := zaifantasy.New(); err == nil || !strings.Contains(err.Error(), "API key") {
		t.Fatalf("New: %v", err)
	}
}
