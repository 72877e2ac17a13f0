package jwt

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

func decodePart(t *testing.T, s string) map[string]any {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSignMatchesOfficialSDKs(t *testing.T) {
	now := time.UnixMilli(1_760_000_000_123)
	s, err := NewSigner("12345678.abcdefg", 210*time.Second, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	tok := s.Sign(now)
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q", tok)
	}
	hdr, _ := base64.RawURLEncoding.DecodeString(parts[0])
	if string(hdr) != `{"alg":"HS256","sign_type":"SIGN"}` {
		t.Fatalf("header %s", hdr)
	}
	claims := decodePart(t, parts[1])
	if claims["api_key"] != "12345678" {
		t.Fatalf("api_key %v", claims["api_key"])
	}
	// Milliseconds, as the official Python and Java SDKs send.
	if claims["timestamp"].(json.Number).String() != "1760000000123" {
		t.Fatalf("timestamp %v", claims["timestamp"])
	}
	if claims["exp"].(json.Number).String() != "1760000210123" {
		t.Fatalf("exp %v", claims["exp"])
	}
	mac := hmac.New(sha256.New, []byte("abcdefg"))
	mac.Write([]byte(parts[0] + "." + parts[1]))
	if want := base64.RawURLEncoding.EncodeToString(mac.Sum(nil)); parts[2] != want {
		t.Fatalf("signature %s, want %s", parts[2], want)
	}
}

func TestBadKeys(t *testing.T) {
	for _, k := range []string{"", "nodot", ".secret", "id."} {
		if _, err := NewSigner(k, time.Minute, nil); !errors.Is(err, ErrKeyFormat) {
			t.Errorf("%q: %v", k, err)
		}
	}
}

func TestTokenCachedAndRefreshedBeforeExpiry(t *testing.T) {
	now := time.UnixMilli(1_000_000)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	s, _ := NewSigner("id.secret", 210*time.Second, clock)
	first := s.Token()
	advance(179 * time.Second)
	if s.Token() != first {
		t.Fatal("token re-signed before the refresh margin")
	}
	advance(2 * time.Second) // 181 s: inside the 30 s margin
	second := s.Token()
	if second == first {
		t.Fatal("token not refreshed 29 s before expiry")
	}
	exp := decodePart(t, strings.Split(second, ".")[1])["exp"].(json.Number).String()
	if exp != "1391000" { // 1_000_000 + 181_000 + 210_000 ms
		t.Fatalf("exp %s", exp)
	}
}

func TestTokenConcurrent(t *testing.T) {
	s, _ := NewSigner("id.secret", time.Minute, nil)
	var wg sync.WaitGroup
	toks := make([]string, 32)
	for i := range toks {
		wg.Add(1)
		go func() { defer wg.Done(); toks[i] = s.Token() }()
	}
	wg.Wait()
	for _, tok := range toks {
		if tok != toks[0] {
			t.Fatal("concurrent callers got different tokens within the cache window")
		}
	}
}

func TestRejectSignsANewTokenEvenWithinTheMillisecond(t *testing.T) {
	now := time.UnixMilli(1_760_000_000_123)
	s, err := NewSigner("12345678.abcdefg", 210*time.Second, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	first := s.Token()
	if s.Reject("") || s.Reject("not.a.token") {
		t.Fatal("Reject accepted a token it did not make")
	}
	if s.Token() != first {
		t.Fatal("an unrelated Reject dropped the cached token")
	}
	if !s.Reject(first) {
		t.Fatal("Reject of the cached token reported no change")
	}
	second := s.Token() // the clock has not moved
	if second == first {
		t.Fatal("the token after Reject is the rejected one")
	}
	if ts := decodePart(t, strings.Split(second, ".")[1])["timestamp"]; ts.(json.Number).String() != "1760000000124" {
		t.Fatalf("timestamp %v, want one millisecond after the rejected token", ts)
	}
	// A stale token (already replaced by another call): the next Token
	// differs from it, nothing is dropped.
	if !s.Reject(first) || s.Token() != second {
		t.Fatal("a stale Reject changed the cache")
	}
}
