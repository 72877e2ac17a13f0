package zaiotel

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/zai-go/zai"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of the tracer and the meter.
const ScopeName = "github.com/zai-go/zai/zaiotel"

// Option configures Instrument.
type Option func(*config)

type config struct {
	tp      trace.TracerProvider
	mp      metric.MeterProvider
	prop    propagation.TextMapPropagator
	content bool
}

// WithTracerProvider sets the tracer provider (default: otel's global).
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) { c.tp = tp }
}

// WithMeterProvider sets the meter provider (default: otel's global).
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) { c.mp = mp }
}

// WithPropagators sets how trace context is written into request headers
// (default: otel's global propagator, which is a no-op until the program
// sets one; pass propagation.TraceContext{} for traceparent).
func WithPropagators(p propagation.TextMapPropagator) Option {
	return func(c *config) { c.prop = p }
}

// WithContentCapture records the prompt (the request's messages or input)
// and the completion's text on the span. Off by default: prompts and
// completions often hold personal or secret data.
func WithContentCapture(on bool) Option {
	return func(c *config) { c.content = on }
}

// Instrument returns a zai.Option that traces and measures every call of a
// client (given to zai.NewClient) or of one call. The instruments are made
// once, here; make one Option per client and reuse it.
func Instrument(opts ...Option) zai.Option {
	c := config{}
	for _, o := range opts {
		o(&c)
	}
	if c.tp == nil {
		c.tp = otel.GetTracerProvider()
	}
	if c.mp == nil {
		c.mp = otel.GetMeterProvider()
	}
	o := newObserver(c)
	return zai.WithOptions(zai.WithObserver(o), zai.WithMiddleware(o.inject))
}

// Attribute keys of the GenAI semantic conventions and this package.
const (
	keySystem         = attribute.Key("gen_ai.system")
	keyProvider       = attribute.Key("gen_ai.provider.name")
	keyOperation      = attribute.Key("gen_ai.operation.name")
	keyRequestModel   = attribute.Key("gen_ai.request.model")
	keyResponseModel  = attribute.Key("gen_ai.response.model")
	keyFinishReasons  = attribute.Key("gen_ai.response.finish_reasons")
	keyInputTokens    = attribute.Key("gen_ai.usage.input_tokens")
	keyOutputTokens   = attribute.Key("gen_ai.usage.output_tokens")
	keyCachedTokens   = attribute.Key("gen_ai.usage.cache_read.input_tokens")
	keyReasoning      = attribute.Key("zai.usage.reasoning_tokens")
	keyTokenType      = attribute.Key("gen_ai.token.type")
	keyInputMessages  = attribute.Key("gen_ai.input.messages")
	keyOutputMessages = attribute.Key("gen_ai.output.messages")
	keyServerAddress  = attribute.Key("server.address")
	keyServerPort     = attribute.Key("server.port")
	keyStatusCode     = attribute.Key("http.response.status_code")
	keyErrorType      = attribute.Key("error.type")
	keyBusinessCode   = attribute.Key("zai.business_code")
	keyRequestID      = attribute.Key("zai.request_id")
	keyAttempt        = attribute.Key("zai.attempt")
	keyAttempts       = attribute.Key("zai.attempts")
	keyRetryDelay     = attribute.Key("zai.retry.delay_ms")
	keyTTFC           = attribute.Key("zai.time_to_first_chunk_ms")
	keyStream         = attribute.Key("zai.stream")
)

var system = []attribute.KeyValue{keySystem.String("zai"), keyProvider.String("zai")}

// The bucket boundaries the GenAI metric conventions advise.
var (
	durationBuckets = []float64{0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92}
	tokenBuckets    = []float64{1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864}
)

type observer struct {
	tracer   trace.Tracer
	prop     propagation.TextMapPropagator
	content  bool
	duration metric.Float64Histogram
	tokens   metric.Int64Histogram
	sets     setCache
}

