package zai

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"github.com/zai-go/zai/internal/jsonx"
	"strconv"
)

// Decoding the server's messages. Audio deltas are most of a session's
// traffic (tens a second, each a few KiB of base64), so they have a
// reflection-free path that decodes the base64 straight from the message
// into the one buffer the event keeps; every other event goes through
// encoding/json. The message buffer belongs to the reader and is reused:
// nothing decoded points into it.

// errNotJSONObject: a message that is not a JSON object cannot be an event.
var errNotJSONObject = errors.New("zai: realtime message is not a JSON object with a \"type\"")

// decodeRealtimeEvent types one message. It never fails: a message it
// cannot decode arrives as *RealtimeUnknownEvent with Err set. binary
// reports a binary frame, which the API may also send (as JSON).
func decodeRealtimeEvent(data []byte, binary bool, rd *realtimeDecoder) RealtimeEvent {
	typ, ok := realtimeTypeOf(data)
	if !ok || len(typ) == 0 {
		err := errNotJSONObject
		if binary {
			err = errors.New("zai: realtime binary message is not a JSON object with a \"type\"")
		}
		return &RealtimeUnknownEvent{Raw: bytes.Clone(data), Err: err}
	}
	if string(typ) == "response.audio.delta" {
		ev := new(RealtimeAudioDelta)
		if rd.audioDelta(ev, data) {
			return ev
		}
		// Odd input: encoding/json decides, from a zero value.
		*ev = RealtimeAudioDelta{}
	}
	newEvent, known := realtimeEvents[string(typ)]
	if !known {
		ev := &RealtimeUnknownEvent{Type: string(typ), Raw: bytes.Clone(data)}
		if !json.Valid(data) {
			ev.Err = errors.New("zai: realtime message is not valid JSON")
		}
		return ev
	}
	ev := newEvent()
	if err := json.Unmarshal(data, ev); err != nil {
		return &RealtimeUnknownEvent{Type: string(typ), Raw: bytes.Clone(data), Err: err}
	}
	return ev
}

// realtimeTypeOf finds the "type" member of a JSON object, reading no
// further than it, and returns its text (which points into data unless it
// had escapes). ok is false when data is not an object with a string
// "type".
func realtimeTypeOf(data []byte) ([]byte, bool) {
	r := jsonReader{Reader: jsonx.Reader{B: data}}
	if r.Peek() != '{' {
		return nil, false
	}
	r.I++
	if r.Peek() == '}' {
		return nil, false
	}
	for {
		key, ok := r.Key()
		if !ok {
			return nil, false
		}
		if string(key) == "type" {
			if r.Peek() != '"' {
				return nil, false
			}
			raw, flags, ok := r.RawString()
			if ok && flags != 0 {
				raw = []byte(r.unescape(raw))
			}
			return raw, ok
		}
		if !r.Skip() {
			return nil, false
		}
		if r.Peek() != ',' {
			return nil, false
		}
		r.I++
	}
}

// realtimeDecoder holds what one session's decoding reuses: the arena for
// short strings, and the ids that repeat on every delta of a response.
type realtimeDecoder struct {
	in                 interner
	responseID, itemID string
}

// The members of an audio delta, as encoding/json would match them.
var audioDeltaFields = []string{"type", "event_id", "client_timestamp", "response_id", "item_id", "output_index", "content_index", "delta"}

