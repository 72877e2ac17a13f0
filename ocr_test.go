package zai_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/zai-go/zai"
)

// Shapes quoted in reference/api-and-go-peers.md §B.5 "Layout parsing",
// "OCR (handwriting)" and "File parser", with values filled in.
const (
	layoutReply = `{"id":"task_123456789","created":1727156815,"model":"GLM-OCR","md_results":"# Title\nBody",` +
		`"layout_details":[[{"index":0,"label":"text","bbox_2d":[0.1,0.1,0.5,0.3],"content":"Title","height":800,"width":600},` +
		`{"index":1,"label":"table","bbox_2d":[[0.1,0.4,0.9,0.8]],"content":"<table></table>","height":800,"width":600}]],` +
		`"layout_visualization":["https://cdn.example.com/layout.png"],"data_info":{"num_pages":1,"pages":[{"width":600,"height":800}]},` +
		`"usage":{"prompt_tokens":10,"completion_tokens":20,"total_tokens":30},"request_id":"req_123456789"}`
	handwritingReply = `{"task_id":"t1","message":"成功","status":"succeeded","words_result_num":2,"words_result":[` +
		`{"location":{"left":1,"top":2,"width":30,"height":10},"words":"hello","probability":{"average":0.9,"variance":0.01,"min":0.8}},` +
		`{"location":{"left":1,"top":14,"width":30,"height":10},"words":"world"}]}`
	parseCreateReply = `{"success":true,"message":"任务创建成功","task_id":"task_abc"}`
	parseTextReply   = `{"status":"succeeded","message":"ok","content":"parsed text","task_id":"task_abc","parsing_result_url":""}`
)

func TestOCRLayoutParsing(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(layoutReply))
	res, err := client.OCR.ParseLayout(context.Background(), zai.LayoutParsingRequest{
		Model:                   zai.ModelGLMOCR,
		File:                    "https://cdn.bigmodel.cn/static/logo/introduction.png",
		ReturnCropImages:        true,
		NeedLayoutVisualization: true,
		StartPageID:             zai.Ptr(1),
		EndPageID:               zai.Ptr(3),
		RequestID:               "req-000001",
		UserID:                  "user-000001",
	})
	if err != nil {
		t.Fatal(err)
	}
	got := rec.last(t)
	if got.Method != "POST" || got.Path != "/api/paas/v4/layout_parsing" {
		t.Fatalf("%s %s", got.Method, got.Path)
	}
	assertGoldenJSON(t, "layout_parsing_every_field.json", got.Body)

	if res.MDResults != "# Title\nBody" || res.Model != "GLM-OCR" || res.DataInfo.NumPages != 1 || res.DataInfo.Pages[0].Height != 800 ||
		res.Usage.TotalTokens != 30 || res.LayoutVisualization[0] != "https://cdn.example.com/layout.png" || res.RequestID != "req_123456789" {
		t.Fatalf("%+v", res)
	}
	page := res.LayoutDetails[0]
	if len(page) != 2 || page[1].Label != "table" || page[0].Width != 600 {
		t.Fatalf("%+v", page)
	}
	// A flat box and a nested one both decode to four numbers.
	for _, d := range page {
		if len(d.BBox2D) != 4 || d.BBox2D[0] != 0.1 {
			t.Fatalf("%v", d.BBox2D)
		}
	}
}

