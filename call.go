package zai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"github.com/zai-go/zai/internal/core"
)

// The one road to the wire. Every service method validates its input, then
// makes one of these calls: call for a decoded JSON body, openStream for a
// stream of events, download for a body handed over unread. Each resolves
// the options once and sends through exchange, the only caller of the core;
// every error it returns leaves through settings.leave. The road names no
// service: what one service needs (a failure read out of a 200 body) comes
// with its core.Request.

// call sends a buffered request and decodes the JSON response into a new T.
// A 2xx body that carries an error envelope is an *APIError, unless
// r.Check says otherwise.
func call[T any](ctx context.Context, c *Client, r *core.Request, opts []Option) (*T, error) {
	s, err := c.resolve(opts)
	if err != nil {
		return nil, err
	}
	return callWith[T](ctx, s, r)
}

// callWith is call with settings already resolved, for the polls of a Wait.
func callWith[T any](ctx context.Context, s *settings, r *core.Request) (*T, error) {
	if r.Check == nil {
		r.Check = checkEnvelope
	}
	out := new(T)
	if err := callInto(ctx, s, r, out); err != nil {
		return nil, err
	}
	return out, nil
}

// callInto sends a buffered request and decodes its JSON body into out (nil
// discards it): callWith for a destination the caller owns (Client.Do).
func callInto(ctx context.Context, s *settings, r *core.Request, out any) error {
	resp, trace, err := exchange(ctx, s, r)
	if err != nil {
		return err
	}
	if err := decodeInto(resp, out); err != nil {
		return s.leave(trace, err)
	}
	trace.done(out, resp.Body)
	return nil
}

// openStream sends a streaming request and wraps the body. A JSON body
// given in place of events is checked with r.Check (by default, for an
// error envelope) and otherwise becomes the stream's one value.
func openStream[T any](ctx context.Context, c *Client, r *core.Request, opts []Option) (*Stream[T], error) {
	s, err := c.resolve(opts)
	if err != nil {
		return nil, err
	}
	return openStreamWith[T](ctx, s, r, nil)
}

// openStreamWith is openStream with settings resolved and a hook that
// prepares each value before it is decoded.
func openStreamWith[T any](ctx context.Context, s *settings, r *core.Request, prepare func(*T)) (*Stream[T], error) {
	r.Stream = true
	check := r.Check
	if check == nil {
		check = checkEnvelope
	}
	r.Check = nil // a stream's body is not buffered by the core
	resp, trace, err := exchange(ctx, s, r)
	if err != nil {
		return nil, err
	}
	st := newStream[T](ctx, resp.Reader, s.secrets.String(core.RequestID(resp.Header)), s.StreamIdleTimeout, s.MaxEventSize)
	st.prepare, st.secrets = prepare, s.secrets
	if isJSON(resp.Header.Get("Content-Type")) {
		if err := st.takeJSON(resp.StatusCode, resp.Header, check); err != nil {
			return nil, s.leave(trace, err)
		}
	}
	st.trace = trace // the stream ends the call
	return st, nil
}

// download sends a request whose 2xx body the caller reads (and closes).
// With r.Check set, a body typed as JSON is read first and checked; it is
// handed back whole when the check passes.
func download(ctx context.Context, c *Client, r *core.Request, opts []Option) (*core.Response, error) {
	s, err := c.resolve(opts)
	if err != nil {
		return nil, err
	}
	return downloadWith(ctx, s, r)
}

// downloadWith is download with settings already resolved (Client.Do).
func downloadWith(ctx context.Context, s *settings, r *core.Request) (*core.Response, error) {
	check := r.Check
	r.Check, r.Unbuffered = nil, true
	resp, trace, err := exchange(ctx, s, r)
	if err != nil {
		return nil, err
	}
	if check == nil || !isJSON(resp.Header.Get("Content-Type")) {
		trace.done(nil, nil) // the caller reads the body: the call ends at the headers
		return resp, nil
	}
	b, err := io.ReadAll(io.LimitReader(resp.Reader, maxJSONInsteadOfStream))
	if err == nil {
		err = check(resp.StatusCode, resp.Header, b)
	} else {
		err = fmt.Errorf("zai: reading response body: %w", err)
	}
	if err != nil {
		resp.Reader.Close()
		return nil, s.leave(trace, err)
	}
	trace.done(nil, nil)
	resp.Reader = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(b), resp.Reader), resp.Reader}
	return resp, nil
}

// exchange is the only place that hands a request to the core. The trace
// it returns (nil when nothing observes the call) is the caller's to end;
// on an error exchange ends it.
func exchange(ctx context.Context, s *settings, r *core.Request) (*core.Response, *callTrace, error) {
	trace := s.newTrace(r)
	resp, err := s.Do(ctx, r)
	if err != nil {
		return nil, nil, s.leave(trace, fromCore(err))
	}
	return resp, trace, nil
}

// fromCore returns an error of the core as the caller sees it: a
// middleware's own error as the middleware made it, anything else as it
// is (the core's errors, and its hooks', already read "zai: ...").
func fromCore(err error) error {
	var mwErr *core.MiddlewareError
	if errors.As(err, &mwErr) && error(mwErr) == err {
		return mwErr.Err
	}
	return err
}