// audioDelta decodes a response.audio.delta as encoding/json would, or
// reports false for input it cannot decode exactly (escapes in the base64,
// a repeated key, a key in another case, a value of another type), which
// is then left to encoding/json. Its only allocations are the event and the
// PCM buffer (and, now and then, an arena block for the event id).
func (rd *realtimeDecoder) audioDelta(e *RealtimeAudioDelta, data []byte) bool {
	r := jsonReader{Reader: jsonx.Reader{B: data}, in: &rd.in}
	if r.Peek() != '{' {
		return false
	}
	r.I++
	if r.Peek() == '}' {
		r.I++
		r.WS()
		return r.I == len(r.B)
	}
	var seen uint
	for {
		key, ok := r.Key()
		if !ok {
			return false
		}
		field := -1
		for i, f := range audioDeltaFields {
			if string(key) == f {
				field = i
				break
			}
		}
		if field < 0 {
			if !r.unknown(key, audioDeltaFields) {
				return false
			}
		} else {
			if seen&(1<<field) != 0 {
				return false // encoding/json keeps the last; let it
			}
			seen |= 1 << field
			switch field {
			case 0:
				ok = r.Peek() == '"'
				if ok {
					_, _, ok = r.RawString()
				}
			case 1:
				ok = r.str(&e.EventID, noIntern)
			case 2:
				ok = decInt(&r, &e.ClientTimestamp)
			case 3:
				ok = r.repeated(&e.ResponseID, &rd.responseID)
			case 4:
				ok = r.repeated(&e.ItemID, &rd.itemID)
			case 5:
				ok = decInt(&r, &e.OutputIndex)
			case 6:
				ok = decInt(&r, &e.ContentIndex)
			case 7:
				ok = r.base64(&e.Delta)
			}
			if !ok {
				return false
			}
		}
		switch r.Peek() {
		case ',':
			r.I++
		case '}':
			r.I++
			r.WS()
			return r.I == len(r.B)
		default:
			return false
		}
	}
}

// repeated reads a plain string into dst, reusing *last when equal: the ids
// of a response repeat on each of its deltas.
func (r *jsonReader) repeated(dst, last *string) bool {
	if r.Peek() != '"' {
		return r.str(dst, noIntern)
	}
	start := r.I
	raw, flags, ok := r.RawString()
	if !ok {
		return false
	}
	if flags != 0 {
		r.I = start
		return r.str(dst, noIntern)
	}
	if string(raw) != *last {
		*last = string(raw)
	}
	*dst = *last
	return true
}

// base64 decodes a string of standard base64 into a new buffer, as
// encoding/json decodes a []byte; null leaves dst nil. The closing quote is
// found with one fast scan: a backslash or any other byte outside the
// alphabet fails the decoding (and encoding/json then decides), except the
// line breaks the decoder would skip, which JSON forbids raw.
func (r *jsonReader) base64(dst *[]byte) bool {
	switch r.Peek() {
	case 'n':
		*dst = nil
		return r.Null()
	case '"':
	default:
		return false
	}
	start := r.I + 1
	end := bytes.IndexByte(r.B[start:], '"')
	if end < 0 {
		return false
	}
	raw := r.B[start : start+end]
	if bytes.IndexByte(raw, '\n') >= 0 || bytes.IndexByte(raw, '\r') >= 0 {
		return false
	}
	buf := make([]byte, base64.StdEncoding.DecodedLen(len(raw)))
	n, err := base64.StdEncoding.Decode(buf, raw)
	if err != nil {
		return false
	}
	r.I = start + end + 1
	*dst = buf[:n]
	return true
}

// appendAudioEvent writes an audio or video frame append with its bytes in
// base64, without encoding/json's reflection and extra copy.
func appendAudioEvent(dst []byte, typ, field, eventID string, ts int64, data []byte) []byte {
	dst = append(dst, `{"type":`...)
	dst = appendJSONString(dst, typ)
	if eventID != "" {
		dst = append(dst, `,"event_id":`...)
		dst = appendJSONString(dst, eventID)
	}
	if ts != 0 {
		dst = append(dst, `,"client_timestamp":`...)
		dst = strconv.AppendInt(dst, ts, 10)
	}
	dst = append(dst, `,"`...)
	dst = append(dst, field...)
	if data == nil {
		return append(dst, `":null}`...)
	}
	dst = append(dst, `":"`...)
	dst = base64.StdEncoding.AppendEncode(dst, data)
	return append(dst, `"}`...)
}
