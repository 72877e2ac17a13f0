// Command translate translates text with the general_translation agent.
// With ZAI_API_KEY set it calls the real API; without, the built-in fake
// server (which tags the text with the target language).
//
//	go run ./examples/translate -to fr "Good morning"
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

func main() {
	from := flag.String("from", "auto", "source language code")
	to := flag.String("to", "zh-CN", "target language code")
	flag.Parse()
	text := strings.Join(flag.Args(), " ")
	if text == "" {
		text = "The quick brown fox jumps over the lazy dog."
	}

	if err := run(context.Background(), text, *from, *to); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, text, from, to string) error {
	client, fake, err := zaitest.RealOrFake() // the real API with ZAI_API_KEY, else a fake server
	if err != nil {
		return err
	}
	defer fake.Close()
	req := zai.NewTranslationRequest(text, zai.TranslationVariables{SourceLang: from, TargetLang: to})
	res, err := client.Agents.Invoke(ctx, req)
	if err != nil {
		// A failed agent (for example code 1113, no balance) arrives with
		// HTTP 200 and still comes back as a *zai.APIError.
		return err
	}
	fmt.Println(res.Text())
	return nil
}
