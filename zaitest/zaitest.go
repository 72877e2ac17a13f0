package zaitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
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
	mux       *http.ServeMux
	replay    *player   // set by Replay: serve a cassette
	recorder  *recorder // set by Replay with ZAI_RECORD=1: forward and record

	mu       sync.Mutex
	script   []*Scripted
	requests []Request
	tasks    map[string]*task
	nextID   int
	seqs     map[string]int
	state    // the stores of files, batches, voices and agent tasks
	rt       realtimeState
}

// Option configures a Server.
type Option func(*Server)

// WithAPIKey sets the key the server accepts (as a Bearer key, or as the
// id.secret pair behind a JWT signed the way zai.WithJWTAuth signs).
func WithAPIKey(key string) Option { return func(s *Server) { s.apiKey = key } }

// WithTaskPolls sets how many polls of a task answer "still running" before
// it finishes (default 1): /async-result, batches, file-parser results and
// asynchronous agents all follow it.
func WithTaskPolls(n int) Option { return func(s *Server) { s.taskPolls = n } }

// NewServer starts a server that is closed when the test ends. Then a
// scripted reply that no request took fails the test, naming the reply and
// where it was queued: a test that scripts two replies and makes one call,
// or scopes a reply to a route nothing calls, tests less than it says.
// Mark a reply that may go unused with (*Scripted).AllowUnused.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := Start(opts...)
	t.Cleanup(func() { s.finish(t) })
	return s
}

