package zai_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/zai-go/zai"
)

const (
	fxChatMCPKnowledge       = "testdata/shapes/chat_mcp_knowledge.json"
	fxChatMCPKnowledgeStream = "testdata/shapes/chat_mcp_knowledge_stream.sse"
)

// fileAndExtraRequest sets the unified file part in each of its forms and
// the CodeGeeX extra field.
func fileAndExtraRequest() zai.ChatCompletionRequest {
	return zai.ChatCompletionRequest{
		Model: zai.ModelGLM5_3Flash,
		Messages: []zai.Message{
			zai.UserMessageParts(
				zai.TextPart("Summarise these."),
				zai.FilePart(zai.ChatFile{FileID: "file_123"}),
				zai.FilePart(zai.ChatFile{FileURL: "https://example.com/report.pdf", Filename: "report.pdf"}),
				zai.FilePart(zai.ChatFile{FileData: "data:text/plain;base64,aGVsbG8=", Filename: "hello.txt"}),
				zai.FileURLPart("https://example.com/legacy.pdf"),
			),
		},
		Extra: &zai.CodeGeeXExtra{
			Target: zai.CodeGeeXTarget{Path: "main.go", Language: "go", CodePrefix: "func add(a, b int) int {\n\t", CodeSuffix: "\n}"},
			Contexts: []zai.CodeGeeXContext{
				{Path: "util.go", Code: "package main\n"},
			},
		},
	}
}

func TestChatFilePartAndExtraGolden(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/recorded/chat_simple.json", "application/json"))
	if _, err := client.Chat.Completions.Create(context.Background(), fileAndExtraRequest()); err != nil {
		t.Fatal(err)
	}
	got := rec.last(t)
	assertGoldenJSON(t, "chat_file_part_extra.json", got.Body)

	var req zai.ChatCompletionRequest
	if err := json.Unmarshal(got.Body, &req); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(req.Messages[0].Parts, fileAndExtraRequest().Messages[0].Parts) || !reflect.DeepEqual(req.Extra, fileAndExtraRequest().Extra) {
		t.Fatalf("decoded %+v %+v", req.Messages[0].Parts, req.Extra)
	}
	again, _ := json.Marshal(req)
	assertSameJSON(t, got.Body, again)
}

// The tokenizer takes the same messages, file parts included.
func TestTokenizerFilePartGolden(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/tokenizer_response.json", "application/json"))
	_, err := client.Tokenizer.Count(context.Background(), zai.TokenizerRequest{
		Model: zai.ModelGLM4_6,
		Messages: []zai.Message{zai.UserMessageParts(
			zai.TextPart("How long is this?"),
			zai.FilePart(zai.ChatFile{FileURL: "https://example.com/report.pdf", Filename: "report.pdf"}),
		)},
	})
	if err != nil {
		t.Fatal(err)
	}
	assertGoldenJSON(t, "tokenizer_file_part.json", rec.last(t).Body)
}

