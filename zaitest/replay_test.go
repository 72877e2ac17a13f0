package zaitest_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

const liveKey = "live-id.live-secret-123456"

// session makes calls of every kind and returns what each one got, raw
// bodies and stream events included.
func session(t *testing.T, client *zai.Client) []string {
	t.Helper()
	var out []string
	add := func(what string, v ...any) { out = append(out, what+": "+fmt.Sprint(v...)) }

	resp, err := client.Chat.Completions.Create(ctx, req("record me"))
	if err != nil {
		t.Fatal(err)
	}
	add("chat", string(resp.RawJSON()))
	resp, err = client.Chat.Completions.Create(ctx, toolReq())
	if err != nil {
		t.Fatal(err)
	}
	add("tool call", string(resp.RawJSON()))

	stream, err := client.Chat.Completions.CreateStream(ctx, req("stream me please"))
	if err != nil {
		t.Fatal(err)
	}
	for c, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		add("chunk", string(c.RawJSON()))
	}

	emb, err := client.Embeddings.Create(ctx, zai.EmbeddingRequest{Model: zai.ModelEmbedding3, Input: zai.EmbeddingTexts("a cat"), Dimensions: zai.Ptr(8)})
	if err != nil {
		t.Fatal(err)
	}
	add("embedding", emb.Data[0].Embedding)

	speech, err := client.Audio.Speech.Create(ctx, zai.SpeechRequest{Model: zai.ModelGLMTTS, Input: "say it", Voice: zai.VoiceTongtong, ResponseFormat: zai.SpeechFormatWAV})
	if err != nil {
		t.Fatal(err)
	}
	wav, _ := io.ReadAll(speech.Body)
	speech.Body.Close()
	add("speech", speech.ContentType, len(wav), bytes.Equal(wav, zaitest.WAV(zaitest.Tone("say it"), "say it")))

	tr, err := client.Audio.Transcriptions.Create(ctx, zai.TranscriptionRequest{Model: zai.ModelGLMASR, File: zai.FileInput{Reader: bytes.NewReader(wav), Name: "say.wav"}})
	if err != nil {
		t.Fatal(err)
	}
	add("transcript", tr.Text)

	// A stream that is not chat, sent as a multipart form.
	events, err := client.Audio.Transcriptions.CreateStream(ctx, zai.TranscriptionRequest{Model: zai.ModelGLMASR, File: zai.FileInput{Reader: bytes.NewReader(wav), Name: "say.wav"}})
	if err != nil {
		t.Fatal(err)
	}
	for ev, err := range events.All() {
		if err != nil {
			t.Fatal(err)
		}
		add("transcript event", string(ev.Type), ev.Delta)
	}

	// A multipart upload whose answer is binary.
	custom, err := client.Audio.Speech.CreateCustom(ctx, zai.SpeechCustomizationRequest{Model: "cogtts", Input: "in my voice", VoiceText: "say it",
		VoiceData: zai.FileInput{Reader: bytes.NewReader(wav), Name: "sample.wav"}, ResponseFormat: zai.SpeechFormatWAV})
	if err != nil {
		t.Fatal(err)
	}
	customWAV, _ := io.ReadAll(custom.Body)
	custom.Body.Close()
	add("custom speech", custom.ContentType, len(customWAV))

	pro, err := client.WebSearch.SearchProStream(ctx, proReq("record me"))
	if err != nil {
		t.Fatal(err)
	}
	for c, err := range pro.All() {
		if err != nil {
			t.Fatal(err)
		}
		add("search pro", string(c.RawJSON()))
	}

	// A route under the /api root that is not agents.
	quota, err := client.CodingPlan.GetQuota(ctx)
	if err != nil {
		t.Fatal(err)
	}
	add("quota", string(quota.RawJSON()))

	f, err := client.Files.Upload(ctx, zai.FileUploadRequest{File: zai.FileInput{Reader: strings.NewReader("notes"), Name: "notes.txt"}, Purpose: zai.FilePurposeAgent})
	if err != nil {
		t.Fatal(err)
	}
	body, err := client.Files.Download(ctx, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	content, _ := io.ReadAll(body)
	body.Close()
	add("file", f.ID, string(content))

	task, err := client.Videos.Generate(ctx, zai.VideoRequest{Model: zai.ModelCogVideoX3, Prompt: "a cat"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := client.AsyncResult.Wait(ctx, task.ID, zai.WithPollInterval(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	add("video", res.TaskStatus, res.VideoResult[0].URL)

	slides, err := client.Agents.InvokeStream(ctx, zai.NewSlidesRequest("Deck", ""))
	if err != nil {
		t.Fatal(err)
	}
	for c, err := range slides.All() {
		if err != nil {
			t.Fatal(err)
		}
		add("slides", string(c.RawJSON()))
	}

	_, err = client.Chat.Completions.Create(ctx, zai.ChatCompletionRequest{Model: "", Messages: []zai.Message{zai.UserMessage("x")}}, zai.WithMaxRetries(0))
	add("error", err != nil)
	return out
}

// compact returns JSON without its indentation.
func compact(b []byte) string {
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		return ""
	}
	return buf.String()
}

func TestRecordThenReplay(t *testing.T) {
	upstream := zaitest.Start(zaitest.WithAPIKey(liveKey))
	path := filepath.Join(t.TempDir(), "testdata", "session.json")

	var recorded []string
	t.Run("record", func(t *testing.T) {
		t.Setenv("ZAI_RECORD", "1")
		t.Setenv("ZAI_API_KEY", liveKey)
		t.Setenv("ZAI_BASE_URL", upstream.URL())
		srv := zaitest.Replay(t, path)
		recorded = session(t, srv.Client())
		// An answer that echoes the key.
		upstream.Reply(`{"created":1,"id":"x","usage":{"prompt_tokens":1,"total_tokens":1},"note":"key `+liveKey+`"}`).On("POST", "/tokenizer")
		if _, err := srv.Client().Tokenizer.Count(ctx, zai.TokenizerRequest{Model: zai.ModelGLM4_6, Messages: []zai.Message{zai.UserMessage("x")}}); err != nil {
			t.Fatal(err)
		}
		for _, r := range upstream.Requests() {
			if r.Header.Get("Authorization") != "Bearer "+liveKey {
				t.Fatalf("forwarded with %q", r.Header.Get("Authorization"))
			}
		}
	})
	upstream.Close()

	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{liveKey, "live-secret-123456", zaitest.DefaultAPIKey, "Bearer"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Fatalf("the cassette holds %q", secret)
		}
	}
	var c zaitest.Cassette
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	saw := map[string]bool{}
	framed := func(e zaitest.Exchange) bool {
		return len(e.Events) > 1 && strings.HasPrefix(e.Events[0], "data: {") && strings.HasSuffix(e.Events[0], "\n\n") &&
			e.Events[len(e.Events)-1] == "data: [DONE]\n\n"
	}
	for _, e := range c.Exchanges {
		route := e.Method + " " + e.Path
		switch {
		case route == "POST /chat/completions" && framed(e):
			saw["chat stream"] = true
		case route == "POST /audio/transcriptions" && framed(e) && e.RequestForm != nil && e.RequestForm.Files["file"].SHA256 != "":
			saw["transcription stream, sent as a form"] = true
		case route == "POST /v1/agents" && framed(e):
			saw["agents stream"] = true
		case route == "POST /tools" && framed(e):
			saw["web-search-pro stream"] = true
		case route == "POST /files" && e.RequestForm != nil && e.RequestForm.Files["file"].Name == "notes.txt" && e.RequestForm.Fields["purpose"][0] == "agent":
			saw["file upload form"] = true
		case route == "POST /audio/customization" && e.RequestForm != nil && e.RequestForm.Files["voice_data"].Size == len(zaitest.WAV(zaitest.Tone("say it"), "say it")) && e.BodyBase64 != "":
			saw["custom speech form, binary answer"] = true
		case route == "GET /monitor/usage/quota/limit" && strings.Contains(compact(e.Body), `"level":"pro"`):
			saw["monitor"] = true
		}
		if strings.Contains(string(e.Body), "key [REDACTED]") {
			saw["redacted"] = true
		}
	}
	for _, want := range []string{"chat stream", "transcription stream, sent as a form", "agents stream", "web-search-pro stream",
		"file upload form", "custom speech form, binary answer", "monitor", "redacted"} {
		if !saw[want] {
			t.Errorf("the cassette lacks a %s", want)
		}
	}
	if c.Version != 1 || t.Failed() {
		t.Fatalf("version %d in\n%s", c.Version, raw)
	}

	t.Run("replay", func(t *testing.T) {
		t.Setenv("ZAI_RECORD", "")
		t.Setenv("ZAI_API_KEY", "")
		t.Setenv("ZAI_BASE_URL", "")
		srv := zaitest.Replay(t, path)
		replayed := session(t, srv.Client())
		if len(replayed) != len(recorded) {
			t.Fatalf("%d results replayed, %d recorded", len(replayed), len(recorded))
		}
		for i := range recorded {
			if replayed[i] != recorded[i] {
				t.Errorf("result %d:\nrecorded %s\nreplayed %s", i, recorded[i], replayed[i])
			}
		}
		tok, err := srv.Client().Tokenizer.Count(ctx, zai.TokenizerRequest{Model: zai.ModelGLM4_6, Messages: []zai.Message{zai.UserMessage("x")}})
		if err != nil || !strings.Contains(string(tok.RawJSON()), "key [REDACTED]") {
			t.Fatalf("%v %+v", err, tok)
		}
	})
}

func TestReplayMismatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.json")
	cassette := `{"version":1,"exchanges":[
	 {"method":"POST","path":"/chat/completions","request_body":{"model":"glm-4.7","messages":[{"role":"user","content":"hi"}],"request_id":"a"},
	  "status":200,"header":{"Content-Type":"application/json"},"body":{"id":"1","choices":[{"index":0,"message":{"role":"assistant","content":"first"},"finish_reason":"stop"}]}},
	 {"method":"POST","path":"/chat/completions","request_body":{"model":"glm-4.7","messages":[{"role":"user","content":"hi"}]},
	  "status":200,"header":{"Content-Type":"application/json"},"body":{"id":"2","choices":[{"index":0,"message":{"role":"assistant","content":"second"},"finish_reason":"stop"}]}},
	 {"method":"GET","path":"/files","query":"purpose=batch","status":200,"body":{"object":"list","data":[],"has_more":false}}]}`
	if err := os.WriteFile(path, []byte(cassette), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ZAI_RECORD", "")
	srv := zaitest.Replay(t, path)
	client := srv.Client()
	r := req("hi")
	r.RequestID = "a different id"
	for _, want := range []string{"first", "second"} {
		resp, err := client.Chat.Completions.Create(ctx, r)
		if err != nil || resp.Choices[0].Message.Content != want {
			t.Fatalf("want %q: %v %+v", want, err, resp)
		}
	}
	_, err := client.Chat.Completions.Create(ctx, r)
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotImplemented || !strings.Contains(apiErr.Message, "all 2 exchanges") {
		t.Fatalf("used up: %v", err)
	}
	_, err = client.Chat.Completions.Create(ctx, req("hello"))
	if !errors.As(err, &apiErr) || !strings.Contains(apiErr.Message, "the closest is exchange 1, POST /chat/completions, whose body differs in messages") {
		t.Fatalf("%v", err)
	}
	if _, err := client.Files.List(ctx, zai.FileListRequest{Purpose: "agent"}); !errors.As(err, &apiErr) || !strings.Contains(apiErr.Message, "exchange 3, GET /files?purpose=batch (the query differs") {
		t.Fatalf("%v", err)
	}
	if list, err := client.Files.List(ctx, zai.FileListRequest{Purpose: "batch"}); err != nil || list.HasMore {
		t.Fatal(err)
	}
	// A 501 is not retried: one request each.
	if n := len(srv.Requests()); n != 6 {
		t.Fatalf("%d requests", n)
	}
}

// A recording holds no secret in any form a reader of the cassette can
// decode: a binary body is redacted before it is written as base64, and a
// key hidden behind JSON escapes (in a body or an event) is found by
// decoding.
func TestRecordRedactsDecodedBodies(t *testing.T) {
	// The key with a letter of its secret half escaped: no text search
	// finds it, a JSON decoder does.
	i := strings.Index(liveKey, "secret")
	escaped := liveKey[:i] + `\u0073` + liveKey[i+1:]
	upstream := http.NewServeMux()
	upstream.HandleFunc("POST /api/paas/v4/audio/speech", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "audio/wav")
		w.Write(append(append([]byte("RIFF\xff\xfe\x00"), liveKey...), 0xff, 0x00, 0x01))
	})
	upstream.HandleFunc("POST /api/paas/v4/tokenizer", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"t","usage":{"prompt_tokens":1},"note":"key `+escaped+`"}`)
	})
	upstream.HandleFunc("POST /api/paas/v4/chat/completions", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, `data: {"id":"c","choices":[{"index":0,"delta":{"content":"key `+escaped+`"},"finish_reason":"stop"}]}`+"\n\n")
		io.WriteString(w, "data: [DONE]\n\n")
	})
	up := httptest.NewServer(upstream)
	defer up.Close()
	path := filepath.Join(t.TempDir(), "leaks.json")

	t.Run("record", func(t *testing.T) {
		t.Setenv("ZAI_RECORD", "1")
		t.Setenv("ZAI_API_KEY", liveKey)
		t.Setenv("ZAI_BASE_URL", up.URL+"/api/paas/v4")
		client := zaitest.Replay(t, path).Client()
		var audio []byte
		if err := client.Do(ctx, http.MethodPost, "/audio/speech", map[string]string{"input": "hi"}, &audio); err != nil {
			t.Fatal(err)
		}
		var tok map[string]any
		if err := client.Do(ctx, http.MethodPost, "/tokenizer", map[string]string{"model": "m"}, &tok); err != nil {
			t.Fatal(err)
		}
		stream, err := client.Chat.Completions.CreateStream(ctx, req("hi"))
		if err != nil {
			t.Fatal(err)
		}
		for _, err := range stream.All() {
			if err != nil {
				t.Fatal(err)
			}
		}
	})

	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var c zaitest.Cassette
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	secrets := []string{liveKey, "live-secret-123456"}
	leak := func(what string, b []byte) {
		t.Helper()
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds %q: %q", what, s, b)
			}
		}
	}
	leak("the cassette", raw)
	var sawAudio, sawJSON, sawEvent bool
	for _, e := range c.Exchanges {
		if e.BodyBase64 != "" {
			bin, err := base64.StdEncoding.DecodeString(e.BodyBase64)
			if err != nil {
				t.Fatal(err)
			}
			leak("the decoded binary body", bin)
			sawAudio = bytes.HasPrefix(bin, []byte("RIFF")) && bytes.Contains(bin, []byte("[REDACTED]"))
		}
		if len(e.Body) > 0 {
			var v map[string]any
			if err := json.Unmarshal(e.Body, &v); err != nil {
				t.Fatal(err)
			}
			leak("the decoded JSON body", []byte(fmt.Sprint(v)))
			sawJSON = sawJSON || v["note"] == "key [REDACTED]"
		}
		for _, ev := range e.Events {
			data, ok := strings.CutPrefix(strings.TrimSpace(ev), "data:")
			var v any
			if ok && json.Unmarshal([]byte(data), &v) == nil {
				leak("the decoded event", []byte(fmt.Sprint(v)))
				sawEvent = sawEvent || strings.Contains(fmt.Sprint(v), "key [REDACTED]")
			}
		}
	}
	if !sawAudio || !sawJSON || !sawEvent {
		t.Fatalf("audio %v, JSON %v, event %v recorded with the redaction:\n%s", sawAudio, sawJSON, sawEvent, raw)
	}
}
