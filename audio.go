package zai

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/zai-go/zai/internal/core"
)

// AudioService groups the audio endpoints.
type AudioService struct {
	// Transcriptions turns speech into text (ASR).
	Transcriptions *TranscriptionService
	// Speech turns text into speech (TTS).
	Speech *SpeechService
}

// TranscriptionService transcribes audio files.
//
// Z.ai API docs: https://docs.z.ai/api-reference/audio/audio-transcriptions
type TranscriptionService struct {
	client *Client
}

// SpeechService synthesises speech from text.
//
// BigModel API docs: https://docs.bigmodel.cn/api-reference/模型-api/文本转语音
type SpeechService struct {
	client *Client
}

// TranscriptionRequest is the multipart form of POST /audio/transcriptions.
//
// Give the audio in exactly one way:
//   - File, an io.Reader, with FileName. It is streamed, never read into
//     memory whole. A failed attempt is retried only if File is an io.Seeker
//     (an *os.File, a *bytes.Reader, ...): the SDK seeks back to where the
//     reader stood and sends the whole file again. Any other reader is sent
//     once.
//   - FilePath, a file on disk. It is opened on each attempt, so retries
//     always resend it.
//   - FileBase64, the audio already base64-encoded.
//
// The body is a form, so WithExtraBody does not apply to it.
type TranscriptionRequest struct {
	// Model is the model code, such as ModelGLMASR.
	Model string
	// File is the audio (wav or mp3; the API takes up to 25 MB and 30 s).
	File io.Reader
	// FileName is sent as the file part's name. The extension tells the
	// server the format, so set it ("speech.wav"). It defaults to the base
	// of FilePath, or of File's Name() for an *os.File.
	FileName string
	// FilePath names an audio file to upload instead of File.
	FilePath string
	// FileBase64 is the base64-encoded audio, instead of a file.
	FileBase64 string

	// Prompt is earlier transcript, as context for long audio (the API
	// recommends under 8000 characters).
	Prompt string
	// Hotwords are domain words to recognise (names, places; up to 100).
	// They are sent as repeated hotwords[] fields.
	Hotwords []string
	// RequestID is your unique id for the request (6-64 characters).
	RequestID string
	// UserID identifies your end user (6-128 characters).
	UserID string
}

// Transcription is the response of a transcription.
type Transcription struct {
	ID        string `json:"id"`
	Created   int64  `json:"created"`
	RequestID string `json:"request_id,omitempty"`
	Model     string `json:"model"`
	// Text is the whole transcript.
	Text string `json:"text"`
	// Segments are timed parts of the transcript, when the server sends
	// them.
	Segments []TranscriptionSegment `json:"segments,omitempty"`

	raw []byte
}

// RawJSON returns the response body as received.
func (t *Transcription) RawJSON() []byte { return t.raw }

func (t *Transcription) setRawJSON(b []byte) { t.raw = b }

// TranscriptionSegment is a timed part of a transcript.
type TranscriptionSegment struct {
	ID    int     `json:"id"`
	Start float64 `json:"start"` // seconds
	End   float64 `json:"end"`   // seconds
	Text  string  `json:"text"`
}

// Types of TranscriptionEvent.
const (
	// TranscriptTextDelta carries new text in Delta.
	TranscriptTextDelta = "transcript.text.delta"
	// TranscriptTextDone ends the transcript.
	TranscriptTextDone = "transcript.text.done"
)

// TranscriptionEvent is one event of a streamed transcription.
type TranscriptionEvent struct {
	ID      string `json:"id"`
	Created int64  `json:"created"`
	Model   string `json:"model"`
	// Type is TranscriptTextDelta or TranscriptTextDone.
	Type string `json:"type"`
	// Delta is the new text.
	Delta string `json:"delta"`

	raw []byte
}

// RawJSON returns the event's data as received.
func (e *TranscriptionEvent) RawJSON() []byte { return e.raw }

func (e *TranscriptionEvent) setRawJSON(b []byte) { e.raw = b }

