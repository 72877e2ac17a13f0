package zai_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zai-go/zai"
)

const okBody = `{"id":"1","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}`

func okHandler(w http.ResponseWriter, r *http.Request) { io.WriteString(w, okBody) }

func TestNewClientKeyFromEnvAndOption(t *testing.T) {
	t.Setenv(zai.EnvAPIKey, "")
	t.Setenv(zai.EnvBaseURL, "")
	if _, err := zai.NewClient(); !errors.Is(err, zai.ErrMissingAPIKey) {
		t.Fatalf("no key: %v", err)
	}
	t.Setenv(zai.EnvAPIKey, "env-key")
	c, err := zai.NewClient()
	if err != nil || c.BaseURL() != zai.InternationalBaseURL {
		t.Fatalf("%v %v", c, err)
	}
	t.Setenv(zai.EnvBaseURL, zai.BigModelBaseURL+"/")
	c, _ = zai.NewClient()
	if c.BaseURL() != zai.BigModelBaseURL {
		t.Fatalf("base from env: %s", c.BaseURL())
	}
	c, _ = zai.NewClient(zai.WithBaseURL(zai.CodingBaseURL))
	if c.BaseURL() != zai.CodingBaseURL {
		t.Fatalf("option wins over env: %s", c.BaseURL())
	}
}

func TestBaseURLConstants(t *testing.T) {
	for got, want := range map[string]string{
		zai.InternationalBaseURL:  "https://api.z.ai/api/paas/v4",
		zai.BigModelBaseURL:       "https://open.bigmodel.cn/api/paas/v4",
		zai.CodingBaseURL:         "https://api.z.ai/api/coding/paas/v4",
		zai.BigModelCodingBaseURL: "https://open.bigmodel.cn/api/coding/paas/v4",
	} {
		if got != want {
			t.Errorf("%s != %s", got, want)
		}
	}
}

func TestInsecureBaseURLRefused(t *testing.T) {
	for _, u := range []string{"http://api.z.ai/api/paas/v4", "http://10.0.0.1:8080"} {
		if _, err := zai.NewClient(zai.WithAPIKey("k"), zai.WithBaseURL(u)); !errors.Is(err, zai.ErrInsecureBaseURL) {
			t.Errorf("%s: %v", u, err)
		}
	}
	for _, u := range []string{"http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9", "https://api.z.ai/api/paas/v4"} {
		if _, err := zai.NewClient(zai.WithAPIKey("k"), zai.WithBaseURL(u)); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	if _, err := zai.NewClient(zai.WithAPIKey("k"), zai.WithBaseURL("api.z.ai")); !errors.Is(err, zai.ErrInvalidRequest) {
		t.Errorf("relative URL: %v", err)
	}
	// A per-call base URL is checked too, before anything is sent.
	rec, client := newRecorder(t, okHandler)
	if _, err := client.Chat.Completions.Create(context.Background(), hiReq, zai.WithBaseURL("http://example.com")); !errors.Is(err, zai.ErrInsecureBaseURL) {
		t.Fatalf("per-call: %v", err)
	}
	if len(rec.requests()) != 0 {
		t.Fatal("request sent to an insecure URL")
	}
}

func TestHeadersAndBearerAuth(t *testing.T) {
	rec, client := newRecorder(t, okHandler)
	if _, err := client.Chat.Completions.Create(context.Background(), hiReq, zai.WithHeader("X-Trace", "t1")); err != nil {
		t.Fatal(err)
	}
	h := rec.last(t).Header
	if h.Get("Authorization") != "Bearer test-key.secret" || h.Get("User-Agent") != "zai-go/"+zai.Version ||
		h.Get("Content-Type") != "application/json" || h.Get("X-Trace") != "t1" {
		t.Fatalf("headers %v", h)
	}
	client.Chat.Completions.Create(context.Background(), hiReq)
	if rec.last(t).Header.Get("X-Trace") != "" {
		t.Fatal("a per-call header leaked into the next call")
	}
	client.Chat.Completions.Create(context.Background(), hiReq, zai.WithAPIKey("other"))
	if rec.last(t).Header.Get("Authorization") != "Bearer other" {
		t.Fatal("per-call key not used")
	}
}

func TestJWTAuth(t *testing.T) {
	now := time.UnixMilli(1_760_000_000_000)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	rec, _ := newRecorder(t, okHandler)
	client, err := zai.NewClient(zai.WithAPIKey("myid.mysecret"), zai.WithBaseURL(rec.srv.URL), zai.WithJWTAuth(time.Minute), zai.WithTestHooks(nil, nil, clock))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); client.Chat.Completions.Create(context.Background(), hiReq) }()
	}
	wg.Wait()
	var tokens []string
	for _, r := range rec.requests() {
		tokens = append(tokens, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	}
	for _, tok := range tokens {
		if tok != tokens[0] {
			t.Fatal("token not cached across concurrent calls")
		}
	}
	parts := strings.Split(tokens[0], ".")
	hdr, _ := base64.RawURLEncoding.DecodeString(parts[0])
	claims, _ := base64.RawURLEncoding.DecodeString(parts[1])
	if string(hdr) != `{"alg":"HS256","sign_type":"SIGN"}` || string(claims) != `{"api_key":"myid","exp":1760000060000,"timestamp":1760000000000}` {
		t.Fatalf("header %s claims %s", hdr, claims)
	}
	if strings.Contains(tokens[0], "mysecret") {
		t.Fatal("secret in token")
	}
	mu.Lock()
	now = now.Add(50 * time.Second) // within the refresh margin of a 60 s token
	mu.Unlock()
	client.Chat.Completions.Create(context.Background(), hiReq)
	if strings.TrimPrefix(rec.last(t).Header.Get("Authorization"), "Bearer ") == tokens[0] {
		t.Fatal("token not refreshed before expiry")
	}
	// Per-call options that touch auth must never fall back to the raw key.
	for _, opt := range []zai.Option{zai.WithAPIKey("myid.mysecret"), zai.WithJWTAuth(time.Minute), zai.WithHeader("X-A", "b")} {
		client.Chat.Completions.Create(context.Background(), hiReq, opt)
		if got := rec.last(t).Header.Get("Authorization"); strings.Contains(got, "mysecret") || strings.Count(got, ".") != 2 {
			t.Fatalf("per-call option sent %q, want a JWT", got)
		}
	}
	if _, err := zai.NewClient(zai.WithAPIKey("nodot"), zai.WithJWTAuth(0)); !errors.Is(err, zai.ErrInvalidAPIKey) || strings.Contains(err.Error(), "nodot") {
		t.Fatalf("bad JWT key: %v", err)
	}
}

