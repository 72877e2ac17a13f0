package demo

import (
	"fmt"
	"os"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

// ScriptedClient is Client for examples whose replies the fake server's
// defaults do not give (JSON that matches a schema, a chain of tool calls):
// when it falls back to the fake server, script queues those replies first.
// With ZAI_API_KEY set, script is not called and the real API answers.
func ScriptedClient(script func(*zaitest.Server)) (*zai.Client, func()) {
	if os.Getenv(zai.EnvAPIKey) != "" {
		return Client()
	}
	srv := zaitest.Start()
	script(srv)
	fmt.Fprintln(os.Stderr, "ZAI_API_KEY is not set: using the built-in fake server (zaitest) with scripted replies.")
	return srv.Client(), srv.Close
}
