package main

import (
	"io"
	"os"
	"strings"
	"testing"
)

// TestRunsWithoutKey runs the example with no key: it must use the scripted
// fake server and print what a user wants to see.
func TestRunsWithoutKey(t *testing.T) {
	t.Setenv("ZAI_API_KEY", "")
	r, w, _ := os.Pipe()
	stdout := os.Stdout
	os.Stdout = w
	main()
	os.Stdout = stdout
	w.Close()
	out, _ := io.ReadAll(r)
	for _, want := range []string{"→ get_weather({\"city\":\"Paris\"})", "→ find_events(", "← call_time: \"Sat 15:10\"", "stay indoors", "8 messages"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
