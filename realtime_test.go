package zai_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/goleak"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/internal/snippets"
)

// rtKey is long enough for the client's redaction to act on its echoes.
const rtKey = "rtkey0123456789.secretsecretsecret"

// rtEnv is a local WebSocket server that runs a handler per connection,
// and a client for it.
type rtEnv struct {
	srv    *httptest.Server
	client *zai.Client

	mu    sync.Mutex
	reqs  []*http.Request // handshake requests
	conns atomic.Int32
	wg    sync.WaitGroup
}

// newRT starts the server; handle runs on the server's side of each
// connection. The test fails if anything of the session outlives it.
func newRT(t *testing.T, handle func(p *rtPeer), opts ...zai.Option) *rtEnv {
	t.Helper()
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	env := &rtEnv{}
	env.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Added before the hijack, while Server.Close still waits for the
		// handler, so that Wait below never races with it.
		env.wg.Add(1)
		defer env.wg.Done()
		env.conns.Add(1)
		env.mu.Lock()
		env.reqs = append(env.reqs, r.Clone(context.Background()))
		env.mu.Unlock()
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		c.SetReadLimit(-1)
		handle(&rtPeer{t: t, c: c})
	}))
	t.Cleanup(func() {
		env.srv.CloseClientConnections()
		env.srv.Close()
		done := make(chan struct{})
		go func() { env.wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("a server handler did not return")
		}
	})
	all := append([]zai.Option{zai.WithAPIKey(rtKey), zai.WithBaseURL(env.srv.URL + "/api/paas/v4")}, opts...)
	c, err := zai.NewClient(all...)
	if err != nil {
		t.Fatal(err)
	}
	env.client = c
	return env
}

func (e *rtEnv) requests() []*http.Request {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]*http.Request(nil), e.reqs...)
}

// rtPeer is the server's side of one connection.
type rtPeer struct {
	t *testing.T
	c *websocket.Conn
}

// read returns the next client message, or false when the connection
// ended.
func (p *rtPeer) read() (typ string, raw []byte, ok bool) {
	_, raw, err := p.c.Read(context.Background())
	if err != nil {
		return "", nil, false
	}
	var m struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		p.t.Errorf("the client sent a message that is not JSON: %q", raw)
	}
	return m.Type, raw, true
}

// expect reads until a message of type typ, which it returns.
func (p *rtPeer) expect(typ string) ([]byte, bool) {
	for {
		got, raw, ok := p.read()
		if !ok {
			p.t.Errorf("the connection ended while the server waited for %s", typ)
			return nil, false
		}
		if got == typ {
			return raw, true
		}
	}
}

// send writes v: a string or []byte as it is, anything else as JSON.
func (p *rtPeer) send(v any) bool {
	var b []byte
	switch x := v.(type) {
	case string:
		b = []byte(x)
	case []byte:
		b = x
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			p.t.Errorf("encoding %T: %v", v, err)
			return false
		}
	}
	return p.c.Write(context.Background(), websocket.MessageText, b) == nil
}

// ack answers the session.update as the server does: session.updated
// with the session sent, then a heartbeat.
func (p *rtPeer) ack() ([]byte, bool) {
	raw, ok := p.expect("session.update")
	if !ok {
		return nil, false
	}
	var upd struct {
		Session json.RawMessage `json:"session"`
	}
	json.Unmarshal(raw, &upd)
	return raw, p.send(`{"event_id":"ev_1","type":"session.updated","session":`+string(upd.Session)+`}`) &&
		p.send(`{"type":"heartbeat"}`)
}

// drain reads until the client goes away.
func (p *rtPeer) drain() {
	for {
		if _, _, ok := p.read(); !ok {
			return
		}
	}
}

