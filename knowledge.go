package zai

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"net/http"
	"strconv"
)

// KnowledgeService manages BigModel knowledge bases
// (/llm-application/open/knowledge): create, list, read, update and delete
// them, read the account's capacity, and search them with Retrieve.
// Documents holds the documents inside them.
//
// These endpoints are documented on BigModel only (BigModelBaseURL). Like
// the agents, they live under the host's /api root, not under /paas/v4: the
// client derives that root from the base URL (WithAgentsBaseURL overrides
// it), so on BigModel they reach https://open.bigmodel.cn/api/llm-application/...
// A client on the Z.ai host sends them to https://api.z.ai/api/..., which the
// Z.ai API reference does not list.
//
// The answers come in the envelope {"code":200,"message":"...","data":...,
// "timestamp":...}: the methods return its data, and any other code, even
// with HTTP 200, as an *APIError carrying that code.
//
// BigModel API docs: https://docs.bigmodel.cn/api-reference/知识库-api/创建个人知识库
type KnowledgeService struct {
	client *Client
	// Documents uploads, lists, reads, re-embeds and deletes the documents
	// of a knowledge base (/llm-application/open/document).
	Documents *KnowledgeDocumentService
}

// IntBool is a yes-or-no the knowledge API sends as the integer 0 or 1
// (contextual, rerank_status). It is written as 0 or 1 and reads 0, 1,
// true or false.
type IntBool bool

// MarshalJSON writes 1 for true and 0 for false.
func (b IntBool) MarshalJSON() ([]byte, error) {
	if b {
		return []byte("1"), nil
	}
	return []byte("0"), nil
}

// UnmarshalJSON reads 0 or 1 (or any number: non-zero is true), true, false
// or null.
func (b *IntBool) UnmarshalJSON(data []byte) error {
	switch s := string(bytes.TrimSpace(data)); s {
	case "true":
		*b = true
	case "false", "null":
		*b = false
	default:
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("zai: %s is not 0 or 1", data)
		}
		*b = n != 0
	}
	return nil
}

// KnowledgeEmbeddingID is the id of the embedding model a knowledge base is
// built with.
type KnowledgeEmbeddingID int

// Values of KnowledgeCreateRequest.EmbeddingID.
const (
	KnowledgeEmbeddingID2    KnowledgeEmbeddingID = 3  // Embedding-2
	KnowledgeEmbeddingID3    KnowledgeEmbeddingID = 11 // Embedding-3
	KnowledgeEmbeddingID3Pro KnowledgeEmbeddingID = 12 // Embedding-3-pro
)

// KnowledgeEmbeddingModel is the code of the embedding model a knowledge
// base is built with: another way to name KnowledgeEmbeddingID.
type KnowledgeEmbeddingModel string

// Values of KnowledgeCreateRequest.EmbeddingModel.
const (
	KnowledgeEmbeddingModel2    KnowledgeEmbeddingModel = "Embedding-2"
	KnowledgeEmbeddingModel3    KnowledgeEmbeddingModel = "Embedding-3"
	KnowledgeEmbeddingModel3Pro KnowledgeEmbeddingModel = "Embedding-3-pro"
)

// KnowledgeBackground is the colour of a knowledge base's card.
type KnowledgeBackground string

// Values of KnowledgeCreateRequest.Background (the server's default is
// blue).
const (
	KnowledgeBackgroundBlue   KnowledgeBackground = "blue"
	KnowledgeBackgroundRed    KnowledgeBackground = "red"
	KnowledgeBackgroundOrange KnowledgeBackground = "orange"
	KnowledgeBackgroundPurple KnowledgeBackground = "purple"
	KnowledgeBackgroundSky    KnowledgeBackground = "sky"
	KnowledgeBackgroundGreen  KnowledgeBackground = "green"
	KnowledgeBackgroundYellow KnowledgeBackground = "yellow"
)

// KnowledgeIcon is the icon of a knowledge base's card.
type KnowledgeIcon string

// Values of KnowledgeCreateRequest.Icon (the server's default is
// question).
const (
	KnowledgeIconQuestion KnowledgeIcon = "question"
	KnowledgeIconBook     KnowledgeIcon = "book"
	KnowledgeIconSeal     KnowledgeIcon = "seal"
	KnowledgeIconWrench   KnowledgeIcon = "wrench"
	KnowledgeIconTag      KnowledgeIcon = "tag"
	KnowledgeIconHorn     KnowledgeIcon = "horn"
	KnowledgeIconHouse    KnowledgeIcon = "house"
)