func TestOCRHandwritingMultipart(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(handwritingReply))
	res, err := client.OCR.RecognizeHandwriting(context.Background(), zai.HandwritingRequest{
		File:         zai.FileInput{Reader: strings.NewReader("PNGDATA"), Name: "note.png", ContentType: "image/png"},
		LanguageType: "CHN_ENG", Probability: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	got := rec.last(t)
	if got.Method != "POST" || got.Path != "/api/paas/v4/files/ocr" {
		t.Fatalf("%s %s", got.Method, got.Path)
	}
	fields, file := formFields(t, got)
	if len(fields) != 3 || fields["tool_type"] != "hand_write" || fields["language_type"] != "CHN_ENG" || fields["probability"] != "true" {
		t.Fatalf("%v", fields)
	}
	if file.name != "file" || file.file != "note.png" || file.ctype != "image/png" || file.body != "PNGDATA" {
		t.Fatalf("%+v", file)
	}
	if res.Text() != "hello\nworld" || res.WordsResultNum != 2 || res.WordsResult[0].Probability.Min != 0.8 ||
		res.WordsResult[1].Probability != nil || res.WordsResult[1].Location.Top != 14 {
		t.Fatalf("%+v", res)
	}

	// Optional fields left unset are not sent.
	if _, err := client.OCR.RecognizeHandwriting(context.Background(), zai.HandwritingRequest{File: zai.FileInput{Reader: strings.NewReader("x")}}); err != nil {
		t.Fatal(err)
	}
	if fields, _ := formFields(t, rec.last(t)); len(fields) != 1 {
		t.Fatalf("%v", fields)
	}
}

func TestOCRHandwritingFailedStatusIsAnError(t *testing.T) {
	_, client := newRecorder(t, respondJSON(`{"task_id":"t1","message":"图片格式不支持","status":"failed","words_result_num":0}`))
	_, err := client.OCR.RecognizeHandwriting(context.Background(), zai.HandwritingRequest{File: zai.FileInput{Reader: strings.NewReader("x")}})
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 200 || apiErr.Message != "图片格式不支持" {
		t.Fatalf("%v", err)
	}
}

func TestOCRParseFileCreate(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(parseCreateReply))
	path := writeTemp(t, "report.pdf", "%PDF-1.7")
	task, err := client.FileParser.ParseAsync(context.Background(), zai.FileParseRequest{File: zai.FileInput{Path: path}, FileType: "pdf", ToolType: zai.ParserToolLite})
	if err != nil {
		t.Fatal(err)
	}
	if task.TaskID != "task_abc" || !task.Success || task.Message != "任务创建成功" {
		t.Fatalf("%+v", task)
	}
	got := rec.last(t)
	if got.Method != "POST" || got.Path != "/api/paas/v4/files/parser/create" {
		t.Fatalf("%s %s", got.Method, got.Path)
	}
	fields, file := formFields(t, got)
	if len(fields) != 2 || fields["tool_type"] != "lite" || fields["file_type"] != "pdf" || file.file != "report.pdf" || file.body != "%PDF-1.7" {
		t.Fatalf("%v %+v", fields, file)
	}
}

func TestOCRParseFileCreateFailure(t *testing.T) {
	_, client := newRecorder(t, respondJSON(`{"success":false,"message":"文件类型不支持"}`))
	_, err := client.FileParser.ParseAsync(context.Background(), zai.FileParseRequest{File: zai.FileInput{Reader: strings.NewReader("x")}, FileType: "exe", ToolType: "lite"})
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 200 || apiErr.Message != "文件类型不支持" {
		t.Fatalf("%v", err)
	}
}

func TestOCRParseResult(t *testing.T) {
	var uris rawURIs
	rec, client := newRecorder(t, uris.wrap(respondJSON(parseTextReply)))
	res, err := client.FileParser.GetResult(context.Background(), "task_abc", zai.ParseFormatText)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != zai.FileParseStatusSucceeded || res.Content != "parsed text" || res.TaskID != "task_abc" {
		t.Fatalf("%+v", res)
	}
	if got := rec.last(t); got.Method != "GET" || got.Path != "/api/paas/v4/files/parser/result/task_abc/text" {
		t.Fatalf("%s %s", got.Method, got.Path)
	}
	if _, err := client.FileParser.GetResult(context.Background(), "a/b", zai.ParseFormatDownloadLink); err != nil {
		t.Fatal(err)
	}
	if u := uris.last(); u != "/api/paas/v4/files/parser/result/a%2Fb/download_link" {
		t.Fatalf("sent %s", u)
	}
}

func TestOCRParseResultStates(t *testing.T) {
	_, client := newRecorder(t, respondJSON(`{"status":"processing","message":"","task_id":"task_abc"}`))
	res, err := client.FileParser.GetResult(context.Background(), "task_abc", zai.ParseFormatText)
	if err != nil || res.Status != zai.FileParseStatusProcessing {
		t.Fatalf("%+v %v", res, err)
	}

	_, client = newRecorder(t, respondJSON(`{"status":"failed","message":"parse error","task_id":"task_abc"}`))
	_, err = client.FileParser.GetResult(context.Background(), "task_abc", zai.ParseFormatText)
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 200 || apiErr.Message != "parse error" {
		t.Fatalf("%v", err)
	}
}

