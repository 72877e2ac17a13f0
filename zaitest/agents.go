package zaitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strings"
)

// agentJob is an asynchronous agent task (video effects).
type agentJob struct {
	agentID string
	polls   int
}

// conversation is a slides conversation.
type conversation struct {
	prompt string
	pages  int
}

type agentItem struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	ImageURL string `json:"image_url"`
}

// agentItems decodes message content: a list of items, one item, or a
// string.
func agentItems(raw json.RawMessage) []agentItem {
	raw = bytes.TrimSpace(raw)
	var list []agentItem
	switch {
	case len(raw) == 0:
	case raw[0] == '[':
		json.Unmarshal(raw, &list)
	case raw[0] == '{':
		var one agentItem
		json.Unmarshal(raw, &one)
		list = []agentItem{one}
	case raw[0] == '"':
		var s string
		json.Unmarshal(raw, &s)
		list = []agentItem{{Type: "text", Text: s}}
	}
	return list
}

type agentRequest struct {
	AgentID  string `json:"agent_id"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	CustomVariables map[string]any `json:"custom_variables"`
	ConversationID  string         `json:"conversation_id"`
	AsyncID         string         `json:"async_id"`
	Stream          bool           `json:"stream"`
}

// lastUser returns the items of the last user message.
func (a *agentRequest) lastUser() []agentItem {
	for i := len(a.Messages) - 1; i >= 0; i-- {
		if a.Messages[i].Role == "user" {
			return agentItems(a.Messages[i].Content)
		}
	}
	return nil
}

func itemsText(items []agentItem) string {
	var parts []string
	for _, it := range items {
		if it.Text != "" {
			parts = append(parts, it.Text)
		}
	}
	return strings.Join(parts, " ")
}

func (a *agentRequest) variable(name string) string {
	s, _ := a.CustomVariables[name].(string)
	return s
}

// agentFailure writes an agent failure the way the API does: HTTP 200 and
// status "failed".
func agentFailure(w http.ResponseWriter, agentID, code, msg string) {
	writeJSON(w, map[string]any{"id": w.Header().Get("X-Log-Id"), "agent_id": agentID, "status": "failed",
		"error": map[string]string{"code": code, "message": msg}})
}

func agentMessage(phase string, content ...map[string]any) map[string]any {
	m := map[string]any{"role": "assistant", "content": content}
	if phase != "" {
		m["phase"] = phase
	}
	return m
}

func textItem(s string) map[string]any { return map[string]any{"type": "text", "text": s} }

// agentInvoke answers POST /v1/agents for the agents the SDK types:
//
//   - general_translation: the text in the target language (zh-CN by
//     default) when the phrasebook has it, else "[<target_lang>] <text>",
//     whole or streamed word by word;
//   - vidu_template_agent: status "pending" and an async_id (custom
//     variable "template" required);
//   - slides_glm_agent: a thinking, a tool (insert_page) and an answer phase,
//     streamed or whole, in a conversation that GetConversation exports.
//
// Any other agent, or no messages, fails with HTTP 200 and code 400.
func (s *Server) agentInvoke(w http.ResponseWriter, req *Request) {
	var a agentRequest
	if !decodeJSON(w, req, &a) {
		return
	}
	if len(a.Messages) == 0 {
		agentFailure(w, a.AgentID, "400", "messages cannot be empty")
		return
	}
	stream := a.Stream && !req.forceJSON
	id := w.Header().Get("X-Log-Id")
	switch a.AgentID {
	case "general_translation":
		text := itemsText(a.lastUser())
		target := a.variable("target_lang")
		if target == "" {
			target = "zh-CN"
		}
		out, ok := translate(text, target)
		if !ok {
			out = fmt.Sprintf("[%s] %s", target, text)
		}
		usage := map[string]int{"prompt_tokens": words(text) + 1, "completion_tokens": words(out),
			"total_tokens": words(text) + 1 + words(out), "total_calls": 1}
		if !stream {
			writeJSON(w, map[string]any{"id": id, "agent_id": a.AgentID, "status": "success", "usage": usage,
				"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
					"messages": map[string]any{"role": "assistant", "content": textItem(out)}}}})
			return
		}
		startStream(w)
		for _, piece := range splitWords(out) {
			writeEvent(w, map[string]any{"id": id, "agent_id": a.AgentID, "choices": []any{map[string]any{"index": 0,
				"delta": map[string]any{"role": "assistant", "content": textItem(piece)}}}})
		}
		writeEvent(w, map[string]any{"id": id, "agent_id": a.AgentID, "status": "success", "usage": usage,
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
				"delta": map[string]any{"role": "assistant", "content": textItem("")}}}})
		writeEvent(w, "[DONE]")
	case "vidu_template_agent":
		if a.variable("template") == "" {
			agentFailure(w, a.AgentID, "400", "custom_variables is required")
			return
		}
		async := s.seq("async")
		s.mu.Lock()
		s.agentJobs[async] = &agentJob{agentID: a.AgentID}
		s.mu.Unlock()
		writeJSON(w, map[string]any{"id": id, "agent_id": a.AgentID, "async_id": async, "status": "pending"})
	case "slides_glm_agent":
		s.slides(w, id, &a, stream)
	default:
		agentFailure(w, a.AgentID, "400", fmt.Sprintf("agent_id %q is not supported by zaitest", a.AgentID))
	}
}

// slides runs the slides agent: one slide per call, added to the
// conversation.
func (s *Server) slides(w http.ResponseWriter, id string, a *agentRequest, stream bool) {
	prompt := itemsText(a.lastUser())
	s.mu.Lock()
	conv := s.convs[a.ConversationID]
	if conv == nil {
		if a.ConversationID == "" {
			a.ConversationID = s.seqLocked("conv")
		}
		conv = &conversation{prompt: prompt}
		s.convs[a.ConversationID] = conv
	}
	conv.pages++
	page := conv.pages
	s.mu.Unlock()
	slide := fmt.Sprintf("<html><body><h1>%s</h1><p>Slide %d</p></body></html>", html.EscapeString(prompt), page)
	msgs := []map[string]any{
		agentMessage("thinking", map[string]any{"type": "text", "tag_cn": "思考", "tag_en": "thinking", "text": "Planning slide " + fmt.Sprint(page) + ": " + prompt}),
		agentMessage("tool", map[string]any{"type": "object", "tag_cn": "插入页面", "tag_en": "insert page", "object": map[string]any{
			"tool_name": "insert_page", "input": fmt.Sprintf("page %d", page), "output": slide, "position": []int{page}}}),
		agentMessage("answer", textItem(fmt.Sprintf("Slide %d is ready: %s", page, prompt))),
	}
	base := func() map[string]any {
		return map[string]any{"id": id, "agent_id": a.AgentID, "conversation_id": a.ConversationID}
	}
	if !stream {
		out := base()
		out["status"] = "success"
		out["choices"] = []any{map[string]any{"index": 0, "finish_reason": "stop", "message": msgs}}
		writeJSON(w, out)
		return
	}
	startStream(w)
	for i, m := range msgs {
		c := base()
		choice := map[string]any{"index": 0, "message": []any{m}}
		if i == len(msgs)-1 {
			choice["finish_reason"] = "stop"
			c["status"] = "success"
		}
		c["choices"] = []any{choice}
		writeEvent(w, c)
	}
	writeEvent(w, "[DONE]")
}

// agentAsyncResult answers POST /v1/agents/async-result: "pending" for
// WithTaskPolls polls, then "success" with the video URL
// https://zaitest.invalid/agents/<async_id>.mp4. An unknown async_id fails
// with HTTP 200 and code 400.
func (s *Server) agentAsyncResult(w http.ResponseWriter, req *Request) {
	var a agentRequest
	if !decodeJSON(w, req, &a) {
		return
	}
	s.mu.Lock()
	job := s.agentJobs[a.AsyncID]
	done := job != nil && job.polls >= s.taskPolls
	if job != nil {
		job.polls++
	}
	s.mu.Unlock()
	if job == nil || job.agentID != a.AgentID {
		agentFailure(w, a.AgentID, "400", fmt.Sprintf("async_id %q does not exist", a.AsyncID))
		return
	}
	out := map[string]any{"id": w.Header().Get("X-Log-Id"), "agent_id": a.AgentID, "async_id": a.AsyncID, "status": "pending"}
	if done {
		out["status"] = "success"
		out["choices"] = []any{map[string]any{"index": 0, "finish_reason": "stop", "message": []any{agentMessage("",
			map[string]any{"type": "video_url", "video_url": "https://zaitest.invalid/agents/" + a.AsyncID + ".mp4"})}}}
	}
	writeJSON(w, out)
}

// agentConversation answers POST /v1/agents/conversation for a slides
// conversation: a .pptx file_url (and a .pdf with include_pdf), and one
// image_url per slide.
func (s *Server) agentConversation(w http.ResponseWriter, req *Request) {
	var a agentRequest
	if !decodeJSON(w, req, &a) {
		return
	}
	s.mu.Lock()
	conv := s.convs[a.ConversationID]
	pages := 0
	if conv != nil {
		pages = conv.pages
	}
	s.mu.Unlock()
	if conv == nil || a.AgentID != "slides_glm_agent" {
		agentFailure(w, a.AgentID, "400", fmt.Sprintf("conversation_id %q does not exist", a.ConversationID))
		return
	}
	base := "https://zaitest.invalid/agents/" + a.ConversationID
	items := []map[string]any{{"type": "file_url", "tag_cn": "文件", "tag_en": "file", "file_url": base + ".pptx"}}
	if pdf, _ := a.CustomVariables["include_pdf"].(bool); pdf {
		items = append(items, map[string]any{"type": "file_url", "tag_cn": "文件", "tag_en": "file", "file_url": base + ".pdf"})
	}
	for p := 1; p <= pages; p++ {
		items = append(items, map[string]any{"type": "image_url", "tag_cn": "图片", "tag_en": "image", "image_url": fmt.Sprintf("%s/%d.png", base, p)})
	}
	writeJSON(w, map[string]any{"id": w.Header().Get("X-Log-Id"), "conversation_id": a.ConversationID, "agent_id": a.AgentID,
		"status": "success", "choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": []any{agentMessage("", items...)}}}})
}

// AgentPhase is a slides-agent stream event: one message in phase
// ("thinking", "tool" or "answer") with a text item. An "answer" event
// carries finish_reason "stop" and status "success".
func AgentPhase(phase, text string) any {
	choice := map[string]any{"index": 0, "message": []any{agentMessage(phase, textItem(text))}}
	c := map[string]any{"id": "zaitest-stream", "agent_id": "slides_glm_agent", "choices": []any{choice}}
	if phase == "answer" {
		choice["finish_reason"] = "stop"
		c["status"] = "success"
	}
	return c
}

// phrasebook holds a few sentences in several languages, so that the
// translation agent's default answer reads like a translation.
var phrasebook = []map[string]string{
	{"en": "Good morning", "zh-CN": "早上好", "fr": "Bonjour", "de": "Guten Morgen", "es": "Buenos días", "ja": "おはようございます"},
	{"en": "Thank you", "zh-CN": "谢谢", "fr": "Merci", "de": "Danke", "es": "Gracias", "ja": "ありがとうございます"},
	{"en": "Where is the train station?", "zh-CN": "火车站在哪里？", "fr": "Où est la gare ?", "de": "Wo ist der Bahnhof?", "es": "¿Dónde está la estación de tren?", "ja": "駅はどこですか？"},
	{"en": "The quick brown fox jumps over the lazy dog.", "zh-CN": "敏捷的棕色狐狸跳过了那只懒狗。",
		"fr": "Le renard brun rapide saute par-dessus le chien paresseux.", "de": "Der schnelle braune Fuchs springt über den faulen Hund.",
		"es": "El rápido zorro marrón salta sobre el perro perezoso.", "ja": "素早い茶色の狐がのろまな犬を飛び越える。"},
}

// translate finds text (in any language, case and surrounding space
// ignored) in the phrasebook and returns it in lang.
func translate(text, lang string) (string, bool) {
	text = strings.TrimSpace(text)
	for _, p := range phrasebook {
		for _, s := range p {
			if strings.EqualFold(s, text) {
				out, ok := p[lang]
				return out, ok
			}
		}
	}
	return "", false
}
