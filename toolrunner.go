package zai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"github.com/google/jsonschema-go/jsonschema"
)

// ErrMaxTurns: a ToolRunner made MaxTurns chat completions and the model
// still asked for tools.
var ErrMaxTurns = errors.New("zai: tool runner reached MaxTurns")

// ErrToolPanic: a tool panicked while a ToolRunner ran it. The error is a
// *ToolPanicError.
var ErrToolPanic = errors.New("zai: tool panicked")

// ToolPanicError is the error of a ToolRunner whose tool panicked. It
// matches ErrToolPanic.
type ToolPanicError struct {
	// Tool is the name of the tool.
	Tool string
	// Value is what the tool passed to panic.
	Value any
	// Stack is the goroutine's stack at the panic.
	Stack []byte
}

// Error names the tool and the panic value.
func (e *ToolPanicError) Error() string {
	return fmt.Sprintf("zai: tool %q panicked: %v", e.Tool, e.Value)
}

// Is reports whether target is ErrToolPanic.
func (e *ToolPanicError) Is(target error) bool { return target == ErrToolPanic }

// RunnableTool is a function tool that a ToolRunner can run. NewTool makes
// one from a typed Go function; implement it yourself for a tool whose
// schema is written by hand.
type RunnableTool interface {
	// Describe returns the definition sent to the model, a FunctionTool.
	Describe() Tool
	// Call runs the tool with the model's arguments (JSON text) and returns
	// the content of the tool message. A returned error goes back to the
	// model as the text "error: ..." so it can correct itself.
	Call(ctx context.Context, arguments string) (string, error)
}

// NewTool returns a tool whose parameters are the JSON Schema of In (see
// SchemaFor) and which runs fn. The model's arguments are decoded strictly
// into In: an unknown field, a missing required field or a wrong type is
// returned as an error (which a ToolRunner sends back to the model), never a
// panic. fn's result is sent to the model as JSON.
//
//	weather := zai.NewTool("get_weather", "Weather for a city",
//		func(ctx context.Context, in struct {
//			City string `json:"city" jsonschema:"the city name"`
//		}) (Forecast, error) {
//			return lookUp(ctx, in.City)
//		})
//
// NewTool panics if In has no JSON Schema (a recursive type, a channel, a
// func): like regexp.MustCompile, it fails the same way on every run, so a
// test finds it.
func NewTool[In, Out any](name, description string, fn func(context.Context, In) (Out, error)) RunnableTool {
	ts, err := schemaOf(reflect.TypeFor[In]())
	if err != nil {
		panic(fmt.Sprintf("zai: NewTool(%q): %v", name, err))
	}
	return &funcTool[In, Out]{def: FunctionTool(name, description, ts.clean), schema: ts.resolved, fn: fn}
}

type funcTool[In, Out any] struct {
	def    Tool
	schema *jsonschema.Resolved
	fn     func(context.Context, In) (Out, error)
}

func (t *funcTool[In, Out]) Describe() Tool { return t.def }

func (t *funcTool[In, Out]) Call(ctx context.Context, arguments string) (string, error) {
	in, err := decodeArguments[In](t.schema, arguments)
	if err != nil {
		return "", err
	}
	out, err := t.fn(ctx, in)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "", fmt.Errorf("encoding the result: %w", err)
	}
	return string(b), nil
}

// decodeArguments validates the arguments against the schema, which names
// unknown, missing and mistyped fields for the model, then decodes them.
func decodeArguments[In any](schema *jsonschema.Resolved, arguments string) (In, error) {
	var in In
	args := strings.TrimSpace(arguments)
	if args == "" {
		args = "{}" // a call without arguments
	}
	var raw any
	if err := json.Unmarshal([]byte(args), &raw); err != nil {
		return in, fmt.Errorf("invalid arguments: not JSON: %v", err)
	}
	if err := schema.Validate(raw); err != nil {
		return in, fmt.Errorf("invalid arguments: %v", err)
	}
	// The schema forbids properties a struct does not have at every level
	// (additionalProperties: false), so what passed validation decodes
	// strictly without a second, slower decoder that disallows unknown fields.
	if err := json.Unmarshal([]byte(args), &in); err != nil {
		return in, fmt.Errorf("invalid arguments: %v", err)
	}
	return in, nil
}

// defaultMaxTurns bounds a runner whose MaxTurns is not positive.
const defaultMaxTurns = 10

