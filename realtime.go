package zai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/zai-go/zai/internal/sse"
)

// RealtimeService opens GLM-Realtime sessions: spoken (and video)
// conversations with glm-realtime-flash or glm-realtime-air over a
// WebSocket, typed in both directions. See RealtimeSession.
//
// API docs: https://docs.bigmodel.cn/cn/guide/models/sound-and-video/glm-realtime
type RealtimeService struct {
	client *Client
}

// BigModelRealtimeURL is the GLM-Realtime socket on BigModel, the one host
// that documents it. A client derives its socket from its base URL (https
// becomes wss, and /realtime is appended under /paas/v4), so a client made
// with BigModelBaseURL reaches this one; WithRealtimeURL overrides it.
const BigModelRealtimeURL = "wss://open.bigmodel.cn/api/paas/v4/realtime"

// defaultRealtimeIdle is the silence that ends a session when
// WithStreamIdleTimeout is not set: two of the server's 30 s heartbeats,
// and a margin.
const defaultRealtimeIdle = 65 * time.Second

// Connect opens a realtime session: it dials the socket with the client's
// key (or a JWT signed from it), sends config as session.update and returns
// once the server has answered with session.updated. The events that came
// before (session.created, heartbeats, session.updated itself) are the first
// ones Events yields.
//
// ctx bounds the handshake and the wait for session.updated only: once
// Connect returns, the session lives until Close, or until the server
// closes it or falls silent (see RealtimeSession). A config the API would
// refuse (an unknown audio format, max_response_output_tokens outside
// 0-1024, tools in video mode ...) fails with ErrInvalidRequest before
// anything is dialled; a refused handshake is an *APIError; an error event
// in place of session.updated is returned as the *RealtimeError.
//
// The socket is derived from the client's base URL unless WithRealtimeURL
// names it; the key is never sent over plain ws:// to a host that is not
// loopback. The read limit is WithMaxStreamEventSize (32 MiB by default) and
// the silence limit WithStreamIdleTimeout (65 s by default: two heartbeats).
// Retries, middleware and WithMaxConcurrency do not apply to a session.
//
// GET /realtime (WebSocket)
func (s *RealtimeService) Connect(ctx context.Context, config RealtimeSessionConfig, opts ...Option) (*RealtimeSession, error) {
	if err := config.validate(); err != nil {
		return nil, err
	}
	set, err := s.client.resolve(opts)
	if err != nil {
		return nil, err
	}
	u, err := realtimeURL(set)
	if err != nil {
		return nil, err
	}
	update, err := encodeClientEvent(RealtimeSessionUpdate{Session: config})
	if err != nil {
		return nil, invalidf("realtime session config: %v", err)
	}
	if set.RequestTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, set.RequestTimeout,
			&realtimeTimeoutError{msg: fmt.Sprintf("realtime connect timed out after %s", set.RequestTimeout)})
		defer cancel()
	}
	conn, err := dialRealtime(ctx, set, u)
	if err != nil {
		return nil, err
	}
	sess := newRealtimeSession(conn, set)
	err = sess.write(ctx, "session.update", update)
	if err == nil {
		err = sess.awaitUpdated(ctx)
	}
	if err != nil {
		err = connectError(ctx, err)
		sess.abort(err)
		return nil, err
	}
	return sess, nil
}

// connectError prefers the timeout of WithRequestTimeout to the bare
// context error it caused.
func connectError(ctx context.Context, err error) error {
	var te *realtimeTimeoutError
	if ctx.Err() != nil && errors.As(context.Cause(ctx), &te) {
		return te
	}
	return err
}

