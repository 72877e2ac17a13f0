package zai_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/zai-go/zai"
)

// formFields returns the non-file fields, and the file part.
func formFields(t testing.TB, c captured) (map[string]string, formPart) {
	t.Helper()
	fields := map[string]string{}
	var file formPart
	for _, p := range formParts(t, c) {
		if p.file != "" {
			file = p
			continue
		}
		if _, dup := fields[p.name]; dup {
			t.Fatalf("field %q sent twice", p.name)
		}
		fields[p.name] = p.body
	}
	return fields, file
}

// Shapes quoted in reference/api-and-go-peers.md §B.5 "Files".
const (
	fileObjectReply = `{"id":"file-123","object":"file","bytes":490,"created_at":1715673494,"filename":"batch.jsonl","purpose":"batch"}`
	fileListReply   = `{"object":"list","data":[` + fileObjectReply + `],"has_more":false}`
	fileDeleteReply = `{"id":"file-123","object":"file","deleted":true}`
)

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFilesUploadFromPath(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(fileObjectReply))
	path := writeTemp(t, "batch.jsonl", `{"custom_id":"1"}`+"\n")
	f, err := client.Files.Upload(context.Background(), zai.FileUploadRequest{File: zai.FileInput{Path: path}, Purpose: zai.FilePurposeBatch})
	if err != nil {
		t.Fatal(err)
	}
	if f.ID != "file-123" || f.Bytes != 490 || f.FileName != "batch.jsonl" || f.Purpose != "batch" || f.CreatedAt != 1715673494 || string(f.RawJSON()) != fileObjectReply {
		t.Fatalf("%+v", f)
	}
	got := rec.last(t)
	if got.Method != "POST" || got.Path != "/api/paas/v4/files" {
		t.Fatalf("%s %s", got.Method, got.Path)
	}
	fields, file := formFields(t, got)
	if len(fields) != 1 || fields["purpose"] != "batch" {
		t.Fatalf("%v", fields)
	}
	if file.name != "file" || file.file != "batch.jsonl" || file.ctype != "application/octet-stream" || file.body != `{"custom_id":"1"}`+"\n" {
		t.Fatalf("%+v", file)
	}
}

func TestFilesUploadFromReader(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(fileObjectReply))
	_, err := client.Files.Upload(context.Background(), zai.FileUploadRequest{
		File:    zai.FileInput{Reader: strings.NewReader("PDF bytes"), Name: "a.pdf", ContentType: "application/pdf"},
		Purpose: zai.FilePurposeAgent,
	})
	if err != nil {
		t.Fatal(err)
	}
	fields, file := formFields(t, rec.last(t))
	if fields["purpose"] != "agent" || file.file != "a.pdf" || file.ctype != "application/pdf" || file.body != "PDF bytes" {
		t.Fatalf("%v %+v", fields, file)
	}
}

// failFirst answers 500 to the first request and then reply.
func TestFilesUploadRetriesOnlyReplayableBodies(t *testing.T) {
	path := writeTemp(t, "a.jsonl", "line\n")
	for _, tt := range []struct {
		name     string
		req      zai.FileUploadRequest
		requests int
		ok       bool
	}{
		{"path", zai.FileUploadRequest{File: zai.FileInput{Path: path}, Purpose: "batch"}, 2, true},
		{"seeker", zai.FileUploadRequest{File: zai.FileInput{Reader: strings.NewReader("line\n")}, Purpose: "batch"}, 2, true},
		{"one-shot reader", zai.FileUploadRequest{File: zai.FileInput{Reader: io.MultiReader(strings.NewReader("line\n"))}, Purpose: "batch"}, 1, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec, client := newRecorder(t, failFirst(respondJSON(fileObjectReply)))
			_, err := client.Files.Upload(context.Background(), tt.req)
			if (err == nil) != tt.ok {
				t.Fatalf("err %v", err)
			}
			reqs := rec.requests()
			if len(reqs) != tt.requests {
				t.Fatalf("%d requests, want %d", len(reqs), tt.requests)
			}
			for _, r := range reqs {
				if _, file := formFields(t, r); file.body != "line\n" {
					t.Fatalf("attempt sent %q", file.body)
				}
			}
			if !tt.ok && !errors.Is(err, zai.ErrServer) {
				t.Fatalf("%v", err)
			}
		})
	}
}

