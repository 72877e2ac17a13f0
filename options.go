package zai

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"strings"
	"time"

	"github.com/zai-go/zai/internal/core"
	"github.com/zai-go/zai/internal/jwt"
	"github.com/zai-go/zai/internal/redact"
)

// Option configures a Client when given to NewClient, or a single call when
// given to a method, where it applies on top of the client's options.
type Option func(*settings) error

// settings are the resolved options: the request core's Config, which is
// what a call sends with, and what only this package reads. A call copies
// them only when it has options of its own.
type settings struct {
	core.Config

	apiKey  secret
	rootURL string        // the API root (core.Request.Root) if set; empty: derived from BaseURL
	jwtTTL  time.Duration // > 0: sign JWTs
	signer  *jwt.Signer

	socketURL string // the WebSocket URL, if set; empty: derived from BaseURL

	pollInterval time.Duration      // first gap between polls; 0: DefaultPollInterval
	pollProgress func(PollProgress) // called once per poll
	logger       *slog.Logger       // WithLogger's; Config.Logger is it behind the redactor
	secrets      *redact.Secrets    // what never leaves the SDK (redact.go)

	now func() time.Time // test hook for the JWT clock

	hooks // observers and WithResponseInto (observe.go)

	built bool // NewClient is done: options now apply to one call
}

// secret holds the API key and never prints it.
type secret string

func (secret) String() string               { return "[REDACTED]" }
func (secret) GoString() string             { return `"[REDACTED]"` }
func (secret) LogValue() slog.Value         { return slog.StringValue("[REDACTED]") }
func (s secret) Format(f fmt.State, _ rune) { fmt.Fprint(f, s.String()) }

// WithAPIKey sets the API key. Without it the client reads ZAI_API_KEY.
// Surrounding spaces are trimmed; a key with a control character inside
// (a newline pasted with it) is refused with ErrInvalidAPIKey.
func WithAPIKey(key string) Option {
	return func(s *settings) error {
		s.apiKey = secret(strings.TrimSpace(key))
		s.signer = nil
		return nil
	}
}

// WithBaseURL sets the API base URL, such as BigModelBaseURL. Without it the
// client reads ZAI_BASE_URL, then uses InternationalBaseURL. A URL that
// cannot work (empty, spaces, a query or fragment, no host, a bad port) is
// refused with ErrInvalidRequest before any request is sent.
func WithBaseURL(u string) Option {
	return func(s *settings) error {
		if u == "" {
			return invalidf("WithBaseURL(%q): the base URL is empty", u)
		}
		s.BaseURL = strings.TrimRight(u, "/")
		return nil
	}
}

// WithHTTPClient sets the HTTP client. The default is a client with no
// overall timeout (streams can run long) over a clone of
// http.DefaultTransport, which refuses redirects to plain http on hosts that
// are not loopback; a client of your own should do the same. With any
// client, a redirect to another origin (scheme, host or port) is followed
// without the Authorization header and cookies, as curl does.
func WithHTTPClient(c *http.Client) Option {
	return func(s *settings) error {
		if c == nil {
			return invalidf("WithHTTPClient(nil)")
		}
		s.HTTPClient = c
		return nil
	}
}

// WithHeader sets a header on every request (or on one call).
func WithHeader(key, value string) Option {
	return func(s *settings) error {
		s.Header = s.Header.Clone()
		if s.Header == nil {
			s.Header = http.Header{}
		}
		s.Header.Set(key, value)
		return nil
	}
}

// WithExtraBody merges fields into the top-level JSON body of each request,
// last, so they win over the SDK's own fields. It is for parameters this SDK
// does not model yet.
func WithExtraBody(fields map[string]any) Option {
	return func(s *settings) error {
		m := maps.Clone(s.ExtraBody)
		if m == nil {
			m = make(map[string]any, len(fields))
		}
		maps.Copy(m, fields)
		s.ExtraBody = m
		return nil
	}
}

// WithMaxRetries sets how many times a failed request is retried (default 3;
// 0 disables retries).
func WithMaxRetries(n int) Option {
	return func(s *settings) error {
		if n < 0 {
			return invalidf("WithMaxRetries(%d)", n)
		}
		s.MaxRetries = n
		return nil
	}
}

// WithRequestTimeout bounds each attempt. For a buffered call it covers the
// whole exchange; for a stream it stops once the response headers arrive, so
// it never cuts a stream that is flowing (see WithStreamIdleTimeout). A timed
// out attempt is retried; the error matches ErrTimeout and
// context.DeadlineExceeded. Zero means no limit (the default).
func WithRequestTimeout(d time.Duration) Option {
	return func(s *settings) error {
		s.RequestTimeout = d
		return nil
	}
}

