package zai_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/zai-go/zai"
)

func TestDecodeEveryEnvelope(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		header    http.Header
		body      string
		code, msg string
		reqID     string
	}{
		{"standard, recorded 429/1113", 429, http.Header{"X-Log-Id": {"20260711073209851e7f8c12c44579"}},
			`{"error":{"code":"1113","message":"Insufficient balance or no resource package. Please recharge."}}`,
			"1113", "Insufficient balance or no resource package. Please recharge.", "20260711073209851e7f8c12c44579"},
		{"standard, recorded 400/1211", 400, nil, `{"error":{"code":"1211","message":"Unknown Model, please check the model code."}}`,
			"1211", "Unknown Model, please check the model code.", ""},
		{"numeric code in error", 400, nil, `{"error":{"code":1214,"message":"Input cannot be empty"}}`, "1214", "Input cannot be empty", ""},
		{"OpenAPI document shape", 401, nil, `{"code":1002,"message":"Invalid Authentication Token"}`, "1002", "Invalid Authentication Token", ""},
		{"agents failure with 200, recorded", 200, nil,
			`{"id":"2026071106202516f8db3a3eaf460f","agent_id":"general_translation","status":"failed","error":{"code":"1113","message":"Your account balance is insufficient. Please recharge and try again."}}`,
			"1113", "Your account balance is insufficient. Please recharge and try again.", "2026071106202516f8db3a3eaf460f"},
		{"file parser Spring body with 200, recorded", 200, nil,
			`{"msg":"Required request parameter 'file_type' for method parameter type String is not present","code":500}`,
			"500", "Required request parameter 'file_type' for method parameter type String is not present", ""},
		{"knowledge envelope", 400, nil, `{"code":10001,"message":"参数错误","data":null,"timestamp":1689649504996}`, "10001", "参数错误", ""},
		{"Anthropic-compatible", 429, nil, `{"type":"error","error":{"type":"1113","message":"余额不足"},"request_id":"req_9"}`, "1113", "余额不足", "req_9"},
		{"error as text", 500, nil, `{"error":"upstream failed","code":"500"}`, "500", "upstream failed", ""},
		{"not JSON", 502, nil, "<html><body><h1>502 Bad Gateway</h1></body></html>", "", "<html><body><h1>502 Bad Gateway</h1></body></html>", ""},
		{"empty body", 503, nil, "", "", "Service Unavailable", ""},
		{"request_id in body", 500, nil, `{"error":{"code":"500","message":"Internal Error"},"request_id":"rid-1"}`, "500", "Internal Error", "rid-1"},
		{"trailing HTML comment", 429, nil, `{"error":{"code":"1113","message":"no balance"}}` + "\n<!-- a padding comment -->", "1113", "no balance", ""},
		{"trailing second JSON value", 429, nil, `{"error":{"code":"1113","message":"no balance"}}{"error":{"code":"1302"}}`, "1113", "no balance", ""},
		{"trailing NUL", 429, nil, `{"error":{"code":"1113","message":"no balance"}}` + "\x00", "1113", "no balance", ""},
		{"field of an unexpected type", 429, nil, `{"error":{"code":"1113","message":"no balance"},"request_id":42}`, "1113", "no balance", ""},
		{"problem+json", 429, nil, `{"type":"https://gateway.example.com/probs/rate","title":"Too Many Requests","status":429,"detail":"60 requests per minute"}`,
			"", "Too Many Requests: 60 requests per minute", ""},
		{"problem+json, title only", 403, nil, `{"type":"about:blank","title":"Key not allowed here","status":403}`, "", "Key not allowed here", ""},
		{"problem+json, detail only", 401, nil, `{"status":401,"detail":"token expired"}`, "", "token expired", ""},
		{"not UTF-8, short", 502, nil, "<h1>\xb4\xed\xce\xf3</h1> bad gateway", "", "<h1>\ufffd</h1> bad gateway", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := zai.DecodeAPIError(tt.status, tt.header, []byte(tt.body))
			var e *zai.APIError
			if !errors.As(err, &e) {
				t.Fatalf("%T", err)
			}
			if e.StatusCode != tt.status || e.Code != tt.code || e.Message != tt.msg || e.RequestID != tt.reqID {
				t.Fatalf("got status %d code %q msg %q req %q", e.StatusCode, e.Code, e.Message, e.RequestID)
			}
			if string(e.RawJSON()) != tt.body {
				t.Fatalf("raw %q", e.RawJSON())
			}
		})
	}
}

