package zai_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

// report is a small document for the parser examples.
func report() zai.FileInput {
	return zai.FileInput{Reader: strings.NewReader("Quarterly report\nRevenue grew 12 %.\n"), Name: "report.txt"}
}

func ExampleOCRService_ParseLayout() {
	srv := zaitest.Start()
	defer srv.Close()

	res, err := srv.Client().OCR.ParseLayout(context.Background(), zai.LayoutParsingRequest{
		Model:       zai.ModelGLMOCR,
		File:        "https://example.com/scan.pdf", // a URL, or base64 data
		StartPageID: zai.Ptr(1),
		EndPageID:   zai.Ptr(2),
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, page := range res.LayoutDetails {
		fmt.Println(page[0].Content)
	}
	// Output:
	// Page 1 of https://example.com/scan.pdf
	// Page 2 of https://example.com/scan.pdf
}

func ExampleOCRService_RecognizeHandwriting() {
	srv := zaitest.Start()
	defer srv.Close()

	res, err := srv.Client().OCR.RecognizeHandwriting(context.Background(), zai.HandwritingRequest{
		File:         zai.FileInput{Reader: strings.NewReader("Buy milk\nCall Anna\n"), Name: "note.txt"}, // or {Path: "note.jpg"}
		LanguageType: "CHN_ENG",
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, line := range res.WordsResult {
		fmt.Println(line.Words)
	}
	// Output:
	// Buy milk
	// Call Anna
}

func ExampleFileParserService_Parse() {
	srv := zaitest.Start()
	defer srv.Close()

	// FileType is required: the server refuses a parse without it.
	res, err := srv.Client().FileParser.Parse(context.Background(), zai.FileParseRequest{File: report(), FileType: "txt"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Status)
	fmt.Print(res.Content)
	// Output:
	// succeeded
	// Quarterly report
	// Revenue grew 12 %.
}

func ExampleFileParserService_ParseAsync() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	task, err := client.FileParser.ParseAsync(ctx, zai.FileParseRequest{File: report(), FileType: "txt", ToolType: zai.ParserToolLite})
	if err != nil {
		log.Fatal(err)
	}
	res, err := client.FileParser.Wait(ctx, task.TaskID, zai.ParseFormatText, zai.WithPollInterval(10*time.Millisecond))
	if err != nil {
		log.Fatal(err) // a failed parse matches zai.ErrTaskFailed
	}
	fmt.Println(res.Status)
	fmt.Print(res.Content)
	// Output:
	// succeeded
	// Quarterly report
	// Revenue grew 12 %.
}

func ExampleFileParserService_GetResult() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	task, err := client.FileParser.ParseAsync(ctx, zai.FileParseRequest{File: report(), FileType: "txt", ToolType: zai.ParserToolExpert})
	if err != nil {
		log.Fatal(err)
	}
	for range 2 { // once per call; Wait polls
		res, err := client.FileParser.GetResult(ctx, task.TaskID, zai.ParseFormatDownloadLink)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(res.Status, res.ParsingResultURL != "")
	}
	// Output:
	// processing false
	// succeeded true
}

func ExampleFileParserService_Wait() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	task, err := client.FileParser.ParseAsync(ctx, zai.FileParseRequest{File: report(), FileType: "txt", ToolType: zai.ParserToolPrime})
	if err != nil {
		log.Fatal(err)
	}
	res, err := client.FileParser.Wait(ctx, task.TaskID, zai.ParseFormatText, zai.WithPollInterval(10*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.Fields(res.Content)[0])
	// Output:
	// Quarterly
}
