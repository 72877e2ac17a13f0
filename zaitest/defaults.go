package zaitest

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/zai-go/zai"
)

// authorized accepts "Bearer <key>", or a JWT signed with the key's secret
// whose api_key claim is the key's id and which has not expired; on the
// Coding Plan monitor (path /monitor/...) also either without "Bearer ".
func (s *Server) authorized(h, path string) bool {
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok && strings.HasPrefix(path, "/monitor/") {
		tok, ok = h, true // the Coding Plan plugins send the key bare
	}
	if !ok || tok == "" {
		return false
	}
	if tok == s.apiKey {
		return true
	}
	id, secret, ok := strings.Cut(s.apiKey, ".")
	parts := strings.Split(tok, ".")
	if !ok || len(parts) != 3 {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(parts[0] + "." + parts[1]))
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, mac.Sum(nil)) {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	var claims struct {
		APIKey string `json:"api_key"`
		Exp    int64  `json:"exp"`
	}
	if err != nil || json.Unmarshal(raw, &claims) != nil {
		return false
	}
	return claims.APIKey == id && claims.Exp > time.Now().UnixMilli()
}

// chatRequest is the part of a chat request the defaults look at.
type chatRequest struct {
	Model      string        `json:"model"`
	Messages   []zai.Message `json:"messages"`
	Stream     bool          `json:"stream"`
	Thinking   *zai.Thinking `json:"thinking"`
	Tools      []zai.Tool    `json:"tools"`
	ToolStream bool          `json:"tool_stream"`
}

// reply decides what the model says: a tool call when the caller offers a
// function tool and the last message is the user's, otherwise an echo.
func (c *chatRequest) reply() (content, reasoning string, call *zai.ToolCall) {
	last := zai.Message{}
	if n := len(c.Messages); n > 0 {
		last = c.Messages[n-1]
	}
	if c.Thinking == nil || c.Thinking.Type != zai.ThinkingTypeDisabled {
		reasoning = "The user wrote: " + quote(last.Content) + ". I will answer."
	}
	if last.Role == zai.RoleTool {
		return "The tool returned: " + last.Content, reasoning, nil
	}
	for _, t := range c.Tools {
		if t.Type == zai.ToolTypeFunction && t.Function != nil && last.Role == zai.RoleUser {
			args, _ := json.Marshal(exampleArgs(t.Function.Parameters, last.Content))
			return "", reasoning, &zai.ToolCall{ID: "call_zaitest_1", Type: "function",
				Function: zai.FunctionCall{Name: t.Function.Name, Arguments: string(args)}}
		}
	}
	return "Echo: " + last.Content, reasoning, nil
}

func quote(s string) string {
	if len(s) > 60 {
		s = s[:60] + "..."
	}
	return fmt.Sprintf("%q", s)
}

// exampleArgs fills the schema's required properties as a model would
// from the user's text: a string is the property's first enum value, else
// the user's last capitalised word after the first ("Paris" in "What is
// the weather in Paris?"), else the text's last word; a number is 1 and a
// boolean true.
func exampleArgs(schema any, text string) map[string]any {
	var sch struct {
		Properties map[string]struct {
			Type string `json:"type"`
			Enum []any  `json:"enum"`
		} `json:"properties"`
		Required []string `json:"required"`
	}
	b, _ := json.Marshal(schema)
	json.Unmarshal(b, &sch)
	out := map[string]any{}
	for _, name := range sch.Required {
		p := sch.Properties[name]
		switch {
		case len(p.Enum) > 0:
			out[name] = p.Enum[0]
		case p.Type == "number" || p.Type == "integer":
			out[name] = 1
		case p.Type == "boolean":
			out[name] = true
		default:
			out[name] = guessWord(text)
		}
	}
	return out
}

// guessWord picks the word of text a string argument most likely wants: the
// last capitalised word after the first, else the last word.
func guessWord(text string) string {
	var ws []string
	for _, w := range strings.Fields(text) {
		if w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }); w != "" {
			ws = append(ws, w)
		}
	}
	for i := len(ws) - 1; i > 0; i-- {
		if r, _ := utf8.DecodeRuneInString(ws[i]); unicode.IsUpper(r) {
			return ws[i]
		}
	}
	if len(ws) == 0 {
		return "zaitest"
	}
	return ws[len(ws)-1]
}

