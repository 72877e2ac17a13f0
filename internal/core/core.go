// Package core is the request core shared by every zai service: it builds the
// URL, encodes the body and query, signs the request, sends it with retries and
// per-attempt timeouts, and turns failures into errors through hooks that the
// zai package supplies. Services describe a Request; only this package touches
// net/http on the way out.
//
// The zai package is called back at four points, each once per attempt at
// most: Config.Auth (sign), Config.DecodeError (an error status),
// Request.Check (a 2xx body) and Request.Trace (observers). Every error this
// package returns starts with "zai: ", given where the error is made or
// where an error of net/http or the context first enters; the hooks' errors
// are returned as they are.
package core

import (
	"bytes"
	"context"
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
	"sync"
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
	BaseURL    string // e.g. https://api.z.ai/api/paas/v4
	RootURL    string // the host's API root, e.g. https://api.z.ai/api
	HTTPClient *http.Client
	Header     http.Header
	UserAgent  string
	ExtraBody  map[string]any

	// Auth returns the Authorization header value for one attempt.
	Auth func() (string, error)
	// Reauth, if set, is told the Authorization value that a 401 answered.
	// When it drops a cached credential and reports that the next Auth will
	// differ, the call makes one fresh attempt at once, outside MaxRetries.
	Reauth func(authorization string) bool

	MaxRetries        int
	RequestTimeout    time.Duration
	StreamIdleTimeout time.Duration
	MaxEventSize      int
	Logger            *slog.Logger

	// DecodeError turns a non-2xx response into an error and says whether
	// another attempt may help (an x-should-retry header then overrides).
	DecodeError func(status int, header http.Header, body []byte) (err error, retry bool)

	// Middleware wraps each attempt's round trip, first outermost. Nil or
	// empty: the HTTP client is called directly, with nothing allocated.
	Middleware []Middleware
	// Limiter bounds the requests in flight; nil means no bound.
	Limiter Limiter
	// MaxRetryDelay, if > 0, caps every wait between attempts: the backoff
	// and a server's Retry-After alike.
	MaxRetryDelay time.Duration

	// Test hooks; nil means the real thing.
	Sleep  func(ctx context.Context, d time.Duration) error
	Jitter func() float64 // in [0,1)
}

// Middleware wraps one attempt's round trip; next sends the request on
// (through the middleware after this one, then the HTTP client).
type Middleware func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error)

// Limiter hands out slots for requests in flight. Acquire blocks until a
// slot is free or ctx is done; every successful Acquire is matched by one
// Release.
type Limiter interface {
	Acquire(ctx context.Context) error
	Release()
}

// ErrRetryable marks an error from a middleware as worth another attempt.
// A middleware's own error is otherwise final.
var ErrRetryable = errors.New("zai: retryable")

// ErrTimeout is matched by a TimeoutError (and, in the zai package, by every
// other timeout): the zai package exports it as zai.ErrTimeout.
var ErrTimeout = errors.New("zai: timeout")

// MiddlewareError carries an error that a middleware made itself (not one
// it passed on from next), so that the caller returns it as it is.
type MiddlewareError struct{ Err error }

func (e *MiddlewareError) Error() string { return e.Err.Error() }

// Unwrap returns the middleware's error.
func (e *MiddlewareError) Unwrap() error { return e.Err }

// Attempt describes one finished attempt, for Trace.Attempt.
type Attempt struct {
	Number   int            // 1 for the first attempt
	Response *http.Response // the response, when one arrived (its body is consumed or handed on)
	Err      error          // nil on success
	Duration time.Duration  // from sending to the end of the attempt
	Retry    bool           // another attempt follows
	Delay    time.Duration  // the wait before it, when Retry
}

