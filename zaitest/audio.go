package zaitest

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Audio defaults: speech is a 440 Hz tone, 24 kHz 16-bit mono PCM, 20 ms
// per character of input (at least 100 ms, at most 2 s). A WAV reply
// carries the input text in a LIST/INFO/ICMT chunk, and the transcription
// default reads it back, so speech fed to transcription gives the text
// again.

// SpeechSampleRate is the sample rate of the audio the server synthesises.
const SpeechSampleRate = 24000

// wavTextPrefix marks the text a zaitest WAV carries.
const wavTextPrefix = "zaitest:"

// Tone returns the PCM the speech default synthesises for text.
func Tone(text string) []byte {
	n := utf8.RuneCountInString(text) * SpeechSampleRate / 50
	n = min(max(n, SpeechSampleRate/10), 2*SpeechSampleRate)
	pcm := make([]byte, 2*n)
	for i := range n {
		v := int16(8000 * math.Sin(2*math.Pi*440*float64(i)/SpeechSampleRate))
		binary.LittleEndian.PutUint16(pcm[2*i:], uint16(v))
	}
	return pcm
}

// WAV wraps 16-bit mono PCM at SpeechSampleRate in a WAV header. A non-empty
// text is stored in the file's INFO comment, where the transcription default
// finds it: WAV(Tone(s), s) transcribes to s.
func WAV(pcm []byte, text string) []byte {
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	var list []byte
	if text != "" {
		cmt := append([]byte(wavTextPrefix+text), 0)
		if len(cmt)%2 == 1 {
			cmt = append(cmt, 0)
		}
		var l bytes.Buffer
		l.WriteString("INFO")
		l.WriteString("ICMT")
		binary.Write(&l, binary.LittleEndian, uint32(len(cmt)))
		l.Write(cmt)
		list = l.Bytes()
	}
	size := 4 + (8 + 16) + (8 + len(pcm))
	if list != nil {
		size += 8 + len(list)
	}
	b.WriteString("RIFF")
	le(uint32(size))
	b.WriteString("WAVE")
	b.WriteString("fmt ")
	le(uint32(16))
	le(uint16(1)) // PCM
	le(uint16(1)) // mono
	le(uint32(SpeechSampleRate))
	le(uint32(SpeechSampleRate * 2))
	le(uint16(2))
	le(uint16(16))
	if list != nil {
		b.WriteString("LIST")
		le(uint32(len(list)))
		b.Write(list)
	}
	b.WriteString("data")
	le(uint32(len(pcm)))
	b.Write(pcm)
	return b.Bytes()
}

// wavText returns the text a zaitest WAV carries.
func wavText(b []byte) (string, bool) {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return "", false
	}
	for p := 12; p+8 <= len(b); {
		id, n := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:]))
		body := b[p+8 : min(p+8+n, len(b))]
		if id == "LIST" && len(body) >= 4 && string(body[:4]) == "INFO" {
			for q := 4; q+8 <= len(body); {
				sid, sn := string(body[q:q+4]), int(binary.LittleEndian.Uint32(body[q+4:]))
				v := body[q+8 : min(q+8+sn, len(body))]
				if sid == "ICMT" {
					t := strings.TrimRight(string(v), "\x00")
					if s, ok := strings.CutPrefix(t, wavTextPrefix); ok {
						return s, true
					}
				}
				q += 8 + sn + sn%2
			}
		}
		p += 8 + n + n%2
	}
	return "", false
}

// transcribe answers POST /audio/transcriptions: the text a zaitest WAV
// carries, else "Transcript of <file name>: <n> bytes of audio." Streamed,
// one transcript.text.delta per word, then transcript.text.done and [DONE].
func (s *Server) transcribe(w http.ResponseWriter, req *Request) {
	f, err := parseForm(req)
	if err != nil {
		writeError(w, 400, "1210", "Incorrect API call parameters: "+err.Error())
		return
	}
	if !needModel(w, f.value("model")) {
		return
	}
	audio, name := f.files["file"].data, f.files["file"].name
	if b64 := f.value("file_base64"); b64 != "" {
		if audio, err = base64.StdEncoding.DecodeString(b64); err != nil {
			writeError(w, 400, "1214", "file_base64 is not valid base64")
			return
		}
		name = "file_base64"
	}
	if len(audio) == 0 {
		writeError(w, 400, "1214", "file cannot be empty")
		return
	}
	text, ok := wavText(audio)
	if !ok {
		text = fmt.Sprintf("Transcript of %s: %d bytes of audio.", name, len(audio))
	}
	id := w.Header().Get("X-Log-Id")
	model := f.value("model")
	if f.value("stream") != "true" || req.forceJSON {
		writeJSON(w, map[string]any{"id": id, "created": Created, "request_id": id, "model": model, "text": text})
		return
	}
	startStream(w)
	ev := func(typ, delta string) map[string]any {
		return map[string]any{"id": id, "created": Created, "model": model, "type": typ, "delta": delta}
	}
	for _, piece := range splitWords(text) {
		writeEvent(w, ev("transcript.text.delta", piece))
	}
	writeEvent(w, ev("transcript.text.done", ""))
	writeEvent(w, "[DONE]")
}

