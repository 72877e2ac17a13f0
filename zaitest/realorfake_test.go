package zaitest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/zai-go/zai"
)

func TestRealOrFakeWithoutKeyStartsAFake(t *testing.T) {
	var note strings.Builder
	client, fake, err := realOrFake(false, &note, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	if fake == nil || !strings.Contains(note.String(), "ZAI_API_KEY is not set") {
		t.Fatalf("fake %v, note %q", fake, note.String())
	}
	resp, err := client.Chat.Completions.Create(context.Background(), zai.ChatCompletionRequest{
		Model: zai.ModelGLM4_7, Messages: []zai.Message{zai.UserMessage("hi")}})
	if err != nil || resp.Choices[0].Message.Content != "Echo: hi" {
		t.Fatalf("%+v, %v", resp, err)
	}
	if n := len(fake.Requests()); n != 1 {
		t.Fatalf("the fake saw %d requests", n)
	}
}

func TestRealOrFakeWithKeyUsesTheEnvironment(t *testing.T) {
	var auth string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"object":"list","data":[{"id":"glm-4.7","object":"model","created":1,"owned_by":"z-ai"}]}`))
	}))
	defer api.Close()
	t.Setenv(zai.EnvAPIKey, "real.key")
	t.Setenv(zai.EnvBaseURL, api.URL)
	client, fake, err := RealOrFake()
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close() // nil: does nothing
	if fake != nil {
		t.Fatal("a fake server with a key set")
	}
	list, err := client.Models.List(context.Background())
	if err != nil || len(list.Data) != 1 || auth != "Bearer real.key" {
		t.Fatalf("%+v, %v, Authorization %q", list, err, auth)
	}
}

func TestRealOrFakeReturnsOptionErrors(t *testing.T) {
	bad := zai.WithBaseURL("http://example.com/api") // plain http to a remote host
	for _, useReal := range []bool{true, false} {
		t.Setenv(zai.EnvAPIKey, "real.key")
		client, fake, err := realOrFake(useReal, new(strings.Builder), []zai.Option{bad})
		if !errors.Is(err, zai.ErrInsecureBaseURL) || client != nil || fake != nil {
			t.Fatalf("real %v: %v, %v, %v", useReal, client, fake, err)
		}
	}
}