// Request describes one API call.
type Request struct {
	Method string
	Path   string // relative to the base URL, starting with "/"
	Root   bool   // resolve Path against RootURL instead of BaseURL
	Query  any    // url.Values, or a struct with `url` tags
	Header http.Header
	// Accept is the Accept header; empty means application/json, or
	// text/event-stream for a Stream.
	Accept string

	// Body is encoded as JSON, with Config.ExtraBody merged last.
	Body any
	// NewBody, if set, produces a raw body for each attempt (multipart
	// uploads). Replayable says whether calling it again yields the same
	// bytes; if not, the request is never retried once sent.
	NewBody    func() (io.Reader, error)
	Replayable bool
	// ContentType of a NewBody body.
	ContentType string
	// Cleanup, if set, runs once when Do returns, whatever the outcome: a
	// multipart body stops its writer there, so the caller's reader is
	// never read after the call.
	Cleanup func()

	// Stream asks for server-sent events and keeps the body open for the
	// caller; Unbuffered keeps the body open without asking for events (a
	// download). Either way the per-attempt timeout stops at the headers.
	Stream     bool
	Unbuffered bool

	// Check inspects a buffered 2xx body for a failure that the server
	// reports with a success status. Its error is returned as is and never
	// retried.
	Check func(status int, header http.Header, body []byte) error

	// Trace, if set, follows the call: the zai package's observers.
	Trace Trace
}

// Trace follows one call through the core.
type Trace interface {
	// Begin runs once the body is encoded (body is nil for a raw or empty
	// body), before the first attempt; every attempt is sent with the
	// context it returns.
	Begin(ctx context.Context, body []byte) context.Context
	// Attempt runs after each attempt.
	Attempt(Attempt)
}

// open reports whether the body is handed to the caller unread.
func (r *Request) open() bool { return r.Stream || r.Unbuffered }

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
// ErrTimeout and context.DeadlineExceeded.
type TimeoutError struct {
	After time.Duration
	Err   error
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("zai: request timed out after %s", e.After)
}

// Is makes errors.Is(err, ErrTimeout) and errors.Is(err,
// context.DeadlineExceeded) true.
func (e *TimeoutError) Is(target error) bool {
	return target == ErrTimeout || target == context.DeadlineExceeded
}

// Unwrap returns the transport error.
func (e *TimeoutError) Unwrap() error { return e.Err }

// Do sends r and returns the first successful response, retrying transient
// failures. The returned error is the last attempt's (an error from
// DecodeError or Check, a transport error, the context's error), or the
// context's error when it ends the wait before a retry.
func (c *Config) Do(ctx context.Context, r *Request) (*Response, error) {
	if r.Cleanup != nil {
		defer r.Cleanup()
	}
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
	if r.Trace != nil {
		ctx = r.Trace.Begin(ctx, body)
	}
	replayable := r.NewBody == nil || r.Replayable
	reauthed := false
	for attempt, retries := 0, 0; ; attempt++ {
		start := time.Now()
		resp, retry, hint, hresp, err := c.attempt(ctx, r, target, body, attempt)
		// A 401 to a cached credential (a JWT) that Reauth dropped gets one
		// fresh attempt per call, at once.
		fresh := err != nil && !reauthed && replayable && ctx.Err() == nil && c.reauth(hresp)
		reauthed = reauthed || fresh
		final := err == nil || !fresh && (!retry || retries >= c.MaxRetries || ctx.Err() != nil || !replayable)
		var delay time.Duration
		if !final && !fresh {
			delay = c.retryDelay(retries, hint)
		}
		if r.Trace != nil {
			notify(r.Trace.Attempt, Attempt{Number: attempt + 1, Response: hresp, Err: err,
				Duration: time.Since(start), Retry: !final, Delay: delay}, resp)
		}
		if err == nil {
			return resp, nil
		}
		if final {
			return nil, err
		}
		if fresh {
			continue
		}
		retries++
		c.log(ctx, slog.LevelDebug, "zai: retrying", slog.String("path", r.Path),
			slog.Int("attempt", attempt+1), slog.Duration("delay", delay), slog.String("error", err.Error()))
		if serr := c.sleep(ctx, delay); serr != nil {
			return nil, &retryWaitError{attempts: attempt + 1, err: serr, last: err}
		}
	}
}

