package zaitest_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

func TestSpeechWAVTranscribesBack(t *testing.T) {
	srv := zaitest.NewServer(t)
	client := srv.Client()
	text := "Hello from the fake"
	resp, err := client.Audio.Speech.Create(ctx, zai.SpeechRequest{Model: zai.ModelGLMTTS, Input: text,
		Voice: zai.VoiceTongtong, ResponseFormat: zai.SpeechFormatWAV})
	if err != nil {
		t.Fatal(err)
	}
	wav, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.ContentType != "audio/wav" || string(wav[:4]) != "RIFF" || string(wav[8:12]) != "WAVE" {
		t.Fatalf("%s %q", resp.ContentType, wav[:12])
	}
	if !bytes.Equal(wav, zaitest.WAV(zaitest.Tone(text), text)) {
		t.Fatal("speech is not WAV(Tone(input), input)")
	}
	// 19 characters at 20 ms, 24 kHz, 16 bits: 19*480*2 bytes of samples.
	if len(zaitest.Tone(text)) != 19*480*2 {
		t.Fatalf("tone of %d bytes", len(zaitest.Tone(text)))
	}

	got, err := client.Audio.Transcriptions.Create(ctx, zai.TranscriptionRequest{Model: zai.ModelGLMASR, File: zai.FileInput{Reader: bytes.NewReader(wav), Name: "hello.wav"}})
	if err != nil || got.Text != text || got.Model != zai.ModelGLMASR || got.ID == "" {
		t.Fatalf("%v %+v", err, got)
	}
	other, err := client.Audio.Transcriptions.Create(ctx, zai.TranscriptionRequest{Model: zai.ModelGLMASR, File: zai.FileInput{Reader: strings.NewReader("not audio"), Name: "x.mp3"}})
	if err != nil || other.Text != "Transcript of x.mp3: 9 bytes of audio." {
		t.Fatalf("%v %+v", err, other)
	}

	stream, err := client.Audio.Transcriptions.CreateStream(ctx, zai.TranscriptionRequest{Model: zai.ModelGLMASR, File: zai.FileInput{Reader: bytes.NewReader(wav), Name: "hello.wav"}})
	if err != nil {
		t.Fatal(err)
	}
	var deltas []string
	var last zai.TranscriptionEventType
	for ev, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		deltas, last = append(deltas, ev.Delta), ev.Type
	}
	if strings.Join(deltas, "") != text || len(deltas) != 5 || last != zai.TranscriptionEventTypeTextDone {
		t.Fatalf("%q %s", deltas, last)
	}
}

func TestSpeechPCMAndStream(t *testing.T) {
	srv := zaitest.NewServer(t)
	client := srv.Client()
	resp, err := client.Audio.Speech.Create(ctx, zai.SpeechRequest{Model: zai.ModelGLMTTS, Input: "你好", Voice: "xiaochen"})
	if err != nil {
		t.Fatal(err)
	}
	pcm, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.ContentType != "audio/pcm" || !bytes.Equal(pcm, zaitest.Tone("你好")) || len(pcm) != 2400*2 {
		t.Fatalf("%s: %d bytes", resp.ContentType, len(pcm))
	}
	for _, enc := range []zai.EncodeFormat{"", zai.EncodeFormatHex} {
		stream, err := client.Audio.Speech.CreateStream(ctx, zai.SpeechRequest{Model: zai.ModelGLMTTS,
			Input: strings.Repeat("a", 30), Voice: zai.VoiceJam, EncodeFormat: enc})
		if err != nil {
			t.Fatal(err)
		}
		var got []byte
		chunks := 0
		for c, err := range stream.All() {
			if err != nil {
				t.Fatal(err)
			}
			b, err := c.Audio()
			if err != nil {
				t.Fatal(err)
			}
			got, chunks = append(got, b...), chunks+1
		}
		// 30 characters = 600 ms = 6 chunks of 100 ms.
		if !bytes.Equal(got, zaitest.Tone(strings.Repeat("a", 30))) || chunks != 6 {
			t.Fatalf("encoding %q: %d chunks, %d bytes", enc, chunks, len(got))
		}
	}
	_, err = client.Audio.Speech.Create(ctx, zai.SpeechRequest{Model: zai.ModelGLMTTS, Input: "hi", Voice: "nobody"})
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.Code != "1214" {
		t.Fatalf("unknown voice: %v", err)
	}
}

func TestVoicesCloneListDelete(t *testing.T) {
	srv := zaitest.NewServer(t)
	client := srv.Client()
	all, err := client.Voices.List(ctx, zai.VoiceListRequest{})
	if err != nil || len(all.Voices) != 8 || all.Voices[5].Name != "tongtong" || all.Voices[5].Type != zai.VoiceTypeOfficial {
		t.Fatalf("%v %+v", err, all)
	}
	if _, err := client.Voices.Clone(ctx, zai.VoiceCloneRequest{Model: zai.ModelGLMTTSClone, VoiceName: "me", FileID: "file_404"}); err == nil {
		t.Fatal("clone from a file that is not in the store")
	}
	sample, err := client.Files.Upload(ctx, zai.FileUploadRequest{File: zai.FileInput{Reader: bytes.NewReader(zaitest.WAV(zaitest.Tone("sample"), "")), Name: "sample.wav"}, Purpose: zai.FilePurposeVoiceCloneInput})
	if err != nil {
		t.Fatal(err)
	}
	clone, err := client.Voices.Clone(ctx, zai.VoiceCloneRequest{Model: zai.ModelGLMTTSClone, VoiceName: "me",
		Input: "Preview text", FileID: sample.ID})
	if err != nil || clone.Voice != "voice_clone_001" || clone.FilePurpose != "voice-clone-output" {
		t.Fatalf("%v %+v", err, clone)
	}
	preview, ok := srv.File(clone.FileID)
	if !ok || !bytes.Equal(preview, zaitest.WAV(zaitest.Tone("Preview text"), "Preview text")) {
		t.Fatal("preview is not the WAV of the input")
	}
	mine, _ := client.Voices.List(ctx, zai.VoiceListRequest{VoiceType: zai.VoiceTypePrivate})
	if len(mine.Voices) != 1 || mine.Voices[0].ID != clone.Voice || mine.Voices[0].Name != "me" {
		t.Fatalf("%+v", mine)
	}
	// The cloned voice speaks.
	resp, err := client.Audio.Speech.Create(ctx, zai.SpeechRequest{Model: zai.ModelGLMTTS, Input: "hi", Voice: clone.Voice})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	del, err := client.Voices.Delete(ctx, zai.VoiceDeleteRequest{Voice: clone.Voice})
	if err != nil || del.Voice != clone.Voice || del.UpdateTime == "" {
		t.Fatalf("%v %+v", err, del)
	}
	if _, err := client.Voices.Delete(ctx, zai.VoiceDeleteRequest{Voice: clone.Voice}); !errors.Is(err, zai.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if mine, _ = client.Voices.List(ctx, zai.VoiceListRequest{VoiceType: zai.VoiceTypePrivate}); len(mine.Voices) != 0 {
		t.Fatalf("%+v", mine)
	}
}
