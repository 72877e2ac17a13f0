package zai

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"

	"github.com/zai-go/zai/internal/core"
)

// MaxBatchResultLine is the longest line ReadBatchOutput accepts: 32 MiB,
// the limit of a stream event. A longer line is an error, never a silent
// truncation.
const MaxBatchResultLine = 32 << 20

// BatchOutputLine is one line of a batch's output or error file: the answer to
// the input line with the same CustomID.
//
//	{"custom_id":"1","id":"...","response":{"status_code":200,"request_id":"...","body":{...}}}
type BatchOutputLine struct {
	// ID is the server's id of the line.
	ID string `json:"id"`
	// CustomID is the custom_id of the input line.
	CustomID string `json:"custom_id"`
	// Response is the HTTP answer the line got; its Body is the JSON the
	// endpoint returned (a chat completion, or an error envelope).
	Response BatchResultResponse `json:"response"`
	// Error is set when the line failed without a response.
	Error *BatchError `json:"error,omitempty"`
}

// BatchResultResponse is the HTTP answer to one batch line.
type BatchResultResponse struct {
	StatusCode int             `json:"status_code"`
	RequestID  string          `json:"request_id,omitempty"`
	Body       json.RawMessage `json:"body,omitempty"`
}

// Err returns the line's failure as an *APIError (with the status, business
// code and message of the line), or nil when the line succeeded: a 2xx
// status, no error object and no error envelope in the body.
func (r *BatchOutputLine) Err() error {
	status := r.Response.StatusCode
	if r.Error != nil {
		e := &APIError{StatusCode: status, Code: r.Error.Code, Message: r.Error.Message, RequestID: r.Response.RequestID}
		if e.Message == "" && e.Code == "" {
			e.Message = "the batch line failed"
		}
		return e
	}
	if status >= 200 && status <= 299 && !hasErrorEnvelope(r.Response.Body) {
		return nil
	}
	e := &APIError{StatusCode: status, RequestID: r.Response.RequestID, rawBody: rawBody{r.Response.Body}}
	fillFromBody(e, r.Response.Body)
	if e.RequestID == "" {
		e.RequestID = r.Response.RequestID
	}
	if e.Message == "" && e.Code == "" {
		e.Message = "the batch line failed"
	}
	return e
}

// ChatCompletion decodes the body of a chat-completion line (a batch of
// BatchEndpointChatCompletions). A failed line returns Err's *APIError.
func (r *BatchOutputLine) ChatCompletion() (*ChatCompletion, error) {
	if err := r.Err(); err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(r.Response.Body)) == 0 {
		return nil, fmt.Errorf("zai: batch line %q has no response body", r.CustomID)
	}
	c := new(ChatCompletion)
	if err := json.Unmarshal(r.Response.Body, c); err != nil {
		return nil, fmt.Errorf("zai: batch line %q: decoding the chat completion: %w", r.CustomID, err)
	}
	c.setRawJSON(r.Response.Body)
	return c, nil
}

// ReadBatchOutput reads a batch output or error file (JSONL) and yields
// each line decoded, in file order. Blank lines are skipped; lines may end
// in LF or CRLF and be up to MaxBatchResultLine long. A line that does not
// decode, a line that is too long, or a read error is yielded once as
// (zero, err) and ends the loop. A line that failed on the server is not an
// error of the reader: check its Err.
//
//	for res, err := range zai.ReadBatchOutput(file) { ... res.CustomID, res.ChatCompletion() ... }
func ReadBatchOutput(r io.Reader) iter.Seq2[BatchOutputLine, error] {
	return func(yield func(BatchOutputLine, error) bool) {
		err := eachBatchResultLine(r, func(n int, text []byte) error {
			var res BatchOutputLine
			if err := json.Unmarshal(text, &res); err != nil {
				return fmt.Errorf("zai: batch result line %d: %w", n, err)
			}
			if !yield(res, nil) {
				return errStopLines
			}
			return nil
		})
		if err != nil && err != errStopLines {
			yield(BatchOutputLine{}, err)
		}
	}
}

// errStopLines stops eachBatchResultLine without an error.
var errStopLines = errors.New("stop")

// eachBatchResultLine calls fn with each non-blank line of a result file,
// without its line end, numbered from 1; the bytes are reused after fn
// returns. A line over MaxBatchResultLine, a read error or fn's error ends
// the read and is returned.
func eachBatchResultLine(r io.Reader, fn func(n int, text []byte) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var line []byte
	for n := 1; ; n++ {
		line = line[:0]
		var err error
		for {
			var chunk []byte
			chunk, err = br.ReadSlice('\n')
			if len(line)+len(chunk) > MaxBatchResultLine+2 { // room for the CRLF
				return fmt.Errorf("zai: batch result line %d is longer than %d bytes", n, MaxBatchResultLine)
			}
			line = append(line, chunk...)
			if !errors.Is(err, bufio.ErrBufferFull) {
				break
			}
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("zai: reading batch results, line %d: %w", n, err)
		}
		text := bytes.TrimRight(line, "\r\n")
		if len(text) > MaxBatchResultLine {
			return fmt.Errorf("zai: batch result line %d is longer than %d bytes", n, MaxBatchResultLine)
		}
		if len(bytes.TrimSpace(text)) > 0 {
			if ferr := fn(n, text); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// ReadOutput downloads a finished batch's output file, then its error
// file, and yields every line of both, decoded (see ReadBatchOutput). Each
// file is streamed, never held in memory whole, and closed when the loop
// ends. A batch with neither file, or a failed download, is yielded once as
// (zero, err) and ends the loop.
//
//	batch, err := client.Batches.Wait(ctx, id)
//	for res, err := range client.Batches.ReadOutput(ctx, batch) { ... }
//
// GET /files/{output_file_id}/content, then GET /files/{error_file_id}/content
func (s *BatchService) ReadOutput(ctx context.Context, batch *Batch, opts ...Option) iter.Seq2[BatchOutputLine, error] {
	return func(yield func(BatchOutputLine, error) bool) {
		if batch == nil {
			yield(BatchOutputLine{}, invalidf("batch is nil"))
			return
		}
		var ids []string
		for _, id := range []string{batch.OutputFileID, batch.ErrorFileID} {
			if id != "" {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			yield(BatchOutputLine{}, invalidf("batch %s (%s) has no output or error file", batch.ID, batch.Status))
			return
		}
		for _, id := range ids {
			if !s.readFile(ctx, id, opts, yield) {
				return
			}
		}
	}
}

// readFile yields the lines of one result file; false means stop.
func (s *BatchService) readFile(ctx context.Context, fileID string, opts []Option, yield func(BatchOutputLine, error) bool) bool {
	seg, err := pathSegment("file id", fileID)
	if err != nil {
		yield(BatchOutputLine{}, err)
		return false
	}
	resp, err := download(ctx, s.client, &core.Request{
		Method: http.MethodGet, Path: "/files/" + seg + "/content", Accept: "application/binary, */*",
	}, opts)
	if err != nil {
		yield(BatchOutputLine{}, err)
		return false
	}
	defer resp.Reader.Close()
	for res, err := range ReadBatchOutput(resp.Reader) {
		if !yield(res, err) || err != nil {
			return false
		}
	}
	return true
}
