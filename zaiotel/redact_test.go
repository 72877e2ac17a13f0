package zaiotel_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaiotel"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// A server that echoes the credential it gets (the key, or a JWT) in
// X-Log-Id, in an error body, in the response model and in an in-stream
// error puts it in no span attribute, span status, recorded exception or
// metric attribute.
func TestEchoedKeyReachesNoSpanOrMetric(t *testing.T) {
	const key = "otelid01.OtelSecretHalf4242"
	for _, jwt := range []bool{false, true} {
		t.Run(fmt.Sprint("jwt=", jwt), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				secret := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
				w.Header().Set("X-Log-Id", secret)
				switch r.URL.Query().Get("road") {
				case "error":
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusUnauthorized)
					fmt.Fprintf(w, `{"error":{"code":"1000","message":"bad token %s"}}`, secret)
				case "stream":
					w.Header().Set("Content-Type", "text/event-stream")
					fmt.Fprintf(w, "data: {\"id\":\"s\",\"model\":%q,\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n", secret)
					fmt.Fprintf(w, "data: {\"error\":{\"code\":\"1301\",\"message\":\"unsafe %s\"}}\n\n", secret)
				default:
					w.Header().Set("Content-Type", "application/json")
					fmt.Fprintf(w, `{"id":"c","model":%q,"choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}`, secret)
				}
			}))
			defer srv.Close()
			spans := tracetest.NewInMemoryExporter()
			reader := sdkmetric.NewManualReader()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
			mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
			defer tp.Shutdown(context.Background())
			defer mp.Shutdown(context.Background())
			opts := []zai.Option{zai.WithAPIKey(key), zai.WithBaseURL(srv.URL + "/api/paas/v4"), zai.WithMaxRetries(0),
				zaiotel.Instrument(zaiotel.WithTracerProvider(tp), zaiotel.WithMeterProvider(mp))}
			if jwt {
				opts = append(opts, zai.WithJWTAuth(time.Minute))
			}
			client, err := zai.NewClient(opts...)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if err := client.Do(ctx, http.MethodPost, "/chat/completions?road=error", req, nil); err == nil {
				t.Fatal("want the 401")
			}
			if _, err := client.Chat.Completions.Create(ctx, req); err != nil {
				t.Fatal(err)
			}
			stream, err := client.Chat.Completions.CreateStream(ctx, req, zai.WithMiddleware(func(r *http.Request, next zai.MiddlewareNext) (*http.Response, error) {
				r.URL.RawQuery = "road=stream"
				return next(r)
			}))
			if err != nil {
				t.Fatal(err)
			}
			for range stream.All() {
			}
			if stream.Err() == nil {
				t.Fatal("want the in-stream error")
			}

			var seen []string
			for _, s := range spans.GetSpans() {
				seen = append(seen, s.Name, s.Status.Description)
				for _, a := range s.Attributes {
					seen = append(seen, string(a.Key)+"="+a.Value.String())
				}
				for _, ev := range s.Events {
					for _, a := range ev.Attributes {
						seen = append(seen, ev.Name+" "+string(a.Key)+"="+a.Value.String())
					}
				}
			}
			var rm metricdata.ResourceMetrics
			if err := reader.Collect(ctx, &rm); err != nil {
				t.Fatal(err)
			}
			for _, sm := range rm.ScopeMetrics {
				for _, m := range sm.Metrics {
					if h, ok := m.Data.(metricdata.Histogram[float64]); ok {
						for _, dp := range h.DataPoints {
							seen = append(seen, dp.Attributes.Encoded(nil))
						}
					}
				}
			}
			all := strings.Join(seen, "\n")
			for _, secret := range []string{key, "OtelSecretHalf4242", "eyJhbGciOiJIUzI1NiIsInNpZ25fdHlwZSI6IlNJR04ifQ"} {
				if strings.Contains(all, secret) {
					t.Errorf("%q reached the telemetry:\n%s", secret, all)
				}
			}
			if n := len(spans.GetSpans()); n != 3 || !strings.Contains(all, "[REDACTED]") {
				t.Fatalf("%d spans, no redaction seen:\n%s", n, all)
			}
		})
	}
}
