package main

import (
	"context"
	"strings"
	"testing"

	"github.com/zai-go/zai/zaitest"
)

func TestRun(t *testing.T) {
	srv := zaitest.NewServer(t)
	var out strings.Builder
	if err := run(context.Background(), &out, srv.Client()); err != nil {
		t.Fatal(err)
	}
	want := "tool get_weather(\"Paris\")\nanswer: The tool returned: 22 C, clear sky in Paris\n"
	if out.String() != want {
		t.Fatalf("output %q, want %q", out.String(), want)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
}
