package zai_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/zai-go/zai"
)

// TestStreamIdleTimeoutIgnoresSlowConsumer: the idle timeout measures the
// server's silence while the SDK waits for it, never the caller's time. A
// consumer that spends two idle timeouts on each chunk must get every
// chunk of a stream the server sent in full, whether the server sent it
// in one burst (larger than any read buffer) or paced well within the
// timeout.
func TestStreamIdleTimeoutIgnoresSlowConsumer(t *testing.T) {
	// Generous against a loaded machine: the server never pauses more than
	// a fifteenth of the timeout, the consumer always twice the timeout.
	const idle = 150 * time.Millisecond
	data := toolStream(t)[:4]
	// Each chunk padded with a large comment, so that the burst does not fit
	// the decoder's buffer and later chunks need fresh reads.
	pad := append(append([]byte(": "), bytes.Repeat([]byte("x"), 256<<10)...), '\n')
	servers := map[string]func(w http.ResponseWriter){
		"burst": func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/event-stream")
			for _, ev := range sseEvents(data) {
				w.Write(pad)
				w.Write(ev)
			}
			w.Write(doneEvent)
		},
		"paced": func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/event-stream")
			for _, ev := range sseEvents(data) {
				w.Write(ev)
				w.(http.Flusher).Flush()
				time.Sleep(idle / 15)
			}
			w.Write(doneEvent)
		},
	}
	for name, serve := range servers {
		t.Run(name, func(t *testing.T) {
			env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) { serve(w) })
			stream, err := env.client.Chat.Completions.CreateStream(context.Background(), hiReq, zai.WithStreamIdleTimeout(idle))
			if err != nil {
				t.Fatal(err)
			}
			var got [][]byte
			for c, err := range stream.All() {
				if err != nil {
					t.Fatalf("after %d chunks: %v", len(got), err)
				}
				got = append(got, c.RawJSON())
				time.Sleep(2 * idle) // the caller is busy with the chunk
			}
			sameChunks(t, got, data)
		})
	}
}

// TestStreamIdleTimeoutStillCatchesAStall: a server that sends a few
// chunks and then goes silent still ends the stream with ErrTimeout, also
// when the consumer is slow, and the chunks sent before arrive.
func TestStreamIdleTimeoutStillCatchesAStall(t *testing.T) {
	const idle = 50 * time.Millisecond
	data := toolStream(t)[:3]
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeEvents(w, sseEvents(data))
		<-r.Context().Done()
	})
	for _, pause := range []time.Duration{0, 2 * idle} {
		stream, err := env.client.Chat.Completions.CreateStream(context.Background(), hiReq, zai.WithStreamIdleTimeout(idle))
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		var got [][]byte
		for c, err := range stream.All() {
			if err != nil {
				if !errors.Is(err, zai.ErrTimeout) {
					t.Fatalf("pause %v: err %v, want ErrTimeout", pause, err)
				}
				break
			}
			got = append(got, c.RawJSON())
			time.Sleep(pause)
		}
		sameChunks(t, got, data)
		if stream.Err() == nil {
			t.Fatalf("pause %v: a stalled stream ended without an error", pause)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("pause %v: the stall was noticed after %v", pause, d)
		}
	}
}
