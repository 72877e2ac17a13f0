package zai_test

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"

	"github.com/zai-go/zai"
)

// recordedStream repeats the events of the recorded tool-call stream
// (reasoning deltas, a content delta, a tool call, usage) to n chunks, ending
// with the recording's final chunk and [DONE].
func recordedStream(b testing.TB, n int) ([]byte, int) {
	raw := readFile(b, "testdata/recorded/chat_tool_streaming.sse")
	var events [][]byte
	for _, ev := range bytes.Split(raw, []byte("\n\n")) {
		if bytes.HasPrefix(ev, []byte("data: {")) {
			events = append(events, ev)
		}
	}
	last := events[len(events)-1]
	body := events[:len(events)-1]
	var out bytes.Buffer
	count := 0
	for count < n-1 {
		for _, ev := range body {
			if count == n-1 {
				break
			}
			out.Write(ev)
			out.WriteString("\n\n")
			count++
		}
	}
	out.Write(last)
	out.WriteString("\n\ndata: [DONE]\n\n")
	return out.Bytes(), count + 1
}

// BenchmarkStreamRecorded decodes a 1,000-chunk recorded-shape stream into
// typed chunks.
func BenchmarkStreamRecorded(b *testing.B) {
	data, n := recordedStream(b, 1000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		s := zai.NewStream[zai.ChatCompletionChunk](io.NopCloser(bytes.NewReader(data)))
		got := 0
		for s.Next() {
			got++
		}
		if s.Err() != nil || got != n {
			b.Fatalf("%d chunks, %v", got, s.Err())
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/chunk")
}

// BenchmarkStreamFloor is what encoding/json does with the same bytes: split
// by hand and json.Unmarshal'ed into the same type. Stream beats it because
// it decodes chat chunks without encoding/json (chunkdecode.go).
func BenchmarkStreamFloor(b *testing.B) {
	data, n := recordedStream(b, 1000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		got := 0
		for _, ev := range bytes.Split(data, []byte("\n\n")) {
			payload, ok := bytes.CutPrefix(ev, []byte("data: "))
			if !ok || bytes.Equal(payload, []byte("[DONE]")) {
				continue
			}
			var c zai.ChatCompletionChunk
			if err := json.Unmarshal(payload, &c); err != nil {
				b.Fatal(err)
			}
			got++
		}
		if got != n {
			b.Fatal(got)
		}
	}
}

// BenchmarkAccumulator merges the recorded stream's chunks.
func BenchmarkAccumulator(b *testing.B) {
	data, _ := recordedStream(b, 1000)
	var chunks []zai.ChatCompletionChunk
	s := zai.NewStream[zai.ChatCompletionChunk](io.NopCloser(bytes.NewReader(data)))
	for s.Next() {
		chunks = append(chunks, s.Current())
	}
	b.ReportAllocs()
	for b.Loop() {
		var acc zai.ChatCompletionAccumulator
		for _, c := range chunks {
			acc.Add(c)
		}
		_ = acc.Completion()
	}
}
