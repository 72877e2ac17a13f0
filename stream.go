package zai

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zai-go/zai/internal/core"
	"github.com/zai-go/zai/internal/redact"
	"github.com/zai-go/zai/internal/sse"
)

// Stream reads a server-sent event stream of T values, such as
// ChatCompletionChunk. Use Next, Current and Err:
//
//	for stream.Next() {
//		chunk := stream.Current()
//	}
//	if err := stream.Err(); err != nil { ... }
//
// or range over All, which closes the stream when the loop ends:
//
//	for chunk, err := range stream.All() { ... }
//
// A stream ends cleanly at "data: [DONE]", or at the end of the body after a
// chunk that carries a finish reason. A body that ends any other way is
// io.ErrUnexpectedEOF; an error event is an *APIError with InStream set.
// The stream closes its body as soon as it ends.
type Stream[T any] struct {
	body      io.ReadCloser
	src       io.Reader // body, behind the idle timer when there is one
	dec       *sse.Decoder
	whole     *T              // a JSON body given in place of events, yet to be read
	ctx       context.Context // Background for NewStream
	requestID string
	idle      time.Duration
	maxEvent  int

	cur     T
	prepare func(*T) // sets what a chunk must know from the request, before decoding
	intern  interner // strings repeated across chunks, for fastDecoder
	err     error
	done    bool
	ended   bool // a chunk said it was the last (finish_reason)
	closer  sync.Once

	timer      *time.Timer
	idleFired  atomic.Bool
	userClosed atomic.Bool
	closeErr   error

	trace   *callTrace      // the call's observers; nil when none
	secrets *redact.Secrets // removed from the error that ends the stream
}

// streamEnder is implemented by chunk types that can mark the end of a
// stream, so that a body ending without [DONE] after such a chunk is a clean
// end rather than a truncation.
type streamEnder interface{ streamEnded() bool }

// streamFailer is implemented by event types that report a failure as an
// event of their own ({"type":"error",...} of the Q&A agent): the stream
// ends with the *APIError it returns, never yielding the event.
type streamFailer interface {
	streamFailure(requestID string) *APIError
}

// NewStream returns a Stream that decodes body. It is for tests and custom
// transports; the SDK's own methods return streams ready to read.
func NewStream[T any](body io.ReadCloser) *Stream[T] {
	return newStream[T](context.Background(), body, "", 0, 0)
}

func newStream[T any](ctx context.Context, body io.ReadCloser, requestID string, idle time.Duration, maxEvent int) *Stream[T] {
	s := &Stream[T]{body: body, src: body, ctx: ctx, requestID: requestID, idle: idle, maxEvent: maxEvent}
	if idle > 0 {
		// The timer runs only while a Read waits for the server (idleReader),
		// so it is made stopped. onIdle must not touch s.timer.
		s.timer = time.AfterFunc(math.MaxInt64, s.onIdle)
		s.timer.Stop()
		s.src = &idleReader{r: body, timer: s.timer, idle: idle}
	}
	s.dec = sse.NewDecoder(s.src, maxEvent)
	return s
}

func (s *Stream[T]) onIdle() {
	s.idleFired.Store(true)
	s.closer.Do(func() { s.closeErr = s.body.Close() })
}

