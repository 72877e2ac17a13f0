package zai

import (
	"context"
	"sync"
)

// RealtimeToolRunner answers the function calls of a realtime session with
// the same tools a ToolRunner runs (NewTool values, or any RunnableTool).
// Give Tools to the session's config, and every event to Handle:
//
//	tools := zai.NewRealtimeToolRunner(weather)
//	sess, err := client.Realtime.Connect(ctx, zai.RealtimeSessionConfig{Tools: tools.Tools(), ...})
//	...
//	for ev, err := range sess.Events() {
//		...
//		if _, err := tools.Handle(ctx, sess, ev); err != nil { ... }
//	}
//
// Handle keeps each response.function_call_arguments.done; when the
// response that made the calls is done, it runs them in their order, sends
// each output, and asks for the next response. The AsyncAPI document
// promises no call_id, so an output carries its call's CallID when the
// server gave one and is otherwise matched by its order. As with ToolRunner,
// a tool's error, an unknown tool and arguments that do not decode go back
// to the model as "error: ..." text; a panic is returned as a
// *ToolPanicError. It is safe for concurrent use, though one session's
// events come from one loop.
type RealtimeToolRunner struct {
	run  *ToolRunner // its runCall runs one call, as the chat runner does
	defs []RealtimeTool

	mu      sync.Mutex
	pending []*RealtimeFunctionCallArgumentsDone
}

// NewRealtimeToolRunner returns a runner for tools (a later tool with the
// name of an earlier one is ignored).
func NewRealtimeToolRunner(tools ...RunnableTool) *RealtimeToolRunner {
	r := &RealtimeToolRunner{run: &ToolRunner{tools: make(map[string]RunnableTool, len(tools))}}
	for _, t := range tools {
		def := t.Describe()
		if def.Function == nil {
			continue
		}
		name := def.Function.Name
		if _, dup := r.run.tools[name]; dup {
			continue
		}
		r.run.tools[name] = t
		r.run.names = append(r.run.names, name)
		r.defs = append(r.defs, RealtimeTool{Type: ToolTypeFunction, Name: name,
			Description: def.Function.Description, Parameters: def.Function.Parameters})
	}
	return r
}

// Tools returns the definitions for RealtimeSessionConfig.Tools.
func (r *RealtimeToolRunner) Tools() []RealtimeTool {
	return append([]RealtimeTool(nil), r.defs...)
}

// Handle looks at one event of sess. It reports whether it answered calls
// (sent their outputs and a response.create), so that the model speaks
// again; a response that was cancelled drops its calls unanswered. The
// error is a failed send or a tool's panic.
func (r *RealtimeToolRunner) Handle(ctx context.Context, sess *RealtimeSession, ev RealtimeEvent) (bool, error) {
	switch e := ev.(type) {
	case *RealtimeFunctionCallArgumentsDone:
		r.mu.Lock()
		r.pending = append(r.pending, e)
		r.mu.Unlock()
		return false, nil
	case *RealtimeResponseDone:
		calls := r.take(e.Response.ID)
		if len(calls) == 0 || e.Response.Status == RealtimeResponseStatusCancelled {
			return false, nil
		}
		outputs := make([]string, len(calls))
		for i, c := range calls {
			out, err := r.run.runCall(ctx, ToolCall{ID: c.CallID, Type: ToolTypeFunction,
				Function: FunctionCall{Name: c.Name, Arguments: c.Arguments}})
			if err != nil {
				return false, err
			}
			outputs[i] = out
		}
		for i, c := range calls {
			if err := sess.SendFunctionOutput(ctx, c.CallID, outputs[i]); err != nil {
				return false, err
			}
		}
		return true, sess.CreateResponse(ctx)
	}
	return false, nil
}

// take removes the calls made by response id (and those that named no
// response), in order.
func (r *RealtimeToolRunner) take(id string) []*RealtimeFunctionCallArgumentsDone {
	r.mu.Lock()
	defer r.mu.Unlock()
	var mine, rest []*RealtimeFunctionCallArgumentsDone
	for _, c := range r.pending {
		if c.ResponseID == id || c.ResponseID == "" || id == "" {
			mine = append(mine, c)
		} else {
			rest = append(rest, c)
		}
	}
	r.pending = rest
	return mine
}
