package zai

import (
	"context"
	"net/http"

	"github.com/zai-go/zai/internal/core"
)

// TranscriptionService transcribes audio files.
//
// Z.ai API docs: https://docs.z.ai/api-reference/audio/audio-transcriptions
type TranscriptionService struct {
	client *Client
}

// TranscriptionRequest is the multipart form of POST /audio/transcriptions.
//
// Give the audio in exactly one way: File (streamed, never read into memory
// whole; see FileInput for retries), or FileBase64, the audio already
// base64-encoded. The body is a form, so WithExtraBody does not apply to it.
type TranscriptionRequest struct {
	// Model is the model code, such as ModelGLMASR.
	Model string
	// File is the audio (wav or mp3; the API takes up to 25 MB and 30 s).
	// The extension of its Name tells the server the format, so set it
	// ("speech.wav") for a Reader that is not an *os.File.
	File FileInput
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
	// SensitiveWordCheck configures the content check. It is sent as the
	// form fields sensitive_word_check[type] and
	// sensitive_word_check[status].
	SensitiveWordCheck *SensitiveWordCheck
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

	rawBody
}

// TranscriptionSegment is a timed part of a transcript.
type TranscriptionSegment struct {
	ID    int     `json:"id"`
	Start float64 `json:"start"` // seconds
	End   float64 `json:"end"`   // seconds
	Text  string  `json:"text"`
}

// TranscriptionEventType is the type of a TranscriptionEvent.
type TranscriptionEventType string

// Types of TranscriptionEvent.
const (
	// TranscriptionEventTypeTextDelta carries new text in Delta.
	TranscriptionEventTypeTextDelta TranscriptionEventType = "transcript.text.delta"
	// TranscriptionEventTypeTextDone ends the transcript.
	TranscriptionEventTypeTextDone TranscriptionEventType = "transcript.text.done"
)

// TranscriptionEvent is one event of a streamed transcription.
type TranscriptionEvent struct {
	ID      string `json:"id"`
	Created int64  `json:"created"`
	Model   string `json:"model"`
	// Type is TranscriptionEventTypeTextDelta or TranscriptionEventTypeTextDone.
	Type TranscriptionEventType `json:"type"`
	// Delta is the new text.
	Delta string `json:"delta"`
	// Choices carry the new text in the chat-chunk form
	// (Choices[0].Delta.Content), which the official SDKs decode too
	// (Java AudioTranscriptionChunk, Python ChatCompletionChunk); a finish
	// reason ends the stream.
	Choices []ChatCompletionChunkChoice `json:"choices,omitempty"`

	rawBody
}

func (e *TranscriptionEvent) streamEnded() bool {
	if e.Type == TranscriptionEventTypeTextDone {
		return true
	}
	for i := range e.Choices {
		if e.Choices[i].FinishReason != "" {
			return true
		}
	}
	return false
}

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

// form validates the request and describes its multipart body. Nothing is
// sent if it fails.
func (r *TranscriptionRequest) form(stream bool) (*core.Multipart, error) {
	if r.Model == "" {
		return nil, invalidf("model is empty")
	}
	if r.File.isZero() == (r.FileBase64 == "") {
		return nil, invalidf("set exactly one of File and FileBase64")
	}
	var files []core.FormFile
	if !r.File.isZero() {
		f, err := r.File.part("file", audioContentTypes)
		if err != nil {
			return nil, err
		}
		files = []core.FormFile{f}
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
	if c := r.SensitiveWordCheck; c != nil {
		add("sensitive_word_check[type]", c.Type)
		add("sensitive_word_check[status]", c.Status)
	}
	add("file_base64", r.FileBase64)
	m.Files = files
	return m, nil
}

func (s *TranscriptionService) request(req *TranscriptionRequest, stream bool) (*core.Request, error) {
	m, err := req.form(stream)
	if err != nil {
		return nil, err
	}
	return multipartRequest(http.MethodPost, "/audio/transcriptions", m)
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
// events: TranscriptionEventTypeTextDelta events with new text in Delta, then a
// TranscriptionEventTypeTextDone event. Close the stream, or range over All.
//
// POST /audio/transcriptions with the form field stream=true
func (s *TranscriptionService) CreateStream(ctx context.Context, req TranscriptionRequest, opts ...Option) (*Stream[TranscriptionEvent], error) {
	r, err := s.request(&req, true)
	if err != nil {
		return nil, err
	}
	return openStream[TranscriptionEvent](ctx, s.client, r, opts)
}
