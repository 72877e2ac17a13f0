package zai

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/zai-go/zai/internal/core"
	"github.com/zai-go/zai/internal/jwt"
	"github.com/zai-go/zai/internal/sse"
)

// Error text. Every error this package returns starts with "zai: ", once.
// An error is given it where it is made (errors.New("zai: ..."), the Error
// methods of APIError and TaskFailedError) or, for an error from elsewhere
// (net/http, the context, encoding/json), where it first enters the SDK, by
// fmt.Errorf("zai: ...: %w", err). An error that has it is never wrapped
// with text in front: what it lacks goes into its fields, or after it
// ("; advice"). internal/core keeps the same rule.

// Error categories. Use errors.Is to classify an error returned by any call:
//
//	if errors.Is(err, zai.ErrRateLimited) { ... }
//
// An *APIError matches a category by its business code first (Z.ai sends
// 1113 "insufficient balance" with HTTP 429, which is a quota problem, not a
// rate limit) and by its HTTP status otherwise.
var (
	// ErrBadRequest: the request was rejected as malformed (HTTP 400, codes
	// 1200-1215, 1231, 1261, HTTP 435 file too large).
	ErrBadRequest = errors.New("zai: bad request")
	// ErrAuthentication: the key or token was missing, wrong or expired
	// (HTTP 401, codes 1000-1005; 1005: a second-factor login is required).
	ErrAuthentication = errors.New("zai: authentication failed")
	// ErrPermission: the account may not use this API or model (HTTP 403 and
	// 434, codes 1100-1121 except 1113 and 1120, 1220).
	ErrPermission = errors.New("zai: permission denied")
	// ErrNotFound: the path, task or model does not exist (HTTP 404, codes
	// 1221, 1222, 1703).
	ErrNotFound = errors.New("zai: not found")
	// ErrRateLimited: too many requests or too much concurrency; waiting
	// helps (codes 1302, 1303, 1305, 1312, 1701, or HTTP 429 without a
	// quota code). These are retried.
	ErrRateLimited = errors.New("zai: rate limited")
	// ErrQuotaExceeded: the balance, daily quota or plan limit is used up;
	// waiting a few seconds does not help (codes 1113, 1304, 1308-1311,
	// 1313-1321, which arrive as HTTP 429). These are not retried.
	ErrQuotaExceeded = errors.New("zai: quota exceeded")
	// ErrContentFiltered: the input or output was blocked by the content
	// policy (codes 1300, 1301). Not retried.
	ErrContentFiltered = errors.New("zai: content filtered")
	// ErrServer: the server failed (HTTP 5xx, codes 500, 1120, 1230, 1234,
	// 1702). These are retried.
	ErrServer = errors.New("zai: server error")
	// ErrTimeout: an attempt outlived WithRequestTimeout, a stream was silent
	// longer than WithStreamIdleTimeout, or the server answered 408.
	ErrTimeout = core.ErrTimeout
	// ErrTaskFailed: a task that a Wait polled ended badly (see
	// TaskFailedError).
	ErrTaskFailed = errors.New("zai: task failed")
	// ErrMissingAPIKey: no key was given and ZAI_API_KEY is empty.
	ErrMissingAPIKey = errors.New("zai: missing API key: set ZAI_API_KEY or use WithAPIKey")
	// ErrInvalidRequest: the SDK rejected a request before sending it
	// (an empty model, no messages, an unreadable file, a NaN in the body,
	// ...).
	ErrInvalidRequest = core.ErrInvalidRequest
	// ErrInsecureBaseURL: the base URL is plain http:// to a host that is not
	// loopback, so the key would travel in clear text.
	ErrInsecureBaseURL = errors.New("zai: refusing to send the API key over plain http to a non-loopback host")
	// ErrInvalidAPIKey: WithJWTAuth was given a key that is not "id.secret".
	ErrInvalidAPIKey = errors.New("zai: " + jwt.ErrKeyFormat.Error())
	// ErrStreamClosed: Close was called while the stream was still being read.
	ErrStreamClosed = errors.New("zai: stream closed")
	// ErrStreamEventTooLarge: one server-sent event exceeded the cap set by
	// WithMaxStreamEventSize (32 MiB by default).
	ErrStreamEventTooLarge = sse.ErrEventTooLarge
)

// APIError is an error reported by the Z.ai API: an HTTP error status, an
// error event inside a stream, or a failure body sent with HTTP 200 (agents,
// file parser). Every error envelope the API is known to use decodes into it.
type APIError struct {
	// StatusCode is the HTTP status; 200 for errors sent inside a stream or
	// inside a 200 body.
	StatusCode int
	// Code is the business code as sent ("1113", "1301", ...); empty when the
	// body carried none.
	Code string
	// Message is the server's message.
	Message string
	// RequestID is the X-Log-Id header, or the body's request_id or id.
	RequestID string
	// InStream is true for an error that arrived inside an SSE stream.
	InStream bool

	rawBody
}

