package zai_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zai-go/zai"
)

func TestCodingPlanGetQuota(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/coding_plan_quota.json", "application/json"))
	q, err := client.CodingPlan.GetQuota(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := rec.last(t)
	if got.Method != "GET" || got.Path != "/api/monitor/usage/quota/limit" || got.Query != "" {
		t.Fatalf("%s %s?%s", got.Method, got.Path, got.Query)
	}
	if q.Level != "pro" || len(q.Limits) != 3 {
		t.Fatalf("%+v", q)
	}
	five := q.Limits[0]
	if five.Type != zai.QuotaTypeTokens || five.Unit != 3 || five.Number != 5 || five.CurrentValue != 1250000 || five.Percentage != 31.5 ||
		!five.ResetTime().Equal(time.UnixMilli(1786650000000)) {
		t.Fatalf("%+v", five)
	}
	tools := q.Limits[2]
	if tools.Type != zai.QuotaTypeTime || tools.Usage != 1000 || tools.Remaining != 958 || len(tools.UsageDetails) != 3 ||
		tools.UsageDetails[0] != (zai.QuotaUsageDetail{ModelCode: "search-prime", Usage: 30}) {
		t.Fatalf("%+v", tools)
	}
	if string(q.RawJSON()) != string(readFile(t, "testdata/shapes/coding_plan_quota.json")) {
		t.Fatal("RawJSON is not the body")
	}
	if (zai.QuotaLimit{}).ResetTime() != (time.Time{}) {
		t.Fatal("zero reset time")
	}
}

func TestCodingPlanUsageWindowInUTC8(t *testing.T) {
	rec, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		name := "model"
		if strings.HasSuffix(r.URL.Path, "tool-usage") {
			name = "tool"
		}
		respondFile(t, "testdata/shapes/coding_plan_"+name+"_usage.json", "application/json")(w, r)
	})
	// One instant in two zones gives the same window: 01:00 UTC is 09:00 in UTC+8.
	start := time.Date(2026, 8, 2, 1, 0, 0, 0, time.UTC)
	end := start.Add(2 * time.Hour).In(time.FixedZone("CEST", 2*3600))
	req := zai.UsageRequest{Start: start, End: end}
	m, err := client.CodingPlan.GetModelUsage(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	got := rec.last(t)
	q, _ := url.ParseQuery(got.Query)
	if got.Path != "/api/monitor/usage/model-usage" || q.Get("startTime") != "2026-08-02 09:00:00" || q.Get("endTime") != "2026-08-02 11:00:00" || len(q) != 2 {
		t.Fatalf("%s?%s", got.Path, got.Query)
	}
	if strings.Contains(got.Query, " ") {
		t.Fatalf("unescaped space in %q", got.Query)
	}
	if m.Granularity != "hourly" || len(m.XTime) != 2 || m.TokensUsage[1] != 420000 || m.TotalUsage.TotalTokensUsage != 570000 ||
		len(m.ModelDataList) != 1 || m.ModelDataList[0].ModelName != "GLM-4.7" || m.ModelSummaryList[0].TotalTokens != 570000 {
		t.Fatalf("%+v", m)
	}

	u, err := client.CodingPlan.GetToolUsage(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	got = rec.last(t)
	q, _ = url.ParseQuery(got.Query)
	if got.Path != "/api/monitor/usage/tool-usage" || q.Get("startTime") != "2026-08-02 09:00:00" || q.Get("endTime") != "2026-08-02 11:00:00" {
		t.Fatalf("%s?%s", got.Path, got.Query)
	}
	if u.Granularity != "daily" || u.NetworkSearchCount[1] != 5 || u.TotalUsage.TotalNetworkSearchCount != 8 ||
		u.ToolSummaryList[0].ToolNameI18n != "Web Search" || u.ToolDataList[0].UsageCount[0] != 3 {
		t.Fatalf("%+v", u)
	}
}

func TestCodingPlanFailureEnvelopes(t *testing.T) {
	for _, body := range []string{
		`{"code":1001,"msg":"token expired","success":false}`,
		`{"code":500,"msg":"系统错误","data":null,"success":false}`,
		`{"success":false,"data":null}`,
	} {
		_, client := newRecorder(t, respondJSON(body))
		if _, err := client.CodingPlan.GetQuota(context.Background()); !errors.As(err, new(*zai.APIError)) {
			t.Errorf("%s: %v", body, err)
		}
	}
}

func TestCodingPlanUsageRefusesBadWindow(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(`{}`))
	now := time.Date(2026, 8, 2, 1, 0, 0, 0, time.UTC)
	for _, req := range []zai.UsageRequest{{}, {Start: now}, {End: now}, {Start: now, End: now.Add(-time.Second)}} {
		if _, err := client.CodingPlan.GetModelUsage(context.Background(), req); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("model %+v: %v", req, err)
		}
		if _, err := client.CodingPlan.GetToolUsage(context.Background(), req); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("tool %+v: %v", req, err)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}

// toServer sends every request to one test server, whatever its URL, so a
// client can keep a real base URL.
type toServer struct{ target *url.URL }

func (t toServer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = t.target.Scheme, t.target.Host, ""
	return http.DefaultTransport.RoundTrip(r)
}

func TestInsufficientBalanceOnGeneralBaseURLNamesCodingBaseURL(t *testing.T) {
	body := readFile(t, "testdata/recorded/error_429_1113.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	target, _ := url.Parse(srv.URL)
	hc := &http.Client{Transport: toServer{target}}
	req := zai.ChatCompletionRequest{Model: zai.ModelGLM4_7, Messages: []zai.Message{zai.UserMessage("hi")}}
	for base, want := range map[string]string{
		zai.InternationalBaseURL:  "CodingBaseURL (" + zai.CodingBaseURL + ")",
		zai.BigModelBaseURL:       "BigModelCodingBaseURL (" + zai.BigModelCodingBaseURL + ")",
		zai.CodingBaseURL:         "",
		zai.BigModelCodingBaseURL: "",
	} {
		client, err := zai.NewClient(zai.WithAPIKey("test-key"), zai.WithBaseURL(base), zai.WithHTTPClient(hc), zai.WithMaxRetries(0))
		if err != nil {
			t.Fatal(err)
		}
		_, err = client.Chat.Completions.Create(context.Background(), req)
		var apiErr *zai.APIError
		if !errors.As(err, &apiErr) || apiErr.Code != "1113" || !errors.Is(err, zai.ErrQuotaExceeded) {
			t.Fatalf("%s: %v", base, err)
		}
		hint := strings.Contains(err.Error(), "GLM Coding Plan")
		if want == "" && hint {
			t.Errorf("%s: a hint on the coding base URL: %v", base, err)
		}
		if want != "" && (!hint || !strings.Contains(err.Error(), want)) {
			t.Errorf("%s: %v", base, err)
		}
		if strings.Count(err.Error(), "zai: ") != 1 {
			t.Errorf("%s: prefix: %q", base, err)
		}
	}
}
