package zai_test

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// TestRetryAfterDateReadOnTheServersClock: a Retry-After given as an HTTP
// date is measured from the response's Date, so a server whose clock is an
// hour ahead or behind ours that says "in 2 s" gets a wait of 2 s, not the
// 60 s cap or none.
func TestRetryAfterDateReadOnTheServersClock(t *testing.T) {
	for _, skew := range []time.Duration{time.Hour, -time.Hour, 0} {
		env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				server := time.Now().Add(skew)
				w.Header().Set("Date", server.UTC().Format(http.TimeFormat))
				w.Header().Set("Retry-After", server.Add(2*time.Second).UTC().Format(http.TimeFormat))
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.Write(toolCompletion(t))
		})
		c, err := env.client.Chat.Completions.Create(context.Background(), hiReq)
		checkToolCompletion(t, c, err)
		// HTTP dates have whole seconds: the wait is 2 s, give or take the
		// second the two stamps were cut in.
		if w := env.waits(); len(w) != 1 || w[0] < time.Second || w[0] > 3*time.Second {
			t.Fatalf("server clock %+v: waits %v, want about 2s", skew, w)
		}
	}
}
