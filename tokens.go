package zai

import (
	"encoding/json"
	"reflect"
	"strings"

	"github.com/zai-go/zai/internal/jsonx"
)

// The API's specification types token counts as JSON "number", and some
// servers and proxies send 5.0, 1e2 or even 12.7 for a count. The public
// fields stay int. The usage types (countTypes in internal/cmd/gendecode)
// get a generated decoder that reads every count with decCount, and a
// generated UnmarshalJSON whose encoding/json road goes through a shadow
// struct of tokenCount fields: both round a fraction to the nearest integer
// (countOf). Fields absent from the JSON are left as they were, as
// encoding/json does.

// tokenCount is an int that decodes from any JSON number, rounded to the
// nearest integer and saturated at the range of int (countOf). A value that
// is not a number is a *json.UnmarshalTypeError; encoding/json fills in the
// path of the field ("usage.prompt_tokens"). null leaves the count
// unchanged.
type tokenCount int

var intType = reflect.TypeFor[int]()

// UnmarshalJSON implements json.Unmarshaler.
func (c *tokenCount) UnmarshalJSON(b []byte) error {
	r := jsonx.Reader{B: b}
	if r.Null() && r.AtEnd() {
		return nil
	}
	r.I = 0
	r.WS()
	tok, integer, ok := r.Number()
	if !ok || !r.AtEnd() {
		return &json.UnmarshalTypeError{Value: jsonKind(string(b)), Type: intType}
	}
	*c = tokenCount(countOf(tok, integer))
	return nil
}

// jsonKind names the kind of a JSON value as encoding/json's errors do.
func jsonKind(s string) string {
	switch {
	case strings.HasPrefix(s, `"`):
		return "string"
	case strings.HasPrefix(s, "{"):
		return "object"
	case strings.HasPrefix(s, "["):
		return "array"
	case s == "true" || s == "false":
		return "bool"
	}
	return "value"
}
