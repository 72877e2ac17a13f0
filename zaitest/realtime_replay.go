package zaitest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/coder/websocket"
)

// Record and replay of realtime sessions. A session is one exchange of the
// cassette, "GET /realtime" with status 101, whose Events are its messages
// in the order they passed: "> " and a client message, "< " and a server
// message (">b " and "<b " with base64 for binary ones). Replay sends the
// server's messages as soon as the client messages recorded before them
// have arrived, and checks that each client message has the recorded type;
// one that differs ends the session with close status 1008 and a reason
// naming both.

// realtimeFrame formats one message for a cassette.
func realtimeFrame(fromClient bool, typ websocket.MessageType, b []byte) string {
	dir := "<"
	if fromClient {
		dir = ">"
	}
	if typ == websocket.MessageBinary {
		return dir + "b " + base64.StdEncoding.EncodeToString(b)
	}
	return dir + " " + string(b)
}

// takeRealtime claims the next unused realtime exchange.
func (p *player) takeRealtime() (Exchange, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, e := range p.c.Exchanges {
		if e.Method == http.MethodGet && e.Path == "/realtime" && !p.used[i] {
			p.used[i] = true
			return e, true
		}
	}
	return Exchange{}, false
}

// serveRealtime plays the next recorded realtime session.
func (p *player) serveRealtime(rs *rtSession) {
	e, ok := p.takeRealtime()
	if !ok {
		rs.c.Close(websocket.StatusPolicyViolation, closeReason("zaitest: no realtime session left in "+p.path))
		return
	}
	for i, f := range e.Events {
		dir, body, _ := strings.Cut(f, " ")
		switch dir {
		case "<":
			if !rs.send(body) {
				return
			}
		case "<b":
			b, _ := base64.StdEncoding.DecodeString(body)
			if !rs.write(websocket.MessageBinary, b) {
				return
			}
		case ">", ">b":
			m, ok := rs.read()
			if !ok {
				return
			}
			var want struct {
				Type string `json:"type"`
			}
			json.Unmarshal([]byte(body), &want)
			if m.Type != want.Type {
				rs.c.Close(websocket.StatusPolicyViolation, closeReason(fmt.Sprintf(
					"zaitest: client sent %q where message %d of the cassette is %q", m.Type, i+1, want.Type)))
				return
			}
		}
	}
	for {
		if _, ok := rs.read(); !ok {
			return
		}
	}
}

// closeReason cuts a reason to the 123 bytes a close frame holds.
func closeReason(s string) string {
	if len(s) > 123 {
		s = s[:120] + "..."
	}
	return s
}

// realtimeUpstream is the real socket for a base URL, as the SDK derives it.
func realtimeUpstream(base string) string {
	if root, ok := strings.CutSuffix(base, "/coding/paas/v4"); ok {
		base = root + "/paas/v4"
	}
	switch {
	case strings.HasPrefix(base, "https://"):
		base = "wss://" + base[len("https://"):]
	case strings.HasPrefix(base, "http://"):
		base = "ws://" + base[len("http://"):]
	}
	return base + "/realtime"
}

// forwardRealtime relays a realtime session to the real API and records
// it. The upstream handshake comes first, so a refusal reaches the client
// as the HTTP error it is.
func (rc *recorder) forwardRealtime(s *Server, w http.ResponseWriter, r *http.Request, n int) {
	ctx := context.Background()
	up, resp, err := websocket.Dial(ctx, realtimeUpstream(rc.base), &websocket.DialOptions{
		HTTPHeader: http.Header{"Authorization": {"Bearer " + rc.key}},
	})
	if err != nil {
		e := Exchange{Method: http.MethodGet, Path: "/realtime", Status: http.StatusBadGateway}
		msg := "zaitest: forwarding the realtime handshake: " + rc.redact(err.Error())
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			body, _ := io.ReadAll(resp.Body)
			e.Status, e.Body = resp.StatusCode, json.RawMessage(rc.redact(string(body)))
			if !json.Valid(e.Body) {
				e.Body, e.BodyText = nil, rc.redact(string(body))
			}
			w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
			w.WriteHeader(resp.StatusCode)
			w.Write(body)
		} else {
			writeError(w, http.StatusBadGateway, "502", msg)
		}
		rc.mu.Lock()
		rc.exchanges = append(rc.exchanges, e)
		rc.mu.Unlock()
		return
	}
	defer up.CloseNow()
	up.SetReadLimit(-1)
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return
	}
	defer c.CloseNow()
	s.rt.track(c)
	defer s.rt.forget(c)
	s.rt.track(up)
	defer s.rt.forget(up)
	c.SetReadLimit(-1)
	rs := &rtSession{srv: s, c: c, n: n}

	// The exchange is in the cassette from the start and grows with each
	// message, so a cassette written while the relay winds down holds all
	// that passed.
	rc.mu.Lock()
	idx := len(rc.exchanges)
	rc.exchanges = append(rc.exchanges, Exchange{Method: http.MethodGet, Path: "/realtime", Status: http.StatusSwitchingProtocols, Events: []string{}})
	rc.mu.Unlock()
	add := func(fromClient bool, typ websocket.MessageType, b []byte) {
		f := rc.redact(realtimeFrame(fromClient, typ, b))
		rc.mu.Lock()
		rc.exchanges[idx].Events = append(rc.exchanges[idx].Events, f)
		rc.mu.Unlock()
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // client to upstream
		defer wg.Done()
		for {
			typ, b, err := c.Read(ctx)
			if err != nil {
				closeLike(up, err)
				return
			}
			m := RealtimeMessage{Session: n, Raw: b}
			var probe struct {
				Type string `json:"type"`
			}
			if json.Unmarshal(b, &probe) == nil {
				m.Type = probe.Type
			}
			s.rt.mu.Lock()
			s.rt.received = append(s.rt.received, m)
			s.rt.mu.Unlock()
			add(true, typ, b)
			if up.Write(ctx, typ, b) != nil {
				return
			}
		}
	}()
	for { // upstream to client
		typ, b, err := up.Read(ctx)
		if err != nil {
			closeLike(c, err)
			break
		}
		add(false, typ, b)
		if !rs.write(typ, b) {
			break
		}
	}
	c.CloseNow()
	up.CloseNow()
	wg.Wait()
}

// closeLike closes c as the other side's err says: with its close status
// and reason, or as a failure.
func closeLike(c *websocket.Conn, err error) {
	var ce websocket.CloseError
	if errors.As(err, &ce) {
		c.Close(ce.Code, ce.Reason)
		return
	}
	c.CloseNow()
}