// refusedSchema reports whether a tool's parameters use a keyword GLM
// answers with HTTP 500, code 1234: $ref, anyOf or oneOf, at any depth (a
// property may be called so).
func refusedSchema(node any, propertyNames bool) bool {
	switch n := node.(type) {
	case map[string]any:
		for k, v := range n {
			if !propertyNames && (k == "$ref" || k == "anyOf" || k == "oneOf") {
				return true
			}
			if refusedSchema(v, !propertyNames && (k == "properties" || k == "patternProperties" || k == "$defs" || k == "definitions")) {
				return true
			}
		}
	case []any:
		for _, v := range n {
			if refusedSchema(v, false) {
				return true
			}
		}
	}
	return false
}

func words(s string) int { return len(strings.Fields(s)) }

// apiError is an error answer: the HTTP status and the envelope's code and
// message.
type apiError struct {
	status        int
	code, message string
}

func (e *apiError) write(w http.ResponseWriter) { writeError(w, e.status, e.code, e.message) }

// parseChat reads and checks a chat request as the API does.
func parseChat(body []byte) (*chatRequest, *apiError) {
	var c chatRequest
	if err := json.Unmarshal(body, &c); err != nil {
		return nil, &apiError{400, "1210", "Incorrect API call parameters: " + err.Error()}
	}
	if c.Model == "" {
		return nil, &apiError{400, "1211", "Unknown Model, please check the model code."}
	}
	if len(c.Messages) == 0 {
		return nil, &apiError{400, "1214", "messages cannot be empty"}
	}
	for _, t := range c.Tools {
		if t.Function != nil && refusedSchema(t.Function.Parameters, false) {
			return nil, &apiError{500, "1234", "Network error, error id zaitest-tool-schema"}
		}
	}
	return &c, nil
}

// completion is the non-streaming chat.completion body for c.
func completion(id string, c *chatRequest) map[string]any {
	content, reasoning, call := c.reply()
	msg := map[string]any{"role": "assistant", "content": content}
	if reasoning != "" {
		msg["reasoning_content"] = reasoning
	}
	finish := "stop"
	if call != nil {
		msg["tool_calls"] = []any{toolCallWire(call, call.Function.Arguments)}
		finish = "tool_calls"
	}
	return map[string]any{
		"choices": []any{map[string]any{"finish_reason": finish, "index": 0, "message": msg}},
		"created": Created, "id": id, "model": c.Model, "object": "chat.completion", "request_id": id,
		"usage": usageFor(c, content, reasoning),
	}
}

func (s *Server) chat(w http.ResponseWriter, req *Request) {
	c, e := parseChat(req.Body)
	if e != nil {
		e.write(w)
		return
	}
	id := w.Header().Get("X-Log-Id")
	if c.Stream && !req.forceJSON {
		content, reasoning, call := c.reply()
		s.chatStream(w, id, c, content, reasoning, call, usageFor(c, content, reasoning))
		return
	}
	writeJSON(w, completion(id, c))
}

func usageFor(c *chatRequest, content, reasoning string) map[string]any {
	prompt := 0
	for _, m := range c.Messages {
		prompt += words(m.Content) + 1
	}
	completion := words(content) + words(reasoning)
	return map[string]any{
		"completion_tokens": completion, "completion_tokens_details": map[string]int{"reasoning_tokens": words(reasoning)},
		"prompt_tokens": prompt, "prompt_tokens_details": map[string]int{"cached_tokens": 0}, "total_tokens": prompt + completion,
	}
}

func toolCallWire(call *zai.ToolCall, args string) map[string]any {
	return map[string]any{"id": call.ID, "index": 0, "type": "function",
		"function": map[string]any{"name": call.Function.Name, "arguments": args}}
}

