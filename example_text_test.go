package zai_test

import (
	"context"
	"fmt"
	"log"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

func ExampleEmbeddingService_CreateBatched() {
	srv := zaitest.Start()
	defer srv.Close()

	docs := make([]string, 150) // more than the 64 texts one request takes
	for i := range docs {
		docs[i] = fmt.Sprintf("document number %d", i)
	}
	resp, err := srv.Client().Embeddings.CreateBatched(context.Background(), zai.EmbeddingRequest{
		Model: zai.ModelEmbedding3, Input: zai.EmbeddingTexts(docs...)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(resp.Data), resp.Data[149].Index, len(srv.Requests())) // in input order, in 3 requests
	// Output:
	// 150 149 3
}

func ExampleRerankService_Create() {
	srv := zaitest.Start()
	defer srv.Close()

	resp, err := srv.Client().Rerank.Create(context.Background(), zai.RerankRequest{
		Model: zai.ModelRerank,
		Query: "capital of France",
		Documents: []string{
			"Berlin is the capital of Germany.",
			"Paris is the capital of France.",
			"Bananas are yellow.",
		},
		TopN:            zai.Ptr(2),
		ReturnDocuments: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range resp.Results { // best first
		fmt.Printf("%d %.2f %s\n", r.Index, r.RelevanceScore, r.Document)
	}
	// Output:
	// 1 1.00 Paris is the capital of France.
	// 0 0.67 Berlin is the capital of Germany.
}

func ExampleWebSearchService_Search() {
	srv := zaitest.Start()
	defer srv.Close()

	resp, err := srv.Client().WebSearch.Search(context.Background(), zai.WebSearchRequest{
		SearchEngine:        zai.SearchEnginePrime,
		SearchQuery:         "golang generics",
		Count:               zai.Ptr(2),
		SearchRecencyFilter: zai.SearchRecencyOneYear,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range resp.SearchResult {
		fmt.Println(r.Title)
	}
	// Output:
	// Result 1 for golang generics
	// Result 2 for golang generics
}

func ExampleWebSearchService_SearchPro() {
	srv := zaitest.Start()
	defer srv.Close()

	resp, err := srv.Client().WebSearch.SearchPro(context.Background(), zai.WebSearchProRequest{
		Messages: []zai.WebSearchProMessage{{Role: "user", Content: "What is new in Go?"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	// The intent, the pages and the recommended queries come as tool calls.
	for _, call := range resp.Choices[0].Message.ToolCalls {
		fmt.Println(call.Type, len(call.SearchIntent), len(call.SearchResult), len(call.SearchRecommend))
	}
	// Output:
	// search_intent 1 0 0
	// search_result 0 3 0
	// search_recommend 0 0 1
}

func ExampleWebSearchService_SearchProStream() {
	srv := zaitest.Start()
	defer srv.Close()

	stream, err := srv.Client().WebSearch.SearchProStream(context.Background(), zai.WebSearchProRequest{
		Messages: []zai.WebSearchProMessage{{Role: "user", Content: "What is new in Go?"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	for chunk, err := range stream.All() { // closes the stream when the loop ends
		if err != nil {
			log.Fatal(err)
		}
		for _, c := range chunk.Choices {
			for _, call := range c.Delta.ToolCalls {
				for _, q := range call.SearchRecommend {
					fmt.Println(q.Query)
				}
			}
		}
	}
	// Output:
	// More about What is new in Go?
}

func ExampleReaderService_Read() {
	srv := zaitest.Start()
	defer srv.Close()

	resp, err := srv.Client().Reader.Read(context.Background(), zai.ReaderRequest{
		URL:          "https://go.dev/blog",
		Timeout:      zai.Ptr(20), // the server's fetch limit, in seconds
		RetainImages: zai.Ptr(false),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Result.Title)
	// Output:
	// Page at go.dev
}

func ExampleTokenizerService_Count() {
	srv := zaitest.Start()
	defer srv.Close()

	resp, err := srv.Client().Tokenizer.Count(context.Background(), zai.TokenizerRequest{
		Model: zai.ModelGLM4_6V,
		Messages: []zai.Message{zai.UserMessageParts(
			zai.TextPart("How many tokens is this?"),
			zai.ImageURLPart("https://example.com/cat.png"),
		)},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Usage.PromptTokens, resp.Usage.ImageTokens, resp.Usage.TotalTokens)
	// Output:
	// 6 256 262
}

func ExampleModerationService_Create() {
	srv := zaitest.Start()
	defer srv.Close()

	resp, err := srv.Client().Moderations.Create(context.Background(), zai.ModerationRequest{
		Model: zai.ModelModeration,
		Input: zai.ModerationTexts("What a lovely day.", "Please review my essay.", "How to do something unsafe"),
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range resp.ResultList { // PASS, REVIEW or REJECT
		fmt.Println(r.RiskLevel, r.RiskType)
	}
	// Output:
	// PASS []
	// REVIEW [review]
	// REJECT [unsafe]
}
