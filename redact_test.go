package zai_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zai-go/zai"
)

// The key (and a JWT signed from it) never leaves the SDK, on any road: a
// server that echoes whatever credential it received puts it in a header, an
// error body, an in-stream error, a task's failure, a response field, and
// the test reads everything the SDK hands back (errors, their fields and raw
// bodies, the log, every observer event, a stream's request id).

const (
	leakKey    = "zaikey01.S3cretHalfOfTheKey99"
	leakSecret = "S3cretHalfOfTheKey99"
	jwtStart   = "eyJhbGciOiJIUzI1NiIsInNpZ25fdHlwZSI6IlNJR04ifQ"
)

// credential is what the server received: the key, or the JWT.
func credential(r *http.Request) string {
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
}

// leakWatch collects every value the SDK hands out during a call.
type leakWatch struct {
	watched bool // a logger and an observer are on, and see every echo
	logs    bytes.Buffer
	mu      sync.Mutex
	out     []string
}

func (w *leakWatch) options() []zai.Option {
	w.watched = true
	return []zai.Option{
		zai.WithLogger(slog.New(slog.NewTextHandler(&w.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		zai.WithObserver(w),
	}
}

func (w *leakWatch) add(format string, args ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.out = append(w.out, fmt.Sprintf(format, args...))
}

// addErr records an error as a caller can see it: its text, %+v, and the
// fields and raw body of every *APIError and *TaskFailedError in it.
func (w *leakWatch) addErr(err error) {
	if err == nil {
		return
	}
	w.add("%s | %+v", err.Error(), err)
	var apiErr *zai.APIError
	if errors.As(err, &apiErr) {
		w.add("%#v | %s", *apiErr, apiErr.RawJSON())
	}
	var failed *zai.TaskFailedError
	if errors.As(err, &failed) {
		w.add("%#v", *failed)
	}
}

func (w *leakWatch) StartCall(ctx context.Context, info zai.CallInfo) (context.Context, zai.CallObservation) {
	return ctx, watchCall{w}
}

type watchCall struct{ w *leakWatch }

func (c watchCall) Attempt(ev zai.AttemptEvent) {
	c.w.add("attempt %+v", ev)
	c.w.addErr(ev.Err)
}

func (c watchCall) End(ev zai.CallEnd) {
	ev.Response = nil // the caller's data, also returned to it
	c.w.add("end %+v", ev)
	c.w.addErr(ev.Err)
}

// check fails if any value holds a secret and, when watched, if nothing
// shows the server echoed one (so the test cannot pass by the server saying
// nothing).
func (w *leakWatch) check(t *testing.T) {
	t.Helper()
	all := append([]string{w.logs.String()}, w.out...)
	redacted := false
	for _, s := range all {
		for _, secret := range []string{leakKey, leakSecret, jwtStart} {
			if strings.Contains(s, secret) {
				t.Errorf("%q leaked in: %s", secret, s)
			}
		}
		redacted = redacted || strings.Contains(s, "[REDACTED]")
	}
	if !redacted && w.watched {
		t.Errorf("no value shows a redaction; the server's echo was lost:\n%s", strings.Join(all, "\n"))
	}
}

// leakRoads are the roads by which server text reaches the caller. Each
// handler echoes the credential it received; each drive makes the call and
// records what the SDK returned.
var leakRoads = []struct {
	name    string
	handler func(w http.ResponseWriter, r *http.Request, secret string)
	drive   func(ctx context.Context, c *zai.Client, w *leakWatch)
}{
	{
		name: "X-Log-Id of an error response, and its body",
		handler: func(w http.ResponseWriter, r *http.Request, secret string) {
			w.Header().Set("X-Log-Id", secret)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprintf(w, `{"error":{"code":"1302","message":"slow down, %s"}}`, secret)
		},
		drive: func(ctx context.Context, c *zai.Client, w *leakWatch) {
			_, err := c.Chat.Completions.Create(ctx, chatReq, zai.WithMaxRetries(1))
			w.addErr(err)
		},
	},
	{
		name: "X-Log-Id and model of a success",
		handler: func(w http.ResponseWriter, r *http.Request, secret string) {
			w.Header().Set("X-Log-Id", secret)
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"id":"c1","model":%q,"choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":%q}]}`, secret, secret)
		},
		drive: func(ctx context.Context, c *zai.Client, w *leakWatch) {
			_, err := c.Chat.Completions.Create(ctx, chatReq)
			w.addErr(err)
		},
	},
	{
		name: "an error object inside a stream",
		handler: func(w http.ResponseWriter, r *http.Request, secret string) {
			w.Header().Set("X-Log-Id", secret)
			writeEvents(w, [][]byte{
				[]byte(`data: {"id":"c1","choices":[{"index":0,"delta":{"content":"Hi"}}]}` + "\n\n"),
				fmt.Appendf(nil, `data: {"error":{"code":"1301","message":"unsafe %s"}}`+"\n\n", secret),
			})
		},
		drive: func(ctx context.Context, c *zai.Client, w *leakWatch) {
			stream, err := c.Chat.Completions.CreateStream(ctx, chatReq)
			if err != nil {
				w.addErr(err)
				return
			}
			_, err = readAll(stream)
			w.add("request id %s", stream.RequestID())
			w.addErr(err)
			w.addErr(stream.Err())
		},
	},
	{
		name: "an event: error inside a stream",
		handler: func(w http.ResponseWriter, r *http.Request, secret string) {
			writeEvents(w, [][]byte{fmt.Appendf(nil, "event: error\ndata: {\"code\":\"1000\",\"message\":\"bad token %s\"}\n\n", secret)})
		},
		drive: func(ctx context.Context, c *zai.Client, w *leakWatch) {
			stream, err := c.Chat.Completions.CreateStream(ctx, chatReq)
			if err != nil {
				w.addErr(err)
				return
			}
			for _, err := range stream.All() {
				w.addErr(err)
			}
		},
	},
	{
		name: "a failure body sent in place of a stream",
		handler: func(w http.ResponseWriter, r *http.Request, secret string) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"error":{"code":"1214","message":"bad %s"}}`, secret)
		},
		drive: func(ctx context.Context, c *zai.Client, w *leakWatch) {
			_, err := c.Chat.Completions.CreateStream(ctx, chatReq)
			w.addErr(err)
		},
	},
	{
		name: "AsyncResult.Wait: a FAIL result",
		handler: func(w http.ResponseWriter, r *http.Request, secret string) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"id":"t1","request_id":%q,"task_status":"FAIL","error":{"code":"1301","message":"unsafe %s"}}`, secret, secret)
		},
		drive: func(ctx context.Context, c *zai.Client, w *leakWatch) {
			_, err := c.AsyncResult.Wait(ctx, "t1")
			w.addErr(err)
		},
	},
	{
		name: "Batches.Wait: a failed batch",
		handler: func(w http.ResponseWriter, r *http.Request, secret string) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"id":"b1","object":"batch","status":"failed","errors":{"object":"list","data":[{"code":"1214","line":2,"message":"bad %s"}]}}`, secret)
		},
		drive: func(ctx context.Context, c *zai.Client, w *leakWatch) {
			_, err := c.Batches.Wait(ctx, "b1")
			w.addErr(err)
		},
	},
	{
		name: "Agents.Wait: a failed task",
		handler: func(w http.ResponseWriter, r *http.Request, secret string) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"id":"a1","status":"failed","error":{"code":"1301","message":"unsafe %s"}}`, secret)
		},
		drive: func(ctx context.Context, c *zai.Client, w *leakWatch) {
			_, err := c.Agents.Wait(ctx, zai.AgentAsyncResultRequest{AgentID: zai.AgentVideoEffects, AsyncID: "as1"})
			w.addErr(err)
		},
	},
	{
		name: "FileParser.Wait: a failed parse",
		handler: func(w http.ResponseWriter, r *http.Request, secret string) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"status":"failed","message":"cannot parse for %s"}`, secret)
		},
		drive: func(ctx context.Context, c *zai.Client, w *leakWatch) {
			_, err := c.FileParser.Wait(ctx, "t1", zai.ParseFormatText)
			w.addErr(err)
		},
	},
	{
		name: "a Wait cut by its context, after a poll that echoed",
		handler: func(w http.ResponseWriter, r *http.Request, secret string) {
			w.Header().Set("X-Log-Id", secret)
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"id":"t1","request_id":%q,"task_status":"PROCESSING %s"}`, secret, secret)
		},
		drive: func(ctx context.Context, c *zai.Client, w *leakWatch) {
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			_, err := c.AsyncResult.Wait(ctx, "t1", zai.WithPollProgress(func(p zai.PollProgress) {
				w.add("progress %+v", p)
				cancel()
			}))
			w.addErr(err)
		},
	},
}

func TestSecretsNeverLeaveOnAnyRoad(t *testing.T) {
	for _, auth := range []struct {
		name string
		opts []zai.Option
	}{
		{"key", []zai.Option{zai.WithAPIKey(leakKey)}},
		{"jwt", []zai.Option{zai.WithAPIKey(leakKey), zai.WithJWTAuth(time.Minute)}},
	} {
		for _, road := range leakRoads {
			// Watched: with a logger and an observer. Bare: errors only, so
			// that no observer's edge redacts them first.
			for _, watched := range []bool{true, false} {
				t.Run(fmt.Sprintf("%s/watched=%v/%s", auth.name, watched, road.name), func(t *testing.T) {
					var watch leakWatch
					opts := auth.opts
					if watched {
						opts = append(opts[:len(opts):len(opts)], watch.options()...)
					}
					env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, _ int) {
						road.handler(w, r, credential(r))
					}, opts...)
					road.drive(context.Background(), env.client, &watch)
					watch.check(t)
				})
			}
		}
	}
}

// The in-stream error's text is not one that other libraries take for an
// HTTP/2 transport fault ("stream error:", "connection error:"), which they
// would retry: fantasy (the Crush agent's LLM layer) does, on the text.
func TestInStreamErrorTextIsNoTransportFault(t *testing.T) {
	for _, event := range []string{
		`data: {"error":{"code":"1113","message":"Insufficient balance"}}` + "\n\n",
		"event: error\ndata: {\"code\":\"1113\",\"message\":\"Insufficient balance\"}\n\n",
	} {
		env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			writeEvents(w, [][]byte{[]byte(event)})
		})
		stream, err := env.client.Chat.Completions.CreateStream(context.Background(), chatReq)
		if err != nil {
			t.Fatal(err)
		}
		_, err = readAll(stream)
		var apiErr *zai.APIError
		if !errors.As(err, &apiErr) || !apiErr.InStream || !errors.Is(err, zai.ErrQuotaExceeded) {
			t.Fatalf("%v", err)
		}
		text := err.Error()
		for _, fault := range []string{"stream error", "connection error", "transport"} {
			if strings.Contains(strings.ToLower(text), fault) {
				t.Errorf("%q reads as a transport fault (%q)", text, fault)
			}
		}
		if text != "zai: error event in stream: code 1113: Insufficient balance" {
			t.Errorf("text %q", text)
		}
	}
}
