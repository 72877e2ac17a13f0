package main

import (
	"io"
	"os"
	"strings"
	"testing"
)

// TestRunsWithoutKey runs the quickstart as a newcomer would, with no key:
// it must use the fake server, print replies and return (a failure would
// exit the test binary with status 1).
func TestRunsWithoutKey(t *testing.T) {
	t.Setenv("ZAI_API_KEY", "")
	r, w, _ := os.Pipe()
	stdout := os.Stdout
	os.Stdout = w
	main()
	os.Stdout = stdout
	w.Close()
	out, _ := io.ReadAll(r)
	for _, want := range []string{"chat: Echo: Say hello", "stream: Echo: Say hello", "async task:", "async result: SUCCESS Echo: Say hello"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
