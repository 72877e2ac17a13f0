package zaitest

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"

	"github.com/zai-go/zai"
)

// GLM-Realtime (GET /realtime, a WebSocket under the base URL: what
// client.Realtime.Connect dials). The handshake checks the key as every
// route does (401, code 1000). Then, unless a script (ScriptRealtime) or a
// cassette (Replay) says otherwise, a default session answers:
//
//   - session.update: session.updated with the configuration, defaults
//     filled in (pcm output, voice tongtong, client VAD, text and audio),
//     then a heartbeat; one more heartbeat every 30 s
//     (WithRealtimeHeartbeat). With greeting_config enabled the model then
//     speaks the greeting.
//   - input_audio_buffer.append: the audio (WAV files or PCM, as the session
//     says) is buffered. With server VAD, the first append holding a sample
//     louder than 1/32 of full scale is input_audio_buffer.speech_started
//     and the next one without is speech_stopped, followed by the commit
//     and the reply, as if the client had sent commit and response.create.
//   - input_audio_buffer.commit: input_audio_buffer.committed,
//     conversation.item.created (the user's input_audio message) and
//     conversation.item.input_audio_transcription.completed. The
//     transcript is the text the audio carries: Speech(text) as PCM, or a
//     zaitest WAV (WAV(pcm, text), which /audio/speech returns for "wav");
//     other audio is "<n> ms of audio". An empty buffer is an error event.
//   - conversation.item.create: conversation.item.created; a user message's
//     text becomes the turn, a function_call_output is kept for the reply.
//   - response.create: the reply. When the session has tools and the user
//     has just spoken, the model calls the first one:
//     response.function_call_arguments.done with arguments filling the
//     schema's required properties as chat does (a word of the user's, 1, true) and no
//     call_id (the AsyncAPI document promises none), then response.done.
//     After function outputs it says "The tool returned: <outputs>";
//     otherwise "Echo: <transcript>". A reply with audio comes as one
//     response.audio_transcript.delta per word, then Speech(reply) in
//     response.audio.delta events of 100 ms, response.audio.done and
//     response.audio_transcript.done; a text-only session gets
//     response.text.delta and response.text.done. response.done ends it,
//     status completed, with usage: text tokens are words, audio tokens 25
//     per second.
//   - input_audio_buffer.clear, conversation.item.delete and .retrieve are
//     acknowledged; an unknown event type or a message that is not JSON is
//     an error event (invalid_event), and the session goes on.
//
// Every client message is kept for RealtimeReceived. Ids are numbered per
// session ("item_001", "resp_001").

// realtimeState is the server's realtime part.
type realtimeState struct {
	mu        sync.Mutex
	heartbeat time.Duration // 0: every 30 s
	scripts   []*RealtimeScript
	received  []RealtimeMessage
	sessions  int
	conns     map[*websocket.Conn]bool // open; Server.Close ends them
}

// track registers an open connection.
func (st *realtimeState) track(c *websocket.Conn) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.conns == nil {
		st.conns = map[*websocket.Conn]bool{}
	}
	st.conns[c] = true
}

func (st *realtimeState) forget(c *websocket.Conn) {
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.conns, c)
}

// closeAll drops every open realtime connection: the hijacked sockets
// outlive httptest's Close otherwise.
func (st *realtimeState) closeAll() {
	st.mu.Lock()
	defer st.mu.Unlock()
	for c := range st.conns {
		c.CloseNow()
	}
}

// WithRealtimeHeartbeat sets how often a realtime session sends a
// heartbeat after the one that follows session.updated (default 30 s, as
// the API does).
func WithRealtimeHeartbeat(d time.Duration) Option {
	return func(s *Server) { s.rt.heartbeat = d }
}

// RealtimeMessage is a message a client sent in a realtime session.
type RealtimeMessage struct {
	// Session numbers the realtime sessions the server accepted, from 1.
	Session int
	// Type is the event's "type", or "" when the message had none.
	Type string
	// Raw is the message as received.
	Raw []byte
}

// Decode unmarshals the message into v, such as a *zai.RealtimeItemCreate
// (audio arrives decoded from its base64).
func (m RealtimeMessage) Decode(v any) error { return json.Unmarshal(m.Raw, v) }

// RealtimeReceived returns the messages clients sent in realtime sessions,
// oldest first, across sessions.
func (s *Server) RealtimeReceived() []RealtimeMessage {
	s.rt.mu.Lock()
	defer s.rt.mu.Unlock()
	return append([]RealtimeMessage(nil), s.rt.received...)
}

