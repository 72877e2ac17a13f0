package zai_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

type weatherIn struct {
	City string `json:"city" jsonschema:"the city name"`
	Unit string `json:"unit,omitempty"`
}

type weatherOut struct {
	City  string  `json:"city"`
	TempC float64 `json:"temp_c"`
}

type addIn struct {
	A int `json:"a"`
	B int `json:"b"`
}

func weatherTool(calls *atomic.Int32) zai.RunnableTool {
	return zai.NewTool("get_weather", "Weather for a city", func(ctx context.Context, in weatherIn) (weatherOut, error) {
		calls.Add(1)
		if in.City == "Atlantis" {
			return weatherOut{}, errors.New("no such city")
		}
		return weatherOut{City: in.City, TempC: 21}, nil
	})
}

var addTool = zai.NewTool("add", "Adds two integers", func(ctx context.Context, in addIn) (int, error) {
	return in.A + in.B, nil
})

func runnerReq() zai.ChatCompletionRequest {
	return zai.ChatCompletionRequest{Model: zai.ModelGLM4_7, Messages: []zai.Message{zai.UserMessage("Plan my trip")}}
}

// toolMessages returns the tool messages at the end of a request.
func toolMessages(t *testing.T, r zaitest.Request) []zai.Message {
	t.Helper()
	msgs := decodeChat(t, r).Messages
	i := len(msgs)
	for i > 0 && msgs[i-1].Role == zai.RoleTool {
		i--
	}
	return msgs[i:]
}

func TestToolRunnerChain(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.ReplyMessage(zai.Message{ReasoningContent: "I need the weather and a sum.", ToolCalls: []zai.ToolCall{
		zaitest.ToolCall("call_1", "get_weather", `{"city":"Paris"}`),
		zaitest.ToolCall("call_2", "add", `{"a":2,"b":3}`),
	}})
	srv.ReplyToolCalls(zaitest.ToolCall("call_3", "get_weather", `{"city":"Rome","unit":"c"}`))
	srv.ReplyContent("Paris 21, Rome 21, and 5.")

	var n atomic.Int32
	req := runnerReq()
	req.Thinking = &zai.Thinking{Type: zai.ThinkingTypeEnabled, ClearThinking: zai.Ptr(false)}
	runner := zai.NewToolRunner(srv.Client(), req, weatherTool(&n), addTool)
	final, err := runner.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if final.Choices[0].Message.Content != "Paris 21, Rome 21, and 5." || n.Load() != 2 {
		t.Fatalf("final = %+v, weather calls = %d", final.Choices[0].Message, n.Load())
	}
	reqs := srv.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}

	first := decodeChat(t, reqs[0])
	if len(first.Tools) != 2 || first.Tools[0].Function.Name != "get_weather" || first.Tools[1].Function.Name != "add" {
		t.Fatalf("tools sent: %+v", first.Tools)
	}
	params, _ := json.Marshal(first.Tools[0].Function.Parameters)
	if !strings.Contains(string(params), `"city":{"description":"the city name","type":"string"}`) ||
		!strings.Contains(string(params), `"required":["city"]`) {
		t.Errorf("parameters = %s", params)
	}

	second := decodeChat(t, reqs[1])
	asst := second.Messages[1]
	if asst.Role != zai.RoleAssistant || asst.ReasoningContent != "I need the weather and a sum." || len(asst.ToolCalls) != 2 {
		t.Errorf("the assistant message was not appended as returned: %+v", asst)
	}
	if second.Thinking == nil || second.Thinking.ClearThinking == nil || *second.Thinking.ClearThinking {
		t.Errorf("thinking settings lost across turns: %+v", second.Thinking)
	}
	got := toolMessages(t, reqs[1])
	want := []zai.Message{zai.ToolMessage("call_1", `{"city":"Paris","temp_c":21}`), zai.ToolMessage("call_2", "5")}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("tool messages:\n got %+v\nwant %+v", got, want)
	}
	if got := toolMessages(t, reqs[2]); len(got) != 1 || got[0].ToolCallID != "call_3" || got[0].Content != `{"city":"Rome","temp_c":21}` {
		t.Errorf("third turn tool messages: %+v", got)
	}
	if all := decodeChat(t, reqs[2]).Messages; len(all) != 6 {
		t.Errorf("third request has %d messages, want user, assistant, 2 tools, assistant, tool", len(all))
	}
	if len(runner.Request.Messages) != 7 || len(req.Messages) != 1 {
		t.Errorf("runner.Request holds %d messages (want 7); the caller's has %d (want 1)", len(runner.Request.Messages), len(req.Messages))
	}
}

