package zaitest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
)

// state holds what the server stores between requests. Server.mu guards it.
type state struct {
	files     map[string]*storedFile
	fileOrder []string
	batches   map[string]*batch
	batchIDs  []string
	voices    []voice
	parses    map[string]*parseTask
	agentJobs map[string]*agentJob
	convs     map[string]*conversation
	know      *knowledgeStore // knowledge bases (knowledge.go)
}

func (st *state) init() {
	st.files = map[string]*storedFile{}
	st.batches = map[string]*batch{}
	st.voices = slices.Clone(officialVoices)
	st.parses = map[string]*parseTask{}
	st.agentJobs = map[string]*agentJob{}
	st.convs = map[string]*conversation{}
	st.know = newKnowledgeStore()
}

// storedFile is a file in the in-memory store.
type storedFile struct {
	ID, Name, Purpose string
	Data              []byte
	CreatedAt         int64
}

func (f *storedFile) wire() map[string]any {
	return map[string]any{"id": f.ID, "object": "file", "bytes": len(f.Data), "created_at": f.CreatedAt,
		"filename": f.Name, "purpose": f.Purpose}
}

// File returns the bytes of a stored file: one uploaded, a batch's output
// or error file, or a cloned voice's preview.
func (s *Server) File(id string) ([]byte, bool) {
	f, ok := s.file(id)
	if !ok {
		return nil, false
	}
	return f.Data, true
}

func (s *Server) file(id string) (*storedFile, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[id]
	return f, ok
}

func (s *Server) storeFile(name, purpose string, data []byte) *storedFile {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.storeFileLocked(name, purpose, data)
}

func (s *Server) storeFileLocked(name, purpose string, data []byte) *storedFile {
	f := &storedFile{ID: s.seqLocked("file"), Name: name, Purpose: purpose, Data: data, CreatedAt: Created}
	s.files[f.ID] = f
	s.fileOrder = append(s.fileOrder, f.ID)
	return f
}

// form is a parsed multipart/form-data body.
type form struct {
	fields map[string][]string
	files  map[string]formFile
}

type formFile struct {
	name string
	data []byte
}

func (f *form) value(name string) string {
	if v := f.fields[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func parseForm(req *Request) (*form, error) {
	mt, params, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return nil, errors.New("the body is not multipart/form-data")
	}
	mr := multipart.NewReader(bytes.NewReader(req.Body), params["boundary"])
	f := &form{fields: map[string][]string{}, files: map[string]formFile{}}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return f, nil
		}
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(p)
		if err != nil {
			return nil, err
		}
		if p.FileName() != "" {
			f.files[p.FormName()] = formFile{name: p.FileName(), data: b}
		} else {
			f.fields[p.FormName()] = append(f.fields[p.FormName()], string(b))
		}
	}
}

// fileUpload answers POST /files. A file with purpose "batch" must be JSONL:
// every non-empty line a JSON object. A JSON body is the knowledge-base form
// (upload_detail): each document with a URL and a knowledge_type is added,
// as documentId "doc_<n>", and the answer lists them in successInfos.
func (s *Server) fileUpload(w http.ResponseWriter, req *Request) {
	if strings.HasPrefix(req.Header.Get("Content-Type"), "application/json") {
		s.fileUploadURLs(w, req)
		return
	}
	f, err := parseForm(req)
	if err != nil {
		writeError(w, 400, "1210", "Incorrect API call parameters: "+err.Error())
		return
	}
	purpose := f.value("purpose")
	file, ok := f.files["file"]
	switch {
	case purpose == "":
		writeError(w, 400, "1213", "purpose not received")
		return
	case !ok || len(file.data) == 0:
		writeError(w, 400, "1214", "file cannot be empty")
		return
	}
	if purpose == "batch" {
		if _, err := batchLines(file.data); err != nil {
			writeError(w, 400, "1214", "invalid batch file: "+err.Error())
			return
		}
	}
	writeJSON(w, s.storeFile(file.name, purpose, file.data).wire())
}

// fileList answers GET /files: files in upload order (order=desc reverses
// it), filtered by purpose, limit per page (default 20, at most 100),
// after the file whose id is "after".
func (s *Server) fileList(w http.ResponseWriter, req *Request) {
	q, _ := url.ParseQuery(req.Query)
	s.mu.Lock()
	var all []*storedFile
	for _, id := range s.fileOrder {
		if f := s.files[id]; f != nil && (q.Get("purpose") == "" || f.Purpose == q.Get("purpose")) {
			all = append(all, f)
		}
	}
	s.mu.Unlock()
	if q.Get("order") == "desc" {
		slices.Reverse(all)
	}
	page, more := pageAfter(all, q, func(f *storedFile) string { return f.ID })
	data := []any{}
	for _, f := range page {
		data = append(data, f.wire())
	}
	writeJSON(w, map[string]any{"object": "list", "data": data, "has_more": more})
}

