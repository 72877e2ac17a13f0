package zai

import (
	"strconv"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// This file decodes ChatCompletionChunk without reflection. A stream spends
// most of its time decoding chunks, and encoding/json allocates for every
// field of every chunk; this decoder allocates only the strings and slices
// the chunk keeps, and reuses the id, object, model and role strings that
// repeat on every chunk of a stream.
//
// It must give exactly what encoding/json gives, so it only takes inputs it
// can decode exactly: on anything else (a key in another case or with
// escapes, a duplicate key, a value of an unexpected type, invalid JSON, deep
// nesting) it reports false and the stream decodes the event with
// encoding/json instead, which also produces encoding/json's error. The
// differential fuzz test FuzzChunkDecode holds it to that.

// fastDecoder is implemented by stream value types that have a hand-written
// decoder. decodeFast reports false if the value must be decoded with
// encoding/json instead; it may then have written to the value.
type fastDecoder interface {
	decodeFast(data []byte, in *interner) bool
}

// Interner slots: strings that repeat from chunk to chunk.
const (
	internID = iota
	internObject
	internModel
	internRole
	internFinish
	internToolType
	internSlots
	noIntern = -1
)

// interner remembers the last string seen in each slot, so a value equal to
// the previous chunk's costs no allocation. It also holds a scratch buffer
// for unescaping. One belongs to one stream; the zero value is ready.
type interner struct {
	last    [internSlots]string
	scratch []byte
}

// maxSkipDepth bounds the nesting of unknown values the fast path skips;
// deeper input goes to encoding/json, which has its own limit.
const maxSkipDepth = 512

type jsonReader struct {
	b     []byte
	i     int
	in    *interner
	depth int
}

// Field names, in the order of the constants that index them.
var (
	chunkFields       = []string{"id", "object", "created", "model", "choices", "usage", "web_search", "content_filter"}
	chunkChoiceFields = []string{"index", "delta", "finish_reason"}
	deltaFields       = []string{"role", "content", "reasoning_content", "tool_calls", "audio"}
	toolCallFields    = []string{"index", "id", "type", "function"}
	functionFields    = []string{"name", "arguments"}
	audioFields       = []string{"id", "data", "expires_at"}
	usageFields       = []string{"prompt_tokens", "completion_tokens", "total_tokens", "prompt_tokens_details", "completion_tokens_details"}
	cachedFields      = []string{"cached_tokens"}
	reasoningFields   = []string{"reasoning_tokens"}
	webSearchFields   = []string{"title", "content", "link", "media", "icon", "refer", "publish_date", "images"}
	filterFields      = []string{"role", "level"}
)

func (c *ChatCompletionChunk) decodeFast(data []byte, in *interner) bool {
	r := jsonReader{b: data, in: in}
	if r.peek() != '{' {
		return false // null, arrays and the rest: encoding/json decides
	}
	ok := r.object(chunkFields, func(k int) bool {
		switch k {
		case 0:
			return r.str(&c.ID, internID)
		case 1:
			return r.str(&c.Object, internObject)
		case 2:
			return r.int64(&c.Created)
		case 3:
			return r.str(&c.Model, internModel)
		case 4:
			return r.choices(&c.Choices)
		case 5:
			return r.usage(&c.Usage)
		case 6:
			return r.webSearch(&c.WebSearch)
		default:
			return r.contentFilter(&c.ContentFilter)
		}
	})
	r.ws()
	return ok && r.i == len(r.b)
}

func (r *jsonReader) choices(dst *[]ChatCompletionChunkChoice) bool {
	return r.array(func() bool {
		*dst = append(*dst, ChatCompletionChunkChoice{})
		ch := &(*dst)[len(*dst)-1]
		if r.null() {
			return true
		}
		return r.peek() == '{' && r.object(chunkChoiceFields, func(k int) bool {
			switch k {
			case 0:
				return r.int(&ch.Index)
			case 1:
				if r.null() {
					return true
				}
				return r.peek() == '{' && r.delta(&ch.Delta)
			default:
				return r.str(&ch.FinishReason, internFinish)
			}
		})
	}, func() { *dst = make([]ChatCompletionChunkChoice, 0) })
}

func (r *jsonReader) delta(d *ChatCompletionDelta) bool {
	return r.object(deltaFields, func(k int) bool {
		switch k {
		case 0:
			return r.str(&d.Role, internRole)
		case 1:
			return r.str(&d.Content, noIntern)
		case 2:
			return r.str(&d.ReasoningContent, noIntern)
		case 3:
			return r.toolCalls(&d.ToolCalls)
		default:
			if r.null() {
				return true
			}
			if r.peek() != '{' {
				return false
			}
			d.Audio = new(MessageAudio)
			a := d.Audio
			return r.object(audioFields, func(k int) bool {
				switch k {
				case 0:
					return r.str(&a.ID, noIntern)
				case 1:
					return r.str(&a.Data, noIntern)
				default:
					return r.int64(&a.ExpiresAt)
				}
			})
		}
	})
}

// toolCalls decodes as ToolCall.UnmarshalJSON and FunctionCall.UnmarshalJSON
// do: index is remembered when present and not null, arguments may be any
// JSON value and a non-string is kept as its JSON text.
func (r *jsonReader) toolCalls(dst *[]ToolCall) bool {
	return r.array(func() bool {
		*dst = append(*dst, ToolCall{})
		tc := &(*dst)[len(*dst)-1]
		if r.null() {
			return true
		}
		return r.peek() == '{' && r.object(toolCallFields, func(k int) bool {
			switch k {
			case 0:
				if r.null() {
					return true
				}
				tc.hasIndex = true
				return r.int(&tc.Index)
			case 1:
				return r.str(&tc.ID, noIntern)
			case 2:
				return r.str(&tc.Type, internToolType)
			default:
				if r.null() {
					return true
				}
				f := &tc.Function
				return r.peek() == '{' && r.object(functionFields, func(k int) bool {
					if k == 0 {
						return r.str(&f.Name, noIntern)
					}
					switch r.peek() {
					case '"':
						return r.str(&f.Arguments, noIntern)
					case 'n':
						return r.null()
					}
					start := r.i
					if !r.skip() {
						return false
					}
					f.Arguments = string(r.b[start:r.i])
					return true
				})
			}
		})
	}, func() { *dst = make([]ToolCall, 0) })
}

func (r *jsonReader) usage(dst **Usage) bool {
	if r.null() {
		return true
	}
	if r.peek() != '{' {
		return false
	}
	u := new(Usage)
	*dst = u
	return r.object(usageFields, func(k int) bool {
		switch k {
		case 0:
			return r.int(&u.PromptTokens)
		case 1:
			return r.int(&u.CompletionTokens)
		case 2:
			return r.int(&u.TotalTokens)
		case 3:
			if r.null() {
				return true
			}
			return r.peek() == '{' && r.object(cachedFields, func(int) bool { return r.int(&u.PromptTokensDetails.CachedTokens) })
		default:
			if r.null() {
				return true
			}
			return r.peek() == '{' && r.object(reasoningFields, func(int) bool { return r.int(&u.CompletionTokensDetails.ReasoningTokens) })
		}
	})
}

func (r *jsonReader) webSearch(dst *[]WebSearchResult) bool {
	return r.array(func() bool {
		*dst = append(*dst, WebSearchResult{})
		w := &(*dst)[len(*dst)-1]
		if r.null() {
			return true
		}
		return r.peek() == '{' && r.object(webSearchFields, func(k int) bool {
			switch k {
			case 0:
				return r.str(&w.Title, noIntern)
			case 1:
				return r.str(&w.Content, noIntern)
			case 2:
				return r.str(&w.Link, noIntern)
			case 3:
				return r.str(&w.Media, noIntern)
			case 4:
				return r.str(&w.Icon, noIntern)
			case 5:
				return r.str(&w.Refer, noIntern)
			case 6:
				return r.str(&w.PublishDate, noIntern)
			default:
				return r.array(func() bool {
					w.Images = append(w.Images, "")
					return r.str(&w.Images[len(w.Images)-1], noIntern)
				}, func() { w.Images = make([]string, 0) })
			}
		})
	}, func() { *dst = make([]WebSearchResult, 0) })
}

func (r *jsonReader) contentFilter(dst *[]ContentFilter) bool {
	return r.array(func() bool {
		*dst = append(*dst, ContentFilter{})
		f := &(*dst)[len(*dst)-1]
		if r.null() {
			return true
		}
		return r.peek() == '{' && r.object(filterFields, func(k int) bool {
			if k == 0 {
				return r.str(&f.Role, noIntern)
			}
			return r.int(&f.Level)
		})
	}, func() { *dst = make([]ContentFilter, 0) })
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

// object reads an object whose first byte is next, calling member with the
// index in fields of each known key, positioned at its value. Unknown keys
// are skipped. A key that encoding/json would match differently (another
// case, escapes, non-ASCII) or a repeated known key reports false.
func (r *jsonReader) object(fields []string, member func(k int) bool) bool {
	r.i++ // '{'
	if r.peek() == '}' {
		r.i++
		return true
	}
	var seen uint64
	for {
		if r.peek() != '"' {
			return false
		}
		raw, flags, ok := r.rawString()
		if !ok || flags != 0 {
			return false // escapes or non-ASCII in a key
		}
		if r.peek() != ':' {
			return false
		}
		r.i++
		k := lookup(fields, raw)
		switch {
		case k == -2:
			return false
		case k == -1:
			r.ws()
			if !r.skip() {
				return false
			}
		default:
			if seen&(1<<k) != 0 {
				return false
			}
			seen |= 1 << k
			r.ws()
			if !member(k) {
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

// lookup returns the index of key in fields, -1 if it matches none, or -2 if
// it matches one only when case is ignored, as encoding/json would.
func lookup(fields []string, key []byte) int {
	for i, f := range fields {
		if string(key) == f {
			return i
		}
	}
	for _, f := range fields {
		if asciiEqualFold(key, f) {
			return -2
		}
	}
	return -1
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

// array reads an array or null whose first byte is next. elem reads one
// element; empty runs for [], which encoding/json decodes to an empty
// non-nil slice. null leaves the slice nil.
func (r *jsonReader) array(elem func() bool, empty func()) bool {
	if r.null() {
		return true
	}
	if r.peek() != '[' {
		return false
	}
	r.i++
	if r.peek() == ']' {
		r.i++
		empty()
		return true
	}
	for {
		r.ws()
		if !elem() {
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
	*dst = string(raw)
	return true
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
	return string(buf)
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

func (r *jsonReader) int(dst *int) bool {
	var n int64
	if !r.int64(&n) || int64(int(n)) != n {
		return false
	}
	*dst = int(n)
	return true
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
