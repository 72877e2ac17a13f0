package zai_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"io/fs"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zai-go/zai"
)

// form is a multipart body as the server parsed it.
type form struct {
	fields map[string][]string
	order  []string // field names in the order sent
	files  map[string]formFile
}

type formFile struct {
	name, contentType string
	data              []byte
}

// parseForm reads a captured multipart request the way a server does.
func parseForm(t *testing.T, c captured) form {
	t.Helper()
	f := form{fields: map[string][]string{}, files: map[string]formFile{}}
	for _, p := range formParts(t, c) {
		if p.file != "" {
			f.files[p.name] = formFile{p.file, p.ctype, []byte(p.body)}
			continue
		}
		f.fields[p.name] = append(f.fields[p.name], p.body)
		f.order = append(f.order, p.name)
	}
	return f
}

func audioBytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

func TestTranscriptionMultipartEveryField(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/asr_response.json", "application/json"))
	audio := audioBytes(64 << 10)
	got, err := client.Audio.Transcriptions.Create(context.Background(), zai.TranscriptionRequest{
		Model:     zai.ModelGLMASR,
		File:      zai.FileInput{Reader: bytes.NewReader(audio), Name: "meeting.WAV"},
		Prompt:    "Earlier: the budget.",
		Hotwords:  []string{"Zhipu", "GLM", "智谱"},
		RequestID: "req-asr-0001",
		UserID:    "user-000001",
	})
	if err != nil {
		t.Fatal(err)
	}
	c := rec.last(t)
	if c.Method != "POST" || c.Path != "/api/paas/v4/audio/transcriptions" {
		t.Fatalf("%s %s", c.Method, c.Path)
	}
	f := parseForm(t, c)
	want := map[string][]string{
		"model":      {"glm-asr-2512"},
		"prompt":     {"Earlier: the budget."},
		"hotwords[]": {"Zhipu", "GLM", "智谱"},
		"request_id": {"req-asr-0001"},
		"user_id":    {"user-000001"},
	}
	if len(f.fields) != len(want) {
		t.Errorf("fields %v, want %v", f.fields, want)
	}
	for k, v := range want {
		if strings.Join(f.fields[k], "|") != strings.Join(v, "|") {
			t.Errorf("field %s = %q, want %q", k, f.fields[k], v)
		}
	}
	file, ok := f.files["file"]
	if !ok || len(f.files) != 1 {
		t.Fatalf("files %v", f.files)
	}
	if file.name != "meeting.WAV" || file.contentType != "audio/wav" || !bytes.Equal(file.data, audio) {
		t.Fatalf("file %q %q, %d bytes (equal: %v)", file.name, file.contentType, len(file.data), bytes.Equal(file.data, audio))
	}
	if got.Text != "你好，今天天气怎么样" || got.ID != "2026071107321200a1b2c3d4e5f60" || got.RequestID != "asr-req-0001" ||
		got.Model != "glm-asr-2512" || got.Created != 1752190000 || len(got.RawJSON()) == 0 {
		t.Fatalf("%+v", got)
	}
}

func TestTranscriptionSegmentsDecode(t *testing.T) {
	// The official Java SDK's result type (AudioTranscriptionResult,
	// Segment{Integer id, Double start, Double end, String text}).
	body := `{"id":"t1","created":1,"model":"glm-asr-2512","text":"a b","segments":[{"id":0,"start":0.0,"end":1.5,"text":"a"},{"id":1,"start":1.5,"end":2.25,"text":"b"}]}`
	_, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) })
	got, err := client.Audio.Transcriptions.Create(context.Background(), zai.TranscriptionRequest{Model: zai.ModelGLMASR, FileBase64: "UklGRg=="})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Segments) != 2 || got.Segments[1] != (zai.TranscriptionSegment{ID: 1, Start: 1.5, End: 2.25, Text: "b"}) {
		t.Fatalf("%+v", got.Segments)
	}
}

