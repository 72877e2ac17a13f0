package zai_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A nested module's require of the root module: a pseudo-version of a
// commit on main, or a release tag; never the zero placeholder that only a
// replace directive can satisfy.
var (
	rootRequire = regexp.MustCompile(`(?m)^(?:require\s+|\s+)github\.com/zai-go/zai\s+(v\S+)`)
	pseudo      = regexp.MustCompile(`^v0\.0\.0-(\d{14})-([0-9a-f]{12})$`)
	release     = regexp.MustCompile(`^v\d+\.\d+\.\d+$`)
)

// nestedModules returns the go.mod files of the modules below the root.
func nestedModules(t *testing.T) []string {
	t.Helper()
	mods, err := filepath.Glob("*/go.mod")
	if err != nil || len(mods) == 0 {
		t.Fatalf("no nested go.mod: %v", err)
	}
	return mods
}

// TestNestedModulesRequireARealRoot checks each nested module's require of
// the root module (scripts/pin-root.sh writes it): a release or a
// pseudo-version whose commit is in this repository's history, with the
// commit time Go would give it.
func TestNestedModulesRequireARealRoot(t *testing.T) {
	t.Parallel()
	git := gitHistory(t)
	for _, m := range nestedModules(t) {
		b, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		match := rootRequire.FindSubmatch(b)
		if match == nil {
			continue // this module does not use the root
		}
		if err := checkRootVersion(string(match[1]), git); err != nil {
			t.Errorf("%s: github.com/zai-go/zai %s: %v (run scripts/pin-root.sh)", m, match[1], err)
		}
	}
}