// Speech returns 16-bit mono PCM at 24 kHz that a zaitest realtime session
// hears as text: a 440 Hz tone as long as Tone(text), whose first samples
// carry the text. Append it with the session's input format set to
// zai.RealtimeAudioFormatPCM24 (or any pcm rate).
func Speech(text string) []byte {
	mark := append([]byte(speechMark+text), 0)
	if len(mark)%2 == 1 {
		mark = append(mark, 0)
	}
	return append(mark, Tone(text)...)
}

// speechMark starts the text Speech hides in its samples.
const speechMark = "\x00zaitest-speech:"

// speechText finds the text Speech hid in pcm.
func speechText(pcm []byte) (string, bool) {
	i := bytes.Index(pcm, []byte(speechMark))
	if i < 0 {
		return "", false
	}
	rest := pcm[i+len(speechMark):]
	end := bytes.IndexByte(rest, 0)
	if end < 0 || !utf8.Valid(rest[:end]) {
		return "", false
	}
	return string(rest[:end]), true
}

// isRealtime reports whether r asks for the realtime socket.
func isRealtime(path string) bool { return path == "/realtime" }

// serveRealtime answers GET /realtime: a script, a cassette, the real API
// (recording) or the default session. r has passed the key check.
func (s *Server) serveRealtime(w http.ResponseWriter, r *http.Request) {
	if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		writeError(w, http.StatusUpgradeRequired, "1214", "GET /realtime is a WebSocket")
		return
	}
	s.rt.mu.Lock()
	s.rt.sessions++
	n := s.rt.sessions
	var script *RealtimeScript
	if len(s.rt.scripts) > 0 {
		script, s.rt.scripts = s.rt.scripts[0], s.rt.scripts[1:]
	}
	s.rt.mu.Unlock()
	if script == nil && s.recorder != nil {
		s.recorder.forwardRealtime(s, w, r, n)
		return
	}
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return
	}
	defer c.CloseNow()
	s.rt.track(c)
	defer s.rt.forget(c)
	c.SetReadLimit(64 << 20)
	rs := &rtSession{srv: s, c: c, n: n}
	switch {
	case script != nil:
		if !script.play(rs) {
			return
		}
	case s.replay != nil:
		s.replay.serveRealtime(rs)
		return
	}
	rs.run()
}

// rtSession is the server's side of one realtime connection.
type rtSession struct {
	srv *Server
	c   *websocket.Conn
	n   int

	writeMu sync.Mutex
	cfg     zai.RealtimeSessionConfig
	ids     map[string]int

	audio    []byte   // the turn's PCM
	texts    []string // the texts of zaitest WAVs in the turn
	analysed int      // bytes of audio the VAD has looked at
	speaking bool
	rate     int // the turn's sample rate
	frames   int // video frames since the last response

	turn    string   // the last user turn's text
	turnMS  int      // and the length of its audio
	called  bool     // the model called a tool since the user spoke
	outputs []string // function outputs since the last reply
	items   map[string]zai.RealtimeItem
}

// read returns the next client message, recorded; false when the client
// has gone.
func (rs *rtSession) read() (RealtimeMessage, bool) {
	typ, raw, err := rs.c.Read(context.Background())
	if err != nil {
		return RealtimeMessage{}, false
	}
	m := RealtimeMessage{Session: rs.n, Raw: raw}
	var probe struct {
		Type string `json:"type"`
	}
	if typ == websocket.MessageText && json.Unmarshal(raw, &probe) == nil {
		m.Type = probe.Type
	}
	rs.srv.rt.mu.Lock()
	rs.srv.rt.received = append(rs.srv.rt.received, m)
	rs.srv.rt.mu.Unlock()
	return m, true
}

// send writes one event: a zai event value or map as JSON, a string or
// []byte as it is.
func (rs *rtSession) send(v any) bool {
	b, err := encodeBody(v)
	if err != nil {
		b, _ = json.Marshal(map[string]any{"type": "error", "error": map[string]string{
			"type": "server_error", "code": "zaitest", "message": "zaitest: cannot encode event: " + err.Error()}})
	}
	return rs.write(websocket.MessageText, b)
}

func (rs *rtSession) write(typ websocket.MessageType, b []byte) bool {
	rs.writeMu.Lock()
	defer rs.writeMu.Unlock()
	return rs.c.Write(context.Background(), typ, b) == nil
}

func (rs *rtSession) id(prefix string) string {
	if rs.ids == nil {
		rs.ids = map[string]int{}
	}
	rs.ids[prefix]++
	return fmt.Sprintf("%s_%03d", prefix, rs.ids[prefix])
}

