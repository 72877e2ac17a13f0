package zaiotel_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaiotel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var req = zai.ChatCompletionRequest{Model: "glm-4.7", Messages: []zai.Message{zai.UserMessage("secret prompt")}}

const completion = `{"id":"c1","created":1,"model":"glm-4.7-resp","choices":[{"index":0,"message":{"role":"assistant","content":"secret answer"},"finish_reason":"stop"}],"usage":{"prompt_tokens":11,"completion_tokens":7,"total_tokens":18}}`

// env is a loopback server, an in-memory span exporter and a manual metric
// reader behind one instrumented client.
type env struct {
	srv      *httptest.Server
	client   *zai.Client
	spans    *tracetest.InMemoryExporter
	reader   *sdkmetric.ManualReader
	attempts atomic.Int32

	mu      sync.Mutex
	headers []http.Header
}

func newEnv(t *testing.T, handler func(w http.ResponseWriter, r *http.Request, n int), opts ...zaiotel.Option) *env {
	t.Helper()
	e := &env{spans: tracetest.NewInMemoryExporter(), reader: sdkmetric.NewManualReader()}
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		e.mu.Lock()
		e.headers = append(e.headers, r.Header.Clone())
		e.mu.Unlock()
		handler(w, r, int(e.attempts.Add(1)))
	}))
	transport := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(func() {
		e.srv.Close()
		transport.CloseIdleConnections()
	})
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(e.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(e.reader))
	t.Cleanup(func() {
		tp.Shutdown(context.Background())
		mp.Shutdown(context.Background())
	})
	all := append([]zaiotel.Option{zaiotel.WithTracerProvider(tp), zaiotel.WithMeterProvider(mp),
		zaiotel.WithPropagators(propagation.TraceContext{})}, opts...)
	c, err := zai.NewClient(zai.WithAPIKey("test-key.secret"), zai.WithBaseURL(e.srv.URL+"/api/paas/v4"),
		zai.WithHTTPClient(&http.Client{Transport: transport}),
		zai.WithMaxRetryDelay(time.Millisecond), // every backoff is exactly 1 ms
		zaiotel.Instrument(all...))
	if err != nil {
		t.Fatal(err)
	}
	e.client = c
	return e
}

func (e *env) only(t *testing.T) tracetest.SpanStub {
	t.Helper()
	s := e.spans.GetSpans()
	if len(s) != 1 {
		t.Fatalf("%d spans, want 1", len(s))
	}
	return s[0]
}

func attrs(s tracetest.SpanStub) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, kv := range s.Attributes {
		m[kv.Key] = kv.Value
	}
	return m
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Log-Id", "log-1")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

func TestSpanAttributesRetriesAndTraceparent(t *testing.T) {
	e := newEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			writeJSON(w, http.StatusServiceUnavailable, `{"error":{"code":"500","message":"busy"}}`)
			return
		}
		writeJSON(w, http.StatusOK, completion)
	})
	if _, err := e.client.Chat.Completions.Create(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	s := e.only(t)
	if s.Name != "chat glm-4.7" || s.SpanKind != trace.SpanKindClient || s.Status.Code == codes.Error {
		t.Fatalf("span %q kind %v status %v", s.Name, s.SpanKind, s.Status)
	}
	a := attrs(s)
	host := strings.Split(strings.TrimPrefix(e.srv.URL, "http://"), ":")[0]
	for k, want := range map[attribute.Key]string{
		"gen_ai.system": "zai", "gen_ai.operation.name": "chat", "gen_ai.request.model": "glm-4.7",
		"gen_ai.response.model": "glm-4.7-resp", "server.address": host, "zai.request_id": "log-1",
	} {
		if got := a[k].AsString(); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	for k, want := range map[attribute.Key]int64{
		"gen_ai.usage.input_tokens": 11, "gen_ai.usage.output_tokens": 7, "zai.attempts": 2, "http.response.status_code": 200,
	} {
		if got := a[k].AsInt64(); got != want {
			t.Errorf("%s = %d, want %d", k, got, want)
		}
	}
	if got := a["gen_ai.response.finish_reasons"].AsStringSlice(); !slices.Equal(got, []string{"stop"}) {
		t.Errorf("finish reasons %v", got)
	}
	if a["server.port"].AsInt64() == 0 {
		t.Error("no server.port")
	}
	for k := range a {
		if strings.Contains(a[k].String(), "secret") {
			t.Errorf("%s records content without WithContentCapture: %s", k, a[k].String())
		}
	}
	if len(s.Events) != 1 || s.Events[0].Name != "zai.retry" {
		t.Fatalf("events %+v, want one zai.retry", s.Events)
	}
	ev := map[attribute.Key]attribute.Value{}
	for _, kv := range s.Events[0].Attributes {
		ev[kv.Key] = kv.Value
	}
	if ev["zai.attempt"].AsInt64() != 1 || ev["http.response.status_code"].AsInt64() != 503 || ev["zai.retry.delay_ms"].AsInt64() != 1 {
		t.Fatalf("retry event %v", s.Events[0].Attributes)
	}

	// Every attempt carried the span's trace context.
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.headers) != 2 {
		t.Fatalf("%d requests", len(e.headers))
	}
	for _, h := range e.headers {
		tp := h.Get("Traceparent")
		if !strings.Contains(tp, s.SpanContext.TraceID().String()) || !strings.Contains(tp, s.SpanContext.SpanID().String()) {
			t.Fatalf("traceparent %q does not name span %s", tp, s.SpanContext.SpanID())
		}
	}
}

