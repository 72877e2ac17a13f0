package zaitest

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// check refuses a cassette that cannot be served as it is, naming the
// first bad exchange by its number (from 1, as in the 501 messages): no
// method or path, no final status, more than one body, a body_base64 that
// does not decode, a body on a status that cannot carry one, a header that
// cannot be sent. Replay fails the test with it when it loads the file,
// rather than serve half a body or panic in the handler.
func (c *Cassette) check() error {
	if c.Version != 0 && c.Version != 1 {
		return fmt.Errorf("version %d is not one this zaitest reads (1)", c.Version)
	}
	for i := range c.Exchanges {
		if err := c.Exchanges[i].check(); err != nil {
			e := &c.Exchanges[i]
			return fmt.Errorf("exchange %d (%s %s): %w", i+1, e.Method, e.Path, err)
		}
	}
	return nil
}

func (e *Exchange) check() error {
	switch {
	case e.Method == "" || strings.ContainsAny(e.Method, " \t\r\n/"):
		return fmt.Errorf("method %q is not an HTTP method", e.Method)
	case !strings.HasPrefix(e.Path, "/"):
		return fmt.Errorf("path %q does not start with /", e.Path)
	case e.Status == 0:
		return errors.New("has no status")
	case e.Status == http.StatusSwitchingProtocols && (e.Method != http.MethodGet || e.Events == nil):
		return errors.New("status 101 is for a realtime session: GET with its messages as events")
	case e.Status != http.StatusSwitchingProtocols && (e.Status < 200 || e.Status > 599):
		return fmt.Errorf("status %d is not a final HTTP status (200-599), nor 101 of a realtime session", e.Status)
	}
	bodies := 0
	for _, set := range []bool{e.Body != nil, e.BodyText != "", e.BodyBase64 != "", e.Events != nil} {
		if set {
			bodies++
		}
	}
	if bodies > 1 {
		return errors.New("has more than one of body, body_text, body_base64 and events")
	}
	if e.BodyBase64 != "" {
		if _, err := base64.StdEncoding.DecodeString(e.BodyBase64); err != nil {
			return fmt.Errorf("body_base64 does not decode: %w", err)
		}
	}
	if bodies > 0 && (e.Status == http.StatusNoContent || e.Status == http.StatusNotModified) {
		return fmt.Errorf("status %d cannot carry a body", e.Status)
	}
	for k, v := range e.Header {
		if k == "" || strings.ContainsAny(k, " \t\r\n:") || strings.ContainsAny(v, "\r\n") {
			return fmt.Errorf("header %q: %q cannot be sent", k, v)
		}
	}
	return nil
}
