package zai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/zai-go/zai/internal/core"
	"github.com/zai-go/zai/internal/jsonx"
	"github.com/zai-go/zai/internal/redact"
)

// Observer watches logical calls: one StartCall per service method call
// (or per Wait), however many attempts it takes. The zaiotel module builds
// OpenTelemetry spans and metrics on it; a program can log or count calls
// with its own.
//
// StartCall runs once the request body is encoded, before the first
// attempt. The context it returns is the one every attempt is sent with, so
// a Middleware sees it in req.Context() (to inject trace headers, say).
// The observation it returns is told about each attempt and, once, about
// the end of the call. StartCall may return a nil observation to ignore
// the call.
type Observer interface {
	StartCall(ctx context.Context, info CallInfo) (context.Context, CallObservation)
}

// CallObservation receives the events of one call. Attempt runs after each
// attempt, on the calling goroutine. End runs once: when a buffered call
// returns, when a download's headers arrive, and for a stream when it ends
// or is closed (a stream that is never read to its end nor closed never
// ends). Neither should block.
type CallObservation interface {
	Attempt(AttemptEvent)
	End(CallEnd)
}

// ChunkObserver may be implemented by a CallObservation to see each value a
// stream yields (a *ChatCompletionChunk for chat), for instance to record
// the completion's text. v is only valid during the call.
type ChunkObserver interface {
	Chunk(v any)
}

// CallInfo describes a call as it starts.
type CallInfo struct {
	// Operation names the API area: "chat", "embeddings",
	// "image_generation", "video_generation", "invoke_agent", ... (the
	// OpenTelemetry GenAI operation name where one fits), derived from the
	// route.
	Operation string
	// Method and Path are the HTTP method and the route relative to the
	// base URL ("/chat/completions"); agents routes start with "/v1/agents".
	Method, Path string
	// Model is the "model" field of the JSON body; empty for a body without
	// one or a multipart upload.
	Model string
	// Stream is true for a call that returns a Stream.
	Stream bool
	// ServerAddress and ServerPort are the API host and port.
	ServerAddress string
	ServerPort    int
	// Body is the JSON request body as sent, nil for a multipart or empty
	// body. It holds the prompt: record it only if the user opted in.
	// Read-only.
	Body []byte
}

// AttemptEvent describes one attempt of a call.
type AttemptEvent struct {
	// Number counts attempts from 1.
	Number int
	// StatusCode is the HTTP status, 0 when no response arrived.
	StatusCode int
	// RequestID is the response's X-Log-Id.
	RequestID string
	// Duration runs from sending the request to the end of the attempt
	// (the headers of a stream).
	Duration time.Duration
	// Err is why the attempt failed, nil if it succeeded.
	Err error
	// Retry reports that another attempt follows, after Delay.
	Retry bool
	Delay time.Duration
}

// CallEnd describes a call that has ended.
type CallEnd struct {
	// Attempts is the number of attempts made.
	Attempts int
	// Duration runs from StartCall to the end: the decoded response, or the
	// end of a stream.
	Duration time.Duration
	// TimeToFirstChunk is the time from StartCall to the first value of a
	// stream; 0 for other calls or a stream that yielded none.
	TimeToFirstChunk time.Duration
	// StatusCode and RequestID are those of the last response.
	StatusCode int
	RequestID  string
	// ResponseModel is the model named in the response.
	ResponseModel string
	// FinishReasons has one entry per choice that reported one.
	FinishReasons []string
	// Usage counts the tokens, from the response or a stream's final
	// chunk; zero when the response carried none.
	Usage CallUsage
	// Response is the decoded response of a buffered call (such as a
	// *ChatCompletion); nil for streams and downloads. Read-only.
	Response any
	// Err is the call's error, nil on success. A stream that ends with an
	// error reports it here.
	Err error
	// BusinessCode is the API's business code of a failed call ("1113").
	BusinessCode string
}

// CallUsage counts the tokens of a call.
type CallUsage struct {
	InputTokens     int // prompt tokens
	OutputTokens    int // completion tokens
	TotalTokens     int
	CachedTokens    int // input tokens served from the context cache
	ReasoningTokens int // output tokens spent on the chain of thought
}

// WithObserver adds an observer of every call. Observers added by later
// options start inside earlier ones (their StartCall gets the context the
// earlier ones returned).
func WithObserver(o Observer) Option {
	return func(s *settings) error {
		if o == nil {
			return invalidf("WithObserver(nil)")
		}
		s.observers = append(slices.Clip(s.observers), o)
		return nil
	}
}

// hooks are the settings of this file and concurrency.go, embedded in
// settings.
type hooks struct {
	observers    []Observer
	responseInto **http.Response
}

// callTrace follows one call for its observers and WithResponseInto. It is
// nil, and costs nothing, when neither is set.
type callTrace struct {
	observers []Observer
	into      **http.Response
	info      CallInfo

	mu       sync.Mutex // a stream's Close may race its Next
	obs      []CallObservation
	start    time.Time
	end      CallEnd
	gotChunk bool
	ended    bool

	secrets *redact.Secrets
}