// ToolRunner runs a conversation in which the model calls tools: it sends
// the request, runs the tools the model asks for, sends their results back,
// and repeats until the model answers without calling a tool.
//
//	runner := zai.NewToolRunner(client, req, weather, clock)
//	final, err := runner.Run(ctx)
//	fmt.Println(final.Choices[0].Message.Content)
//
// Each turn appends the assistant message as returned (so reasoning_content
// and thinking carry over) and then one tool message per call, in the order
// of the calls, with the call's id. A tool's error, an unknown tool name and
// arguments that do not decode are sent to the model as "error: ..." text so
// it can correct itself. A tool that panics ends the run with a
// *ToolPanicError: a panic is a bug in the program, which the model cannot
// fix, and sending it on would hide it. Calls of other types (web_search,
// mcp) ran on the server and are not run here.
//
// A ToolRunner is not safe for concurrent use; run it from one goroutine,
// and again after adding a user message to Request.Messages to continue the
// conversation.
type ToolRunner struct {
	// MaxTurns bounds the chat completions of one Run, All or Stream; 10 by
	// default, and 10 when not positive. A model still calling tools after
	// that many is ErrMaxTurns.
	MaxTurns int
	// Parallel runs the calls of one turn concurrently, each under the run's
	// context. Their results are still sent in call order.
	Parallel bool
	// Request is the conversation so far: the request given to
	// NewToolRunner with the tool definitions added, then each turn's
	// assistant message and tool results, and the final answer, appended as
	// the runner goes. Append a user message to continue the conversation
	// with another Run.
	Request ChatCompletionRequest

	client *Client
	tools  map[string]RunnableTool
	names  []string
}

// NewToolRunner returns a runner for req with tools. Their definitions are
// added to req.Tools (a function already there under the same name is kept,
// and tools such as WebSearchTool stay). req's messages are copied, so the
// caller's slice is never changed.
func NewToolRunner(client *Client, req ChatCompletionRequest, tools ...RunnableTool) *ToolRunner {
	r := &ToolRunner{MaxTurns: defaultMaxTurns, client: client, tools: make(map[string]RunnableTool, len(tools))}
	req.Messages = slices.Clone(req.Messages)
	req.Tools = slices.Clone(req.Tools)
	for _, t := range tools {
		def := t.Describe()
		if def.Function == nil {
			continue
		}
		name := def.Function.Name
		if _, dup := r.tools[name]; dup {
			continue
		}
		r.tools[name] = t
		r.names = append(r.names, name)
		if !slices.ContainsFunc(req.Tools, func(x Tool) bool { return x.Function != nil && x.Function.Name == name }) {
			req.Tools = append(req.Tools, def)
		}
	}
	r.Request = req
	return r
}

// Run runs the conversation to its end and returns the last completion,
// which calls no tools. On error it returns the last completion received, if
// any, with the error.
//
// POST /chat/completions, once per turn
func (r *ToolRunner) Run(ctx context.Context) (*ChatCompletion, error) {
	var last *ChatCompletion
	for c, err := range r.All(ctx) {
		if c != nil {
			last = c
		}
		if err != nil {
			return last, err
		}
	}
	return last, nil
}

// All runs the conversation and yields each completion as it arrives; the
// runner runs its tool calls when the loop body returns. An error is yielded
// once, last, with a nil completion, except ErrMaxTurns, which comes with the
// completion that still asks for tools (yielded only then). Breaking out of
// the loop stops the run.
//
// POST /chat/completions, once per turn
func (r *ToolRunner) All(ctx context.Context) iter.Seq2[*ChatCompletion, error] {
	return func(yield func(*ChatCompletion, error) bool) {
		r.loop(ctx, func() (*ChatCompletion, bool, error) {
			c, err := r.client.Chat.Completions.Create(ctx, r.Request)
			return c, true, err
		}, yield)
	}
}

