package zai

import (
	"context"
	"encoding/json"
	"net/http"
)

// RecallMethod is how a retrieval recalls slices.
type RecallMethod string

// Values of KnowledgeRetrieveRequest.RecallMethod and
// RetrievalRequest.RecallMethod.
const (
	// RecallMethodEmbedding searches by vector similarity.
	RecallMethodEmbedding RecallMethod = "embedding"
	// RecallMethodKeyword searches by keywords.
	RecallMethodKeyword RecallMethod = "keyword"
	// RecallMethodMixed blends both (the server's default).
	RecallMethodMixed RecallMethod = "mixed"
)

// KnowledgeRetrieveRequest is the body of POST
// /llm-application/open/knowledge/retrieve. Optional numbers left at zero
// are not sent, so the server's default applies.
type KnowledgeRetrieveRequest struct {
	// Query is what to look for (required; up to 1000 characters).
	Query string `json:"query"`
	// KnowledgeIDs are the knowledge bases to search (at least one).
	KnowledgeIDs []string `json:"knowledge_ids"`
	// DocumentIDs narrows the search to these documents.
	DocumentIDs []string `json:"document_ids,omitempty"`
	// RequestID is your id for the request, to find it in the logs.
	RequestID string `json:"request_id,omitempty"`
	// TopK is the number of slices returned, 1-20 (the server's default 8).
	TopK int `json:"top_k,omitempty"`
	// TopN is the number of slices recalled before ranking, 1-100 (the
	// server's default 10).
	TopN int `json:"top_n,omitempty"`
	// RecallMethod is RecallMethodEmbedding, ...Keyword or ...Mixed (the
	// server's default).
	RecallMethod RecallMethod `json:"recall_method,omitempty"`
	// RecallRatio is the weight of the vector search in a mixed recall,
	// 0-100 (the server's default 80). Unlike RetrievalRequest.RecallRatio
	// it is a percentage.
	RecallRatio *int `json:"recall_ratio,omitempty"`
	// Rerank reranks the recalled slices (rerank_status 1), with
	// RerankModel: ModelRerank or ModelRerankPro.
	Rerank      IntBool `json:"rerank_status,omitempty"`
	RerankModel string  `json:"rerank_model,omitempty"`
	// FractionalThreshold drops slices whose similarity is below it (0-1).
	FractionalThreshold *float64 `json:"fractional_threshold,omitempty"`
}

// KnowledgeRetrieveResponse is the slices a retrieval found, best first.
type KnowledgeRetrieveResponse struct {
	Slices []KnowledgeSlice

	rawBody
}

// UnmarshalJSON reads the envelope's data, which is the array of slices.
func (r *KnowledgeRetrieveResponse) UnmarshalJSON(b []byte) error {
	*r = KnowledgeRetrieveResponse{}
	return json.Unmarshal(b, &r.Slices)
}

// KnowledgeSlice is one slice of a document that a retrieval found.
type KnowledgeSlice struct {
	// Text is the slice's text.
	Text string `json:"text"`
	// Score is its similarity to the query.
	Score    float64                `json:"score"`
	Metadata KnowledgeSliceMetadata `json:"metadata"`
}

// KnowledgeSliceMetadata locates a slice.
type KnowledgeSliceMetadata struct {
	// ID is the slice's id ("_id" on the wire).
	ID          string `json:"_id"`
	KnowledgeID string `json:"knowledge_id"`
	DocID       string `json:"doc_id"`
	DocName     string `json:"doc_name"`
	DocURL      string `json:"doc_url,omitempty"`
	// ContextualText is the slice's context, when the knowledge base has
	// contextual enrichment on.
	ContextualText string `json:"contextual_text,omitempty"`
}

func (r *KnowledgeRetrieveRequest) validate() error {
	switch {
	case r.Query == "":
		return invalidf("query is empty")
	case len(r.KnowledgeIDs) == 0:
		return invalidf("knowledge_ids is empty")
	case r.TopK < 0 || r.TopN < 0:
		return invalidf("top_k %d, top_n %d", r.TopK, r.TopN)
	}
	return nil
}

// Retrieve searches knowledge bases for the slices closest to a query: by
// vector, by keyword or both, optionally reranked.
//
// POST /api/llm-application/open/knowledge/retrieve
func (s *KnowledgeService) Retrieve(ctx context.Context, req KnowledgeRetrieveRequest, opts ...Option) (*KnowledgeRetrieveResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	r := appRequest(http.MethodPost, "/llm-application/open/knowledge/retrieve")
	r.Body = &req
	return callData[KnowledgeRetrieveResponse](ctx, s.client, r, opts)
}
