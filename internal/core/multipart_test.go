package core

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

type part struct{ name, file, ctype, body string }

func parseForm(t *testing.T, r *http.Request) []part {
	t.Helper()
	mr, err := r.MultipartReader()
	if err != nil {
		t.Errorf("multipart: %v", err)
		return nil
	}
	var parts []part
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return parts
		}
		if err != nil {
			t.Errorf("next part: %v", err)
			return parts
		}
		b, _ := io.ReadAll(p)
		parts = append(parts, part{p.FormName(), p.FileName(), p.Header.Get("Content-Type"), string(b)})
	}
}

func TestMultipartFieldsAndFile(t *testing.T) {
	var got []part
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = parseForm(t, r)
		io.WriteString(w, "{}")
	}))
	defer srv.Close()
	dir := t.TempDir()
	path := filepath.Join(dir, "a.wav")
	os.WriteFile(path, []byte("RIFFdata"), 0o644)
	m := &Multipart{
		Fields: []FormField{{"model", "glm-asr-2512"}, {"hotwords[]", "zai"}, {"hotwords[]", "glm"}},
		Files:  []FormFile{{Field: "file", Path: path, ContentType: "audio/wav"}, {Field: "extra", FileName: `q"uote.bin`, Reader: strings.NewReader("xyz")}},
	}
	r := &Request{Method: "POST", Path: "/up"}
	if err := m.Apply(r); err != nil {
		t.Fatal(err)
	}
	if !r.Replayable {
		t.Fatal("a path and a strings.Reader can both be re-read: expected replayable")
	}
	var delays []time.Duration
	if _, err := testConfig(srv.URL, &delays).Do(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	want := []part{{"model", "", "", "glm-asr-2512"}, {"hotwords[]", "", "", "zai"}, {"hotwords[]", "", "", "glm"},
		{"file", "a.wav", "audio/wav", "RIFFdata"}, {"extra", `q"uote.bin`, "application/octet-stream", "xyz"}}
	if len(got) != len(want) {
		t.Fatalf("parts %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("part %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestMultipartRetrySendsWholeFileAgain(t *testing.T) {
	payload := bytes.Repeat([]byte("0123456789"), 100_000) // 1 MB
	var bodies [][]byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parts := parseForm(t, r)
		bodies = append(bodies, []byte(parts[0].body))
		if len(bodies) < 3 {
			w.WriteHeader(503)
			return
		}
		io.WriteString(w, "{}")
	}))
	defer srv.Close()
	r := &Request{Method: "POST", Path: "/up"}
	(&Multipart{Files: []FormFile{{Field: "file", FileName: "f", Reader: bytes.NewReader(payload)}}}).Apply(r)
	var delays []time.Duration
	if _, err := testConfig(srv.URL, &delays).Do(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if len(bodies) != 3 {
		t.Fatalf("%d attempts", len(bodies))
	}
	for i, b := range bodies {
		if !bytes.Equal(b, payload) {
			t.Fatalf("attempt %d sent %d bytes, want the whole %d", i, len(b), len(payload))
		}
	}
}

func TestMultipartUnseekableSentOnce(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(503) // reject without reading the body
	}))
	defer srv.Close()
	r := &Request{Method: "POST", Path: "/up"}
	big := io.LimitReader(zeroReader{}, 8<<20)
	(&Multipart{Files: []FormFile{{Field: "file", FileName: "f", Reader: big}}}).Apply(r)
	if r.Replayable {
		t.Fatal("unseekable reader marked replayable")
	}
	var delays []time.Duration
	if _, err := testConfig(srv.URL, &delays).Do(context.Background(), r); err == nil {
		t.Fatal("no error")
	}
	if hits.Load() != 1 {
		t.Fatalf("%d attempts for an unseekable body", hits.Load())
	}
	// goleak (TestMain) checks that the writer goroutine ended.
}

func TestMultipartMissingFile(t *testing.T) {
	// A path is checked by the caller (zai.FileInput), once; Apply only
	// refuses a part with no source.
	r := &Request{}
	if err := (&Multipart{Files: []FormFile{{Field: "file"}}}).Apply(r); err == nil {
		t.Fatal("file without a source accepted")
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestMultipartReplayWaitsForPreviousWriter opens a second body while the
// first is still being written, as happens when the transport closes a
// rejected attempt's body only after RoundTrip returns. The retry must not
// seek the reader while the old writer uses it (run with -race), and must
// send the whole file.
func TestMultipartReplayWaitsForPreviousWriter(t *testing.T) {
	payload := bytes.Repeat([]byte("0123456789"), 200_000)
	r := &Request{}
	if err := (&Multipart{Files: []FormFile{{Field: "file", FileName: "f", Reader: bytes.NewReader(payload)}}}).Apply(r); err != nil {
		t.Fatal(err)
	}
	first, err := r.NewBody()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(first, make([]byte, 1000)); err != nil { // the first writer is now mid-file
		t.Fatal(err)
	}
	second, err := r.NewBody()
	if err != nil {
		t.Fatal(err)
	}
	first.(io.Closer).Close() // the transport gets round to closing it
	body, err := io.ReadAll(second)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(body, payload) {
		t.Fatalf("the replayed body (%d bytes) does not hold the whole file", len(body))
	}
}
