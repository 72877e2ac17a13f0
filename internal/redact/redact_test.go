package redact

import (
	"bytes"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"testing"
)

const key = "myid01.TheSecretHalf/+9"

func TestSecrets(t *testing.T) {
	x := New(key)
	jwt := jwtHeader + ".eyJhcGlfa2V5IjoibXlpZDAxIn0.c2lnbmF0dXJl"
	for in, want := range map[string]string{
		"key " + key + " end":                 "key [REDACTED] end",
		"half TheSecretHalf/+9":               "half [REDACTED]",
		"query " + url.QueryEscape(key):       "query [REDACTED]",
		"path " + url.PathEscape(key):         "path [REDACTED]",
		"bearer " + jwt + " rest":             "bearer [REDACTED] rest",
		"nothing to hide, just myid01 itself": "nothing to hide, just myid01 itself",
	} {
		if got := x.String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
		if got := string(x.Bytes([]byte(in))); got != want {
			t.Errorf("Bytes(%q) = %q", in, got)
		}
		if x.Contains(in) != (in != want) || x.ContainsBytes([]byte(in)) != (in != want) {
			t.Errorf("Contains(%q)", in)
		}
	}
	// A key too short to redact safely blanks nothing; JWTs still go.
	short := New("k")
	if got := short.String("k is a letter " + jwt); got != "k is a letter [REDACTED]" {
		t.Errorf("%q", got)
	}
	var none *Secrets
	if got := none.String("a " + jwt); got != "a [REDACTED]" {
		t.Errorf("%q", got)
	}
	list := []string{"a", key}
	if got := x.Strings(list); got[1] != Mark || list[1] != key {
		t.Errorf("Strings: %v, the input became %v", got, list)
	}
	if got := x.Strings([]string{"a"}); got[0] != "a" {
		t.Error(got)
	}
}

func TestStringWithoutSecretDoesNotAllocate(t *testing.T) {
	x := New(key)
	s := strings.Repeat("an ordinary request id ", 4)
	if n := testing.AllocsPerRun(100, func() { _ = x.String(s) }); n != 0 {
		t.Fatalf("%v allocations", n)
	}
}

type logValuer struct{}

func (logValuer) LogValue() slog.Value { return slog.StringValue("valuer " + key) }

func TestHandler(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(New(key).Handler(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	l = l.With("client", key).WithGroup("g")
	l.Debug("msg "+key, "request_id", key, "err", errors.New("bad "+key),
		slog.Group("inner", "v", key), "valuer", logValuer{}, "n", 3)
	out := buf.String()
	if strings.Contains(out, "TheSecretHalf") {
		t.Fatalf("leaked: %s", out)
	}
	if strings.Count(out, Mark) != 6 || !strings.Contains(out, "g.n=3") {
		t.Fatalf("%s", out)
	}
}