func connect(t *testing.T, env *rtEnv, cfg zai.RealtimeSessionConfig, opts ...zai.Option) *zai.RealtimeSession {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sess, err := env.client.Realtime.Connect(ctx, cfg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	return sess
}

// collectRT ranges over the session's events until stop says so or the
// session ends; it returns the events and the final error.
func collectRT(sess *zai.RealtimeSession, stop func(zai.RealtimeEvent) bool) ([]zai.RealtimeEvent, error) {
	var evs []zai.RealtimeEvent
	for ev, err := range sess.Events() {
		if err != nil {
			return evs, err
		}
		evs = append(evs, ev)
		if stop != nil && stop(ev) {
			return evs, nil
		}
	}
	return evs, errors.New("Events ended without an error")
}

func types(evs []zai.RealtimeEvent) []string {
	var out []string
	for _, ev := range evs {
		out = append(out, ev.EventType())
	}
	return out
}

// rtEveryField is a session config that sets every field of the AsyncAPI
// document's SessionConfig.
func rtEveryField() zai.RealtimeSessionConfig {
	return zai.RealtimeSessionConfig{
		Model:                   zai.ModelGLMRealtimeAir,
		InputAudioFormat:        zai.RealtimeAudioFormatPCM16,
		OutputAudioFormat:       zai.RealtimeAudioFormatPCM,
		Instructions:            "You are a helpful voice assistant.",
		Voice:                   zai.RealtimeVoiceFemaleTianmei,
		Temperature:             zai.Ptr(0.7),
		MaxResponseOutputTokens: zai.Ptr(512),
		TurnDetection:           &zai.RealtimeTurnDetection{Type: zai.TurnDetectionServerVAD},
		Tools: []zai.RealtimeTool{{Name: "get_weather", Description: "Weather in a city",
			Parameters: map[string]any{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}, "required": []string{"city"}}}},
		Modalities:               []zai.RealtimeModality{zai.RealtimeModalityText, zai.RealtimeModalityAudio},
		InputAudioNoiseReduction: &zai.RealtimeNoiseReduction{Type: zai.NoiseReductionNearField},
		BetaFields:               &zai.RealtimeBetaFields{ChatMode: zai.RealtimeChatModeAudio, TTSSource: zai.RealtimeTTSSourceE2E, AutoSearch: zai.Ptr(false)},
		GreetingConfig:           &zai.RealtimeGreeting{Enable: true, Content: "Hello!"},
	}
}

// TestRealtimeConnect checks the handshake (path, auth, user agent) and
// the session.update Connect sends, field by field, and that Events yields
// what came before Connect returned.
func TestRealtimeConnect(t *testing.T) {
	sent := make(chan []byte, 1)
	env := newRT(t, func(p *rtPeer) {
		p.send(`{"type":"session.created","session":{"model":"glm-realtime-flash"}}`)
		raw, ok := p.ack()
		if ok {
			sent <- raw
		}
		p.drain()
	})
	sess := connect(t, env, rtEveryField())
	assertGoldenJSON(t, "realtime_session_update.json", <-sent)

	reqs := env.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d handshakes", len(reqs))
	}
	r := reqs[0]
	if r.URL.Path != "/api/paas/v4/realtime" || r.Method != http.MethodGet {
		t.Errorf("handshake %s %s", r.Method, r.URL.Path)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+rtKey {
		t.Errorf("Authorization %q", got)
	}
	if ua := r.Header.Get("User-Agent"); !strings.HasPrefix(ua, "zai-go/") {
		t.Errorf("User-Agent %q", ua)
	}

	evs, err := collectRT(sess, func(ev zai.RealtimeEvent) bool { return ev.EventType() == "heartbeat" })
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(types(evs), " "); got != "session.created session.updated heartbeat" {
		t.Fatalf("events %s", got)
	}
	upd := evs[1].(*zai.RealtimeSessionUpdated)
	if !reflect.DeepEqual(upd.Session.Modalities, rtEveryField().Modalities) || *upd.Session.MaxResponseOutputTokens != 512 ||
		upd.Session.TurnDetection.Type != zai.TurnDetectionServerVAD || upd.Session.Tools[0].Name != "get_weather" {
		t.Errorf("session.updated echo decoded as %+v", upd.Session)
	}
}

// TestRealtimeJWT: with WithJWTAuth the socket gets a signed token, never
// the key.
func TestRealtimeJWT(t *testing.T) {
	env := newRT(t, func(p *rtPeer) { p.ack(); p.drain() }, zai.WithJWTAuth(time.Minute))
	connect(t, env, zai.RealtimeSessionConfig{})
	auth := env.requests()[0].Header.Get("Authorization")
	tok, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || strings.Count(tok, ".") != 2 || strings.Contains(auth, "secretsecret") {
		t.Fatalf("Authorization %q is not a JWT", auth)
	}
}

