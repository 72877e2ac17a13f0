package zai_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/zai-go/zai"
)

// Faults of a realtime session, each on a real socket.

// TestRealtimeServerClosesMidResponse: the events that came are delivered,
// then the close, with its status and reason, ends Events.
func TestRealtimeServerClosesMidResponse(t *testing.T) {
	env := newRT(t, func(p *rtPeer) {
		p.ack()
		p.expect("response.create")
		p.send(`{"type":"response.created","response":{"id":"r1","object":"realtime.response","status":"in_progress"}}`)
		p.send(`{"type":"response.audio.delta","response_id":"r1","item_id":"i1","output_index":0,"content_index":0,"delta":"AAABAAIA"}`)
		p.c.Close(websocket.StatusInternalError, "upstream model failed")
	})
	sess := connect(t, env, zai.RealtimeSessionConfig{})
	if err := sess.CreateResponse(context.Background()); err != nil {
		t.Fatal(err)
	}
	evs, err := collectRT(sess, nil)
	if got := strings.Join(types(evs), " "); got != "session.updated heartbeat response.created response.audio.delta" {
		t.Errorf("events %s", got)
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) || websocket.CloseStatus(err) != websocket.StatusInternalError ||
		!strings.Contains(err.Error(), "closed by the server: status 1011") || !strings.Contains(err.Error(), "upstream model failed") {
		t.Fatalf("final error %v", err)
	}
	if err := sess.Commit(context.Background()); websocket.CloseStatus(err) != websocket.StatusInternalError {
		t.Errorf("Send after the server closed: %v", err)
	}
}

// TestRealtimeConnectionDropped: a socket cut without a close frame ends
// Events with an error that says so.
func TestRealtimeConnectionDropped(t *testing.T) {
	env := newRT(t, func(p *rtPeer) {
		p.ack()
		p.send(`{"type":"response.text.delta","response_id":"r1","item_id":"i1","delta":"half"}`)
		p.c.CloseNow()
	})
	sess := connect(t, env, zai.RealtimeSessionConfig{})
	evs, err := collectRT(sess, nil)
	if len(evs) != 3 || !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), "realtime connection lost") {
		t.Fatalf("%v then %v", types(evs), err)
	}
}

// TestRealtimeLargeMessage: a 10 MiB audio delta arrives whole under the
// default limit (coder/websocket's own would stop at 32 KiB); over
// WithMaxStreamEventSize it ends the session with ErrStreamEventTooLarge.
func TestRealtimeLargeMessage(t *testing.T) {
	pcm := make([]byte, 10<<20)
	for i := range pcm {
		pcm[i] = byte(i * 31)
	}
	big := `{"type":"response.audio.delta","response_id":"r1","item_id":"i1","delta":"` + base64.StdEncoding.EncodeToString(pcm) + `"}`
	long := strings.Repeat("Speak softly. ", 20000)
	handler := func(p *rtPeer) {
		p.expect("session.update")
		p.send(`{"type":"session.updated","session":{"instructions":"` + long + `"}}`)
		p.send(big)
		p.send(`{"type":"heartbeat"}`)
		p.drain()
	}

	env := newRT(t, handler)
	sess := connect(t, env, zai.RealtimeSessionConfig{Instructions: long})
	evs, err := collectRT(sess, func(ev zai.RealtimeEvent) bool { return ev.EventType() == "heartbeat" })
	if err != nil {
		t.Fatal(err)
	}
	if upd := evs[0].(*zai.RealtimeSessionUpdated); upd.Session.Instructions != long {
		t.Errorf("instructions of %d bytes came back as %d", len(long), len(upd.Session.Instructions))
	}
	if d, ok := evs[1].(*zai.RealtimeAudioDelta); !ok || !bytes.Equal(d.PCM(), pcm) {
		t.Fatalf("the 10 MiB delta arrived as %T", evs[1])
	}
	sess.Close()

	env = newRT(t, handler, zai.WithMaxStreamEventSize(1<<20))
	sess = connect(t, env, zai.RealtimeSessionConfig{})
	evs, err = collectRT(sess, nil)
	if !errors.Is(err, zai.ErrStreamEventTooLarge) || len(evs) != 1 {
		t.Fatalf("%v then %v", types(evs), err)
	}
}

