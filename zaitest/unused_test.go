package zaitest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

// recordingTB stands in for the test a server belongs to: it keeps the
// cleanups to run them when the "test" ends, and what they report.
type recordingTB struct {
	testing.TB
	cleanups       []func()
	errors, logs   []string
	alreadyFailing bool
}

func (r *recordingTB) Helper()                   {}
func (r *recordingTB) Cleanup(f func())          { r.cleanups = append(r.cleanups, f) }
func (r *recordingTB) Failed() bool              { return r.alreadyFailing || len(r.errors) > 0 }
func (r *recordingTB) Errorf(f string, a ...any) { r.errors = append(r.errors, fmt.Sprintf(f, a...)) }
func (r *recordingTB) Logf(f string, a ...any)   { r.logs = append(r.logs, fmt.Sprintf(f, a...)) }

// end runs the cleanups, last registered first, as the testing package does.
func (r *recordingTB) end() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}

func TestUnusedScriptsFailTheTest(t *testing.T) {
	chat := func(srv *zaitest.Server) {
		if _, err := srv.Client().Chat.Completions.Create(ctx, req("hi"), zai.WithMaxRetries(0)); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name   string
		script func(srv *zaitest.Server)
		want   []string // in the report; none: the test passes
	}{
		{"all used", func(srv *zaitest.Server) {
			srv.ReplyContent("one")
			chat(srv)
		}, nil},
		{"two scripted, one used", func(srv *zaitest.Server) {
			srv.ReplyContent("one")
			srv.ReplyContent("two")
			chat(srv)
		}, []string{"1 scripted reply was never used", "ReplyContent at unused_test.go:"}},
		{"a route nothing calls", func(srv *zaitest.Server) {
			srv.ReplyError(500, "500", "boom").On("POST", "/embeddings")
			chat(srv)
		}, []string{"ReplyError at unused_test.go:", "On(POST, /embeddings)"}},
		{"Times partly used", func(srv *zaitest.Server) {
			srv.ReplyDefault().Times(3)
			chat(srv)
		}, []string{"ReplyDefault at unused_test.go:", "2 of its Times(3) unused"}},
		{"several", func(srv *zaitest.Server) {
			srv.ReplyStream(zaitest.Text("a"))
			srv.ReplyToolCalls(zaitest.ToolCall("call_1", "f", `{}`))
		}, []string{"2 scripted replies were never used", "ReplyStream at", "ReplyToolCalls at"}},
		{"AllowUnused", func(srv *zaitest.Server) {
			srv.ReplyError(429, "1302", "busy").Times(4).AllowUnused()
			srv.ReplyContent("spare").On("POST", "/embeddings").AllowUnused()
		}, nil},
		{"Reset drops them", func(srv *zaitest.Server) {
			srv.ReplyContent("dropped")
			srv.Reset()
		}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tb := &recordingTB{TB: t}
			srv := zaitest.NewServer(tb)
			c.script(srv)
			tb.end()
			report := strings.Join(tb.errors, "\n")
			if len(c.want) == 0 && len(tb.errors) > 0 {
				t.Fatalf("the test fails: %s", report)
			}
			if len(c.want) > 0 && len(tb.errors) != 1 {
				t.Fatalf("want one failure, got %q", tb.errors)
			}
			for _, w := range c.want {
				if !strings.Contains(report, w) {
					t.Errorf("the failure lacks %q:\n%s", w, report)
				}
			}
		})
	}
}

// TestUnusedScriptsAfterAFailureAreLogged: a test that failed may have
// stopped before its calls; its unused replies are a hint, not a failure.
func TestUnusedScriptsAfterAFailureAreLogged(t *testing.T) {
	tb := &recordingTB{TB: t, alreadyFailing: true}
	srv := zaitest.NewServer(tb)
	srv.ReplyContent("never asked")
	tb.end()
	if len(tb.errors) != 0 || len(tb.logs) != 1 || !strings.Contains(tb.logs[0], "ReplyContent at unused_test.go:") {
		t.Fatalf("errors %q, logs %q", tb.errors, tb.logs)
	}
}

// TestUnusedScriptsOnAReplayServer: a server of Replay checks its scripts
// too.
func TestUnusedScriptsOnAReplayServer(t *testing.T) {
	t.Setenv(zaitest.EnvRecord, "")
	path := filepath.Join(t.TempDir(), "empty.json")
	if err := os.WriteFile(path, []byte(`{"version":1,"exchanges":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tb := &recordingTB{TB: t}
	srv := zaitest.Replay(tb, path)
	srv.ReplyContent("never asked")
	tb.end()
	if len(tb.errors) != 1 || !strings.Contains(tb.errors[0], "ReplyContent at unused_test.go:") {
		t.Fatalf("errors %q", tb.errors)
	}
}
