package zai_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/zai-go/zai"
)

// fxVideoSubmit is the submit answer quoted in the reference §B.5 "Videos";
// see testdata/shapes/ref_b5_README.md.
const fxVideoSubmit = "testdata/shapes/ref_b5_video_submit.json"

func everyVideoField() zai.VideoRequest {
	return zai.VideoRequest{
		Model:              zai.ModelViduQ1StartEnd,
		Prompt:             "A cat is playing with a ball.",
		ImageURL:           zai.VideoImageURL{"https://example.com/first.png", "https://example.com/last.png"},
		Quality:            zai.VideoQualityQuality,
		WithAudio:          true,
		Size:               "1920x1080",
		FPS:                zai.Ptr(60),
		Duration:           zai.Ptr(10),
		Style:              zai.VideoStyleAnime,
		AspectRatio:        "16:9",
		MovementAmplitude:  zai.MovementAmplitudeLarge,
		OffPeak:            true,
		WatermarkEnabled:   zai.Ptr(false),
		RequestID:          "req-000001",
		UserID:             "user-000001",
		SensitiveWordCheck: &zai.SensitiveWordCheck{Type: "ALL", Status: "DISABLE"},
		PromptOptModel:     "glm-4-flash",
	}
}

func TestVideoRequestGolden(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, fxVideoSubmit, "application/json"))
	task, err := client.Videos.Generate(context.Background(), everyVideoField())
	if err != nil {
		t.Fatal(err)
	}
	got := rec.last(t)
	if got.Method != "POST" || got.Path != "/api/paas/v4/videos/generations" {
		t.Fatalf("%s %s", got.Method, got.Path)
	}
	assertGoldenJSON(t, "videos_every_field.json", got.Body)

	var req zai.VideoRequest
	if err := json.Unmarshal(got.Body, &req); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(req, everyVideoField()) {
		t.Fatalf("decoded %+v", req)
	}
	again, _ := json.Marshal(req)
	assertSameJSON(t, got.Body, again)

	if task.ID != "task-video-1" || task.Model != "cogvideox-3" || task.TaskStatus != zai.TaskStatusProcessing {
		t.Fatalf("task %+v", task)
	}
}

func TestVideoOmitsUnsetFields(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, fxVideoSubmit, "application/json"))
	if _, err := client.Videos.Generate(context.Background(), zai.VideoRequest{Model: zai.ModelCogVideoX3, Prompt: "A cat"}); err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, []byte(`{"model":"cogvideox-3","prompt":"A cat"}`), rec.last(t).Body)
}

func TestVideoImageURLForms(t *testing.T) {
	cases := []struct {
		name string
		v    zai.VideoImageURL
		wire string
	}{
		{"one URL is a string", zai.VideoImageURL{"https://x/a.png"}, `{"image_url":"https://x/a.png"}`},
		{"base64 data is a string", zai.VideoImageURL{"iVBORw0KGgo="}, `{"image_url":"iVBORw0KGgo="}`},
		{"first and last frame is an array", zai.VideoImageURL{"https://x/a.png", "https://x/b.png"}, `{"image_url":["https://x/a.png","https://x/b.png"]}`},
		{"three references are an array", zai.VideoImageURL{"a", "b", "c"}, `{"image_url":["a","b","c"]}`},
		{"none is omitted", nil, `{}`},
		{"empty is omitted", zai.VideoImageURL{}, `{}`},
	}
	type body struct {
		ImageURL zai.VideoImageURL `json:"image_url,omitempty"`
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(body{tc.v})
			if err != nil || string(b) != tc.wire {
				t.Fatalf("marshal: %s %v, want %s", b, err, tc.wire)
			}
			var back body
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if len(tc.v) > 0 && !reflect.DeepEqual(back.ImageURL, tc.v) {
				t.Fatalf("round trip %q, want %q", back.ImageURL, tc.v)
			}
			if len(tc.v) == 0 && len(back.ImageURL) != 0 {
				t.Fatalf("round trip %q", back.ImageURL)
			}
		})
	}
	var v zai.VideoImageURL
	if err := json.Unmarshal([]byte(`42`), &v); err == nil {
		t.Fatal("a number decoded as image_url")
	}
}

// The reference's first-and-last-frame example (Z.ai OpenAPI, "First Last
// Frame to Video") decodes and goes out unchanged.
func TestVideoReferenceRequestRoundTrip(t *testing.T) {
	want := []byte(`{"model":"cogvideox-3","image_url":["https://gd-hbimg.huaban.com/ccee58d77afe8f5e17a572246b1994f7e027657fe9e6-qD66In_fw1200webp","https://gd-hbimg.huaban.com/cc2601d568a72d18d90b2cc7f1065b16b2d693f7fa3f7-hDAwNq_fw1200webp"],"prompt":"Make the picture move","quality":"quality","with_audio":true,"size":"1920x1080","fps":30}`)
	var req zai.VideoRequest
	if err := json.Unmarshal(want, &req); err != nil {
		t.Fatal(err)
	}
	if len(req.ImageURL) != 2 || req.FPS == nil || *req.FPS != 30 || !req.WithAudio {
		t.Fatalf("%+v", req)
	}
	rec, client := newRecorder(t, respondFile(t, fxVideoSubmit, "application/json"))
	if _, err := client.Videos.Generate(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, want, rec.last(t).Body)
}