// newTrace returns the trace of a call, or nil when nothing watches.
func (s *settings) newTrace(r *core.Request) *callTrace {
	if len(s.observers) == 0 && s.responseInto == nil {
		return nil
	}
	t := &callTrace{observers: s.observers, into: s.responseInto, secrets: s.secrets}
	r.Trace = t
	if len(t.observers) > 0 {
		base := s.BaseURL
		if r.Root {
			base = s.RootURL
		}
		t.info = CallInfo{Operation: operationOf(r.Path), Method: r.Method, Path: r.Path, Stream: r.Stream}
		t.info.ServerAddress, t.info.ServerPort = hostPort(base)
	}
	return t
}

// Begin starts the call for the observers (core.Trace).
func (t *callTrace) Begin(ctx context.Context, body []byte) context.Context {
	if len(t.observers) == 0 {
		return ctx
	}
	t.info.Body = body
	t.info.Model = modelOf(body)
	t.start = time.Now()
	t.obs = make([]CallObservation, 0, len(t.observers))
	for _, o := range t.observers {
		var ob CallObservation
		ctx, ob = o.StartCall(ctx, t.info)
		if ob != nil {
			t.obs = append(t.obs, ob)
		}
	}
	return ctx
}

// Attempt tells the observers about an attempt (core.Trace): one of the two
// places that call an observer, and so one edge of the redaction.
func (t *callTrace) Attempt(a core.Attempt) {
	if t.into != nil {
		*t.into = a.Response
	}
	t.end.Attempts = a.Number
	t.end.StatusCode, t.end.RequestID = 0, ""
	if a.Response != nil {
		t.end.StatusCode, t.end.RequestID = a.Response.StatusCode, core.RequestID(a.Response.Header)
	}
	if len(t.obs) == 0 {
		return
	}
	ev := AttemptEvent{Number: a.Number, StatusCode: t.end.StatusCode, RequestID: t.end.RequestID,
		Duration: a.Duration, Err: fromCore(a.Err), Retry: a.Retry, Delay: a.Delay}
	redactAttempt(t.secrets, &ev)
	for _, o := range t.obs {
		o.Attempt(ev)
	}
}

// fail ends the call with err. Nil-safe, like every method below.
func (t *callTrace) fail(err error) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.setErr(err)
	t.finish()
}

func (t *callTrace) setErr(err error) {
	t.end.Err = err
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		t.end.BusinessCode = apiErr.Code
		if apiErr.RequestID != "" {
			t.end.RequestID = apiErr.RequestID
		}
		if apiErr.StatusCode != 0 {
			t.end.StatusCode = apiErr.StatusCode
		}
	}
}

// done ends a buffered call with its decoded response out (nil for a
// download) and the body it came from.
func (t *callTrace) done(out any, body []byte) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if out != nil {
		t.end.Response = out
		t.report(out, body)
	}
	t.finish()
}

// chunk notes a value a stream yielded.
func (t *callTrace) chunk(v any) {
	if t == nil || len(t.obs) == 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ended {
		return
	}
	if !t.gotChunk {
		t.gotChunk = true
		t.end.TimeToFirstChunk = time.Since(t.start)
	}
	var raw []byte
	if r, ok := v.(interface{ RawJSON() []byte }); ok {
		raw = r.RawJSON()
	}
	t.report(v, raw)
	for _, o := range t.obs {
		if c, ok := o.(ChunkObserver); ok {
			c.Chunk(v)
		}
	}
}

// endStream ends a stream's call; err is the stream's error.
func (t *callTrace) endStream(err error) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err != nil {
		t.setErr(err)
	}
	t.finish()
}

// finish sends the end event once; t.mu is held. With Attempt, the only
// place that calls an observer, and so the other edge of the redaction.
func (t *callTrace) finish() {
	if t.ended {
		return
	}
	t.ended = true
	if len(t.obs) == 0 {
		return
	}
	t.end.Duration = time.Since(t.start)
	redactEnd(t.secrets, &t.end)
	for _, o := range t.obs {
		o.End(t.end)
	}
}

// callReporter is implemented by the response types whose usage, model and
// finish reasons are read without a second decode.
type callReporter interface{ reportCall(*CallEnd) }

func (c *ChatCompletion) reportCall(e *CallEnd) {
	e.ResponseModel = c.Model
	e.Usage = callUsage(&c.Usage)
	for i := range c.Choices {
		if r := string(c.Choices[i].FinishReason); r != "" {
			e.FinishReasons = append(e.FinishReasons, r)
		}
	}
}

func (c *ChatCompletionChunk) reportCall(e *CallEnd) {
	if c.Model != "" {
		e.ResponseModel = c.Model
	}
	if c.Usage != nil {
		e.Usage = callUsage(c.Usage)
	}
	for i := range c.Choices {
		if r := string(c.Choices[i].FinishReason); r != "" {
			e.FinishReasons = append(e.FinishReasons, r)
		}
	}
}