func TestTranscriptionFromPath(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/asr_response.json", "application/json"))
	audio := audioBytes(10_000)
	path := filepath.Join(t.TempDir(), "clip.mp3")
	if err := os.WriteFile(path, audio, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Audio.Transcriptions.Create(context.Background(), zai.TranscriptionRequest{Model: zai.ModelGLMASR, File: zai.FileInput{Path: path}}); err != nil {
		t.Fatal(err)
	}
	f := parseForm(t, rec.last(t))
	file := f.files["file"]
	if file.name != "clip.mp3" || file.contentType != "audio/mpeg" || !bytes.Equal(file.data, audio) {
		t.Fatalf("file %q %q %d bytes", file.name, file.contentType, len(file.data))
	}
	if len(f.fields) != 1 || f.fields["model"][0] != zai.ModelGLMASR {
		t.Fatalf("fields %v", f.fields)
	}
}

func TestTranscriptionOSFileNamedAfterItself(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/asr_response.json", "application/json"))
	path := filepath.Join(t.TempDir(), "voice.wav")
	if err := os.WriteFile(path, audioBytes(100), 0o644); err != nil {
		t.Fatal(err)
	}
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	if _, err := client.Audio.Transcriptions.Create(context.Background(), zai.TranscriptionRequest{Model: zai.ModelGLMASR, File: zai.FileInput{Reader: file}}); err != nil {
		t.Fatal(err)
	}
	if got := parseForm(t, rec.last(t)).files["file"]; got.name != "voice.wav" || got.contentType != "audio/wav" {
		t.Fatalf("%q %q", got.name, got.contentType)
	}
}

func TestTranscriptionBase64(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/asr_response.json", "application/json"))
	if _, err := client.Audio.Transcriptions.Create(context.Background(), zai.TranscriptionRequest{Model: zai.ModelGLMASR, FileBase64: "UklGRiQAAABXQVZF"}); err != nil {
		t.Fatal(err)
	}
	f := parseForm(t, rec.last(t))
	if len(f.files) != 0 || f.fields["file_base64"][0] != "UklGRiQAAABXQVZF" {
		t.Fatalf("%+v", f)
	}
}

func TestTranscriptionBadInputSendsNothing(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/asr_response.json", "application/json"))
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope.wav")
	cases := map[string]zai.TranscriptionRequest{
		"no model":       {FileBase64: "AAAA"},
		"no file":        {Model: zai.ModelGLMASR},
		"reader and b64": {Model: zai.ModelGLMASR, File: zai.FileInput{Reader: strings.NewReader("x")}, FileBase64: "AAAA"},
		"reader and path": {Model: zai.ModelGLMASR, File: zai.FileInput{Reader: strings.NewReader("x"),
			Path: filepath.Join("testdata", "shapes", "tts_stream.pcm")}},
		"missing path":   {Model: zai.ModelGLMASR, File: zai.FileInput{Path: missing}},
		"directory path": {Model: zai.ModelGLMASR, File: zai.FileInput{Path: dir}},
	}
	for name, req := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := client.Audio.Transcriptions.Create(context.Background(), req)
			if !errors.Is(err, zai.ErrInvalidRequest) {
				t.Fatalf("Create: %v", err)
			}
			s, err := client.Audio.Transcriptions.CreateStream(context.Background(), req)
			if !errors.Is(err, zai.ErrInvalidRequest) || s != nil {
				t.Fatalf("CreateStream: %v", err)
			}
		})
	}
	_, err := client.Audio.Transcriptions.Create(context.Background(), cases["missing path"])
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "nope.wav") {
		t.Fatalf("the cause should be kept: %v", err)
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}