// realtimeURL is the socket to dial: WithRealtimeURL, or the base URL with
// its scheme swapped and /realtime under /paas/v4.
func realtimeURL(s *settings) (string, error) {
	if s.socketURL != "" {
		return s.socketURL, checkRealtimeURL(s.socketURL)
	}
	base := s.BaseURL
	if root, ok := strings.CutSuffix(base, "/coding/paas/v4"); ok {
		base = root + "/paas/v4" // the Coding Plan has no realtime socket of its own
	}
	switch {
	case strings.HasPrefix(base, "https://"):
		base = "wss://" + base[len("https://"):]
	case strings.HasPrefix(base, "http://"):
		base = "ws://" + base[len("http://"):]
	}
	u := base + "/realtime"
	return u, checkRealtimeURL(u)
}

// checkRealtimeURL refuses a socket URL that cannot work or would carry the
// key in clear text to a host that is not loopback.
func checkRealtimeURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return invalidf("realtime URL %q does not parse", raw)
	case u.Scheme != "wss" && u.Scheme != "ws":
		return invalidf("realtime URL %q is not a ws:// or wss:// URL", raw)
	case u.Hostname() == "":
		return invalidf("realtime URL %q has no host", raw)
	case u.User != nil:
		return invalidf("realtime URL %q carries credentials; use WithAPIKey", raw)
	case u.Scheme == "ws" && !isLoopback(u.Hostname()):
		return fmt.Errorf("%w (%s)", ErrInsecureBaseURL, u.Host)
	}
	return nil
}

// dialRealtime performs the handshake. A refusal is decoded as any other
// failed call is, so a 401 with a business code is an *APIError.
func dialRealtime(ctx context.Context, s *settings, u string) (*websocket.Conn, error) {
	auth, err := s.Auth()
	if err != nil {
		return nil, err
	}
	header := s.Header.Clone()
	if header == nil {
		header = http.Header{}
	}
	header.Set("Authorization", auth)
	if s.UserAgent != "" {
		header.Set("User-Agent", s.UserAgent)
	}
	conn, resp, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPClient: s.HTTPClient, HTTPHeader: header})
	if err == nil {
		conn.SetReadLimit(int64(realtimeReadLimit(s)))
		return conn, nil
	}
	if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
		var body []byte
		if resp.Body != nil {
			body, _ = io.ReadAll(resp.Body) // coder/websocket keeps the first 1 KiB
		}
		return nil, redactRealtime(s, decodeAPIError(resp.StatusCode, resp.Header, body))
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return nil, connectError(ctx, fmt.Errorf("zai: realtime: connecting to %s: %w", u, ctxErr))
	}
	return nil, redactRealtime(s, fmt.Errorf("zai: realtime: connecting to %s: %w", u, err))
}

// realtimeReadLimit is the largest message a session accepts: the stream
// event cap, which coder/websocket's default of 32 KiB is far below (a
// session.updated echoing long instructions, a large audio delta).
func realtimeReadLimit(s *settings) int {
	if s.MaxEventSize > 0 {
		return s.MaxEventSize
	}
	return sse.DefaultMaxEventSize
}

// redactRealtime removes the key (and anything signed from it) from an
// error or a text the server sent, through the client's redaction. Every
// text of a realtime session that can carry an echo of the key passes here,
// and only here.
func redactRealtime(s *settings, err error) error {
	return redactError(s.secrets, err)
}

// redactRealtimeText is redactRealtime for a text.
func redactRealtimeText(s *settings, text string) string {
	return s.secrets.String(text)
}

