package zai_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

// The monitor calls send the credential without "Bearer ", as the official
// Coding Plan plugins do (zai-org/zai-coding-plugins query-usage.mjs,
// submit-feedback.mjs: "Authorization": authToken), the JWT of WithJWTAuth
// too; every other call keeps "Bearer ".
func TestCodingPlanSendsTheKeyWithoutBearer(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(`{"code":200,"msg":"ok","data":{},"success":true}`))
	window := zai.UsageRequest{Start: time.Unix(1767225600, 0), End: time.Unix(1767229200, 0)}
	for name, call := range map[string]func(*zai.Client) error{
		"quota":       func(c *zai.Client) error { _, err := c.CodingPlan.GetQuota(ctxb); return err },
		"model usage": func(c *zai.Client) error { _, err := c.CodingPlan.GetModelUsage(ctxb, window); return err },
		"tool usage":  func(c *zai.Client) error { _, err := c.CodingPlan.GetToolUsage(ctxb, window); return err },
		"feedback": func(c *zai.Client) error {
			_, err := c.CodingPlan.CreateFeedback(ctxb, zai.CodingPlanFeedbackRequest{Feedback: "f", Context: "c"})
			return err
		},
	} {
		if err := call(client); err != nil {
			t.Fatal(name, err)
		}
		if got := rec.last(t).Header.Get("Authorization"); got != "test-key.secret" {
			t.Errorf("%s: Authorization %q", name, got)
		}
		jwtClient, err := zai.NewClient(zai.WithAPIKey("test-key.secret"), zai.WithBaseURL(rec.srv.URL+"/api/paas/v4"), zai.WithJWTAuth(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if err := call(jwtClient); err != nil {
			t.Fatal(name, err)
		}
		if got := rec.last(t).Header.Get("Authorization"); strings.HasPrefix(got, "Bearer") || strings.Count(got, ".") != 2 {
			t.Errorf("%s with JWT: Authorization %q", name, got)
		}
	}
	client.Models.List(ctxb) // the body is not a model list; only the header matters
	if got := rec.last(t); got.Path != "/api/paas/v4/models" || got.Header.Get("Authorization") != "Bearer test-key.secret" {
		t.Fatalf("other calls: %s %q", got.Path, got.Header.Get("Authorization"))
	}
}

// The feedback body carries every member, empty ones too, under the
// plugin's camelCase names.
func TestCodingPlanFeedbackGolden(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(`{"code":200,"msg":"操作成功","data":null,"success":true}`))
	req := zai.CodingPlanFeedbackRequest{Feedback: "The agent loops on tool calls", Context: "Refactoring a Go package; see the log.",
		CodeType: "go", HappenedTime: "2025-12-10 11:15:00", RequestID: "20251210111500abc"}
	resp, err := client.CodingPlan.CreateFeedback(ctxb, req)
	if err != nil {
		t.Fatal(err)
	}
	got := rec.last(t)
	if got.Method != "POST" || got.Path != "/api/monitor/feedback/case" {
		t.Fatalf("%s %s", got.Method, got.Path)
	}
	assertGoldenJSON(t, "coding_plan_feedback_every_field.json", got.Body)
	assertRoundTrips[zai.CodingPlanFeedbackRequest](t, got.Body)
	if string(resp.RawJSON()) != `{"code":200,"msg":"操作成功","data":null,"success":true}` {
		t.Fatalf("raw %s", resp.RawJSON())
	}

	if _, err := client.CodingPlan.CreateFeedback(ctxb, zai.CodingPlanFeedbackRequest{Feedback: "f", Context: "c"}); err != nil {
		t.Fatal(err)
	}
	if m := decodeBody(t, rec.last(t).Body); len(m) != 5 || m["codeType"] != "" || m["requestId"] != "" || m["happenedTime"] != "" {
		t.Fatalf("minimal body %v", m)
	}
}

func TestCodingPlanFeedbackFailures(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(`{"code":500,"msg":"系统错误","success":false}`))
	for name, req := range map[string]zai.CodingPlanFeedbackRequest{
		"no feedback": {Context: "c"},
		"no context":  {Feedback: "f", Context: "  "},
	} {
		if _, err := client.CodingPlan.CreateFeedback(ctxb, req); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests", n)
	}
	_, err := client.CodingPlan.CreateFeedback(ctxb, zai.CodingPlanFeedbackRequest{Feedback: "f", Context: "c"})
	assertAPIError(t, err, 200, "500", "系统错误", "log-123", zai.ErrServer)
}

// zaitest takes the bare key on the monitor, and only there.
func TestZaitestMonitorTakesTheBareKey(t *testing.T) {
	srv := zaitest.NewServer(t)
	if _, err := srv.Client().CodingPlan.CreateFeedback(context.Background(), zai.CodingPlanFeedbackRequest{Feedback: "f", Context: "c"}); err != nil {
		t.Fatal(err)
	}
	if got := srv.Requests()[0].Header.Get("Authorization"); got != zaitest.DefaultAPIKey {
		t.Fatalf("Authorization %q", got)
	}
}
