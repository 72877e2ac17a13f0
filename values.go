package zai

import (
	"bytes"
	"encoding/json"
	"regexp"
)

// Small decoders and checks of wire values that several services share.

// stringOrStrings decodes a JSON string or an array of strings; one reports
// the string form.
func stringOrStrings(b []byte) (list []string, one bool, err error) {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		err = json.Unmarshal(b, &s)
		return []string{s}, true, err
	}
	err = json.Unmarshal(b, &list)
	return list, false, err
}

var sizeRE = regexp.MustCompile(`^[1-9][0-9]{0,5}x[1-9][0-9]{0,5}$`)

// validSize reports whether s is empty (the server's default) or WxH.
func validSize(s string) error {
	if s != "" && !sizeRE.MatchString(s) {
		return invalidf("size %q is not WIDTHxHEIGHT, such as \"1280x1280\"", s)
	}
	return nil
}

// rawBody keeps a response body as received. Every response type embeds it,
// which gives it RawJSON.
type rawBody struct{ raw []byte }

// RawJSON returns the body as received, including fields this SDK does not
// model. It is nil for a value that was not decoded from a response.
func (r *rawBody) RawJSON() []byte { return r.raw }

func (r *rawBody) setRawJSON(b []byte) { r.raw = b }
