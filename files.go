package zai

import (
	"context"
	"io"
	"net/http"

	"github.com/zai-go/zai/internal/core"
)

// FileService uploads, lists, downloads and deletes files: batch input,
// agent attachments, voice-clone samples and so on.
//
// Z.ai API docs: https://docs.z.ai/api-reference/agents/file-upload
type FileService struct {
	client *Client
}

// File purposes. Z.ai accepts FilePurposeUserData and FilePurposeAgent;
// BigModel accepts FilePurposeBatch, FilePurposeAgent,
// FilePurposeCodeInterpreter and FilePurposeVoiceCloneInput. Any string is
// accepted.
const (
	FilePurposeBatch           = "batch"
	FilePurposeAgent           = "agent"
	FilePurposeUserData        = "user_data"
	FilePurposeCodeInterpreter = "code-interpreter"
	FilePurposeVoiceCloneInput = "voice-clone-input"
	FilePurposeFileExtract     = "file-extract"
)

// FileUploadRequest describes a file to upload with POST /files. Set
// exactly one of Path and Reader. The file is streamed, never read into
// memory whole. An upload from Path, or from a Reader that is an io.Seeker,
// is retried like any request; from another Reader it is sent once.
type FileUploadRequest struct {
	// Purpose says what the file is for, such as FilePurposeBatch.
	Purpose string
	// Path of the file to send.
	Path string
	// Reader supplies the file's bytes.
	Reader io.Reader
	// FileName is the name sent for the file: the base of Path by default,
	// "file" for a Reader. The server may check its extension (.jsonl for
	// batch input).
	FileName string
	// ContentType of the file; application/octet-stream by default.
	ContentType string
}

// FileObject is an uploaded file.
type FileObject struct {
	ID       string `json:"id"`
	Object   string `json:"object,omitempty"`
	Bytes    int64  `json:"bytes"`
	FileName string `json:"filename"`
	Purpose  string `json:"purpose"`
	// CreatedAt is a Unix time in seconds.
	CreatedAt     int64  `json:"created_at"`
	Status        string `json:"status,omitempty"`
	StatusDetails string `json:"status_details,omitempty"`

	raw []byte
}

// RawJSON returns the object as received.
func (f *FileObject) RawJSON() []byte { return f.raw }

func (f *FileObject) setRawJSON(b []byte) { f.raw = b }

// FileListRequest filters GET /files. Zero values are not sent.
type FileListRequest struct {
	// Purpose selects files by purpose (BigModel requires it).
	Purpose string `url:"purpose,omitempty"`
	// After is the id of the file to list after.
	After string `url:"after,omitempty"`
	// Order is the sort order of the listing, passed as given.
	Order string `url:"order,omitempty"`
	// Limit is the page size.
	Limit int `url:"limit,omitempty"`
}

// FileList is a page of files.
type FileList struct {
	Object  string       `json:"object,omitempty"`
	Data    []FileObject `json:"data"`
	HasMore bool         `json:"has_more"`

	raw []byte
}

// RawJSON returns the page as received.
func (l *FileList) RawJSON() []byte { return l.raw }

func (l *FileList) setRawJSON(b []byte) { l.raw = b }

// FileDeleted is the reply of Delete.
type FileDeleted struct {
	ID      string `json:"id"`
	Object  string `json:"object,omitempty"`
	Deleted bool   `json:"deleted"`

	raw []byte
}

// RawJSON returns the reply as received.
func (d *FileDeleted) RawJSON() []byte { return d.raw }

func (d *FileDeleted) setRawJSON(b []byte) { d.raw = b }

// Upload sends a file.
//
// POST /files (multipart: file, purpose)
func (s *FileService) Upload(ctx context.Context, req FileUploadRequest, opts ...Option) (*FileObject, error) {
	if req.Purpose == "" {
		return nil, invalidf("purpose is empty")
	}
	file, err := formFile("file", req.Path, req.Reader, req.FileName, req.ContentType)
	if err != nil {
		return nil, err
	}
	m := &core.Multipart{Fields: []core.FormField{{Name: "purpose", Value: req.Purpose}}, Files: []core.FormFile{file}}
	r := &core.Request{Method: http.MethodPost, Path: "/files"}
	if err := applyMultipart(m, r); err != nil {
		return nil, err
	}
	return call[FileObject](ctx, s.client, r, opts)
}

// List returns a page of files.
//
// GET /files?purpose=&after=&order=&limit=
func (s *FileService) List(ctx context.Context, params FileListRequest, opts ...Option) (*FileList, error) {
	return call[FileList](ctx, s.client, &core.Request{Method: http.MethodGet, Path: "/files", Query: params}, opts)
}

// Delete deletes a file.
//
// DELETE /files/{file_id}
func (s *FileService) Delete(ctx context.Context, fileID string, opts ...Option) (*FileDeleted, error) {
	seg, err := pathSegment("file id", fileID)
	if err != nil {
		return nil, err
	}
	return call[FileDeleted](ctx, s.client, &core.Request{Method: http.MethodDelete, Path: "/files/" + seg}, opts)
}

// Content downloads a file's bytes (batch output and error files). The
// caller reads and closes the returned body; it is not buffered.
//
// GET /files/{file_id}/content
func (s *FileService) Content(ctx context.Context, fileID string, opts ...Option) (io.ReadCloser, error) {
	seg, err := pathSegment("file id", fileID)
	if err != nil {
		return nil, err
	}
	resp, err := download(ctx, s.client, &core.Request{
		Method: http.MethodGet, Path: "/files/" + seg + "/content", Accept: "application/binary, */*",
	}, opts)
	if err != nil {
		return nil, err
	}
	return resp.Reader, nil
}
