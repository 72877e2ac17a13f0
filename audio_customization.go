package zai

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/zai-go/zai/internal/core"
)

// SpeechCustomizationRequest is the multipart form of POST
// /audio/customization: speech in the voice of a short recorded sample,
// without cloning the voice first (the older form of voice cloning; see
// Voices.Clone for the current one).
//
// Give the voice sample as VoiceDataPath (opened on each attempt, so retries
// resend it) or as VoiceData, a reader streamed as it is read and retried
// only if it is an io.Seeker. The body is a form, so WithExtraBody does not
// apply to it.
type SpeechCustomizationRequest struct {
	// Model is the model code.
	Model string
	// Input is the text to speak.
	Input string
	// VoiceText is the transcript of the voice sample.
	VoiceText string
	// VoiceData is the voice sample (wav or mp3), sent as the voice_data
	// file part.
	VoiceData io.Reader
	// VoiceDataPath names a voice sample on disk, instead of VoiceData.
	VoiceDataPath string
	// VoiceDataName is the sample's file name; the extension tells the
	// server its format ("sample.wav"). It defaults to the base of
	// VoiceDataPath, or "voice.wav" for a reader.
	VoiceDataName string
	// ResponseFormat is the audio format to return, such as
	// SpeechFormatWAV.
	ResponseFormat string
	// SensitiveWordCheck configures the content check; it is sent as the
	// fields sensitive_word_check[type] and sensitive_word_check[status].
	SensitiveWordCheck *SensitiveWordCheck
	// WatermarkEnabled controls the AI-generated-content watermark.
	WatermarkEnabled *bool
	// RequestID is your unique id for the request (6-64 characters).
	RequestID string
	// UserID identifies your end user (6-128 characters).
	UserID string
}

// form validates the request and describes its multipart body.
func (r *SpeechCustomizationRequest) form() (*core.Multipart, error) {
	switch {
	case r.Model == "":
		return nil, invalidf("model is empty")
	case strings.TrimSpace(r.Input) == "":
		return nil, invalidf("input text is empty")
	case strings.TrimSpace(r.VoiceText) == "":
		return nil, invalidf("voice_text (the transcript of the voice sample) is empty")
	}
	name := r.VoiceDataName
	if name == "" {
		name = "voice.wav"
		if r.VoiceDataPath != "" {
			name = filepath.Base(r.VoiceDataPath)
		}
	}
	file, err := formFile("voice_data", r.VoiceDataPath, r.VoiceData, name, audioContentTypes[strings.ToLower(filepath.Ext(name))])
	if err != nil {
		return nil, err
	}
	m := &core.Multipart{Files: []core.FormFile{file}}
	add := func(name, value string) {
		if value != "" {
			m.Fields = append(m.Fields, core.FormField{Name: name, Value: value})
		}
	}
	add("model", r.Model)
	add("input", r.Input)
	add("voice_text", r.VoiceText)
	add("response_format", r.ResponseFormat)
	if c := r.SensitiveWordCheck; c != nil {
		add("sensitive_word_check[type]", c.Type)
		add("sensitive_word_check[status]", c.Status)
	}
	if r.WatermarkEnabled != nil {
		add("watermark_enabled", strconv.FormatBool(*r.WatermarkEnabled))
	}
	add("request_id", r.RequestID)
	add("user_id", r.UserID)
	return m, nil
}

// CreateCustom synthesises speech in the voice of a recorded sample and
// returns the audio as a stream of bytes, as Create does; the caller must
// Close the body. A 200 response with a JSON error body is an *APIError.
//
// POST /audio/customization (multipart/form-data)
func (s *SpeechService) CreateCustom(ctx context.Context, req SpeechCustomizationRequest, opts ...Option) (*SpeechResponse, error) {
	m, err := req.form()
	if err != nil {
		return nil, err
	}
	r := &core.Request{
		Method: http.MethodPost, Path: "/audio/customization", Accept: "audio/*, application/json",
		Check: checkBody(hasErrorEnvelope),
	}
	if err := applyMultipart(m, r); err != nil {
		return nil, err
	}
	resp, err := download(ctx, s.client, r, opts)
	if err != nil {
		return nil, err
	}
	return &SpeechResponse{Body: resp.Reader, ContentType: resp.Header.Get("Content-Type"), RequestID: core.RequestID(resp.Header)}, nil
}