// officialVoices are the glm-tts voices of the recorded voice list.
var officialVoices = []voice{
	{"abcf4765-0d08-5cbd-8bd8-6867f76166cc", "jam1", "OFFICIAL", "2025-09-08 19:40:18"},
	{"cea88155-a841-5d00-a70e-cf08c140939d", "luodo", "OFFICIAL", "2025-09-08 18:32:17"},
	{"0df8fcb4-9c9f-5d93-9d6b-5cf730cd7dd1", "kazi", "OFFICIAL", "2025-09-08 18:31:14"},
	{"063c5163-7624-50f3-85e4-cdde2786ac3c", "douji", "OFFICIAL", "2025-09-08 18:27:14"},
	{"d57d0230-1fdf-534e-8997-6d1424e460ee", "jam", "OFFICIAL", "2025-09-08 18:25:33"},
	{"cd550321-41ae-56fb-935e-1488930a49c7", "tongtong", "OFFICIAL", "2025-09-08 18:23:10"},
	{"23924981-22fd-5e40-b06b-32572e3e884b", "xiaochen", "OFFICIAL", "2025-09-08 18:22:21"},
	{"3a04b6b3-8ace-5c1b-ab21-9e391b4ea0ef", "chuichui", "OFFICIAL", "2025-09-08 18:20:49"},
}

// voice is an entry of the voice list.
type voice struct {
	ID, Name, Type, CreateTime string
}

func (v voice) wire() map[string]any {
	return map[string]any{"voice": v.ID, "voice_name": v.Name, "voice_type": v.Type, "create_time": v.CreateTime}
}

// findVoice finds a voice by id or name.
func (s *Server) findVoice(idOrName string) (voice, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range s.voices {
		if v.ID == idOrName || v.Name == idOrName {
			return v, true
		}
	}
	return voice{}, false
}

// speech answers POST /audio/speech: the Tone of the input as a WAV file
// (response_format "wav", with the text inside) or raw PCM (the default),
// or streamed as base64 (or hex) PCM chunks of 100 ms and [DONE].
func (s *Server) speech(w http.ResponseWriter, req *Request) {
	var p struct {
		Model          string `json:"model"`
		Input          string `json:"input"`
		Voice          string `json:"voice"`
		ResponseFormat string `json:"response_format"`
		EncodeFormat   string `json:"encode_format"`
		Stream         bool   `json:"stream"`
	}
	if !decodeJSON(w, req, &p) || !needModel(w, p.Model) {
		return
	}
	if strings.TrimSpace(p.Input) == "" {
		writeError(w, 400, "1214", "input cannot be empty")
		return
	}
	if _, ok := s.findVoice(p.Voice); !ok {
		writeError(w, 400, "1214", fmt.Sprintf("voice %q does not exist", p.Voice))
		return
	}
	pcm := Tone(p.Input)
	if !p.Stream || req.forceJSON {
		writeSpeech(w, pcm, p.Input, p.ResponseFormat)
		return
	}
	id := w.Header().Get("X-Log-Id")
	startStream(w)
	const piece = SpeechSampleRate / 10 * 2
	for i := 0; i < len(pcm); i += piece {
		c := SpeechAudio(pcm[i:min(i+piece, len(pcm))], p.EncodeFormat).(map[string]any)
		c["request_id"] = id
		writeEvent(w, c)
	}
	writeEvent(w, "[DONE]")
}

// speechCustom answers POST /audio/customization (multipart: model, input,
// voice_text, voice_data): the Tone of input as /audio/speech makes it, a
// WAV with the text inside for response_format "wav", raw PCM otherwise.
// The voice sample must be there, but it does not change the sound.
func (s *Server) speechCustom(w http.ResponseWriter, req *Request) {
	f, err := parseForm(req)
	if err != nil {
		writeError(w, 400, "1210", "Incorrect API call parameters: "+err.Error())
		return
	}
	if !needModel(w, f.value("model")) {
		return
	}
	input := f.value("input")
	switch {
	case strings.TrimSpace(input) == "":
		writeError(w, 400, "1214", "input cannot be empty")
		return
	case strings.TrimSpace(f.value("voice_text")) == "":
		writeError(w, 400, "1214", "voice_text cannot be empty")
		return
	case len(f.files["voice_data"].data) == 0:
		writeError(w, 400, "1214", "voice_data cannot be empty")
		return
	}
	writeSpeech(w, Tone(input), input, f.value("response_format"))
}

