package zai_test

// Faults of the one road to the wire (issue 11), each on a real socket.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zai-go/zai"
)

var chatReq = zai.ChatCompletionRequest{Model: zai.ModelGLM4_7, Messages: []zai.Message{zai.UserMessage("hi")}}

// A 200 whose body is an error envelope is an *APIError on buffered calls,
// and is not retried.
func TestWire200ErrorEnvelopeIsAPIError(t *testing.T) {
	bodies := map[string]string{
		"standard": `{"error":{"code":"1214","message":"messages 参数非法"}}`,
		"openapi":  `{"code":1211,"message":"Model not found"}`,
	}
	calls := map[string]func(*zai.Client) error{
		"chat": func(c *zai.Client) error {
			_, err := c.Chat.Completions.Create(context.Background(), chatReq)
			return err
		},
		"embeddings": func(c *zai.Client) error {
			_, err := c.Embeddings.Create(context.Background(), zai.EmbeddingRequest{Model: zai.ModelEmbedding3, Input: zai.EmbeddingInput{Texts: []string{"a"}}})
			return err
		},
		"images": func(c *zai.Client) error {
			_, err := c.Images.Generate(context.Background(), zai.ImageRequest{Model: zai.ModelCogView4, Prompt: "a cat"})
			return err
		},
	}
	for bname, body := range bodies {
		for cname, do := range calls {
			t.Run(bname+"/"+cname, func(t *testing.T) {
				env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, _ int) {
					w.Header().Set("Content-Type", "application/json")
					io.WriteString(w, body)
				})
				err := do(env.client)
				var apiErr *zai.APIError
				if !errors.As(err, &apiErr) {
					t.Fatalf("want *APIError, got %T %v", err, err)
				}
				if apiErr.StatusCode != 200 || (apiErr.Code != "1214" && apiErr.Code != "1211") || apiErr.Message == "" {
					t.Fatalf("%+v", apiErr)
				}
				if !errors.Is(err, zai.ErrBadRequest) && !errors.Is(err, zai.ErrNotFound) {
					t.Fatalf("category lost: %v", err)
				}
				if n := env.attempts.Load(); n != 1 {
					t.Fatalf("%d attempts; a 200 is not retried", n)
				}
			})
		}
	}
}

// A stream request answered with a whole chat.completion delivers the
// message as one chunk: content, reasoning and tool calls.
func TestWireStreamAnsweredWithJSONCompletion(t *testing.T) {
	for _, file := range []string{"testdata/recorded/chat_simple.json", "testdata/recorded/chat_tool.json"} {
		t.Run(file, func(t *testing.T) {
			body := readFile(t, file)
			env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				w.Header().Set("Content-Type", "application/json; charset=UTF-8")
				w.Write(body)
			})
			stream, err := env.client.Chat.Completions.CreateStream(context.Background(), chatReq)
			if err != nil {
				t.Fatal(err)
			}
			var acc zai.ChatCompletionAccumulator
			n := 0
			for chunk, err := range stream.All() {
				if err != nil {
					t.Fatal(err)
				}
				acc.Add(chunk)
				n++
			}
			if n != 1 {
				t.Fatalf("%d chunks, want 1", n)
			}
			var want zai.ChatCompletion
			if err := json.Unmarshal(body, &want); err != nil {
				t.Fatal(err)
			}
			got := acc.Completion()
			wm, gm := want.Choices[0].Message, got.Choices[0].Message
			if gm.Content != wm.Content || gm.ReasoningContent != wm.ReasoningContent ||
				len(gm.ToolCalls) != len(wm.ToolCalls) || got.Choices[0].FinishReason != want.Choices[0].FinishReason {
				t.Fatalf("got %+v\nwant %+v", gm, wm)
			}
			if gm.Content == "" && len(gm.ToolCalls) == 0 {
				t.Fatal("the answer was dropped")
			}
			for i := range wm.ToolCalls {
				if gm.ToolCalls[i].ID != wm.ToolCalls[i].ID || gm.ToolCalls[i].Function != wm.ToolCalls[i].Function {
					t.Fatalf("tool call %d: got %+v want %+v", i, gm.ToolCalls[i], wm.ToolCalls[i])
				}
			}
			if got.Usage.TotalTokens != want.Usage.TotalTokens || got.ID != want.ID {
				t.Fatalf("usage or id lost: %+v", got)
			}
		})
	}
}