func (e *TranscriptionEvent) streamEnded() bool { return e.Type == TranscriptTextDone }

// audioContentTypes maps the extensions the ASR endpoint documents (and the
// official Java SDK's list) to part content types, independent of the
// machine's MIME tables.
var audioContentTypes = map[string]string{
	".wav":  "audio/wav",
	".mp3":  "audio/mpeg",
	".m4a":  "audio/mp4",
	".aac":  "audio/aac",
	".ogg":  "audio/ogg",
	".flac": "audio/flac",
	".webm": "audio/webm",
}

type namer interface{ Name() string }

// form validates the request and describes its multipart body. Nothing is
// sent if it fails.
func (r *TranscriptionRequest) form(stream bool) (*core.Multipart, error) {
	if r.Model == "" {
		return nil, invalidf("model is empty")
	}
	sources := 0
	for _, set := range []bool{r.File != nil, r.FilePath != "", r.FileBase64 != ""} {
		if set {
			sources++
		}
	}
	switch {
	case sources == 0:
		return nil, invalidf("no audio: set File, FilePath or FileBase64")
	case sources > 1:
		return nil, invalidf("set only one of File, FilePath and FileBase64")
	}
	if r.FilePath != "" {
		if err := checkReadable(r.FilePath); err != nil {
			return nil, err
		}
	}

	m := &core.Multipart{Fields: []core.FormField{{Name: "model", Value: r.Model}}}
	add := func(name, value string) {
		if value != "" {
			m.Fields = append(m.Fields, core.FormField{Name: name, Value: value})
		}
	}
	if stream {
		add("stream", "true")
	}
	add("prompt", r.Prompt)
	for _, w := range r.Hotwords {
		m.Fields = append(m.Fields, core.FormField{Name: "hotwords[]", Value: w})
	}
	add("request_id", r.RequestID)
	add("user_id", r.UserID)
	add("file_base64", r.FileBase64)
	if r.FileBase64 != "" {
		return m, nil
	}

	name := r.FileName
	if name == "" {
		if r.FilePath != "" {
			name = filepath.Base(r.FilePath)
		} else if n, ok := r.File.(namer); ok {
			name = filepath.Base(n.Name())
		}
	}
	ct := audioContentTypes[strings.ToLower(filepath.Ext(name))]
	m.Files = []core.FormFile{{Field: "file", FileName: name, ContentType: ct, Reader: r.File, Path: r.FilePath}}
	return m, nil
}

// checkReadable opens path and closes it again, so a missing or unreadable
// file is reported before any request.
func checkReadable(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%w: audio file: %w", ErrInvalidRequest, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("%w: audio file: %w", ErrInvalidRequest, err)
	}
	if st.IsDir() {
		return invalidf("audio file %s is a directory", path)
	}
	return nil
}

func (s *TranscriptionService) request(req *TranscriptionRequest, stream bool) (*core.Request, error) {
	m, err := req.form(stream)
	if err != nil {
		return nil, err
	}
	r := &core.Request{Method: http.MethodPost, Path: "/audio/transcriptions", Stream: stream}
	if err := m.Apply(r); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}
	return r, nil
}

// Create transcribes audio and waits for the whole transcript. The file is
// streamed to the server as it is read.
//
// POST /audio/transcriptions (multipart/form-data)
func (s *TranscriptionService) Create(ctx context.Context, req TranscriptionRequest, opts ...Option) (*Transcription, error) {
	r, err := s.request(&req, false)
	if err != nil {
		return nil, err
	}
	return call[Transcription](ctx, s.client, r, opts)
}

// CreateStream transcribes audio and returns the transcript as a stream of
// events: TranscriptTextDelta events with new text in Delta, then a
// TranscriptTextDone event. Close the stream, or range over All.
//
// POST /audio/transcriptions with the form field stream=true
func (s *TranscriptionService) CreateStream(ctx context.Context, req TranscriptionRequest, opts ...Option) (*Stream[TranscriptionEvent], error) {
	r, err := s.request(&req, true)
	if err != nil {
		return nil, err
	}
	return openStream[TranscriptionEvent](ctx, s.client, r, opts)
}