func TestChatFilePartAndExtraRefused(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/recorded/chat_simple.json", "application/json"))
	user := func(parts ...zai.ContentPart) []zai.Message { return []zai.Message{zai.UserMessageParts(parts...)} }
	for name, req := range map[string]zai.ChatCompletionRequest{
		"file part without a file": {Model: "m", Messages: user(zai.ContentPart{Type: zai.PartTypeFile})},
		"file with no source":      {Model: "m", Messages: user(zai.FilePart(zai.ChatFile{Filename: "a.pdf"}))},
		"file with two sources":    {Model: "m", Messages: user(zai.FilePart(zai.ChatFile{FileID: "f", FileURL: "https://x/a.pdf"}))},
		"extra without language":   {Model: "m", Messages: user(zai.TextPart("x")), Extra: &zai.CodeGeeXExtra{Target: zai.CodeGeeXTarget{CodePrefix: "a"}}},
		"extra context without path": {Model: "m", Messages: user(zai.TextPart("x")), Extra: &zai.CodeGeeXExtra{
			Target: zai.CodeGeeXTarget{Language: "go"}, Contexts: []zai.CodeGeeXContext{{Code: "x"}},
		}},
	} {
		if _, err := client.Chat.Completions.Create(context.Background(), req); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("%s: %v, want ErrInvalidRequest", name, err)
		}
	}
	if _, err := client.Tokenizer.Count(context.Background(), zai.TokenizerRequest{Model: "m", Messages: user(zai.FilePart(zai.ChatFile{}))}); !errors.Is(err, zai.ErrInvalidRequest) {
		t.Errorf("tokenizer: %v, want ErrInvalidRequest", err)
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

// wantMCPKnowledge is chat_mcp_knowledge.json as values.
func wantMCPKnowledge() (calls []zai.ToolCall, usage zai.Usage, kv *zai.KnowledgeV2) {
	calls = []zai.ToolCall{
		{ID: "call_mcp_list_1", Type: zai.ToolTypeMCP, MCP: &zai.MCPToolCall{
			ID: "mcp_list_1", Type: zai.MCPCallTypeListTools, ServerLabel: "docs",
			Tools: []zai.MCPToolDefinition{{
				Name: "search", Description: "Search the product manuals",
				Annotations: map[string]any{"readOnlyHint": true},
				InputSchema: map[string]any{
					"type": "object", "properties": map[string]any{"query": map[string]any{"type": "string"}},
					"required": []any{"query"}, "additionalProperties": false,
				},
			}},
		}},
		{ID: "call_mcp_call_1", Type: zai.ToolTypeMCP, MCP: &zai.MCPToolCall{
			ID: "mcp_call_1", Type: zai.MCPCallTypeCall, ServerLabel: "docs", Name: "search", Arguments: `{"query":"warranty"}`,
			Output: map[string]any{"hits": []any{map[string]any{"title": "Warranty", "text": "Two years."}}},
		}},
		{ID: "call_retrieval_1", Type: zai.ToolTypeRetrieval, DocReference: []zai.DocReference{
			{Index: 1, DocType: "pdf", DocName: "manual.pdf"}, {Index: 2, DocType: "docx", DocName: "faq.docx"},
		}},
	}
	usage = zai.Usage{PromptTokens: 812, CompletionTokens: 24, TotalTokens: 836, TotalCalls: 2}
	kv = &zai.KnowledgeV2{
		Type: "knowledge_retrieval",
		Contents: []zai.KnowledgeContent{
			{
				ID: "6f1c2a9e-1b2c-4d3e-8f90-a1b2c3d4e5f6", Type: zai.KnowledgeContentTypeText,
				Text:   "The warranty lasts two years from the date of purchase.",
				Medias: []zai.KnowledgeMedia{{ID: "img_1", URL: "https://example.com/kb/img_1.png", Description: "warranty card"}},
				Index:  0, Score: 0.82, RerankIndex: 0, RerankScore: 0.97,
				Metadata: &zai.KnowledgeMetadata{
					ID: "6f1c2a9e-1b2c-4d3e-8f90-a1b2c3d4e5f6", KnowID: "kb_1", DocID: "doc_1", DocType: "pdf", DocName: "manual.pdf",
					DocURL: "https://example.com/kb/manual.pdf", Index: 12, PageIndex: 3,
				},
			},
			{
				ID: "0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d", Type: zai.KnowledgeContentTypeVideoURL,
				VideoURL: &zai.URLRef{URL: "https://example.com/kb/unboxing.mp4"},
				ImageURL: &zai.URLRef{URL: "https://example.com/kb/unboxing.jpg"},
				Index:    1, Score: 0.61, RerankIndex: 1, RerankScore: 0.55,
				Metadata: &zai.KnowledgeMetadata{
					ID: "0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d", KnowID: "kb_1", DocID: "doc_2", DocType: "mp4", DocName: "unboxing.mp4",
					ClipIndex: 4, StartTime: 120000, EndTime: 135000, Duration: 15000,
					Frames: []any{"https://example.com/kb/f1.jpg", map[string]any{"time": float64(125000)}},
				},
			},
		},
		RewrittenQuery: &zai.KnowledgeRewrittenQuery{PrimaryQuery: "warranty period", MultiQueries: []string{"how long is the warranty", "guarantee duration"}},
	}
	return calls, usage, kv
}

func TestChatResponseMCPDocReferenceKnowledge(t *testing.T) {
	_, client := newRecorder(t, respondFile(t, fxChatMCPKnowledge, "application/json"))
	resp, err := client.Chat.Completions.Create(context.Background(), hiReq)
	if err != nil {
		t.Fatal(err)
	}
	calls, usage, kv := wantMCPKnowledge()
	got := resp.Choices[0].Message.ToolCalls
	for i := range calls {
		calls[i].Function = got[i].Function // empty name and arguments, as sent
	}
	if !reflect.DeepEqual(got, calls) {
		t.Errorf("tool calls\n got %#v\nwant %#v", got, calls)
	}
	if resp.Usage != usage {
		t.Errorf("usage %+v, want %+v", resp.Usage, usage)
	}
	if !reflect.DeepEqual(resp.KnowledgeV2, kv) {
		t.Errorf("knowledge_v2\n got %#v\nwant %#v", resp.KnowledgeV2, kv)
	}

	// The one-pass decoder takes the shape and agrees with encoding/json.
	data := readFile(t, fxChatMCPKnowledge)
	fast, ok := zai.DecodeCompletionFast(data)
	var std zai.ChatCompletion
	if err := json.Unmarshal(data, &std); err != nil || !ok || !reflect.DeepEqual(fast, std) {
		t.Fatalf("fast path ok=%v (%v):\nfast %#v\nstd  %#v", ok, err, fast, std)
	}

	// A message carrying MCP calls is sent back as it came.
	b, err := json.Marshal(resp.Choices[0].Message)
	if err != nil {
		t.Fatal(err)
	}
	var back zai.Message
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back.ToolCalls, got) {
		t.Fatalf("round trip %s: %v", b, err)
	}
}

