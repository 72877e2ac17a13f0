package zai_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"strings"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

// uploadNotes stores a few files on the fake server for the examples.
func uploadNotes(client *zai.Client, names ...string) {
	for _, name := range names {
		_, err := client.Files.Upload(context.Background(), zai.FileUploadRequest{
			Purpose: zai.FilePurposeFileExtract,
			File:    zai.FileInput{Reader: strings.NewReader("notes of " + name), Name: name},
		})
		if err != nil {
			log.Fatal(err)
		}
	}
}

func ExampleFileService_Upload() {
	srv := zaitest.Start()
	defer srv.Close()

	// The file is streamed as it is read. From a Path (or an io.Seeker) a
	// failed upload is retried; from any other reader it is sent once.
	f, err := srv.Client().Files.Upload(context.Background(), zai.FileUploadRequest{
		Purpose: zai.FilePurposeBatch,
		File:    zai.FileInput{Reader: strings.NewReader(`{"custom_id":"1"}` + "\n"), Name: "input.jsonl"}, // or {Path: "input.jsonl"}
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(f.ID, f.FileName, f.Bytes, f.Purpose)
	// Output:
	// file_001 input.jsonl 18 batch
}

func ExampleFileService_UploadURLs() {
	srv := zaitest.Start()
	defer srv.Close()

	// Documents by URL, into a knowledge base.
	res, err := srv.Client().Files.UploadURLs(context.Background(), zai.FileURLUploadRequest{
		Purpose:     zai.FilePurposeRetrieval,
		KnowledgeID: "kb-1",
		Details: []zai.FileUploadDetail{
			{URL: "https://example.com/handbook.pdf", KnowledgeType: 1},
			{URL: "https://example.com/faq.html", KnowledgeType: 9}, // not a known type
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(res.SuccessInfos), "added")
	for _, f := range res.FailedInfos {
		fmt.Println("failed:", f.Filename, f.FailReason)
	}
	// Output:
	// 1 added
	// failed: faq.html url and a knowledge_type of 1-5 are required
}

func ExampleFileService_List() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	uploadNotes(client, "a.txt", "b.txt", "c.txt")

	page, err := client.Files.List(context.Background(), zai.FileListRequest{Purpose: zai.FilePurposeFileExtract, Limit: 2})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range page.Data {
		fmt.Println(f.ID, f.FileName)
	}
	fmt.Println("more:", page.HasMore) // the next page starts After the last id
	// Output:
	// file_001 a.txt
	// file_002 b.txt
	// more: true
}

func ExampleFileService_All() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	uploadNotes(client, "a.txt", "b.txt", "c.txt")

	// Every page, fetched as the loop needs it.
	for f, err := range client.Files.All(context.Background(), zai.FileListRequest{Limit: 2}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(f.ID, f.FileName, f.Bytes)
	}
	// Output:
	// file_001 a.txt 14
	// file_002 b.txt 14
	// file_003 c.txt 14
}

func ExampleFileService_Download() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	uploadNotes(client, "meeting.txt")

	body, err := client.Files.Download(context.Background(), "file_001")
	if err != nil {
		log.Fatal(err)
	}
	defer body.Close()
	b, err := io.ReadAll(body)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(b))
	// Output:
	// notes of meeting.txt
}

func ExampleFileService_Delete() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	uploadNotes(client, "old.txt")

	res, err := client.Files.Delete(context.Background(), "file_001")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.ID, res.Deleted)
	// Output:
	// file_001 true
}
