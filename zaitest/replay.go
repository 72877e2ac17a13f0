package zaitest

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/internal/redact"
)

// EnvRecord is the environment variable that makes Replay record: set it to
// "1", with ZAI_API_KEY (and optionally ZAI_BASE_URL) set.
const EnvRecord = "ZAI_RECORD"

// Cassette is the file Replay serves and records: JSON, one exchange per
// request, in the order they happened.
type Cassette struct {
	// Version of the format: 1.
	Version   int        `json:"version"`
	Exchanges []Exchange `json:"exchanges"`
}

// Exchange is one request and the response it got. Keys and Authorization
// headers are never stored; an echo of the key (its secret half, a JWT made
// from it) anywhere, binary bodies included, is replaced by "[REDACTED]",
// as in the SDK's errors and logs.
type Exchange struct {
	Method string `json:"method"`
	// Path is relative to the base URL, as in Request.Path.
	Path  string `json:"path"`
	Query string `json:"query,omitempty"`
	// The request body: RequestBody when it is JSON, RequestForm when it is
	// a multipart form, RequestText otherwise.
	RequestBody json.RawMessage `json:"request_body,omitempty"`
	RequestForm *CassetteForm   `json:"request_form,omitempty"`
	RequestText string          `json:"request_text,omitempty"`

	Status int `json:"status"`
	// Header keeps the response headers a client looks at: Content-Type,
	// X-Log-Id, Retry-After, Retry-After-Ms, X-Should-Retry,
	// Content-Disposition.
	Header map[string]string `json:"header,omitempty"`
	// The response body: Body when it is JSON, BodyText when it is other
	// text, BodyBase64 when it is binary (audio), Events when it is a stream
	// of server-sent events, each as sent, with its framing.
	Body       json.RawMessage `json:"body,omitempty"`
	BodyText   string          `json:"body_text,omitempty"`
	BodyBase64 string          `json:"body_base64,omitempty"`
	Events     []string        `json:"events,omitempty"`
}

// CassetteForm is a recorded multipart form: its fields, and its files by
// name, size and SHA-256 (their bytes are not stored).
type CassetteForm struct {
	Fields map[string][]string     `json:"fields,omitempty"`
	Files  map[string]CassetteFile `json:"files,omitempty"`
}

// CassetteFile describes a file part of a recorded form.
type CassetteFile struct {
	Name   string `json:"name"`
	Size   int    `json:"size"`
	SHA256 string `json:"sha256"`
}

// keptHeaders are the response headers a cassette stores.
var keptHeaders = []string{"Content-Type", "X-Log-Id", "Retry-After", "Retry-After-Ms", "X-Should-Retry", "Content-Disposition"}

// Replay returns a server that answers from the cassette at path.
//
// A request is matched on its method, path, query and body (JSON compared
// as values, forms by fields and file digests), with the volatile
// "request_id" field ignored; identical requests take their recorded
// exchanges in order. A request that matches nothing, or whose exchanges are
// used up, gets HTTP 501 (with x-should-retry: false) whose message names
// the closest recorded request.
//
// With ZAI_RECORD=1 and ZAI_API_KEY set, the server instead forwards every
// request to the real API (ZAI_BASE_URL, else zai.InternationalBaseURL;
// agents to the root derived from it) with that key, passes the answers
// back as they arrive (streams event by event), and writes the cassette
// when the test ends, unless the test failed. The key and the
// Authorization header are never written.
//
// Either way, (*Server).Client returns a client for the server, and scripts
// (Reply, ReplyError ...) still answer first.
func Replay(t testing.TB, path string) *Server {
	t.Helper()
	s := newServer()
	if os.Getenv(EnvRecord) == "1" {
		key := os.Getenv(zai.EnvAPIKey)
		if key == "" {
			t.Fatalf("zaitest: %s=1 needs %s to record %s", EnvRecord, zai.EnvAPIKey, path)
		}
		base := os.Getenv(zai.EnvBaseURL)
		if base == "" {
			base = zai.InternationalBaseURL
		}
		s.recorder = &recorder{path: path, base: strings.TrimSuffix(base, "/"), key: key, secrets: redact.New(key)}
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("zaitest: the test failed; cassette %s not written", path)
				return
			}
			if err := s.recorder.save(); err != nil {
				t.Errorf("zaitest: writing cassette: %v", err)
			}
		})
	} else {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("zaitest: cassette %v (record it with %s=1 and %s set)", err, EnvRecord, zai.EnvAPIKey)
		}
		var c Cassette
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatalf("zaitest: cassette %s: %v", path, err)
		}
		if err := c.check(); err != nil {
			t.Fatalf("zaitest: cassette %s: %v", path, err)
		}
		s.replay = newPlayer(path, c)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	t.Cleanup(func() { s.finish(t) })
	return s
}

