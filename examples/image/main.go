// Command image generates an image with glm-image and prints its URL.
//
// With ZAI_API_KEY set it calls the real API; without, the built-in fake
// server.
//
//	go run ./examples/image "A red fox in the snow"
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
	prompt := "A cute little kitten sitting on a sunny windowsill"
	if len(os.Args) > 1 {
		prompt = strings.Join(os.Args[1:], " ")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
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

	resp, err := client.Images.Generate(ctx, zai.ImageRequest{
		Model:  zai.ModelGLMImage,
		Prompt: prompt,
		Size:   "1280x1280",
	})
	if err != nil {
		return err
	}
	for _, img := range resp.Data {
		fmt.Println(img.URL) // the link expires after 30 days
	}
	return nil
}
