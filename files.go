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

// FilePurpose is what an uploaded file is for.
type FilePurpose string

// File purposes. Z.ai accepts FilePurposeUserData and FilePurposeAgent;
// BigModel accepts FilePurposeBatch, FilePurposeAgent,
// FilePurposeCodeInterpreter and FilePurposeVoiceCloneInput. Any string is
// accepted.
const (
	FilePurposeBatch           FilePurpose = "batch"
	FilePurposeAgent           FilePurpose = "agent"
	FilePurposeUserData        FilePurpose = "user_data"
	FilePurposeCodeInterpreter FilePurpose = "code-interpreter"
	FilePurposeVoiceCloneInput FilePurpose = "voice-clone-input"
	FilePurposeFileExtract     FilePurpose = "file-extract"
)

// FileUploadRequest describes a file to upload with POST /files.
type FileUploadRequest struct {
	// Purpose says what the file is for, such as FilePurposeBatch.
	Purpose FilePurpose
	// File is the file, streamed. The server may check its name's
	// extension (.jsonl for batch input); a Reader without a Name is sent
	// as "file".
	File FileInput
}

// FileObject is an uploaded file.
type FileObject struct {
	ID       string      `json:"id"`
	Object   string      `json:"object,omitempty"`
	Bytes    int64       `json:"bytes"`
	FileName string      `json:"filename"`
	Purpose  FilePurpose `json:"purpose"`
	// CreatedAt is a Unix time in seconds.
	CreatedAt     int64  `json:"created_at"`
	Status        string `json:"status,omitempty"`
	StatusDetails string `json:"status_details,omitempty"`

	rawBody
}

// FileListRequest filters GET /files. Zero values are not sent.
type FileListRequest struct {
	// Purpose selects files by purpose (BigModel requires it).
	Purpose FilePurpose `url:"purpose,omitempty"`
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

	rawBody
}

// FileDeleteResponse is the reply of Delete.
type FileDeleteResponse struct {
	ID      string `json:"id"`
	Object  string `json:"object,omitempty"`
	Deleted bool   `json:"deleted"`

	rawBody
}

// Upload sends a file.
//
// POST /files (multipart: file, purpose)
func (s *FileService) Upload(ctx context.Context, req FileUploadRequest, opts ...Option) (*FileObject, error) {
	if req.Purpose == "" {
		return nil, invalidf("purpose is empty")
	}
	file, err := req.File.part("file", nil)
	if err != nil {
		return nil, err
	}
	r, err := multipartRequest(http.MethodPost, "/files", &core.Multipart{
		Fields: []core.FormField{{Name: "purpose", Value: string(req.Purpose)}}, Files: []core.FormFile{file},
	})
	if err != nil {
		return nil, err
	}
	return call[FileObject](ctx, s.client, r, opts)
}

// List returns a page of files.
//
// GET /files?purpose=&after=&order=&limit=
func (s *FileService) List(ctx context.Context, req FileListRequest, opts ...Option) (*FileList, error) {
	return call[FileList](ctx, s.client, &core.Request{Method: http.MethodGet, Path: "/files", Query: req}, opts)
}

// Delete deletes a file.
//
// DELETE /files/{file_id}
func (s *FileService) Delete(ctx context.Context, fileID string, opts ...Option) (*FileDeleteResponse, error) {
	seg, err := pathSegment("file id", fileID)
	if err != nil {
		return nil, err
	}
	return call[FileDeleteResponse](ctx, s.client, &core.Request{Method: http.MethodDelete, Path: "/files/" + seg}, opts)
}

// Download downloads a file's bytes (batch output and error files). The
// caller reads and closes the returned body; it is not buffered.
//
// GET /files/{file_id}/content
func (s *FileService) Download(ctx context.Context, fileID string, opts ...Option) (io.ReadCloser, error) {
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