// failFirst answers 503 to the first request and the recorded shape after.
func TestTranscriptionRetryResendsSeekableFile(t *testing.T) {
	rec, client := newRecorder(t, failFirst(respondFile(t, "testdata/shapes/asr_response.json", "application/json")))
	audio := audioBytes(300_000)
	r := bytes.NewReader(audio)
	if _, err := r.Seek(1000, io.SeekStart); err != nil { // the upload starts where the reader stands
		t.Fatal(err)
	}
	if _, err := client.Audio.Transcriptions.Create(context.Background(), zai.TranscriptionRequest{Model: zai.ModelGLMASR, File: zai.FileInput{Reader: r, Name: "a.wav"}}); err != nil {
		t.Fatal(err)
	}
	reqs := rec.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	for i, c := range reqs {
		if got := parseForm(t, c).files["file"].data; !bytes.Equal(got, audio[1000:]) {
			t.Fatalf("attempt %d sent %d bytes, want the %d from the reader's start", i+1, len(got), len(audio)-1000)
		}
	}
}

func TestTranscriptionRetryReopensPath(t *testing.T) {
	rec, client := newRecorder(t, failFirst(respondFile(t, "testdata/shapes/asr_response.json", "application/json")))
	audio := audioBytes(200_000)
	path := filepath.Join(t.TempDir(), "a.wav")
	if err := os.WriteFile(path, audio, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Audio.Transcriptions.Create(context.Background(), zai.TranscriptionRequest{Model: zai.ModelGLMASR, File: zai.FileInput{Path: path}}); err != nil {
		t.Fatal(err)
	}
	reqs := rec.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	for i, c := range reqs {
		if got := parseForm(t, c).files["file"].data; !bytes.Equal(got, audio) {
			t.Fatalf("attempt %d sent %d bytes", i+1, len(got))
		}
	}
}

func TestTranscriptionPlainReaderNotRetried(t *testing.T) {
	rec, client := newRecorder(t, failFirst(respondFile(t, "testdata/shapes/asr_response.json", "application/json")))
	plain := io.MultiReader(bytes.NewReader(audioBytes(1000))) // not a Seeker
	_, err := client.Audio.Transcriptions.Create(context.Background(), zai.TranscriptionRequest{Model: zai.ModelGLMASR, File: zai.FileInput{Reader: plain, Name: "a.wav"}})
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("%v", err)
	}
	if n := len(rec.requests()); n != 1 {
		t.Fatalf("%d requests: a reader that cannot be re-read must not be retried", n)
	}
}

// TestTranscriptionRetryAfterEarlyRejection has the server refuse the first
// attempt before reading the upload, so the transport may still be copying
// the file when the retry seeks it back. Run with -race.
func TestTranscriptionRetryAfterEarlyRejection(t *testing.T) {
	audio := audioBytes(8 << 20)
	var attempts atomic.Int32
	var second []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if attempts.Add(1) == 1 {
			w.Header().Set("Connection", "close")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		mr := multipart.NewReader(r.Body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			if p.FormName() == "file" {
				second, _ = io.ReadAll(p)
			}
		}
		io.WriteString(w, `{"text":"ok"}`)
	}))
	defer srv.Close()
	client, err := zai.NewClient(zai.WithAPIKey("k"), zai.WithBaseURL(srv.URL), zai.WithTestHooks(noSleep, nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	got, err := client.Audio.Transcriptions.Create(context.Background(), zai.TranscriptionRequest{Model: zai.ModelGLMASR, File: zai.FileInput{Reader: bytes.NewReader(audio), Name: "a.wav"}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != "ok" || attempts.Load() != 2 || !bytes.Equal(second, audio) {
		t.Fatalf("attempts %d, second upload %d bytes (equal %v)", attempts.Load(), len(second), bytes.Equal(second, audio))
	}
}

// patternReader generates n bytes without holding them.
type patternReader struct{ off, n int64 }

func (r *patternReader) Read(p []byte) (int, error) {
	if r.off >= r.n {
		return 0, io.EOF
	}
	if rem := r.n - r.off; int64(len(p)) > rem {
		p = p[:rem]
	}
	for i := range p {
		x := r.off + int64(i)
		p[i] = byte(x ^ x>>8 ^ x>>16)
	}
	r.off += int64(len(p))
	return len(p), nil
}

// TestTranscriptionUploadHeapFlat streams 100 MiB from a generating reader to
// a loopback server that discards it, and samples the heap meanwhile: the
// upload must not hold the file.
func TestTranscriptionUploadHeapFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("uploads 100 MiB")
	}
	const size = 100 << 20
	var received atomic.Int64
	var sum atomic.Uint32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		mr := multipart.NewReader(r.Body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			if p.FormName() == "file" {
				h := crc32.NewIEEE()
				n, _ := io.Copy(h, p)
				received.Store(n)
				sum.Store(h.Sum32())
			}
		}
		io.WriteString(w, `{"text":"ok"}`)
	}))
	defer srv.Close()
	client, err := zai.NewClient(zai.WithAPIKey("k"), zai.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}

	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	got, err := client.Audio.Transcriptions.Create(context.Background(), zai.TranscriptionRequest{
		Model: zai.ModelGLMASR,
		File:  zai.FileInput{Reader: &patternReader{n: size}, Name: "big.wav"},
	})
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	want := crc32.NewIEEE()
	io.Copy(want, &patternReader{n: size})
	if got.Text != "ok" || received.Load() != size || sum.Load() != want.Sum32() {
		t.Fatalf("server got %d bytes, crc %x want %x", received.Load(), sum.Load(), want.Sum32())
	}
	growth := int64(peak.Load()) - int64(base)
	t.Logf("heap in use: %.1f MiB before, peak %.1f MiB during a %d MiB upload (growth %.1f MiB)",
		float64(base)/(1<<20), float64(peak.Load())/(1<<20), size>>20, float64(growth)/(1<<20))
	if growth > 16<<20 {
		t.Fatalf("heap grew by %.1f MiB during the upload", float64(growth)/(1<<20))
	}
}

