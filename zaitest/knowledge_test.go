package zaitest_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

// handbook makes a knowledge base with two documents and returns its id.
func handbook(t *testing.T, c *zai.Client) string {
	t.Helper()
	kb, err := c.Knowledge.Create(ctx, zai.KnowledgeCreateRequest{EmbeddingID: zai.KnowledgeEmbeddingID3, Name: "Employee handbook"})
	if err != nil {
		t.Fatal(err)
	}
	up, err := c.Knowledge.Documents.Upload(ctx, zai.KnowledgeDocumentUploadRequest{KnowledgeID: kb.ID, Files: []zai.FileInput{
		zai.FileFromReader(strings.NewReader("Annual leave is 15 days a year.\n\nSick leave needs a doctor's note.\n\n年假每年十五天。"), "leave.md"),
		zai.FileFromReader(strings.NewReader("Expenses are paid monthly."), "expenses.txt"),
		zai.FileFromReader(strings.NewReader("MZ"), "setup.exe"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(up.SuccessInfos) != 2 || up.SuccessInfos[0].FileName != "leave.md" ||
		len(up.FailedInfos) != 1 || up.FailedInfos[0] != (zai.KnowledgeUploadFailure{FileName: "setup.exe", FailReason: "不支持的文档类型"}) {
		t.Fatalf("%+v", up)
	}
	return kb.ID
}

// The store keeps what was made, and retrieval really searches it: the
// slice that shares the query's words comes first, English or Chinese.
func TestKnowledgeStoreAndRetrieve(t *testing.T) {
	srv := zaitest.NewServer(t)
	c := srv.Client()
	id := handbook(t, c)

	kb, err := c.Knowledge.Get(ctx, id)
	if err != nil || kb.Name != "Employee handbook" || kb.DocumentSize != 2 || kb.Icon != zai.KnowledgeIconQuestion || kb.WordNum == 0 {
		t.Fatalf("%+v %v", kb, err)
	}
	found, err := c.Knowledge.Retrieve(ctx, zai.KnowledgeRetrieveRequest{Query: "How many days of annual leave?", KnowledgeIDs: []string{id}})
	if err != nil {
		t.Fatal(err)
	}
	if len(found.Slices) == 0 || found.Slices[0].Text != "Annual leave is 15 days a year." || found.Slices[0].Metadata.DocName != "leave.md" ||
		found.Slices[0].Metadata.KnowledgeID != id {
		t.Fatalf("%+v", found.Slices)
	}
	for i := 1; i < len(found.Slices); i++ {
		if found.Slices[i].Score > found.Slices[i-1].Score {
			t.Fatalf("not best first: %+v", found.Slices)
		}
	}
	zh, err := c.Knowledge.Retrieve(ctx, zai.KnowledgeRetrieveRequest{Query: "年假", KnowledgeIDs: []string{id}, TopK: 1})
	if err != nil || len(zh.Slices) != 1 || zh.Slices[0].Text != "年假每年十五天。" {
		t.Fatalf("%+v %v", zh, err)
	}
	none, err := c.Knowledge.Retrieve(ctx, zai.KnowledgeRetrieveRequest{Query: "parking", KnowledgeIDs: []string{id}})
	if err != nil || len(none.Slices) != 0 {
		t.Fatalf("%+v %v", none, err)
	}

	omni, err := c.Retrieval.Retrieve(ctx, zai.RetrievalRequest{Query: "expenses", Knows: []zai.RetrievalKnowledge{{ID: id}}, EnableRewrite: true})
	if err != nil || len(omni.Contents) != 1 || omni.Contents[0].Text != "Expenses are paid monthly." || omni.Contents[0].KnowID != id ||
		omni.Contents[0].Metadata.DocType != "txt" || omni.RewrittenQuery == nil || omni.RewrittenQuery.OriginalQuery != "expenses" {
		t.Fatalf("%+v %v", omni, err)
	}
	byImage, err := c.Retrieval.Retrieve(ctx, zai.RetrievalRequest{Knows: []zai.RetrievalKnowledge{{ID: id}},
		MultimodalParts: []zai.RetrievalPart{zai.RetrievalImage("https://example.com/leave.png")}})
	if err != nil || len(byImage.Contents) == 0 || !strings.Contains(byImage.Contents[0].Text, "leave") {
		t.Fatalf("%+v %v", byImage, err)
	}

	// Deleting a document takes its slices out of the search.
	docs, err := c.Knowledge.Documents.List(ctx, zai.KnowledgeDocumentListRequest{KnowledgeID: id, Word: "expenses"})
	if err != nil || docs.Total != 1 {
		t.Fatalf("%+v %v", docs, err)
	}
	if err := c.Knowledge.Documents.Delete(ctx, docs.Data[0].ID); err != nil {
		t.Fatal(err)
	}
	gone, err := c.Knowledge.Retrieve(ctx, zai.KnowledgeRetrieveRequest{Query: "expenses", KnowledgeIDs: []string{id}})
	if err != nil || len(gone.Slices) != 0 {
		t.Fatalf("%+v %v", gone, err)
	}
	if _, err := c.Knowledge.Documents.Get(ctx, docs.Data[0].ID); !errors.Is(err, zai.ErrNotFound) {
		t.Fatalf("deleted document: %v", err)
	}
}

// Documents: custom slicing, a word limit that fails the embedding, URLs,
// parsed images, re-embedding, capacity, update, paging and delete.
func TestKnowledgeDocumentsLifecycle(t *testing.T) {
	srv := zaitest.NewServer(t)
	c := srv.Client()
	kb, err := c.Knowledge.Create(ctx, zai.KnowledgeCreateRequest{EmbeddingID: zai.KnowledgeEmbeddingID2, Name: "FAQ", Icon: zai.KnowledgeIconBook})
	if err != nil {
		t.Fatal(err)
	}
	up, err := c.Knowledge.Documents.Upload(ctx, zai.KnowledgeDocumentUploadRequest{KnowledgeID: kb.ID,
		Files:         []zai.FileInput{zai.FileFromReader(strings.NewReader("one;two;three"), "list.txt")},
		KnowledgeType: zai.KnowledgeTypeCustom, CustomSeparator: []string{";"}, ParseImage: true})
	if err != nil {
		t.Fatal(err)
	}
	id := up.SuccessInfos[0].DocumentID
	doc, err := c.Knowledge.Documents.Get(ctx, id)
	if err != nil || doc.KnowledgeType != zai.KnowledgeTypeCustom || doc.CustomSeparator[0] != ";" || doc.EmbeddingStat != zai.KnowledgeEmbedStatusSuccess || doc.FailInfo != nil {
		t.Fatalf("%+v %v", doc, err)
	}
	images, err := c.Knowledge.Documents.ListImages(ctx, id)
	if err != nil || len(images.Images) != 3 || !strings.HasPrefix(images.Images[0].CosURL, "https://zaitest.invalid/") {
		t.Fatalf("%+v %v", images, err)
	}
	if err := c.Knowledge.Documents.Embed(ctx, id, zai.KnowledgeDocumentEmbedRequest{CallbackURL: "https://example.com/cb"}); err != nil {
		t.Fatal(err)
	}

	long, err := c.Knowledge.Documents.Upload(ctx, zai.KnowledgeDocumentUploadRequest{KnowledgeID: kb.ID,
		Files: []zai.FileInput{zai.FileFromReader(strings.NewReader("far too many words here"), "long.txt")}, WordNumLimit: 5})
	if err != nil {
		t.Fatal(err)
	}
	failed, err := c.Knowledge.Documents.Get(ctx, long.SuccessInfos[0].DocumentID)
	if err != nil || failed.EmbeddingStat != zai.KnowledgeEmbedStatusFailed || failed.FailInfo == nil || failed.FailInfo.Code != 10002 {
		t.Fatalf("%+v %v", failed, err)
	}

	urls, err := c.Knowledge.Documents.UploadURLs(ctx, zai.KnowledgeURLUploadRequest{KnowledgeID: kb.ID, Details: []zai.KnowledgeURL{
		{URL: "https://example.com/travel-policy.html", KnowledgeType: zai.KnowledgeTypeTitleParagraph},
		{URL: "not a url", KnowledgeType: zai.KnowledgeTypeTitleParagraph},
	}})
	if err != nil || len(urls.SuccessInfos) != 1 || urls.SuccessInfos[0].URL != "https://example.com/travel-policy.html" || len(urls.FailedInfos) != 1 {
		t.Fatalf("%+v %v", urls, err)
	}
	travel, err := c.Knowledge.Retrieve(ctx, zai.KnowledgeRetrieveRequest{Query: "travel policy", KnowledgeIDs: []string{kb.ID}})
	if err != nil || len(travel.Slices) != 1 || travel.Slices[0].Metadata.DocURL != "https://example.com/travel-policy.html" {
		t.Fatalf("%+v %v", travel, err)
	}

	var names []string
	for d, err := range c.Knowledge.Documents.All(ctx, zai.KnowledgeDocumentListRequest{KnowledgeID: kb.ID, Size: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, d.Name)
	}
	if strings.Join(names, ",") != "list.txt,long.txt,travel-policy.html" {
		t.Fatalf("%v", names)
	}
	capacity, err := c.Knowledge.GetCapacity(ctx)
	if err != nil || capacity.Used.WordNum == 0 || capacity.Total.WordNum != 500000 {
		t.Fatalf("%+v %v", capacity, err)
	}

	if err := c.Knowledge.Update(ctx, kb.ID, zai.KnowledgeUpdateRequest{Name: "Questions", Contextual: zai.Ptr[zai.IntBool](true)}); err != nil {
		t.Fatal(err)
	}
	got, err := c.Knowledge.Get(ctx, kb.ID)
	if err != nil || got.Name != "Questions" || !bool(got.Contextual) || got.Icon != zai.KnowledgeIconBook {
		t.Fatalf("%+v %v", got, err)
	}
	second, _ := c.Knowledge.Create(ctx, zai.KnowledgeCreateRequest{EmbeddingID: zai.KnowledgeEmbeddingID3, Name: "Second"})
	var bases []string
	for b, err := range c.Knowledge.All(ctx, zai.KnowledgeListRequest{Size: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		bases = append(bases, b.ID)
	}
	if strings.Join(bases, ",") != kb.ID+","+second.ID {
		t.Fatalf("%v", bases)
	}
	if err := c.Knowledge.Delete(ctx, kb.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Knowledge.Documents.Get(ctx, id); !errors.Is(err, zai.ErrNotFound) {
		t.Fatalf("a document of a deleted base: %v", err)
	}
	var apiErr *zai.APIError
	if _, err := c.Knowledge.Create(ctx, zai.KnowledgeCreateRequest{EmbeddingID: 7, Name: "x"}); !errors.As(err, &apiErr) || apiErr.Code != "400" {
		t.Fatalf("embedding 7: %v", err)
	}
}

// The Q&A agent searches the store and streams the whole ReAct turn; a
// session continues with its id; a session the server never made ends the
// stream with an error event.
func TestQAAgentOverTheStore(t *testing.T) {
	srv := zaitest.NewServer(t)
	c := srv.Client()
	id := handbook(t, c)
	ask := func(session, question string, thinking bool) ([]zai.QAAgentEvent, error) {
		stream, err := c.QAAgent.InvokeStream(ctx, zai.QAAgentRequest{SessionID: session, EnableThinking: thinking,
			Messages: []zai.Message{zai.UserMessage(question)}, Retrieval: zai.QAAgentRetrieval{KnowIDs: []string{id}}})
		if err != nil {
			return nil, err
		}
		var events []zai.QAAgentEvent
		for ev, err := range stream.All() {
			if err != nil {
				return events, err
			}
			events = append(events, ev)
		}
		return events, nil
	}
	events, err := ask("", "How long is annual leave?", true)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	var answer strings.Builder
	for _, ev := range events {
		if len(types) == 0 || types[len(types)-1] != string(ev.Type) {
			types = append(types, string(ev.Type))
		}
		if ev.Type == zai.QAAgentEventTypeAnswer {
			answer.WriteString(ev.Text)
		}
	}
	if strings.Join(types, ",") != "session_created,reasoning,thought,tool_call,tool_result,answer,done" {
		t.Fatalf("%v", types)
	}
	if answer.String() != "According to leave.md: Annual leave is 15 days a year." {
		t.Fatalf("%q", answer.String())
	}
	session := events[0].SessionID
	done := events[len(events)-1]
	if session == "" || done.MessageID == "" || done.Usage == nil || done.Usage.TotalCalls != 1 || done.Usage.CompletionTokensDetails.ReasoningTokens == 0 {
		t.Fatalf("%+v", done)
	}
	byType := map[zai.QAAgentEventType]zai.QAAgentEvent{}
	for _, ev := range events {
		byType[ev.Type] = ev
	}
	if call := byType[zai.QAAgentEventTypeToolCall]; call.ToolCall == nil || call.ToolCall.ToolName != "knowledge_search" || !strings.Contains(call.ToolCall.Arguments, `"query":"How long is annual leave?"`) {
		t.Fatalf("%+v", call.ToolCall)
	}
	if out := byType[zai.QAAgentEventTypeToolResult].ToolOutput; out == nil || out.Status != zai.QAAgentToolStatusSuccess || !strings.Contains(out.Result, "Annual leave is 15 days") {
		t.Fatalf("%+v", out)
	}

	again, err := ask(session, "And sick leave?", false)
	if err != nil || again[0].Type != zai.QAAgentEventTypeThought || again[0].SessionID != session {
		t.Fatalf("%+v %v", again, err)
	}
	if h := srv.Requests()[len(srv.Requests())-1].Header.Get("X-Session-Id"); h != session {
		t.Fatalf("X-Session-Id %q", h)
	}

	_, err = ask("session_999", "hello", false)
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || !apiErr.InStream || !strings.Contains(apiErr.Message, "session_999") {
		t.Fatalf("unknown session: %v", err)
	}
	if _, err := c.QAAgent.InvokeStream(ctx, zai.QAAgentRequest{Messages: []zai.Message{zai.UserMessage("hi")},
		Retrieval: zai.QAAgentRetrieval{KnowIDs: []string{"kb_404"}}}); !errors.Is(err, zai.ErrNotFound) {
		t.Fatalf("unknown knowledge base: %v", err)
	}
}
