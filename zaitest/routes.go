package zaitest

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// routes lists every endpoint the server answers by default. Paths are as
// in Request.Path: relative to the base URL, or to the /api root for agents
// and the monitor. TestEveryRouteHasADefault checks that it covers every
// route the SDK sends to.
func (s *Server) routes() *http.ServeMux {
	m := http.NewServeMux()
	h := func(pattern string, f func(http.ResponseWriter, *Request)) { m.HandleFunc(pattern, s.handle(f)) }

	// Chat, async tasks, images, videos (defaults.go).
	h("POST /chat/completions", s.chat)
	h("POST /async/chat/completions", func(w http.ResponseWriter, r *Request) { s.submit(w, r, "chat") })
	h("POST /images/generations", s.images)
	h("POST /async/images/generations", func(w http.ResponseWriter, r *Request) { s.submit(w, r, "image") })
	h("POST /videos/generations", func(w http.ResponseWriter, r *Request) { s.submit(w, r, "video") })
	h("GET /async-result/{id}", func(w http.ResponseWriter, r *Request) { s.poll(w, r.pathValue("id")) })
	h("POST /embeddings", s.embeddings)
	h("POST /web_search", s.webSearch)
	h("POST /tools", s.webSearchPro)

	// Audio and voices (audio.go).
	h("POST /audio/transcriptions", s.transcribe)
	h("POST /audio/speech", s.speech)
	h("POST /audio/customization", s.speechCustom)
	h("POST /voice/clone", s.voiceClone)
	h("GET /voice/list", s.voiceList)
	h("POST /voice/delete", s.voiceDelete)

	// Files and batches (files.go).
	h("POST /files", s.fileUpload)
	h("GET /files", s.fileList)
	h("DELETE /files/{id}", s.fileDelete)
	h("GET /files/{id}/content", s.fileContent)
	h("POST /batches", s.batchCreate)
	h("GET /batches", s.batchList)
	h("GET /batches/{id}", s.batchGet)
	h("POST /batches/{id}/cancel", s.batchCancel)

	// OCR and the file parser (ocr.go).
	h("POST /layout_parsing", s.layoutParsing)
	h("POST /files/ocr", s.handwriting)
	h("POST /files/parser/create", s.parserCreate)
	h("GET /files/parser/result/{task}/{format}", s.parserResult)
	h("POST /files/parser/sync", s.parserSync)

	// Agents (agents.go).
	h("POST /v1/agents", s.agentInvoke)
	h("POST /v1/agents/async-result", s.agentAsyncResult)
	h("POST /v1/agents/conversation", s.agentConversation)

	// Tools (tools.go).
	h("POST /moderations", s.moderations)
	h("POST /rerank", s.rerank)
	h("POST /tokenizer", s.tokenizer)
	h("POST /reader", s.reader)
	h("GET /models", s.models)

	// The GLM Coding Plan monitor, under the /api root (monitor.go).
	h("GET /monitor/usage/quota/limit", s.quota)
	h("GET /monitor/usage/model-usage", s.modelUsage)
	h("GET /monitor/usage/tool-usage", s.toolUsage)
	h("POST /monitor/feedback/case", s.feedback)

	// BigModel knowledge bases, retrieval and the Q&A agent, under the
	// /api root (knowledge.go, knowledge_agent.go).
	h("POST /llm-application/open/knowledge", s.knowledgeCreate)
	h("GET /llm-application/open/knowledge", s.knowledgeList)
	h("GET /llm-application/open/knowledge/capacity", s.knowledgeCapacityGet)
	h("GET /llm-application/open/knowledge/{id}", s.knowledgeGet)
	h("PUT /llm-application/open/knowledge/{id}", s.knowledgeUpdate)
	h("DELETE /llm-application/open/knowledge/{id}", s.knowledgeDelete)
	h("POST /llm-application/open/knowledge/retrieve", s.knowledgeRetrieve)
	h("GET /llm-application/open/document", s.documentList)
	h("POST /llm-application/open/document/upload_document/{id}", s.documentUpload)
	h("POST /llm-application/open/document/upload_url", s.documentUploadURLs)
	h("GET /llm-application/open/document/{id}", s.documentGet)
	h("DELETE /llm-application/open/document/{id}", s.documentDelete)
	h("POST /llm-application/open/document/embedding/{id}", s.documentEmbed)
	h("POST /llm-application/open/document/slice/image_list/{id}", s.documentImages)
	h("POST /zrag/retrieval/retrieve", s.zragRetrieve)
	h("POST /zrag/agent/chat", s.qaAgent)

	h("/", func(w http.ResponseWriter, r *Request) {
		writeError(w, http.StatusNotFound, "1222", fmt.Sprintf("API %s %s does not exist in zaitest", r.Method, r.Path))
	})
	return m
}

func (s *Server) images(w http.ResponseWriter, req *Request) {
	var p struct{ Prompt string }
	json.Unmarshal(req.Body, &p)
	if p.Prompt == "" {
		writeError(w, 400, "1214", "prompt cannot be empty")
		return
	}
	writeJSON(w, map[string]any{"created": Created, "data": []any{map[string]string{"url": imageURL(p.Prompt)}},
		"content_filter": []any{map[string]any{"role": "assistant", "level": 3}}})
}

// decodeJSON reads a JSON request body, answering 400/1210 when it is not
// JSON.
func decodeJSON(w http.ResponseWriter, req *Request, v any) bool {
	if err := json.Unmarshal(req.Body, v); err != nil {
		writeError(w, 400, "1210", "Incorrect API call parameters: "+err.Error())
		return false
	}
	return true
}

// needModel answers 400/1211 when model is empty, as the API does for an
// unknown model.
func needModel(w http.ResponseWriter, model string) bool {
	if model == "" {
		writeError(w, 400, "1211", "Unknown Model, please check the model code.")
		return false
	}
	return true
}

// notFound answers 404 with code 1222 (as for an unknown task) for an id
// that names nothing.
func notFound(w http.ResponseWriter, what, id string) {
	writeError(w, http.StatusNotFound, "1222", fmt.Sprintf("%s %s does not exist", what, id))
}
