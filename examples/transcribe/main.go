// Command transcribe turns an audio file (wav or mp3, up to 30 s) into text.
// Without a file it first synthesises one with glm-tts and transcribes that.
// With ZAI_API_KEY set it calls the real API; without, the built-in fake
// server.
//
//	go run ./examples/transcribe speech.wav
//	go run ./examples/transcribe -stream speech.wav
//	go run ./examples/transcribe
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

const sample = "Hello! This sentence was synthesised, then transcribed."

func main() {
	stream := flag.Bool("stream", false, "print the transcript as it arrives")
	flag.Parse()
	if flag.NArg() > 1 {
		fmt.Fprintln(os.Stderr, "usage: transcribe [-stream] [audio.wav]")
		os.Exit(2)
	}
	if err := run(context.Background(), flag.Arg(0), *stream); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, path string, stream bool) error {
	client, fake, err := zaitest.RealOrFake() // the real API with ZAI_API_KEY, else a fake server
	if err != nil {
		return err
	}
	defer fake.Close()

	// A Path is opened on each attempt, so a retried upload is sent whole.
	req := zai.TranscriptionRequest{Model: zai.ModelGLMASR, File: zai.FileInput{Path: path}}
	if path == "" {
		wav, err := synthesise(ctx, client)
		if err != nil {
			return err
		}
		fmt.Printf("no file given: transcribing %d bytes of speech saying %q\n", len(wav), sample)
		req = zai.TranscriptionRequest{Model: zai.ModelGLMASR, File: zai.FileInput{Reader: bytes.NewReader(wav), Name: "sample.wav"}}
	}

	if !stream {
		resp, err := client.Audio.Transcriptions.Create(ctx, req)
		if err != nil {
			return err
		}
		fmt.Println(resp.Text)
		return nil
	}
	events, err := client.Audio.Transcriptions.CreateStream(ctx, req)
	if err != nil {
		return err
	}
	for ev, err := range events.All() {
		if err != nil {
			return err
		}
		fmt.Print(ev.Delta)
	}
	fmt.Println()
	return nil
}

// synthesise speaks the sample sentence as a WAV file.
func synthesise(ctx context.Context, client *zai.Client) ([]byte, error) {
	resp, err := client.Audio.Speech.Create(ctx, zai.SpeechRequest{
		Model: zai.ModelGLMTTS, Input: sample, Voice: zai.VoiceTongtong, ResponseFormat: zai.SpeechFormatWAV,
	})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}
