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

func ExampleImageService_GenerateAsync() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	task, err := client.Images.GenerateAsync(ctx, zai.ImageRequest{Model: zai.ModelGLMImage, Prompt: "A lighthouse at dawn"})
	if err != nil {
		log.Fatal(err)
	}
	res, err := client.AsyncResult.Wait(ctx, task.ID, zai.WithPollInterval(10*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.TaskStatus, strings.HasPrefix(res.ImageResult[0].URL, "https://"))
	// Output:
	// SUCCESS true
}

func ExampleVideoService_Generate() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	// A video is a task: submit it, then wait for it (or GenerateAndWait).
	task, err := client.Videos.Generate(ctx, zai.VideoRequest{
		Model:    zai.ModelCogVideoX3,
		Prompt:   "A cat is playing with a ball.",
		ImageURL: zai.VideoImageURL{"https://example.com/first.png", "https://example.com/last.png"},
		Quality:  zai.VideoQualitySpeed,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(task.TaskStatus)
	res, err := client.AsyncResult.Wait(ctx, task.ID, zai.WithPollInterval(10*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.TaskStatus, strings.HasSuffix(res.VideoResult[0].URL, ".mp4"), strings.HasSuffix(res.VideoResult[0].CoverImageURL, ".jpg"))
	// Output:
	// PROCESSING
	// SUCCESS true true
}

func ExampleAsyncResultService_Get() {
	srv := zaitest.Start()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	task, err := client.Videos.Generate(ctx, zai.VideoRequest{Model: zai.ModelCogVideoX3, Prompt: "Waves"})
	if err != nil {
		log.Fatal(err)
	}
	// Get looks once; Wait polls until the task ends.
	for range 2 {
		res, err := client.AsyncResult.Get(ctx, task.ID)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(res.TaskStatus)
	}
	// Output:
	// PROCESSING
	// SUCCESS
}