func newObserver(c config) *observer {
	meter := c.mp.Meter(ScopeName)
	o := &observer{tracer: c.tp.Tracer(ScopeName), prop: c.prop, content: c.content}
	// An error here leaves a working no-op instrument: metrics must not
	// stop a client from being built.
	o.duration, _ = meter.Float64Histogram("gen_ai.client.operation.duration",
		metric.WithDescription("GenAI operation duration."), metric.WithUnit("s"),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	o.tokens, _ = meter.Int64Histogram("gen_ai.client.token.usage",
		metric.WithDescription("Number of input and output tokens used."), metric.WithUnit("{token}"),
		metric.WithExplicitBucketBoundaries(tokenBuckets...))
	return o
}

// inject writes the span's context into each attempt's headers.
func (o *observer) inject(req *http.Request, next zai.MiddlewareNext) (*http.Response, error) {
	prop := o.prop
	if prop == nil {
		prop = otel.GetTextMapPropagator()
	}
	prop.Inject(req.Context(), propagation.HeaderCarrier(req.Header))
	return next(req)
}

// StartCall starts the call's span.
func (o *observer) StartCall(ctx context.Context, info zai.CallInfo) (context.Context, zai.CallObservation) {
	name := info.Operation
	if info.Model != "" {
		name += " " + info.Model
	}
	attrs := make([]attribute.KeyValue, 0, 8)
	attrs = append(attrs, system...)
	attrs = append(attrs, keyOperation.String(info.Operation), keyServerAddress.String(info.ServerAddress),
		keyServerPort.Int(info.ServerPort))
	if info.Model != "" {
		attrs = append(attrs, keyRequestModel.String(info.Model))
	}
	if info.Stream {
		attrs = append(attrs, keyStream.Bool(true))
	}
	ctx, span := o.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	c := &call{o: o, ctx: ctx, span: span, info: info}
	if o.content && span.IsRecording() {
		if m := inputMessages(info.Body); m != "" {
			span.SetAttributes(keyInputMessages.String(m))
		}
		return ctx, &contentCall{call: c}
	}
	return ctx, c
}

// call is the observation of one call.
type call struct {
	o    *observer
	ctx  context.Context
	span trace.Span
	info zai.CallInfo
}

// Attempt records a retry as a span event.
func (c *call) Attempt(ev zai.AttemptEvent) {
	if !ev.Retry || !c.span.IsRecording() {
		return
	}
	attrs := []attribute.KeyValue{keyAttempt.Int(ev.Number), keyRetryDelay.Int64(ev.Delay.Milliseconds())}
	if ev.StatusCode != 0 {
		attrs = append(attrs, keyStatusCode.Int(ev.StatusCode))
	}
	if ev.Err != nil {
		attrs = append(attrs, keyErrorType.String(errorType(ev.Err, ev.StatusCode)))
	}
	c.span.AddEvent("zai.retry", trace.WithAttributes(attrs...))
}

// End finishes the span and records the metrics.
func (c *call) End(ev zai.CallEnd) { c.end(ev, "") }

func (c *call) end(ev zai.CallEnd, output string) {
	span := c.span
	errType := ""
	if ev.Err != nil {
		errType = errorType(ev.Err, ev.StatusCode)
	}
	if span.IsRecording() {
		attrs := make([]attribute.KeyValue, 0, 12)
		attrs = append(attrs, keyAttempts.Int(ev.Attempts))
		if ev.ResponseModel != "" {
			attrs = append(attrs, keyResponseModel.String(ev.ResponseModel))
		}
		if len(ev.FinishReasons) > 0 {
			attrs = append(attrs, keyFinishReasons.StringSlice(ev.FinishReasons))
		}
		if u := ev.Usage; u != (zai.CallUsage{}) {
			attrs = append(attrs, keyInputTokens.Int(u.InputTokens), keyOutputTokens.Int(u.OutputTokens))
			if u.CachedTokens > 0 {
				attrs = append(attrs, keyCachedTokens.Int(u.CachedTokens))
			}
			if u.ReasoningTokens > 0 {
				attrs = append(attrs, keyReasoning.Int(u.ReasoningTokens))
			}
		}
		if ev.StatusCode != 0 {
			attrs = append(attrs, keyStatusCode.Int(ev.StatusCode))
		}
		if ev.RequestID != "" {
			attrs = append(attrs, keyRequestID.String(ev.RequestID))
		}
		if ev.TimeToFirstChunk > 0 {
			attrs = append(attrs, keyTTFC.Float64(float64(ev.TimeToFirstChunk)/float64(time.Millisecond)))
		}
		if output != "" {
			attrs = append(attrs, keyOutputMessages.String(output))
		}
		if ev.Err != nil {
			attrs = append(attrs, keyErrorType.String(errType))
			if ev.BusinessCode != "" {
				attrs = append(attrs, keyBusinessCode.String(ev.BusinessCode))
			}
			span.RecordError(ev.Err)
			span.SetStatus(codes.Error, ev.Err.Error())
		}
		span.SetAttributes(attrs...)
	}
	span.End()

	// The metrics are recorded in the call's context, so exemplars link
	// to the span.
	sets := c.o.sets.get(metricKey{op: c.info.Operation, model: c.info.Model, respModel: ev.ResponseModel,
		errType: errType, addr: c.info.ServerAddress, port: c.info.ServerPort})
	c.o.duration.Record(c.ctx, ev.Duration.Seconds(), sets.call)
	if u := ev.Usage; u != (zai.CallUsage{}) {
		c.o.tokens.Record(c.ctx, int64(u.InputTokens), sets.input)
		c.o.tokens.Record(c.ctx, int64(u.OutputTokens), sets.output)
	}
}

// metricKey is what the metric attributes of a call depend on.
type metricKey struct {
	op, model, respModel, errType, addr string
	port                                int
}

// metricSets are the attribute sets of one metricKey, for the duration and
// the two token types.
type metricSets struct{ call, input, output metric.MeasurementOption }

// setCache keeps the attribute sets of recent metricKeys: building a set
// sorts and copies its attributes, which would otherwise be most of the
// cost of recording. It stops growing at maxSets keys (models and error
// codes are few; a flood of distinct ones is built afresh each time).
type setCache struct {
	mu sync.RWMutex
	m  map[metricKey]*metricSets
}

const maxSets = 1024

func (c *setCache) get(k metricKey) *metricSets {
	c.mu.RLock()
	s, ok := c.m[k]
	c.mu.RUnlock()
	if ok {
		return s
	}
	common := make([]attribute.KeyValue, 0, 9)
	common = append(common, system...)
	common = append(common, keyOperation.String(k.op), keyServerAddress.String(k.addr), keyServerPort.Int(k.port))
	if k.model != "" {
		common = append(common, keyRequestModel.String(k.model))
	}
	if k.respModel != "" {
		common = append(common, keyResponseModel.String(k.respModel))
	}
	if k.errType != "" {
		common = append(common, keyErrorType.String(k.errType))
	}
	n := len(common)
	s = &metricSets{
		call:   metric.WithAttributeSet(attribute.NewSet(common...)),
		input:  metric.WithAttributeSet(attribute.NewSet(append(common[:n:n], keyTokenType.String("input"))...)),
		output: metric.WithAttributeSet(attribute.NewSet(append(common[:n:n], keyTokenType.String("output"))...)),
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = make(map[metricKey]*metricSets)
	}
	if len(c.m) < maxSets {
		c.m[k] = s
	}
	c.mu.Unlock()
	return s
}

// errorType names a failure: the business code, else the HTTP status, else
// a well-known category, else "_OTHER".
func errorType(err error, status int) string {
	var apiErr *zai.APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.Code != "":
		return apiErr.Code
	case errors.As(err, &apiErr) && apiErr.StatusCode != 0:
		return strconv.Itoa(apiErr.StatusCode)
	case status >= 400:
		return strconv.Itoa(status)
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, zai.ErrTimeout):
		return "timeout"
	}
	return "_OTHER"
}

