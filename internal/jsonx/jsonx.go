// Package jsonx is the SDK's one JSON scanner: a Reader over a byte slice
// that reads strings, numbers and literals, and skips whole values,
// accepting exactly what encoding/json's scanner accepts. The generated
// decoders of package zai (chunkdecode_gen.go), the request encoder's
// merge of extra fields (internal/core) and the observers' model probe all
// read JSON through it, so there is one idea of what a JSON string is.
//
// A Reader never decodes into Go values on its own and never allocates;
// the callers decide what a value becomes.
package jsonx

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"strconv"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth bounds the nesting Skip accepts; deeper input reports false
// (encoding/json, which callers fall back to, has its own limit).
const MaxDepth = 512

// Reader reads JSON from B, starting at I.
type Reader struct {
	B     []byte
	I     int
	depth int
}

// String flags reported by RawString.
const (
	Escaped  = 1 << iota // the string holds a backslash escape
	NonASCII             // the string holds bytes >= 0x80
)

// WS skips JSON whitespace.
func (r *Reader) WS() {
	// Every byte that may start or follow a token is above ' ', so compact
	// JSON costs one comparison here.
	for r.I < len(r.B) && r.B[r.I] <= ' ' {
		switch r.B[r.I] {
		case ' ', '\t', '\n', '\r':
			r.I++
		default:
			return
		}
	}
}

// Peek skips whitespace and returns the next byte, or 0 at the end.
func (r *Reader) Peek() byte {
	if r.I < len(r.B) && r.B[r.I] > ' ' {
		return r.B[r.I]
	}
	r.WS()
	if r.I < len(r.B) {
		return r.B[r.I]
	}
	return 0
}

// AtEnd skips whitespace and reports whether the input is used up.
func (r *Reader) AtEnd() bool {
	r.WS()
	return r.I == len(r.B)
}

// Null consumes a null literal if one is next.
func (r *Reader) Null() bool {
	return r.Peek() == 'n' && r.Literal("null")
}

// Literal consumes lit if it is next (whitespace already skipped).
func (r *Reader) Literal(lit string) bool {
	if len(r.B)-r.I >= len(lit) && string(r.B[r.I:r.I+len(lit)]) == lit {
		r.I += len(lit)
		return true
	}
	return false
}

// Word masks for the eight-bytes-at-a-time string scan.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// special returns a word with the high bit set in each byte of the
// little-endian word x that ends the fast scan of a string: a quote, a
// backslash, a control character, or (when ascii is set) a byte >= 0x80.
// The tests are the classic "has zero byte" and "has byte less than n" bit
// tricks; their false positives only occur above a true one, so the lowest
// set bit marks the first such byte exactly.
func special(x uint64, ascii bool) uint64 {
	q := x ^ (ones * '"')
	bs := x ^ (ones * '\\')
	t := (q - ones) &^ q
	t |= (bs - ones) &^ bs
	t |= (x - ones*0x20) &^ x
	if ascii {
		t |= x
	}
	return t & highs
}

// RawString reads a string whose opening quote is next and returns the
// bytes between the quotes, unescaped bytes as they are. It accepts exactly
// the strings encoding/json's scanner accepts; flags say whether the string
// needs unescaping (Escaped) or UTF-8 validation (NonASCII).
func (r *Reader) RawString() (raw []byte, flags int, ok bool) {
	b := r.B
	start := r.I + 1
	i := start
	for {
		// Eight bytes at a time up to the next byte that needs a look.
		for i+8 <= len(b) {
			if t := special(binary.LittleEndian.Uint64(b[i:]), flags&NonASCII == 0); t != 0 {
				i += bits.TrailingZeros64(t) / 8
				break
			}
			i += 8
		}
		if i >= len(b) {
			return nil, 0, false
		}
		switch c := b[i]; {
		case c == '"':
			r.I = i + 1
			return b[start:i], flags, true
		case c == '\\':
			flags |= Escaped
			i++
			if i >= len(b) {
				return nil, 0, false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) {
					return nil, 0, false
				}
				for _, h := range b[i+1 : i+5] {
					if !isHex(h) {
						return nil, 0, false
					}
				}
				i += 4
			default:
				return nil, 0, false
			}
		case c < 0x20:
			return nil, 0, false
		case c >= utf8.RuneSelf:
			flags |= NonASCII
		}
		i++
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// Key reads an object key and its colon. A key that encoding/json could
// match to a field differently (escapes, non-ASCII) reports false. Keys are
// short, so they are scanned a byte at a time.
func (r *Reader) Key() ([]byte, bool) {
	if r.Peek() != '"' {
		return nil, false
	}
	b := r.B
	start := r.I + 1
	for i := start; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			r.I = i + 1
			if r.Peek() != ':' {
				return nil, false
			}
			r.I++
			return b[start:i], true
		case c == '\\' || c < 0x20 || c >= utf8.RuneSelf:
			return nil, false
		}
	}
	return nil, false
}

// KeyIs consumes a key and its colon if the bytes after the opening quote
// at r.I are lit: the key's name, its closing quote and a colon, as compact
// JSON writes them.
func (r *Reader) KeyIs(lit string) bool {
	if len(r.B)-r.I > len(lit) && string(r.B[r.I+1:r.I+1+len(lit)]) == lit {
		r.I += 1 + len(lit)
		return true
	}
	return false
}

