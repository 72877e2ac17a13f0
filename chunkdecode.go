package zai

//go:generate go run ./internal/cmd/gendecode

import (
	"encoding/json"
	"strconv"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// This file holds the primitives of the reflection-free decoder of
// ChatCompletionChunk. The per-type decoders are generated from the struct
// definitions into chunkdecode_gen.go (go generate; internal/cmd/gendecode),
// so a field added to any type reachable from ChatCompletionChunk is decoded
// here too. A stream spends most of its time decoding chunks, and
// encoding/json allocates for every field of every chunk; this decoder
// allocates only the slices the chunk keeps, carves short strings from a
// per-stream arena, and reuses the id, object, model and role strings that
// repeat on every chunk.
//
// It must give exactly what encoding/json gives, so it only takes inputs it
// can decode exactly: on anything else (a key in another case or with
// escapes, a duplicate key, a value of an unexpected type, invalid JSON, deep
// nesting) it reports false and the caller decodes with encoding/json
// instead, which also produces encoding/json's error. TestChunkDecodeEveryField
// and the differential fuzz test FuzzChunkDecode hold it to that.

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
// for unescaping and the string arena. One belongs to one stream; the zero
// value is ready.
type interner struct {
	last    [internSlots]string
	scratch []byte
	arena   []byte
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

// maxSkipDepth bounds the nesting of values the fast path skips or
// decodes; deeper input goes to encoding/json, which has its own limit.
const maxSkipDepth = 512

type jsonReader struct {
	b           []byte
	i           int
	in          *interner // nil: no interning, no arena
	depth       int
	errorMember bool
}

func (c *ChatCompletionChunk) decodeFast(data []byte, in *interner) bool {
	r := jsonReader{b: data, in: in}
	if r.peek() != '{' {
		return false // null, arrays and the rest: encoding/json decides
	}
	ok := r.decChatCompletionChunk(c)
	r.ws()
	if in != nil {
		in.errorMember = r.errorMember
	}
	return ok && r.i == len(r.b)
}

// decodeFast decodes a whole completion in one pass, Messages included, for
// a caller that has the body in memory; false means decode it with
// encoding/json instead (into a fresh value: this one may be written to).
func (c *ChatCompletion) decodeFast(data []byte, in *interner) bool {
	r := jsonReader{b: data, in: in}
	if r.peek() != '{' {
		return false
	}
	ok := r.decChatCompletion(c)
	r.ws()
	return ok && r.i == len(r.b)
}

// decodeJSONFast decodes as FunctionCall.UnmarshalJSON does: arguments may
// be any JSON value, and a non-string is kept as its JSON text.
func (f *FunctionCall) decodeJSONFast(r *jsonReader) bool {
	switch r.peek() {
	case 'n':
		*f = FunctionCall{}
		return r.null()
	case '{':
	default:
		return false
	}
	r.i++
	*f = FunctionCall{}
	if r.peek() == '}' {
		r.i++
		return true
	}
	var seen uint64
	for {
		key, ok := r.key()
		if !ok {
			return false
		}
		switch string(key) {
		case "name":
			if seen&1 != 0 || !r.str(&f.Name, noIntern) {
				return false
			}
			seen |= 1
		case "arguments":
			if seen&2 != 0 {
				return false
			}
			seen |= 2
			switch r.peek() {
			case '"':
				if !r.str(&f.Arguments, noIntern) {
					return false
				}
			case 'n':
				if !r.null() {
					return false
				}
			default:
				start := r.i
				if !r.skip() {
					return false
				}
				f.Arguments = string(r.b[start:r.i])
			}
		default:
			if !r.unknown(key, functionCallFields) {
				return false
			}
		}
		switch r.peek() {
		case ',':
			r.i++
		case '}':
			r.i++
			return true
		default:
			return false
		}
	}
}

var functionCallFields = []string{"name", "arguments"}

// key reads an object key and its colon. A key that encoding/json could
// match differently (escapes, non-ASCII) reports false.
func (r *jsonReader) key() ([]byte, bool) {
	if r.peek() != '"' {
		return nil, false
	}
	raw, flags, ok := r.rawString()
	if !ok || flags != 0 || r.peek() != ':' {
		return nil, false
	}
	r.i++
	r.ws()
	return raw, true
}

// unknown skips the value of a key that matches none of fields exactly. If
// it matches one when case is ignored, encoding/json would decode it into
// that field, so it reports false.
func (r *jsonReader) unknown(key []byte, fields []string) bool {
	for _, f := range fields {
		if asciiEqualFold(key, f) {
			return false
		}
	}
	return r.skip()
}

// unknownTop is unknown for the top-level object, noting an "error" key.
func (r *jsonReader) unknownTop(key []byte, fields []string) bool {
	if asciiEqualFold(key, "error") {
		r.errorMember = true
	}
	return r.unknown(key, fields)
}

// std decodes the next value with encoding/json, for types the generated
// code does not model. v points at a zero value, as encoding/json would
// decode into in place.
func (r *jsonReader) std(v any) bool {
	start := r.i
	if !r.skip() {
		return false
	}
	return json.Unmarshal(r.b[start:r.i], v) == nil
}

func decBool[T ~bool](r *jsonReader, v *T) bool {
	switch r.peek() {
	case 't':
		*v = true
		return r.literal("true")
	case 'f':
		*v = false
		return r.literal("false")
	}
	return r.null()
}

func decInt[T ~int | ~int8 | ~int16 | ~int32 | ~int64](r *jsonReader, v *T) bool {
	if r.null() {
		return true
	}
	var n int64
	if !r.int64(&n) || int64(T(n)) != n {
		return false
	}
	*v = T(n)
	return true
}

func decUint[T ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64](r *jsonReader, v *T, bits int) bool {
	if r.null() {
		return true
	}
	tok, integer, ok := r.number()
	if !ok || !integer || tok[0] == '-' {
		return false
	}
	n, err := strconv.ParseUint(string(tok), 10, bits)
	*v = T(n)
	return err == nil
}

func decFloat[T ~float32 | ~float64](r *jsonReader, v *T, bits int) bool {
	if r.null() {
		return true
	}
	tok, _, ok := r.number()
	if !ok {
		return false
	}
	n, err := strconv.ParseFloat(string(tok), bits)
	*v = T(n)
	return err == nil
}

// ws skips JSON whitespace.
func (r *jsonReader) ws() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

// peek skips whitespace and returns the next byte, or 0 at the end.
func (r *jsonReader) peek() byte {
	r.ws()
	if r.i < len(r.b) {
		return r.b[r.i]
	}
	return 0
}

// null consumes a null literal if one is next.
func (r *jsonReader) null() bool {
	if r.peek() == 'n' && r.literal("null") {
		return true
	}
	return false
}

func (r *jsonReader) literal(lit string) bool {
	if len(r.b)-r.i >= len(lit) && string(r.b[r.i:r.i+len(lit)]) == lit {
		r.i += len(lit)
		return true
	}
	return false
}

func asciiEqualFold(a []byte, b string) bool {
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

// String flags from rawString.
const (
	strEscaped  = 1 << iota // holds a backslash escape
	strNonASCII             // holds bytes >= 0x80
)

// rawString reads a string whose opening quote is next, returning the bytes
// between the quotes. It accepts exactly the strings encoding/json's scanner
// accepts.
func (r *jsonReader) rawString() (raw []byte, flags int, ok bool) {
	r.i++ // '"'
	start := r.i
	b := r.b
	for i := start; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			r.i = i + 1
			return b[start:i], flags, true
		case c == '\\':
			flags |= strEscaped
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
			flags |= strNonASCII
		}
	}
	return nil, 0, false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// str reads a string or null into dst. A null leaves dst as it is, as
// encoding/json does.
func (r *jsonReader) str(dst *string, slot int) bool {
	switch r.peek() {
	case 'n':
		return r.null()
	case '"':
	default:
		return false
	}
	raw, flags, ok := r.rawString()
	if !ok {
		return false
	}
	if flags&strEscaped != 0 || (flags&strNonASCII != 0 && !utf8.Valid(raw)) {
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
// U+FFFD, as encoding/json does. raw has passed rawString.
func (r *jsonReader) unescape(raw []byte) string {
	var buf []byte
	if r.in != nil {
		buf = r.in.scratch[:0]
	}
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '\\':
			switch e := raw[i+1]; e {
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				rr := hex4(raw[i+2 : i+6])
				i += 6
				if utf16.IsSurrogate(rr) {
					if i+1 < len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
						if dec := utf16.DecodeRune(rr, hex4(raw[i+2:i+6])); dec != unicode.ReplacementChar {
							buf = utf8.AppendRune(buf, dec)
							i += 6
							continue
						}
					}
					rr = unicode.ReplacementChar
				}
				buf = utf8.AppendRune(buf, rr)
				continue
			default: // '"', '\\', '/'
				buf = append(buf, e)
			}
			i += 2
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			i++
		default:
			rr, size := utf8.DecodeRune(raw[i:])
			buf = utf8.AppendRune(buf, rr)
			i += size
		}
	}
	if r.in != nil && cap(buf) <= 64<<10 {
		r.in.scratch = buf
	}
	return r.newString(buf)
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

// number reads a JSON number and reports whether it is written as an
// integer (no fraction, no exponent).
func (r *jsonReader) number() (tok []byte, integer, ok bool) {
	b := r.b
	start, i := r.i, r.i
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
	r.i = i
	return b[start:i], integer, true
}

// int64 reads an integer or null into dst. Fractions, exponents and values
// out of range are left to encoding/json, which rejects them.
func (r *jsonReader) int64(dst *int64) bool {
	if r.null() {
		return true
	}
	tok, integer, ok := r.number()
	if !ok || !integer {
		return false
	}
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
		*dst = n
		return true
	}
	n, err := strconv.ParseInt(string(tok), 10, 64)
	*dst = n
	return err == nil
}

// skip reads any valid JSON value, validating it as encoding/json's scanner
// would.
func (r *jsonReader) skip() bool {
	r.depth++
	defer func() { r.depth-- }()
	if r.depth > maxSkipDepth {
		return false
	}
	switch c := r.peek(); {
	case c == '"':
		_, _, ok := r.rawString()
		return ok
	case c == '{':
		r.i++
		if r.peek() == '}' {
			r.i++
			return true
		}
		for {
			if r.peek() != '"' {
				return false
			}
			if _, _, ok := r.rawString(); !ok {
				return false
			}
			if r.peek() != ':' {
				return false
			}
			r.i++
			if !r.skip() {
				return false
			}
			switch r.peek() {
			case ',':
				r.i++
			case '}':
				r.i++
				return true
			default:
				return false
			}
		}
	case c == '[':
		r.i++
		if r.peek() == ']' {
			r.i++
			return true
		}
		for {
			if !r.skip() {
				return false
			}
			switch r.peek() {
			case ',':
				r.i++
			case ']':
				r.i++
				return true
			default:
				return false
			}
		}
	case c == 't':
		return r.literal("true")
	case c == 'f':
		return r.literal("false")
	case c == 'n':
		return r.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		_, _, ok := r.number()
		return ok
	}
	return false
}

// The encoder's counterparts: Message and the chat body write their JSON
// directly (chat.go), with strings escaped exactly as encoding/json escapes
// them.

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

// jsonStringEnd returns the length of the rest of a JSON string whose
// opening quote has been read, closing quote included.
func jsonStringEnd(b []byte) int {
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// appendJSON appends the call as encoding/json writes it. MCP and
// DocReference, rare in a request, go through encoding/json.
func (t *ToolCall) appendJSON(b []byte) ([]byte, error) {
	b = append(b, '{')
	if t.Index != 0 {
		b = append(b, `"index":`...)
		b = strconv.AppendInt(b, int64(t.Index), 10)
		b = append(b, ',')
	}
	if t.ID != "" {
		b = append(b, `"id":`...)
		b = appendJSONString(b, t.ID)
		b = append(b, ',')
	}
	if t.Type != "" {
		b = append(b, `"type":`...)
		b = appendJSONString(b, string(t.Type))
		b = append(b, ',')
	}
	b = append(b, `"function":{`...)
	if t.Function.Name != "" {
		b = append(b, `"name":`...)
		b = appendJSONString(b, t.Function.Name)
		b = append(b, ',')
	}
	b = append(b, `"arguments":`...)
	b = appendJSONString(b, t.Function.Arguments)
	b = append(b, '}')
	if t.MCP != nil {
		mcp, err := json.Marshal(t.MCP)
		if err != nil {
			return nil, err
		}
		b = append(b, `,"mcp":`...)
		b = append(b, mcp...)
	}
	if len(t.DocReference) > 0 {
		refs, err := json.Marshal(t.DocReference)
		if err != nil {
			return nil, err
		}
		b = append(b, `,"doc_reference":`...)
		b = append(b, refs...)
	}
	return append(b, '}'), nil
}

// messageWireFields are the JSON names of messageWire's fields.
var messageWireFields = []string{"role", "content", "reasoning_content", "tool_calls", "tool_call_id", "name", "audio"}

// decodeJSONFast decodes as Message.unmarshalWire does, in one pass: the
// content is a string, an array of parts (whose text becomes Content), or
// any other value, which is ignored.
func (m *Message) decodeJSONFast(r *jsonReader) bool {
	*m = Message{}
	switch r.peek() {
	case 'n':
		return r.null()
	case '{':
	default:
		return false
	}
	r.i++
	if r.peek() == '}' {
		r.i++
		return true
	}
	var seen uint64
	for {
		key, ok := r.key()
		if !ok {
			return false
		}
		var k int
		switch string(key) {
		case "role":
			k, ok = 0, r.str((*string)(&m.Role), noIntern)
		case "content":
			k = 1
			switch r.peek() {
			case '"':
				ok = r.str(&m.Content, noIntern)
			case '[':
				if ok = r.decSliceOfContentPart(&m.Parts); ok {
					m.Content = partsText(m.Parts)
				}
			default:
				ok = r.skip()
			}
		case "reasoning_content":
			k, ok = 2, r.str(&m.ReasoningContent, noIntern)
		case "tool_calls":
			k, ok = 3, r.decSliceOfToolCall(&m.ToolCalls)
		case "tool_call_id":
			k, ok = 4, r.str(&m.ToolCallID, noIntern)
		case "name":
			k, ok = 5, r.str(&m.Name, noIntern)
		case "audio":
			k, ok = 6, r.decPtrToMessageAudio(&m.Audio)
		default:
			k, ok = -1, r.unknown(key, messageWireFields)
		}
		if !ok {
			return false
		}
		if k >= 0 {
			if seen&(1<<k) != 0 {
				return false
			}
			seen |= 1 << k
		}
		switch r.peek() {
		case ',':
			r.i++
		case '}':
			r.i++
			return true
		default:
			return false
		}
	}
}

// countField is one member of a usage object for decCounts: an int count,
// or a nested object with its own decoder.
type countField struct {
	name  string
	count *int
	sub   []countField // a nested object's members, when count is nil
}

// decCounts decodes a usage object as the UnmarshalJSON of tokens.go does,
// for the plain integers the API sends: a count written any other way (5.0)
// declines, and encoding/json with tokenCount decides. Absent members keep
// their values; null leaves the whole value as it is.
func (r *jsonReader) decCounts(fields []countField) bool {
	switch r.peek() {
	case 'n':
		return r.null()
	case '{':
	default:
		return false
	}
	r.i++
	if r.peek() == '}' {
		r.i++
		return true
	}
	var seen uint64
	for {
		key, ok := r.key()
		if !ok {
			return false
		}
		k := -1
		for i := range fields {
			if string(key) == fields[i].name {
				k = i
				break
			}
		}
		switch {
		case k < 0:
			if !r.skipUnknown(key, fields) {
				return false
			}
		case seen&(1<<k) != 0:
			return false
		case fields[k].count != nil:
			seen |= 1 << k
			if !decInt(r, fields[k].count) {
				return false
			}
		default:
			seen |= 1 << k
			if !r.decCounts(fields[k].sub) {
				return false
			}
		}
		switch r.peek() {
		case ',':
			r.i++
		case '}':
			r.i++
			return true
		default:
			return false
		}
	}
}

func (r *jsonReader) skipUnknown(key []byte, fields []countField) bool {
	for _, f := range fields {
		if asciiEqualFold(key, f.name) {
			return false
		}
	}
	return r.skip()
}

// decodeJSONFast decodes as Usage.UnmarshalJSON does (decCounts). The
// fields are plain data, not funcs, so the reader does not escape.
func (u *Usage) decodeJSONFast(r *jsonReader) bool {
	return r.decCounts([]countField{
		{name: "prompt_tokens", count: &u.PromptTokens},
		{name: "completion_tokens", count: &u.CompletionTokens},
		{name: "total_tokens", count: &u.TotalTokens},
		{name: "total_calls", count: &u.TotalCalls},
		{name: "prompt_tokens_details", sub: []countField{{name: "cached_tokens", count: &u.PromptTokensDetails.CachedTokens}}},
		{name: "completion_tokens_details", sub: []countField{{name: "reasoning_tokens", count: &u.CompletionTokensDetails.ReasoningTokens}}},
	})
}