// Error formats the error as
//
//	zai: 429 Too Many Requests: code 1113: message (request_id ...)
//
// or, for an error event that arrived inside a stream,
//
//	zai: error event in stream: code 1301: message (request_id ...)
//
// The code, message and request id parts are left out when empty. (The
// in-stream wording avoids "stream error:", which HTTP/2 uses for a reset
// stream and which some libraries retry on sight.)
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("zai: ")
	if e.InStream {
		b.WriteString("error event in stream")
	} else {
		b.WriteString(strconv.Itoa(e.StatusCode))
		if t := http.StatusText(e.StatusCode); t != "" {
			b.WriteString(" ")
			b.WriteString(t)
		}
	}
	writeCodeMessage(&b, e.Code, e.Message)
	if e.RequestID != "" {
		b.WriteString(" (request_id ")
		b.WriteString(e.RequestID)
		b.WriteString(")")
	}
	return b.String()
}

// CodeInt returns the business code as a number, or 0 if it is not one.
func (e *APIError) CodeInt() int {
	n, _ := strconv.Atoi(e.Code)
	return n
}

// Is reports whether the error belongs to the category target (ErrRateLimited,
// ErrQuotaExceeded, ...).
func (e *APIError) Is(target error) bool {
	return target != nil && e.category() == target
}

// category picks one sentinel: the business code decides when it is known,
// the HTTP status otherwise.
func (e *APIError) category() error {
	if c, ok := codeCategory(e.CodeInt()); ok {
		return c
	}
	switch s := e.StatusCode; {
	case s == http.StatusBadRequest || s == http.StatusRequestEntityTooLarge || s == 435:
		return ErrBadRequest
	case s == http.StatusUnauthorized:
		return ErrAuthentication
	case s == http.StatusForbidden || s == 434:
		return ErrPermission
	case s == http.StatusNotFound:
		return ErrNotFound
	case s == http.StatusRequestTimeout:
		return ErrTimeout
	case s == http.StatusTooManyRequests:
		return ErrRateLimited
	case s >= 500:
		return ErrServer
	}
	return nil
}

// codeCategory classifies the business codes documented by Z.ai and BigModel.
func codeCategory(code int) (error, bool) {
	switch {
	case code == 500 || code == 1120 || code == 1230 || code == 1234 || code == 1702:
		return ErrServer, true
	case code >= 1000 && code <= 1005:
		return ErrAuthentication, true
	case code == 1113 || code == 1304 || (code >= 1308 && code <= 1311) || (code >= 1313 && code <= 1321):
		return ErrQuotaExceeded, true
	case code >= 1100 && code <= 1121, code == 1220:
		return ErrPermission, true
	case code == 1200 || (code >= 1210 && code <= 1215) || code == 1231 || code == 1261:
		return ErrBadRequest, true
	case code == 1221 || code == 1222 || code == 1703:
		return ErrNotFound, true
	case code == 1300 || code == 1301:
		return ErrContentFiltered, true
	case code == 1302 || code == 1303 || code == 1305 || code == 1312 || code == 1701:
		return ErrRateLimited, true
	}
	return nil, false
}

// retryable decides whether a failed response is worth another attempt:
// 408, 409, 429 and 5xx, unless the business code says no wait will help.
func retryable(status int, err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		switch apiErr.category() {
		case ErrQuotaExceeded, ErrContentFiltered, ErrAuthentication, ErrPermission, ErrBadRequest, ErrNotFound:
			return false
		}
	}
	return status == http.StatusRequestTimeout || status == http.StatusConflict ||
		status == http.StatusTooManyRequests || status >= 500
}

// envelope is the union of every error body shape Z.ai is known to send:
//
//	{"error":{"code":"1211","message":"..."}}             standard (code a string)
//	{"code":1211,"message":"..."}                           the OpenAPI document's shape
//	{"status":"failed","error":{"code":"1113",...},"id":…}  agents, with HTTP 200
//	{"msg":"...","code":500}                                file parser, with HTTP 200
//	{"type":"error","error":{"type":"1113","message":…}}    Anthropic-compatible
//	{"error":"text","code":...}
//	{"type":"…","title":"…","status":429,"detail":"…"}      problem+json (RFC 9457), from gateways
type envelope struct {
	Error     json.RawMessage `json:"error"`
	Code      json.RawMessage `json:"code"`
	Message   string          `json:"message"`
	Msg       string          `json:"msg"`
	Title     string          `json:"title"`
	Detail    string          `json:"detail"`
	RequestID string          `json:"request_id"`
	ID        string          `json:"id"`
}

type innerError struct {
	Code    json.RawMessage `json:"code"`
	Type    json.RawMessage `json:"type"`
	Message string          `json:"message"`
	Msg     string          `json:"msg"`
}

// decodeAPIError builds an *APIError from an error response. It never fails:
// a body that is not JSON becomes the message.
func decodeAPIError(status int, header http.Header, body []byte) *APIError {
	e := &APIError{StatusCode: status, RequestID: core.RequestID(header), rawBody: rawBody{body}}
	fillFromBody(e, body)
	if e.Message == "" && e.Code == "" {
		e.Message = http.StatusText(status)
	}
	return e
}

