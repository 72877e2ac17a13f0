package zaitest

import (
	"fmt"
	"io"
	"os"

	"github.com/zai-go/zai"
)

// RealOrFake gives a program (a demo, a tutorial, an example to copy) a
// client that works with or without a key. With ZAI_API_KEY set it returns
// zai.NewClient(opts...), the real API, and a nil *Server. Without, it
// starts a fake Server, says so in one line on stderr, and returns
// srv.Client(opts...) and the server, on which the program may queue
// replies its defaults do not give:
//
//	client, fake, err := zaitest.RealOrFake()
//	if err != nil {
//		return err
//	}
//	defer fake.Close() // nil for the real API; Close does nothing then
//	if fake != nil {
//		fake.ReplyContent(`{"name": "Tomato pasta"}`) // what a real model would say
//	}
//
// Tests should use NewServer instead, which closes the server and checks
// its scripts when the test ends.
func RealOrFake(opts ...zai.Option) (*zai.Client, *Server, error) {
	return realOrFake(os.Getenv(zai.EnvAPIKey) != "", os.Stderr, opts)
}

func realOrFake(useReal bool, note io.Writer, opts []zai.Option) (*zai.Client, *Server, error) {
	if useReal {
		c, err := zai.NewClient(opts...)
		return c, nil, err
	}
	srv := Start()
	c, err := zai.NewClient(append([]zai.Option{zai.WithAPIKey(srv.apiKey), zai.WithBaseURL(srv.URL())}, opts...)...)
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	fmt.Fprintf(note, "%s is not set: using a fake server (zaitest) instead of the real API.\n", zai.EnvAPIKey)
	return c, srv, nil
}