// Stream runs the conversation with each turn streamed, and yields every
// chunk of every turn. Tool-call arguments arrive in fragments (the runner
// sets ToolStream) and are joined by a ChatCompletionAccumulator; the tools
// run when a turn's stream ends. An error is yielded once, last. Breaking out
// of the loop closes the stream and stops the run.
//
// POST /chat/completions with "stream": true, once per turn
func (r *ToolRunner) Stream(ctx context.Context) iter.Seq2[ChatCompletionChunk, error] {
	return func(yield func(ChatCompletionChunk, error) bool) {
		r.loop(ctx, func() (*ChatCompletion, bool, error) {
			req := r.Request
			req.ToolStream = true
			stream, err := r.client.Chat.Completions.CreateStream(ctx, req)
			if err != nil {
				return nil, true, err
			}
			var acc ChatCompletionAccumulator
			for chunk, err := range stream.All() {
				if err != nil {
					return nil, true, err
				}
				acc.Add(chunk)
				if !yield(chunk, nil) {
					return nil, false, nil
				}
			}
			return acc.Completion(), true, nil
		}, func(_ *ChatCompletion, err error) bool {
			if err != nil {
				yield(ChatCompletionChunk{}, err)
				return false
			}
			return true
		})
	}
}

// errNoChoices: a reply without choices leaves nothing to act on.
var errNoChoices = errors.New("zai: tool runner: the reply has no choices")

// loop is the turn loop shared by All and Stream. turn makes one chat
// completion (ok is false when the consumer stopped); emit reports a
// completion or an error and says whether to go on.
func (r *ToolRunner) loop(ctx context.Context, turn func() (c *ChatCompletion, ok bool, err error), emit func(*ChatCompletion, error) bool) {
	maxTurns := r.MaxTurns
	if maxTurns <= 0 {
		maxTurns = defaultMaxTurns
	}
	for n := 1; ; n++ {
		c, ok, err := turn()
		if !ok {
			return
		}
		if err == nil && len(c.Choices) == 0 {
			err = errNoChoices
		}
		if err != nil {
			emit(c, err)
			return
		}
		msg := c.Choices[0].Message
		calls := functionCalls(msg.ToolCalls)
		if len(calls) > 0 && n >= maxTurns {
			emit(c, fmt.Errorf("%w (%d): the model still calls %s", ErrMaxTurns, maxTurns, calls[0].Function.Name))
			return
		}
		if len(calls) == 0 {
			r.Request.Messages = append(r.Request.Messages, msg)
			emit(c, nil)
			return
		}
		if !emit(c, nil) {
			return
		}
		results, err := r.runCalls(ctx, calls)
		if err != nil {
			emit(nil, err) // c was yielded already
			return
		}
		r.Request.Messages = append(r.Request.Messages, msg)
		r.Request.Messages = append(r.Request.Messages, results...)
	}
}

// functionCalls keeps the calls this runner runs; server-side tools
// (web_search, retrieval, mcp) report theirs with their own type.
func functionCalls(calls []ToolCall) []ToolCall {
	var out []ToolCall
	for _, c := range calls {
		if c.Type == "" || c.Type == ToolTypeFunction {
			out = append(out, c)
		}
	}
	return out
}

// runCalls runs one turn's calls and returns their tool messages in call
// order. It fails only on a panic or when ctx ends.
func (r *ToolRunner) runCalls(ctx context.Context, calls []ToolCall) ([]Message, error) {
	contents := make([]string, len(calls))
	errs := make([]error, len(calls))
	if r.Parallel && len(calls) > 1 {
		var wg sync.WaitGroup
		for i, call := range calls {
			wg.Add(1)
			go func() {
				defer wg.Done()
				contents[i], errs[i] = r.runCall(ctx, call)
			}()
		}
		wg.Wait()
	} else {
		for i, call := range calls {
			if contents[i], errs[i] = r.runCall(ctx, call); errs[i] != nil {
				break
			}
		}
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err // a tool's error may only echo the cancellation; don't send it
	}
	msgs := make([]Message, len(calls))
	for i, call := range calls {
		msgs[i] = ToolMessage(call.ID, contents[i])
	}
	return msgs, nil
}

// runCall runs one call. The content is the tool's result or the error text
// for the model; the error is a panic or the end of ctx.
func (r *ToolRunner) runCall(ctx context.Context, call ToolCall) (content string, err error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	name := call.Function.Name
	t, ok := r.tools[name]
	if !ok {
		return fmt.Sprintf("error: unknown tool %q; the tools are: %s", name, strings.Join(r.names, ", ")), nil
	}
	defer func() {
		if v := recover(); v != nil {
			content, err = "", &ToolPanicError{Tool: name, Value: v, Stack: debug.Stack()}
		}
	}()
	out, terr := t.Call(ctx, call.Function.Arguments)
	if terr != nil {
		return "error: " + terr.Error(), nil
	}
	return out, nil
}
