package sse

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func decodeAll(t testing.TB, r io.Reader, max int) ([]Event, error) {
	t.Helper()
	d := NewDecoder(r, max)
	var evs []Event
	for {
		ev, err := d.Next()
		if err != nil {
			if err == io.EOF {
				return evs, nil
			}
			return evs, err
		}
		evs = append(evs, ev)
	}
}

func TestDecoder(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Event
	}{
		{"single data", "data: {\"a\":1}\n\n", []Event{{Data: []byte(`{"a":1}`)}}},
		{"no space after colon", "data:{\"a\":1}\n\n", []Event{{Data: []byte(`{"a":1}`)}}},
		{"only first space stripped", "data:  x\n\n", []Event{{Data: []byte(` x`)}}},
		{"multi-line data", "data: a\ndata: b\ndata:\n\n", []Event{{Data: []byte("a\nb\n")}}},
		{"event and id", "event: error\nid: 7\ndata: x\n\n", []Event{{Type: "error", ID: "7", Data: []byte("x")}}},
		{"id persists", "id: 1\ndata: a\n\ndata: b\n\n", []Event{{ID: "1", Data: []byte("a")}, {ID: "1", Data: []byte("b")}}},
		{"retry", "retry: 1500\ndata: a\n\n", []Event{{Data: []byte("a"), Retry: 1500 * time.Millisecond}}},
		{"bad retry ignored", "retry: soon\ndata: a\n\n", []Event{{Data: []byte("a")}}},
		{"comments skipped", ": keep-alive\n\n: ping\ndata: a\n\n", []Event{{Data: []byte("a")}}},
		{"CRLF", "data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n", []Event{{Data: []byte("a\nb")}, {Data: []byte("c")}}},
		{"CR only", "data: a\rdata: b\r\rdata: c\r\r", []Event{{Data: []byte("a\nb")}, {Data: []byte("c")}}},
		{"mixed endings", "data: a\r\n\ndata: b\r\r\n", []Event{{Data: []byte("a")}, {Data: []byte("b")}}},
		{"field without colon", "data\n\n", []Event{{Data: []byte("")}}},
		{"unknown field ignored", "foo: bar\ndata: a\n\n", []Event{{Data: []byte("a")}}},
		{"event without data not dispatched", "event: ping\n\ndata: a\n\n", []Event{{Data: []byte("a")}}},
		{"empty input", "", nil},
		{"blank lines only", "\n\n\r\n", nil},
		{"done", "data: x\n\ndata: [DONE]\n\n", []Event{{Data: []byte("x")}, {Data: []byte("[DONE]")}}},
		{"utf8 and colon in value", "data: {\"t\":\"a:b 你好\"}\n\n", []Event{{Data: []byte(`{"t":"a:b 你好"}`)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, mode := range []string{"whole", "one byte"} {
				var r io.Reader = strings.NewReader(tt.in)
				if mode == "one byte" {
					r = iotest.OneByteReader(r)
				}
				got, err := decodeAll(t, r, 0)
				if err != nil {
					t.Fatalf("%s: %v", mode, err)
				}
				if !eventsEqual(got, tt.want) {
					t.Fatalf("%s: got %+v, want %+v", mode, got, tt.want)
				}
			}
		})
	}
}

func eventsEqual(a, b []Event) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Type != b[i].Type || a[i].ID != b[i].ID || a[i].Retry != b[i].Retry || !bytes.Equal(a[i].Data, b[i].Data) {
			return false
		}
	}
	return true
}

func TestDecoderTruncation(t *testing.T) {
	for _, in := range []string{
		"data: {\"a\":1}",       // no line end at all
		"data: {\"a\":1}\n",     // line ended, event not
		"data: a\n\ndata: b\n",  // second event cut
		"event: x\ndata: abc\n", // cut after fields
	} {
		_, err := decodeAll(t, strings.NewReader(in), 0)
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%q: err = %v, want io.ErrUnexpectedEOF", in, err)
		}
	}
}

func TestDecoderReadErrorPassesThrough(t *testing.T) {
	boom := errors.New("connection reset")
	r := io.MultiReader(strings.NewReader("data: a\n\n"), iotest.ErrReader(boom))
	evs, err := decodeAll(t, r, 0)
	if len(evs) != 1 || !errors.Is(err, boom) {
		t.Fatalf("events %d, err %v; want 1 event then %v", len(evs), err, boom)
	}
}

func TestDecoderLargeEvents(t *testing.T) {
	big := func(n int) string { return strings.Repeat("x", n) }
	t.Run("1 MiB event, default cap", func(t *testing.T) {
		payload := big(1 << 20)
		evs, err := decodeAll(t, strings.NewReader("data: "+payload+"\n\ndata: next\n\n"), 0)
		if err != nil || len(evs) != 2 || string(evs[0].Data) != payload || string(evs[1].Data) != "next" {
			t.Fatalf("err %v, %d events", err, len(evs))
		}
	})
	t.Run("40 MiB event over the default cap", func(t *testing.T) {
		_, err := decodeAll(t, strings.NewReader("data: "+big(40<<20)+"\n\n"), 0)
		if !errors.Is(err, ErrEventTooLarge) {
			t.Fatalf("err = %v, want ErrEventTooLarge", err)
		}
	})
	t.Run("40 MiB event with a 64 MiB cap", func(t *testing.T) {
		payload := big(40 << 20)
		evs, err := decodeAll(t, strings.NewReader("data: "+payload+"\n\n"), 64<<20)
		if err != nil || len(evs) != 1 || len(evs[0].Data) != len(payload) {
			t.Fatalf("err %v, %d events", err, len(evs))
		}
	})
	t.Run("many data lines add up past the cap", func(t *testing.T) {
		line := "data: " + big(600) + "\n"
		_, err := decodeAll(t, strings.NewReader(strings.Repeat(line, 10)+"\n"), 4096)
		if !errors.Is(err, ErrEventTooLarge) {
			t.Fatalf("err = %v, want ErrEventTooLarge", err)
		}
	})
	t.Run("error is sticky", func(t *testing.T) {
		d := NewDecoder(strings.NewReader("data: "+big(5000)+"\n\ndata: ok\n\n"), 1024)
		if _, err := d.Next(); !errors.Is(err, ErrEventTooLarge) {
			t.Fatalf("first: %v", err)
		}
		if _, err := d.Next(); !errors.Is(err, ErrEventTooLarge) {
			t.Fatalf("second: %v", err)
		}
	})
}