func TestTranscriptionStream(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/asr_stream.sse", "text/event-stream"))
	stream, err := client.Audio.Transcriptions.CreateStream(context.Background(), zai.TranscriptionRequest{
		Model: zai.ModelGLMASR,
		File:  zai.FileInput{Reader: strings.NewReader("RIFF"), Name: "a.wav"}, Hotwords: []string{"GLM"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	var types []string
	for ev, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		text.WriteString(ev.Delta)
		types = append(types, string(ev.Type))
		if ev.Model != "glm-asr-2512" || ev.ID != "2026071107321200a1b2c3d4e5f60" || ev.Created != 1752190000 || len(ev.RawJSON()) == 0 {
			t.Fatalf("%+v", ev)
		}
	}
	if text.String() != "你好，今天天气怎么样" || strings.Join(types, ",") != "transcript.text.delta,transcript.text.delta,transcript.text.done" {
		t.Fatalf("%q %v", text.String(), types)
	}
	if stream.RequestID() != "log-123" {
		t.Fatalf("request id %q", stream.RequestID())
	}
	c := rec.last(t)
	if c.Header.Get("Accept") != "text/event-stream" {
		t.Fatalf("Accept %q", c.Header.Get("Accept"))
	}
	f := parseForm(t, c)
	if f.fields["stream"][0] != "true" || f.fields["hotwords[]"][0] != "GLM" || string(f.files["file"].data) != "RIFF" {
		t.Fatalf("%+v", f)
	}
}

func TestTranscriptionStreamEnds(t *testing.T) {
	delta := `data: {"id":"1","type":"transcript.text.delta","delta":"hi"}` + "\n\n"
	done := `data: {"id":"1","type":"transcript.text.done","delta":""}` + "\n\n"
	req := zai.TranscriptionRequest{Model: zai.ModelGLMASR, FileBase64: "AAAA"}

	// done without [DONE] is a clean end
	_, client := newRecorder(t, sseHandler(delta, done))
	stream, err := client.Audio.Transcriptions.CreateStream(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for stream.Next() {
		n++
	}
	if stream.Err() != nil || n != 2 {
		t.Fatalf("%d events, %v", n, stream.Err())
	}

	// a body that stops after a delta is a truncation
	_, client = newRecorder(t, sseHandler(delta))
	stream, err = client.Audio.Transcriptions.CreateStream(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	for stream.Next() {
	}
	if !errors.Is(stream.Err(), io.ErrUnexpectedEOF) {
		t.Fatalf("%v", stream.Err())
	}
}

func TestSpeechRequestGolden(t *testing.T) {
	wav := []byte("RIFF\x24\x00\x00\x00WAVEfmt ")
	rec, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "audio/wav")
		w.Header().Set("X-Log-Id", "log-tts")
		w.Write(wav)
	})
	resp, err := client.Audio.Speech.Create(context.Background(), zai.SpeechRequest{
		Model:              zai.ModelGLMTTS,
		Input:              "你好，今天天气怎么样.",
		Voice:              zai.VoiceTongtong,
		ResponseFormat:     zai.SpeechFormatWAV,
		Speed:              zai.Ptr(0.5),
		Volume:             zai.Ptr(10.0),
		EncodeFormat:       zai.EncodeFormatBase64,
		WatermarkEnabled:   zai.Ptr(false),
		SensitiveWordCheck: &zai.SensitiveWordCheck{Type: "ALL", Status: "DISABLE"},
		RequestID:          "req-tts-0001",
		UserID:             "user-000001",
	})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, wav) || resp.ContentType != "audio/wav" || resp.RequestID != "log-tts" {
		t.Fatalf("%q %q %q", got, resp.ContentType, resp.RequestID)
	}
	c := rec.last(t)
	if c.Method != "POST" || c.Path != "/api/paas/v4/audio/speech" {
		t.Fatalf("%s %s", c.Method, c.Path)
	}
	if a := c.Header.Get("Accept"); strings.Contains(a, "event-stream") {
		t.Fatalf("Accept %q on a binary download", a)
	}
	assertGoldenJSON(t, "speech_every_field.json", c.Body)
}

