// Package redact removes a client's secrets from text: the API key, the
// secret half of an "id.secret" key (URL-escaped forms included) and any JWT
// in the shape WithJWTAuth signs. Every road by which server text leaves the
// SDK (errors, log lines, observer events, recorded cassettes) uses one
// Secrets, so the rule of what is a secret is written once.
package redact

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"
)

// Mark replaces each secret.
const Mark = "[REDACTED]"

// MinLen is the length of the shortest secret removed: a shorter key (a
// test's "k") would blank out ordinary words.
const MinLen = 8

// jwtHeader is the base64url of {"alg":"HS256","sign_type":"SIGN"}, which
// starts every token the SDK signs, so a token is found wherever it is, even
// one signed with an earlier clock.
const jwtHeader = "eyJhbGciOiJIUzI1NiIsInNpZ25fdHlwZSI6IlNJR04ifQ"

var jwtPattern = regexp.MustCompile(jwtHeader + `\.[A-Za-z0-9_\-]*(\.[A-Za-z0-9_\-]*)?`)

// Secrets knows the secrets of one key. The zero value and nil know none
// but JWTs. A Secrets is safe for concurrent use.
type Secrets struct {
	olds []string // longest first, so the key goes before its secret half
	rep  *strings.Replacer
}

// New returns the Secrets of key.
func New(key string) *Secrets {
	var olds []string
	add := func(s string) {
		if len(s) >= MinLen && !containsString(olds, s) {
			olds = append(olds, s)
		}
	}
	add(key)
	add(url.QueryEscape(key))
	add(url.PathEscape(key))
	if _, sec, ok := strings.Cut(key, "."); ok {
		add(sec)
		add(url.QueryEscape(sec))
	}
	pairs := make([]string, 0, 2*len(olds))
	for _, o := range olds {
		pairs = append(pairs, o, Mark)
	}
	return &Secrets{olds: olds, rep: strings.NewReplacer(pairs...)}
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Contains reports whether s holds a secret.
func (x *Secrets) Contains(s string) bool {
	if strings.Contains(s, jwtHeader) {
		return true
	}
	if x == nil {
		return false
	}
	for _, o := range x.olds {
		if strings.Contains(s, o) {
			return true
		}
	}
	return false
}

// String returns s with every secret replaced by Mark. It returns s itself,
// without allocating, when s holds none.
func (x *Secrets) String(s string) string {
	if !x.Contains(s) {
		return s
	}
	if x != nil && len(x.olds) > 0 {
		s = x.rep.Replace(s)
	}
	if strings.Contains(s, jwtHeader) {
		s = jwtPattern.ReplaceAllString(s, Mark)
	}
	return s
}

// Bytes is String for a byte slice. It returns b itself when b holds no
// secret, and a new slice otherwise (b is never written).
func (x *Secrets) Bytes(b []byte) []byte {
	if !x.ContainsBytes(b) {
		return b
	}
	return []byte(x.String(string(b)))
}

// ContainsBytes reports whether b holds a secret.
func (x *Secrets) ContainsBytes(b []byte) bool {
	if bytes.Contains(b, []byte(jwtHeader)) {
		return true
	}
	if x == nil {
		return false
	}
	for _, o := range x.olds {
		if bytes.Contains(b, []byte(o)) {
			return true
		}
	}
	return false
}

// Strings redacts each element of list, copying the slice only when one
// changes.
func (x *Secrets) Strings(list []string) []string {
	out, copied := list, false
	for i, s := range list {
		if r := x.String(s); r != s {
			if !copied {
				out, copied = append([]string(nil), list...), true
			}
			out[i] = r
		}
	}
	return out
}
