package zai_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/zai-go/zai"
)

// One rule for error text: every error a call returns starts with "zai: "
// exactly once, whatever the road (transport, timeout, retry wait cut by
// the context, in-stream error, truncated stream, a Wait cut short), and
// the sentinels still match through the wrapping.
func TestEveryErrorHasOneZaiPrefix(t *testing.T) {
	one := func(t *testing.T, err error, is ...error) {
		t.Helper()
		if err == nil {
			t.Fatal("no error")
		}
		if s := err.Error(); !strings.HasPrefix(s, "zai: ") || strings.Count(s, "zai:") != 1 {
			t.Errorf("text %q: want the zai: prefix exactly once", s)
		}
		for _, target := range is {
			if !errors.Is(err, target) {
				t.Errorf("%v does not match %v", err, target)
			}
		}
	}
	t.Run("connection refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		c, err := zai.NewClient(zai.WithAPIKey("k"), zai.WithBaseURL("http://"+addr), zai.WithMaxRetries(0))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Chat.Completions.Create(context.Background(), chatReq)
		one(t, err)
	})
	t.Run("attempt timeout while the body is read", func(t *testing.T) {
		env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "100")
			io.WriteString(w, `{"id":`)
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
		}, zai.WithRequestTimeout(100*time.Millisecond), zai.WithMaxRetries(0))
		_, err := env.client.Chat.Completions.Create(context.Background(), chatReq)
		one(t, err, zai.ErrTimeout, context.DeadlineExceeded)
	})
	t.Run("the context ends the wait before a retry", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"error":{"code":"500","message":"busy"}}`)
		}, zai.WithTestHooks(func(ctx context.Context, _ time.Duration) error { cancel(); return ctx.Err() }, nil, nil))
		_, err := env.client.Chat.Completions.Create(ctx, chatReq)
		one(t, err, context.Canceled, zai.ErrServer)
		var apiErr *zai.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
			t.Errorf("the last attempt's error is lost: %v", err)
		}
	})
	t.Run("error event in a stream, and a truncated stream", func(t *testing.T) {
		for _, body := range []string{
			`data: {"error":{"code":"1301","message":"unsafe"}}` + "\n\n",
			`data: {"id":"c","choices":[{"index":0,"delta":{"content":"a"}}]}` + "\n\n",
		} {
			env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				writeEvents(w, [][]byte{[]byte(body)})
			})
			stream, err := env.client.Chat.Completions.CreateStream(context.Background(), chatReq)
			if err != nil {
				t.Fatal(err)
			}
			_, err = readAll(stream)
			one(t, err)
		}
	})
	t.Run("a Wait cut by its context", func(t *testing.T) {
		env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"id":"t1","task_status":"PROCESSING"}`)
		})
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		_, err := env.client.Batches.Wait(ctx, "b1", zai.WithPollProgress(func(zai.PollProgress) { cancel() }))
		one(t, err, context.Canceled)
	})
	t.Run("a failure in a 200 body", func(t *testing.T) {
		env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"status":"failed","error":{"code":"1301","message":"unsafe"}}`)
		})
		_, err := env.client.Agents.Invoke(context.Background(), zai.AgentRequest{AgentID: zai.AgentVideoEffects, Messages: []zai.AgentMessage{{Role: "user"}}})
		one(t, err, zai.ErrContentFiltered)
	})
}
