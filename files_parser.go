package zai

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/zai-go/zai/internal/core"
)

// FileParserService turns documents (PDF, Office files, images, ...) into
// text: in one request with Parse, or as a task with ParseAsync, then
// GetResult or Wait.
//
// The parser reports some failures inside an HTTP 200 body; the methods
// return them as an *APIError with StatusCode 200.
//
// Z.ai API docs: https://docs.z.ai/api-reference/tools/file-parser
type FileParserService struct {
	client *Client
}

// ParserTool is the file parser to use.
type ParserTool string

// File parser tools.
const (
	// ParserToolLite is the fast, plain-text parser.
	ParserToolLite ParserTool = "lite"
	// ParserToolExpert handles complex layouts.
	ParserToolExpert ParserTool = "expert"
	// ParserToolPrime handles the widest range of formats.
	ParserToolPrime ParserTool = "prime"
	// ParserToolPrimeSync is the synchronous parser of Parse.
	ParserToolPrimeSync ParserTool = "prime-sync"
)

// ParseFormat is the format of a file parser result.
type ParseFormat string

// Result formats of GetResult.
const (
	ParseFormatText         ParseFormat = "text"
	ParseFormatDownloadLink ParseFormat = "download_link"
)

// FileParseRequest describes a document for the file parser.
type FileParseRequest struct {
	// File is the document, streamed.
	File FileInput
	// FileType is the document's format: "pdf", "docx", "png", ...
	// Required.
	FileType string
	// ToolType is the parser: ParserToolLite, ParserToolExpert or
	// ParserToolPrime for ParseAsync (required); Parse sends
	// ParserToolPrimeSync when it is empty.
	ToolType ParserTool
}

// FileParseTask is the reply of ParseAsync: a task to pass to GetResult
// or Wait.
type FileParseTask struct {
	// TaskID is what GetResult and Wait ask for.
	TaskID  string `json:"task_id"`
	Message string `json:"message,omitempty"`
	Success bool   `json:"success"`

	rawBody
}

// FileParseStatus is the state of a parse task.
type FileParseStatus string

// Parse task states.
const (
	FileParseStatusProcessing FileParseStatus = "processing"
	FileParseStatusSucceeded  FileParseStatus = "succeeded"
	FileParseStatusFailed     FileParseStatus = "failed"
)

// UnmarshalJSON accepts the status as a string, or as the boolean some
// replies send (true is FileParseStatusSucceeded).
func (s *FileParseStatus) UnmarshalJSON(b []byte) error {
	switch string(bytes.TrimSpace(b)) {
	case "true":
		*s = FileParseStatusSucceeded
		return nil
	case "false":
		*s = FileParseStatusFailed
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

// FileParseResponse is the reply of Parse, GetResult and Wait.
type FileParseResponse struct {
	TaskID  string          `json:"task_id"`
	Status  FileParseStatus `json:"status"`
	Message string          `json:"message,omitempty"`
	// Content is the parsed text (format ParseFormatText).
	Content string `json:"content,omitempty"`
	// ParsingResultURL links to the parsed result (format
	// ParseFormatDownloadLink).
	ParsingResultURL string `json:"parsing_result_url,omitempty"`

	rawBody
}

func (req *FileParseRequest) form(path string, tool ParserTool) (*core.Request, error) {
	if req.FileType == "" {
		return nil, invalidf("file_type is empty (the server requires it)")
	}
	file, err := req.File.part("file", nil)
	if err != nil {
		return nil, err
	}
	r, err := multipartRequest(http.MethodPost, path, &core.Multipart{
		Fields: []core.FormField{{Name: "tool_type", Value: string(tool)}, {Name: "file_type", Value: req.FileType}},
		Files:  []core.FormFile{file},
	})
	if err != nil {
		return nil, err
	}
	r.Check = checkParser
	return r, nil
}

// Parse parses a document and waits for the text, in one request. FileType
// is required: the server rejects a request without it.
//
// POST /files/parser/sync (multipart: file, file_type, tool_type=prime-sync)
func (s *FileParserService) Parse(ctx context.Context, req FileParseRequest, opts ...Option) (*FileParseResponse, error) {
	r, err := req.form("/files/parser/sync", cmp.Or(req.ToolType, ParserToolPrimeSync))
	if err != nil {
		return nil, err
	}
	return call[FileParseResponse](ctx, s.client, r, opts)
}

// ParseAsync starts parsing a document and returns the task; fetch the
// outcome with GetResult, or Wait for it.
//
// POST /files/parser/create (multipart: file, file_type, tool_type)
func (s *FileParserService) ParseAsync(ctx context.Context, req FileParseRequest, opts ...Option) (*FileParseTask, error) {
	if req.ToolType == "" {
		return nil, invalidf("tool_type is empty: use ParserToolLite, ParserToolExpert or ParserToolPrime")
	}
	r, err := req.form("/files/parser/create", req.ToolType)
	if err != nil {
		return nil, err
	}
	return call[FileParseTask](ctx, s.client, r, opts)
}

// GetResult fetches the outcome of ParseAsync in format ParseFormatText or
// ParseFormatDownloadLink. Status is FileParseStatusProcessing until it is
// done, then FileParseStatusSucceeded; a failed parse is returned as an
// *APIError.
//
// GET /files/parser/result/{task_id}/{format_type}
func (s *FileParserService) GetResult(ctx context.Context, taskID string, format ParseFormat, opts ...Option) (*FileParseResponse, error) {
	set, err := s.client.resolve(opts)
	if err != nil {
		return nil, err
	}
	return getParseResult(ctx, set, taskID, format)
}

func getParseResult(ctx context.Context, s *settings, taskID string, format ParseFormat) (*FileParseResponse, error) {
	task, err := pathSegment("task id", taskID)
	if err != nil {
		return nil, err
	}
	ft, err := pathSegment("format", string(format))
	if err != nil {
		return nil, err
	}
	return callWith[FileParseResponse](ctx, s, &core.Request{
		Method: http.MethodGet, Path: "/files/parser/result/" + task + "/" + ft, Check: checkParser,
	})
}

// Wait polls GetResult until the parse succeeds, fails or ctx ends, as
// AsyncResult.Wait does: the first poll at once, then gaps from
// WithPollInterval growing to MaxPollInterval, WithPollProgress called once
// per poll. A failed parse is an error that matches ErrTaskFailed and
// *APIError (errors.As). When ctx ends, Wait returns the last reply it saw
// and an error matching ctx.Err().
//
// GET /files/parser/result/{task_id}/{format_type}, repeatedly
func (s *FileParserService) Wait(ctx context.Context, taskID string, format ParseFormat, opts ...Option) (*FileParseResponse, error) {
	if _, err := pathSegment("task id", taskID); err != nil {
		return nil, err
	}
	set, err := s.client.resolve(opts)
	if err != nil {
		return nil, err
	}
	return pollUntil(ctx, set, taskID, "parse task "+taskID, func(ctx context.Context) (*FileParseResponse, string, bool, error) {
		res, err := getParseResult(ctx, set, taskID, format)
		if err != nil {
			var apiErr *APIError
			if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusOK {
				return nil, string(FileParseStatusFailed), true, &taskError{kind: "parse task", id: taskID, err: err}
			}
			return nil, "", false, err
		}
		return res, cmp.Or(string(res.Status), string(FileParseStatusProcessing)), res.Status == FileParseStatusSucceeded, nil
	})
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
	if statusIs(p.Status, string(FileParseStatusFailed)) || string(bytes.TrimSpace(p.Status)) == "false" {
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
