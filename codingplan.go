package zai

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/zai-go/zai/internal/core"
)

// CodingPlanService reads the quota and usage of a GLM Coding Plan: the
// subscription whose key works on CodingBaseURL (or BigModelCodingBaseURL)
// and in coding tools through the Anthropic-compatible route
// (AnthropicBaseURL).
//
// Experimental: these endpoints are not in the API documentation. Their
// shapes were read from the live API by a peer SDK (SamyRai/go-z-ai) and
// may change without notice; every response keeps its body in RawJSON. They
// live under /api/monitor on the host of the base URL, whichever base URL
// (general or coding) the client uses.
//
// Z.ai docs: https://docs.z.ai/devpack/quick-start
type CodingPlanService struct {
	client *Client
}

// CodingPlanTimeZone is the zone of the times the usage endpoints read and
// write: China Standard Time, UTC+8, on both hosts. UsageRequest times are
// sent in it, whatever their own location.
var CodingPlanTimeZone = time.FixedZone("UTC+8", 8*60*60)

// codingPlanTimeLayout is the layout of startTime and endTime.
const codingPlanTimeLayout = "2006-01-02 15:04:05"

// QuotaType is the kind of a Coding Plan quota.
type QuotaType string

// Values of QuotaLimit.Type.
const (
	// QuotaTypeTokens limits the tokens of model calls.
	QuotaTypeTokens QuotaType = "TOKENS_LIMIT"
	// QuotaTypeTime limits the calls of the MCP tools (search, reader,
	// zread).
	QuotaTypeTime QuotaType = "TIME_LIMIT"
)

// CodingPlanQuotaResponse is the plan's level and its limits.
type CodingPlanQuotaResponse struct {
	// Level is the plan ("lite", "pro", "max").
	Level string `json:"level"`
	// Limits holds one entry per quota window.
	Limits []QuotaLimit `json:"limits"`

	rawBody
}

// QuotaLimit is one quota window of a plan: for QuotaTypeTokens a rolling
// window of Number units (Unit 3: hours, so 5 hours; Unit 6: weeks), for
// QuotaTypeTime a monthly count of tool calls (Unit 5).
type QuotaLimit struct {
	// Type is QuotaTypeTokens or QuotaTypeTime.
	Type QuotaType `json:"type"`
	// Unit is the server's code for the window's unit of time; Number is
	// how many of them the window spans.
	Unit   int `json:"unit"`
	Number int `json:"number"`
	// Usage is the limit (0 when the server gives none); CurrentValue what
	// was used; Remaining what is left.
	Usage        int64 `json:"usage"`
	CurrentValue int64 `json:"currentValue"`
	Remaining    int64 `json:"remaining"`
	// Percentage is the share used, 0-100.
	Percentage float64 `json:"percentage"`
	// NextResetTime is when the window resets, a Unix time in milliseconds
	// (see ResetTime).
	NextResetTime int64 `json:"nextResetTime"`
	// UsageDetails breaks a QuotaTypeTime limit down by tool.
	UsageDetails []QuotaUsageDetail `json:"usageDetails,omitempty"`
}

// ResetTime returns NextResetTime as a time; the zero time when unset.
func (q QuotaLimit) ResetTime() time.Time {
	if q.NextResetTime == 0 {
		return time.Time{}
	}
	return time.UnixMilli(q.NextResetTime)
}

// QuotaUsageDetail is one tool's share of a QuotaTypeTime limit.
type QuotaUsageDetail struct {
	// ModelCode names the tool: "search-prime", "web-reader", "zread".
	ModelCode string `json:"modelCode"`
	Usage     int64  `json:"usage"`
}

// UsageRequest is the time window of GetModelUsage and GetToolUsage. Both
// times are required; they are sent as "2006-01-02 15:04:05" in
// CodingPlanTimeZone, so any location gives the same window.
type UsageRequest struct {
	Start time.Time
	End   time.Time
}

