// Package sse decodes a text/event-stream body as the WHATWG HTML standard
// describes it: "data:" fields over several lines, "event:", "id:", "retry:",
// comments, lines ended by CRLF, LF or a lone CR, and one UTF-8 byte order
// mark ignored at the start of the stream.
//
// The decoder keeps its own growable buffer instead of bufio.Scanner, so there
// is no per-line limit below the event cap, and a line or event larger than the
// cap is reported as ErrEventTooLarge instead of bufio.ErrTooLong.
package sse

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"time"
)

// DefaultMaxEventSize is the largest event a Decoder accepts unless told
// otherwise: 32 MiB, which holds a base64 image or audio chunk with room to
// spare.
const DefaultMaxEventSize = 32 << 20

// ErrEventTooLarge reports an event (or a single line) larger than the cap.
var ErrEventTooLarge = errors.New("sse: event exceeds the maximum size")

// Event is one dispatched server-sent event.
type Event struct {
	// Type is the "event:" field; empty means the default "message" type.
	Type string
	// ID is the last "id:" field seen, which persists across events.
	ID string
	// Data is the "data:" fields joined by "\n". The slice is owned by the
	// caller: the decoder never writes to it again.
	Data []byte
	// Retry is the reconnection time from a "retry:" field in this event, or 0.
	Retry time.Duration
}

const initialBufSize = 4 << 10

// lineSlack lets a line hold a field name and colon on top of max bytes of
// value; a longer line is an error whether or not it has been terminated.
const lineSlack = 64

// Decoder reads events from an io.Reader.
type Decoder struct {
	r       io.Reader
	buf     []byte
	start   int // first unread byte
	end     int // one past the last buffered byte
	max     int
	rerr    error // sticky read error, returned once the buffer is drained
	skipLF  bool  // previous line ended with a lone CR; drop a following LF
	started bool  // the start of the stream has been checked for a BOM
	lastID  string
	data    []byte // data of the event being built
	hasData bool
}

// NewDecoder returns a Decoder that reads r. maxEventSize <= 0 means
// DefaultMaxEventSize.
func NewDecoder(r io.Reader, maxEventSize int) *Decoder {
	if maxEventSize <= 0 {
		maxEventSize = DefaultMaxEventSize
	}
	return &Decoder{r: r, max: maxEventSize}
}

// Next returns the next event. At the end of the input it returns io.EOF if
// the input ended cleanly between events, or io.ErrUnexpectedEOF if it ended
// in the middle of one. Any other read error is returned as it came.
func (d *Decoder) Next() (Event, error) {
	var ev Event
	var retry time.Duration
	inEvent := false
	for {
		line, err := d.readLine()
		if err != nil {
			if err == io.EOF && (inEvent || d.hasData) {
				// The spec discards an unterminated event; for an API client a
				// body that stops mid-event is a truncated response.
				err = io.ErrUnexpectedEOF
			}
			d.data, d.hasData = nil, false
			return Event{}, err
		}
		if len(line) == 0 {
			if !d.hasData {
				// Blank line with no data: dispatch nothing, reset the type.
				ev.Type, retry, inEvent = "", 0, false
				continue
			}
			ev.Data = d.takeData()
			ev.ID = d.lastID
			ev.Retry = retry
			return ev, nil
		}
		if line[0] == ':' {
			continue // comment, e.g. a keep-alive
		}
		inEvent = true
		name, value := line, []byte(nil)
		if i := bytes.IndexByte(line, ':'); i >= 0 {
			name, value = line[:i], line[i+1:]
			if len(value) > 0 && value[0] == ' ' {
				value = value[1:]
			}
		}
		switch string(name) {
		case "data":
			size := len(d.data) + len(value)
			if d.hasData {
				size++
			}
			if size > d.max {
				return Event{}, d.tooLarge()
			}
			if d.hasData {
				d.data = append(d.data, '\n')
			}
			d.data = append(d.data, value...)
			d.hasData = true
		case "event":
			ev.Type = string(value)
		case "id":
			if bytes.IndexByte(value, 0) < 0 {
				d.lastID = string(value)
			}
		case "retry":
			if ms, err := strconv.ParseUint(string(value), 10, 63); err == nil {
				retry = time.Duration(ms) * time.Millisecond
			}
		}
	}
}

