package zai

import (
	"net/http"
	"slices"

	"github.com/zai-go/zai/internal/core"
)

// Middleware wraps every attempt of a request: it sees the *http.Request
// about to be sent (its context is the call's, so a tracing middleware can
// inject headers), calls next to send it on, and may read or replace the
// response. It runs once per attempt, retries included, and each attempt's
// request carries the same body bytes (req.GetBody gives a fresh copy).
//
// The error a middleware returns itself is given back to the caller as it
// is, and is not retried, unless it wraps ErrRetryable. An error that wraps
// the one next returned is judged as that error would be (a connection
// reset is retried). A response with a retryable status (429, 5xx) is
// retried like one from the server.
type Middleware func(req *http.Request, next MiddlewareNext) (*http.Response, error)

// MiddlewareNext sends the request through the rest of the middleware
// chain and then the HTTP client.
type MiddlewareNext func(*http.Request) (*http.Response, error)

// ErrRetryable, wrapped by an error a Middleware returns, asks for another
// attempt (within WithMaxRetries, after the usual backoff).
var ErrRetryable = core.ErrRetryable

// WithMiddleware adds middleware around every attempt. Each option's
// middleware runs inside those added before it, so the client's (given to
// NewClient) run outside a call's own, and within one option the first is
// outermost.
func WithMiddleware(mw ...Middleware) Option {
	return func(s *settings) error {
		// Clipped, so a call's additions never write into the client's array.
		list := slices.Clip(s.Middleware)
		for _, m := range mw {
			if m == nil {
				return invalidf("WithMiddleware(nil)")
			}
			list = append(list, func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
				return m(req, next)
			})
		}
		s.Middleware = list
		return nil
	}
}
