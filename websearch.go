package zai

import (
	"context"
	"net/http"

	"github.com/zai-go/zai/internal/core"
)

// WebSearchService searches the web with a search engine tuned for LLMs. It
// is the standalone API; to let a chat model search, give it
// WebSearchTool instead.
//
// Search failures have their own business codes: 1701 (too many concurrent
// searches) matches ErrRateLimited, 1702 (no search engine available)
// matches ErrServer, and 1703 (the engine returned no data) matches
// ErrNotFound and is never retried.
//
// Z.ai API docs: https://docs.z.ai/api-reference/tools/web-search
type WebSearchService struct {
	client *Client
}

// SearchEngine is a web search engine.
type SearchEngine string

// Search engines for WebSearchRequest.SearchEngine and WebSearch.SearchEngine.
// Z.ai offers SearchEnginePrime; BigModel offers the others.
const (
	// SearchEnginePrime is Z.ai's premium engine, "search-prime".
	SearchEnginePrime SearchEngine = "search-prime"
	// SearchEngineStd is BigModel's basic engine.
	SearchEngineStd SearchEngine = "search_std"
	// SearchEnginePro is BigModel's advanced engine.
	SearchEnginePro SearchEngine = "search_pro"
	// SearchEngineProSogou is BigModel's Sogou engine.
	SearchEngineProSogou SearchEngine = "search_pro_sogou"
	// SearchEngineProQuark is BigModel's Quark engine.
	SearchEngineProQuark SearchEngine = "search_pro_quark"
	// SearchEngineProJina is the engine of the chat web search tool on Z.ai
	// (WebSearchTool); the standalone API on Z.ai takes SearchEnginePrime.
	SearchEngineProJina SearchEngine = "search_pro_jina"
)

// SearchRecency limits a web search to recent pages.
type SearchRecency string

// Values of WebSearchRequest.SearchRecencyFilter.
const (
	SearchRecencyOneDay   SearchRecency = "oneDay"
	SearchRecencyOneWeek  SearchRecency = "oneWeek"
	SearchRecencyOneMonth SearchRecency = "oneMonth"
	SearchRecencyOneYear  SearchRecency = "oneYear"
	SearchRecencyNoLimit  SearchRecency = "noLimit"
)

// ContentSize is how much of each page a web search returns.
type ContentSize string

// Values of WebSearchRequest.ContentSize.
const (
	// ContentSizeMedium returns a summary of each page.
	ContentSizeMedium ContentSize = "medium"
	// ContentSizeHigh returns more of each page's content.
	ContentSizeHigh ContentSize = "high"
)

// SearchIntentType is the intent recognised in a search query.
type SearchIntentType string

// Values of SearchIntent.Intent.
const (
	SearchIntentTypeAll    SearchIntentType = "SEARCH_ALL"
	SearchIntentTypeNone   SearchIntentType = "SEARCH_NONE"
	SearchIntentTypeAlways SearchIntentType = "SEARCH_ALWAYS"
)

// WebSearchRequest is the body of POST /web_search.
type WebSearchRequest struct {
	// SearchEngine is required: SearchEnginePrime on Z.ai, SearchEngineStd,
	// SearchEnginePro, SearchEngineProSogou or SearchEngineProQuark on
	// BigModel. Any string is accepted.
	SearchEngine SearchEngine `json:"search_engine"`
	// SearchQuery is the text to search for (required).
	SearchQuery string `json:"search_query"`
	// SearchIntent asks the server to recognise the query's intent first
	// and report it in the response. It is always sent, false included,
	// because BigModel requires the field.
	SearchIntent bool `json:"search_intent"`
	// Count is the number of results, 1-50 (the server's default is 10).
	Count *int `json:"count,omitempty"`
	// SearchDomainFilter limits results to one domain, such as
	// "www.example.com".
	SearchDomainFilter string `json:"search_domain_filter,omitempty"`
	// SearchRecencyFilter limits results by age: SearchRecencyOneDay, ...,
	// SearchRecencyNoLimit (the default).
	SearchRecencyFilter SearchRecency `json:"search_recency_filter,omitempty"`
	// ContentSize is ContentSizeMedium or ContentSizeHigh (BigModel).
	ContentSize ContentSize `json:"content_size,omitempty"`
	// IncludeImage asks for the images of each page (BigModel, per the
	// official Python SDK).
	IncludeImage bool `json:"include_image,omitempty"`
	// RequestID is your unique id for the request (6-64 characters).
	RequestID string `json:"request_id,omitempty"`
	// UserID identifies your end user (6-128 characters).
	UserID string `json:"user_id,omitempty"`
	// SensitiveWordCheck configures the content check.
	SensitiveWordCheck *SensitiveWordCheck `json:"sensitive_word_check,omitempty"`
}

// WebSearchResponse is the response of a web search.
type WebSearchResponse struct {
	ID        string `json:"id"`
	Created   int64  `json:"created"`
	RequestID string `json:"request_id,omitempty"`
	// SearchIntent is the recognised intent, when the request asked for it.
	SearchIntent []SearchIntent `json:"search_intent,omitempty"`
	// SearchResult holds the pages found.
	SearchResult []WebSearchResult `json:"search_result"`

	rawBody
}

// SearchIntent is the intent the server recognised in a query.
type SearchIntent struct {
	// Query is the query as rewritten for the engine.
	Query string `json:"query"`
	// Intent is SearchIntentTypeAll, SearchIntentTypeNone or SearchIntentTypeAlways.
	Intent   SearchIntentType `json:"intent"`
	Keywords string           `json:"keywords,omitempty"`
}

func (r *WebSearchRequest) validate() error {
	if r.SearchEngine == "" {
		return invalidf("search_engine is empty")
	}
	if r.SearchQuery == "" {
		return invalidf("search_query is empty")
	}
	return nil
}

// Search runs a web search.
//
// POST /web_search
func (s *WebSearchService) Search(ctx context.Context, req WebSearchRequest, opts ...Option) (*WebSearchResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	return call[WebSearchResponse](ctx, s.client, &core.Request{Method: http.MethodPost, Path: "/web_search", Body: &req}, opts)
}