// takeData hands the accumulated data to the caller, who may keep it (for
// RawJSON) without a copy. The next event's first append allocates exactly
// the size of its data.
func (d *Decoder) takeData() []byte {
	out := d.data
	d.data, d.hasData = nil, false
	if out == nil {
		out = []byte{}
	}
	return out
}

func (d *Decoder) tooLarge() error {
	d.data, d.hasData = nil, false
	d.rerr = ErrEventTooLarge
	d.start, d.end = 0, 0
	return ErrEventTooLarge
}

// utf8BOM is U+FEFF encoded in UTF-8.
const utf8BOM = "\xef\xbb\xbf"

// skipBOM drops one byte order mark at the very start of the stream, as the
// WHATWG rules require; without this the first field name would carry it and
// the first event would be lost. It reports false while too few bytes have
// arrived to tell.
func (d *Decoder) skipBOM() bool {
	window := d.buf[d.start:d.end]
	n := min(len(window), len(utf8BOM))
	switch {
	case string(window[:n]) != utf8BOM[:n]:
	case n == len(utf8BOM):
		d.start += n
	case d.rerr == nil:
		return false // a prefix of a BOM so far: read more
	}
	d.started = true
	return true
}

// readLine returns the next line without its terminator. The slice is valid
// until the next call.
func (d *Decoder) readLine() ([]byte, error) {
	scanned := 0 // bytes of the current unterminated line already searched
	for {
		if !d.started && !d.skipBOM() {
			d.fill()
			continue
		}
		if d.skipLF && d.start < d.end {
			if d.buf[d.start] == '\n' {
				d.start++
			}
			d.skipLF = false
		}
		window := d.buf[d.start:d.end]
		if i := bytes.IndexByte(window[scanned:], '\n'); i >= 0 {
			i += scanned
			line := window[:i]
			if j := bytes.IndexByte(line, '\r'); j >= 0 {
				// A CR ends the line first: either CRLF or a lone CR.
				line = window[:j]
				if j+1 < len(window) && window[j+1] == '\n' {
					d.start += j + 2
				} else {
					d.start += j + 1
				}
			} else {
				d.start += i + 1
			}
			if len(line) > d.max+lineSlack {
				return nil, d.tooLarge()
			}
			return line, nil
		}
		if j := bytes.IndexByte(window[scanned:], '\r'); j >= 0 {
			// A lone CR (no LF after it in the buffer) ends a line. If it is
			// the last buffered byte, an LF may still follow: skip it later.
			j += scanned
			line := window[:j]
			d.start += j + 1
			if d.start == d.end {
				d.skipLF = true
			}
			if len(line) > d.max+lineSlack {
				return nil, d.tooLarge()
			}
			return line, nil
		}
		scanned = len(window)
		if len(window) > d.max+lineSlack {
			return nil, d.tooLarge()
		}
		if d.rerr != nil {
			if len(window) > 0 {
				// Final line without a terminator: the stream was cut.
				d.start = d.end
				if d.rerr == io.EOF {
					return nil, io.ErrUnexpectedEOF
				}
			}
			return nil, d.rerr
		}
		d.fill()
	}
}

// fill reads more input, compacting or growing the buffer as needed.
func (d *Decoder) fill() {
	if d.buf == nil {
		d.buf = make([]byte, initialBufSize)
	}
	if d.start > 0 && (d.end == len(d.buf) || d.start == d.end) {
		n := copy(d.buf, d.buf[d.start:d.end])
		d.start, d.end = 0, n
	}
	if d.end == len(d.buf) {
		size := 2 * len(d.buf)
		if limit := d.max + lineSlack + 2; size > limit {
			size = limit // room for the longest line plus a CRLF, and no more
		}
		if size <= len(d.buf) {
			d.rerr = ErrEventTooLarge
			return
		}
		nb := make([]byte, size)
		copy(nb, d.buf[d.start:d.end])
		d.buf, d.end, d.start = nb, d.end-d.start, 0
	}
	for tries := 0; tries < 100; tries++ {
		n, err := d.r.Read(d.buf[d.end:])
		d.end += n
		if err != nil {
			d.rerr = err
			return
		}
		if n > 0 {
			return
		}
	}
	d.rerr = io.ErrNoProgress
}
