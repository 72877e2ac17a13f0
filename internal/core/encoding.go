package core

import (
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// decodeContentEncoding makes resp.Body read the decoded body, wherever it
// is read (an error body, a buffered body, a stream, a download).
//
// net/http asks for gzip and decodes it itself unless the request already
// carries an Accept-Encoding header (WithHeader, a middleware), in which
// case the body arrives as sent. gzip (and x-gzip) is decoded here, as
// net/http would; the response then looks as net/http leaves a body it
// decoded: no Content-Encoding or Content-Length, Uncompressed set. Any
// other coding (br, zstd, deflate, several at once) is not decoded: reading
// the body fails with an *EncodingError that names it.
func decodeContentEncoding(resp *http.Response) {
	if resp.Uncompressed {
		return
	}
	var codings []string
	for _, v := range resp.Header.Values("Content-Encoding") {
		for c := range strings.SplitSeq(v, ",") {
			if c = strings.ToLower(strings.TrimSpace(c)); c != "" && c != "identity" {
				codings = append(codings, c)
			}
		}
	}
	switch {
	case len(codings) == 0:
		return
	case len(codings) == 1 && (codings[0] == "gzip" || codings[0] == "x-gzip"):
		resp.Body = &gzipBody{body: resp.Body}
		resp.Header.Del("Content-Encoding")
		resp.Header.Del("Content-Length")
		resp.ContentLength = -1
		resp.Uncompressed = true
	default:
		resp.Body = &undecodableBody{body: resp.Body, err: &EncodingError{Encoding: strings.Join(codings, ", ")}}
		resp.ContentLength = -1
	}
}

// EncodingError reports a response body in a Content-Encoding the SDK does
// not decode.
type EncodingError struct{ Encoding string }

func (e *EncodingError) Error() string {
	return fmt.Sprintf("the response body has Content-Encoding %q, which is not decoded (only gzip is); do not ask for it in Accept-Encoding", e.Encoding)
}

// gzipBody decodes a gzip body, starting at the first Read so that an empty
// body (a 204, a HEAD) reads as empty.
type gzipBody struct {
	body io.ReadCloser
	zr   *gzip.Reader
	err  error
}

func (g *gzipBody) Read(p []byte) (int, error) {
	if g.zr == nil {
		if g.err == nil {
			g.zr, g.err = gzip.NewReader(g.body)
		}
		if g.err != nil {
			return 0, g.err // io.EOF for an empty body
		}
	}
	return g.zr.Read(p)
}

func (g *gzipBody) Close() error { return g.body.Close() }

// undecodableBody fails every Read with err.
type undecodableBody struct {
	body io.ReadCloser
	err  error
}

func (u *undecodableBody) Read([]byte) (int, error) { return 0, u.err }
func (u *undecodableBody) Close() error             { return u.body.Close() }

// maxPlainErrorBody is how much of an error body that is not JSON is read:
// the error keeps a short message of it (the zai package cuts it at 512
// bytes of text), so more would be read only to be dropped.
const maxPlainErrorBody = 8 << 10

// errorHead is the first read of an error body, which tells JSON from text.
const errorHead = 4 << 10

// readErrorBody reads what an error can use of a non-2xx body: up to
// maxErrorBody of JSON, up to maxPlainErrorBody of anything else, into one
// buffer sized by Content-Length when there is one, and doubling up to the
// cap when there is not. The rest is left unread (the connection is then
// closed rather than drained). A read error is returned with what was read.
func readErrorBody(resp *http.Response) ([]byte, error) {
	cl := resp.ContentLength
	headLen := errorHead
	if cl >= 0 && cl < int64(headLen) {
		headLen = int(cl)
	}
	buf := make([]byte, headLen)
	n, err := io.ReadFull(resp.Body, buf)
	buf = buf[:n]
	if err != nil || n == 0 {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			err = nil
		}
		return buf, err
	}
	limit := maxPlainErrorBody
	if t := strings.TrimLeft(string(buf[:min(n, 64)]), " \t\r\n"); t == "" || t[0] == '{' || t[0] == '[' {
		limit = maxErrorBody
	}
	if cl >= 0 {
		limit = int(min(cl, int64(limit)))
	}
	for len(buf) < limit {
		if len(buf) == cap(buf) {
			size := limit
			if cl < 0 {
				size = min(2*cap(buf), limit)
			}
			grown := make([]byte, len(buf), size)
			copy(grown, buf)
			buf = grown
		}
		m, err := resp.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			break
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}
