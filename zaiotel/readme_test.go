package zaiotel_test

import (
	"strings"
	"testing"

	"github.com/zai-go/zai/internal/snippets"
)

// TestReadmeSnippetsCompile type-checks the blocks of docs/opentelemetry.md
// against this module, and fails on a dropped or unchecked error.
func TestReadmeSnippetsCompile(t *testing.T) {
	snippets.Check(t, "../docs/opentelemetry.md", snippets.Config{
		Select: func(src string) bool { return strings.Contains(src, "zaiotel.") },
		Imports: []string{
			"context", "fmt",
			"go.opentelemetry.io/otel/metric", "go.opentelemetry.io/otel/propagation", "go.opentelemetry.io/otel/trace",
			"github.com/zai-go/zai", "github.com/zai-go/zai/zaiotel",
		},
		// Your providers, as the SDK's tracer and meter providers.
		Params:    "ctx context.Context, tp trace.TracerProvider, mp metric.MeterProvider",
		MinBlocks: 1,
	})
}
