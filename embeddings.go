package zai

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/zai-go/zai/internal/core"
)

// EmbeddingService turns text into vectors (models embedding-3 and
// embedding-2).
//
// BigModel API docs: https://docs.bigmodel.cn/api-reference/模型-api/文本嵌入
type EmbeddingService struct {
	client *Client
}

// MaxEmbeddingBatch is the documented maximum number of texts in one
// embeddings request (embedding-3). CreateBatched splits longer inputs into
// requests of this size.
const MaxEmbeddingBatch = 64

// EmbeddingRequest is the body of POST /embeddings.
type EmbeddingRequest struct {
	// Model is ModelEmbedding3 or ModelEmbedding2.
	Model string `json:"model"`
	// Input is one text (EmbeddingText) or many (EmbeddingTexts). The API
	// takes up to 64 texts per request, each up to 3072 tokens on
	// embedding-3 (512 on embedding-2).
	Input EmbeddingInput `json:"input"`
	// Dimensions of the vectors: 256, 512, 1024 or 2048 on embedding-3
	// (the server's default is 2048); embedding-2 has 1024 only.
	Dimensions *int `json:"dimensions,omitempty"`
	// RequestID is your unique id for the request (6-64 characters).
	RequestID string `json:"request_id,omitempty"`
}

// EmbeddingInput is the text to embed: one text, sent as a JSON string, or a
// list, sent as a JSON array. Both forms decode, so a recorded request body
// is sent again unchanged.
type EmbeddingInput struct {
	// Text is one text, sent as "input": "text". Set Text or Texts.
	Text string
	// Texts are many texts, sent as "input": ["a", "b"]; the vectors come
	// back in the same order by index.
	Texts []string
}

// EmbeddingText returns the input for one text, sent as "input": "text".
func EmbeddingText(text string) EmbeddingInput { return EmbeddingInput{Text: text} }

// EmbeddingTexts returns the input for a list of texts, sent as
// "input": ["a", "b"]; the vectors come back in the same order by index.
func EmbeddingTexts(texts ...string) EmbeddingInput { return EmbeddingInput{Texts: texts} }

// texts returns every text of the input, in order.
func (in EmbeddingInput) texts() []string {
	if in.Texts == nil && in.Text != "" {
		return []string{in.Text}
	}
	return in.Texts
}

// MarshalJSON sends Text as a string, or Texts as an array.
func (in EmbeddingInput) MarshalJSON() ([]byte, error) {
	if in.Texts == nil {
		if in.Text != "" {
			return json.Marshal(in.Text)
		}
		return []byte("[]"), nil
	}
	return json.Marshal(in.Texts)
}

// UnmarshalJSON accepts a string (into Text) or an array of strings (into
// Texts), so a decoded input is sent again in the same form.
func (in *EmbeddingInput) UnmarshalJSON(b []byte) error {
	texts, one, err := stringOrStrings(b)
	if err != nil {
		return err
	}
	if one {
		*in = EmbeddingInput{Text: texts[0]}
	} else {
		*in = EmbeddingInput{Texts: texts}
	}
	return nil
}

// EmbeddingResponse is the response of an embeddings request.
type EmbeddingResponse struct {
	Model  string `json:"model"`
	Object string `json:"object,omitempty"`
	// Data holds one vector per input text; Index is the text's position in
	// the input.
	Data  []Embedding `json:"data"`
	Usage Usage       `json:"usage"`

	rawBody
}

// Embedding is the vector of one input text.
type Embedding struct {
	// Index is the position of the text in the request's input.
	Index     int       `json:"index"`
	Object    string    `json:"object,omitempty"`
	Embedding []float64 `json:"embedding"`
}

func (r *EmbeddingRequest) validate() error {
	if r.Model == "" {
		return invalidf("model is empty")
	}
	switch {
	case r.Input.Text != "" && r.Input.Texts != nil:
		return invalidf("input: set Text or Texts, not both")
	case len(r.Input.texts()) == 0:
		return invalidf("input is empty")
	}
	return nil
}

// Create embeds the input in one request. For more texts than one request
// takes, use CreateBatched.
//
// POST /embeddings
func (s *EmbeddingService) Create(ctx context.Context, req EmbeddingRequest, opts ...Option) (*EmbeddingResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	return call[EmbeddingResponse](ctx, s.client, &core.Request{Method: http.MethodPost, Path: "/embeddings", Body: &req}, opts)
}

// CreateBatched embeds any number of texts: it sends them in consecutive
// requests of at most MaxEmbeddingBatch texts, one after another, and returns
// one response whose Data holds a vector per text in input order (Index is the
// position in req.Input), with Usage summed over the requests. It stops at
// the first failed request.
//
// A RequestID must be unique per request, so it is refused when more than one
// request is needed.
//
// POST /embeddings, once per batch
func (s *EmbeddingService) CreateBatched(ctx context.Context, req EmbeddingRequest, opts ...Option) (*EmbeddingResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	texts := req.Input.texts()
	if len(texts) <= MaxEmbeddingBatch {
		resp, err := s.Create(ctx, req, opts...)
		if err != nil {
			return nil, err
		}
		if err := orderEmbeddings(resp, len(texts), 0); err != nil {
			return nil, err
		}
		return resp, nil
	}
	if req.RequestID != "" {
		return nil, invalidf("request_id %q would be sent on %d requests; leave it empty for CreateBatched", req.RequestID, (len(texts)+MaxEmbeddingBatch-1)/MaxEmbeddingBatch)
	}
	all := &EmbeddingResponse{Data: make([]Embedding, 0, len(texts))}
	for start := 0; start < len(texts); start += MaxEmbeddingBatch {
		end := min(start+MaxEmbeddingBatch, len(texts))
		part := req
		part.Input = EmbeddingTexts(texts[start:end]...)
		resp, err := s.Create(ctx, part, opts...)
		if err != nil {
			return nil, fmt.Errorf("embeddings %d-%d of %d: %w", start, end-1, len(texts), err)
		}
		if err := orderEmbeddings(resp, end-start, start); err != nil {
			return nil, err
		}
		if all.Model == "" {
			all.Model, all.Object = resp.Model, resp.Object
		}
		all.Data = append(all.Data, resp.Data...)
		all.Usage.PromptTokens += resp.Usage.PromptTokens
		all.Usage.CompletionTokens += resp.Usage.CompletionTokens
		all.Usage.TotalTokens += resp.Usage.TotalTokens
	}
	return all, nil
}

// orderEmbeddings sorts resp.Data by index, checks that there is exactly one
// vector per text, and shifts the indexes by offset.
func orderEmbeddings(resp *EmbeddingResponse, n, offset int) error {
	if len(resp.Data) != n {
		return fmt.Errorf("zai: embeddings response has %d vectors for %d texts", len(resp.Data), n)
	}
	ordered := make([]Embedding, n)
	seen := make([]bool, n)
	for _, e := range resp.Data {
		if e.Index < 0 || e.Index >= n || seen[e.Index] {
			return fmt.Errorf("zai: embeddings response has a bad or repeated index %d for %d texts", e.Index, n)
		}
		seen[e.Index] = true
		i := e.Index
		e.Index += offset
		ordered[i] = e
	}
	resp.Data = ordered
	return nil
}
