package zai_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

// exampleHandbook makes a knowledge base holding one document on the fake
// server and returns the ids of both.
func exampleHandbook(client *zai.Client) (kbID, docID string) {
	ctx := context.Background()
	kb, err := client.Knowledge.Create(ctx, zai.KnowledgeCreateRequest{EmbeddingID: zai.KnowledgeEmbeddingID3, Name: "Employee handbook"})
	if err != nil {
		log.Fatal(err)
	}
	up, err := client.Knowledge.Documents.Upload(ctx, zai.KnowledgeDocumentUploadRequest{
		KnowledgeID: kb.ID,
		Files: []zai.FileInput{zai.FileFromReader(strings.NewReader(
			"Annual leave is 15 days a year.\n\nSick leave needs a doctor's note."), "leave.md")},
	})
	if err != nil {
		log.Fatal(err)
	}
	return kb.ID, up.SuccessInfos[0].DocumentID
}

func ExampleKnowledgeService_Create() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()

	kb, err := client.Knowledge.Create(context.Background(), zai.KnowledgeCreateRequest{
		EmbeddingID: zai.KnowledgeEmbeddingID3,
		Name:        "Employee handbook",
		Icon:        zai.KnowledgeIconBook,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(kb.ID)
	// Output: kb_001
}

func ExampleKnowledgeService_List() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	exampleHandbook(client)

	page, err := client.Knowledge.List(context.Background(), zai.KnowledgeListRequest{Page: 1, Size: 10})
	if err != nil {
		log.Fatal(err)
	}
	for _, kb := range page.Data {
		fmt.Println(kb.ID, kb.Name, kb.DocumentSize, "document")
	}
	fmt.Println("total:", page.Total)
	// Output:
	// kb_001 Employee handbook 1 document
	// total: 1
}

func ExampleKnowledgeService_All() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	for _, name := range []string{"HR", "IT", "Sales"} {
		client.Knowledge.Create(context.Background(), zai.KnowledgeCreateRequest{EmbeddingID: zai.KnowledgeEmbeddingID3, Name: name})
	}

	// Two bases a page: the loop fetches the second page when it gets there.
	for kb, err := range client.Knowledge.All(context.Background(), zai.KnowledgeListRequest{Size: 2}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(kb.ID, kb.Name)
	}
	// Output:
	// kb_001 HR
	// kb_002 IT
	// kb_003 Sales
}

func ExampleKnowledgeService_Get() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	kbID, _ := exampleHandbook(client)

	kb, err := client.Knowledge.Get(context.Background(), kbID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(kb.Name, kb.EmbeddingID == zai.KnowledgeEmbeddingID3, kb.WordNum, "words")
	// Output: Employee handbook true 53 words
}

func ExampleKnowledgeService_Update() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	kbID, _ := exampleHandbook(client)

	err := client.Knowledge.Update(context.Background(), kbID, zai.KnowledgeUpdateRequest{
		Description: "Leave and expenses",
		Contextual:  zai.Ptr[zai.IntBool](true),
	})
	if err != nil {
		log.Fatal(err)
	}
	kb, _ := client.Knowledge.Get(context.Background(), kbID)
	fmt.Println(kb.Description, bool(kb.Contextual))
	// Output: Leave and expenses true
}

func ExampleKnowledgeService_Delete() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	kbID, _ := exampleHandbook(client)

	if err := client.Knowledge.Delete(context.Background(), kbID); err != nil {
		log.Fatal(err)
	}
	_, err := client.Knowledge.Get(context.Background(), kbID)
	fmt.Println(err)
	// Output: zai: 404 Not Found: code 404: knowledge base kb_001 does not exist (request_id zaitest-000004)
}

func ExampleKnowledgeService_GetCapacity() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	exampleHandbook(client)

	c, err := client.Knowledge.GetCapacity(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d of %d words used\n", c.Used.WordNum, c.Total.WordNum)
	// Output: 53 of 500000 words used
}

