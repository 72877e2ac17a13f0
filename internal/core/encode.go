package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/zai-go/zai/internal/jsonx"
	"slices"
)

// JSONAppender is implemented by request bodies that write their own JSON,
// such as the chat body with its long message history. AppendJSON appends
// one valid, compact JSON value to dst. EncodeJSON uses it as it is, where
// json.Marshal would validate and copy a MarshalJSON result again.
type JSONAppender interface {
	AppendJSON(dst []byte) ([]byte, error)
}

// ExtraMerger is a JSONAppender that can also merge extra fields itself,
// without EncodeJSON scanning and copying everything it wrote (a long
// message history) to find the top-level keys. The result must equal
// MergeObject of its AppendJSON output.
type ExtraMerger interface {
	JSONAppender
	AppendJSONMerged(dst []byte, extra map[string]any) ([]byte, error)
}

var errNotObject = errors.New("the body is not a JSON object")

// ErrInvalidRequest is the zai package's ErrInvalidRequest: a request
// refused before it is sent.
var ErrInvalidRequest = errors.New("zai: invalid request")

// EncodeJSON encodes v, through AppendJSON when it has one, and merges extra
// into the top-level object: a key of extra replaces the body's member in
// place, and the others follow in sorted order. Without extra it is the
// plain encoding. The body is encoded once; there is no round trip through
// a map. A body that cannot be encoded (NaN, an infinity, a channel, a
// MarshalJSON that fails), on any of these roads, is an error wrapping
// ErrInvalidRequest: nothing was sent.
func EncodeJSON(v any, extra map[string]any) ([]byte, error) {
	b, err := encodeJSON(v, extra)
	if err != nil {
		return nil, invalid(err)
	}
	return b, nil
}

// invalid marks err as a request refused before sending, once.
func invalid(err error) error {
	if errors.Is(err, ErrInvalidRequest) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrInvalidRequest, err)
}

func encodeJSON(v any, extra map[string]any) ([]byte, error) {
	var b []byte
	var err error
	if m, ok := v.(ExtraMerger); ok && len(extra) > 0 {
		if b, err = m.AppendJSONMerged(nil, extra); err != nil {
			return nil, fmt.Errorf("encoding request body: %w", err)
		}
		return b, nil
	}
	if a, ok := v.(JSONAppender); ok {
		b, err = a.AppendJSON(nil)
	} else {
		b, err = json.Marshal(v)
	}
	if err != nil {
		return nil, fmt.Errorf("encoding request body: %w", err)
	}
	if len(extra) == 0 {
		return b, nil
	}
	return MergeObject(b, extra)
}

// MergeObject returns the JSON object b with extra merged in: a key of
// extra replaces b's member in place, the others follow in sorted order.
// b must be valid JSON.
func MergeObject(b []byte, extra map[string]any) ([]byte, error) {
	b = bytes.TrimSpace(b)
	if len(b) < 2 || b[0] != '{' {
		return nil, fmt.Errorf("zai: extra body needs a JSON object body: %w", errNotObject)
	}
	keys := make([]string, 0, len(extra))
	values := make(map[string][]byte, len(extra))
	size := len(b)
	for k, x := range extra {
		raw, err := json.Marshal(x)
		if err != nil {
			return nil, fmt.Errorf("zai: encoding extra body field %q: %w", k, err)
		}
		keys = append(keys, k)
		values[k] = raw
		size += len(k) + len(raw) + 8
	}
	slices.Sort(keys)
	out := make([]byte, 0, size)
	out = append(out, '{')
	sep := func() {
		if len(out) > 1 {
			out = append(out, ',')
		}
	}
	used := make(map[string]bool, len(extra))
	r := jsonx.Reader{B: b, I: 1}
	for more := r.Peek() != '}'; more; {
		start := r.I
		if r.Peek() != '"' {
			return nil, malformed()
		}
		raw, flags, ok := r.RawString()
		if !ok {
			return nil, malformed()
		}
		keyRaw := b[start:r.I]
		key := string(raw)
		if flags&jsonx.Escaped != 0 {
			key = string(jsonx.Unescape(nil, raw))
		}
		if r.Peek() != ':' {
			return nil, malformed()
		}
		r.I++
		if !r.Skip() {
			return nil, malformed()
		}
		member := b[start:r.I]
		if !r.Next('}') {
			return nil, malformed()
		}
		more = b[r.I-1] == ','
		if raw, ok := values[key]; ok {
			if used[key] {
				continue // a repeated key: extra's value is written once
			}
			used[key] = true
			sep()
			out = append(out, keyRaw...)
			out = append(out, ':')
			out = append(out, raw...)
			continue
		}
		sep()
		out = append(out, member...)
	}
	for _, k := range keys {
		if used[k] {
			continue
		}
		name, _ := json.Marshal(k) // a string always encodes
		sep()
		out = append(out, name...)
		out = append(out, ':')
		out = append(out, values[k]...)
	}
	return append(out, '}'), nil
}

var errMalformed = errors.New("malformed JSON object")

func malformed() error {
	return fmt.Errorf("extra body needs a JSON object body: %w", errMalformed)
}
