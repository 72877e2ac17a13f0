package zai

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"path/filepath"
	"strconv"

	"github.com/zai-go/zai/internal/core"
)

// KnowledgeDocumentService manages the documents of BigModel knowledge
// bases (/llm-application/open/document): upload files or URLs, list, read,
// re-embed and delete them, and list the images parsed out of them. Reach it
// as client.Knowledge.Documents; KnowledgeService says where these endpoints
// live and how they answer.
//
// BigModel API docs: https://docs.bigmodel.cn/api-reference/知识库-api/获取知识库的文档列表
type KnowledgeDocumentService struct {
	client *Client
}

// KnowledgeType is how a document is cut into slices.
type KnowledgeType int

// Values of KnowledgeDocumentUploadRequest.KnowledgeType and
// KnowledgeURL.KnowledgeType.
const (
	// KnowledgeTypeTitleParagraph cuts at titles and paragraphs (txt, doc,
	// pdf, url, docx, ppt, pptx, md).
	KnowledgeTypeTitleParagraph KnowledgeType = 1
	// KnowledgeTypeQA cuts into question-and-answer pairs (same formats).
	KnowledgeTypeQA KnowledgeType = 2
	// KnowledgeTypeRows cuts a table into rows (xls, xlsx, csv).
	KnowledgeTypeRows KnowledgeType = 3
	// KnowledgeTypeCustom cuts at CustomSeparator into slices of about
	// SentenceSize (txt, doc, pdf, url, docx, ppt, pptx, md).
	KnowledgeTypeCustom KnowledgeType = 5
	// KnowledgeTypePage cuts at pages (pdf, ppt, pptx).
	KnowledgeTypePage KnowledgeType = 6
	// KnowledgeTypeSingle keeps a table as one slice (xls, xlsx, csv).
	KnowledgeTypeSingle KnowledgeType = 7
)

// KnowledgeDocumentUploadRequest is the multipart form of POST
// /llm-application/open/document/upload_document/{id}: files added to a
// knowledge base. The body is a form, so WithExtraBody does not apply.
type KnowledgeDocumentUploadRequest struct {
	// KnowledgeID is the knowledge base (required; it goes in the path).
	KnowledgeID string
	// Files are the documents, each sent as a "files" part (at least one).
	// The server reads the format from each name's extension (a Path's
	// base, or Name), so a name without one is refused before sending.
	Files []FileInput
	// KnowledgeType is how to slice them; 0 lets the server choose by
	// format.
	KnowledgeType KnowledgeType
	// CustomSeparator and SentenceSize (20-2000, the server's default 300)
	// apply to KnowledgeTypeCustom. The separators go as repeated
	// custom_separator fields, the OpenAPI default for an array in a form
	// (the legacy SDK's encoder writes custom_separator[] on its older
	// route; no live check compared them).
	CustomSeparator []string
	SentenceSize    int
	// ParseImage asks the server to parse the images in the documents
	// (ListImages lists them).
	ParseImage bool
	// CallbackURL is called, with CallbackHeader (sent as a JSON object in
	// the callback_header field), when the documents are embedded.
	CallbackURL    string
	CallbackHeader map[string]string
	// WordNumLimit caps the words of a document; 0 sends none.
	WordNumLimit int
	// ReqID is your unique id for the request.
	ReqID string
}

// KnowledgeUploadResponse reports each file or URL of an upload.
type KnowledgeUploadResponse struct {
	SuccessInfos []KnowledgeUploadSuccess `json:"successInfos"`
	FailedInfos  []KnowledgeUploadFailure `json:"failedInfos"`

	rawBody
}

// KnowledgeUploadSuccess is a document an upload added.
type KnowledgeUploadSuccess struct {
	// DocumentID is the new document's id.
	DocumentID string `json:"documentId"`
	// FileName is set for a file upload, URL for an upload by URL.
	FileName string `json:"fileName,omitempty"`
	URL      string `json:"url,omitempty"`
}

