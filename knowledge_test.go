package zai_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/zai-go/zai"
)

// Fixtures: testdata/shapes/knowledge_*.json, from the examples and schemas
// of the BigModel OpenAPI document (see testdata/shapes/README.md).

var ctxb = context.Background()

// Every knowledge route goes under the host's /api root, whichever base URL
// (general, coding, or WithAgentsBaseURL) the client has.
func TestKnowledgePathsUnderAPIRoot(t *testing.T) {
	rec, _ := newRecorder(t, respondFile(t, "testdata/shapes/knowledge_ok.json", "application/json"))
	for _, tt := range []struct {
		name string
		opts []zai.Option
		root string
	}{
		{"bigmodel", []zai.Option{zai.WithBaseURL(rec.srv.URL + "/api/paas/v4")}, "/api"},
		{"coding", []zai.Option{zai.WithBaseURL(rec.srv.URL + "/api/coding/paas/v4")}, "/api"},
		{"override", []zai.Option{zai.WithBaseURL(rec.srv.URL + "/api/paas/v4"), zai.WithAgentsBaseURL(rec.srv.URL + "/gateway")}, "/gateway"},
	} {
		client, err := zai.NewClient(append([]zai.Option{zai.WithAPIKey("k")}, tt.opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		if err := client.Knowledge.Delete(ctxb, "kb 1"); err != nil {
			t.Fatal(err)
		}
		if got, want := rec.last(t).Path, tt.root+"/llm-application/open/knowledge/kb 1"; got != want {
			t.Errorf("%s: %s, want %s", tt.name, got, want)
		}
		if err := client.Knowledge.Documents.Embed(ctxb, "d1", zai.KnowledgeDocumentEmbedRequest{}); err != nil {
			t.Fatal(err)
		}
		if got, want := rec.last(t).Path, tt.root+"/llm-application/open/document/embedding/d1"; got != want {
			t.Errorf("%s: %s, want %s", tt.name, got, want)
		}
	}
}

// Each JSON request, every member set, against its golden body; each
// decodes back into its type.
func TestKnowledgeRequestsGolden(t *testing.T) {
	rec, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		name := map[string]string{
			"/api/llm-application/open/knowledge":                "knowledge_create.json",
			"/api/llm-application/open/knowledge/retrieve":       "knowledge_retrieve.json",
			"/api/llm-application/open/document/upload_url":      "knowledge_upload_url.json",
			"/api/zrag/retrieval/retrieve":                       "zrag_retrieve.json",
			"/api/llm-application/open/knowledge/kb_1":           "knowledge_ok.json",
			"/api/llm-application/open/document/embedding/doc_1": "knowledge_ok.json",
		}[r.URL.Path]
		respondFile(t, "testdata/shapes/"+name, "application/json")(w, r)
	})
	check := func(golden, method, path string, decode func([]byte) error) {
		t.Helper()
		got := rec.last(t)
		if got.Method != method || got.Path != path {
			t.Errorf("%s %s, want %s %s", got.Method, got.Path, method, path)
		}
		assertGoldenJSON(t, golden, got.Body)
		if err := decode(got.Body); err != nil {
			t.Errorf("%s: %v", golden, err)
		}
	}
	roundTrip := func(v any) func([]byte) error {
		return func(b []byte) error {
			if err := json.Unmarshal(b, v); err != nil {
				return err
			}
			again, err := json.Marshal(v)
			if err != nil {
				return err
			}
			assertSameJSON(t, b, again)
			return nil
		}
	}

	create := zai.KnowledgeCreateRequest{EmbeddingID: zai.KnowledgeEmbeddingID3Pro, EmbeddingModel: zai.KnowledgeEmbeddingModel3Pro,
		Name: "Employee handbook", Description: "HR policies", Background: zai.KnowledgeBackgroundSky, Icon: zai.KnowledgeIconBook, Contextual: true}
	if _, err := client.Knowledge.Create(ctxb, create); err != nil {
		t.Fatal(err)
	}
	check("knowledge_create_every_field.json", "POST", "/api/llm-application/open/knowledge", roundTrip(new(zai.KnowledgeCreateRequest)))

	update := zai.KnowledgeUpdateRequest{EmbeddingID: zai.KnowledgeEmbeddingID2, EmbeddingModel: zai.KnowledgeEmbeddingModel2, Name: "HR",
		Description: "policies", Background: zai.KnowledgeBackgroundRed, Icon: zai.KnowledgeIconHouse, Contextual: zai.Ptr[zai.IntBool](false),
		CallbackURL: "https://example.com/cb", CallbackHeader: map[string]string{"X-Token": "t"}}
	if err := client.Knowledge.Update(ctxb, "kb_1", update); err != nil {
		t.Fatal(err)
	}
	check("knowledge_update_every_field.json", "PUT", "/api/llm-application/open/knowledge/kb_1", roundTrip(new(zai.KnowledgeUpdateRequest)))

	retrieve := zai.KnowledgeRetrieveRequest{Query: "annual leave", KnowledgeIDs: []string{"kb_1", "kb_2"}, DocumentIDs: []string{"doc_1"},
		RequestID: "req-000001", TopK: 5, TopN: 50, RecallMethod: zai.RecallMethodMixed, RecallRatio: zai.Ptr(0),
		Rerank: true, RerankModel: zai.ModelRerankPro, FractionalThreshold: zai.Ptr(0.35)}
	if _, err := client.Knowledge.Retrieve(ctxb, retrieve); err != nil {
		t.Fatal(err)
	}
	check("knowledge_retrieve_every_field.json", "POST", "/api/llm-application/open/knowledge/retrieve", roundTrip(new(zai.KnowledgeRetrieveRequest)))

	urls := zai.KnowledgeURLUploadRequest{KnowledgeID: "kb_1", Details: []zai.KnowledgeURL{{URL: "https://example.com/handbook.pdf",
		KnowledgeType: zai.KnowledgeTypeCustom, CustomSeparator: []string{"\n", "。"}, SentenceSize: 500,
		CallbackURL: "https://example.com/cb", CallbackHeader: map[string]string{"X-Token": "t"}}}}
	if _, err := client.Knowledge.Documents.UploadURLs(ctxb, urls); err != nil {
		t.Fatal(err)
	}
	check("knowledge_upload_url_every_field.json", "POST", "/api/llm-application/open/document/upload_url", roundTrip(new(zai.KnowledgeURLUploadRequest)))

	embed := zai.KnowledgeDocumentEmbedRequest{CallbackURL: "https://example.com/cb", CallbackHeader: map[string]string{"X-Token": "t"}}
	if err := client.Knowledge.Documents.Embed(ctxb, "doc_1", embed); err != nil {
		t.Fatal(err)
	}
	check("knowledge_embed_every_field.json", "POST", "/api/llm-application/open/document/embedding/doc_1", roundTrip(new(zai.KnowledgeDocumentEmbedRequest)))

	zrag := zai.RetrievalRequest{
		Knows:           []zai.RetrievalKnowledge{{ID: "1234567890", DocIDs: []string{"d1"}}},
		Query:           "介绍一下小智",
		MultimodalParts: []zai.RetrievalPart{zai.RetrievalImage("https://example.com/image.png")},
		Multimodal:      zai.Ptr(false),
		Messages:        []zai.Message{zai.UserMessage("你是谁"), zai.AssistantMessage("我是小智，一个智能助手")},
		TopK:            8, TopN: 10, RecallMethod: zai.RecallMethodEmbedding, RecallRatio: zai.Ptr(0.8), SimilarityThreshold: zai.Ptr(0.0),
		EnableRerank: true, EnableRewrite: true, EnableExpansion: true,
		SearchFilters: &zai.RetrievalFilters{
			Tags: []zai.RetrievalTagFilter{{TagID: "t1", ValueType: zai.RetrievalTagValueTypeFixed, FilterType: zai.RetrievalFilterTypeContains,
				FilterValue: "hr", MultipleValue: []string{"hr", "it"}}},
			IndexTypes:     []zai.RetrievalIndexType{{KnowID: "1234567890", IndexTypeID: 2}},
			QAIntervention: &zai.RetrievalQAIntervention{IDs: []string{"qa1"}, SimilarityThreshold: 0.6},
		},
	}
	if _, err := client.Retrieval.Retrieve(ctxb, zrag); err != nil {
		t.Fatal(err)
	}
	check("zrag_retrieve_every_field.json", "POST", "/api/zrag/retrieval/retrieve", roundTrip(new(zai.RetrievalRequest)))
}