// reauth reports whether resp is a 401 whose credential Reauth dropped.
func (c *Config) reauth(resp *http.Response) bool {
	if c.Reauth == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized || resp.Request == nil {
		return false
	}
	return c.Reauth(resp.Request.Header.Get("Authorization"))
}

// notify runs the attempt hook. If it panics, an open body that the call
// would have handed out is closed first, so that its slot and connection
// are not lost with the panic, which then goes on.
func notify(hook func(Attempt), a Attempt, resp *Response) {
	if resp != nil && resp.Reader != nil {
		defer func() {
			if p := recover(); p != nil {
				resp.Reader.Close()
				panic(p)
			}
		}()
	}
	hook(a)
}

// attempt makes one try. retry reports whether the failure is transient; hint
// carries the response headers for Retry-After; hresp is the response as
// the HTTP client (or the last middleware) gave it, nil when none came.
func (c *Config) attempt(ctx context.Context, r *Request, target string, body []byte, n int) (resp *Response, retry bool, hint http.Header, hresp *http.Response, err error) {
	if c.Limiter != nil {
		// Waited for before the attempt's own timer starts: time queued
		// behind this client's other requests is not the server's fault.
		if err := c.Limiter.Acquire(ctx); err != nil {
			return nil, false, nil, nil, fmt.Errorf("zai: waiting for a request slot: %w", err)
		}
	}
	actx, cancel := context.WithCancelCause(ctx)
	var timer *time.Timer
	if c.RequestTimeout > 0 {
		timer = time.AfterFunc(c.RequestTimeout, func() { cancel(errAttemptTimeout) })
	}
	// release frees the attempt's timer, context and slot, once. Every path
	// out of attempt that does not hand an open body to the caller calls it
	// by the defer below, panics of a middleware or a hook included; the
	// paths that can free them early do so.
	released, handedOff := false, false
	release := func() {
		if released {
			return
		}
		released = true
		if timer != nil {
			timer.Stop()
		}
		cancel(nil)
		if c.Limiter != nil {
			c.Limiter.Release()
		}
	}
	defer func() {
		if !handedOff {
			release()
		}
	}()

	req, err := c.newHTTPRequest(actx, r, target, body)
	if err != nil {
		release()
		return nil, false, nil, nil, err
	}
	start := time.Now()
	hresp, own, err := c.send(req)
	if err != nil {
		release()
		if own {
			retry = c.shouldRetry(ctx, &failure{err: err, own: true})
			c.logAttempt(ctx, r, n, 0, time.Since(start), "", err)
			return nil, retry, nil, nil, &MiddlewareError{Err: err}
		}
		err = c.transportError(ctx, actx, "", err)
		c.logAttempt(ctx, r, n, 0, time.Since(start), "", err)
		return nil, c.shouldRetry(ctx, &failure{err: err}), nil, nil, err
	}
	decodeContentEncoding(hresp)
	reqID := RequestID(hresp.Header)
	if hresp.StatusCode < 200 || hresp.StatusCode > 299 {
		b, rerr := readErrorBody(hresp)
		hresp.Body.Close()
		release()
		var statusRetry bool
		err, statusRetry = c.DecodeError(hresp.StatusCode, hresp.Header, b)
		if encErr := (*EncodingError)(nil); errors.As(rerr, &encErr) {
			err = fmt.Errorf("%w (%v)", err, encErr)
		}
		retry = c.shouldRetry(ctx, &failure{err: err, status: hresp.StatusCode, header: hresp.Header, statusRetry: statusRetry})
		c.logAttempt(ctx, r, n, hresp.StatusCode, time.Since(start), reqID, err)
		return nil, retry, hresp.Header, hresp, err
	}
	if r.open() {
		// From here the idle timeout guards a flowing stream. If the attempt
		// timer already fired, the body is cancelled: fail the attempt as a
		// timeout (retryable, nothing was read) rather than hand it out.
		if timer != nil && !timer.Stop() {
			hresp.Body.Close()
			release()
			err := &TimeoutError{After: c.RequestTimeout, Err: context.Cause(actx)}
			c.logAttempt(ctx, r, n, hresp.StatusCode, time.Since(start), reqID, err)
			return nil, c.shouldRetry(ctx, &failure{err: err}), nil, hresp, err
		}
		c.logAttempt(ctx, r, n, hresp.StatusCode, time.Since(start), reqID, nil)
		// The body keeps the request's slot and context until it is closed.
		handedOff = true
		return &Response{
			StatusCode: hresp.StatusCode,
			Header:     hresp.Header,
			Reader:     &releasingBody{ReadCloser: hresp.Body, release: release},
		}, false, nil, hresp, nil
	}
	b, err := readBody(hresp)
	hresp.Body.Close()
	if err != nil {
		err = c.transportError(ctx, actx, "reading response body: ", err)
		release()
		c.logAttempt(ctx, r, n, hresp.StatusCode, time.Since(start), reqID, err)
		// The server answered 2xx, so it did the work (and may have billed
		// it): sending the request again could do it twice.
		return nil, c.shouldRetry(ctx, &failure{err: err, answered: true}), nil, hresp, err
	}
	release()
	if r.Check != nil {
		if err := r.Check(hresp.StatusCode, hresp.Header, b); err != nil {
			c.logAttempt(ctx, r, n, hresp.StatusCode, time.Since(start), reqID, err)
			return nil, c.shouldRetry(ctx, &failure{err: err, answered: true}), nil, hresp, err
		}
	}
	c.logAttempt(ctx, r, n, hresp.StatusCode, time.Since(start), reqID, nil)
	return &Response{StatusCode: hresp.StatusCode, Header: hresp.Header, Body: b}, false, nil, hresp, nil
}

