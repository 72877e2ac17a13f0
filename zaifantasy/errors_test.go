package zaifantasy_test

import (
	"context"
	"errors"
	"io"
	"net"
	"testing"

	"charm.land/fantasy"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

// The codes no wait will fix end an agent run at the first request, through
// fantasy's own (unmodified) retry loop, with zai's category reachable.
// fantasy's OpenAI-compatible provider retries a 429/1113 three times over
// 35 s, because the HTTP status alone says "retry".
func TestFinalErrorsAreNotRetried(t *testing.T) {
	cases := []struct {
		status   int
		code     string
		category error
	}{
		{429, "1113", zai.ErrQuotaExceeded}, // recorded: testdata/recorded/error_429_1113.json
		{429, "1308", zai.ErrQuotaExceeded},
		{429, "1316", zai.ErrQuotaExceeded},
		{400, "1301", zai.ErrContentFiltered},
		{401, "1000", zai.ErrAuthentication},
		{401, "1002", zai.ErrAuthentication},
		{403, "1220", zai.ErrPermission},
		{400, "1261", zai.ErrBadRequest},
	}
	for _, c := range cases {
		for _, streamed := range []bool{false, true} {
			name := c.code
			if streamed {
				name += " stream"
			}
			t.Run(name, func(t *testing.T) {
				srv := zaitest.NewServer(t)
				srv.ReplyError(c.status, c.code, "refused").Times(20).AllowUnused() // a retry would take another
				agent := fantasy.NewAgent(newModel(t, srv))
				var err error
				if streamed {
					_, err = agent.Stream(context.Background(), fantasy.AgentStreamCall{Prompt: "hi"})
				} else {
					_, err = agent.Generate(context.Background(), fantasy.AgentCall{Prompt: "hi"})
				}
				if n := len(srv.Requests()); n != 1 {
					t.Fatalf("%d requests, want 1", n)
				}
				if !errors.Is(err, c.category) {
					t.Fatalf("errors.Is(%v, %v) is false", err, c.category)
				}
				var pe *fantasy.ProviderError
				if !errors.As(err, &pe) {
					t.Fatalf("%T is not a *fantasy.ProviderError", err)
				}
				if pe.IsRetryable() {
					t.Fatalf("IsRetryable() = true for %+v", pe)
				}
				var apiErr *zai.APIError
				if !errors.As(err, &apiErr) || apiErr.StatusCode != c.status || apiErr.Code != c.code {
					t.Fatalf("*zai.APIError = %+v", apiErr)
				}
				if pe.ErrorType != c.code || pe.Message != "code "+c.code+": refused" {
					t.Fatalf("ErrorType %q, Message %q", pe.ErrorType, pe.Message)
				}
				if got, want := pe.IsContextTooLarge(), c.code == "1261"; got != want {
					t.Fatalf("IsContextTooLarge() = %v", got)
				}
				if c.status == 401 && pe.StatusCode != 401 {
					t.Fatalf("StatusCode %d: a 401 keeps its status, so OnAuthRefresh engages", pe.StatusCode)
				}
			})
		}
	}
}

// Waiting helps a rate limit or a server error: those stay retryable for
// fantasy, with their HTTP status.
func TestTransientErrorsAreRetryable(t *testing.T) {
	for _, c := range []struct {
		status   int
		code     string
		category error
	}{
		{429, "1302", zai.ErrRateLimited},
		{429, "1305", zai.ErrRateLimited},
		{500, "1234", zai.ErrServer},
		{503, "", zai.ErrServer},
	} {
		t.Run(c.code, func(t *testing.T) {
			srv := zaitest.NewServer(t)
			srv.ReplyError(c.status, c.code, "busy")
			_, err := newModel(t, srv, zai.WithMaxRetries(0)).Generate(context.Background(), fantasy.Call{Prompt: userPrompt("hi")})
			var pe *fantasy.ProviderError
			if !errors.As(err, &pe) || !pe.IsRetryable() || pe.StatusCode != c.status {
				t.Fatalf("%v: %+v", err, pe)
			}
			if !errors.Is(err, c.category) {
				t.Fatalf("errors.Is(%v, %v) is false", err, c.category)
			}
		})
	}
}

// An error event inside a 200 stream: its category decides. fantasy reads
// any cause whose text holds "stream error:" as an HTTP/2 reset and retries
// it; zai-go's text for an error event never says so.
func TestInStreamErrors(t *testing.T) {
	for _, c := range []struct {
		code      string
		category  error
		retryable bool
	}{
		{"1301", zai.ErrContentFiltered, false},
		{"1113", zai.ErrQuotaExceeded, false},
		{"1234", zai.ErrServer, true},
		{"1302", zai.ErrRateLimited, true},
	} {
		t.Run(c.code, func(t *testing.T) {
			srv := zaitest.NewServer(t)
			srv.ReplyStream(zaitest.Text("Hello"), map[string]any{"error": map[string]any{"code": c.code, "message": "stopped"}})
			stream, err := newModel(t, srv).Stream(context.Background(), fantasy.Call{Prompt: userPrompt("hi")})
			if err != nil {
				t.Fatal(err)
			}
			parts := collect(t, stream)
			last := parts[len(parts)-1]
			if last.Type != fantasy.StreamPartTypeError {
				t.Fatalf("last part %+v, want an error", last)
			}
			var pe *fantasy.ProviderError
			if !errors.As(last.Error, &pe) || pe.IsRetryable() != c.retryable {
				t.Fatalf("%v: %+v, want retryable %v", last.Error, pe, c.retryable)
			}
			if !errors.Is(last.Error, c.category) {
				t.Fatalf("errors.Is(%v, %v) is false", last.Error, c.category)
			}
			var apiErr *zai.APIError
			if !errors.As(last.Error, &apiErr) || !apiErr.InStream {
				t.Fatalf("*zai.APIError = %+v", apiErr)
			}
			if fantasy.IsTransportError(pe.Cause) {
				t.Fatalf("the cause %q reads as an HTTP/2 transport error", pe.Cause)
			}
		})
	}
}

// A stream that is cut, or that ends without a finish reason, is an error
// fantasy retries, never a short answer taken as whole.
func TestCutStreams(t *testing.T) {
	t.Run("no finish reason", func(t *testing.T) {
		srv := zaitest.NewServer(t)
		srv.ReplyStream(zaitest.Text("Hel"), zaitest.Text("lo"))
		stream, err := newModel(t, srv).Stream(context.Background(), fantasy.Call{Prompt: userPrompt("hi")})
		if err != nil {
			t.Fatal(err)
		}
		parts := collect(t, stream)
		last := parts[len(parts)-1]
		var pe *fantasy.ProviderError
		if last.Type != fantasy.StreamPartTypeError || !errors.As(last.Error, &pe) || !pe.IsRetryable() || !errors.Is(last.Error, io.ErrUnexpectedEOF) {
			t.Fatalf("last part %+v", last)
		}
		for _, p := range parts {
			if p.Type == fantasy.StreamPartTypeFinish {
				t.Fatalf("a finish part in a stream without a finish reason: %+v", parts)
			}
		}
	})
	t.Run("connection reset", func(t *testing.T) {
		srv := zaitest.NewServer(t)
		srv.ReplyStream(zaitest.Text("Hel"), zaitest.Text("lo"), zaitest.Finish(zai.FinishReasonStop, 1, 2)).DropAfter(1)
		stream, err := newModel(t, srv).Stream(context.Background(), fantasy.Call{Prompt: userPrompt("hi")})
		if err != nil {
			t.Fatal(err)
		}
		parts := collect(t, stream)
		last := parts[len(parts)-1]
		if last.Type != fantasy.StreamPartTypeError {
			t.Fatalf("last part %+v", last)
		}
		var re fantasy.RetryableError
		var ne net.Error
		retryable := errors.As(last.Error, &re) && re.IsRetryable() || errors.As(last.Error, &ne)
		if !retryable {
			t.Fatalf("%T %v is not retryable for fantasy", last.Error, last.Error)
		}
	})
}

// A request the SDK refuses never reaches the network.
func TestBadCallsSendNothing(t *testing.T) {
	anyOf := map[string]any{"type": "object", "properties": map[string]any{
		"v": map[string]any{"anyOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "integer"}}},
	}}
	choice := fantasy.SpecificToolChoice("missing")
	for name, call := range map[string]fantasy.Call{
		"options of another provider": {Prompt: userPrompt("hi"), ProviderOptions: fantasy.ProviderOptions{"zai": &otherOptions{}}},
		"schema GLM refuses":          {Prompt: userPrompt("hi"), Tools: []fantasy.Tool{fantasy.FunctionTool{Name: "f", InputSchema: anyOf}}},
		"tool choice of no tool":      {Prompt: userPrompt("hi"), Tools: []fantasy.Tool{fantasy.FunctionTool{Name: "f"}}, ToolChoice: &choice},
	} {
		t.Run(name, func(t *testing.T) {
			srv := zaitest.NewServer(t)
			m := newModel(t, srv)
			if _, err := m.Generate(context.Background(), call); err == nil {
				t.Fatal("Generate: no error")
			}
			if _, err := m.Stream(context.Background(), call); err == nil {
				t.Fatal("Stream: no error")
			}
			if n := len(srv.Requests()); n != 0 {
				t.Fatalf("%d requests sent", n)
			}
		})
	}
}

type otherOptions struct{}

func (*otherOptions) Options()                     {}
func (otherOptions) MarshalJSON() ([]byte, error)  { return []byte("{}"), nil }
func (*otherOptions) UnmarshalJSON(_ []byte) error { return nil }
