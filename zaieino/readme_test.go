package zaieino_test

import (
	"strings"
	"testing"

	"github.com/zai-go/zai/internal/snippets"
)

// TestReadmeSnippetsCompile type-checks the blocks of docs/eino.md against
// this module, and fails on a dropped or unchecked error.
func TestReadmeSnippetsCompile(t *testing.T) {
	snippets.Check(t, "../docs/eino.md", snippets.Config{
		Select: func(src string) bool { return strings.Contains(src, "zaieino.") },
		Imports: []string{
			"context", "errors", "fmt",
			"github.com/cloudwego/eino/components/model", "github.com/cloudwego/eino/components/tool",
			"github.com/cloudwego/eino/components/tool/utils", "github.com/cloudwego/eino/compose",
			"github.com/cloudwego/eino/flow/agent/react", "github.com/cloudwego/eino/schema",
			"github.com/zai-go/zai", "github.com/zai-go/zai/zaieino",
		},
		Params:    "ctx context.Context, client *zai.Client",
		MinBlocks: 1,
	})
}
