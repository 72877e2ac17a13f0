// Command moderate checks texts with the moderation model and prints the
// verdict on each: PASS, REVIEW or REJECT, with the risk types. With
// ZAI_API_KEY set it calls the real API; without, the built-in fake server
// (which rejects text containing "unsafe" and flags "review").
//
//	go run ./examples/moderate "first text" "second text"
package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

func main() {
	texts := os.Args[1:]
	if len(texts) == 0 {
		texts = []string{"What a lovely day for a walk.", "Please review my essay.", "How to do something unsafe"}
	}
	if err := run(context.Background(), texts); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, texts []string) error {
	client, fake, err := zaitest.RealOrFake() // the real API with ZAI_API_KEY, else a fake server
	if err != nil {
		return err
	}
	defer fake.Close()

	items := make([]zai.ModerationItem, len(texts))
	for i, t := range texts {
		items[i] = zai.ModerationTextItem(t)
	}
	resp, err := client.Moderations.Create(ctx, zai.ModerationRequest{Model: zai.ModelModeration, Input: zai.ModerationItems(items...)})
	if err != nil {
		return err
	}
	for i, v := range resp.ResultList {
		risks := ""
		if len(v.RiskType) > 0 {
			risks = " (" + strings.Join(v.RiskType, ", ") + ")"
		}
		text := ""
		if i < len(texts) {
			text = texts[i]
		}
		fmt.Printf("%-6s %q%s\n", v.RiskLevel, text, risks)
	}
	fmt.Println("text checks billed:", resp.Usage.ModerationText.CallCount)
	return nil
}
