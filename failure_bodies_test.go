package zai_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/zai-go/zai"
)

// Some endpoints report failures inside an HTTP 200 body. These tests pin
// which bodies count as failures, through a loopback server.

// The file parser's Spring-style envelope carries a code: 500 is a failure
// (recorded, TestOCRParseFileSyncRecordedMissingFileType) but 200, sent as a
// number or a string, is success.
func TestFileParserCode200IsSuccess(t *testing.T) {
	for _, code := range []string{`200`, `"200"`} {
		body := `{"code":` + code + `,"msg":"success","task_id":"task_abc","message":"ok","status":true,` +
			`"content":"parsed text","parsing_result_url":"https://cdn.example.com/r.txt"}`
		rec, client := newRecorder(t, respondJSON(body))
		res, err := client.FileParser.Parse(context.Background(), zai.FileParseRequest{File: zai.FileInput{Reader: strings.NewReader("x")}, FileType: "pdf"})
		if err != nil {
			t.Fatalf("code %s: %v", code, err)
		}
		if res.TaskID != "task_abc" || res.Content != "parsed text" || res.Status != zai.FileParseStatusSucceeded {
			t.Fatalf("code %s: %+v", code, res)
		}
		if n := len(rec.requests()); n != 1 {
			t.Fatalf("code %s: %d requests", code, n)
		}
	}
	// The same envelope with another code is the failure it reports.
	_, client := newRecorder(t, respondJSON(`{"code":1214,"msg":"file_type is not supported"}`))
	_, err := client.FileParser.Parse(context.Background(), zai.FileParseRequest{File: zai.FileInput{Reader: strings.NewReader("x")}, FileType: "exe"})
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 200 || apiErr.Code != "1214" || apiErr.Message != "file_type is not supported" {
		t.Fatalf("%v", err)
	}
}

// An agent body with an error object is a failure even without
// "status":"failed".
func TestAgentsErrorObjectWithoutStatusIsFailure(t *testing.T) {
	// The recorded failure (error_agents_200_failed.json) without its status.
	body := `{"id":"2026071106202516f8db3a3eaf460f","agent_id":"general_translation",` +
		`"error":{"code":"1113","message":"Your account balance is insufficient. Please recharge and try again."}}`
	rec, client := newRecorder(t, respondJSON(body))
	req := zai.NewTranslationRequest("hello", zai.TranslationVariables{SourceLang: "auto", TargetLang: "zh-CN"})
	res, err := client.Agents.Invoke(context.Background(), req)
	if res != nil {
		t.Fatalf("a failed agent returned a result: %+v", res)
	}
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, zai.ErrQuotaExceeded) {
		t.Fatalf("err %v, want an *APIError matching ErrQuotaExceeded", err)
	}
	if apiErr.StatusCode != 200 || apiErr.Code != "1113" || apiErr.RequestID != "log-123" ||
		apiErr.Message != "Your account balance is insufficient. Please recharge and try again." {
		t.Fatalf("%+v", apiErr)
	}
	if n := len(rec.requests()); n != 1 {
		t.Fatalf("a 200 failure must not be retried: %d requests", n)
	}
	// An empty or null error member is not a failure.
	for _, e := range []string{`null`, `{}`} {
		_, client := newRecorder(t, respondJSON(`{"id":"x","agent_id":"general_translation","error":`+e+`,`+
			`"choices":[{"index":0,"finish_reason":"stop","messages":{"role":"assistant","content":{"type":"text","text":"你好"}}}]}`))
		res, err := client.Agents.Invoke(context.Background(), req)
		if err != nil || res.Text() != "你好" {
			t.Fatalf("error %s: %+v %v", e, res, err)
		}
	}
}
