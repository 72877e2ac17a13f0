package zaitest_test

import (
	"strings"
	"testing"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

func TestModerations(t *testing.T) {
	client := zaitest.NewServer(t).Client()
	res, err := client.Moderations.Create(ctx, zai.ModerationRequest{Model: zai.ModelModeration, Input: zai.ModerationItems(
		zai.ModerationTextItem("a nice day"), zai.ModerationTextItem("an UNSAFE thing"), zai.ModerationTextItem("please review"),
		zai.ModerationImageItem("https://example.com/a.png"))})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res.ResultList {
		got = append(got, r.ContentType+":"+string(r.RiskLevel)+":"+strings.Join(r.RiskType, "+"))
	}
	if strings.Join(got, " ") != "text:PASS: text:REJECT:unsafe text:REVIEW:review image:PASS:" || res.Usage.ModerationText.CallCount != 3 {
		t.Fatalf("%v %+v", got, res.Usage)
	}
	one, err := client.Moderations.Create(ctx, zai.ModerationRequest{Model: zai.ModelModeration, Input: zai.ModerationText("fine")})
	if err != nil || len(one.ResultList) != 1 || one.ResultList[0].RiskLevel != zai.RiskLevelPass {
		t.Fatalf("%v %+v", err, one)
	}
	// A list of plain texts is judged text by text too.
	list, err := client.Moderations.Create(ctx, zai.ModerationRequest{Model: zai.ModelModeration,
		Input: zai.ModerationTexts("fine", "please review", "unsafe")})
	if err != nil || len(list.ResultList) != 3 || list.ResultList[1].RiskLevel != zai.RiskLevelReview ||
		list.ResultList[2].RiskLevel != zai.RiskLevelReject || list.Usage.ModerationText.CallCount != 3 {
		t.Fatalf("%v %+v", err, list)
	}
}

func TestRerank(t *testing.T) {
	client := zaitest.NewServer(t).Client()
	res, err := client.Rerank.Create(ctx, zai.RerankRequest{Model: zai.ModelRerank, Query: "capital of France",
		Documents: []string{"Berlin is the capital of Germany.", "Paris is the capital of France.", "Bananas are yellow."},
		TopN:      zai.Ptr(2), ReturnDocuments: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Results) != 2 || res.Results[0].Index != 1 || res.Results[0].RelevanceScore != 1 ||
		res.Results[1].Index != 0 || res.Results[0].Document != "Paris is the capital of France." || res.Usage.TotalTokens == 0 {
		t.Fatalf("%+v", res)
	}
}

func TestTokenizerReaderModels(t *testing.T) {
	srv := zaitest.NewServer(t)
	client := srv.Client()
	tok, err := client.Tokenizer.Count(ctx, zai.TokenizerRequest{Model: zai.ModelGLM4_6, Messages: []zai.Message{
		zai.UserMessage("three little words"),
		zai.UserMessageParts(zai.TextPart("look"), zai.ImageURLPart("https://example.com/a.png")),
	}})
	if err != nil || tok.Usage.PromptTokens != 6 || tok.Usage.ImageTokens != 256 || tok.Usage.TotalTokens != 262 {
		t.Fatalf("%v %+v", err, tok)
	}
	page, err := client.Reader.Read(ctx, zai.ReaderRequest{URL: "https://go.dev/doc"})
	if err != nil || page.Result.Title != "Page at go.dev" || !strings.HasPrefix(page.Result.Content, "# Page at go.dev") || page.Result.URL != "https://go.dev/doc" {
		t.Fatalf("%v %+v", err, page)
	}
	var models struct {
		Object string `json:"object"`
		Data   []struct {
			ID      string `json:"id"`
			Object  string `json:"object"`
			Created int64  `json:"created"`
			OwnedBy string `json:"owned_by"`
		} `json:"data"`
	}
	getJSON(t, srv, "/models", &models)
	if models.Object != "list" || len(models.Data) != 7 || models.Data[3].ID != "glm-4.7" || models.Data[3].Created != 1766332800 ||
		models.Data[0].Created != 1753632000 || models.Data[3].OwnedBy != "z-ai" || models.Data[3].Object != "model" {
		t.Fatalf("%+v", models)
	}
}
