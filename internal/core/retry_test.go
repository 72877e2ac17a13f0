package core

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// The retry rule, row by row, on real sockets: each case names the row of
// retryRules that must decide it and the number of attempts it must make
// (1, or 4 with MaxRetries 3). TestRetryRules fails when a row has no
// passing case, so a new row comes with its test.

type retryCase struct {
	name     string
	row      string // a unique part of the deciding row's name
	attempts int
	// setup points c at its server (base URL, client, middleware) and
	// returns the request to send.
	setup func(t *testing.T, c *Config) *Request
}

// rowsTested notes the rows that a passing case reached.
var rowsTested = map[int]bool{}

// rowIndex is the index of the row whose name contains part.
func rowIndex(t *testing.T, part string) int {
	t.Helper()
	found := -1
	for i, r := range retryRules {
		if strings.Contains(r.name, part) {
			if found >= 0 {
				t.Fatalf("%q names rows %d and %d", part, found, i)
			}
			found = i
		}
	}
	if found < 0 {
		t.Fatalf("no row named %q", part)
	}
	return found
}

// post is a small JSON request.
func post() *Request {
	return &Request{Method: "POST", Path: "/x", Body: map[string]string{"q": "hello"}}
}

// serve starts a plain HTTP server with h.
func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// quietServer starts srv with the TLS handshake errors it logs dropped.
func quietTLS(t *testing.T, h http.Handler, conf func(*tls.Config), h2 bool) *httptest.Server {
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = nullLogger()
	srv.EnableHTTP2 = h2
	srv.TLS = &tls.Config{}
	if conf != nil {
		conf(srv.TLS)
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// rawServer accepts connections on 127.0.0.1 and hands each to handle.
func rawServer(t *testing.T, handle func(net.Conn)) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				conn.SetDeadline(time.Now().Add(5 * time.Second))
				handle(conn)
			}()
		}
	}()
	return ln.Addr().String()
}

// readRequestHead reads up to the blank line after the headers.
func readRequestHead(conn net.Conn) {
	br := bufio.NewReader(conn)
	for {
		line, err := br.ReadString('\n')
		if err != nil || line == "\r\n" {
			return
		}
	}
}

func ok200(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "{}") }

func tlsClient(srv *httptest.Server, edit func(*tls.Config)) *http.Client {
	hc := srv.Client()
	tr := hc.Transport.(*http.Transport).Clone()
	if edit != nil {
		edit(tr.TLSClientConfig)
	}
	hc = &http.Client{Transport: tr}
	return hc
}