func (r *UsageRequest) query() (url.Values, error) {
	switch {
	case r.Start.IsZero():
		return nil, invalidf("usage window start is zero")
	case r.End.IsZero():
		return nil, invalidf("usage window end is zero")
	case r.End.Before(r.Start):
		return nil, invalidf("usage window ends (%s) before it starts (%s)", r.End, r.Start)
	}
	q := url.Values{}
	q.Set("startTime", r.Start.In(CodingPlanTimeZone).Format(codingPlanTimeLayout))
	q.Set("endTime", r.End.In(CodingPlanTimeZone).Format(codingPlanTimeLayout))
	return q, nil
}

// ModelUsageResponse is the token usage of a window, as time series with one entry
// per bucket of XTime (hours or days, per Granularity).
type ModelUsageResponse struct {
	// XTime labels the buckets, in CodingPlanTimeZone.
	XTime []string `json:"x_time"`
	// ModelCallCount and TokensUsage are the calls and tokens per bucket.
	ModelCallCount []int64 `json:"modelCallCount"`
	TokensUsage    []int64 `json:"tokensUsage"`
	// TotalUsage sums the window.
	TotalUsage ModelUsageTotal `json:"totalUsage"`
	// ModelDataList is each model's tokens per bucket.
	ModelDataList []ModelUsageSeries `json:"modelDataList"`
	// ModelSummaryList is each model's total.
	ModelSummaryList []ModelUsageSummary `json:"modelSummaryList"`
	// Granularity is "hourly" or "daily".
	Granularity string `json:"granularity"`

	rawBody
}

// ModelUsageTotal sums a window's model usage.
type ModelUsageTotal struct {
	TotalModelCallCount int64               `json:"totalModelCallCount"`
	TotalTokensUsage    int64               `json:"totalTokensUsage"`
	ModelSummaryList    []ModelUsageSummary `json:"modelSummaryList,omitempty"`
}

// ModelUsageSummary is one model's total over a window.
type ModelUsageSummary struct {
	ModelName   string `json:"modelName"`
	TotalTokens int64  `json:"totalTokens"`
	SortOrder   int    `json:"sortOrder"`
}

// ModelUsageSeries is one model's tokens per bucket.
type ModelUsageSeries struct {
	ModelName   string  `json:"modelName"`
	SortOrder   int     `json:"sortOrder"`
	TokensUsage []int64 `json:"tokensUsage"`
	TotalTokens int64   `json:"totalTokens"`
}

// ToolUsageResponse is the MCP tool usage (web search, web reader, zread) of a
// window, as time series with one entry per bucket of XTime.
type ToolUsageResponse struct {
	XTime              []string `json:"x_time"`
	NetworkSearchCount []int64  `json:"networkSearchCount"`
	WebReadMcpCount    []int64  `json:"webReadMcpCount"`
	ZreadMcpCount      []int64  `json:"zreadMcpCount"`
	// TotalUsage sums the window.
	TotalUsage ToolUsageTotal `json:"totalUsage"`
	// ToolDataList is each tool's calls per bucket.
	ToolDataList []ToolUsageSeries `json:"toolDataList"`
	// ToolSummaryList is each tool's total.
	ToolSummaryList []ToolUsageSummary `json:"toolSummaryList"`
	// Granularity is "hourly" or "daily".
	Granularity string `json:"granularity"`

	rawBody
}

// ToolUsageTotal sums a window's tool usage.
type ToolUsageTotal struct {
	TotalNetworkSearchCount int64              `json:"totalNetworkSearchCount"`
	TotalWebReadMcpCount    int64              `json:"totalWebReadMcpCount"`
	TotalZreadMcpCount      int64              `json:"totalZreadMcpCount"`
	TotalSearchMcpCount     int64              `json:"totalSearchMcpCount"`
	ToolSummaryList         []ToolUsageSummary `json:"toolSummaryList,omitempty"`
}

// ToolUsageSummary is one tool's total over a window.
type ToolUsageSummary struct {
	ToolCode        string `json:"toolCode"`
	ToolName        string `json:"toolName"`
	ToolNameI18n    string `json:"toolNameI18n"`
	TotalUsageCount int64  `json:"totalUsageCount"`
	SortOrder       int    `json:"sortOrder"`
}

