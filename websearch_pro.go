package zai

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/zai-go/zai/internal/core"
)

// WebSearchProTool is the tool the legacy /tools endpoint runs, and the
// default of WebSearchProRequest.Tool.
const WebSearchProTool = "web-search-pro"

// WebSearchProType is the part of a web-search-pro answer a tool call carries.
type WebSearchProType string

// Values of WebSearchProToolCall.Type: which part of the search a tool call
// carries.
const (
	WebSearchProTypeIntent    WebSearchProType = "search_intent"
	WebSearchProTypeResult    WebSearchProType = "search_result"
	WebSearchProTypeRecommend WebSearchProType = "search_recommend"
)

// WebSearchProRequest is the body of POST /tools, BigModel's older search
// tool (web-search-pro). Legacy: the endpoint is gone from the newest
// BigModel OpenAPI document (2026-07-11), though both official SDKs still
// call it. For new code, Search (POST /web_search) is the documented API;
// this one stays for programs that already use it.
type WebSearchProRequest struct {
	// Tool is the tool to run; empty sends WebSearchProTool, under the key
	// "tool". The sources disagree and no live check settled it: the
	// Python and Java SDKs send the name under "model" instead
	// (tools.py, WebSearchParamsRequest.java). To send that key too, add
	// WithExtraBody(map[string]any{"model": zai.WebSearchProTool}).
	Tool string `json:"tool"`
	// Messages is the conversation; the tool searches for the user's last
	// question. Only a single user turn is supported; send the user's own
	// words, not an instruction.
	Messages []WebSearchProMessage `json:"messages"`
	// Scope narrows the search ("academic", ...); the whole web by default.
	Scope string `json:"scope,omitempty"`
	// Location is the user's location, to make results more relevant.
	Location string `json:"location,omitempty"`
	// RecentDays keeps results updated within that many days (1-30).
	RecentDays *int `json:"recent_days,omitempty"`
	// RequestID is your unique id for the request (6-64 characters).
	RequestID string `json:"request_id,omitempty"`
	// UserID identifies your end user (6-128 characters).
	UserID string `json:"user_id,omitempty"`
}

// WebSearchProMessage is one turn of a WebSearchProRequest.
type WebSearchProMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// webSearchProBody adds the "stream" field that the method decides.
type webSearchProBody struct {
	*WebSearchProRequest
	Stream bool `json:"stream"`
}

func (r *WebSearchProRequest) body(stream bool) (webSearchProBody, error) {
	if len(r.Messages) == 0 {
		return webSearchProBody{}, invalidf("messages is empty")
	}
	for i, m := range r.Messages {
		if strings.TrimSpace(m.Content) == "" {
			return webSearchProBody{}, invalidf("message %d has no content", i)
		}
	}
	req := *r
	if req.Tool == "" {
		req.Tool = WebSearchProTool
	}
	return webSearchProBody{WebSearchProRequest: &req, Stream: stream}, nil
}

// WebSearchProResponse is the answer of SearchPro: the search as tool calls
// of one assistant message, in order an intent call, a result call and,
// when the server suggests queries, a recommend call.
type WebSearchProResponse struct {
	ID        string               `json:"id"`
	Created   int64                `json:"created"`
	RequestID string               `json:"request_id,omitempty"`
	Choices   []WebSearchProChoice `json:"choices"`

	rawBody
}

// WebSearchProChoice is one answer of SearchPro.
type WebSearchProChoice struct {
	Index        int                      `json:"index"`
	FinishReason FinishReason             `json:"finish_reason,omitempty"`
	Message      WebSearchProReplyMessage `json:"message"`
}

// WebSearchProReplyMessage holds the search, as tool calls.
type WebSearchProReplyMessage struct {
	Role      string                 `json:"role"`
	ToolCalls []WebSearchProToolCall `json:"tool_calls,omitempty"`
}

// WebSearchProToolCall is one part of the search; Type says which of its
// lists is set. Each list decodes from an array or from a single object
// (the official SDKs disagree on which the server sends).
type WebSearchProToolCall struct {
	// Index orders the calls of a streamed message.
	Index           int                  `json:"index,omitempty"`
	ID              string               `json:"id,omitempty"`
	Type            WebSearchProType     `json:"type,omitempty"`
	SearchIntent    []WebSearchProIntent `json:"search_intent,omitempty"`
	SearchResult    []WebSearchProPage   `json:"search_result,omitempty"`
	SearchRecommend []WebSearchProQuery  `json:"search_recommend,omitempty"`
}