func callUsage(u *Usage) CallUsage {
	return CallUsage{InputTokens: u.PromptTokens, OutputTokens: u.CompletionTokens, TotalTokens: u.TotalTokens,
		CachedTokens: u.PromptTokensDetails.CachedTokens, ReasoningTokens: u.CompletionTokensDetails.ReasoningTokens}
}

var usageKey = []byte(`"usage"`)

// report fills the end event from a response or chunk: through
// callReporter, or else from the JSON when it names a usage.
func (t *callTrace) report(v any, raw []byte) {
	if len(t.obs) == 0 {
		return
	}
	if r, ok := v.(callReporter); ok {
		r.reportCall(&t.end)
		return
	}
	if !bytes.Contains(raw, usageKey) {
		return
	}
	var p struct {
		Model string `json:"model"`
		Usage *struct {
			PromptTokens        tokenCount `json:"prompt_tokens"`
			CompletionTokens    tokenCount `json:"completion_tokens"`
			InputTokens         tokenCount `json:"input_tokens"`
			OutputTokens        tokenCount `json:"output_tokens"`
			TotalTokens         tokenCount `json:"total_tokens"`
			PromptTokensDetails struct {
				CachedTokens tokenCount `json:"cached_tokens"`
			} `json:"prompt_tokens_details"`
			CompletionTokensDetails struct {
				ReasoningTokens tokenCount `json:"reasoning_tokens"`
			} `json:"completion_tokens_details"`
		} `json:"usage"`
		Choices []struct {
			FinishReason string `json:"finish_reason"`
		} `json:"choices"`
	}
	if json.Unmarshal(raw, &p) != nil {
		return
	}
	if p.Model != "" {
		t.end.ResponseModel = p.Model
	}
	if u := p.Usage; u != nil {
		t.end.Usage = CallUsage{InputTokens: int(u.PromptTokens + u.InputTokens), OutputTokens: int(u.CompletionTokens + u.OutputTokens),
			TotalTokens: int(u.TotalTokens), CachedTokens: int(u.PromptTokensDetails.CachedTokens),
			ReasoningTokens: int(u.CompletionTokensDetails.ReasoningTokens)}
	}
	for _, c := range p.Choices {
		if c.FinishReason != "" {
			t.end.FinishReasons = append(t.end.FinishReasons, c.FinishReason)
		}
	}
}

// operations maps route prefixes to operation names, longest first where
// one prefix holds another. The GenAI semantic conventions name chat,
// embeddings and invoke_agent; the rest are this API's own areas.
var operations = []struct{ prefix, op string }{
	{"/chat/completions", "chat"},
	{"/async/chat/completions", "chat"},
	{"/embeddings", "embeddings"},
	{"/images/generations", "image_generation"},
	{"/async/images/generations", "image_generation"},
	{"/videos/generations", "video_generation"},
	{"/async-result", "async_result"},
	{"/audio/transcriptions", "transcription"},
	{"/audio/speech", "speech"},
	{"/voice/", "voice"},
	{"/web_search", "web_search"},
	{"/reader", "reader"},
	{"/tokenizer", "tokenize"},
	{"/moderations", "moderation"},
	{"/rerank", "rerank"},
	{"/files/parser", "file_parser"},
	{"/files/ocr", "ocr"},
	{"/layout_parsing", "layout_parsing"},
	{"/files", "files"},
	{"/batches", "batches"},
	{"/models", "models"},
	{"/v1/agents", "invoke_agent"},
	{"/zrag/agent/chat", "invoke_agent"},
	{"/zrag/retrieval", "retrieval"},
	{"/llm-application/open/knowledge/retrieve", "retrieval"},
	{"/llm-application/open", "knowledge"},
	{"/monitor/", "coding_plan"},
}

// operationOf names the operation of a route; a route not in the table is
// named by its first segment.
func operationOf(path string) string {
	for _, o := range operations {
		if strings.HasPrefix(path, o.prefix) {
			return o.op
		}
	}
	seg, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	return seg
}

// hostPort splits a base URL's host, with the scheme's default port.
func hostPort(base string) (string, int) {
	u, err := url.Parse(base)
	if err != nil {
		return "", 0
	}
	port, _ := strconv.Atoi(u.Port())
	if port == 0 {
		port = 443
		if u.Scheme == "http" {
			port = 80
		}
	}
	return u.Hostname(), port
}

// modelOf returns the top-level "model" string of a JSON object. Request
// structs put Model first, so the scan is short; a "model" key inside a
// nested object or a string is passed over.
func modelOf(b []byte) string {
	r := jsonx.Reader{B: b}
	if r.Peek() != '{' {
		return ""
	}
	r.I++
	for r.Peek() == '"' {
		key, flags, ok := r.RawString()
		if !ok || r.Peek() != ':' {
			return ""
		}
		r.I++
		if flags == 0 && string(key) == "model" && r.Peek() == '"' {
			model, flags, ok := r.RawString()
			switch {
			case !ok:
				return ""
			case flags != 0:
				return string(jsonx.Unescape(nil, model))
			}
			return string(model)
		}
		if !r.Skip() || !r.Next('}') {
			return ""
		}
	}
	return ""
}