// RealtimeSessionConfig configures a session: it is the "session" of
// session.update (Connect sends it; send RealtimeSessionUpdate to change
// it later) and of the session.updated the server echoes. Empty fields are
// left out and take the server's defaults.
type RealtimeSessionConfig struct {
	// Model is ModelGLMRealtimeFlash or ModelGLMRealtimeAir.
	Model string `json:"model,omitempty"`
	// InputAudioFormat is the format of AppendAudio's bytes:
	// RealtimeAudioFormatWAV (the server's default: whole WAV files, each
	// with its header) or raw 16-bit mono PCM with its sample rate in kHz,
	// such as RealtimeAudioFormatPCM16 or RealtimeAudioFormatPCM24.
	InputAudioFormat RealtimeAudioFormat `json:"input_audio_format,omitempty"`
	// OutputAudioFormat is RealtimeAudioFormatPCM, the only one: 24 kHz,
	// 16-bit little-endian mono.
	OutputAudioFormat RealtimeAudioFormat `json:"output_audio_format,omitempty"`
	// Instructions is the system prompt.
	Instructions string `json:"instructions,omitempty"`
	// Voice is one of the RealtimeVoice constants (default
	// RealtimeVoiceTongtong).
	Voice string `json:"voice,omitempty"`
	// Temperature is in 0-1.
	Temperature *float64 `json:"temperature,omitempty"`
	// MaxResponseOutputTokens bounds each reply, 0-1024 text tokens. It
	// travels as a JSON string, as the API asks.
	MaxResponseOutputTokens *int `json:"-"`
	// TurnDetection chooses who decides that the user has finished
	// speaking: TurnDetectionServerVAD (the server commits the audio and
	// answers) or TurnDetectionClientVAD (the server's default: the client
	// calls Commit and CreateResponse). With server VAD, a later
	// session.update must repeat it, or the server falls back to client VAD.
	TurnDetection *RealtimeTurnDetection `json:"turn_detection,omitempty"`
	// Tools the model may call, in audio mode only. NewRealtimeToolRunner
	// gives them from the same NewTool values a ToolRunner takes.
	Tools []RealtimeTool `json:"tools,omitempty"`
	// Modalities of the replies (default text and audio).
	Modalities []RealtimeModality `json:"modalities,omitempty"`
	// InputAudioNoiseReduction suits the noise reduction to the microphone.
	InputAudioNoiseReduction *RealtimeNoiseReduction `json:"input_audio_noise_reduction,omitempty"`
	// BetaFields chooses audio or video calls, the voice synthesis and the
	// built-in search.
	BetaFields *RealtimeBetaFields `json:"beta_fields,omitempty"`
	// GreetingConfig makes the model speak first.
	GreetingConfig *RealtimeGreeting `json:"greeting_config,omitempty"`
}

// RealtimeAudioFormat is the format of a session's audio.
type RealtimeAudioFormat string

// Audio formats. The input takes WAV files or raw PCM with its sample rate
// in kHz ("pcm16", "pcm24", "pcm48"...); the output is always PCM at 24 kHz.
const (
	RealtimeAudioFormatWAV   RealtimeAudioFormat = "wav"
	RealtimeAudioFormatPCM   RealtimeAudioFormat = "pcm"
	RealtimeAudioFormatPCM16 RealtimeAudioFormat = "pcm16"
	RealtimeAudioFormatPCM24 RealtimeAudioFormat = "pcm24"
)

// Voices of GLM-Realtime. Voice is an open set: the server may accept
// others.
const (
	RealtimeVoiceTongtong         = "tongtong"
	RealtimeVoiceFemaleTianmei    = "female-tianmei"
	RealtimeVoiceMaleQnDaxuesheng = "male-qn-daxuesheng"
	RealtimeVoiceMaleQnJingying   = "male-qn-jingying"
	RealtimeVoiceLovelyGirl       = "lovely_girl"
	RealtimeVoiceFemaleShaonv     = "female-shaonv"
)

// RealtimeTurnDetection chooses the voice activity detection.
type RealtimeTurnDetection struct {
	Type TurnDetection `json:"type"`
}

// TurnDetection is who detects the end of the user's turn.
type TurnDetection string

// Turn detection modes.
const (
	// TurnDetectionServerVAD: stream audio; the server hears the end of
	// speech, commits and answers, and handles barge-in.
	TurnDetectionServerVAD TurnDetection = "server_vad"
	// TurnDetectionClientVAD: append the audio of a turn, then Commit and
	// CreateResponse; CancelResponse interrupts.
	TurnDetectionClientVAD TurnDetection = "client_vad"
)

