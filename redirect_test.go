package zai_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/zai-go/zai"
)

// authSeen records the Authorization header of each request a server got.
type authSeen struct {
	mu   sync.Mutex
	auth []string
}

func (a *authSeen) add(r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.auth = append(a.auth, r.Header.Get("Authorization")+"|"+r.Header.Get("Cookie"))
}

func (a *authSeen) all() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.auth...)
}

// TestRedirectToAnotherOriginDropsCredentials: a redirect from the API host
// to another port of the same host name (another origin) must not carry
// Authorization or a cookie, with the default HTTP client and with one
// given by WithHTTPClient; a redirect within the origin keeps them.
func TestRedirectToAnotherOriginDropsCredentials(t *testing.T) {
	clients := map[string]func() []zai.Option{
		"default client": func() []zai.Option { return nil },
		"WithHTTPClient": func() []zai.Option {
			return []zai.Option{zai.WithHTTPClient(&http.Client{Transport: &http.Transport{}})}
		},
		"WithHTTPClient with CheckRedirect": func() []zai.Option {
			return []zai.Option{zai.WithHTTPClient(&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }})}
		},
	}
	for name, extra := range clients {
		t.Run(name, func(t *testing.T) {
			var other authSeen
			elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				other.add(r)
				w.Header().Set("Content-Type", "application/json")
				w.Write(toolCompletion(t))
			}))
			defer elsewhere.Close()
			var home authSeen
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				home.add(r)
				switch {
				case strings.HasSuffix(r.URL.Path, "/same"):
					http.Redirect(w, r, "/api/paas/v4/landed", http.StatusTemporaryRedirect)
				case strings.HasSuffix(r.URL.Path, "/landed"):
					w.Header().Set("Content-Type", "application/json")
					w.Write(toolCompletion(t))
				default:
					// Same host name (127.0.0.1), another port: another origin.
					http.Redirect(w, r, elsewhere.URL+"/api/paas/v4/chat/completions", http.StatusTemporaryRedirect)
				}
			}))
			defer api.Close()
			opts := append([]zai.Option{zai.WithAPIKey("test-key.secret"), zai.WithBaseURL(api.URL + "/api/paas/v4"),
				zai.WithHeader("Cookie", "session=s3cret")}, extra()...)
			client, err := zai.NewClient(opts...)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()

			c, err := client.Chat.Completions.Create(ctx, hiReq)
			checkToolCompletion(t, c, err)
			if got := other.all(); len(got) != 1 || got[0] != "|" {
				t.Fatalf("the other origin got credentials %q; want none", got)
			}

			// Within the origin the credentials stay.
			if err := client.Do(ctx, http.MethodPost, "/same", map[string]string{"a": "b"}, nil); err != nil {
				t.Fatal(err)
			}
			h := home.all()
			if last := h[len(h)-1]; last != "Bearer test-key.secret|session=s3cret" {
				t.Fatalf("a same-origin redirect arrived with %q", last)
			}
		})
	}
}

// TestRedirectBackToOriginStaysWithoutCredentials: once a redirect left the
// origin, the server there picks the next hop; a hop back to the API origin
// must not regain the key.
func TestRedirectBackToOriginStaysWithoutCredentials(t *testing.T) {
	var home authSeen
	var apiURL string
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, apiURL+"/api/paas/v4/landing", http.StatusTemporaryRedirect)
	}))
	defer elsewhere.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		home.add(r)
		if strings.HasSuffix(r.URL.Path, "/landing") {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{}`))
			return
		}
		http.Redirect(w, r, elsewhere.URL+"/x", http.StatusTemporaryRedirect)
	}))
	defer api.Close()
	apiURL = api.URL
	client, err := zai.NewClient(zai.WithAPIKey("test-key.secret"), zai.WithBaseURL(api.URL+"/api/paas/v4"))
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Do(context.Background(), http.MethodGet, "/start", nil, nil); err != nil {
		t.Fatal(err)
	}
	h := home.all()
	if len(h) != 2 || h[0] != "Bearer test-key.secret|" || h[1] != "|" {
		t.Fatalf("the API origin saw %q; want the key on the first request only", h)
	}
}