// Number reads a JSON number and reports whether it is written as an
// integer (no fraction, no exponent).
func (r *Reader) Number() (tok []byte, integer, ok bool) {
	b := r.B
	start, i := r.I, r.I
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	default:
		return nil, false, false
	}
	integer = true
	if i < len(b) && b[i] == '.' {
		integer = false
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return nil, false, false
		}
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		integer = false
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return nil, false, false
		}
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	}
	r.I = i
	return b[start:i], integer, true
}

// Int64 reads a number written as an integer that fits in an int64.
// Fractions, exponents and values out of range report false.
func (r *Reader) Int64() (int64, bool) {
	tok, integer, ok := r.Number()
	if !ok || !integer {
		return 0, false
	}
	return ParseInt(tok)
}

// ParseInt parses an integer token as Number returns it.
func ParseInt(tok []byte) (int64, bool) {
	if len(tok) < 19 { // fits without overflow
		var n int64
		neg := tok[0] == '-'
		if neg {
			tok = tok[1:]
		}
		for _, c := range tok {
			n = n*10 + int64(c-'0')
		}
		if neg {
			n = -n
		}
		return n, true
	}
	n, err := strconv.ParseInt(string(tok), 10, 64)
	return n, err == nil
}

// Skip reads any valid JSON value, validating it as encoding/json's scanner
// would.
func (r *Reader) Skip() bool {
	r.depth++
	defer func() { r.depth-- }()
	if r.depth > MaxDepth {
		return false
	}
	switch c := r.Peek(); {
	case c == '"':
		_, _, ok := r.RawString()
		return ok
	case c == '{':
		r.I++
		if r.Peek() == '}' {
			r.I++
			return true
		}
		for {
			if r.Peek() != '"' {
				return false
			}
			if _, _, ok := r.RawString(); !ok || r.Peek() != ':' {
				return false
			}
			r.I++
			if !r.Skip() || !r.Next('}') {
				return false
			}
			if r.B[r.I-1] == '}' {
				return true
			}
		}
	case c == '[':
		r.I++
		if r.Peek() == ']' {
			r.I++
			return true
		}
		for {
			if !r.Skip() || !r.Next(']') {
				return false
			}
			if r.B[r.I-1] == ']' {
				return true
			}
		}
	case c == 't':
		return r.Literal("true")
	case c == 'f':
		return r.Literal("false")
	case c == 'n':
		return r.Literal("null")
	case c == '-' || '0' <= c && c <= '9':
		_, _, ok := r.Number()
		return ok
	}
	return false
}

// Next consumes the separator after a member or element: a comma, or the
// closing byte of the container. It reports false on anything else.
func (r *Reader) Next(closing byte) bool {
	switch r.Peek() {
	case ',':
		r.I++
		return true
	case closing:
		r.I++
		return true
	}
	return false
}

// Unescape appends the string raw (as RawString returned it) to dst with
// its escapes decoded and invalid UTF-8 replaced by U+FFFD, as encoding/json
// does. The text between escapes is copied in runs.
func Unescape(dst, raw []byte) []byte {
	for len(raw) > 0 {
		i := bytes.IndexByte(raw, '\\')
		if i < 0 {
			i = len(raw)
		}
		dst = appendValid(dst, raw[:i])
		raw = raw[i:]
		if len(raw) == 0 {
			break
		}
		switch e := raw[1]; e {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			rr := hex4(raw[2:6])
			raw = raw[6:]
			if utf16.IsSurrogate(rr) {
				if len(raw) > 1 && raw[0] == '\\' && raw[1] == 'u' {
					if dec := utf16.DecodeRune(rr, hex4(raw[2:6])); dec != unicode.ReplacementChar {
						dst = utf8.AppendRune(dst, dec)
						raw = raw[6:]
						continue
					}
				}
				rr = unicode.ReplacementChar
			}
			dst = utf8.AppendRune(dst, rr)
			continue
		default: // '"', '\\', '/'
			dst = append(dst, e)
		}
		raw = raw[2:]
	}
	return dst
}

// appendValid appends run, each byte of invalid UTF-8 as U+FFFD.
func appendValid(dst, run []byte) []byte {
	if utf8.Valid(run) {
		return append(dst, run...)
	}
	for len(run) > 0 {
		r, size := utf8.DecodeRune(run)
		dst = utf8.AppendRune(dst, r)
		run = run[size:]
	}
	return dst
}

func hex4(h []byte) rune {
	var v rune
	for _, c := range h {
		switch {
		case c <= '9':
			c -= '0'
		case c <= 'F':
			c -= 'A' - 10
		default:
			c -= 'a' - 10
		}
		v = v<<4 | rune(c)
	}
	return v
}

// EqualFold reports whether the ASCII key a equals b when case is ignored.
func EqualFold(a []byte, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range len(a) {
		x, y := a[i], b[i]
		if 'a' <= x && x <= 'z' {
			x -= 'a' - 'A'
		}
		if 'a' <= y && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
