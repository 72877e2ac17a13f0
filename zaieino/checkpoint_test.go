package zaieino_test

import (
	"bytes"
	"context"
	"encoding/gob"
	"sync"
	"testing"

	"github.com/cloudwego/eino/compose"
	"github.com/cloudwego/eino/schema"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaieino"
	"github.com/zai-go/zai/zaitest"
)

// memStore is an in-memory compose.CheckPointStore.
type memStore struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (s *memStore) Get(_ context.Context, id string) ([]byte, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.m[id]
	return b, ok, nil
}

func (s *memStore) Set(_ context.Context, id string, b []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string][]byte{}
	}
	s.m[id] = b
	return nil
}

// gobSerializer is the serializer eino's adk agents checkpoint with.
type gobSerializer struct{}

func (gobSerializer) Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	err := gob.NewEncoder(&b).Encode(v)
	return b.Bytes(), err
}

func (gobSerializer) Unmarshal(data []byte, v any) error {
	return gob.NewDecoder(bytes.NewReader(data)).Decode(v)
}

// A reply carrying web-search results survives a checkpoint: the graph
// stops after the model, saves its state, and a second run resumes from the
// checkpoint with the results intact. Before the types were registered,
// saving failed with "unknown type: zai.WebSearchResult".
func TestCheckpointWithWebSearchResults(t *testing.T) {
	for name, serializer := range map[string]compose.Serializer{"eino's default serializer": nil, "gob, as adk": gobSerializer{}} {
		t.Run(name, func(t *testing.T) {
			srv := zaitest.NewServer(t)
			srv.Reply(`{"id":"c1","model":"glm-4.7","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Sunny [ref_1]."}}],
				"web_search":[{"title":"Paris weather","content":"Sunny.","link":"https://example.com/p","media":"Example","refer":"ref_1","publish_date":"2026-05-01"}],
				"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}`)
			cm := newModel(t, srv, func(c *zaieino.Config) {
				c.WebSearch = &zai.WebSearch{Enable: zai.Ptr(true), SearchEngine: zai.SearchEngineProJina, SearchResult: true}
			})

			g := compose.NewGraph[[]*schema.Message, []zai.WebSearchResult]()
			if err := g.AddChatModelNode("model", cm); err != nil {
				t.Fatal(err)
			}
			if err := g.AddLambdaNode("read", compose.InvokableLambda(func(_ context.Context, m *schema.Message) ([]zai.WebSearchResult, error) {
				return zaieino.WebSearchResults(m), nil
			})); err != nil {
				t.Fatal(err)
			}
			for _, e := range [][2]string{{compose.START, "model"}, {"model", "read"}, {"read", compose.END}} {
				if err := g.AddEdge(e[0], e[1]); err != nil {
					t.Fatal(err)
				}
			}
			store := &memStore{}
			opts := []compose.GraphCompileOption{compose.WithCheckPointStore(store), compose.WithInterruptAfterNodes([]string{"model"})}
			if serializer != nil {
				opts = append(opts, compose.WithSerializer(serializer))
			}
			run, err := g.Compile(context.Background(), opts...)
			if err != nil {
				t.Fatal(err)
			}

			_, err = run.Invoke(context.Background(), []*schema.Message{schema.UserMessage("Weather in Paris?")}, compose.WithCheckPointID("run-1"))
			if _, interrupted := compose.ExtractInterruptInfo(err); !interrupted {
				t.Fatalf("first run: %v, want the interrupt after the model", err)
			}
			if _, saved, _ := store.Get(context.Background(), "run-1"); !saved {
				t.Fatal("no checkpoint saved")
			}
			results, err := run.Invoke(context.Background(), nil, compose.WithCheckPointID("run-1"))
			if err != nil {
				t.Fatalf("resume: %v", err)
			}
			if len(results) != 1 || results[0].Link != "https://example.com/p" || results[0].PublishDate != "2026-05-01" {
				t.Fatalf("results after the checkpoint: %+v", results)
			}
			if n := len(srv.Requests()); n != 1 {
				t.Fatalf("%d requests: the resume called the model again", n)
			}
		})
	}
}
