package zaitest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var ctx = context.Background()

func req(text string) zai.ChatCompletionRequest {
	return zai.ChatCompletionRequest{Model: zai.ModelGLM4_7, Messages: []zai.Message{zai.UserMessage(text)}}
}

func TestDefaultChatEchoes(t *testing.T) {
	srv := zaitest.NewServer(t)
	resp, err := srv.Client().Chat.Completions.Create(ctx, req("hello there"))
	if err != nil {
		t.Fatal(err)
	}
	c := resp.Choices[0]
	if c.Message.Content != "Echo: hello there" || c.FinishReason != "stop" || c.Message.ReasoningContent == "" {
		t.Fatalf("%+v", c)
	}
	if resp.Object != "chat.completion" || resp.ID == "" || resp.RequestID != resp.ID || resp.Usage.TotalTokens == 0 {
		t.Fatalf("%+v", resp)
	}
	noThink := req("hi")
	noThink.Thinking = &zai.Thinking{Type: zai.ThinkingTypeDisabled}
	resp, _ = srv.Client().Chat.Completions.Create(ctx, noThink)
	if resp.Choices[0].Message.ReasoningContent != "" {
		t.Fatal("reasoning with thinking disabled")
	}
}

func TestDefaultStreamWordByWord(t *testing.T) {
	srv := zaitest.NewServer(t)
	stream, err := srv.Client().Chat.Completions.CreateStream(ctx, req("one two three"))
	if err != nil {
		t.Fatal(err)
	}
	var acc zai.ChatCompletionAccumulator
	var contents []string
	for c, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		acc.Add(c)
		if d := c.Choices[0].Delta.Content; d != "" {
			contents = append(contents, d)
		}
	}
	if strings.Join(contents, "|") != "Echo:| one| two| three" {
		t.Fatalf("deltas %q", contents)
	}
	got := acc.Completion()
	if got.Choices[0].Message.Content != "Echo: one two three" || got.Choices[0].FinishReason != "stop" || got.Usage.TotalTokens == 0 {
		t.Fatalf("%+v", got)
	}
}