// Start starts a server outside a test (for demos and TestMain); call Close
// when done. No test owns it, so nothing checks that its scripted replies
// were used.
func Start(opts ...Option) *Server {
	s := newServer(opts...)
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

func newServer(opts ...Option) *Server {
	s := &Server{apiKey: DefaultAPIKey, taskPolls: 1, tasks: map[string]*task{}, seqs: map[string]int{}}
	s.state.init()
	for _, o := range opts {
		o(s)
	}
	s.mux = s.routes()
	return s
}

// Close shuts the server down, ending any stalled connection. Close of a
// nil *Server does nothing, so a program can defer it after RealOrFake.
func (s *Server) Close() {
	if s == nil {
		return
	}
	s.srv.CloseClientConnections()
	s.rt.closeAll()
	s.srv.Close()
	s.removeFiles()
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
	// Path is relative to the base URL ("/chat/completions"), or, for the
	// endpoints under the host's /api root, relative to that root:
	// "/v1/agents..." for agents, "/monitor/..." for the Coding Plan,
	// "/llm-application/..." and "/zrag/..." for knowledge bases.
	Path   string
	Query  string
	Header http.Header
	Body   []byte

	forceJSON bool          // answer a stream request with plain JSON (AsJSON)
	http      *http.Request // for path values
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

// Form returns the fields of a multipart/form-data body (uploads,
// transcriptions, OCR), or nil if the body is not a form. Files are left
// out; FormFile reads them.
func (r Request) Form() map[string][]string {
	f, err := parseForm(&r)
	if err != nil {
		return nil
	}
	return f.fields
}

// FormFile returns the name and bytes of the form's file part called field
// ("file"); ok is false when there is none.
func (r Request) FormFile(field string) (name string, data []byte, ok bool) {
	f, err := parseForm(&r)
	if err != nil {
		return "", nil, false
	}
	ff, ok := f.files[field]
	return ff.name, ff.data, ok
}

func (r *Request) pathValue(name string) string {
	if r.http == nil {
		return ""
	}
	return r.http.PathValue(name)
}

// Requests returns the requests received so far, oldest first, including
// those answered with an error.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Reset forgets received requests and pending scripts. Stored files,
// batches, voices and tasks stay.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests, s.script = nil, nil
}

const basePath = "/api/paas/v4"

// rootPrefixes are the paths, relative to the host's /api root, of the
// endpoints that live outside the base URL.
var rootPrefixes = []string{"/v1/", "/monitor/", "/llm-application/", "/zrag/"}

// isRootPath reports whether a Request.Path is relative to the /api root.
func isRootPath(p string) bool {
	for _, pre := range rootPrefixes {
		if strings.HasPrefix(p, pre) {
			return true
		}
	}
	return false
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if s.serveLarge(w, r) { // big uploads and downloads stream (files.go)
		return
	}
	body, _ := io.ReadAll(r.Body)
	path := r.URL.Path
	switch {
	case strings.HasPrefix(path, basePath):
		path = strings.TrimPrefix(path, basePath)
	case strings.HasPrefix(path, "/api/") && isRootPath(path[len("/api"):]):
		path = path[len("/api"):]
	}
	req := Request{Method: r.Method, Path: path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body}
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.mu.Unlock()

	if s.recorder == nil {
		w.Header().Set("X-Log-Id", s.newID())
	}
	if !s.authorized(r.Header.Get("Authorization"), path) {
		writeError(w, http.StatusUnauthorized, "1000", "Authentication Failed")
		return
	}
	if isRealtime(req.Path) { // a WebSocket: realtime.go
		s.serveRealtime(w, r)
		return
	}
	if sc := s.take(req); sc != nil {
		sc.serve(w, r, &req)
		return
	}
	switch {
	case s.recorder != nil:
		s.recorder.forward(w, r, &req)
	case s.replay != nil:
		s.replay.serve(w, r, &req)
	default:
		s.defaultReply(w, &req).write(w, r, faults{})
	}
}

// defaultReply renders the default answer to req.
func (s *Server) defaultReply(w http.ResponseWriter, req *Request) *reply {
	c := &capture{header: http.Header{}}
	if id := w.Header().Get("X-Log-Id"); id != "" {
		c.header.Set("X-Log-Id", id)
	}
	ctx := context.WithValue(context.Background(), requestKey{}, req)
	hr, err := http.NewRequestWithContext(ctx, req.Method, "http://zaitest"+req.Path, nil)
	if err != nil {
		writeError(c, http.StatusNotFound, "1222", "zaitest: bad path "+req.Path)
		return c.reply()
	}
	hr.URL.RawQuery = req.Query
	s.mux.ServeHTTP(c, hr)
	return c.reply()
}

type requestKey struct{}

// handle adapts a default handler to the mux.
func (s *Server) handle(f func(http.ResponseWriter, *Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		req := r.Context().Value(requestKey{}).(*Request)
		req.http = r
		f(w, req)
	}
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

// seq returns the next id of a kind of object, "file_001", "batch_001"...,
// numbered per kind so ids do not depend on unrelated requests.
func (s *Server) seq(prefix string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seqLocked(prefix)
}

func (s *Server) seqLocked(prefix string) string {
	s.seqs[prefix]++
	return fmt.Sprintf("%s_%03d", prefix, s.seqs[prefix])
}

// errorBody is the standard error envelope.
func errorBody(code, msg string) []byte {
	b, _ := json.Marshal(map[string]any{"error": map[string]string{"code": code, "message": msg}})
	return b
}

// writeError writes the standard error envelope.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	w.Write(errorBody(code, msg))
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := encodeBody(v)
	if err != nil {
		writeError(w, 500, "500", "zaitest: cannot encode reply: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Write(b)
}

// encodeBody encodes v as JSON, or returns []byte, string and
// json.RawMessage as they are.
func encodeBody(v any) ([]byte, error) {
	switch x := v.(type) {
	case []byte:
		return x, nil
	case string:
		return []byte(x), nil
	case json.RawMessage:
		return x, nil
	}
	return json.Marshal(v)
}

// startStream writes the headers of a server-sent event stream.
func startStream(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/event-stream;charset=UTF-8")
	w.WriteHeader(200)
	flush(w)
}

// sseEvent frames one "data:" event; c is JSON-encoded unless it is a
// string or []byte.
func sseEvent(c any) []byte {
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
	return buf.Bytes()
}

func writeEvent(w http.ResponseWriter, c any) {
	w.Write(sseEvent(c))
	flush(w)
}

func flush(w http.ResponseWriter) {
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

// reply is a response ready to send: a status, headers, and a body that is
// either whole or a list of server-sent events, each with its framing.
type reply struct {
	status int
	header http.Header
	body   []byte
	events [][]byte
}

func (rp *reply) isStream() bool { return rp.events != nil }

// faults say how a reply breaks on the way out.
type faults struct {
	dropAfter    int // events sent before the connection is reset; -1 never
	stallAfter   int // events sent before going silent; -1 never
	dropMidBody  bool
	stallHeaders bool
}

// write sends the reply with its faults.
func (rp *reply) write(w http.ResponseWriter, r *http.Request, f faults) {
	if f == (faults{}) {
		f.dropAfter, f.stallAfter = -1, -1
	}
	for k, v := range rp.header {
		w.Header()[k] = v
	}
	if !rp.isStream() {
		if f.dropAfter == 0 {
			panic(http.ErrAbortHandler)
		}
		if f.stallAfter == 0 {
			<-r.Context().Done()
			return
		}
	}
	w.WriteHeader(rp.status)
	flush(w)
	if f.stallHeaders {
		<-r.Context().Done()
		return
	}
	if f.dropMidBody {
		all := rp.body
		if rp.isStream() {
			all = bytes.Join(rp.events, nil)
		}
		w.Write(all[:len(all)/2])
		flush(w)
		panic(http.ErrAbortHandler)
	}
	if !rp.isStream() {
		w.Write(rp.body)
		return
	}
	for i, ev := range rp.events {
		if i == f.dropAfter {
			panic(http.ErrAbortHandler)
		}
		if i == f.stallAfter {
			<-r.Context().Done()
			return
		}
		w.Write(ev)
		flush(w)
	}
	if f.dropAfter == len(rp.events) {
		panic(http.ErrAbortHandler)
	}
	if f.stallAfter == len(rp.events) {
		<-r.Context().Done()
	}
}

// capture records what a default handler writes.
type capture struct {
	header http.Header
	status int
	buf    bytes.Buffer
}

func (c *capture) Header() http.Header { return c.header }

func (c *capture) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}

func (c *capture) Write(b []byte) (int, error) {
	c.WriteHeader(200)
	return c.buf.Write(b)
}

func (c *capture) Flush() {}

func (c *capture) reply() *reply {
	rp := &reply{status: c.status, header: c.header}
	if rp.status == 0 {
		rp.status = 200
	}
	if strings.HasPrefix(c.header.Get("Content-Type"), "text/event-stream") {
		rp.events = splitEvents(c.buf.Bytes())
	} else {
		rp.body = c.buf.Bytes()
	}
	return rp
}

// splitEvents cuts an SSE body into events, each ending with its blank
// line. A trailing part without one is kept as the last event.
func splitEvents(b []byte) [][]byte {
	events := [][]byte{}
	for len(b) > 0 {
		i := bytes.Index(b, []byte("\n\n"))
		if i < 0 {
			events = append(events, b)
			break
		}
		events = append(events, b[:i+2])
		b = b[i+2:]
	}
	return events
}

// Scripted is a reply queued with Reply, ReplyStream, ReplyError or
// ReplyDefault. Its methods refine it and return it for chaining; they are
// safe to call while a client runs.
//
// A server of NewServer fails the test at its end if a scripted reply was
// not used (all Times of it), unless AllowUnused says it may not be.
type Scripted struct {
	srv          *Server // its mu guards the fields below once queued
	origin       string  // what queued it and where: "ReplyContent at chat_test.go:12"
	allowUnused  bool
	timesSet     int
	status       int
	body         any
	chunks       []any
	stream       bool
	useDefault   bool
	header       http.Header
	faults       faults
	route        string
	times        int
	argsAsObject bool
	asJSON       bool
	errorInBody  []string // code, message
	agentFailed  []string // code, message
}

func (s *Server) add(sc *Scripted) *Scripted {
	sc.srv = s
	sc.origin = scriptOrigin()
	sc.faults = faults{dropAfter: -1, stallAfter: -1}
	sc.times, sc.timesSet = 1, 1
	sc.header = http.Header{}
	s.mu.Lock()
	s.script = append(s.script, sc)
	s.mu.Unlock()
	return sc
}

// Reply answers the next request with body as JSON (a value, or []byte /
// string / json.RawMessage sent as they are) and status 200. Given to a
// request that asked for a stream, it is "a stream answered as plain JSON".
func (s *Server) Reply(body any) *Scripted { return s.add(&Scripted{status: 200, body: body}) }

// ReplyStream answers the next request with a server-sent event stream: one
// "data:" event per chunk (a value encoded as JSON, or a string sent as it
// is), then "data: [DONE]". Text, Reasoning, ToolCallChunk and Finish build
// chat chunks; TranscriptDelta, TranscriptDone, SpeechAudio and AgentPhase
// build the other streams' events.
func (s *Server) ReplyStream(chunks ...any) *Scripted {
	return s.add(&Scripted{status: 200, chunks: chunks, stream: true})
}

// ReplyError answers the next request with the standard error envelope
// {"error":{"code":code,"message":msg}} and the HTTP status. Status 200
// sends the envelope with HTTP 200, as some endpoints do.
func (s *Server) ReplyError(status int, code, msg string) *Scripted {
	return s.add(&Scripted{status: status, body: errorBody(code, msg)})
}

// ReplyDefault answers the next request as the server would without a
// script, so the quirk methods (ArgumentsAsObject, AsJSON, DropMidBody,
// StallAfterHeaders, ...) can bend the real default answer.
func (s *Server) ReplyDefault() *Scripted { return s.add(&Scripted{useDefault: true}) }

func (sc *Scripted) set(f func()) *Scripted {
	sc.srv.mu.Lock()
	defer sc.srv.mu.Unlock()
	f()
	return sc
}

// On limits the reply to requests of one route, such as
// "POST /chat/completions", "GET /async-result/task-1" or "POST /v1/agents".
// Other requests skip it.
func (sc *Scripted) On(method, path string) *Scripted {
	return sc.set(func() { sc.route = method + " " + path })
}

// Times makes the reply answer n requests instead of one.
func (sc *Scripted) Times(n int) *Scripted {
	return sc.set(func() { sc.times, sc.timesSet = n, n })
}

// AllowUnused lets the reply go unused, or with Times partly unused,
// without failing the test: a reply that stands by for a retry that may not
// happen, say. Without it, NewServer's server fails the test at its end.
func (sc *Scripted) AllowUnused() *Scripted { return sc.set(func() { sc.allowUnused = true }) }

// WithStatus sets the HTTP status of the reply.
func (sc *Scripted) WithStatus(status int) *Scripted {
	return sc.set(func() { sc.status = status })
}

// WithRetryAfter adds a Retry-After header (whole seconds) or, for delays
// under a second, Retry-After-Ms.
func (sc *Scripted) WithRetryAfter(d time.Duration) *Scripted {
	return sc.set(func() {
		if d%time.Second == 0 {
			sc.header.Set("Retry-After", fmt.Sprint(int(d/time.Second)))
		} else {
			sc.header.Set("Retry-After-Ms", fmt.Sprint(d.Milliseconds()))
		}
	})
}

// WithHeader adds a response header.
func (sc *Scripted) WithHeader(key, value string) *Scripted {
	return sc.set(func() { sc.header.Set(key, value) })
}

// DropAfter resets the connection after n events of a stream (or, for a
// plain reply, before any body), as a failing network would.
func (sc *Scripted) DropAfter(n int) *Scripted { return sc.set(func() { sc.faults.dropAfter = n }) }

// StallAfter holds the connection open, silent, after n events, until the
// client goes away or the server is closed. For a plain reply, n = 0 stalls
// before the headers.
func (sc *Scripted) StallAfter(n int) *Scripted { return sc.set(func() { sc.faults.stallAfter = n }) }

// StallAfterHeaders sends the status and headers, then goes silent until
// the client goes away or the server is closed: a server that accepted the
// request and never answers.
func (sc *Scripted) StallAfterHeaders() *Scripted {
	return sc.set(func() { sc.faults.stallHeaders = true })
}

// DropMidBody sends the headers and the first half of the body (of a
// stream: of all its events, so the cut usually falls inside an event),
// then resets the connection.
func (sc *Scripted) DropMidBody() *Scripted { return sc.set(func() { sc.faults.dropMidBody = true }) }

// ArgumentsAsObject sends every tool call's "arguments" as a JSON object
// instead of the JSON text in a string that the API usually sends (the Z.ai
// OpenAPI document describes an object). It applies to plain bodies and to
// each event of a stream; a fragment that is not a whole object stays a
// string.
func (sc *Scripted) ArgumentsAsObject() *Scripted { return sc.set(func() { sc.argsAsObject = true }) }

// AsJSON makes a default reply (ReplyDefault) answer a request for a stream
// with the plain JSON body the non-streaming request gets: a server that
// ignores "stream": true.
func (sc *Scripted) AsJSON() *Scripted { return sc.set(func() { sc.asJSON = true }) }

// ErrorInBody replaces the reply with the standard error envelope sent with
// HTTP 200.
func (sc *Scripted) ErrorInBody(code, msg string) *Scripted {
	return sc.set(func() { sc.errorInBody = []string{code, msg} })
}

// AgentStatusFailed replaces the reply with an agent's failure as the agents
// endpoints send it, with HTTP 200:
//
//	{"id":"...","agent_id":"<from the request>","status":"failed","error":{"code":code,"message":msg}}
func (sc *Scripted) AgentFailed(code, msg string) *Scripted {
	return sc.set(func() { sc.agentFailed = []string{code, msg} })
}

func (sc *Scripted) serve(w http.ResponseWriter, r *http.Request, req *Request) {
	sc.srv.mu.Lock()
	snap := *sc
	snap.header = sc.header.Clone()
	sc.srv.mu.Unlock()

	var rp *reply
	switch {
	case snap.useDefault:
		req.forceJSON = snap.asJSON
		rp = sc.srv.defaultReply(w, req)
	case snap.stream:
		rp = &reply{status: snap.status, header: http.Header{"Content-Type": {"text/event-stream;charset=UTF-8"}}}
		for _, c := range snap.chunks {
			rp.events = append(rp.events, sseEvent(c))
		}
		rp.events = append(rp.events, sseEvent("[DONE]"))
	default:
		b, _ := encodeBody(snap.body)
		rp = &reply{status: snap.status, header: http.Header{"Content-Type": {"application/json; charset=UTF-8"}}, body: b}
	}
	if snap.status != 0 {
		rp.status = snap.status
	}
	id := w.Header().Get("X-Log-Id")
	if e := snap.errorInBody; e != nil {
		rp = &reply{status: 200, header: http.Header{"Content-Type": {"application/json; charset=UTF-8"}}, body: errorBody(e[0], e[1])}
	}
	if e := snap.agentFailed; e != nil {
		var p struct {
			AgentID string `json:"agent_id"`
		}
		json.Unmarshal(req.Body, &p)
		b, _ := json.Marshal(map[string]any{"id": id, "agent_id": p.AgentID, "status": "failed",
			"error": map[string]string{"code": e[0], "message": e[1]}})
		rp = &reply{status: 200, header: http.Header{"Content-Type": {"application/json; charset=UTF-8"}}, body: b}
	}
	if snap.argsAsObject {
		if rp.isStream() {
			for i, ev := range rp.events {
				rp.events[i] = argumentsAsObjectEvent(ev)
			}
		} else {
			rp.body = argumentsAsObject(rp.body)
		}
	}
	for k, v := range snap.header {
		rp.header[k] = v
	}
	rp.write(w, r, snap.faults)
}

// argumentsAsObjectEvent rewrites the data of one "data:" event.
func argumentsAsObjectEvent(ev []byte) []byte {
	data, ok := bytes.CutPrefix(ev, []byte("data: "))
	if !ok {
		return ev
	}
	data = bytes.TrimSuffix(data, []byte("\n\n"))
	return sseEvent(argumentsAsObject(data))
}

// argumentsAsObject replaces every "arguments" string that holds a JSON
// object with the object itself.
func argumentsAsObject(body []byte) []byte {
	var v any
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if d.Decode(&v) != nil {
		return body
	}
	var walk func(any)
	walk = func(x any) {
		switch t := x.(type) {
		case map[string]any:
			for k, val := range t {
				if s, ok := val.(string); ok && k == "arguments" {
					var obj map[string]any
					if json.Unmarshal([]byte(s), &obj) == nil {
						t[k] = json.RawMessage(s)
					}
					continue
				}
				walk(val)
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		}
	}
	walk(v)
	out, err := json.Marshal(v)
	if err != nil {
		return body
	}
	return out
}

// finish closes the server at the end of its test, then fails the test for
// each scripted reply that no request took (AllowUnused ones aside). After
// another failure, they are only logged: the test may have stopped early.
func (s *Server) finish(t testing.TB) {
	t.Helper()
	s.Close() // waits for the requests in flight
	s.mu.Lock()
	var unused []string
	for _, sc := range s.script {
		if sc.allowUnused || sc.times <= 0 {
			continue
		}
		what := sc.origin
		if sc.route != "" {
			what += ", On(" + strings.Replace(sc.route, " ", ", ", 1) + ")"
		}
		if sc.timesSet > 1 {
			what += fmt.Sprintf(", %d of its Times(%d) unused", sc.times, sc.timesSet)
		}
		unused = append(unused, what)
	}
	s.mu.Unlock()
	if len(unused) == 0 {
		return
	}
	report := t.Errorf
	if t.Failed() {
		report = t.Logf
	}
	report("zaitest: %d scripted %s never used (mark one that may go unused with AllowUnused):\n\t%s",
		len(unused), plural(len(unused), "reply was", "replies were"), strings.Join(unused, "\n\t"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// scriptOrigin names the zaitest method that queued a reply and the line of
// the caller's code that called it: "ReplyError at quota_test.go:42".
func scriptOrigin() string {
	pcs := make([]uintptr, 16)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	method := ""
	for {
		f, more := frames.Next()
		if name, ok := strings.CutPrefix(f.Function, "github.com/zai-go/zai/zaitest."); ok {
			method = name[strings.LastIndex(name, ".")+1:]
		} else if f.Function != "" {
			return fmt.Sprintf("%s at %s:%d", method, filepath.Base(f.File), f.Line)
		}
		if !more {
			return method
		}
	}
}
