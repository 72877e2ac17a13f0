package zai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"reflect"
	"strings"
)

// ErrStructuredOutput: the model's reply to CreateStructured was not a JSON
// value of the requested type, even after it was asked once more. The error
// is a *StructuredOutputError.
var ErrStructuredOutput = errors.New("zai: structured output invalid")

// ErrTruncated: the model's reply was cut by the length limit (finish_reason
// "length": max_tokens, or the context window) before it was complete.
// CreateStructured returns it at once, as a *StructuredOutputError with
// Truncated set, rather than ask again under the same limit, which would cut
// the reply again. Raise MaxTokens, or ask for less.
var ErrTruncated = errors.New("zai: reply truncated at the length limit")

// StructuredOutputError is the error of CreateStructured when the reply is
// still invalid after the repair turn, or cannot be repaired (no choices, a
// reply cut at the length limit). It matches ErrStructuredOutput, and
// ErrTruncated when Truncated is set.
type StructuredOutputError struct {
	// Content is the model's last reply, as received.
	Content string
	// Truncated reports a reply cut at the length limit (finish_reason
	// "length"); no repair turn was asked for.
	Truncated bool
	// Err says why it was rejected: a JSON syntax error, a schema validation
	// error, a decoding error, a truncation, or a reply without choices.
	Err error

	final bool // no repair turn can help
}

// Error reports the cause.
func (e *StructuredOutputError) Error() string {
	return "zai: structured output: " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *StructuredOutputError) Unwrap() error { return e.Err }

// Is reports whether target is ErrStructuredOutput, or ErrTruncated for a
// truncated reply.
func (e *StructuredOutputError) Is(target error) bool {
	return target == ErrStructuredOutput || e.Truncated && target == ErrTruncated
}

// repairable reports whether a repair turn may fix err.
func repairable(err error) bool {
	var se *StructuredOutputError
	return !errors.As(err, &se) || !se.final
}

// structuredPrompt goes into the system message. Z.ai ignores a
// "json_schema" response format (it answers 200 and does not follow it), so
// the schema travels as text and the reply is checked here.
const structuredPrompt = "Answer with one JSON value that conforms to the JSON Schema below. " +
	"Write only the JSON: no code fences, no comments, no text before or after it.\n\nJSON Schema:\n"

// CreateStructured asks the model for a value of type T and decodes the
// reply into it.
//
// Z.ai honours only the "json_object" response format, so CreateStructured
// sends that format (when T is a JSON object and req.ResponseFormat is nil),
// puts T's schema (SchemaFor) in the system message (appended to req's first
// message if it is a text system message, in a new first message
// otherwise), strips code fences and surrounding prose from the reply,
// validates it against the schema, and decodes it. When the reply is
// invalid it asks once more, appending the bad reply and a user message
// naming the error; a reply still invalid is a *StructuredOutputError
// (matching ErrStructuredOutput). A reply cut at the length limit
// (finish_reason "length") is not repaired: it is returned at once as a
// *StructuredOutputError matching ErrTruncated; nor is a reply without
// choices. The returned completion is the last one received, also on
// error, so its usage can be counted.
//
// Thinking may be on: the chain of thought arrives in reasoning_content and
// is not part of the JSON. req is not modified.
//
// POST /chat/completions, once or twice
func CreateStructured[T any](ctx context.Context, client *Client, req ChatCompletionRequest, opts ...Option) (T, *ChatCompletion, error) {
	var zero T
	ts, err := schemaOf(reflect.TypeFor[T]())
	if err != nil {
		return zero, nil, err
	}
	req = structuredRequest(req, ts)
	var resp *ChatCompletion
	for attempt := 1; ; attempt++ {
		resp, err = client.Chat.Completions.Create(ctx, req, opts...)
		if err != nil {
			return zero, resp, err
		}
		v, msg, err := decodeReply[T](ts, resp)
		if err == nil {
			return v, resp, nil
		}
		if attempt == 2 || !repairable(err) {
			return zero, resp, err
		}
		req.Messages = append(req.Messages, msg, repairMessage(err))
	}
}

// StructuredChunk is one step of CreateStructuredStream: a piece of the
// reply as it arrives, or, on the last step, the decoded value.
type StructuredChunk[T any] struct {
	// Attempt is 1 for the first reply and 2 for the repair turn; a display
	// of the partial text should start over when it changes.
	Attempt int
	// Content is the new text of the reply (the JSON being written).
	Content string
	// ReasoningContent is new chain-of-thought text, when thinking is on.
	ReasoningContent string

	// Done marks the last step, on which Value holds the decoded reply.
	Done bool
	// Value is the decoded reply; set when Done.
	Value T
	// Completion is the assembled reply; set when Done, and alongside an
	// error once the reply has been read.
	Completion *ChatCompletion
}

