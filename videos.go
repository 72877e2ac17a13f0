package zai

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/zai-go/zai/internal/core"
)

// VideoService generates videos. Every generation is an async task.
//
// Z.ai API docs: https://docs.z.ai/api-reference/video/generate-video
type VideoService struct {
	client *Client
}

// VideoQuality is the speed or quality trade-off of a CogVideoX video.
type VideoQuality string

// Values of VideoRequest.Quality (CogVideoX).
const (
	// VideoQualitySpeed is faster and the default.
	VideoQualitySpeed VideoQuality = "speed"
	// VideoQualityQuality is slower and better.
	VideoQualityQuality VideoQuality = "quality"
)

// VideoStyle is the style of a Vidu video.
type VideoStyle string

// Values of VideoRequest.Style (Vidu).
const (
	VideoStyleGeneral VideoStyle = "general"
	VideoStyleAnime   VideoStyle = "anime"
)

// MovementAmplitude is how much a Vidu video moves.
type MovementAmplitude string

// Values of VideoRequest.MovementAmplitude (Vidu).
const (
	MovementAmplitudeAuto   MovementAmplitude = "auto"
	MovementAmplitudeSmall  MovementAmplitude = "small"
	MovementAmplitudeMedium MovementAmplitude = "medium"
	MovementAmplitudeLarge  MovementAmplitude = "large"
)

// VideoRequest is the body of POST /videos/generations, for the CogVideoX
// and Vidu models. Each model takes a subset of the fields; the SDK sends
// what you set.
type VideoRequest struct {
	// Model is the model code, such as ModelCogVideoX3 or ModelViduQ1Text.
	Model string `json:"model"`
	// Prompt describes the video. Prompt, ImageURL or both must be given.
	Prompt string `json:"prompt,omitempty"`
	// ImageURL is the image to start from: one URL or base64 image
	// ({"https://..."}), or the first and last frames ({first, last}), or
	// the reference images of vidu2-reference.
	ImageURL VideoImageURL `json:"image_url,omitempty"`
	// ImageObject is sent as image_url when image_url is an object, for
	// models that take one (the official Python SDK accepts a dict there;
	// the docs show none). Set ImageURL or ImageObject. A request whose
	// image_url is an object decodes into ImageObject.
	ImageObject map[string]any `json:"-"`
	// Quality is VideoQualitySpeed (the default) or VideoQualityQuality.
	// First-and-last-frame mode supports speed only.
	Quality VideoQuality `json:"quality,omitempty"`
	// WithAudio adds AI sound effects.
	WithAudio bool `json:"with_audio,omitempty"`
	// Size is "WIDTHxHEIGHT", such as "1920x1080", "1280x720", "1024x1024"
	// or "3840x2160".
	Size string `json:"size,omitempty"`
	// FPS is 30 (the default) or 60.
	FPS *int `json:"fps,omitempty"`
	// Duration in seconds: 5 (the default) or 10 for CogVideoX; the Vidu
	// models take 4 or 5 depending on the model.
	Duration *int `json:"duration,omitempty"`
	// Style is VideoStyleGeneral or VideoStyleAnime (Vidu).
	Style VideoStyle `json:"style,omitempty"`
	// AspectRatio such as "16:9", "9:16" or "1:1" (Vidu).
	AspectRatio string `json:"aspect_ratio,omitempty"`
	// MovementAmplitude is MovementAmplitudeAuto, MovementAmplitudeSmall, MovementAmplitudeMedium or
	// MovementAmplitudeLarge (Vidu).
	MovementAmplitude MovementAmplitude `json:"movement_amplitude,omitempty"`
	// OffPeak runs the task off-peak, cheaper and later (Vidu).
	OffPeak bool `json:"off_peak,omitempty"`
	// WatermarkEnabled controls the AI-generated-content watermark (on by
	// default; turning it off needs a signed agreement).
	WatermarkEnabled *bool `json:"watermark_enabled,omitempty"`
	// RequestID is your unique id for the request (6-64 characters).
	RequestID string `json:"request_id,omitempty"`
	// UserID identifies your end user (6-128 characters).
	UserID string `json:"user_id,omitempty"`
	// SensitiveWordCheck configures the content check.
	SensitiveWordCheck *SensitiveWordCheck `json:"sensitive_word_check,omitempty"`
	// PromptOptModel names the model that rewrites the prompt before
	// generation. The Java SDK sends it; the docs do not describe it, so
	// it is passed as given.
	PromptOptModel string `json:"prompt_opt_model,omitempty"`
}

