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
// These endpoints are not in the API reference, but they now have an
// official source: Z.ai's own Claude Code plugins (zai-org/zai-coding-plugins:
// glm-plan-usage reads the quota and usage, glm-plan-bug sends feedback),
// described at https://docs.bigmodel.cn/cn/coding-plan/extension/usage-query-plugin.
// The response shapes come from a peer SDK that read them from the live API
// (SamyRai/go-z-ai); they may still change without notice, and every
// response keeps its body in RawJSON. They live under /api/monitor on the
// host of the base URL, whichever base URL (general or coding) the client
// uses.
//
// Auth: as the official plugins do, these calls send the key (or the JWT of
// WithJWTAuth) in the Authorization header without the "Bearer " prefix
// that every other endpoint gets. The plugins format usage windows in the
// caller's local time zone; this service sends them in CodingPlanTimeZone
// (UTC+8), as the peer SDK checked live (neither form was compared live
// here).
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

// monitorFailed recognises an error envelope, or "success": false.
func monitorFailed(b []byte) bool {
	if hasErrorEnvelope(b) {
		return true
	}
	p, ok := probe(b)
	return ok && p.Success != nil && !*p.Success
}

// checkMonitor is the Check of the monitor endpoints, whose envelope is
// {"code":200,"msg":"...","data":{...},"success":true}.
var checkMonitor = checkBody(monitorFailed)

// monitorSettings resolves the settings of a monitor call: its credential
// goes without "Bearer ", as the official Coding Plan plugins send it
// (query-usage.mjs, submit-feedback.mjs: "Authorization": authToken).
func monitorSettings(c *Client, opts []Option) (*settings, error) {
	s, err := c.resolve(opts)
	if err != nil {
		return nil, err
	}
	raw := *s
	auth := s.Auth
	raw.Auth = func() (string, error) {
		v, err := auth()
		return strings.TrimPrefix(v, "Bearer "), err
	}
	return &raw, nil
}

// getMonitor fetches one monitor endpoint and unwraps its data, which keeps
// the whole body as its raw JSON.
func getMonitor[T any](ctx context.Context, c *Client, path string, q url.Values, opts []Option) (*T, error) {
	s, err := monitorSettings(c, opts)
	if err != nil {
		return nil, err
	}
	return callDataWith[T](ctx, s, &core.Request{
		Method: http.MethodGet, Path: path, Root: true, Query: q, Check: checkMonitor,
	})
}

// GetQuota returns the plan's level and the state of its quota windows.
//
// GET /api/monitor/usage/quota/limit
func (s *CodingPlanService) GetQuota(ctx context.Context, opts ...Option) (*CodingPlanQuotaResponse, error) {
	return getMonitor[CodingPlanQuotaResponse](ctx, s.client, "/monitor/usage/quota/limit", nil, opts)
}

// GetModelUsage returns the plan's token usage over a window, per hour or
// per day.
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
// per day.
//
// GET /api/monitor/usage/tool-usage?startTime=&endTime=
func (s *CodingPlanService) GetToolUsage(ctx context.Context, req UsageRequest, opts ...Option) (*ToolUsageResponse, error) {
	q, err := req.query()
	if err != nil {
		return nil, err
	}
	return getMonitor[ToolUsageResponse](ctx, s.client, "/monitor/usage/tool-usage", q, opts)
}

// CodingPlanFeedbackRequest is a bug report about a coding session, the
// body of POST /api/monitor/feedback/case as the official glm-plan-bug
// plugin sends it. Every member is sent, empty or not, as the plugin does.
type CodingPlanFeedbackRequest struct {
	// Feedback is the report itself (required).
	Feedback string `json:"feedback"`
	// Context summarises the session: the task, what was done, the errors
	// seen; the plugin appends the whole conversation (required).
	Context string `json:"context"`
	// CodeType is the programming language involved, such as "go".
	CodeType string `json:"codeType"`
	// HappenedTime is when the problem happened, such as
	// "2025-12-10 11:15:00".
	HappenedTime string `json:"happenedTime"`
	// RequestID is the request or session id the problem concerns.
	RequestID string `json:"requestId"`
}

// CodingPlanFeedbackResponse is the answer to CreateFeedback. No recording
// of it is public, so it types nothing: RawJSON holds the body.
type CodingPlanFeedbackResponse struct {
	rawBody
}

// CreateFeedback sends a bug report about a coding session to Z.ai, as the
// official glm-plan-bug plugin does. A body with "success": false or an
// error code is an *APIError.
//
// POST /api/monitor/feedback/case
func (s *CodingPlanService) CreateFeedback(ctx context.Context, req CodingPlanFeedbackRequest, opts ...Option) (*CodingPlanFeedbackResponse, error) {
	switch {
	case strings.TrimSpace(req.Feedback) == "":
		return nil, invalidf("feedback is empty")
	case strings.TrimSpace(req.Context) == "":
		return nil, invalidf("context is empty")
	}
	set, err := monitorSettings(s.client, opts)
	if err != nil {
		return nil, err
	}
	return callWith[CodingPlanFeedbackResponse](ctx, set, &core.Request{
		Method: http.MethodPost, Path: "/monitor/feedback/case", Root: true, Body: &req, Check: checkMonitor,
	})
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
