// Command realtime holds one voice turn with GLM-Realtime: it asks a spoken
// question (synthesised with glm-tts, or a WAV file given as an argument),
// prints what the model heard and what it answers, and writes the spoken
// answer to a WAV file. With ZAI_API_KEY set it calls the real API (set
// ZAI_BASE_URL=https://open.bigmodel.cn/api/paas/v4 too: GLM-Realtime is
// documented on BigModel); without, the built-in fake server.
//
//	go run ./examples/realtime
//	go run ./examples/realtime -o answer.wav question.wav
package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

const question = "你好，请用一句话介绍一下你自己。"

func main() {
	out := flag.String("o", "reply.wav", "where to write the spoken answer")
	flag.Parse()
	if flag.NArg() > 1 {
		fmt.Fprintln(os.Stderr, "usage: realtime [-o reply.wav] [question.wav]")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, flag.Arg(0), *out); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, path, out string) error {
	client, fake, err := zaitest.RealOrFake() // the real API with ZAI_API_KEY, else a fake server
	if err != nil {
		return err
	}
	defer fake.Close()

	wav, err := input(ctx, client, path)
	if err != nil {
		return err
	}
	sess, err := client.Realtime.Connect(ctx, zai.RealtimeSessionConfig{
		Model:            zai.ModelGLMRealtimeFlash,
		Voice:            zai.RealtimeVoiceTongtong,
		InputAudioFormat: zai.RealtimeAudioFormatWAV, // whole WAV files
		TurnDetection:    &zai.RealtimeTurnDetection{Type: zai.TurnDetectionClientVAD},
		BetaFields:       &zai.RealtimeBetaFields{ChatMode: zai.RealtimeChatModeAudio, TTSSource: zai.RealtimeTTSSourceE2E},
	})
	if err != nil {
		return err
	}
	defer sess.Close()
	// The session ends with ctx too, however it is blocked.
	stop := context.AfterFunc(ctx, func() { sess.Close() })
	defer stop()

	// Client VAD: the turn's audio, then commit it and ask for the answer.
	if err := sess.AppendAudio(ctx, wav); err != nil {
		return err
	}
	if err := sess.Commit(ctx); err != nil {
		return err
	}
	if err := sess.CreateResponse(ctx); err != nil {
		return err
	}

	var pcm []byte
	for ev, err := range sess.Events() {
		if err != nil {
			return err
		}
		switch e := ev.(type) {
		case *zai.RealtimeInputTranscriptionCompleted:
			fmt.Println("heard:", e.Transcript)
		case *zai.RealtimeTranscriptDelta:
			fmt.Print(e.Delta) // the answer's words as it speaks them
		case *zai.RealtimeAudioDelta:
			pcm = append(pcm, e.PCM()...)
		case *zai.RealtimeError:
			fmt.Fprintln(os.Stderr, "error event:", e)
		case *zai.RealtimeResponseDone:
			fmt.Println()
			if u := e.Response.Usage; u != nil {
				fmt.Printf("tokens: %d in, %d out\n", u.InputTokens, u.OutputTokens)
			}
			if err := os.WriteFile(out, wavFile(pcm, 24000), 0o644); err != nil {
				return err
			}
			fmt.Printf("wrote %s: %.1f s of speech\n", out, float64(len(pcm))/48000)
			return nil
		}
	}
	return nil
}

// input reads the question's WAV file, or has glm-tts speak it.
func input(ctx context.Context, client *zai.Client, path string) ([]byte, error) {
	if path != "" {
		return os.ReadFile(path)
	}
	fmt.Println("asking:", question)
	resp, err := client.Audio.Speech.Create(ctx, zai.SpeechRequest{
		Model: zai.ModelGLMTTS, Input: question, Voice: zai.VoiceTongtong, ResponseFormat: zai.SpeechFormatWAV,
	})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// wavFile wraps 16-bit mono PCM in a WAV header.
func wavFile(pcm []byte, rate int) []byte {
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	le(uint32(36 + len(pcm)))
	b.WriteString("WAVEfmt ")
	le(uint32(16))
	le(uint16(1)) // PCM
	le(uint16(1)) // mono
	le(uint32(rate))
	le(uint32(rate * 2))
	le(uint16(2))
	le(uint16(16))
	b.WriteString("data")
	le(uint32(len(pcm)))
	b.Write(pcm)
	return b.Bytes()
}
