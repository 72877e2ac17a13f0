package zai_test

import (
	"context"
	"testing"

	"github.com/zai-go/zai"
)

// Where the official sources disagree and no live check settled it, the SDK
// keeps its choice and WithExtraBody sends the other one
// (shared/reference/parity-turn3.md §2 #16, #23, #30).

// Chat web_search.search_intent: a bool by default; the string form of the
// BigModel document and the Java SDK through the whole "tools" member.
func TestExtraBodySendsSearchIntentAsString(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(`{"id":"c1","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"ok"}}]}`))
	req := zai.ChatCompletionRequest{Model: zai.ModelGLM4_7, Messages: []zai.Message{zai.UserMessage("news?")},
		Tools: []zai.Tool{zai.WebSearchTool(zai.WebSearch{SearchEngine: zai.SearchEngineProJina, SearchIntent: zai.Ptr(true)})}}
	if _, err := client.Chat.Completions.Create(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if got := searchIntent(t, rec.last(t).Body); got != true {
		t.Fatalf("default search_intent %#v, want the bool true", got)
	}
	tools := []any{map[string]any{"type": "web_search", "web_search": map[string]any{"search_engine": "search_pro_jina", "search_intent": "true"}}}
	if _, err := client.Chat.Completions.Create(context.Background(), req, zai.WithExtraBody(map[string]any{"tools": tools})); err != nil {
		t.Fatal(err)
	}
	if got := searchIntent(t, rec.last(t).Body); got != "true" {
		t.Fatalf("overridden search_intent %#v, want the string \"true\"", got)
	}
}

func searchIntent(t *testing.T, body []byte) any {
	t.Helper()
	tools, _ := decodeBody(t, body)["tools"].([]any)
	if len(tools) != 1 {
		t.Fatalf("tools in %s", body)
	}
	ws, _ := tools[0].(map[string]any)["web_search"].(map[string]any)
	return ws["search_intent"]
}

// web-search-pro: "tool" by default; the SDKs' "model" key added with
// WithExtraBody.
func TestExtraBodySendsWebSearchProModelKey(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/web_search_pro_response.json", "application/json"))
	req := zai.WebSearchProRequest{Messages: []zai.WebSearchProMessage{{Role: "user", Content: "golang"}}}
	if _, err := client.WebSearch.SearchPro(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if m := decodeBody(t, rec.last(t).Body); m["tool"] != zai.WebSearchProTool || m["model"] != nil {
		t.Fatalf("default body %v", m)
	}
	if _, err := client.WebSearch.SearchPro(context.Background(), req, zai.WithExtraBody(map[string]any{"model": zai.WebSearchProTool})); err != nil {
		t.Fatal(err)
	}
	if m := decodeBody(t, rec.last(t).Body); m["tool"] != zai.WebSearchProTool || m["model"] != zai.WebSearchProTool {
		t.Fatalf("body %v", m)
	}
}

// The JSON upload_detail body: POST /files by default (Files.UploadURLs),
// the BigModel document's route through Knowledge.Documents.UploadURLs;
// WithExtraBody reaches both bodies.
func TestExtraBodyReachesBothUploadDetailRoutes(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/files_knowledge_upload_response.json", "application/json"))
	extra := zai.WithExtraBody(map[string]any{"knowledge_id": "kb_2", "file_name": "x"})
	if _, err := client.Files.UploadURLs(context.Background(), zai.FileURLUploadRequest{Purpose: zai.FilePurposeRetrieval, KnowledgeID: "kb_1",
		Details: []zai.FileUploadDetail{{URL: "https://example.com/a.pdf", KnowledgeType: 1}}}, extra); err != nil {
		t.Fatal(err)
	}
	got := rec.last(t)
	if m := decodeBody(t, got.Body); got.Path != "/api/paas/v4/files" || m["knowledge_id"] != "kb_2" || m["file_name"] != "x" {
		t.Fatalf("%s %v", got.Path, m)
	}

	rec, client = newRecorder(t, respondFile(t, "testdata/shapes/knowledge_upload_url.json", "application/json"))
	if _, err := client.Knowledge.Documents.UploadURLs(context.Background(), zai.KnowledgeURLUploadRequest{KnowledgeID: "kb_1",
		Details: []zai.KnowledgeURL{{URL: "https://example.com/a.pdf", KnowledgeType: zai.KnowledgeTypeTitleParagraph}}}, extra); err != nil {
		t.Fatal(err)
	}
	got = rec.last(t)
	if m := decodeBody(t, got.Body); got.Path != "/api/llm-application/open/document/upload_url" || m["knowledge_id"] != "kb_2" || m["file_name"] != "x" {
		t.Fatalf("%s %v", got.Path, m)
	}
}
