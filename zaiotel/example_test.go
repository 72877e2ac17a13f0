package zaiotel_test

import (
	"context"
	"fmt"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaiotel"
	"github.com/zai-go/zai/zaitest"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// Instrument a client; here the spans go to an in-memory exporter and the
// client talks to the fake server, so the example runs offline.
func ExampleInstrument() {
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	defer tp.Shutdown(context.Background())

	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client(zaiotel.Instrument(
		zaiotel.WithTracerProvider(tp),
		zaiotel.WithPropagators(propagation.TraceContext{}),
	))

	_, err := client.Chat.Completions.Create(context.Background(), zai.ChatCompletionRequest{
		Model:    zai.ModelGLM4_7,
		Messages: []zai.Message{zai.UserMessage("Hello")},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	s := spans.GetSpans()[0]
	fmt.Println(s.Name, s.SpanKind)
	for _, kv := range s.Attributes {
		switch kv.Key {
		case "gen_ai.system", "gen_ai.operation.name", "gen_ai.request.model", "gen_ai.usage.input_tokens":
			fmt.Printf("%s=%s\n", kv.Key, kv.Value.String())
		}
	}
	fmt.Println("traceparent sent:", srv.Requests()[0].Header.Get("Traceparent") != "")
	// Output:
	// chat glm-4.7 client
	// gen_ai.system=zai
	// gen_ai.operation.name=chat
	// gen_ai.request.model=glm-4.7
	// gen_ai.usage.input_tokens=2
	// traceparent sent: true
}
