package zai

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"iter"
	"net/http"
	"time"

	"github.com/zai-go/zai/internal/core"
)

// BatchService runs batches: many requests from an uploaded JSONL file,
// answered within a completion window at a lower price. Run does the whole
// of it for any number of requests (sharding, upload, waiting, answers
// joined to their custom_id, cleanup, resumption). By hand: write the file
// with WriteBatchInput, upload it with Files.Upload and FilePurposeBatch,
// then Create the batch and Wait for it; ReadOutput reads the answers.
//
// BigModel API docs: https://docs.bigmodel.cn/api-reference/批处理-api/创建批处理任务
type BatchService struct {
	client *Client
}

// BatchEndpoint is the API endpoint a batch sends its lines to.
type BatchEndpoint string

// BatchEndpointChatCompletions is the endpoint of chat-completion batches,
// for BatchCreateRequest.Endpoint and the url of each input line.
const BatchEndpointChatCompletions BatchEndpoint = "/v4/chat/completions"

// BatchStatus is the state of a batch.
type BatchStatus string

// Batch states.
const (
	BatchStatusValidating BatchStatus = "validating"
	BatchStatusFailed     BatchStatus = "failed"
	BatchStatusInProgress BatchStatus = "in_progress"
	BatchStatusFinalizing BatchStatus = "finalizing"
	BatchStatusCompleted  BatchStatus = "completed"
	BatchStatusExpired    BatchStatus = "expired"
	BatchStatusCancelling BatchStatus = "cancelling"
	BatchStatusCancelled  BatchStatus = "cancelled"
)

// BatchCreateRequest is the body of POST /batches.
type BatchCreateRequest struct {
	// InputFileID is the uploaded JSONL file (purpose "batch").
	InputFileID string `json:"input_file_id"`
	// Endpoint the lines are sent to: BatchEndpointChatCompletions.
	Endpoint BatchEndpoint `json:"endpoint"`
	// CompletionWindow is how long the batch may take ("24h").
	CompletionWindow string `json:"completion_window,omitempty"`
	// AutoDeleteInputFile deletes the input file when the batch is done.
	AutoDeleteInputFile *bool `json:"auto_delete_input_file,omitempty"`
	// Metadata is yours to label the batch.
	Metadata map[string]string `json:"metadata,omitempty"`
}

// Batch is a batch job. Its timestamps are Unix times in milliseconds (see
// BatchTime); zero when the stage has not happened.
type Batch struct {
	ID               string        `json:"id"`
	Object           string        `json:"object,omitempty"`
	Endpoint         BatchEndpoint `json:"endpoint"`
	InputFileID      string        `json:"input_file_id"`
	CompletionWindow string        `json:"completion_window,omitempty"`
	Status           BatchStatus   `json:"status"`
	// OutputFileID holds the answers once the batch completes; ErrorFileID
	// the lines that failed. Download them with Files.Download, or read them with ReadOutput.
	OutputFileID  string              `json:"output_file_id,omitempty"`
	ErrorFileID   string              `json:"error_file_id,omitempty"`
	Errors        *BatchErrors        `json:"errors,omitempty"`
	RequestCounts *BatchRequestCounts `json:"request_counts,omitempty"`
	// Metadata is any JSON object: the labels given at creation, or what
	// the server put there.
	Metadata map[string]any `json:"metadata,omitempty"`

	CreatedAt    int64 `json:"created_at"`
	InProgressAt int64 `json:"in_progress_at,omitempty"`
	ExpiresAt    int64 `json:"expires_at,omitempty"`
	FinalizingAt int64 `json:"finalizing_at,omitempty"`
	CompletedAt  int64 `json:"completed_at,omitempty"`
	FailedAt     int64 `json:"failed_at,omitempty"`
	ExpiredAt    int64 `json:"expired_at,omitempty"`
	CancellingAt int64 `json:"cancelling_at,omitempty"`
	CancelledAt  int64 `json:"cancelled_at,omitempty"`

	rawBody
}

