package zai

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zai-go/zai/internal/core"
	"github.com/zai-go/zai/internal/redact"
)

const roadKey = "roadid01.R0adSecretHalf7777"

// outbox collects everything a call hands out: the log, observer events,
// progress, errors.
type outbox struct {
	logs bytes.Buffer
	mu   sync.Mutex
	out  []string
}

func (o *outbox) add(v ...any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.out = append(o.out, fmt.Sprintf("%+v", v))
	for _, x := range v {
		if err, ok := x.(error); ok && err != nil {
			o.out = append(o.out, err.Error())
		}
	}
}

func (o *outbox) StartCall(ctx context.Context, _ CallInfo) (context.Context, CallObservation) {
	return ctx, outboxCall{o}
}

type outboxCall struct{ o *outbox }

func (c outboxCall) Attempt(ev AttemptEvent) { c.o.add(ev, ev.Err) }
func (c outboxCall) End(ev CallEnd)          { c.o.add(ev, ev.Err) }

func (o *outbox) check(t *testing.T) {
	t.Helper()
	all := append([]string{o.logs.String()}, o.out...)
	seen := false
	for _, s := range all {
		if strings.Contains(s, "R0adSecretHalf7777") || strings.Contains(s, "eyJhbGciOiJIUzI1NiIsInNpZ25fdHlwZSI6IlNJR04ifQ") {
			t.Errorf("a secret leaked: %s", s)
		}
		seen = seen || strings.Contains(s, redact.Mark)
	}
	if !seen {
		t.Errorf("nothing was redacted, so nothing was echoed:\n%s", strings.Join(all, "\n"))
	}
}

// A new road, made the way a new service would make it (a new response
// type through call, a new stream type through openStream, a new Wait
// through pollUntil with its own failure error, a new route through
// Client.Do), needs no code of its own to keep the key in: the edges it
// passes redact it. The server echoes the credential it gets everywhere.
func TestNewRoadIsRedactedWithoutNewCode(t *testing.T) {
	type gizmo struct {
		Name string `json:"name"`
	}
	type gizmoChunk struct {
		Part string `json:"part"`
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secret := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		w.Header().Set("X-Log-Id", "log-"+secret)
		switch r.URL.Path {
		case "/v4/gizmos/g1":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"state":"failed","reason":"no gizmo for %s"}`, secret)
		case "/v4/gizmos/stream":
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprintf(w, "data: {\"part\":\"a\"}\n\ndata: {\"error\":{\"code\":\"1301\",\"message\":\"no %s\"}}\n\n", secret)
		default:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"error":{"code":"1214","message":"bad gizmo for %s"}}`, secret)
		}
	}))
	defer srv.Close()

	for _, jwt := range []bool{false, true} {
		t.Run(fmt.Sprint("jwt=", jwt), func(t *testing.T) {
			var box outbox
			opts := []Option{WithAPIKey(roadKey), WithBaseURL(srv.URL + "/v4"), WithMaxRetries(0), WithObserver(&box),
				WithLogger(slog.New(slog.NewTextHandler(&box.logs, &slog.HandlerOptions{Level: slog.LevelDebug})))}
			if jwt {
				opts = append(opts, WithJWTAuth(time.Minute))
			}
			c, err := NewClient(opts...)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()

			_, err = call[gizmo](ctx, c, &core.Request{Method: http.MethodPost, Path: "/gizmos", Body: map[string]int{"n": 1}}, nil)
			box.add(err)

			stream, err := openStream[gizmoChunk](ctx, c, &core.Request{Method: http.MethodPost, Path: "/gizmos/stream"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			for range stream.All() {
			}
			box.add(stream.Err(), stream.RequestID())

			// A new Wait whose service reads its own failure out of a body
			// and makes its own error type, with the server's text in it.
			_, err = pollUntil(ctx, c.opts, "gizmo", "g1", func(ctx context.Context) (*gizmo, string, bool, error) {
				var state struct{ State, Reason string }
				if err := c.Do(ctx, http.MethodGet, "/gizmos/g1", nil, &state); err != nil {
					return nil, "", false, err
				}
				return nil, state.State, true, &gizmoError{msg: "gizmo g1 failed: " + state.Reason}
			})
			var gerr *gizmoError
			if !errors.As(err, &gerr) {
				t.Fatalf("%T %v", err, err)
			}
			box.add(err)

			// A new route through Client.Do.
			box.add(c.Do(ctx, http.MethodPost, "/gizmos/new", map[string]int{"n": 1}, nil))
			box.check(t)
		})
	}
}

// gizmoError is a new service's failure type, which knows nothing of
// redaction.
type gizmoError struct{ msg string }

func (e *gizmoError) Error() string { return "zai: " + e.msg }

// Every field of an observer event that can carry text from the server is
// redacted: fill each string (and []string, and error) field of the events
// with the key, pass them through the edge, and find none left. A field
// added to AttemptEvent or CallEnd without its line in redactAttempt or
// redactEnd fails here.
func TestObserverEventsRedacted(t *testing.T) {
	sec := redact.New(roadKey)
	for _, ev := range []any{&AttemptEvent{}, &CallEnd{}} {
		v := reflect.ValueOf(ev).Elem()
		for i := range v.NumField() {
			f := v.Field(i)
			switch {
			case f.Kind() == reflect.String:
				f.SetString("x " + roadKey)
			case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
				f.Set(reflect.ValueOf([]string{roadKey}))
			case f.Type() == reflect.TypeFor[error]():
				f.Set(reflect.ValueOf(errors.New("zai: " + roadKey)))
			}
		}
		switch e := ev.(type) {
		case *AttemptEvent:
			redactAttempt(sec, e)
		case *CallEnd:
			redactEnd(sec, e)
		}
		for i := range v.NumField() {
			if s := fmt.Sprintf("%+v", v.Field(i).Interface()); strings.Contains(s, "R0adSecretHalf7777") {
				t.Errorf("%T.%s keeps the key: %s", ev, v.Type().Field(i).Name, s)
			}
		}
	}
}