// videoRequestFields is VideoRequest without its methods.
type videoRequestFields VideoRequest

// MarshalJSON sends ImageObject, when set, as image_url.
func (r VideoRequest) MarshalJSON() ([]byte, error) {
	if len(r.ImageObject) == 0 {
		return json.Marshal(videoRequestFields(r))
	}
	return json.Marshal(struct {
		videoRequestFields
		ImageURL map[string]any `json:"image_url"` // hides the string form
	}{videoRequestFields(r), r.ImageObject})
}

// UnmarshalJSON decodes an image_url object into ImageObject, and a string
// or an array into ImageURL.
func (r *VideoRequest) UnmarshalJSON(b []byte) error {
	var w struct {
		videoRequestFields
		ImageURL json.RawMessage `json:"image_url"`
	}
	w.videoRequestFields = videoRequestFields(*r)
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = VideoRequest(w.videoRequestFields)
	switch raw := bytes.TrimSpace(w.ImageURL); {
	case len(raw) == 0:
		return nil
	case raw[0] == '{':
		r.ImageURL, r.ImageObject = nil, nil
		return json.Unmarshal(raw, &r.ImageObject)
	default:
		r.ImageURL, r.ImageObject = nil, nil
		return json.Unmarshal(raw, &r.ImageURL)
	}
}

// VideoImageURL is the image_url of a video request: one image (a URL or
// base64 data), sent as a JSON string, or several (first and last frame,
// or reference images), sent as an array. Both forms decode.
//
//	ImageURL: zai.VideoImageURL{"https://example.com/cat.png"}            // "image_url": "https://..."
//	ImageURL: zai.VideoImageURL{"https://x/first.png", "https://x/last.png"} // "image_url": [first, last]
type VideoImageURL []string

// MarshalJSON sends one image as a string and several as an array.
func (v VideoImageURL) MarshalJSON() ([]byte, error) {
	if len(v) == 1 {
		return json.Marshal(v[0])
	}
	return json.Marshal([]string(v))
}

// UnmarshalJSON accepts a string or an array of strings.
func (v *VideoImageURL) UnmarshalJSON(b []byte) error {
	urls, _, err := stringOrStrings(b)
	if err != nil {
		return err
	}
	*v = urls
	return nil
}

func (r *VideoRequest) validate() error {
	if r.Model == "" {
		return invalidf("model is empty")
	}
	if strings.TrimSpace(r.Prompt) == "" && len(r.ImageURL) == 0 && len(r.ImageObject) == 0 {
		return invalidf("prompt and image_url are both empty; give one or both")
	}
	if len(r.ImageURL) > 0 && len(r.ImageObject) > 0 {
		return invalidf("image_url: set ImageURL or ImageObject, not both")
	}
	for i, u := range r.ImageURL {
		if strings.TrimSpace(u) == "" {
			return invalidf("image_url[%d] is empty", i)
		}
	}
	return validSize(r.Size)
}

// Generate submits a video as an async task. Poll it with
// client.AsyncResult.Get or Wait, or use GenerateAndWait; the result
// carries VideoResult.
//
// POST /videos/generations
func (s *VideoService) Generate(ctx context.Context, req VideoRequest, opts ...Option) (*AsyncTask, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	return call[AsyncTask](ctx, s.client, &core.Request{Method: http.MethodPost, Path: "/videos/generations", Body: &req}, opts)
}

// GenerateAndWait submits a video and waits for it as AsyncResult.Wait does
// (opts such as WithPollInterval and WithPollProgress apply). Bound the
// wait with ctx: a video takes minutes.
//
// POST /videos/generations, then GET /async-result/{id} until it ends
func (s *VideoService) GenerateAndWait(ctx context.Context, req VideoRequest, opts ...Option) (*AsyncResult, error) {
	task, err := s.Generate(ctx, req, opts...)
	if err != nil {
		return nil, err
	}
	if task.ID == "" {
		return nil, &APIError{StatusCode: http.StatusOK, Message: "video task submitted but the response has no id", RequestID: task.RequestID, rawBody: task.rawBody}
	}
	return s.client.AsyncResult.Wait(ctx, task.ID, opts...)
}