// player serves a cassette.
type player struct {
	path string
	c    Cassette
	keys []string

	mu   sync.Mutex
	used []bool
}

func newPlayer(path string, c Cassette) *player {
	p := &player{path: path, c: c, used: make([]bool, len(c.Exchanges))}
	for _, e := range c.Exchanges {
		p.keys = append(p.keys, matchKey(e.Method, e.Path, e.Query, e.RequestBody, e.RequestForm, e.RequestText))
	}
	return p
}

func (p *player) serve(w http.ResponseWriter, r *http.Request, req *Request) {
	in := exchangeRequest(req)
	key := matchKey(in.Method, in.Path, in.Query, in.RequestBody, in.RequestForm, in.RequestText)
	p.mu.Lock()
	found, seen := -1, 0
	for i, k := range p.keys {
		if k == key {
			seen++
			if !p.used[i] {
				found = i
				p.used[i] = true
				break
			}
		}
	}
	p.mu.Unlock()
	if found < 0 {
		msg := fmt.Sprintf("zaitest: all %d exchanges recorded in %s for %s %s were used", seen, p.path, req.Method, req.Path)
		if seen == 0 {
			msg = fmt.Sprintf("zaitest: no exchange recorded in %s matches %s %s; %s", p.path, req.Method, req.Path, p.closest(in))
		}
		w.Header().Set("X-Should-Retry", "false")
		writeError(w, http.StatusNotImplemented, "501", msg)
		return
	}
	e := p.c.Exchanges[found]
	rp := &reply{status: e.Status, header: http.Header{}}
	for k, v := range e.Header {
		rp.header.Set(k, v)
	}
	switch {
	case e.Events != nil:
		for _, ev := range e.Events {
			rp.events = append(rp.events, []byte(ev))
		}
	case e.Body != nil:
		var b bytes.Buffer
		json.Compact(&b, e.Body)
		rp.body = b.Bytes()
	case e.BodyBase64 != "":
		rp.body, _ = base64.StdEncoding.DecodeString(e.BodyBase64)
	default:
		rp.body = []byte(e.BodyText)
	}
	w.Header().Del("X-Log-Id")
	rp.write(w, r, faults{})
}

// closest describes the recorded request nearest to in.
func (p *player) closest(in Exchange) string {
	best, bestDist := -1, 0
	var bestDiff []string
	for i, e := range p.c.Exchanges {
		dist := 0
		if e.Method != in.Method {
			dist += 1000
		}
		if e.Path != in.Path {
			dist += 100
		}
		if canonicalQuery(e.Query) != canonicalQuery(in.Query) {
			dist += 10
		}
		diff := bodyDiff(e, in)
		dist += len(diff)
		if best < 0 || dist < bestDist {
			best, bestDist, bestDiff = i, dist, diff
		}
	}
	if best < 0 {
		return "the cassette is empty"
	}
	e := p.c.Exchanges[best]
	desc := fmt.Sprintf("the closest is exchange %d, %s %s", best+1, e.Method, e.Path)
	if e.Query != "" {
		desc += "?" + e.Query
	}
	switch {
	case bestDist >= 10 && canonicalQuery(e.Query) != canonicalQuery(in.Query):
		desc += fmt.Sprintf(" (the query differs: %q)", in.Query)
	case len(bestDiff) > 0:
		desc += ", whose body differs in " + strings.Join(bestDiff, ", ")
	case p.used[best]:
		desc += ", already used"
	}
	return desc
}

// bodyDiff lists the top-level body fields in which two requests differ.
func bodyDiff(a, b Exchange) []string {
	am, bm := bodyFields(a), bodyFields(b)
	if am == nil || bm == nil {
		if canonicalBody(a.RequestBody, a.RequestForm, a.RequestText) != canonicalBody(b.RequestBody, b.RequestForm, b.RequestText) {
			return []string{"the body"}
		}
		return nil
	}
	var diff []string
	for k := range am {
		if k != "request_id" && am[k] != bm[k] {
			diff = append(diff, k)
		}
	}
	for k := range bm {
		if _, ok := am[k]; !ok && k != "request_id" {
			diff = append(diff, k)
		}
	}
	sort.Strings(diff)
	return diff
}

// bodyFields maps each top-level field of a JSON or form body to its
// canonical text.
func bodyFields(e Exchange) map[string]string {
	out := map[string]string{}
	switch {
	case e.RequestForm != nil:
		for k, v := range e.RequestForm.Fields {
			out[k] = strings.Join(v, "\x00")
		}
		for k, f := range e.RequestForm.Files {
			out[k] = f.SHA256
		}
		return out
	case e.RequestBody != nil:
		var m map[string]any
		if json.Unmarshal(e.RequestBody, &m) != nil {
			return nil
		}
		for k, v := range m {
			b, _ := json.Marshal(stripRequestID(v))
			out[k] = string(b)
		}
		return out
	}
	return nil
}

