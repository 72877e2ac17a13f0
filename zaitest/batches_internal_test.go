package zaitest

import (
	"os"
	"strings"
	"testing"
)

// Files kept on disk go with the server.
func TestCloseRemovesFilesOnDisk(t *testing.T) {
	s := Start()
	f := s.newFileWriter()
	if _, err := f.Write([]byte(strings.Repeat("x", spillSize+1))); err != nil {
		t.Fatal(err)
	}
	sf, err := f.file("big.txt", "agent")
	if err != nil || sf.path == "" {
		t.Fatalf("%v %+v", err, sf)
	}
	dir := s.dir
	if _, err := os.Stat(sf.path); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("%s after Close: %v", dir, err)
	}
}