// TestRealtimeURL checks the socket each base URL leads to, without a
// network: the transport records where the handshake goes.
func TestRealtimeURL(t *testing.T) {
	for _, tc := range []struct {
		opts []zai.Option
		want string
	}{
		{[]zai.Option{zai.WithBaseURL(zai.BigModelBaseURL)}, "https://open.bigmodel.cn/api/paas/v4/realtime"},
		{[]zai.Option{zai.WithBaseURL(zai.BigModelCodingBaseURL)}, "https://open.bigmodel.cn/api/paas/v4/realtime"},
		{[]zai.Option{zai.WithBaseURL(zai.InternationalBaseURL)}, "https://api.z.ai/api/paas/v4/realtime"},
		{[]zai.Option{zai.WithRealtimeURL(zai.BigModelRealtimeURL)}, "https://open.bigmodel.cn/api/paas/v4/realtime"},
		{[]zai.Option{zai.WithRealtimeURL("wss://proxy.example/rt/")}, "https://proxy.example/rt"},
	} {
		var got string
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			got = r.URL.String()
			return nil, errors.New("no network in tests")
		})
		opts := append([]zai.Option{zai.WithAPIKey(rtKey), zai.WithHTTPClient(&http.Client{Transport: rt})}, tc.opts...)
		c, err := zai.NewClient(opts...)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Realtime.Connect(context.Background(), zai.RealtimeSessionConfig{})
		if err == nil || got != tc.want {
			t.Errorf("dialled %q (%v), want %q", got, err, tc.want)
		}
		if strings.Contains(err.Error(), rtKey) {
			t.Errorf("the key is in %v", err)
		}
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestRealtimeInsecureURL: the key never goes over plain ws:// to a host
// that is not loopback.
func TestRealtimeInsecureURL(t *testing.T) {
	if _, err := zai.NewClient(zai.WithAPIKey(rtKey), zai.WithRealtimeURL("ws://example.com/realtime")); !errors.Is(err, zai.ErrInsecureBaseURL) {
		t.Errorf("ws:// to example.com: %v", err)
	}
	c, _ := zai.NewClient(zai.WithAPIKey(rtKey))
	if _, err := c.Realtime.Connect(context.Background(), zai.RealtimeSessionConfig{}, zai.WithRealtimeURL("ws://10.0.0.1/realtime")); !errors.Is(err, zai.ErrInsecureBaseURL) {
		t.Errorf("per call ws:// to 10.0.0.1: %v", err)
	}
	for _, bad := range []string{"https://open.bigmodel.cn/realtime", "wss://user:pw@host/realtime", "wss:///realtime", ""} {
		if _, err := zai.NewClient(zai.WithAPIKey(rtKey), zai.WithRealtimeURL(bad)); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("WithRealtimeURL(%q): %v", bad, err)
		}
	}
	if _, err := zai.NewClient(zai.WithAPIKey(rtKey), zai.WithRealtimeURL("ws://127.0.0.1:8080/realtime")); err != nil {
		t.Errorf("ws:// to loopback: %v", err)
	}
}

// TestRealtimeConfigRefusedBeforeDialling: what the document rules out is
// refused with ErrInvalidRequest, and nothing is dialled.
func TestRealtimeConfigRefusedBeforeDialling(t *testing.T) {
	env := newRT(t, func(p *rtPeer) { p.ack(); p.drain() })
	for name, mutate := range map[string]func(*zai.RealtimeSessionConfig){
		"mp3 input":       func(c *zai.RealtimeSessionConfig) { c.InputAudioFormat = "mp3" },
		"opus input":      func(c *zai.RealtimeSessionConfig) { c.InputAudioFormat = "pcm_s16le" },
		"mp3 output":      func(c *zai.RealtimeSessionConfig) { c.OutputAudioFormat = "mp3" },
		"tokens -1":       func(c *zai.RealtimeSessionConfig) { c.MaxResponseOutputTokens = zai.Ptr(-1) },
		"tokens 1025":     func(c *zai.RealtimeSessionConfig) { c.MaxResponseOutputTokens = zai.Ptr(1025) },
		"temperature 1.5": func(c *zai.RealtimeSessionConfig) { c.Temperature = zai.Ptr(1.5) },
		"vad":             func(c *zai.RealtimeSessionConfig) { c.TurnDetection = &zai.RealtimeTurnDetection{Type: "semantic_vad"} },
		"modality":        func(c *zai.RealtimeSessionConfig) { c.Modalities = []zai.RealtimeModality{"video"} },
		"noise": func(c *zai.RealtimeSessionConfig) {
			c.InputAudioNoiseReduction = &zai.RealtimeNoiseReduction{Type: "studio"}
		},
		"no chat mode": func(c *zai.RealtimeSessionConfig) { c.BetaFields = &zai.RealtimeBetaFields{} },
		"chat mode": func(c *zai.RealtimeSessionConfig) {
			c.BetaFields = &zai.RealtimeBetaFields{ChatMode: "video_proactive"}
		},
		"tts source": func(c *zai.RealtimeSessionConfig) { c.BetaFields.TTSSource = "cloned" },
		"tools in video": func(c *zai.RealtimeSessionConfig) {
			c.BetaFields = &zai.RealtimeBetaFields{ChatMode: zai.RealtimeChatModeVideoPassive}
		},
		"tool type":           func(c *zai.RealtimeSessionConfig) { c.Tools[0].Type = zai.ToolTypeWebSearch },
		"tool without name":   func(c *zai.RealtimeSessionConfig) { c.Tools[0].Name = "" },
		"tool without detail": func(c *zai.RealtimeSessionConfig) { c.Tools[0].Description = "" },
	} {
		cfg := rtEveryField()
		mutate(&cfg)
		_, err := env.client.Realtime.Connect(context.Background(), cfg)
		if !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := env.conns.Load(); n != 0 {
		t.Fatalf("%d handshakes for refused configs", n)
	}
	for _, ok := range []zai.RealtimeAudioFormat{"wav", "pcm", "pcm16", "pcm24", "pcm48", "wav48"} {
		cfg := zai.RealtimeSessionConfig{InputAudioFormat: ok}
		sess := connect(t, env, cfg)
		sess.Close()
	}
}

// TestRealtimeHandshakeRefused: a 401 with a business code is an *APIError,
// as for every other call.
func TestRealtimeHandshakeRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Log-Id", "log-rt-1")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"error":{"code":"1000","message":"身份验证失败 for key %s"}}`, r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	c, _ := zai.NewClient(zai.WithAPIKey(rtKey), zai.WithBaseURL(srv.URL+"/api/paas/v4"))
	_, err := c.Realtime.Connect(context.Background(), zai.RealtimeSessionConfig{})
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 || apiErr.Code != "1000" || apiErr.RequestID != "log-rt-1" {
		t.Fatalf("got %v", err)
	}
	if !errors.Is(err, zai.ErrAuthentication) {
		t.Errorf("%v does not match ErrAuthentication", err)
	}
	if strings.Contains(err.Error(), rtKey) || strings.Contains(string(apiErr.RawJSON()), rtKey) {
		t.Errorf("the key is in the error: %v / %s", err, apiErr.RawJSON())
	}
}

