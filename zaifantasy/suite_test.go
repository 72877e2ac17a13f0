package zaifantasy_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestFantasyProviderSuite runs fantasy's provider test suite (its
// providertests package, at the fantasy version go.mod requires) against
// zaifantasy on fantasy's recorded Z.ai exchanges, and asks for all twelve
// Z.ai cases to pass: six common ones (simple, tool, multi tool, each
// plain and streamed), four of object generation and two of thinking.
// The cassettes match the exact URL and a JSON-equal body, so this also
// holds the provider to the body fantasy's other providers send.
//
// The suite's drivers are test files of fantasy's module, so they are
// added to internal/providertests from the module cache with -overlay (see
// that package). Under -race the suite runs under -race too.
func TestFantasyProviderSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a second test binary")
	}
	fantasyDir := goOutput(t, "list", "-m", "-f", "{{.Dir}}", "charm.land/fantasy")
	if fantasyDir == "" {
		t.Fatal("charm.land/fantasy is not in the module cache (go mod download)")
	}
	suiteDir := filepath.Join(fantasyDir, "providertests")
	pkgDir, err := filepath.Abs(filepath.Join("internal", "providertests"))
	if err != nil {
		t.Fatal(err)
	}
	overlay := map[string]map[string]string{"Replace": {}}
	for _, f := range []string{"common_test.go", "object_test.go"} {
		overlay["Replace"][filepath.Join(pkgDir, f)] = filepath.Join(suiteDir, f)
	}
	b, err := json.Marshal(overlay)
	if err != nil {
		t.Fatal(err)
	}
	overlayFile := filepath.Join(t.TempDir(), "overlay.json")
	if err := os.WriteFile(overlayFile, b, 0o600); err != nil {
		t.Fatal(err)
	}

	args := []string{"test", "-json", "-count=1", "-tags", "fantasysuite", "-overlay", overlayFile}
	if raceEnabled {
		args = append(args, "-race")
	}
	args = append(args, "./internal/providertests")
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), "FANTASY_PROVIDERTESTS_DIR="+suiteDir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, runErr := cmd.Output()

	leaves := suiteResults(t, out)
	var passed, failed []string
	for name, action := range leaves {
		if action == "pass" {
			passed = append(passed, name)
		} else {
			failed = append(failed, name+" ("+action+")")
		}
	}
	sort.Strings(passed)
	sort.Strings(failed)
	t.Logf("fantasy provider suite on the Z.ai cassettes: %d passed, %d not passed (race %v)", len(passed), len(failed), raceEnabled)
	for _, name := range passed {
		t.Logf("  pass %s", name)
	}
	if runErr != nil || len(failed) > 0 || len(passed) != 12 {
		t.Errorf("want the 12 Z.ai cases passing; not passed: %v; go test: %v\n%s\n%s", failed, runErr, stderr.String(), failureOutput(out))
	}
}

// goOutput runs the go command (the toolchain running this test) and
// returns its trimmed output.
func goOutput(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("go", args...).Output()
	if err != nil {
		t.Fatalf("go %s: %v", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out))
}

type testEvent struct {
	Action string
	Test   string
	Output string
}

// suiteResults reads go test -json output and returns the final action of
// each leaf test (one with no subtests).
func suiteResults(t *testing.T, out []byte) map[string]string {
	t.Helper()
	results := map[string]string{}
	parents := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for sc.Scan() {
		var ev testEvent
		if json.Unmarshal(sc.Bytes(), &ev) != nil || ev.Test == "" {
			continue
		}
		if i := strings.LastIndex(ev.Test, "/"); i > 0 {
			parents[ev.Test[:i]] = true
		}
		switch ev.Action {
		case "pass", "fail", "skip":
			results[ev.Test] = ev.Action
		}
	}
	for name := range parents {
		delete(results, name)
	}
	for name := range results {
		if !strings.Contains(name, "/") {
			delete(results, name) // a top-level test without subtests ran no case
		}
	}
	return results
}

// failureOutput is the output lines of the -json stream, for the log of a
// failed run.
func failureOutput(out []byte) string {
	var b strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for sc.Scan() {
		var ev testEvent
		if json.Unmarshal(sc.Bytes(), &ev) == nil && ev.Action == "output" {
			b.WriteString(ev.Output)
		}
	}
	return b.String()
}