// run is the default session, until the client goes away.
func (rs *rtSession) run() {
	stop := make(chan struct{})
	defer close(stop)
	every := rs.srv.rt.heartbeat
	if every <= 0 {
		every = 30 * time.Second
	}
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				rs.send(zai.RealtimeHeartbeat{})
			case <-stop:
				return
			}
		}
	}()
	for {
		m, ok := rs.read()
		if !ok {
			return
		}
		rs.handle(m)
	}
}

// handle answers one client message as the default session does.
func (rs *rtSession) handle(m RealtimeMessage) {
	bad := func(code, msg string) {
		rs.send(zai.RealtimeError{EventID: rs.id("event"), Type: "invalid_request_error", Code: code, Message: msg})
	}
	switch m.Type {
	case "session.update":
		var ev zai.RealtimeSessionUpdate
		if err := m.Decode(&ev); err != nil {
			bad("invalid_event", "session.update: "+err.Error())
			return
		}
		rs.acceptSession(ev.Session)
		if g := rs.cfg.GreetingConfig; g != nil && g.Enable && g.Content != "" {
			rs.reply(g.Content)
		}
	case "input_audio_buffer.append":
		var ev zai.RealtimeAudioAppend
		if err := m.Decode(&ev); err != nil || len(ev.Audio) == 0 {
			bad("invalid_event", "input_audio_buffer.append needs base64 audio")
			return
		}
		rs.append(ev.Audio)
	case "input_audio_buffer.append_video_frame":
		rs.frames++
	case "input_audio_buffer.commit":
		if len(rs.audio) == 0 && len(rs.texts) == 0 {
			bad("input_audio_buffer_commit_empty", "the input audio buffer is empty")
			return
		}
		rs.commit()
	case "input_audio_buffer.clear":
		rs.clearAudio()
		rs.send(zai.RealtimeInputCleared{EventID: rs.id("event")})
	case "conversation.item.create":
		var ev zai.RealtimeItemCreate
		if err := m.Decode(&ev); err != nil {
			bad("invalid_event", "conversation.item.create: "+err.Error())
			return
		}
		rs.createItem(ev)
	case "conversation.item.delete", "conversation.item.retrieve":
		var ev zai.RealtimeItemDelete
		m.Decode(&ev)
		item, ok := rs.items[ev.ItemID]
		if !ok {
			bad("item_not_found", fmt.Sprintf("item %q does not exist", ev.ItemID))
			return
		}
		if m.Type == "conversation.item.delete" {
			delete(rs.items, ev.ItemID)
			rs.send(zai.RealtimeItemDeleted{EventID: rs.id("event"), ItemID: ev.ItemID})
		} else {
			rs.send(zai.RealtimeItemRetrieved{EventID: rs.id("event"), Item: item})
		}
	case "response.create":
		if b := rs.cfg.BetaFields; b != nil && b.ChatMode == zai.RealtimeChatModeVideoPassive && rs.frames == 0 {
			bad("video_model_query_error", "send at least one video frame before response.create in video mode")
			return
		}
		rs.respond()
	case "response.cancel", "input_audio_buffer.pre_commit":
	case "":
		bad("invalid_event", "the message is not a JSON event with a type")
	default:
		bad("invalid_event", fmt.Sprintf("unknown event type %q", m.Type))
	}
}

// acceptSession takes a configuration and answers session.updated (with
// the server's defaults filled in) and a heartbeat.
func (rs *rtSession) acceptSession(cfg zai.RealtimeSessionConfig) {
	if cfg.OutputAudioFormat == "" {
		cfg.OutputAudioFormat = zai.RealtimeAudioFormatPCM
	}
	if cfg.Voice == "" {
		cfg.Voice = zai.RealtimeVoiceTongtong
	}
	if cfg.TurnDetection == nil {
		cfg.TurnDetection = &zai.RealtimeTurnDetection{Type: zai.TurnDetectionClientVAD}
	}
	if len(cfg.Modalities) == 0 {
		cfg.Modalities = []zai.RealtimeModality{zai.RealtimeModalityText, zai.RealtimeModalityAudio}
	}
	rs.cfg = cfg
	rs.send(zai.RealtimeSessionUpdated{EventID: rs.id("event"), Session: cfg})
	rs.send(zai.RealtimeHeartbeat{})
}

// loud is the level above which a sample is speech for the VAD.
const loud = 1 << 10