// TestRealtimeErrorInPlaceOfSessionUpdated: Connect returns the error event
// and releases the session.
func TestRealtimeErrorInPlaceOfSessionUpdated(t *testing.T) {
	env := newRT(t, func(p *rtPeer) {
		p.expect("session.update")
		p.send(`{"type":"error","error":{"type":"invalid_request_error","code":"1214","message":"voice not supported"}}`)
		p.drain()
	})
	_, err := env.client.Realtime.Connect(context.Background(), zai.RealtimeSessionConfig{Voice: "nobody"})
	var rtErr *zai.RealtimeError
	if !errors.As(err, &rtErr) || rtErr.Code != "1214" || rtErr.Message != "voice not supported" {
		t.Fatalf("got %v", err)
	}
	if !errors.Is(err, zai.ErrBadRequest) {
		t.Errorf("code 1214 does not match ErrBadRequest: %v", err)
	}
}

// TestRealtimeConnectTimeout: a server that never answers session.update
// leaves Connect to its ctx (and WithRequestTimeout).
func TestRealtimeConnectTimeout(t *testing.T) {
	env := newRT(t, func(p *rtPeer) { p.drain() })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := env.client.Realtime.Connect(ctx, zai.RealtimeSessionConfig{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("ctx deadline: %v", err)
	}
	_, err := env.client.Realtime.Connect(context.Background(), zai.RealtimeSessionConfig{}, zai.WithRequestTimeout(100*time.Millisecond))
	if !errors.Is(err, zai.ErrTimeout) || !strings.Contains(err.Error(), "connect timed out after 100ms") {
		t.Errorf("WithRequestTimeout: %v", err)
	}
}

// TestRealtimeConnectCtxBoundsTheHandshakeOnly: cancelling Connect's ctx
// afterwards leaves the session open.
func TestRealtimeConnectCtxBoundsTheHandshakeOnly(t *testing.T) {
	next := make(chan struct{})
	env := newRT(t, func(p *rtPeer) {
		p.ack()
		<-next
		p.send(`{"type":"response.text.delta","response_id":"r1","item_id":"i1","delta":"still here"}`)
		p.drain()
	})
	ctx, cancel := context.WithCancel(context.Background())
	sess, err := env.client.Realtime.Connect(ctx, zai.RealtimeSessionConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	cancel()
	close(next)
	evs, err := collectRT(sess, func(ev zai.RealtimeEvent) bool { _, ok := ev.(*zai.RealtimeTextDelta); return ok })
	if err != nil {
		t.Fatalf("after %v: %v", types(evs), err)
	}
	if d := evs[len(evs)-1].(*zai.RealtimeTextDelta); d.Delta != "still here" {
		t.Errorf("delta %q", d.Delta)
	}
	if err := sess.Commit(context.Background()); err != nil {
		t.Errorf("Commit after cancelling Connect's ctx: %v", err)
	}
}

// TestRealtimeEveryDocumentEvent decodes one event of every server type
// (testdata/realtime/server_events.jsonl) arriving over a socket: each is
// its own type, none is unknown, and marshalling it again loses nothing of
// the recorded shape.
func TestRealtimeEveryDocumentEvent(t *testing.T) {
	lines := readLines(t, "testdata/realtime/server_events.jsonl")
	env := newRT(t, func(p *rtPeer) {
		p.ack()
		for _, l := range lines {
			p.send(l)
		}
		p.drain()
	})
	sess := connect(t, env, zai.RealtimeSessionConfig{})
	var got []zai.RealtimeEvent
	for ev, err := range sess.Events() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ev)
		if len(got) == len(lines)+2 {
			break
		}
	}
	got = got[2:] // session.updated, heartbeat
	seen := map[string]bool{}
	for i, ev := range got {
		var want struct {
			Type string `json:"type"`
		}
		json.Unmarshal([]byte(lines[i]), &want)
		if u, ok := ev.(*zai.RealtimeUnknownEvent); ok {
			t.Errorf("%s arrived as unknown: %v", want.Type, u.Err)
			continue
		}
		if ev.EventType() != want.Type {
			t.Errorf("line %d: %s decoded as %T (%s)", i+1, want.Type, ev, ev.EventType())
		}
		seen[want.Type] = true
		again, err := json.Marshal(ev)
		if err != nil {
			t.Errorf("%s: %v", want.Type, err)
			continue
		}
		if missing := lostFields([]byte(lines[i]), again); len(missing) > 0 {
			t.Errorf("%s: marshalled again, it lost %v:\n%s", want.Type, missing, again)
		}
	}
	// The document's types are all there.
	for _, typ := range asyncAPIServerEvents {
		if !seen[typ] {
			t.Errorf("no fixture decoded %s", typ)
		}
	}
	if d := got[24].(*zai.RealtimeAudioDelta); len(d.PCM()) != 115 || d.ResponseID != "respbc50304acdea479b8bd55efd5346dbdf" || d.ClientTimestamp != 1737454096061 {
		t.Errorf("audio delta: %d bytes, %+v", len(d.PCM()), d)
	}
	if e := got[0].(*zai.RealtimeError); e.Code != "invalid_event" || e.Type != "invalid_request_error" ||
		e.Error() != "zai: realtime error: code invalid_event: The 'type' field is missing. (invalid_request_error)" {
		t.Errorf("error event: %v", e)
	}
	if fc := got[29].(*zai.RealtimeFunctionCallArgumentsDone); fc.Name != "phoneCall" || fc.Arguments != `{"name": "张三"}` || fc.CallID != "" {
		t.Errorf("function call: %+v", fc)
	}
	if sb := got[30].(*zai.RealtimeSimpleBrowser); sb.Description != "我帮你查查" {
		t.Errorf("simple browser: %+v", sb)
	}
	if done := got[16].(*zai.RealtimeResponseDone); done.Response.Usage.InputTokenDetails.CachedTokens != 12 || done.Response.Status != zai.RealtimeResponseStatusCompleted {
		t.Errorf("response.done: %+v", done.Response)
	}
}

