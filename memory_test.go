package zai_test

import (
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/zai-go/zai"
)

// chunkSource serves n events cycled from a recording, then [DONE], without
// ever holding the whole stream in memory.
type chunkSource struct {
	events [][]byte
	n, i   int
	buf    []byte
	done   bool
}

func (s *chunkSource) Read(p []byte) (int, error) {
	for len(s.buf) == 0 {
		switch {
		case s.i < s.n:
			s.buf = s.events[s.i%len(s.events)]
			s.i++
		case !s.done:
			s.buf, s.done = []byte("data: [DONE]\n\n"), true
		default:
			return 0, io.EOF
		}
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	return n, nil
}

// liveHeap is the heap in use after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestStreamMemoryFlat streams 200,000 recorded-shape chunks: the live heap
// after the first 20,000 and after all 200,000 must be the same, and the
// peak must stay small, because a stream keeps nothing of the chunks it has
// handed out.
func TestStreamMemoryFlat(t *testing.T) {
	const total, every = 200_000, 20_000
	src := &chunkSource{events: sseEvents(toolStream(t)), n: total}
	stream := zai.NewStream[zai.ChatCompletionChunk](io.NopCloser(src))

	base := liveHeap()
	var live []uint64
	var peak uint64
	var m runtime.MemStats
	n := 0
	for stream.Next() {
		n++
		if n%1000 == 0 {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapAlloc)
		}
		if n%every == 0 {
			live = append(live, liveHeap())
		}
	}
	if err := stream.Err(); err != nil || n != total {
		t.Fatalf("%d chunks, err %v", n, err)
	}
	first, last := live[0], live[len(live)-1]
	t.Logf("live heap: %d KiB before, %d KiB after %d chunks, %d KiB after %d; peak sampled heap %d KiB",
		base>>10, first>>10, every, last>>10, total, peak>>10)
	if last > first+256<<10 {
		t.Fatalf("live heap grew from %d to %d bytes between chunk %d and %d", first, last, every, total)
	}
	if peak > base+16<<20 {
		t.Fatalf("peak heap %d bytes, %d above the start", peak, peak-base)
	}
}

// TestAccumulatorMemoryGrowsWithContent: chunks without content cost the
// accumulator nothing, and chunks with content cost about their content.
func TestAccumulatorMemoryGrowsWithContent(t *testing.T) {
	const chunks = 200_000
	empty := zai.ChatCompletionChunk{ID: "id", Object: "chat.completion.chunk", Model: "glm-4.7-flash",
		Choices: []zai.ChatCompletionChunkChoice{{Delta: zai.ChatCompletionDelta{Role: zai.RoleAssistant}}}}
	text := empty
	text.Choices = []zai.ChatCompletionChunkChoice{{Delta: zai.ChatCompletionDelta{Role: zai.RoleAssistant, Content: "token12 "}}}
	kept := chunks * len(text.Choices[0].Delta.Content)

	var acc zai.ChatCompletionAccumulator
	acc.Add(text) // the first chunk allocates the choice
	base := liveHeap()
	for range chunks {
		acc.Add(empty)
	}
	afterEmpty := liveHeap()
	for range chunks {
		acc.Add(text)
	}
	afterText := liveHeap()
	runtime.KeepAlive(&acc)

	grewEmpty := int64(afterEmpty) - int64(base)
	grewText := int64(afterText) - int64(afterEmpty)
	t.Logf("%d empty chunks: %+d bytes; %d chunks with %d bytes of content: %+d bytes (%.2f per content byte)",
		chunks, grewEmpty, chunks, kept, grewText, float64(grewText)/float64(kept))
	if grewEmpty > 64<<10 {
		t.Fatalf("%d chunks without content grew the heap by %d bytes", chunks, grewEmpty)
	}
	// strings.Builder doubles, so up to 2x the content; never per-chunk
	// overhead, which would be 10x or more.
	if grewText < int64(kept)/2 || grewText > int64(kept)*5/2 {
		t.Fatalf("%d bytes of content grew the heap by %d bytes", kept, grewText)
	}
	if got := acc.Completion().Choices[0].Message.Content; len(got) != kept+len("token12 ") || !strings.HasPrefix(got, "token12 ") {
		t.Fatalf("content of %d bytes", len(got))
	}
}
