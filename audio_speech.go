package zai

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/zai-go/zai/internal/core"
)

// SpeechService synthesises speech from text.
//
// BigModel API docs: https://docs.bigmodel.cn/api-reference/模型-api/文本转语音
type SpeechService struct {
	client *Client
}

// SpeechFormat is the audio format of a speech response.
type SpeechFormat string

// Values of SpeechRequest.ResponseFormat.
const (
	SpeechFormatWAV SpeechFormat = "wav"
	SpeechFormatPCM SpeechFormat = "pcm" // the server's default, and the only format for streams
)

// EncodeFormat is how streamed speech audio is encoded.
type EncodeFormat string

// Values of SpeechRequest.EncodeFormat: how streamed audio is encoded.
const (
	EncodeFormatBase64 EncodeFormat = "base64"
	EncodeFormatHex    EncodeFormat = "hex"
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
	ResponseFormat SpeechFormat `json:"response_format,omitempty"`
	// Speed in [0.5, 2]; the server's default is 1.
	Speed *float64 `json:"speed,omitempty"`
	// Volume in (0, 10]; the server's default is 1.
	Volume *float64 `json:"volume,omitempty"`
	// EncodeFormat is how streamed audio is encoded: EncodeFormatBase64 (the
	// server's default) or EncodeFormatHex.
	EncodeFormat EncodeFormat `json:"encode_format,omitempty"`
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
		Check: checkEnvelope,
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
	set, err := s.client.resolve(opts)
	if err != nil {
		return nil, err
	}
	// Each chunk learns the request's encoding, a JSON body sent in place
	// of the stream included.
	encoding := req.EncodeFormat
	return openStreamWith(ctx, set, &core.Request{
		Method: http.MethodPost, Path: "/audio/speech", Body: speechBody{SpeechRequest: &req, Stream: true},
	}, func(c *SpeechChunk) { c.encoding = encoding })
}

// SpeechChunk is one event of a streamed speech: a piece of encoded audio.
type SpeechChunk struct {
	Choices   []SpeechChunkChoice `json:"choices"`
	RequestID string              `json:"request_id,omitempty"`
	Created   int64               `json:"created,omitempty"`

	rawBody
	encoding EncodeFormat // the request's EncodeFormat, for Audio
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
	Role Role `json:"role,omitempty"`
	// Content is the encoded audio: base64 unless the request asked for hex.
	Content string `json:"content,omitempty"`
}

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
func (c SpeechChunk) DecodeAudio(encodeFormat EncodeFormat) ([]byte, error) {
	var out []byte
	for _, ch := range c.Choices {
		var (
			b   []byte
			err error
		)
		switch EncodeFormat(strings.ToLower(string(encodeFormat))) {
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
