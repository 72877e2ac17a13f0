package zai

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
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

// EmbeddingEncodingFormat is how the vectors travel in the answer.
type EmbeddingEncodingFormat string

// Values of EmbeddingRequest.EncodingFormat.
const (
	// EmbeddingEncodingFormatFloat sends each vector as an array of
	// numbers (the server's default).
	EmbeddingEncodingFormatFloat EmbeddingEncodingFormat = "float"
	// EmbeddingEncodingFormatBase64 sends each vector as a base64 string
	// of little-endian float32 values, as OpenAI does; Embedding decodes it
	// into the same []float64.
	EmbeddingEncodingFormatBase64 EmbeddingEncodingFormat = "base64"
)

// EmbeddingRequest is the body of POST /embeddings.
type EmbeddingRequest struct {
	// Model is ModelEmbedding3 or ModelEmbedding2.
	Model string `json:"model"`
	// Input is one text (EmbeddingText) or many (EmbeddingTexts), or token
	// ids (EmbeddingTokens, EmbeddingTokenLists). The API takes up to 64
	// inputs per request, each up to 3072 tokens on embedding-3 (512 on
	// embedding-2).
	Input EmbeddingInput `json:"input"`
	// Dimensions of the vectors: 256, 512, 1024 or 2048 on embedding-3
	// (the server's default is 2048); embedding-2 has 1024 only.
	Dimensions *int `json:"dimensions,omitempty"`
	// EncodingFormat is EmbeddingEncodingFormatFloat (the default) or
	// EmbeddingEncodingFormatBase64. Either way Embedding.Embedding holds
	// the numbers.
	EncodingFormat EmbeddingEncodingFormat `json:"encoding_format,omitempty"`
	// RequestID is your unique id for the request (6-64 characters).
	RequestID string `json:"request_id,omitempty"`
	// UserID identifies your end user (6-128 characters).
	UserID string `json:"user_id,omitempty"`
	// User identifies your end user, OpenAI style; UserID is the API's own
	// field.
	User string `json:"user,omitempty"`
	// SensitiveWordCheck configures the content check.
	SensitiveWordCheck *SensitiveWordCheck `json:"sensitive_word_check,omitempty"`
}

// EmbeddingInput is what to embed; set exactly one field. Text is sent as a
// JSON string, Texts as an array of strings, Tokens (the token ids of one
// text) as an array of integers, and TokenLists (several texts as token
// ids) as an array of arrays. Every form decodes, so a recorded request
// body is sent again unchanged.
type EmbeddingInput struct {
	// Text is one text, sent as "input": "text".
	Text string
	// Texts are many texts, sent as "input": ["a", "b"]; the vectors come
	// back in the same order by index.
	Texts []string
	// Tokens are the token ids of one text, sent as "input": [1, 2, 3].
	Tokens []int
	// TokenLists are several texts as token ids, sent as
	// "input": [[1, 2], [3]]; the vectors come back in the same order by
	// index.
	TokenLists [][]int
}

// EmbeddingText returns the input for one text, sent as "input": "text".
func EmbeddingText(text string) EmbeddingInput { return EmbeddingInput{Text: text} }

// EmbeddingTexts returns the input for a list of texts, sent as
// "input": ["a", "b"]; the vectors come back in the same order by index.
func EmbeddingTexts(texts ...string) EmbeddingInput { return EmbeddingInput{Texts: texts} }

// EmbeddingTokens returns the input for one text given as token ids, sent
// as "input": [1, 2, 3].
func EmbeddingTokens(tokens ...int) EmbeddingInput { return EmbeddingInput{Tokens: tokens} }

// EmbeddingTokenLists returns the input for several texts given as token
// ids, sent as "input": [[1, 2], [3]].
func EmbeddingTokenLists(lists ...[]int) EmbeddingInput { return EmbeddingInput{TokenLists: lists} }

// forms counts the fields set.
func (in EmbeddingInput) forms() int {
	n := 0
	for _, set := range []bool{in.Text != "", in.Texts != nil, in.Tokens != nil, in.TokenLists != nil} {
		if set {
			n++
		}
	}
	return n
}

// count returns the number of vectors the input asks for.
func (in EmbeddingInput) count() int {
	switch {
	case in.TokenLists != nil:
		return len(in.TokenLists)
	case in.Tokens != nil:
		return min(len(in.Tokens), 1)
	case in.Texts != nil:
		return len(in.Texts)
	case in.Text != "":
		return 1
	}
	return 0
}

// slice returns the inputs start to end of a list input.
func (in EmbeddingInput) slice(start, end int) EmbeddingInput {
	switch {
	case in.TokenLists != nil:
		return EmbeddingTokenLists(in.TokenLists[start:end]...)
	case in.Texts != nil:
		return EmbeddingTexts(in.Texts[start:end]...)
	}
	return in
}