// asyncAPIServerEvents are the "type" consts of the server messages of the
// AsyncAPI document of GLM-Realtime (BigModel, 2026-07-11).
var asyncAPIServerEvents = []string{
	"error", "session.updated", "conversation.created", "conversation.item.created",
	"input_audio_buffer.committed", "input_audio_buffer.cleared", "input_audio_buffer.speech_started",
	"input_audio_buffer.speech_stopped", "response.created", "response.done", "response.cancelled",
	"response.audio.delta", "response.audio.done", "response.audio_transcript.delta", "response.audio_transcript.done",
	"response.text.delta", "response.text.done", "response.function_call_arguments.done",
	"response.function_call.simple_browser", "heartbeat",
}

// lostFields lists the members of want that got lacks or holds
// differently, as paths. Nulls and empty strings, which the SDK's types
// leave out, are not counted.
func lostFields(want, got []byte) []string {
	var w, g any
	json.Unmarshal(want, &w)
	json.Unmarshal(got, &g)
	var out []string
	var walk func(path string, w, g any)
	walk = func(path string, w, g any) {
		switch wv := w.(type) {
		case map[string]any:
			gm, _ := g.(map[string]any)
			for k, v := range wv {
				if v == nil || v == "" {
					continue
				}
				walk(path+"."+k, v, gm[k])
			}
		case []any:
			ga, _ := g.([]any)
			for i, v := range wv {
				var gi any
				if i < len(ga) {
					gi = ga[i]
				}
				walk(fmt.Sprintf("%s[%d]", path, i), v, gi)
			}
		default:
			if !reflect.DeepEqual(w, g) {
				out = append(out, path)
			}
		}
	}
	walk("", w, g)
	return out
}