// KnowledgeCreateRequest is the body of POST /llm-application/open/knowledge.
type KnowledgeCreateRequest struct {
	// EmbeddingID is the embedding model the base is built with (required):
	// KnowledgeEmbeddingID3, ...
	EmbeddingID KnowledgeEmbeddingID `json:"embedding_id"`
	// EmbeddingModel names the same model by its code; optional.
	EmbeddingModel KnowledgeEmbeddingModel `json:"embedding_model,omitempty"`
	// Name is the base's name (required).
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Background and Icon style the base's card in the console.
	Background KnowledgeBackground `json:"background,omitempty"`
	Icon       KnowledgeIcon       `json:"icon,omitempty"`
	// Contextual turns on contextual enrichment of the slices.
	Contextual IntBool `json:"contextual,omitempty"`
}

// KnowledgeUpdateRequest is the body of PUT
// /llm-application/open/knowledge/{id}: only the members set are sent and
// changed.
type KnowledgeUpdateRequest struct {
	// EmbeddingID or EmbeddingModel changes the embedding model, which
	// rebuilds the base (CallbackURL is told when it is done).
	EmbeddingID    KnowledgeEmbeddingID    `json:"embedding_id,omitempty"`
	EmbeddingModel KnowledgeEmbeddingModel `json:"embedding_model,omitempty"`
	Name           string                  `json:"name,omitempty"`
	Description    string                  `json:"description,omitempty"`
	Background     KnowledgeBackground     `json:"background,omitempty"`
	Icon           KnowledgeIcon           `json:"icon,omitempty"`
	// Contextual, when set, turns contextual enrichment on or off:
	// zai.Ptr[zai.IntBool](false).
	Contextual *IntBool `json:"contextual,omitempty"`
	// CallbackURL is called, with CallbackHeader, when a rebuild ends.
	CallbackURL    string            `json:"callback_url,omitempty"`
	CallbackHeader map[string]string `json:"callback_header,omitempty"`
}

// KnowledgeBase is a knowledge base.
type KnowledgeBase struct {
	ID          string               `json:"id"`
	EmbeddingID KnowledgeEmbeddingID `json:"embedding_id"`
	Name        string               `json:"name"`
	Description string               `json:"description,omitempty"`
	Contextual  IntBool              `json:"contextual,omitempty"`
	Background  KnowledgeBackground  `json:"background,omitempty"`
	Icon        KnowledgeIcon        `json:"icon,omitempty"`
	// DocumentSize is the number of documents.
	DocumentSize int `json:"document_size"`
	// Length is the total length after tokenisation; WordNum the total
	// word count.
	Length  int64 `json:"length"`
	WordNum int64 `json:"word_num"`

	rawBody
}

// KnowledgeCreateResponse is the answer of Create.
type KnowledgeCreateResponse struct {
	// ID is the new knowledge base's id.
	ID string `json:"id"`

	rawBody
}

// KnowledgeListRequest is the query of GET /llm-application/open/knowledge.
// Zero values are not sent.
type KnowledgeListRequest struct {
	// Page is the page to read, from 1 (the server's default).
	Page int `url:"page,omitempty"`
	// Size is the page size (the server's default is 10).
	Size int `url:"size,omitempty"`
}

// KnowledgeBaseList is a page of knowledge bases.
type KnowledgeBaseList struct {
	// Data is the page ("list" on the wire).
	Data []KnowledgeBase `json:"list"`
	// Total counts the bases of every page.
	Total int `json:"total"`

	rawBody
}

// KnowledgeCapacityResponse is the knowledge storage of the account: what
// is used, and the allowance.
type KnowledgeCapacityResponse struct {
	Used  KnowledgeUsage `json:"used"`
	Total KnowledgeUsage `json:"total"`

	rawBody
}

// KnowledgeUsage is an amount of knowledge storage.
type KnowledgeUsage struct {
	// WordNum counts words; Length counts bytes.
	WordNum int64 `json:"word_num"`
	Length  int64 `json:"length"`
}

func (r *KnowledgeCreateRequest) validate() error {
	switch {
	case r.EmbeddingID == 0:
		return invalidf("embedding_id is not set")
	case r.Name == "":
		return invalidf("name is empty")
	}
	return nil
}

func (r *KnowledgeListRequest) validate() error {
	if r.Page < 0 || r.Size < 0 {
		return invalidf("page %d, size %d", r.Page, r.Size)
	}
	return nil
}

// Create creates a knowledge base and returns its id.
//
// POST /api/llm-application/open/knowledge
func (s *KnowledgeService) Create(ctx context.Context, req KnowledgeCreateRequest, opts ...Option) (*KnowledgeCreateResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	r := appRequest(http.MethodPost, "/llm-application/open/knowledge")
	r.Body = &req
	return callData[KnowledgeCreateResponse](ctx, s.client, r, opts)
}