// The list queries: every member, and zero values left out.
func TestKnowledgeListQueries(t *testing.T) {
	rec, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		name := "knowledge_list.json"
		if strings.Contains(r.URL.Path, "/document") {
			name = "knowledge_document_list.json"
		}
		respondFile(t, "testdata/shapes/"+name, "application/json")(w, r)
	})
	for _, tt := range []struct {
		call       func() error
		path, want string
	}{
		{func() error {
			_, err := client.Knowledge.List(ctxb, zai.KnowledgeListRequest{Page: 2, Size: 5})
			return err
		},
			"/api/llm-application/open/knowledge", "page=2&size=5"},
		{func() error { _, err := client.Knowledge.List(ctxb, zai.KnowledgeListRequest{}); return err },
			"/api/llm-application/open/knowledge", ""},
		{func() error {
			_, err := client.Knowledge.Documents.List(ctxb, zai.KnowledgeDocumentListRequest{KnowledgeID: "kb 1", Page: 3, Size: 20, Word: "年假"})
			return err
		}, "/api/llm-application/open/document", "knowledge_id=kb+1&page=3&size=20&word=%E5%B9%B4%E5%81%87"},
		{func() error {
			_, err := client.Knowledge.Documents.List(ctxb, zai.KnowledgeDocumentListRequest{KnowledgeID: "kb_1"})
			return err
		}, "/api/llm-application/open/document", "knowledge_id=kb_1"},
	} {
		if err := tt.call(); err != nil {
			t.Fatal(err)
		}
		got := rec.last(t)
		if got.Method != "GET" || got.Path != tt.path || got.Query != tt.want {
			t.Errorf("%s %s?%s, want %s?%s", got.Method, got.Path, got.Query, tt.path, tt.want)
		}
		if len(got.Body) != 0 {
			t.Errorf("a GET with a body: %s", got.Body)
		}
	}
}

