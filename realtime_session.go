package zai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// RealtimeSession is an open GLM-Realtime session, from Realtime.Connect.
//
//	defer sess.Close()
//	go func() {
//		for chunk := range microphone {
//			sess.AppendAudio(ctx, chunk) // server VAD hears when the user stops
//		}
//	}()
//	for ev, err := range sess.Events() {
//		if err != nil {
//			return err // the session ended: closed, dropped or silent
//		}
//		switch e := ev.(type) {
//		case *zai.RealtimeAudioDelta:
//			speaker.Write(e.PCM())
//		case *zai.RealtimeTranscriptDone:
//			fmt.Println(e.Transcript)
//		}
//	}
//
// Send and its helpers (AppendAudio, Commit, CreateResponse ...) may be
// called from any number of goroutines; their writes go out one at a time.
// A send's ctx bounds its wait for the socket; if it ends while the event is
// being written, the session ends too, since half an event cannot be taken
// back.
//
// The session owns one goroutine, which reads the socket and decodes each
// message; Events hands the events on, in order, to one consumer at a time.
// When the consumer falls behind, the reader waits (it never drops an event
// nor buffers without bound). The server sends a heartbeat every 30 s:
// silence longer than WithStreamIdleTimeout (65 s when unset) ends the
// session with an error matching ErrTimeout. There is no reconnection: a
// session that ends stays ended, and Events says why. To end it when a
// context ends, tie them: context.AfterFunc(ctx, func() { sess.Close() }).
type RealtimeSession struct {
	conn     *websocket.Conn
	settings *settings
	idle     time.Duration
	timer    *time.Timer // restarted by every byte read; stopped while an event waits for Events

	ctx    context.Context // the socket's life: cancelled at shutdown
	cancel context.CancelFunc

	events     chan RealtimeEvent // from the reader, which closes it when it stops
	readerDone chan struct{}

	mu    sync.Mutex
	early []RealtimeEvent // read while Connect waited; Events yields them first

	writeMu chan struct{} // held by the one write under way

	done      chan struct{} // closed when the session ends, err set
	endOnce   sync.Once
	err       error
	closeOnce sync.Once
}

func newRealtimeSession(conn *websocket.Conn, s *settings) *RealtimeSession {
	ctx, cancel := context.WithCancel(context.Background())
	idle := s.StreamIdleTimeout
	if idle <= 0 {
		idle = defaultRealtimeIdle
	}
	sess := &RealtimeSession{
		conn: conn, settings: s, idle: idle, ctx: ctx, cancel: cancel,
		events: make(chan RealtimeEvent, 16), readerDone: make(chan struct{}),
		writeMu: make(chan struct{}, 1), done: make(chan struct{}),
	}
	// onIdle must not touch sess.timer: it may fire before AfterFunc returns.
	sess.timer = time.AfterFunc(idle, sess.onIdle)
	go sess.read()
	return sess
}

// Events returns an iterator over the server's events, in order, typed
// (see RealtimeEvent). Most error events (*RealtimeError) leave the session
// open and arrive as events. The session's own end arrives once, last, as
// (nil, err): ErrStreamClosed after Close, an error matching ErrTimeout
// after a silence, ErrStreamEventTooLarge for a message over
// WithMaxStreamEventSize, and otherwise one matching io.ErrUnexpectedEOF
// that says how the connection ended (the server's close status and reason,
// or the lost connection).
//
// Breaking out of the loop leaves the session open; ranging again goes on
// where it stopped. Range it from one goroutine at a time.
func (s *RealtimeSession) Events() iter.Seq2[RealtimeEvent, error] {
	return func(yield func(RealtimeEvent, error) bool) {
		for {
			ev, ok := s.next()
			if !ok {
				break
			}
			if !yield(ev, nil) {
				return
			}
		}
		yield(nil, s.Err())
	}
}

// next returns the next event, or false once the session has ended and
// its events are delivered (after Close, at once).
func (s *RealtimeSession) next() (RealtimeEvent, bool) {
	if s.Err() == ErrStreamClosed {
		return nil, false
	}
	s.mu.Lock()
	if len(s.early) > 0 {
		ev := s.early[0]
		s.early = s.early[1:]
		s.mu.Unlock()
		return ev, true
	}
	s.mu.Unlock()
	ev, ok := <-s.events
	if !ok || s.Err() == ErrStreamClosed {
		return nil, false
	}
	return ev, true
}

