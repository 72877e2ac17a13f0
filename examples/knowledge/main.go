// Knowledge: a BigModel knowledge base from start to finish. It creates a
// base, uploads a document and a web page, searches them, asks the Q&A agent
// (streamed: its thoughts, the search it runs, the answer), asks a follow-up
// in the same session, and deletes the base. With ZAI_API_KEY set it calls
// the real API (set ZAI_BASE_URL to https://open.bigmodel.cn/api/paas/v4:
// knowledge bases are a BigModel service); without, the built-in fake
// server, whose store really searches what was uploaded.
//
//	go run ./examples/knowledge
package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

const handbook = `Annual leave is 15 days a year, taken in half days or more.

Sick leave needs a doctor's note after two days.

Travel is booked through the travel desk; economy class under six hours.`

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	client, fake, err := zaitest.RealOrFake() // the real API with ZAI_API_KEY, else a fake server
	if err != nil {
		return err
	}
	defer fake.Close()

	kb, err := client.Knowledge.Create(ctx, zai.KnowledgeCreateRequest{
		EmbeddingID: zai.KnowledgeEmbeddingID3,
		Name:        "Employee handbook",
		Icon:        zai.KnowledgeIconBook,
	})
	if err != nil {
		return err
	}
	fmt.Println("created knowledge base", kb.ID)
	defer func() {
		if err := client.Knowledge.Delete(ctx, kb.ID); err != nil {
			fmt.Println("delete:", err)
			return
		}
		fmt.Println("deleted knowledge base", kb.ID)
	}()

	up, err := client.Knowledge.Documents.Upload(ctx, zai.KnowledgeDocumentUploadRequest{
		KnowledgeID: kb.ID,
		Files:       []zai.FileInput{zai.FileFromReader(strings.NewReader(handbook), "handbook.md")},
	})
	if err != nil {
		return err
	}
	for _, d := range up.SuccessInfos {
		fmt.Println("uploaded", d.FileName, "as", d.DocumentID)
	}
	urls, err := client.Knowledge.Documents.UploadURLs(ctx, zai.KnowledgeURLUploadRequest{
		KnowledgeID: kb.ID,
		Details:     []zai.KnowledgeURL{{URL: "https://example.com/expenses-policy.html", KnowledgeType: zai.KnowledgeTypeTitleParagraph}},
	})
	if err != nil {
		return err
	}
	for _, d := range urls.SuccessInfos {
		fmt.Println("added", d.URL, "as", d.DocumentID)
	}
	// The server embeds documents after the upload; Get reports the state
	// (the fake server embeds at once).
	for _, d := range up.SuccessInfos {
		doc, err := client.Knowledge.Documents.Get(ctx, d.DocumentID)
		if err != nil {
			return err
		}
		fmt.Printf("%s embedded: %v\n", doc.Name, doc.EmbeddingStat == zai.KnowledgeEmbedStatusSuccess)
	}

	found, err := client.Knowledge.Retrieve(ctx, zai.KnowledgeRetrieveRequest{
		Query:        "How is travel booked?",
		KnowledgeIDs: []string{kb.ID},
		TopK:         2,
	})
	if err != nil {
		return err
	}
	fmt.Println("--- retrieve: How is travel booked?")
	for _, s := range found.Slices {
		fmt.Printf("  %.2f %s\n", s.Score, s.Text)
	}

	session, err := ask(ctx, client, kb.ID, "", "How many days of annual leave do I get?")
	if err != nil {
		return err
	}
	_, err = ask(ctx, client, kb.ID, session, "And what about sick leave?")
	return err
}

// ask streams one turn of the Q&A agent and returns its session id.
func ask(ctx context.Context, client *zai.Client, kbID, session, question string) (string, error) {
	fmt.Println("--- ask:", question)
	stream, err := client.QAAgent.InvokeStream(ctx, zai.QAAgentRequest{
		SessionID: session, // empty starts a session
		Messages:  []zai.Message{zai.UserMessage(question)},
		Retrieval: zai.QAAgentRetrieval{KnowIDs: []string{kbID}, TopK: 3},
	})
	if err != nil {
		return "", err
	}
	for ev, err := range stream.All() {
		if err != nil {
			return "", err
		}
		session = ev.SessionID
		switch ev.Type {
		case zai.QAAgentEventTypeThought:
			fmt.Println("  thought:", ev.Text)
		case zai.QAAgentEventTypeToolCall:
			fmt.Printf("  tool call: %s(%s)\n", ev.ToolCall.ToolName, ev.ToolCall.Arguments)
		case zai.QAAgentEventTypeToolResult:
			fmt.Printf("  tool result: %s in %v\n", ev.ToolOutput.Status, ev.ToolOutput.Duration())
		case zai.QAAgentEventTypeAnswer:
			fmt.Print(ev.Text)
		case zai.QAAgentEventTypeDone:
			fmt.Printf("\n  (session %s, %d tokens)\n", session, ev.Usage.TotalTokens)
		}
	}
	return session, nil
}
