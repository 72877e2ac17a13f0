package zai_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/internal/snippets"
	"github.com/zai-go/zai/zaitest"
)

// readmeConfig is what a README block has in scope.
var readmeConfig = snippets.Config{
	Select: func(src string) bool { return !otherModule.MatchString(src) },
	Imports: []string{
		"bytes", "context", "encoding/json", "errors", "fmt", "io", "iter", "log", "log/slog", "net/http",
		"os", "slices", "strings", "testing", "time",
		"github.com/zai-go/zai", "github.com/zai-go/zai/zaitest",
	},
	// The testing fragments call the Summarize of the README's full example.
	Prelude: "func Summarize(context.Context, *zai.Client, string) (string, error) { return \"\", nil }\n",
	Params:  "ctx context.Context, client *zai.Client, req zai.ChatCompletionRequest, t *testing.T, srv *zaitest.Server, err error",
}

// otherModule marks the README blocks of nested modules (zaieino and
// zaiotel check their own) and of other projects (anthropic).
var otherModule = regexp.MustCompile(`\b(zaieino|zaiotel|anthropic|option)\.`)

// TestReadmeSnippetsCompile type-checks every ```go block of README.md that
// uses this module, and fails on a dropped or unchecked error.
func TestReadmeSnippetsCompile(t *testing.T) {
	c := readmeConfig
	c.MinBlocks = 9
	snippets.Check(t, "README.md", c)
}

// TestDocsSnippetsCompile type-checks the topic pages under docs/ as the
// README; the pages of the nested modules (eino, OpenTelemetry) are checked
// by those modules.
func TestDocsSnippetsCompile(t *testing.T) {
	pages, err := filepath.Glob("docs/*.md")
	if err != nil || len(pages) == 0 {
		t.Fatalf("no docs pages: %v", err)
	}
	for _, p := range pages {
		c := readmeConfig
		if name := filepath.Base(p); name != "eino.md" && name != "opentelemetry.md" {
			c.MinBlocks = 1
		}
		snippets.Check(t, p, c)
	}
}

// TestSnippetCheckFindsUnusedVariables: a block that leaves a variable
// unused does not compile pasted into a function, so the check fails it;
// the packages a fragment may use stay allowed unused.
func TestSnippetCheckFindsUnusedVariables(t *testing.T) {
	bad := "resp, err := client.Models.List(ctx)\nif err != nil {\n\treturn err\n}\n"
	got, err := snippets.Problems(readmeConfig, bad)
	if err != nil || len(got) != 1 || got[0] != "declared and not used: resp" {
		t.Fatalf("got %q, %v", got, err)
	}
	good := bad + "fmt.Println(len(resp.Data))\n"
	if got, err := snippets.Problems(readmeConfig, good); err != nil || len(got) != 0 {
		t.Fatalf("got %q, %v", got, err)
	}
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

// TestReadmeGoVersions: the README's table names every module with the Go
// version of its go directive, and no module that does not exist.
func TestReadmeGoVersions(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	stated := map[string]string{}
	for _, m := range regexp.MustCompile("(?m)^\\|[^|\\n]*\\| `(github\\.com/zai-go/zai[^`]*)` \\| (\\d+\\.\\d+(?:\\.\\d+)?) \\|").FindAllStringSubmatch(string(readme), -1) {
		stated[m[1]] = m[2]
	}
	mods := append([]string{"go.mod"}, nestedModules(t)...)
	module := regexp.MustCompile(`(?m)^module\s+(\S+)`)
	goLine := regexp.MustCompile(`(?m)^go\s+(\S+)`)
	for _, m := range mods {
		b, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		path, version := module.FindSubmatch(b), goLine.FindSubmatch(b)
		if path == nil || version == nil {
			t.Fatalf("%s: no module or go line", m)
		}
		want := strings.TrimSuffix(string(version[1]), ".0")
		got, ok := stated[string(path[1])]
		if !ok {
			t.Errorf("README.md does not state the Go version of %s (%s: go %s)", path[1], m, version[1])
		} else if got != want {
			t.Errorf("README.md says %s needs Go %s; %s says go %s", path[1], got, m, version[1])
		}
		delete(stated, string(path[1]))
	}
	for path := range stated {
		t.Errorf("README.md states a Go version for %s, which has no go.mod here", path)
	}
}

// TestReadmeErrorTable: the README's table of error categories lists every
// business code and HTTP status errors.go classifies, each under its
// category, and says truly which are retried.
func TestReadmeErrorTable(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	sentinels := map[string]error{
		"ErrRateLimited": zai.ErrRateLimited, "ErrServer": zai.ErrServer, "ErrTimeout": zai.ErrTimeout,
		"ErrQuotaExceeded": zai.ErrQuotaExceeded, "ErrContentFiltered": zai.ErrContentFiltered,
		"ErrAuthentication": zai.ErrAuthentication, "ErrPermission": zai.ErrPermission,
		"ErrBadRequest": zai.ErrBadRequest, "ErrNotFound": zai.ErrNotFound,
	}
	row := regexp.MustCompile("(?m)^\\| `zai\\.(Err\\w+)` \\|([^|]*)\\|([^|]*)\\| (yes|no) \\|$")
	rows := row.FindAllStringSubmatch(string(readme), -1)
	if len(rows) != len(sentinels) {
		t.Fatalf("%d rows, want one per category (%d)", len(rows), len(sentinels))
	}
	statedCodes, statedStatus := map[int]string{}, map[int]string{}
	for _, r := range rows {
		if sentinels[r[1]] == nil {
			t.Fatalf("unknown category %s", r[1])
		}
		for n := range numbers(t, r[2]) {
			statedCodes[n] = r[1]
		}
		for n := range numbers(t, r[3]) {
			statedStatus[n] = r[1]
		}
		checkRetried(t, r[1], r[2], r[3], r[4] == "yes")
	}
	category := func(e *zai.APIError) string {
		for name, s := range sentinels {
			if errors.Is(e, s) {
				return name
			}
		}
		return ""
	}
	for code := 1; code < 10000; code++ {
		if got := category(&zai.APIError{StatusCode: 200, Code: strconv.Itoa(code)}); got != statedCodes[code] {
			t.Errorf("code %d: errors.go says %q, the README %q", code, got, statedCodes[code])
		}
	}
	for status := 300; status < 600; status++ {
		if got := category(&zai.APIError{StatusCode: status}); got != statedStatus[status] {
			t.Errorf("HTTP %d: errors.go says %q, the README %q", status, got, statedStatus[status])
		}
	}
}

// numbers expands "1302, 1308-1311" (and "5xx" as 500-599) into a set.
func numbers(t *testing.T, list string) map[int]bool {
	t.Helper()
	out := map[int]bool{}
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if f == "5xx" {
			for n := 500; n < 600; n++ {
				out[n] = true
			}
			continue
		}
		lo, hi, isRange := strings.Cut(f, "-")
		a, err1 := strconv.Atoi(lo)
		b, err2 := a, error(nil)
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil || b < a {
			t.Fatalf("cannot read %q", f)
		}
		for n := a; n <= b; n++ {
			out[n] = true
		}
	}
	return out
}