func TestWireTranscriptionStreamAnsweredWithJSON(t *testing.T) {
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(readFile(t, "testdata/shapes/asr_response.json"))
	})
	stream, err := env.client.Audio.Transcriptions.CreateStream(context.Background(),
		zai.TranscriptionRequest{Model: zai.ModelGLMASR, File: zai.FileInput{Reader: strings.NewReader("RIFF....WAVE"), Name: "a.wav"}})
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for ev, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		text.WriteString(ev.Delta)
	}
	var want zai.Transcription
	if err := json.Unmarshal(readFile(t, "testdata/shapes/asr_response.json"), &want); err != nil {
		t.Fatal(err)
	}
	if want.Text == "" || text.String() != want.Text {
		t.Fatalf("got %q, want %q", text.String(), want.Text)
	}
}

func TestWireAgentsStreamAnsweredWithJSON(t *testing.T) {
	body := `{"id":"a1","agent_id":"general_translation","status":"success","choices":[{"index":0,"finish_reason":"stop","messages":{"role":"assistant","content":{"type":"text","text":"你好"}}}]}`
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
	})
	stream, err := env.client.Agents.InvokeStream(context.Background(), zai.NewTranslationRequest("hello", zai.TranslationVariables{TargetLang: "zh-CN"}))
	if err != nil {
		t.Fatal(err)
	}
	var text string
	for chunk, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		text += chunk.Text()
	}
	if text != "你好" {
		t.Fatalf("got %q", text)
	}
}

// stallAfterHeaders sends the headers with contentType, then nothing until
// the client goes away.
func stallAfterHeaders(contentType string) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}
}

// A stream whose headers arrive and then nothing ends with ErrTimeout after
// the idle timeout, JSON content type included.
func TestWireStreamStallAfterHeadersTimesOut(t *testing.T) {
	for _, ct := range []string{"application/json", "text/event-stream"} {
		t.Run(ct, func(t *testing.T) {
			env := newFaultEnv(t, stallAfterHeaders(ct), zai.WithStreamIdleTimeout(50*time.Millisecond))
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			stream, err := env.client.Chat.Completions.CreateStream(ctx, chatReq)
			if err == nil {
				for _, e := range stream.All() {
					err = e
				}
			}
			if !errors.Is(err, zai.ErrTimeout) || ctx.Err() != nil {
				t.Fatalf("want the idle timeout before the context's, got %v (ctx %v)", err, ctx.Err())
			}
		})
	}
}

// The idle timer firing before the first byte is not a data race (run with
// -race).
func TestWireIdleTimerFiresBeforeFirstByte(t *testing.T) {
	env := newFaultEnv(t, stallAfterHeaders("text/event-stream"), zai.WithStreamIdleTimeout(time.Microsecond))
	for range 20 {
		stream, err := env.client.Chat.Completions.CreateStream(context.Background(), chatReq)
		if err != nil {
			if !errors.Is(err, zai.ErrTimeout) {
				t.Fatal(err)
			}
			continue
		}
		for range stream.All() {
		}
		if !errors.Is(stream.Err(), zai.ErrTimeout) {
			t.Fatalf("got %v", stream.Err())
		}
	}
}

// A huge Retry-After is capped, not overflowed into a negative wait.
func TestWireHugeRetryAfterIsCapped(t *testing.T) {
	for _, h := range [][2]string{
		{"Retry-After", "1e11"}, {"Retry-After", "Inf"}, {"Retry-After-Ms", "1e300"}, {"Retry-After-Ms", "9223372036854775807"},
	} {
		t.Run(h[0]+"="+h[1], func(t *testing.T) {
			env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, attempt int) {
				if attempt == 1 {
					w.Header().Set(h[0], h[1])
					w.WriteHeader(http.StatusTooManyRequests)
					io.WriteString(w, `{"error":{"code":"1302","message":"slow down"}}`)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				w.Write(readFile(t, "testdata/recorded/chat_simple.json"))
			})
			if _, err := env.client.Chat.Completions.Create(context.Background(), chatReq); err != nil {
				t.Fatal(err)
			}
			if w := env.waits(); len(w) != 1 || w[0] != time.Minute {
				t.Fatalf("waits %v, want [1m0s]", w)
			}
		})
	}
}

// trackedReader counts reads after the call returned; it never ends.
type trackedReader struct {
	returned atomic.Bool
	late     atomic.Int32
}

