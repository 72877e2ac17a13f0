package zaitest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/zai-go/zai/zaitest"
)

// fatalTB is a testing.TB whose Fatalf is noted and ends the goroutine, as
// the real one does, without failing the test that holds it.
type fatalTB struct {
	testing.TB
	fatal string
}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.fatal = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (f *fatalTB) Fatal(args ...any) {
	f.fatal = fmt.Sprint(args...)
	runtime.Goexit()
}

// replayFatal loads cassette with Replay and returns its Fatalf message,
// "" when Replay accepted it.
func replayFatal(t *testing.T, cassette string) string {
	path := filepath.Join(t.TempDir(), "c.json")
	if err := os.WriteFile(path, []byte(cassette), 0o644); err != nil {
		t.Fatal(err)
	}
	tb := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		zaitest.Replay(tb, path)
	}()
	<-done
	return tb.fatal
}

// TestReplayRefusesCorruptCassettes: a cassette that cannot be served as
// recorded fails the test when it is loaded, naming the exchange, instead
// of a handler that panics (no status) or a body served cut short (base64
// that does not decode).
func TestReplayRefusesCorruptCassettes(t *testing.T) {
	t.Setenv("ZAI_RECORD", "")
	good := `{"method":"GET","path":"/files","status":200,"body":{"object":"list","data":[]}}`
	cases := map[string]struct{ exchange, want string }{
		"no status":          {`{"method":"GET","path":"/models","body":{"data":[]}}`, "no status"},
		"bad base64":         {`{"method":"POST","path":"/audio/speech","status":200,"body_base64":"UklGRi4AAABXQVZF!!!"}`, "body_base64"},
		"1xx status":         {`{"method":"GET","path":"/models","status":103}`, "status 103"},
		"101 not a session":  {`{"method":"POST","path":"/chat/completions","status":101}`, "status 101"},
		"no method":          {`{"path":"/models","status":200}`, "method"},
		"relative path":      {`{"method":"GET","path":"models","status":200}`, "path"},
		"two bodies":         {`{"method":"GET","path":"/models","status":200,"body":{},"body_text":"x"}`, "more than one"},
		"204 with a body":    {`{"method":"DELETE","path":"/files/f","status":204,"body_text":"gone"}`, "cannot carry a body"},
		"header with a line": {`{"method":"GET","path":"/models","status":200,"header":{"X-Log-Id":"a\r\nb"}}`, "header"},
	}
	for name, tc := range cases {
		msg := replayFatal(t, `{"version":1,"exchanges":[`+good+`,`+tc.exchange+`]}`)
		if !strings.Contains(msg, "exchange 2") || !strings.Contains(msg, tc.want) {
			t.Errorf("%s: Replay said %q; want it to name exchange 2 and %q", name, msg, tc.want)
		}
	}
	if msg := replayFatal(t, `{"version":7,"exchanges":[]}`); !strings.Contains(msg, "version 7") {
		t.Errorf("version 7: %q", msg)
	}
	if msg := replayFatal(t, `{"version":1,"exchanges":[`+good+`]}`); msg != "" {
		t.Errorf("a good cassette was refused: %s", msg)
	}
}