func TestDefaultToolCallRoundTrip(t *testing.T) {
	for _, toolStream := range []bool{false, true} {
		srv := zaitest.NewServer(t)
		client := srv.Client()
		r := req("Weather in Paris?")
		r.Tools = []zai.Tool{zai.FunctionTool("get_weather", "", map[string]any{
			"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}, "days": map[string]any{"type": "integer"}},
			"required": []string{"city", "days"}})}
		r.ToolStream = toolStream
		stream, err := client.Chat.Completions.CreateStream(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		var acc zai.ChatCompletionAccumulator
		chunks := 0
		for c, err := range stream.All() {
			if err != nil {
				t.Fatal(err)
			}
			chunks++
			acc.Add(c)
		}
		msg := acc.Completion().Choices[0].Message
		if len(msg.ToolCalls) != 1 || msg.ToolCalls[0].Function.Name != "get_weather" || msg.ToolCalls[0].Function.Arguments != `{"city":"Paris","days":1}` {
			t.Fatalf("tool_stream=%v: %+v", toolStream, msg.ToolCalls)
		}
		r.Messages = append(r.Messages, msg, zai.ToolMessage(msg.ToolCalls[0].ID, "22 C"))
		resp, err := client.Chat.Completions.Create(ctx, r)
		if err != nil || resp.Choices[0].Message.Content != "The tool returned: 22 C" {
			t.Fatalf("%v %+v", err, resp)
		}
	}
}

func TestAuthChecked(t *testing.T) {
	srv := zaitest.NewServer(t)
	_, err := srv.Client(zai.WithAPIKey("wrong")).Chat.Completions.Create(ctx, req("hi"))
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 || apiErr.Code != "1000" || !errors.Is(err, zai.ErrAuthentication) {
		t.Fatalf("%v", err)
	}
	if _, err := srv.Client(zai.WithJWTAuth(time.Minute)).Chat.Completions.Create(ctx, req("hi")); err != nil {
		t.Fatalf("JWT signed with the server's key refused: %v", err)
	}
	other := zaitest.NewServer(t, zaitest.WithAPIKey("abc.def"))
	if _, err := other.Client(zai.WithAPIKey("abc.wrong"), zai.WithJWTAuth(time.Minute)).Chat.Completions.Create(ctx, req("hi")); !errors.Is(err, zai.ErrAuthentication) {
		t.Fatalf("JWT with the wrong secret: %v", err)
	}
}

func TestScriptedReplyAndRequests(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.Reply(`{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"scripted"},"finish_reason":"stop"}]}`)
	client := srv.Client()
	r := req("hi")
	r.Temperature = zai.Ptr(0.0)
	resp, err := client.Chat.Completions.Create(ctx, r)
	if err != nil || resp.Choices[0].Message.Content != "scripted" {
		t.Fatal(err, resp)
	}
	resp, _ = client.Chat.Completions.Create(ctx, req("again"))
	if resp.Choices[0].Message.Content != "Echo: again" {
		t.Fatal("script not consumed")
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].Path != "/chat/completions" || reqs[0].Header.Get("Authorization") != "Bearer "+zaitest.DefaultAPIKey {
		t.Fatalf("%+v", reqs)
	}
	var sent zai.ChatCompletionRequest
	if err := reqs[0].Decode(&sent); err != nil || *sent.Temperature != 0 || sent.Messages[0].Content != "hi" {
		t.Fatal(err, sent)
	}
	if reqs[1].JSON()["model"] != zai.ModelGLM4_7 {
		t.Fatal(reqs[1].JSON())
	}
}

func TestScriptedErrorsAndRetries(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.ReplyError(429, "1302", "High concurrency").WithRetryAfter(10 * time.Millisecond)
	resp, err := srv.Client().Chat.Completions.Create(ctx, req("hi"))
	if err != nil || resp.Choices[0].Message.Content != "Echo: hi" || len(srv.Requests()) != 2 {
		t.Fatalf("429/1302 should be retried once and succeed: %v, %d requests", err, len(srv.Requests()))
	}
	srv.Reset()
	srv.ReplyError(429, "1113", "Insufficient balance").Times(5).AllowUnused() // the spares catch a retry
	_, err = srv.Client().Chat.Completions.Create(ctx, req("hi"))
	if !errors.Is(err, zai.ErrQuotaExceeded) || len(srv.Requests()) != 1 {
		t.Fatalf("1113: %v after %d requests", err, len(srv.Requests()))
	}
}

func TestScriptedRouting(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.ReplyError(500, "500", "boom").On("POST", "/embeddings")
	if _, err := srv.Client().Chat.Completions.Create(ctx, req("hi")); err != nil {
		t.Fatalf("a reply for another route answered chat: %v", err)
	}
	_, err := srv.Client().Embeddings.Create(ctx, zai.EmbeddingRequest{Model: zai.ModelEmbedding3, Input: zai.EmbeddingText("x")}, zai.WithMaxRetries(0))
	if !errors.Is(err, zai.ErrServer) {
		t.Fatalf("the reply for /embeddings did not answer it: %v", err)
	}
}

func TestScriptedStreamFaults(t *testing.T) {
	srv := zaitest.NewServer(t)
	client := srv.Client()

	srv.ReplyStream(zaitest.Reasoning("hm"), zaitest.Text("Hel"), zaitest.Text("lo"), zaitest.Finish("stop", 3, 2))
	stream, _ := client.Chat.Completions.CreateStream(ctx, req("hi"))
	var acc zai.ChatCompletionAccumulator
	for c, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		acc.Add(c)
	}
	if m := acc.Completion().Choices[0].Message; m.Content != "Hello" || m.ReasoningContent != "hm" || acc.Completion().Usage.TotalTokens != 5 {
		t.Fatalf("%+v", acc.Completion())
	}

	srv.ReplyStream(zaitest.Text("a"), zaitest.Text("b"), zaitest.Text("c")).DropAfter(2)
	stream, _ = client.Chat.Completions.CreateStream(ctx, req("hi"))
	var got []string
	var last error
	for c, err := range stream.All() {
		if err != nil {
			last = err
			break
		}
		got = append(got, c.Choices[0].Delta.Content)
	}
	if strings.Join(got, "") != "ab" || last == nil {
		t.Fatalf("dropped stream: %q %v", got, last)
	}

	srv.ReplyStream(zaitest.Text("a"), zaitest.Text("b")).StallAfter(1)
	stream, _ = client.Chat.Completions.CreateStream(ctx, req("hi"), zai.WithStreamIdleTimeout(50*time.Millisecond))
	n := 0
	for stream.Next() {
		n++
	}
	if n != 1 || !errors.Is(stream.Err(), zai.ErrTimeout) {
		t.Fatalf("stalled stream: %d chunks, %v", n, stream.Err())
	}

	srv.ReplyStream(`{"error":{"code":"1301","message":"unsafe"}}`)
	stream, _ = client.Chat.Completions.CreateStream(ctx, req("hi"))
	for stream.Next() {
	}
	if !errors.Is(stream.Err(), zai.ErrContentFiltered) {
		t.Fatalf("in-stream error: %v", stream.Err())
	}
}

