package zai

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	"github.com/zai-go/zai/internal/core"
)

// RerankService orders documents by their relevance to a query (model
// ModelRerank).
//
// BigModel API docs: https://docs.bigmodel.cn/api-reference/模型-api/文本重排序
type RerankService struct {
	client *Client
}

// RerankRequest is the body of POST /rerank.
type RerankRequest struct {
	// Model is ModelRerank.
	Model string `json:"model"`
	// Query to rank the documents against (required).
	Query string `json:"query"`
	// Documents to rank (required).
	Documents []string `json:"documents"`
	// TopN returns only the N most relevant documents (the server returns
	// all by default).
	TopN *int `json:"top_n,omitempty"`
	// ReturnDocuments puts each document's text in its result.
	ReturnDocuments bool `json:"return_documents,omitempty"`
	// ReturnRawScores returns the model's raw scores instead of normalised
	// ones.
	ReturnRawScores bool `json:"return_raw_scores,omitempty"`
	// RequestID is your unique id for the request (6-64 characters).
	RequestID string `json:"request_id,omitempty"`
	// UserID identifies your end user (6-128 characters).
	UserID string `json:"user_id,omitempty"`
}

// RerankResponse is the response of POST /rerank.
type RerankResponse struct {
	ID        string `json:"id"`
	Created   int64  `json:"created"`
	RequestID string `json:"request_id,omitempty"`
	// Results has an entry per ranked document; Index maps it back to
	// the request's Documents.
	Results []RerankResult `json:"results"`
	Usage   Usage          `json:"usage"`

	rawBody
}

// RerankResult is one ranked document.
type RerankResult struct {
	// Index is the document's position in the request's Documents.
	Index          int     `json:"index"`
	RelevanceScore float64 `json:"relevance_score"`
	// Document is the document's text, with ReturnDocuments.
	Document string `json:"document,omitempty"`
}

// UnmarshalJSON accepts the document as a string or as an object with a
// "text" field, the shape other rerank APIs use.
func (r *RerankResult) UnmarshalJSON(b []byte) error {
	var w struct {
		Index          int             `json:"index"`
		RelevanceScore float64         `json:"relevance_score"`
		Document       json.RawMessage `json:"document"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = RerankResult{Index: w.Index, RelevanceScore: w.RelevanceScore}
	d := bytes.TrimSpace(w.Document)
	switch {
	case len(d) == 0 || string(d) == "null":
	case d[0] == '{':
		var doc struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(d, &doc); err != nil {
			return err
		}
		r.Document = doc.Text
	default:
		return json.Unmarshal(d, &r.Document)
	}
	return nil
}

func (r *RerankRequest) validate() error {
	if r.Model == "" {
		return invalidf("model is empty")
	}
	if r.Query == "" {
		return invalidf("query is empty")
	}
	if len(r.Documents) == 0 {
		return invalidf("documents is empty")
	}
	return nil
}

// Create ranks the documents by relevance to the query.
//
// POST /rerank
func (s *RerankService) Create(ctx context.Context, req RerankRequest, opts ...Option) (*RerankResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	return call[RerankResponse](ctx, s.client, &core.Request{Method: http.MethodPost, Path: "/rerank", Body: &req}, opts)
}