func TestErrorClassification(t *testing.T) {
	tests := []struct {
		status int
		code   string
		want   error
	}{
		{429, "1113", zai.ErrQuotaExceeded},
		{429, "1304", zai.ErrQuotaExceeded},
		{429, "1308", zai.ErrQuotaExceeded},
		{429, "1311", zai.ErrQuotaExceeded},
		{429, "1313", zai.ErrQuotaExceeded},
		{429, "1321", zai.ErrQuotaExceeded},
		{429, "1302", zai.ErrRateLimited},
		{429, "1303", zai.ErrRateLimited},
		{429, "1305", zai.ErrRateLimited},
		{429, "1312", zai.ErrRateLimited},
		{429, "1701", zai.ErrRateLimited},
		{429, "", zai.ErrRateLimited},
		{400, "1301", zai.ErrContentFiltered},
		{400, "1300", zai.ErrContentFiltered},
		{401, "1000", zai.ErrAuthentication},
		{401, "1003", zai.ErrAuthentication},
		{401, "", zai.ErrAuthentication},
		{400, "1210", zai.ErrBadRequest},
		{400, "1211", zai.ErrBadRequest},
		{400, "1214", zai.ErrBadRequest},
		{400, "1261", zai.ErrBadRequest},
		{400, "", zai.ErrBadRequest},
		{435, "", zai.ErrBadRequest},
		{403, "1220", zai.ErrPermission},
		{429, "1112", zai.ErrPermission},
		{434, "", zai.ErrPermission},
		{404, "", zai.ErrNotFound},
		{404, "1222", zai.ErrNotFound},
		{200, "1703", zai.ErrNotFound},
		{500, "500", zai.ErrServer},
		{500, "1234", zai.ErrServer},
		{429, "1120", zai.ErrServer},
		{200, "1702", zai.ErrServer},
		{503, "", zai.ErrServer},
		{408, "", zai.ErrTimeout},
	}
	all := []error{zai.ErrQuotaExceeded, zai.ErrRateLimited, zai.ErrContentFiltered, zai.ErrAuthentication,
		zai.ErrBadRequest, zai.ErrPermission, zai.ErrNotFound, zai.ErrServer, zai.ErrTimeout}
	for _, tt := range tests {
		err := error(&zai.APIError{StatusCode: tt.status, Code: tt.code})
		for _, s := range all {
			if errors.Is(err, s) != (s == tt.want) {
				t.Errorf("%d/%q: errors.Is(%v) = %v", tt.status, tt.code, s, errors.Is(err, s))
			}
		}
	}
}

func TestAPIErrorString(t *testing.T) {
	e := &zai.APIError{StatusCode: 429, Code: "1113", Message: "no balance", RequestID: "r1"}
	if got := e.Error(); got != "zai: 429 Too Many Requests: code 1113: no balance (request_id r1)" {
		t.Fatal(got)
	}
	s := &zai.APIError{StatusCode: 200, Code: "1301", Message: "unsafe", InStream: true}
	if got := s.Error(); got != "zai: error event in stream: code 1301: unsafe" {
		t.Fatal(got)
	}
	if e.CodeInt() != 1113 || (&zai.APIError{Code: "x"}).CodeInt() != 0 {
		t.Fatal("CodeInt")
	}
}

func TestNoRetryForPermanentErrors(t *testing.T) {
	for _, tc := range []struct {
		status   int
		body     string
		attempts int
	}{
		{429, `{"error":{"code":"1113","message":"balance"}}`, 1},
		{400, `{"error":{"code":"1301","message":"unsafe"}}`, 1},
		{401, `{"error":{"code":"1000","message":"auth"}}`, 1},
		{500, `{"error":{"code":"1301","message":"unsafe output"}}`, 1},
		{429, `{"error":{"code":"1302","message":"concurrency"}}`, 4},
		{429, `{"error":{"code":"1305","message":"overloaded"}}`, 4},
		{500, `{"error":{"code":"500","message":"Internal Error"}}`, 4},
		{408, ``, 4},
		{409, ``, 4},
		{404, ``, 1},
	} {
		rec, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tc.status)
			w.Write([]byte(tc.body))
		})
		_, err := client.Chat.Completions.Create(context.Background(), hiReq)
		if err == nil {
			t.Fatal("no error")
		}
		if n := len(rec.requests()); n != tc.attempts {
			t.Errorf("%d %s: %d attempts, want %d", tc.status, tc.body, n, tc.attempts)
		}
	}
}

func FuzzDecodeAPIError(f *testing.F) {
	for _, s := range []string{
		`{"error":{"code":"1113","message":"x"}}`,
		`{"code":1002,"message":"x"}`,
		`{"status":"failed","error":{"code":"400","message":"custom_variables is required"}}`,
		`{"msg":"m","code":500}`,
		`{"type":"error","error":{"type":"1113","message":"m"},"request_id":"r"}`,
		`{"error":"text"}`,
		`{"error":null,"code":null}`,
		`{"code":1e400}`,
		`<html>`,
		``,
		`{"error":{"code":"1113","message":"x"}}<!-- -->`,
		`{"error":{"code":"1113"}}{"error":{"code":"1302"}}`,
		`{"title":"Too Many Requests","status":429,"detail":"d"}`,
		"<title>\xcd\xf8\xb9\xd8\xb4\xed\xce\xf3</title>",
	} {
		f.Add(500, []byte(s))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		err := zai.DecodeAPIError(status, nil, body)
		var e *zai.APIError
		if !errors.As(err, &e) {
			t.Fatalf("%T", err)
		}
		if e.StatusCode != status {
			t.Fatal("status changed")
		}
		if strings.ContainsAny(e.Code, "\"{}") {
			t.Fatalf("code %q not normalised", e.Code)
		}
		// A replacement character (3 bytes) stands for a run of one or more
		// bytes that are not UTF-8, so the message may outgrow the body by
		// that much and no more.
		if len(e.Message) > 3*len(body)+64 {
			t.Fatalf("message longer than the body: %q", e.Message)
		}
		if !utf8.ValidString(e.Message) {
			t.Fatalf("message is not UTF-8: %q", e.Message)
		}
		if rest, ok := strings.CutPrefix(e.Error(), "zai: "); !ok || strings.HasPrefix(rest, "zai:") {
			t.Fatalf("error text %q does not start with exactly one zai: prefix", e.Error())
		}
		_ = e.Error()
		_ = errors.Is(err, zai.ErrRateLimited)
	})
}
