package zai

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/zai-go/zai/internal/core"
)

// QAAgentService talks to BigModel's Q&A agent (/zrag/agent/chat): a ReAct
// loop that decides by itself whether to search your knowledge bases,
// rewrite the query or answer, and streams its reasoning, thoughts, tool
// calls and answer as server-sent events. It lives under the host's /api
// root, as KnowledgeService describes; a failure before the stream comes in
// the knowledge envelope and is an *APIError.
//
// BigModel API docs: https://docs.bigmodel.cn/api-reference/agent-api/问答-agent-对话（流式）
type QAAgentService struct {
	client *Client
}

// QAAgentRequest is the body of POST /zrag/agent/chat.
type QAAgentRequest struct {
	// SessionID continues a session: the SessionID of an earlier stream's
	// events. It is sent as the X-Session-Id header, not in the body.
	SessionID string `json:"-"`
	// Messages are the new messages of the conversation: RoleUser, with
	// text or text and image parts (UserMessage, UserMessageParts with
	// TextPart and ImageURLPart). At least one.
	Messages []Message `json:"messages"`
	// Retrieval presets the knowledge search the agent may run (required).
	Retrieval QAAgentRetrieval `json:"retrieval"`
	// Model is the model that reasons; empty lets the server choose
	// (ModelGLM5VTurbo).
	Model string `json:"model,omitempty"`
	// Temperature is the sampling temperature (the server's default 0.7).
	Temperature *float64 `json:"temperature,omitempty"`
	// MaxSteps caps the agent's reasoning steps (the server's default 10).
	MaxSteps int `json:"max_steps,omitempty"`
	// EnableThinking streams the model's reasoning as
	// QAAgentEventTypeReasoning events (default off).
	EnableThinking bool `json:"enable_thinking,omitempty"`
}

// QAAgentRetrieval is the knowledge search the agent runs when it decides
// to: it only chooses whether to search, with these settings.
type QAAgentRetrieval struct {
	// KnowIDs are the knowledge bases (at least one).
	KnowIDs []string `json:"know_ids"`
	// TopK is the number of slices returned (the server's default 8); TopN
	// the number recalled before ranking (10).
	TopK int `json:"top_k,omitempty"`
	TopN int `json:"top_n,omitempty"`
	// EnableRerank reranks the slices (default off).
	EnableRerank bool `json:"enable_rerank,omitempty"`
	// SimilarityThreshold drops slices less similar than it (the server's
	// default 0.2).
	SimilarityThreshold *float64 `json:"similarity_threshold,omitempty"`
}

// QAAgentEventType is the kind of an event of the Q&A agent's stream.
type QAAgentEventType string

// Values of QAAgentEvent.Type.
const (
	// QAAgentEventTypeSessionCreated opens the stream; SessionID continues the
	// session in a later request.
	QAAgentEventTypeSessionCreated QAAgentEventType = "session_created"
	// QAAgentEventTypeReasoning is a piece of the model's reasoning (Text),
	// with EnableThinking.
	QAAgentEventTypeReasoning QAAgentEventType = "reasoning"
	// QAAgentEventTypeThought is a step of the agent's plan (Text).
	QAAgentEventTypeThought QAAgentEventType = "thought"
	// QAAgentEventTypeToolCall is a tool the agent calls (ToolCall).
	QAAgentEventTypeToolCall QAAgentEventType = "tool_call"
	// QAAgentEventTypeToolResult is what a tool returned (ToolOutput).
	QAAgentEventTypeToolResult QAAgentEventType = "tool_result"
	// QAAgentEventTypeAnswer is a piece of the answer (Text).
	QAAgentEventTypeAnswer QAAgentEventType = "answer"
	// QAAgentEventTypeDone ends the stream, with MessageID and Usage.
	QAAgentEventTypeDone QAAgentEventType = "done"
	// QAAgentEventTypeError ends the stream with a failure. The stream reports
	// it as an *APIError with InStream set; it is never yielded.
	QAAgentEventTypeError QAAgentEventType = "error"
)

// QAAgentEvent is one event of the Q&A agent's stream. Which members are
// set depends on Type; RawJSON holds the event as sent.
type QAAgentEvent struct {
	Type QAAgentEventType `json:"type"`
	// SessionID is the session the event belongs to.
	SessionID string `json:"sessionId,omitempty"`
	// MessageID is the id of the answer (QAAgentEventTypeDone).
	MessageID string `json:"messageId,omitempty"`
	// Text is the data of an event that carries text: reasoning, a
	// thought, a piece of the answer.
	Text string `json:"-"`
	// ToolCall is the data of QAAgentEventTypeToolCall, ToolOutput that
	// of QAAgentEventTypeToolResult.
	ToolCall   *QAAgentToolCall   `json:"-"`
	ToolOutput *QAAgentToolOutput `json:"-"`
	// Usage counts the tokens and tool calls of the whole turn
	// (QAAgentEventTypeDone).
	Usage *Usage `json:"usage,omitempty"`

	rawBody
}

// QAAgentToolCall is a tool the agent calls, such as the knowledge search.
type QAAgentToolCall struct {
	CallID   string `json:"callId"`
	ToolName string `json:"toolName"`
	// Arguments is the JSON text of the call's arguments.
	Arguments string `json:"-"`
}