var retryCases = []retryCase{
	{"middleware error", "middleware's own", 1, func(t *testing.T, c *Config) *Request {
		c.BaseURL = serve(t, ok200).URL
		c.Middleware = []Middleware{func(*http.Request, func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			return nil, errors.New("local limiter says no")
		}}
		return post()
	}},
	{"middleware error wrapping ErrRetryable", "middleware's own", 4, func(t *testing.T, c *Config) *Request {
		c.BaseURL = serve(t, ok200).URL
		c.Middleware = []Middleware{func(*http.Request, func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			return nil, errors.Join(errors.New("busy"), ErrRetryable)
		}}
		return post()
	}},
	{"2xx body cut short", "2xx whose body", 1, func(t *testing.T, c *Config) *Request {
		c.BaseURL = serve(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100")
			io.WriteString(w, `{"id":`)
		}).URL
		return post()
	}},
	{"2xx body refused by Check", "2xx whose body", 1, func(t *testing.T, c *Config) *Request {
		c.BaseURL = serve(t, ok200).URL
		r := post()
		r.Check = func(int, http.Header, []byte) error { return errors.New("failed inside a 200") }
		return r
	}},
	{"x-should-retry true on a 400", "x-should-retry", 4, func(t *testing.T, c *Config) *Request {
		c.BaseURL = serve(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Should-Retry", "true")
			w.WriteHeader(http.StatusBadRequest)
		}).URL
		return post()
	}},
	{"x-should-retry false on a 503", "x-should-retry", 1, func(t *testing.T, c *Config) *Request {
		c.BaseURL = serve(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Should-Retry", "false")
			w.WriteHeader(http.StatusServiceUnavailable)
		}).URL
		return post()
	}},
	{"503", "HTTP status", 4, func(t *testing.T, c *Config) *Request {
		c.BaseURL = serve(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }).URL
		return post()
	}},
	{"400", "HTTP status", 1, func(t *testing.T, c *Config) *Request {
		c.BaseURL = serve(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(400) }).URL
		return post()
	}},
	{"http to a Go TLS server: its 400", "HTTP status", 1, func(t *testing.T, c *Config) *Request {
		c.BaseURL = strings.Replace(quietTLS(t, http.HandlerFunc(ok200), nil, false).URL, "https:", "http:", 1)
		return post()
	}},
	{"a plain-HTTP proxy's 407", "HTTP status", 1, func(t *testing.T, c *Config) *Request {
		proxy := serve(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusProxyAuthRequired) })
		pu, _ := url.Parse(proxy.URL)
		c.BaseURL = "http://api.invalid"
		c.HTTPClient = &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(pu)}}
		return post()
	}},
	{"redirect loop", "redirect loop", 1, func(t *testing.T, c *Config) *Request {
		c.BaseURL = serve(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.Path, http.StatusTemporaryRedirect)
		}).URL
		return post()
	}},
	{"the caller's upload reader fails", "body source", 1, func(t *testing.T, c *Config) *Request {
		c.BaseURL = serve(t, func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body) }).URL
		r := &Request{Method: "POST", Path: "/upload"}
		m := &Multipart{Files: []FormFile{{Field: "file", FileName: "a", Reader: io.MultiReader(strings.NewReader("abc"), errReader{})}}}
		if err := m.Apply(r); err != nil {
			t.Fatal(err)
		}
		r.Replayable = true // as if seekable: the rule, not the body, must stop it
		return r
	}},
	{"attempt timeout", "a timeout", 4, func(t *testing.T, c *Config) *Request {
		c.BaseURL = serve(t, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(300 * time.Millisecond):
			}
		}).URL
		c.RequestTimeout = 20 * time.Millisecond
		return post()
	}},
	{"untrusted certificate", "does not trust", 1, func(t *testing.T, c *Config) *Request {
		c.BaseURL = quietTLS(t, http.HandlerFunc(ok200), nil, false).URL
		c.HTTPClient = &http.Client{Transport: &http.Transport{}}
		return post()
	}},
	{"client certificate required (TLS 1.3)", "TLS alert from the peer", 1, func(t *testing.T, c *Config) *Request {
		srv := quietTLS(t, http.HandlerFunc(ok200), func(tc *tls.Config) { tc.ClientAuth = tls.RequireAndVerifyClientCert }, false)
		c.BaseURL, c.HTTPClient = srv.URL, tlsClient(srv, nil)
		return post()
	}},
	{"client certificate required (TLS 1.2)", "TLS alert from the peer", 1, func(t *testing.T, c *Config) *Request {
		srv := quietTLS(t, http.HandlerFunc(ok200), func(tc *tls.Config) { tc.ClientAuth = tls.RequireAndVerifyClientCert }, false)
		c.BaseURL, c.HTTPClient = srv.URL, tlsClient(srv, func(tc *tls.Config) { tc.MaxVersion = tls.VersionTLS12 })
		return post()
	}},
	{"protocol version the server refuses", "TLS alert from the peer", 1, func(t *testing.T, c *Config) *Request {
		srv := quietTLS(t, http.HandlerFunc(ok200), func(tc *tls.Config) { tc.MinVersion = tls.VersionTLS13 }, false)
		c.BaseURL, c.HTTPClient = srv.URL, tlsClient(srv, func(tc *tls.Config) { tc.MaxVersion = tls.VersionTLS12 })
		return post()
	}},
	{"protocol version the client refuses", "TLS alert from the peer", 1, func(t *testing.T, c *Config) *Request {
		srv := quietTLS(t, http.HandlerFunc(ok200), func(tc *tls.Config) { tc.MaxVersion = tls.VersionTLS12 }, false)
		c.BaseURL, c.HTTPClient = srv.URL, tlsClient(srv, func(tc *tls.Config) { tc.MinVersion = tls.VersionTLS13 })
		return post()
	}},
	{"a handshake message out of order", "client gives up", 1, func(t *testing.T, c *Config) *Request {
		addr := rawServer(t, func(conn net.Conn) {
			conn.Read(make([]byte, 4096)) // the ClientHello
			// A ServerHelloDone where the ServerHello belongs.
			conn.Write([]byte{0x16, 0x03, 0x03, 0x00, 0x04, 0x0e, 0x00, 0x00, 0x00})
			io.Copy(io.Discard, conn)
		})
		c.BaseURL = "https://" + addr
		c.HTTPClient = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
		return post()
	}},
	{"https to a plain-HTTP port", "plain HTTP", 1, func(t *testing.T, c *Config) *Request {
		c.BaseURL = strings.Replace(serve(t, ok200).URL, "http:", "https:", 1)
		return post()
	}},
	{"https to a port that speaks neither", "plain HTTP", 1, func(t *testing.T, c *Config) *Request {
		addr := rawServer(t, func(conn net.Conn) {
			io.WriteString(conn, "SSH-2.0-OpenSSH_9.6\r\n")
			io.Copy(io.Discard, conn)
		})
		c.BaseURL = "https://" + addr
		return post()
	}},
	{"proxy CONNECT 407", "refuses CONNECT", 1, func(t *testing.T, c *Config) *Request {
		proxy := serve(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Proxy-Authenticate", `Basic realm="corp"`)
			w.WriteHeader(http.StatusProxyAuthRequired)
		})
		pu, _ := url.Parse(proxy.URL)
		c.BaseURL = "https://api.invalid"
		c.HTTPClient = &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(pu)}}
		return post()
	}},
	{"proxy CONNECT 407 with its own reason, through ProxyConnectCheck", "refuses CONNECT", 1, func(t *testing.T, c *Config) *Request {
		addr := rawServer(t, func(conn net.Conn) {
			readRequestHead(conn)
			io.WriteString(conn, "HTTP/1.1 407 Who Are You\r\nContent-Length: 0\r\n\r\n")
		})
		c.BaseURL = "https://api.invalid"
		c.HTTPClient = &http.Client{Transport: &http.Transport{
			Proxy:                  http.ProxyURL(&url.URL{Scheme: "http", Host: addr}),
			OnProxyConnectResponse: ProxyConnectCheck,
		}}
		return post()
	}},
	{"proxy CONNECT 503", "refuses CONNECT", 4, func(t *testing.T, c *Config) *Request {
		proxy := serve(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
		pu, _ := url.Parse(proxy.URL)
		c.BaseURL = "https://api.invalid"
		c.HTTPClient = &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(pu)}}
		return post()
	}},
	{"http to a TLS port that answers with an alert", "not HTTP", 1, func(t *testing.T, c *Config) *Request {
		addr := rawServer(t, func(conn net.Conn) {
			readRequestHead(conn)
			conn.Write([]byte{0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46}) // fatal protocol_version
		})
		c.BaseURL = "http://" + addr
		return post()
	}},
	{"response headers over net/http's limit", "not HTTP", 1, func(t *testing.T, c *Config) *Request {
		addr := rawServer(t, func(conn net.Conn) {
			readRequestHead(conn)
			io.WriteString(conn, "HTTP/1.1 200 OK\r\nX-Big: "+strings.Repeat("a", 11<<20)+"\r\nContent-Length: 2\r\n\r\n{}")
		})
		c.BaseURL = "http://" + addr
		return post()
	}},
	{"two Content-Lengths", "not HTTP", 1, func(t *testing.T, c *Config) *Request {
		addr := rawServer(t, func(conn net.Conn) {
			readRequestHead(conn)
			io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}")
		})
		c.BaseURL = "http://" + addr
		return post()
	}},
	{"HTTP/2 header list over the peer's limit", "header-list limit", 1, func(t *testing.T, c *Config) *Request {
		srv := httptest.NewUnstartedServer(http.HandlerFunc(ok200))
		srv.EnableHTTP2 = true
		srv.Config.MaxHeaderBytes = 2 << 10
		srv.Config.ErrorLog = nullLogger()
		srv.StartTLS()
		t.Cleanup(srv.Close)
		c.BaseURL, c.HTTPClient = srv.URL, tlsClient(srv, nil)
		// A first request, so that the client has the server's SETTINGS.
		if _, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/warm"}); err != nil {
			t.Fatal(err)
		}
		c.Header = http.Header{"X-Big": {strings.Repeat("a", 8<<10)}}
		return post()
	}},
	{"HTTP/2 header list on a fresh connection: GOAWAY PROTOCOL_ERROR", "header-list limit", 1, func(t *testing.T, c *Config) *Request {
		srv := httptest.NewUnstartedServer(http.HandlerFunc(ok200))
		srv.EnableHTTP2 = true
		srv.Config.MaxHeaderBytes = 2 << 10
		srv.Config.ErrorLog = nullLogger()
		srv.StartTLS()
		t.Cleanup(srv.Close)
		c.BaseURL, c.HTTPClient = srv.URL, tlsClient(srv, nil)
		c.Header = http.Header{"X-Big": {strings.Repeat("a", 8<<10)}}
		return post()
	}},
	{"a middleware consumed the body", "will not send", 1, func(t *testing.T, c *Config) *Request {
		c.BaseURL = serve(t, ok200).URL
		c.Middleware = []Middleware{func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			io.ReadAll(req.Body) // and never restored
			return next(req)
		}}
		return post()
	}},
	{"a middleware set an invalid header value", "will not send", 1, func(t *testing.T, c *Config) *Request {
		c.BaseURL = serve(t, ok200).URL
		c.Middleware = []Middleware{func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			req.Header.Set("X-Trace", "a\nb")
			return next(req)
		}}
		return post()
	}},
	{"connection refused", "any other transport error", 4, func(t *testing.T, c *Config) *Request {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		c.BaseURL = "http://" + ln.Addr().String()
		ln.Close()
		return post()
	}},
	{"connection reset after the request", "any other transport error", 4, func(t *testing.T, c *Config) *Request {
		addr := rawServer(t, func(conn net.Conn) {
			readRequestHead(conn)
			conn.(*net.TCPConn).SetLinger(0)
		})
		c.BaseURL = "http://" + addr
		return post()
	}},
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestRetryRules(t *testing.T) {
	ran := 0
	for _, tc := range retryCases {
		t.Run(tc.name, func(t *testing.T) {
			ran++
			var delays []time.Duration
			c := testConfig("", &delays)
			r := tc.setup(t, c)
			var attempts int
			var last error
			r.Trace = attemptHook(func(a Attempt) { attempts, last = a.Number, a.Err })
			_, err := c.Do(context.Background(), r)
			if err == nil {
				t.Fatal("the call succeeded")
			}
			if attempts != tc.attempts {
				t.Fatalf("%d attempts, want %d; err %v", attempts, tc.attempts, err)
			}
			f := &failure{err: last}
			var se statusErr
			var mw *MiddlewareError
			switch {
			case errors.As(last, &mw):
				f = &failure{err: mw.Err, own: true}
			case errors.As(last, &se):
				f = &failure{err: last, status: se.status, header: lastHeader(t, c, r)}
			case r.Check != nil || tc.row == "2xx whose body":
				f.answered = true
			}
			want := rowIndex(t, tc.row)
			if got := ruleFor(f); got != want {
				t.Fatalf("decided by row %d (%s), want row %d (%s); err %v", got, retryRules[got].name, want, retryRules[want].name, last)
			}
			rowsTested[want] = true
		})
	}
	if ran < len(retryCases) {
		return // a -run filter: the coverage check needs every case
	}
	for i, r := range retryRules {
		if !rowsTested[i] {
			t.Errorf("row %d (%s) has no passing case in retryCases", i, r.name)
		}
	}
}

// lastHeader sends r once more to read the headers its status came with.
func lastHeader(t *testing.T, c *Config, r *Request) http.Header {
	var h http.Header
	c2 := *c
	c2.MaxRetries = 0
	r2 := *r
	r2.Trace = attemptHook(func(a Attempt) {
		if a.Response != nil {
			h = a.Response.Header
		}
	})
	c2.Do(context.Background(), &r2)
	return h
}

// attemptHook is a Trace that only watches attempts.
type attemptHook func(Attempt)

func (attemptHook) Begin(ctx context.Context, _ []byte) context.Context { return ctx }
func (h attemptHook) Attempt(a Attempt)                                 { h(a) }

func nullLogger() *log.Logger { return log.New(io.Discard, "", 0) }
