// Command embeddings embeds three sentences and prints how similar each pair
// is (cosine similarity).
//
// With ZAI_API_KEY set it calls the real API; without, the built-in fake
// server.
//
//	go run ./examples/embeddings
package main

import (
	"context"
	"fmt"
	"math"
	"os"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	client, fake, err := zaitest.RealOrFake() // the real API with ZAI_API_KEY, else a fake server
	if err != nil {
		return err
	}
	defer fake.Close()
	sentences := []string{
		"The cat sat on the mat.",
		"A kitten was resting on the rug.",
		"Interest rates rose by a quarter point.",
	}
	resp, err := client.Embeddings.CreateBatched(ctx, zai.EmbeddingRequest{
		Model:      zai.ModelEmbedding3,
		Input:      zai.EmbeddingTexts(sentences...),
		Dimensions: zai.Ptr(512),
	})
	if err != nil {
		return err
	}
	for i := range sentences {
		for j := i + 1; j < len(sentences); j++ {
			fmt.Printf("%.3f  %q ~ %q\n", cosine(resp.Data[i].Embedding, resp.Data[j].Embedding), sentences[i], sentences[j])
		}
	}
	fmt.Println("tokens:", resp.Usage.TotalTokens)
	return nil
}

func cosine(a, b []float64) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += a[i] * b[i]
		na += a[i] * a[i]
		nb += b[i] * b[i]
	}
	return dot / (math.Sqrt(na) * math.Sqrt(nb))
}
