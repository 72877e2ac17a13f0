package zai_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/zai-go/zai"
)

// Image fixtures are the shapes quoted in the reference §B.5 "Images"; see
// testdata/shapes/ref_b5_README.md.
const (
	fxImageRequest     = "testdata/shapes/ref_b5_image_request.json"
	fxImageResponse    = "testdata/shapes/ref_b5_image_response.json"
	fxImageAsyncSubmit = "testdata/shapes/ref_b5_async_image_submit.json"
)

func everyImageField() zai.ImageRequest {
	return zai.ImageRequest{
		Model:              zai.ModelGLMImage,
		Prompt:             "A cute little kitten on a sunny windowsill",
		Size:               "1568x1056",
		Quality:            zai.ImageQualityHD,
		WatermarkEnabled:   zai.Ptr(false),
		UserID:             "user-000001",
		RequestID:          "req-000001",
		N:                  zai.Ptr(2),
		ResponseFormat:     zai.ImageResponseFormatB64JSON,
		Style:              "vivid",
		User:               "end-user-1",
		SensitiveWordCheck: &zai.SensitiveWordCheck{Type: "ALL", Status: "DISABLE"},
	}
}

func TestImageRequestGolden(t *testing.T) {
	for _, tc := range []struct {
		name, path string
		call       func(*zai.Client) error
	}{
		{"Generate", "/api/paas/v4/images/generations", func(c *zai.Client) error {
			_, err := c.Images.Generate(context.Background(), everyImageField())
			return err
		}},
		{"GenerateAsync", "/api/paas/v4/async/images/generations", func(c *zai.Client) error {
			_, err := c.Images.GenerateAsync(context.Background(), everyImageField())
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, client := newRecorder(t, respondFile(t, fxImageAsyncSubmit, "application/json"))
			if err := tc.call(client); err != nil {
				t.Fatal(err)
			}
			got := rec.last(t)
			if got.Method != "POST" || got.Path != tc.path {
				t.Fatalf("%s %s", got.Method, got.Path)
			}
			assertGoldenJSON(t, "images_every_field.json", got.Body)

			var req zai.ImageRequest
			if err := json.Unmarshal(got.Body, &req); err != nil {
				t.Fatal(err)
			}
			again, _ := json.Marshal(req)
			assertSameJSON(t, got.Body, again)
		})
	}
}

// The reference's request decodes into ImageRequest and goes out unchanged.
func TestImageReferenceRequestRoundTrip(t *testing.T) {
	want := readFile(t, fxImageRequest)
	var req zai.ImageRequest
	if err := json.Unmarshal(want, &req); err != nil {
		t.Fatal(err)
	}
	if req.WatermarkEnabled == nil || !*req.WatermarkEnabled || req.Quality != zai.ImageQualityHD || req.Size != "1280x1280" {
		t.Fatalf("%+v", req)
	}
	rec, client := newRecorder(t, respondFile(t, fxImageResponse, "application/json"))
	if _, err := client.Images.Generate(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, want, rec.last(t).Body)
}

func TestImageOmitsUnsetFields(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, fxImageResponse, "application/json"))
	if _, err := client.Images.Generate(context.Background(), zai.ImageRequest{Model: zai.ModelCogView4, Prompt: "a cat"}); err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, []byte(`{"model":"cogview-4-250304","prompt":"a cat"}`), rec.last(t).Body)
}

func TestImageResponseDecoded(t *testing.T) {
	_, client := newRecorder(t, respondFile(t, fxImageResponse, "application/json"))
	resp, err := client.Images.Generate(context.Background(), zai.ImageRequest{Model: zai.ModelGLMImage, Prompt: "a cat"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Created != 1760335349 || len(resp.Data) != 1 || resp.Data[0].URL != "https://…" {
		t.Fatalf("%+v", resp)
	}
	if len(resp.ContentFilter) != 1 || resp.ContentFilter[0].Role != "assistant" || resp.ContentFilter[0].Level != 3 {
		t.Fatalf("content filter %+v", resp.ContentFilter)
	}
	if string(resp.RawJSON()) != string(readFile(t, fxImageResponse)) {
		t.Fatal("RawJSON is not the body")
	}
}

func TestImageGenerateAsyncTask(t *testing.T) {
	_, client := newRecorder(t, respondFile(t, fxImageAsyncSubmit, "application/json"))
	task, err := client.Images.GenerateAsync(context.Background(), zai.ImageRequest{Model: zai.ModelGLMImage, Prompt: "a cat"})
	if err != nil {
		t.Fatal(err)
	}
	if task.ID != "task-image-1" || task.Model != "glm-image" || task.TaskStatus != zai.TaskStatusProcessing || task.RequestID != "…" {
		t.Fatalf("%+v", task)
	}
}

func TestImageBadInputRefused(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, fxImageResponse, "application/json"))
	base := zai.ImageRequest{Model: zai.ModelGLMImage, Prompt: "a cat"}
	cases := map[string]func(*zai.ImageRequest){
		"empty model":     func(r *zai.ImageRequest) { r.Model = "" },
		"empty prompt":    func(r *zai.ImageRequest) { r.Prompt = "" },
		"size with *":     func(r *zai.ImageRequest) { r.Size = "1024*1024" },
		"size a word":     func(r *zai.ImageRequest) { r.Size = "big" },
		"size no height":  func(r *zai.ImageRequest) { r.Size = "1024x" },
		"size no width":   func(r *zai.ImageRequest) { r.Size = "x1024" },
		"size zero":       func(r *zai.ImageRequest) { r.Size = "0x1024" },
		"size capital X":  func(r *zai.ImageRequest) { r.Size = "1024X1024" },
		"size with space": func(r *zai.ImageRequest) { r.Size = "1024 x 1024" },
		"n zero":          func(r *zai.ImageRequest) { r.N = zai.Ptr(0) },
	}
	ctx := context.Background()
	for name, mutate := range cases {
		req := base
		mutate(&req)
		if _, err := client.Images.Generate(ctx, req); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("Generate, %s: %v", name, err)
		}
		if _, err := client.Images.GenerateAsync(ctx, req); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("GenerateAsync, %s: %v", name, err)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
	// Documented sizes pass.
	for _, size := range []string{"1280x1280", "1024x1024", "1920x1080", "720x1440"} {
		req := base
		req.Size = size
		if _, err := client.Images.Generate(ctx, req); err != nil {
			t.Errorf("size %s: %v", size, err)
		}
	}
}

func TestImageB64AndRevisedPromptDecoded(t *testing.T) {
	_, client := newRecorder(t, respondFile(t, "testdata/shapes/image_b64_response.json", "application/json"))
	resp, err := client.Images.Generate(context.Background(), zai.ImageRequest{Model: zai.ModelCogView4, Prompt: "a cat", ResponseFormat: zai.ImageResponseFormatB64JSON})
	if err != nil {
		t.Fatal(err)
	}
	want := zai.GeneratedImage{URL: "http://example.com/image.png", B64JSON: "iVBORw0KGgo=", RevisedPrompt: "A small grey kitten asleep on a sunny windowsill"}
	if len(resp.Data) != 1 || resp.Data[0] != want {
		t.Fatalf("%+v", resp.Data)
	}

	_, client = newRecorder(t, respondFile(t, "testdata/shapes/async_image_b64_result.json", "application/json"))
	res, err := client.AsyncResult.Get(context.Background(), "task-image-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.ImageResult) != 1 || res.ImageResult[0] != want {
		t.Fatalf("%+v", res.ImageResult)
	}
}