func TestDecoderDataIsOwned(t *testing.T) {
	d := NewDecoder(strings.NewReader("data: first\n\ndata: second\n\n"), 0)
	a, _ := d.Next()
	b, _ := d.Next()
	if string(a.Data) != "first" || string(b.Data) != "second" {
		t.Fatalf("event data was overwritten: %q %q", a.Data, b.Data)
	}
}

// TestDecoderArenaDataIsOwned: data handed out from the arena is never
// written again, by the decoder or by a caller appending to an earlier
// event's data, across arena blocks and next to large events.
func TestDecoderArenaDataIsOwned(t *testing.T) {
	var in strings.Builder
	var want []string
	for i := range 3000 {
		data := fmt.Sprintf("event %d %s", i, strings.Repeat("x", i%300))
		if i%500 == 0 {
			data += strings.Repeat("y", 2*arenaMax) // handed over, not copied
		}
		want = append(want, data)
		fmt.Fprintf(&in, "data: %s\n\n", data)
	}
	d := NewDecoder(strings.NewReader(in.String()), 0)
	var got [][]byte
	for {
		ev, err := d.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(got) > 0 {
			prev := got[len(got)-1]
			_ = append(prev, "clobber"...) // must copy: capacity is cut
		}
		got = append(got, ev.Data)
	}
	if len(got) != len(want) {
		t.Fatalf("%d events, want %d", len(got), len(want))
	}
	for i := range want {
		if string(got[i]) != want[i] {
			t.Fatalf("event %d was overwritten: %.40q", i, got[i])
		}
	}
}

// countingReader counts Read calls.
type countingReader struct {
	r     io.Reader
	reads int
}

func (c *countingReader) Read(p []byte) (int, error) {
	c.reads++
	return c.r.Read(p)
}

// TestDecoderReadBufferGrows: a body that arrives faster than it is read
// (every read fills the buffer) is read with a buffer that grows to
// maxReadBuf, in far fewer calls than with the initial 4 KiB.
func TestDecoderReadBufferGrows(t *testing.T) {
	body := strings.Repeat("data: {\"choices\":[{\"delta\":{\"content\":\"token\"}}]}\n\n", 20000) // ~1 MiB
	cr := &countingReader{r: strings.NewReader(body)}
	d := NewDecoder(cr, 0)
	for {
		if _, err := d.Next(); err != nil {
			break
		}
	}
	if limit := len(body)/maxReadBuf + 10; cr.reads > limit {
		t.Fatalf("%d reads for %d bytes, want at most %d", cr.reads, len(body), limit)
	}
	// A slow body (one event per read) keeps the initial buffer.
	slow := NewDecoder(iotest.OneByteReader(strings.NewReader(body[:4000])), 0)
	for {
		if _, err := slow.Next(); err != nil {
			break
		}
	}
	if len(slow.buf) != initialBufSize {
		t.Fatalf("buffer grew to %d for a slow body", len(slow.buf))
	}
}

// FuzzDecoder checks that the decoder never panics, never returns more data
// than it was given, and yields the same events whether the input arrives
// at once or one byte at a time.
func FuzzDecoder(f *testing.F) {
	for _, s := range []string{
		"data: {\"a\":1}\n\n",
		"data: a\r\ndata: b\r\n\r\n",
		"data: a\rdata: b\r\r",
		"event: error\nid: 1\nretry: 10\ndata: x\n\n",
		": comment\n\ndata: [DONE]\n\n",
		"data: a\r",
		"data:\n\ndata",
		"\r\n\r\r\n\n",
		"\xef\xbb\xbfdata: a\n\n",
		"\xef\xbb\xbf\xef\xbb\xbfdata: a\n\ndata: b\n\n",
		"\xef\xbb",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		whole, errWhole := decodeAll(t, bytes.NewReader(in), 256)
		split, errSplit := decodeAll(t, iotest.OneByteReader(bytes.NewReader(in)), 256)
		if !eventsEqual(whole, split) {
			t.Fatalf("whole %+v != one-byte %+v", whole, split)
		}
		if (errWhole == nil) != (errSplit == nil) {
			t.Fatalf("errors differ: %v vs %v", errWhole, errSplit)
		}
		total := 0
		for _, ev := range whole {
			total += len(ev.Data)
			if len(ev.Data) > 256 {
				t.Fatalf("event of %d bytes passed a 256-byte cap", len(ev.Data))
			}
		}
		if total > len(in) {
			t.Fatalf("decoded %d data bytes from %d input bytes", total, len(in))
		}
	})
}

func BenchmarkDecoder(b *testing.B) {
	ev := "data: {\"id\":\"20260313050307df155ecf3e9f4961\",\"created\":1773349387,\"object\":\"chat.completion.chunk\",\"model\":\"glm-4.7-flash\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"I\"}}]}\n\n"
	in := []byte(strings.Repeat(ev, 1000))
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		d := NewDecoder(bytes.NewReader(in), 0)
		for {
			if _, err := d.Next(); err != nil {
				break
			}
		}
	}
}
