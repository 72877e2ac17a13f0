package jsonx

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math/bits"
	"strings"
	"testing"
)

// TestSpecial checks the word test against the byte test for every byte
// value at every position, with and without the ASCII condition, and that
// the lowest flagged byte is the first special one.
func TestSpecial(t *testing.T) {
	for _, ascii := range []bool{true, false} {
		for c := range 256 {
			for pos := range 8 {
				w := []byte("abcdefgh")
				w[pos] = byte(c)
				want := c == '"' || c == '\\' || c < 0x20 || (ascii && c >= 0x80)
				if got := special(binary.LittleEndian.Uint64(w), ascii) != 0; got != want {
					t.Fatalf("byte %#x at %d (ascii %v): %v, want %v", c, pos, ascii, got, want)
				}
				w[7] = '"' // a special byte above: the first one is still found
				if tz := bits.TrailingZeros64(special(binary.LittleEndian.Uint64(w), ascii)) / 8; want && tz != pos || !want && tz != 7 {
					t.Fatalf("byte %#x at %d (ascii %v): first special at %d", c, pos, ascii, tz)
				}
			}
		}
	}
}

var values = []string{
	`""`, `"a"`, `"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00"`, `"lone \ud800 x"`, "\"bad \xff utf8\"",
	`"long ` + strings.Repeat("abcdefgh", 20) + `"`, `"中文 and more 中文 text"`, "\"ctl \x01\"", `"\x"`, `"\u12"`, `"open`,
	`0`, `-0`, `1.5e3`, `-`, `01`, `1.`, `1e`, `true`, `false`, `null`, `tru`,
	`{}`, `[]`, `{"a":[1,{"b":null}],"c":"d"}`, `{"a":1,}`, `[1,]`, `{"a" 1}`, `{1:2}`,
	strings.Repeat("[", 600) + strings.Repeat("]", 600),
}

// FuzzReader holds the scanner to encoding/json: Skip accepts exactly the
// valid values (below the depth limit), and a string read by RawString and
// Unescape is the string encoding/json decodes.
func FuzzReader(f *testing.F) {
	for _, v := range values {
		f.Add([]byte(v))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := Reader{B: b}
		ok := r.Skip() && r.AtEnd()
		deep := bytes.Count(b, []byte("["))+bytes.Count(b, []byte("{")) > MaxDepth
		if valid := json.Valid(b); ok != valid && !(valid && deep) {
			t.Fatalf("%q: Skip %v, json.Valid %v", b, ok, valid)
		}
		r = Reader{B: b}
		if r.Peek() != '"' {
			return
		}
		raw, flags, ok := r.RawString()
		var want string
		err := json.Unmarshal(b, &want)
		if !ok || !r.AtEnd() {
			if err == nil {
				t.Fatalf("%q: RawString refused a valid string", b)
			}
			return
		}
		if err != nil {
			t.Fatalf("%q: RawString accepted an invalid string: %v", b, err)
		}
		got := string(raw)
		if flags != 0 {
			got = string(Unescape(nil, raw))
		}
		if flags&Escaped == 0 && bytes.IndexByte(raw, '\\') >= 0 || flags&NonASCII == 0 && strings.IndexFunc(string(raw), func(r rune) bool { return r >= 0x80 }) >= 0 {
			t.Fatalf("%q: flags %b", b, flags)
		}
		if got != want {
			t.Fatalf("%q: %q, encoding/json %q", b, got, want)
		}
	})
}

func TestReaderValues(t *testing.T) {
	for _, v := range values {
		r := Reader{B: []byte(v)}
		if ok := r.Skip() && r.AtEnd(); ok != json.Valid([]byte(v)) && !strings.HasPrefix(v, "[[[") {
			t.Errorf("%q: Skip %v", v, ok)
		}
	}
}