// chatStream sends the reply as the live API does: a delta per word with
// "role":"assistant" on each, the finish reason and usage on the last chunk,
// then [DONE].
func (s *Server) chatStream(w http.ResponseWriter, id string, c *chatRequest, content, reasoning string, call *zai.ToolCall, usage map[string]any) {
	startStream(w)
	chunk := func(delta map[string]any, extra map[string]any) map[string]any {
		delta["role"] = "assistant"
		choice := map[string]any{"index": 0, "delta": delta}
		ch := map[string]any{"id": id, "created": Created, "object": "chat.completion.chunk", "model": c.Model,
			"choices": []any{choice}}
		for k, v := range extra {
			if k == "finish_reason" {
				choice[k] = v
			} else {
				ch[k] = v
			}
		}
		return ch
	}
	for _, piece := range splitWords(reasoning) {
		writeEvent(w, chunk(map[string]any{"reasoning_content": piece}, nil))
	}
	for _, piece := range splitWords(content) {
		writeEvent(w, chunk(map[string]any{"content": piece}, nil))
	}
	finish := "stop"
	if call != nil {
		finish = "tool_calls"
		if c.ToolStream {
			// Arguments in fragments, keyed by index, as with tool_stream.
			args := call.Function.Arguments
			first := toolCallWire(call, "")
			writeEvent(w, chunk(map[string]any{"tool_calls": []any{first}}, nil))
			for i := 0; i < len(args); i += 8 {
				frag := map[string]any{"index": 0, "function": map[string]any{"arguments": args[i:min(i+8, len(args))]}}
				writeEvent(w, chunk(map[string]any{"tool_calls": []any{frag}}, nil))
			}
		} else {
			writeEvent(w, chunk(map[string]any{"tool_calls": []any{toolCallWire(call, call.Function.Arguments)}}, nil))
		}
	}
	writeEvent(w, chunk(map[string]any{"content": ""}, map[string]any{"finish_reason": finish, "usage": usage}))
	writeEvent(w, "[DONE]")
}

// splitWords splits s into words that keep their leading space, so joining
// them gives s back.
func splitWords(s string) []string {
	var out []string
	start := 0
	for i := 1; i < len(s); i++ {
		if s[i] == ' ' && s[i-1] != ' ' {
			out = append(out, s[start:i])
			start = i
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// task is an async task that succeeds after some polls.
type task struct {
	kind   string
	model  string
	polls  int
	result map[string]any
}

func (s *Server) submit(w http.ResponseWriter, req *Request, kind string) {
	var p struct {
		Model    string        `json:"model"`
		Prompt   string        `json:"prompt"`
		ImageURL any           `json:"image_url"`
		Messages []zai.Message `json:"messages"`
	}
	if err := json.Unmarshal(req.Body, &p); err != nil {
		writeError(w, 400, "1210", "Incorrect API call parameters: "+err.Error())
		return
	}
	if p.Model == "" {
		writeError(w, 400, "1211", "Unknown Model, please check the model code.")
		return
	}
	if kind == "chat" {
		if _, e := parseChat(req.Body); e != nil {
			e.write(w)
			return
		}
	}
	id := w.Header().Get("X-Log-Id")
	t := &task{kind: kind, model: p.Model}
	switch kind {
	case "chat":
		c := chatRequest{Model: p.Model, Messages: p.Messages}
		content, reasoning, _ := c.reply()
		t.result = map[string]any{
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
				"message": map[string]any{"role": "assistant", "content": content, "reasoning_content": reasoning}}},
			"usage": usageFor(&c, content, reasoning),
		}
	case "image":
		t.result = map[string]any{"image_result": []any{map[string]string{"url": imageURL(p.Prompt)}}}
	case "video":
		t.result = map[string]any{"video_result": []any{map[string]string{
			"url": "https://zaitest.invalid/videos/" + id + ".mp4", "cover_image_url": "https://zaitest.invalid/videos/" + id + ".jpg"}}}
	}
	s.mu.Lock()
	s.tasks[id] = t
	s.mu.Unlock()
	writeJSON(w, map[string]any{"id": id, "request_id": id, "model": p.Model, "task_status": "PROCESSING"})
}

func (s *Server) poll(w http.ResponseWriter, id string) {
	s.mu.Lock()
	t, ok := s.tasks[id]
	done := ok && t.polls >= s.taskPolls
	if ok {
		t.polls++
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "1222", "task "+id+" does not exist")
		return
	}
	out := map[string]any{"id": id, "request_id": id, "model": t.model, "task_status": "PROCESSING"}
	if done {
		out["task_status"] = "SUCCESS"
		for k, v := range t.result {
			out[k] = v
		}
	}
	writeJSON(w, out)
}

