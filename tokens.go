package zai

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
)

// The API's specification types token counts as JSON "number", and some
// servers and proxies send 5.0 or 1e2 for a count. The public fields stay
// int; each usage type decodes through a shadow struct of tokenCount fields,
// which accept any number with an integral value and reject a fractional one
// with an error that names the field. The shadow starts from the current
// values, so fields absent from the JSON are left as they were, as
// encoding/json does.

// tokenCount is an int that decodes from any JSON number with an integral
// value: 5, 5.0, 5e0, 0.5e1. A fraction, a number too large for an int, or a
// value that is not a number is a *json.UnmarshalTypeError; encoding/json
// fills in the path of the field ("usage.prompt_tokens"). null leaves the
// count unchanged.
type tokenCount int

var intType = reflect.TypeFor[int]()

// UnmarshalJSON implements json.Unmarshaler.
func (c *tokenCount) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if len(s) == 0 || (s[0] != '-' && (s[0] < '0' || s[0] > '9')) {
		return &json.UnmarshalTypeError{Value: jsonKind(s), Type: intType}
	}
	n, ok := integralNumber(s)
	if !ok {
		return &json.UnmarshalTypeError{Value: "number " + s, Type: intType}
	}
	*c = tokenCount(n)
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

// integralNumber returns the value of the JSON number s if it is a whole
// number that fits in an int. It works on the decimal digits, never through
// a float, so 5.0000000000000000001 is rejected and 1e400 cannot be slow.
func integralNumber(s string) (int, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, true // the usual case: a plain integer
	}
	sign := ""
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		sign, s = "-", rest
	}
	mantissa, exponent := s, ""
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mantissa, exponent = s[:i], s[i+1:]
	}
	whole, frac, _ := strings.Cut(mantissa, ".")
	digits := strings.TrimLeft(whole+frac, "0")
	trimmed := strings.TrimRight(digits, "0")
	if trimmed == "" {
		return 0, true // zero, whatever the exponent
	}
	// The value is trimmed × 10^shift.
	shift := len(digits) - len(trimmed) - len(frac)
	if exponent != "" {
		e, err := strconv.Atoi(exponent)
		if err != nil || e > 1000 || e < -1000 {
			return 0, false // far too large, or far below 1
		}
		shift += e
	}
	if shift < 0 || len(trimmed)+shift > 19 {
		return 0, false // a fraction, or more digits than any int holds
	}
	n, err := strconv.Atoi(sign + trimmed + strings.Repeat("0", shift))
	return n, err == nil
}

// UnmarshalJSON implements json.Unmarshaler: counts may be sent as any JSON
// number with an integral value.
func (u *Usage) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var w struct {
		PromptTokens            tokenCount              `json:"prompt_tokens"`
		CompletionTokens        tokenCount              `json:"completion_tokens"`
		TotalTokens             tokenCount              `json:"total_tokens"`
		TotalCalls              tokenCount              `json:"total_calls"`
		PromptTokensDetails     PromptTokensDetails     `json:"prompt_tokens_details"`
		CompletionTokensDetails CompletionTokensDetails `json:"completion_tokens_details"`
	}
	w.PromptTokens, w.CompletionTokens, w.TotalTokens = tokenCount(u.PromptTokens), tokenCount(u.CompletionTokens), tokenCount(u.TotalTokens)
	w.TotalCalls = tokenCount(u.TotalCalls)
	w.PromptTokensDetails, w.CompletionTokensDetails = u.PromptTokensDetails, u.CompletionTokensDetails
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*u = Usage{
		PromptTokens:            int(w.PromptTokens),
		CompletionTokens:        int(w.CompletionTokens),
		TotalTokens:             int(w.TotalTokens),
		TotalCalls:              int(w.TotalCalls),
		PromptTokensDetails:     w.PromptTokensDetails,
		CompletionTokensDetails: w.CompletionTokensDetails,
	}
	return nil
}

// UnmarshalJSON implements json.Unmarshaler: counts may be sent as any JSON
// number with an integral value.
func (d *PromptTokensDetails) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var w struct {
		CachedTokens tokenCount `json:"cached_tokens"`
	}
	w.CachedTokens = tokenCount(d.CachedTokens)
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*d = PromptTokensDetails{CachedTokens: int(w.CachedTokens)}
	return nil
}

// UnmarshalJSON implements json.Unmarshaler: counts may be sent as any JSON
// number with an integral value.
func (d *CompletionTokensDetails) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var w struct {
		ReasoningTokens tokenCount `json:"reasoning_tokens"`
	}
	w.ReasoningTokens = tokenCount(d.ReasoningTokens)
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*d = CompletionTokensDetails{ReasoningTokens: int(w.ReasoningTokens)}
	return nil
}

// UnmarshalJSON implements json.Unmarshaler: counts may be sent as any JSON
// number with an integral value.
func (u *TokenizerUsage) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var w struct {
		PromptTokens tokenCount `json:"prompt_tokens"`
		ImageTokens  tokenCount `json:"image_tokens"`
		VideoTokens  tokenCount `json:"video_tokens"`
		TotalTokens  tokenCount `json:"total_tokens"`
	}
	w.PromptTokens, w.ImageTokens, w.VideoTokens, w.TotalTokens = tokenCount(u.PromptTokens), tokenCount(u.ImageTokens), tokenCount(u.VideoTokens), tokenCount(u.TotalTokens)
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*u = TokenizerUsage{
		PromptTokens: int(w.PromptTokens),
		ImageTokens:  int(w.ImageTokens),
		VideoTokens:  int(w.VideoTokens),
		TotalTokens:  int(w.TotalTokens),
	}
	return nil
}

// UnmarshalJSON implements json.Unmarshaler: counts may be sent as any JSON
// number with an integral value.
func (u *AgentUsage) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var w struct {
		PromptTokens     tokenCount `json:"prompt_tokens"`
		CompletionTokens tokenCount `json:"completion_tokens"`
		TotalTokens      tokenCount `json:"total_tokens"`
		TotalCalls       tokenCount `json:"total_calls"`
	}
	w.PromptTokens, w.CompletionTokens, w.TotalTokens, w.TotalCalls = tokenCount(u.PromptTokens), tokenCount(u.CompletionTokens), tokenCount(u.TotalTokens), tokenCount(u.TotalCalls)
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*u = AgentUsage{
		PromptTokens:     int(w.PromptTokens),
		CompletionTokens: int(w.CompletionTokens),
		TotalTokens:      int(w.TotalTokens),
		TotalCalls:       int(w.TotalCalls),
	}
	return nil
}
