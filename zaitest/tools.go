package zaitest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// moderations answers POST /moderations: one result per input item. Text
// containing "unsafe" is REJECT (risk_type ["unsafe"]), text containing
// "review" is REVIEW, anything else PASS. Media items are PASS.
func (s *Server) moderations(w http.ResponseWriter, req *Request) {
	var p struct {
		Model string          `json:"model"`
		Input json.RawMessage `json:"input"`
	}
	if !decodeJSON(w, req, &p) || !needModel(w, p.Model) {
		return
	}
	type item struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	var items []item
	in := bytes.TrimSpace(p.Input)
	switch {
	case len(in) > 0 && in[0] == '[':
		// A list of texts, or of typed items.
		var list []json.RawMessage
		json.Unmarshal(in, &list)
		for _, raw := range list {
			var it item
			if json.Unmarshal(raw, &it.Text) == nil {
				it.Type = "text"
			} else {
				json.Unmarshal(raw, &it)
			}
			items = append(items, it)
		}
	case len(in) > 0 && in[0] == '{':
		var one item
		json.Unmarshal(in, &one)
		items = []item{one}
	default:
		var text string
		json.Unmarshal(in, &text)
		if text != "" {
			items = []item{{Type: "text", Text: text}}
		}
	}
	if len(items) == 0 {
		writeError(w, 400, "1214", "input cannot be empty")
		return
	}
	results := []any{}
	texts := 0
	for _, it := range items {
		kind := strings.TrimSuffix(cmp.Or(it.Type, "text"), "_url")
		level, risks := "PASS", []string{}
		if kind == "text" {
			texts++
			switch low := strings.ToLower(it.Text); {
			case strings.Contains(low, "unsafe"):
				level, risks = "REJECT", []string{"unsafe"}
			case strings.Contains(low, "review"):
				level, risks = "REVIEW", []string{"review"}
			}
		}
		results = append(results, map[string]any{"content_type": kind, "risk_level": level, "risk_type": risks})
	}
	id := w.Header().Get("X-Log-Id")
	writeJSON(w, map[string]any{"id": id, "created": Created, "request_id": id, "result_list": results,
		"usage": map[string]any{"moderation_text": map[string]int{"call_count": texts}}})
}

// wordSet is the lower-cased words of s, without punctuation.
func wordSet(s string) map[string]bool {
	set := map[string]bool{}
	for _, f := range strings.Fields(strings.ToLower(s)) {
		if f = strings.Trim(f, ".,!?;:\"'()"); f != "" {
			set[f] = true
		}
	}
	return set
}

// rerank answers POST /rerank: each document scores the share of the
// query's words it contains (0 to 1); results are best first (ties in
// document order), cut to top_n, with the document text when
// return_documents is set.
func (s *Server) rerank(w http.ResponseWriter, req *Request) {
	var p struct {
		Model           string   `json:"model"`
		Query           string   `json:"query"`
		Documents       []string `json:"documents"`
		TopN            int      `json:"top_n"`
		ReturnDocuments bool     `json:"return_documents"`
	}
	if !decodeJSON(w, req, &p) || !needModel(w, p.Model) {
		return
	}
	if p.Query == "" || len(p.Documents) == 0 {
		writeError(w, 400, "1214", "query and documents cannot be empty")
		return
	}
	q := wordSet(p.Query)
	type scored struct {
		index int
		score float64
	}
	var all []scored
	tokens := words(p.Query)
	for i, d := range p.Documents {
		n := 0
		for word := range wordSet(d) {
			if q[word] {
				n++
			}
		}
		all = append(all, scored{i, float64(n) / float64(max(len(q), 1))})
		tokens += words(d)
	}
	slices.SortStableFunc(all, func(a, b scored) int { return cmp.Compare(b.score, a.score) })
	if p.TopN > 0 && p.TopN < len(all) {
		all = all[:p.TopN]
	}
	results := []any{}
	for _, r := range all {
		res := map[string]any{"index": r.index, "relevance_score": r.score}
		if p.ReturnDocuments {
			res["document"] = p.Documents[r.index]
		}
		results = append(results, res)
	}
	id := w.Header().Get("X-Log-Id")
	writeJSON(w, map[string]any{"created": Created, "id": id, "request_id": id, "results": results,
		"usage": map[string]int{"prompt_tokens": tokens, "total_tokens": tokens}})
}