// String describes the session without its key: "zai.RealtimeSession{open}"
// or, once it has ended, why.
func (s *RealtimeSession) String() string {
	if err := s.Err(); err != nil {
		return "zai.RealtimeSession{ended: " + err.Error() + "}"
	}
	return "zai.RealtimeSession{open}"
}

// Format prints String for every verb, so %+v and %#v cannot reveal the
// client's settings.
func (s *RealtimeSession) Format(f fmt.State, _ rune) { fmt.Fprint(f, s.String()) }

// Err returns why the session ended, or nil while it is open.
func (s *RealtimeSession) Err() error {
	select {
	case <-s.done:
		return s.err
	default:
		return nil
	}
}

// Close ends the session: it sends a close frame, waits for the server's
// answer (at most a few seconds), and stops the reader. Events then ends
// with ErrStreamClosed. Close is idempotent and safe to call from any
// goroutine.
func (s *RealtimeSession) Close() error {
	s.abort(ErrStreamClosed)
	return nil
}

// abort ends the session with err (unless it had ended) and releases it.
func (s *RealtimeSession) abort(err error) {
	s.closeOnce.Do(func() {
		s.shutdown(s.end(err) && err == ErrStreamClosed)
	})
}

// shutdown closes the socket, politely when the session was still healthy,
// and waits for the reader to stop.
func (s *RealtimeSession) shutdown(polite bool) {
	if polite {
		s.conn.Close(websocket.StatusNormalClosure, "")
	}
	s.conn.CloseNow()
	s.cancel()
	<-s.readerDone
	s.timer.Stop()
}

// end records why the session ended; the first cause wins. It reports
// whether this call ended it.
func (s *RealtimeSession) end(err error) bool {
	first := false
	s.endOnce.Do(func() {
		s.err, first = err, true
		close(s.done)
	})
	return first
}

// fail ends the session on a fault and drops the socket at once.
func (s *RealtimeSession) fail(err error) {
	if s.end(err) {
		s.conn.CloseNow()
	}
}

func (s *RealtimeSession) onIdle() {
	s.fail(&realtimeTimeoutError{
		msg: fmt.Sprintf("realtime session silent for %s (no event, and no heartbeat, which the server sends every 30 s)", s.idle),
	})
}

// maxKeptBuffer is the largest read buffer kept between messages.
const maxKeptBuffer = 1 << 20

// read is the session's one reader.
func (s *RealtimeSession) read() {
	defer close(s.readerDone)
	defer close(s.events)
	var rd realtimeDecoder
	var buf []byte
	for {
		typ, r, err := s.conn.Reader(s.ctx)
		if err == nil {
			buf, err = s.readMessage(r, buf[:0])
		}
		if err != nil {
			s.fail(s.readError(err))
			return
		}
		ev := decodeRealtimeEvent(buf, typ == websocket.MessageBinary, &rd)
		s.redactEvent(ev)
		if cap(buf) > maxKeptBuffer {
			buf = nil
		}
		// A consumer that takes its time is not a silent server: the
		// silence timer waits while the event does.
		s.timer.Stop()
		select {
		case s.events <- ev:
			s.timer.Reset(s.idle)
		case <-s.done:
			return
		}
	}
}

// readMessage reads one message into buf, restarting the silence timer as
// bytes arrive, so a large message on a slow link is not silence.
func (s *RealtimeSession) readMessage(r io.Reader, buf []byte) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if n > 0 {
			s.timer.Reset(s.idle)
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// readError explains why the socket stopped.
func (s *RealtimeSession) readError(err error) error {
	var ce websocket.CloseError
	switch {
	case errors.As(err, &ce):
		ce.Reason = redactRealtimeText(s.settings, ce.Reason)
		return &realtimeEndError{msg: fmt.Sprintf("realtime session closed by the server: status %d (%s)%s",
			int(ce.Code), ce.Code, reasonText(ce.Reason)), err: ce}
	case errors.Is(err, websocket.ErrMessageTooBig):
		return fmt.Errorf("zai: realtime message over %d bytes (see WithMaxStreamEventSize): %w",
			realtimeReadLimit(s.settings), ErrStreamEventTooLarge)
	}
	return redactRealtime(s.settings, lostConnection(err))
}

// lostConnection is the end of a socket that failed without a close frame.
func lostConnection(err error) error {
	return &realtimeEndError{msg: "realtime connection lost: " + err.Error(), err: err}
}

func reasonText(reason string) string {
	if reason == "" {
		return ""
	}
	return ": " + reason
}

// redactEvent cleans the texts of the events that can echo the request,
// and the key with it: error events and messages that were not decoded.
func (s *RealtimeSession) redactEvent(ev RealtimeEvent) {
	clean := func(t *string) { *t = redactRealtimeText(s.settings, *t) }
	switch e := ev.(type) {
	case *RealtimeError:
		clean(&e.Type)
		clean(&e.Code)
		clean(&e.Message)
		clean(&e.Param)
	case *RealtimeInputTranscriptionFailed:
		clean(&e.Error.Type)
		clean(&e.Error.Code)
		clean(&e.Error.Message)
		clean(&e.Error.Param)
	case *RealtimeUnknownEvent:
		if raw := redactRealtimeText(s.settings, string(e.Raw)); raw != string(e.Raw) {
			e.Raw = []byte(raw)
		}
	}
}

// awaitUpdated waits for the answer to Connect's session.update, keeping
// what arrives for Events.
func (s *RealtimeSession) awaitUpdated(ctx context.Context) error {
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				return fmt.Errorf("%w (realtime: waiting for session.updated)", s.Err())
			}
			s.mu.Lock()
			s.early = append(s.early, ev)
			s.mu.Unlock()
			switch e := ev.(type) {
			case *RealtimeSessionUpdated:
				return nil
			case *RealtimeError:
				return e // the server refused the configuration
			}
		case <-ctx.Done():
			return fmt.Errorf("zai: realtime: waiting for session.updated: %w", ctx.Err())
		}
	}
}

