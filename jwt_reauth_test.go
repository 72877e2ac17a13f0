package zai_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zai-go/zai"
)

// TestJWTRejectedTokenIsReplacedOnce: with WithJWTAuth, a token the server
// answers with 401 is dropped from the cache and the call is sent once
// more with a new token, which later calls keep using. A server that
// rejects every token gets exactly one fresh attempt per call; a plain key
// is never sent twice after a 401.
func TestJWTRejectedTokenIsReplacedOnce(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	rejected := map[string]bool{}
	rejectAll := false
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		mu.Lock()
		seen = append(seen, tok)
		// The first token the server sees has "expired"; later ones pass
		// unless it rejects all.
		reject := rejectAll || len(seen) == 1 || rejected[tok]
		if reject {
			rejected[tok] = true
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if reject {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":{"code":"1001","message":"token expired"}}`))
			return
		}
		w.Write(toolCompletion(t))
	}, zai.WithJWTAuth(time.Hour))
	ctx := context.Background()

	c, err := env.client.Chat.Completions.Create(ctx, hiReq)
	checkToolCompletion(t, c, err)
	c, err = env.client.Chat.Completions.Create(ctx, hiReq)
	checkToolCompletion(t, c, err)
	mu.Lock()
	if len(seen) != 3 || seen[0] == seen[1] || seen[1] != seen[2] || !strings.HasPrefix(seen[1], "eyJ") {
		t.Fatalf("tokens sent %q: want a rejected one, then a new one kept", seen)
	}
	rejectAll, seen = true, nil
	mu.Unlock()

	_, err = env.client.Chat.Completions.Create(ctx, hiReq)
	if !errors.Is(err, zai.ErrAuthentication) {
		t.Fatalf("err %v, want ErrAuthentication", err)
	}
	mu.Lock()
	if len(seen) != 2 || seen[0] == seen[1] {
		t.Fatalf("a server that rejects every token got %q; want two different tokens", seen)
	}
	mu.Unlock()

	// A plain key is a key: nothing to refresh.
	plain := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.WriteHeader(http.StatusUnauthorized)
	})
	if _, err := plain.client.Chat.Completions.Create(ctx, hiReq); !errors.Is(err, zai.ErrAuthentication) || plain.attempts.Load() != 1 {
		t.Fatalf("plain key: err %v after %d attempts, want one", err, plain.attempts.Load())
	}
}
