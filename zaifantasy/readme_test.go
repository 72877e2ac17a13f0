package zaifantasy_test

import (
	"strings"
	"testing"

	"github.com/zai-go/zai/internal/snippets"
)

// TestReadmeSnippetsCompile type-checks the go blocks of this module's
// README and the root README's zaifantasy blocks, and fails on a dropped or
// unchecked error.
func TestReadmeSnippetsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the READMEs")
	}
	cfg := snippets.Config{
		Select: func(src string) bool { return strings.Contains(src, "zaifantasy.") },
		Imports: []string{
			"context", "errors", "fmt",
			"charm.land/fantasy",
			"github.com/zai-go/zai", "github.com/zai-go/zai/zaifantasy",
		},
		Params:    "ctx context.Context, client *zai.Client",
		MinBlocks: 1,
	}
	snippets.Check(t, "README.md", cfg)
	cfg.MinBlocks = 0 // the root README may not have its fantasy section yet
	snippets.Check(t, "../README.md", cfg)
}