func imageURL(prompt string) string {
	h := fnv.New32a()
	h.Write([]byte(prompt))
	return fmt.Sprintf("https://zaitest.invalid/images/%08x.png", h.Sum32())
}

func (s *Server) embeddings(w http.ResponseWriter, req *Request) {
	var p struct {
		Model      string          `json:"model"`
		Input      json.RawMessage `json:"input"`
		Dimensions int             `json:"dimensions"`
	}
	json.Unmarshal(req.Body, &p)
	var inputs []string
	if json.Unmarshal(p.Input, &inputs) != nil {
		var one string
		if json.Unmarshal(p.Input, &one) != nil || one == "" {
			writeError(w, 400, "1214", "Input cannot be empty")
			return
		}
		inputs = []string{one}
	}
	dims := p.Dimensions
	if dims <= 0 {
		dims = 256
	}
	data := make([]any, len(inputs))
	tokens := 0
	for i, in := range inputs {
		data[i] = map[string]any{"index": i, "object": "embedding", "embedding": vector(in, dims)}
		tokens += words(in)
	}
	writeJSON(w, map[string]any{"model": p.Model, "object": "list", "data": data,
		"usage": map[string]int{"prompt_tokens": tokens, "completion_tokens": 0, "total_tokens": tokens}})
}

// vector embeds text as a normalised bag of hashed words, so texts that
// share words are similar.
func vector(text string, dims int) []float64 {
	v := make([]float64, dims)
	for _, word := range strings.Fields(strings.ToLower(text)) {
		h := fnv.New32a()
		h.Write([]byte(strings.Trim(word, ".,!?;:\"'")))
		v[int(h.Sum32())%dims]++
	}
	var norm float64
	for _, x := range v {
		norm += x * x
	}
	if norm > 0 {
		norm = math.Sqrt(norm)
		for i := range v {
			v[i] /= norm
		}
	}
	return v
}

// searchPages are the pages the search defaults find for query: min(n, 3)
// of them (3 when n is not positive), the same for /web_search and /tools.
func searchPages(query string, n int) []map[string]any {
	if n <= 0 || n > 3 {
		n = 3
	}
	pages := make([]map[string]any, n)
	for i := range pages {
		pages[i] = map[string]any{"title": fmt.Sprintf("Result %d for %s", i+1, query),
			"content": "A page about " + query + ".", "link": fmt.Sprintf("https://zaitest.invalid/search/%d", i+1),
			"media": "zaitest", "icon": "", "refer": fmt.Sprintf("ref_%d", i+1)}
	}
	return pages
}

func (s *Server) webSearch(w http.ResponseWriter, req *Request) {
	var p struct {
		SearchQuery string `json:"search_query"`
		Count       int    `json:"count"`
	}
	json.Unmarshal(req.Body, &p)
	if p.SearchQuery == "" {
		writeError(w, 400, "1214", "search_query cannot be empty")
		return
	}
	results := []any{}
	for _, page := range searchPages(p.SearchQuery, p.Count) {
		page["publish_date"] = "2026-01-01"
		results = append(results, page)
	}
	id := w.Header().Get("X-Log-Id")
	writeJSON(w, map[string]any{"id": id, "created": Created, "request_id": id,
		"search_intent": []any{map[string]any{"query": p.SearchQuery, "intent": "SEARCH_ALL", "keywords": p.SearchQuery}},
		"search_result": results})
}