// contentCall is a call that records the completion's text.
type contentCall struct {
	*call
	text    strings.Builder // a stream's content deltas
	chunked bool
}

// Chunk gathers a stream's text.
func (c *contentCall) Chunk(v any) {
	if ch, ok := v.(*zai.ChatCompletionChunk); ok && len(ch.Choices) > 0 {
		c.chunked = true
		c.text.WriteString(ch.Choices[0].Delta.Content)
	}
}

// End records the completion and ends the span.
func (c *contentCall) End(ev zai.CallEnd) {
	var out []outputMessage
	switch {
	case c.chunked:
		out = append(out, outputMessage{Role: "assistant", Content: c.text.String()})
	default:
		if cc, ok := ev.Response.(*zai.ChatCompletion); ok {
			for _, ch := range cc.Choices {
				out = append(out, outputMessage{Role: string(ch.Message.Role), Content: ch.Message.Content,
					FinishReason: string(ch.FinishReason)})
			}
		}
	}
	s := ""
	if len(out) > 0 {
		b, _ := json.Marshal(out)
		s = string(b)
	}
	c.call.end(ev, s)
}

type outputMessage struct {
	Role         string `json:"role"`
	Content      string `json:"content"`
	FinishReason string `json:"finish_reason,omitempty"`
}

// inputMessages picks the prompt out of a JSON request body: its messages,
// else its input, else its prompt.
func inputMessages(body []byte) string {
	var p struct {
		Messages json.RawMessage `json:"messages"`
		Input    json.RawMessage `json:"input"`
		Prompt   json.RawMessage `json:"prompt"`
	}
	if len(body) == 0 || json.Unmarshal(body, &p) != nil {
		return ""
	}
	for _, m := range []json.RawMessage{p.Messages, p.Input, p.Prompt} {
		if len(m) > 0 && string(m) != "null" {
			return string(m)
		}
	}
	return ""
}
