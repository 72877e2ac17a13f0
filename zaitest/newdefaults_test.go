package zaitest_test

import (
	"bytes"
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

func proReq(q string) zai.WebSearchProRequest {
	return zai.WebSearchProRequest{Messages: []zai.WebSearchProMessage{{Role: "user", Content: q}}}
}

// proSummary flattens a web-search-pro answer's tool calls.
func proSummary(calls []zai.WebSearchProToolCall) string {
	var out []string
	for _, c := range calls {
		s := c.ID + ":" + string(c.Type)
		for _, i := range c.SearchIntent {
			s += " " + i.Query + "/" + string(i.Intent) + "/" + i.Keywords
		}
		for _, p := range c.SearchResult {
			s += " " + p.Title + "@" + p.Link + "#" + p.Refer
		}
		for _, q := range c.SearchRecommend {
			s += " " + q.Query
		}
		out = append(out, s)
	}
	return strings.Join(out, " | ")
}

const wantPro = "call_1:search_intent Go Generics/SEARCH_ALL/go generics | " +
	"call_2:search_result Result 1 for Go Generics@https://zaitest.invalid/search/1#ref_1 " +
	"Result 2 for Go Generics@https://zaitest.invalid/search/2#ref_2 Result 3 for Go Generics@https://zaitest.invalid/search/3#ref_3 | " +
	"call_3:search_recommend More about Go Generics"

func TestWebSearchPro(t *testing.T) {
	srv := zaitest.NewServer(t)
	client := srv.Client()
	res, err := client.WebSearch.SearchPro(ctx, proReq("Go Generics"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Choices) != 1 || res.Choices[0].FinishReason != zai.FinishReasonStop || res.Choices[0].Message.Role != "tool" ||
		res.Created != zaitest.Created || res.ID == "" || res.RequestID != res.ID {
		t.Fatalf("%s", res.RawJSON())
	}
	if got := proSummary(res.Choices[0].Message.ToolCalls); got != wantPro {
		t.Fatalf("got  %s\nwant %s", got, wantPro)
	}
	if b := srv.Requests()[0].JSON(); b["tool"] != zai.WebSearchProTool || b["stream"] != false {
		t.Fatalf("sent %v", b)
	}

	stream, err := client.WebSearch.SearchProStream(ctx, proReq("Go Generics"))
	if err != nil {
		t.Fatal(err)
	}
	var calls []zai.WebSearchProToolCall
	var finishes []string
	for c, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		calls = append(calls, c.Choices[0].Delta.ToolCalls...)
		finishes = append(finishes, string(c.Choices[0].FinishReason))
	}
	if got := proSummary(calls); got != wantPro || strings.Join(finishes, ",") != ",,stop" {
		t.Fatalf("stream: %s, finish reasons %q", got, finishes)
	}
	for i, c := range calls {
		if c.Index != i {
			t.Fatalf("call %d has index %d", i, c.Index)
		}
	}

	// The stream sends the intent as one object, as the live stream does.
	srv.Reset()
	resp := do(t, srv, "POST", "/tools", `{"tool":"web-search-pro","stream":true,"messages":[{"role":"user","content":"x"}]}`)
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), `"search_intent":{"index":0`) || !strings.HasSuffix(string(body), "data: [DONE]\n\n") {
		t.Fatalf("%s", body)
	}
	for _, bad := range []string{
		`{"tool":"web-search","messages":[{"role":"user","content":"x"}]}`,
		`{"tool":"web-search-pro","messages":[{"role":"assistant","content":"x"}]}`,
	} {
		if resp := do(t, srv, "POST", "/tools", bad); resp.StatusCode != 400 {
			t.Fatalf("%s: %s", bad, resp.Status)
		}
	}
}

