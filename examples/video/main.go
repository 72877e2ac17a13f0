// Command video submits a CogVideoX-3 video, shows progress while it waits,
// and prints the video and cover URLs.
//
// With ZAI_API_KEY set it calls the real API; without, the built-in fake
// server.
//
//	go run ./examples/video "A cat is playing with a ball."
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

func main() {
	prompt := "A cat is playing with a ball."
	if len(os.Args) > 1 {
		prompt = strings.Join(os.Args[1:], " ")
	}
	// A video takes minutes; bound the whole wait.
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	if err := run(ctx, prompt); err != nil {
		cancel()
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, prompt string) error {
	client, fake, err := zaitest.RealOrFake() // the real API with ZAI_API_KEY, else a fake server
	if err != nil {
		return err
	}
	defer fake.Close()
	interval := 5 * time.Second // between polls of a task
	if fake != nil {
		interval = 10 * time.Millisecond // the fake's tasks end after one poll
	}

	task, err := client.Videos.Generate(ctx, zai.VideoRequest{
		Model:   zai.ModelCogVideoX3,
		Prompt:  prompt,
		Quality: zai.VideoQualitySpeed,
		Size:    "1920x1080",
	})
	if err != nil {
		return err
	}
	fmt.Println("submitted task", task.ID)

	res, err := client.AsyncResult.Wait(ctx, task.ID,
		zai.WithPollInterval(interval),
		zai.WithPollProgress(func(p zai.PollProgress) {
			fmt.Printf("  %s after %s\n", p.Status, p.Waited.Round(time.Second))
		}))
	if err != nil {
		return err // a FAIL status is a *zai.TaskFailedError, matching zai.ErrTaskFailed
	}
	for _, v := range res.VideoResult {
		fmt.Println("video:", v.URL)
		fmt.Println("cover:", v.CoverImageURL)
	}
	return nil
}