func TestAsyncChatTask(t *testing.T) {
	srv := zaitest.NewServer(t, zaitest.WithTaskPolls(2))
	task, err := srv.Client().Chat.Completions.CreateAsync(ctx, req("later"))
	if err != nil || task.TaskStatus != zai.TaskStatusProcessing || task.ID == "" {
		t.Fatal(err, task)
	}
	var statuses []string
	for i := 0; i < 3; i++ {
		var res map[string]any
		getJSON(t, srv, "/async-result/"+task.ID, &res)
		statuses = append(statuses, res["task_status"].(string))
		if i == 2 {
			choice := res["choices"].([]any)[0].(map[string]any)
			if choice["message"].(map[string]any)["content"] != "Echo: later" {
				t.Fatalf("%v", res)
			}
		}
	}
	if strings.Join(statuses, ",") != "PROCESSING,PROCESSING,SUCCESS" {
		t.Fatal(statuses)
	}
}

func TestImagesVideosEmbeddingsSearch(t *testing.T) {
	srv := zaitest.NewServer(t)
	var img map[string]any
	postJSON(t, srv, "/images/generations", `{"model":"glm-image","prompt":"a cat"}`, &img)
	if url := img["data"].([]any)[0].(map[string]any)["url"].(string); !strings.HasPrefix(url, "https://zaitest.invalid/images/") {
		t.Fatal(img)
	}
	var task map[string]any
	postJSON(t, srv, "/videos/generations", `{"model":"cogvideox-3","prompt":"a cat"}`, &task)
	var res map[string]any
	getJSON(t, srv, "/async-result/"+task["id"].(string), &res)
	getJSON(t, srv, "/async-result/"+task["id"].(string), &res)
	if res["task_status"] != "SUCCESS" || res["video_result"] == nil {
		t.Fatal(res)
	}
	var emb struct {
		Data []struct {
			Index     int       `json:"index"`
			Embedding []float64 `json:"embedding"`
		} `json:"data"`
	}
	postJSON(t, srv, "/embeddings", `{"model":"embedding-3","input":["a cat","a dog"],"dimensions":64}`, &emb)
	if len(emb.Data) != 2 || len(emb.Data[1].Embedding) != 64 || emb.Data[1].Index != 1 {
		t.Fatalf("%+v", emb)
	}
	var search map[string]any
	postJSON(t, srv, "/web_search", `{"search_engine":"search-prime","search_query":"golang","count":2}`, &search)
	if len(search["search_result"].([]any)) != 2 {
		t.Fatal(search)
	}
	resp := do(t, srv, "GET", "/no/such/path", "")
	if resp.StatusCode != 404 {
		t.Fatal(resp.Status)
	}
}

