package zai_test

// Every ```go block of README.md type-checks against this package, and none
// drops an error. A block that is a whole file (package main) is checked as
// it is; a block of declarations is checked at the top of a file; any other
// block is checked as the body of a function that has ctx, client, req and
// t in scope and returns an error. Unused variables and imports are allowed,
// since a fragment shows one step of a program.

import (
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"regexp"
	"strings"
	"testing"
)

// snippetImports are the packages a fragment may use without importing them.
var snippetImports = []string{
	"bytes", "context", "encoding/json", "errors", "fmt", "io", "iter", "log", "log/slog", "net/http",
	"os", "strings", "testing", "time",
	"github.com/zai-go/zai", "github.com/zai-go/zai/zaitest",
}

var goBlock = regexp.MustCompile("(?s)```go\n(.*?)```")

// otherModule marks blocks that use a nested module or another project,
// which this module's test cannot import: zaieino, zaiotel, anthropic.
var otherModule = regexp.MustCompile(`\b(zaieino|zaiotel|anthropic|option)\.`)

// droppedError finds `x, _ :=` and `_ = err`, which hide a failure.
var droppedError = regexp.MustCompile(`(?m)(\w+, _ :?= |\b_ = err\b)`)

func TestReadmeSnippetsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks from source")
	}
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := goBlock.FindAllStringSubmatchIndex(string(b), -1)
	if len(blocks) < 20 {
		t.Fatalf("found %d go blocks in README.md", len(blocks))
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "source", nil)
	for _, m := range blocks {
		src := string(b[m[2]:m[3]])
		line := 1 + strings.Count(string(b[:m[2]]), "\n")
		if m := otherModule.FindString(src); m != "" {
			t.Logf("README.md:%d: uses %s, another module: not checked here", line, m)
			continue
		}
		if d := droppedError.FindString(src); d != "" {
			t.Errorf("README.md:%d: the snippet drops an error (%q)", line, d)
		}
		for _, n := range uncheckedErrors(src) {
			t.Errorf("README.md:%d: the error set on line %d of the snippet is not checked on the next line", line, n)
		}
		for _, e := range checkSnippet(fset, imp, src) {
			t.Errorf("README.md:%d: %s", line, e)
		}
	}
}

// errAssign is a statement that sets err.
var errAssign = regexp.MustCompile(`^\s*[\w, .]*\berr\b[\w, ]* :?= `)

// uncheckedErrors returns the lines of src (1-based) that set err without an
// "if ... err" or a return as the next statement, as a reader of the README
// would copy them.
func uncheckedErrors(src string) []int {
	lines := strings.Split(src, "\n")
	var out []int
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if !errAssign.MatchString(lines[i]) || strings.HasPrefix(l, "for ") || strings.HasPrefix(l, "if ") {
			continue
		}
		end := statementEnd(lines, i)
		next := ""
		for _, n := range lines[end+1:] {
			if t := strings.TrimSpace(n); t != "" && !strings.HasPrefix(t, "//") {
				next = t
				break
			}
		}
		if !(strings.HasPrefix(next, "if ") && strings.Contains(next, "err")) && !strings.HasPrefix(next, "return") {
			out = append(out, i+1)
		}
	}
	return out
}

var stringLit = regexp.MustCompile("\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`")

// statementEnd returns the line on which the statement starting at line i
// closes its brackets.
func statementEnd(lines []string, i int) int {
	depth := 0
	for j := i; j < len(lines); j++ {
		code, _, _ := strings.Cut(stringLit.ReplaceAllString(lines[j], `""`), "//")
		for _, c := range code {
			switch c {
			case '(', '{', '[':
				depth++
			case ')', '}', ']':
				depth--
			}
		}
		if depth <= 0 {
			return j
		}
	}
	return len(lines) - 1
}

// checkSnippet type-checks src in the first form that parses.
func checkSnippet(fset *token.FileSet, imp types.Importer, src string) []string {
	var header strings.Builder
	header.WriteString("package snippet\n\nimport (\n")
	for _, p := range snippetImports {
		fmt.Fprintf(&header, "\t%q\n", p)
	}
	header.WriteString(")\n\n")
	// The README's testing fragments call the Summarize of its full example.
	header.WriteString("func Summarize(context.Context, *zai.Client, string) (string, error) { return \"\", nil }\n\n")
	candidates := []string{
		src, // a whole file
		header.String() + src,
		header.String() + "func snippet(ctx context.Context, client *zai.Client, req zai.ChatCompletionRequest, t *testing.T, srv *zaitest.Server, err error) error {\n{\n" +
			src + "\n}\nreturn nil\n}\n",
	}
	var f *ast.File
	var err error
	for _, c := range candidates {
		if !strings.HasPrefix(strings.TrimSpace(c), "package ") {
			continue
		}
		if f, err = parser.ParseFile(fset, "snippet.go", c, parser.SkipObjectResolution); err == nil {
			break
		}
	}
	if err != nil {
		return []string{"does not parse: " + err.Error()}
	}
	var problems []string
	conf := types.Config{Importer: imp, Error: func(err error) {
		msg := err.(types.Error).Msg
		if strings.Contains(msg, "declared and not used") || strings.Contains(msg, "imported and not used") {
			return
		}
		problems = append(problems, msg)
	}}
	conf.Check("snippet", fset, []*ast.File{f}, nil)
	return problems
}
