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
	// The data of the event being built is arena[dataStart:]: it is
	// written in place and handed out from there (takeData).
	arena     []byte
	dataStart int
	hasData   bool
	// filled is set when the last read filled the buffer: the body has
	// more than the buffer holds, so the next fill doubles it (up to
	// maxReadBuf) to read it in fewer calls.
	filled bool
}

// Events' data is written into blocks of at least arenaBlock bytes, one
// after another, and never written again once handed out, so small events
// cost no allocation of their own; an event kept by the caller keeps its
// block alive. After an event larger than arenaMax, the next event starts a
// new block, so a small event never pins a large one.
const (
	arenaBlock = 4 << 10
	arenaMax   = 1 << 10
)

// maxReadBuf bounds the growth of the read buffer for throughput; a line
// longer than the buffer grows it further, up to the event cap.
const maxReadBuf = 64 << 10

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
			d.dropData()
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
			if !d.hasData {
				d.dataStart = len(d.arena)
			}
			size := len(d.arena) - d.dataStart + len(value)
			if d.hasData {
				size++
			}
			if size > d.max {
				return Event{}, d.tooLarge()
			}
			d.reserve(size)
			if d.hasData {
				d.arena = append(d.arena, '\n')
			}
			d.arena = append(d.arena, value...)
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

// reserve makes room in the arena for the event's data to grow to size
// bytes, moving what it has so far to a new block if needed.
func (d *Decoder) reserve(size int) {
	if d.arena != nil && d.dataStart+size <= cap(d.arena) {
		return
	}
	sofar := d.arena[d.dataStart:]
	capacity := max(arenaBlock, 2*size)
	if len(sofar) == 0 && size > arenaMax {
		capacity = size // a large one-line event, handed over whole
	}
	nb := make([]byte, len(sofar), capacity)
	copy(nb, sofar)
	d.arena, d.dataStart = nb, 0
}

// takeData hands the event's data to the caller, who may keep it (for
// RawJSON), with its capacity cut to its length, so the caller's appends
// copy instead of writing over the next event.
func (d *Decoder) takeData() []byte {
	out := d.arena[d.dataStart:len(d.arena):len(d.arena)]
	d.hasData = false
	if len(out) > arenaMax {
		d.arena = nil
	}
	return out
}

// dropData forgets the event being built.
func (d *Decoder) dropData() {
	if d.hasData {
		d.arena = d.arena[:d.dataStart]
	}
	d.hasData = false
}

func (d *Decoder) tooLarge() error {
	d.dropData()
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
	if d.end != len(d.buf) && d.filled && len(d.buf) < maxReadBuf {
		nb := make([]byte, maxReadBuf)
		copy(nb, d.buf[d.start:d.end])
		d.buf, d.end, d.start = nb, d.end-d.start, 0
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
		d.filled = d.end == len(d.buf)
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