// Send sends any client event, such as RealtimeSessionUpdate or
// RealtimeItemCreate. An event the server would refuse (no audio, an item
// without content, a session config with an unknown format ...) is refused
// with ErrInvalidRequest before anything is written. After the session has
// ended, Send returns why.
func (s *RealtimeSession) Send(ctx context.Context, event RealtimeClientEvent) error {
	if event == nil {
		return invalidf("realtime: Send(nil)")
	}
	if err := event.check(); err != nil {
		return err
	}
	b, err := encodeClientEvent(event)
	if err != nil {
		return invalidf("realtime: encoding %s: %v", event.EventType(), err)
	}
	return s.write(ctx, event.EventType(), b)
}

// encodeClientEvent writes an event's JSON; audio and frames are written
// directly, their base64 without a second copy.
func encodeClientEvent(event RealtimeClientEvent) ([]byte, error) {
	switch e := event.(type) {
	case RealtimeAudioAppend:
		return e.MarshalJSON()
	case RealtimeVideoFrameAppend:
		return e.MarshalJSON()
	}
	return json.Marshal(event)
}

// AppendAudio sends audio in the session's input format
// (input_audio_buffer.append): raw bytes, such as PCM from a microphone or
// a WAV file, which travel in base64. With server VAD, stream it as it is
// recorded; with client VAD, follow a turn's audio with Commit and
// CreateResponse.
func (s *RealtimeSession) AppendAudio(ctx context.Context, audio []byte) error {
	if len(audio) == 0 {
		return invalidf("realtime: appending no audio")
	}
	return s.writeBytes(ctx, "input_audio_buffer.append", "audio", audio)
}

// AppendVideoFrame sends a JPEG frame in video mode
// (input_audio_buffer.append_video_frame). With client VAD, send frames at
// the session's rate; at least one must precede each response.
func (s *RealtimeSession) AppendVideoFrame(ctx context.Context, jpeg []byte) error {
	if err := (RealtimeVideoFrameAppend{VideoFrame: jpeg}).check(); err != nil {
		return err
	}
	return s.writeBytes(ctx, "input_audio_buffer.append_video_frame", "video_frame", jpeg)
}

// Commit ends the user's turn with client VAD (input_audio_buffer.commit):
// the appended audio, and any frames, become a conversation item.
func (s *RealtimeSession) Commit(ctx context.Context) error {
	return s.write(ctx, "input_audio_buffer.commit", []byte(`{"type":"input_audio_buffer.commit"}`))
}

// Clear drops the appended audio (input_audio_buffer.clear).
func (s *RealtimeSession) Clear(ctx context.Context) error {
	return s.write(ctx, "input_audio_buffer.clear", []byte(`{"type":"input_audio_buffer.clear"}`))
}

// CreateResponse asks the model to answer (response.create): after Commit
// with client VAD, and after a function's output.
func (s *RealtimeSession) CreateResponse(ctx context.Context) error {
	return s.write(ctx, "response.create", []byte(`{"type":"response.create"}`))
}

// CancelResponse interrupts the response being generated
// (response.cancel), as when the user starts speaking with client VAD.
func (s *RealtimeSession) CancelResponse(ctx context.Context) error {
	return s.write(ctx, "response.cancel", []byte(`{"type":"response.cancel"}`))
}

