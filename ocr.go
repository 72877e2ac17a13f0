package zai

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/zai-go/zai/internal/core"
)

// OCRService reads documents and images: layout parsing with GLM-OCR,
// handwriting recognition, and the file parser that turns PDFs, Office files
// and images into text.
//
// The file parser reports some failures inside an HTTP 200 body; the methods
// return them as an *APIError with StatusCode 200.
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

// LayoutParsingResult is the reply of LayoutParsing.
type LayoutParsingResult struct {
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

	raw []byte
}

// RawJSON returns the response body as received.
func (r *LayoutParsingResult) RawJSON() []byte { return r.raw }

func (r *LayoutParsingResult) setRawJSON(b []byte) { r.raw = b }

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

// LayoutParsing parses the layout of an image or PDF with GLM-OCR and
// returns it as Markdown and elements.
//
// POST /layout_parsing
func (s *OCRService) LayoutParsing(ctx context.Context, req LayoutParsingRequest, opts ...Option) (*LayoutParsingResult, error) {
	if req.Model == "" {
		return nil, invalidf("model is empty")
	}
	if req.File == "" {
		return nil, invalidf("file is empty")
	}
	return call[LayoutParsingResult](ctx, s.client, &core.Request{Method: http.MethodPost, Path: "/layout_parsing", Body: &req}, opts)
}

// HandwritingRequest describes an image for POST /files/ocr. Set exactly one
// of Path and Reader; the image is streamed.
type HandwritingRequest struct {
	Path        string
	Reader      io.Reader
	FileName    string // the base of Path by default
	ContentType string // application/octet-stream by default
	// LanguageType is "CHN_ENG" (Chinese and English), "AUTO", "ENG", ...
	LanguageType string
	// Probability returns a confidence for each line.
	Probability bool
}

// HandwritingResult is the reply of Handwriting.
type HandwritingResult struct {
	TaskID         string            `json:"task_id"`
	Message        string            `json:"message,omitempty"`
	Status         string            `json:"status"`
	WordsResultNum int               `json:"words_result_num"`
	WordsResult    []HandwritingLine `json:"words_result,omitempty"`

	raw []byte
}

// RawJSON returns the response body as received.
func (r *HandwritingResult) RawJSON() []byte { return r.raw }

func (r *HandwritingResult) setRawJSON(b []byte) { r.raw = b }

