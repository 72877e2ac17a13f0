// Package core is the request core shared by every zai service: it builds the
// URL, encodes the body and query, signs the request, sends it with retries and
// per-attempt timeouts, and turns failures into errors through hooks that the
// zai package supplies. Services describe a Request; only this package touches
// net/http on the way out.
package core

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-querystring/query"
)

// Retry timing, as in the official Python SDK (INITIAL_RETRY_DELAY 0.5 s,
// MAX_RETRY_DELAY 8 s); a server's Retry-After is honoured up to
// MaxServerDelay.
const (
	InitialRetryDelay = 500 * time.Millisecond
	MaxRetryDelay     = 8 * time.Second
	MaxServerDelay    = 60 * time.Second
	maxErrorBody      = 1 << 20
)

// Config is everything a call needs to know about where and how to send.
// A Config is copied per call; fields holding maps or pointers are treated as
// read-only once shared.
type Config struct {
	BaseURL       string // e.g. https://api.z.ai/api/paas/v4
	AgentsBaseURL string // e.g. https://api.z.ai/api
	HTTPClient    *http.Client
	Header        http.Header
	UserAgent     string
	ExtraBody     map[string]any

	// Auth returns the Authorization header value for one attempt.
	Auth func() (string, error)

	MaxRetries        int
	RequestTimeout    time.Duration
	StreamIdleTimeout time.Duration
	MaxEventSize      int
	Logger            *slog.Logger

	// DecodeError turns a non-2xx response into an error.
	DecodeError func(status int, header http.Header, body []byte) error
	// Retryable reports whether an error returned by DecodeError is worth
	// another attempt (before the x-should-retry header is consulted).
	Retryable func(status int, err error) bool

	// Test hooks; nil means the real thing.
	Sleep  func(ctx context.Context, d time.Duration) error
	Jitter func() float64 // in [0,1)
}

// Request describes one API call.
type Request struct {
	Method string
	Path   string // relative to the base URL, starting with "/"
	Agents bool   // resolve Path against AgentsBaseURL instead of BaseURL
	Query  any    // url.Values, or a struct with `url` tags
	Header http.Header

	// Body is encoded as JSON, with Config.ExtraBody merged last.
	Body any
	// NewBody, if set, produces a raw body for each attempt (multipart
	// uploads). Replayable says whether calling it again yields the same
	// bytes; if not, the request is never retried once sent.
	NewBody    func() (io.Reader, error)
	Replayable bool
	// ContentType of a NewBody body.
	ContentType string

	// Stream keeps the response body open for the caller. The per-attempt
	// timeout then stops at the response headers.
	Stream bool
}

// Response is a successful (2xx) response.
type Response struct {
	StatusCode int
	Header     http.Header
	// Body is the whole body for a buffered call; nil for a Stream call.
	Body []byte
	// Reader is the open body of a Stream call. Closing it releases the
	// request's resources.
	Reader io.ReadCloser
}

// RequestID returns the X-Log-Id header, which Z.ai sets to the response id.
func RequestID(h http.Header) string {
	if v := h.Get("X-Log-Id"); v != "" {
		return v
	}
	return h.Get("X-Request-Id")
}

// errAttemptTimeout is the cancel cause of an attempt that outlived
// Config.RequestTimeout.
var errAttemptTimeout = errors.New("attempt timed out")

// TimeoutError reports an attempt cut by the per-attempt timeout. It matches
// context.DeadlineExceeded and, through the zai package's Is hook, ErrTimeout.
type TimeoutError struct {
	After time.Duration
	Err   error
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("request timed out after %s", e.After)
}

