package zaitest_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

func TestLayoutParsing(t *testing.T) {
	client := zaitest.NewServer(t).Client()
	res, err := client.OCR.ParseLayout(ctx, zai.LayoutParsingRequest{Model: zai.ModelGLMOCR, File: "https://example.com/a.pdf",
		StartPageID: zai.Ptr(2), EndPageID: zai.Ptr(3)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Model != "GLM-OCR" || res.DataInfo.NumPages != 2 || len(res.LayoutDetails) != 2 ||
		res.LayoutDetails[1][0].Content != "Page 3 of https://example.com/a.pdf" || len(res.LayoutDetails[0][0].BBox2D) != 4 ||
		res.MDResults != "# https://example.com/a.pdf\n\nPage 2 of https://example.com/a.pdf\n\nPage 3 of https://example.com/a.pdf" {
		t.Fatalf("%+v", res)
	}
}

func TestHandwritingReadsTextFiles(t *testing.T) {
	client := zaitest.NewServer(t).Client()
	res, err := client.OCR.RecognizeHandwriting(ctx, zai.HandwritingRequest{File: zai.FileInput{Reader: strings.NewReader("first line\nsecond line\n"), Name: "note.png"}, Probability: true})
	if err != nil || res.Status != "succeeded" || res.WordsResultNum != 2 || res.Text() != "first line\nsecond line" ||
		res.WordsResult[1].Location.Top != 50 || res.WordsResult[0].Probability == nil {
		t.Fatalf("%v %+v", err, res)
	}
	res, err = client.OCR.RecognizeHandwriting(ctx, zai.HandwritingRequest{File: zai.FileInput{Reader: strings.NewReader("\x89PNG\x00\x01"), Name: "scan.png"}})
	if err != nil || res.Text() != "Text of scan.png (6 bytes)" || res.WordsResult[0].Probability != nil {
		t.Fatalf("%v %+v", err, res)
	}
}

func TestFileParser(t *testing.T) {
	srv := zaitest.NewServer(t, zaitest.WithTaskPolls(1))
	client := srv.Client()
	doc := zai.FileParseRequest{File: zai.FileInput{Reader: strings.NewReader("Quarterly report\nAll good."), Name: "r.txt"}, FileType: "txt", ToolType: zai.ParserToolLite}
	task, err := client.FileParser.ParseAsync(ctx, doc)
	if err != nil || !task.Success || task.TaskID != "task_parse_001" {
		t.Fatalf("%v %+v", err, task)
	}
	res, err := client.FileParser.GetResult(ctx, task.TaskID, zai.ParseFormatText)
	if err != nil || res.Status != zai.FileParseStatusProcessing {
		t.Fatalf("%v %+v", err, res)
	}
	res, err = client.FileParser.GetResult(ctx, task.TaskID, zai.ParseFormatText)
	if err != nil || res.Status != zai.FileParseStatusSucceeded || res.Content != "Quarterly report\nAll good." {
		t.Fatalf("%v %+v", err, res)
	}
	res, err = client.FileParser.GetResult(ctx, task.TaskID, zai.ParseFormatDownloadLink)
	if err != nil || !strings.HasPrefix(res.ParsingResultURL, "https://zaitest.invalid/parser/") {
		t.Fatalf("%v %+v", err, res)
	}
	doc.File.Reader, doc.ToolType = strings.NewReader("sync text"), ""
	res, err = client.FileParser.Parse(ctx, doc)
	if err != nil || res.Status != zai.FileParseStatusSucceeded || res.Content != "sync text" {
		t.Fatalf("%v %+v", err, res)
	}

	// Without file_type the live API answers 200 with a Spring-style body.
	resp := do(t, srv, "POST", "/files/parser/sync", "")
	if resp.StatusCode != 400 {
		t.Fatalf("not a form: %s", resp.Status)
	}
	doc.File.Reader = strings.NewReader("again")
	srv.Reply(`{"msg":"Required request parameter 'file_type' for method parameter type String is not present","code":500}`)
	_, err = client.FileParser.Parse(ctx, doc)
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 200 || apiErr.Code != "500" {
		t.Fatalf("%v", err)
	}
	last := srv.Requests()[len(srv.Requests())-1]
	if last.Form()["tool_type"][0] != "prime-sync" || last.Form()["file_type"][0] != "txt" {
		t.Fatalf("%v", last.Form())
	}
	if name, data, ok := last.FormFile("file"); !ok || name != "r.txt" || len(data) == 0 {
		t.Fatal(name, ok)
	}
}
