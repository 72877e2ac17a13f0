// Command models lists the models the API serves to your key, newest
// first. With ZAI_API_KEY set it asks the real API; without, the built-in
// fake server.
//
//	go run ./examples/models
package main

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"slices"
	"time"

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

	list, err := client.Models.List(ctx)
	if err != nil {
		return err
	}
	models := slices.Clone(list.Data)
	slices.SortStableFunc(models, func(a, b zai.Model) int { return cmp.Compare(b.Created, a.Created) })
	for _, m := range models {
		released := time.Unix(m.Created, 0).UTC().Format("2006-01-02")
		fmt.Printf("%-16s released %s, owned by %s\n", m.ID, released, m.OwnedBy)
	}
	fmt.Println(len(models), "models")
	return nil
}
