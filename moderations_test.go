package zai_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/zai-go/zai"
)

func TestModerationRequestGolden(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/moderations_response.json", "application/json"))
	req := zai.ModerationRequest{
		Model: zai.ModelModeration,
		Input: zai.ModerationItems(
			zai.ModerationTextItem("hello world"),
			zai.ModerationImageItem("https://example.com/cat.png"),
			zai.ModerationVideoItem("https://example.com/cat.mp4"),
			zai.ModerationAudioItem("https://example.com/cat.mp3"),
		),
	}
	if _, err := client.Moderations.Create(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	got := rec.last(t)
	if got.Method != "POST" || got.Path != "/api/paas/v4/moderations" {
		t.Fatalf("%s %s", got.Method, got.Path)
	}
	assertGoldenJSON(t, "moderations_items.json", got.Body)
	assertRoundTrips[zai.ModerationRequest](t, got.Body)
}

// Text input is a plain string (the recorded request); a single item sent
// as an object (the Python SDK's test) is sent back as an object.
func TestModerationInputForms(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/moderations_response.json", "application/json"))
	if _, err := client.Moderations.Create(context.Background(), zai.ModerationRequest{Model: zai.ModelModeration, Input: zai.ModerationText("hello world")}); err != nil {
		t.Fatal(err)
	}
	recorded := readFile(t, "testdata/recorded/moderations_request.json")
	assertSameJSON(t, recorded, rec.last(t).Body)
	assertRoundTrips[zai.ModerationRequest](t, recorded)

	object := []byte(`{"model":"moderation","input":{"type":"text","text":"hello world "}}`)
	var req zai.ModerationRequest
	if err := json.Unmarshal(object, &req); err != nil {
		t.Fatal(err)
	}
	if req.Input.Item == nil || *req.Input.Item != zai.ModerationTextItem("hello world ") || req.Input.Items != nil {
		t.Fatalf("decoded %+v", req.Input)
	}
	if _, err := client.Moderations.Create(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, object, rec.last(t).Body)
}

func TestModerationResponse(t *testing.T) {
	_, client := newRecorder(t, respondFile(t, "testdata/shapes/moderations_response.json", "application/json"))
	resp, err := client.Moderations.Create(context.Background(), zai.ModerationRequest{Model: zai.ModelModeration, Input: zai.ModerationText("hello world")})
	if err != nil {
		t.Fatal(err)
	}
	if resp.ID != "20260711061724e6f853b2537d4c63" || resp.Created != 1783808244 || resp.RequestID != "req-moderation-1" {
		t.Fatalf("%+v", resp)
	}
	if len(resp.ResultList) != 2 {
		t.Fatalf("results %+v", resp.ResultList)
	}
	if r := resp.ResultList[0]; r.ContentType != "text" || r.RiskLevel != zai.RiskLevelPass || r.RiskType == nil || len(r.RiskType) != 0 {
		t.Fatalf("result 0 %+v", r)
	}
	if r := resp.ResultList[1]; r.ContentType != "image" || r.RiskLevel != zai.RiskLevelReview || len(r.RiskType) != 1 || r.RiskType[0] != "example_risk" {
		t.Fatalf("result 1 %+v", r)
	}
	if resp.Usage.ModerationText.CallCount != 1 {
		t.Fatalf("usage %+v", resp.Usage)
	}
	if string(resp.RawJSON()) != string(readFile(t, "testdata/shapes/moderations_response.json")) {
		t.Fatal("RawJSON")
	}
}

func TestModerationRecordedError(t *testing.T) {
	rec, client := newRecorder(t, respondRecordedError(t, 400, "testdata/recorded/moderations_400_1211.json", "20260711061724e6f853b2537d4c63"))
	_, err := client.Moderations.Create(context.Background(), zai.ModerationRequest{Model: zai.ModelModeration, Input: zai.ModerationText("hello world")})
	assertAPIError(t, err, 400, "1211", "Unknown Model, please check the model code.", "20260711061724e6f853b2537d4c63", zai.ErrBadRequest)
	if n := len(rec.requests()); n != 1 {
		t.Fatalf("%d attempts", n)
	}
}

func TestModerationInvalid(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/moderations_response.json", "application/json"))
	for name, req := range map[string]zai.ModerationRequest{
		"no model": {Input: zai.ModerationText("x")},
		"no input": {Model: zai.ModelModeration},
		"both":     {Model: zai.ModelModeration, Input: zai.ModerationInput{Text: "x", Items: []zai.ModerationItem{zai.ModerationTextItem("y")}}},
	} {
		if _, err := client.Moderations.Create(context.Background(), req); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}

func TestModerationTextsAndIDsGolden(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/moderations_response.json", "application/json"))
	req := zai.ModerationRequest{
		Model:     zai.ModelModeration,
		Input:     zai.ModerationTexts("hello world", "second text"),
		RequestID: "req-000001",
		UserID:    "user-000001",
	}
	if _, err := client.Moderations.Create(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	body := rec.last(t).Body
	assertGoldenJSON(t, "moderations_texts.json", body)
	var back zai.ModerationRequest
	if err := json.Unmarshal(body, &back); err != nil || !reflect.DeepEqual(back, req) {
		t.Fatalf("decoded %+v, %v", back, err)
	}
	for name, bad := range map[string]zai.ModerationRequest{
		"an empty text":  {Model: zai.ModelModeration, Input: zai.ModerationTexts("a", "")},
		"text and texts": {Model: zai.ModelModeration, Input: zai.ModerationInput{Text: "a", Texts: []string{"b"}}},
	} {
		if _, err := client.Moderations.Create(context.Background(), bad); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := len(rec.requests()); n != 1 {
		t.Fatalf("%d requests", n)
	}
}

// call_count is a string in the Java SDK (ModerationUsage.java) and a
// number in the reference; both decode.
func TestModerationCallCountForms(t *testing.T) {
	_, client := newRecorder(t, respondFile(t, "testdata/shapes/moderations_response_string_count.json", "application/json"))
	resp, err := client.Moderations.Create(context.Background(), zai.ModerationRequest{Model: zai.ModelModeration, Input: zai.ModerationText("x")})
	if err != nil || resp.Usage.ModerationText.CallCount != 2 {
		t.Fatalf("%+v %v", resp, err)
	}
	for in, want := range map[string]int{`{"call_count":3}`: 3, `{"call_count":"4"}`: 4, `{"call_count":5.0}`: 5, `{"call_count":"1.5"}`: 2, `{"call_count":null}`: 0, `{}`: 0} {
		var c zai.ModerationCallCount
		if err := json.Unmarshal([]byte(in), &c); err != nil || c.CallCount != want {
			t.Errorf("%s: %+v %v", in, c, err)
		}
	}
	for _, in := range []string{`{"call_count":"x"}`, `{"call_count":"1e"}`, `{"call_count":" 1"}`, `{"call_count":true}`, `{"call_count":""}`} {
		var c zai.ModerationCallCount
		if err := json.Unmarshal([]byte(in), &c); err == nil {
			t.Errorf("%s decoded to %+v", in, c)
		}
	}
}
