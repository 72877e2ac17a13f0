package zai

import (
	"context"
	"io"
	"net/http"
	"strconv"

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
// FilePurposeCodeInterpreter, FilePurposeVoiceCloneInput,
// FilePurposeFineTune and FilePurposeRetrieval. Any string is accepted.
const (
	// FilePurposeFineTune is fine-tuning data (.jsonl, up to 100 MB).
	FilePurposeFineTune FilePurpose = "fine-tune"
	// FilePurposeRetrieval is a knowledge-base document (Doc, Docx, PDF,
	// Xlsx or a URL, up to 5 MB); give FileUploadRequest.KnowledgeID.
	FilePurposeRetrieval       FilePurpose = "retrieval"
	FilePurposeBatch           FilePurpose = "batch"
	FilePurposeAgent           FilePurpose = "agent"
	FilePurposeUserData        FilePurpose = "user_data"
	FilePurposeCodeInterpreter FilePurpose = "code-interpreter"
	FilePurposeVoiceCloneInput FilePurpose = "voice-clone-input"
	FilePurposeFileExtract     FilePurpose = "file-extract"
)

// FileUploadRequest describes a file to upload with POST /files, sent as a
// multipart form. To add documents to a knowledge base by URL instead, use
// UploadURLs.
type FileUploadRequest struct {
	// Purpose says what the file is for, such as FilePurposeBatch.
	Purpose FilePurpose
	// File is the file, streamed. The server may check its name's
	// extension (.jsonl for batch input); a Reader without a Name is sent
	// as "file".
	File FileInput

	// KnowledgeID is the knowledge base a FilePurposeRetrieval document
	// goes into (form field knowledge_id).
	KnowledgeID string
	// SentenceSize is the size of the slices a knowledge-base document is
	// cut into (form field sentence_size); 0 leaves it to the server.
	SentenceSize int
	// CustomSeparator are the separators a knowledge-base document is cut
	// at (the server's default is "\n"), sent as repeated
	// custom_separator[] fields, the form the official SDKs' encoder
	// writes.
	CustomSeparator []string
}

// FileURLUploadRequest is the JSON form of POST /files: documents fetched
// by the server from URLs into a knowledge base.
type FileURLUploadRequest struct {
	// Purpose is what the documents are for: FilePurposeRetrieval.
	Purpose FilePurpose `json:"purpose"`
	// KnowledgeID is the knowledge base the documents go into.
	KnowledgeID string `json:"knowledge_id,omitempty"`
	// SentenceSize is the default slice size for the documents; 0 leaves
	// it to the server.
	SentenceSize int `json:"sentence_size,omitempty"`
	// Details are the documents, one per URL (at least one).
	Details []FileUploadDetail `json:"upload_detail"`
}

// FileUploadDetail is one document of a FileURLUploadRequest.
type FileUploadDetail struct {
	// URL is where the server fetches the document (required).
	URL string `json:"url"`
	// KnowledgeType is how the document is sliced (required): 1 article
	// (pdf, url, docx), 2 Q&A document (pdf, url, docx), 3 Q&A table
	// (xlsx), 4 product-library table (xlsx), 5 custom separators (pdf,
	// url, docx), as the knowledge-base API defines them.
	KnowledgeType int `json:"knowledge_type"`
	// FileName names the document.
	FileName string `json:"file_name,omitempty"`
	// SentenceSize is the slice size of this document.
	SentenceSize int `json:"sentence_size,omitempty"`
	// CustomSeparator are the separators this document is cut at.
	CustomSeparator []string `json:"custom_separator,omitempty"`
	// CallbackURL is called when the document has been processed.
	CallbackURL string `json:"callback_url,omitempty"`
	// CallbackHeader are headers sent with the callback.
	CallbackHeader map[string]string `json:"callback_header,omitempty"`
}

// FileObject is an uploaded file.
type FileObject struct {
	ID       string      `json:"id"`
	Object   string      `json:"object,omitempty"`
	Bytes    int64       `json:"bytes"`
	FileName string      `json:"filename"`
	Purpose  FilePurpose `json:"purpose"`
	// CreatedAt is a Unix time in seconds.
	CreatedAt int64 `json:"created_at"`
	// Status and StatusDetails report the file's processing.
	Status        string `json:"status,omitempty"`
	StatusDetails string `json:"status_details,omitempty"`

	// SuccessInfos and FailedInfos are the answer of a knowledge-base
	// upload, which reports each document instead of one file (the
	// legacy zhipuai SDK's DocumentObject).
	SuccessInfos []FileUploadSuccess `json:"successInfos,omitempty"`
	FailedInfos  []FileUploadFailure `json:"failedInfos,omitempty"`

	rawBody
}

// FileUploadSuccess is a document a knowledge-base upload added.
type FileUploadSuccess struct {
	// DocumentID is the new document's id.
	DocumentID string `json:"documentId,omitempty"`
	// Filename is the document's name.
	Filename string `json:"filename,omitempty"`
}

// FileUploadFailure is a document a knowledge-base upload refused.
type FileUploadFailure struct {
	// DocumentID is the id the document was given, if any.
	DocumentID string `json:"documentId,omitempty"`
	// Filename is the document's name.
	Filename string `json:"filename,omitempty"`
	// FailReason says why: an unsupported format, a file too large, a
	// full knowledge base, ...
	FailReason string `json:"failReason,omitempty"`
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
// POST /files (multipart: file, purpose, knowledge_id, sentence_size,
// custom_separator[])
func (s *FileService) Upload(ctx context.Context, req FileUploadRequest, opts ...Option) (*FileObject, error) {
	if req.Purpose == "" {
		return nil, invalidf("purpose is empty")
	}
	if req.SentenceSize < 0 {
		return nil, invalidf("sentence size is %d", req.SentenceSize)
	}
	file, err := req.File.part("file", nil)
	if err != nil {
		return nil, err
	}
	fields := []core.FormField{{Name: "purpose", Value: string(req.Purpose)}}
	if req.KnowledgeID != "" {
		fields = append(fields, core.FormField{Name: "knowledge_id", Value: req.KnowledgeID})
	}
	if req.SentenceSize > 0 {
		fields = append(fields, core.FormField{Name: "sentence_size", Value: strconv.Itoa(req.SentenceSize)})
	}
	for _, sep := range req.CustomSeparator {
		fields = append(fields, core.FormField{Name: "custom_separator[]", Value: sep})
	}
	r, err := multipartRequest(http.MethodPost, "/files", &core.Multipart{Fields: fields, Files: []core.FormFile{file}})
	if err != nil {
		return nil, err
	}
	return call[FileObject](ctx, s.client, r, opts)
}

func (r *FileURLUploadRequest) validate() error {
	switch {
	case r.Purpose == "":
		return invalidf("purpose is empty")
	case len(r.Details) == 0:
		return invalidf("upload_detail is empty")
	case r.SentenceSize < 0:
		return invalidf("sentence size is %d", r.SentenceSize)
	}
	for i, d := range r.Details {
		switch {
		case d.URL == "":
			return invalidf("upload_detail[%d]: url is empty", i)
		case d.KnowledgeType <= 0:
			return invalidf("upload_detail[%d]: knowledge_type is not set", i)
		case d.SentenceSize < 0:
			return invalidf("upload_detail[%d]: sentence size is %d", i, d.SentenceSize)
		}
	}
	return nil
}

// UploadURLs adds documents to a knowledge base from URLs: the server
// fetches each one. It is the JSON form of the upload endpoint; the answer
// lists the documents added (SuccessInfos) and refused (FailedInfos).
//
// The sources disagree on this route and no live check settled it: the
// Python SDK sends this JSON body to POST /files, while the BigModel OpenAPI
// document gives /files only a multipart form and documents the same
// upload_detail list on POST /llm-application/open/document/upload_url,
// which Knowledge.Documents.UploadURLs calls. This method keeps POST /files;
// WithExtraBody adds or replaces members of its body.
//
// POST /files (JSON: purpose, knowledge_id, sentence_size, upload_detail)
func (s *FileService) UploadURLs(ctx context.Context, req FileURLUploadRequest, opts ...Option) (*FileObject, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	return call[FileObject](ctx, s.client, &core.Request{Method: http.MethodPost, Path: "/files", Body: &req}, opts)
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
