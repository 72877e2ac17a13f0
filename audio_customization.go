package zai

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/zai-go/zai/internal/core"
)

// SpeechCustomizationRequest is the multipart form of POST
// /audio/customization: speech in the voice of a short recorded sample,
// without cloning the voice first (the older form of voice cloning; see
// Voices.Clone for the current one). Legacy: the endpoint is gone from the
// newest BigModel OpenAPI document (2026-07-11), though both official SDKs
// still call it.
//
// Give the voice sample as VoiceDataPath (opened on each attempt, so retries
// resend it) or a Reader streamed as it is read and retried only if it is
// an io.Seeker (see FileInput). The body is a form, so WithExtraBody does not
// apply to it.
type SpeechCustomizationRequest struct {
	// Model is the model code.
	Model string
	// Input is the text to speak.
	Input string
	// VoiceText is the transcript of the voice sample.
	VoiceText string
	// VoiceData is the voice sample (wav or mp3), sent as the voice_data
	// file part. The extension of its Name tells the server the format
	// ("sample.wav"); a Reader without a Name is sent as "voice.wav".
	VoiceData FileInput
	// ResponseFormat is the audio format to return, such as
	// SpeechFormatWAV.
	ResponseFormat SpeechFormat
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
	in := r.VoiceData
	if in.Name == "" && in.Path == "" {
		if _, named := in.Reader.(interface{ Name() string }); !named {
			in.Name = "voice.wav"
		}
	}
	file, err := in.part("voice_data", audioContentTypes)
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
	add("response_format", string(r.ResponseFormat))
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
// Legacy (see SpeechCustomizationRequest): prefer Voices.Clone and Create.
//
// POST /audio/customization (multipart/form-data)
func (s *SpeechService) CreateCustom(ctx context.Context, req SpeechCustomizationRequest, opts ...Option) (*SpeechResponse, error) {
	m, err := req.form()
	if err != nil {
		return nil, err
	}
	r, err := multipartRequest(http.MethodPost, "/audio/customization", m)
	if err != nil {
		return nil, err
	}
	r.Accept, r.Check = "audio/*, application/json", checkEnvelope
	resp, err := download(ctx, s.client, r, opts)
	if err != nil {
		return nil, err
	}
	return &SpeechResponse{Body: resp.Reader, ContentType: resp.Header.Get("Content-Type"), RequestID: core.RequestID(resp.Header)}, nil
}
