package zaitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The BigModel knowledge API (/api/llm-application/open/..., /api/zrag/...):
// an in-memory store of knowledge bases and their documents, cut into
// slices that retrieval really searches. Answers take the envelope of the
// BigModel OpenAPI document (2026-07-11):
// {"code":200,"message":"请求成功","data":...,"timestamp":...}; failures
// {"code":<status>,"message":...} (LlmApplicationError) with that HTTP
// status.

// knowledgeStore holds the knowledge bases, under Server.mu.
type knowledgeStore struct {
	bases    map[string]*knowledgeBase
	order    []string
	docs     map[string]*knowledgeDoc
	sessions map[string]int // Q&A agent sessions: turns so far
}

type knowledgeBase struct {
	ID          string
	EmbeddingID int
	Name        string
	Description string
	Background  string
	Icon        string
	Contextual  int
	docs        []string // document ids in upload order
}

type knowledgeDoc struct {
	ID, KnowledgeID, Name, URL string
	KnowledgeType              int
	CustomSeparator            []string
	SentenceSize               int
	Text                       string
	Slices                     []string
	ParseImage                 bool
	WordNumLimit               int
}

func newKnowledgeStore() *knowledgeStore {
	return &knowledgeStore{bases: map[string]*knowledgeBase{}, docs: map[string]*knowledgeDoc{}, sessions: map[string]int{}}
}

// knowledgeCapacity is the word allowance GetCapacity reports.
const knowledgeCapacity = 500000

func writeApp(w http.ResponseWriter, data any) {
	body := map[string]any{"code": 200, "message": "请求成功", "timestamp": Created * 1000}
	if data != nil {
		body["data"] = data
	}
	writeJSON(w, body)
}

// appError answers as the knowledge API fails: LlmApplicationError with
// the HTTP status as its code.
func appError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"code": status, "message": msg, "timestamp": Created * 1000})
	w.Write(b)
}

func decodeApp(w http.ResponseWriter, req *Request, v any) bool {
	if err := json.Unmarshal(req.Body, v); err != nil {
		appError(w, 400, "invalid request body: "+err.Error())
		return false
	}
	return true
}

func (b *knowledgeBase) wire(st *knowledgeStore) map[string]any {
	var length, words int
	for _, id := range b.docs {
		d := st.docs[id]
		length += len(d.Text)
		words += wordNum(d.Text)
	}
	return map[string]any{"id": b.ID, "embedding_id": b.EmbeddingID, "name": b.Name, "description": b.Description,
		"contextual": b.Contextual, "background": b.Background, "icon": b.Icon,
		"document_size": len(b.docs), "length": length, "word_num": words}
}

func (d *knowledgeDoc) wire() map[string]any {
	m := map[string]any{"id": d.ID, "knowledge_type": d.KnowledgeType, "custom_separator": d.separators(),
		"sentence_size": d.sentenceSize(), "length": len(d.Text), "word_num": wordNum(d.Text),
		"name": d.Name, "url": d.URL, "embedding_stat": 1}
	if d.tooLong() {
		m["embedding_stat"] = 2
		m["failInfo"] = map[string]any{"embedding_code": 10002, "embedding_msg": "字数超出限制"}
	}
	return m
}

func (d *knowledgeDoc) separators() []string {
	if len(d.CustomSeparator) == 0 {
		return []string{"\n"}
	}
	return d.CustomSeparator
}

func (d *knowledgeDoc) sentenceSize() int {
	if d.SentenceSize == 0 {
		return 300
	}
	return d.SentenceSize
}

// tooLong reports a document over its word_num_limit: its embedding failed.
func (d *knowledgeDoc) tooLong() bool { return d.WordNumLimit > 0 && wordNum(d.Text) > d.WordNumLimit }