func TestSpeechCustomTranscribesBack(t *testing.T) {
	srv := zaitest.NewServer(t)
	client := srv.Client()
	text := "Spoken in my own voice"
	sample := zaitest.WAV(zaitest.Tone("sample"), "sample")
	r := zai.SpeechCustomizationRequest{Model: "cogtts", Input: text, VoiceText: "sample",
		VoiceData: zai.FileInput{Reader: bytes.NewReader(sample), Name: "me.wav"}, ResponseFormat: zai.SpeechFormatWAV}
	resp, err := client.Audio.Speech.CreateCustom(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	wav, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.ContentType != "audio/wav" || !bytes.Equal(wav, zaitest.WAV(zaitest.Tone(text), text)) || resp.RequestID == "" {
		t.Fatalf("%s %d bytes, request id %q", resp.ContentType, len(wav), resp.RequestID)
	}
	got, err := client.Audio.Transcriptions.Create(ctx, zai.TranscriptionRequest{Model: zai.ModelGLMASR, File: zai.FileInput{Reader: bytes.NewReader(wav), Name: "out.wav"}})
	if err != nil || got.Text != text {
		t.Fatalf("%v %+v", err, got)
	}
	if name, data, ok := srv.Requests()[0].FormFile("voice_data"); !ok || name != "me.wav" || !bytes.Equal(data, sample) {
		t.Fatalf("voice_data %q %d bytes %v", name, len(data), ok)
	}

	r.ResponseFormat = ""
	r.VoiceData = zai.FileInput{Reader: bytes.NewReader(sample), Name: "me.wav"}
	resp, err = client.Audio.Speech.CreateCustom(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	pcm, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.ContentType != "audio/pcm" || !bytes.Equal(pcm, zaitest.Tone(text)) {
		t.Fatalf("%s %d bytes", resp.ContentType, len(pcm))
	}

	r.VoiceData = zai.FileInput{Reader: strings.NewReader(""), Name: "empty.wav"}
	_, err = client.Audio.Speech.CreateCustom(ctx, r)
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.Code != "1214" {
		t.Fatalf("empty sample: %v", err)
	}
}

func TestCodingPlanQuota(t *testing.T) {
	srv := zaitest.NewServer(t)
	q, err := srv.Client().CodingPlan.GetQuota(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if q.Level != "pro" || len(q.Limits) != 3 {
		t.Fatalf("%s", q.RawJSON())
	}
	five, week, tools := q.Limits[0], q.Limits[1], q.Limits[2]
	created := time.Unix(zaitest.Created, 0)
	if five.Type != zai.QuotaTypeTokens || five.Unit != 3 || five.Number != 5 || five.Percentage != 30 ||
		!five.ResetTime().Equal(created.Add(5*time.Hour)) {
		t.Fatalf("5 hours: %+v", five)
	}
	if week.Type != zai.QuotaTypeTokens || week.Unit != 6 || week.Percentage != 12 || !week.ResetTime().Equal(created.Add(7*24*time.Hour)) {
		t.Fatalf("week: %+v", week)
	}
	if tools.Type != zai.QuotaTypeTime || tools.Usage != 1000 || tools.CurrentValue != 42 || tools.Remaining != 958 ||
		len(tools.UsageDetails) != 3 || tools.UsageDetails[0].ModelCode != "search-prime" || tools.UsageDetails[0].Usage != 30 {
		t.Fatalf("tools: %+v", tools)
	}
	if !strings.Contains(string(q.RawJSON()), `"success":true`) {
		t.Fatalf("raw %s", q.RawJSON())
	}
	if p := srv.Requests()[0].Path; p != "/monitor/usage/quota/limit" {
		t.Fatalf("path %q", p)
	}
}

func TestCodingPlanUsage(t *testing.T) {
	srv := zaitest.NewServer(t)
	client := srv.Client()
	// 09:30 to 11:30 UTC+8, given in UTC: three hourly buckets.
	start := time.Date(2026, 8, 2, 1, 30, 0, 0, time.UTC)
	m, err := client.CodingPlan.GetModelUsage(ctx, zai.UsageRequest{Start: start, End: start.Add(2 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(m.XTime, ",") != "2026-08-02 09:00,2026-08-02 10:00,2026-08-02 11:00" || m.Granularity != "hourly" {
		t.Fatalf("%s", m.RawJSON())
	}
	var calls, tokens int64
	for i, c := range m.ModelCallCount {
		if c < 2 || c > 8 || m.TokensUsage[i] != c*1500 {
			t.Fatalf("bucket %d: %d calls, %d tokens", i, c, m.TokensUsage[i])
		}
		calls, tokens = calls+c, tokens+m.TokensUsage[i]
	}
	if m.TotalUsage.TotalModelCallCount != calls || m.TotalUsage.TotalTokensUsage != tokens ||
		len(m.ModelSummaryList) != 1 || m.ModelSummaryList[0].ModelName != "GLM-4.7" || m.ModelSummaryList[0].TotalTokens != tokens ||
		len(m.ModelDataList) != 1 || len(m.ModelDataList[0].TokensUsage) != 3 {
		t.Fatalf("%s", m.RawJSON())
	}
	q, _ := url.ParseQuery(srv.Requests()[0].Query)
	if q.Get("startTime") != "2026-08-02 09:30:00" || q.Get("endTime") != "2026-08-02 11:30:00" {
		t.Fatalf("query %v", q)
	}

	// The 10:00 bucket is the same in a wider window.
	wide, err := client.CodingPlan.GetModelUsage(ctx, zai.UsageRequest{Start: start.Add(-5 * time.Hour), End: start.Add(time.Hour)})
	if err != nil || len(wide.XTime) != 7 || wide.XTime[6] != "2026-08-02 10:00" || wide.ModelCallCount[6] != m.ModelCallCount[1] {
		t.Fatalf("%v %s", err, wide.RawJSON())
	}

	day := time.Date(2026, 8, 1, 0, 0, 0, 0, zai.CodingPlanTimeZone)
	u, err := client.CodingPlan.GetToolUsage(ctx, zai.UsageRequest{Start: day, End: day.Add(72 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(u.XTime, ",") != "2026-08-01,2026-08-02,2026-08-03,2026-08-04" || u.Granularity != "daily" ||
		len(u.ToolDataList) != 3 || len(u.ToolSummaryList) != 3 || u.ToolSummaryList[2].ToolCode != "zread" {
		t.Fatalf("%s", u.RawJSON())
	}
	var search int64
	for _, n := range u.NetworkSearchCount {
		search += n
	}
	if u.TotalUsage.TotalNetworkSearchCount != search || u.ToolSummaryList[0].TotalUsageCount != search || u.ToolDataList[0].TotalUsageCount != search {
		t.Fatalf("%s", u.RawJSON())
	}

	// Without the window the monitor refuses, in its own envelope.
	err = client.Do(ctx, "GET", "/api/monitor/usage/model-usage", nil, nil)
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || !strings.Contains(string(apiErr.RawJSON()), `"success":false`) ||
		!strings.Contains(apiErr.Message, "startTime and endTime") {
		t.Fatalf("%v", err)
	}
}
