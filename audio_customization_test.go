package zai_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/zai-go/zai"
)

func TestSpeechCreateCustomForm(t *testing.T) {
	rec, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "audio/wav")
		w.Header().Set("X-Log-Id", "log-9")
		io.WriteString(w, "RIFF....WAVE")
	})
	sample := writeTemp(t, "sample.mp3", "ID3 voice sample")
	resp, err := client.Audio.Speech.CreateCustom(context.Background(), zai.SpeechCustomizationRequest{
		Model: "cogtts", Input: "Hello from my voice.", VoiceText: "This is the sample.", VoiceData: zai.FileFromPath(sample),
		ResponseFormat: zai.SpeechFormatWAV, SensitiveWordCheck: &zai.SensitiveWordCheck{Type: "ALL", Status: "DISABLE"},
		WatermarkEnabled: zai.Ptr(false), RequestID: "req-123456", UserID: "user-123456",
	})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	audio, _ := io.ReadAll(resp.Body)
	if string(audio) != "RIFF....WAVE" || resp.ContentType != "audio/wav" || resp.RequestID != "log-9" {
		t.Fatalf("%q %+v", audio, resp)
	}
	got := rec.last(t)
	if got.Method != "POST" || got.Path != "/api/paas/v4/audio/customization" || !strings.HasPrefix(got.Header.Get("Accept"), "audio/") {
		t.Fatalf("%s %s %v", got.Method, got.Path, got.Header)
	}
	fields, file := formFields(t, got)
	b, _ := json.Marshal(fields)
	assertGoldenJSON(t, "speech_customization_form.json", b)
	if file.name != "voice_data" || file.file != "sample.mp3" || file.ctype != "audio/mpeg" || file.body != "ID3 voice sample" {
		t.Fatalf("%+v", file)
	}
}

func TestSpeechCreateCustomReaderAndJSONError(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/recorded/audio_speech_400_1211.json", "application/json; charset=UTF-8"))
	_, err := client.Audio.Speech.CreateCustom(context.Background(), zai.SpeechCustomizationRequest{
		Model: "m", Input: "hi", VoiceText: "sample", VoiceData: zai.FileInput{Reader: strings.NewReader("RIFF")},
	})
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "1211" || apiErr.StatusCode != 200 {
		t.Fatalf("%v", err)
	}
	_, file := formFields(t, rec.last(t))
	if file.name != "voice_data" || file.file != "voice.wav" || file.ctype != "audio/wav" || file.body != "RIFF" {
		t.Fatalf("%+v", file)
	}
}

func TestSpeechCreateCustomBadInputSendsNothing(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(`{}`))
	ok := zai.SpeechCustomizationRequest{Model: "m", Input: "hi", VoiceText: "sample", VoiceData: zai.FileInput{Reader: strings.NewReader("x")}}
	for name, mutate := range map[string]func(*zai.SpeechCustomizationRequest){
		"no model":      func(r *zai.SpeechCustomizationRequest) { r.Model = "" },
		"no input":      func(r *zai.SpeechCustomizationRequest) { r.Input = " " },
		"no voice text": func(r *zai.SpeechCustomizationRequest) { r.VoiceText = "" },
		"no sample":     func(r *zai.SpeechCustomizationRequest) { r.VoiceData = zai.FileInput{} },
		"both":          func(r *zai.SpeechCustomizationRequest) { r.VoiceData.Path = "a.wav" },
		"missing file":  func(r *zai.SpeechCustomizationRequest) { r.VoiceData = zai.FileFromPath("/no/such/file.wav") },
	} {
		req := ok
		mutate(&req)
		if _, err := client.Audio.Speech.CreateCustom(context.Background(), req); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}
