package zai

import (
	"context"
	"net/http"
)

// RetrievalService searches BigModel's omni-modal knowledge bases
// (/zrag/retrieval/retrieve): text, image and video slices, found from a
// text query, an image, or both, with optional query rewriting, reranking
// and Q&A intervention. It lives under the host's /api root and answers
// in the knowledge envelope, as KnowledgeService describes.
//
// BigModel API docs: https://docs.bigmodel.cn/api-reference/知识库-api/全模态知识库检索
type RetrievalService struct {
	client *Client
}

// RetrievalRequest is the body of POST /zrag/retrieval/retrieve. Optional
// numbers left nil or zero are not sent, so the server's default applies.
type RetrievalRequest struct {
	// Knows are the knowledge bases to search, each optionally narrowed to
	// some documents (at least one).
	Knows []RetrievalKnowledge `json:"knows"`
	// Query is the text to look for; MultimodalParts the images. At least
	// one of them is required.
	Query           string          `json:"query,omitempty"`
	MultimodalParts []RetrievalPart `json:"multimodal_parts,omitempty"`
	// Multimodal searches along the multimodal path; absent means true,
	// the server's default, so zai.Ptr(false) turns it off.
	Multimodal *bool `json:"multimodal,omitempty"`
	// Messages is the conversation so far (text only, RoleUser and
	// RoleAssistant), which EnableRewrite uses to rewrite the query.
	Messages []Message `json:"messages,omitempty"`
	// TopK is the number of slices returned (the server's default 8); TopN
	// the number recalled before ranking (10).
	TopK int `json:"top_k,omitempty"`
	TopN int `json:"top_n,omitempty"`
	// RecallMethod is RecallMethodEmbedding, ...Keyword or ...Mixed (the
	// server's default).
	RecallMethod RecallMethod `json:"recall_method,omitempty"`
	// RecallRatio is the weight of the vector search in a mixed recall,
	// 0-1 (the server's default 0.8). Unlike
	// KnowledgeRetrieveRequest.RecallRatio it is a fraction.
	RecallRatio *float64 `json:"recall_ratio,omitempty"`
	// SimilarityThreshold drops slices less similar than it (the server's
	// default 0.2).
	SimilarityThreshold *float64 `json:"similarity_threshold,omitempty"`
	// EnableRerank reranks the slices; EnableRewrite rewrites the query
	// from Messages; EnableExpansion widens the recall. All default off.
	EnableRerank    bool `json:"enable_rerank,omitempty"`
	EnableRewrite   bool `json:"enable_rewrite,omitempty"`
	EnableExpansion bool `json:"enable_expansion,omitempty"`
	// SearchFilters filters by tags and indexes and sets Q&A intervention.
	SearchFilters *RetrievalFilters `json:"search_filters,omitempty"`
}

// RetrievalKnowledge is a knowledge base to search.
type RetrievalKnowledge struct {
	// ID is the knowledge base's id (required).
	ID string `json:"id"`
	// DocIDs narrows the search to these documents.
	DocIDs []string `json:"doc_ids,omitempty"`
}

// RetrievalPartType is the kind of a multimodal query part.
type RetrievalPartType string

// Values of RetrievalPart.Type.
const (
	RetrievalPartTypeImageURL RetrievalPartType = "image_url"
)

// RetrievalPart is an image to search with.
type RetrievalPart struct {
	// Type is RetrievalPartTypeImageURL, the only kind the API takes.
	Type RetrievalPartType `json:"type"`
	URL  string            `json:"url"`
}

// RetrievalImage returns a multimodal query part for the image at url.
func RetrievalImage(url string) RetrievalPart {
	return RetrievalPart{Type: RetrievalPartTypeImageURL, URL: url}
}

// RetrievalFilters narrows a retrieval.
type RetrievalFilters struct {
	// Tags keeps the slices whose tags pass every filter.
	Tags []RetrievalTagFilter `json:"tags,omitempty"`
	// IndexTypes picks an index of each knowledge base.
	IndexTypes []RetrievalIndexType `json:"index_types,omitempty"`
	// QAIntervention answers from Q&A knowledge bases first.
	QAIntervention *RetrievalQAIntervention `json:"qa_intervention,omitempty"`
}

// RetrievalTagValueType says whether a tag filter's value is fixed or
// refers to a variable.
type RetrievalTagValueType string

// Values of RetrievalTagFilter.ValueType.
const (
	RetrievalTagValueTypeFixed RetrievalTagValueType = "fixed"
	RetrievalTagValueTypeRef   RetrievalTagValueType = "ref"
)

// RetrievalFilterType is how a tag filter compares.
type RetrievalFilterType int