// matchKey is what two requests must share to match.
func matchKey(method, path, query string, body json.RawMessage, form *CassetteForm, text string) string {
	return method + " " + path + "?" + canonicalQuery(query) + "\n" + canonicalBody(body, form, text)
}

func canonicalQuery(q string) string {
	v, err := url.ParseQuery(q)
	if err != nil {
		return q
	}
	v.Del("request_id")
	return v.Encode()
}

func canonicalBody(body json.RawMessage, form *CassetteForm, text string) string {
	switch {
	case form != nil:
		f := CassetteForm{Fields: map[string][]string{}, Files: form.Files}
		for k, v := range form.Fields {
			if k != "request_id" {
				f.Fields[k] = v
			}
		}
		b, _ := json.Marshal(f)
		return "form:" + string(b)
	case body != nil:
		var v any
		if json.Unmarshal(body, &v) != nil {
			return "text:" + string(body)
		}
		b, _ := json.Marshal(stripRequestID(v))
		return "json:" + string(b)
	}
	return "text:" + text
}

// stripRequestID drops every "request_id" field: it is volatile.
func stripRequestID(v any) any {
	switch t := v.(type) {
	case map[string]any:
		delete(t, "request_id")
		for k, x := range t {
			t[k] = stripRequestID(x)
		}
	case []any:
		for i, x := range t {
			t[i] = stripRequestID(x)
		}
	}
	return v
}

// exchangeRequest describes req's request side as a cassette stores it.
func exchangeRequest(req *Request) Exchange {
	e := Exchange{Method: req.Method, Path: req.Path, Query: req.Query}
	switch {
	case len(req.Body) == 0:
	case json.Valid(req.Body):
		e.RequestBody = slices.Clone(req.Body)
	default:
		if f, err := parseForm(req); err == nil {
			e.RequestForm = &CassetteForm{Fields: f.fields, Files: map[string]CassetteFile{}}
			for k, ff := range f.files {
				sum := sha256.Sum256(ff.data)
				e.RequestForm.Files[k] = CassetteFile{Name: ff.name, Size: len(ff.data), SHA256: hex.EncodeToString(sum[:])}
			}
		} else {
			e.RequestText = string(req.Body)
		}
	}
	return e
}

// recorder forwards requests to the real API and records the exchanges.
type recorder struct {
	path    string
	base    string // the API base URL
	key     string
	secrets *redact.Secrets // the SDK's own rule of what is a secret

	mu        sync.Mutex
	exchanges []Exchange
}

// upstream is the real URL of a request.
func (rc *recorder) upstream(req *Request) string {
	u := rc.base + req.Path
	if isRootPath(req.Path) {
		root := strings.TrimSuffix(rc.base, "/paas/v4")
		if root != rc.base {
			root = strings.TrimSuffix(root, "/coding")
		}
		u = root + req.Path
	}
	if req.Query != "" {
		u += "?" + req.Query
	}
	return u
}

// hopHeaders are request headers not forwarded.
var hopHeaders = []string{"Authorization", "Accept-Encoding", "Content-Length", "Connection", "Host"}

