package zai_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/zai-go/zai"
)

func TestReaderRequestGolden(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/reader_response.json", "application/json"))
	req := zai.ReaderRequest{
		URL:               "https://go.dev",
		Timeout:           zai.Ptr(20),
		NoCache:           true,
		ReturnFormat:      zai.ReaderFormatText,
		RetainImages:      zai.Ptr(false),
		NoGFM:             true,
		KeepImgDataURL:    true,
		WithImagesSummary: true,
		WithLinksSummary:  true,
		RequestID:         "req-000001",
		UserID:            "user-000001",
	}
	if _, err := client.Reader.Read(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	got := rec.last(t)
	if got.Method != "POST" || got.Path != "/api/paas/v4/reader" {
		t.Fatalf("%s %s", got.Method, got.Path)
	}
	assertGoldenJSON(t, "reader_every_field.json", got.Body)
	assertRoundTrips[zai.ReaderRequest](t, got.Body)

	// Only the URL is required; nothing else is sent unless set.
	if _, err := client.Reader.Read(context.Background(), zai.ReaderRequest{URL: "https://go.dev"}); err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, readFile(t, "testdata/recorded/reader_request.json"), rec.last(t).Body)
}

func TestReaderResponse(t *testing.T) {
	_, client := newRecorder(t, respondFile(t, "testdata/shapes/reader_response.json", "application/json"))
	resp, err := client.Reader.Read(context.Background(), zai.ReaderRequest{URL: "https://go.dev"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.ID != "20260711071542677b07f5012b489e" || resp.Created != 1783811742 || resp.RequestID != "req-reader-1" || resp.Model != "reader" {
		t.Fatalf("%+v", resp)
	}
	r := resp.Result
	if r.Content != "# The Go Programming Language\n\nBuild simple, secure, scalable systems with Go." ||
		r.Title != "The Go Programming Language" || r.Description != "Go is an open source programming language." ||
		r.URL != "https://go.dev" || r.PublishedTime != "2024-01-02T03:04:05Z" {
		t.Fatalf("result %+v", r)
	}
	if r.Images["Image 1"] != "https://go.dev/images/gophers/motorcycle.svg" || r.Links["Download"] != "https://go.dev/dl/" {
		t.Fatalf("images %v links %v", r.Images, r.Links)
	}
	if r.Metadata["keywords"] != "go, golang" || r.Metadata["format-detection"] != "telephone=no" {
		t.Fatalf("metadata %v", r.Metadata)
	}
	var ext struct {
		Stylesheet map[string]struct {
			Type string `json:"type"`
		} `json:"stylesheet"`
	}
	if err := json.Unmarshal(r.External, &ext); err != nil || ext.Stylesheet["https://go.dev/css/styles.css"].Type != "text/css" {
		t.Fatalf("external %s", r.External)
	}
	if string(resp.RawJSON()) != string(readFile(t, "testdata/shapes/reader_response.json")) {
		t.Fatal("RawJSON")
	}
}

func TestReaderRecordedError(t *testing.T) {
	rec, client := newRecorder(t, respondRecordedError(t, 429, "testdata/recorded/reader_429_1113.json", "20260711071542677b07f5012b489e"))
	_, err := client.Reader.Read(context.Background(), zai.ReaderRequest{URL: "https://go.dev"})
	assertAPIError(t, err, 429, "1113", "Insufficient balance or no resource package. Please recharge.", "20260711071542677b07f5012b489e", zai.ErrQuotaExceeded)
	if n := len(rec.requests()); n != 1 {
		t.Fatalf("%d attempts", n)
	}
}

func TestReaderInvalid(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/reader_response.json", "application/json"))
	for _, u := range []string{"", "go.dev", "ftp://go.dev/x", "https://", "http://[::1"} {
		if _, err := client.Reader.Read(context.Background(), zai.ReaderRequest{URL: u}); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("%q: %v", u, err)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}
