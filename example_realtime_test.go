package zai_test

import (
	"context"
	"fmt"
	"io"
	"log"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

// A spoken conversation with server VAD and a function call: the
// microphone streams, the server hears where each turn ends, the model
// calls the tool and speaks. zaitest.Speech stands in for the microphone
// and the fake server for the API; with a real key, use zai.NewClient.
func ExampleRealtimeService_Connect() {
	srv := zaitest.Start()
	defer srv.Close()
	client, ctx := srv.Client(), context.Background()

	weather := zai.NewTool("get_weather", "The weather in a city",
		func(ctx context.Context, in struct{ City string }) (string, error) { return "sunny in " + in.City, nil })
	tools := zai.NewRealtimeToolRunner(weather)
	sess, err := client.Realtime.Connect(ctx, zai.RealtimeSessionConfig{
		Model: zai.ModelGLMRealtimeFlash, Tools: tools.Tools(), InputAudioFormat: zai.RealtimeAudioFormatPCM24,
		TurnDetection: &zai.RealtimeTurnDetection{Type: zai.TurnDetectionServerVAD},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer sess.Close()

	go func() { // the microphone: a question, then silence
		sess.AppendAudio(ctx, zaitest.Speech("What is the weather like in Paris?"))
		sess.AppendAudio(ctx, make([]byte, 4800))
	}()
	speaker := io.Discard // plays 24 kHz 16-bit mono PCM
	for ev, err := range sess.Events() {
		if err != nil {
			log.Fatal(err) // the session ended: closed, dropped or silent
		}
		answered, err := tools.Handle(ctx, sess, ev) // runs the calls of a finished response
		if err != nil {
			log.Fatal(err)
		}
		switch e := ev.(type) {
		case *zai.RealtimeInputTranscriptionCompleted:
			fmt.Println("user: ", e.Transcript)
		case *zai.RealtimeFunctionCallArgumentsDone:
			fmt.Println("tool: ", e.Name, e.Arguments)
		case *zai.RealtimeAudioDelta:
			speaker.Write(e.PCM())
		case *zai.RealtimeTranscriptDone:
			fmt.Println("model:", e.Transcript)
		case *zai.RealtimeResponseDone:
			if !answered { // the model has spoken: a real program goes on listening
				return
			}
		}
	}
	// Output:
	// user:  What is the weather like in Paris?
	// tool:  get_weather {"City":"Paris"}
	// model: The tool returned: "sunny in Paris"
}

// A turn with client VAD (the API's default): append the turn's audio,
// commit it and ask for the answer; CancelResponse interrupts one.
func ExampleRealtimeSession_Commit() {
	srv := zaitest.Start()
	defer srv.Close()
	client, ctx := srv.Client(), context.Background()

	sess, err := client.Realtime.Connect(ctx, zai.RealtimeSessionConfig{InputAudioFormat: zai.RealtimeAudioFormatPCM24})
	if err != nil {
		log.Fatal(err)
	}
	defer sess.Close()
	sess.AppendAudio(ctx, zaitest.Speech("Tell me a joke"))
	sess.Commit(ctx)
	sess.CreateResponse(ctx)
	for ev, err := range sess.Events() {
		if err != nil {
			log.Fatal(err)
		}
		switch e := ev.(type) {
		case *zai.RealtimeTranscriptDelta:
			fmt.Print(e.Delta)
		case *zai.RealtimeResponseDone:
			fmt.Printf("\n%s, %d tokens\n", e.Response.Status, e.Response.Usage.TotalTokens)
			return
		}
	}
	// Output:
	// Echo: Tell me a joke
	// completed, 26 tokens
}