// WithStreamIdleTimeout ends a stream that stays silent (no event, no
// keep-alive) for longer than d; Err then matches ErrTimeout. It measures
// only the time the SDK waits for the server: the time a caller spends with
// a chunk between calls to Next does not count. It also bounds the wait for
// a JSON body sent in place of a stream. Zero means no limit (the default).
func WithStreamIdleTimeout(d time.Duration) Option {
	return func(s *settings) error {
		s.StreamIdleTimeout = d
		return nil
	}
}

// WithMaxStreamEventSize sets the largest server-sent event a stream accepts
// (default 32 MiB). A larger event ends the stream with
// ErrStreamEventTooLarge.
func WithMaxStreamEventSize(n int) Option {
	return func(s *settings) error {
		s.MaxEventSize = n
		return nil
	}
}

// WithJWTAuth signs the API key ("id.secret") into short-lived JWTs, as the
// official SDKs do when token caching is on, instead of sending the key
// itself. Tokens live for ttl (210 s if ttl <= 0) and are cached and renewed
// before they expire. A token the server answers with 401 (its clock
// disagrees, the process slept past the expiry) is dropped from the cache,
// and the call is sent once more, at once, with a new token.
func WithJWTAuth(ttl time.Duration) Option {
	return func(s *settings) error {
		if ttl <= 0 {
			ttl = 210 * time.Second
		}
		s.jwtTTL = ttl
		s.signer = nil
		return nil
	}
}

// WithLogger logs each attempt at slog.LevelDebug: method, path, status,
// attempt, duration and request id, and each retry with its delay. Bodies
// are never logged, and the key (or a JWT made from it) is removed from
// every record, wherever the server echoed it.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error {
		s.logger = l
		s.Logger = redactingLogger(l, s.secrets)
		return nil
	}
}

// WithPollInterval sets the first gap between polls of every Wait (default
// DefaultPollInterval). Each later gap is 1.5 times the one before, up to
// MaxPollInterval (or d itself, if d is larger).
func WithPollInterval(d time.Duration) Option {
	return func(s *settings) error {
		if d <= 0 {
			return invalidf("WithPollInterval(%s)", d)
		}
		s.pollInterval = d
		return nil
	}
}

// WithPollProgress calls fn once per poll of a Wait, the final one
// included, so a program can show progress: every Wait reports the same
// PollProgress, with the status as its service sends it. fn runs on the
// waiting goroutine and should return quickly.
func WithPollProgress(fn func(PollProgress)) Option {
	return func(s *settings) error {
		s.pollProgress = fn
		return nil
	}
}

// withTestHooks is WithTestHooks without the export, for export_test.go.
func withTestHooks(sleep func(context.Context, time.Duration) error, jitter func() float64, now func() time.Time) Option {
	return func(s *settings) error {
		s.Sleep, s.Jitter, s.now = sleep, jitter, now
		s.signer = nil // re-create with the new clock
		return nil
	}
}

// WithResponseInto stores the final attempt's *http.Response in *dst when
// the call ends: its status and headers (X-Log-Id, rate-limit headers), with
// the body already read (for a stream, owned by the stream; for a download,
// by the caller). It is set when the call fails with an HTTP error too, and
// set to nil when the last attempt got no response. It is meant for one
// call: given to NewClient, every call writes to the same *dst.
func WithResponseInto(dst **http.Response) Option {
	return func(s *settings) error {
		if dst == nil {
			return invalidf("WithResponseInto(nil)")
		}
		s.responseInto = dst
		return nil
	}
}

// WithMaxRetryDelay caps every wait between attempts at d: the backoff and
// a server's Retry-After alike (which is otherwise honoured up to 60 s).
// Zero restores the default.
func WithMaxRetryDelay(d time.Duration) Option {
	return func(s *settings) error {
		if d < 0 {
			return invalidf("WithMaxRetryDelay(%s)", d)
		}
		s.MaxRetryDelay = d
		return nil
	}
}

// WithMaxConcurrency lets at most n requests of the client be in flight at
// once; further calls wait for a slot, or fail with their context's error
// when it ends first. A slot is held for one attempt (not while waiting to
// retry), and a stream or download keeps its slot until its body is read
// to the end or closed, so close every stream. The limit belongs to the
// client: it is the one option that does not work for one call (a bound on
// a single call's requests means nothing), and given to a method it fails
// the call with ErrInvalidRequest before anything is sent.
func WithMaxConcurrency(n int) Option {
	return func(s *settings) error {
		if n < 1 {
			return invalidf("WithMaxConcurrency(%d)", n)
		}
		if s.built {
			return invalidf("WithMaxConcurrency(%d) bounds a client's requests; give it to NewClient, not to one call", n)
		}
		s.Limiter = make(semaphore, n)
		return nil
	}
}

// WithOptions bundles options into one, applied in order, for packages
// that hand out a single Option (zaiotel.Instrument).
func WithOptions(opts ...Option) Option {
	return func(s *settings) error {
		for _, o := range opts {
			if err := o(s); err != nil {
				return err
			}
		}
		return nil
	}
}