func (r *trackedReader) Read(p []byte) (int, error) {
	if r.returned.Load() {
		r.late.Add(1)
	}
	time.Sleep(time.Millisecond)
	n := min(len(p), 512)
	for i := range n {
		p[i] = 'a'
	}
	return n, nil
}

// Once an upload returns, the caller's reader is never read again, also when
// the server answers early.
func TestWireUploadReaderNotReadAfterReturn(t *testing.T) {
	uploads := map[string]func(*zai.Client, io.Reader) error{
		"files": func(c *zai.Client, r io.Reader) error {
			_, err := c.Files.Upload(context.Background(), zai.FileUploadRequest{File: zai.FileInput{Reader: r, Name: "in.jsonl"}, Purpose: "batch"})
			return err
		},
		"transcriptions": func(c *zai.Client, r io.Reader) error {
			_, err := c.Audio.Transcriptions.Create(context.Background(), zai.TranscriptionRequest{Model: zai.ModelGLMASR, File: zai.FileInput{Reader: r, Name: "a.wav"}})
			return err
		},
	}
	for name, upload := range uploads {
		for _, status := range []int{401, 413} {
			t.Run(fmt.Sprint(name, status), func(t *testing.T) {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					io.CopyN(io.Discard, r.Body, 4096)
					w.Header().Set("Content-Type", "application/json")
					w.Header().Set("Connection", "close")
					w.WriteHeader(status)
					io.WriteString(w, `{"error":{"code":"1000","message":"no"}}`)
				}))
				defer srv.Close()
				c, err := zai.NewClient(zai.WithAPIKey("k"), zai.WithBaseURL(srv.URL))
				if err != nil {
					t.Fatal(err)
				}
				src := &trackedReader{}
				err = upload(c, src)
				src.returned.Store(true)
				if err == nil {
					t.Fatal("want an error")
				}
				time.Sleep(30 * time.Millisecond)
				if n := src.late.Load(); n != 0 {
					t.Fatalf("the reader was read %d times after the call returned", n)
				}
			})
		}
	}
}

const echoedKey = "sk-live-1234567890abcdef"

// A key echoed by the server never reaches an error string, %+v, RawJSON or
// a log line.
func TestWireEchoedKeyIsRedacted(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		auth := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"error":{"code":"1000","message":"token %s is invalid"}}`, auth)
	}, zai.WithAPIKey(echoedKey), zai.WithLogger(logger))
	_, err := env.client.Chat.Completions.Create(context.Background(), chatReq)
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("%T %v", err, err)
	}
	for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", apiErr), string(apiErr.RawJSON()), logs.String()} {
		if strings.Contains(text, echoedKey) {
			t.Fatalf("key leaked: %s", text)
		}
	}
	if !strings.Contains(err.Error(), "[REDACTED]") {
		t.Fatalf("message lost: %v", err)
	}

	// A JWT signed from the key is redacted too.
	env = newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"error":{"code":"1000","message":"bad %s"}}`, r.Header.Get("Authorization"))
	}, zai.WithAPIKey("myid.mysecret12345"), zai.WithJWTAuth(time.Minute))
	_, err = env.client.Chat.Completions.Create(context.Background(), chatReq)
	if err == nil || strings.Contains(err.Error(), "eyJ") || strings.Contains(err.Error(), "mysecret12345") {
		t.Fatalf("jwt leaked: %v", err)
	}
}

// A redirect whose URL carries the key does not put it in the error.
func TestWireRedirectURLKeyIsRedacted(t *testing.T) {
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		http.Redirect(w, r, "http://198.51.100.7/steal?key="+echoedKey, http.StatusFound)
	}, zai.WithAPIKey(echoedKey), zai.WithHTTPClient(&http.Client{CheckRedirect: func(req *http.Request, via []*http.Request) error {
		return errors.New("refusing " + req.URL.String())
	}}))
	_, err := env.client.Chat.Completions.Create(context.Background(), chatReq)
	if err == nil || strings.Contains(err.Error(), echoedKey) || strings.Contains(fmt.Sprintf("%+v", err), echoedKey) {
		t.Fatalf("key leaked or no error: %v", err)
	}
}