// The upload form: one "files" part per file, then every field.
func TestKnowledgeUploadFormGolden(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/knowledge_upload_document.json", "application/json"))
	path := filepath.Join(t.TempDir(), "leave.pdf")
	if err := os.WriteFile(path, []byte("%PDF-1.7 leave"), 0o644); err != nil {
		t.Fatal(err)
	}
	req := zai.KnowledgeDocumentUploadRequest{
		KnowledgeID:     "kb_1",
		Files:           []zai.FileInput{zai.FileFromPath(path), zai.FileFromReader(strings.NewReader("Q: leave?\nA: 15 days"), "faq.md")},
		KnowledgeType:   zai.KnowledgeTypeCustom,
		CustomSeparator: []string{"\n", "。"},
		SentenceSize:    500,
		ParseImage:      true,
		CallbackURL:     "https://example.com/cb",
		CallbackHeader:  map[string]string{"X-Token": "t"},
		WordNumLimit:    100000,
		ReqID:           "req-000001",
	}
	resp, err := client.Knowledge.Documents.Upload(ctxb, req)
	if err != nil {
		t.Fatal(err)
	}
	got := rec.last(t)
	if got.Method != "POST" || got.Path != "/api/llm-application/open/document/upload_document/kb_1" {
		t.Fatalf("%s %s", got.Method, got.Path)
	}
	fields := map[string][]string{}
	var files []string
	for _, p := range formParts(t, got) {
		if p.file != "" {
			files = append(files, p.name+":"+p.file+":"+p.body)
			continue
		}
		fields[p.name] = append(fields[p.name], p.body)
	}
	b, _ := json.Marshal(fields)
	assertGoldenJSON(t, "knowledge_upload_form.json", b)
	if want := []string{"files:leave.pdf:%PDF-1.7 leave", "files:faq.md:Q: leave?\nA: 15 days"}; !reflect.DeepEqual(files, want) {
		t.Fatalf("files %q", files)
	}
	want := &zai.KnowledgeUploadResponse{
		SuccessInfos: []zai.KnowledgeUploadSuccess{{DocumentID: "1846860012345678848", FileName: "leave.pdf"}},
		FailedInfos:  []zai.KnowledgeUploadFailure{{FileName: "setup.exe", FailReason: "不支持的文档类型"}},
	}
	if !reflect.DeepEqual(resp.SuccessInfos, want.SuccessInfos) || !reflect.DeepEqual(resp.FailedInfos, want.FailedInfos) {
		t.Fatalf("%+v", resp)
	}
	if string(resp.RawJSON()) != string(readFile(t, "testdata/shapes/knowledge_upload_document.json")) {
		t.Fatal("RawJSON is not the whole body")
	}
}