// append buffers audio and, with server VAD, listens for the end of speech.
func (rs *rtSession) append(audio []byte) {
	if pcm, rate, text, ok := parseWAV(audio); ok {
		if text != "" {
			rs.texts = append(rs.texts, text)
		}
		audio, rs.rate = pcm, rate
	} else if rs.rate == 0 {
		rs.rate = pcmRate(rs.cfg.InputAudioFormat)
	}
	rs.audio = append(rs.audio, audio...)
	if rs.cfg.TurnDetection == nil || rs.cfg.TurnDetection.Type != zai.TurnDetectionServerVAD {
		return
	}
	start := rs.analysed &^ 1
	heard := false
	for i := start; i+1 < len(rs.audio); i += 2 {
		v := int16(binary.LittleEndian.Uint16(rs.audio[i:]))
		if v > loud || v < -loud {
			heard = true
			break
		}
	}
	rs.analysed = len(rs.audio)
	switch {
	case heard && !rs.speaking:
		rs.speaking = true
		rs.send(zai.RealtimeSpeechStarted{EventID: rs.id("event"), AudioStartMS: rs.ms(start)})
	case !heard && rs.speaking:
		rs.speaking = false
		rs.send(zai.RealtimeSpeechStopped{EventID: rs.id("event"), AudioEndMS: rs.ms(len(rs.audio))})
		rs.commit()
		rs.respond()
	}
}

// ms converts a length of the turn's PCM to milliseconds.
func (rs *rtSession) ms(n int) int {
	rate := rs.rate
	if rate == 0 {
		rate = 16000
	}
	return n / 2 * 1000 / rate
}

// pcmRate reads the sample rate of "pcm16", "pcm24"...: 16 kHz when it
// names none.
func pcmRate(f zai.RealtimeAudioFormat) int {
	if k, err := strconv.Atoi(strings.TrimPrefix(string(f), "pcm")); err == nil && k > 0 {
		return k * 1000
	}
	return 16000
}

// parseWAV returns the samples, rate and zaitest text of a WAV file.
func parseWAV(b []byte) (pcm []byte, rate int, text string, ok bool) {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return nil, 0, "", false
	}
	text, _ = wavText(b)
	for p := 12; p+8 <= len(b); {
		id, n := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:]))
		body := b[p+8 : min(p+8+max(n, 0), len(b))]
		switch id {
		case "fmt ":
			if len(body) >= 8 {
				rate = int(binary.LittleEndian.Uint32(body[4:]))
			}
		case "data":
			pcm = body
		}
		p += 8 + n + n%2
	}
	return pcm, rate, text, true
}

func (rs *rtSession) clearAudio() {
	rs.audio, rs.texts, rs.analysed, rs.speaking = nil, nil, 0, false
}

// commit turns the buffered audio into the user's turn.
func (rs *rtSession) commit() {
	text, ok := speechText(rs.audio)
	switch {
	case len(rs.texts) > 0:
		text = strings.Join(rs.texts, " ")
	case !ok:
		text = fmt.Sprintf("%d ms of audio", rs.ms(len(rs.audio)))
	}
	item := rs.id("item")
	rs.send(zai.RealtimeInputCommitted{EventID: rs.id("event"), ItemID: item})
	rs.addItem(zai.RealtimeItem{ID: item, Type: zai.RealtimeItemTypeMessage, Object: "realtime.item", Status: zai.RealtimeItemStatusCompleted,
		Role: zai.RoleUser, Content: []zai.RealtimeContent{{Type: zai.RealtimeContentTypeInputAudio}}})
	rs.send(zai.RealtimeInputTranscriptionCompleted{EventID: rs.id("event"), ItemID: item, Transcript: text})
	rs.turn, rs.turnMS, rs.called = text, rs.ms(len(rs.audio)), false
	rs.clearAudio()
}

func (rs *rtSession) addItem(item zai.RealtimeItem) {
	if rs.items == nil {
		rs.items = map[string]zai.RealtimeItem{}
	}
	rs.items[item.ID] = item
	rs.send(zai.RealtimeItemCreated{EventID: rs.id("event"), Item: item})
}

// createItem adds a client's item: a user message is a turn, a function
// output waits for the reply.
func (rs *rtSession) createItem(ev zai.RealtimeItemCreate) {
	item := ev.Item
	if item.ID == "" {
		item.ID = rs.id("item")
	}
	item.Object, item.Status = "realtime.item", zai.RealtimeItemStatusCompleted
	switch item.Type {
	case zai.RealtimeItemTypeFunctionCallOutput:
		rs.outputs = append(rs.outputs, item.Output)
	case zai.RealtimeItemTypeMessage:
		var parts []string
		for _, c := range item.Content {
			if c.Text != "" {
				parts = append(parts, c.Text)
			}
		}
		if item.Role == "" || item.Role == zai.RoleUser {
			rs.turn, rs.turnMS, rs.called = strings.Join(parts, " "), 0, false
		}
	}
	rs.addItem(item)
}

