package core

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// The retry rule. An attempt that failed is sent again when a wait can fix
// its cause: a connection refused, reset or dropped before an answer, a
// timeout, an HTTP status of 408, 409, 429 or 5xx whose business code does
// not say otherwise, or a server's x-should-retry: true. It is never sent
// again when the failure is deterministic: the same bytes to the same peer
// would fail the same way (a TLS handshake the peer refuses, the wrong
// scheme for the port, a proxy that wants credentials, a request net/http
// or the HTTP/2 peer will not take, a body a middleware consumed). The
// rule is retryRules below, read from the top; the first row that matches
// decides. Do also stops when the retries are used up, the context ends,
// or the body cannot be sent again.

// failure is one failed attempt as the retry rule sees it.
type failure struct {
	err    error
	status int // the HTTP status, 0 when no response arrived
	// statusRetry is Config.DecodeError's verdict on an error status:
	// 408, 409, 429 or 5xx, and no business code that says no wait helps.
	statusRetry bool
	header      http.Header // the response's headers, when one arrived
	own         bool        // err is a middleware's own, not one from the transport
	// answered: a 2xx arrived, so the server did the work (and may have
	// billed it), and the failure came after (reading or checking the body).
	answered bool
}

// retryRule is one row of the rule: match says whether the row decides,
// retry what it decides.
type retryRule struct {
	name  string
	match func(f *failure) bool
	retry func(c *Config, f *failure) bool
}

func always(*Config, *failure) bool { return true }
func never(*Config, *failure) bool  { return false }

// retryRules is the retry rule, first match wins. Each row is tested in
// retry_test.go; a new row needs a test there.
var retryRules = []retryRule{
	{"a middleware's own error: only when it wraps ErrRetryable",
		func(f *failure) bool { return f.own },
		func(_ *Config, f *failure) bool { return errors.Is(f.err, ErrRetryable) }},
	{"a 2xx whose body failed to read or check: the work is done",
		func(f *failure) bool { return f.answered }, never},
	{"the server's x-should-retry header: as it says",
		func(f *failure) bool { return shouldRetryHeader(f.header) != "" },
		func(_ *Config, f *failure) bool { return shouldRetryHeader(f.header) == "true" }},
	{"an HTTP status: 408, 409, 429 and 5xx unless the business code says no wait helps (Config.DecodeError)",
		func(f *failure) bool { return f.status != 0 },
		func(_ *Config, f *failure) bool { return f.statusRetry }},
	{"a refused redirect or a redirect loop",
		func(f *failure) bool { return errors.As(f.err, new(noRetryError)) }, never},
	{"the caller's body source failed",
		func(f *failure) bool { return errors.As(f.err, new(*BodySourceError)) }, never},
	{"a timeout: the attempt's, the HTTP client's, a dial's or a TLS handshake's",
		isTimeout, always},
	{"a TLS certificate the client does not trust",
		func(f *failure) bool { return isCertError(f.err) }, never},
	{"a TLS alert from the peer: a handshake it refuses (client certificate required, protocol version)",
		func(f *failure) bool { return isRemoteTLSAlert(f.err) }, never},
	{"https to a port that answers plain HTTP, or not TLS at all",
		func(f *failure) bool {
			return errors.Is(f.err, http.ErrSchemeMismatch) || errors.As(f.err, new(tls.RecordHeaderError))
		}, never},
	{"a TLS handshake the client gives up (not a network error)",
		func(f *failure) bool { return isLocalTLSError(f.err) }, never},
	{"a proxy that refuses CONNECT: by its status (407 never)",
		func(f *failure) bool { _, ok := proxyConnectStatus(f.err); return ok },
		func(_ *Config, f *failure) bool {
			s, _ := proxyConnectStatus(f.err)
			return s == http.StatusRequestTimeout || s == http.StatusTooManyRequests || s >= 500
		}},
	{"an answer that is not HTTP (http to a TLS port) or breaks its framing",
		func(f *failure) bool { return innerHas(f.err, notHTTP) }, never},
	{"an HTTP/2 protocol error: the peer's header-list limit, PROTOCOL_ERROR",
		func(f *failure) bool { return innerHas(f.err, http2Protocol) }, never},
	{"a request net/http will not send: an invalid header, method, scheme or host, or a body whose length is not its Content-Length (a middleware consumed it)",
		func(f *failure) bool { return innerHas(f.err, unsendable) }, never},
	{"any other transport error: a connection refused, reset or closed before an answer",
		func(*failure) bool { return true }, always},
}

