package zai_test

import (
	"regexp"
	"testing"

	"github.com/zai-go/zai/internal/snippets"
)

// otherModule marks the README blocks of nested modules (zaieino and
// zaiotel check their own) and of other projects (anthropic).
var otherModule = regexp.MustCompile(`\b(zaieino|zaiotel|anthropic|option)\.`)

// TestReadmeSnippetsCompile type-checks every ```go block of README.md that
// uses this module, and fails on a dropped or unchecked error.
func TestReadmeSnippetsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks from source")
	}
	snippets.Check(t, "README.md", snippets.Config{
		Select: func(src string) bool { return !otherModule.MatchString(src) },
		Imports: []string{
			"bytes", "context", "encoding/json", "errors", "fmt", "io", "iter", "log", "log/slog", "net/http",
			"os", "strings", "testing", "time",
			"github.com/zai-go/zai", "github.com/zai-go/zai/zaitest",
		},
		// The testing fragments call the Summarize of the README's full example.
		Prelude:   "func Summarize(context.Context, *zai.Client, string) (string, error) { return \"\", nil }\n",
		Params:    "ctx context.Context, client *zai.Client, req zai.ChatCompletionRequest, t *testing.T, srv *zaitest.Server, err error",
		MinBlocks: 40,
	})
}

// TestUncheckedErrorsFindsThem shows the error check fails on a snippet that
// ignores an error, and passes one that checks it.
func TestUncheckedErrorsFindsThem(t *testing.T) {
	bad := "resp, err := client.Chat.Completions.Create(ctx, zai.ChatCompletionRequest{\n\tModel: \"m\", // a comment with \"https://x\"\n})\nfmt.Println(resp)\n"
	if got := snippets.UncheckedErrors(bad); len(got) != 1 || got[0] != 1 {
		t.Fatalf("got %v", got)
	}
	good := "resp, err := client.Models.List(ctx)\nif err != nil {\n\treturn err\n}\n"
	if got := snippets.UncheckedErrors(good); len(got) != 0 {
		t.Fatalf("got %v", got)
	}
}