func do(t *testing.T, srv *zaitest.Server, method, path, body string) *http.Response {
	t.Helper()
	r, _ := http.NewRequest(method, srv.URL()+path, strings.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+zaitest.DefaultAPIKey)
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func postJSON(t *testing.T, srv *zaitest.Server, path, body string, out any) {
	t.Helper()
	decode(t, do(t, srv, "POST", path, body), out)
}

func getJSON(t *testing.T, srv *zaitest.Server, path string, out any) {
	t.Helper()
	decode(t, do(t, srv, "GET", path, ""), out)
}

func decode(t *testing.T, resp *http.Response, out any) {
	t.Helper()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %s", resp.Status, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatal(err)
	}
}

func TestServicesAgainstDefaults(t *testing.T) {
	srv := zaitest.NewServer(t, zaitest.WithTaskPolls(2))
	client := srv.Client(zai.WithPollInterval(time.Millisecond))

	img, err := client.Images.Generate(ctx, zai.ImageRequest{Model: zai.ModelGLMImage, Prompt: "a cat", Size: "1280x1280"})
	if err != nil || len(img.Data) != 1 || !strings.HasPrefix(img.Data[0].URL, "https://zaitest.invalid/images/") {
		t.Fatalf("%v %+v", err, img)
	}

	var progress []string
	res, err := client.Videos.GenerateAndWait(ctx, zai.VideoRequest{Model: zai.ModelCogVideoX3, Prompt: "a cat"},
		zai.WithPollProgress(func(p zai.PollProgress) { progress = append(progress, p.Status) }))
	if err != nil || len(res.VideoResult) != 1 || !strings.HasSuffix(res.VideoResult[0].URL, ".mp4") || res.VideoResult[0].CoverImageURL == "" {
		t.Fatalf("%v %+v", err, res)
	}
	if fmt.Sprint(progress) != "[PROCESSING PROCESSING SUCCESS]" {
		t.Fatalf("progress %v", progress)
	}

	task, err := client.Chat.Completions.CreateAsync(ctx, req("async please"))
	if err != nil {
		t.Fatal(err)
	}
	done, err := client.AsyncResult.Wait(ctx, task.ID)
	if err != nil || done.Choices[0].Message.Content != "Echo: async please" || done.Usage.TotalTokens == 0 {
		t.Fatalf("%v %+v", err, done)
	}

	emb, err := client.Embeddings.Create(ctx, zai.EmbeddingRequest{Model: zai.ModelEmbedding3, Input: zai.EmbeddingTexts("a cat", "a dog"), Dimensions: zai.Ptr(64)})
	if err != nil || len(emb.Data) != 2 || len(emb.Data[1].Embedding) != 64 || emb.Data[1].Index != 1 || emb.Usage.TotalTokens == 0 {
		t.Fatalf("%v %+v", err, emb)
	}
	found, err := client.WebSearch.Search(ctx, zai.WebSearchRequest{SearchEngine: zai.SearchEnginePrime, SearchQuery: "golang", Count: zai.Ptr(2)})
	if err != nil || len(found.SearchResult) != 2 || found.SearchResult[0].Link == "" || found.SearchIntent[0].Query != "golang" {
		t.Fatalf("%v %+v", err, found)
	}

	srv.Reply(`{"id":"t","task_status":"FAIL","error":{"code":"1301","message":"unsafe prompt"}}`).On("GET", "/async-result/"+task.ID)
	if _, err := client.AsyncResult.Wait(ctx, task.ID); !errors.Is(err, zai.ErrTaskFailed) {
		t.Fatalf("FAIL: %v", err)
	}
}