// Each answer decodes from its documented shape, and keeps the whole body
// (the envelope) as RawJSON.
func TestKnowledgeResponsesDecode(t *testing.T) {
	serve := func(name string) (*zai.Client, []byte) {
		_, c := newRecorder(t, respondFile(t, "testdata/shapes/"+name, "application/json"))
		return c, readFile(t, "testdata/shapes/"+name)
	}
	raw := func(name string, got interface{ RawJSON() []byte }, want []byte) {
		t.Helper()
		if string(got.RawJSON()) != string(want) {
			t.Errorf("%s: RawJSON %s", name, got.RawJSON())
		}
	}

	c, body := serve("knowledge_create.json")
	created, err := c.Knowledge.Create(ctxb, zai.KnowledgeCreateRequest{EmbeddingID: zai.KnowledgeEmbeddingID3, Name: "x"})
	if err != nil || created.ID != "1846859173843869696" {
		t.Fatalf("%+v %v", created, err)
	}
	raw("create", created, body)

	handbook := zai.KnowledgeBase{ID: "1846859173843869696", EmbeddingID: zai.KnowledgeEmbeddingID3, Name: "Employee handbook",
		Description: "HR policies", Contextual: true, Background: zai.KnowledgeBackgroundBlue, Icon: zai.KnowledgeIconBook,
		DocumentSize: 2, Length: 20480, WordNum: 5120}
	c, body = serve("knowledge_list.json")
	list, err := c.Knowledge.List(ctxb, zai.KnowledgeListRequest{})
	if err != nil || list.Total != 12 || len(list.Data) != 2 || !reflect.DeepEqual(list.Data[0], handbook) ||
		bool(list.Data[1].Contextual) || list.Data[1].EmbeddingID != zai.KnowledgeEmbeddingID2 {
		t.Fatalf("%+v %v", list, err)
	}
	raw("list", list, body)

	c, body = serve("knowledge_detail.json")
	kb, err := c.Knowledge.Get(ctxb, "1846859173843869696")
	if err != nil {
		t.Fatal(err)
	}
	raw("get", kb, body)
	if got := *kb; got.Name != handbook.Name || got.WordNum != handbook.WordNum || got.Icon != handbook.Icon || !bool(got.Contextual) {
		t.Fatalf("%+v", got)
	}

	c, body = serve("knowledge_capacity.json")
	capacity, err := c.Knowledge.GetCapacity(ctxb)
	if err != nil || capacity.Used != (zai.KnowledgeUsage{WordNum: 5120, Length: 20480}) || capacity.Total != (zai.KnowledgeUsage{WordNum: 500000, Length: 52428800}) {
		t.Fatalf("%+v %v", capacity, err)
	}
	raw("capacity", capacity, body)

	failed := zai.KnowledgeDocument{ID: "12312121212", KnowledgeType: zai.KnowledgeTypeTitleParagraph, CustomSeparator: []string{"\n"},
		SentenceSize: 300, WordNum: 100, EmbeddingStat: zai.KnowledgeEmbedStatusProcessing,
		FailInfo: &zai.KnowledgeEmbedFailure{Code: 10002, Message: "字数超出限制"}}
	c, body = serve("knowledge_document_list.json")
	docs, err := c.Knowledge.Documents.List(ctxb, zai.KnowledgeDocumentListRequest{KnowledgeID: "kb"})
	if err != nil || docs.Total != 1 || len(docs.Data) != 1 || !reflect.DeepEqual(docs.Data[0], failed) {
		t.Fatalf("%+v %v", docs, err)
	}
	raw("documents", docs, body)

	c, body = serve("knowledge_document_detail.json")
	doc, err := c.Knowledge.Documents.Get(ctxb, "12121212121212")
	if err != nil || doc.ID != "12121212121212" || doc.FailInfo == nil || *doc.FailInfo != *failed.FailInfo || doc.SentenceSize != 300 {
		t.Fatalf("%+v %v", doc, err)
	}
	raw("document", doc, body)

	c, body = serve("knowledge_upload_url.json")
	up, err := c.Knowledge.Documents.UploadURLs(ctxb, zai.KnowledgeURLUploadRequest{KnowledgeID: "kb",
		Details: []zai.KnowledgeURL{{URL: "https://x.com", KnowledgeType: zai.KnowledgeTypePage}}})
	if err != nil || len(up.SuccessInfos) != 2 || up.SuccessInfos[1] != (zai.KnowledgeUploadSuccess{DocumentID: "12121212121", URL: "xxx.com"}) ||
		len(up.FailedInfos) != 1 || up.FailedInfos[0] != (zai.KnowledgeUploadFailure{URL: "xxx.com", FailReason: "不支持的文档类型"}) {
		t.Fatalf("%+v %v", up, err)
	}
	raw("upload_url", up, body)

	c, body = serve("knowledge_image_list.json")
	images, err := c.Knowledge.Documents.ListImages(ctxb, "d")
	if err != nil || len(images.Images) != 1 || images.Images[0] != (zai.KnowledgeImage{Text: "【示意图序号_1829473032620613632_103】",
		CosURL: "https://cdn.bigmodel.cn/knowledge_pdf_image/de7163a7-c67f-4e33-8810-97a6d5a83378.png"}) {
		t.Fatalf("%+v %v", images, err)
	}
	raw("images", images, body)

	c, body = serve("knowledge_retrieve.json")
	found, err := c.Knowledge.Retrieve(ctxb, zai.KnowledgeRetrieveRequest{Query: "q", KnowledgeIDs: []string{"kb"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []zai.KnowledgeSlice{
		{Text: "Annual leave is 15 days a year.", Score: 0.8731, Metadata: zai.KnowledgeSliceMetadata{ID: "1846861234567890944",
			KnowledgeID: "1846859173843869696", DocID: "1846860012345678848", DocName: "leave.pdf",
			DocURL: "https://cdn.bigmodel.cn/knowledge/leave.pdf", ContextualText: "From the section on time off."}},
		{Text: "Sick leave needs a doctor's note.", Score: 0.4102, Metadata: zai.KnowledgeSliceMetadata{ID: "1846861234567890945",
			KnowledgeID: "1846859173843869696", DocID: "1846860012345678848", DocName: "leave.pdf",
			DocURL: "https://cdn.bigmodel.cn/knowledge/leave.pdf"}},
	}
	if !reflect.DeepEqual(found.Slices, want) {
		t.Fatalf("%+v", found.Slices)
	}
	raw("retrieve", found, body)

	c, body = serve("zrag_retrieve.json")
	zr, err := c.Retrieval.Retrieve(ctxb, zai.RetrievalRequest{Query: "q", Knows: []zai.RetrievalKnowledge{{ID: "k"}}})
	if err != nil {
		t.Fatal(err)
	}
	wantContents := []zai.RetrievalContent{
		{ID: "6f1c2d3e-0a1b-4c5d-8e9f-0123456789ab", KnowID: "1234567890", DocID: "1846860012345678848", Text: "小智是一个智能助手。",
			Medias: []zai.KnowledgeMedia{{ID: "img-1", URL: "https://cdn.bigmodel.cn/zrag/img-1.png", Description: "小智的头像"}},
			Index:  0, Score: 0.91, RerankIndex: 0, RerankScore: 0.97,
			Metadata: &zai.KnowledgeMetadata{DocType: "pdf", DocName: "about.pdf", DocURL: "https://cdn.bigmodel.cn/zrag/about.pdf", Index: 3, PageIndex: 1}},
		{ID: "7a2b3c4d-1e2f-4a5b-9c6d-abcdef012345", KnowID: "1234567890", DocID: "1846860012345678849",
			ImageURL: &zai.URLRef{URL: "https://cdn.bigmodel.cn/zrag/frame.png"}, VideoURL: &zai.URLRef{URL: "https://cdn.bigmodel.cn/zrag/intro.mp4"},
			Index: 1, Score: 0.72, RerankIndex: 1, RerankScore: 0.64,
			Metadata: &zai.KnowledgeMetadata{DocType: "mp4", DocName: "intro.mp4", DocURL: "https://cdn.bigmodel.cn/zrag/intro.mp4", ClipIndex: 2,
				StartTime: 12000, EndTime: 18000, Duration: 6000, Frames: []any{"https://cdn.bigmodel.cn/zrag/f1.png", "https://cdn.bigmodel.cn/zrag/f2.png"}}},
	}
	if !reflect.DeepEqual(zr.Contents, wantContents) {
		t.Fatalf("contents\n got %+v\nwant %+v", zr.Contents, wantContents)
	}
	if zr.RewrittenQuery == nil || zr.RewrittenQuery.OriginalQuery != "介绍一下小智" || !reflect.DeepEqual(zr.RewrittenQuery.MultiQueries, []string{"小智是谁", "小智的功能"}) ||
		zr.ElapsedMS != 245 || zr.TotalTokens != 38 || zr.RequestID != "zrag-req-1" {
		t.Fatalf("%+v %+v", zr, zr.RewrittenQuery)
	}
	raw("zrag", zr, body)
}

// The envelope is unwrapped in one place for every route: a code other than
// 200 is an *APIError carrying it, with HTTP 200 as with an error status;
// so is a 2xx body with no code, an error object, or no JSON at all.
// Nothing becomes an empty success.
func TestKnowledgeEnvelopeFailures(t *testing.T) {
	calls := map[string]func(*zai.Client) error{
		"create": func(c *zai.Client) error {
			_, err := c.Knowledge.Create(ctxb, zai.KnowledgeCreateRequest{EmbeddingID: zai.KnowledgeEmbeddingID3, Name: "x"})
			return err
		},
		"list":     func(c *zai.Client) error { _, err := c.Knowledge.List(ctxb, zai.KnowledgeListRequest{}); return err },
		"get":      func(c *zai.Client) error { _, err := c.Knowledge.Get(ctxb, "k"); return err },
		"update":   func(c *zai.Client) error { return c.Knowledge.Update(ctxb, "k", zai.KnowledgeUpdateRequest{Name: "n"}) },
		"delete":   func(c *zai.Client) error { return c.Knowledge.Delete(ctxb, "k") },
		"capacity": func(c *zai.Client) error { _, err := c.Knowledge.GetCapacity(ctxb); return err },
		"retrieve": func(c *zai.Client) error {
			_, err := c.Knowledge.Retrieve(ctxb, zai.KnowledgeRetrieveRequest{Query: "q", KnowledgeIDs: []string{"k"}})
			return err
		},
		"upload": func(c *zai.Client) error {
			_, err := c.Knowledge.Documents.Upload(ctxb, zai.KnowledgeDocumentUploadRequest{KnowledgeID: "k",
				Files: []zai.FileInput{zai.FileFromReader(strings.NewReader("x"), "a.txt")}})
			return err
		},
		"upload_url": func(c *zai.Client) error {
			_, err := c.Knowledge.Documents.UploadURLs(ctxb, zai.KnowledgeURLUploadRequest{KnowledgeID: "k",
				Details: []zai.KnowledgeURL{{URL: "https://x", KnowledgeType: 1}}})
			return err
		},
		"documents": func(c *zai.Client) error {
			_, err := c.Knowledge.Documents.List(ctxb, zai.KnowledgeDocumentListRequest{KnowledgeID: "k"})
			return err
		},
		"document":   func(c *zai.Client) error { _, err := c.Knowledge.Documents.Get(ctxb, "d"); return err },
		"doc_delete": func(c *zai.Client) error { return c.Knowledge.Documents.Delete(ctxb, "d") },
		"embed": func(c *zai.Client) error {
			return c.Knowledge.Documents.Embed(ctxb, "d", zai.KnowledgeDocumentEmbedRequest{})
		},
		"images": func(c *zai.Client) error { _, err := c.Knowledge.Documents.ListImages(ctxb, "d"); return err },
		"zrag": func(c *zai.Client) error {
			_, err := c.Retrieval.Retrieve(ctxb, zai.RetrievalRequest{Query: "q", Knows: []zai.RetrievalKnowledge{{ID: "k"}}})
			return err
		},
		"qa_agent_pre": func(c *zai.Client) error { _, err := c.QAAgent.InvokeStream(ctxb, qaRequest()); return err },
	}
	for _, tt := range []struct {
		name        string
		status      int
		body        string
		code, msg   string
		wantStatus  int
		category    error
		contentType string
	}{
		{"error envelope with HTTP 200", 200, string(readFile(t, "testdata/shapes/knowledge_error.json")), "400", "knowledge_ids 不能为空", 200, nil, "application/json"},
		{"error status", 400, `{"code":400,"message":"参数错误"}`, "400", "参数错误", 400, zai.ErrBadRequest, "application/json"},
		{"code as a string", 200, `{"code":"10002","message":"字数超出限制","data":{"id":"x"}}`, "10002", "字数超出限制", 200, nil, "application/json"},
		{"second-factor login", 200, `{"code":1005,"message":"已开启二次认证保护"}`, "1005", "已开启二次认证保护", 200, zai.ErrAuthentication, "application/json"},
		{"no code", 200, `{"data":{"id":"x"},"message":"ok"}`, "", "ok", 200, nil, "application/json"},
		{"error object", 200, `{"error":{"code":"1113","message":"no balance"}}`, "1113", "no balance", 200, zai.ErrQuotaExceeded, "application/json"},
		{"not JSON", 200, `<html>gateway</html>`, "", "<html>gateway</html>", 200, nil, "text/html"},
	} {
		for name, call := range calls {
			if name == "qa_agent_pre" && tt.contentType != "application/json" {
				continue // a body not typed JSON is read as events (TestQAAgentStreamCut)
			}
			_, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				w.Header().Set("X-Log-Id", "log-9")
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			})
			err := call(client)
			var apiErr *zai.APIError
			if !errors.As(err, &apiErr) {
				t.Errorf("%s, %s: %T %v", tt.name, name, err, err)
				continue
			}
			if apiErr.StatusCode != tt.wantStatus || apiErr.Code != tt.code || apiErr.Message != tt.msg || apiErr.RequestID != "log-9" || apiErr.InStream {
				t.Errorf("%s, %s: %+v", tt.name, name, apiErr)
			}
			if tt.category != nil && !errors.Is(err, tt.category) {
				t.Errorf("%s, %s: %v is not %v", tt.name, name, err, tt.category)
			}
			if !strings.Contains(string(apiErr.RawJSON()), strings.TrimSpace(tt.body)[:4]) {
				t.Errorf("%s, %s: raw %q", tt.name, name, apiErr.RawJSON())
			}
		}
	}
}

// An envelope error sent with HTTP 200 is final: it is not retried, unlike
// a 5xx.
func TestKnowledgeEnvelopeErrorIsNotRetried(t *testing.T) {
	var n atomic.Int32
	_, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		fmt.Fprint(w, `{"code":500,"message":"系统繁忙"}`)
	})
	if _, err := client.Knowledge.GetCapacity(ctxb); err == nil {
		t.Fatal("no error")
	}
	if n.Load() != 1 {
		t.Fatalf("%d attempts", n.Load())
	}
}