func TestSpeechRecordedRequestRoundTrips(t *testing.T) {
	recorded := readFile(t, "testdata/recorded/audio_speech_request.json")
	var req zai.SpeechRequest
	if err := json.Unmarshal(recorded, &req); err != nil {
		t.Fatal(err)
	}
	rec, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte{0, 1}) })
	resp, err := client.Audio.Speech.Create(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	assertSameJSON(t, recorded, rec.last(t).Body)
}

func TestSpeechBodyIsStreamed(t *testing.T) {
	release := make(chan struct{})
	_, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "audio/wav")
		io.WriteString(w, "RIFF")
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-time.After(10 * time.Second):
			return
		}
		io.WriteString(w, "WAVE")
	})
	resp, err := client.Audio.Speech.Create(context.Background(), zai.SpeechRequest{Model: zai.ModelGLMTTS, Input: "hi", Voice: zai.VoiceTongtong})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	head := make([]byte, 4)
	if _, err := io.ReadFull(resp.Body, head); err != nil || string(head) != "RIFF" {
		t.Fatalf("%q %v", head, err)
	}
	close(release) // the rest is written only after the client read the start
	rest, err := io.ReadAll(resp.Body)
	if err != nil || string(rest) != "WAVE" {
		t.Fatalf("%q %v", rest, err)
	}
}

func TestSpeechRecordedError(t *testing.T) {
	body := readFile(t, "testdata/recorded/audio_speech_400_1211.json")
	rec, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.Header().Set("X-Log-Id", "202607110732112c37ce56ae8c463c")
		w.WriteHeader(http.StatusBadRequest)
		w.Write(body)
	})
	resp, err := client.Audio.Speech.Create(context.Background(), zai.SpeechRequest{Model: zai.ModelGLMTTS, Input: "hello world", Voice: zai.VoiceTongtong})
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || resp != nil {
		t.Fatalf("%v", err)
	}
	if apiErr.StatusCode != 400 || apiErr.Code != "1211" || apiErr.RequestID != "202607110732112c37ce56ae8c463c" ||
		apiErr.Message != "Unknown Model, please check the model code." || !errors.Is(err, zai.ErrBadRequest) {
		t.Fatalf("%+v", apiErr)
	}
	if n := len(rec.requests()); n != 1 {
		t.Fatalf("%d requests; a 400 is not retried", n)
	}
}