// webSearchPro answers POST /tools (tool web-search-pro): the search of the
// last user message as three tool calls of a "tool" message, an intent
// (call_1), the pages /web_search finds (call_2) and a recommended query
// "More about <query>" (call_3). Streamed, one call per chunk, the intent
// and the recommendation as single objects as the live stream sends them,
// finish_reason "stop" on the last, then [DONE].
func (s *Server) webSearchPro(w http.ResponseWriter, req *Request) {
	var p struct {
		Tool      string `json:"tool"`
		RequestID string `json:"request_id"`
		Stream    bool   `json:"stream"`
		Messages  []struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"messages"`
	}
	if !decodeJSON(w, req, &p) {
		return
	}
	if p.Tool != "web-search-pro" {
		writeError(w, 400, "1214", fmt.Sprintf("tool %q is not supported", p.Tool))
		return
	}
	query := ""
	for _, m := range p.Messages {
		if m.Role == "user" {
			query = strings.TrimSpace(m.Content)
		}
	}
	if query == "" {
		writeError(w, 400, "1214", "messages must hold a user question")
		return
	}
	intent := map[string]any{"index": 0, "query": query, "intent": "SEARCH_ALL", "keywords": strings.ToLower(query)}
	pages := []any{}
	for _, page := range searchPages(query, 3) {
		page["index"] = 0
		pages = append(pages, page)
	}
	recommend := map[string]any{"index": 0, "query": "More about " + query}
	id := w.Header().Get("X-Log-Id")
	if !p.Stream || req.forceJSON {
		writeJSON(w, map[string]any{"id": id, "created": Created, "request_id": cmp.Or(p.RequestID, id),
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "tool",
				"tool_calls": []any{
					map[string]any{"id": "call_1", "type": "search_intent", "search_intent": []any{intent}},
					map[string]any{"id": "call_2", "type": "search_result", "search_result": pages},
					map[string]any{"id": "call_3", "type": "search_recommend", "search_recommend": []any{recommend}},
				}}}}})
		return
	}
	calls := []map[string]any{
		{"index": 0, "id": "call_1", "type": "search_intent", "search_intent": intent},
		{"index": 1, "id": "call_2", "type": "search_result", "search_result": pages},
		{"index": 2, "id": "call_3", "type": "search_recommend", "search_recommend": recommend},
	}
	startStream(w)
	for i, c := range calls {
		choice := map[string]any{"index": 0, "delta": map[string]any{"role": "tool", "tool_calls": []any{c}}}
		if i == len(calls)-1 {
			choice["finish_reason"] = "stop"
		}
		writeEvent(w, map[string]any{"id": id, "created": Created, "choices": []any{choice}})
	}
	writeEvent(w, "[DONE]")
}

// Chunk builders for ReplyStream. Each returns one chat.completion.chunk in
// the live API's shape.

// Text is a chunk whose delta carries content.
func Text(s string) any { return chunk(map[string]any{"content": s}, "") }

// Reasoning is a chunk whose delta carries reasoning_content.
func Reasoning(s string) any { return chunk(map[string]any{"reasoning_content": s}, "") }

// ToolCallChunk is a chunk with one tool-call fragment. Give id and name on
// the first fragment of a call and only arguments on the rest.
func ToolCallChunk(index int, id, name, arguments string) any {
	tc := map[string]any{"index": index, "function": map[string]any{"arguments": arguments}}
	if id != "" {
		tc["id"], tc["type"] = id, "function"
	}
	if name != "" {
		tc["function"].(map[string]any)["name"] = name
	}
	return chunk(map[string]any{"tool_calls": []any{tc}}, "")
}

// Finish is the last chunk: the finish reason and the usage.
func Finish(reason zai.FinishReason, promptTokens, completionTokens int) any {
	c := chunk(map[string]any{"content": ""}, string(reason))
	c["usage"] = map[string]any{"prompt_tokens": promptTokens, "completion_tokens": completionTokens,
		"total_tokens": promptTokens + completionTokens}
	return c
}

func chunk(delta map[string]any, finish string) map[string]any {
	delta["role"] = "assistant"
	choice := map[string]any{"index": 0, "delta": delta}
	if finish != "" {
		choice["finish_reason"] = finish
	}
	return map[string]any{"id": "zaitest-stream", "created": Created, "object": "chat.completion.chunk",
		"model": "zaitest", "choices": []any{choice}}
}
