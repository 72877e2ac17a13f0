package zai

import (
	"context"
	"net/http"
	"strings"

	"github.com/zai-go/zai/internal/core"
)

// VoiceService clones, lists and deletes the voices used by text to speech.
//
// BigModel API docs: https://docs.bigmodel.cn/api-reference/模型-api/音色复刻
type VoiceService struct {
	client *Client
}

// VoiceType says whether a voice is official or cloned.
type VoiceType string

// Types of voices.
const (
	VoiceTypeOfficial VoiceType = "OFFICIAL"
	VoiceTypePrivate  VoiceType = "PRIVATE"
)

// VoiceCloneRequest is the body of POST /voice/clone. Upload the voice sample
// first, as a file with purpose "voice-clone-input", and pass its id.
type VoiceCloneRequest struct {
	// Model is the model code, such as ModelGLMTTSClone.
	Model string `json:"model"`
	// VoiceName names the new voice.
	VoiceName string `json:"voice_name"`
	// Text is the transcript of the sample (optional).
	Text string `json:"text,omitempty"`
	// Input is the text the preview audio speaks.
	Input string `json:"input,omitempty"`
	// FileID is the id of the uploaded sample.
	FileID string `json:"file_id"`
	// RequestID is your unique id for the request (6-64 characters).
	RequestID string `json:"request_id,omitempty"`
	// UserID identifies your end user (6-128 characters).
	UserID string `json:"user_id,omitempty"`
}

func (r *VoiceCloneRequest) validate() error {
	switch {
	case r.Model == "":
		return invalidf("model is empty")
	case strings.TrimSpace(r.VoiceName) == "":
		return invalidf("voice name is empty")
	case r.FileID == "":
		return invalidf("file id is empty")
	}
	return nil
}

// VoiceCloneResponse is a cloned voice.
type VoiceCloneResponse struct {
	// Voice is the new voice's id; use it as SpeechRequest.Voice.
	Voice string `json:"voice"`
	// FileID is the preview audio, a file with purpose FilePurpose.
	FileID      string `json:"file_id"`
	FilePurpose string `json:"file_purpose"`
	RequestID   string `json:"request_id,omitempty"`

	rawBody
}

// VoiceListRequest filters the voice list. The zero value lists every
// voice.
type VoiceListRequest struct {
	// VoiceName filters by name.
	VoiceName string `url:"voiceName,omitempty"`
	// VoiceType filters by type: VoiceTypeOfficial or VoiceTypePrivate.
	VoiceType VoiceType `url:"voiceType,omitempty"`
	// RequestID is your id for the request; it is also sent as the
	// Request-Id header, as the official SDKs do.
	RequestID string `url:"request_id,omitempty"`
}

// VoiceList is the response of Voices.List.
type VoiceList struct {
	Voices []Voice `json:"voice_list"`

	rawBody
}

// Voice is one voice.
type Voice struct {
	// ID is the voice's id ("voice" on the wire).
	ID string `json:"voice"`
	// Name is the voice's display name.
	Name string `json:"voice_name"`
	// Type is VoiceTypeOfficial or VoiceTypePrivate.
	Type VoiceType `json:"voice_type"`
	// DownloadURL points at a sample of the voice, when the server sends one.
	DownloadURL string `json:"download_url,omitempty"`
	// CreateTime is "yyyy-MM-dd HH:mm:ss", as sent.
	CreateTime string `json:"create_time"`
}

// VoiceDeleteRequest is the body of POST /voice/delete.
type VoiceDeleteRequest struct {
	// Voice is the id of the voice to delete.
	Voice string `json:"voice"`
	// RequestID is your unique id for the request (6-64 characters).
	RequestID string `json:"request_id,omitempty"`
	// UserID identifies your end user (6-128 characters).
	UserID string `json:"user_id,omitempty"`
}

// VoiceDeleteResponse is a deleted voice.
type VoiceDeleteResponse struct {
	Voice string `json:"voice"`
	// UpdateTime is "yyyy-MM-dd HH:mm:ss", as sent.
	UpdateTime string `json:"update_time"`

	rawBody
}

// Clone creates a voice from an uploaded sample.
//
// POST /voice/clone
func (s *VoiceService) Clone(ctx context.Context, req VoiceCloneRequest, opts ...Option) (*VoiceCloneResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	return call[VoiceCloneResponse](ctx, s.client, &core.Request{Method: http.MethodPost, Path: "/voice/clone", Body: &req}, opts)
}

// List lists the voices: the official ones and your clones.
//
// GET /voice/list?voiceName=...&voiceType=...
func (s *VoiceService) List(ctx context.Context, req VoiceListRequest, opts ...Option) (*VoiceList, error) {
	r := &core.Request{Method: http.MethodGet, Path: "/voice/list", Query: req}
	if req.RequestID != "" {
		r.Header = http.Header{"Request-Id": {req.RequestID}}
	}
	return call[VoiceList](ctx, s.client, r, opts)
}

// Delete deletes a cloned voice.
//
// POST /voice/delete
func (s *VoiceService) Delete(ctx context.Context, req VoiceDeleteRequest, opts ...Option) (*VoiceDeleteResponse, error) {
	if strings.TrimSpace(req.Voice) == "" {
		return nil, invalidf("voice is empty")
	}
	return call[VoiceDeleteResponse](ctx, s.client, &core.Request{Method: http.MethodPost, Path: "/voice/delete", Body: &req}, opts)
}
