package zaitest

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/zai-go/zai"
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

	dir         string      // temporary directory of the files kept on disk; "" until needed
	batchLimits batchLimits // WithBatchLimits
}

func (st *state) init() {
	st.files = map[string]*storedFile{}
	st.batches = map[string]*batch{}
	st.voices = slices.Clone(officialVoices)
	st.parses = map[string]*parseTask{}
	st.agentJobs = map[string]*agentJob{}
	st.convs = map[string]*conversation{}
	st.know = newKnowledgeStore()
	st.batchLimits = batchLimits{requests: zai.MaxBatchFileRequests, bytes: zai.MaxBatchFileBytes}
}

// spillSize is the size above which a stored file is kept on disk, in a
// temporary directory removed by Close, instead of in memory: batch input
// and output files of a large run then cost the server no memory.
const spillSize = 1 << 20

// storedFile is a file in the store. Its content never changes once stored.
type storedFile struct {
	ID, Name, Purpose string
	CreatedAt         int64
	size              int64
	data              []byte // the content of a small file
	path              string // the file on disk holding a large one
	refs              int    // batches that will still read it
	gone              bool   // deleted from the store
}

func (f *storedFile) wire() map[string]any {
	return map[string]any{"id": f.ID, "object": "file", "bytes": f.size, "created_at": f.CreatedAt,
		"filename": f.Name, "purpose": f.Purpose}
}

// open reads the file's content. A file on disk stays readable through the
// returned reader even if it is deleted meanwhile.
func (f *storedFile) open() (io.ReadCloser, error) {
	if f.path == "" {
		return io.NopCloser(bytes.NewReader(f.data)), nil
	}
	return os.Open(f.path)
}

func (f *storedFile) bytes() ([]byte, error) {
	if f.path == "" {
		return f.data, nil
	}
	return os.ReadFile(f.path)
}

// File returns the bytes of a stored file: one uploaded, a batch's output
// or error file, or a cloned voice's preview.
func (s *Server) File(id string) ([]byte, bool) {
	f, ok := s.file(id)
	if !ok {
		return nil, false
	}
	b, err := f.bytes()
	return b, err == nil
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
	return s.storeFileLocked(&storedFile{Name: name, Purpose: purpose, data: data, size: int64(len(data))})
}

func (s *Server) storeFileLocked(f *storedFile) *storedFile {
	f.ID, f.CreatedAt = s.seqLocked("file"), Created
	s.files[f.ID] = f
	s.fileOrder = append(s.fileOrder, f.ID)
	return f
}

// dropFileLocked deletes f from the store; its disk copy goes once no
// batch reads it.
func (s *Server) dropFileLocked(f *storedFile) {
	if s.files[f.ID] == f {
		delete(s.files, f.ID)
	}
	f.gone = true
	if f.refs == 0 && f.path != "" {
		os.Remove(f.path)
	}
}

// releaseLocked ends a batch's hold on f.
func (s *Server) releaseLocked(f *storedFile) {
	f.refs--
	if f.gone {
		s.dropFileLocked(f)
	}
}

// removeFiles removes the files kept on disk (Close).
func (s *Server) removeFiles() {
	s.mu.Lock()
	dir := s.dir
	s.dir = ""
	s.mu.Unlock()
	if dir != "" {
		os.RemoveAll(dir)
	}
}

// fileWriter collects a file's content in memory, moving it to disk once
// it outgrows spillSize.
type fileWriter struct {
	s    *Server
	buf  bytes.Buffer
	disk *os.File
	bw   *bufio.Writer
	n    int64
	err  error
}

func (s *Server) newFileWriter() *fileWriter { return &fileWriter{s: s} }

func (w *fileWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if w.disk == nil && w.buf.Len()+len(p) > spillSize {
		w.s.mu.Lock()
		if w.s.dir == "" {
			w.s.dir, w.err = os.MkdirTemp("", "zaitest-files-")
		}
		dir := w.s.dir
		w.s.mu.Unlock()
		if w.err == nil {
			w.disk, w.err = os.CreateTemp(dir, "file-")
		}
		if w.err != nil {
			return 0, w.err
		}
		w.bw = bufio.NewWriterSize(w.disk, 256<<10)
		w.bw.Write(w.buf.Bytes())
		w.buf = bytes.Buffer{}
	}
	w.n += int64(len(p))
	if w.disk != nil {
		_, w.err = w.bw.Write(p)
		return len(p), w.err
	}
	return w.buf.Write(p)
}

// file finishes the content as a storedFile, not yet in the store.
func (w *fileWriter) file(name, purpose string) (*storedFile, error) {
	f := &storedFile{Name: name, Purpose: purpose, size: w.n}
	if w.disk == nil {
		f.data = w.buf.Bytes()
		return f, w.err
	}
	if w.err == nil {
		w.err = w.bw.Flush()
	}
	if err := w.disk.Close(); w.err == nil {
		w.err = err
	}
	f.path = w.disk.Name()
	if w.err != nil {
		os.Remove(f.path)
	}
	return f, w.err
}

