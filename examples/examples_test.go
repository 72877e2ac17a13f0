// Package examples_test runs every example as a user would, without a key:
// each must fall back to the fake server, exit 0 and print what it is for.
package examples_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// want lists, for each example, text its output must contain.
var want = map[string][]string{
	"agent":      {`→ get_weather({"city":"Paris"})`, `← call_events: [{"name":"Louvre late opening"`, "8 messages, 45 tokens"},
	"batch":      {"uploaded file_001", "poll: in_progress", "poll: completed", "batch batch_001 completed", "review-1 (HTTP 200): Echo: Great phone", "review-2 (HTTP 200): Echo: It broke"},
	"batchrun":   {"created job 0: batch_001 (5 requests)", "created job 1: batch_002 (5 requests)", "stopped with ", "resuming with 2 jobs", "created job 2: batch_003 (5 requests)", "created job 3: batch_004 (5 requests)", "answered 20 of 20 reviews in 4 jobs", "review-07: Echo: Review 7: it arrived on day 1."},
	"codingplan": {"plan: pro", "tokens per 5 hours:  30.0% used", "tool calls per month: 42 of 1000 used", "search-prime 30", "last 24 hours: ", "GLM-4.7"},
	"chat":       {"Echo: What is the capital of France?", "tokens: 13 prompt + 7 completion = 20"},
	"embeddings": {`~ "A kitten was resting on the rug."`, "tokens: 20"},
	"files":      {"uploaded file_001 (notes.txt, 50 bytes)", "  file_001  notes.txt    50 bytes", "downloaded file_001:\nMeeting notes\n- ship the SDK", "deleted file_001: true"},
	"image":      {"https://zaitest.invalid/images/"},
	"knowledge":  {"created knowledge base kb_001", "uploaded handbook.md as doc_001", "handbook.md embedded: true", "  0.75 Travel is booked through the travel desk", "tool call: knowledge_search(", "According to handbook.md: Annual leave is 15 days a year", "According to handbook.md: Sick leave needs a doctor's note", "(session session_001, ", "deleted knowledge base kb_001"},
	"models":     {"glm-5.3          released 2026-08-13, owned by z-ai", "glm-4.5-air", "7 models"},
	"middleware": {"middleware: POST /api/paas/v4/chat/completions -> 200", "observer: chat glm-4.7-flash stream=false attempts=1 tokens=7+19 finish=[stop]",
		"response: HTTP 200, Content-Type application/json", "observer: chat glm-4.7-flash stream=true attempts=1 tokens=7+19"},
	"moderate":   {`PASS   "What a lovely day for a walk."`, `REVIEW "Please review my essay." (review)`, `REJECT "How to do something unsafe" (unsafe)`, "text checks billed: 3"},
	"parse":      {"Parse (succeeded):\n  Quarterly report\n  Revenue grew 12 %.", "ParseAsync: task task_parse_", "  poll: processing\n  poll: succeeded", "Wait (succeeded):\n  Quarterly report"},
	"quickstart": {"chat: Echo: Say hello", "stream: Echo: Say hello", "async result: SUCCESS Echo: Say hello"},
	"realtime":   {"heard: 你好，请用一句话介绍一下你自己。", "\nEcho: 你好，请用一句话介绍一下你自己。\n", "wrote reply.wav: "},
	"speak":      {"wrote speech.wav: ", "bytes of audio/wav"},
	"stream":     {"--- reasoning", "--- answer\nEcho: Why is the sky blue?", "--- finish: stop"},
	"structured": {"Tomato pasta (serves 2, 20 min)", "(invalid, asked again)", "decoded: Green salad with 2 ingredients (attempt 2)"},
	"tools":      {`model calls get_weather({"city":"Paris"})`, `The tool returned: {"city":"Paris","temp_c":22,"sky":"clear"}`},
	"transcribe": {"no file given: transcribing", "\nHello! This sentence was synthesised, then transcribed.\n"},
	"translate":  {"敏捷的棕色狐狸跳过了那只懒狗。"},
	"video":      {"submitted task", "SUCCESS after", "video: https://zaitest.invalid/videos/", "cover: "},
	"websearch":  {"1. Result 1 for What is new in Go?", "3. Result 3"},
}

func TestExamplesRunWithoutKey(t *testing.T) {
	bin, names := builtExamples(t)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ZAI_") {
			env = append(env, kv)
		}
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			texts, ok := want[name]
			if !ok {
				t.Fatalf("add the expected output of examples/%s to the want table", name)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, filepath.Join(bin, name))
			cmd.Env, cmd.Dir = env, t.TempDir()
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
			}
			if !strings.Contains(stderr.String(), "using a fake server (zaitest)") {
				t.Errorf("no word of the fake server on stderr: %q", stderr.String())
			}
			for _, w := range texts {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, stdout.String())
				}
			}
		})
	}
}