// MarshalJSON sends the field that is set in its form.
func (in EmbeddingInput) MarshalJSON() ([]byte, error) {
	switch {
	case in.TokenLists != nil:
		return json.Marshal(in.TokenLists)
	case in.Tokens != nil:
		return json.Marshal(in.Tokens)
	case in.Texts != nil:
		return json.Marshal(in.Texts)
	case in.Text != "":
		return json.Marshal(in.Text)
	}
	return []byte("[]"), nil
}

// UnmarshalJSON accepts a string (into Text), an array of strings (into
// Texts), of integers (into Tokens) or of arrays (into TokenLists), so a
// decoded input is sent again in the same form. [] decodes into empty
// Texts.
func (in *EmbeddingInput) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*in = EmbeddingInput{}
	if len(b) == 0 || b[0] != '[' {
		return json.Unmarshal(b, &in.Text)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(b, &items); err != nil {
		return err
	}
	var first byte
	if len(items) > 0 && len(items[0]) > 0 {
		first = items[0][0]
	}
	switch {
	case first == '[':
		return json.Unmarshal(b, &in.TokenLists)
	case first == '-' || '0' <= first && first <= '9':
		return json.Unmarshal(b, &in.Tokens)
	}
	return json.Unmarshal(b, &in.Texts)
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
	Index int `json:"index"`
	// Object is "embedding".
	Object string `json:"object,omitempty"`
	// Embedding is the vector. It decodes from an array of numbers, or
	// from the base64 string of little-endian float32 values that
	// EmbeddingEncodingFormatBase64 asks for.
	Embedding []float64 `json:"embedding"`
}

// UnmarshalJSON decodes the vector from an array of numbers or from a
// base64 string of little-endian float32 values.
func (e *Embedding) UnmarshalJSON(b []byte) error {
	type plain Embedding // without this method
	var w struct {
		plain
		Embedding json.RawMessage `json:"embedding"`
	}
	w.plain = plain(*e)
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*e = Embedding(w.plain)
	raw := bytes.TrimSpace(w.Embedding)
	switch {
	case len(raw) == 0:
		return nil // absent: unchanged
	case raw[0] != '"':
		e.Embedding = nil
		return json.Unmarshal(raw, &e.Embedding)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return err
	}
	data, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return fmt.Errorf("zai: embedding: %w", err)
	}
	if len(data)%4 != 0 {
		return fmt.Errorf("zai: embedding: %d bytes of base64 data is not a whole number of float32 values", len(data))
	}
	e.Embedding = make([]float64, len(data)/4)
	for i := range e.Embedding {
		e.Embedding[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:])))
	}
	return nil
}

func (r *EmbeddingRequest) validate() error {
	if r.Model == "" {
		return invalidf("model is empty")
	}
	switch {
	case r.Input.forms() > 1:
		return invalidf("input: set one of Text, Texts, Tokens and TokenLists")
	case r.Input.count() == 0:
		return invalidf("input is empty")
	}
	for i, l := range r.Input.TokenLists {
		if len(l) == 0 {
			return invalidf("input[%d] has no tokens", i)
		}
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

// CreateBatched embeds any number of texts (or token lists): it sends them
// in consecutive requests of at most MaxEmbeddingBatch inputs, one after
// another, and returns one response whose Data holds a vector per input in
// order (Index is the position in req.Input), with Usage summed over the
// requests. It stops at the first failed request.
//
// A RequestID must be unique per request, so it is refused when more than one
// request is needed.
//
// POST /embeddings, once per batch
func (s *EmbeddingService) CreateBatched(ctx context.Context, req EmbeddingRequest, opts ...Option) (*EmbeddingResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	n := req.Input.count()
	if n <= MaxEmbeddingBatch {
		resp, err := s.Create(ctx, req, opts...)
		if err != nil {
			return nil, err
		}
		if err := orderEmbeddings(resp, n, 0); err != nil {
			return nil, err
		}
		return resp, nil
	}
	if req.RequestID != "" {
		return nil, invalidf("request_id %q would be sent on %d requests; leave it empty for CreateBatched", req.RequestID, (n+MaxEmbeddingBatch-1)/MaxEmbeddingBatch)
	}
	all := &EmbeddingResponse{Data: make([]Embedding, 0, n)}
	for start := 0; start < n; start += MaxEmbeddingBatch {
		end := min(start+MaxEmbeddingBatch, n)
		part := req
		part.Input = req.Input.slice(start, end)
		resp, err := s.Create(ctx, part, opts...)
		if err != nil {
			return nil, fmt.Errorf("embeddings %d-%d of %d: %w", start, end-1, n, err)
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
