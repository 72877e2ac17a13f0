// Command transcribe turns an audio file (wav or mp3, up to 30 s) into text.
//
//	go run ./examples/transcribe speech.wav
//	go run ./examples/transcribe -stream speech.wav
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/zai-go/zai"
)

func main() {
	stream := flag.Bool("stream", false, "print the transcript as it arrives")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: transcribe [-stream] audio.wav")
		os.Exit(2)
	}
	client, err := zai.NewClient() // reads ZAI_API_KEY
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	// FilePath is opened on each attempt, so a retried upload is sent whole.
	req := zai.TranscriptionRequest{Model: zai.ModelGLMASR, FilePath: flag.Arg(0)}

	if !*stream {
		resp, err := client.Audio.Transcriptions.Create(ctx, req)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(resp.Text)
		return
	}
	events, err := client.Audio.Transcriptions.CreateStream(ctx, req)
	if err != nil {
		log.Fatal(err)
	}
	for ev, err := range events.All() {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Print(ev.Delta)
	}
	fmt.Println()
}
