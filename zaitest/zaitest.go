// Package zaitest is a fake Z.ai server for testing code that uses zai-go,
// with no network and no API key.
//
// It speaks the wire format recorded from the live API: chat completions
// (plain, streamed over SSE with [DONE], tool calls, reasoning), async tasks
// that finish after a few polls, images, videos, embeddings, web search, and
// the API's error envelopes. It checks the Authorization header as the real
// server does.
//
// Without a script it answers with deterministic defaults: chat echoes the
// last user message (streamed word by word), async tasks succeed. Script it to
// test your own error handling:
//
//	srv := zaitest.NewServer(t)
//	srv.ReplyError(429, "1302", "High concurrency")      // the next request fails
//	srv.ReplyStream(zaitest.Text("Hel"), zaitest.Text("lo")).DropAfter(1)
//	client := srv.Client()
//	... // call your code with client
//	req := srv.Requests()[0]                             // what was sent
package zaitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zai-go/zai"
)

// DefaultAPIKey is the key the server accepts unless WithAPIKey says
// otherwise. (*Server).Client uses it.
const DefaultAPIKey = "zaitest.key"

// Created is the fixed "created" timestamp of every response, so output is
// deterministic.
const Created = 1767225600

// Server is a running fake. It is safe for concurrent use.
type Server struct {
	srv       *httptest.Server
	apiKey    string
	taskPolls int

	mu       sync.Mutex
	script   []*Scripted
	requests []Request
	tasks    map[string]*task
	nextID   int
}

// Option configures a Server.
type Option func(*Server)

// WithAPIKey sets the key the server accepts (as a Bearer key, or as the
// id.secret pair behind a JWT signed the way zai.WithJWTAuth signs).
func WithAPIKey(key string) Option { return func(s *Server) { s.apiKey = key } }

// WithTaskPolls sets how many polls of /async-result answer PROCESSING
// before SUCCESS (default 1).
func WithTaskPolls(n int) Option { return func(s *Server) { s.taskPolls = n } }

// NewServer starts a server that is closed when the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := Start(opts...)
	t.Cleanup(s.Close)
	return s
}

// Start starts a server outside a test (for demos); call Close when done.
func Start(opts ...Option) *Server {
	s := &Server{apiKey: DefaultAPIKey, taskPolls: 1, tasks: map[string]*task{}}
	for _, o := range opts {
		o(s)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// Close shuts the server down, ending any stalled connection.
func (s *Server) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// URL returns the base URL to give zai.WithBaseURL: it ends in /api/paas/v4,
// like zai.InternationalBaseURL, so the agents root is derived the same way.
func (s *Server) URL() string { return s.srv.URL + "/api/paas/v4" }

// Client returns a zai client configured for this server with its key.
// opts apply after the server's, so they may override them.
func (s *Server) Client(opts ...zai.Option) *zai.Client {
	all := append([]zai.Option{zai.WithAPIKey(s.apiKey), zai.WithBaseURL(s.URL())}, opts...)
	c, err := zai.NewClient(all...)
	if err != nil {
		panic("zaitest: " + err.Error())
	}
	return c
}

// Request is a request as the server received it.
type Request struct {
	Method string
	// Path is relative to the base URL ("/chat/completions"), or starts with
	// "/v1/agents" for agents.
	Path   string
	Query  string
	Header http.Header
	Body   []byte
}

// Decode unmarshals the JSON body into v, such as a
// *zai.ChatCompletionRequest.
func (r Request) Decode(v any) error { return json.Unmarshal(r.Body, v) }

// JSON returns the JSON body as a map, or nil if it is not a JSON object.
func (r Request) JSON() map[string]any {
	var m map[string]any
	if json.Unmarshal(r.Body, &m) != nil {
		return nil
	}
	return m
}

// Requests returns the requests received so far, oldest first, including
// those answered with an error.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Reset forgets received requests and pending scripts.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests, s.script = nil, nil
}

const basePath = "/api/paas/v4"

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	path := r.URL.Path
	switch {
	case strings.HasPrefix(path, basePath):
		path = strings.TrimPrefix(path, basePath)
	case strings.HasPrefix(path, "/api/v1/"):
		path = strings.TrimPrefix(path, "/api")
	}
	req := Request{Method: r.Method, Path: path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body}
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.mu.Unlock()

	w.Header().Set("X-Log-Id", s.newID())
	if !s.authorized(r.Header.Get("Authorization")) {
		writeError(w, http.StatusUnauthorized, "1000", "Authentication Failed")
		return
	}
	if sc := s.take(req); sc != nil {
		sc.serve(w, r)
		return
	}
	s.serveDefault(w, req)
}

// take pops the first scripted reply that matches req.
func (s *Server) take(req Request) *Scripted {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, sc := range s.script {
		if sc.route != "" && sc.route != req.Method+" "+req.Path {
			continue
		}
		sc.times--
		if sc.times <= 0 {
			s.script = append(s.script[:i], s.script[i+1:]...)
		}
		return sc
	}
	return nil
}

func (s *Server) newID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	return fmt.Sprintf("zaitest-%06d", s.nextID)
}

// writeError writes the standard error envelope.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"error": map[string]string{"code": code, "message": msg}})
	w.Write(b)
}