func TestSpeech200JSONErrorIsAnError(t *testing.T) {
	body := readFile(t, "testdata/recorded/audio_speech_400_1211.json")
	_, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.Header().Set("X-Log-Id", "log-200")
		w.Write(body)
	})
	_, err := client.Audio.Speech.Create(context.Background(), zai.SpeechRequest{Model: zai.ModelGLMTTS, Input: "hello", Voice: zai.VoiceTongtong})
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 200 || apiErr.Code != "1211" || apiErr.RequestID != "log-200" || !errors.Is(err, zai.ErrBadRequest) {
		t.Fatalf("%v", err)
	}
	if !bytes.Equal(apiErr.RawJSON(), body) {
		t.Fatalf("raw %q", apiErr.RawJSON())
	}
}

func TestSpeech200JSONWithoutErrorIsHandedBack(t *testing.T) {
	body := `{"audio":"not an error"}`
	_, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
	})
	resp, err := client.Audio.Speech.Create(context.Background(), zai.SpeechRequest{Model: zai.ModelGLMTTS, Input: "hello", Voice: zai.VoiceTongtong})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if string(got) != body || resp.ContentType != "application/json" {
		t.Fatalf("%q %q", got, resp.ContentType)
	}
}

func TestSpeechBadInputSendsNothing(t *testing.T) {
	rec, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {})
	cases := map[string]zai.SpeechRequest{
		"no model":    {Input: "hi", Voice: zai.VoiceTongtong},
		"empty input": {Model: zai.ModelGLMTTS, Voice: zai.VoiceTongtong},
		"blank input": {Model: zai.ModelGLMTTS, Input: " \n\t", Voice: zai.VoiceTongtong},
		"no voice":    {Model: zai.ModelGLMTTS, Input: "hi"},
	}
	for name, req := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := client.Audio.Speech.Create(context.Background(), req); !errors.Is(err, zai.ErrInvalidRequest) {
				t.Fatalf("Create: %v", err)
			}
			if _, err := client.Audio.Speech.CreateStream(context.Background(), req); !errors.Is(err, zai.ErrInvalidRequest) {
				t.Fatalf("CreateStream: %v", err)
			}
		})
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}

func TestSpeechStream(t *testing.T) {
	pcm := readFile(t, "testdata/shapes/tts_stream.pcm")
	for _, tc := range []struct {
		file   string
		format zai.EncodeFormat
	}{
		{"testdata/shapes/tts_stream.sse", ""},
		{"testdata/shapes/tts_stream_hex.sse", zai.EncodeFormatHex},
	} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			rec, client := newRecorder(t, respondFile(t, tc.file, "text/event-stream"))
			stream, err := client.Audio.Speech.CreateStream(context.Background(), zai.SpeechRequest{
				Model: zai.ModelGLMTTS, Input: "hi", Voice: zai.VoiceTongtong, ResponseFormat: zai.SpeechFormatPCM, EncodeFormat: tc.format,
			})
			if err != nil {
				t.Fatal(err)
			}
			var audio []byte
			n := 0
			for chunk, err := range stream.All() {
				if err != nil {
					t.Fatal(err)
				}
				n++
				// Audio follows the request's EncodeFormat (hex or base64).
				b, err := chunk.Audio()
				if err != nil {
					t.Fatal(err)
				}
				audio = append(audio, b...)
				if chunk.Created != 1752190000 || !strings.HasPrefix(chunk.RequestID, "tts-req-") || chunk.Choices[0].Delta.Role != "assistant" || len(chunk.RawJSON()) == 0 {
					t.Fatalf("%+v", chunk)
				}
			}
			if n != 3 || !bytes.Equal(audio, pcm) {
				t.Fatalf("%d chunks, %d bytes of audio, want %d", n, len(audio), len(pcm))
			}
			var body map[string]any
			if err := json.Unmarshal(rec.last(t).Body, &body); err != nil {
				t.Fatal(err)
			}
			if body["stream"] != true {
				t.Fatalf("stream field %v", body["stream"])
			}
		})
	}
}