// pageAfter cuts one page from all: the items after the one whose id is
// q's "after", at most q's "limit" (default 20, at most 100).
func pageAfter[T any](all []T, q url.Values, id func(T) string) ([]T, bool) {
	if after := q.Get("after"); after != "" {
		i := slices.IndexFunc(all, func(x T) bool { return id(x) == after })
		all = all[i+1:] // i = -1 (unknown cursor) gives the whole list
	}
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 100)
	if len(all) > limit {
		return all[:limit], true
	}
	return all, false
}

func (s *Server) fileDelete(w http.ResponseWriter, req *Request) {
	id := req.pathValue("id")
	s.mu.Lock()
	_, ok := s.files[id]
	delete(s.files, id)
	s.mu.Unlock()
	if !ok {
		notFound(w, "file", id)
		return
	}
	writeJSON(w, map[string]any{"id": id, "object": "file", "deleted": true})
}

func (s *Server) fileContent(w http.ResponseWriter, req *Request) {
	f, ok := s.file(req.pathValue("id"))
	if !ok {
		notFound(w, "file", req.pathValue("id"))
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	w.Write(f.Data)
}

// batchLine is one line of a batch input file.
type batchLine struct {
	CustomID string          `json:"custom_id"`
	Method   string          `json:"method"`
	URL      string          `json:"url"`
	Body     json.RawMessage `json:"body"`
}

func batchLines(data []byte) ([]batchLine, error) {
	var out []batchLine
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var l batchLine
		if err := json.Unmarshal(line, &l); err != nil {
			return nil, fmt.Errorf("line %d: %v", n, err)
		}
		out = append(out, l)
	}
	if len(out) == 0 {
		return nil, errors.New("no lines")
	}
	return out, nil
}

// batch is a batch job.
type batch struct {
	wire     map[string]any
	polls    int
	lines    []batchLine
	cancel   bool
	finished bool
}

// batchMS is the batches' timestamp base: Created in milliseconds.
const batchMS = int64(Created) * 1000

// batchCreate answers POST /batches. The input file must be in the store
// with purpose "batch"; the batch starts "validating".
func (s *Server) batchCreate(w http.ResponseWriter, req *Request) {
	var p struct {
		InputFileID      string            `json:"input_file_id"`
		Endpoint         string            `json:"endpoint"`
		CompletionWindow string            `json:"completion_window"`
		Metadata         map[string]string `json:"metadata"`
	}
	if !decodeJSON(w, req, &p) {
		return
	}
	f, ok := s.file(p.InputFileID)
	switch {
	case !ok:
		writeError(w, 400, "1214", fmt.Sprintf("input_file_id %q does not exist", p.InputFileID))
		return
	case f.Purpose != "batch":
		writeError(w, 400, "1214", fmt.Sprintf("file %s has purpose %q, not batch", f.ID, f.Purpose))
		return
	case p.Endpoint != "/v4/chat/completions" && p.Endpoint != "/v1/chat/completions":
		writeError(w, 400, "1214", fmt.Sprintf("endpoint %q is not supported by zaitest (use /v4/chat/completions)", p.Endpoint))
		return
	}
	lines, err := batchLines(f.Data)
	if err != nil {
		writeError(w, 400, "1214", "invalid batch file: "+err.Error())
		return
	}
	if p.CompletionWindow == "" {
		p.CompletionWindow = "24h"
	}
	b := &batch{lines: lines, wire: map[string]any{
		"id": s.seq("batch"), "object": "batch", "endpoint": p.Endpoint, "input_file_id": p.InputFileID,
		"completion_window": p.CompletionWindow, "status": "validating", "created_at": batchMS,
		"expires_at":     batchMS + 24*3600*1000,
		"request_counts": map[string]int{"total": len(lines), "completed": 0, "failed": 0},
	}}
	if p.Metadata != nil {
		b.wire["metadata"] = p.Metadata
	}
	s.mu.Lock()
	s.batches[b.wire["id"].(string)] = b
	s.batchIDs = append(s.batchIDs, b.wire["id"].(string))
	out := clone(b.wire)
	s.mu.Unlock()
	writeJSON(w, out)
}

func clone(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// advance moves a batch on by one look: "in_progress" for the first
// WithTaskPolls looks, then "completed" with its output file (or
// "cancelled" once cancelled).
func (s *Server) advance(b *batch) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b.finished {
		return clone(b.wire)
	}
	b.polls++
	switch {
	case b.cancel:
		b.wire["status"], b.wire["cancelled_at"], b.finished = "cancelled", batchMS+2000, true
	case b.polls <= s.taskPolls:
		b.wire["status"], b.wire["in_progress_at"] = "in_progress", batchMS+1000
	default:
		out, errs, done, failed := s.runBatch(b)
		b.wire["status"], b.wire["finalizing_at"], b.wire["completed_at"], b.finished = "completed", batchMS+2000, batchMS+3000, true
		b.wire["in_progress_at"] = batchMS + 1000
		b.wire["output_file_id"] = out
		if errs != "" {
			b.wire["error_file_id"] = errs
		}
		b.wire["request_counts"] = map[string]int{"total": len(b.lines), "completed": done, "failed": failed}
	}
	return clone(b.wire)
}

