package zai

//go:generate go run ./internal/cmd/gendecode

import (
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf8"
	"unsafe"

	"github.com/zai-go/zai/internal/jsonx"
)

// This file holds the primitives of the chat wire types' codecs. The codecs
// themselves are generated from the struct definitions into
// chunkdecode_gen.go (go generate; internal/cmd/gendecode), so a field added
// to any of those types is decoded, encoded, accumulated and carried between
// a completion and a chunk without a hand edit.
//
// A stream spends most of its time decoding chunks, and encoding/json
// allocates for every field of every chunk; the generated decoder allocates
// nothing per chunk in the usual case: short strings come from a per-stream
// arena, short slices (the choices) from per-stream slabs, and the id,
// object, model and role strings that repeat on every chunk are reused.
//
// The decoder must give exactly what encoding/json gives, so it only takes
// inputs it can decode exactly: on anything else (a key in another case or
// with escapes, a duplicate key, a value of an unexpected type, invalid JSON,
// deep nesting) it reports false and the caller decodes with encoding/json
// instead, which also produces encoding/json's error.
// TestChunkDecodeEveryField and the differential fuzz tests hold it to that.

// fastDecoder is implemented by stream value types that have a generated
// decoder. decodeFast reports false if the value must be decoded with
// encoding/json instead; it may then have written to the value. It sets
// in.errorMember when the object has a top-level key that is "error" in any
// case, so the stream probes for an in-stream error only then.
type fastDecoder interface {
	decodeFast(data []byte, in *interner) bool
}

const noIntern = -1

// interner remembers the last string seen in each slot, so a value equal to
// the previous chunk's costs no allocation. It also holds a scratch buffer
// for unescaping, the string arena and the slabs. One belongs to one stream
// (or one buffered reply); the zero value is ready.
type interner struct {
	last    [internSlots]string
	scratch []byte
	arena   []byte
	slabs   slabs
	// errorMember is set by decodeFast: the last object decoded had a
	// top-level "error" key (in any case).
	errorMember bool
}

// Strings up to arenaMax bytes are carved from arena blocks of arenaBlock
// bytes: one allocation serves many chunks' deltas. A string kept from a
// chunk keeps at most one block alive; the block is never written again
// where a string points into it.
const (
	arenaBlock = 4 << 10
	arenaMax   = 256
)

// newString returns b as a string, from the arena when it is short.
func (in *interner) newString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > arenaMax {
		return string(b)
	}
	if cap(in.arena)-len(in.arena) < len(b) {
		in.arena = make([]byte, 0, arenaBlock)
	}
	start := len(in.arena)
	in.arena = append(in.arena, b...)
	return unsafe.String(&in.arena[start], len(b))
}

// slab hands out the elements of short slices from shared blocks, as the
// arena does for strings: a chunk's choices cost no allocation of their
// own. A slice it returns has its capacity cut to its length, so an append
// by the user copies instead of writing into the next chunk's elements; a
// slice kept from a chunk keeps at most one block alive. Elements are only
// handed out once, so every one starts as the zero value. A decoder must not
// use a slab while a slice of the same type is being decoded from it
// (gendecode gives no slab to a type that can hold itself).
type slab[T any] struct {
	buf   []T
	start int
}

// slabBytes is the size blocks grow to.
const slabBytes = 4 << 10

// begin starts a slice.
func (s *slab[T]) begin() { s.start = len(s.buf) }

// next returns a zero element appended to the slice being built.
func (s *slab[T]) next() *T {
	if len(s.buf) == cap(s.buf) {
		s.grow()
	}
	s.buf = s.buf[:len(s.buf)+1]
	return &s.buf[len(s.buf)-1]
}

// grow starts a new block, twice the last one up to slabBytes (so a single
// reply stays small), and moves the slice being built there.
func (s *slab[T]) grow() {
	n := len(s.buf) - s.start
	size := max(2*cap(s.buf), 4)
	var zero T
	if limit := slabBytes / max(int(unsafe.Sizeof(zero)), 1); size > limit {
		size = max(limit, 4)
	}
	size = max(size, 2*n+1)
	buf := make([]T, n, size)
	copy(buf, s.buf[s.start:])
	s.buf, s.start = buf, 0
}

// done returns the slice built since begin.
func (s *slab[T]) done() []T { return s.buf[s.start:len(s.buf):len(s.buf)] }

// jsonReader is the generated decoders' reader: the one JSON scanner
// (internal/jsonx) with the stream's interner.
type jsonReader struct {
	jsonx.Reader
	in          *interner // nil: no interning, no arena, no slabs
	errorMember bool
}

// unknown skips the value of a key that matches none of fields exactly. If
// it matches one when case is ignored, encoding/json would decode it into
// that field, so it reports false.
func (r *jsonReader) unknown(key []byte, fields []string) bool {
	for _, f := range fields {
		if jsonx.EqualFold(key, f) {
			return false
		}
	}
	return r.Skip()
}

// unknownTop is unknown for the top-level object, noting an "error" key.
func (r *jsonReader) unknownTop(key []byte, fields []string) bool {
	if jsonx.EqualFold(key, "error") {
		r.errorMember = true
	}
	return r.unknown(key, fields)
}

// std decodes the next value with encoding/json, for types the generated
// code does not model. v points at a zero value, as encoding/json would
// decode into in place.
func (r *jsonReader) std(v any) bool {
	start := r.I
	if !r.Skip() {
		return false
	}
	return json.Unmarshal(r.B[start:r.I], v) == nil
}

func decBool[T ~bool](r *jsonReader, v *T) bool {
	switch r.Peek() {
	case 't':
		*v = true
		return r.Literal("true")
	case 'f':
		*v = false
		return r.Literal("false")
	}
	return r.Null()
}