// errorDecoder returns the core's DecodeError hook: the *APIError of an
// error response, whether to retry it, and the advice, if any, that advise
// adds to it (NewClient installs the Coding Plan hint this way).
func errorDecoder(advise func(*APIError) string) func(int, http.Header, []byte) (error, bool) {
	return func(status int, header http.Header, body []byte) (error, bool) {
		e := decodeAPIError(status, header, body)
		retry := retryable(status, e)
		if advise != nil {
			if a := advise(e); a != "" {
				return &advised{err: e, advice: a}, retry
			}
		}
		return e, retry
	}
}

// advised adds advice after the text of an error it still wraps.
type advised struct {
	err    error
	advice string
}

func (e *advised) Error() string { return e.err.Error() + "; " + e.advice }
func (e *advised) Unwrap() error { return e.err }

// decodeFirst decodes the first JSON value of b into v and ignores whatever
// follows it: a proxy may append an HTML comment, a second JSON value or a
// NUL to an error body, and the envelope must still be read. A field of an
// unexpected type is skipped rather than failing the rest (encoding/json
// fills what it can and reports the first such field).
func decodeFirst(b []byte, v any) bool {
	err := json.NewDecoder(bytes.NewReader(b)).Decode(v)
	var typeErr *json.UnmarshalTypeError
	return err == nil || errors.As(err, &typeErr)
}

// fillFromBody reads whichever envelope body holds. It reports whether body
// was a JSON object carrying an error.
func fillFromBody(e *APIError, body []byte) bool {
	var env envelope
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return false
	}
	if trimmed[0] != '{' || !decodeFirst(trimmed, &env) {
		e.Message = plainMessage(trimmed)
		return false
	}
	if e.RequestID == "" {
		e.RequestID = env.RequestID
		if e.RequestID == "" {
			e.RequestID = env.ID
		}
	}
	found := false
	if len(env.Error) > 0 && env.Error[0] == '{' {
		var in innerError
		if decodeFirst(env.Error, &in) {
			e.Code = codeString(in.Code)
			if e.Code == "" {
				e.Code = codeString(in.Type)
			}
			e.Message = firstNonEmpty(in.Message, in.Msg)
			found = true
		}
	} else if len(env.Error) > 0 && env.Error[0] == '"' {
		_ = json.Unmarshal(env.Error, &e.Message)
		found = true
	}
	if e.Code == "" {
		e.Code = codeString(env.Code)
		found = found || e.Code != ""
	}
	if e.Message == "" {
		e.Message = firstNonEmpty(env.Message, env.Msg, problemMessage(env.Title, env.Detail))
	}
	return found
}

// problemMessage joins the title and detail of a problem+json body.
func problemMessage(title, detail string) string {
	title, detail = strings.TrimSpace(title), strings.TrimSpace(detail)
	if title != "" && detail != "" {
		return title + ": " + detail
	}
	return title + detail
}

// codeString normalises a code sent as a JSON string or number.
func codeString(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return strings.TrimSpace(s)
		}
		return ""
	}
	if raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9') {
		var n json.Number
		if json.Unmarshal(raw, &n) == nil {
			return n.String()
		}
	}
	return ""
}

// maxPlainMessage caps the message taken from a body that is not JSON.
const maxPlainMessage = 512

// plainMessage turns a body that is not JSON (an nginx page, a proxy's page
// in GBK) into a short message: runs of white space become one space, each
// run of bytes that is not UTF-8 becomes one U+FFFD, and the text is cut at
// maxPlainMessage bytes on a rune boundary, so that only a rune split by the
// cut is lost.
func plainMessage(b []byte) string {
	var out strings.Builder
	out.Grow(min(len(b), maxPlainMessage))
	space, invalid := false, false
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		bad := r == utf8.RuneError && size == 1 // DecodeRune gives U+FFFD
		if bad && invalid {
			continue // one replacement per run
		}
		invalid = bad
		if unicode.IsSpace(r) {
			space = out.Len() > 0
			continue
		}
		n := utf8.RuneLen(r)
		if space {
			n++
		}
		if out.Len()+n > maxPlainMessage {
			break
		}
		if space {
			out.WriteByte(' ')
			space = false
		}
		out.WriteRune(r)
	}
	return out.String()
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// streamError turns an in-stream error payload into an *APIError.
func streamError(requestID string, data []byte) *APIError {
	e := &APIError{StatusCode: http.StatusOK, InStream: true, RequestID: requestID, rawBody: rawBody{data}}
	fillFromBody(e, data)
	if e.Message == "" && e.Code == "" {
		e.Message = "error event"
	}
	return e
}

// invalidf returns an error wrapping ErrInvalidRequest.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidRequest}, args...)...)
}

// writeCodeMessage appends ": code C: message" (each part when present), as
// every error of this package prints them.
func writeCodeMessage(b *strings.Builder, code, msg string) {
	if code != "" {
		b.WriteString(": code ")
		b.WriteString(code)
	}
	if msg != "" {
		b.WriteString(": ")
		b.WriteString(msg)
	}
}
