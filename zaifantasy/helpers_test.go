package zaifantasy_test

import (
	"context"
	"encoding/json"
	"testing"

	"charm.land/fantasy"
	"go.uber.org/goleak"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaifantasy"
	"github.com/zai-go/zai/zaitest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// newModel is a model on the fake server, with zai-go's own retries as a
// user gets them unless opts say otherwise.
func newModel(t *testing.T, srv *zaitest.Server, opts ...zai.Option) fantasy.LanguageModel {
	t.Helper()
	p, err := zaifantasy.New(zaifantasy.WithClient(srv.Client(opts...)))
	if err != nil {
		t.Fatal(err)
	}
	m, err := p.LanguageModel(context.Background(), zai.ModelGLM4_7)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sent is the JSON body of the i-th request the server received.
func sent(t *testing.T, srv *zaitest.Server, i int) map[string]any {
	t.Helper()
	reqs := srv.Requests()
	if len(reqs) <= i {
		t.Fatalf("%d requests, want request %d", len(reqs), i)
	}
	return reqs[i].JSON()
}

// messages is the "messages" of a sent body, each as JSON text.
func messages(t *testing.T, body map[string]any) []string {
	t.Helper()
	raw, _ := body["messages"].([]any)
	out := make([]string, len(raw))
	for i, m := range raw {
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = string(b)
	}
	return out
}

// collect ranges over a stream and returns its parts.
func collect(t *testing.T, s fantasy.StreamResponse) []fantasy.StreamPart {
	t.Helper()
	var parts []fantasy.StreamPart
	for p := range s {
		parts = append(parts, p)
	}
	return parts
}

func userPrompt(text string) fantasy.Prompt {
	return fantasy.Prompt{fantasy.NewUserMessage(text)}
}