// leave is the edge every error of a call, a stream or a Wait passes on its
// way out: the client's secrets are removed from it (redact.go), and the
// call's trace, if any, ends with it.
func (s *settings) leave(t *callTrace, err error) error {
	err = redactError(s.secrets, err)
	t.fail(err)
	return err
}

// decodeInto unmarshals a buffered response, keeping the raw bytes.
func decodeInto(resp *core.Response, out any) error {
	if out == nil {
		return nil
	}
	if fd, ok := out.(fastDecoder); ok {
		if fd.decodeFast(resp.Body, new(interner)) {
			if rs, ok := out.(rawSetter); ok {
				rs.setRawJSON(resp.Body)
			}
			return nil
		}
		// Declined (odd input): encoding/json decides, from a zero value,
		// since the fast path may have written part of out.
		reflect.ValueOf(out).Elem().SetZero()
	}
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return &APIError{
			StatusCode: resp.StatusCode,
			Message:    "decoding response: " + err.Error(),
			RequestID:  core.RequestID(resp.Header),
			rawBody:    rawBody{resp.Body},
		}
	}
	if rs, ok := out.(rawSetter); ok {
		rs.setRawJSON(resp.Body)
	}
	return nil
}

// rawSetter is implemented by response types that keep their raw JSON.
type rawSetter interface{ setRawJSON([]byte) }

// checkBody turns a predicate over a 2xx body into a core.Request check:
// a body failed recognises becomes an *APIError.
func checkBody(failed func([]byte) bool) func(int, http.Header, []byte) error {
	return func(status int, h http.Header, b []byte) error {
		if failed(b) {
			return bodyError(status, h, b)
		}
		return nil
	}
}

// checkEnvelope is the default Check: a 2xx body that is one of the API's
// error envelopes is an *APIError.
var checkEnvelope = checkBody(hasErrorEnvelope)

// bodyError builds the *APIError of a failure sent in a 2xx body.
func bodyError(status int, header http.Header, body []byte) *APIError {
	e := &APIError{StatusCode: status, RequestID: core.RequestID(header), rawBody: rawBody{body}}
	fillFromBody(e, body)
	if e.Message == "" && e.Code == "" {
		e.Message = "the server reported a failure"
	}
	return e
}

var codeKey = []byte(`"code"`)

// hasErrorEnvelope reports whether a 2xx body is one of the API's error
// envelopes: a top-level error object or string with a code or message, or
// {"code":...,"message":...} with a code that is not a success. Bodies that
// name neither key are not parsed, so ordinary replies cost one scan.
func hasErrorEnvelope(b []byte) bool {
	if !bytes.Contains(b, errorKey) && !bytes.Contains(b, codeKey) {
		return false
	}
	p, ok := probe(b)
	if !ok {
		return false
	}
	if hasError(p.Error) {
		return true
	}
	code := codeString(p.Code)
	return code != "" && code != "0" && code != "200" && (p.Msg != "" || len(p.Message) > 0)
}

// failureProbe reads the fields that mark a failure in a 200 body.
type failureProbe struct {
	Status     json.RawMessage `json:"status"`
	TaskStatus string          `json:"task_status"`
	Success    *bool           `json:"success"`
	Error      json.RawMessage `json:"error"`
	Msg        string          `json:"msg"`
	Message    json.RawMessage `json:"message"`
	Code       json.RawMessage `json:"code"`
}

func probe(body []byte) (failureProbe, bool) {
	var p failureProbe
	b := bytes.TrimSpace(body)
	if len(b) == 0 || b[0] != '{' {
		return p, false
	}
	// Decode the first value only: trailing bytes do not hide a failure.
	if json.NewDecoder(bytes.NewReader(b)).Decode(&p) != nil {
		return p, false
	}
	if len(p.Message) > 0 && p.Message[0] != '"' {
		p.Message = nil // an object named message is content, not an error text
	}
	return p, true
}

// statusIs reports whether a status sent as a JSON string equals want.
func statusIs(raw json.RawMessage, want string) bool {
	var s string
	return json.Unmarshal(raw, &s) == nil && strings.EqualFold(s, want)
}

// hasError reports whether raw is an error object with a code or message,
// or a non-empty error string.
func hasError(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return len(raw) > 0 && raw[0] == '"' && string(raw) != `""`
	}
	var in innerError
	if json.Unmarshal(raw, &in) != nil {
		return false
	}
	return codeString(in.Code) != "" || in.Message != "" || in.Msg != ""
}

// isJSON reports whether a Content-Type names a JSON body.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return strings.Contains(contentType, "json")
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// pathSegment is the one road from an id to the path: it escapes the id as
// one path segment ("a/b" becomes a%2Fb), and refuses an empty or blank id
// and the dot segments that servers and proxies resolve to another route.
// Every method that puts an id in a path calls it (TestEveryIDIsOneSegment
// checks every method of every service).
func pathSegment(what, id string) (string, error) {
	if strings.TrimSpace(id) == "" {
		return "", invalidf("%s is empty", what)
	}
	if id == "." || id == ".." {
		return "", invalidf("%s %q is not an id", what, id)
	}
	return url.PathEscape(id), nil
}