// BatchTime converts a batch timestamp (milliseconds) to a time; zero gives
// the zero time.
func BatchTime(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// BatchRequestCounts counts a batch's requests.
type BatchRequestCounts struct {
	Total     int `json:"total"`
	Completed int `json:"completed"`
	Failed    int `json:"failed"`
}

// UnmarshalJSON reads the object the official SDKs model, and also a bare
// number, which the BigModel reference shows for request_counts (beside
// top-level total, completed and failed), as Total: the sources disagree,
// and a count must not fail the batch that carries it.
func (c *BatchRequestCounts) UnmarshalJSON(b []byte) error {
	if t := bytes.TrimSpace(b); len(t) > 0 && (t[0] == '-' || t[0] >= '0' && t[0] <= '9') {
		var n float64
		if err := json.Unmarshal(t, &n); err != nil {
			return err
		}
		*c = BatchRequestCounts{Total: int(n)}
		return nil
	}
	type plain BatchRequestCounts
	return json.Unmarshal(b, (*plain)(c))
}

// BatchErrors lists validation errors of a batch's input.
type BatchErrors struct {
	Object string       `json:"object,omitempty"`
	Data   []BatchError `json:"data,omitempty"`
}

// BatchError is one problem with an input line.
type BatchError struct {
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	Param   string `json:"param,omitempty"`
	Line    int    `json:"line,omitempty"`
}

// BatchListRequest pages GET /batches. Zero values are not sent.
type BatchListRequest struct {
	// After is the id of the batch to list after.
	After string `url:"after,omitempty"`
	// Limit is the page size.
	Limit int `url:"limit,omitempty"`
}

// BatchList is a page of batches.
type BatchList struct {
	Object  string  `json:"object,omitempty"`
	Data    []Batch `json:"data"`
	FirstID string  `json:"first_id,omitempty"`
	LastID  string  `json:"last_id,omitempty"`
	HasMore bool    `json:"has_more"`

	rawBody
}

// Create starts a batch.
//
// POST /batches
func (s *BatchService) Create(ctx context.Context, req BatchCreateRequest, opts ...Option) (*Batch, error) {
	if req.InputFileID == "" {
		return nil, invalidf("input_file_id is empty")
	}
	if req.Endpoint == "" {
		return nil, invalidf("endpoint is empty")
	}
	return call[Batch](ctx, s.client, &core.Request{Method: http.MethodPost, Path: "/batches", Body: &req}, opts)
}

// Get returns a batch.
//
// GET /batches/{batch_id}
func (s *BatchService) Get(ctx context.Context, batchID string, opts ...Option) (*Batch, error) {
	seg, err := pathSegment("batch id", batchID)
	if err != nil {
		return nil, err
	}
	return call[Batch](ctx, s.client, &core.Request{Method: http.MethodGet, Path: "/batches/" + seg}, opts)
}

// Cancel asks the server to stop a batch; it moves to BatchStatusCancelling.
//
// POST /batches/{batch_id}/cancel
func (s *BatchService) Cancel(ctx context.Context, batchID string, opts ...Option) (*Batch, error) {
	seg, err := pathSegment("batch id", batchID)
	if err != nil {
		return nil, err
	}
	return call[Batch](ctx, s.client, &core.Request{Method: http.MethodPost, Path: "/batches/" + seg + "/cancel"}, opts)
}

// List returns one page of batches.
//
// GET /batches?after=&limit=
func (s *BatchService) List(ctx context.Context, req BatchListRequest, opts ...Option) (*BatchList, error) {
	return call[BatchList](ctx, s.client, &core.Request{Method: http.MethodGet, Path: "/batches", Query: req}, opts)
}

// All iterates over every batch from req.After on, fetching pages as the
// loop needs them: each next page starts after the last batch of the one
// before. It stops when a page says has_more is false or comes back empty.
// A failed fetch is yielded once as (zero, err) and ends the loop, and so is
// a cursor that comes back a second time (the server would send the same
// pages again, for ever).
//
//	for batch, err := range client.Batches.All(ctx, zai.BatchListRequest{Limit: 50}) { ... }
//
// GET /batches?after=&limit=, page by page
func (s *BatchService) All(ctx context.Context, req BatchListRequest, opts ...Option) iter.Seq2[Batch, error] {
	return paginate(ctx, req.After, func(ctx context.Context, after string) ([]Batch, string, bool, error) {
		req.After = after
		page, err := s.List(ctx, req, opts...)
		if err != nil {
			return nil, "", false, err
		}
		next := page.LastID
		if n := len(page.Data); n > 0 && page.Data[n-1].ID != "" {
			next = page.Data[n-1].ID
		}
		return page.Data, next, page.HasMore, nil
	})
}

// BatchInputItem is one line of a chat-completion batch input file.
type BatchInputItem struct {
	// CustomID is your id for the line; it comes back with the answer and
	// must be unique in the file.
	CustomID string
	// Request is the chat completion to run.
	Request ChatCompletionRequest
}

// batchLine is one JSONL line of batch input.
type batchLine struct {
	CustomID string        `json:"custom_id"`
	Method   string        `json:"method"`
	URL      BatchEndpoint `json:"url"`
	Body     *chatBody     `json:"body"`
}

// WriteBatchInput writes chat requests as batch input JSONL, one line each:
//
//	{"custom_id":"1","method":"POST","url":"/v4/chat/completions","body":{...}}
//
// It checks every item before writing anything: an empty or repeated
// custom id, or a request without a model or messages, is an error wrapping
// ErrInvalidRequest.
func WriteBatchInput(w io.Writer, items ...BatchInputItem) error {
	if len(items) == 0 {
		return invalidf("no batch items")
	}
	seen := make(map[string]bool, len(items))
	for i := range items {
		id := items[i].CustomID
		if id == "" {
			return invalidf("batch item %d: custom_id is empty", i)
		}
		if seen[id] {
			return invalidf("batch item %d: custom_id %q is repeated", i, id)
		}
		seen[id] = true
		if err := checkBatchItem(id, &items[i].Request); err != nil {
			return err
		}
	}
	enc := json.NewEncoder(w)
	for i := range items {
		if err := encodeBatchLine(enc, items[i].CustomID, &items[i].Request); err != nil {
			return err
		}
	}
	return nil
}