// respond answers the turn: a tool call, or speech.
func (rs *rtSession) respond() {
	switch {
	case len(rs.outputs) > 0:
		text := "The tool returned: " + strings.Join(rs.outputs, "; ")
		rs.outputs = nil
		rs.reply(text)
	case len(rs.cfg.Tools) > 0 && !rs.called:
		rs.callTool(rs.cfg.Tools[0])
	default:
		rs.reply("Echo: " + rs.turn)
	}
	rs.frames = 0
}

func (rs *rtSession) response(status zai.RealtimeResponseStatus, id string, usage *zai.RealtimeUsage) zai.RealtimeResponse {
	return zai.RealtimeResponse{ID: id, Object: "realtime.response", Status: status, Usage: usage}
}

// callTool answers with a call of tool: response.function_call_arguments.done
// without a call_id, then response.done.
func (rs *rtSession) callTool(tool zai.RealtimeTool) {
	id, item := rs.id("resp"), rs.id("item")
	rs.send(zai.RealtimeResponseCreated{EventID: rs.id("event"), Response: rs.response(zai.RealtimeResponseStatusInProgress, id, nil)})
	args, _ := json.Marshal(exampleArgs(tool.Parameters, rs.turn))
	rs.send(zai.RealtimeFunctionCallArgumentsDone{EventID: rs.id("event"), ResponseID: id, ItemID: item, Name: tool.Name, Arguments: string(args)})
	rs.called = true
	rs.send(zai.RealtimeResponseDone{EventID: rs.id("event"), Response: rs.response(zai.RealtimeResponseStatusCompleted, id,
		rs.usage(words(rs.turn), rs.turnMS, 0, 0))})
}

// reply speaks text as the session's modalities say, then response.done.
func (rs *rtSession) reply(text string) {
	id, item := rs.id("resp"), rs.id("item")
	rs.send(zai.RealtimeResponseCreated{EventID: rs.id("event"), Response: rs.response(zai.RealtimeResponseStatusInProgress, id, nil)})
	audio := false
	for _, m := range rs.cfg.Modalities {
		audio = audio || m == zai.RealtimeModalityAudio
	}
	outAudioMS := 0
	if audio {
		for _, w := range splitWords(text) {
			rs.send(zai.RealtimeTranscriptDelta{EventID: rs.id("event"), ResponseID: id, ItemID: item, Delta: w})
		}
		pcm := Speech(text)
		const piece = SpeechSampleRate / 10 * 2 // 100 ms
		for i := 0; i < len(pcm); i += piece {
			rs.send(zai.RealtimeAudioDelta{EventID: rs.id("event"), ResponseID: id, ItemID: item, Delta: pcm[i:min(i+piece, len(pcm))]})
		}
		outAudioMS = len(pcm) / 2 * 1000 / SpeechSampleRate
		rs.send(zai.RealtimeAudioDone{EventID: rs.id("event"), ResponseID: id, ItemID: item})
		rs.send(zai.RealtimeTranscriptDone{EventID: rs.id("event"), ResponseID: id, ItemID: item, Transcript: text})
	} else {
		for _, w := range splitWords(text) {
			rs.send(zai.RealtimeTextDelta{EventID: rs.id("event"), ResponseID: id, ItemID: item, Delta: w})
		}
		rs.send(zai.RealtimeTextDone{EventID: rs.id("event"), ResponseID: id, ItemID: item, Text: text})
	}
	rs.send(zai.RealtimeResponseDone{EventID: rs.id("event"), Response: rs.response(zai.RealtimeResponseStatusCompleted, id,
		rs.usage(words(rs.turn), rs.turnMS, words(text), outAudioMS))})
}

// usage counts words as text tokens and 25 audio tokens a second.
func (rs *rtSession) usage(inText, inAudioMS, outText, outAudioMS int) *zai.RealtimeUsage {
	u := &zai.RealtimeUsage{
		InputTokenDetails:  zai.RealtimeInputTokenDetails{TextTokens: inText, AudioTokens: inAudioMS / 40},
		OutputTokenDetails: zai.RealtimeOutputTokenDetails{TextTokens: outText, AudioTokens: outAudioMS / 40},
	}
	u.InputTokens = u.InputTokenDetails.TextTokens + u.InputTokenDetails.AudioTokens
	u.OutputTokens = u.OutputTokenDetails.TextTokens + u.OutputTokenDetails.AudioTokens
	u.TotalTokens = u.InputTokens + u.OutputTokens
	return u
}