// RealtimeTool is a function the model may call, in the flat shape of the
// realtime API (not nested under "function" as in chat).
type RealtimeTool struct {
	// Type is ToolTypeFunction; empty means the same.
	Type ToolType `json:"type"`
	// Name of the function.
	Name string `json:"name"`
	// Description tells the model when to call it (required by the API).
	Description string `json:"description"`
	// Parameters is the JSON Schema of the arguments.
	Parameters any `json:"parameters,omitempty"`
}

// MarshalJSON sends an empty Type as "function", which the API requires.
func (t RealtimeTool) MarshalJSON() ([]byte, error) {
	type plain RealtimeTool
	if t.Type == "" {
		t.Type = ToolTypeFunction
	}
	return json.Marshal(plain(t))
}

// RealtimeModality is a kind of output.
type RealtimeModality string

// Output modalities.
const (
	RealtimeModalityText  RealtimeModality = "text"
	RealtimeModalityAudio RealtimeModality = "audio"
)

// RealtimeNoiseReduction sets the input noise reduction.
type RealtimeNoiseReduction struct {
	Type NoiseReduction `json:"type,omitempty"`
}

// NoiseReduction suits the noise reduction to the microphone.
type NoiseReduction string

// Noise reduction kinds.
const (
	NoiseReductionNearField NoiseReduction = "near_field"
	NoiseReductionFarField  NoiseReduction = "far_field"
)

// RealtimeBetaFields are the session's beta settings.
type RealtimeBetaFields struct {
	// ChatMode is RealtimeChatModeAudio or RealtimeChatModeVideoPassive;
	// the API requires it whenever beta_fields is sent. Switching from
	// video to audio drops the conversation; audio to video keeps it.
	ChatMode RealtimeChatMode `json:"chat_mode"`
	// TTSSource is how speech is synthesised: RealtimeTTSSourceE2E.
	TTSSource RealtimeTTSSource `json:"tts_source,omitempty"`
	// AutoSearch turns the built-in web search on or off (default on;
	// audio mode only).
	AutoSearch *bool `json:"auto_search,omitempty"`
}

// RealtimeChatMode is an audio or a video call.
type RealtimeChatMode string

// Chat modes.
const (
	RealtimeChatModeAudio RealtimeChatMode = "audio"
	// RealtimeChatModeVideoPassive: the model sees the frames sent with
	// AppendVideoFrame (at least one before each response); no tools.
	RealtimeChatModeVideoPassive RealtimeChatMode = "video_passive"
)

// RealtimeTTSSource is how replies are voiced.
type RealtimeTTSSource string

// RealtimeTTSSourceE2E is the end-to-end model's own voice.
const RealtimeTTSSourceE2E RealtimeTTSSource = "e2e"

// RealtimeGreeting makes the model open the conversation.
type RealtimeGreeting struct {
	Enable  bool   `json:"enable"`
	Content string `json:"content,omitempty"`
}