// Is makes errors.Is(err, context.DeadlineExceeded) true.
func (e *TimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// Unwrap returns the transport error.
func (e *TimeoutError) Unwrap() error { return e.Err }

// Do sends r and returns the first successful response, retrying transient
// failures. The returned error is the last attempt's: an error from
// DecodeError, a transport error, or the context's error.
func (c *Config) Do(ctx context.Context, r *Request) (*Response, error) {
	target, err := c.url(r)
	if err != nil {
		return nil, err
	}
	var body []byte
	if r.Body != nil {
		if body, err = c.encodeJSON(r.Body); err != nil {
			return nil, err
		}
	}
	for attempt := 0; ; attempt++ {
		resp, retry, hint, err := c.attempt(ctx, r, target, body, attempt)
		if err == nil {
			return resp, nil
		}
		if !retry || attempt >= c.MaxRetries || ctx.Err() != nil {
			return nil, err
		}
		if r.NewBody != nil && !r.Replayable {
			return nil, err
		}
		delay := c.retryDelay(attempt, hint)
		c.log(ctx, slog.LevelDebug, "zai: retrying", slog.String("path", r.Path),
			slog.Int("attempt", attempt+1), slog.Duration("delay", delay), slog.String("error", err.Error()))
		if serr := c.sleep(ctx, delay); serr != nil {
			return nil, fmt.Errorf("zai: waiting to retry: %w (last error: %w)", serr, err)
		}
	}
}

// attempt makes one try. retry reports whether the failure is transient; hint
// carries the response headers for Retry-After.
func (c *Config) attempt(ctx context.Context, r *Request, target string, body []byte, n int) (resp *Response, retry bool, hint http.Header, err error) {
	actx, cancel := context.WithCancelCause(ctx)
	var timer *time.Timer
	if c.RequestTimeout > 0 {
		timer = time.AfterFunc(c.RequestTimeout, func() { cancel(errAttemptTimeout) })
	}
	release := func() {
		if timer != nil {
			timer.Stop()
		}
		cancel(nil)
	}

	req, err := c.newHTTPRequest(actx, r, target, body)
	if err != nil {
		release()
		return nil, false, nil, err
	}
	start := time.Now()
	hresp, err := c.client().Do(req)
	if err != nil {
		err = c.transportError(ctx, actx, err)
		release()
		c.logAttempt(ctx, r, n, 0, time.Since(start), "", err)
		return nil, isRetryableTransport(ctx, err), nil, err
	}
	reqID := RequestID(hresp.Header)
	if hresp.StatusCode < 200 || hresp.StatusCode > 299 {
		b, _ := io.ReadAll(io.LimitReader(hresp.Body, maxErrorBody))
		hresp.Body.Close()
		release()
		err = c.DecodeError(hresp.StatusCode, hresp.Header, b)
		retry = c.Retryable(hresp.StatusCode, err)
		switch strings.ToLower(hresp.Header.Get("X-Should-Retry")) {
		case "true":
			retry = true
		case "false":
			retry = false
		}
		c.logAttempt(ctx, r, n, hresp.StatusCode, time.Since(start), reqID, err)
		return nil, retry, hresp.Header, err
	}
	if r.Stream {
		// From here the idle timeout guards a flowing stream. If the attempt
		// timer already fired, the body is cancelled: fail the attempt as a
		// timeout (retryable, nothing was read) rather than hand it out.
		if timer != nil && !timer.Stop() {
			hresp.Body.Close()
			release()
			err := &TimeoutError{After: c.RequestTimeout, Err: context.Cause(actx)}
			c.logAttempt(ctx, r, n, hresp.StatusCode, time.Since(start), reqID, err)
			return nil, ctx.Err() == nil, nil, err
		}
		c.logAttempt(ctx, r, n, hresp.StatusCode, time.Since(start), reqID, nil)
		return &Response{
			StatusCode: hresp.StatusCode,
			Header:     hresp.Header,
			Reader:     &releasingBody{ReadCloser: hresp.Body, release: release},
		}, false, nil, nil
	}
	b, err := readBody(hresp)
	hresp.Body.Close()
	if err != nil {
		err = c.transportError(ctx, actx, err)
		release()
		c.logAttempt(ctx, r, n, hresp.StatusCode, time.Since(start), reqID, err)
		// The server answered 2xx, so it did the work (and may have billed
		// it): sending the request again could do it twice.
		return nil, false, nil, fmt.Errorf("zai: reading response body: %w", err)
	}
	release()
	c.logAttempt(ctx, r, n, hresp.StatusCode, time.Since(start), reqID, nil)
	return &Response{StatusCode: hresp.StatusCode, Header: hresp.Header, Body: b}, false, nil, nil
}

func readBody(resp *http.Response) ([]byte, error) {
	// Trust Content-Length for the allocation only up to 4 MiB; a larger
	// body grows as it arrives.
	if n := resp.ContentLength; n > 0 && n <= 4<<20 {
		b := make([]byte, n)
		if _, err := io.ReadFull(resp.Body, b); err != nil {
			return nil, err
		}
		return b, nil
	}
	return io.ReadAll(resp.Body)
}

// transportError explains an error from the transport: the caller's context
// wins, then the per-attempt timeout.
func (c *Config) transportError(ctx, actx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("zai: %w", ctxErr)
	}
	if context.Cause(actx) == errAttemptTimeout {
		return &TimeoutError{After: c.RequestTimeout, Err: err}
	}
	return fmt.Errorf("zai: %w", err)
}

// NoRetry marks err as one that no retry can fix, such as a refused
// redirect.
func NoRetry(err error) error { return noRetryError{err} }

type noRetryError struct{ error }

func (e noRetryError) Unwrap() error { return e.error }

func isRetryableTransport(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	if errors.As(err, new(noRetryError)) {
		return false
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	if errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) {
		return false
	}
	return true
}

// releasingBody cancels the attempt's context when the stream is closed.
type releasingBody struct {
	io.ReadCloser
	release func()
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}

