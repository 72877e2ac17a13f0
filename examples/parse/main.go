// Command parse turns a document into text with the file parser: first in
// one request (FileParser.Parse), then as a task that it waits for
// (FileParser.ParseAsync and Wait). Without a file it parses a short
// built-in text document. With ZAI_API_KEY set it calls the real API;
// without, the built-in fake server.
//
//	go run ./examples/parse
//	go run ./examples/parse report.pdf
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

const sample = "Quarterly report\nRevenue grew 12 %.\nThe new SDK shipped on time.\n"

func main() {
	if len(os.Args) > 2 {
		fmt.Fprintln(os.Stderr, "usage: parse [document]")
		os.Exit(2)
	}
	path := ""
	if len(os.Args) == 2 {
		path = os.Args[1]
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := run(ctx, path); err != nil {
		cancel()
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, path string) error {
	client, fake, err := zaitest.RealOrFake() // the real API with ZAI_API_KEY, else a fake server
	if err != nil {
		return err
	}
	defer fake.Close()
	interval := 2 * time.Second // between polls of a task
	if fake != nil {
		interval = 10 * time.Millisecond // the fake's tasks end after one poll
	}

	// doc returns the request afresh: a Reader is read once per request.
	doc := func(tool zai.ParserTool) zai.FileParseRequest {
		if path == "" {
			return zai.FileParseRequest{File: zai.FileInput{Reader: strings.NewReader(sample), Name: "report.txt"}, FileType: "txt", ToolType: tool}
		}
		// FileType is required: the extension, such as "pdf" or "docx".
		ext := strings.TrimPrefix(filepath.Ext(path), ".")
		return zai.FileParseRequest{File: zai.FileFromPath(path), FileType: ext, ToolType: tool}
	}

	// 1. In one request (the prime-sync parser).
	res, err := client.FileParser.Parse(ctx, doc(""))
	if err != nil {
		return err
	}
	fmt.Printf("Parse (%s):\n%s\n", res.Status, indent(res.Content))

	// 2. As a task, polled until it is done.
	task, err := client.FileParser.ParseAsync(ctx, doc(zai.ParserToolLite))
	if err != nil {
		return err
	}
	fmt.Println("ParseAsync: task", task.TaskID)
	res, err = client.FileParser.Wait(ctx, task.TaskID, zai.ParseFormatText,
		zai.WithPollInterval(interval),
		zai.WithPollProgress(func(p zai.PollProgress) { fmt.Println("  poll:", p.Status) }))
	if err != nil {
		return err // a failed parse is a *zai.TaskFailedError, matching zai.ErrTaskFailed
	}
	fmt.Printf("Wait (%s):\n%s\n", res.Status, indent(res.Content))
	return nil
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ")
}