func TestFilesBadInputSendsNothing(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(fileObjectReply))
	ctx := context.Background()
	path := writeTemp(t, "a.txt", "x")
	cases := map[string]func() error{
		"no purpose": func() error {
			_, err := client.Files.Upload(ctx, zai.FileUploadRequest{File: zai.FileInput{Path: path}})
			return err
		},
		"no file": func() error {
			_, err := client.Files.Upload(ctx, zai.FileUploadRequest{Purpose: "batch"})
			return err
		},
		"path and reader": func() error {
			_, err := client.Files.Upload(ctx, zai.FileUploadRequest{File: zai.FileInput{Path: path, Reader: strings.NewReader("x")}, Purpose: "batch"})
			return err
		},
		"missing file": func() error {
			_, err := client.Files.Upload(ctx, zai.FileUploadRequest{File: zai.FileInput{Path: filepath.Join(t.TempDir(), "nope")}, Purpose: "batch"})
			return err
		},
		"directory": func() error {
			_, err := client.Files.Upload(ctx, zai.FileUploadRequest{File: zai.FileInput{Path: t.TempDir()}, Purpose: "batch"})
			return err
		},
		"delete empty id": func() error {
			_, err := client.Files.Delete(ctx, "")
			return err
		},
		"delete dot-dot": func() error {
			_, err := client.Files.Delete(ctx, "..")
			return err
		},
		"content empty id": func() error {
			_, err := client.Files.Download(ctx, "")
			return err
		},
	}
	for name, call := range cases {
		if err := call(); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}

func TestFilesList(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(fileListReply))
	list, err := client.Files.List(context.Background(), zai.FileListRequest{Purpose: "batch", After: "file-9", Order: "desc", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Data) != 1 || list.Data[0].ID != "file-123" || list.HasMore || list.Object != "list" {
		t.Fatalf("%+v", list)
	}
	got := rec.last(t)
	if got.Method != "GET" || got.Path != "/api/paas/v4/files" || got.Query != "after=file-9&limit=10&order=desc&purpose=batch" {
		t.Fatalf("%s %s?%s", got.Method, got.Path, got.Query)
	}
	if _, err := client.Files.List(context.Background(), zai.FileListRequest{}); err != nil {
		t.Fatal(err)
	}
	if q := rec.last(t).Query; q != "" {
		t.Fatalf("zero params sent %q", q)
	}
}

// rawURIs records the request URIs as sent, before the server decodes them.
type rawURIs struct {
	mu   sync.Mutex
	uris []string
}

func (u *rawURIs) wrap(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.uris = append(u.uris, r.RequestURI)
		u.mu.Unlock()
		h(w, r)
	}
}

func (u *rawURIs) last() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.uris[len(u.uris)-1]
}

func TestFilesDeleteEscapesID(t *testing.T) {
	var uris rawURIs
	rec, client := newRecorder(t, uris.wrap(respondJSON(fileDeleteReply)))
	d, err := client.Files.Delete(context.Background(), "file 1/x?y")
	if err != nil {
		t.Fatal(err)
	}
	if !d.Deleted || d.ID != "file-123" {
		t.Fatalf("%+v", d)
	}
	if got := rec.last(t); got.Method != "DELETE" || got.Path != "/api/paas/v4/files/file 1/x?y" {
		t.Fatalf("%s %s", got.Method, got.Path)
	}
	if u := uris.last(); u != "/api/paas/v4/files/file%201%2Fx%3Fy" {
		t.Fatalf("sent %s", u)
	}
}

func TestFilesContentStreamsBody(t *testing.T) {
	payload := strings.Repeat(`{"custom_id":"1","response":{}}`+"\n", 1000)
	rec, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		io.WriteString(w, payload)
	})
	body, err := client.Files.Download(context.Background(), "file-out")
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(body)
	body.Close()
	if err != nil || string(b) != payload {
		t.Fatalf("%d bytes, %v", len(b), err)
	}
	got := rec.last(t)
	if got.Method != "GET" || got.Path != "/api/paas/v4/files/file-out/content" {
		t.Fatalf("%s %s", got.Method, got.Path)
	}
	if a := got.Header.Get("Accept"); strings.Contains(a, "event-stream") {
		t.Fatalf("a download asked for %q", a)
	}
}

func TestFilesContentError(t *testing.T) {
	_, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error":{"code":"1222","message":"file not found"}}`)
	})
	body, err := client.Files.Download(context.Background(), "nope")
	if body != nil || !errors.Is(err, zai.ErrNotFound) {
		t.Fatalf("%v %v", body, err)
	}
}