// KnowledgeUploadFailure is a document an upload refused.
type KnowledgeUploadFailure struct {
	// FileName is set for a file upload, URL for an upload by URL.
	FileName string `json:"fileName,omitempty"`
	URL      string `json:"url,omitempty"`
	// FailReason says why, such as an unsupported type.
	FailReason string `json:"failReason"`
}

// KnowledgeURLUploadRequest is the body of POST
// /llm-application/open/document/upload_url: documents or web pages the
// server fetches into a knowledge base.
type KnowledgeURLUploadRequest struct {
	// KnowledgeID is the knowledge base (required).
	KnowledgeID string `json:"knowledge_id"`
	// Details are the documents, one per URL (at least one).
	Details []KnowledgeURL `json:"upload_detail"`
}

// KnowledgeURL is one document of a KnowledgeURLUploadRequest.
type KnowledgeURL struct {
	// URL is where the server fetches the document (required).
	URL string `json:"url"`
	// KnowledgeType is how to slice it (required).
	KnowledgeType KnowledgeType `json:"knowledge_type"`
	// CustomSeparator and SentenceSize apply to KnowledgeTypeCustom.
	CustomSeparator []string `json:"custom_separator,omitempty"`
	SentenceSize    int      `json:"sentence_size,omitempty"`
	// CallbackURL is called, with CallbackHeader, when it is embedded.
	CallbackURL    string            `json:"callback_url,omitempty"`
	CallbackHeader map[string]string `json:"callback_header,omitempty"`
}

// KnowledgeDocumentListRequest is the query of GET
// /llm-application/open/document. Zero values are not sent.
type KnowledgeDocumentListRequest struct {
	// KnowledgeID is the knowledge base (required).
	KnowledgeID string `url:"knowledge_id"`
	// Page is the page to read, from 1 (the server's default).
	Page int `url:"page,omitempty"`
	// Size is the page size (the server's default is 10).
	Size int `url:"size,omitempty"`
	// Word keeps the documents whose name contains it.
	Word string `url:"word,omitempty"`
}

// KnowledgeDocumentList is a page of documents.
type KnowledgeDocumentList struct {
	// Data is the page ("list" on the wire).
	Data []KnowledgeDocument `json:"list"`
	// Total counts the documents of every page.
	Total int `json:"total"`

	rawBody
}

// KnowledgeDocument is a document of a knowledge base.
type KnowledgeDocument struct {
	ID              string        `json:"id"`
	Name            string        `json:"name"`
	URL             string        `json:"url,omitempty"`
	KnowledgeType   KnowledgeType `json:"knowledge_type"`
	CustomSeparator []string      `json:"custom_separator,omitempty"`
	SentenceSize    int           `json:"sentence_size,omitempty"`
	// Length is the document's length; WordNum its word count.
	Length  int64 `json:"length"`
	WordNum int64 `json:"word_num"`
	// EmbeddingStat is the state of its embedding; FailInfo says why it
	// failed, when it did.
	EmbeddingStat KnowledgeEmbedStatus   `json:"embedding_stat"`
	FailInfo      *KnowledgeEmbedFailure `json:"failInfo,omitempty"`

	rawBody
}

// KnowledgeEmbedStatus is the state of a document's embedding, numbered as
// the legacy zhipuai SDK documents it (types/knowledge/document/document.py).
type KnowledgeEmbedStatus int

// Values of KnowledgeDocument.EmbeddingStat.
const (
	KnowledgeEmbedStatusProcessing KnowledgeEmbedStatus = 0
	KnowledgeEmbedStatusSuccess    KnowledgeEmbedStatus = 1
	KnowledgeEmbedStatusFailed     KnowledgeEmbedStatus = 2
)

// KnowledgeEmbedFailure says why a document's embedding failed: code 10001
// when the knowledge base is full, 10002 when it holds too many words.
type KnowledgeEmbedFailure struct {
	Code    int    `json:"embedding_code"`
	Message string `json:"embedding_msg"`
}

// KnowledgeDocumentEmbedRequest is the body of POST
// /llm-application/open/document/embedding/{id}; both members are optional.
type KnowledgeDocumentEmbedRequest struct {
	// CallbackURL is called, with CallbackHeader, when the document is
	// embedded again.
	CallbackURL    string            `json:"callback_url,omitempty"`
	CallbackHeader map[string]string `json:"callback_header,omitempty"`
}