// checkRetried sends a row's first code (with HTTP 429, a status that is
// retried unless the code says no) or, without codes, its first status, and
// counts the attempts.
func checkRetried(t *testing.T, name, codes, statuses string, retried bool) {
	t.Helper()
	status, code := 429, ""
	if c := strings.TrimSpace(strings.Split(codes, ",")[0]); c != "" {
		code, _, _ = strings.Cut(c, "-")
	} else if s := strings.TrimSpace(strings.Split(statuses, ",")[0]); s == "5xx" {
		status = 503
	} else {
		status, _ = strconv.Atoi(s)
	}
	srv := zaitest.NewServer(t)
	srv.ReplyError(status, code, "scripted").Times(2).AllowUnused()
	_, err := srv.Client(zai.WithMaxRetries(1), zai.WithMaxRetryDelay(time.Millisecond)).Models.List(context.Background())
	if err == nil {
		t.Fatalf("%s: HTTP %d code %q succeeded", name, status, code)
	}
	if got := len(srv.Requests()) == 2; got != retried {
		t.Errorf("%s: HTTP %d code %q: retried %v, the README says %v", name, status, code, got, retried)
	}
}

// TestReadmeListsEveryFuzzTarget: the README names every fuzz target of
// this module, and only those.
func TestReadmeListsEveryFuzzTarget(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, list, ok := strings.Cut(string(readme), "- Fuzz targets:")
	list, _, _ = strings.Cut(list, "\n- ")
	if !ok {
		t.Fatal(`README.md has no "- Fuzz targets:" line`)
	}
	name := regexp.MustCompile(`\bFuzz[A-Z]\w*`)
	listed := map[string]bool{}
	for _, n := range name.FindAllString(list, -1) {
		listed[n] = true
	}
	decl := regexp.MustCompile(`(?m)^func (Fuzz[A-Z]\w*)\(`)
	found := 0
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if _, err := os.Stat(filepath.Join(path, "go.mod")); path != "." && (err == nil || d.Name() == "testdata") {
				return filepath.SkipDir // another module, or data
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range decl.FindAllSubmatch(b, -1) {
			found++
			if !listed[string(m[1])] {
				t.Errorf("README.md does not list %s (%s)", m[1], path)
			}
			delete(listed, string(m[1]))
		}
		return nil
	})
	if err != nil || found == 0 {
		t.Fatalf("%d targets: %v", found, err)
	}
	for n := range listed {
		t.Errorf("README.md lists %s, which no test file declares", n)
	}
}