func readLines(t testing.TB, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); strings.HasPrefix(l, "{") {
			out = append(out, l)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// clientEventFor returns a pointer to an empty client event of a wire
// type, to decode a recorded one into.
func clientEventFor(typ string) any {
	switch typ {
	case "session.update":
		return &zai.RealtimeSessionUpdate{}
	case "input_audio_buffer.append":
		return &zai.RealtimeAudioAppend{}
	case "input_audio_buffer.append_video_frame":
		return &zai.RealtimeVideoFrameAppend{}
	case "input_audio_buffer.commit":
		return &zai.RealtimeAudioCommit{}
	case "input_audio_buffer.clear":
		return &zai.RealtimeAudioClear{}
	case "conversation.item.create":
		return &zai.RealtimeItemCreate{}
	case "response.create":
		return &zai.RealtimeResponseCreate{}
	case "response.cancel":
		return &zai.RealtimeResponseCancel{}
	}
	return nil
}

// TestRealtimeRecordedClientSession replays the official Go sample's
// recorded client session with a function call through Send, each line
// decoded into its typed event: the server receives every member of the
// recording, the base64 audio byte for byte.
func TestRealtimeRecordedClientSession(t *testing.T) {
	lines := readLines(t, "testdata/realtime/Audio.ClientVad.FC.Input")
	received := make(chan []byte, len(lines))
	env := newRT(t, func(p *rtPeer) {
		raw, ok := p.ack()
		if !ok {
			return
		}
		received <- raw
		for {
			_, raw, ok := p.read()
			if !ok {
				return
			}
			received <- raw
		}
	})
	var first zai.RealtimeSessionUpdate
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	sess := connect(t, env, first.Session)
	for _, l := range lines[1:] {
		var probe struct {
			Type string `json:"type"`
		}
		json.Unmarshal([]byte(l), &probe)
		v := clientEventFor(probe.Type)
		if v == nil {
			t.Fatalf("no client event type for %s", probe.Type)
		}
		if err := json.Unmarshal([]byte(l), v); err != nil {
			t.Fatalf("%s: %v", probe.Type, err)
		}
		ev := reflect.ValueOf(v).Elem().Interface().(zai.RealtimeClientEvent)
		if err := sess.Send(context.Background(), ev); err != nil {
			t.Fatalf("Send %s: %v", probe.Type, err)
		}
	}
	for i, l := range lines {
		var got []byte
		select {
		case got = <-received:
		case <-time.After(10 * time.Second):
			t.Fatalf("line %d never arrived", i+1)
		}
		lost := lostFields([]byte(l), got)
		if i == 0 {
			// Connect sends the session as the config holds it; the
			// recording's event_id belongs to the event, not the config.
			lost = without(lost, ".event_id")
		}
		if i == len(lines)-1 {
			// "timestamp" is no field of any document (client_timestamp is).
			lost = without(lost, ".timestamp")
		}
		if len(lost) > 0 {
			t.Errorf("line %d lost %v:\n%s\nsent %.300s", i+1, lost, l, got)
		}
	}
}

func without(list []string, drop string) []string {
	var out []string
	for _, s := range list {
		if s != drop {
			out = append(out, s)
		}
	}
	return out
}

// TestRealtimeClientEventsWire pins the wire form of every client event of
// the AsyncAPI document and the older ones.
func TestRealtimeClientEventsWire(t *testing.T) {
	jpeg := []byte{0xFF, 0xD8, 0xFF, 0xE0, 1, 2}
	for _, tc := range []struct {
		ev   zai.RealtimeClientEvent
		want string
	}{
		{zai.RealtimeAudioAppend{Audio: []byte("RIFF"), ClientTimestamp: 1731999464667}, `{"type":"input_audio_buffer.append","client_timestamp":1731999464667,"audio":"UklGRg=="}`},
		{zai.RealtimeVideoFrameAppend{VideoFrame: jpeg}, `{"type":"input_audio_buffer.append_video_frame","video_frame":"/9j/4AEC"}`},
		{zai.RealtimeAudioCommit{ClientTimestamp: 1732000439437}, `{"type":"input_audio_buffer.commit","client_timestamp":1732000439437}`},
		{zai.RealtimeAudioClear{}, `{"type":"input_audio_buffer.clear"}`},
		{zai.RealtimeAudioPreCommit{}, `{"type":"input_audio_buffer.pre_commit"}`},
		{zai.RealtimeItemCreate{EventID: "evt_fakeId", Item: zai.RealtimeItem{Type: zai.RealtimeItemTypeFunctionCallOutput, Output: "最低25°C"}},
			`{"type":"conversation.item.create","event_id":"evt_fakeId","item":{"type":"function_call_output","output":"最低25°C"}}`},
		{zai.RealtimeItemCreate{Item: zai.RealtimeItem{Type: zai.RealtimeItemTypeMessage, Role: zai.RoleUser,
			Content: []zai.RealtimeContent{{Type: zai.RealtimeContentTypeInputText, Text: "你好"}}}},
			`{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_text","text":"你好"}]}}`},
		{zai.RealtimeItemDelete{ItemID: "item_1"}, `{"type":"conversation.item.delete","item_id":"item_1"}`},
		{zai.RealtimeItemRetrieve{ItemID: "item_1"}, `{"type":"conversation.item.retrieve","item_id":"item_1"}`},
		{zai.RealtimeItemTruncate{ItemID: "item_1", AudioEndMS: 1500}, `{"type":"conversation.item.truncate","item_id":"item_1","content_index":0,"audio_end_ms":1500}`},
		{zai.RealtimeResponseCreate{ClientTimestamp: 1732000439437}, `{"type":"response.create","client_timestamp":1732000439437}`},
		{zai.RealtimeResponseCancel{}, `{"type":"response.cancel"}`},
		{zai.RealtimeRawEvent(`{"type":"transcription_session.update","session":{}}`), `{"type":"transcription_session.update","session":{}}`},
	} {
		b, err := json.Marshal(tc.ev)
		if err != nil || string(b) != tc.want {
			t.Errorf("%s:\ngot  %s (%v)\nwant %s", tc.ev.EventType(), b, err, tc.want)
		}
	}
}

// TestRealtimeSendRefusesBadEvents: nothing reaches the socket.
func TestRealtimeSendRefusesBadEvents(t *testing.T) {
	got := make(chan string, 16)
	env := newRT(t, func(p *rtPeer) {
		p.ack()
		for {
			typ, _, ok := p.read()
			if !ok {
				return
			}
			got <- typ
		}
	})
	sess := connect(t, env, zai.RealtimeSessionConfig{})
	ctx := context.Background()
	for name, send := range map[string]func() error{
		"nil":           func() error { return sess.Send(ctx, nil) },
		"no audio":      func() error { return sess.AppendAudio(ctx, nil) },
		"png frame":     func() error { return sess.AppendVideoFrame(ctx, []byte("\x89PNG\r\n")) },
		"empty message": func() error { return sess.CreateItem(ctx, zai.RealtimeItem{Type: zai.RealtimeItemTypeMessage}) },
		"item type":     func() error { return sess.CreateItem(ctx, zai.RealtimeItem{Type: "note"}) },
		"no item id":    func() error { return sess.DeleteItem(ctx, "") },
		"raw":           func() error { return sess.Send(ctx, zai.RealtimeRawEvent(`[1]`)) },
		"session": func() error {
			return sess.Send(ctx, zai.RealtimeSessionUpdate{Session: zai.RealtimeSessionConfig{InputAudioFormat: "mp3"}})
		},
	} {
		if err := send(); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := sess.Clear(ctx); err != nil {
		t.Fatal(err)
	}
	if typ := <-got; typ != "input_audio_buffer.clear" {
		t.Errorf("the first message after the refused ones is %s", typ)
	}
}

// TestRealtimeEventsAfterClose: Close is idempotent; Events and Send then
// report ErrStreamClosed.
func TestRealtimeEventsAfterClose(t *testing.T) {
	env := newRT(t, func(p *rtPeer) { p.ack(); p.drain() })
	sess := connect(t, env, zai.RealtimeSessionConfig{})
	if err := sess.Close(); err != nil {
		t.Fatal(err)
	}
	if err := sess.Close(); err != nil {
		t.Fatal(err)
	}
	if err := sess.AppendAudio(context.Background(), []byte{1, 2}); !errors.Is(err, zai.ErrStreamClosed) {
		t.Errorf("Send after Close: %v", err)
	}
	evs, err := collectRT(sess, nil)
	if !errors.Is(err, zai.ErrStreamClosed) || len(evs) != 0 {
		t.Errorf("Events after Close: %v (after %v)", err, types(evs))
	}
	if !errors.Is(sess.Err(), zai.ErrStreamClosed) {
		t.Errorf("Err: %v", sess.Err())
	}
}

// TestRealtimeToolRunner: the calls of a response are run when it is
// done, their outputs sent in call order (with the call's id when it had
// one) and followed by one response.create; a cancelled response's calls
// are dropped; a panic is returned.
func TestRealtimeToolRunner(t *testing.T) {
	sent := make(chan []byte, 16)
	env := newRT(t, func(p *rtPeer) {
		p.ack()
		p.send(`{"type":"response.function_call_arguments.done","response_id":"r1","output_index":0,"name":"add","arguments":"{\"a\":1,\"b\":2}"}`)
		p.send(`{"type":"response.function_call_arguments.done","response_id":"r1","output_index":1,"name":"missing","arguments":"{}"}`)
		p.send(`{"type":"response.function_call_arguments.done","response_id":"r1","output_index":2,"call_id":"call_7","name":"add","arguments":"{\"a\":\"x\"}"}`)
		p.send(`{"type":"response.done","response":{"id":"r1","status":"completed"}}`)
		for range 4 {
			_, raw, ok := p.read()
			if !ok {
				return
			}
			sent <- raw
		}
		p.send(`{"type":"response.function_call_arguments.done","response_id":"r2","name":"add","arguments":"{\"a\":1,\"b\":1}"}`)
		p.send(`{"type":"response.done","response":{"id":"r2","status":"cancelled"}}`)
		p.send(`{"type":"response.function_call_arguments.done","response_id":"r3","name":"boom","arguments":"{}"}`)
		p.send(`{"type":"response.done","response":{"id":"r3","status":"completed"}}`)
		p.drain()
	})
	add := zai.NewTool("add", "Adds", func(ctx context.Context, in struct {
		A int `json:"a"`
		B int `json:"b"`
	}) (int, error) {
		return in.A + in.B, nil
	})
	boom := zai.NewTool("boom", "Panics", func(ctx context.Context, in struct{}) (int, error) { panic("boom") })
	tools := zai.NewRealtimeToolRunner(add, boom, add)
	if defs := tools.Tools(); len(defs) != 2 || defs[0].Name != "add" || defs[0].Type != zai.ToolTypeFunction || defs[0].Parameters == nil {
		t.Fatalf("definitions %+v", defs)
	}
	sess := connect(t, env, zai.RealtimeSessionConfig{Tools: tools.Tools()})
	ctx := context.Background()
	var answered []string
	var panicErr error
	for ev, err := range sess.Events() {
		if err != nil {
			t.Fatal(err)
		}
		ok, err := tools.Handle(ctx, sess, ev)
		if err != nil {
			panicErr = err
			break
		}
		if ok {
			answered = append(answered, ev.(*zai.RealtimeResponseDone).Response.ID)
		}
	}
	if strings.Join(answered, ",") != "r1" {
		t.Errorf("answered %v", answered)
	}
	var pe *zai.ToolPanicError
	if !errors.As(panicErr, &pe) || pe.Tool != "boom" {
		t.Errorf("panic: %v", panicErr)
	}
	var items []zai.RealtimeItem
	for range 3 {
		var ev zai.RealtimeItemCreate
		json.Unmarshal(<-sent, &ev)
		items = append(items, ev.Item)
	}
	if last := <-sent; string(last) != `{"type":"response.create"}` {
		t.Errorf("after the outputs: %s", last)
	}
	if items[0].Output != "3" || items[0].CallID != "" || items[0].Type != zai.RealtimeItemTypeFunctionCallOutput {
		t.Errorf("first output %+v", items[0])
	}
	if !strings.HasPrefix(items[1].Output, `error: unknown tool "missing"`) {
		t.Errorf("unknown tool: %+v", items[1])
	}
	if !strings.HasPrefix(items[2].Output, "error: invalid arguments") || items[2].CallID != "call_7" {
		t.Errorf("bad arguments: %+v", items[2])
	}
}

// TestRealtimeDocSnippetsCompile type-checks the Go blocks of
// docs/realtime.md, as the README's are.
func TestRealtimeDocSnippetsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks from source")
	}
	snippets.Check(t, "docs/realtime.md", snippets.Config{
		Imports:   []string{"context", "fmt", "io", "log", "testing", "github.com/zai-go/zai", "github.com/zai-go/zai/zaitest"},
		Params:    "ctx context.Context, client *zai.Client, t *testing.T, srv *zaitest.Server, err error",
		MinBlocks: 3,
	})
}
