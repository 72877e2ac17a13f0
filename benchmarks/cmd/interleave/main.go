// Command interleave measures zai-go and its peers in interleaved rounds
// and prints markdown tables of medians and ratios (the README's table):
//
//	cd benchmarks && go run ./cmd/interleave -rounds 7
//	go run ./cmd/interleave -rounds 15 -only recorded # one stream scenario
//	GOEXPERIMENT=jsonv2 go run ./cmd/interleave   # adds encoding/json/v2
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"time"

	"github.com/zai-go/zai/benchmarks"
)

func main() {
	rounds := flag.Int("rounds", 7, "interleaved rounds")
	d := flag.Duration("d", 200*time.Millisecond, "time per contender per round")
	only := flag.String("only", "", "run only the stream scenario of this name")
	flag.Parse()
	f, err := benchmarks.NewFixture()
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	if err := benchmarks.Report(context.Background(), f, os.Stdout, *rounds, *d, *only); err != nil {
		log.Fatal(err)
	}
}