// wordNum counts the characters that are not spaces, as the API's 字数.
func wordNum(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// slice cuts the document's text as its knowledge type says: custom (5) at
// the separators, into pieces of at most sentence_size characters; rows (3)
// at lines; single (7) and page (6, at form feeds) whole; the rest at
// blank lines (paragraphs).
func (d *knowledgeDoc) slice() {
	var pieces []string
	switch d.KnowledgeType {
	case 5:
		pieces = []string{d.Text}
		for _, sep := range d.separators() {
			var next []string
			for _, p := range pieces {
				next = append(next, strings.Split(p, sep)...)
			}
			pieces = next
		}
	case 3:
		pieces = strings.Split(d.Text, "\n")
	case 6:
		pieces = strings.Split(d.Text, "\f")
	case 7:
		pieces = []string{d.Text}
	default:
		pieces = strings.Split(strings.ReplaceAll(d.Text, "\r\n", "\n"), "\n\n")
	}
	d.Slices = nil
	for _, p := range pieces {
		p = strings.TrimSpace(p)
		for p != "" {
			cut := len(p)
			if d.KnowledgeType == 5 && utf8.RuneCountInString(p) > d.sentenceSize() {
				cut = 0
				for i := 0; i < d.sentenceSize(); i++ {
					_, n := utf8.DecodeRuneInString(p[cut:])
					cut += n
				}
			}
			d.Slices = append(d.Slices, strings.TrimSpace(p[:cut]))
			p = strings.TrimSpace(p[cut:])
		}
	}
}

// knowledgeBaseOr404 finds a knowledge base, answering 404 when there is
// none; s.mu is held.
func (s *Server) knowledgeBaseOr404(w http.ResponseWriter, id string) *knowledgeBase {
	b := s.know.bases[id]
	if b == nil {
		appError(w, 404, fmt.Sprintf("knowledge base %s does not exist", id))
	}
	return b
}

// knowledgeCreate answers POST /llm-application/open/knowledge: embedding_id
// 3, 11 or 12 and a name are required.
func (s *Server) knowledgeCreate(w http.ResponseWriter, req *Request) {
	var p struct {
		EmbeddingID int    `json:"embedding_id"`
		Name        string `json:"name"`
		Description string `json:"description"`
		Background  string `json:"background"`
		Icon        string `json:"icon"`
		Contextual  int    `json:"contextual"`
	}
	if !decodeApp(w, req, &p) {
		return
	}
	switch {
	case !slices.Contains([]int{3, 11, 12}, p.EmbeddingID):
		appError(w, 400, fmt.Sprintf("embedding_id %d is not 3, 11 or 12", p.EmbeddingID))
		return
	case strings.TrimSpace(p.Name) == "":
		appError(w, 400, "name is required")
		return
	}
	b := &knowledgeBase{EmbeddingID: p.EmbeddingID, Name: p.Name, Description: p.Description,
		Background: cmpOr(p.Background, "blue"), Icon: cmpOr(p.Icon, "question"), Contextual: p.Contextual}
	s.mu.Lock()
	b.ID = s.seqLocked("kb")
	s.know.bases[b.ID] = b
	s.know.order = append(s.know.order, b.ID)
	s.mu.Unlock()
	writeApp(w, map[string]any{"id": b.ID})
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// page cuts a list for page and size (1 and 10 by default).
func page[T any](w http.ResponseWriter, q url.Values, all []T) ([]T, bool) {
	p, s := 1, 10
	var err error
	if v := q.Get("page"); v != "" {
		if p, err = strconv.Atoi(v); err != nil || p < 1 {
			appError(w, 400, "page must be a positive number")
			return nil, false
		}
	}
	if v := q.Get("size"); v != "" {
		if s, err = strconv.Atoi(v); err != nil || s < 1 {
			appError(w, 400, "size must be a positive number")
			return nil, false
		}
	}
	lo := min((p-1)*s, len(all))
	return all[lo:min(lo+s, len(all))], true
}

// knowledgeList answers GET /llm-application/open/knowledge: the bases in
// creation order, paged.
func (s *Server) knowledgeList(w http.ResponseWriter, req *Request) {
	q, _ := url.ParseQuery(req.Query)
	s.mu.Lock()
	var all []map[string]any
	for _, id := range s.know.order {
		all = append(all, s.know.bases[id].wire(s.know))
	}
	s.mu.Unlock()
	items, ok := page(w, q, all)
	if !ok {
		return
	}
	writeApp(w, map[string]any{"list": orEmpty(items), "total": len(all)})
}

func orEmpty[T any](items []T) []T {
	if items == nil {
		return []T{}
	}
	return items
}

func (s *Server) knowledgeGet(w http.ResponseWriter, req *Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b := s.knowledgeBaseOr404(w, req.pathValue("id")); b != nil {
		writeApp(w, b.wire(s.know))
	}
}

// knowledgeUpdate answers PUT /llm-application/open/knowledge/{id},
// changing the members sent.
func (s *Server) knowledgeUpdate(w http.ResponseWriter, req *Request) {
	var p map[string]json.RawMessage
	if !decodeApp(w, req, &p) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.knowledgeBaseOr404(w, req.pathValue("id"))
	if b == nil {
		return
	}
	for k, v := range p {
		var err error
		switch k {
		case "embedding_id":
			err = json.Unmarshal(v, &b.EmbeddingID)
		case "name":
			err = json.Unmarshal(v, &b.Name)
		case "description":
			err = json.Unmarshal(v, &b.Description)
		case "background":
			err = json.Unmarshal(v, &b.Background)
		case "icon":
			err = json.Unmarshal(v, &b.Icon)
		case "contextual":
			err = json.Unmarshal(v, &b.Contextual)
		}
		if err != nil {
			appError(w, 400, fmt.Sprintf("%s: %v", k, err))
			return
		}
	}
	writeApp(w, nil)
}

// knowledgeDelete answers DELETE /llm-application/open/knowledge/{id},
// removing the base and its documents.
func (s *Server) knowledgeDelete(w http.ResponseWriter, req *Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.knowledgeBaseOr404(w, req.pathValue("id"))
	if b == nil {
		return
	}
	for _, d := range b.docs {
		delete(s.know.docs, d)
	}
	delete(s.know.bases, b.ID)
	s.know.order = slices.DeleteFunc(s.know.order, func(id string) bool { return id == b.ID })
	writeApp(w, nil)
}

// knowledgeCapacity answers GET /llm-application/open/knowledge/capacity:
// the words and bytes of every document, of an allowance of 500,000 words
// and 50 MB.
func (s *Server) knowledgeCapacityGet(w http.ResponseWriter, req *Request) {
	s.mu.Lock()
	var length, words int
	for _, d := range s.know.docs {
		length += len(d.Text)
		words += wordNum(d.Text)
	}
	s.mu.Unlock()
	writeApp(w, map[string]any{"used": map[string]any{"word_num": words, "length": length},
		"total": map[string]any{"word_num": knowledgeCapacity, "length": 50 << 20}})
}

// knowledgeFile is one "files" part of an upload.
type knowledgeFile struct {
	name string
	data []byte
}

// uploadForm reads an upload's fields and every file part, in order.
func uploadForm(req *Request) (map[string][]string, []knowledgeFile, error) {
	mt, params, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return nil, nil, fmt.Errorf("the body is not multipart/form-data")
	}
	mr := multipart.NewReader(bytes.NewReader(req.Body), params["boundary"])
	fields := map[string][]string{}
	var files []knowledgeFile
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return fields, files, nil
		}
		if err != nil {
			return nil, nil, err
		}
		b, err := io.ReadAll(p)
		if err != nil {
			return nil, nil, err
		}
		switch {
		case p.FileName() != "" && p.FormName() == "files":
			files = append(files, knowledgeFile{p.FileName(), b})
		case p.FileName() == "":
			fields[p.FormName()] = append(fields[p.FormName()], string(b))
		}
	}
}

