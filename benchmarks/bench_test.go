package benchmarks

import (
	"context"
	"flag"
	"testing"
	"time"
)

// Go benchmarks over the same contenders as cmd/interleave, for profiles:
//
//	go test -run '^$' -bench 'Stream/recorded/zai' -cpuprofile cpu.out
//
// For ratios use cmd/interleave, which interleaves the contenders.

func fixture(tb testing.TB) *Fixture {
	f, err := NewFixture()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(f.Close)
	return f
}

func bench(b *testing.B, cs []Contender, perOp float64, unit string) {
	ctx := context.Background()
	for _, c := range cs {
		b.Run(c.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := c.Op(ctx); err != nil {
					b.Fatal(err)
				}
			}
			if perOp > 0 {
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/perOp, "ns/"+unit)
			}
		})
		c.Close()
	}
}

func BenchmarkStream(b *testing.B) {
	f := fixture(b)
	for _, s := range f.Streams {
		b.Run(s.Name, func(b *testing.B) { bench(b, f.StreamContenders(s), float64(s.Want.Chunks), "chunk") })
	}
}

func BenchmarkCreate(b *testing.B) {
	f := fixture(b)
	for _, name := range []string{"small", "large"} {
		b.Run(name, func(b *testing.B) { bench(b, f.CreateContenders(name), 0, "") })
	}
}

func BenchmarkEncodeHistory(b *testing.B) { bench(b, fixture(b).EncodeContenders(), 0, "") }

func BenchmarkTimeToFirstChunk(b *testing.B) { bench(b, fixture(b).TTFBContenders(), 0, "") }

// TestContendersAgree runs every contender of every scenario once: each
// checks what it decoded against the recording, so a contender that
// decodes less (or a broken fixture) fails here, in CI, without timing
// anything.
func TestContendersAgree(t *testing.T) {
	f := fixture(t)
	ctx := context.Background()
	var all [][]Contender
	for _, s := range f.Streams {
		all = append(all, f.StreamContenders(s))
	}
	all = append(all, f.CreateContenders("small"), f.CreateContenders("large"), f.EncodeContenders(), f.TTFBContenders())
	for _, cs := range all {
		for _, c := range cs {
			if err := c.Op(ctx); err != nil {
				t.Errorf("%s: %v", c.Name, err)
			}
		}
		CloseAll(cs)
	}
}

// TestStreamsReuseConnections counts the TCP connections of 50 sequential
// streams. The plain contender reads each body to its end and must ride on
// one keep-alive connection (else the counter is broken); the others are
// logged, and Report prints them: zai's Stream closes the body at [DONE]
// without reading the chunked terminator, so net/http often drops the
// connection instead of reusing it.
func TestStreamsReuseConnections(t *testing.T) {
	f := fixture(t)
	cs := f.StreamContenders(f.Streams[0])
	defer CloseAll(cs)
	for _, c := range cs {
		n, err := f.ConnsPer(context.Background(), 50, c.Op)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d connections for 50 streams", c.Name, n)
		if c.Name == "plain encoding/json" && n != 1 {
			t.Errorf("%s: %d connections for 50 streams, want 1", c.Name, n)
		}
	}
}

var rounds = flag.Int("rounds", 0, "TestInterleave: rounds to run and print (0 skips it)")

// TestInterleave prints the cmd/interleave table:
// go test -run Interleave -rounds 5 -v.
func TestInterleave(t *testing.T) {
	if *rounds == 0 {
		t.Skip("set -rounds")
	}
	f := fixture(t)
	if err := Report(context.Background(), f, testWriter{t}, *rounds, 200*time.Millisecond, ""); err != nil {
		t.Fatal(err)
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }
