package zaitest_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

func upload(t *testing.T, client *zai.Client, purpose zai.FilePurpose, name, data string) *zai.FileObject {
	t.Helper()
	f, err := client.Files.Upload(ctx, zai.FileUploadRequest{File: zai.FileInput{Reader: strings.NewReader(data), Name: name}, Purpose: purpose})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestFilesStore(t *testing.T) {
	srv := zaitest.NewServer(t)
	client := srv.Client()
	var ids []string
	for i := range 5 {
		f := upload(t, client, zai.FilePurposeAgent, fmt.Sprintf("doc%d.txt", i), fmt.Sprintf("document %d", i))
		if f.Bytes != 10 || f.FileName != fmt.Sprintf("doc%d.txt", i) || f.Purpose != zai.FilePurposeAgent || f.Object != "file" || f.CreatedAt != zaitest.Created {
			t.Fatalf("%+v", f)
		}
		ids = append(ids, f.ID)
	}
	upload(t, client, zai.FilePurposeBatch, "in.jsonl", `{"custom_id":"1"}`)
	if ids[0] != "file_001" || ids[4] != "file_005" {
		t.Fatal(ids)
	}

	// Pages of two, following the cursor.
	var seen []string
	req := zai.FileListRequest{Purpose: zai.FilePurposeAgent, Limit: 2}
	for pages := 0; ; pages++ {
		page, err := client.Files.List(ctx, req)
		if err != nil || pages > 3 {
			t.Fatal(err, pages)
		}
		for _, f := range page.Data {
			seen = append(seen, f.ID)
		}
		if !page.HasMore {
			break
		}
		req.After = page.Data[len(page.Data)-1].ID
	}
	if strings.Join(seen, ",") != strings.Join(ids, ",") {
		t.Fatalf("listed %v, want %v", seen, ids)
	}
	desc, _ := client.Files.List(ctx, zai.FileListRequest{Order: "desc", Limit: 1})
	if len(desc.Data) != 1 || desc.Data[0].ID != "file_006" || !desc.HasMore {
		t.Fatalf("%+v", desc)
	}

	body, err := client.Files.Download(ctx, ids[3])
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(body)
	body.Close()
	if string(b) != "document 3" {
		t.Fatalf("%q", b)
	}
	del, err := client.Files.Delete(ctx, ids[3])
	if err != nil || !del.Deleted || del.ID != ids[3] {
		t.Fatalf("%v %+v", err, del)
	}
	if _, err := client.Files.Download(ctx, ids[3]); !errors.Is(err, zai.ErrNotFound) {
		t.Fatalf("download after delete: %v", err)
	}
	if all, _ := client.Files.List(ctx, zai.FileListRequest{Purpose: zai.FilePurposeAgent}); len(all.Data) != 4 || all.HasMore {
		t.Fatalf("%+v", all)
	}
	if _, err := client.Files.Upload(ctx, zai.FileUploadRequest{File: zai.FileInput{Reader: strings.NewReader("not json"), Name: "x.jsonl"}, Purpose: zai.FilePurposeBatch}); !errors.Is(err, zai.ErrBadRequest) {
		t.Fatalf("a batch file that is not JSONL: %v", err)
	}
}

func batchInput(t *testing.T, texts ...string) string {
	t.Helper()
	var items []zai.BatchInputItem
	for i, text := range texts {
		items = append(items, zai.BatchInputItem{CustomID: fmt.Sprintf("r%d", i+1), Request: req(text)})
	}
	var b bytes.Buffer
	if err := zai.WriteBatchInput(&b, items...); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestBatchRunsThroughChat(t *testing.T) {
	srv := zaitest.NewServer(t, zaitest.WithTaskPolls(2))
	client := srv.Client()
	in := upload(t, client, zai.FilePurposeBatch, "in.jsonl", batchInput(t, "first", "second")+
		`{"custom_id":"bad","method":"POST","url":"/v4/chat/completions","body":{"model":"glm-4.7"}}`+"\n")
	b, err := client.Batches.Create(ctx, zai.BatchCreateRequest{InputFileID: in.ID, Endpoint: zai.BatchEndpointChatCompletions,
		Metadata: map[string]string{"job": "test"}})
	if err != nil || b.ID != "batch_001" || b.Status != zai.BatchStatusValidating || b.RequestCounts.Total != 3 || b.Metadata["job"] != "test" || b.CompletionWindow != "24h" {
		t.Fatalf("%v %+v", err, b)
	}
	var statuses []zai.BatchStatus
	for b.Status != zai.BatchStatusCompleted && len(statuses) < 5 {
		if b, err = client.Batches.Get(ctx, b.ID); err != nil {
			t.Fatal(err)
		}
		statuses = append(statuses, b.Status)
	}
	if fmt.Sprint(statuses) != "[in_progress in_progress completed]" {
		t.Fatal(statuses)
	}
	if c := b.RequestCounts; c.Completed != 2 || c.Failed != 1 || b.OutputFileID == "" || b.ErrorFileID == "" || zai.BatchTime(b.CompletedAt).IsZero() {
		t.Fatalf("%+v", b)
	}
	out, err := client.Files.Download(ctx, b.OutputFileID)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	var answers []string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		var line struct {
			CustomID string `json:"custom_id"`
			Response struct {
				StatusCode int                `json:"status_code"`
				Body       zai.ChatCompletion `json:"body"`
			} `json:"response"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		answers = append(answers, fmt.Sprintf("%s %d %s", line.CustomID, line.Response.StatusCode, line.Response.Body.Choices[0].Message.Content))
	}
	if strings.Join(answers, "|") != "r1 200 Echo: first|r2 200 Echo: second" {
		t.Fatalf("%q", answers)
	}
	errFile, _ := srv.File(b.ErrorFileID)
	if !strings.Contains(string(errFile), `"custom_id":"bad"`) || !strings.Contains(string(errFile), `"status_code":400`) {
		t.Fatalf("%s", errFile)
	}
	if _, err := client.Batches.Cancel(ctx, b.ID); !errors.Is(err, zai.ErrBadRequest) {
		t.Fatalf("cancelling a completed batch: %v", err)
	}
}

func TestBatchCancelAndList(t *testing.T) {
	srv := zaitest.NewServer(t)
	client := srv.Client()
	in := upload(t, client, zai.FilePurposeBatch, "in.jsonl", batchInput(t, "x"))
	for range 3 {
		if _, err := client.Batches.Create(ctx, zai.BatchCreateRequest{InputFileID: in.ID, Endpoint: zai.BatchEndpointChatCompletions}); err != nil {
			t.Fatal(err)
		}
	}
	b, err := client.Batches.Cancel(ctx, "batch_002")
	if err != nil || b.Status != zai.BatchStatusCancelling {
		t.Fatalf("%v %+v", err, b)
	}
	if b, _ = client.Batches.Get(ctx, "batch_002"); b.Status != zai.BatchStatusCancelled || b.OutputFileID != "" {
		t.Fatalf("%+v", b)
	}
	var ids []string
	for b, err := range client.Batches.All(ctx, zai.BatchListRequest{Limit: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, b.ID)
	}
	if strings.Join(ids, ",") != "batch_001,batch_002,batch_003" {
		t.Fatal(ids)
	}
	page, _ := client.Batches.List(ctx, zai.BatchListRequest{Limit: 2})
	if page.FirstID != "batch_001" || page.LastID != "batch_002" || !page.HasMore {
		t.Fatalf("%+v", page)
	}
	if _, err := client.Batches.Create(ctx, zai.BatchCreateRequest{InputFileID: "file_404", Endpoint: zai.BatchEndpointChatCompletions}); !errors.Is(err, zai.ErrBadRequest) {
		t.Fatalf("unknown input file: %v", err)
	}
	if _, err := client.Batches.Get(ctx, "batch_404"); !errors.Is(err, zai.ErrNotFound) {
		t.Fatalf("unknown batch: %v", err)
	}
}

func TestFileUploadURLs(t *testing.T) {
	srv := zaitest.NewServer(t)
	client := srv.Client()
	resp, err := client.Files.UploadURLs(ctx, zai.FileURLUploadRequest{
		Purpose: zai.FilePurposeRetrieval, KnowledgeID: "kb-1",
		Details: []zai.FileUploadDetail{{URL: "https://example.com/manual.pdf", KnowledgeType: 1}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.SuccessInfos) != 1 || resp.SuccessInfos[0].Filename != "manual.pdf" || resp.SuccessInfos[0].DocumentID == "" || len(resp.FailedInfos) != 0 {
		t.Fatalf("%+v", resp)
	}
	var sent struct {
		KnowledgeID string `json:"knowledge_id"`
	}
	if err := srv.Requests()[0].Decode(&sent); err != nil || sent.KnowledgeID != "kb-1" {
		t.Fatalf("sent %+v, %v", sent, err)
	}
}
