package zai_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

func ExampleAgentService_Invoke() {
	srv := zaitest.Start()
	defer srv.Close()

	res, err := srv.Client().Agents.Invoke(context.Background(), zai.NewTranslationRequest("Good morning",
		zai.TranslationVariables{SourceLang: "auto", TargetLang: "fr"}))
	if err != nil {
		log.Fatal(err) // a failed agent arrives with HTTP 200 and still comes back as an *zai.APIError
	}
	fmt.Println(res.Status, res.Text())
	// Output:
	// success Bonjour
}

func ExampleAgentService_InvokeStream() {
	srv := zaitest.Start()
	defer srv.Close()

	// The slides agent streams its phases: thinking, tool, answer.
	stream, err := srv.Client().Agents.InvokeStream(context.Background(), zai.NewSlidesRequest("Three slides about Go", ""))
	if err != nil {
		log.Fatal(err)
	}
	phases := map[string]bool{}
	for chunk, err := range stream.All() {
		if err != nil {
			log.Fatal(err)
		}
		for _, c := range chunk.Choices {
			for _, m := range c.Messages {
				if m.Phase != "" && !phases[m.Phase] {
					phases[m.Phase] = true
					fmt.Println(m.Phase)
				}
			}
		}
	}
	// Output:
	// thinking
	// tool
	// answer
}

func ExampleAgentService_Wait() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	// An asynchronous agent answers with an AsyncID; Wait polls it.
	task, err := client.Agents.Invoke(ctx, zai.NewVideoEffectsRequest("bodyshake", "Dance!", "https://example.com/me.png"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(task.Status)
	video, err := client.Agents.Wait(ctx, zai.AgentAsyncResultRequest{AgentID: task.AgentID, AsyncID: task.AsyncID},
		zai.WithPollInterval(10*time.Millisecond))
	if err != nil {
		log.Fatal(err) // a failed task matches zai.ErrTaskFailed
	}
	fmt.Println(video.Status, len(video.VideoURLs()))
	// Output:
	// pending
	// success 1
}

func ExampleAgentService_GetAsyncResult() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	task, err := client.Agents.Invoke(ctx, zai.NewVideoEffectsRequest("bodyshake", "Dance!", "https://example.com/me.png"))
	if err != nil {
		log.Fatal(err)
	}
	for range 2 { // once per call; Wait polls
		res, err := client.Agents.GetAsyncResult(ctx, zai.AgentAsyncResultRequest{AgentID: task.AgentID, AsyncID: task.AsyncID})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(res.Status)
	}
	// Output:
	// pending
	// success
}

func ExampleAgentService_GetConversation() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	slides, err := client.Agents.Invoke(ctx, zai.NewSlidesRequest("Three slides about Go", ""))
	if err != nil {
		log.Fatal(err)
	}
	export, err := client.Agents.GetConversation(ctx, zai.AgentConversationRequest{
		AgentID:         zai.AgentSlides,
		ConversationID:  slides.ConversationID,
		CustomVariables: zai.SlidesExportVariables{IncludePDF: true},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, u := range export.FileURLs() {
		fmt.Println(u[strings.LastIndex(u, "."):])
	}
	// Output:
	// .pptx
	// .pdf
}