// Values of SpeechRequest.ResponseFormat.
const (
	SpeechFormatWAV = "wav"
	SpeechFormatPCM = "pcm" // the server's default, and the only format for streams
)

// Values of SpeechRequest.EncodeFormat: how streamed audio is encoded.
const (
	EncodeFormatBase64 = "base64"
	EncodeFormatHex    = "hex"
)

// Voices of the glm-tts model. A cloned voice's id works too.
const (
	VoiceTongtong = "tongtong"
	VoiceChuichui = "chuichui"
	VoiceXiaochen = "xiaochen"
	VoiceJam      = "jam"
	VoiceKazi     = "kazi"
	VoiceDouji    = "douji"
	VoiceLuodo    = "luodo"
)

// SpeechRequest is the body of POST /audio/speech. Optional numbers are
// pointers so that any value can be sent; the SDK never rewrites them. The
// "stream" field is set by the method you call.
type SpeechRequest struct {
	// Model is the model code, such as ModelGLMTTS.
	Model string `json:"model"`
	// Input is the text to speak (up to 1024 characters).
	Input string `json:"input"`
	// Voice is a voice name (VoiceTongtong, ...) or a cloned voice's id.
	Voice string `json:"voice"`
	// ResponseFormat is SpeechFormatWAV or SpeechFormatPCM (the server's
	// default). Streams are PCM only.
	ResponseFormat string `json:"response_format,omitempty"`
	// Speed in [0.5, 2]; the server's default is 1.
	Speed *float64 `json:"speed,omitempty"`
	// Volume in (0, 10]; the server's default is 1.
	Volume *float64 `json:"volume,omitempty"`
	// EncodeFormat is how streamed audio is encoded: EncodeFormatBase64 (the
	// server's default) or EncodeFormatHex.
	EncodeFormat string `json:"encode_format,omitempty"`
	// WatermarkEnabled controls the AI-generated-content watermark.
	WatermarkEnabled *bool `json:"watermark_enabled,omitempty"`
	// SensitiveWordCheck configures the content check.
	SensitiveWordCheck *SensitiveWordCheck `json:"sensitive_word_check,omitempty"`
	// RequestID is your unique id for the request (6-64 characters).
	RequestID string `json:"request_id,omitempty"`
	// UserID identifies your end user (6-128 characters).
	UserID string `json:"user_id,omitempty"`
}

// speechBody adds the "stream" field that the method decides.
type speechBody struct {
	*SpeechRequest
	Stream bool `json:"stream,omitempty"`
}

func (r *SpeechRequest) validate() error {
	if r.Model == "" {
		return invalidf("model is empty")
	}
	if strings.TrimSpace(r.Input) == "" {
		return invalidf("input text is empty")
	}
	if r.Voice == "" {
		return invalidf("voice is empty")
	}
	return nil
}

// SpeechResponse is synthesised audio, streamed from the connection. The
// caller must Close Body.
type SpeechResponse struct {
	// Body is the audio as it arrives (a WAV file, or raw PCM). It is never
	// buffered whole.
	Body io.ReadCloser
	// ContentType is the response's Content-Type, such as "audio/wav".
	ContentType string
	// RequestID is the X-Log-Id header.
	RequestID string
}