// ToolUsageSeries is one tool's calls per bucket.
type ToolUsageSeries struct {
	ToolCode        string  `json:"toolCode"`
	ToolName        string  `json:"toolName"`
	SortOrder       int     `json:"sortOrder"`
	UsageCount      []int64 `json:"usageCount"`
	TotalUsageCount int64   `json:"totalUsageCount"`
}

// monitorEnvelope is the body of the monitor endpoints:
// {"code":200,"msg":"...","data":{...},"success":true}.
type monitorEnvelope[T any] struct {
	Data *T `json:"data"`

	rawBody
}

// monitorFailed recognises an error envelope, or "success": false.
func monitorFailed(b []byte) bool {
	if hasErrorEnvelope(b) {
		return true
	}
	p, ok := probe(b)
	return ok && p.Success != nil && !*p.Success
}

// getMonitor fetches one monitor endpoint and unwraps its data, which keeps
// the whole body as its raw JSON.
func getMonitor[T any, PT interface {
	*T
	rawSetter
}](ctx context.Context, c *Client, path string, q url.Values, opts []Option) (*T, error) {
	env, err := call[monitorEnvelope[T]](ctx, c, &core.Request{
		Method: http.MethodGet, Path: path, Root: true, Query: q, Check: checkBody(monitorFailed),
	}, opts)
	if err != nil {
		return nil, err
	}
	out := env.Data
	if out == nil {
		out = new(T)
	}
	PT(out).setRawJSON(env.raw)
	return out, nil
}

// setRawJSON keeps the body for getMonitor.
func (e *monitorEnvelope[T]) setRawJSON(b []byte) { e.raw = b }

// GetQuota returns the plan's level and the state of its quota windows.
// Experimental (undocumented endpoint).
//
// GET /api/monitor/usage/quota/limit
func (s *CodingPlanService) GetQuota(ctx context.Context, opts ...Option) (*CodingPlanQuotaResponse, error) {
	return getMonitor[CodingPlanQuotaResponse](ctx, s.client, "/monitor/usage/quota/limit", nil, opts)
}

// GetModelUsage returns the plan's token usage over a window, per hour or
// per day. Experimental (undocumented endpoint).
//
// GET /api/monitor/usage/model-usage?startTime=&endTime=
func (s *CodingPlanService) GetModelUsage(ctx context.Context, req UsageRequest, opts ...Option) (*ModelUsageResponse, error) {
	q, err := req.query()
	if err != nil {
		return nil, err
	}
	return getMonitor[ModelUsageResponse](ctx, s.client, "/monitor/usage/model-usage", q, opts)
}

// GetToolUsage returns the plan's MCP tool calls over a window, per hour or
// per day. Experimental (undocumented endpoint).
//
// GET /api/monitor/usage/tool-usage?startTime=&endTime=
func (s *CodingPlanService) GetToolUsage(ctx context.Context, req UsageRequest, opts ...Option) (*ToolUsageResponse, error) {
	q, err := req.query()
	if err != nil {
		return nil, err
	}
	return getMonitor[ToolUsageResponse](ctx, s.client, "/monitor/usage/tool-usage", q, opts)
}

// codingPlanAdvice returns the advice NewClient adds to errors on base: a
// 1113 (insufficient balance) on a general base URL may come from a GLM
// Coding Plan key, which has no balance there; its quota is spent only on
// the coding base URL. On other base URLs it returns nil.
func codingPlanAdvice(base string) func(*APIError) string {
	var coding string
	switch strings.TrimRight(base, "/") {
	case InternationalBaseURL:
		coding = "CodingBaseURL (" + CodingBaseURL + ")"
	case BigModelBaseURL:
		coding = "BigModelCodingBaseURL (" + BigModelCodingBaseURL + ")"
	default:
		return nil
	}
	advice := "a GLM Coding Plan key is spent only on " + coding + ": set it with WithBaseURL"
	return func(e *APIError) string {
		if e.Code == "1113" {
			return advice
		}
		return ""
	}
}