func (c *Config) client() *http.Client {
	if c.HTTPClient != nil {
		return c.HTTPClient
	}
	return http.DefaultClient
}

func (c *Config) newHTTPRequest(ctx context.Context, r *Request, target string, body []byte) (*http.Request, error) {
	var rd io.Reader
	contentType := ""
	switch {
	case r.NewBody != nil:
		b, err := r.NewBody()
		if err != nil {
			return nil, err
		}
		rd, contentType = b, r.ContentType
	case body != nil:
		rd, contentType = bytes.NewReader(body), "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, target, rd)
	if err != nil {
		return nil, fmt.Errorf("zai: building request: %w", err)
	}
	if r.NewBody != nil && r.Replayable {
		req.GetBody = func() (io.ReadCloser, error) {
			b, err := r.NewBody()
			if err != nil {
				return nil, err
			}
			return io.NopCloser(b), nil
		}
	}
	h := req.Header
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	if r.Stream {
		h.Set("Accept", "text/event-stream")
	} else {
		h.Set("Accept", "application/json")
	}
	if c.UserAgent != "" {
		h.Set("User-Agent", c.UserAgent)
	}
	if c.Auth != nil {
		v, err := c.Auth()
		if err != nil {
			return nil, err
		}
		h.Set("Authorization", v)
	}
	for k, vs := range c.Header {
		h[k] = append([]string(nil), vs...)
	}
	for k, vs := range r.Header {
		h[k] = append([]string(nil), vs...)
	}
	return req, nil
}

// url joins the base URL and the path and appends the query string.
func (c *Config) url(r *Request) (string, error) {
	base := c.BaseURL
	if r.Agents {
		base = c.AgentsBaseURL
	}
	u := strings.TrimRight(base, "/") + r.Path
	if r.Query != nil {
		var vals url.Values
		switch q := r.Query.(type) {
		case url.Values:
			vals = q
		default:
			v, err := query.Values(q)
			if err != nil {
				return "", fmt.Errorf("zai: encoding query: %w", err)
			}
			vals = v
		}
		if enc := vals.Encode(); enc != "" {
			u += "?" + enc
		}
	}
	return u, nil
}

// encodeJSON marshals v and merges ExtraBody into the top-level object, with
// ExtraBody winning on a key clash. Without ExtraBody it is a plain Marshal.
func (c *Config) encodeJSON(v any) ([]byte, error) { return EncodeJSON(v, c.ExtraBody) }

// retryDelay is min(0.5s·2^n, 8s) less up to 25% jitter, unless the server
// named a delay with Retry-After-Ms or Retry-After.
func (c *Config) retryDelay(attempt int, h http.Header) time.Duration {
	if d, ok := ServerDelay(h, time.Now()); ok {
		return d
	}
	d := time.Duration(float64(InitialRetryDelay) * math.Pow(2, float64(attempt)))
	if d > MaxRetryDelay || d <= 0 {
		d = MaxRetryDelay
	}
	j := rand.Float64
	if c.Jitter != nil {
		j = c.Jitter
	}
	return d - time.Duration(float64(d)*0.25*j())
}

// ServerDelay reads Retry-After-Ms, then Retry-After (seconds, fractional
// allowed, or an HTTP date), capped at MaxServerDelay.
func ServerDelay(h http.Header, now time.Time) (time.Duration, bool) {
	if h == nil {
		return 0, false
	}
	var d time.Duration
	ok := false
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 {
			d, ok = time.Duration(ms*float64(time.Millisecond)), true
		}
	}
	if v := h.Get("Retry-After"); !ok && v != "" {
		if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
			d, ok = time.Duration(s*float64(time.Second)), true
		} else if t, err := http.ParseTime(v); err == nil {
			d, ok = max(t.Sub(now), 0), true
		}
	}
	if !ok {
		return 0, false
	}
	return min(d, MaxServerDelay), true
}

func (c *Config) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
	}
	return Sleep(ctx, d)
}

// Sleep waits for d, or until ctx is done, and then returns ctx.Err().
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (c *Config) log(ctx context.Context, level slog.Level, msg string, attrs ...slog.Attr) {
	if c.Logger == nil || !c.Logger.Enabled(ctx, level) {
		return
	}
	c.Logger.LogAttrs(ctx, level, msg, attrs...)
}

func (c *Config) logAttempt(ctx context.Context, r *Request, n, status int, d time.Duration, reqID string, err error) {
	if c.Logger == nil || !c.Logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("path", r.Path),
		slog.Int("status", status),
		slog.Int("attempt", n+1),
		slog.Duration("duration", d),
		slog.String("request_id", reqID),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.Logger.LogAttrs(ctx, slog.LevelDebug, "zai: request", attrs...)
}
