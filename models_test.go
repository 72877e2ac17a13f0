package zai_test

import (
	"context"
	"errors"
	"testing"

	"github.com/zai-go/zai"
)

func TestModelsListRecorded(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/recorded/models.json", "application/json;charset=UTF-8"))
	list, err := client.Models.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := rec.last(t)
	if got.Method != "GET" || got.Path != "/api/paas/v4/models" || got.Query != "" || len(got.Body) != 0 {
		t.Fatalf("%s %s?%s %q", got.Method, got.Path, got.Query, got.Body)
	}
	if list.Object != "list" || len(list.Data) != 8 {
		t.Fatalf("%+v", list)
	}
	if m := list.Data[0]; m != (zai.Model{ID: "glm-4.5", Object: "model", Created: 1753632000, OwnedBy: "z-ai"}) {
		t.Fatalf("first: %+v", m)
	}
	if m := list.Data[5]; m.ID != zai.ModelGLM5Turbo || m.Created != 1773504000 {
		t.Fatalf("glm-5-turbo: %+v", m)
	}
	if string(list.RawJSON()) != string(readFile(t, "testdata/recorded/models.json")) {
		t.Fatal("RawJSON is not the body")
	}
}

// Every code the recorded catalog lists has a constant.
func TestModelCodesCoverRecordedCatalog(t *testing.T) {
	known := map[string]bool{}
	for _, c := range []string{zai.ModelGLM4_5, zai.ModelGLM4_5Air, zai.ModelGLM4_6, zai.ModelGLM4_7,
		zai.ModelGLM5, zai.ModelGLM5Turbo, zai.ModelGLM5_1, zai.ModelGLM5_2} {
		known[c] = true
	}
	_, client := newRecorder(t, respondFile(t, "testdata/recorded/models.json", "application/json"))
	list, err := client.Models.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range list.Data {
		if !known[m.ID] {
			t.Errorf("no constant for %q", m.ID)
		}
	}
}

func TestModelsListError(t *testing.T) {
	_, client := newRecorder(t, sequence(reply{401, []byte(`{"error":{"code":"1000","message":"Authentication Failed"}}`)}))
	_, err := client.Models.List(context.Background())
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "1000" || !errors.Is(err, zai.ErrAuthentication) {
		t.Fatalf("%v", err)
	}
}
