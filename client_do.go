package zai

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/zai-go/zai/internal/core"
)

// Do calls any endpoint, for those this SDK does not model yet, through the
// same road as every method: authentication, the identity headers, retries,
// per-attempt timeouts, error decoding (every error envelope becomes an
// *APIError) and logging.
//
// method is an HTTP method ("GET", "POST", ...). path is relative to the
// base URL ("/models" is https://api.z.ai/api/paas/v4/models), and may carry
// a query ("/files?purpose=batch"); a path that starts with "/api/" is
// relative to the host instead ("/api/monitor/usage/quota/limit" is
// https://api.z.ai/api/monitor/usage/quota/limit, on the host of the base URL
// or of WithAgentsBaseURL).
//
// body is nil (no body) or any value encoding/json can encode, sent as JSON
// with WithExtraBody merged in; a json.RawMessage is sent as it is.
//
// out receives the response:
//   - nil: the body is read and dropped; a 2xx body that carries an error
//     envelope is still an *APIError.
//   - *[]byte: the raw body, whatever its type (a file, audio, JSONL).
//   - io.Writer: the raw body, copied as it arrives and never buffered whole;
//     Do returns once it is copied.
//   - any other non-nil pointer: the JSON body decoded into it, as the
//     typed methods do. A 2xx body that carries an error envelope is an
//     *APIError.
//
// For raw bodies (*[]byte, io.Writer), a body typed as JSON is still checked
// for an error envelope. A method, path, body or out that cannot work is
// refused with ErrInvalidRequest before anything is sent.
//
//	var quota json.RawMessage
//	err := client.Do(ctx, http.MethodGet, "/api/monitor/usage/quota/limit", nil, &quota)
//
// Any method and path, relative to the base URL or, with "/api/", to the host
func (c *Client) Do(ctx context.Context, method, path string, body, out any, opts ...Option) error {
	r, err := doRequest(method, path, body, out)
	if err != nil {
		return err
	}
	s, err := c.resolve(opts)
	if err != nil {
		return err
	}
	switch o := out.(type) {
	case *[]byte:
		resp, err := downloadWith(ctx, s, r)
		if err != nil {
			return err
		}
		defer resp.Reader.Close()
		b, err := io.ReadAll(resp.Reader)
		if err != nil {
			return s.leave(nil, fmt.Errorf("zai: reading response body: %w", err))
		}
		*o = b
		return nil
	case io.Writer:
		resp, err := downloadWith(ctx, s, r)
		if err != nil {
			return err
		}
		defer resp.Reader.Close()
		if _, err := io.Copy(o, resp.Reader); err != nil {
			return s.leave(nil, fmt.Errorf("zai: copying response body: %w", err))
		}
		return nil
	}
	return callInto(ctx, s, r, out)
}

// doRequest checks the arguments of Do and describes its request.
func doRequest(method, path string, body, out any) (*core.Request, error) {
	if method == "" {
		return nil, invalidf("method is empty")
	}
	if strings.ContainsFunc(method, func(r rune) bool { return !isTokenChar(r) }) {
		return nil, invalidf("method %q is not an HTTP method", method)
	}
	if err := checkDoPath(path); err != nil {
		return nil, err
	}
	if out != nil {
		if _, ok := out.(io.Writer); !ok {
			if v := reflect.ValueOf(out); v.Kind() != reflect.Pointer || v.IsNil() {
				return nil, invalidf("out is a %T; give nil, a *[]byte, an io.Writer or a non-nil pointer", out)
			}
		}
	}
	r := &core.Request{Method: strings.ToUpper(method), Path: path}
	if rest, ok := strings.CutPrefix(path, "/api/"); ok {
		r.Path, r.Root = "/"+rest, true
	}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, invalidf("body: %v", err)
		}
		r.Body = json.RawMessage(b)
	}
	r.Check = checkEnvelope
	return r, nil
}

// checkDoPath refuses a path that is not a plain path below the base URL.
func checkDoPath(path string) error {
	switch {
	case path == "":
		return invalidf("path is empty")
	case path[0] != '/':
		return invalidf("path %q does not start with /", path)
	case strings.HasPrefix(path, "//"):
		return invalidf("path %q starts with //", path)
	case strings.ContainsFunc(path, func(r rune) bool { return r <= ' ' || r == 0x7f }):
		return invalidf("path %q contains a space or control character", path)
	case strings.Contains(path, "#"):
		return invalidf("path %q has a fragment", path)
	}
	p, _, _ := strings.Cut(path, "?")
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "." || seg == ".." {
			return invalidf("path %q has a dot segment", path)
		}
	}
	return nil
}

// isTokenChar reports whether r may appear in an HTTP method (a token,
// RFC 9110 section 5.6.2).
func isTokenChar(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	}
	return strings.ContainsRune("!#$%&'*+-.^_`|~", r)
}