// runBatch answers every line with the chat default and stores the output
// file (and the error file when a line fails): one JSON line per input line,
// {"custom_id","id","response":{"status_code","request_id","body"}}. s.mu
// is held.
func (s *Server) runBatch(b *batch) (outID, errID string, done, failed int) {
	var out, errs bytes.Buffer
	enc, errEnc := json.NewEncoder(&out), json.NewEncoder(&errs)
	batchID := b.wire["id"].(string)
	for i, l := range b.lines {
		id := fmt.Sprintf("%s-%d", batchID, i+1)
		c, e := parseChat(l.Body)
		if e == nil && l.URL != "/v4/chat/completions" && l.URL != "/v1/chat/completions" {
			e = &apiError{400, "1214", fmt.Sprintf("url %q is not the batch's endpoint", l.URL)}
		}
		if e != nil {
			failed++
			errEnc.Encode(map[string]any{"custom_id": l.CustomID, "id": id, "response": map[string]any{
				"status_code": e.status, "request_id": id, "body": json.RawMessage(errorBody(e.code, e.message))}})
			continue
		}
		done++
		enc.Encode(map[string]any{"custom_id": l.CustomID, "id": id, "response": map[string]any{
			"status_code": 200, "request_id": id, "body": completion(id, c)}})
	}
	outID = s.storeFileLocked(batchID+"_output.jsonl", "batch", out.Bytes()).ID
	if failed > 0 {
		errID = s.storeFileLocked(batchID+"_error.jsonl", "batch", errs.Bytes()).ID
	}
	return outID, errID, done, failed
}

func (s *Server) findBatch(w http.ResponseWriter, req *Request) *batch {
	s.mu.Lock()
	b := s.batches[req.pathValue("id")]
	s.mu.Unlock()
	if b == nil {
		notFound(w, "batch", req.pathValue("id"))
	}
	return b
}

func (s *Server) batchGet(w http.ResponseWriter, req *Request) {
	if b := s.findBatch(w, req); b != nil {
		writeJSON(w, s.advance(b))
	}
}

// batchCancel answers POST /batches/{id}/cancel: a running batch turns
// "cancelling", then "cancelled" at the next look, without output. A
// finished batch cannot be cancelled (400/1214).
func (s *Server) batchCancel(w http.ResponseWriter, req *Request) {
	b := s.findBatch(w, req)
	if b == nil {
		return
	}
	s.mu.Lock()
	finished := b.finished
	if !finished {
		b.cancel = true
		b.wire["status"], b.wire["cancelling_at"] = "cancelling", batchMS+1500
	}
	status, out := b.wire["status"], clone(b.wire)
	s.mu.Unlock()
	if finished {
		writeError(w, 400, "1214", fmt.Sprintf("batch %s is %s and cannot be cancelled", req.pathValue("id"), status))
		return
	}
	writeJSON(w, out)
}

// batchList answers GET /batches: batches in creation order, paged by
// after and limit, without moving them on.
func (s *Server) batchList(w http.ResponseWriter, req *Request) {
	q, _ := url.ParseQuery(req.Query)
	s.mu.Lock()
	var all []map[string]any
	for _, id := range s.batchIDs {
		all = append(all, clone(s.batches[id].wire))
	}
	s.mu.Unlock()
	page, more := pageAfter(all, q, func(b map[string]any) string { return b["id"].(string) })
	out := map[string]any{"object": "list", "data": page, "has_more": more}
	if page == nil {
		out["data"] = []any{}
	}
	if len(page) > 0 {
		out["first_id"], out["last_id"] = page[0]["id"], page[len(page)-1]["id"]
	}
	writeJSON(w, out)
}

// fileUploadURLs answers the JSON form of POST /files.
func (s *Server) fileUploadURLs(w http.ResponseWriter, req *Request) {
	var body struct {
		Purpose string `json:"purpose"`
		Details []struct {
			URL           string `json:"url"`
			KnowledgeType int    `json:"knowledge_type"`
			FileName      string `json:"file_name"`
		} `json:"upload_detail"`
	}
	if err := req.Decode(&body); err != nil {
		writeError(w, 400, "1210", "Incorrect API call parameters: "+err.Error())
		return
	}
	if body.Purpose == "" || len(body.Details) == 0 {
		writeError(w, 400, "1214", "purpose and upload_detail are required")
		return
	}
	success, failed := []map[string]any{}, []map[string]any{}
	for _, d := range body.Details {
		name := d.FileName
		if name == "" {
			name = path.Base(d.URL)
		}
		if d.URL == "" || d.KnowledgeType < 1 || d.KnowledgeType > 5 {
			failed = append(failed, map[string]any{"documentId": "", "filename": name, "failReason": "url and a knowledge_type of 1-5 are required"})
			continue
		}
		success = append(success, map[string]any{"documentId": s.newID(), "filename": name})
	}
	writeJSON(w, map[string]any{"successInfos": success, "failedInfos": failed})
}
