package zai

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/zai-go/zai/internal/core"
)

// ReaderService fetches a web page and returns its content as Markdown or
// text, ready for a model.
//
// Z.ai API docs: https://docs.z.ai/api-reference/tools/web-reader
type ReaderService struct {
	client *Client
}

// ReaderFormat is the format the reader returns a page in.
type ReaderFormat string

// Values of ReaderRequest.ReturnFormat.
const (
	ReaderFormatMarkdown ReaderFormat = "markdown"
	ReaderFormatText     ReaderFormat = "text"
)

// ReaderRequest is the body of POST /reader. Booleans whose server default
// is false are plain bools; RetainImages, true by default, is a pointer so
// false can be sent.
type ReaderRequest struct {
	// URL of the page to read (required, http or https).
	URL string `json:"url"`
	// Timeout is how long the server may spend fetching the page, in
	// seconds (the server's default is 20). It is sent as a JSON integer, as
	// the API reference and the Java SDK type it (the Python SDK sends a
	// string). It does not bound the HTTP call; use WithRequestTimeout.
	Timeout *int `json:"timeout,omitempty"`
	// NoCache bypasses the server's page cache.
	NoCache bool `json:"no_cache,omitempty"`
	// ReturnFormat is ReaderFormatMarkdown (the default) or ReaderFormatText.
	ReturnFormat ReaderFormat `json:"return_format,omitempty"`
	// RetainImages keeps images in the content (the server's default is
	// true).
	RetainImages *bool `json:"retain_images,omitempty"`
	// NoGFM turns GitHub Flavored Markdown off.
	NoGFM bool `json:"no_gfm,omitempty"`
	// KeepImgDataURL keeps images inlined as data: URLs.
	KeepImgDataURL bool `json:"keep_img_data_url,omitempty"`
	// WithImagesSummary adds the page's images to ReaderPage.Images.
	WithImagesSummary bool `json:"with_images_summary,omitempty"`
	// WithLinksSummary adds the page's links to ReaderPage.Links.
	WithLinksSummary bool `json:"with_links_summary,omitempty"`
	// RequestID is your unique id for the request (6-64 characters).
	RequestID string `json:"request_id,omitempty"`
	// UserID identifies your end user (6-128 characters).
	UserID string `json:"user_id,omitempty"`
}

// ReaderResponse is the response of POST /reader.
type ReaderResponse struct {
	ID        string     `json:"id"`
	Created   int64      `json:"created"`
	RequestID string     `json:"request_id,omitempty"`
	Model     string     `json:"model,omitempty"`
	Result    ReaderPage `json:"reader_result"`

	rawBody
}

// ReaderPage is a page as read.
type ReaderPage struct {
	// Content is the page body in the requested format.
	Content     string `json:"content"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	// URL of the page.
	URL string `json:"url,omitempty"`
	// PublishedTime is the page's publication time as the page states it
	// ("publishedTime" on the wire, camelCase unlike the other fields).
	PublishedTime string `json:"publishedTime,omitempty"`
	// Images lists the page's images (with WithImagesSummary), a caption
	// or name to a URL.
	Images map[string]string `json:"images,omitempty"`
	// Links lists the page's links (with WithLinksSummary), a text to a
	// URL.
	Links map[string]string `json:"links,omitempty"`
	// Metadata holds the page's meta tags (keywords, viewport, ...).
	Metadata map[string]any `json:"metadata,omitempty"`
	// External lists resources the page references, such as
	// {"stylesheet": {"<url>": {"type": "text/css"}}}, as sent.
	External json.RawMessage `json:"external,omitempty"`
}

func (r *ReaderRequest) validate() error {
	if r.URL == "" {
		return invalidf("url is empty")
	}
	u, err := url.Parse(r.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return invalidf("url %q is not an absolute http(s) URL", r.URL)
	}
	return nil
}

// Read fetches a page and returns its content.
//
// POST /reader
func (s *ReaderService) Read(ctx context.Context, req ReaderRequest, opts ...Option) (*ReaderResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	return call[ReaderResponse](ctx, s.client, &core.Request{Method: http.MethodPost, Path: "/reader", Body: &req}, opts)
}