func TestVideoBadInputRefused(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, fxVideoSubmit, "application/json"))
	cases := map[string]zai.VideoRequest{
		"empty model":               {Prompt: "A cat"},
		"no prompt and no image":    {Model: zai.ModelCogVideoX3},
		"blank prompt and no image": {Model: zai.ModelCogVideoX3, Prompt: "  "},
		"empty image entry":         {Model: zai.ModelCogVideoX3, ImageURL: zai.VideoImageURL{"https://x/a.png", ""}},
		"image url and object":      {Model: zai.ModelCogVideoX3, ImageURL: zai.VideoImageURL{"https://x/a.png"}, ImageObject: map[string]any{"url": "u"}},
		"size with *":               {Model: zai.ModelCogVideoX3, Prompt: "A cat", Size: "1920*1080"},
		"size a word":               {Model: zai.ModelCogVideoX3, Prompt: "A cat", Size: "4k"},
	}
	ctx := context.Background()
	for name, req := range cases {
		if _, err := client.Videos.Generate(ctx, req); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("Generate, %s: %v", name, err)
		}
		if _, err := client.Videos.GenerateAndWait(ctx, req); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("GenerateAndWait, %s: %v", name, err)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
	// An image alone, or a prompt alone, is enough.
	for _, req := range []zai.VideoRequest{
		{Model: zai.ModelViduQ1Image, ImageURL: zai.VideoImageURL{"https://x/a.png"}},
		{Model: zai.ModelViduQ1Image, ImageObject: map[string]any{"url": "https://x/a.png"}},
		{Model: zai.ModelCogVideoX3, Prompt: "A cat", Size: "3840x2160"},
	} {
		if _, err := client.Videos.Generate(ctx, req); err != nil {
			t.Errorf("%+v: %v", req, err)
		}
	}
}

func TestVideoGenerateAndWait(t *testing.T) {
	submit, processing, result := readFile(t, fxVideoSubmit), readFile(t, fxProcessing), readFile(t, fxVideoResult)
	polls := 0
	rec, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == "POST" && r.URL.Path == "/api/paas/v4/videos/generations":
			w.Write(submit)
		case r.Method == "GET" && r.URL.Path == "/api/paas/v4/async-result/task-video-1":
			polls++
			if polls < 3 {
				w.Write(processing)
				return
			}
			w.Write(result)
		default:
			http.NotFound(w, r)
		}
	})
	var sl sleepLog
	var seen int
	res, err := client.Videos.GenerateAndWait(context.Background(), zai.VideoRequest{Model: zai.ModelCogVideoX3, Prompt: "A cat"},
		sl.hooks(), zai.WithPollInterval(time.Second), zai.WithPollProgress(func(zai.PollProgress) { seen++ }))
	if err != nil {
		t.Fatal(err)
	}
	if res.TaskStatus != zai.TaskStatusSuccess || len(res.VideoResult) != 1 || res.VideoResult[0].URL != "https://…/video.mp4" || res.VideoResult[0].CoverImageURL != "https://…/cover.png" {
		t.Fatalf("%+v", res)
	}
	if n := len(rec.requests()); n != 4 || seen != 3 {
		t.Fatalf("%d requests, %d progress calls", n, seen)
	}
	if got := sl.got(); !equalDurations(got, secs(1, 1.5)) {
		t.Fatalf("sleeps %v", got)
	}
}

func TestVideoGenerateAndWaitFail(t *testing.T) {
	submit, fail := readFile(t, fxVideoSubmit), readFile(t, fxFail)
	_, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			w.Write(submit)
			return
		}
		w.Write(fail)
	})
	res, err := client.Videos.GenerateAndWait(context.Background(), zai.VideoRequest{Model: zai.ModelCogVideoX3, Prompt: "A cat"})
	if !errors.Is(err, zai.ErrTaskFailed) || res == nil || res.TaskStatus != zai.TaskStatusFailed {
		t.Fatalf("%v %+v", err, res)
	}
}

func TestVideoGenerateAndWaitNoID(t *testing.T) {
	rec, client := newRecorder(t, sequence(reply{200, []byte(`{"model":"cogvideox-3","request_id":"r1","task_status":"PROCESSING"}`)}))
	_, err := client.Videos.GenerateAndWait(context.Background(), zai.VideoRequest{Model: zai.ModelCogVideoX3, Prompt: "A cat"})
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || apiErr.RequestID != "r1" {
		t.Fatalf("%v", err)
	}
	if n := len(rec.requests()); n != 1 {
		t.Fatalf("%d requests: polled without an id", n)
	}
}

// An image_url object is sent from ImageObject and decodes back into it;
// the string and array forms still decode into ImageURL.
func TestVideoImageObject(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, fxVideoSubmit, "application/json"))
	req := zai.VideoRequest{Model: zai.ModelViduQ1Image, ImageObject: map[string]any{"url": "https://x/a.png"}, Prompt: "move"}
	if _, err := client.Videos.Generate(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	body := rec.last(t).Body
	assertGoldenJSON(t, "videos_image_object.json", body)
	var back zai.VideoRequest
	if err := json.Unmarshal(body, &back); err != nil || !reflect.DeepEqual(back, req) {
		t.Fatalf("decoded %+v, %v", back, err)
	}
	for in, want := range map[string]zai.VideoRequest{
		`{"model":"m","image_url":"a"}`:       {Model: "m", ImageURL: zai.VideoImageURL{"a"}},
		`{"model":"m","image_url":["a","b"]}`: {Model: "m", ImageURL: zai.VideoImageURL{"a", "b"}},
		`{"model":"m","image_url":{"x":1}}`:   {Model: "m", ImageObject: map[string]any{"x": float64(1)}},
		`{"model":"m"}`:                       {Model: "m"},
	} {
		var got zai.VideoRequest
		if err := json.Unmarshal([]byte(in), &got); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %+v %v", in, got, err)
		}
	}
	var bad zai.VideoRequest
	if err := json.Unmarshal([]byte(`{"image_url":42}`), &bad); err == nil {
		t.Fatal("a number decoded as image_url")
	}
}