// Bad input is refused before any request.
func TestKnowledgeBadInputSendsNothing(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/knowledge_ok.json", "application/json"))
	for name, call := range map[string]func() error{
		"create, no embedding": func() error {
			_, err := client.Knowledge.Create(ctxb, zai.KnowledgeCreateRequest{Name: "x"})
			return err
		},
		"create, no name": func() error {
			_, err := client.Knowledge.Create(ctxb, zai.KnowledgeCreateRequest{EmbeddingID: zai.KnowledgeEmbeddingID3})
			return err
		},
		"list, negative page": func() error { _, err := client.Knowledge.List(ctxb, zai.KnowledgeListRequest{Page: -1}); return err },
		"get, empty id":       func() error { _, err := client.Knowledge.Get(ctxb, ""); return err },
		"get, dot dot":        func() error { _, err := client.Knowledge.Get(ctxb, ".."); return err },
		"update, empty id":    func() error { return client.Knowledge.Update(ctxb, "", zai.KnowledgeUpdateRequest{}) },
		"delete, empty id":    func() error { return client.Knowledge.Delete(ctxb, "") },
		"retrieve, no query": func() error {
			_, err := client.Knowledge.Retrieve(ctxb, zai.KnowledgeRetrieveRequest{KnowledgeIDs: []string{"k"}})
			return err
		},
		"retrieve, no bases": func() error {
			_, err := client.Knowledge.Retrieve(ctxb, zai.KnowledgeRetrieveRequest{Query: "q"})
			return err
		},
		"upload, no files": func() error {
			_, err := client.Knowledge.Documents.Upload(ctxb, zai.KnowledgeDocumentUploadRequest{KnowledgeID: "k"})
			return err
		},
		"upload, no base": func() error {
			_, err := client.Knowledge.Documents.Upload(ctxb, zai.KnowledgeDocumentUploadRequest{Files: []zai.FileInput{zai.FileFromReader(strings.NewReader("x"), "a.txt")}})
			return err
		},
		"upload, no extension": func() error {
			_, err := client.Knowledge.Documents.Upload(ctxb, zai.KnowledgeDocumentUploadRequest{KnowledgeID: "k", Files: []zai.FileInput{{Reader: strings.NewReader("x")}}})
			return err
		},
		"upload, missing file": func() error {
			_, err := client.Knowledge.Documents.Upload(ctxb, zai.KnowledgeDocumentUploadRequest{KnowledgeID: "k", Files: []zai.FileInput{zai.FileFromPath("/nonexistent/a.pdf")}})
			return err
		},
		"upload url, no type": func() error {
			_, err := client.Knowledge.Documents.UploadURLs(ctxb, zai.KnowledgeURLUploadRequest{KnowledgeID: "k", Details: []zai.KnowledgeURL{{URL: "https://x"}}})
			return err
		},
		"upload url, none": func() error {
			_, err := client.Knowledge.Documents.UploadURLs(ctxb, zai.KnowledgeURLUploadRequest{KnowledgeID: "k"})
			return err
		},
		"documents, no base": func() error {
			_, err := client.Knowledge.Documents.List(ctxb, zai.KnowledgeDocumentListRequest{})
			return err
		},
		"embed, empty id":  func() error { return client.Knowledge.Documents.Embed(ctxb, "", zai.KnowledgeDocumentEmbedRequest{}) },
		"images, empty id": func() error { _, err := client.Knowledge.Documents.ListImages(ctxb, ""); return err },
		"zrag, no knows": func() error {
			_, err := client.Retrieval.Retrieve(ctxb, zai.RetrievalRequest{Query: "q"})
			return err
		},
		"zrag, no query": func() error {
			_, err := client.Retrieval.Retrieve(ctxb, zai.RetrievalRequest{Knows: []zai.RetrievalKnowledge{{ID: "k"}}})
			return err
		},
		"zrag, empty know id": func() error {
			_, err := client.Retrieval.Retrieve(ctxb, zai.RetrievalRequest{Query: "q", Knows: []zai.RetrievalKnowledge{{}}})
			return err
		},
		"qa, no messages": func() error {
			req := qaRequest()
			req.Messages = nil
			_, err := client.QAAgent.InvokeStream(ctxb, req)
			return err
		},
		"qa, no knowledge": func() error {
			req := qaRequest()
			req.Retrieval.KnowIDs = nil
			_, err := client.QAAgent.InvokeStream(ctxb, req)
			return err
		},
		"qa, session id with a newline": func() error {
			req := qaRequest()
			req.SessionID = "a\r\nX-Evil: 1"
			_, err := client.QAAgent.InvokeStream(ctxb, req)
			return err
		},
	} {
		if err := call(); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}

// All reads every page: it stops at Total, at a short page without a
// total, and yields a failure once.
func TestKnowledgeAllPages(t *testing.T) {
	page := func(ids []string, total int) string {
		var items []string
		for _, id := range ids {
			items = append(items, fmt.Sprintf(`{"id":%q,"name":%q}`, id, id))
		}
		return fmt.Sprintf(`{"code":200,"message":"ok","data":{"list":[%s],"total":%d}}`, strings.Join(items, ","), total)
	}
	for _, tt := range []struct {
		name   string
		pages  map[string]string // page number -> body
		req    zai.KnowledgeListRequest
		want   []string
		pagesN []string
		err    bool
	}{
		{"total", map[string]string{"1": page([]string{"a", "b"}, 5), "2": page([]string{"c", "d"}, 5), "3": page([]string{"e"}, 5)},
			zai.KnowledgeListRequest{Size: 2}, []string{"a", "b", "c", "d", "e"}, []string{"1", "2", "3"}, false},
		{"total reached on a full page", map[string]string{"1": page([]string{"a", "b"}, 4), "2": page([]string{"c", "d"}, 4)},
			zai.KnowledgeListRequest{Size: 2}, []string{"a", "b", "c", "d"}, []string{"1", "2"}, false},
		{"no total: a short page ends", map[string]string{"2": page([]string{"c", "d"}, 0), "3": page([]string{"e"}, 0)},
			zai.KnowledgeListRequest{Page: 2, Size: 2}, []string{"c", "d", "e"}, []string{"2", "3"}, false},
		{"empty", map[string]string{"1": page(nil, 0)}, zai.KnowledgeListRequest{}, nil, []string{"1"}, false},
		{"failure", map[string]string{"1": page([]string{"a", "b"}, 9), "2": `{"code":500,"message":"busy"}`},
			zai.KnowledgeListRequest{Size: 2}, []string{"a", "b"}, []string{"1", "2"}, true},
	} {
		rec, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
			p := r.URL.Query().Get("page")
			if p == "" {
				p = "1"
			}
			fmt.Fprint(w, tt.pages[p])
		})
		var got []string
		var errs int
		for kb, err := range client.Knowledge.All(ctxb, tt.req) {
			if err != nil {
				errs++
				continue
			}
			got = append(got, kb.ID)
		}
		var asked []string
		for _, r := range rec.requests() {
			q, _ := url.ParseQuery(r.Query)
			asked = append(asked, q.Get("page"))
			if want := fmt.Sprint(tt.req.Size); tt.req.Size != 0 && q.Get("size") != want {
				t.Errorf("%s: size %q", tt.name, q.Get("size"))
			}
		}
		if asked[0] == "" {
			asked[0] = "1"
		}
		if !reflect.DeepEqual(got, tt.want) || !reflect.DeepEqual(asked, tt.pagesN) || (errs == 1) != tt.err || errs > 1 {
			t.Errorf("%s: got %v, pages %v, %d errors", tt.name, got, asked, errs)
		}
	}

	// Documents page the same way.
	rec, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "2" {
			fmt.Fprint(w, `{"code":200,"data":{"list":[{"id":"d3"}],"total":3}}`)
			return
		}
		fmt.Fprint(w, `{"code":200,"data":{"list":[{"id":"d1"},{"id":"d2"}],"total":3}}`)
	})
	var ids []string
	for d, err := range client.Knowledge.Documents.All(ctxb, zai.KnowledgeDocumentListRequest{KnowledgeID: "kb", Size: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	if strings.Join(ids, ",") != "d1,d2,d3" || len(rec.requests()) != 2 || !strings.Contains(rec.last(t).Query, "knowledge_id=kb") {
		t.Fatalf("%v, %d requests", ids, len(rec.requests()))
	}
}

// IntBool is 0 or 1 on the wire and reads 0, 1, true, false and null.
func TestIntBool(t *testing.T) {
	for in, want := range map[string]zai.IntBool{`0`: false, `1`: true, `true`: true, `false`: false, `null`: false, `2`: true, `1.0`: true} {
		var b zai.IntBool
		if err := json.Unmarshal([]byte(in), &b); err != nil || b != want {
			t.Errorf("%s: %v %v", in, b, err)
		}
	}
	var b zai.IntBool
	if err := json.Unmarshal([]byte(`"yes"`), &b); err == nil {
		t.Error(`"yes" is not a 0 or 1`)
	}
	if out, _ := json.Marshal(struct{ A, B zai.IntBool }{true, false}); string(out) != `{"A":1,"B":0}` {
		t.Errorf("%s", out)
	}
}

// A success without "data" is not an answer where one is needed (a created
// id, a resource, an upload report): the call fails rather than return an
// empty value. Where empty makes sense (a list, a search, an update), it is
// empty.
func TestKnowledgeSuccessWithoutData(t *testing.T) {
	for _, body := range []string{`{"code":200,"message":"ok"}`, `{"code":200,"message":"ok","data":null}`} {
		_, client := newRecorder(t, respondJSON(body))
		for name, call := range map[string]func() error{
			"create": func() error {
				_, err := client.Knowledge.Create(ctxb, zai.KnowledgeCreateRequest{EmbeddingID: zai.KnowledgeEmbeddingID3, Name: "x"})
				return err
			},
			"get":      func() error { _, err := client.Knowledge.Get(ctxb, "k"); return err },
			"capacity": func() error { _, err := client.Knowledge.GetCapacity(ctxb); return err },
			"document": func() error { _, err := client.Knowledge.Documents.Get(ctxb, "d"); return err },
			"upload_url": func() error {
				_, err := client.Knowledge.Documents.UploadURLs(ctxb, zai.KnowledgeURLUploadRequest{KnowledgeID: "k",
					Details: []zai.KnowledgeURL{{URL: "https://x", KnowledgeType: 1}}})
				return err
			},
		} {
			var apiErr *zai.APIError
			if err := call(); !errors.As(err, &apiErr) || apiErr.StatusCode != 200 || !strings.Contains(apiErr.Message, `no "data"`) || apiErr.RequestID != "log-123" {
				t.Errorf("%s, %s: %v", body, name, err)
			}
		}
		list, err := client.Knowledge.List(ctxb, zai.KnowledgeListRequest{})
		if err != nil || len(list.Data) != 0 || string(list.RawJSON()) != body {
			t.Errorf("%s, list: %+v %v", body, list, err)
		}
		found, err := client.Knowledge.Retrieve(ctxb, zai.KnowledgeRetrieveRequest{Query: "q", KnowledgeIDs: []string{"k"}})
		if err != nil || len(found.Slices) != 0 {
			t.Errorf("%s, retrieve: %+v %v", body, found, err)
		}
		if err := client.Knowledge.Delete(ctxb, "k"); err != nil {
			t.Errorf("%s, delete: %v", body, err)
		}
	}
}

// BenchmarkKnowledgeRetrieve is one retrieval through the envelope: a
// request, the check and the unwrapping of 20 slices.
func BenchmarkKnowledgeRetrieve(b *testing.B) {
	var items []string
	for i := range 20 {
		items = append(items, fmt.Sprintf(`{"text":"slice %d of the handbook","score":0.%02d,"metadata":{"_id":"s%d","knowledge_id":"kb","doc_id":"d","doc_name":"h.pdf"}}`, i, 99-i, i))
	}
	body := `{"code":200,"message":"请求成功","data":[` + strings.Join(items, ",") + `],"timestamp":1689649504996}`
	_, client := newRecorder(b, respondJSON(body))
	req := zai.KnowledgeRetrieveRequest{Query: "annual leave", KnowledgeIDs: []string{"kb"}}
	b.ReportAllocs()
	for b.Loop() {
		res, err := client.Knowledge.Retrieve(ctxb, req)
		if err != nil || len(res.Slices) != 20 {
			b.Fatal(err)
		}
	}
}