// send makes the round trip through the middleware, if any. own reports
// that the error is the middleware's own, not one that the HTTP client
// returned (and a middleware passed on, wrapped or not).
func (c *Config) send(req *http.Request) (resp *http.Response, own bool, err error) {
	hc := c.client()
	if len(c.Middleware) == 0 {
		resp, err = hc.Do(req)
		return resp, false, err
	}
	var sent error // the HTTP client's error, last call of next
	next := func(req *http.Request) (*http.Response, error) {
		resp, err := hc.Do(req)
		sent = err
		return resp, err
	}
	for i := len(c.Middleware) - 1; i >= 0; i-- {
		mw, inner := c.Middleware[i], next
		next = func(req *http.Request) (*http.Response, error) { return mw(req, inner) }
	}
	resp, err = next(req)
	switch {
	case err != nil:
		if resp != nil && resp.Body != nil {
			resp.Body.Close() // as http.Client does, a response with an error is dropped
		}
		return nil, sent == nil || !errors.Is(err, sent), err
	case resp == nil:
		return nil, true, errors.New("zai: a middleware returned neither a response nor an error")
	case resp.Body == nil:
		// http.Client never does this; a response made up by a middleware
		// might. Reading it would be a nil dereference inside the core.
		return nil, true, fmt.Errorf("zai: a middleware returned a %d response with a nil Body (use http.NoBody for an empty one)", resp.StatusCode)
	}
	return resp, false, nil
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

// transportError explains an error from the transport, as an error of this
// package: the caller's context wins, then the per-attempt timeout (whose
// text says so itself); what ("reading response body: ") says which step
// failed, after the prefix.
func (c *Config) transportError(ctx, actx context.Context, what string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		err = ctxErr
	} else if context.Cause(actx) == errAttemptTimeout {
		return &TimeoutError{After: c.RequestTimeout, Err: err}
	}
	return fmt.Errorf("zai: %s%w", what, err)
}

// retryWaitError is a wait before a retry that the context cut short. It
// matches the context's error and, through errors.As, the last attempt's
// error, which its text leaves out: that error has its own "zai: " and
// is already told to Trace.Attempt and the log.
type retryWaitError struct {
	attempts  int
	err, last error
}

func (e *retryWaitError) Error() string {
	return fmt.Sprintf("zai: waiting to retry after attempt %d: %v", e.attempts, e.err)
}

func (e *retryWaitError) Unwrap() []error { return []error{e.err, e.last} }

