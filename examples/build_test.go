package examples_test

import (
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
	if err := os.RemoveAll(mod); err != nil {
		return "", nil, err
	}
	var names []string
	for _, m := range mains {
		name := filepath.Dir(m)
		names = append(names, name)
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
			if err := os.WriteFile(filepath.Join(mod, f), b, 0o644); err != nil {
				return "", nil, err
			}
		}
	}
	gomod := "module example.com/copied\n\ngo 1.24\n\nreplace github.com/zai-go/zai => " + repo + "\n"
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte(gomod), 0o644); err != nil {
		return "", nil, err
	}
	bin := filepath.Join(dir, "bin")
	for _, args := range [][]string{{"mod", "tidy"}, {"build", "-o", bin + string(filepath.Separator), "./..."}} {
		cmd := exec.Command(goTool, args...)
		cmd.Dir = mod
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", nil, fmt.Errorf("go %s in a copy of the examples (%s): %v\n%s", strings.Join(args, " "), mod, err, out)
		}
	}
	return bin, names, nil
}