// Create synthesises speech and returns the audio as a stream of bytes:
//
//	resp, err := client.Audio.Speech.Create(ctx, req)
//	if err != nil { ... }
//	defer resp.Body.Close()
//	io.Copy(file, resp.Body)
//
// A 200 response with a JSON error body is returned as an *APIError.
//
// POST /audio/speech
func (s *SpeechService) Create(ctx context.Context, req SpeechRequest, opts ...Option) (*SpeechResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	resp, err := download(ctx, s.client, &core.Request{
		Method: http.MethodPost, Path: "/audio/speech", Body: speechBody{SpeechRequest: &req},
		Accept: "audio/*, application/json",
		// A JSON body in place of audio is read: an error envelope there is
		// an *APIError, anything else is handed back unchanged.
		Check: checkBody(hasErrorEnvelope),
	}, opts)
	if err != nil {
		return nil, err
	}
	return &SpeechResponse{Body: resp.Reader, ContentType: resp.Header.Get("Content-Type"), RequestID: core.RequestID(resp.Header)}, nil
}

// CreateStream synthesises speech and returns the audio as a stream of
// chunks; each chunk's Audio method decodes its bytes. Streams are PCM only.
//
// POST /audio/speech with "stream": true
func (s *SpeechService) CreateStream(ctx context.Context, req SpeechRequest, opts ...Option) (*Stream[SpeechChunk], error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	r := &core.Request{Method: http.MethodPost, Path: "/audio/speech", Body: speechBody{SpeechRequest: &req, Stream: true}, Stream: true}
	stream, err := openStream[SpeechChunk](ctx, s.client, r, opts)
	if err != nil {
		return nil, err
	}
	encoding := req.EncodeFormat
	stream.prepare = func(c *SpeechChunk) { c.encoding = encoding }
	return stream, nil
}

// SpeechChunk is one event of a streamed speech: a piece of encoded audio.
type SpeechChunk struct {
	Choices   []SpeechChunkChoice `json:"choices"`
	RequestID string              `json:"request_id,omitempty"`
	Created   int64               `json:"created,omitempty"`

	raw      []byte
	encoding string // the request's EncodeFormat, for Audio
}

// SpeechChunkChoice holds the audio of a chunk.
type SpeechChunkChoice struct {
	Index int         `json:"index"`
	Delta SpeechDelta `json:"delta"`
	// FinishReason is set on the last chunk.
	FinishReason FinishReason `json:"finish_reason,omitempty"`
}

// SpeechDelta is a piece of audio, encoded as the request's EncodeFormat
// asked.
type SpeechDelta struct {
	Role string `json:"role,omitempty"`
	// Content is the encoded audio: base64 unless the request asked for hex.
	Content string `json:"content,omitempty"`
}

// RawJSON returns the event's data as received.
func (c *SpeechChunk) RawJSON() []byte { return c.raw }

func (c *SpeechChunk) setRawJSON(b []byte) { c.raw = b }

func (c *SpeechChunk) streamEnded() bool {
	for i := range c.Choices {
		if c.Choices[i].FinishReason != "" {
			return true
		}
	}
	return false
}

// Audio decodes the chunk's audio in the encoding the request asked for
// (EncodeFormat; base64 when unset). For a chunk that did not come from
// Speech.CreateStream, such as one from NewStream, it assumes base64; use
// DecodeAudio to name the encoding.
func (c SpeechChunk) Audio() ([]byte, error) { return c.DecodeAudio(c.encoding) }

// DecodeAudio decodes the chunk's audio, which the server encoded as
// encodeFormat (EncodeFormatBase64, EncodeFormatHex, or "" for base64).
// The content of every choice is joined.
func (c SpeechChunk) DecodeAudio(encodeFormat string) ([]byte, error) {
	var out []byte
	for _, ch := range c.Choices {
		var (
			b   []byte
			err error
		)
		switch strings.ToLower(encodeFormat) {
		case "", EncodeFormatBase64:
			b, err = base64.StdEncoding.DecodeString(ch.Delta.Content)
		case EncodeFormatHex:
			b, err = hex.DecodeString(ch.Delta.Content)
		default:
			return nil, fmt.Errorf("zai: unknown audio encoding %q", encodeFormat)
		}
		if err != nil {
			return nil, fmt.Errorf("zai: decoding %s audio: %w", cmp.Or(encodeFormat, EncodeFormatBase64), err)
		}
		out = append(out, b...)
	}
	return out, nil
}