// Base URLs that cannot work are refused before any request.
func TestWireBadBaseURLsRefused(t *testing.T) {
	for _, u := range []string{
		"https://api.z.ai/api/paas/v4 ", " https://api.z.ai/api/paas/v4", "https://api.z.ai/api /paas/v4",
		"https://api.z.ai/api/paas/v4?x=1", "https://api.z.ai/api/paas/v4#top", "https:///api/paas/v4",
		"https://api.z.ai:0/api", "https://api.z.ai:70000/api", "https://api.z.ai:/api", "",
	} {
		if _, err := zai.NewClient(zai.WithAPIKey("k"), zai.WithBaseURL(u)); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("NewClient(WithBaseURL(%q)): %v", u, err)
		}
	}
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	c, err := zai.NewClient(zai.WithAPIKey("k"), zai.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"", srv.URL + "?a=b", srv.URL + " "} {
		if _, err := c.Chat.Completions.Create(context.Background(), chatReq, zai.WithBaseURL(u)); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("per call WithBaseURL(%q): %v", u, err)
		}
	}
	if hits.Load() != 0 {
		t.Fatal("a refused base URL reached the network")
	}
}

// countingTransport counts round trips.
type countingTransport struct {
	n  atomic.Int32
	rt http.RoundTripper
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.rt.RoundTrip(r)
}

// Errors no wait can fix are not retried.
func TestWirePermanentErrorsNotRetried(t *testing.T) {
	if _, err := zai.NewClient(zai.WithAPIKey("abc\ndef")); !errors.Is(err, zai.ErrInvalidRequest) {
		t.Fatalf("a key with a newline: %v", err)
	}

	t.Run("invalid header", func(t *testing.T) {
		ct := &countingTransport{rt: http.DefaultTransport}
		env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, _ int) {}, zai.WithHTTPClient(&http.Client{Transport: ct}), zai.WithHeader("X-Bad", "a\nb"))
		if _, err := env.client.Chat.Completions.Create(context.Background(), chatReq); err == nil {
			t.Fatal("want an error")
		}
		if n := ct.n.Load(); n != 1 {
			t.Fatalf("%d round trips", n)
		}
	})

	t.Run("redirect loop", func(t *testing.T) {
		for name, opt := range map[string]zai.Option{
			"default client": zai.WithMaxRetries(3),
			"own client":     zai.WithHTTPClient(&http.Client{}),
		} {
			env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				http.Redirect(w, r, r.URL.Path, http.StatusFound)
			}, opt)
			if name == "default client" {
				// newFaultEnv sets its own client; go back to the SDK's.
				c, err := zai.NewClient(zai.WithAPIKey("k"), zai.WithBaseURL(env.srv.URL), zai.WithTestHooks(noSleep, nil, nil))
				if err != nil {
					t.Fatal(err)
				}
				env.client = c
			}
			if _, err := env.client.Chat.Completions.Create(context.Background(), chatReq); err == nil {
				t.Fatal("want an error")
			}
			if n := env.attempts.Load(); n != 10 && n != 11 {
				t.Fatalf("%s: %d requests; the redirect limit was retried", name, n)
			}
		}
	})

	t.Run("seekable reader fails", func(t *testing.T) {
		env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.WriteHeader(http.StatusServiceUnavailable)
		})
		src := &failingSeeker{data: bytes.Repeat([]byte("x"), 64<<10), failAt: 32 << 10}
		_, err := env.client.Files.Upload(context.Background(), zai.FileUploadRequest{File: zai.FileInput{Reader: src, Name: "a.jsonl"}, Purpose: "batch"})
		if err == nil {
			t.Fatal("want an error")
		}
		if src.rewinds != 0 {
			t.Fatalf("the upload was retried %d times after its source failed", src.rewinds)
		}
		if !errors.Is(err, errSourceBroken) {
			t.Fatalf("the source's error is lost: %v", err)
		}
	})
}

var errSourceBroken = errors.New("disk on fire")

// failingSeeker fails once failAt bytes have been read.
type failingSeeker struct {
	mu      sync.Mutex
	data    []byte
	pos     int
	failAt  int
	rewinds int
}

func (f *failingSeeker) Read(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pos >= f.failAt {
		return 0, errSourceBroken
	}
	n := copy(p, f.data[f.pos:f.failAt])
	f.pos += n
	return n, nil
}

func (f *failingSeeker) Seek(off int64, whence int) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if whence == io.SeekStart {
		f.rewinds++
		f.pos = int(off)
	}
	return int64(f.pos), nil
}

