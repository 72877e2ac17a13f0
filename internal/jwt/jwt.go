// Package jwt signs Z.ai API keys ("id.secret") into short-lived tokens the
// way the official Python and Java SDKs do: HS256, header
// {"alg":"HS256","sign_type":"SIGN"}, claims api_key, exp and timestamp, with
// exp and timestamp in milliseconds.
package jwt

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrKeyFormat reports a key that is not of the form "id.secret".
var ErrKeyFormat = errors.New(`JWT auth needs an API key of the form "id.secret"`)

// header is fixed: {"alg":"HS256","sign_type":"SIGN"}.
var header = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","sign_type":"SIGN"}`))

// Signer makes and caches tokens. It is safe for concurrent use.
type Signer struct {
	id     string
	secret []byte
	ttl    time.Duration
	now    func() time.Time

	mu      sync.Mutex
	token   string
	issued  time.Time // when the cached token was signed
	refresh time.Time // when the cached token should be replaced
	// notBefore is the earliest issue time of the next token: after a
	// rejected token, the next one must differ even within its millisecond.
	notBefore time.Time
}

// NewSigner splits key into id and secret. ttl is the token lifetime.
func NewSigner(key string, ttl time.Duration, now func() time.Time) (*Signer, error) {
	id, secret, ok := strings.Cut(key, ".")
	if !ok || id == "" || secret == "" {
		return nil, ErrKeyFormat
	}
	if now == nil {
		now = time.Now
	}
	return &Signer{id: id, secret: []byte(secret), ttl: ttl, now: now}, nil
}

// Token returns a cached token, signing a new one when the cached one is
// within its refresh margin of expiring.
func (s *Signer) Token() string {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != "" && now.Before(s.refresh) {
		return s.token
	}
	if now.Before(s.notBefore) {
		now = s.notBefore
	}
	s.token, s.issued = s.Sign(now), now
	// Refresh with a margin so a token never expires in flight: 30 s, or a
	// quarter of the lifetime when that is shorter.
	s.refresh = now.Add(s.ttl - min(30*time.Second, s.ttl/4))
	return s.token
}

// Sign makes a token issued at now.
func (s *Signer) Sign(now time.Time) string {
	ms := now.UnixMilli()
	var claims strings.Builder
	claims.WriteString(`{"api_key":`)
	id, _ := json.Marshal(s.id) // a string always marshals
	claims.Write(id)
	claims.WriteString(`,"exp":`)
	claims.WriteString(strconv.FormatInt(ms+s.ttl.Milliseconds(), 10))
	claims.WriteString(`,"timestamp":`)
	claims.WriteString(strconv.FormatInt(ms, 10))
	claims.WriteString(`}`)
	signing := header + "." + base64.RawURLEncoding.EncodeToString([]byte(claims.String()))
	mac := hmac.New(sha256.New, s.secret)
	mac.Write([]byte(signing))
	return signing + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// Reject drops token from the cache when it is the cached one, so that the
// next Token signs a new one (issued at least a millisecond after it). It
// reports whether the next Token will differ from token: false only for a
// token this signer did not make lately.
func (s *Signer) Reject(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case token == "":
		return false
	case token == s.token:
		s.token = ""
		s.notBefore = s.issued.Add(time.Millisecond)
		return true
	}
	// Another call already replaced it, or it was never ours.
	return s.token != "" && strings.HasPrefix(token, header+".")
}