// CreateItem adds an item to the conversation (conversation.item.create),
// such as a text message from the user; its object is "realtime.item" when
// unset.
func (s *RealtimeSession) CreateItem(ctx context.Context, item RealtimeItem) error {
	if item.Object == "" {
		item.Object = "realtime.item"
	}
	return s.Send(ctx, RealtimeItemCreate{Item: item})
}

// DeleteItem removes an item from the conversation
// (conversation.item.delete).
func (s *RealtimeSession) DeleteItem(ctx context.Context, itemID string) error {
	return s.Send(ctx, RealtimeItemDelete{ItemID: itemID})
}

// RetrieveItem asks for an item (conversation.item.retrieve); it arrives
// as *RealtimeItemRetrieved.
func (s *RealtimeSession) RetrieveItem(ctx context.Context, itemID string) error {
	return s.Send(ctx, RealtimeItemRetrieve{ItemID: itemID})
}

// SendFunctionOutput sends a function's result (conversation.item.create
// of a function_call_output item). callID is the call's CallID, or empty
// when the server gave none: outputs are then matched to calls by their
// order. Follow the outputs of a response's calls with CreateResponse, as
// RealtimeToolRunner does.
func (s *RealtimeSession) SendFunctionOutput(ctx context.Context, callID, output string) error {
	return s.Send(ctx, RealtimeItemCreate{Item: RealtimeItem{
		Type: RealtimeItemTypeFunctionCallOutput, Object: "realtime.item", CallID: callID, Output: output,
	}})
}

// realtimeBuffers recycles the buffers that audio appends are encoded into.
var realtimeBuffers = sync.Pool{New: func() any { return new([]byte) }}

// writeBytes sends an append of raw bytes, encoded into a pooled buffer.
func (s *RealtimeSession) writeBytes(ctx context.Context, typ, field string, data []byte) error {
	p := realtimeBuffers.Get().(*[]byte)
	*p = appendAudioEvent((*p)[:0], typ, field, "", 0, data)
	err := s.write(ctx, typ, *p)
	if cap(*p) <= maxKeptBuffer {
		realtimeBuffers.Put(p)
	}
	return err
}

// write sends one message. ctx bounds the wait for the socket; if it ends
// during the write itself, the session ends, since coder/websocket (and
// the protocol) cannot take back half a message.
func (s *RealtimeSession) write(ctx context.Context, typ string, b []byte) error {
	select {
	case <-s.done:
		return fmt.Errorf("%w (realtime: sending %s)", s.err, typ)
	default:
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("zai: realtime: sending %s: %w", typ, err)
	}
	select {
	case s.writeMu <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("zai: realtime: sending %s: %w", typ, ctx.Err())
	case <-s.done:
		return fmt.Errorf("%w (realtime: sending %s)", s.err, typ)
	}
	defer func() { <-s.writeMu }()
	if ctx.Done() != nil {
		var mu sync.Mutex
		writing := true
		stop := context.AfterFunc(ctx, func() {
			mu.Lock()
			defer mu.Unlock()
			if writing {
				s.fail(fmt.Errorf("zai: realtime: the context of a send of %s ended during the write, which ends the session: %w",
					typ, context.Cause(ctx)))
			}
		})
		defer func() {
			mu.Lock()
			writing = false
			mu.Unlock()
			stop()
		}()
	}
	if err := s.conn.Write(s.ctx, websocket.MessageText, b); err != nil {
		s.fail(redactRealtime(s.settings, lostConnection(err)))
		return fmt.Errorf("%w (realtime: sending %s)", s.Err(), typ)
	}
	return nil
}

// realtimeEndError is the end of a session the server caused: a close
// frame or a lost connection. It matches io.ErrUnexpectedEOF, and wraps the
// websocket.CloseError, if any.
type realtimeEndError struct {
	msg string
	err error
}

func (e *realtimeEndError) Error() string        { return "zai: " + e.msg }
func (e *realtimeEndError) Unwrap() error        { return e.err }
func (e *realtimeEndError) Is(target error) bool { return target == io.ErrUnexpectedEOF }

// realtimeTimeoutError is a session that fell silent, or a Connect that
// outlived WithRequestTimeout. It matches ErrTimeout and
// context.DeadlineExceeded.
type realtimeTimeoutError struct{ msg string }

func (e *realtimeTimeoutError) Error() string { return "zai: " + e.msg }
func (e *realtimeTimeoutError) Is(target error) bool {
	return target == ErrTimeout || target == context.DeadlineExceeded
}
