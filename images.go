package zai

import (
	"context"
	"net/http"

	"github.com/zai-go/zai/internal/core"
)

// ImageService generates images.
//
// Z.ai API docs: https://docs.z.ai/api-reference/image/generate-image
type ImageService struct {
	client *Client
}

// ImageQuality is the quality of a generated image.
type ImageQuality string

// Values of ImageRequest.Quality.
const (
	// ImageQualityHD is more detailed and takes about 20 s (the default of
	// glm-image, and the only quality of the async endpoint).
	ImageQualityHD ImageQuality = "hd"
	// ImageQualityStandard is faster, about 5-10 s (the default of the other
	// models).
	ImageQualityStandard ImageQuality = "standard"
)

// ImageResponseFormat is how a synchronous generation returns its images.
type ImageResponseFormat string

// Values of ImageRequest.ResponseFormat. The docs list none; these are the
// OpenAI values that the official SDKs' b64_json answer field implies.
const (
	// ImageResponseFormatURL returns links (GeneratedImage.URL).
	ImageResponseFormatURL ImageResponseFormat = "url"
	// ImageResponseFormatB64JSON returns the image bytes, base64-encoded
	// (GeneratedImage.B64JSON).
	ImageResponseFormatB64JSON ImageResponseFormat = "b64_json"
)

// ImageRequest is the body of POST /images/generations and
// POST /async/images/generations. N, ResponseFormat, Style, User and
// SensitiveWordCheck are taken by the synchronous endpoint in the official
// SDKs; the SDK sends what you set on either.
type ImageRequest struct {
	// Model is the model code, such as ModelGLMImage or ModelCogView4. The
	// async endpoint takes glm-image only.
	Model string `json:"model"`
	// Prompt describes the image.
	Prompt string `json:"prompt"`
	// Size is "WIDTHxHEIGHT", such as "1280x1280" (glm-image's default),
	// "1568x1056" or "1024x1024" (the other models' default). Custom sizes
	// must follow the model's rules (glm-image: 1024-2048 px a side, a
	// multiple of 32). The SDK checks only the WxH form.
	Size string `json:"size,omitempty"`
	// Quality is ImageQualityHD or ImageQualityStandard.
	Quality ImageQuality `json:"quality,omitempty"`
	// WatermarkEnabled controls the AI-generated-content watermark (on by
	// default; turning it off needs a signed agreement).
	WatermarkEnabled *bool `json:"watermark_enabled,omitempty"`
	// UserID identifies your end user (6-128 characters).
	UserID string `json:"user_id,omitempty"`
	// RequestID is your unique id for the request (6-64 characters).
	RequestID string `json:"request_id,omitempty"`
	// N is the number of images to generate (at least 1; the server's
	// default is 1).
	N *int `json:"n,omitempty"`
	// ResponseFormat is ImageResponseFormatURL or
	// ImageResponseFormatB64JSON.
	ResponseFormat ImageResponseFormat `json:"response_format,omitempty"`
	// Style is the style of the images, passed as given.
	Style string `json:"style,omitempty"`
	// User identifies your end user, OpenAI style; UserID is the API's own
	// field.
	User string `json:"user,omitempty"`
	// SensitiveWordCheck configures the content check.
	SensitiveWordCheck *SensitiveWordCheck `json:"sensitive_word_check,omitempty"`
}

// ImageResponse is the answer of a synchronous image generation.
type ImageResponse struct {
	// Created is the Unix time in seconds.
	Created int64 `json:"created"`
	// Data holds the images (one at present). The links expire after 30
	// days.
	Data []GeneratedImage `json:"data"`
	// ContentFilter reports content-safety levels (0 most severe, 3 least).
	ContentFilter []ContentFilter `json:"content_filter,omitempty"`
	ID            string          `json:"id,omitempty"`
	RequestID     string          `json:"request_id,omitempty"`

	rawBody
}

// GeneratedImage is one generated image.
type GeneratedImage struct {
	// URL of the image; it expires after 30 days.
	URL string `json:"url"`
	// B64JSON is the image itself, base64-encoded, when the request asked
	// for ImageResponseFormatB64JSON.
	B64JSON string `json:"b64_json,omitempty"`
	// RevisedPrompt is the prompt the model actually used, when it
	// rewrote yours.
	RevisedPrompt string `json:"revised_prompt,omitempty"`
}

// sizeRE is the WIDTHxHEIGHT form the API takes for image and video sizes.
func (r *ImageRequest) validate() error {
	if r.Model == "" {
		return invalidf("model is empty")
	}
	if r.Prompt == "" {
		return invalidf("prompt is empty")
	}
	if r.N != nil && *r.N < 1 {
		return invalidf("n is %d; it must be at least 1", *r.N)
	}
	return validSize(r.Size)
}

// Generate creates an image and waits for it.
//
// POST /images/generations
func (s *ImageService) Generate(ctx context.Context, req ImageRequest, opts ...Option) (*ImageResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	return call[ImageResponse](ctx, s.client, &core.Request{Method: http.MethodPost, Path: "/images/generations", Body: &req}, opts)
}

// GenerateAsync submits an image as an async task (glm-image only). Poll it
// with client.AsyncResult.Get or Wait; the result carries ImageResult.
//
// POST /async/images/generations
func (s *ImageService) GenerateAsync(ctx context.Context, req ImageRequest, opts ...Option) (*AsyncTask, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	return call[AsyncTask](ctx, s.client, &core.Request{Method: http.MethodPost, Path: "/async/images/generations", Body: &req}, opts)
}