// KnowledgeImageList is the images parsed out of a document.
type KnowledgeImageList struct {
	Images []KnowledgeImage `json:"images"`

	rawBody
}

// KnowledgeImage maps an image's mark in the document's text, such as
// "【示意图序号_1829473032620613632_103】", to its link.
type KnowledgeImage struct {
	Text   string `json:"text"`
	CosURL string `json:"cos_url"`
}

func (r *KnowledgeDocumentUploadRequest) form() (*core.Multipart, error) {
	if len(r.Files) == 0 {
		return nil, invalidf("no files to upload")
	}
	if r.KnowledgeType < 0 || r.SentenceSize < 0 || r.WordNumLimit < 0 {
		return nil, invalidf("knowledge_type %d, sentence_size %d, word_num_limit %d", r.KnowledgeType, r.SentenceSize, r.WordNumLimit)
	}
	m := &core.Multipart{}
	for i, f := range r.Files {
		part, err := f.part("files["+strconv.Itoa(i)+"]", nil)
		if err != nil {
			return nil, err
		}
		if filepath.Ext(part.FileName) == "" {
			return nil, invalidf("files[%d]: the name %q has no extension, from which the server reads the format", i, part.FileName)
		}
		part.Field = "files"
		m.Files = append(m.Files, part)
	}
	add := func(name, value string) { m.Fields = append(m.Fields, core.FormField{Name: name, Value: value}) }
	if r.KnowledgeType != 0 {
		add("knowledge_type", strconv.Itoa(int(r.KnowledgeType)))
	}
	for _, sep := range r.CustomSeparator {
		add("custom_separator", sep)
	}
	if r.SentenceSize != 0 {
		add("sentence_size", strconv.Itoa(r.SentenceSize))
	}
	if r.ParseImage {
		add("parse_image", "true")
	}
	if r.CallbackURL != "" {
		add("callback_url", r.CallbackURL)
	}
	if len(r.CallbackHeader) > 0 {
		b, err := json.Marshal(r.CallbackHeader)
		if err != nil {
			return nil, invalidf("callback_header: %v", err)
		}
		add("callback_header", string(b))
	}
	if r.WordNumLimit != 0 {
		add("word_num_limit", strconv.Itoa(r.WordNumLimit))
	}
	if r.ReqID != "" {
		add("req_id", r.ReqID)
	}
	return m, nil
}

func (r *KnowledgeURLUploadRequest) validate() error {
	if r.KnowledgeID == "" {
		return invalidf("knowledge_id is empty")
	}
	if len(r.Details) == 0 {
		return invalidf("upload_detail is empty")
	}
	for i, d := range r.Details {
		switch {
		case d.URL == "":
			return invalidf("upload_detail[%d]: url is empty", i)
		case d.KnowledgeType <= 0:
			return invalidf("upload_detail[%d]: knowledge_type is not set", i)
		case d.SentenceSize < 0:
			return invalidf("upload_detail[%d]: sentence_size is %d", i, d.SentenceSize)
		}
	}
	return nil
}

func (r *KnowledgeDocumentListRequest) validate() error {
	if r.KnowledgeID == "" {
		return invalidf("knowledge_id is empty")
	}
	if r.Page < 0 || r.Size < 0 {
		return invalidf("page %d, size %d", r.Page, r.Size)
	}
	return nil
}

// Upload adds files to a knowledge base. The answer lists the documents
// added and the files refused; the documents are embedded afterwards (Get
// reports their state, CallbackURL is called when done).
//
// POST /api/llm-application/open/document/upload_document/{knowledge_id} (multipart/form-data)
func (s *KnowledgeDocumentService) Upload(ctx context.Context, req KnowledgeDocumentUploadRequest, opts ...Option) (*KnowledgeUploadResponse, error) {
	seg, err := pathSegment("knowledge id", req.KnowledgeID)
	if err != nil {
		return nil, err
	}
	form, err := req.form()
	if err != nil {
		return nil, err
	}
	r, err := multipartRequest(http.MethodPost, "/llm-application/open/document/upload_document/"+seg, form)
	if err != nil {
		return nil, err
	}
	r.Root, r.Check = true, checkApp
	return callData[KnowledgeUploadResponse](ctx, s.client, r, opts)
}

