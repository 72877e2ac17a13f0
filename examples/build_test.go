package examples_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	buildOnce  sync.Once
	buildBin   string
	buildNames []string
	buildErr   error
)

// builtExamples copies every example into a module of its own outside this
// repository, which reaches zai only through a replace directive (as a
// user's module would before the first release), and builds them all with
// one go build. It returns the directory of the binaries and the examples'
// names. An example that imports an internal package, or anything but
// public packages, fails here. The module sits in the same place on every
// run, so a warm run compiles and links nothing.
func builtExamples(t *testing.T) (bin string, names []string) {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	buildOnce.Do(func() { buildBin, buildNames, buildErr = buildExamples(goTool) })
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildBin, buildNames
}

func buildExamples(goTool string) (string, []string, error) {
	repo, err := filepath.Abs("..")
	if err != nil {
		return "", nil, err
	}
	mains, err := filepath.Glob("*/main.go")
	if err != nil || len(mains) == 0 {
		return "", nil, fmt.Errorf("no examples: %v", err)
	}
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("zai-go-examples-%x", sha256.Sum256([]byte(repo)))[:len("zai-go-examples-")+12])
	mod := filepath.Join(dir, "mod")
	// Files are replaced only when they change, each at once (a rename),
	// so that two test runs at the same time see whole files.
	var names []string
	keep := map[string]bool{"go.mod": true, "go.sum": true}
	for _, m := range mains {
		name := filepath.Dir(m)
		names = append(names, name)
		keep[name] = true
		files, err := filepath.Glob(filepath.Join(name, "*.go"))
		if err != nil {
			return "", nil, err
		}
		if err := os.MkdirAll(filepath.Join(mod, name), 0o755); err != nil {
			return "", nil, err
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				return "", nil, err
			}
			if err := writeIfChanged(filepath.Join(mod, f), b); err != nil {
				return "", nil, err
			}
		}
	}
	old, _ := os.ReadDir(mod)
	for _, e := range old {
		if e.IsDir() && !keep[e.Name()] {
			os.RemoveAll(filepath.Join(mod, e.Name())) // an example since removed
		}
	}
	// The module a user would make: a replace to the repository, then
	// go mod tidy (which adds the requires, and rewrites nothing when
	// nothing changed).
	replace := "replace github.com/zai-go/zai => " + repo + "\n"
	if b, err := os.ReadFile(filepath.Join(mod, "go.mod")); err != nil || !strings.Contains(string(b), replace) {
		if err := writeIfChanged(filepath.Join(mod, "go.mod"), []byte("module example.com/copied\n\ngo 1.24\n\n"+replace)); err != nil {
			return "", nil, err
		}
	}
	bin := filepath.Join(dir, "bin")
	build := []string{"build", "-o", bin + string(filepath.Separator)}
	if raceEnabled {
		build = append(build, "-race")
	}
	build = append(build, "./...")
	for _, args := range [][]string{{"mod", "tidy"}, build} {
		cmd := exec.Command(goTool, args...)
		cmd.Dir = mod
		// The caller's GOFLAGS stay (CI's -race among them), so the build
		// reuses what the test's own build put in the cache.
		cmd.Env = append(os.Environ(), "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=mod"), "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", nil, fmt.Errorf("go %s in a copy of the examples (%s): %v\n%s", strings.Join(args, " "), mod, err, out)
		}
	}
	return bin, names, nil
}

// writeIfChanged replaces the file at path with b, unless it holds b.
func writeIfChanged(path string, b []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, b) {
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(b)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
