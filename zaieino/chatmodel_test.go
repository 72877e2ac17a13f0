package zaieino_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudwego/eino/callbacks"
	"github.com/cloudwego/eino/components"
	"github.com/cloudwego/eino/components/model"
	"github.com/cloudwego/eino/components/tool"
	"github.com/cloudwego/eino/compose"
	"github.com/cloudwego/eino/flow/agent/react"
	"github.com/cloudwego/eino/schema"
	"go.uber.org/goleak"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaieino"
	"github.com/zai-go/zai/zaitest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func newModel(t *testing.T, srv *zaitest.Server, mutate ...func(*zaieino.Config)) *zaieino.ChatModel {
	t.Helper()
	cfg := &zaieino.Config{Client: srv.Client(), Model: zai.ModelGLM4_7}
	for _, f := range mutate {
		f(cfg)
	}
	cm, err := zaieino.NewChatModel(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cm
}

// sent decodes the i-th request the server received.
func sent(t *testing.T, srv *zaitest.Server, i int) map[string]any {
	t.Helper()
	reqs := srv.Requests()
	if len(reqs) <= i {
		t.Fatalf("server got %d requests, want more than %d", len(reqs), i)
	}
	return reqs[i].JSON()
}

func weatherTool() *schema.ToolInfo {
	return &schema.ToolInfo{
		Name: "get_weather",
		Desc: "Weather for a city",
		ParamsOneOf: schema.NewParamsOneOfByParams(map[string]*schema.ParameterInfo{
			"city": {Type: schema.String, Desc: "City name", Required: true},
		}),
	}
}

func TestNewChatModelNeedsModel(t *testing.T) {
	srv := zaitest.NewServer(t)
	if _, err := zaieino.NewChatModel(context.Background(), &zaieino.Config{Client: srv.Client()}); err == nil {
		t.Fatal("no error for an empty model")
	}
	if _, err := zaieino.NewChatModel(context.Background(), nil); err == nil {
		t.Fatal("no error for a nil config")
	}
	t.Setenv(zai.EnvAPIKey, "")
	_, err := zaieino.NewChatModel(context.Background(), &zaieino.Config{Model: "glm-4.7"})
	if !errors.Is(err, zai.ErrMissingAPIKey) {
		t.Fatalf("err = %v, want ErrMissingAPIKey", err)
	}
}