// TestRealtimeGarbage: messages that are not events arrive as
// *RealtimeUnknownEvent with Err set, binary ones too, and the session goes
// on; an unknown type arrives with its raw JSON and no Err.
func TestRealtimeGarbage(t *testing.T) {
	env := newRT(t, func(p *rtPeer) {
		p.ack()
		p.send("not json at all")
		p.send(`{"type":"response.text.delta","delta":`) // cut short
		p.send("")
		p.send(`[1,2,3]`)
		p.send(`{"type":5}`)
		p.send(`{"type":"response.audio.delta","response_id":"r1","delta":"!!! not base64"}`)
		p.send(`{"type":"response.text.delta","output_index":"zero"}`)
		p.send(`{"type":"response.video.delta","frame":"..."}`)
		p.c.Write(context.Background(), websocket.MessageBinary, []byte{0x00, 0xFF, 0x13, 0x37})
		p.c.Write(context.Background(), websocket.MessageBinary, []byte(`{"type":"response.text.delta","response_id":"r1","item_id":"i1","delta":"binary JSON"}`))
		p.send(`{"type":"heartbeat"}`)
		p.drain()
	})
	sess := connect(t, env, zai.RealtimeSessionConfig{})
	var got []zai.RealtimeEvent
	for ev, err := range sess.Events() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ev)
		if ev.EventType() == "heartbeat" && len(got) > 2 {
			break
		}
	}
	got = got[2:]
	if len(got) != 11 {
		t.Fatalf("%d events: %v", len(got), types(got))
	}
	for i := range 7 {
		u, ok := got[i].(*zai.RealtimeUnknownEvent)
		if !ok || u.Err == nil {
			t.Errorf("message %d arrived as %#v", i, got[i])
		}
	}
	if u := got[6].(*zai.RealtimeUnknownEvent); u.Type != "response.text.delta" || !strings.Contains(u.Err.Error(), "output_index") {
		t.Errorf("mistyped field: %+v", u)
	}
	if u, ok := got[7].(*zai.RealtimeUnknownEvent); !ok || u.Err != nil || u.Type != "response.video.delta" || string(u.Raw) != `{"type":"response.video.delta","frame":"..."}` {
		t.Errorf("unknown type: %#v", got[7])
	}
	if u, ok := got[8].(*zai.RealtimeUnknownEvent); !ok || !strings.Contains(u.Err.Error(), "binary") || !bytes.Equal(u.Raw, []byte{0x00, 0xFF, 0x13, 0x37}) {
		t.Errorf("binary garbage: %#v", got[8])
	}
	if d, ok := got[9].(*zai.RealtimeTextDelta); !ok || d.Delta != "binary JSON" {
		t.Errorf("binary JSON: %#v", got[9])
	}
	if _, ok := got[10].(*zai.RealtimeHeartbeat); !ok {
		t.Errorf("the session did not go on: %#v", got[10])
	}
}

// TestRealtimeConcurrentSends: 100 goroutines sending at once; every
// message arrives whole, once (run with -race).
func TestRealtimeConcurrentSends(t *testing.T) {
	const senders, each = 100, 10
	received := make(chan []byte, senders*each)
	env := newRT(t, func(p *rtPeer) {
		p.ack()
		for {
			typ, raw, ok := p.read()
			if !ok {
				return
			}
			if typ == "input_audio_buffer.append" {
				received <- raw
			}
		}
	})
	sess := connect(t, env, zai.RealtimeSessionConfig{})
	var wg sync.WaitGroup
	for g := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				payload := bytes.Repeat([]byte(fmt.Sprintf("%03d-%02d|", g, i)), 100+g)
				if err := sess.AppendAudio(context.Background(), payload); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for range senders * each {
		var raw []byte
		select {
		case raw = <-received:
		case <-time.After(10 * time.Second):
			t.Fatalf("%d of %d messages arrived", len(seen), senders*each)
		}
		var m struct {
			Audio []byte `json:"audio"`
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("a message arrived broken: %v", err)
		}
		tag := string(m.Audio[:7])
		if !bytes.Equal(m.Audio, bytes.Repeat([]byte(tag), len(m.Audio)/len(tag))) || seen[tag] {
			t.Fatalf("message %s arrived mangled or twice", tag)
		}
		seen[tag] = true
	}
}

// TestRealtimeHeartbeatStops: silence past WithStreamIdleTimeout ends the
// session with ErrTimeout and closes the socket; heartbeats keep it open.
func TestRealtimeHeartbeatStops(t *testing.T) {
	gone := make(chan struct{})
	env := newRT(t, func(p *rtPeer) {
		p.ack()
		for range 5 { // 750 ms of heartbeats: longer than the limit
			time.Sleep(150 * time.Millisecond)
			p.send(`{"type":"heartbeat"}`)
		}
		p.drain() // silent from here; returns when the client drops the socket
		close(gone)
	}, zai.WithStreamIdleTimeout(400*time.Millisecond))
	sess := connect(t, env, zai.RealtimeSessionConfig{})
	evs, err := collectRT(sess, nil)
	if !errors.Is(err, zai.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "silent for 400ms") {
		t.Fatalf("final error %v", err)
	}
	if n := len(evs); n != 7 {
		t.Errorf("%d events before the silence, want 7: %v", n, types(evs))
	}
	select {
	case <-gone:
	case <-time.After(5 * time.Second):
		t.Fatal("the client kept the silent socket open")
	}
}