// UploadURLs adds documents to a knowledge base from URLs, which the server
// fetches. The answer lists the documents added and the URLs refused.
//
// POST /api/llm-application/open/document/upload_url
func (s *KnowledgeDocumentService) UploadURLs(ctx context.Context, req KnowledgeURLUploadRequest, opts ...Option) (*KnowledgeUploadResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	r := appRequest(http.MethodPost, "/llm-application/open/document/upload_url")
	r.Body = &req
	return callData[KnowledgeUploadResponse](ctx, s.client, r, opts)
}

// List returns a page of a knowledge base's documents and their total.
//
// GET /api/llm-application/open/document?knowledge_id=&page=&size=&word=
func (s *KnowledgeDocumentService) List(ctx context.Context, req KnowledgeDocumentListRequest, opts ...Option) (*KnowledgeDocumentList, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	r := appRequest(http.MethodGet, "/llm-application/open/document")
	r.Query = req
	return callData[KnowledgeDocumentList](ctx, s.client, r, opts)
}

// All iterates over every document of a knowledge base from page req.Page
// on, fetching pages as the loop needs them, as KnowledgeService.All does.
//
// GET /api/llm-application/open/document?knowledge_id=&page=&size=&word=, once per page
func (s *KnowledgeDocumentService) All(ctx context.Context, req KnowledgeDocumentListRequest, opts ...Option) iter.Seq2[KnowledgeDocument, error] {
	return pages(ctx, req.Page, req.Size, func(ctx context.Context, page int) ([]KnowledgeDocument, int, error) {
		req.Page = page
		l, err := s.List(ctx, req, opts...)
		if err != nil {
			return nil, 0, err
		}
		return l.Data, l.Total, nil
	})
}

// Get returns a document, with the state of its embedding.
//
// GET /api/llm-application/open/document/{id}
func (s *KnowledgeDocumentService) Get(ctx context.Context, id string, opts ...Option) (*KnowledgeDocument, error) {
	seg, err := pathSegment("document id", id)
	if err != nil {
		return nil, err
	}
	return callData[KnowledgeDocument](ctx, s.client, appRequest(http.MethodGet, "/llm-application/open/document/"+seg), opts)
}

// Delete deletes a document.
//
// DELETE /api/llm-application/open/document/{id}
func (s *KnowledgeDocumentService) Delete(ctx context.Context, id string, opts ...Option) error {
	seg, err := pathSegment("document id", id)
	if err != nil {
		return err
	}
	return callAppDone(ctx, s.client, appRequest(http.MethodDelete, "/llm-application/open/document/"+seg), opts)
}

// Embed embeds a document again, such as after its embedding failed or its
// URL changed. It returns once the server has accepted the work; the
// callback, or Get, tells when it is done.
//
// POST /api/llm-application/open/document/embedding/{id}
func (s *KnowledgeDocumentService) Embed(ctx context.Context, id string, req KnowledgeDocumentEmbedRequest, opts ...Option) error {
	seg, err := pathSegment("document id", id)
	if err != nil {
		return err
	}
	r := appRequest(http.MethodPost, "/llm-application/open/document/embedding/"+seg)
	r.Body = &req
	return callAppDone(ctx, s.client, r, opts)
}

// ListImages returns the images parsed out of a document (uploaded with
// ParseImage), each with the mark that stands for it in the slices' text.
//
// POST /api/llm-application/open/document/slice/image_list/{id}
func (s *KnowledgeDocumentService) ListImages(ctx context.Context, id string, opts ...Option) (*KnowledgeImageList, error) {
	seg, err := pathSegment("document id", id)
	if err != nil {
		return nil, err
	}
	return callData[KnowledgeImageList](ctx, s.client, appRequest(http.MethodPost, "/llm-application/open/document/slice/image_list/"+seg), opts)
}
