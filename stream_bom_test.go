package zai_test

import (
	"context"
	"net/http"
	"testing"
)

// A proxy that re-encodes a stream may put a UTF-8 byte order mark in front
// of it. The event-stream rules ignore one leading BOM; the first event must
// not be lost with it.
func TestStreamLeadingBOMKeepsFirstEvent(t *testing.T) {
	recorded := readFile(t, "testdata/recorded/glm45_simple_streaming.sse")
	want := recordedEventsOf(t, "glm45_simple_streaming.sse")
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Write([]byte("\xef\xbb\xbf"))
		w.(http.Flusher).Flush() // the BOM in a packet of its own
		w.Write(recorded)
	})
	stream, err := env.client.Chat.Completions.CreateStream(context.Background(), hiReq)
	if err != nil {
		t.Fatal(err)
	}
	got, err := readAll(stream)
	if err != nil {
		t.Fatal(err)
	}
	sameChunks(t, got, want)
}