// tokenizer answers POST /tokenizer: prompt_tokens as chat counts them (the
// words of each message, plus one), 256 image tokens per image part and
// 1024 video tokens per video part.
func (s *Server) tokenizer(w http.ResponseWriter, req *Request) {
	var p struct {
		Model    string `json:"model"`
		Messages []struct {
			Content json.RawMessage `json:"content"`
		} `json:"messages"`
	}
	if !decodeJSON(w, req, &p) || !needModel(w, p.Model) {
		return
	}
	if len(p.Messages) == 0 {
		writeError(w, 400, "1214", "messages cannot be empty")
		return
	}
	prompt, images, videos := 0, 0, 0
	for _, m := range p.Messages {
		prompt++
		var text string
		if json.Unmarshal(m.Content, &text) == nil {
			prompt += words(text)
			continue
		}
		var parts []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		}
		json.Unmarshal(m.Content, &parts)
		for _, part := range parts {
			switch part.Type {
			case "image_url":
				images += 256
			case "video_url":
				videos += 1024
			default:
				prompt += words(part.Text)
			}
		}
	}
	id := w.Header().Get("X-Log-Id")
	writeJSON(w, map[string]any{"created": Created, "id": id, "request_id": id, "usage": map[string]int{
		"prompt_tokens": prompt, "image_tokens": images, "video_tokens": videos, "total_tokens": prompt + images + videos}})
}

// reader answers POST /reader: a page titled "Page at <host>" whose content
// is "# Page at <host>" and a line naming the URL (plain text, without the
// heading marks, with return_format "text").
func (s *Server) reader(w http.ResponseWriter, req *Request) {
	var p struct {
		URL          string `json:"url"`
		ReturnFormat string `json:"return_format"`
	}
	if !decodeJSON(w, req, &p) {
		return
	}
	u, err := url.Parse(p.URL)
	if p.URL == "" || err != nil || u.Host == "" {
		writeError(w, 400, "1214", "url is not a valid URL")
		return
	}
	title := "Page at " + u.Host
	content := "# " + title + "\n\nThe content of " + p.URL + "."
	if p.ReturnFormat == "text" {
		content = title + "\n\nThe content of " + p.URL + "."
	}
	id := w.Header().Get("X-Log-Id")
	writeJSON(w, map[string]any{"id": id, "created": Created, "request_id": id, "model": "reader",
		"reader_result": map[string]any{"content": content, "title": title, "description": "A page served by zaitest.",
			"url": p.URL, "metadata": map[string]any{"description": "A page served by zaitest."}}})
}

// modelIDs lists the models GET /models answers, in order. The created
// times of glm-4.5, glm-4.7 and glm-5.3 are the recorded ones.
var modelIDs = []string{"glm-4.5", "glm-4.5-air", "glm-4.6", "glm-4.7", "glm-4.7-flash", "glm-5.1", "glm-5.3"}

var modelCreated = map[string]int64{
	"glm-4.5": 1753632000, "glm-4.5-air": 1753632000, "glm-4.6": 1759190400,
	"glm-4.7": 1766332800, "glm-4.7-flash": 1766332800, "glm-5.1": 1776643200, "glm-5.3": 1786636800,
}

// models answers GET /models.
func (s *Server) models(w http.ResponseWriter, req *Request) {
	data := []any{}
	for _, id := range modelIDs {
		data = append(data, map[string]any{"id": id, "object": "model", "created": cmp.Or(modelCreated[id], Created), "owned_by": "z-ai"})
	}
	writeJSON(w, map[string]any{"object": "list", "data": data})
}