func TestFilesUploadKnowledgeFormGolden(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/files_knowledge_upload_response.json", "application/json"))
	path := writeTemp(t, "manual.pdf", "%PDF-1.7")
	f, err := client.Files.Upload(context.Background(), zai.FileUploadRequest{
		File: zai.FileFromPath(path), Purpose: zai.FilePurposeRetrieval,
		KnowledgeID: "kb_1", SentenceSize: 300, CustomSeparator: []string{"\n\n"},
	})
	if err != nil {
		t.Fatal(err)
	}
	fields, file := formFields(t, rec.last(t))
	b, _ := json.Marshal(fields)
	assertGoldenJSON(t, "files_upload_knowledge_form.json", b)
	if file.name != "file" || file.file != "manual.pdf" || file.body != "%PDF-1.7" {
		t.Fatalf("%+v", file)
	}
	if len(f.SuccessInfos) != 1 || f.SuccessInfos[0] != (zai.FileUploadSuccess{DocumentID: "doc_1849395847", Filename: "manual.pdf"}) ||
		len(f.FailedInfos) != 1 || f.FailedInfos[0] != (zai.FileUploadFailure{Filename: "huge.pdf", FailReason: "file size exceeds the limit"}) {
		t.Fatalf("%+v", f)
	}

	// Several separators go as repeated fields.
	if _, err := client.Files.Upload(context.Background(), zai.FileUploadRequest{
		File: zai.FileFromPath(path), Purpose: zai.FilePurposeRetrieval, CustomSeparator: []string{"\n", "。"},
	}); err != nil {
		t.Fatal(err)
	}
	var seps []string
	for _, p := range formParts(t, rec.last(t)) {
		if p.name == "custom_separator[]" {
			seps = append(seps, p.body)
		}
	}
	if strings.Join(seps, "|") != "\n|。" {
		t.Fatalf("separators %q", seps)
	}
}

func TestFilesUploadURLsGolden(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/shapes/files_knowledge_upload_response.json", "application/json"))
	req := zai.FileURLUploadRequest{
		Purpose: zai.FilePurposeRetrieval, KnowledgeID: "kb_1", SentenceSize: 300,
		Details: []zai.FileUploadDetail{{
			URL: "https://example.com/manual.pdf", KnowledgeType: 1, FileName: "manual.pdf", SentenceSize: 500,
			CustomSeparator: []string{"\n"}, CallbackURL: "https://example.com/done", CallbackHeader: map[string]string{"X-Token": "t"},
		}, {
			URL: "https://example.com/faq.xlsx", KnowledgeType: 3,
		}},
	}
	f, err := client.Files.UploadURLs(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	got := rec.last(t)
	if got.Method != "POST" || got.Path != "/api/paas/v4/files" || !strings.HasPrefix(got.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("%s %s %q", got.Method, got.Path, got.Header.Get("Content-Type"))
	}
	assertGoldenJSON(t, "files_upload_urls.json", got.Body)
	assertRoundTrips[zai.FileURLUploadRequest](t, got.Body)
	if len(f.SuccessInfos) != 1 || len(f.FailedInfos) != 1 || len(f.RawJSON()) == 0 {
		t.Fatalf("%+v", f)
	}
}

func TestFilesKnowledgeBadInputSendsNothing(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(fileObjectReply))
	path := writeTemp(t, "manual.pdf", "%PDF-1.7")
	if _, err := client.Files.Upload(context.Background(), zai.FileUploadRequest{File: zai.FileFromPath(path), Purpose: zai.FilePurposeRetrieval, SentenceSize: -1}); !errors.Is(err, zai.ErrInvalidRequest) {
		t.Errorf("negative sentence size: %v", err)
	}
	good := zai.FileUploadDetail{URL: "https://example.com/a.pdf", KnowledgeType: 1}
	for name, req := range map[string]zai.FileURLUploadRequest{
		"no purpose":        {Details: []zai.FileUploadDetail{good}},
		"no details":        {Purpose: zai.FilePurposeRetrieval},
		"no url":            {Purpose: zai.FilePurposeRetrieval, Details: []zai.FileUploadDetail{good, {KnowledgeType: 1}}},
		"no knowledge type": {Purpose: zai.FilePurposeRetrieval, Details: []zai.FileUploadDetail{{URL: "https://example.com/a.pdf"}}},
		"negative size":     {Purpose: zai.FilePurposeRetrieval, Details: []zai.FileUploadDetail{{URL: "u", KnowledgeType: 1, SentenceSize: -5}}},
	} {
		if _, err := client.Files.UploadURLs(context.Background(), req); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}