// NoRetry marks err as one that no retry can fix, such as a refused
// redirect.
func NoRetry(err error) error { return noRetryError{err} }

type noRetryError struct{ error }

func (e noRetryError) Unwrap() error { return e.error }

// BodySourceError reports that the caller's body source (a file or reader
// being uploaded) failed while it was read. Resending cannot help.
type BodySourceError struct{ Err error }

func (e *BodySourceError) Error() string { return "reading the request body: " + e.Err.Error() }

// Unwrap returns the source's error.
func (e *BodySourceError) Unwrap() error { return e.Err }

// releasingBody cancels the attempt's context and frees its slot when the
// body is closed, once however often Close is called.
type releasingBody struct {
	io.ReadCloser
	release func()
	once    sync.Once
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.release)
	return err
}

// client is the HTTP client of one attempt: the configured one (or
// http.DefaultClient) behind the redirect guard.
func (c *Config) client() *http.Client {
	if c.HTTPClient != nil {
		return guardRedirects(c.HTTPClient)
	}
	return guardRedirects(http.DefaultClient)
}

func (c *Config) newHTTPRequest(ctx context.Context, r *Request, target string, body []byte) (*http.Request, error) {
	var rd io.Reader
	contentType := ""
	switch {
	case r.NewBody != nil:
		b, err := r.NewBody()
		if err != nil {
			return nil, fmt.Errorf("zai: %w", err)
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
	switch {
	case r.Accept != "":
		h.Set("Accept", r.Accept)
	case r.Stream:
		h.Set("Accept", "text/event-stream")
	default:
		h.Set("Accept", "application/json")
	}
	if c.UserAgent != "" {
		h.Set("User-Agent", c.UserAgent)
	}
	if c.Auth != nil {
		v, err := c.Auth()
		if err != nil {
			return nil, fmt.Errorf("zai: %w", err)
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
	if r.Root {
		base = c.RootURL
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
				return "", invalid(fmt.Errorf("encoding query: %w", err))
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

// retryDelay is the wait before the next attempt, capped at MaxRetryDelay
// when that is set.
func (c *Config) retryDelay(attempt int, h http.Header) time.Duration {
	d := c.backoff(attempt, h)
	if c.MaxRetryDelay > 0 && d > c.MaxRetryDelay {
		d = c.MaxRetryDelay
	}
	return d
}

// backoff is min(0.5s·2^n, 8s) less up to 25% jitter, unless the server
// named a delay with Retry-After-Ms or Retry-After.
func (c *Config) backoff(attempt int, h http.Header) time.Duration {
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
// allowed, or an HTTP date, read against the response's Date header when
// present and against now otherwise), capped at MaxServerDelay. A value too large
// for a time.Duration (1e300 ms, Inf) is capped too, never overflowed into a
// negative wait; NaN and negative values are ignored.
func ServerDelay(h http.Header, now time.Time) (time.Duration, bool) {
	if h == nil {
		return 0, false
	}
	if v := h.Get("Retry-After-Ms"); v != "" {
		if d, ok := capped(v, float64(time.Millisecond)); ok {
			return d, true
		}
	}
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if d, ok := capped(v, float64(time.Second)); ok {
		return d, true
	}
	if t, err := http.ParseTime(v); err == nil {
		// The date is on the server's clock: measure it from the server's
		// Date when it sent one, so that a clock ahead of or behind ours
		// does not turn "in 2 s" into the cap or into nothing.
		if date, err := http.ParseTime(h.Get("Date")); err == nil {
			now = date
		}
		return min(max(t.Sub(now), 0), MaxServerDelay), true
	}
	return 0, false
}

// capped parses v as a count of units and caps it at MaxServerDelay before
// converting, since the conversion of a huge float is undefined.
func capped(v string, unit float64) (time.Duration, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	if math.IsNaN(f) || f < 0 {
		return 0, false
	}
	if f*unit >= float64(MaxServerDelay) {
		return MaxServerDelay, true
	}
	return time.Duration(f * unit), true
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
