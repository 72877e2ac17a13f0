package zai_test

import (
	"context"
	"errors"
	"net/url"
	"testing"

	"github.com/zai-go/zai"
)

func TestVoiceListRecorded(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/recorded/voice_list.json", ""))
	got, err := client.Voices.List(context.Background(), zai.VoiceListRequest{})
	if err != nil {
		t.Fatal(err)
	}
	c := rec.last(t)
	if c.Method != "GET" || c.Path != "/api/paas/v4/voice/list" || c.Query != "" || len(c.Body) != 0 {
		t.Fatalf("%s %s ?%s body %q", c.Method, c.Path, c.Query, c.Body)
	}
	if len(got.Voices) != 18 || len(got.RawJSON()) == 0 {
		t.Fatalf("%d voices", len(got.Voices))
	}
	want := zai.Voice{ID: "abcf4765-0d08-5cbd-8bd8-6867f76166cc", Name: "jam1", Type: zai.VoiceTypeOfficial, CreateTime: "2025-09-08 19:40:18"}
	if got.Voices[0] != want {
		t.Fatalf("%+v", got.Voices[0])
	}
	if last := got.Voices[17]; last.ID != "streamer_male" || last.Name != "标准男声" {
		t.Fatalf("%+v", last)
	}
}

func TestVoiceListQueryIsCamelCase(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/recorded/voice_list.json", "application/json"))
	_, err := client.Voices.List(context.Background(), zai.VoiceListRequest{VoiceName: "my voice", VoiceType: zai.VoiceTypePrivate, RequestID: "req-list-01"})
	if err != nil {
		t.Fatal(err)
	}
	c := rec.last(t)
	q, err := url.ParseQuery(c.Query)
	if err != nil {
		t.Fatal(err)
	}
	want := url.Values{"voiceName": {"my voice"}, "voiceType": {"PRIVATE"}, "request_id": {"req-list-01"}}
	if q.Encode() != want.Encode() {
		t.Fatalf("query %q, want %q", c.Query, want.Encode())
	}
	if c.Header.Get("Request-Id") != "req-list-01" {
		t.Fatalf("Request-Id %q", c.Header.Get("Request-Id"))
	}
}

func TestVoiceClone(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/voice_clone_response.json", "application/json"))
	got, err := client.Voices.Clone(context.Background(), zai.VoiceCloneRequest{
		Model:     zai.ModelGLMTTSClone,
		VoiceName: "my_custom_voice_001",
		Text:      "你好，这是一段示例音频的文本内容。",
		Input:     "欢迎使用我们的音色复刻服务。",
		FileID:    "file_abc123",
		RequestID: "req-clone-01",
	})
	if err != nil {
		t.Fatal(err)
	}
	c := rec.last(t)
	if c.Method != "POST" || c.Path != "/api/paas/v4/voice/clone" {
		t.Fatalf("%s %s", c.Method, c.Path)
	}
	assertSameJSON(t, []byte(`{"model":"glm-tts-clone","voice_name":"my_custom_voice_001","text":"你好，这是一段示例音频的文本内容。","input":"欢迎使用我们的音色复刻服务。","file_id":"file_abc123","request_id":"req-clone-01"}`), c.Body)
	if got.Voice != "voice_clone_20260711_0001" || got.FileID != "file_preview_0001" || got.FilePurpose != "voice-clone-output" ||
		got.RequestID != "clone-req-0001" || len(got.RawJSON()) == 0 {
		t.Fatalf("%+v", got)
	}
}

func TestVoiceDelete(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/voice_delete_response.json", "application/json"))
	got, err := client.Voices.Delete(context.Background(), zai.VoiceDeleteRequest{Voice: "voice_clone_20260711_0001", RequestID: "req-del-01"})
	if err != nil {
		t.Fatal(err)
	}
	c := rec.last(t)
	if c.Method != "POST" || c.Path != "/api/paas/v4/voice/delete" {
		t.Fatalf("%s %s", c.Method, c.Path)
	}
	assertSameJSON(t, []byte(`{"voice":"voice_clone_20260711_0001","request_id":"req-del-01"}`), c.Body)
	if got.Voice != "voice_clone_20260711_0001" || got.UpdateTime != "2026-07-11 07:40:00" || len(got.RawJSON()) == 0 {
		t.Fatalf("%+v", got)
	}
}

func TestVoiceBadInputSendsNothing(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/voice_clone_response.json", "application/json"))
	ok := zai.VoiceCloneRequest{Model: zai.ModelGLMTTSClone, VoiceName: "v", FileID: "file_1"}
	for name, req := range map[string]zai.VoiceCloneRequest{
		"no model":      {VoiceName: ok.VoiceName, FileID: ok.FileID},
		"no voice name": {Model: ok.Model, VoiceName: "  ", FileID: ok.FileID},
		"no file id":    {Model: ok.Model, VoiceName: ok.VoiceName},
	} {
		if _, err := client.Voices.Clone(context.Background(), req); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := client.Voices.Delete(context.Background(), zai.VoiceDeleteRequest{}); !errors.Is(err, zai.ErrInvalidRequest) {
		t.Errorf("delete without a voice: %v", err)
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}

func TestVoiceCloneAndDeleteGolden(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/voice_clone_response.json", "application/json"))
	clone := zai.VoiceCloneRequest{
		Model: zai.ModelGLMTTSClone, VoiceName: "my_custom_voice_001", Text: "示例文本。", Input: "欢迎。",
		FileID: "file_abc123", RequestID: "req-clone-01", UserID: "user-000001",
	}
	if _, err := client.Voices.Clone(context.Background(), clone); err != nil {
		t.Fatal(err)
	}
	assertGoldenJSON(t, "voice_clone_every_field.json", rec.last(t).Body)
	assertRoundTrips[zai.VoiceCloneRequest](t, rec.last(t).Body)

	if _, err := client.Voices.Delete(context.Background(), zai.VoiceDeleteRequest{Voice: "voice_clone_20260711_0001", RequestID: "req-del-01", UserID: "user-000001"}); err != nil {
		t.Fatal(err)
	}
	assertGoldenJSON(t, "voice_delete_every_field.json", rec.last(t).Body)
	assertRoundTrips[zai.VoiceDeleteRequest](t, rec.last(t).Body)
}
