// Command files uploads a small text file, lists the files of its purpose
// (every page, with Files.All), downloads it again and deletes it. With
// ZAI_API_KEY set it uses the real API (and your account's files); without,
// the built-in fake server.
//
//	go run ./examples/files
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

const notes = "Meeting notes\n- ship the SDK\n- write the examples\n"

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

	// A strings.Reader is a seeker, so a failed upload can be sent again.
	f, err := client.Files.Upload(ctx, zai.FileUploadRequest{
		File:    zai.FileInput{Reader: strings.NewReader(notes), Name: "notes.txt"},
		Purpose: zai.FilePurposeFileExtract,
	})
	if err != nil {
		return err
	}
	fmt.Printf("uploaded %s (%s, %d bytes)\n", f.ID, f.FileName, f.Bytes)

	// All fetches page after page as the loop asks; stop whenever you like.
	fmt.Println("files with purpose", zai.FilePurposeFileExtract+":")
	n := 0
	for file, err := range client.Files.All(ctx, zai.FileListRequest{Purpose: zai.FilePurposeFileExtract}) {
		if err != nil {
			return err
		}
		if n++; n > 10 {
			fmt.Println("  ...")
			break
		}
		fmt.Printf("  %s  %-12s %d bytes\n", file.ID, file.FileName, file.Bytes)
	}

	body, err := client.Files.Download(ctx, f.ID)
	if err != nil {
		return err
	}
	content, err := io.ReadAll(body)
	body.Close()
	if err != nil {
		return err
	}
	fmt.Printf("downloaded %s:\n%s", f.ID, content)

	del, err := client.Files.Delete(ctx, f.ID)
	if err != nil {
		return err
	}
	fmt.Printf("deleted %s: %v\n", del.ID, del.Deleted)
	return nil
}