// shouldRetry applies retryRules to a failed attempt. A call whose context
// has ended is never retried.
func (c *Config) shouldRetry(ctx context.Context, f *failure) bool {
	if ctx.Err() != nil {
		return false
	}
	if i := ruleFor(f); i >= 0 {
		return retryRules[i].retry(c, f)
	}
	return false
}

// ruleFor is the index of the row of retryRules that decides f.
func ruleFor(f *failure) int {
	for i := range retryRules {
		if retryRules[i].match(f) {
			return i
		}
	}
	return -1
}

// shouldRetryHeader is the x-should-retry header, lowercased, when it is
// "true" or "false"; "" otherwise.
func shouldRetryHeader(h http.Header) string {
	if h == nil {
		return ""
	}
	switch v := strings.ToLower(strings.TrimSpace(h.Get("X-Should-Retry"))); v {
	case "true", "false":
		return v
	}
	return ""
}

func isTimeout(f *failure) bool {
	if errors.As(f.err, new(*TimeoutError)) {
		return true
	}
	var ne net.Error
	return errors.As(f.err, &ne) && ne.Timeout()
}

func isCertError(err error) bool {
	return errors.As(err, new(*tls.CertificateVerificationError)) ||
		errors.As(err, new(x509.UnknownAuthorityError)) ||
		errors.As(err, new(x509.HostnameError)) ||
		errors.As(err, new(x509.CertificateInvalidError))
}

// isRemoteTLSAlert reports an alert the TLS peer sent: crypto/tls returns
// it as a *net.OpError whose Op is "remote error".
func isRemoteTLSAlert(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "remote error"
}

// isLocalTLSError reports a handshake that crypto/tls ended on the client's
// side (an unsupported version, a bad handshake message): its errors say
// "tls: " and, unlike a reset during the handshake, are not network errors.
func isLocalTLSError(err error) bool {
	inner := innerError(err)
	var ne net.Error
	if errors.As(inner, &ne) {
		return false
	}
	return strings.HasPrefix(inner.Error(), "tls: ")
}

// proxyConnectStatus reads the status of a proxy's refused CONNECT. net/http
// reports it as an error whose whole text is the status line's reason
// ("Proxy Authentication Required"), or, as a *ProxyConnectError, with its
// code when the transport's OnProxyConnectResponse is ProxyConnectCheck.
func proxyConnectStatus(err error) (int, bool) {
	var pe *ProxyConnectError
	if errors.As(err, &pe) {
		return pe.StatusCode, true
	}
	msg := innerError(err).Error()
	for code := 400; code < 600; code++ {
		if t := http.StatusText(code); t != "" && t == msg {
			return code, true
		}
	}
	return 0, false
}

// ProxyConnectError is a proxy's refusal of a CONNECT request.
type ProxyConnectError struct{ StatusCode int }

func (e *ProxyConnectError) Error() string {
	return "the proxy answered CONNECT with " + http.StatusText(e.StatusCode)
}

// ProxyConnectCheck is an http.Transport OnProxyConnectResponse hook that
// turns a refused CONNECT into a *ProxyConnectError, so the retry rule
// sees the proxy's status even when its reason phrase is not the standard
// one.
func ProxyConnectCheck(_ context.Context, _ *url.URL, _ *http.Request, resp *http.Response) error {
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	return &ProxyConnectError{StatusCode: resp.StatusCode}
}

// The texts of net/http's unexported errors, which are stable. They are
// matched against the transport's error below the *url.Error, whose text
// holds the URL.
var (
	notHTTP = []string{
		"malformed HTTP", // response, status code, version
		"malformed MIME header",
		"server response headers exceeded",
		"unsupported transfer encoding",
		"too many transfer encodings",
		"bad Content-Length",
		"invalid empty Content-Length",
		"cannot contain multiple Content-Length headers",
	}
	http2Protocol = []string{
		"header list larger than", // the peer's SETTINGS_MAX_HEADER_LIST_SIZE
		"PROTOCOL_ERROR",
		"FRAME_SIZE_ERROR",
		"COMPRESSION_ERROR",
		"http2: invalid",
	}
	unsendable = []string{
		"net/http: invalid header",
		"net/http: invalid trailer",
		"net/http: invalid method",
		"unsupported protocol scheme",
		"no Host in request URL",
		"invalid Host header",
		"can't write control character",
		"with Body length", // ContentLength=N with Body length M
		"with nil Body",    // Request.ContentLength=N with nil Body
	}
)

// innerError is err below its *url.Error, if any.
func innerError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}

func innerHas(err error, texts []string) bool {
	msg := innerError(err).Error()
	for _, s := range texts {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