// takeJSON handles a response typed as JSON, which a server may send in
// place of a stream, even with HTTP 200: a failure (as check sees it)
// becomes the error, anything else the stream's one value. A body that does
// not start with an object is left to the event decoder. The idle timer
// already runs, so a server that stalls here ends with ErrTimeout.
func (s *Stream[T]) takeJSON(status int, header http.Header, check func(int, http.Header, []byte) error) error {
	br := bufio.NewReader(s.src)
	s.dec = sse.NewDecoder(br, s.maxEvent)
	for {
		b, err := br.Peek(1)
		if err != nil || !isSpace(b[0]) {
			if err != nil || b[0] != '{' {
				return nil // let the stream report what it finds
			}
			break
		}
		br.Discard(1)
	}
	b, err := io.ReadAll(io.LimitReader(br, maxJSONInsteadOfStream))
	if err != nil {
		err = s.readError(err)
		s.closeBody()
		return err
	}
	s.closeBody()
	if check != nil {
		if err := check(status, header, b); err != nil {
			return err
		}
	}
	v := new(T)
	if s.prepare != nil {
		s.prepare(v)
	}
	if wd, ok := any(v).(wholeBodyDecoder); ok {
		err = wd.decodeWholeBody(b)
	} else {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		return &APIError{StatusCode: status, Message: "decoding response: " + err.Error(),
			RequestID: core.RequestID(header), rawBody: rawBody{b}}
	}
	if rs, ok := any(v).(rawSetter); ok {
		rs.setRawJSON(b)
	}
	s.whole = v
	return nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// wholeBodyDecoder is implemented by event types that can stand for a whole
// JSON response: a chunk made of a chat.completion carries its message as
// the delta, so nothing of the answer is lost.
type wholeBodyDecoder interface{ decodeWholeBody([]byte) error }

// idleReader runs the idle timer for the length of each Read of the body,
// and only then: it measures how long the server stays silent while the
// SDK waits for it (any bytes end the wait, keep-alive comments included),
// never the time the caller spends between Next calls with a chunk, nor
// slow generation as long as bytes keep coming.
type idleReader struct {
	r     io.Reader
	timer *time.Timer
	idle  time.Duration
}

func (r *idleReader) Read(p []byte) (int, error) {
	r.timer.Reset(r.idle)
	n, err := r.r.Read(p)
	r.timer.Stop()
	return n, err
}

var doneData = []byte("[DONE]")
var errorKey = []byte(`"error"`)

// Next advances to the next value, reporting false at the end of the stream
// or on an error (see Err).
func (s *Stream[T]) Next() bool {
	if s.done {
		return false
	}
	if s.whole != nil {
		s.cur, s.whole = *s.whole, nil
		s.done = true // the body is read and closed; Err stays nil
		if s.trace != nil {
			s.trace.chunk(&s.cur)
			s.trace.endStream(nil)
		}
		return true
	}
	for {
		ev, err := s.dec.Next()
		if err != nil {
			s.finish(s.readError(err))
			return false
		}
		data := ev.Data
		if ev.Type == "error" {
			s.finish(streamError(s.requestID, data))
			return false
		}
		if len(bytes.TrimSpace(data)) == 0 {
			continue // an empty data field is a heartbeat
		}
		if bytes.Equal(bytes.TrimSpace(data), doneData) {
			s.drain()
			s.finish(nil)
			return false
		}
		var zero T
		s.cur = zero
		if s.prepare != nil {
			s.prepare(&s.cur)
		}
		fd, fast := any(&s.cur).(fastDecoder)
		fast = fast && fd.decodeFast(data, &s.intern)
		// The fast path notes a top-level "error" key (in any case); without
		// one the probe below cannot find an error, so it is skipped.
		if (!fast || s.intern.errorMember) && bytes.Contains(data, errorKey) {
			if apiErr := inStreamError(s.requestID, data); apiErr != nil {
				s.finish(apiErr)
				return false
			}
		}
		if !fast {
			// The fast path declined (or T has none): decode from scratch
			// with encoding/json, which also gives its exact error.
			s.cur = zero
			if s.prepare != nil {
				s.prepare(&s.cur)
			}
			if err := json.Unmarshal(data, &s.cur); err != nil {
				s.finish(fmt.Errorf("zai: decoding stream event: %w", err))
				return false
			}
		}
		if rs, ok := any(&s.cur).(rawSetter); ok {
			rs.setRawJSON(data)
		}
		if f, ok := any(&s.cur).(streamFailer); ok {
			if apiErr := f.streamFailure(s.requestID); apiErr != nil {
				s.finish(apiErr)
				return false
			}
		}
		if e, ok := any(&s.cur).(streamEnder); ok && e.streamEnded() {
			s.ended = true
		}
		if s.trace != nil {
			s.trace.chunk(&s.cur)
		}
		return true
	}
}

// inStreamError returns an *APIError if data is an object with a non-null
// top-level "error" member.
func inStreamError(requestID string, data []byte) *APIError {
	var probe struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(data, &probe) != nil {
		return nil
	}
	if e := bytes.TrimSpace(probe.Error); len(e) == 0 || string(e) == "null" || string(e) == "{}" {
		return nil
	}
	return streamError(requestID, data)
}

// readError explains why the body stopped.
func (s *Stream[T]) readError(err error) error {
	switch {
	case s.userClosed.Load():
		return ErrStreamClosed
	case s.idleFired.Load():
		return &idleTimeoutError{after: s.idle}
	case s.ctx.Err() != nil:
		return s.ctx.Err()
	case err == io.EOF:
		if s.ended {
			return nil
		}
		return fmt.Errorf("zai: stream ended without [DONE] or a finish reason: %w", io.ErrUnexpectedEOF)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("zai: stream ended in the middle of an event: %w", io.ErrUnexpectedEOF)
	case errors.Is(err, sse.ErrEventTooLarge):
		return fmt.Errorf("zai: %w", err)
	}
	return fmt.Errorf("zai: reading stream: %w", err)
}

// idleTimeoutError reports a stream silent for longer than its idle timeout.
type idleTimeoutError struct{ after time.Duration }

func (e *idleTimeoutError) Error() string {
	return fmt.Sprintf("zai: stream idle for %s", e.after)
}

func (e *idleTimeoutError) Is(target error) bool {
	return target == ErrTimeout || target == context.DeadlineExceeded
}

func (s *Stream[T]) finish(err error) {
	err = redactError(s.secrets, err) // the edge of settings.leave, for a stream
	s.err = err
	s.done = true
	var zero T
	s.cur = zero
	s.closeBody()
	if s.trace != nil {
		s.trace.endStream(err)
	}
}

// Draining bounds: a server normally ends the body right after [DONE].
const (
	drainBytes = 4 << 10
	drainWait  = 100 * time.Millisecond
)

// drain reads what follows [DONE], up to drainBytes or drainWait, so that the
// connection can go back to the pool: net/http closes a connection whose
// body is closed before its end.
func (s *Stream[T]) drain() {
	t := time.AfterFunc(drainWait, func() { s.body.Close() })
	defer t.Stop()
	_, _ = io.CopyN(io.Discard, s.src, drainBytes)
}

// Current returns the value read by the last successful Next.
func (s *Stream[T]) Current() T { return s.cur }

// Err returns the error that ended the stream, or nil if it ended cleanly.
// After the context is cancelled it is the context's error; after Close
// interrupts a read it is ErrStreamClosed.
func (s *Stream[T]) Err() error { return s.err }

// Close stops the stream and releases its connection. It is idempotent and
// safe to call from another goroutine while Next is blocked. A stream read
// to its end returns its connection to the pool; one closed before its end
// drops the connection, since the rest of the body cannot be skipped.
func (s *Stream[T]) Close() error {
	s.userClosed.Store(true)
	s.closeBody()
	if s.trace != nil {
		s.trace.endStream(nil) // a stream closed early ends its call without an error
	}
	return s.closeErr
}

func (s *Stream[T]) closeBody() {
	s.closer.Do(func() {
		if s.timer != nil {
			s.timer.Stop()
		}
		s.closeErr = s.body.Close()
	})
}

// All returns an iterator over the stream's values. It yields (value, nil)
// for each value and, if the stream failed, (zero, err) once at the end. The
// stream is closed when the loop ends, including on break.
func (s *Stream[T]) All() iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		defer s.Close()
		for s.Next() {
			if !yield(s.cur, nil) {
				return
			}
		}
		if err := s.Err(); err != nil {
			var zero T
			yield(zero, err)
		}
	}
}

// RequestID returns the request id of the response (the X-Log-Id header),
// with any secret a server echoed into it removed.
func (s *Stream[T]) RequestID() string { return s.requestID }

// maxJSONInsteadOfStream caps a plain JSON body read in place of a stream.
const maxJSONInsteadOfStream = 32 << 20
