package zai_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/zai-go/zai"
)

// A 429 with business code 1113 is a used-up balance: ErrQuotaExceeded,
// never retried. Bytes a proxy appends after the JSON envelope must not hide
// the code (it would then be a plain 429, ErrRateLimited, and retried).
func TestQuotaErrorWithTrailingBytesIsNotRetried(t *testing.T) {
	recorded := readFile(t, "testdata/recorded/error_429_1113.json")
	for _, tc := range []struct{ name, trailer string }{
		{"HTML comment", "\n<!-- proxy: upstream 10.0.0.7 -->\n"},
		{"second JSON value", `{"error":{"code":"1302","message":"concurrency"}}`},
		{"NUL", "\x00"},
	} {
		for _, stream := range []bool{false, true} {
			name := tc.name
			if stream {
				name += "/stream"
			}
			t.Run(name, func(t *testing.T) {
				body := append(bytes.TrimSpace(recorded), tc.trailer...)
				env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
					w.Header().Set("Content-Type", "application/json")
					w.Header().Set("X-Log-Id", "log-1113")
					w.WriteHeader(http.StatusTooManyRequests)
					w.Write(body)
				})
				var err error
				if stream {
					_, err = env.client.Chat.Completions.CreateStream(context.Background(), hiReq)
				} else {
					_, err = env.client.Chat.Completions.Create(context.Background(), hiReq)
				}
				var apiErr *zai.APIError
				if !errors.As(err, &apiErr) || !errors.Is(err, zai.ErrQuotaExceeded) || errors.Is(err, zai.ErrRateLimited) {
					t.Fatalf("err %v, want ErrQuotaExceeded", err)
				}
				if apiErr.Code != "1113" || apiErr.StatusCode != 429 || apiErr.RequestID != "log-1113" ||
					apiErr.Message != "Insufficient balance or no resource package. Please recharge." {
					t.Fatalf("%+v", apiErr)
				}
				if !bytes.Equal(apiErr.RawJSON(), body) {
					t.Fatalf("raw body %q, want it whole as received", apiErr.RawJSON())
				}
				if n := env.attempts.Load(); n != 1 {
					t.Fatalf("%d requests reached the server, want exactly 1", n)
				}
			})
		}
	}
}

// gbk is text a Chinese proxy might send in its error page, GBK-encoded:
// "网关错误" (gateway error). None of it is UTF-8.
const gbk = "\xcd\xf8\xb9\xd8\xb4\xed\xce\xf3"

// A long error page that is not UTF-8 keeps the readable text of its first
// ~512 bytes in the message, with U+FFFD for what cannot be read.
func TestNonUTF8ErrorPageKeepsReadableText(t *testing.T) {
	page := "<html><head><meta charset=\"gbk\"><title>" + gbk + "</title></head>\n<body>\n" +
		"<h1>502 Bad Gateway</h1>\n<p>" + gbk + ": upstream glm-proxy-3 did not answer in time</p>\n" +
		strings.Repeat("<p>"+gbk+" retry later</p>\n", 60) + "</body></html>\n"
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "text/html; charset=gbk")
		w.WriteHeader(http.StatusBadGateway)
		w.Write([]byte(page))
	})
	_, err := env.client.Chat.Completions.Create(context.Background(), hiReq, zai.WithMaxRetries(0))
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, zai.ErrServer) {
		t.Fatalf("err %v, want an *APIError matching ErrServer", err)
	}
	msg := apiErr.Message
	if !utf8.ValidString(msg) {
		t.Fatalf("message is not UTF-8: %q", msg)
	}
	if !strings.HasPrefix(msg, `<html><head><meta charset="gbk"><title>`+"\ufffd") {
		t.Fatalf("message %q does not start with the page", msg)
	}
	for _, want := range []string{
		"</title></head> <body> <h1>502 Bad Gateway</h1> <p>",
		": upstream glm-proxy-3 did not answer in time</p>",
		" retry later</p>",
	} {
		if !strings.Contains(msg, want) {
			t.Fatalf("message %q lost %q", msg, want)
		}
	}
	if len(msg) > 512 || len(msg) < 500 {
		t.Fatalf("message is %d bytes, want the first ~512 bytes of text", len(msg))
	}
	if !bytes.Equal(apiErr.RawJSON(), []byte(page)) {
		t.Fatal("the raw body was not kept as received")
	}
}

// A long UTF-8 page is cut on a rune boundary: only the rune the cut falls
// in is dropped.
func TestLongErrorPageIsCutOnARuneBoundary(t *testing.T) {
	page := strings.Repeat("网关错误", 100) // 1200 bytes, 3 per rune
	for _, prefix := range []string{"", "x", "xy"} {
		env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(prefix + page))
		})
		_, err := env.client.Chat.Completions.Create(context.Background(), hiReq)
		var apiErr *zai.APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("err %v", err)
		}
		msg := apiErr.Message
		want := prefix + page[:(512-len(prefix))/3*3]
		if msg != want {
			t.Fatalf("prefix %q: message is %d bytes %q..., want the %d bytes before the cut", prefix, len(msg), msg[max(0, len(msg)-9):], len(want))
		}
	}
}

// A gateway's RFC 9457 problem+json body keeps its title and detail.
func TestProblemJSONKeepsTitleAndDetail(t *testing.T) {
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"type":"https://gateway.example.com/problems/rate-limit","title":"Rate limit exceeded","status":429,` +
			`"detail":"This key may send 60 requests per minute.","instance":"/api/paas/v4/chat/completions"}`))
	})
	_, err := env.client.Chat.Completions.Create(context.Background(), hiReq, zai.WithMaxRetries(0))
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, zai.ErrRateLimited) {
		t.Fatalf("err %v, want an *APIError matching ErrRateLimited", err)
	}
	if apiErr.Message != "Rate limit exceeded: This key may send 60 requests per minute." || apiErr.Code != "" {
		t.Fatalf("%+v", apiErr)
	}
	if got := err.Error(); got != "zai: 429 Too Many Requests: Rate limit exceeded: This key may send 60 requests per minute." {
		t.Fatalf("error text %q", got)
	}
}

// Every error text carries the "zai:" prefix once, at the start.
func TestErrorTextHasOneZaiPrefix(t *testing.T) {
	check := func(t *testing.T, err error) {
		t.Helper()
		if err == nil {
			t.Fatal("no error")
		}
		s := err.Error()
		if !strings.HasPrefix(s, "zai: ") || strings.Count(s, "zai:") != 1 {
			t.Fatalf("error text %q: want the zai: prefix exactly once", s)
		}
	}
	t.Run("HTTP error", func(t *testing.T) {
		env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
			w.WriteHeader(http.StatusBadRequest)
			w.Write(readFile(t, "testdata/recorded/error_400_1211.json"))
		})
		_, err := env.client.Chat.Completions.Create(context.Background(), hiReq)
		check(t, err)
	})
	t.Run("error inside a stream", func(t *testing.T) {
		env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
			writeEvents(w, [][]byte{[]byte(`data: {"error":{"code":"1301","message":"unsafe"}}` + "\n\n")})
		})
		stream, err := env.client.Chat.Completions.CreateStream(context.Background(), hiReq)
		if err != nil {
			t.Fatal(err)
		}
		_, err = readAll(stream)
		check(t, err)
	})
	t.Run("token count that is not a number", func(t *testing.T) {
		env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"id":"x","choices":[],"usage":{"prompt_tokens":"5"}}`))
		})
		_, err := env.client.Chat.Completions.Create(context.Background(), hiReq)
		check(t, err)
	})
}
