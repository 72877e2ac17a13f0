package zaitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// The GLM Coding Plan monitor (GET /api/monitor/usage/...). Bodies take the
// {"code":200,"msg","data","success":true} envelope of
// testdata/shapes/coding_plan_*.json.

// monitorZone is the zone the monitor reads and writes times in (UTC+8).
var monitorZone = time.FixedZone("UTC+8", 8*60*60)

// monitorTimeLayout is the layout of startTime and endTime.
const monitorTimeLayout = "2006-01-02 15:04:05"

// maxUsageBuckets caps the buckets of one usage answer.
const maxUsageBuckets = 100

func writeMonitor(w http.ResponseWriter, data any) {
	writeJSON(w, map[string]any{"code": 200, "msg": "操作成功", "data": data, "success": true})
}

// monitorError answers as the monitor fails: {"code","msg","success":false}.
func monitorError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	b, _ := encodeBody(map[string]any{"code": status, "msg": msg, "success": false})
	w.Write(b)
}

// quota answers GET /monitor/usage/quota/limit: a "pro" plan with a 5-hour
// and a weekly TOKENS_LIMIT window and a monthly TIME_LIMIT of 1000 tool
// calls, 42 used. Windows reset 5 hours, 7 days and 31 days after Created.
func (s *Server) quota(w http.ResponseWriter, req *Request) {
	reset := func(d time.Duration) int64 { return time.Unix(Created, 0).Add(d).UnixMilli() }
	writeMonitor(w, map[string]any{"level": "pro", "limits": []any{
		map[string]any{"type": "TOKENS_LIMIT", "unit": 3, "number": 5, "usage": 0, "currentValue": 1200000,
			"remaining": 0, "percentage": 30, "nextResetTime": reset(5 * time.Hour)},
		map[string]any{"type": "TOKENS_LIMIT", "unit": 6, "number": 1, "usage": 0, "currentValue": 9600000,
			"remaining": 0, "percentage": 12, "nextResetTime": reset(7 * 24 * time.Hour)},
		map[string]any{"type": "TIME_LIMIT", "unit": 5, "number": 1, "usage": 1000, "currentValue": 42,
			"remaining": 958, "percentage": 4.2, "nextResetTime": reset(31 * 24 * time.Hour),
			"usageDetails": []any{
				map[string]any{"modelCode": "search-prime", "usage": 30},
				map[string]any{"modelCode": "web-reader", "usage": 10},
				map[string]any{"modelCode": "zread", "usage": 2},
			}},
	}})
}

// bucket is one time bucket of a usage answer; n numbers it (hours or days
// since the Unix epoch, in UTC+8), so the counts of a bucket do not depend
// on the window around it.
type bucket struct {
	label string
	n     int64
}

// usageBuckets reads startTime and endTime and cuts the window into hours
// (a window of up to 24 hours) or days, at most maxUsageBuckets of them.
func usageBuckets(w http.ResponseWriter, req *Request) ([]bucket, string, bool) {
	q, _ := url.ParseQuery(req.Query)
	start, err1 := time.ParseInLocation(monitorTimeLayout, q.Get("startTime"), monitorZone)
	end, err2 := time.ParseInLocation(monitorTimeLayout, q.Get("endTime"), monitorZone)
	if err1 != nil || err2 != nil {
		monitorError(w, 400, fmt.Sprintf("startTime and endTime must be %q", monitorTimeLayout))
		return nil, "", false
	}
	if end.Before(start) {
		monitorError(w, 400, "endTime is before startTime")
		return nil, "", false
	}
	step, layout, granularity := time.Hour, "2006-01-02 15:00", "hourly"
	if end.Sub(start) > 24*time.Hour {
		step, layout, granularity = 24*time.Hour, "2006-01-02", "daily"
	}
	_, off := start.Zone()
	shift := time.Duration(off) * time.Second
	var out []bucket
	for t := start.Add(shift).Truncate(step).Add(-shift); !t.After(end) && len(out) < maxUsageBuckets; t = t.Add(step) {
		out = append(out, bucket{label: t.Format(layout), n: (t.Unix() + int64(off)) / int64(step/time.Second)})
	}
	return out, granularity, true
}

