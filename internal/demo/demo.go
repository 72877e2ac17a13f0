// Package demo gives the examples a client: the real API when ZAI_API_KEY is
// set, otherwise the built-in fake server (zaitest), so every example runs
// anywhere, without a key and without a network.
package demo

import (
	"fmt"
	"os"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

// fake is set when Client chose the fake server.
var fake bool

// Client returns a client and a function to call when done.
func Client() (*zai.Client, func()) {
	if os.Getenv(zai.EnvAPIKey) != "" {
		c, err := zai.NewClient()
		if err != nil {
			Fail(err)
		}
		return c, func() {}
	}
	fake = true
	srv := zaitest.Start()
	fmt.Fprintln(os.Stderr, "ZAI_API_KEY is not set: using the built-in fake server (zaitest).")
	return srv.Client(), srv.Close
}

// Fake reports whether Client returned a client of the fake server.
func Fake() bool { return fake }

// PollInterval returns d for the real API and a few milliseconds for the
// fake server, whose tasks finish after one poll.
func PollInterval(d time.Duration) time.Duration {
	if fake {
		return 10 * time.Millisecond
	}
	return d
}

// Fail prints err to stderr and exits with status 1.
func Fail(err error) {
	fmt.Fprintln(os.Stderr, "error:", err)
	os.Exit(1)
}