func TestToolRunnerErrorsGoBackToTheModel(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.ReplyToolCalls(
		zaitest.ToolCall("c1", "get_weather", `{"city":"Paris","zip":"75001"}`), // unknown field
		zaitest.ToolCall("c2", "get_weather", `{"city":3}`),                     // wrong type
		zaitest.ToolCall("c3", "get_weather", `{}`),                             // missing field
		zaitest.ToolCall("c4", "get_weather", `{"city":`),                       // not JSON
		zaitest.ToolCall("c5", "get_weather", `{"city":"Atlantis"}`),            // the tool fails
		zaitest.ToolCall("c6", "teleport", `{}`),                                // no such tool
		zaitest.ToolCall("c7", "get_weather", `{"city":"Oslo"}`),
	)
	srv.ReplyContent("Sorted.")
	var n atomic.Int32
	if _, err := zai.NewToolRunner(srv.Client(), runnerReq(), weatherTool(&n)).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := toolMessages(t, srv.Requests()[1])
	want := []struct{ id, prefix, has string }{
		{"c1", "error: invalid arguments", "zip"},
		{"c2", "error: invalid arguments", "city"},
		{"c3", "error: invalid arguments", "city"},
		{"c4", "error: invalid arguments: not JSON", ""},
		{"c5", "error: no such city", ""},
		{"c6", `error: unknown tool "teleport"`, "get_weather"},
		{"c7", `{"city":"Oslo","temp_c":21}`, ""},
	}
	if len(got) != len(want) {
		t.Fatalf("%d tool messages, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].ToolCallID != w.id || !strings.HasPrefix(got[i].Content, w.prefix) || !strings.Contains(got[i].Content, w.has) {
			t.Errorf("message %d = %s %q, want %s %q...%q", i, got[i].ToolCallID, got[i].Content, w.id, w.prefix, w.has)
		}
	}
	if n.Load() != 2 {
		t.Errorf("the function ran %d times, want 2 (bad arguments never reach it)", n.Load())
	}
}

func TestToolRunnerParallelIsConcurrent(t *testing.T) {
	const calls = 3
	srv := zaitest.NewServer(t)
	var tc []zai.ToolCall
	for i := range calls {
		tc = append(tc, zaitest.ToolCall(fmt.Sprintf("call_%d", i), "meet", fmt.Sprintf(`{"a":%d,"b":0}`, i)))
	}
	srv.ReplyToolCalls(tc...)
	srv.ReplyContent("met")

	// Every call waits until all have started: run one at a time, the first
	// would wait forever (the timeout only guards against a hang).
	var arrived sync.WaitGroup
	arrived.Add(calls)
	all := make(chan struct{})
	go func() { arrived.Wait(); close(all) }()
	meet := zai.NewTool("meet", "Waits for the others", func(ctx context.Context, in addIn) (string, error) {
		arrived.Done()
		select {
		case <-all:
		case <-time.After(10 * time.Second):
			return "", errors.New("the calls did not run concurrently")
		}
		// Finish in reverse order, so the results are sent in call order
		// only if the runner orders them.
		time.Sleep(time.Duration(calls-in.A) * time.Millisecond)
		return fmt.Sprintf("done %d", in.A), nil
	})
	runner := zai.NewToolRunner(srv.Client(), runnerReq(), meet)
	runner.Parallel = true
	if _, err := runner.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := toolMessages(t, srv.Requests()[1])
	for i, m := range got {
		if m.ToolCallID != fmt.Sprintf("call_%d", i) || m.Content != fmt.Sprintf(`"done %d"`, i) {
			t.Errorf("message %d = %+v", i, m)
		}
	}
	if len(got) != calls {
		t.Fatalf("%d tool messages", len(got))
	}
}

func TestToolRunnerSequentialRunsInOrder(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.ReplyToolCalls(zaitest.ToolCall("a", "note", `{"a":1,"b":0}`), zaitest.ToolCall("b", "note", `{"a":2,"b":0}`))
	srv.ReplyContent("ok")
	var order []int
	var running atomic.Int32
	note := zai.NewTool("note", "Records the order", func(ctx context.Context, in addIn) (int, error) {
		if running.Add(1) != 1 {
			return 0, errors.New("overlap")
		}
		defer running.Add(-1)
		order = append(order, in.A)
		return in.A, nil
	})
	if _, err := zai.NewToolRunner(srv.Client(), runnerReq(), note).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(order) != "[1 2]" {
		t.Fatalf("order = %v", order)
	}
}