// documentFormats are the extensions an upload takes.
var documentFormats = []string{".txt", ".md", ".pdf", ".doc", ".docx", ".ppt", ".pptx", ".xls", ".xlsx", ".csv"}

// documentUpload answers POST /llm-application/open/document/upload_document/{id}:
// each "files" part of a known format becomes a document, its text (the
// file itself when it is UTF-8, else "Text of <name> (<n> bytes)") cut into
// slices; other files are listed in failedInfos.
func (s *Server) documentUpload(w http.ResponseWriter, req *Request) {
	fields, files, err := uploadForm(req)
	if err != nil {
		appError(w, 400, err.Error())
		return
	}
	if len(files) == 0 {
		appError(w, 400, "files is required")
		return
	}
	first := func(k string) string {
		if v := fields[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	proto := knowledgeDoc{CustomSeparator: fields["custom_separator"], ParseImage: first("parse_image") == "true"}
	for k, dst := range map[string]*int{"knowledge_type": &proto.KnowledgeType, "sentence_size": &proto.SentenceSize, "word_num_limit": &proto.WordNumLimit} {
		if v := first(k); v != "" {
			if *dst, err = strconv.Atoi(v); err != nil {
				appError(w, 400, k+" must be a number")
				return
			}
		}
	}
	if h := first("callback_header"); h != "" && !json.Valid([]byte(h)) {
		appError(w, 400, "callback_header must be a JSON object")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.knowledgeBaseOr404(w, req.pathValue("id"))
	if b == nil {
		return
	}
	success, failed := []any{}, []any{}
	for _, f := range files {
		if !slices.Contains(documentFormats, strings.ToLower(path.Ext(f.name))) {
			failed = append(failed, map[string]any{"fileName": f.name, "failReason": "不支持的文档类型"})
			continue
		}
		text := string(f.data)
		if !utf8.Valid(f.data) {
			text = fmt.Sprintf("Text of %s (%d bytes)", f.name, len(f.data))
		}
		d := proto
		d.ID, d.KnowledgeID, d.Name, d.Text = s.seqLocked("doc"), b.ID, f.name, text
		s.addDocument(b, &d)
		success = append(success, map[string]any{"documentId": d.ID, "fileName": f.name})
	}
	writeApp(w, map[string]any{"successInfos": success, "failedInfos": failed})
}

// addDocument slices d and files it under b; s.mu is held.
func (s *Server) addDocument(b *knowledgeBase, d *knowledgeDoc) {
	d.slice()
	s.know.docs[d.ID] = d
	b.docs = append(b.docs, d.ID)
}

// documentUploadURLs answers POST /llm-application/open/document/upload_url:
// zaitest fetches nothing, so each URL becomes a document whose text names
// the address ("Document at <url>: <host> <path words>").
func (s *Server) documentUploadURLs(w http.ResponseWriter, req *Request) {
	var p struct {
		KnowledgeID  string `json:"knowledge_id"`
		UploadDetail []struct {
			URL             string   `json:"url"`
			KnowledgeType   int      `json:"knowledge_type"`
			CustomSeparator []string `json:"custom_separator"`
			SentenceSize    int      `json:"sentence_size"`
		} `json:"upload_detail"`
	}
	if !decodeApp(w, req, &p) {
		return
	}
	if len(p.UploadDetail) == 0 {
		appError(w, 400, "upload_detail is required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.knowledgeBaseOr404(w, p.KnowledgeID)
	if b == nil {
		return
	}
	success, failed := []any{}, []any{}
	for _, u := range p.UploadDetail {
		parsed, err := url.Parse(u.URL)
		if err != nil || parsed.Host == "" || u.KnowledgeType == 0 {
			failed = append(failed, map[string]any{"url": u.URL, "failReason": "不支持的文档类型"})
			continue
		}
		words := strings.FieldsFunc(parsed.Path, func(r rune) bool { return r == '/' || r == '-' || r == '_' || r == '.' })
		d := &knowledgeDoc{ID: s.seqLocked("doc"), KnowledgeID: b.ID, Name: path.Base(parsed.Path), URL: u.URL,
			KnowledgeType: u.KnowledgeType, CustomSeparator: u.CustomSeparator, SentenceSize: u.SentenceSize,
			Text: fmt.Sprintf("Document at %s: %s %s", u.URL, parsed.Host, strings.Join(words, " "))}
		s.addDocument(b, d)
		success = append(success, map[string]any{"documentId": d.ID, "url": u.URL})
	}
	writeApp(w, map[string]any{"successInfos": success, "failedInfos": failed})
}

// documentList answers GET /llm-application/open/document: a base's
// documents in upload order, those whose name contains word, paged.
func (s *Server) documentList(w http.ResponseWriter, req *Request) {
	q, _ := url.ParseQuery(req.Query)
	s.mu.Lock()
	b := s.knowledgeBaseOr404(w, q.Get("knowledge_id"))
	var all []map[string]any
	if b != nil {
		for _, id := range b.docs {
			if d := s.know.docs[id]; strings.Contains(d.Name, q.Get("word")) {
				all = append(all, d.wire())
			}
		}
	}
	s.mu.Unlock()
	if b == nil {
		return
	}
	items, ok := page(w, q, all)
	if !ok {
		return
	}
	writeApp(w, map[string]any{"list": orEmpty(items), "total": len(all)})
}

// documentOr404 finds a document; s.mu is held.
func (s *Server) documentOr404(w http.ResponseWriter, id string) *knowledgeDoc {
	d := s.know.docs[id]
	if d == nil {
		appError(w, 404, fmt.Sprintf("document %s does not exist", id))
	}
	return d
}

func (s *Server) documentGet(w http.ResponseWriter, req *Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.documentOr404(w, req.pathValue("id")); d != nil {
		writeApp(w, d.wire())
	}
}

func (s *Server) documentDelete(w http.ResponseWriter, req *Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.documentOr404(w, req.pathValue("id"))
	if d == nil {
		return
	}
	if b := s.know.bases[d.KnowledgeID]; b != nil {
		b.docs = slices.DeleteFunc(b.docs, func(id string) bool { return id == d.ID })
	}
	delete(s.know.docs, d.ID)
	writeApp(w, nil)
}

// documentEmbed answers POST /llm-application/open/document/embedding/{id}:
// the document is sliced again.
func (s *Server) documentEmbed(w http.ResponseWriter, req *Request) {
	if len(bytes.TrimSpace(req.Body)) > 0 {
		var p map[string]any
		if !decodeApp(w, req, &p) {
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.documentOr404(w, req.pathValue("id")); d != nil {
		d.slice()
		writeApp(w, nil)
	}
}

// documentImages answers POST /llm-application/open/document/slice/image_list/{id}:
// a document uploaded with parse_image has one image per slice, marked
// "【示意图序号_<doc>_<n>】"; others have none.
func (s *Server) documentImages(w http.ResponseWriter, req *Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.documentOr404(w, req.pathValue("id"))
	if d == nil {
		return
	}
	images := []any{}
	if d.ParseImage {
		for i := range d.Slices {
			images = append(images, map[string]any{"text": fmt.Sprintf("【示意图序号_%s_%d】", d.ID, i+1),
				"cos_url": fmt.Sprintf("https://zaitest.invalid/knowledge_pdf_image/%s_%d.png", d.ID, i+1)})
		}
	}
	writeApp(w, map[string]any{"images": images})
}

// hit is a slice a search found.
type hit struct {
	doc   *knowledgeDoc
	index int
	score float64
}

// terms are the words of a text, lower-cased, and each Han character on its
// own, so Chinese text matches too.
func terms(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		var word []rune
		for _, r := range f {
			if unicode.Is(unicode.Han, r) {
				if len(word) > 0 {
					out, word = append(out, string(word)), nil
				}
				out = append(out, string(r))
				continue
			}
			word = append(word, r)
		}
		if len(word) > 0 {
			out = append(out, string(word))
		}
	}
	return out
}

// search scores every slice of the documents as the share of the query's
// distinct terms it contains, keeps those of at least threshold (and above
// zero), and returns the best topK, best first (ties in store order).
func (s *Server) search(query string, docs []*knowledgeDoc, topK int, threshold float64) []hit {
	want := slices.Compact(slices.Sorted(slices.Values(terms(query))))
	if len(want) == 0 {
		return nil
	}
	var hits []hit
	for _, d := range docs {
		if d.tooLong() {
			continue // its embedding failed: not searchable
		}
		for i, text := range d.Slices {
			have := terms(text)
			n := 0
			for _, t := range want {
				if slices.Contains(have, t) {
					n++
				}
			}
			score := float64(n) / float64(len(want))
			if n > 0 && score >= threshold {
				hits = append(hits, hit{d, i, score})
			}
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].score > hits[j].score })
	if topK > 0 && len(hits) > topK {
		hits = hits[:topK]
	}
	return hits
}

// docsOf returns the documents of the bases, narrowed to docIDs when given;
// a base that does not exist is reported; s.mu is held.
func (s *Server) docsOf(baseIDs, docIDs []string) ([]*knowledgeDoc, string) {
	var out []*knowledgeDoc
	for _, id := range baseIDs {
		b := s.know.bases[id]
		if b == nil {
			return nil, id
		}
		for _, d := range b.docs {
			if len(docIDs) == 0 || slices.Contains(docIDs, d) {
				out = append(out, s.know.docs[d])
			}
		}
	}
	return out, ""
}

// knowledgeRetrieve answers POST /llm-application/open/knowledge/retrieve:
// the slices of the bases (and documents) that share terms with the query,
// scored by the share of its terms they hold, at least
// fractional_threshold, top_k of them (8 by default). Every recall method
// scores the same way.
func (s *Server) knowledgeRetrieve(w http.ResponseWriter, req *Request) {
	var p struct {
		Query               string   `json:"query"`
		KnowledgeIDs        []string `json:"knowledge_ids"`
		DocumentIDs         []string `json:"document_ids"`
		TopK                int      `json:"top_k"`
		FractionalThreshold float64  `json:"fractional_threshold"`
	}
	if !decodeApp(w, req, &p) {
		return
	}
	if p.Query == "" || len(p.KnowledgeIDs) == 0 {
		appError(w, 400, "query and knowledge_ids are required")
		return
	}
	s.mu.Lock()
	docs, missing := s.docsOf(p.KnowledgeIDs, p.DocumentIDs)
	var hits []hit
	if missing == "" {
		hits = s.search(p.Query, docs, cmpOrInt(p.TopK, 8), p.FractionalThreshold)
	}
	s.mu.Unlock()
	if missing != "" {
		appError(w, 404, fmt.Sprintf("knowledge base %s does not exist", missing))
		return
	}
	out := []any{}
	for _, h := range hits {
		out = append(out, map[string]any{"text": h.doc.Slices[h.index], "score": h.score, "metadata": map[string]any{
			"_id": sliceID(h), "knowledge_id": h.doc.KnowledgeID, "doc_id": h.doc.ID, "doc_name": h.doc.Name,
			"doc_url": h.doc.URL, "contextual_text": ""}})
	}
	writeApp(w, out)
}

func cmpOrInt(n, def int) int {
	if n == 0 {
		return def
	}
	return n
}

func sliceID(h hit) string { return fmt.Sprintf("%s_slice_%d", h.doc.ID, h.index+1) }

// zragRetrieve answers POST /zrag/retrieval/retrieve: the same search over
// knows, with the words of the image URLs of multimodal_parts added to the
// query; enable_rewrite reports the query as rewritten_query.
func (s *Server) zragRetrieve(w http.ResponseWriter, req *Request) {
	var p struct {
		Knows []struct {
			ID     string   `json:"id"`
			DocIDs []string `json:"doc_ids"`
		} `json:"knows"`
		Query           string `json:"query"`
		MultimodalParts []struct {
			URL string `json:"url"`
		} `json:"multimodal_parts"`
		TopK                int      `json:"top_k"`
		SimilarityThreshold *float64 `json:"similarity_threshold"`
		EnableRewrite       bool     `json:"enable_rewrite"`
	}
	if !decodeApp(w, req, &p) {
		return
	}
	query := p.Query
	for _, m := range p.MultimodalParts {
		if u, err := url.Parse(m.URL); err == nil {
			query += " " + strings.TrimSuffix(path.Base(u.Path), path.Ext(u.Path))
		}
	}
	if len(p.Knows) == 0 || strings.TrimSpace(query) == "" {
		appError(w, 400, "knows and a query or multimodal_parts are required")
		return
	}
	threshold := 0.2
	if p.SimilarityThreshold != nil {
		threshold = *p.SimilarityThreshold
	}
	s.mu.Lock()
	var docs []*knowledgeDoc
	missing := ""
	for _, k := range p.Knows {
		ds, m := s.docsOf([]string{k.ID}, k.DocIDs)
		docs, missing = append(docs, ds...), cmpOr(missing, m)
	}
	var hits []hit
	if missing == "" {
		hits = s.search(query, docs, cmpOrInt(p.TopK, 8), threshold)
	}
	s.mu.Unlock()
	if missing != "" {
		appError(w, 404, fmt.Sprintf("knowledge base %s does not exist", missing))
		return
	}
	contents := []any{}
	for i, h := range hits {
		contents = append(contents, map[string]any{"id": sliceID(h), "know_id": h.doc.KnowledgeID, "doc_id": h.doc.ID,
			"text": h.doc.Slices[h.index], "index": i, "score": h.score,
			"metadata": map[string]any{"doc_type": strings.TrimPrefix(path.Ext(h.doc.Name), "."), "doc_name": h.doc.Name,
				"doc_url": h.doc.URL, "index": h.index}})
	}
	data := map[string]any{"contents": contents, "elapsed_ms": 3, "total_tokens": len(terms(query)), "request_id": w.Header().Get("X-Log-Id")}
	if p.EnableRewrite {
		data["rewritten_query"] = map[string]any{"original_query": p.Query, "multi_queries": []string{strings.TrimSpace(query)}}
	}
	writeApp(w, data)
}
