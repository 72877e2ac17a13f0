package benchmarks

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"time"
)

// Report runs every scenario in interleaved rounds and writes markdown
// tables of medians and ratios to w.
func Report(ctx context.Context, f *Fixture, w io.Writer, rounds int, d time.Duration) error {
	fmt.Fprintf(w, "%s %s/%s, %d CPUs, %d interleaved rounds of %s per contender; medians\n\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), rounds, d)
	med := func(r Result) (ns, allocs float64) {
		return r.Median(func(s Sample) float64 { return s.NsPerOp }), r.Median(func(s Sample) float64 { return s.AllocsPerOp })
	}
	find := func(rs []Result, name string) Result {
		for _, r := range rs {
			if r.Name == name {
				return r
			}
		}
		return Result{}
	}

	fmt.Fprintln(w, "| stream | contender | ns/chunk | allocs/chunk | vs plain go-json | go-openai / this |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|")
	for _, s := range f.Streams {
		cs := f.StreamContenders(s)
		rs, err := Interleave(ctx, cs, rounds, d)
		CloseAll(cs)
		if err != nil {
			return err
		}
		n := float64(s.Want.Chunks)
		gj, _ := med(find(rs, "plain go-json"))
		goo, _ := med(find(rs, "go-openai"))
		for _, r := range rs {
			ns, allocs := med(r)
			fmt.Fprintf(w, "| %s | %s | %.0f | %.2f | %.2fx | %.2fx |\n", s.Name, r.Name, ns/n, allocs/n, ns/gj, goo/ns)
		}
	}

	fmt.Fprintln(w, "\n| create | contender | µs/op | allocs/op | vs plain encoding/json |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|")
	for _, name := range []string{"small", "large"} {
		cs := f.CreateContenders(name)
		rs, err := Interleave(ctx, cs, rounds, d)
		CloseAll(cs)
		if err != nil {
			return err
		}
		ref, _ := med(find(rs, "plain encoding/json"))
		for _, r := range rs {
			ns, allocs := med(r)
			fmt.Fprintf(w, "| %s | %s | %.1f | %.0f | %.2fx |\n", name, r.Name, ns/1e3, allocs, ns/ref)
		}
	}

	cs := f.EncodeContenders()
	rs, err := Interleave(ctx, cs, rounds, d)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\n| request with a %d-message history | µs/op | allocs/op | vs plain encoding/json | vs zai |\n", len(f.History))
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|")
	ref, _ := med(find(rs, "plain encoding/json"))
	z, _ := med(find(rs, "zai"))
	for _, r := range rs {
		ns, allocs := med(r)
		fmt.Fprintf(w, "| %s | %.0f | %.0f | %.2fx | %.2fx |\n", r.Name, ns/1e3, allocs, ns/ref, ns/z)
	}

	cs = f.TTFBContenders()
	rs, err = Interleave(ctx, cs, rounds, d)
	CloseAll(cs)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\n| time to first chunk | µs | vs raw net/http |")
	fmt.Fprintln(w, "|---|---:|---:|")
	raw, _ := med(find(rs, "raw net/http"))
	for _, r := range rs {
		ns, _ := med(r)
		fmt.Fprintf(w, "| %s | %.1f | %.2fx |\n", r.Name, ns/1e3, ns/raw)
	}

	fmt.Fprintln(w, "\n| TCP connections for 50 sequential streams | connections |")
	fmt.Fprintln(w, "|---|---:|")
	cs = f.StreamContenders(f.Streams[0])
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