// TestRealtimeSlowConsumerIsNotSilence: while the reader waits for a
// consumer slower than the silence limit, the heartbeats it cannot read yet
// are not silence.
func TestRealtimeSlowConsumerIsNotSilence(t *testing.T) {
	const deltas = 40 // more than the reader holds
	env := newRT(t, func(p *rtPeer) {
		p.ack()
		for range deltas {
			p.send(`{"type":"response.text.delta","response_id":"r1","item_id":"i1","delta":"x"}`)
		}
		done := make(chan struct{})
		go func() { p.drain(); close(done) }() // answers the client's close
		for p.send(`{"type":"heartbeat"}`) {
			time.Sleep(50 * time.Millisecond)
		}
		<-done
	}, zai.WithStreamIdleTimeout(300*time.Millisecond))
	sess := connect(t, env, zai.RealtimeSessionConfig{})
	n := 0
	for ev, err := range sess.Events() {
		if err != nil {
			t.Fatalf("after %d deltas: %v", n, err)
		}
		if _, ok := ev.(*zai.RealtimeTextDelta); ok {
			if n++; n == 1 {
				time.Sleep(600 * time.Millisecond) // the reader fills up and waits
			}
			if n == deltas {
				break
			}
		}
	}
	if err := sess.Err(); err != nil {
		t.Fatalf("the session ended: %v", err)
	}
}

// TestRealtimeCtxCancelledWhileEventsBlocked: a context tied to the session
// with context.AfterFunc ends an Events loop blocked on a silent server.
func TestRealtimeCtxCancelledWhileEventsBlocked(t *testing.T) {
	env := newRT(t, func(p *rtPeer) { p.ack(); p.drain() })
	sess := connect(t, env, zai.RealtimeSessionConfig{})
	ctx, cancel := context.WithCancel(context.Background())
	stop := context.AfterFunc(ctx, func() { sess.Close() })
	defer stop()
	done := make(chan error, 1)
	go func() {
		_, err := collectRT(sess, nil)
		done <- err
	}()
	time.Sleep(50 * time.Millisecond) // let Events block
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, zai.ErrStreamClosed) {
			t.Fatalf("Events ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Events still blocked after the cancel")
	}
}

// TestRealtimeSendCtxEndsDuringWrite: a send stuck behind a server that
// stops reading ends with its ctx, and so does the session (half a message
// cannot be taken back); a ctx that ends before the write leaves it open.
func TestRealtimeSendCtxEndsDuringWrite(t *testing.T) {
	release := make(chan struct{})
	env := newRT(t, func(p *rtPeer) {
		p.ack()
		<-release // stops reading: the client's writes back up
		p.drain()
	})
	sess := connect(t, env, zai.RealtimeSessionConfig{})
	defer close(release)

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sess.Commit(cancelled); !errors.Is(err, context.Canceled) || sess.Err() != nil {
		t.Fatalf("a cancelled ctx: %v; session %v", err, sess.Err())
	}

	// Send until a write is stuck (none has finished for 200 ms), then
	// cancel its ctx.
	chunk := make([]byte, 1<<20)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var sent atomic.Int64
	go func() {
		last := int64(-1)
		for {
			time.Sleep(200 * time.Millisecond)
			n := sent.Load()
			if n == last {
				stop()
				return
			}
			last = n
		}
	}()
	var err error
	for range 10000 {
		if err = sess.AppendAudio(ctx, chunk); err != nil {
			break
		}
		sent.Add(1)
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("the stuck send returned %v", err)
	}
	if end := sess.Err(); end == nil || !strings.Contains(end.Error(), "ended during the write") {
		t.Fatalf("the session: %v", end)
	}
}

// TestRealtimeKeyEchoed: the key echoed in an error event, in an event the
// SDK does not know, and in a close reason never reaches the program.
func TestRealtimeKeyEchoed(t *testing.T) {
	env := newRT(t, func(p *rtPeer) {
		p.ack()
		p.send(`{"type":"error","error":{"type":"invalid_request_error","code":"1001","message":"bad token Bearer ` + rtKey + `","param":"` + rtKey + `"}}`)
		p.send(`{"type":"debug.echo","header":"Bearer ` + rtKey + `"}`)
		p.c.Close(websocket.StatusPolicyViolation, "key "+rtKey)
	})
	sess := connect(t, env, zai.RealtimeSessionConfig{})
	evs, err := collectRT(sess, nil)
	if len(evs) != 4 {
		t.Fatalf("%v then %v", types(evs), err)
	}
	e := evs[2].(*zai.RealtimeError)
	for _, text := range []string{e.Error(), e.Message, e.Param, fmt.Sprintf("%+v", e), string(evs[3].(*zai.RealtimeUnknownEvent).Raw), err.Error()} {
		if strings.Contains(text, rtKey) || strings.Contains(text, "secretsecretsecret") {
			t.Errorf("the key is in %q", text)
		}
	}
	if !strings.Contains(e.Message, "[REDACTED]") || !strings.Contains(err.Error(), "[REDACTED]") {
		t.Errorf("nothing was redacted: %q, %q", e.Message, err)
	}
	var ce websocket.CloseError
	if !errors.As(err, &ce) || strings.Contains(ce.Reason, rtKey) {
		t.Errorf("the CloseError under the final error: %+v", ce)
	}
	if !errors.Is(e, zai.ErrAuthentication) {
		t.Errorf("code 1001 does not match ErrAuthentication")
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(verb, sess); strings.Contains(s, rtKey) || !strings.HasPrefix(s, "zai.RealtimeSession{ended: zai: realtime session closed by the server") {
			t.Errorf("%s of the session: %s", verb, s)
		}
	}
}