// decInt reads an integer or null. Fractions, exponents and values out of
// range are left to encoding/json, which rejects them.
func decInt[T ~int | ~int8 | ~int16 | ~int32 | ~int64](r *jsonReader, v *T) bool {
	if r.Null() {
		return true
	}
	n, ok := r.Int64()
	if !ok || int64(T(n)) != n {
		return false
	}
	*v = T(n)
	return true
}

// decCount reads a token count (see countOf) or null; anything else is
// left to encoding/json and tokenCount, which name the field in the error.
func decCount(r *jsonReader, v *int) bool {
	if r.Null() {
		return true
	}
	tok, integer, ok := r.Number()
	if ok {
		*v = countOf(tok, integer)
	}
	return ok
}

// countOf returns the count a JSON number stands for: the nearest integer
// (halves away from zero), saturated at the range of int. The API types
// counts as "number"; a count is bookkeeping, and no odd one may fail the
// call that carries the answer.
func countOf(tok []byte, integer bool) int {
	if integer {
		if n, ok := jsonx.ParseInt(tok); ok && int64(int(n)) == n {
			return int(n)
		}
	}
	f, _ := strconv.ParseFloat(string(tok), 64) // a range error gives ±Inf or 0
	switch f = math.Round(f); {
	case f >= float64(math.MaxInt):
		return math.MaxInt
	case f <= float64(math.MinInt):
		return math.MinInt
	}
	return int(f)
}

func decUint[T ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64](r *jsonReader, v *T, bits int) bool {
	if r.Null() {
		return true
	}
	tok, integer, ok := r.Number()
	if !ok || !integer || tok[0] == '-' {
		return false
	}
	n, err := strconv.ParseUint(string(tok), 10, bits)
	*v = T(n)
	return err == nil
}

func decFloat[T ~float32 | ~float64](r *jsonReader, v *T, bits int) bool {
	if r.Null() {
		return true
	}
	tok, _, ok := r.Number()
	if !ok {
		return false
	}
	n, err := strconv.ParseFloat(string(tok), bits)
	*v = T(n)
	return err == nil
}

// str reads a string or null into dst. A null leaves dst as it is, as
// encoding/json does. A string in an interner slot that equals the slot's
// last one reuses it.
func (r *jsonReader) str(dst *string, slot int) bool {
	switch r.Peek() {
	case 'n':
		return r.Null()
	case '"':
	default:
		return false
	}
	raw, flags, ok := r.RawString()
	if !ok {
		return false
	}
	if flags&jsonx.Escaped != 0 || (flags&jsonx.NonASCII != 0 && !utf8.Valid(raw)) {
		*dst = r.unescape(raw)
		return true
	}
	if slot >= 0 && r.in != nil {
		if last := r.in.last[slot]; string(raw) == last {
			*dst = last
			return true
		}
		s := string(raw)
		r.in.last[slot] = s
		*dst = s
		return true
	}
	*dst = r.newString(raw)
	return true
}

// newString returns b as a string: from the stream's arena, or a copy.
func (r *jsonReader) newString(b []byte) string {
	if r.in == nil {
		return string(b)
	}
	return r.in.newString(b)
}

// unescape decodes a string's escapes and replaces invalid UTF-8 with
// U+FFFD, as encoding/json does.
func (r *jsonReader) unescape(raw []byte) string {
	if r.in == nil {
		return string(jsonx.Unescape(nil, raw))
	}
	buf := jsonx.Unescape(r.in.scratch[:0], raw)
	if cap(buf) <= 64<<10 {
		r.in.scratch = buf
	}
	return r.in.newString(buf)
}

// jsonWriter is the generated encoders' writer. An error (from a value left
// to encoding/json) sticks: the first one is the result.
type jsonWriter struct {
	b   []byte
	err error
}

func (w *jsonWriter) null()         { w.b = append(w.b, "null"...) }
func (w *jsonWriter) str(s string)  { w.b = appendJSONString(w.b, s) }
func (w *jsonWriter) int(n int64)   { w.b = strconv.AppendInt(w.b, n, 10) }
func (w *jsonWriter) uint(n uint64) { w.b = strconv.AppendUint(w.b, n, 10) }

func (w *jsonWriter) bool(v bool) {
	if v {
		w.b = append(w.b, "true"...)
	} else {
		w.b = append(w.b, "false"...)
	}
}

// float writes f as encoding/json does: the shortest form, in exponent
// notation only for very small or very large values.
func (w *jsonWriter) float(f float64, bits int) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		w.std(f) // encoding/json's error
		return
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	w.b = strconv.AppendFloat(w.b, f, format, -1, bits)
	if format == 'e' {
		// Clean up e-09 to e-9, as encoding/json does.
		if n := len(w.b); n >= 4 && w.b[n-4] == 'e' && w.b[n-3] == '-' && w.b[n-2] == '0' {
			w.b[n-2] = w.b[n-1]
			w.b = w.b[:n-1]
		}
	}
}

// std writes v with encoding/json, for types the generated code does not
// model (maps, interfaces, types with a MarshalJSON of their own).
func (w *jsonWriter) std(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		if w.err == nil {
			w.err = err
		}
		return
	}
	w.b = append(w.b, b...)
}

// htmlSafe reports the ASCII bytes encoding/json writes as they are.
var htmlSafe = func() (t [utf8.RuneSelf]bool) {
	for c := range utf8.RuneSelf {
		t[c] = c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as json.Marshal writes a string: HTML
// characters, U+2028 and U+2029 escaped, invalid UTF-8 as U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if htmlSafe[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '\\', '"':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
