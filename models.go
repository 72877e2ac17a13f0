package zai

import (
	"context"
	"net/http"

	"github.com/zai-go/zai/internal/core"
)

// ModelService lists the models the API serves. The model codes documented
// at release time are the Model... constants (ModelGLM4_7, ...).
//
// Z.ai API docs: https://docs.z.ai/api-reference/introduction
type ModelService struct {
	client *Client
}

// ModelList is the reply of Models.List.
type ModelList struct {
	// Object is "list".
	Object string  `json:"object"`
	Data   []Model `json:"data"`

	rawBody
}

// Model is one model the API serves.
type Model struct {
	// ID is the model code to send, such as "glm-4.7".
	ID string `json:"id"`
	// Object is "model".
	Object string `json:"object"`
	// Created is when the model was released, a Unix time in seconds.
	Created int64 `json:"created"`
	// OwnedBy names the owner ("z-ai").
	OwnedBy string `json:"owned_by"`
}

// List returns the models the API serves to this key. The same key gets the
// same catalog on Z.ai and BigModel.
//
// GET /models
func (s *ModelService) List(ctx context.Context, opts ...Option) (*ModelList, error) {
	return call[ModelList](ctx, s.client, &core.Request{Method: http.MethodGet, Path: "/models"}, opts)
}