func sum(xs []int64) int64 {
	var t int64
	for _, x := range xs {
		t += x
	}
	return t
}

// modelUsage answers GET /monitor/usage/model-usage: one model, GLM-4.7,
// with 2 + n%7 calls of 1500 tokens each in bucket n.
func (s *Server) modelUsage(w http.ResponseWriter, req *Request) {
	buckets, granularity, ok := usageBuckets(w, req)
	if !ok {
		return
	}
	labels, calls, tokens := []string{}, []int64{}, []int64{}
	for _, b := range buckets {
		c := 2 + b.n%7
		labels, calls, tokens = append(labels, b.label), append(calls, c), append(tokens, c*1500)
	}
	summary := []any{map[string]any{"modelName": "GLM-4.7", "totalTokens": sum(tokens), "sortOrder": 1}}
	writeMonitor(w, map[string]any{"x_time": labels, "modelCallCount": calls, "tokensUsage": tokens,
		"totalUsage":       map[string]any{"totalModelCallCount": sum(calls), "totalTokensUsage": sum(tokens), "modelSummaryList": summary},
		"modelDataList":    []any{map[string]any{"modelName": "GLM-4.7", "sortOrder": 1, "tokensUsage": tokens, "totalTokens": sum(tokens)}},
		"modelSummaryList": summary, "granularity": granularity})
}

// toolUsage answers GET /monitor/usage/tool-usage: n%3 web searches, n%2
// web reads and one zread call when n%5 is 0, in bucket n.
func (s *Server) toolUsage(w http.ResponseWriter, req *Request) {
	buckets, granularity, ok := usageBuckets(w, req)
	if !ok {
		return
	}
	labels, search, read, zread := []string{}, []int64{}, []int64{}, []int64{}
	for _, b := range buckets {
		z := int64(0)
		if b.n%5 == 0 {
			z = 1
		}
		labels, search, read, zread = append(labels, b.label), append(search, b.n%3), append(read, b.n%2), append(zread, z)
	}
	tools := []struct {
		code, name, en string
		counts         []int64
	}{
		{"search-prime", "网络搜索", "Web Search", search},
		{"web-reader", "网页读取", "Web Reader", read},
		{"zread", "开源仓库", "Zread", zread},
	}
	summary, data := []any{}, []any{}
	for i, t := range tools {
		summary = append(summary, map[string]any{"toolCode": t.code, "toolName": t.name, "toolNameI18n": t.en,
			"totalUsageCount": sum(t.counts), "sortOrder": i + 1})
		data = append(data, map[string]any{"toolCode": t.code, "toolName": t.name, "sortOrder": i + 1,
			"usageCount": t.counts, "totalUsageCount": sum(t.counts)})
	}
	writeMonitor(w, map[string]any{"x_time": labels, "networkSearchCount": search, "webReadMcpCount": read, "zreadMcpCount": zread,
		"totalUsage": map[string]any{"totalNetworkSearchCount": sum(search), "totalWebReadMcpCount": sum(read),
			"totalZreadMcpCount": sum(zread), "totalSearchMcpCount": sum(search), "toolSummaryList": summary},
		"toolDataList": data, "toolSummaryList": summary, "granularity": granularity})
}

// feedback answers POST /monitor/feedback/case, the Coding Plan bug report
// of the official glm-plan-bug plugin: feedback and context are required.
// No answer of the live API is public; zaitest answers with the monitor's
// envelope and no data.
func (s *Server) feedback(w http.ResponseWriter, req *Request) {
	var p struct {
		Feedback string `json:"feedback"`
		Context  string `json:"context"`
	}
	if json.Unmarshal(req.Body, &p) != nil || p.Feedback == "" || p.Context == "" {
		monitorError(w, 400, "feedback and context are required")
		return
	}
	writeMonitor(w, nil)
}