func TestOCRParseFileSyncRecordedMissingFileType(t *testing.T) {
	// The recorded request left out file_type, and the server answered 200
	// with a Spring error body. The SDK refuses that request itself ...
	rec, client := newRecorder(t, respondFile(t, "testdata/recorded/error_parser_200.json", "application/json;charset=utf-8"))
	_, err := client.FileParser.Parse(context.Background(), zai.FileParseRequest{File: zai.FileInput{Reader: strings.NewReader("hello world"), Name: "test.txt"}})
	if !errors.Is(err, zai.ErrInvalidRequest) || len(rec.requests()) != 0 {
		t.Fatalf("%v, %d requests", err, len(rec.requests()))
	}
	// ... and reads the body as an error whenever the server sends it.
	_, err = client.FileParser.Parse(context.Background(), zai.FileParseRequest{File: zai.FileInput{Reader: strings.NewReader("hello world"), Name: "test.txt"}, FileType: "txt"})
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("%T %v", err, err)
	}
	if apiErr.StatusCode != 200 || apiErr.InStream || apiErr.Code != "500" || apiErr.RequestID != "log-123" ||
		apiErr.Message != "Required request parameter 'file_type' for method parameter type String is not present" {
		t.Fatalf("%+v", apiErr)
	}
	if len(rec.requests()) != 1 {
		t.Fatal("a 200 failure must not be retried")
	}
	got := rec.last(t)
	if got.Path != "/api/paas/v4/files/parser/sync" {
		t.Fatal(got.Path)
	}
	fields, file := formFields(t, got)
	if fields["tool_type"] != "prime-sync" || fields["file_type"] != "txt" || file.file != "test.txt" || file.body != "hello world" {
		t.Fatalf("%v %+v", fields, file)
	}
}

func TestOCRParseFileSyncSuccess(t *testing.T) {
	// The Python SDK types the sync status as a boolean.
	_, client := newRecorder(t, respondJSON(`{"task_id":"task_abc","message":"ok","status":true,"content":"parsed","parsing_result_url":"https://cdn.example.com/r.txt"}`))
	res, err := client.FileParser.Parse(context.Background(), zai.FileParseRequest{File: zai.FileInput{Reader: strings.NewReader("x")}, FileType: "pdf"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != zai.FileParseStatusSucceeded || res.Content != "parsed" || res.ParsingResultURL != "https://cdn.example.com/r.txt" {
		t.Fatalf("%+v", res)
	}
	_, client = newRecorder(t, respondJSON(`{"task_id":"task_abc","message":"bad file","status":false}`))
	if _, err := client.FileParser.Parse(context.Background(), zai.FileParseRequest{File: zai.FileInput{Reader: strings.NewReader("x")}, FileType: "pdf"}); err == nil {
		t.Fatal("status false is a failure")
	}
}

func TestOCRBadInputSendsNothing(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(parseTextReply))
	ctx := context.Background()
	r := func() *strings.Reader { return strings.NewReader("x") }
	cases := map[string]func() error{
		"layout no model": func() error {
			_, err := client.OCR.ParseLayout(ctx, zai.LayoutParsingRequest{File: "u"})
			return err
		},
		"layout no file": func() error {
			_, err := client.OCR.ParseLayout(ctx, zai.LayoutParsingRequest{Model: zai.ModelGLMOCR})
			return err
		},
		"handwriting no file": func() error {
			_, err := client.OCR.RecognizeHandwriting(ctx, zai.HandwritingRequest{})
			return err
		},
		"handwriting unreadable": func() error {
			_, err := client.OCR.RecognizeHandwriting(ctx, zai.HandwritingRequest{File: zai.FileInput{Path: "/nonexistent/x.png"}})
			return err
		},
		"parse no tool": func() error {
			_, err := client.FileParser.ParseAsync(ctx, zai.FileParseRequest{File: zai.FileInput{Reader: r()}, FileType: "pdf"})
			return err
		},
		"parse no file type": func() error {
			_, err := client.FileParser.ParseAsync(ctx, zai.FileParseRequest{File: zai.FileInput{Reader: r()}, ToolType: "lite"})
			return err
		},
		"parse no file": func() error {
			_, err := client.FileParser.ParseAsync(ctx, zai.FileParseRequest{FileType: "pdf", ToolType: "lite"})
			return err
		},
		"result no id": func() error {
			_, err := client.FileParser.GetResult(ctx, "", zai.ParseFormatText)
			return err
		},
		"result no format": func() error {
			_, err := client.FileParser.GetResult(ctx, "t", "")
			return err
		},
	}
	for name, call := range cases {
		if err := call(); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}
