package zaitest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

func rtConnect(t *testing.T, c *zai.Client, cfg zai.RealtimeSessionConfig) *zai.RealtimeSession {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sess, err := c.Realtime.Connect(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	return sess
}

// untilDone collects events up to the n-th response.done.
func untilDone(t *testing.T, sess *zai.RealtimeSession, n int) []zai.RealtimeEvent {
	t.Helper()
	var evs []zai.RealtimeEvent
	for ev, err := range sess.Events() {
		if err != nil {
			t.Fatalf("after %v: %v", typesOf(evs), err)
		}
		evs = append(evs, ev)
		if _, ok := ev.(*zai.RealtimeResponseDone); ok {
			if n--; n == 0 {
				return evs
			}
		}
	}
	return evs
}

func typesOf(evs []zai.RealtimeEvent) []string {
	var out []string
	for _, ev := range evs {
		out = append(out, ev.EventType())
	}
	return out
}

func find[T zai.RealtimeEvent](evs []zai.RealtimeEvent) []T {
	var out []T
	for _, ev := range evs {
		if e, ok := ev.(T); ok {
			out = append(out, e)
		}
	}
	return out
}

// TestRealtimeDefaultServerVAD: speech, then silence, is a turn the
// default session transcribes and answers with speech.
func TestRealtimeDefaultServerVAD(t *testing.T) {
	srv := zaitest.NewServer(t)
	sess := rtConnect(t, srv.Client(), zai.RealtimeSessionConfig{
		InputAudioFormat: zai.RealtimeAudioFormatPCM24,
		TurnDetection:    &zai.RealtimeTurnDetection{Type: zai.TurnDetectionServerVAD},
	})
	ctx := context.Background()
	speech := zaitest.Speech("Hello there")
	for i := 0; i < len(speech); i += 4800 {
		if err := sess.AppendAudio(ctx, speech[i:min(i+4800, len(speech))]); err != nil {
			t.Fatal(err)
		}
	}
	if err := sess.AppendAudio(ctx, make([]byte, 4800)); err != nil {
		t.Fatal(err)
	}
	evs := untilDone(t, sess, 1)
	got := strings.Join(typesOf(evs), " ")
	for _, want := range []string{
		"session.updated heartbeat input_audio_buffer.speech_started input_audio_buffer.speech_stopped input_audio_buffer.committed conversation.item.created conversation.item.input_audio_transcription.completed response.created response.audio_transcript.delta",
		"response.audio.delta response.audio.done response.audio_transcript.done response.done",
	} {
		if !strings.Contains(got, want) {
			t.Fatalf("events:\n%s\nlack %s", got, want)
		}
	}
	upd := find[*zai.RealtimeSessionUpdated](evs)[0]
	if upd.Session.Voice != zai.RealtimeVoiceTongtong || upd.Session.OutputAudioFormat != zai.RealtimeAudioFormatPCM {
		t.Errorf("defaults not filled: %+v", upd.Session)
	}
	if tr := find[*zai.RealtimeInputTranscriptionCompleted](evs)[0]; tr.Transcript != "Hello there" {
		t.Errorf("transcript %q", tr.Transcript)
	}
	var pcm []byte
	for _, d := range find[*zai.RealtimeAudioDelta](evs) {
		pcm = append(pcm, d.PCM()...)
	}
	if !bytes.Equal(pcm, zaitest.Speech("Echo: Hello there")) {
		t.Errorf("the reply's audio is %d bytes, not Speech of the reply", len(pcm))
	}
	if done := find[*zai.RealtimeTranscriptDone](evs)[0]; done.Transcript != "Echo: Hello there" {
		t.Errorf("reply %q", done.Transcript)
	}
	u := find[*zai.RealtimeResponseDone](evs)[0].Response.Usage
	if u == nil || u.InputTokenDetails.TextTokens != 2 || u.OutputTokenDetails.TextTokens != 3 || u.TotalTokens != u.InputTokens+u.OutputTokens || u.OutputTokenDetails.AudioTokens == 0 {
		t.Errorf("usage %+v", u)
	}
	if n := len(srv.RealtimeReceived()); n < 3 {
		t.Errorf("%d client messages kept", n)
	}
}

// TestRealtimeDefaultClientVAD: a WAV from the fake's own speech is
// transcribed to its text; with text only, the reply is text deltas.
func TestRealtimeDefaultClientVAD(t *testing.T) {
	srv := zaitest.NewServer(t)
	client := srv.Client()
	ctx := context.Background()
	sess := rtConnect(t, client, zai.RealtimeSessionConfig{Modalities: []zai.RealtimeModality{zai.RealtimeModalityText}})
	if err := sess.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := sess.AppendAudio(ctx, zaitest.WAV(zaitest.Tone("你好"), "你好")); err != nil {
		t.Fatal(err)
	}
	sess.Commit(ctx)
	sess.CreateResponse(ctx)
	evs := untilDone(t, sess, 1)
	if e := find[*zai.RealtimeError](evs); len(e) != 1 || e[0].Code != "input_audio_buffer_commit_empty" {
		t.Errorf("commit of nothing: %v", e)
	}
	if tr := find[*zai.RealtimeInputTranscriptionCompleted](evs); len(tr) != 1 || tr[0].Transcript != "你好" {
		t.Errorf("transcripts %v", tr)
	}
	if d := find[*zai.RealtimeTextDone](evs); len(d) != 1 || d[0].Text != "Echo: 你好" || len(find[*zai.RealtimeAudioDelta](evs)) != 0 {
		t.Errorf("text reply: %v", typesOf(evs))
	}
}

// TestRealtimeDefaultTools: the session's tool is called without a
// call_id; RealtimeToolRunner answers and the model speaks the result.
func TestRealtimeDefaultTools(t *testing.T) {
	srv := zaitest.NewServer(t)
	weather := zai.NewTool("get_weather", "Weather in a city", func(ctx context.Context, in struct {
		City string `json:"city"`
	}) (string, error) {
		return "sunny in " + in.City, nil
	})
	tools := zai.NewRealtimeToolRunner(weather)
	sess := rtConnect(t, srv.Client(), zai.RealtimeSessionConfig{Tools: tools.Tools()})
	ctx := context.Background()
	sess.CreateItem(ctx, zai.RealtimeItem{Type: zai.RealtimeItemTypeMessage, Role: zai.RoleUser,
		Content: []zai.RealtimeContent{{Type: zai.RealtimeContentTypeInputText, Text: "Weather in Paris?"}}})
	sess.CreateResponse(ctx)
	var evs []zai.RealtimeEvent
	for ev, err := range sess.Events() {
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
		answered, err := tools.Handle(ctx, sess, ev)
		if err != nil {
			t.Fatal(err)
		}
		if _, done := ev.(*zai.RealtimeResponseDone); done && !answered {
			break
		}
	}
	fc := find[*zai.RealtimeFunctionCallArgumentsDone](evs)
	if len(fc) != 1 || fc[0].Name != "get_weather" || fc[0].Arguments != `{"city":"Paris"}` || fc[0].CallID != "" {
		t.Fatalf("calls %+v", fc)
	}
	if d := find[*zai.RealtimeTranscriptDone](evs); len(d) != 1 || d[0].Transcript != `The tool returned: "sunny in Paris"` {
		t.Errorf("reply %+v", d)
	}
	var sent []string
	for _, m := range srv.RealtimeReceived() {
		sent = append(sent, m.Type)
	}
	if got := strings.Join(sent, " "); got != "session.update conversation.item.create response.create conversation.item.create response.create" {
		t.Errorf("the client sent %s", got)
	}
	var out zai.RealtimeItemCreate
	srv.RealtimeReceived()[3].Decode(&out)
	if out.Item.Type != zai.RealtimeItemTypeFunctionCallOutput || out.Item.Output != `"sunny in Paris"` || out.Item.CallID != "" {
		t.Errorf("output item %+v", out.Item)
	}
}

// TestRealtimeHeartbeatsAndGreeting: the greeting is spoken first; a
// heartbeat comes at the interval set.
func TestRealtimeHeartbeatsAndGreeting(t *testing.T) {
	srv := zaitest.NewServer(t, zaitest.WithRealtimeHeartbeat(20*time.Millisecond))
	sess := rtConnect(t, srv.Client(), zai.RealtimeSessionConfig{GreetingConfig: &zai.RealtimeGreeting{Enable: true, Content: "Hi, I am here."}})
	beats, greeting := 0, ""
	for ev, err := range sess.Events() {
		if err != nil {
			t.Fatal(err)
		}
		switch e := ev.(type) {
		case *zai.RealtimeHeartbeat:
			beats++
		case *zai.RealtimeTranscriptDone:
			greeting = e.Transcript
		}
		if beats == 3 {
			break
		}
	}
	if greeting != "Hi, I am here." {
		t.Errorf("greeting %q", greeting)
	}
}

// TestRealtimeDefaultErrors: an unknown event and a message that is not
// JSON are error events; the session goes on.
func TestRealtimeDefaultErrors(t *testing.T) {
	srv := zaitest.NewServer(t)
	sess := rtConnect(t, srv.Client(), zai.RealtimeSessionConfig{})
	ctx := context.Background()
	sess.Send(ctx, zai.RealtimeRawEvent(`{"type":"session.teleport"}`))
	sess.DeleteItem(ctx, "item_999")
	sess.Send(ctx, zai.RealtimeItemCreate{Item: zai.RealtimeItem{Type: zai.RealtimeItemTypeMessage, Role: zai.RoleUser,
		Content: []zai.RealtimeContent{{Type: zai.RealtimeContentTypeInputText, Text: "hi"}}}})
	var errs []*zai.RealtimeError
	for ev, err := range sess.Events() {
		if err != nil {
			t.Fatal(err)
		}
		if e, ok := ev.(*zai.RealtimeError); ok {
			errs = append(errs, e)
		}
		if _, ok := ev.(*zai.RealtimeItemCreated); ok {
			break
		}
	}
	if len(errs) != 2 || errs[0].Code != "invalid_event" || errs[1].Code != "item_not_found" {
		t.Fatalf("errors %v", errs)
	}
}

// TestRealtimeRefusedKey: the handshake checks the key as every route does.
func TestRealtimeRefusedKey(t *testing.T) {
	srv := zaitest.NewServer(t)
	_, err := srv.Client(zai.WithAPIKey("wrong.key-wrong-key")).Realtime.Connect(context.Background(), zai.RealtimeSessionConfig{})
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 || apiErr.Code != "1000" {
		t.Fatalf("got %v", err)
	}
	sess := rtConnect(t, srv.Client(zai.WithJWTAuth(time.Minute)), zai.RealtimeSessionConfig{})
	sess.Close()
}

// TestRealtimeScript: a script sends, expects and ends the session as
// told; text, binary and garbage all go out as written.
func TestRealtimeScript(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.ScriptRealtime().
		AcceptSession().
		Expect("response.create").
		Send(zai.RealtimeResponseCreated{Response: zai.RealtimeResponse{ID: "r1", Status: zai.RealtimeResponseStatusInProgress}},
			&zai.RealtimeAudioDelta{ResponseID: "r1", ItemID: "i1", Delta: []byte{1, 2, 3, 4}}, "not JSON").
		SendBinary([]byte{0xFF}).
		Close(1011, "scripted failure")
	sess := rtConnect(t, srv.Client(), zai.RealtimeSessionConfig{})
	sess.AppendAudio(context.Background(), []byte{9, 9})
	sess.CreateResponse(context.Background())
	var evs []zai.RealtimeEvent
	var end error
	for ev, err := range sess.Events() {
		if err != nil {
			end = err
			break
		}
		evs = append(evs, ev)
	}
	if got := strings.Join(typesOf(evs), " "); got != "session.updated heartbeat response.created response.audio.delta  " {
		t.Errorf("events %q", got)
	}
	if d := evs[3].(*zai.RealtimeAudioDelta); !bytes.Equal(d.PCM(), []byte{1, 2, 3, 4}) {
		t.Errorf("delta %v", d.PCM())
	}
	if websocket.CloseStatus(end) != 1011 || !strings.Contains(end.Error(), "scripted failure") {
		t.Errorf("end %v", end)
	}
	if got := srv.RealtimeReceived(); len(got) != 3 || got[1].Type != "input_audio_buffer.append" {
		t.Errorf("received %+v", got)
	}
}

// TestRealtimeScriptStall: a stalled session ends the client's by its
// silence limit; Server.Close ends one left open.
func TestRealtimeScriptStall(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.ScriptRealtime().AcceptSession().Stall()
	sess := rtConnect(t, srv.Client(zai.WithStreamIdleTimeout(200*time.Millisecond)), zai.RealtimeSessionConfig{})
	var end error
	for _, err := range sess.Events() {
		end = err
	}
	if !errors.Is(end, zai.ErrTimeout) {
		t.Fatalf("end %v", end)
	}

	srv2 := zaitest.Start()
	srv2.ScriptRealtime().AcceptSession().Stall()
	sess2 := rtConnect(t, srv2.Client(), zai.RealtimeSessionConfig{})
	srv2.Close()
	for _, err := range sess2.Events() {
		end = err
	}
	if !errors.Is(end, io.ErrUnexpectedEOF) {
		t.Fatalf("after Server.Close: %v", end)
	}
}

// TestRealtimeRecordReplay records a session with a tool call from an
// upstream (another zaitest server standing in for the API), then replays
// it with no upstream: the same events arrive, and a client that strays
// from the recording is told where.
func TestRealtimeRecordReplay(t *testing.T) {
	upstream := zaitest.NewServer(t)
	cassette := filepath.Join(t.TempDir(), "realtime.json")
	weather := zai.NewTool("get_weather", "Weather in a city", func(ctx context.Context, in struct {
		City string `json:"city"`
	}) (string, error) {
		return "rain", nil
	})
	conversation := func(srv *zaitest.Server) []string {
		tools := zai.NewRealtimeToolRunner(weather)
		sess := rtConnect(t, srv.Client(), zai.RealtimeSessionConfig{
			InputAudioFormat: zai.RealtimeAudioFormatPCM24, Tools: tools.Tools(),
			TurnDetection: &zai.RealtimeTurnDetection{Type: zai.TurnDetectionServerVAD},
		})
		ctx := context.Background()
		sess.AppendAudio(ctx, zaitest.Speech("Weather?"))
		sess.AppendAudio(ctx, make([]byte, 960))
		var got []string
		for ev, err := range sess.Events() {
			if err != nil {
				t.Fatalf("after %v: %v", got, err)
			}
			answered, err := tools.Handle(ctx, sess, ev)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, ev.EventType())
			if d, ok := ev.(*zai.RealtimeTranscriptDone); ok {
				got = append(got, d.Transcript)
			}
			if _, done := ev.(*zai.RealtimeResponseDone); done && !answered {
				break
			}
		}
		sess.Close()
		return got
	}

	t.Run("record", func(t *testing.T) {
		t.Setenv(zaitest.EnvRecord, "1")
		t.Setenv(zai.EnvAPIKey, zaitest.DefaultAPIKey)
		t.Setenv(zai.EnvBaseURL, upstream.URL())
		recorded := conversation(zaitest.Replay(t, cassette))
		if !strings.Contains(strings.Join(recorded, " "), `The tool returned: "rain"`) {
			t.Fatalf("recorded %v", recorded)
		}
	})
	b, err := os.ReadFile(cassette)
	if err != nil {
		t.Fatal(err)
	}
	var c zaitest.Cassette
	if err := json.Unmarshal(b, &c); err != nil || len(c.Exchanges) != 1 || c.Exchanges[0].Path != "/realtime" || c.Exchanges[0].Status != 101 {
		t.Fatalf("cassette: %v %+v", err, c.Exchanges)
	}
	if strings.Contains(string(b), zaitest.DefaultAPIKey) {
		t.Error("the key is in the cassette")
	}

	live := conversation(upstream)
	replayed := conversation(zaitest.Replay(t, cassette))
	if strings.Join(replayed, " ") != strings.Join(live, " ") {
		t.Errorf("replayed:\n%v\nlive:\n%v", replayed, live)
	}

	// A client that sends something else is stopped with the reason.
	srv := zaitest.Replay(t, cassette)
	sess := rtConnect(t, srv.Client(), zai.RealtimeSessionConfig{
		InputAudioFormat: zai.RealtimeAudioFormatPCM24, TurnDetection: &zai.RealtimeTurnDetection{Type: zai.TurnDetectionServerVAD}})
	sess.Commit(context.Background())
	var end error
	for _, err := range sess.Events() {
		end = err
	}
	if websocket.CloseStatus(end) != websocket.StatusPolicyViolation || !strings.Contains(end.Error(), `"input_audio_buffer.commit" where message`) {
		t.Errorf("a stray client: %v", end)
	}
}
