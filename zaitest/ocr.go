package zaitest

import (
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// describeFile names what a layout-parsing "file" field holds: a URL, or
// base64 data.
func describeFile(file string) string {
	if strings.HasPrefix(file, "http://") || strings.HasPrefix(file, "https://") {
		return file
	}
	return fmt.Sprintf("an inline file of %d base64 characters", len(file))
}

// layoutParsing answers POST /layout_parsing: one text element per page
// (start_page_id..end_page_id, one page by default) reading
// "Page <n> of <file>", and the same as Markdown under a "# <file>" title.
func (s *Server) layoutParsing(w http.ResponseWriter, req *Request) {
	var p struct {
		Model       string `json:"model"`
		File        string `json:"file"`
		StartPageID *int   `json:"start_page_id"`
		EndPageID   *int   `json:"end_page_id"`
	}
	if !decodeJSON(w, req, &p) || !needModel(w, p.Model) {
		return
	}
	if p.File == "" {
		writeError(w, 400, "1214", "file cannot be empty")
		return
	}
	first, last := 1, 1
	if p.StartPageID != nil {
		first = *p.StartPageID
		last = max(last, first)
	}
	if p.EndPageID != nil && *p.EndPageID >= first {
		last = *p.EndPageID
	}
	name := describeFile(p.File)
	md := []string{"# " + name}
	var details, pages []any
	for n := first; n <= last; n++ {
		text := fmt.Sprintf("Page %d of %s", n, name)
		md = append(md, text)
		details = append(details, []any{map[string]any{"index": 0, "label": "text",
			"bbox_2d": []float64{0.1, 0.1, 0.9, 0.2}, "content": text, "width": 1240, "height": 1754}})
		pages = append(pages, map[string]int{"width": 1240, "height": 1754})
	}
	id := w.Header().Get("X-Log-Id")
	writeJSON(w, map[string]any{"id": id, "created": Created, "model": "GLM-OCR", "request_id": id,
		"md_results": strings.Join(md, "\n\n"), "layout_details": details,
		"data_info": map[string]any{"num_pages": len(pages), "pages": pages},
		"usage":     map[string]int{"prompt_tokens": 100 * len(pages), "completion_tokens": 10 * len(pages), "total_tokens": 110 * len(pages)}})
}

// fileText is the text the OCR and parser defaults find in an upload: the
// file itself when it is UTF-8 text, else a line naming it.
func fileText(f formFile) string {
	if len(f.data) > 0 && utf8.Valid(f.data) && !strings.ContainsRune(string(f.data), 0) {
		return strings.TrimRight(string(f.data), "\n")
	}
	return fmt.Sprintf("Text of %s (%d bytes)", f.name, len(f.data))
}

// handwriting answers POST /files/ocr (tool_type hand_write): one line of
// words per line of fileText, 40 px apart, with confidences when
// probability=true.
func (s *Server) handwriting(w http.ResponseWriter, req *Request) {
	f, err := parseForm(req)
	if err != nil {
		writeError(w, 400, "1210", "Incorrect API call parameters: "+err.Error())
		return
	}
	file, ok := f.files["file"]
	switch {
	case f.value("tool_type") != "hand_write":
		writeError(w, 400, "1214", fmt.Sprintf("tool_type %q is not supported (use hand_write)", f.value("tool_type")))
		return
	case !ok || len(file.data) == 0:
		writeError(w, 400, "1214", "file cannot be empty")
		return
	}
	var words []any
	for i, line := range strings.Split(fileText(file), "\n") {
		wr := map[string]any{"words": line,
			"location": map[string]int{"left": 10, "top": 10 + 40*i, "width": 20 * utf8.RuneCountInString(line), "height": 30}}
		if f.value("probability") == "true" {
			wr["probability"] = map[string]float64{"average": 0.98, "variance": 0.0001, "min": 0.95}
		}
		words = append(words, wr)
	}
	writeJSON(w, map[string]any{"task_id": s.seq("ocr_task"), "message": "成功", "status": "succeeded",
		"words_result_num": len(words), "words_result": words})
}

// parseTask is a file-parser task.
type parseTask struct {
	polls int
	text  string
}

// parserForm reads a parser upload. A missing file_type gets the
// Spring-style body with HTTP 200 that the live API sends.
func parserForm(w http.ResponseWriter, req *Request) (*form, formFile, bool) {
	f, err := parseForm(req)
	if err != nil {
		writeError(w, 400, "1210", "Incorrect API call parameters: "+err.Error())
		return nil, formFile{}, false
	}
	if f.value("file_type") == "" {
		writeJSON(w, `{"msg":"Required request parameter 'file_type' for method parameter type String is not present","code":500}`)
		return nil, formFile{}, false
	}
	file, ok := f.files["file"]
	if !ok || len(file.data) == 0 {
		writeError(w, 400, "1214", "file cannot be empty")
		return nil, formFile{}, false
	}
	return f, file, true
}

// parserCreate answers POST /files/parser/create (tool_type lite, expert or
// prime): a task whose result is ready after WithTaskPolls polls.
func (s *Server) parserCreate(w http.ResponseWriter, req *Request) {
	f, file, ok := parserForm(w, req)
	if !ok {
		return
	}
	switch f.value("tool_type") {
	case "lite", "expert", "prime":
	default:
		writeError(w, 400, "1214", fmt.Sprintf("tool_type %q is not supported (lite, expert or prime)", f.value("tool_type")))
		return
	}
	id := "task_" + s.seq("parse")
	s.mu.Lock()
	s.parses[id] = &parseTask{text: fileText(file)}
	s.mu.Unlock()
	writeJSON(w, map[string]any{"success": true, "message": "任务创建成功", "task_id": id})
}

// parserResult answers GET /files/parser/result/{task}/{format}: status
// "processing", then "succeeded" with the text as content (format text) or
// a parsing_result_url (format download_link).
func (s *Server) parserResult(w http.ResponseWriter, req *Request) {
	id, format := req.pathValue("task"), req.pathValue("format")
	s.mu.Lock()
	t := s.parses[id]
	done := t != nil && t.polls >= s.taskPolls
	if t != nil {
		t.polls++
	}
	s.mu.Unlock()
	if t == nil {
		notFound(w, "task", id)
		return
	}
	if !done {
		writeJSON(w, map[string]any{"status": "processing", "message": "任务处理中", "task_id": id})
		return
	}
	writeJSON(w, parsed(id, format, t.text))
}

func parsed(id, format, text string) map[string]any {
	out := map[string]any{"status": "succeeded", "message": "结果获取成功", "task_id": id}
	if format == "download_link" {
		out["parsing_result_url"] = "https://zaitest.invalid/parser/" + id + ".md"
	} else {
		out["content"] = text
	}
	return out
}

// parserSync answers POST /files/parser/sync: the text at once.
func (s *Server) parserSync(w http.ResponseWriter, req *Request) {
	_, file, ok := parserForm(w, req)
	if !ok {
		return
	}
	writeJSON(w, parsed("task_"+s.seq("parse"), "text", fileText(file)))
}
