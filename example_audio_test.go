package zai_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"strings"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

func ExampleTranscriptionService_Create() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	// Speech from the fake server, so that there is audio to transcribe.
	speech, err := client.Audio.Speech.Create(ctx, zai.SpeechRequest{
		Model: zai.ModelGLMTTS, Input: "See you at noon.", Voice: zai.VoiceTongtong, ResponseFormat: zai.SpeechFormatWAV})
	if err != nil {
		log.Fatal(err)
	}
	wav, err := io.ReadAll(speech.Body)
	speech.Body.Close()
	if err != nil {
		log.Fatal(err)
	}

	resp, err := client.Audio.Transcriptions.Create(ctx, zai.TranscriptionRequest{
		Model:    zai.ModelGLMASR,
		File:     zai.FileInput{Reader: bytes.NewReader(wav), Name: "note.wav"}, // or {Path: "note.wav"}
		Hotwords: []string{"noon"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Text)
	// Output:
	// See you at noon.
}

func ExampleTranscriptionService_CreateStream() {
	srv := zaitest.Start()
	defer srv.Close()

	stream, err := srv.Client().Audio.Transcriptions.CreateStream(context.Background(), zai.TranscriptionRequest{
		Model: zai.ModelGLMASR,
		File:  zai.FileInput{Reader: strings.NewReader("not really audio"), Name: "call.mp3"},
	})
	if err != nil {
		log.Fatal(err)
	}
	for ev, err := range stream.All() {
		if err != nil {
			log.Fatal(err)
		}
		if ev.Type == zai.TranscriptionEventTypeTextDone {
			fmt.Println()
			break
		}
		fmt.Print(ev.Delta)
	}
	// Output:
	// Transcript of call.mp3: 16 bytes of audio.
}

func ExampleSpeechService_Create() {
	srv := zaitest.Start()
	defer srv.Close()

	resp, err := srv.Client().Audio.Speech.Create(context.Background(), zai.SpeechRequest{
		Model:          zai.ModelGLMTTS,
		Input:          "Hello!",
		Voice:          zai.VoiceTongtong,
		ResponseFormat: zai.SpeechFormatWAV,
		Speed:          zai.Ptr(1.2),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close() // the audio arrives as it is read: copy it to a file or a player
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.ContentType, n > 44)
	// Output:
	// audio/wav true
}

func ExampleSpeechService_CreateStream() {
	srv := zaitest.Start()
	defer srv.Close()

	stream, err := srv.Client().Audio.Speech.CreateStream(context.Background(), zai.SpeechRequest{
		Model: zai.ModelGLMTTS, Input: "A longer sentence, spoken as it is made.", Voice: zai.VoiceTongtong})
	if err != nil {
		log.Fatal(err)
	}
	var pcm []byte
	chunks := 0
	for chunk, err := range stream.All() {
		if err != nil {
			log.Fatal(err)
		}
		audio, err := chunk.Audio() // decoded from base64 (or hex, with EncodeFormat)
		if err != nil {
			log.Fatal(err)
		}
		pcm = append(pcm, audio...)
		chunks++
	}
	fmt.Println(chunks > 1, len(pcm)) // 24 kHz, 16-bit mono PCM
	// Output:
	// true 38400
}

func ExampleSpeechService_CreateCustom() {
	srv := zaitest.Start()
	defer srv.Close()

	resp, err := srv.Client().Audio.Speech.CreateCustom(context.Background(), zai.SpeechCustomizationRequest{
		Model:          "cogtts",
		Input:          "Text to speak in the sampled voice.",
		VoiceText:      "What the sample says.",
		VoiceData:      zai.FileInput{Reader: strings.NewReader("sample audio"), Name: "sample.wav"}, // or {Path: ...}
		ResponseFormat: zai.SpeechFormatWAV,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	fmt.Println(resp.ContentType)
	// Output:
	// audio/wav
}

func ExampleVoiceService_Clone() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	sample, err := client.Files.Upload(ctx, zai.FileUploadRequest{
		Purpose: zai.FilePurposeVoiceCloneInput,
		File:    zai.FileInput{Reader: strings.NewReader("a few seconds of speech"), Name: "sample.wav"},
	})
	if err != nil {
		log.Fatal(err)
	}
	clone, err := client.Voices.Clone(ctx, zai.VoiceCloneRequest{
		Model: zai.ModelGLMTTSClone, VoiceName: "narrator", FileID: sample.ID,
		Input: "A preview sentence in the new voice.",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(clone.Voice, clone.FilePurpose) // the preview is a file to download
	// Output:
	// voice_clone_001 voice-clone-output
}

func ExampleVoiceService_List() {
	srv := zaitest.Start()
	defer srv.Close()

	list, err := srv.Client().Voices.List(context.Background(), zai.VoiceListRequest{VoiceType: zai.VoiceTypeOfficial})
	if err != nil {
		log.Fatal(err)
	}
	for _, v := range list.Voices[:3] {
		fmt.Println(v.ID, v.Name, v.Type)
	}
	// Output:
	// abcf4765-0d08-5cbd-8bd8-6867f76166cc jam1 OFFICIAL
	// cea88155-a841-5d00-a70e-cf08c140939d luodo OFFICIAL
	// 0df8fcb4-9c9f-5d93-9d6b-5cf730cd7dd1 kazi OFFICIAL
}

func ExampleVoiceService_Delete() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	sample, err := client.Files.Upload(ctx, zai.FileUploadRequest{
		Purpose: zai.FilePurposeVoiceCloneInput, File: zai.FileInput{Reader: strings.NewReader("speech"), Name: "sample.wav"}})
	if err != nil {
		log.Fatal(err)
	}
	clone, err := client.Voices.Clone(ctx, zai.VoiceCloneRequest{Model: zai.ModelGLMTTSClone, VoiceName: "temp", FileID: sample.ID, Input: "Hi."})
	if err != nil {
		log.Fatal(err)
	}
	deleted, err := client.Voices.Delete(ctx, zai.VoiceDeleteRequest{Voice: clone.Voice})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(deleted.Voice)
	// Output:
	// voice_clone_001
}