// discard drops what was written.
func (w *fileWriter) discard() {
	if w.disk != nil {
		w.disk.Close()
		os.Remove(w.disk.Name())
	}
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

// fileUpload answers POST /files. A file with purpose "batch" must be JSONL
// (every non-empty line a JSON object) and at most WithBatchLimits' bytes.
// A JSON body is the knowledge-base form (upload_detail): each document with
// a URL and a knowledge_type is added, as documentId "doc_<n>", and the
// answer lists them in successInfos.
func (s *Server) fileUpload(w http.ResponseWriter, req *Request) {
	if strings.HasPrefix(req.Header.Get("Content-Type"), "application/json") {
		s.fileUploadURLs(w, req)
		return
	}
	s.upload(w, req, bytes.NewReader(req.Body))
}

// upload reads a multipart upload from body as it arrives: the file part
// goes straight to the store's writer, never whole into memory.
func (s *Server) upload(w http.ResponseWriter, req *Request, body io.Reader) {
	mt, params, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		writeError(w, 400, "1210", "Incorrect API call parameters: the body is not multipart/form-data")
		return
	}
	mr := multipart.NewReader(body, params["boundary"])
	var purpose, name string
	var fw *fileWriter
	defer func() {
		if fw != nil {
			fw.discard()
		}
	}()
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			writeError(w, 400, "1210", "Incorrect API call parameters: "+err.Error())
			return
		}
		switch {
		case p.FileName() != "" && p.FormName() == "file" && fw == nil:
			name, fw = p.FileName(), s.newFileWriter()
			_, err = io.Copy(fw, p)
		case p.FormName() == "purpose":
			var b []byte
			b, err = io.ReadAll(io.LimitReader(p, 1<<10))
			purpose = string(b)
		default:
			_, err = io.Copy(io.Discard, p)
		}
		if err != nil {
			writeError(w, 400, "1210", "Incorrect API call parameters: "+err.Error())
			return
		}
	}
	switch {
	case purpose == "":
		writeError(w, 400, "1213", "purpose not received")
		return
	case fw == nil || fw.n == 0:
		writeError(w, 400, "1214", "file cannot be empty")
		return
	}
	f, err := fw.file(name, purpose)
	fw = nil
	if err != nil {
		writeError(w, 500, "500", "zaitest: storing the file: "+err.Error())
		return
	}
	if purpose == "batch" {
		if err := s.checkBatchFile(f); err != nil {
			if f.path != "" {
				os.Remove(f.path)
			}
			writeError(w, 400, "1214", "invalid batch file: "+err.Error())
			return
		}
	}
	s.mu.Lock()
	out := s.storeFileLocked(f).wire()
	s.mu.Unlock()
	writeJSON(w, out)
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
	f, ok := s.files[id]
	if ok {
		s.dropFileLocked(f)
	}
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
	s.writeFile(w, f)
}

// writeFile sends a stored file's content as a download.
func (s *Server) writeFile(w http.ResponseWriter, f *storedFile) {
	r, err := f.open()
	if err != nil {
		writeError(w, 500, "500", "zaitest: reading the file: "+err.Error())
		return
	}
	defer r.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	w.Header().Set("Content-Length", strconv.FormatInt(f.size, 10))
	io.Copy(w, r)
}

// largeBody is the size above which a POST /files body is not read into
// memory: the upload is stored as it arrives, and its Request (see
// Requests) has a nil Body.
const largeBody = 1 << 20

// serveLarge answers, without holding them in memory, the requests whose
// bodies are large: an upload over largeBody and the download of a file
// kept on disk. It reports whether it answered; scripted replies, replay
// and recording take the ordinary road.
func (s *Server) serveLarge(w http.ResponseWriter, r *http.Request) bool {
	if s.recorder != nil || s.replay != nil {
		return false
	}
	req := Request{Method: r.Method, Query: r.URL.RawQuery, Header: r.Header.Clone()}
	var body io.Reader
	var file *storedFile
	switch rest, _ := strings.CutPrefix(r.URL.Path, basePath); {
	case r.Method == http.MethodPost && rest == "/files" && strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data"):
		head, err := io.ReadAll(io.LimitReader(r.Body, largeBody+1))
		if len(head) <= largeBody || err != nil {
			r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(head), r.Body))
			return false
		}
		req.Path, body = rest, io.MultiReader(bytes.NewReader(head), r.Body)
	case r.Method == http.MethodGet && strings.HasPrefix(rest, "/files/") && strings.HasSuffix(rest, "/content"):
		f, ok := s.file(strings.TrimSuffix(strings.TrimPrefix(rest, "/files/"), "/content"))
		if !ok || f.path == "" {
			return false
		}
		req.Path, file = rest, f
	default:
		return false
	}
	if s.scripted(req) {
		if body != nil {
			r.Body = io.NopCloser(body)
		}
		return false
	}
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.mu.Unlock()
	w.Header().Set("X-Log-Id", s.newID())
	if !s.authorized(r.Header.Get("Authorization"), req.Path) {
		writeError(w, http.StatusUnauthorized, "1000", "Authentication Failed")
		return true
	}
	if file != nil {
		s.writeFile(w, file)
		return true
	}
	s.upload(w, &req, body)
	return true
}

// scripted reports whether a scripted reply waits for req.
func (s *Server) scripted(req Request) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sc := range s.script {
		if sc.route == "" || sc.route == req.Method+" "+req.Path {
			return true
		}
	}
	return false
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
