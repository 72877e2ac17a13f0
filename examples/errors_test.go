package examples_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/zai-go/zai/zaitest"
)

// TestExamplesFailCleanly runs every example against a server that refuses
// its key: each must exit with status 1 and say what went wrong on stderr
// in one "error: ..." line, with no log timestamp.
func TestExamplesFailCleanly(t *testing.T) {
	bin, names := builtExamples(t)
	srv := zaitest.NewServer(t) // accepts zaitest.DefaultAPIKey only
	env := []string{"ZAI_API_KEY=wrong.key", "ZAI_BASE_URL=" + srv.URL()}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ZAI_") {
			env = append(env, kv)
		}
	}
	timestamp := regexp.MustCompile(`^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d`)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, filepath.Join(bin, name))
			cmd.Env, cmd.Dir = env, t.TempDir()
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Fatalf("want exit status 1, got %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
			}
			last := strings.TrimSpace(stderr.String())
			if i := strings.LastIndex(last, "\n"); i >= 0 {
				last = last[i+1:]
			}
			if !strings.HasPrefix(last, "error: ") || !strings.Contains(last, "1000") || timestamp.MatchString(last) {
				t.Fatalf("stderr does not end in an error line naming the 401 (code 1000):\n%s", stderr.String())
			}
		})
	}
}
