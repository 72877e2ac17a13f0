// Command websearch searches the web and prints the results.
//
// With ZAI_API_KEY set it calls the real API; without, the built-in fake
// server.
//
//	go run ./examples/websearch "golang generics"
//
// On BigModel (ZAI_BASE_URL=https://open.bigmodel.cn/api/paas/v4) set
// SearchEngine to zai.SearchEngineStd or another BigModel engine.
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
	query := "What is new in Go?"
	if len(os.Args) > 1 {
		query = strings.Join(os.Args[1:], " ")
	}
	if err := run(context.Background(), query); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, query string) error {
	client, fake, err := zaitest.RealOrFake() // the real API with ZAI_API_KEY, else a fake server
	if err != nil {
		return err
	}
	defer fake.Close()
	resp, err := client.WebSearch.Search(ctx, zai.WebSearchRequest{
		SearchEngine:        zai.SearchEnginePrime,
		SearchQuery:         query,
		Count:               zai.Ptr(5),
		SearchRecencyFilter: zai.SearchRecencyOneYear,
	})
	if err != nil {
		return err
	}
	for i, r := range resp.SearchResult {
		fmt.Printf("%d. %s (%s, %s)\n   %s\n", i+1, r.Title, r.Media, r.PublishDate, r.Link)
	}
	return nil
}
