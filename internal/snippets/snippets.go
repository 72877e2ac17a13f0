// Package snippets checks the ```go blocks of a Markdown file: each must
// type-check against the module it documents and check the errors it sets.
// The root module and the nested modules (zaieino, zaiotel) each check the
// blocks that use them.
package snippets

import (
	"bufio"
	"bytes"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// Config says which blocks to check and what a fragment has in scope.
type Config struct {
	// Select picks the blocks to check; the others are left to another
	// module's test.
	Select func(src string) bool
	// Imports are the packages a fragment may use without importing them.
	Imports []string
	// Prelude is Go declarations every fragment may use.
	Prelude string
	// Params is the parameter list of the function a statement fragment
	// is the body of, such as "ctx context.Context, client *zai.Client".
	Params string
	// MinBlocks is the fewest blocks Select must pick, so that a moved
	// README cannot pass by checking nothing.
	MinBlocks int
}

var goBlock = regexp.MustCompile("(?s)```go\n(.*?)```")

// droppedError finds `x, _ :=` and `_ = err`, which hide a failure.
var droppedError = regexp.MustCompile(`(?m)(\w+, _ :?= |\b_ = err\b)`)

// Check type-checks the selected blocks of the Markdown file at path. A
// block that is a whole file (package ...) is checked as it is; a block of
// declarations at the top of a file; any other block as the body of a
// function with c.Params that returns an error. A fragment may leave
// c.Imports unused, but not a variable: pasted into a function, it must
// compile. Packages are read from the export data `go list -export`
// builds, which the build cache keeps, so a warm run compiles nothing.
func Check(t *testing.T, path string, c Config) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to load packages:", err)
	}
	if err := exports.load(c.Imports); err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", exports.open)
	n := 0
	for _, m := range goBlock.FindAllStringSubmatchIndex(string(b), -1) {
		src := string(b[m[2]:m[3]])
		if c.Select != nil && !c.Select(src) {
			continue
		}
		n++
		line := 1 + strings.Count(string(b[:m[2]]), "\n")
		if d := droppedError.FindString(src); d != "" {
			t.Errorf("%s:%d: the snippet drops an error (%q)", path, line, d)
		}
		for _, l := range UncheckedErrors(src) {
			t.Errorf("%s:%d: the error set on line %d of the snippet is not checked on the next line", path, line, l)
		}
		for _, e := range c.check(fset, imp, src) {
			t.Errorf("%s:%d: %s", path, line, e)
		}
	}
	if n < c.MinBlocks {
		t.Fatalf("%s: checked %d go blocks, want at least %d", path, n, c.MinBlocks)
	}
}

// Problems type-checks one block as Check does and returns what is wrong
// with it, such as "declared and not used: resp".
func Problems(c Config, src string) ([]string, error) {
	if err := exports.load(c.Imports); err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	return c.check(fset, importer.ForCompiler(fset, "gc", exports.open), src), nil
}

// check type-checks src in the first form that parses.
func (c Config) check(fset *token.FileSet, imp types.Importer, src string) []string {
	var header strings.Builder
	header.WriteString("package snippet\n\nimport (\n")
	for _, p := range c.Imports {
		fmt.Fprintf(&header, "\t%q\n", p)
	}
	header.WriteString(")\n\n" + c.Prelude + "\n")
	candidates := []string{
		src, // a whole file
		header.String() + src,
		header.String() + "func snippet(" + c.Params + ") error {\n{\n" + src + "\n}\nreturn nil\n}\n",
	}
	var f *ast.File
	var err error
	wholeFile := false
	for i, cand := range candidates {
		if !strings.HasPrefix(strings.TrimSpace(cand), "package ") {
			continue
		}
		if f, err = parser.ParseFile(fset, "snippet.go", cand, parser.SkipObjectResolution); err == nil {
			wholeFile = i == 0
			break
		}
	}
	if err != nil {
		return []string{"does not parse: " + err.Error()}
	}
	if wholeFile {
		var paths []string
		for _, im := range f.Imports {
			paths = append(paths, strings.Trim(im.Path.Value, `"`))
		}
		if err := exports.load(paths); err != nil {
			return []string{err.Error()}
		}
	}
	var problems []string
	conf := types.Config{Importer: imp, Error: func(err error) {
		msg := err.(types.Error).Msg
		if !wholeFile && strings.Contains(msg, "imported and not used") {
			return // the header imports every package a fragment may use
		}
		problems = append(problems, msg)
	}}
	conf.Check("snippet", fset, []*ast.File{f}, nil)
	return problems
}

// errAssign is a statement that sets err.
var errAssign = regexp.MustCompile(`^\s*[\w, .]*\berr\b[\w, ]* :?= `)

var stringLit = regexp.MustCompile("\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`")

// UncheckedErrors returns the lines of src (1-based) that set err without
// an "if ... err" or a return as the next statement, as a reader would
// copy them.
func UncheckedErrors(src string) []int {
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

// exports maps import paths to their export data files, for every Check of
// the test process.
var exports = &exportData{files: map[string]string{}}

type exportData struct {
	mu    sync.Mutex
	files map[string]string
}

// load runs `go list -export -deps` for the paths not loaded yet.
func (e *exportData) load(paths []string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	var missing []string
	for _, p := range paths {
		if _, ok := e.files[p]; !ok {
			missing = append(missing, p)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	cmd := exec.Command("go", append([]string{"list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}"}, missing...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("go list -export %s: %v\n%s", strings.Join(missing, " "), err, stderr.Bytes())
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if path, file, ok := strings.Cut(sc.Text(), "\t"); ok && file != "" {
			e.files[path] = file
		}
	}
	return sc.Err()
}

// open is the importer's lookup: the export data of path.
func (e *exportData) open(path string) (io.ReadCloser, error) {
	e.mu.Lock()
	file, ok := e.files[path]
	e.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("no export data for %q: add it to Config.Imports", path)
	}
	return os.Open(file)
}
