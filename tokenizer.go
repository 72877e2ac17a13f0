package zai

import (
	"context"
	"net/http"

	"github.com/zai-go/zai/internal/core"
)

// TokenizerService counts the tokens a chat request would use, without
// running the model.
//
// Z.ai API docs: https://docs.z.ai/api-reference/tools/tokenizer
type TokenizerService struct {
	client *Client
}

// TokenizerRequest is the body of POST /tokenizer: the model, messages and
// tools of a chat request.
type TokenizerRequest struct {
	// Model is the model whose tokenizer counts, such as ModelGLM4_6.
	Model string `json:"model"`
	// Messages to count; they may not be only system or assistant
	// messages.
	Messages []Message `json:"messages"`
	// Tools whose definitions are counted too.
	Tools []Tool `json:"tools,omitempty"`
	// RequestID is your unique id for the request (6-64 characters).
	RequestID string `json:"request_id,omitempty"`
	// UserID identifies your end user (6-128 characters).
	UserID string `json:"user_id,omitempty"`
}

// TokenizerResponse is the response of POST /tokenizer.
type TokenizerResponse struct {
	ID        string         `json:"id"`
	Created   int64          `json:"created"`
	RequestID string         `json:"request_id,omitempty"`
	Usage     TokenizerUsage `json:"usage"`

	rawBody
}

// TokenizerUsage is the token count of the input.
type TokenizerUsage struct {
	PromptTokens int `json:"prompt_tokens"`
	ImageTokens  int `json:"image_tokens"`
	VideoTokens  int `json:"video_tokens"`
	TotalTokens  int `json:"total_tokens"`
}

func (r *TokenizerRequest) validate() error {
	if r.Model == "" {
		return invalidf("model is empty")
	}
	if len(r.Messages) == 0 {
		return invalidf("messages is empty")
	}
	return validateParts(r.Messages)
}

// Count returns the number of tokens in the messages and tools.
//
// POST /tokenizer
func (s *TokenizerService) Count(ctx context.Context, req TokenizerRequest, opts ...Option) (*TokenizerResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	return call[TokenizerResponse](ctx, s.client, &core.Request{Method: http.MethodPost, Path: "/tokenizer", Body: &req}, opts)
}