func TestErrorStatusOnQuota(t *testing.T) {
	e := newEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, http.StatusTooManyRequests, `{"error":{"code":"1113","message":"Insufficient balance"}}`)
	})
	_, err := e.client.Chat.Completions.Create(context.Background(), req)
	if !errors.Is(err, zai.ErrQuotaExceeded) {
		t.Fatal(err)
	}
	s := e.only(t)
	a := attrs(s)
	if s.Status.Code != codes.Error || a["zai.business_code"].AsString() != "1113" || a["error.type"].AsString() != "1113" ||
		a["http.response.status_code"].AsInt64() != 429 || len(s.Events) == 0 || s.Events[len(s.Events)-1].Name != "exception" {
		t.Fatalf("status %v, attributes %v, events %v", s.Status, s.Attributes, s.Events)
	}

	var rm metricdata.ResourceMetrics
	if err := e.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	d := find(t, rm, "gen_ai.client.operation.duration").Data.(metricdata.Histogram[float64])
	if len(d.DataPoints) != 1 || d.DataPoints[0].Count != 1 {
		t.Fatalf("duration points %+v", d.DataPoints)
	}
	if v, _ := d.DataPoints[0].Attributes.Value("error.type"); v.AsString() != "1113" {
		t.Fatalf("duration attributes %v", d.DataPoints[0].Attributes)
	}
}

func find(t *testing.T, rm metricdata.ResourceMetrics, name string) metricdata.Metrics {
	t.Helper()
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == name {
				return m
			}
		}
	}
	t.Fatalf("no metric %s", name)
	return metricdata.Metrics{}
}

func TestHistograms(t *testing.T) {
	e := newEnv(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, http.StatusOK, completion) })
	for range 2 {
		if _, err := e.client.Chat.Completions.Create(context.Background(), req); err != nil {
			t.Fatal(err)
		}
	}
	var rm metricdata.ResourceMetrics
	if err := e.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	dm := find(t, rm, "gen_ai.client.operation.duration")
	d := dm.Data.(metricdata.Histogram[float64])
	if dm.Unit != "s" || len(d.DataPoints) != 1 || d.DataPoints[0].Count != 2 {
		t.Fatalf("duration %+v", dm)
	}
	pa := d.DataPoints[0].Attributes
	for k, want := range map[attribute.Key]string{"gen_ai.operation.name": "chat", "gen_ai.system": "zai",
		"gen_ai.request.model": "glm-4.7", "gen_ai.response.model": "glm-4.7-resp"} {
		if v, _ := pa.Value(k); v.AsString() != want {
			t.Errorf("duration %s = %q, want %q", k, v.AsString(), want)
		}
	}
	tm := find(t, rm, "gen_ai.client.token.usage")
	h := tm.Data.(metricdata.Histogram[int64])
	sums := map[string]int64{}
	for _, p := range h.DataPoints {
		v, _ := p.Attributes.Value("gen_ai.token.type")
		sums[v.AsString()] += p.Sum
	}
	if tm.Unit != "{token}" || sums["input"] != 22 || sums["output"] != 14 || len(h.DataPoints) != 2 {
		t.Fatalf("token usage %+v", sums)
	}
}

func TestStreamSpanAndContentCapture(t *testing.T) {
	events := []string{
		`{"id":"s","model":"glm-4.7-resp","choices":[{"index":0,"delta":{"role":"assistant","content":"secret "}}]}`,
		`{"id":"s","model":"glm-4.7-resp","choices":[{"index":0,"delta":{"content":"answer"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}`,
	}
	e := newEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "text/event-stream")
		for _, ev := range events {
			io.WriteString(w, "data: "+ev+"\n\n")
		}
		io.WriteString(w, "data: [DONE]\n\n")
	}, zaiotel.WithContentCapture(true))
	stream, err := e.client.Chat.Completions.CreateStream(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(e.spans.GetSpans()); got != 0 {
		t.Fatalf("%d spans ended before the stream was read", got)
	}
	for _, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
	}
	a := attrs(e.only(t))
	if a["gen_ai.usage.input_tokens"].AsInt64() != 5 || a["gen_ai.usage.output_tokens"].AsInt64() != 2 ||
		!a["zai.stream"].AsBool() || a["zai.time_to_first_chunk_ms"].AsFloat64() <= 0 {
		t.Fatalf("attributes %v", a)
	}
	if in := a["gen_ai.input.messages"].AsString(); !strings.Contains(in, "secret prompt") {
		t.Fatalf("input messages %q", in)
	}
	if out := a["gen_ai.output.messages"].AsString(); !strings.Contains(out, `"content":"secret answer"`) {
		t.Fatalf("output messages %q", out)
	}
}

// TestGlobalsByDefault: with no providers given, the globals (no-ops
// here) serve and the client works.
func TestGlobalsByDefault(t *testing.T) {
	c, err := zai.NewClient(zai.WithAPIKey("k"), zaiotel.Instrument())
	if err != nil || c == nil {
		t.Fatal(err)
	}
}