func TestKeyNeverPrinted(t *testing.T) {
	const key = "sk-very-secret.abc123"
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	rec, _ := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(401)
		io.WriteString(w, `{"error":{"code":"1002","message":"Invalid Authentication Token"}}`)
	})
	client, err := zai.NewClient(zai.WithAPIKey(key), zai.WithBaseURL(rec.srv.URL), zai.WithLogger(logger))
	if err != nil {
		t.Fatal(err)
	}
	_, callErr := client.Chat.Completions.Create(context.Background(), hiReq)
	logger.Info("client", "c", client)
	for name, s := range map[string]string{
		"%v": fmt.Sprintf("%v", client), "%+v": fmt.Sprintf("%+v", client), "%#v": fmt.Sprintf("%#v", client),
		"%s": fmt.Sprint(client), "chat %+v": fmt.Sprintf("%+v", *client.Chat.Completions), "error": callErr.Error(), "logs": logs.String(),
	} {
		if strings.Contains(s, "very-secret") || strings.Contains(s, "abc123") {
			t.Errorf("%s reveals the key: %s", name, s)
		}
	}
	if !errors.Is(callErr, zai.ErrAuthentication) {
		t.Fatal(callErr)
	}
}

func TestLoggerFields(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	_, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Log-Id", "log-42")
		io.WriteString(w, okBody)
	})
	secretPrompt := "my private prompt"
	client.Chat.Completions.Create(context.Background(), zai.ChatCompletionRequest{Model: "m", Messages: []zai.Message{zai.UserMessage(secretPrompt)}}, zai.WithLogger(logger))
	var entry map[string]any
	if err := json.Unmarshal(logs.Bytes(), &entry); err != nil {
		t.Fatalf("%v: %s", err, logs.String())
	}
	if entry["method"] != "POST" || entry["path"] != "/chat/completions" || entry["status"] != float64(200) ||
		entry["attempt"] != float64(1) || entry["request_id"] != "log-42" || entry["duration"] == nil {
		t.Fatalf("log entry %v", entry)
	}
	if strings.Contains(logs.String(), secretPrompt) || strings.Contains(logs.String(), "test-key") {
		t.Fatal("body or key logged")
	}
}

