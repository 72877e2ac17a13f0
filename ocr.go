package zai

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/zai-go/zai/internal/core"
)

// OCRService reads documents and images: layout parsing with GLM-OCR and
// handwriting recognition. FileParser turns whole documents into text.
//
// Handwriting OCR reports some failures inside an HTTP 200 body; the method
// returns them as an *APIError with StatusCode 200.
//
// Z.ai API docs: https://docs.z.ai/api-reference/tools/layout-parsing
type OCRService struct {
	client *Client
}

// LayoutParsingRequest is the body of POST /layout_parsing.
type LayoutParsingRequest struct {
	// Model is ModelGLMOCR.
	Model string `json:"model"`
	// File is the URL or the base64 data of an image (JPG, PNG; up to
	// 10 MB) or a PDF (up to 50 MB).
	File string `json:"file"`
	// ReturnCropImages returns the cropped images of the layout elements.
	ReturnCropImages bool `json:"return_crop_images,omitempty"`
	// NeedLayoutVisualization returns images of the detected layout.
	NeedLayoutVisualization bool `json:"need_layout_visualization,omitempty"`
	// StartPageID and EndPageID bound the PDF pages parsed (1-based).
	StartPageID *int `json:"start_page_id,omitempty"`
	EndPageID   *int `json:"end_page_id,omitempty"`
	// RequestID is your unique id for the request (6-64 characters).
	RequestID string `json:"request_id,omitempty"`
	// UserID identifies your end user (6-128 characters).
	UserID string `json:"user_id,omitempty"`
}

// LayoutParsingResponse is the reply of ParseLayout.
type LayoutParsingResponse struct {
	ID      string `json:"id"`
	Created int64  `json:"created"`
	Model   string `json:"model"`
	// MDResults is the document as Markdown.
	MDResults string `json:"md_results"`
	// LayoutDetails lists the elements of each page.
	LayoutDetails [][]LayoutDetail `json:"layout_details,omitempty"`
	// LayoutVisualization holds image URLs of the detected layout.
	LayoutVisualization []string       `json:"layout_visualization,omitempty"`
	DataInfo            LayoutDataInfo `json:"data_info,omitzero"`
	Usage               Usage          `json:"usage,omitzero"`
	RequestID           string         `json:"request_id,omitempty"`

	rawBody
}

// LayoutDetail is one element of a page.
type LayoutDetail struct {
	Index int `json:"index"`
	// Label is "text", "image", "formula" or "table".
	Label string `json:"label"`
	// BBox2D is the normalised box [x1, y1, x2, y2].
	BBox2D BBox `json:"bbox_2d,omitempty"`
	// Content is the text, image URL or table HTML.
	Content string `json:"content,omitempty"`
	// Width and Height are the page's.
	Width  int `json:"width,omitempty"`
	Height int `json:"height,omitempty"`
}

// BBox is a box [x1, y1, x2, y2]. It decodes from a flat list or from a
// list nested in a list.
type BBox []float64

// UnmarshalJSON flattens [[x1,y1,x2,y2]] to [x1,y1,x2,y2].
func (b *BBox) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 1 && data[0] == '[' && bytes.HasPrefix(bytes.TrimSpace(data[1:]), []byte("[")) {
		var nested [][]float64
		if err := json.Unmarshal(data, &nested); err != nil {
			return err
		}
		*b = nil
		for _, n := range nested {
			*b = append(*b, n...)
		}
		return nil
	}
	var flat []float64
	if err := json.Unmarshal(data, &flat); err != nil {
		return err
	}
	*b = flat
	return nil
}

// LayoutDataInfo describes the parsed document.
type LayoutDataInfo struct {
	NumPages int              `json:"num_pages"`
	Pages    []LayoutPageSize `json:"pages,omitempty"`
}

// LayoutPageSize is the size of one page.
type LayoutPageSize struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

// ParseLayout parses the layout of an image or PDF with GLM-OCR and
// returns it as Markdown and elements.
//
// POST /layout_parsing
func (s *OCRService) ParseLayout(ctx context.Context, req LayoutParsingRequest, opts ...Option) (*LayoutParsingResponse, error) {
	if req.Model == "" {
		return nil, invalidf("model is empty")
	}
	if req.File == "" {
		return nil, invalidf("file is empty")
	}
	return call[LayoutParsingResponse](ctx, s.client, &core.Request{Method: http.MethodPost, Path: "/layout_parsing", Body: &req}, opts)
}

// HandwritingRequest describes an image for POST /files/ocr.
type HandwritingRequest struct {
	// File is the image, streamed.
	File FileInput
	// LanguageType is "CHN_ENG" (Chinese and English), "AUTO", "ENG", ...
	LanguageType string
	// Probability returns a confidence for each line.
	Probability bool
}

// HandwritingResponse is the reply of RecognizeHandwriting.
type HandwritingResponse struct {
	TaskID         string            `json:"task_id"`
	Message        string            `json:"message,omitempty"`
	Status         string            `json:"status"`
	WordsResultNum int               `json:"words_result_num"`
	WordsResult    []HandwritingLine `json:"words_result,omitempty"`

	rawBody
}

// Text returns the recognised lines joined by newlines.
func (r *HandwritingResponse) Text() string {
	lines := make([]string, len(r.WordsResult))
	for i, w := range r.WordsResult {
		lines[i] = w.Words
	}
	return strings.Join(lines, "\n")
}

// HandwritingLine is one recognised line.
type HandwritingLine struct {
	Words       string                 `json:"words"`
	Location    HandwritingLocation    `json:"location"`
	Probability *HandwritingConfidence `json:"probability,omitempty"`
}

// HandwritingLocation is a line's box in pixels.
type HandwritingLocation struct {
	Left   int `json:"left"`
	Top    int `json:"top"`
	Width  int `json:"width"`
	Height int `json:"height"`
}

// HandwritingConfidence is the confidence of a line (with Probability set).
type HandwritingConfidence struct {
	Average  float64 `json:"average"`
	Variance float64 `json:"variance"`
	Min      float64 `json:"min"`
}

// RecognizeHandwriting recognises handwritten text in an image.
//
// POST /files/ocr (multipart: file, tool_type=hand_write, language_type, probability)
func (s *OCRService) RecognizeHandwriting(ctx context.Context, req HandwritingRequest, opts ...Option) (*HandwritingResponse, error) {
	file, err := req.File.part("file", nil)
	if err != nil {
		return nil, err
	}
	fields := []core.FormField{{Name: "tool_type", Value: "hand_write"}}
	if req.LanguageType != "" {
		fields = append(fields, core.FormField{Name: "language_type", Value: req.LanguageType})
	}
	if req.Probability {
		fields = append(fields, core.FormField{Name: "probability", Value: "true"})
	}
	r, err := multipartRequest(http.MethodPost, "/files/ocr", &core.Multipart{Fields: fields, Files: []core.FormFile{file}})
	if err != nil {
		return nil, err
	}
	r.Check = checkParser
	return call[HandwritingResponse](ctx, s.client, r, opts)
}