func TestAccumulatorMCPDocReferenceKnowledge(t *testing.T) {
	var chunks []string
	for _, ev := range strings.Split(string(readFile(t, fxChatMCPKnowledgeStream)), "\n\n") {
		if data, ok := strings.CutPrefix(ev, "data: {"); ok {
			chunks = append(chunks, "{"+data)
		}
	}
	c := accumulateStream(t, chunks...)
	calls := c.Choices[0].Message.ToolCalls
	want := []zai.ToolCall{
		{ID: "call_mcp_call_1", Type: zai.ToolTypeMCP, MCP: &zai.MCPToolCall{
			ID: "mcp_call_1", Type: zai.MCPCallTypeCall, ServerLabel: "docs", Name: "search", Arguments: `{"query":"warranty"}`, Output: "Two years.",
		}},
		{Index: 1, ID: "call_retrieval_1", Type: zai.ToolTypeRetrieval, DocReference: []zai.DocReference{{Index: 1, DocType: "pdf", DocName: "manual.pdf"}}},
	}
	if !reflect.DeepEqual(calls, want) {
		t.Errorf("tool calls\n got %#v\nwant %#v", calls, want)
	}
	if c.Usage.TotalCalls != 2 || c.Usage.TotalTokens != 818 {
		t.Errorf("usage %+v", c.Usage)
	}
	if kv := c.KnowledgeV2; kv == nil || len(kv.Contents) != 1 || kv.Contents[0].Metadata.PageIndex != 3 ||
		kv.RewrittenQuery.PrimaryQuery != "warranty period" || c.Choices[0].Message.Content != "Two years [1]." {
		t.Errorf("completion %+v, knowledge %+v", c.Choices[0].Message, c.KnowledgeV2)
	}
}

// The web search tool's search_intent defaults to true on the server, so
// false must reach the wire when asked for, and nothing when unset.
func TestWebSearchToolSearchIntentFalseIsSent(t *testing.T) {
	for _, tc := range []struct {
		intent *bool
		want   string
	}{{zai.Ptr(false), `"search_intent":false`}, {nil, ""}} {
		b, err := json.Marshal(zai.WebSearchTool(zai.WebSearch{Enable: zai.Ptr(true), SearchIntent: tc.intent}))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(string(b), "search_intent"); got != (tc.want != "") || (tc.want != "" && !strings.Contains(string(b), tc.want)) {
			t.Fatalf("%s, want %q", b, tc.want)
		}
	}
}