// List returns a page of the account's knowledge bases and their total.
//
// GET /api/llm-application/open/knowledge?page=&size=
func (s *KnowledgeService) List(ctx context.Context, req KnowledgeListRequest, opts ...Option) (*KnowledgeBaseList, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	r := appRequest(http.MethodGet, "/llm-application/open/knowledge")
	r.Query = req
	return callData[KnowledgeBaseList](ctx, s.client, r, opts)
}

// All iterates over every knowledge base from page req.Page on (the first
// when 0), fetching pages of req.Size as the loop needs them. It stops
// after the page that reaches Total, or at a short or empty page. A failed
// fetch is yielded once as (zero, err) and ends the loop.
//
// GET /api/llm-application/open/knowledge?page=&size=, once per page
func (s *KnowledgeService) All(ctx context.Context, req KnowledgeListRequest, opts ...Option) iter.Seq2[KnowledgeBase, error] {
	return pages(ctx, req.Page, req.Size, func(ctx context.Context, page int) ([]KnowledgeBase, int, error) {
		req.Page = page
		l, err := s.List(ctx, req, opts...)
		if err != nil {
			return nil, 0, err
		}
		return l.Data, l.Total, nil
	})
}

// Get returns a knowledge base.
//
// GET /api/llm-application/open/knowledge/{id}
func (s *KnowledgeService) Get(ctx context.Context, id string, opts ...Option) (*KnowledgeBase, error) {
	seg, err := pathSegment("knowledge id", id)
	if err != nil {
		return nil, err
	}
	return callData[KnowledgeBase](ctx, s.client, appRequest(http.MethodGet, "/llm-application/open/knowledge/"+seg), opts)
}

// Update changes the members of a knowledge base that req sets.
//
// PUT /api/llm-application/open/knowledge/{id}
func (s *KnowledgeService) Update(ctx context.Context, id string, req KnowledgeUpdateRequest, opts ...Option) error {
	seg, err := pathSegment("knowledge id", id)
	if err != nil {
		return err
	}
	r := appRequest(http.MethodPut, "/llm-application/open/knowledge/"+seg)
	r.Body = &req
	return callAppDone(ctx, s.client, r, opts)
}

// Delete deletes a knowledge base and its documents.
//
// DELETE /api/llm-application/open/knowledge/{id}
func (s *KnowledgeService) Delete(ctx context.Context, id string, opts ...Option) error {
	seg, err := pathSegment("knowledge id", id)
	if err != nil {
		return err
	}
	return callAppDone(ctx, s.client, appRequest(http.MethodDelete, "/llm-application/open/knowledge/"+seg), opts)
}

// GetCapacity returns the knowledge storage the account uses and has.
//
// GET /api/llm-application/open/knowledge/capacity
func (s *KnowledgeService) GetCapacity(ctx context.Context, opts ...Option) (*KnowledgeCapacityResponse, error) {
	return callData[KnowledgeCapacityResponse](ctx, s.client, appRequest(http.MethodGet, "/llm-application/open/knowledge/capacity"), opts)
}

// pageFetchN fetches page number page (from 1) and returns its items and
// the total count the server reports (0 when it reports none).
type pageFetchN[T any] func(ctx context.Context, page int) (items []T, total int, err error)

// pages iterates over a list paged by number, as the knowledge API pages:
// from page first (1 when 0), size items a page (the server's default of 10
// when 0). It stops once the items seen reach the total, or at a short or
// empty page; a failed fetch is yielded once as (zero, err). The page
// numbers go through paginate, so the loop shares its rules.
func pages[T any](ctx context.Context, first, size int, fetch pageFetchN[T]) iter.Seq2[T, error] {
	if first <= 0 {
		first = 1
	}
	if size <= 0 {
		size = 10
	}
	return func(yield func(T, error) bool) {
		seen := (first - 1) * size
		cursor := func(page int) string {
			if page == first {
				return ""
			}
			return strconv.Itoa(page)
		}
		paginate(ctx, "", func(ctx context.Context, after string) ([]T, string, bool, error) {
			page := first
			if after != "" {
				page, _ = strconv.Atoi(after)
			}
			items, total, err := fetch(ctx, page)
			if err != nil {
				return nil, "", false, err
			}
			seen += len(items)
			more := len(items) >= size
			if total > 0 {
				more = seen < total
			}
			return items, cursor(page + 1), more, nil
		})(yield)
	}
}