// writeSpeech writes synthesised audio whole: a WAV with the text inside for
// format "wav", raw PCM otherwise.
func writeSpeech(w http.ResponseWriter, pcm []byte, text, format string) {
	if format == "wav" {
		w.Header().Set("Content-Type", "audio/wav")
		w.Write(WAV(pcm, text))
		return
	}
	w.Header().Set("Content-Type", "audio/pcm")
	w.Write(pcm)
}

// voiceClone answers POST /voice/clone: the sample (file_id) must be in the
// file store; the new PRIVATE voice joins the list and its preview, the
// Tone of "input" as a WAV, is stored as a file with purpose
// voice-clone-output.
func (s *Server) voiceClone(w http.ResponseWriter, req *Request) {
	var p struct {
		Model     string `json:"model"`
		VoiceName string `json:"voice_name"`
		Input     string `json:"input"`
		FileID    string `json:"file_id"`
		RequestID string `json:"request_id"`
	}
	if !decodeJSON(w, req, &p) || !needModel(w, p.Model) {
		return
	}
	if strings.TrimSpace(p.VoiceName) == "" {
		writeError(w, 400, "1214", "voice_name cannot be empty")
		return
	}
	if _, ok := s.file(p.FileID); !ok {
		writeError(w, 400, "1214", fmt.Sprintf("file_id %q does not exist", p.FileID))
		return
	}
	preview := p.Input
	if preview == "" {
		preview = p.VoiceName
	}
	v := voice{ID: s.seq("voice_clone"), Name: p.VoiceName, Type: "PRIVATE", CreateTime: timeString}
	f := s.storeFile("preview_"+v.ID+".wav", "voice-clone-output", WAV(Tone(preview), preview))
	s.mu.Lock()
	s.voices = append(s.voices, v)
	s.mu.Unlock()
	id := p.RequestID
	if id == "" {
		id = w.Header().Get("X-Log-Id")
	}
	writeJSON(w, map[string]any{"voice": v.ID, "file_id": f.ID, "file_purpose": "voice-clone-output", "request_id": id})
}

// timeString is the fixed time of voice creation and deletion,
// "yyyy-MM-dd HH:mm:ss" as the API writes it (Created in UTC).
const timeString = "2026-01-01 00:00:00"

// voiceList answers GET /voice/list: the official voices then the cloned
// ones, filtered by voiceName and voiceType.
func (s *Server) voiceList(w http.ResponseWriter, req *Request) {
	q, _ := url.ParseQuery(req.Query)
	s.mu.Lock()
	list := []any{}
	for _, v := range s.voices {
		if n := q.Get("voiceName"); n != "" && v.Name != n {
			continue
		}
		if t := q.Get("voiceType"); t != "" && v.Type != t {
			continue
		}
		list = append(list, v.wire())
	}
	s.mu.Unlock()
	writeJSON(w, map[string]any{"voice_list": list})
}

// voiceDelete answers POST /voice/delete for a cloned voice.
func (s *Server) voiceDelete(w http.ResponseWriter, req *Request) {
	var p struct {
		Voice string `json:"voice"`
	}
	if !decodeJSON(w, req, &p) {
		return
	}
	s.mu.Lock()
	found := -1
	for i, v := range s.voices {
		if v.ID == p.Voice && v.Type == "PRIVATE" {
			found = i
		}
	}
	if found >= 0 {
		s.voices = append(s.voices[:found], s.voices[found+1:]...)
	}
	s.mu.Unlock()
	if found < 0 {
		notFound(w, "voice", p.Voice)
		return
	}
	writeJSON(w, map[string]any{"voice": p.Voice, "update_time": timeString})
}

// Stream event builders for ReplyStream, for the streams other than chat.

// TranscriptDelta is a transcription event carrying new text.
func TranscriptDelta(text string) any {
	return map[string]any{"id": "zaitest-stream", "created": Created, "model": "glm-asr-2512", "type": "transcript.text.delta", "delta": text}
}

// TranscriptDone is the event that ends a transcription.
func TranscriptDone() any {
	return map[string]any{"id": "zaitest-stream", "created": Created, "model": "glm-asr-2512", "type": "transcript.text.done", "delta": ""}
}

// SpeechAudio is a speech chunk carrying pcm, encoded as encodeFormat asks
// ("hex", else base64).
func SpeechAudio(pcm []byte, encodeFormat string) any {
	content := base64.StdEncoding.EncodeToString(pcm)
	if encodeFormat == "hex" {
		content = hex.EncodeToString(pcm)
	}
	return map[string]any{"choices": []any{map[string]any{"index": 0,
		"delta": map[string]any{"role": "assistant", "content": content}, "finish_reason": nil}},
		"request_id": "zaitest-stream", "created": Created}
}
