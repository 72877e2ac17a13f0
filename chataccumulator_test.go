package zai_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/zai-go/zai"
)

// accumulateStream serves chunks (the data of each event, in the shape of
// the recorded tool-call streams) on a loopback server and returns what the
// accumulator makes of the stream the client reads.
func accumulateStream(t *testing.T, chunks ...string) *zai.ChatCompletion {
	t.Helper()
	var events [][]byte
	for _, c := range chunks {
		events = append(events, []byte("data: "+c+"\n\n"))
	}
	events = append(events, doneEvent)
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) { writeEvents(w, events) })
	stream, err := env.client.Chat.Completions.CreateStream(context.Background(), hiReq)
	if err != nil {
		t.Fatal(err)
	}
	var acc zai.ChatCompletionAccumulator
	for chunk, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		acc.Add(chunk)
	}
	return acc.Completion()
}

// toolChunk is a chunk whose delta carries one tool-call fragment.
func toolChunk(fragment string) string {
	return `{"id":"20260313050307df155ecf3e9f4961","created":1773349387,"object":"chat.completion.chunk","model":"glm-4.7-flash",` +
		`"choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[` + fragment + `]}}]}`
}

const finishChunk = `{"id":"20260313050307df155ecf3e9f4961","created":1773349387,"object":"chat.completion.chunk","model":"glm-4.7-flash",` +
	`"choices":[{"index":0,"finish_reason":"tool_calls","delta":{"role":"assistant","content":""}}]}`

type wantCall struct {
	index          int
	id, name, args string
}

func checkCalls(t *testing.T, c *zai.ChatCompletion, want ...wantCall) {
	t.Helper()
	if len(c.Choices) != 1 {
		t.Fatalf("%d choices", len(c.Choices))
	}
	calls := c.Choices[0].Message.ToolCalls
	if len(calls) != len(want) {
		t.Fatalf("%d tool calls %+v, want %d", len(calls), calls, len(want))
	}
	for i, w := range want {
		got := calls[i]
		if got.Index != w.index || got.ID != w.id || got.Type != "function" || got.Function.Name != w.name || got.Function.Arguments != w.args {
			t.Errorf("call %d: %+v, want %+v", i, got, w)
		}
	}
	if c.Choices[0].FinishReason != zai.FinishReasonToolCalls {
		t.Errorf("finish reason %q", c.Choices[0].FinishReason)
	}
}

// With tool_stream the name can come in pieces, like the arguments: the
// pieces are joined in order.
func TestAccumulatorJoinsToolCallNameFragments(t *testing.T) {
	c := accumulateStream(t,
		toolChunk(`{"id":"call_3532c842716b4c72a7dd7498","index":0,"type":"function","function":{"name":"get_","arguments":""}}`),
		toolChunk(`{"index":0,"function":{"name":"current_","arguments":"{\"location\":"}}`),
		toolChunk(`{"index":0,"function":{"name":"weather","arguments":"\"Florence,"}}`),
		toolChunk(`{"index":0,"function":{"arguments":"Italy\"}"}}`),
		finishChunk)
	checkCalls(t, c, wantCall{0, "call_3532c842716b4c72a7dd7498", "get_current_weather", `{"location":"Florence,Italy"}`})
}

// A server that repeats the whole name on every fragment does not get it
// doubled.
func TestAccumulatorRepeatedToolCallNameIsKeptOnce(t *testing.T) {
	c := accumulateStream(t,
		toolChunk(`{"id":"call_3532c842716b4c72a7dd7498","index":0,"type":"function","function":{"name":"weather","arguments":"{\"location\":"}}`),
		toolChunk(`{"index":0,"function":{"name":"weather","arguments":"\"Florence,Italy\"}"}}`),
		finishChunk)
	checkCalls(t, c, wantCall{0, "call_3532c842716b4c72a7dd7498", "weather", `{"location":"Florence,Italy"}`})
}

// A fragment with a new id at an index already in use is a new call (some
// servers send whole calls all at index 0); fragments without an id then go
// to the newest call at that index.
func TestAccumulatorNewIDAtSameIndexStartsNewCall(t *testing.T) {
	c := accumulateStream(t,
		toolChunk(`{"id":"call_2dbb7568bf254f7cb91b4a09","index":0,"type":"function","function":{"name":"add","arguments":"{\"a\": 2, \"b\": 3}"}}`),
		toolChunk(`{"id":"call_88cb0be022f94339af640b13","index":0,"type":"function","function":{"name":"multiply","arguments":"{\"a\": 2,"}}`),
		toolChunk(`{"index":0,"function":{"arguments":" \"b\": 3}"}}`),
		finishChunk)
	checkCalls(t, c,
		wantCall{0, "call_2dbb7568bf254f7cb91b4a09", "add", `{"a": 2, "b": 3}`},
		wantCall{0, "call_88cb0be022f94339af640b13", "multiply", `{"a": 2, "b": 3}`})
	// The same id again is the same call, not a third one.
	c = accumulateStream(t,
		toolChunk(`{"id":"call_2dbb7568bf254f7cb91b4a09","index":0,"type":"function","function":{"name":"add","arguments":"{\"a\":"}}`),
		toolChunk(`{"id":"call_2dbb7568bf254f7cb91b4a09","index":0,"function":{"arguments":" 2}"}}`),
		finishChunk)
	checkCalls(t, c, wantCall{0, "call_2dbb7568bf254f7cb91b4a09", "add", `{"a": 2}`})
}

// What Completion returns is the caller's: changing it changes neither the
// accumulator nor the next result.
func TestAccumulatorResultIsACopy(t *testing.T) {
	var acc zai.ChatCompletionAccumulator
	acc.Add(zai.ChatCompletionChunk{
		Choices:     []zai.ChatCompletionChunkChoice{{Delta: zai.ChatCompletionDelta{Content: "hi"}}},
		Usage:       &zai.Usage{TotalTokens: 3},
		WebSearch:   []zai.WebSearchResult{{Title: "kept"}},
		KnowledgeV2: &zai.KnowledgeV2{Type: "kept"},
	})
	first := acc.Completion()
	first.WebSearch[0].Title = "changed"
	first.KnowledgeV2.Type = "changed"
	first.Usage.TotalTokens = 99
	second := acc.Completion()
	if second.WebSearch[0].Title != "kept" || second.KnowledgeV2.Type != "kept" || second.Usage.TotalTokens != 3 || acc.Usage().TotalTokens != 3 {
		t.Fatalf("a change to one result reached the next: %+v %+v %+v", second.WebSearch, second.KnowledgeV2, second.Usage)
	}
}