func TestSpeechChunkAudioErrors(t *testing.T) {
	c := zai.SpeechChunk{Choices: []zai.SpeechChunkChoice{{Delta: zai.SpeechDelta{Content: "zz!"}}}}
	if _, err := c.Audio(); err == nil {
		t.Fatal("bad base64 decoded")
	}
	if _, err := c.DecodeAudio(zai.EncodeFormatHex); err == nil {
		t.Fatal("bad hex decoded")
	}
	if _, err := c.DecodeAudio("mp3"); err == nil {
		t.Fatal("unknown encoding accepted")
	}
}

func TestSpeechStreamEndsAndErrors(t *testing.T) {
	req := zai.SpeechRequest{Model: zai.ModelGLMTTS, Input: "hi", Voice: zai.VoiceTongtong}
	piece := `data: {"choices":[{"index":0,"delta":{"role":"assistant","content":"AAEC"},"finish_reason":null}],"request_id":"r","created":1}` + "\n\n"
	last := `data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop"}],"request_id":"r","created":1}` + "\n\n"
	// The official Python SDK's AudioSpeechChunk carries error{code,message}.
	chunkErr := `data: {"choices":[],"request_id":"r","created":1,"error":{"code":"500","message":"tts failed"}}` + "\n\n"

	_, client := newRecorder(t, sseHandler(piece, last))
	stream, err := client.Audio.Speech.CreateStream(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for stream.Next() {
		n++
	}
	if n != 2 || stream.Err() != nil {
		t.Fatalf("a finish reason ends the stream cleanly: %d, %v", n, stream.Err())
	}

	_, client = newRecorder(t, sseHandler(piece, chunkErr))
	stream, err = client.Audio.Speech.CreateStream(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	for stream.Next() {
	}
	var apiErr *zai.APIError
	if !errors.As(stream.Err(), &apiErr) || !apiErr.InStream || apiErr.Code != "500" || apiErr.Message != "tts failed" {
		t.Fatalf("%v", stream.Err())
	}
}

func TestTranscriptionFormGolden(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/asr_response.json", "application/json"))
	_, err := client.Audio.Transcriptions.Create(context.Background(), zai.TranscriptionRequest{
		Model:              zai.ModelGLMASR,
		File:               zai.FileInput{Reader: strings.NewReader("RIFF"), Name: "a.wav"},
		Prompt:             "Earlier: the budget.",
		Hotwords:           []string{"GLM"},
		RequestID:          "req-asr-0001",
		UserID:             "user-000001",
		SensitiveWordCheck: &zai.SensitiveWordCheck{Type: "ALL", Status: "DISABLE"},
	})
	if err != nil {
		t.Fatal(err)
	}
	fields, file := formFields(t, rec.last(t))
	b, _ := json.Marshal(fields)
	assertGoldenJSON(t, "transcription_form.json", b)
	if file.name != "file" || file.file != "a.wav" || file.body != "RIFF" {
		t.Fatalf("file %+v", file)
	}
}

func TestTranscriptionStreamChoices(t *testing.T) {
	_, client := newRecorder(t, respondFile(t, "testdata/shapes/asr_stream_choices.sse", "text/event-stream"))
	stream, err := client.Audio.Transcriptions.CreateStream(context.Background(), zai.TranscriptionRequest{Model: zai.ModelGLMASR, FileBase64: "AAAA"})
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	var finish []zai.FinishReason
	for ev, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		if len(ev.Choices) != 1 || ev.Choices[0].Delta.Role != zai.RoleAssistant || ev.Type != "" {
			t.Fatalf("%+v", ev)
		}
		text.WriteString(ev.Choices[0].Delta.Content)
		finish = append(finish, ev.Choices[0].FinishReason)
	}
	if text.String() != "你好，今天天气怎么样" || len(finish) != 3 || finish[2] != zai.FinishReasonStop {
		t.Fatalf("%q %v", text.String(), finish)
	}
}
