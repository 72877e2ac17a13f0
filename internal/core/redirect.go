package core

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// credentialHeaders are dropped from a redirect that leaves the origin of
// the first request. net/http drops Authorization and cookies only when the
// host name changes (and keeps them for a subdomain, another port or a
// scheme change); curl drops them on any change of scheme, host or port
// since CVE-2022-27776, and so does this core.
var credentialHeaders = []string{
	"Authorization", "Cookie", "Cookie2", "Www-Authenticate", "X-Api-Key", "Api-Key",
}

// guardRedirects returns a shallow copy of hc whose CheckRedirect first
// drops credential headers from a redirect that left the first request's
// origin (at this hop or any before it), then applies hc's own
// CheckRedirect, or net/http's default limit of 10 redirects. Every attempt
// sends through such a copy, so the rule holds for the default client and
// for a client given with WithHTTPClient alike.
func guardRedirects(hc *http.Client) *http.Client {
	g := *hc
	user := hc.CheckRedirect
	g.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) > 0 && leftOrigin(req, via) {
			for _, h := range credentialHeaders {
				req.Header.Del(h)
			}
		}
		if user != nil {
			return user(req, via)
		}
		if len(via) >= 10 {
			return NoRetry(errors.New("stopped after 10 redirects"))
		}
		return nil
	}
	return &g
}

// leftOrigin reports whether req, or any hop between the first request and
// it, has another origin than the first request. Once a redirect left the
// origin, the server there chose every later hop, so coming back to the
// first origin does not restore the credentials.
func leftOrigin(req *http.Request, via []*http.Request) bool {
	first := origin(via[0].URL)
	if origin(req.URL) != first {
		return true
	}
	for _, r := range via[1:] {
		if origin(r.URL) != first {
			return true
		}
	}
	return false
}

// origin is scheme://host:port, lowercased, with the scheme's default port
// written out, so that https://h and https://h:443 are one origin.
func origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		switch scheme {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return scheme + "://" + strings.ToLower(u.Hostname()) + ":" + port
}