// Agents.Wait behaves as AsyncResult.Wait: progress once per poll, and the
// context's error when it ends.
func TestWireAgentsWaitContextAndProgress(t *testing.T) {
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"a","agent_id":"vidu_template_agent","async_id":"as1","status":"pending"}`)
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	polls := 0
	res, err := env.client.Agents.Wait(ctx, zai.AgentAsyncResultRequest{AgentID: zai.AgentVideoEffects, AsyncID: "as1"},
		zai.WithPollProgress(func(p zai.PollProgress) {
			polls++
			if p.TaskID != "as1" || p.Status != string(zai.AgentStatusPending) || p.Polls != polls {
				t.Errorf("progress %+v", p)
			}
			if polls == 3 {
				cancel()
			}
		}))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	if res == nil || res.Status != zai.AgentStatusPending {
		t.Fatalf("the last reply is lost: %+v", res)
	}
	if polls != 3 || int(env.attempts.Load()) != polls {
		t.Fatalf("%d progress calls for %d polls", polls, env.attempts.Load())
	}
	if c := strings.Count(err.Error(), "zai:"); c != 1 {
		t.Fatalf("prefix %d times: %v", c, err)
	}
}

// An error carries the "zai:" prefix once.
func TestWireErrorPrefixOnce(t *testing.T) {
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"t1","task_status":"PROCESSING"}`)
	})
	ctx, cancel := context.WithCancel(context.Background())
	_, err := env.client.AsyncResult.Wait(ctx, "t1", zai.WithPollProgress(func(zai.PollProgress) { cancel() }))
	if !errors.Is(err, context.Canceled) || strings.Count(err.Error(), "zai:") != 1 {
		t.Fatalf("%v", err)
	}
	_, err = env.client.Chat.Completions.Create(ctx, chatReq)
	if !errors.Is(err, context.Canceled) || strings.Count(err.Error(), "zai:") != 1 {
		t.Fatalf("%v", err)
	}
}

// Streams read to [DONE] give their connection back to the pool.
func TestWireStreamsReuseConnections(t *testing.T) {
	var conns atomic.Int32
	events := bytes.SplitAfter(readFile(t, "testdata/recorded/glm45_simple_streaming.sse"), []byte("\n\n"))
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		for _, ev := range events {
			w.Write(ev)
			w.(http.Flusher).Flush()
		}
		// A real server ends the body a moment after [DONE], in a packet
		// of its own.
		time.Sleep(2 * time.Millisecond)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	transport := http.DefaultTransport.(*http.Transport).Clone()
	defer transport.CloseIdleConnections()
	c, err := zai.NewClient(zai.WithAPIKey("k"), zai.WithBaseURL(srv.URL), zai.WithHTTPClient(&http.Client{Transport: transport}))
	if err != nil {
		t.Fatal(err)
	}
	for range 50 {
		stream, err := c.Chat.Completions.CreateStream(context.Background(), chatReq)
		if err != nil {
			t.Fatal(err)
		}
		for _, err := range stream.All() {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("%d TCP connections for 50 streams", conns.Load())
	if n := conns.Load(); n > 2 {
		t.Fatalf("%d TCP connections for 50 sequential streams", n)
	}
}

// A speech stream answered with one JSON chunk still decodes its audio in
// the encoding the request asked for.
func TestWireSpeechStreamAnsweredWithJSONKeepsEncoding(t *testing.T) {
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"choices":[{"index":0,"delta":{"role":"assistant","content":"48656c6c6f"},"finish_reason":"stop"}]}`)
	})
	stream, err := env.client.Audio.Speech.CreateStream(context.Background(), zai.SpeechRequest{
		Model: zai.ModelGLMTTS, Input: "hi", Voice: zai.VoiceTongtong, EncodeFormat: zai.EncodeFormatHex,
	})
	if err != nil {
		t.Fatal(err)
	}
	var audio []byte
	for chunk, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		b, err := chunk.Audio()
		if err != nil {
			t.Fatal(err)
		}
		audio = append(audio, b...)
	}
	if string(audio) != "Hello" {
		t.Fatalf("audio %q", audio)
	}
}

// A stream mislabelled as JSON whose body is events keeps the event-size
// limit of WithMaxStreamEventSize.
func TestWireJSONTypedEventStreamKeepsEventCap(t *testing.T) {
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\""+strings.Repeat("x", 4096)+"\"}}]}\n\ndata: [DONE]\n\n")
	}, zai.WithMaxStreamEventSize(1024))
	stream, err := env.client.Chat.Completions.CreateStream(context.Background(), chatReq)
	if err != nil {
		t.Fatal(err)
	}
	for range stream.All() {
	}
	if !errors.Is(stream.Err(), zai.ErrStreamEventTooLarge) {
		t.Fatalf("got %v", stream.Err())
	}
}