func (rc *recorder) forward(w http.ResponseWriter, r *http.Request, req *Request) {
	up, err := http.NewRequestWithContext(r.Context(), req.Method, rc.upstream(req), bytes.NewReader(req.Body))
	if err != nil {
		writeError(w, http.StatusBadGateway, "502", "zaitest: "+err.Error())
		return
	}
	up.Header = req.Header.Clone()
	for _, h := range hopHeaders {
		up.Header.Del(h)
	}
	up.Header.Set("Authorization", "Bearer "+rc.key)
	resp, err := http.DefaultTransport.RoundTrip(up)
	if err != nil {
		writeError(w, http.StatusBadGateway, "502", "zaitest: forwarding: "+rc.redact(err.Error()))
		return
	}
	defer resp.Body.Close()

	e := exchangeRequest(req)
	if e.RequestBody != nil {
		e.RequestBody = json.RawMessage(rc.redact(string(e.RequestBody)))
	}
	e.RequestText = rc.redact(e.RequestText)
	e.Status = resp.StatusCode
	for _, h := range keptHeaders {
		if v := resp.Header.Get(h); v != "" {
			if e.Header == nil {
				e.Header = map[string]string{}
			}
			e.Header[h] = rc.redact(v)
		}
	}
	for k, v := range resp.Header {
		if k != "Content-Length" && k != "Connection" && k != "Transfer-Encoding" {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(resp.StatusCode)
	flush(w)

	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt == "text/event-stream" {
		e.Events = []string{}
		br := bufio.NewReader(resp.Body)
		var ev bytes.Buffer
		for {
			line, err := br.ReadBytes('\n')
			ev.Write(line)
			if len(bytes.TrimRight(line, "\r\n")) == 0 && len(line) > 0 || (err != nil && ev.Len() > 0) {
				w.Write(ev.Bytes())
				flush(w)
				e.Events = append(e.Events, rc.redactEvent(ev.String()))
				ev.Reset()
			}
			if err != nil {
				break
			}
		}
	} else {
		body, _ := io.ReadAll(resp.Body)
		w.Write(body)
		switch {
		case len(body) > 0 && json.Valid(body):
			e.Body = rc.redactJSON(body)
		case utf8.Valid(body) && !bytes.ContainsRune(body, 0):
			e.BodyText = rc.redact(string(body))
		default:
			// Redacted before it is encoded: base64 would hide the key
			// from every check on the cassette's text.
			e.BodyBase64 = base64.StdEncoding.EncodeToString(rc.secrets.Bytes(body))
		}
	}
	rc.mu.Lock()
	rc.exchanges = append(rc.exchanges, e)
	rc.mu.Unlock()
}

// redact removes the secrets from a string, with the SDK's rule.
func (rc *recorder) redact(s string) string { return rc.secrets.String(s) }

// redactJSON removes the secrets from a JSON body: from its text and, when
// a string holds one behind escapes ("\u0073k-..."), from its values.
func (rc *recorder) redactJSON(b []byte) json.RawMessage {
	b = rc.secrets.Bytes(b)
	if !rc.leaks(b) {
		return b
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return b
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if enc.Encode(rc.redactValue(v)) != nil {
		return b
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n"))
}

// redactEvent removes the secrets from one server-sent event as sent,
// its JSON data lines as JSON.
func (rc *recorder) redactEvent(ev string) string {
	ev = rc.redact(ev)
	lines := strings.SplitAfter(ev, "\n")
	for i, line := range lines {
		body := strings.TrimRight(line, "\r\n")
		data, ok := strings.CutPrefix(body, "data:")
		if !ok || !rc.leaks([]byte(data)) {
			continue
		}
		lines[i] = "data: " + string(rc.redactJSON([]byte(strings.TrimSpace(data)))) + line[len(body):]
	}
	return strings.Join(lines, "")
}

func (rc *recorder) redactValue(v any) any {
	switch x := v.(type) {
	case string:
		return rc.redact(x)
	case []any:
		for i := range x {
			x[i] = rc.redactValue(x[i])
		}
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[rc.redact(k)] = rc.redactValue(e)
		}
		return out
	}
	return v
}

// leaks reports whether a body, decoded as a client reads it (a JSON value
// with its escapes resolved, base64 decoded), holds a secret.
func (rc *recorder) leaks(b []byte) bool {
	if rc.secrets.ContainsBytes(b) {
		return true
	}
	var v any
	if json.Unmarshal(b, &v) != nil {
		return false
	}
	found := false
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			found = found || rc.secrets.Contains(x)
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for k, e := range x {
				found = found || rc.secrets.Contains(k)
				walk(e)
			}
		}
	}
	walk(v)
	return found
}

// check reports the first exchange whose decoded contents hold a secret.
func (rc *recorder) check(c Cassette, text []byte) error {
	if rc.secrets.ContainsBytes(text) {
		return errors.New("a secret is still in the cassette")
	}
	for i, e := range c.Exchanges {
		bin, err := base64.StdEncoding.DecodeString(e.BodyBase64)
		if err != nil {
			return fmt.Errorf("exchange %d: body_base64: %w", i+1, err)
		}
		if rc.leaks(e.Body) || rc.leaks(e.RequestBody) || rc.secrets.ContainsBytes(bin) {
			return fmt.Errorf("exchange %d: a secret is still in a decoded body", i+1)
		}
		for _, ev := range e.Events {
			for line := range strings.Lines(ev) {
				if data, ok := strings.CutPrefix(strings.TrimRight(line, "\r\n"), "data:"); ok && rc.leaks([]byte(data)) {
					return fmt.Errorf("exchange %d: a secret is still in an event", i+1)
				}
			}
		}
	}
	return nil
}

func (rc *recorder) save() error {
	rc.mu.Lock()
	c := Cassette{Version: 1, Exchanges: slices.Clone(rc.exchanges)}
	rc.mu.Unlock()
	if c.Exchanges == nil {
		c.Exchanges = []Exchange{}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(c); err != nil {
		return err
	}
	if err := rc.check(c, b.Bytes()); err != nil {
		return err // never reached: every string and body was redacted
	}
	if err := os.MkdirAll(filepath.Dir(rc.path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(rc.path, b.Bytes(), 0o644)
}