// WebSearchProIntent is the intent the tool recognised in the question.
type WebSearchProIntent struct {
	// Index is the search round (0 for the first).
	Index int `json:"index"`
	// Query is the question as rewritten for the search.
	Query string `json:"query"`
	// Intent is the recognised intent, such as SearchIntentTypeAll.
	Intent   SearchIntentType `json:"intent"`
	Keywords string           `json:"keywords,omitempty"`
}

// WebSearchProPage is one page found.
type WebSearchProPage struct {
	// Index is the search round (0 for the first).
	Index   int    `json:"index"`
	Title   string `json:"title"`
	Link    string `json:"link"`
	Content string `json:"content"`
	Icon    string `json:"icon,omitempty"`
	Media   string `json:"media,omitempty"`
	// Refer is the reference mark, such as "ref_1".
	Refer string `json:"refer,omitempty"`
}

// WebSearchProQuery is a follow-up query the tool recommends.
type WebSearchProQuery struct {
	// Index is the search round (0 for the first).
	Index int    `json:"index"`
	Query string `json:"query"`
}

// UnmarshalJSON accepts each of the three lists as an array or as one
// object.
func (c *WebSearchProToolCall) UnmarshalJSON(b []byte) error {
	var w struct {
		Index           int              `json:"index"`
		ID              string           `json:"id"`
		Type            WebSearchProType `json:"type"`
		SearchIntent    json.RawMessage  `json:"search_intent"`
		SearchResult    json.RawMessage  `json:"search_result"`
		SearchRecommend json.RawMessage  `json:"search_recommend"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	out := WebSearchProToolCall{Index: w.Index, ID: w.ID, Type: w.Type}
	if err := oneOrMany(w.SearchIntent, &out.SearchIntent); err != nil {
		return err
	}
	if err := oneOrMany(w.SearchResult, &out.SearchResult); err != nil {
		return err
	}
	if err := oneOrMany(w.SearchRecommend, &out.SearchRecommend); err != nil {
		return err
	}
	*c = out
	return nil
}

// oneOrMany decodes a JSON array, or a single object as a list of one;
// absent and null leave the list nil.
func oneOrMany[T any](raw json.RawMessage, list *[]T) error {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return nil
	case raw[0] == '{':
		var one T
		if err := json.Unmarshal(raw, &one); err != nil {
			return err
		}
		*list = []T{one}
		return nil
	}
	return json.Unmarshal(raw, list)
}

// WebSearchProChunk is one event of SearchProStream: tool calls arriving
// one by one.
type WebSearchProChunk struct {
	ID      string                    `json:"id,omitempty"`
	Created int64                     `json:"created,omitempty"`
	Choices []WebSearchProChunkChoice `json:"choices"`

	rawBody
}

// WebSearchProChunkChoice carries the new tool calls of a chunk.
type WebSearchProChunkChoice struct {
	Index int               `json:"index"`
	Delta WebSearchProDelta `json:"delta"`
	// FinishReason is set on the last chunk.
	FinishReason FinishReason `json:"finish_reason,omitempty"`
}

// WebSearchProDelta is a piece of the search message.
type WebSearchProDelta struct {
	Role      string                 `json:"role,omitempty"`
	ToolCalls []WebSearchProToolCall `json:"tool_calls,omitempty"`
}

func (c *WebSearchProChunk) streamEnded() bool {
	for i := range c.Choices {
		if c.Choices[i].FinishReason != "" {
			return true
		}
	}
	return false
}

// SearchPro runs the web-search-pro tool and returns the whole search:
// intent, pages and recommended queries. Legacy (see
// WebSearchProRequest): prefer Search.
//
// POST /tools
func (s *WebSearchService) SearchPro(ctx context.Context, req WebSearchProRequest, opts ...Option) (*WebSearchProResponse, error) {
	body, err := req.body(false)
	if err != nil {
		return nil, err
	}
	return call[WebSearchProResponse](ctx, s.client, &core.Request{Method: http.MethodPost, Path: "/tools", Body: body}, opts)
}

// SearchProStream runs the web-search-pro tool and returns the search as a
// stream of chunks, each with the next tool calls. Close the stream, or
// range over All. Legacy (see WebSearchProRequest): prefer Search.
//
// POST /tools with "stream": true
func (s *WebSearchService) SearchProStream(ctx context.Context, req WebSearchProRequest, opts ...Option) (*Stream[WebSearchProChunk], error) {
	body, err := req.body(true)
	if err != nil {
		return nil, err
	}
	return openStream[WebSearchProChunk](ctx, s.client, &core.Request{Method: http.MethodPost, Path: "/tools", Body: body}, opts)
}
