// Command translate translates text with the general_translation agent.
//
//	ZAI_API_KEY=... go run ./examples/translate -to fr "Good morning"
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/zai-go/zai"
)

func main() {
	from := flag.String("from", "auto", "source language code")
	to := flag.String("to", "zh-CN", "target language code")
	flag.Parse()
	text := strings.Join(flag.Args(), " ")
	if text == "" {
		text = "The quick brown fox jumps over the lazy dog."
	}

	client, err := zai.NewClient() // reads ZAI_API_KEY
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	req := zai.NewTranslationRequest(text, zai.TranslationVariables{SourceLang: *from, TargetLang: *to})
	res, err := client.Agents.Invoke(context.Background(), req)
	if err != nil {
		// A failed agent (for example code 1113, no balance) arrives with
		// HTTP 200 and still comes back as a *zai.APIError.
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(res.Text())
}
