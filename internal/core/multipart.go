package core

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// FormField is a plain multipart field. A field may repeat (hotwords[]).
type FormField struct {
	Name, Value string
}

// FormFile is a file part. Exactly one of Reader or Path is set; a Path
// has been checked by the caller.
type FormFile struct {
	Field       string // form field name, usually "file"
	FileName    string // sent as the part's filename; defaults to the base of Path
	ContentType string // defaults to application/octet-stream
	Reader      io.Reader
	Path        string
}

// Multipart describes a multipart/form-data body that is streamed, never
// buffered whole.
type Multipart struct {
	Fields []FormField
	Files  []FormFile
}

// Apply sets r's body to the streamed form. The body can be replayed for a
// retry when every file comes from a path or an io.Seeker; otherwise the
// request is sent once.
func (m *Multipart) Apply(r *Request) error {
	replayable := true
	starts := make([]int64, len(m.Files))
	for i, f := range m.Files {
		switch {
		case f.Path != "":
			// The caller checked the path once (zai.FileInput); it is opened
			// again on each attempt.
		case f.Reader != nil:
			if s, ok := f.Reader.(io.Seeker); ok {
				pos, err := s.Seek(0, io.SeekCurrent)
				if err != nil {
					replayable = false
				}
				starts[i] = pos
			} else {
				replayable = false
			}
		default:
			return errors.New("a multipart file needs a Reader or a Path")
		}
	}
	boundary := multipart.NewWriter(io.Discard).Boundary()
	var (
		mu       sync.Mutex
		attempts int
		prev     *io.PipeReader
		prevDone chan struct{}
	)
	// stop ends the last attempt's writer and waits for it, so that no
	// goroutine reads the caller's files once the call has returned.
	stop := func() {
		if prev != nil {
			prev.CloseWithError(errBodyReplaced)
			<-prevDone
			prev = nil
		}
	}
	r.Cleanup = func() {
		mu.Lock()
		defer mu.Unlock()
		stop()
	}
	r.ContentType = "multipart/form-data; boundary=" + boundary
	r.Replayable = replayable
	r.NewBody = func() (io.Reader, error) {
		mu.Lock()
		defer mu.Unlock()
		attempts++
		if attempts > 1 && !replayable {
			return nil, errors.New("multipart body cannot be replayed")
		}
		// The transport may close an attempt's body after RoundTrip
		// returns (a server that answers before reading the upload), so
		// the last writer can still be reading the files. Stop it and wait
		// before seeking them back.
		stop()
		for i, f := range m.Files {
			if s, ok := f.Reader.(io.Seeker); ok && f.Path == "" && attempts > 1 {
				if _, err := s.Seek(starts[i], io.SeekStart); err != nil {
					return nil, err
				}
			}
		}
		pr, pw := io.Pipe()
		done := make(chan struct{})
		go func() {
			defer close(done)
			pw.CloseWithError(m.write(pw, boundary))
		}()
		prev, prevDone = pr, done
		return pr, nil
	}
	return nil
}

// write streams the form into w. It stops with the pipe's error when the
// transport closes the reading side early.
func (m *Multipart) write(w io.Writer, boundary string) error {
	mw := multipart.NewWriter(w)
	if err := mw.SetBoundary(boundary); err != nil {
		return err
	}
	for _, f := range m.Fields {
		if err := mw.WriteField(f.Name, f.Value); err != nil {
			return err
		}
	}
	for _, f := range m.Files {
		if err := writeFile(mw, f); err != nil {
			return err
		}
	}
	return mw.Close()
}

func writeFile(mw *multipart.Writer, f FormFile) error {
	src := f.Reader
	name := f.FileName
	if f.Path != "" {
		file, err := os.Open(f.Path)
		if err != nil {
			return err
		}
		defer file.Close()
		src = file
		if name == "" {
			name = filepath.Base(f.Path)
		}
	}
	if name == "" {
		name = "file"
	}
	ct := f.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, escapeQuotes(f.Field), escapeQuotes(name)))
	h.Set("Content-Type", ct)
	part, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	_, err = io.Copy(part, sourceReader{src})
	return err
}

// sourceReader marks the errors of the caller's reader, which no retry can
// fix, apart from the pipe errors of the transport side.
type sourceReader struct{ r io.Reader }

func (s sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		err = &BodySourceError{Err: err}
	}
	return n, err
}

var errBodyReplaced = errors.New("multipart body replaced by a retry")

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"")

func escapeQuotes(s string) string { return quoteEscaper.Replace(s) }
