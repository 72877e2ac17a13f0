package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestGeneratedUpToDate regenerates the decoder in memory and compares it
// with the committed file: a field added to a type reachable from
// ChatCompletionChunk without `go generate ./...` fails here.
func TestGeneratedUpToDate(t *testing.T) {
	dir := filepath.Join("..", "..", "..")
	want, err := Generate(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, OutputFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is stale: run go generate ./... in the module root", OutputFile)
	}
}

// TestGenerateRejectsMissingInternedField: renaming an interned field is an
// error, not a silently dropped slot.
func TestGenerateRejectsMissingInternedField(t *testing.T) {
	saved := interned
	defer func() { interned = saved }()
	interned = append([]string{"ChatCompletionChunk.NoSuchField"}, saved...)
	if _, err := Generate(filepath.Join("..", "..", "..")); err == nil {
		t.Fatal("no error for a missing interned field")
	}
}