func ExampleKnowledgeService_Retrieve() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	kbID, _ := exampleHandbook(client)

	res, err := client.Knowledge.Retrieve(context.Background(), zai.KnowledgeRetrieveRequest{
		Query:               "How many days of annual leave?",
		KnowledgeIDs:        []string{kbID},
		TopK:                3,
		RecallMethod:        zai.RecallMethodMixed,
		FractionalThreshold: zai.Ptr(0.3), // drop weak matches
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range res.Slices {
		fmt.Printf("%.2f %s: %s\n", s.Score, s.Metadata.DocName, s.Text)
	}
	// Output: 0.50 leave.md: Annual leave is 15 days a year.
}

func ExampleKnowledgeDocumentService_Upload() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	kb, _ := client.Knowledge.Create(context.Background(), zai.KnowledgeCreateRequest{EmbeddingID: zai.KnowledgeEmbeddingID3, Name: "FAQ"})

	res, err := client.Knowledge.Documents.Upload(context.Background(), zai.KnowledgeDocumentUploadRequest{
		KnowledgeID: kb.ID,
		Files: []zai.FileInput{
			zai.FileFromReader(strings.NewReader("Q: Parking?\nA: Level -2."), "faq.txt"), // or zai.FileFromPath("faq.pdf")
			zai.FileFromReader(strings.NewReader("MZ"), "setup.exe"),
		},
		KnowledgeType:   zai.KnowledgeTypeCustom,
		CustomSeparator: []string{"\n"},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, ok := range res.SuccessInfos {
		fmt.Println("added", ok.FileName, "as", ok.DocumentID)
	}
	for _, no := range res.FailedInfos {
		fmt.Println("refused", no.FileName+":", no.FailReason)
	}
	// Output:
	// added faq.txt as doc_001
	// refused setup.exe: 不支持的文档类型
}

func ExampleKnowledgeDocumentService_UploadURLs() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	kb, _ := client.Knowledge.Create(context.Background(), zai.KnowledgeCreateRequest{EmbeddingID: zai.KnowledgeEmbeddingID3, Name: "Policies"})

	res, err := client.Knowledge.Documents.UploadURLs(context.Background(), zai.KnowledgeURLUploadRequest{
		KnowledgeID: kb.ID,
		Details:     []zai.KnowledgeURL{{URL: "https://example.com/travel-policy.html", KnowledgeType: zai.KnowledgeTypeTitleParagraph}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.SuccessInfos[0].DocumentID, res.SuccessInfos[0].URL)
	// Output: doc_001 https://example.com/travel-policy.html
}

func ExampleKnowledgeDocumentService_List() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	kbID, _ := exampleHandbook(client)

	page, err := client.Knowledge.Documents.List(context.Background(), zai.KnowledgeDocumentListRequest{KnowledgeID: kbID, Word: "leave"})
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range page.Data {
		fmt.Println(d.ID, d.Name, d.EmbeddingStat == zai.KnowledgeEmbedStatusSuccess)
	}
	// Output: doc_001 leave.md true
}

func ExampleKnowledgeDocumentService_All() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	kbID, _ := exampleHandbook(client)
	client.Knowledge.Documents.UploadURLs(context.Background(), zai.KnowledgeURLUploadRequest{KnowledgeID: kbID,
		Details: []zai.KnowledgeURL{{URL: "https://example.com/expenses.html", KnowledgeType: zai.KnowledgeTypeTitleParagraph}}})

	for d, err := range client.Knowledge.Documents.All(context.Background(), zai.KnowledgeDocumentListRequest{KnowledgeID: kbID, Size: 1}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(d.Name)
	}
	// Output:
	// leave.md
	// expenses.html
}

func ExampleKnowledgeDocumentService_Get() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	_, docID := exampleHandbook(client)

	d, err := client.Knowledge.Documents.Get(context.Background(), docID)
	if err != nil {
		log.Fatal(err)
	}
	switch d.EmbeddingStat {
	case zai.KnowledgeEmbedStatusSuccess:
		fmt.Println(d.Name, "is searchable")
	case zai.KnowledgeEmbedStatusFailed:
		fmt.Println(d.Name, "failed:", d.FailInfo.Message)
	default:
		fmt.Println(d.Name, "is being embedded")
	}
	// Output: leave.md is searchable
}

