// Command speak turns text into speech and writes it as a WAV file. With
// ZAI_API_KEY set it calls the real API; without, the built-in fake server
// (which writes a short tone).
//
//	go run ./examples/speak -o hello.wav "你好，今天天气怎么样？"
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

func main() {
	out := flag.String("o", "speech.wav", "output file")
	voice := flag.String("voice", zai.VoiceTongtong, "voice name or cloned voice id")
	flag.Parse()
	text := strings.Join(flag.Args(), " ")
	if text == "" {
		text = "你好，欢迎使用智谱语音合成。"
	}
	if err := run(text, *voice, *out); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(text, voice, out string) error {
	client, fake, err := zaitest.RealOrFake() // the real API with ZAI_API_KEY, else a fake server
	if err != nil {
		return err
	}
	defer fake.Close()
	resp, err := client.Audio.Speech.Create(context.Background(), zai.SpeechRequest{
		Model:          zai.ModelGLMTTS,
		Input:          text,
		Voice:          voice,
		ResponseFormat: zai.SpeechFormatWAV, // a WAV file with its header, ready to play
	})
	if err != nil {
		return err
	}
	defer resp.Body.Close()

	f, err := os.Create(out)
	if err != nil {
		return err
	}
	n, err := io.Copy(f, resp.Body) // streamed to disk, never held whole
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Printf("wrote %s: %d bytes of %s (request %s)\n", out, n, resp.ContentType, resp.RequestID)
	return nil
}