// TestRootVersionCheckCatchesBadPins shows the check refuses the zero
// placeholder, a bare v0.0.0, a commit that is not in the history and a
// pseudo-version with the wrong time, and accepts HEAD's pseudo-version.
func TestRootVersionCheckCatchesBadPins(t *testing.T) {
	git := gitHistory(t)
	for _, v := range []string{"v0.0.0-00010101000000-000000000000", "v0.0.0", "v0.0.0-20260101000000-0123456789ab"} {
		if checkRootVersion(v, git) == nil {
			t.Errorf("%s passes", v)
		}
	}
	if git == nil {
		t.Skip("not a git checkout with history")
	}
	out, err := git("log", "-1", "--format=%H %ct", "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	hash, ct, _ := strings.Cut(out, " ")
	sec, _ := strconv.ParseInt(ct, 10, 64)
	good := "v0.0.0-" + time.Unix(sec, 0).UTC().Format("20060102150405") + "-" + hash[:12]
	if err := checkRootVersion(good, git); err != nil {
		t.Errorf("HEAD's pseudo-version %s: %v", good, err)
	}
	wrongTime := "v0.0.0-" + time.Unix(sec+1, 0).UTC().Format("20060102150405") + "-" + hash[:12]
	if checkRootVersion(wrongTime, git) == nil {
		t.Errorf("%s (one second off) passes", wrongTime)
	}
}

type gitFunc func(args ...string) (string, error)

// gitHistory returns a runner of git in this checkout, or nil when there is
// no git or no full history (a module cache, a shallow clone): then only the
// form of a version is checked.
func gitHistory(t *testing.T) gitFunc {
	if _, err := exec.LookPath("git"); err != nil {
		t.Log("no git: checking the form of versions only")
		return nil
	}
	run := func(args ...string) (string, error) {
		out, err := exec.Command("git", args...).Output()
		return strings.TrimSpace(string(out)), err
	}
	if shallow, err := run("rev-parse", "--is-shallow-repository"); err != nil || shallow != "false" {
		t.Log("not a git checkout with full history: checking the form of versions only")
		return nil
	}
	return run
}

func checkRootVersion(v string, git gitFunc) error {
	if release.MatchString(v) {
		if v == "v0.0.0" {
			return fmt.Errorf("v0.0.0 is no release")
		}
		if git != nil {
			if _, err := git("rev-parse", "--verify", "-q", "refs/tags/"+v); err != nil {
				return fmt.Errorf("no tag %s", v)
			}
		}
		return nil
	}
	m := pseudo.FindStringSubmatch(v)
	if m == nil {
		return fmt.Errorf("neither a release vX.Y.Z nor a pseudo-version v0.0.0-yyyymmddhhmmss-abcdefabcdef")
	}
	if m[1] == "00010101000000" {
		return fmt.Errorf("the zero placeholder, which no proxy can serve")
	}
	if git == nil {
		return nil
	}
	full, err := git("rev-parse", "--verify", "-q", m[2]+"^{commit}")
	if err != nil {
		return fmt.Errorf("commit %s is not in this repository", m[2])
	}
	if _, err := git("merge-base", "--is-ancestor", full, "HEAD"); err != nil {
		return fmt.Errorf("commit %s is not in the history of HEAD", m[2])
	}
	ct, err := git("log", "-1", "--format=%ct", full)
	if err != nil {
		return fmt.Errorf("git log %s: %v", m[2], err)
	}
	sec, _ := strconv.ParseInt(ct, 10, 64)
	if want := time.Unix(sec, 0).UTC().Format("20060102150405"); want != m[1] {
		return fmt.Errorf("commit %s was made at %s (UTC), not %s", m[2], want, m[1])
	}
	return nil
}

// TestPinRootScript runs scripts/pin-root.sh in a repository of its own: it
// pins every nested module to the newest commit that changed the root
// module (not one that changed only a nested module), in both require
// forms, leaves other requires alone, and --check tells a stale pin.
func TestPinRootScript(t *testing.T) {
	t.Parallel() // it mostly waits for git and bash
	for _, tool := range []string{"bash", "git", "sed", "date"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skip("no", tool)
		}
	}
	script, err := os.ReadFile("scripts/pin-root.sh")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	run := func(env []string, name string, args ...string) (string, error) {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		cmd.Env = append(append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com"), env...)
		out, err := cmd.CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
	commit := func(when, msg string) string {
		t.Helper()
		date := []string{"GIT_AUTHOR_DATE=" + when, "GIT_COMMITTER_DATE=" + when}
		if out, err := run(date, "git", "add", "-A"); err != nil {
			t.Fatal(out)
		}
		if out, err := run(date, "git", "commit", "-q", "-m", msg); err != nil {
			t.Fatal(out)
		}
		hash, err := run(nil, "git", "rev-parse", "HEAD")
		if err != nil {
			t.Fatal(hash)
		}
		return hash
	}
	write("scripts/pin-root.sh", string(script))
	write("go.mod", "module github.com/zai-go/zai\n\ngo 1.24\n")
	write("zai.go", "package zai\n")
	write("one/go.mod", "module github.com/zai-go/zai/one\n\ngo 1.24\n\nrequire github.com/zai-go/zai v0.0.0-00010101000000-000000000000\n\nreplace github.com/zai-go/zai => ../\n")
	write("two/go.mod", "module github.com/zai-go/zai/two\n\ngo 1.24\n\nrequire (\n\tgithub.com/zai-go/zai v0.0.0\n\tgithub.com/zai-go/zai/one v0.1.0\n)\n\nreplace github.com/zai-go/zai => ../\n")
	if out, err := run(nil, "git", "init", "-q"); err != nil {
		t.Fatal(out)
	}
	rootCommit := commit("2026-03-04T05:06:07+08:00", "root")
	write("one/one.go", "package one\n")
	commit("2026-03-05T00:00:00Z", "only a nested module")

	if out, err := run(nil, "bash", "scripts/pin-root.sh"); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	want := "v0.0.0-20260303210607-" + rootCommit[:12] // the commit time in UTC
	for _, m := range []string{"one/go.mod", "two/go.mod"} {
		b, err := os.ReadFile(filepath.Join(dir, m))
		if err != nil {
			t.Fatal(err)
		}
		if got := rootRequire.FindSubmatch(b); got == nil || string(got[1]) != want {
			t.Errorf("%s:\n%s\nwant github.com/zai-go/zai %s", m, b, want)
		}
		if m == "two/go.mod" && !strings.Contains(string(b), "github.com/zai-go/zai/one v0.1.0") {
			t.Errorf("another require changed:\n%s", b)
		}
	}
	if out, err := run(nil, "bash", "scripts/pin-root.sh", "--check"); err != nil {
		t.Fatalf("--check after pinning: %v: %s", err, out)
	}
	write("zai.go", "package zai\n\n// Changed.\n")
	commit("2026-03-06T00:00:00Z", "root again")
	if out, err := run(nil, "bash", "scripts/pin-root.sh", "--check"); err == nil || !strings.Contains(out, "one/go.mod requires github.com/zai-go/zai "+want) {
		t.Fatalf("--check of a stale pin: %v: %s", err, out)
	}
}