// MarshalJSON writes MaxResponseOutputTokens as the string the API expects.
func (c RealtimeSessionConfig) MarshalJSON() ([]byte, error) {
	type plain RealtimeSessionConfig
	w := struct {
		plain
		Max *string `json:"max_response_output_tokens,omitempty"`
	}{plain: plain(c)}
	if c.MaxResponseOutputTokens != nil {
		s := strconv.Itoa(*c.MaxResponseOutputTokens)
		w.Max = &s
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads max_response_output_tokens as a string or a number;
// "inf" (the older SDKs' unbounded value) leaves it nil.
func (c *RealtimeSessionConfig) UnmarshalJSON(b []byte) error {
	type plain RealtimeSessionConfig
	var w struct {
		plain
		Max json.RawMessage `json:"max_response_output_tokens"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*c = RealtimeSessionConfig(w.plain)
	if raw := strings.Trim(string(w.Max), `"`); raw != "" && raw != "null" && raw != "inf" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			return fmt.Errorf("max_response_output_tokens %s is not a number", w.Max)
		}
		c.MaxResponseOutputTokens = &n
	}
	return nil
}

// inputFormat: wav or pcm, with an optional sample rate in kHz ("pcm16";
// the older documents also name "wav48").
var inputFormat = regexp.MustCompile(`^(wav|pcm)([0-9]{1,3})?$`)

// validate refuses what the AsyncAPI document of GLM-Realtime rules out.
func (c *RealtimeSessionConfig) validate() error {
	if f := c.InputAudioFormat; f != "" && !inputFormat.MatchString(string(f)) {
		return invalidf("realtime input_audio_format %q: use wav, or pcm with its sample rate in kHz (pcm16, pcm24)", f)
	}
	if f := c.OutputAudioFormat; f != "" && f != RealtimeAudioFormatPCM {
		return invalidf("realtime output_audio_format %q: the API sends only pcm (24 kHz, 16-bit mono)", f)
	}
	if t := c.Temperature; t != nil && (math.IsNaN(*t) || *t < 0 || *t > 1) {
		return invalidf("realtime temperature %v is outside 0-1", *t)
	}
	if n := c.MaxResponseOutputTokens; n != nil && (*n < 0 || *n > 1024) {
		return invalidf("realtime max_response_output_tokens %d is outside 0-1024", *n)
	}
	if td := c.TurnDetection; td != nil && td.Type != TurnDetectionServerVAD && td.Type != TurnDetectionClientVAD {
		return invalidf("realtime turn_detection type %q: use TurnDetectionServerVAD or TurnDetectionClientVAD", td.Type)
	}
	for _, m := range c.Modalities {
		if m != RealtimeModalityText && m != RealtimeModalityAudio {
			return invalidf("realtime modality %q: use text or audio", m)
		}
	}
	if nr := c.InputAudioNoiseReduction; nr != nil && nr.Type != "" && nr.Type != NoiseReductionNearField && nr.Type != NoiseReductionFarField {
		return invalidf("realtime noise reduction %q: use near_field or far_field", nr.Type)
	}
	video := false
	if b := c.BetaFields; b != nil {
		switch b.ChatMode {
		case RealtimeChatModeAudio:
		case RealtimeChatModeVideoPassive:
			video = true
		case "":
			return invalidf("realtime beta_fields needs chat_mode (RealtimeChatModeAudio or RealtimeChatModeVideoPassive)")
		default:
			return invalidf("realtime chat_mode %q: use audio or video_passive", b.ChatMode)
		}
		if b.TTSSource != "" && b.TTSSource != RealtimeTTSSourceE2E {
			return invalidf("realtime tts_source %q: use e2e", b.TTSSource)
		}
	}
	if video && len(c.Tools) > 0 {
		return invalidf("realtime tools work in audio mode only, not with chat_mode %q", RealtimeChatModeVideoPassive)
	}
	for i, t := range c.Tools {
		switch {
		case t.Type != "" && t.Type != ToolTypeFunction:
			return invalidf("realtime tool %d has type %q: only functions are supported", i, t.Type)
		case t.Name == "":
			return invalidf("realtime tool %d has no name", i)
		case t.Description == "":
			return invalidf("realtime tool %q has no description (the API requires one)", t.Name)
		}
	}
	return nil
}

// WithRealtimeURL sets the socket Realtime.Connect dials, such as
// BigModelRealtimeURL or a proxy's. By default it is derived from the base
// URL: https://open.bigmodel.cn/api/paas/v4 gives
// wss://open.bigmodel.cn/api/paas/v4/realtime. A URL that is not ws:// or
// wss:// is refused with ErrInvalidRequest, and ws:// to a host that is not
// loopback with ErrInsecureBaseURL.
func WithRealtimeURL(u string) Option {
	return func(s *settings) error {
		u = strings.TrimRight(u, "/")
		if err := checkRealtimeURL(u); err != nil {
			return err
		}
		s.socketURL = u
		return nil
	}
}
