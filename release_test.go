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
