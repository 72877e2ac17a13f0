package zaitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// qaAgent answers POST /zrag/agent/chat, the Q&A agent, with the event
// stream of the BigModel OpenAPI document (AgentStreamEvent, camelCase
// inside data): session_created (for a new session), reasoning (with
// enable_thinking), a thought, a knowledge_search tool_call and its
// tool_result (the slices the store finds for the last user message), the
// answer word by word, then done with messageId and usage. The body ends
// after done, without [DONE]. An X-Session-Id the server did not make ends
// the stream with an error event; unknown knowledge bases are a 404 before
// it.
func (s *Server) qaAgent(w http.ResponseWriter, req *Request) {
	var p struct {
		Messages []struct {
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
		} `json:"messages"`
		Retrieval *struct {
			KnowIDs             []string `json:"know_ids"`
			TopK                int      `json:"top_k"`
			SimilarityThreshold *float64 `json:"similarity_threshold"`
		} `json:"retrieval"`
		EnableThinking bool `json:"enable_thinking"`
	}
	if !decodeApp(w, req, &p) {
		return
	}
	question := ""
	for _, m := range p.Messages {
		if m.Role == "user" {
			question = contentText(m.Content)
		}
	}
	if question == "" || p.Retrieval == nil || len(p.Retrieval.KnowIDs) == 0 {
		appError(w, 400, "a user message and retrieval.know_ids are required")
		return
	}
	threshold := 0.2
	if p.Retrieval.SimilarityThreshold != nil {
		threshold = *p.Retrieval.SimilarityThreshold
	}

	s.mu.Lock()
	docs, missing := s.docsOf(p.Retrieval.KnowIDs, nil)
	var hits []hit
	if missing == "" {
		hits = s.search(question, docs, cmpOrInt(p.Retrieval.TopK, 8), threshold)
	}
	session := req.Header.Get("X-Session-Id")
	created := session == ""
	if created {
		session = s.seqLocked("session")
		s.know.sessions[session] = 0
	}
	_, known := s.know.sessions[session]
	if known {
		s.know.sessions[session]++
	}
	message := s.seqLocked("msg")
	s.mu.Unlock()
	if missing != "" {
		appError(w, 404, fmt.Sprintf("knowledge base %s does not exist", missing))
		return
	}

	startStream(w)
	event := func(typ string, data any) {
		ev := map[string]any{"type": typ, "sessionId": session}
		if data != nil {
			ev["data"] = data
		}
		writeEvent(w, ev)
	}
	if !known {
		event("error", map[string]any{"message": fmt.Sprintf("session %s does not exist", session)})
		return
	}
	if created {
		event("session_created", nil)
	}
	reasoning := 0
	if p.EnableThinking {
		for _, piece := range []string{"The user asks: " + question + ". ", "I should search the knowledge base."} {
			event("reasoning", piece)
			reasoning += len(strings.Fields(piece))
		}
	}
	event("thought", "Search the knowledge base for: "+question)
	args := map[string]any{"query": question, "know_ids": p.Retrieval.KnowIDs}
	event("tool_call", map[string]any{"callId": "call_1", "toolName": "knowledge_search", "arguments": args})
	found := []any{}
	for _, h := range hits {
		found = append(found, map[string]any{"doc_id": h.doc.ID, "doc_name": h.doc.Name, "text": h.doc.Slices[h.index], "score": h.score})
	}
	event("tool_result", map[string]any{"callId": "call_1", "toolName": "knowledge_search", "result": found, "status": "success", "durationMs": 12})
	answer := fmt.Sprintf("The knowledge base has nothing about %q.", question)
	if len(hits) > 0 {
		answer = fmt.Sprintf("According to %s: %s", hits[0].doc.Name, hits[0].doc.Slices[hits[0].index])
	}
	words := strings.SplitAfter(answer, " ")
	for _, piece := range words {
		event("answer", piece)
	}
	prompt := len(strings.Fields(question)) + 20
	writeEvent(w, map[string]any{"type": "done", "sessionId": session, "messageId": message, "usage": map[string]any{
		"prompt_tokens": prompt, "completion_tokens": len(words) + reasoning, "total_tokens": prompt + len(words) + reasoning,
		"total_calls": 1, "prompt_tokens_details": map[string]any{"cached_tokens": 0},
		"completion_tokens_details": map[string]any{"reasoning_tokens": reasoning}}})
}

// contentText reads a message's text: a string, or the text parts of an
// array.
func contentText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	json.Unmarshal(raw, &parts)
	var texts []string
	for _, p := range parts {
		if p.Type == "text" {
			texts = append(texts, p.Text)
		}
	}
	return strings.Join(texts, " ")
}