// CreateStructuredStream is CreateStructured over a stream. It yields a
// StructuredChunk for each piece of text as it arrives (Content, and
// ReasoningContent when thinking is on), then one with Done set that carries
// the decoded Value and the whole Completion. If the first reply is invalid,
// the repair turn streams too, with Attempt 2. An error is yielded once, as
// the last step: a failed request, a broken stream, or a
// *StructuredOutputError (with Completion set). Breaking out of the loop
// closes the stream.
//
//	for step, err := range zai.CreateStructuredStream[Forecast](ctx, client, req) {
//		if err != nil { return err }
//		if step.Done { use(step.Value); break }
//		fmt.Print(step.Content)
//	}
//
// POST /chat/completions with "stream": true, once or twice
func CreateStructuredStream[T any](ctx context.Context, client *Client, req ChatCompletionRequest, opts ...Option) iter.Seq2[StructuredChunk[T], error] {
	return func(yield func(StructuredChunk[T], error) bool) {
		ts, err := schemaOf(reflect.TypeFor[T]())
		if err != nil {
			yield(StructuredChunk[T]{}, err)
			return
		}
		req := structuredRequest(req, ts)
		for attempt := 1; ; attempt++ {
			stream, err := client.Chat.Completions.CreateStream(ctx, req, opts...)
			if err != nil {
				yield(StructuredChunk[T]{Attempt: attempt}, err)
				return
			}
			var acc ChatCompletionAccumulator
			for chunk, err := range stream.All() {
				if err != nil {
					yield(StructuredChunk[T]{Attempt: attempt}, err)
					return
				}
				acc.Add(chunk)
				for _, c := range chunk.Choices {
					if c.Index != 0 || (c.Delta.Content == "" && c.Delta.ReasoningContent == "") {
						continue
					}
					if !yield(StructuredChunk[T]{Attempt: attempt, Content: c.Delta.Content, ReasoningContent: c.Delta.ReasoningContent}, nil) {
						return
					}
				}
			}
			completion := acc.Completion()
			v, msg, err := decodeReply[T](ts, completion)
			if err == nil {
				yield(StructuredChunk[T]{Attempt: attempt, Done: true, Value: v, Completion: completion}, nil)
				return
			}
			if attempt == 2 || !repairable(err) {
				yield(StructuredChunk[T]{Attempt: attempt, Completion: completion}, err)
				return
			}
			req.Messages = append(req.Messages, msg, repairMessage(err))
		}
	}
}

// structuredRequest returns req with the schema prompt and the response
// format, sharing nothing with the caller's messages.
func structuredRequest(req ChatCompletionRequest, ts *typeSchema) ChatCompletionRequest {
	prompt := structuredPrompt + ts.text
	msgs := make([]Message, 0, len(req.Messages)+3) // room for the repair turn
	if len(req.Messages) > 0 && req.Messages[0].Role == RoleSystem && len(req.Messages[0].Parts) == 0 {
		first := req.Messages[0]
		first.Content = strings.TrimRight(first.Content, "\n") + "\n\n" + prompt
		msgs = append(append(msgs, first), req.Messages[1:]...)
	} else {
		msgs = append(append(msgs, SystemMessage(prompt)), req.Messages...)
	}
	req.Messages = msgs
	if req.ResponseFormat == nil && ts.object {
		req.ResponseFormat = &ResponseFormat{Type: "json_object"}
	}
	return req
}

// repairMessage asks the model to correct its reply.
func repairMessage(err error) Message {
	var se *StructuredOutputError
	if errors.As(err, &se) {
		err = se.Err
	}
	return UserMessage("Your reply was rejected: " + err.Error() +
		". Reply again with only the corrected JSON value, conforming to the JSON Schema.")
}

// decodeReply checks and decodes the first choice of resp. It returns the
// assistant message as received, for the repair turn.
func decodeReply[T any](ts *typeSchema, resp *ChatCompletion) (T, Message, error) {
	var v T
	if resp == nil || len(resp.Choices) == 0 {
		return v, Message{}, &StructuredOutputError{Err: errors.New("the reply has no choices"), final: true}
	}
	msg := resp.Choices[0].Message
	if msg.Role == "" {
		msg.Role = RoleAssistant // sent back in the repair turn
	}
	if resp.Choices[0].FinishReason == FinishReasonLength {
		return v, msg, &StructuredOutputError{Content: msg.Content, Truncated: true, final: true,
			Err: errors.New(`the reply was cut at the length limit (finish_reason "length")`)}
	}
	text := extractJSON(msg.Content)
	var raw any
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return v, msg, &StructuredOutputError{Content: msg.Content, Err: fmt.Errorf("the reply is not JSON: %w", err)}
	}
	if err := ts.resolved.Validate(raw); err != nil {
		return v, msg, &StructuredOutputError{Content: msg.Content, Err: err}
	}
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		return v, msg, &StructuredOutputError{Content: msg.Content, Err: err}
	}
	return v, msg, nil
}

// extractJSON returns the JSON in a reply: the whole reply when it is JSON
// (a code fence inside one of its strings is its content), else the inside
// of a code fence if there is one, else the text from the first bracket to
// the last (models sometimes say "Here it is:" first).
func extractJSON(s string) string {
	s = strings.TrimSpace(s)
	if json.Valid([]byte(s)) {
		return s
	}
	if i := strings.Index(s, "```"); i >= 0 {
		rest := s[i+3:]
		// Skip the info string ("json") up to the line end.
		if nl := strings.IndexByte(rest, '\n'); nl >= 0 && isInfoString(rest[:nl]) {
			rest = rest[nl+1:]
		}
		if j := strings.Index(rest, "```"); j >= 0 {
			rest = rest[:j]
		}
		s = strings.TrimSpace(rest)
	}
	if json.Valid([]byte(s)) {
		return s
	}
	start := strings.IndexAny(s, "{[")
	end := strings.LastIndexAny(s, "}]")
	if start >= 0 && end > start {
		return s[start : end+1]
	}
	return s
}

func isInfoString(s string) bool {
	for _, r := range strings.TrimSpace(s) {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '+') {
			return false
		}
	}
	return true
}