func writeJSON(w http.ResponseWriter, v any) {
	var b []byte
	switch x := v.(type) {
	case []byte:
		b = x
	case string:
		b = []byte(x)
	case json.RawMessage:
		b = x
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			writeError(w, 500, "500", "zaitest: cannot encode reply: "+err.Error())
			return
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Write(b)
}

// Scripted is a reply queued with Reply, ReplyStream or ReplyError. Its
// methods refine it and return it for chaining.
type Scripted struct {
	srv        *Server // its mu guards the fields below once queued
	status     int
	body       any
	chunks     []any
	stream     bool
	header     http.Header
	dropAfter  int // -1: never
	stallAfter int // -1: never
	route      string
	times      int
}

func (s *Server) add(sc *Scripted) *Scripted {
	sc.srv = s
	sc.dropAfter, sc.stallAfter, sc.times = -1, -1, 1
	sc.header = http.Header{}
	s.mu.Lock()
	s.script = append(s.script, sc)
	s.mu.Unlock()
	return sc
}

// Reply answers the next request with body as JSON (a value, or []byte /
// string / json.RawMessage sent as they are) and status 200.
func (s *Server) Reply(body any) *Scripted { return s.add(&Scripted{status: 200, body: body}) }

// ReplyStream answers the next request with a server-sent event stream: one
// "data:" event per chunk (a value encoded as JSON, or a string sent as it
// is), then "data: [DONE]". Text, Reasoning, ToolCallChunk and Finish build
// chat chunks.
func (s *Server) ReplyStream(chunks ...any) *Scripted {
	return s.add(&Scripted{status: 200, chunks: chunks, stream: true})
}

// ReplyError answers the next request with the standard error envelope
// {"error":{"code":code,"message":msg}} and the HTTP status.
func (s *Server) ReplyError(status int, code, msg string) *Scripted {
	b, _ := json.Marshal(map[string]any{"error": map[string]string{"code": code, "message": msg}})
	return s.add(&Scripted{status: status, body: b})
}

// On limits the reply to requests of one route, such as
// "POST /chat/completions" or "GET /async-result/task-1". Other requests
// skip it.
func (sc *Scripted) On(method, path string) *Scripted {
	sc.srv.mu.Lock()
	defer sc.srv.mu.Unlock()
	sc.route = method + " " + path
	return sc
}

// Times makes the reply answer n requests instead of one.
func (sc *Scripted) Times(n int) *Scripted {
	sc.srv.mu.Lock()
	defer sc.srv.mu.Unlock()
	sc.times = n
	return sc
}

// WithRetryAfter adds a Retry-After header (whole seconds) or, for delays
// under a second, Retry-After-Ms.
func (sc *Scripted) WithRetryAfter(d time.Duration) *Scripted {
	sc.srv.mu.Lock()
	defer sc.srv.mu.Unlock()
	if d%time.Second == 0 {
		sc.header.Set("Retry-After", fmt.Sprint(int(d/time.Second)))
	} else {
		sc.header.Set("Retry-After-Ms", fmt.Sprint(d.Milliseconds()))
	}
	return sc
}

// WithHeader adds a response header.
func (sc *Scripted) WithHeader(key, value string) *Scripted {
	sc.srv.mu.Lock()
	defer sc.srv.mu.Unlock()
	sc.header.Set(key, value)
	return sc
}

// DropAfter resets the connection after n events of a stream (or, for a
// plain reply, before any body), as a failing network would.
func (sc *Scripted) DropAfter(n int) *Scripted {
	sc.srv.mu.Lock()
	defer sc.srv.mu.Unlock()
	sc.dropAfter = n
	return sc
}

// StallAfter holds the connection open, silent, after n events, until the
// client goes away or the server is closed.
func (sc *Scripted) StallAfter(n int) *Scripted {
	sc.srv.mu.Lock()
	defer sc.srv.mu.Unlock()
	sc.stallAfter = n
	return sc
}

func (sc *Scripted) serve(w http.ResponseWriter, r *http.Request) {
	sc.srv.mu.Lock()
	snap := *sc
	snap.header = sc.header.Clone()
	sc.srv.mu.Unlock()
	snap.write(w, r)
}

// write sends the reply; sc is a snapshot no builder touches.
func (sc *Scripted) write(w http.ResponseWriter, r *http.Request) {
	for k, v := range sc.header {
		w.Header()[k] = v
	}
	if !sc.stream {
		if sc.dropAfter == 0 {
			panic(http.ErrAbortHandler)
		}
		if sc.stallAfter == 0 {
			<-r.Context().Done()
			return
		}
		if sc.status != 200 {
			w.Header().Set("Content-Type", "application/json; charset=UTF-8")
			w.WriteHeader(sc.status)
			writeJSONBody(w, sc.body)
			return
		}
		writeJSON(w, sc.body)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream;charset=UTF-8")
	w.WriteHeader(sc.status)
	flush(w)
	for i, c := range sc.chunks {
		if i == sc.dropAfter {
			panic(http.ErrAbortHandler)
		}
		if i == sc.stallAfter {
			<-r.Context().Done()
			return
		}
		writeEvent(w, c)
	}
	if sc.dropAfter == len(sc.chunks) {
		panic(http.ErrAbortHandler)
	}
	if sc.stallAfter == len(sc.chunks) {
		<-r.Context().Done()
		return
	}
	io.WriteString(w, "data: [DONE]\n\n")
	flush(w)
}

func writeJSONBody(w io.Writer, v any) {
	switch x := v.(type) {
	case []byte:
		w.Write(x)
	case string:
		io.WriteString(w, x)
	default:
		b, _ := json.Marshal(v)
		w.Write(b)
	}
}

func writeEvent(w http.ResponseWriter, c any) {
	var data []byte
	switch x := c.(type) {
	case string:
		data = []byte(x)
	case []byte:
		data = x
	default:
		data, _ = json.Marshal(c)
	}
	var buf bytes.Buffer
	buf.Grow(len(data) + 8)
	buf.WriteString("data: ")
	buf.Write(data)
	buf.WriteString("\n\n")
	w.Write(buf.Bytes())
	flush(w)
}

func flush(w http.ResponseWriter) {
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}
