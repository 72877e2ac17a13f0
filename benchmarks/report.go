package benchmarks

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"time"
)

// Report runs every scenario in interleaved rounds and writes markdown
// tables of medians and paired ratios to w. A ratio "vs X" is the median
// over rounds of (this contender / X) in the same round, so a neighbour that
// slows a round slows both sides of each ratio alike. If only is set, just
// the part of that name runs: a stream scenario's name, "create",
// "history", "ttfb" or "conns".
func Report(ctx context.Context, f *Fixture, w io.Writer, rounds int, d time.Duration, only string) error {
	fmt.Fprintf(w, "%s %s/%s, %d CPUs, %d interleaved rounds of %s per contender; medians, paired ratios\n\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), rounds, d)

	header := false
	for _, s := range f.Streams {
		if only != "" && s.Name != only {
			continue
		}
		if !header {
			fmt.Fprintln(w, "| stream | contender | ns/chunk | allocs/chunk | vs plain go-json | go-openai / this |")
			fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|")
			header = true
		}
		cs := f.StreamContenders(s)
		rs, err := Interleave(ctx, cs, rounds, d)
		CloseAll(cs)
		if err != nil {
			return err
		}
		n := float64(s.Want.Chunks)
		gj, goo := find(rs, "plain go-json"), find(rs, "go-openai")
		for _, r := range rs {
			ns, allocs := med(r)
			fmt.Fprintf(w, "| %s | %s | %.0f | %.2f | %.2fx | %.2fx |\n", s.Name, r.Name, ns/n, allocs/n, PairedRatio(r, gj), PairedRatio(goo, r))
		}
	}
	want := func(part string) bool { return only == "" || only == part }

	if want("create") {
		if err := reportCreate(ctx, f, w, rounds, d); err != nil {
			return err
		}
	}
	if want("history") {
		if err := reportHistory(ctx, f, w, rounds, d); err != nil {
			return err
		}
	}
	if want("ttfb") {
		if err := reportTTFB(ctx, f, w, rounds, d); err != nil {
			return err
		}
	}
	if want("conns") {
		return reportConns(ctx, f, w)
	}
	return nil
}

func med(r Result) (ns, allocs float64) {
	return r.Median(func(s Sample) float64 { return s.NsPerOp }), r.Median(func(s Sample) float64 { return s.AllocsPerOp })
}

func find(rs []Result, name string) Result {
	for _, r := range rs {
		if r.Name == name {
			return r
		}
	}
	return Result{}
}

func reportCreate(ctx context.Context, f *Fixture, w io.Writer, rounds int, d time.Duration) error {
	fmt.Fprintln(w, "\n| create | contender | µs/op | allocs/op | vs plain encoding/json |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|")
	for _, name := range []string{"small", "large"} {
		cs := f.CreateContenders(name)
		rs, err := Interleave(ctx, cs, rounds, d)
		CloseAll(cs)
		if err != nil {
			return err
		}
		ref := find(rs, "plain encoding/json")
		for _, r := range rs {
			ns, allocs := med(r)
			fmt.Fprintf(w, "| %s | %s | %.1f | %.0f | %.2fx |\n", name, r.Name, ns/1e3, allocs, PairedRatio(r, ref))
		}
	}

	return nil
}

func reportHistory(ctx context.Context, f *Fixture, w io.Writer, rounds int, d time.Duration) error {
	cs := f.EncodeContenders()
	rs, err := Interleave(ctx, cs, rounds, d)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\n| request with a %d-message history | µs/op | allocs/op | vs plain encoding/json | vs zai |\n", len(f.History))
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|")
	ref, z := find(rs, "plain encoding/json"), find(rs, "zai")
	for _, r := range rs {
		ns, allocs := med(r)
		fmt.Fprintf(w, "| %s | %.0f | %.0f | %.2fx | %.2fx |\n", r.Name, ns/1e3, allocs, PairedRatio(r, ref), PairedRatio(r, z))
	}

	return nil
}

func reportTTFB(ctx context.Context, f *Fixture, w io.Writer, rounds int, d time.Duration) error {
	cs := f.TTFBContenders()
	rs, err := Interleave(ctx, cs, rounds, d)
	CloseAll(cs)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\n| time to first chunk | µs | vs raw net/http |")
	fmt.Fprintln(w, "|---|---:|---:|")
	raw := find(rs, "raw net/http")
	for _, r := range rs {
		ns, _ := med(r)
		fmt.Fprintf(w, "| %s | %.1f | %.2fx |\n", r.Name, ns/1e3, PairedRatio(r, raw))
	}

	return nil
}

func reportConns(ctx context.Context, f *Fixture, w io.Writer) error {
	fmt.Fprintln(w, "\n| TCP connections for 50 sequential streams, flush per event | connections |")
	fmt.Fprintln(w, "|---|---:|")
	cs := f.StreamContenders(f.Streams[1]) // recorded-flush
	for _, c := range cs {
		n, err := f.ConnsPer(ctx, 50, c.Op)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "| %s | %d |\n", c.Name, n)
	}
	CloseAll(cs)
	return nil
}

// PairedRatio returns the median over rounds of a's time over b's in the
// same round.
func PairedRatio(a, b Result) float64 {
	var r Result
	for i := range min(len(a.Samples), len(b.Samples)) {
		r.Samples = append(r.Samples, Sample{NsPerOp: a.Samples[i].NsPerOp / b.Samples[i].NsPerOp})
	}
	return r.Median(func(s Sample) float64 { return s.NsPerOp })
}