// Text returns the recognised lines joined by newlines.
func (r *HandwritingResult) Text() string {
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

// Handwriting recognises handwritten text in an image.
//
// POST /files/ocr (multipart: file, tool_type=hand_write, language_type, probability)
func (s *OCRService) Handwriting(ctx context.Context, req HandwritingRequest, opts ...Option) (*HandwritingResult, error) {
	file, err := formFile("file", req.Path, req.Reader, req.FileName, req.ContentType)
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
	r := &core.Request{Method: http.MethodPost, Path: "/files/ocr"}
	if err := applyMultipart(&core.Multipart{Fields: fields, Files: []core.FormFile{file}}, r); err != nil {
		return nil, err
	}
	r.Check = checkBody(parserFailed)
	return call[HandwritingResult](ctx, s.client, r, opts)
}

// File parser tools.
const (
	// ParserToolLite is the fast, plain-text parser.
	ParserToolLite = "lite"
	// ParserToolExpert handles complex layouts.
	ParserToolExpert = "expert"
	// ParserToolPrime handles the widest range of formats.
	ParserToolPrime = "prime"
	// ParserToolPrimeSync is the synchronous parser of ParseFileSync.
	ParserToolPrimeSync = "prime-sync"
)

// Result formats of ParseResult.
const (
	ParseFormatText         = "text"
	ParseFormatDownloadLink = "download_link"
)

// FileParseRequest describes a document for the file parser. Set exactly
// one of Path and Reader; the file is streamed.
type FileParseRequest struct {
	Path        string
	Reader      io.Reader
	FileName    string // the base of Path by default
	ContentType string // application/octet-stream by default
	// FileType is the document's format: "pdf", "docx", "png", ...
	// Required.
	FileType string
	// ToolType is the parser: ParserToolLite, ParserToolExpert or
	// ParserToolPrime for ParseFile (required); ParseFileSync sends
	// ParserToolPrimeSync when it is empty.
	ToolType string
}

// FileParseTask is the reply of ParseFile.
type FileParseTask struct {
	// TaskID is what ParseResult asks for.
	TaskID  string `json:"task_id"`
	Message string `json:"message,omitempty"`
	Success bool   `json:"success"`

	raw []byte
}

// RawJSON returns the response body as received.
func (t *FileParseTask) RawJSON() []byte { return t.raw }

func (t *FileParseTask) setRawJSON(b []byte) { t.raw = b }

// FileParseStatus is the state of a parse task.
type FileParseStatus string

// Parse task states.
const (
	FileParseProcessing FileParseStatus = "processing"
	FileParseSucceeded  FileParseStatus = "succeeded"
	FileParseFailed     FileParseStatus = "failed"
)

// UnmarshalJSON accepts the status as a string, or as the boolean some
// replies send (true is FileParseSucceeded).
func (s *FileParseStatus) UnmarshalJSON(b []byte) error {
	switch string(bytes.TrimSpace(b)) {
	case "true":
		*s = FileParseSucceeded
		return nil
	case "false":
		*s = FileParseFailed
		return nil
	case "null":
		*s = ""
		return nil
	}
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*s = FileParseStatus(v)
	return nil
}

// FileParseResult is the reply of ParseResult and ParseFileSync.
type FileParseResult struct {
	TaskID  string          `json:"task_id"`
	Status  FileParseStatus `json:"status"`
	Message string          `json:"message,omitempty"`
	// Content is the parsed text (format ParseFormatText).
	Content string `json:"content,omitempty"`
	// ParsingResultURL links to the parsed result (format
	// ParseFormatDownloadLink).
	ParsingResultURL string `json:"parsing_result_url,omitempty"`

	raw []byte
}

// RawJSON returns the response body as received.
func (r *FileParseResult) RawJSON() []byte { return r.raw }

func (r *FileParseResult) setRawJSON(b []byte) { r.raw = b }

func (req *FileParseRequest) form(toolType string) (*core.Request, error) {
	if req.FileType == "" {
		return nil, invalidf("file_type is empty (the server requires it)")
	}
	file, err := formFile("file", req.Path, req.Reader, req.FileName, req.ContentType)
	if err != nil {
		return nil, err
	}
	m := &core.Multipart{
		Fields: []core.FormField{{Name: "tool_type", Value: toolType}, {Name: "file_type", Value: req.FileType}},
		Files:  []core.FormFile{file},
	}
	r := &core.Request{Method: http.MethodPost}
	if err := applyMultipart(m, r); err != nil {
		return nil, err
	}
	return r, nil
}

// ParseFile starts parsing a document; fetch the outcome with ParseResult
// and the returned TaskID.
//
// POST /files/parser/create (multipart: file, file_type, tool_type)
func (s *OCRService) ParseFile(ctx context.Context, req FileParseRequest, opts ...Option) (*FileParseTask, error) {
	if req.ToolType == "" {
		return nil, invalidf("tool_type is empty: use ParserToolLite, ParserToolExpert or ParserToolPrime")
	}
	r, err := req.form(req.ToolType)
	if err != nil {
		return nil, err
	}
	r.Path = "/files/parser/create"
	r.Check = checkBody(parserFailed)
	return call[FileParseTask](ctx, s.client, r, opts)
}

// ParseResult fetches the outcome of ParseFile in format ParseFormatText or
// ParseFormatDownloadLink. Status is FileParseProcessing until it is done,
// then FileParseSucceeded; a failed parse is returned as an *APIError.
//
// GET /files/parser/result/{task_id}/{format_type}
func (s *OCRService) ParseResult(ctx context.Context, taskID, format string, opts ...Option) (*FileParseResult, error) {
	task, err := pathSegment("task id", taskID)
	if err != nil {
		return nil, err
	}
	ft, err := pathSegment("format", format)
	if err != nil {
		return nil, err
	}
	r := &core.Request{Method: http.MethodGet, Path: "/files/parser/result/" + task + "/" + ft}
	r.Check = checkBody(parserFailed)
	return call[FileParseResult](ctx, s.client, r, opts)
}

// ParseFileSync parses a document and waits for the text. FileType is
// required: the server rejects a request without it.
//
// POST /files/parser/sync (multipart: file, file_type, tool_type=prime-sync)
func (s *OCRService) ParseFileSync(ctx context.Context, req FileParseRequest, opts ...Option) (*FileParseResult, error) {
	tool := req.ToolType
	if tool == "" {
		tool = ParserToolPrimeSync
	}
	r, err := req.form(tool)
	if err != nil {
		return nil, err
	}
	r.Path = "/files/parser/sync"
	r.Check = checkBody(parserFailed)
	return call[FileParseResult](ctx, s.client, r, opts)
}

// parserFailed recognises the failures the parser and OCR endpoints send
// with HTTP 200: {"status":"failed",...}, {"status":false,...},
// {"success":false,...}, an error object, and the Spring-style
// {"msg":"...","code":500}.
func parserFailed(body []byte) bool {
	p, ok := probe(body)
	if !ok {
		return false
	}
	if statusIs(p.Status, string(FileParseFailed)) || string(bytes.TrimSpace(p.Status)) == "false" {
		return true
	}
	if p.Success != nil && !*p.Success {
		return true
	}
	if hasError(p.Error) {
		return true
	}
	if p.Msg != "" {
		code := codeString(p.Code)
		n, err := strconv.Atoi(code)
		return code != "" && (err != nil || (n != 0 && n != 200))
	}
	return false
}
