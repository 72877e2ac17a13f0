package zaitest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
)

// WithBatchLimits sets the per-file limits of batch input: at most requests
// lines and bytes bytes (default zai.MaxBatchFileRequests and
// zai.MaxBatchFileBytes, the documented limits). An upload over bytes is
// refused (400, code 1214); a batch whose file has more lines than requests
// fails at its first look, with the error in "errors". Set them low to see a
// large run split into many jobs with a small input.
func WithBatchLimits(requests int, bytes int64) Option {
	return func(s *Server) { s.batchLimits.requests, s.batchLimits.bytes = requests, bytes }
}

// WithBatchOutputReversed writes each batch's output and error files in
// the reverse order of its input, as the API may answer lines in any
// order: code that joins answers to requests by custom_id keeps working,
// code that counts on the order does not. The reversed files are built in
// memory.
func WithBatchOutputReversed() Option {
	return func(s *Server) { s.batchLimits.reversed = true }
}

type batchLimits struct {
	requests int
	bytes    int64
	reversed bool
}

// batchLine is one line of a batch input file.
type batchLine struct {
	CustomID string          `json:"custom_id"`
	Method   string          `json:"method"`
	URL      string          `json:"url"`
	Body     json.RawMessage `json:"body"`
}

// eachBatchLine calls fn with every non-blank line of r decoded, numbered
// from 1, reading one line at a time.
func eachBatchLine(r io.Reader, fn func(n int, l *batchLine) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return err
		}
		if text := bytes.TrimSpace(line); len(text) > 0 {
			var l batchLine
			if derr := json.Unmarshal(text, &l); derr != nil {
				return fmt.Errorf("line %d: %v", n, derr)
			}
			if ferr := fn(n, &l); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// checkBatchFile checks an upload with purpose "batch": within the byte
// limit, and JSONL with at least one line.
func (s *Server) checkBatchFile(f *storedFile) error {
	s.mu.Lock()
	limit := s.batchLimits.bytes
	s.mu.Unlock()
	if f.size > limit {
		return fmt.Errorf("the file is %d bytes, over the limit of %d bytes", f.size, limit)
	}
	r, err := f.open()
	if err != nil {
		return err
	}
	defer r.Close()
	lines := 0
	if err := eachBatchLine(r, func(int, *batchLine) error { lines++; return nil }); err != nil {
		return err
	}
	if lines == 0 {
		return errors.New("no lines")
	}
	return nil
}

// batch is a batch job. Its input stays in the file store (on disk when
// large) until the job ends; only its answer's wire form is held here.
type batch struct {
	wire       map[string]any
	polls      int
	input      *storedFile
	autoDelete bool
	invalid    []map[string]any // validation errors: the batch fails at its first look
	cancel     bool
	running    bool // answering its lines, outside the lock
	finished   bool
}

// batchMS is the batches' timestamp base: Created in milliseconds.
const batchMS = int64(Created) * 1000

// batchCreate answers POST /batches. The input file must be in the store
// with purpose "batch"; the batch starts "validating". A file over the
// request limit, with an empty or repeated custom_id, fails at the first
// look. auto_delete_input_file (default true) deletes the input file when
// the batch ends.
func (s *Server) batchCreate(w http.ResponseWriter, req *Request) {
	var p struct {
		InputFileID      string            `json:"input_file_id"`
		Endpoint         string            `json:"endpoint"`
		CompletionWindow string            `json:"completion_window"`
		Metadata         map[string]string `json:"metadata"`
		AutoDelete       *bool             `json:"auto_delete_input_file"`
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
	total, invalid, err := s.validateBatch(f)
	if err != nil {
		writeError(w, 400, "1214", "invalid batch file: "+err.Error())
		return
	}
	if p.CompletionWindow == "" {
		p.CompletionWindow = "24h"
	}
	b := &batch{input: f, autoDelete: p.AutoDelete == nil || *p.AutoDelete, invalid: invalid, wire: map[string]any{
		"object": "batch", "endpoint": p.Endpoint, "input_file_id": p.InputFileID,
		"completion_window": p.CompletionWindow, "status": "validating", "created_at": batchMS,
		"expires_at":     batchMS + 24*3600*1000,
		"request_counts": map[string]int{"total": total, "completed": 0, "failed": 0},
	}}
	if p.Metadata != nil {
		b.wire["metadata"] = p.Metadata
	}
	s.mu.Lock()
	if f.gone {
		s.mu.Unlock()
		writeError(w, 400, "1214", fmt.Sprintf("input_file_id %q does not exist", p.InputFileID))
		return
	}
	f.refs++
	id := s.seqLocked("batch")
	b.wire["id"] = id
	s.batches[id] = b
	s.batchIDs = append(s.batchIDs, id)
	out := clone(b.wire)
	s.mu.Unlock()
	writeJSON(w, out)
}

// validateBatch reads a batch's input once: its line count, and the
// problems that make the batch fail (too many lines, an empty or repeated
// custom_id). A line that is not JSON is an error of the request.
func (s *Server) validateBatch(f *storedFile) (total int, invalid []map[string]any, err error) {
	s.mu.Lock()
	limit := s.batchLimits.requests
	s.mu.Unlock()
	r, err := f.open()
	if err != nil {
		return 0, nil, err
	}
	defer r.Close()
	seen := map[string]bool{}
	fail := func(n int, msg string) {
		if len(invalid) < 10 {
			invalid = append(invalid, map[string]any{"code": "1214", "line": n, "message": msg})
		}
	}
	err = eachBatchLine(r, func(n int, l *batchLine) error {
		total++
		switch {
		case total == limit+1:
			fail(n, fmt.Sprintf("the file has more than %d requests", limit))
		case l.CustomID == "":
			fail(n, "custom_id is empty")
		case seen[l.CustomID]:
			fail(n, fmt.Sprintf("custom_id %q is repeated", l.CustomID))
		}
		seen[l.CustomID] = true
		return nil
	})
	if err == nil && total == 0 {
		err = errors.New("no lines")
	}
	return total, invalid, err
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
// "cancelled" once cancelled, or "failed" when its input did not
// validate). While the lines are being answered, other looks see
// "finalizing".
func (s *Server) advance(b *batch) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b.finished || b.running {
		return clone(b.wire)
	}
	b.polls++
	switch {
	case b.cancel:
		b.wire["status"], b.wire["cancelled_at"] = "cancelled", batchMS+2000
		s.finishLocked(b)
	case b.invalid != nil:
		b.wire["status"], b.wire["failed_at"] = "failed", batchMS+1000
		b.wire["errors"] = map[string]any{"object": "list", "data": b.invalid}
		s.finishLocked(b)
	case b.polls <= s.taskPolls:
		b.wire["status"], b.wire["in_progress_at"] = "in_progress", batchMS+1000
	default:
		b.running = true
		b.wire["status"], b.wire["in_progress_at"], b.wire["finalizing_at"] = "finalizing", batchMS+1000, batchMS+2000
		id := b.wire["id"].(string)
		s.mu.Unlock()
		out, errs, done, failed, err := s.runBatch(id, b.input)
		s.mu.Lock()
		b.running = false
		if err != nil {
			b.wire["status"], b.wire["failed_at"] = "failed", batchMS+3000
			b.wire["errors"] = map[string]any{"object": "list", "data": []any{map[string]any{"code": "500", "message": err.Error()}}}
		} else {
			b.wire["status"], b.wire["completed_at"] = "completed", batchMS+3000
			b.wire["output_file_id"] = out.ID
			if errs != nil {
				b.wire["error_file_id"] = errs.ID
			}
			b.wire["request_counts"] = map[string]int{"total": done + failed, "completed": done, "failed": failed}
		}
		s.finishLocked(b)
	}
	return clone(b.wire)
}

// finishLocked ends a batch: its hold on the input file goes, and with
// auto_delete_input_file the file too.
func (s *Server) finishLocked(b *batch) {
	b.finished = true
	if b.autoDelete {
		s.dropFileLocked(b.input)
	}
	s.releaseLocked(b.input)
}

// runBatch answers every line of the input with the chat default, one line
// at a time, into an output file (and an error file when a line fails):
// {"custom_id","id","response":{"status_code","request_id","body"}} per
// line. It runs without the lock and stores the files at the end.
func (s *Server) runBatch(batchID string, input *storedFile) (out, errs *storedFile, done, failed int, err error) {
	r, err := input.open()
	if err != nil {
		return nil, nil, 0, 0, err
	}
	defer r.Close()
	s.mu.Lock()
	reversed := s.batchLimits.reversed
	s.mu.Unlock()
	ow, ew := s.newFileWriter(), s.newFileWriter()
	var outLines, errLines lineStack
	enc, errEnc := json.NewEncoder(ow), json.NewEncoder(ew)
	if reversed {
		enc, errEnc = json.NewEncoder(&outLines), json.NewEncoder(&errLines)
	}
	i := 0
	err = eachBatchLine(r, func(_ int, l *batchLine) error {
		i++
		id := fmt.Sprintf("%s-%d", batchID, i)
		c, e := parseChat(l.Body)
		if e == nil && l.URL != "/v4/chat/completions" && l.URL != "/v1/chat/completions" {
			e = &apiError{400, "1214", fmt.Sprintf("url %q is not the batch's endpoint", l.URL)}
		}
		if e != nil {
			failed++
			return errEnc.Encode(map[string]any{"custom_id": l.CustomID, "id": id, "response": map[string]any{
				"status_code": e.status, "request_id": id, "body": json.RawMessage(errorBody(e.code, e.message))}})
		}
		done++
		return enc.Encode(map[string]any{"custom_id": l.CustomID, "id": id, "response": map[string]any{
			"status_code": 200, "request_id": id, "body": completion(id, c)}})
	})
	if reversed {
		outLines.writeTo(ow)
		errLines.writeTo(ew)
	}
	of, oerr := ow.file(batchID+"_output.jsonl", "batch")
	ef, eerr := ew.file(batchID+"_error.jsonl", "batch")
	if err = errors.Join(err, oerr, eerr); err != nil {
		for _, f := range []*storedFile{of, ef} {
			if f.path != "" {
				os.Remove(f.path)
			}
		}
		return nil, nil, 0, 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out = s.storeFileLocked(of)
	if failed > 0 {
		errs = s.storeFileLocked(ef)
	} else if ef.path != "" {
		os.Remove(ef.path)
	}
	return out, errs, done, failed, nil
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
// finished or finalizing batch cannot be cancelled (400/1214).
func (s *Server) batchCancel(w http.ResponseWriter, req *Request) {
	b := s.findBatch(w, req)
	if b == nil {
		return
	}
	s.mu.Lock()
	over := b.finished || b.running
	if !over {
		b.cancel = true
		b.wire["status"], b.wire["cancelling_at"] = "cancelling", batchMS+1500
	}
	status, out := b.wire["status"], clone(b.wire)
	s.mu.Unlock()
	if over {
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

// lineStack keeps encoded lines to write them out last first.
type lineStack [][]byte

func (l *lineStack) Write(p []byte) (int, error) {
	*l = append(*l, bytes.Clone(p))
	return len(p), nil
}

func (l lineStack) writeTo(w io.Writer) {
	for i := len(l) - 1; i >= 0; i-- {
		w.Write(l[i])
	}
}