func TestToolRunnerMaxTurns(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.ReplyToolCalls(zaitest.ToolCall("again", "add", `{"a":1,"b":1}`)).Times(10).AllowUnused() // a model that never stops: the runner must
	runner := zai.NewToolRunner(srv.Client(), runnerReq(), addTool)
	runner.MaxTurns = 3
	var yielded int
	var last error
	for c, err := range runner.All(context.Background()) {
		yielded++
		last = err
		if c == nil {
			t.Fatal("ErrMaxTurns should come with the completion that still calls tools")
		}
	}
	if !errors.Is(last, zai.ErrMaxTurns) {
		t.Fatalf("err = %v, want ErrMaxTurns", last)
	}
	if n := len(srv.Requests()); n != 3 || yielded != 3 {
		t.Fatalf("%d requests, %d yields; want 3 and 3", n, yielded)
	}
}

func TestToolRunnerDefaultMaxTurns(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.ReplyToolCalls(zaitest.ToolCall("again", "add", `{"a":1,"b":1}`)).Times(20).AllowUnused() // a model that never stops: the runner must
	runner := zai.NewToolRunner(srv.Client(), runnerReq(), addTool)
	if runner.MaxTurns != 10 {
		t.Fatalf("MaxTurns = %d, want 10", runner.MaxTurns)
	}
	runner.MaxTurns = 0 // not positive: the default
	final, err := runner.Run(context.Background())
	if !errors.Is(err, zai.ErrMaxTurns) || final == nil || len(srv.Requests()) != 10 {
		t.Fatalf("err = %v, final = %v, %d requests", err, final, len(srv.Requests()))
	}
}

func TestToolRunnerPanic(t *testing.T) {
	for _, parallel := range []bool{false, true} {
		srv := zaitest.NewServer(t)
		srv.ReplyToolCalls(zaitest.ToolCall("c1", "add", `{"a":1,"b":1}`), zaitest.ToolCall("c2", "boom", `{"a":1,"b":1}`))
		boom := zai.NewTool("boom", "Panics", func(ctx context.Context, in addIn) (int, error) {
			panic(fmt.Sprintf("boom %d", in.A))
		})
		runner := zai.NewToolRunner(srv.Client(), runnerReq(), addTool, boom)
		runner.Parallel = parallel
		final, err := runner.Run(context.Background())
		var pe *zai.ToolPanicError
		if !errors.Is(err, zai.ErrToolPanic) || !errors.As(err, &pe) || pe.Tool != "boom" || pe.Value != "boom 1" || len(pe.Stack) == 0 {
			t.Fatalf("parallel=%v: err = %v", parallel, err)
		}
		if final == nil || len(srv.Requests()) != 1 {
			t.Fatalf("parallel=%v: final = %v, %d requests; the panic must not be sent on", parallel, final, len(srv.Requests()))
		}
	}
}

func TestToolRunnerCancelMidTurn(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	defer goleak.VerifyNone(t, ignore)
	srv := zaitest.Start()
	defer srv.Close()
	srv.ReplyToolCalls(zaitest.ToolCall("c1", "wait", `{"a":1,"b":1}`), zaitest.ToolCall("c2", "wait", `{"a":2,"b":1}`))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	started := make(chan struct{}, 2)
	wait := zai.NewTool("wait", "Waits for ctx", func(ctx context.Context, in addIn) (int, error) {
		started <- struct{}{}
		<-ctx.Done()
		return 0, ctx.Err()
	})
	runner := zai.NewToolRunner(srv.Client(), runnerReq(), wait)
	runner.Parallel = true
	done := make(chan error, 1)
	go func() {
		_, err := runner.Run(ctx)
		done <- err
	}()
	<-started
	<-started
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if n := len(srv.Requests()); n != 1 {
		t.Fatalf("%d requests; nothing may be sent after cancel", n)
	}
}