func TestGenerate(t *testing.T) {
	srv := zaitest.NewServer(t)
	cm := newModel(t, srv)

	msg, err := cm.Generate(context.Background(), []*schema.Message{
		schema.SystemMessage("Be brief."),
		schema.UserMessage("Hello there"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if msg.Role != schema.Assistant || msg.Content != "Echo: Hello there" {
		t.Fatalf("message = %+v", msg)
	}
	if msg.ReasoningContent != `The user wrote: "Hello there". I will answer.` {
		t.Fatalf("reasoning = %q", msg.ReasoningContent)
	}
	meta := msg.ResponseMeta
	if meta == nil || meta.FinishReason != "stop" || meta.Usage == nil {
		t.Fatalf("meta = %+v", meta)
	}
	u := meta.Usage
	if u.PromptTokens != 6 || u.CompletionTokens != 11 || u.TotalTokens != 17 || u.CompletionTokensDetails.ReasoningTokens != 8 {
		t.Fatalf("usage = %+v", u)
	}

	body := sent(t, srv, 0)
	if body["model"] != "glm-4.7" || body["stream"] != nil {
		t.Fatalf("body = %v", body)
	}
	msgs := body["messages"].([]any)
	if len(msgs) != 2 || msgs[0].(map[string]any)["role"] != "system" || msgs[1].(map[string]any)["content"] != "Hello there" {
		t.Fatalf("messages = %v", msgs)
	}
}

func TestGenerateKeepsCachedTokens(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.Reply(`{"id":"x","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"ok"}}],
		"usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12,"prompt_tokens_details":{"cached_tokens":8}}}`)
	msg, err := newModel(t, srv).Generate(context.Background(), []*schema.Message{schema.UserMessage("hi")})
	if err != nil {
		t.Fatal(err)
	}
	if got := msg.ResponseMeta.Usage.PromptTokenDetails.CachedTokens; got != 8 {
		t.Fatalf("cached tokens = %d, want 8", got)
	}
}

func recvAll(t *testing.T, sr *schema.StreamReader[*schema.Message]) []*schema.Message {
	t.Helper()
	defer sr.Close()
	var out []*schema.Message
	for {
		m, err := sr.Recv()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
}

func TestStream(t *testing.T) {
	srv := zaitest.NewServer(t)
	cm := newModel(t, srv)

	sr, err := cm.Stream(context.Background(), []*schema.Message{schema.UserMessage("one two three")},
		zaieino.WithThinking(zai.Thinking{Type: zai.ThinkingTypeDisabled}))
	if err != nil {
		t.Fatal(err)
	}
	chunks := recvAll(t, sr)
	var words []string
	for _, c := range chunks {
		if c.Content != "" {
			words = append(words, c.Content)
		}
	}
	if want := []string{"Echo:", " one", " two", " three"}; !reflect.DeepEqual(words, want) {
		t.Fatalf("content chunks = %q, want %q", words, want)
	}
	last := chunks[len(chunks)-1]
	if last.ResponseMeta == nil || last.ResponseMeta.FinishReason != "stop" || last.ResponseMeta.Usage == nil {
		t.Fatalf("last chunk meta = %+v", last.ResponseMeta)
	}
	if body := sent(t, srv, 0); body["stream"] != true {
		t.Fatalf("stream not set: %v", body)
	}
}

// TestConcatStreamEqualsGenerate checks the contract eino relies on: joining
// the stream with schema.ConcatMessageStream gives exactly what Generate
// returns, reasoning, tool calls (fragments merged by index), finish reason,
// usage and web-search results included.
func TestConcatStreamEqualsGenerate(t *testing.T) {
	user := []*schema.Message{schema.UserMessage("What's the weather in Paris?")}

	t.Run("text and reasoning", func(t *testing.T) {
		srv := zaitest.NewServer(t)
		cm := newModel(t, srv)
		compare(t, cm, user)
	})

	t.Run("tool call with tool_stream", func(t *testing.T) {
		srv := zaitest.NewServer(t)
		cm, err := newModel(t, srv, func(c *zaieino.Config) { c.ToolStream = true }).WithTools([]*schema.ToolInfo{weatherTool()})
		if err != nil {
			t.Fatal(err)
		}
		gen := compare(t, cm, user)
		if len(gen.ToolCalls) != 1 || gen.ToolCalls[0].Function.Arguments != `{"city":"Paris"}` || *gen.ToolCalls[0].Index != 0 {
			t.Fatalf("tool calls = %+v", gen.ToolCalls)
		}
		if got := sent(t, srv, 1); got["tool_stream"] != true {
			t.Fatalf("tool_stream not sent on the stream: %v", got)
		}
		if got := sent(t, srv, 0); got["tool_stream"] != nil {
			t.Fatalf("tool_stream sent on a plain call: %v", got)
		}
	})

	t.Run("scripted parallel calls and web search", func(t *testing.T) {
		srv := zaitest.NewServer(t)
		cm := newModel(t, srv)
		results := `[{"title":"Paris weather","link":"https://example.com/p","refer":"ref_1"}]`
		srv.Reply(`{"id":"c1","model":"glm-4.7","choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant",
			"content":"","reasoning_content":"Two cities.","tool_calls":[
			{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
			{"index":1,"id":"call_b","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Rome\"}"}}]}}],
			"web_search":` + results + `,
			"usage":{"prompt_tokens":20,"completion_tokens":9,"total_tokens":29,"completion_tokens_details":{"reasoning_tokens":2}}}`)
		webChunk := zaitest.Reasoning("Two ")
		webChunk.(map[string]any)["web_search"] = json.RawMessage(results)
		finish := zaitest.Finish("tool_calls", 20, 9)
		finish.(map[string]any)["usage"].(map[string]any)["completion_tokens_details"] = map[string]int{"reasoning_tokens": 2}
		finish.(map[string]any)["web_search"] = json.RawMessage(results) // sent again: must not be joined twice
		srv.ReplyStream(
			webChunk,
			zaitest.Reasoning("cities."),
			zaitest.ToolCallChunk(0, "call_a", "get_weather", ""),
			zaitest.ToolCallChunk(1, "call_b", "get_weather", `{"city":`),
			zaitest.ToolCallChunk(0, "", "", `{"city":"Paris"}`),
			zaitest.ToolCallChunk(1, "", "", `"Rome"}`),
			finish,
		)
		gen := compare(t, cm, user)
		if len(gen.ToolCalls) != 2 || gen.ToolCalls[1].ID != "call_b" || gen.ToolCalls[1].Function.Arguments != `{"city":"Rome"}` {
			t.Fatalf("tool calls = %+v", gen.ToolCalls)
		}
		ws := zaieino.WebSearchResults(gen)
		if len(ws) != 1 || ws[0].Link != "https://example.com/p" {
			t.Fatalf("web search = %+v", ws)
		}
	})

	t.Run("calls sharing an index", func(t *testing.T) {
		// Whole calls at index 0 with distinct ids must stay two calls, in
		// both forms, rather than fail to concatenate.
		srv := zaitest.NewServer(t)
		cm := newModel(t, srv)
		srv.Reply(`{"choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","tool_calls":[
			{"index":0,"id":"a","type":"function","function":{"name":"f","arguments":"{}"}},
			{"index":0,"id":"b","type":"function","function":{"name":"g","arguments":"{}"}}]}}],
			"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}`)
		srv.ReplyStream(
			zaitest.ToolCallChunk(0, "a", "f", "{}"),
			zaitest.ToolCallChunk(0, "b", "g", "{}"),
			zaitest.Finish("tool_calls", 1, 1),
		)
		gen := compare(t, cm, user)
		if len(gen.ToolCalls) != 2 || *gen.ToolCalls[0].Index == *gen.ToolCalls[1].Index {
			t.Fatalf("tool calls = %+v", gen.ToolCalls)
		}
	})
}

func compare(t *testing.T, cm model.ToolCallingChatModel, in []*schema.Message) *schema.Message {
	t.Helper()
	ctx := context.Background()
	gen, err := cm.Generate(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	sr, err := cm.Stream(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	joined, err := schema.ConcatMessageStream(sr)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gen, joined) {
		g, _ := json.Marshal(gen)
		j, _ := json.Marshal(joined)
		t.Fatalf("Generate and ConcatMessageStream(Stream) differ:\n generate: %s\n stream:   %s", g, j)
	}
	return gen
}

// weather is a tool for the agent, recording the arguments it got.
type weather struct {
	mu   sync.Mutex
	args []string
}

func (w *weather) Info(context.Context) (*schema.ToolInfo, error) { return weatherTool(), nil }

func (w *weather) InvokableRun(_ context.Context, args string, _ ...tool.Option) (string, error) {
	w.mu.Lock()
	w.args = append(w.args, args)
	w.mu.Unlock()
	var in struct{ City string }
	if err := json.Unmarshal([]byte(args), &in); err != nil {
		return "", err
	}
	return `{"city":"` + in.City + `","sky":"clear","temp_c":22}`, nil
}

func newAgent(t *testing.T, cm model.ToolCallingChatModel, w *weather) *react.Agent {
	t.Helper()
	agent, err := react.NewAgent(context.Background(), &react.AgentConfig{
		ToolCallingModel: cm,
		ToolsConfig:      compose.ToolsNodeConfig{Tools: []tool.BaseTool{w}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return agent
}

// TestReActAgentStreamedToolCall runs eino's ReAct agent over a streamed
// turn whose tool-call arguments arrive in fragments (tool_stream), then
// checks what went back to the server: the assistant's call with its
// reasoning, and the tool result under the call's id.
func TestReActAgentStreamedToolCall(t *testing.T) {
	srv := zaitest.NewServer(t)
	cm := newModel(t, srv, func(c *zaieino.Config) { c.ToolStream = true })
	w := &weather{}
	agent := newAgent(t, cm, w)

	srv.ReplyStream(
		zaitest.Reasoning("I need the weather."),
		zaitest.ToolCallChunk(0, "call_1", "get_weather", ""),
		zaitest.ToolCallChunk(0, "", "", `{"ci`),
		zaitest.ToolCallChunk(0, "", "", `ty":"Paris"}`),
		zaitest.Finish("tool_calls", 12, 8),
	)
	srv.ReplyStream(zaitest.Text("Clear, "), zaitest.Text("22 °C."), zaitest.Finish("stop", 30, 4))

	sr, err := agent.Stream(context.Background(), []*schema.Message{schema.UserMessage("Weather in Paris?")})
	if err != nil {
		t.Fatal(err)
	}
	final, err := schema.ConcatMessageStream(sr)
	if err != nil {
		t.Fatal(err)
	}
	if final.Content != "Clear, 22 °C." {
		t.Fatalf("final = %q", final.Content)
	}
	if len(w.args) != 1 || w.args[0] != `{"city":"Paris"}` {
		t.Fatalf("tool got %q", w.args)
	}

	var second zai.ChatCompletionRequest
	if err := srv.Requests()[1].Decode(&second); err != nil {
		t.Fatal(err)
	}
	if len(second.Messages) != 3 {
		t.Fatalf("second request messages = %+v", second.Messages)
	}
	asst, res := second.Messages[1], second.Messages[2]
	if asst.Role != zai.RoleAssistant || asst.ReasoningContent != "I need the weather." || len(asst.ToolCalls) != 1 ||
		asst.ToolCalls[0].ID != "call_1" || asst.ToolCalls[0].Function.Arguments != `{"city":"Paris"}` {
		t.Fatalf("assistant message sent back = %+v", asst)
	}
	if res.Role != zai.RoleTool || res.ToolCallID != "call_1" || !strings.Contains(res.Content, `"sky":"clear"`) {
		t.Fatalf("tool message = %+v", res)
	}
	if !second.ToolStream || len(second.Tools) != 1 || second.Tools[0].Function.Name != "get_weather" {
		t.Fatalf("second request tools = %+v, tool_stream %v", second.Tools, second.ToolStream)
	}
}

// TestReActAgentGenerate uses zaitest's default answers: a tool call when a
// function tool is offered, then a reply quoting the tool's result.
func TestReActAgentGenerate(t *testing.T) {
	srv := zaitest.NewServer(t)
	w := &weather{}
	agent := newAgent(t, newModel(t, srv), w)
	out, err := agent.Generate(context.Background(), []*schema.Message{schema.UserMessage("Weather in Paris?")})
	if err != nil {
		t.Fatal(err)
	}
	if want := `The tool returned: {"city":"Paris","sky":"clear","temp_c":22}`; out.Content != want {
		t.Fatalf("final = %q, want %q", out.Content, want)
	}
	if len(srv.Requests()) != 2 {
		t.Fatalf("requests = %d, want 2", len(srv.Requests()))
	}
}

func TestThinkingAndReasoningEffortOnTheWire(t *testing.T) {
	srv := zaitest.NewServer(t)
	cm := newModel(t, srv, func(c *zaieino.Config) {
		c.Thinking = &zai.Thinking{Type: zai.ThinkingTypeEnabled, ClearThinking: zai.Ptr(false)}
		c.ReasoningEffort = zai.ReasoningEffortHigh
		c.Temperature = zai.Ptr(0.0) // zero is sent, not dropped
	})
	in := []*schema.Message{schema.UserMessage("think")}
	if _, err := cm.Generate(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	body := sent(t, srv, 0)
	if th, _ := body["thinking"].(map[string]any); th["type"] != "enabled" || th["clear_thinking"] != false {
		t.Fatalf("thinking = %v", body["thinking"])
	}
	if body["reasoning_effort"] != "high" || body["temperature"] != 0.0 {
		t.Fatalf("body = %v", body)
	}

	// Per-call options win over the config.
	sr, err := cm.Stream(context.Background(), in,
		zaieino.WithThinking(zai.Thinking{Type: zai.ThinkingTypeDisabled}),
		zaieino.WithReasoningEffort(zai.ReasoningEffortLow),
		model.WithTemperature(0.7), model.WithTopP(0.9), model.WithMaxTokens(64),
		model.WithModel("glm-4.6"), model.WithStop([]string{"END"}),
		zaieino.WithRequestOptions(zai.WithHeader("X-Trace", "t1"), zai.WithExtraBody(map[string]any{"custom": 1})),
	)
	if err != nil {
		t.Fatal(err)
	}
	recvAll(t, sr)
	body = sent(t, srv, 1)
	if th, _ := body["thinking"].(map[string]any); th["type"] != "disabled" {
		t.Fatalf("thinking = %v", body["thinking"])
	}
	want := map[string]any{"reasoning_effort": "low", "temperature": 0.7, "top_p": 0.9, "max_tokens": 64.0,
		"model": "glm-4.6", "stop": []any{"END"}, "custom": 1.0}
	for k, v := range want {
		if !reflect.DeepEqual(body[k], v) {
			t.Errorf("%s = %v, want %v", k, body[k], v)
		}
	}
	if got := srv.Requests()[1].Header.Get("X-Trace"); got != "t1" {
		t.Errorf("X-Trace = %q", got)
	}
}

func TestReasoningContentPreservedAcrossTurns(t *testing.T) {
	srv := zaitest.NewServer(t)
	cm := newModel(t, srv)
	first, err := cm.Generate(context.Background(), []*schema.Message{schema.UserMessage("a")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cm.Generate(context.Background(), []*schema.Message{schema.UserMessage("a"), first, schema.UserMessage("b")}); err != nil {
		t.Fatal(err)
	}
	var req zai.ChatCompletionRequest
	if err := srv.Requests()[1].Decode(&req); err != nil {
		t.Fatal(err)
	}
	if got := req.Messages[1].ReasoningContent; got == "" || got != first.ReasoningContent {
		t.Fatalf("reasoning sent back = %q, want %q", got, first.ReasoningContent)
	}
}

func TestQuotaErrorNotRetriedAndTyped(t *testing.T) {
	for _, streaming := range []bool{false, true} {
		srv := zaitest.NewServer(t)
		srv.ReplyError(429, "1113", "Insufficient balance or no resource package.")
		cm := newModel(t, srv)
		var gotErr error
		handler := callbacks.NewHandlerBuilder().OnErrorFn(func(ctx context.Context, _ *callbacks.RunInfo, err error) context.Context {
			gotErr = err
			return ctx
		}).Build()
		ctx := callbacks.InitCallbacks(context.Background(), &callbacks.RunInfo{Component: components.ComponentOfChatModel}, handler)
		in := []*schema.Message{schema.UserMessage("hi")}
		var err error
		if streaming {
			_, err = cm.Stream(ctx, in)
		} else {
			_, err = cm.Generate(ctx, in)
		}
		var apiErr *zai.APIError
		if !errors.As(err, &apiErr) || apiErr.Code != "1113" || apiErr.StatusCode != 429 {
			t.Fatalf("stream=%v: err = %v, want *zai.APIError 429/1113", streaming, err)
		}
		if !errors.Is(err, zai.ErrQuotaExceeded) || errors.Is(err, zai.ErrRateLimited) {
			t.Fatalf("stream=%v: %v classified wrongly", streaming, err)
		}
		if n := len(srv.Requests()); n != 1 {
			t.Fatalf("stream=%v: %d requests, want 1 (1113 is not retried)", streaming, n)
		}
		if gotErr != err {
			t.Fatalf("stream=%v: OnError saw %v", streaming, gotErr)
		}
	}
}

func TestStreamErrorInStream(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.ReplyStream(zaitest.Text("Hel"), `{"error":{"code":"1301","message":"unsafe content"}}`)
	sr, err := newModel(t, srv).Stream(context.Background(), []*schema.Message{schema.UserMessage("hi")})
	if err != nil {
		t.Fatal(err)
	}
	defer sr.Close()
	if m, err := sr.Recv(); err != nil || m.Content != "Hel" {
		t.Fatalf("first = %v, %v", m, err)
	}
	_, err = sr.Recv()
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || !apiErr.InStream || !errors.Is(err, zai.ErrContentFiltered) {
		t.Fatalf("err = %v, want an in-stream *zai.APIError 1301", err)
	}
}

func TestCallbacks(t *testing.T) {
	srv := zaitest.NewServer(t)
	cm := newModel(t, srv, func(c *zaieino.Config) { c.MaxTokens = zai.Ptr(100) })

	var (
		mu       sync.Mutex
		inputs   []*model.CallbackInput
		outputs  []*model.CallbackOutput
		streamed []*model.CallbackOutput
		infos    []*callbacks.RunInfo
	)
	handler := callbacks.NewHandlerBuilder().
		OnStartFn(func(ctx context.Context, info *callbacks.RunInfo, in callbacks.CallbackInput) context.Context {
			mu.Lock()
			defer mu.Unlock()
			inputs = append(inputs, model.ConvCallbackInput(in))
			infos = append(infos, info)
			return ctx
		}).
		OnEndFn(func(ctx context.Context, _ *callbacks.RunInfo, out callbacks.CallbackOutput) context.Context {
			mu.Lock()
			defer mu.Unlock()
			outputs = append(outputs, model.ConvCallbackOutput(out))
			return ctx
		}).
		OnEndWithStreamOutputFn(func(ctx context.Context, _ *callbacks.RunInfo, sr *schema.StreamReader[callbacks.CallbackOutput]) context.Context {
			// Handlers get their own copy and must drain and close it.
			go func() {
				defer sr.Close()
				for {
					o, err := sr.Recv()
					if err != nil {
						return
					}
					mu.Lock()
					streamed = append(streamed, model.ConvCallbackOutput(o))
					mu.Unlock()
				}
			}()
			return ctx
		}).Build()
	ctx := callbacks.InitCallbacks(context.Background(), &callbacks.RunInfo{Name: "zai", Type: cm.GetType(), Component: components.ComponentOfChatModel}, handler)

	in := []*schema.Message{schema.UserMessage("hello")}
	gen, err := cm.Generate(ctx, in, model.WithTools([]*schema.ToolInfo{}))
	if err != nil {
		t.Fatal(err)
	}
	sr, err := cm.Stream(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	recvAll(t, sr)

	// The handler's copy is drained in its own goroutine; wait for it.
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(streamed)
		done := n > 0 && streamed[n-1].Message.ResponseMeta != nil && streamed[n-1].Message.ResponseMeta.FinishReason != ""
		mu.Unlock()
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("stream callback never saw the last chunk")
		}
		time.Sleep(5 * time.Millisecond)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(inputs) != 2 || inputs[0] == nil || inputs[0].Messages[0] != in[0] || inputs[0].Config.Model != "glm-4.7" || inputs[0].Config.MaxTokens != 100 {
		t.Fatalf("inputs = %+v", inputs)
	}
	if infos[0].Type != "ZAI" || infos[0].Component != components.ComponentOfChatModel {
		t.Fatalf("run info = %+v", infos[0])
	}
	if len(outputs) != 1 || outputs[0].Message != gen || outputs[0].TokenUsage == nil || outputs[0].TokenUsage.TotalTokens != gen.ResponseMeta.Usage.TotalTokens {
		t.Fatalf("outputs = %+v", outputs)
	}
	var text strings.Builder
	for _, o := range streamed {
		text.WriteString(o.Message.Content)
	}
	if text.String() != "Echo: hello" || streamed[len(streamed)-1].TokenUsage == nil {
		t.Fatalf("streamed callback content = %q", text.String())
	}
}

func TestWithToolsReturnsNewModel(t *testing.T) {
	srv := zaitest.NewServer(t)
	base := newModel(t, srv)
	withTools, err := base.WithTools([]*schema.ToolInfo{weatherTool(), {Name: "now", Desc: "The time"}})
	if err != nil {
		t.Fatal(err)
	}
	in := []*schema.Message{schema.UserMessage("hi")}
	if _, err := base.Generate(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	if _, err := withTools.Generate(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	if tools := sent(t, srv, 0)["tools"]; tools != nil {
		t.Fatalf("WithTools changed the receiver: base sent tools %v", tools)
	}
	tools := sent(t, srv, 1)["tools"].([]any)
	if len(tools) != 2 {
		t.Fatalf("tools = %v", tools)
	}
	fn := tools[0].(map[string]any)["function"].(map[string]any)
	params := fn["parameters"].(map[string]any)
	if fn["name"] != "get_weather" || params["type"] != "object" || !reflect.DeepEqual(params["required"], []any{"city"}) {
		t.Fatalf("function = %v", fn)
	}
	noArgs := tools[1].(map[string]any)["function"].(map[string]any)["parameters"]
	if !reflect.DeepEqual(noArgs, map[string]any{"type": "object", "properties": map[string]any{}}) {
		t.Fatalf("a tool without parameters sent %v", noArgs)
	}
}

func TestToolChoice(t *testing.T) {
	srv := zaitest.NewServer(t)
	two := []*schema.ToolInfo{weatherTool(), {Name: "now", Desc: "The time"}}
	cm, err := newModel(t, srv).WithTools(two)
	if err != nil {
		t.Fatal(err)
	}
	in := []*schema.Message{schema.UserMessage("hi")}
	ctx := context.Background()

	cases := []struct {
		name       string
		opt        model.Option
		wantChoice any
		wantTools  []string
	}{
		{"allowed", model.WithToolChoice(schema.ToolChoiceAllowed), "auto", []string{"get_weather", "now"}},
		{"allowed subset", model.WithToolChoice(schema.ToolChoiceAllowed, "now"), "auto", []string{"now"}},
		{"forced by name", model.WithToolChoice(schema.ToolChoiceForced, "get_weather"),
			map[string]any{"type": "function", "function": map[string]any{"name": "get_weather"}}, []string{"get_weather"}},
		{"forbidden", model.WithToolChoice(schema.ToolChoiceForbidden), nil, nil},
		{"per-call tools", model.WithTools([]*schema.ToolInfo{two[1]}), nil, []string{"now"}},
	}
	for i, c := range cases {
		if _, err := cm.Generate(ctx, in, c.opt); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		body := sent(t, srv, i)
		if !reflect.DeepEqual(body["tool_choice"], c.wantChoice) {
			t.Errorf("%s: tool_choice = %v, want %v", c.name, body["tool_choice"], c.wantChoice)
		}
		var names []string
		tools, _ := body["tools"].([]any)
		for _, tl := range tools {
			names = append(names, tl.(map[string]any)["function"].(map[string]any)["name"].(string))
		}
		if !reflect.DeepEqual(names, c.wantTools) {
			t.Errorf("%s: tools = %v, want %v", c.name, names, c.wantTools)
		}
	}

	// Z.ai cannot force "some tool" among several: say so before sending.
	n := len(srv.Requests())
	if _, err := cm.Generate(ctx, in, model.WithToolChoice(schema.ToolChoiceForced)); err == nil || !strings.Contains(err.Error(), "force one named function") {
		t.Fatalf("forced among two: err = %v", err)
	}
	if len(srv.Requests()) != n {
		t.Fatal("a request was sent for an impossible tool choice")
	}
}

func TestWebSearchTool(t *testing.T) {
	srv := zaitest.NewServer(t)
	cm := newModel(t, srv, func(c *zaieino.Config) { c.WebSearch = &zai.WebSearch{SearchEngine: "search_pro", SearchResult: true} })
	if _, err := cm.Generate(context.Background(), []*schema.Message{schema.UserMessage("news")}); err != nil {
		t.Fatal(err)
	}
	tools := sent(t, srv, 0)["tools"].([]any)
	ws := tools[0].(map[string]any)
	if ws["type"] != "web_search" || ws["web_search"].(map[string]any)["search_engine"] != "search_pro" {
		t.Fatalf("tools = %v", tools)
	}
}

func TestWebSearchResultsAfterJSON(t *testing.T) {
	// A message that went through JSON (a checkpoint) keeps its results
	// readable.
	msg := &schema.Message{Role: schema.Assistant, Extra: map[string]any{
		zaieino.WebSearchKey: []zai.WebSearchResult{{Title: "T", Link: "https://example.com"}},
	}}
	b, err := json.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	var back schema.Message
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	got := zaieino.WebSearchResults(&back)
	if len(got) != 1 || got[0].Link != "https://example.com" {
		t.Fatalf("results = %+v", got)
	}
	if zaieino.WebSearchResults(schema.UserMessage("x")) != nil || zaieino.WebSearchResults(nil) != nil {
		t.Fatal("results from a message without any")
	}
}

func ptr[T any](v T) *T { return &v }

// legacyImage is a user message built the deprecated way, with MultiContent.
func legacyImage(url string) *schema.Message {
	//lint:ignore SA1019 the deprecated form must keep working
	parts := []schema.ChatMessagePart{{Type: schema.ChatMessagePartTypeImageURL, ImageURL: &schema.ChatMessageImageURL{URL: url}}}
	return &schema.Message{Role: schema.User, MultiContent: parts}
}

func TestMessageMapping(t *testing.T) {
	srv := zaitest.NewServer(t)
	cm := newModel(t, srv)
	idx := 0
	in := []*schema.Message{
		schema.SystemMessage("sys"),
		{Role: schema.User, Name: "ann", UserInputMultiContent: []schema.MessageInputPart{
			{Type: schema.ChatMessagePartTypeText, Text: "look"},
			{Type: schema.ChatMessagePartTypeImageURL, Image: &schema.MessageInputImage{MessagePartCommon: schema.MessagePartCommon{URL: ptr("https://example.com/a.png")}}},
			{Type: schema.ChatMessagePartTypeImageURL, Image: &schema.MessageInputImage{MessagePartCommon: schema.MessagePartCommon{Base64Data: ptr("iVBOR"), MIMEType: "image/png"}}},
			{Type: schema.ChatMessagePartTypeVideoURL, Video: &schema.MessageInputVideo{MessagePartCommon: schema.MessagePartCommon{URL: ptr("https://example.com/v.mp4")}}},
			{Type: schema.ChatMessagePartTypeFileURL, File: &schema.MessageInputFile{MessagePartCommon: schema.MessagePartCommon{URL: ptr("https://example.com/f.pdf")}}},
			{Type: schema.ChatMessagePartTypeAudioURL, Audio: &schema.MessageInputAudio{MessagePartCommon: schema.MessagePartCommon{Base64Data: ptr("UklGR"), MIMEType: "audio/mpeg"}}},
		}},
		legacyImage("https://example.com/old.png"),
		{Role: schema.Assistant, ReasoningContent: "hmm", ToolCalls: []schema.ToolCall{
			{Index: &idx, ID: "call_9", Function: schema.FunctionCall{Name: "get_weather", Arguments: `{"city":"Oslo"}`}},
		}},
		schema.ToolMessage(`{"temp_c":3}`, "call_9"),
	}
	if _, err := cm.Generate(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	got := map[string]any{"messages": sent(t, srv, 0)["messages"]}
	var want map[string]any
	if err := json.Unmarshal([]byte(`{"messages":[
		{"role":"system","content":"sys"},
		{"role":"user","name":"ann","content":[
			{"type":"text","text":"look"},
			{"type":"image_url","image_url":{"url":"https://example.com/a.png"}},
			{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBOR"}},
			{"type":"video_url","video_url":{"url":"https://example.com/v.mp4"}},
			{"type":"file_url","file_url":{"url":"https://example.com/f.pdf"}},
			{"type":"input_audio","input_audio":{"data":"UklGR","format":"mp3"}}]},
		{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/old.png"}}]},
		{"role":"assistant","reasoning_content":"hmm","tool_calls":[
			{"id":"call_9","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Oslo\"}"}}]},
		{"role":"tool","tool_call_id":"call_9","content":"{\"temp_c\":3}"}]}`), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		t.Fatalf("messages sent:\n%s", g)
	}
}

func TestMessageMappingErrors(t *testing.T) {
	srv := zaitest.NewServer(t)
	cm := newModel(t, srv)
	bad := [][]*schema.Message{
		{{Role: "critic", Content: "x"}},
		{nil},
		{{Role: schema.User, UserInputMultiContent: []schema.MessageInputPart{
			{Type: schema.ChatMessagePartTypeAudioURL, Audio: &schema.MessageInputAudio{MessagePartCommon: schema.MessagePartCommon{URL: ptr("https://example.com/a.wav")}}}}}},
		{{Role: schema.User, UserInputMultiContent: []schema.MessageInputPart{
			{Type: schema.ChatMessagePartTypeFileURL, File: &schema.MessageInputFile{MessagePartCommon: schema.MessagePartCommon{Base64Data: ptr("JVBER")}}}}}},
	}
	for i, in := range bad {
		if _, err := cm.Generate(context.Background(), in); err == nil {
			t.Errorf("case %d: no error", i)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests sent for invalid input", n)
	}
}

// TestStreamCloseEarly closes the reader after one chunk: the feeding
// goroutine must end (goleak in TestMain checks), and so must one blocked on
// a silent server once ctx is cancelled.
func TestStreamCloseEarly(t *testing.T) {
	srv := zaitest.NewServer(t)
	cm := newModel(t, srv)
	sr, err := cm.Stream(context.Background(), []*schema.Message{schema.UserMessage(strings.Repeat("word ", 200))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sr.Recv(); err != nil {
		t.Fatal(err)
	}
	sr.Close()

	srv.ReplyStream(zaitest.Text("a"), zaitest.Text("b")).StallAfter(1)
	ctx, cancel := context.WithCancel(context.Background())
	sr, err = cm.Stream(ctx, []*schema.Message{schema.UserMessage("hi")})
	if err != nil {
		t.Fatal(err)
	}
	if m, err := sr.Recv(); err != nil || m.Content != "a" {
		t.Fatalf("first = %v, %v", m, err)
	}
	cancel()
	if _, err := sr.Recv(); !errors.Is(err, context.Canceled) {
		t.Fatalf("after cancel: err = %v, want context.Canceled", err)
	}
	sr.Close()
}

// TestStreamToolCallChecker: GLM writes text before its call. eino's
// unmodified ReAct agent, with its default checker (which decides from the
// first chunk with content), runs the tool all the same, because the model
// sends the call before the text it held back; so does it with
// StreamToolCallChecker. With ImmediateText the text comes first and the
// default checker ends the agent without running the tool.
func TestStreamToolCallChecker(t *testing.T) {
	script := func(srv *zaitest.Server) {
		srv.ReplyStream(zaitest.Reasoning("Oslo."), zaitest.Text("Let me "), zaitest.Text("check. "),
			zaitest.ToolCallChunk(0, "call_1", "get_weather", `{"city":"Oslo"}`),
			zaitest.Finish("tool_calls", 5, 5))
		// eino's default checker stops at the text and never asks for this one.
		srv.ReplyStream(zaitest.Text("Cold."), zaitest.Finish("stop", 9, 1)).AllowUnused()
	}
	for _, c := range []struct {
		name          string
		checker       func(context.Context, *schema.StreamReader[*schema.Message]) (bool, error)
		immediateText bool
		wantTool      bool
	}{
		{"eino's default checker", nil, false, true},
		{"StreamToolCallChecker", zaieino.StreamToolCallChecker, false, true},
		{"StreamToolCallChecker, ImmediateText", zaieino.StreamToolCallChecker, true, true},
		{"eino's default checker, ImmediateText", nil, true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := zaitest.NewServer(t)
			script(srv)
			w := &weather{}
			agent, err := react.NewAgent(context.Background(), &react.AgentConfig{
				ToolCallingModel:      newModel(t, srv, func(cfg *zaieino.Config) { cfg.ImmediateText = c.immediateText }),
				ToolsConfig:           compose.ToolsNodeConfig{Tools: []tool.BaseTool{w}},
				StreamToolCallChecker: c.checker,
			})
			if err != nil {
				t.Fatal(err)
			}
			sr, err := agent.Stream(context.Background(), []*schema.Message{schema.UserMessage("Oslo?")})
			if err != nil {
				t.Fatal(err)
			}
			final, err := schema.ConcatMessageStream(sr)
			if err != nil {
				t.Fatal(err)
			}
			ran := len(w.args) == 1 && final.Content == "Cold."
			if ran != c.wantTool {
				t.Fatalf("tool args %q, final %q; want the tool run: %v", w.args, final.Content, c.wantTool)
			}
			if ran {
				// The turn went back whole: its text, reasoning and call.
				asst := sent(t, srv, 1)["messages"].([]any)[1].(map[string]any)
				if asst["content"] != "Let me check. " || asst["reasoning_content"] != "Oslo." || len(asst["tool_calls"].([]any)) != 1 {
					t.Fatalf("assistant turn sent back: %v", asst)
				}
			}
		})
	}

	has, err := zaieino.StreamToolCallChecker(context.Background(), schema.StreamReaderFromArray([]*schema.Message{{Content: "no calls"}}))
	if err != nil || has {
		t.Fatalf("checker = %v, %v on a reply without calls", has, err)
	}
}

// While function tools are offered, the turn's text waits for its first
// call (sent first) or its end; without tools it streams at once.
func TestTextHeldUntilToolCalls(t *testing.T) {
	chunks := func(t *testing.T, cm model.ToolCallingChatModel) []*schema.Message {
		sr, err := cm.Stream(context.Background(), []*schema.Message{schema.UserMessage("hi")})
		if err != nil {
			t.Fatal(err)
		}
		return recvAll(t, sr)
	}
	kinds := func(msgs []*schema.Message) string {
		var out []string
		for _, m := range msgs {
			switch {
			case len(m.ToolCalls) > 0:
				out = append(out, "call")
			case m.Content != "":
				out = append(out, "text:"+m.Content)
			case m.ReasoningContent != "":
				out = append(out, "reasoning")
			case m.ResponseMeta != nil:
				out = append(out, "end")
			}
		}
		return strings.Join(out, " ")
	}
	script := func(srv *zaitest.Server) {
		srv.ReplyStream(zaitest.Reasoning("Hm."), zaitest.Text("A"), zaitest.Text("B"),
			zaitest.ToolCallChunk(0, "call_1", "get_weather", `{"city":"Oslo"}`), zaitest.Text("C"), zaitest.Finish("tool_calls", 5, 5))
	}
	for _, c := range []struct {
		name  string
		tools bool
		cfg   func(*zaieino.Config)
		want  string
	}{
		{"tools", true, nil, "reasoning call text:A text:B text:C end"},
		{"tools, ImmediateText", true, func(c *zaieino.Config) { c.ImmediateText = true }, "reasoning text:A text:B call text:C end"},
		{"no tools", false, nil, "reasoning text:A text:B call text:C end"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := zaitest.NewServer(t)
			script(srv)
			var cm model.ToolCallingChatModel = newModel(t, srv, func(cfg *zaieino.Config) {
				if c.cfg != nil {
					c.cfg(cfg)
				}
			})
			if c.tools {
				var err error
				if cm, err = cm.WithTools([]*schema.ToolInfo{weatherTool()}); err != nil {
					t.Fatal(err)
				}
			}
			msgs := chunks(t, cm)
			if got := kinds(msgs); got != c.want {
				t.Fatalf("chunks %s, want %s", got, c.want)
			}
			joined, err := schema.ConcatMessages(msgs)
			if err != nil || joined.Content != "ABC" || len(joined.ToolCalls) != 1 {
				t.Fatalf("joined %+v, %v", joined, err)
			}
		})
	}
	t.Run("a turn without a call", func(t *testing.T) {
		srv := zaitest.NewServer(t)
		srv.ReplyStream(zaitest.Text("A"), zaitest.Text("B"), zaitest.Finish("stop", 5, 2))
		cm, err := newModel(t, srv).WithTools([]*schema.ToolInfo{weatherTool()})
		if err != nil {
			t.Fatal(err)
		}
		if got := kinds(chunks(t, cm)); got != "text:A text:B end" {
			t.Fatalf("chunks %s", got)
		}
	})
}

func TestConfigCopied(t *testing.T) {
	srv := zaitest.NewServer(t)
	cfg := &zaieino.Config{Client: srv.Client(), Model: "glm-4.7", Thinking: &zai.Thinking{Type: zai.ThinkingTypeEnabled}, Stop: []string{"a"}}
	cm, err := zaieino.NewChatModel(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Thinking.Type, cfg.Stop[0], cfg.Model = zai.ThinkingTypeDisabled, "b", "other"
	if _, err := cm.Generate(context.Background(), []*schema.Message{schema.UserMessage("hi")}); err != nil {
		t.Fatal(err)
	}
	body := sent(t, srv, 0)
	if body["thinking"].(map[string]any)["type"] != "enabled" || body["stop"].([]any)[0] != "a" || body["model"] != "glm-4.7" {
		t.Fatalf("a change to the Config after NewChatModel reached the request: %v", body)
	}
}

// TestConcurrentUse shares one model across goroutines, deriving tool
// variants as eino's agents do; -race checks it.
func TestConcurrentUse(t *testing.T) {
	srv := zaitest.NewServer(t)
	base := newModel(t, srv)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cm, err := base.WithTools([]*schema.ToolInfo{weatherTool()})
			if err != nil {
				errs <- err
				return
			}
			in := []*schema.Message{schema.UserMessage("hi")}
			if _, err := cm.Generate(context.Background(), in); err != nil {
				errs <- err
			}
			sr, err := base.Stream(context.Background(), in)
			if err != nil {
				errs <- err
				return
			}
			if _, err := schema.ConcatMessageStream(sr); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// Text-only multi-part content goes out as one string, which text models
// take (they may refuse a part array), its parts joined as eino-ext's
// text-only models join them; assistant text and reasoning parts alike.
func TestTextPartsJoined(t *testing.T) {
	srv := zaitest.NewServer(t)
	cm := newModel(t, srv)
	text := func(s string) schema.MessageInputPart {
		return schema.MessageInputPart{Type: schema.ChatMessagePartTypeText, Text: s}
	}
	//lint:ignore SA1019 the deprecated form must keep working
	legacy := []schema.ChatMessagePart{{Type: schema.ChatMessagePartTypeText, Text: "old one"}, {Type: schema.ChatMessagePartTypeText, Text: "old two"}}
	in := []*schema.Message{
		{Role: schema.User, Content: "intro", UserInputMultiContent: []schema.MessageInputPart{text("first"), text("second")}},
		{Role: schema.Assistant, AssistantGenMultiContent: []schema.MessageOutputPart{
			{Type: schema.ChatMessagePartTypeReasoning, Reasoning: &schema.MessageOutputReasoning{Text: "think"}},
			{Type: schema.ChatMessagePartTypeText, Text: "Answer one."},
			{Type: schema.ChatMessagePartTypeReasoning, Reasoning: &schema.MessageOutputReasoning{Text: "again"}},
			{Type: schema.ChatMessagePartTypeText, Text: "Answer two."},
		}},
		{Role: schema.User, MultiContent: legacy},
		{Role: schema.User, UserInputMultiContent: []schema.MessageInputPart{text("see"),
			{Type: schema.ChatMessagePartTypeImageURL, Image: &schema.MessageInputImage{MessagePartCommon: schema.MessagePartCommon{URL: ptr("https://example.com/a.png")}}}}},
	}
	if _, err := cm.Generate(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(sent(t, srv, 0)["messages"])
	want := `[{"content":"intro\n\nfirst\n\nsecond","role":"user"},` +
		`{"content":"Answer one.\n\nAnswer two.","reasoning_content":"think\n\nagain","role":"assistant"},` +
		`{"content":"old one\n\nold two","role":"user"},` +
		`{"content":[{"text":"see","type":"text"},{"image_url":{"url":"https://example.com/a.png"},"type":"image_url"}],"role":"user"}]`
	if string(got) != want {
		t.Fatalf("messages\n%s\nwant\n%s", got, want)
	}
}

// Code on eino's older model.ChatModel interface binds tools in place: the
// deprecated react.AgentConfig.Model calls BindTools, and the agent runs
// its tool through zaieino.
func TestBindTools(t *testing.T) {
	srv := zaitest.NewServer(t)
	cm := newModel(t, srv)
	w := &weather{}
	agent, err := react.NewAgent(context.Background(), &react.AgentConfig{
		//lint:ignore SA1019 the older interface is what this test is for
		Model:       cm,
		ToolsConfig: compose.ToolsNodeConfig{Tools: []tool.BaseTool{w}},
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := agent.Generate(context.Background(), []*schema.Message{schema.UserMessage("Weather in Paris?")})
	if err != nil {
		t.Fatal(err)
	}
	if len(w.args) != 1 || !strings.HasPrefix(out.Content, "The tool returned:") {
		t.Fatalf("tool args %q, final %q", w.args, out.Content)
	}
	if tools := sent(t, srv, 0)["tools"].([]any); len(tools) != 1 {
		t.Fatalf("tools sent %v", tools)
	}

	// BindForcedTools names the one tool in tool_choice; a per-call choice
	// still wins.
	if err := cm.BindForcedTools([]*schema.ToolInfo{weatherTool()}); err != nil {
		t.Fatal(err)
	}
	if _, err := cm.Generate(context.Background(), []*schema.Message{schema.UserMessage("hi")}); err != nil {
		t.Fatal(err)
	}
	choice, _ := json.Marshal(sent(t, srv, 2)["tool_choice"])
	if string(choice) != `{"function":{"name":"get_weather"},"type":"function"}` {
		t.Fatalf("tool_choice %s", choice)
	}
	if _, err := cm.Generate(context.Background(), []*schema.Message{schema.UserMessage("hi")}, model.WithToolChoice(schema.ToolChoiceAllowed)); err != nil {
		t.Fatal(err)
	}
	if got := sent(t, srv, 3)["tool_choice"]; got != "auto" {
		t.Fatalf("tool_choice %v", got)
	}
	two := []*schema.ToolInfo{weatherTool(), {Name: "other", Desc: "Other"}}
	if err := cm.BindForcedTools(two); err == nil {
		t.Fatal("BindForcedTools of two tools: no error")
	}
}

// BindTools while other goroutines call the model: each call sees one
// whole tool set (-race checks it).
func TestBindToolsConcurrent(t *testing.T) {
	srv := zaitest.NewServer(t)
	cm := newModel(t, srv)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			if err := cm.BindTools([]*schema.ToolInfo{weatherTool()}); err != nil {
				t.Error(err)
			}
		}()
		go func() {
			defer wg.Done()
			if _, err := cm.Generate(context.Background(), []*schema.Message{schema.UserMessage("hi")}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

// The modifiers of eino-ext's OpenAI model: the request body rewritten once
// (a retry sends the same rewrite), the reply and each chunk rewritten with
// the raw JSON at hand.
func TestModifiers(t *testing.T) {
	srv := zaitest.NewServer(t)
	cm := newModel(t, srv)
	in := []*schema.Message{schema.UserMessage("hi")}
	var calls int
	payload := zaieino.WithRequestPayloadModifier(func(_ context.Context, msgs []*schema.Message, raw []byte) ([]byte, error) {
		calls++
		var body map[string]any
		if err := json.Unmarshal(raw, &body); err != nil {
			return nil, err
		}
		body["custom_field"] = msgs[0].Content
		return json.Marshal(body)
	})
	srv.ReplyError(500, "1234", "busy")
	srv.Reply(`{"id":"c1","model":"glm-4.7","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Hello"}}],"extra_verdict":"ok"}`)
	msg, err := cm.Generate(context.Background(), in, payload,
		zaieino.WithRequestOptions(zai.WithMaxRetries(1)),
		zaieino.WithResponseMessageModifier(func(_ context.Context, msg *schema.Message, raw []byte) (*schema.Message, error) {
			var body struct {
				Verdict string `json:"extra_verdict"`
			}
			if err := json.Unmarshal(raw, &body); err != nil {
				return nil, err
			}
			msg.Extra = map[string]any{"verdict": body.Verdict}
			return msg, nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	if msg.Extra["verdict"] != "ok" || msg.Content != "Hello" {
		t.Fatalf("message %+v", msg)
	}
	if calls != 1 || len(srv.Requests()) != 2 || sent(t, srv, 0)["custom_field"] != "hi" || sent(t, srv, 1)["custom_field"] != "hi" {
		t.Fatalf("modifier ran %d times; bodies %v / %v", calls, sent(t, srv, 0), sent(t, srv, 1))
	}

	srv.ReplyStream(zaitest.Text("A"), zaitest.Text("B"), zaitest.Finish("stop", 1, 2))
	var raws []string
	sr, err := cm.Stream(context.Background(), in, zaieino.WithResponseChunkMessageModifier(
		func(_ context.Context, msg *schema.Message, raw []byte, end bool) (*schema.Message, error) {
			if end {
				return &schema.Message{Role: schema.Assistant, Content: "!"}, nil
			}
			raws = append(raws, string(raw))
			msg.Content = strings.ToLower(msg.Content)
			return msg, nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	joined, err := schema.ConcatMessageStream(sr)
	if err != nil {
		t.Fatal(err)
	}
	if joined.Content != "ab!" || len(raws) != 3 || !strings.Contains(raws[0], `"content":"A"`) {
		t.Fatalf("joined %q, raw chunks %q", joined.Content, raws)
	}

	// A modifier's error ends the call, before anything is sent.
	n := len(srv.Requests())
	_, err = cm.Generate(context.Background(), in, zaieino.WithRequestPayloadModifier(func(context.Context, []*schema.Message, []byte) ([]byte, error) {
		return nil, errors.New("refused")
	}))
	if err == nil || !strings.Contains(err.Error(), "refused") || len(srv.Requests()) != n {
		t.Fatalf("err %v, %d requests", err, len(srv.Requests())-n)
	}
}
