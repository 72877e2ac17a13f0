package zaitest_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

// bigInput is batch input of n lines, each padded to about size bytes.
func bigInput(t *testing.T, n, size int) []byte {
	t.Helper()
	var b bytes.Buffer
	pad := strings.Repeat("x", size)
	for i := range n {
		if err := zai.WriteBatchInput(&b, zai.BatchInputItem{CustomID: fmt.Sprintf("r%d", i), Request: req(fmt.Sprintf("%d %s", i, pad))}); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

// A batch file larger than what the server reads into memory is stored as
// it arrives, run line by line and downloaded whole.
func TestBatchLargeFileStreams(t *testing.T) {
	srv := zaitest.NewServer(t, zaitest.WithTaskPolls(0))
	client := srv.Client()
	data := bigInput(t, 4_000, 500) // about 2.3 MB
	if len(data) < 2<<20 {
		t.Fatalf("input is only %d bytes", len(data))
	}
	in, err := client.Files.Upload(ctx, zai.FileUploadRequest{Purpose: zai.FilePurposeBatch,
		File: zai.FileInput{Reader: bytes.NewReader(data), Name: "big.jsonl"}})
	if err != nil {
		t.Fatal(err)
	}
	if in.Bytes != int64(len(data)) || in.FileName != "big.jsonl" {
		t.Fatalf("%+v", in)
	}
	if got, ok := srv.File(in.ID); !ok || !bytes.Equal(got, data) {
		t.Fatalf("stored %d bytes, sent %d", len(got), len(data))
	}
	up := srv.Requests()[0]
	if up.Method != "POST" || up.Path != "/files" || up.Body != nil {
		t.Fatalf("the large upload is recorded as %s %s with %d body bytes", up.Method, up.Path, len(up.Body))
	}
	b, err := client.Batches.Create(ctx, zai.BatchCreateRequest{InputFileID: in.ID, Endpoint: zai.BatchEndpointChatCompletions})
	if err != nil || b.RequestCounts.Total != 4_000 {
		t.Fatalf("%v %+v", err, b)
	}
	if b, err = client.Batches.Get(ctx, b.ID); err != nil || b.Status != zai.BatchStatusCompleted || b.RequestCounts.Completed != 4_000 {
		t.Fatalf("%v %+v", err, b)
	}
	out, err := client.Files.Download(ctx, b.OutputFileID)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	n := 0
	for line, err := range zai.ReadBatchOutput(out) {
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("r%d", n); line.CustomID != want || line.Err() != nil {
			t.Fatalf("line %d: %s %v", n, line.CustomID, line.Err())
		}
		n++
	}
	if n != 4_000 {
		t.Fatalf("%d output lines", n)
	}
	// The input was deleted when the batch ended (auto_delete_input_file
	// defaults to true).
	if _, err := client.Files.Download(ctx, in.ID); !errors.Is(err, zai.ErrNotFound) {
		t.Fatalf("input after the batch: %v", err)
	}
}

func TestBatchLimits(t *testing.T) {
	srv := zaitest.NewServer(t, zaitest.WithBatchLimits(3, 1000))
	client := srv.Client()
	lines := func(ids ...string) string {
		var b strings.Builder
		for _, id := range ids {
			fmt.Fprintf(&b, `{"custom_id":%q,"method":"POST","url":"/v4/chat/completions","body":{"model":"glm-4.7","messages":[{"role":"user","content":"hi"}]}}`+"\n", id)
		}
		return b.String()
	}
	// Over the byte limit: refused at upload.
	big := lines("a", "b", "c", "d", "e", "f", "g", "h", "i")
	_, err := client.Files.Upload(ctx, zai.FileUploadRequest{Purpose: zai.FilePurposeBatch, File: zai.FileInput{Reader: strings.NewReader(big), Name: "big.jsonl"}})
	var apiErr *zai.APIError
	if len(big) <= 1000 || !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || !strings.Contains(apiErr.Message, "over the limit of 1000 bytes") {
		t.Fatalf("%d bytes: %v", len(big), err)
	}
	// Over the request limit, or a repeated custom_id: the batch fails at
	// its first look, with the line in its errors.
	for _, c := range []struct {
		ids  []string
		line int
		msg  string
	}{
		{[]string{"a", "b", "c", "d"}, 4, "more than 3 requests"},
		{[]string{"a", "b", "a"}, 3, `custom_id "a" is repeated`},
	} {
		in := upload(t, client, zai.FilePurposeBatch, "in.jsonl", lines(c.ids...))
		b, err := client.Batches.Create(ctx, zai.BatchCreateRequest{InputFileID: in.ID, Endpoint: zai.BatchEndpointChatCompletions})
		if err != nil || b.Status != zai.BatchStatusValidating {
			t.Fatalf("%v %+v", err, b)
		}
		b, err = client.Batches.Wait(ctx, b.ID)
		if !errors.Is(err, zai.ErrTaskFailed) || b.Status != zai.BatchStatusFailed || b.Errors == nil || len(b.Errors.Data) != 1 ||
			b.Errors.Data[0].Line != c.line || !strings.Contains(b.Errors.Data[0].Message, c.msg) || b.OutputFileID != "" {
			t.Fatalf("%v %+v", err, b)
		}
	}
	// Within both limits: it runs.
	keep := false
	in := upload(t, client, zai.FilePurposeBatch, "in.jsonl", lines("a", "b", "c"))
	b, _ := client.Batches.Create(ctx, zai.BatchCreateRequest{InputFileID: in.ID, Endpoint: zai.BatchEndpointChatCompletions, AutoDeleteInputFile: &keep})
	if b, err := client.Batches.Wait(ctx, b.ID); err != nil || b.RequestCounts.Completed != 3 {
		t.Fatalf("%v %+v", err, b)
	}
	// auto_delete_input_file false keeps the input.
	if _, ok := srv.File(in.ID); !ok {
		t.Fatal("the input file is gone")
	}
}

// The output of a batch comes one line per input line, in order, and a
// file on disk reads back the same through the download road.
func TestBatchOutputOnDisk(t *testing.T) {
	srv := zaitest.NewServer(t, zaitest.WithTaskPolls(0))
	client := srv.Client()
	in := upload(t, client, zai.FilePurposeBatch, "in.jsonl", string(bigInput(t, 5_000, 100)))
	b, _ := client.Batches.Create(ctx, zai.BatchCreateRequest{InputFileID: in.ID, Endpoint: zai.BatchEndpointChatCompletions})
	b, err := client.Batches.Wait(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := srv.File(b.OutputFileID)
	if len(stored) < 1<<20 {
		t.Fatalf("the output is only %d bytes: not on disk", len(stored))
	}
	rc, err := client.Files.Download(ctx, b.OutputFileID)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(got, stored) {
		t.Fatalf("%v: downloaded %d bytes, stored %d", err, len(got), len(stored))
	}
	sc := bufio.NewScanner(bytes.NewReader(got))
	sc.Buffer(nil, 1<<20)
	n := 0
	for ; sc.Scan(); n++ {
		if !bytes.Contains(sc.Bytes(), fmt.Appendf(nil, `"custom_id":"r%d"`, n)) {
			t.Fatalf("line %d: %.100s", n, sc.Bytes())
		}
	}
	if n != 5_000 {
		t.Fatal(n)
	}
	// A scripted fault still applies to a file on disk.
	srv.ReplyDefault().On("GET", "/files/"+b.OutputFileID+"/content").DropMidBody()
	rc, err = client.Files.Download(ctx, b.OutputFileID)
	if err == nil {
		_, err = io.ReadAll(rc)
		rc.Close()
	}
	if err == nil {
		t.Fatal("a download cut mid-body read whole")
	}
}