func TestToolRunnerCancelDuringRequest(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.ReplyContent("slow").StallAfter(0)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for len(srv.Requests()) == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	_, err := zai.NewToolRunner(srv.Client(), runnerReq(), addTool).Run(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestToolRunnerAllBreakStops(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.ReplyToolCalls(zaitest.ToolCall("c1", "add", `{"a":1,"b":1}`)).Times(5).AllowUnused() // more than the loop takes before its break
	var n atomic.Int32
	counting := zai.NewTool("add", "", func(ctx context.Context, in addIn) (int, error) { n.Add(1); return 0, nil })
	for range zai.NewToolRunner(srv.Client(), runnerReq(), counting).All(context.Background()) {
		break
	}
	if len(srv.Requests()) != 1 || n.Load() != 0 {
		t.Fatalf("%d requests, %d tool runs after break; want 1 and 0", len(srv.Requests()), n.Load())
	}
}

func TestToolRunnerKeepsServerTools(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.ReplyMessage(zai.Message{Content: "searched", ToolCalls: []zai.ToolCall{{ID: "ws", Type: "web_search"}}})
	req := runnerReq()
	req.Tools = []zai.Tool{zai.WebSearchTool(zai.WebSearch{Enable: zai.Ptr(true)}), zai.FunctionTool("add", "mine", nil)}
	final, err := zai.NewToolRunner(srv.Client(), req, addTool).Run(context.Background())
	if err != nil || final.Choices[0].Message.Content != "searched" || len(srv.Requests()) != 1 {
		t.Fatalf("err = %v, %d requests: a server-side call is not run here", err, len(srv.Requests()))
	}
	tools := decodeChat(t, srv.Requests()[0]).Tools
	if len(tools) != 2 || tools[1].Function.Description != "mine" {
		t.Fatalf("tools = %+v; the user's definitions stay and are not duplicated", tools)
	}
}

func TestToolRunnerStream(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.ReplyStreamMessage(zai.Message{ReasoningContent: "Need weather.", ToolCalls: []zai.ToolCall{
		zaitest.ToolCall("s1", "get_weather", `{"city":"Paris"}`),
		zaitest.ToolCall("s2", "add", `{"a":20,"b":22}`),
	}})
	srv.ReplyStreamMessage(zai.Message{Content: "Paris is 21 and the answer is 42."})
	var n atomic.Int32
	runner := zai.NewToolRunner(srv.Client(), runnerReq(), weatherTool(&n), addTool)
	var text, reasoning strings.Builder
	chunks := 0
	for chunk, err := range runner.Stream(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		chunks++
		for _, c := range chunk.Choices {
			text.WriteString(c.Delta.Content)
			reasoning.WriteString(c.Delta.ReasoningContent)
		}
	}
	if text.String() != "Paris is 21 and the answer is 42." || reasoning.String() != "Need weather." || chunks < 8 {
		t.Fatalf("text %q, reasoning %q, %d chunks", text.String(), reasoning.String(), chunks)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	for _, r := range reqs {
		if m := r.JSON(); m["stream"] != true || m["tool_stream"] != true {
			t.Errorf("stream = %v, tool_stream = %v", m["stream"], m["tool_stream"])
		}
	}
	second := decodeChat(t, reqs[1]).Messages
	if a := second[1]; a.ReasoningContent != "Need weather." || len(a.ToolCalls) != 2 || a.ToolCalls[1].Function.Arguments != `{"a":20,"b":22}` {
		t.Errorf("assembled assistant message: %+v", a)
	}
	got := toolMessages(t, reqs[1])
	if len(got) != 2 || got[0].ToolCallID != "s1" || got[0].Content != `{"city":"Paris","temp_c":21}` || got[1].ToolCallID != "s2" || got[1].Content != "42" {
		t.Errorf("tool messages: %+v", got)
	}
}

func TestToolRunnerStreamError(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.ReplyStream(zaitest.Text("Hel")).DropAfter(1)
	var errs []error
	for _, err := range zai.NewToolRunner(srv.Client(), runnerReq(), addTool).Stream(context.Background()) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) != 1 {
		t.Fatalf("errors = %v, want exactly one", errs)
	}
}

func TestNewToolPanicsOnRecursiveInput(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "recursive") {
			t.Fatalf("recover() = %v", r)
		}
	}()
	zai.NewTool("tree", "", func(ctx context.Context, in schemaNode) (int, error) { return 0, nil })
}

func TestNewToolCallWithoutArguments(t *testing.T) {
	tool := zai.NewTool("now", "The time", func(ctx context.Context, in struct{}) (string, error) { return "noon", nil })
	for _, args := range []string{"", "{}", " "} {
		out, err := tool.Call(context.Background(), args)
		if err != nil || out != `"noon"` {
			t.Errorf("%q: %q, %v", args, out, err)
		}
	}
	if def := tool.Describe(); def.Type != zai.ToolTypeFunction || def.Function.Name != "now" || def.Function.Description != "The time" {
		t.Errorf("definition = %+v", def.Function)
	}
}
