package zai

import (
	"io"
	"os"

	"github.com/zai-go/zai/internal/core"
)

// formFile checks a file given by path or reader and describes its part.
func formFile(field, path string, r io.Reader, name, contentType string) (core.FormFile, error) {
	switch {
	case path != "" && r != nil:
		return core.FormFile{}, invalidf("set a file path or a reader, not both")
	case path == "" && r == nil:
		return core.FormFile{}, invalidf("no file: set a path or a reader")
	case path != "":
		f, err := os.Open(path)
		if err != nil {
			return core.FormFile{}, invalidf("file: %v", err)
		}
		st, err := f.Stat()
		f.Close()
		if err != nil {
			return core.FormFile{}, invalidf("file: %v", err)
		}
		if st.IsDir() {
			return core.FormFile{}, invalidf("file %s is a directory", path)
		}
	}
	return core.FormFile{Field: field, Path: path, Reader: r, FileName: name, ContentType: contentType}, nil
}

// applyMultipart sets r's body to the form; its failures are bad input.
func applyMultipart(m *core.Multipart, r *core.Request) error {
	if err := m.Apply(r); err != nil {
		return invalidf("%v", err)
	}
	return nil
}
