package zaitest

import (
	"sync"

	"github.com/coder/websocket"

	"github.com/zai-go/zai"
)

// RealtimeScript is what the next realtime session does in place of the
// default, step by step: send these events, then expect these client
// events, and so on. When the steps run out the default session takes
// over (with the configuration AcceptSession took), unless the script ended
// the connection (Close, Drop) or went silent (Stall).
//
//	srv.ScriptRealtime().
//		AcceptSession().
//		Expect("response.create").
//		Send(zai.RealtimeResponseCreated{Response: zai.RealtimeResponse{ID: "r1"}}).
//		Close(1011, "upstream failed")
//
// Scripts are taken in order, one per realtime connection. Their methods
// may be called while a client runs.
type RealtimeScript struct {
	srv   *Server
	mu    sync.Mutex
	steps []func(rs *rtSession) bool // false: the connection is over
}

// ScriptRealtime queues a script for the next realtime session.
func (s *Server) ScriptRealtime() *RealtimeScript {
	sc := &RealtimeScript{srv: s}
	s.rt.mu.Lock()
	s.rt.scripts = append(s.rt.scripts, sc)
	s.rt.mu.Unlock()
	return sc
}

func (sc *RealtimeScript) add(step func(rs *rtSession) bool) *RealtimeScript {
	sc.mu.Lock()
	sc.steps = append(sc.steps, step)
	sc.mu.Unlock()
	return sc
}

// play runs the steps; false means the connection is over.
func (sc *RealtimeScript) play(rs *rtSession) bool {
	for i := 0; ; i++ {
		sc.mu.Lock()
		if i >= len(sc.steps) {
			sc.mu.Unlock()
			return true
		}
		step := sc.steps[i]
		sc.mu.Unlock()
		if !step(rs) {
			return false
		}
	}
}

// AcceptSession waits for the client's session.update and answers as the
// default session does: session.updated, then a heartbeat.
func (sc *RealtimeScript) AcceptSession() *RealtimeScript {
	return sc.add(func(rs *rtSession) bool {
		m, ok := rs.expect("session.update")
		if !ok {
			return false
		}
		var ev zai.RealtimeSessionUpdate
		m.Decode(&ev)
		rs.acceptSession(ev.Session)
		return true
	})
}

// Send sends events, in order, as text messages: zai event values (such as
// zai.RealtimeAudioDelta{...}, which marshal with their "type"), maps, or a
// string or []byte sent as it is (anything, JSON or not).
func (sc *RealtimeScript) Send(events ...any) *RealtimeScript {
	return sc.add(func(rs *rtSession) bool {
		for _, ev := range events {
			if !rs.send(ev) {
				return false
			}
		}
		return true
	})
}

// SendBinary sends b as a binary message.
func (sc *RealtimeScript) SendBinary(b []byte) *RealtimeScript {
	return sc.add(func(rs *rtSession) bool { return rs.write(websocket.MessageBinary, b) })
}

// Expect waits for client events of these types, in order; client events
// of other types in between are kept (RealtimeReceived) and otherwise
// ignored. If the client goes away first, the session is over.
func (sc *RealtimeScript) Expect(types ...string) *RealtimeScript {
	return sc.add(func(rs *rtSession) bool {
		for _, t := range types {
			if _, ok := rs.expect(t); !ok {
				return false
			}
		}
		return true
	})
}

// Close ends the session with a close frame: code (such as 1011, an
// internal error) and reason.
func (sc *RealtimeScript) Close(code int, reason string) *RealtimeScript {
	return sc.add(func(rs *rtSession) bool {
		rs.writeMu.Lock()
		defer rs.writeMu.Unlock()
		rs.c.Close(websocket.StatusCode(code), reason)
		return false
	})
}

// Drop cuts the connection without a close frame, as a failing network
// would.
func (sc *RealtimeScript) Drop() *RealtimeScript {
	return sc.add(func(rs *rtSession) bool {
		rs.c.CloseNow()
		return false
	})
}

// Stall goes silent, with no events and no heartbeats, until the client
// goes away; what the client sends is still kept.
func (sc *RealtimeScript) Stall() *RealtimeScript {
	return sc.add(func(rs *rtSession) bool {
		for {
			if _, ok := rs.read(); !ok {
				return false
			}
		}
	})
}

// expect reads until a client event of type typ.
func (rs *rtSession) expect(typ string) (RealtimeMessage, bool) {
	for {
		m, ok := rs.read()
		if !ok || m.Type == typ {
			return m, ok
		}
	}
}
