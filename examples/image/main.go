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
	"github.com/zai-go/zai/examples/internal/demo"
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
		demo.Fail(err)
	}
}

func run(ctx context.Context, prompt string) error {
	client, done := demo.Client() // the real API with ZAI_API_KEY, else the fake server
	defer done()

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