func ExampleKnowledgeDocumentService_Delete() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	kbID, docID := exampleHandbook(client)

	if err := client.Knowledge.Documents.Delete(context.Background(), docID); err != nil {
		log.Fatal(err)
	}
	kb, _ := client.Knowledge.Get(context.Background(), kbID)
	fmt.Println(kb.DocumentSize, "documents left")
	// Output: 0 documents left
}

func ExampleKnowledgeDocumentService_Embed() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	_, docID := exampleHandbook(client)

	// Returns once the work is accepted; the callback says when it is done.
	err := client.Knowledge.Documents.Embed(context.Background(), docID, zai.KnowledgeDocumentEmbedRequest{
		CallbackURL: "https://example.com/embedded",
	})
	fmt.Println(err)
	// Output: <nil>
}

func ExampleKnowledgeDocumentService_ListImages() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	kb, _ := client.Knowledge.Create(context.Background(), zai.KnowledgeCreateRequest{EmbeddingID: zai.KnowledgeEmbeddingID3, Name: "Manuals"})
	up, _ := client.Knowledge.Documents.Upload(context.Background(), zai.KnowledgeDocumentUploadRequest{
		KnowledgeID: kb.ID,
		Files:       []zai.FileInput{zai.FileFromReader(strings.NewReader("Fig. 1 shows the pump."), "pump.md")},
		ParseImage:  true,
	})

	list, err := client.Knowledge.Documents.ListImages(context.Background(), up.SuccessInfos[0].DocumentID)
	if err != nil {
		log.Fatal(err)
	}
	for _, img := range list.Images {
		fmt.Println(img.Text, img.CosURL)
	}
	// Output: 【示意图序号_doc_001_1】 https://zaitest.invalid/knowledge_pdf_image/doc_001_1.png
}

func ExampleRetrievalService_Retrieve() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	kbID, _ := exampleHandbook(client)

	res, err := client.Retrieval.Retrieve(context.Background(), zai.RetrievalRequest{
		Knows:         []zai.RetrievalKnowledge{{ID: kbID}},
		Query:         "sick leave",
		EnableRewrite: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range res.Contents {
		fmt.Printf("%.2f %s (%s)\n", c.Score, c.Text, c.Metadata.DocName)
	}
	// Output:
	// 1.00 Sick leave needs a doctor's note. (leave.md)
	// 0.50 Annual leave is 15 days a year. (leave.md)
}

func ExampleQAAgentService_InvokeStream() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	kbID, _ := exampleHandbook(client)

	stream, err := client.QAAgent.InvokeStream(context.Background(), zai.QAAgentRequest{
		Messages:  []zai.Message{zai.UserMessage("How long is annual leave?")},
		Retrieval: zai.QAAgentRetrieval{KnowIDs: []string{kbID}},
	})
	if err != nil {
		log.Fatal(err)
	}
	var session string
	for ev, err := range stream.All() {
		if err != nil {
			log.Fatal(err)
		}
		switch ev.Type {
		case zai.QAAgentEventTypeSessionCreated:
			session = ev.SessionID // send it as QAAgentRequest.SessionID to continue
		case zai.QAAgentEventTypeThought:
			fmt.Println("thought:", ev.Text)
		case zai.QAAgentEventTypeToolCall:
			fmt.Println("calls", ev.ToolCall.ToolName)
		case zai.QAAgentEventTypeAnswer:
			fmt.Print(ev.Text)
		case zai.QAAgentEventTypeDone:
			fmt.Printf("\n%s: %d tokens\n", session, ev.Usage.TotalTokens)
		}
	}
	// Output:
	// thought: Search the knowledge base for: How long is annual leave?
	// calls knowledge_search
	// According to leave.md: Annual leave is 15 days a year.
	// session_001: 35 tokens
}

func ExampleCodingPlanService_CreateFeedback() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client(zai.WithBaseURL(srv.URL())) // a Coding Plan key, on CodingBaseURL in real use

	_, err := client.CodingPlan.CreateFeedback(context.Background(), zai.CodingPlanFeedbackRequest{
		Feedback: "The model repeats the same tool call.",
		Context:  "Refactoring a Go package; the loop starts after the third edit.",
		CodeType: "go",
	})
	fmt.Println(err)
	// Output: <nil>
}
