package zaiotel_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaiotel"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// BenchmarkCreateOverhead sends Create through a plain client and an
// instrumented one (sampled spans, metrics, traceparent) in turn against one
// loopback server, so both see the same machine state; otel/plain is the
// ratio of their times.
func BenchmarkCreateOverhead(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, completion)
	}))
	defer srv.Close()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample()))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	defer tp.Shutdown(context.Background())
	defer mp.Shutdown(context.Background())
	base := []zai.Option{zai.WithAPIKey("test-key.secret"), zai.WithBaseURL(srv.URL + "/api/paas/v4")}
	plain, err := zai.NewClient(base...)
	if err != nil {
		b.Fatal(err)
	}
	inst, err := zai.NewClient(append(base, zaiotel.Instrument(zaiotel.WithTracerProvider(tp),
		zaiotel.WithMeterProvider(mp), zaiotel.WithPropagators(propagation.TraceContext{})))...)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	call := func(c *zai.Client) time.Duration {
		start := time.Now()
		if _, err := c.Chat.Completions.Create(ctx, req); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	var tPlain, tInst time.Duration
	i := 0
	for b.Loop() {
		if i%2 == 0 {
			tPlain += call(plain)
			tInst += call(inst)
		} else {
			tInst += call(inst)
			tPlain += call(plain)
		}
		i++
	}
	b.ReportMetric(float64(tPlain.Nanoseconds())/float64(i), "plain-ns/call")
	b.ReportMetric(float64(tInst.Nanoseconds())/float64(i), "otel-ns/call")
	b.ReportMetric(float64(tInst)/float64(tPlain), "otel/plain")
}