func TestExtraBodyMergedLast(t *testing.T) {
	rec, client := newRecorder(t, okHandler)
	req := hiReq
	req.Temperature = zai.Ptr(0.5)
	client.Chat.Completions.Create(context.Background(), req, zai.WithExtraBody(map[string]any{"temperature": 0.9, "new_field": map[string]any{"a": 1}}))
	var body map[string]any
	json.Unmarshal(rec.last(t).Body, &body)
	if body["temperature"] != 0.9 || fmt.Sprint(body["new_field"]) != "map[a:1]" || body["model"] != hiReq.Model {
		t.Fatalf("body %v", body)
	}
}

func TestAgentsRootDerived(t *testing.T) {
	for base, want := range map[string]string{
		zai.InternationalBaseURL:         "https://api.z.ai/api",
		zai.CodingBaseURL:                "https://api.z.ai/api",
		zai.BigModelBaseURL:              "https://open.bigmodel.cn/api",
		zai.BigModelCodingBaseURL:        "https://open.bigmodel.cn/api",
		"http://127.0.0.1:9/api/paas/v4": "http://127.0.0.1:9/api",
		"https://proxy.example.com/zai":  "https://proxy.example.com/zai",
	} {
		if got := zai.AgentsRoot(base); got != want {
			t.Errorf("%s: %s, want %s", base, got, want)
		}
	}
	if _, err := zai.NewClient(zai.WithAPIKey("k"), zai.WithAgentsBaseURL("http://example.com/api")); !errors.Is(err, zai.ErrInsecureBaseURL) {
		t.Fatalf("insecure agents root: %v", err)
	}
}

func TestRetryScheduleWithRetryAfter(t *testing.T) {
	var delays []time.Duration
	sleep := func(_ context.Context, d time.Duration) error { delays = append(delays, d); return nil }
	attempt := 0
	rec, _ := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		attempt++
		switch attempt {
		case 1:
			w.WriteHeader(503)
		case 2:
			w.Header().Set("Retry-After", "3")
			w.WriteHeader(429)
			io.WriteString(w, `{"error":{"code":"1302","message":"High concurrency"}}`)
		case 3:
			w.Header().Set("Retry-After-Ms", "1250")
			w.WriteHeader(500)
		default:
			io.WriteString(w, okBody)
		}
	})
	client, _ := zai.NewClient(zai.WithAPIKey("k"), zai.WithBaseURL(rec.srv.URL), zai.WithTestHooks(sleep, func() float64 { return 0.5 }, nil))
	resp, err := client.Chat.Completions.Create(context.Background(), hiReq)
	if err != nil || resp.Choices[0].Message.Content != "hi" {
		t.Fatal(err)
	}
	want := []time.Duration{437500 * time.Microsecond, 3 * time.Second, 1250 * time.Millisecond}
	if fmt.Sprint(delays) != fmt.Sprint(want) {
		t.Fatalf("delays %v, want %v", delays, want)
	}
}

func TestMaxRetriesOption(t *testing.T) {
	for _, n := range []int{0, 1, 5} {
		rec, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(502) })
		_, err := client.Chat.Completions.Create(context.Background(), hiReq, zai.WithMaxRetries(n))
		if !errors.Is(err, zai.ErrServer) || len(rec.requests()) != n+1 {
			t.Errorf("WithMaxRetries(%d): %d attempts, err %v", n, len(rec.requests()), err)
		}
	}
	if _, err := zai.NewClient(zai.WithAPIKey("k"), zai.WithMaxRetries(-1)); !errors.Is(err, zai.ErrInvalidRequest) {
		t.Fatal(err)
	}
}

func TestRequestTimeoutError(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	rec, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	_, err := client.Chat.Completions.Create(context.Background(), hiReq, zai.WithRequestTimeout(30*time.Millisecond), zai.WithMaxRetries(1))
	if !errors.Is(err, zai.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
	if len(rec.requests()) != 2 {
		t.Fatalf("%d attempts, want 2", len(rec.requests()))
	}
}

func TestContextDeadlineWrapped(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	_, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err := client.Chat.Completions.Create(ctx, hiReq)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
}

func TestRedirectToPlainHTTPRefused(t *testing.T) {
	rec, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://zai-redirect.invalid/api/paas/v4/chat/completions", http.StatusTemporaryRedirect)
	})
	_, err := client.Chat.Completions.Create(context.Background(), hiReq)
	if !errors.Is(err, zai.ErrInsecureBaseURL) || len(rec.requests()) != 1 {
		t.Fatalf("err %v after %d requests", err, len(rec.requests()))
	}
}
