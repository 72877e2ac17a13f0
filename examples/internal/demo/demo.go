// Package demo gives the examples a client: the real API when ZAI_API_KEY is
// set, otherwise the built-in fake server, so every example runs anywhere.
package demo

import (
	"fmt"
	"log"
	"os"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

// Client returns a client and a function to call when done.
func Client() (*zai.Client, func()) {
	if os.Getenv(zai.EnvAPIKey) != "" {
		c, err := zai.NewClient()
		if err != nil {
			log.Fatal(err)
		}
		return c, func() {}
	}
	srv := zaitest.Start()
	fmt.Fprintln(os.Stderr, "ZAI_API_KEY is not set: using the built-in fake server (zaitest).")
	return srv.Client(), srv.Close
}