// Values of RetrievalTagFilter.FilterType.
const (
	RetrievalFilterTypeAtLeast     RetrievalFilterType = 1 // >=
	RetrievalFilterTypeAtMost      RetrievalFilterType = 2 // <=
	RetrievalFilterTypeContains    RetrievalFilterType = 3
	RetrievalFilterTypeNotContains RetrievalFilterType = 4
)

// RetrievalTagFilter filters slices by one tag. Every member is required by
// the API, so every one is sent.
type RetrievalTagFilter struct {
	TagID      string                `json:"tag_id"`
	ValueType  RetrievalTagValueType `json:"value_type"`
	FilterType RetrievalFilterType   `json:"filter_type"`
	// FilterValue is a date, a text or a reference; MultipleValue the
	// options of a choice tag.
	FilterValue   string   `json:"filter_value"`
	MultipleValue []string `json:"multiple_value"`
}

// RetrievalIndexType picks the index a knowledge base is searched through.
type RetrievalIndexType struct {
	KnowID      string `json:"know_id"`
	IndexTypeID int    `json:"index_type_id"`
}

// RetrievalQAIntervention answers from Q&A knowledge bases when a question
// there is similar enough.
type RetrievalQAIntervention struct {
	// IDs are the Q&A knowledge bases.
	IDs []string `json:"qa_intervention_ids"`
	// SimilarityThreshold is how similar a question must be (the server's
	// default 0.6); it is always sent.
	SimilarityThreshold float64 `json:"qa_similarity_threshold"`
}

// RetrievalResponse is what an omni-modal retrieval found.
type RetrievalResponse struct {
	// Contents are the slices found, best first.
	Contents []RetrievalContent `json:"contents"`
	// RewrittenQuery is the query after rewriting (EnableRewrite).
	RewrittenQuery *RetrievalRewrittenQuery `json:"rewritten_query,omitempty"`
	// ElapsedMS is how long the retrieval took, in milliseconds.
	ElapsedMS int64 `json:"elapsed_ms"`
	// TotalTokens counts the tokens the retrieval used.
	TotalTokens int    `json:"total_tokens"`
	RequestID   string `json:"request_id,omitempty"`

	rawBody
}

// RetrievalContent is one slice an omni-modal retrieval found: text (with
// its images), an image or a video clip.
type RetrievalContent struct {
	// ID is the slice's id (a UUID).
	ID string `json:"id"`
	// KnowID and DocID are its knowledge base and document.
	KnowID string `json:"know_id"`
	DocID  string `json:"doc_id"`
	// Text is the slice's text; Medias the images in it.
	Text   string           `json:"text,omitempty"`
	Medias []KnowledgeMedia `json:"medias,omitempty"`
	// ImageURL is the image of an image slice; VideoURL the video of a
	// video slice.
	ImageURL *URLRef `json:"image_url,omitempty"`
	VideoURL *URLRef `json:"video_url,omitempty"`
	// Index and Score are its recall rank and score; RerankIndex and
	// RerankScore its rank and score after reranking.
	Index       int     `json:"index"`
	Score       float64 `json:"score"`
	RerankIndex int     `json:"rerank_index,omitempty"`
	RerankScore float64 `json:"rerank_score,omitempty"`
	// Metadata locates the slice in its document: type, name, page, the
	// clip and key frames of a video.
	Metadata *KnowledgeMetadata `json:"metadata,omitempty"`
}

// RetrievalRewrittenQuery is the query of a retrieval after rewriting.
type RetrievalRewrittenQuery struct {
	OriginalQuery string   `json:"original_query"`
	MultiQueries  []string `json:"multi_queries,omitempty"`
}

func (r *RetrievalRequest) validate() error {
	if len(r.Knows) == 0 {
		return invalidf("knows is empty")
	}
	for i, k := range r.Knows {
		if k.ID == "" {
			return invalidf("knows[%d]: id is empty", i)
		}
	}
	if r.Query == "" && len(r.MultimodalParts) == 0 {
		return invalidf("no query: set Query or MultimodalParts")
	}
	for i, p := range r.MultimodalParts {
		if p.URL == "" {
			return invalidf("multimodal_parts[%d]: url is empty", i)
		}
	}
	if r.TopK < 0 || r.TopN < 0 {
		return invalidf("top_k %d, top_n %d", r.TopK, r.TopN)
	}
	return nil
}

// Retrieve searches omni-modal knowledge bases with a text query, images,
// or both, and returns the slices found: text, images and video clips.
//
// POST /api/zrag/retrieval/retrieve
func (s *RetrievalService) Retrieve(ctx context.Context, req RetrievalRequest, opts ...Option) (*RetrievalResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	r := appRequest(http.MethodPost, "/zrag/retrieval/retrieve")
	r.Body = &req
	return callData[RetrievalResponse](ctx, s.client, r, opts)
}