// QAAgentToolStatus is how a tool call ended.
type QAAgentToolStatus string

// Values of QAAgentToolOutput.Status.
const (
	QAAgentToolStatusSuccess QAAgentToolStatus = "success"
	// QAAgentToolStatusFailed is "error" on the wire.
	QAAgentToolStatusFailed QAAgentToolStatus = "error"
)

// QAAgentToolOutput is what a tool call returned.
type QAAgentToolOutput struct {
	CallID   string            `json:"callId"`
	ToolName string            `json:"toolName"`
	Status   QAAgentToolStatus `json:"status"`
	// Result is the tool's result: a string as it is, other JSON as its
	// text.
	Result string `json:"-"`
	// DurationMS is how long the tool ran, in milliseconds.
	DurationMS int64 `json:"durationMs"`
}

// Duration returns DurationMS as a time.Duration.
func (r QAAgentToolOutput) Duration() time.Duration {
	return time.Duration(r.DurationMS) * time.Millisecond
}

// UnmarshalJSON reads an event: data is text, a tool call or a tool result
// depending on the type (camelCase inside, as the API sends it).
func (e *QAAgentEvent) UnmarshalJSON(b []byte) error {
	var w struct {
		Type      QAAgentEventType `json:"type"`
		SessionID string           `json:"sessionId"`
		MessageID string           `json:"messageId"`
		Data      json.RawMessage  `json:"data"`
		Usage     *Usage           `json:"usage"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*e = QAAgentEvent{Type: w.Type, SessionID: w.SessionID, MessageID: w.MessageID, Usage: w.Usage}
	data := bytes.TrimSpace(w.Data)
	switch {
	case len(data) == 0 || string(data) == "null":
	case data[0] == '"':
		return json.Unmarshal(data, &e.Text)
	case data[0] != '{':
	case w.Type == QAAgentEventTypeToolCall:
		var c struct {
			QAAgentToolCall
			Arguments json.RawMessage `json:"arguments"`
		}
		if err := json.Unmarshal(data, &c); err != nil {
			return err
		}
		call := c.QAAgentToolCall
		var err error
		if call.Arguments, err = jsonText(c.Arguments); err != nil {
			return err
		}
		e.ToolCall = &call
	case w.Type == QAAgentEventTypeToolResult:
		var r struct {
			QAAgentToolOutput
			Result json.RawMessage `json:"result"`
		}
		if err := json.Unmarshal(data, &r); err != nil {
			return err
		}
		res := r.QAAgentToolOutput
		var err error
		if res.Result, err = jsonText(r.Result); err != nil {
			return err
		}
		e.ToolOutput = &res
	}
	return nil
}

// streamEnded: a body that ends after the done event ended cleanly.
func (e *QAAgentEvent) streamEnded() bool { return e.Type == QAAgentEventTypeDone }

// streamFailure turns an error event, {"type":"error","data":{"message":...}},
// into the stream's *APIError.
func (e *QAAgentEvent) streamFailure(requestID string) *APIError {
	if e.Type != QAAgentEventTypeError {
		return nil
	}
	var p struct {
		Data struct {
			Message string          `json:"message"`
			Code    json.RawMessage `json:"code"`
		} `json:"data"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(e.raw, &p)
	apiErr := &APIError{StatusCode: http.StatusOK, InStream: true, RequestID: requestID,
		Code: codeString(p.Data.Code), Message: firstNonEmpty(p.Data.Message, p.Message, e.Text), rawBody: e.rawBody}
	if apiErr.Message == "" {
		apiErr.Message = "the agent reported an error"
	}
	return apiErr
}

func (r *QAAgentRequest) validate() error {
	if len(r.Messages) == 0 {
		return invalidf("messages is empty")
	}
	if len(r.Retrieval.KnowIDs) == 0 {
		return invalidf("retrieval.know_ids is empty")
	}
	if r.MaxSteps < 0 || r.Retrieval.TopK < 0 || r.Retrieval.TopN < 0 {
		return invalidf("max_steps %d, top_k %d, top_n %d", r.MaxSteps, r.Retrieval.TopK, r.Retrieval.TopN)
	}
	if strings.ContainsAny(r.SessionID, "\r\n") {
		return invalidf("session id %q is not a header value", r.SessionID)
	}
	return validateParts(r.Messages)
}

// InvokeStream asks the Q&A agent a question and returns its events as a
// stream: session_created, then reasoning, thoughts, tool calls and results
// and pieces of the answer, then done with the usage. The stream is read
// as chat streams are (WithStreamIdleTimeout, WithMaxStreamEventSize); an
// error event ends it with an *APIError, and a body cut before done is
// io.ErrUnexpectedEOF. Pass the SessionID of its events in a later
// request's SessionID to continue the session.
//
// POST /api/zrag/agent/chat (text/event-stream; header X-Session-Id)
func (s *QAAgentService) InvokeStream(ctx context.Context, req QAAgentRequest, opts ...Option) (*Stream[QAAgentEvent], error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	r := &core.Request{Method: http.MethodPost, Path: "/zrag/agent/chat", Root: true, Body: &req, Check: checkApp}
	if req.SessionID != "" {
		r.Header = http.Header{"X-Session-Id": {req.SessionID}}
	}
	return openStream[QAAgentEvent](ctx, s.client, r, opts)
}
