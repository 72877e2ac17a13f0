package zai

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/zai-go/zai/internal/core"
)

// FileInput is a file sent with a request: set exactly one of Path and
// Reader. The file is streamed, never read into memory whole.
//
// A Path is opened on each attempt, so a retry always resends it. A Reader
// that is also an io.Seeker (an *os.File, a *bytes.Reader, ...) is sought
// back to where it stood and sent again; any other Reader is sent once, and
// a failed attempt is then not retried. Once the call returns, the Reader is
// never read again.
type FileInput struct {
	// Path names a file on disk.
	Path string
	// Reader is the file's content.
	Reader io.Reader
	// Name is the part's file name. It defaults to the base of Path, or of
	// Reader's Name() for an *os.File; some endpoints read the format from
	// its extension ("speech.wav").
	Name string
	// ContentType is the part's content type: by default the endpoint's
	// choice for Name's extension, else application/octet-stream.
	ContentType string
}

// FileFromPath returns the FileInput of a file on disk.
func FileFromPath(path string) FileInput { return FileInput{Path: path} }

// FileFromReader returns the FileInput of a reader sent under name.
func FileFromReader(r io.Reader, name string) FileInput { return FileInput{Reader: r, Name: name} }

// isZero reports whether no file is given.
func (f FileInput) isZero() bool { return f.Path == "" && f.Reader == nil }

// part checks f, once, before any request (both set or neither, a path that
// cannot be opened, a directory) and describes its multipart part. types
// maps lower-case extensions to content types for this endpoint; it may be
// nil.
func (f FileInput) part(field string, types map[string]string) (core.FormFile, error) {
	switch {
	case f.Path != "" && f.Reader != nil:
		return core.FormFile{}, invalidf("%s: set Path or Reader, not both", field)
	case f.isZero():
		return core.FormFile{}, invalidf("%s: no file: set Path or Reader", field)
	case f.Path != "":
		file, err := os.Open(f.Path)
		if err != nil {
			return core.FormFile{}, fmt.Errorf("%w: %s: %w", ErrInvalidRequest, field, err)
		}
		st, err := file.Stat()
		file.Close()
		if err != nil {
			return core.FormFile{}, fmt.Errorf("%w: %s: %w", ErrInvalidRequest, field, err)
		}
		if st.IsDir() {
			return core.FormFile{}, invalidf("%s: %s is a directory", field, f.Path)
		}
	}
	name := f.Name
	if name == "" {
		if f.Path != "" {
			name = filepath.Base(f.Path)
		} else if n, ok := f.Reader.(interface{ Name() string }); ok {
			name = filepath.Base(n.Name())
		}
	}
	ct := f.ContentType
	if ct == "" {
		ct = types[strings.ToLower(filepath.Ext(name))]
	}
	return core.FormFile{Field: field, Path: f.Path, Reader: f.Reader, FileName: name, ContentType: ct}, nil
}

// multipartRequest checks the files and describes a multipart request; its
// failures are bad input, found before any request.
func multipartRequest(method, path string, m *core.Multipart) (*core.Request, error) {
	r := &core.Request{Method: method, Path: path}
	if err := m.Apply(r); err != nil {
		return nil, invalidf("%v", err)
	}
	return r, nil
}
