package zai_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/zai-go/zai"
)

// Shapes quoted in reference/api-and-go-peers.md §B.5 "Agents" and in the
// Z.ai OpenAPI document (TranslationAgentResponse, CommonAgentResultResponse,
// GlmSlideAgentResponse, GlmSlideAgentConversationResponse), with values
// filled in.
const (
	translationReply = `{"id":"20260711062025a","agent_id":"general_translation","status":"success",` +
		`"choices":[{"index":0,"finish_reason":"stop","messages":{"role":"assistant","content":{"type":"text","text":"你好"}}}],` +
		`"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15,"total_calls":1}}`
	// The OpenAPI example sends messages as a list.
	translationReplyList = `{"id":"x","agent_id":"general_translation",` +
		`"choices":[{"index":0,"finish_reason":"stop","messages":[{"role":"assistant","content":{"text":"Bonjour","type":"text"}}]}]}`
	videoPending = `{"status":"pending","agent_id":"vidu_template_agent","async_id":"async-42"}`
	videoSuccess = `{"status":"success","agent_id":"vidu_template_agent","async_id":"async-42",` +
		`"choices":[{"index":0,"finish_reason":"stop","message":[{"role":"assistant","content":[{"type":"video_url","video_url":"https://cdn.example.com/v.mp4"}]}]}]}`
	slidesConversation = `{"conversation_id":"conv-1","agent_id":"slides_glm_agent","choices":[{"message":[{"role":"assistant","content":[` +
		`{"type":"file_url","tag_cn":"文件","tag_en":"file","file_url":"https://cdn.example.com/deck.pdf"},` +
		`{"type":"image_url","tag_cn":"图片","tag_en":"image","image_url":"https://cdn.example.com/p1.png"}]}]}]}`
)

func respondJSON(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.Header().Set("X-Log-Id", "log-123")
		fmt.Fprint(w, body)
	}
}

func TestAgentsTranslationRecordedRequestAnd200Failure(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/recorded/error_agents_200_failed.json", "application/json;charset=UTF-8"))
	req := zai.NewTranslationRequest("hello", zai.TranslationVariables{SourceLang: "auto", TargetLang: "zh-CN"})
	res, err := client.Agents.Invoke(context.Background(), req)
	if res != nil {
		t.Fatalf("a failed agent returned a result: %+v", res)
	}
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("want *APIError, got %T %v", err, err)
	}
	if apiErr.StatusCode != 200 || apiErr.InStream || apiErr.Code != "1113" ||
		apiErr.Message != "Your account balance is insufficient. Please recharge and try again." || apiErr.RequestID != "log-123" {
		t.Fatalf("%+v", apiErr)
	}
	if !errors.Is(err, zai.ErrQuotaExceeded) {
		t.Fatal("1113 in a 200 body is still a quota error")
	}
	if len(rec.requests()) != 1 {
		t.Fatalf("a 200 failure must not be retried: %d requests", len(rec.requests()))
	}
	got := rec.last(t)
	if got.Method != "POST" || got.Path != "/api/v1/agents" {
		t.Fatalf("%s %s", got.Method, got.Path)
	}
	// The recorded request lacks "stream"; Invoke sends false, since the
	// slides agent streams unless told not to.
	assertSameJSON(t, readFile(t, "testdata/recorded/agents_invoke_translation_request.json"), withoutStreamFalse(t, got.Body))
}

// withoutStreamFalse checks that body says "stream": false and drops it.
func withoutStreamFalse(t *testing.T, body []byte) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	if v, ok := m["stream"]; !ok || v != false {
		t.Fatalf(`Invoke must send "stream": false, got %v in %s`, v, body)
	}
	delete(m, "stream")
	out, _ := json.Marshal(m)
	return out
}

func TestAgentsPathsUnderAPIRootForEveryHost(t *testing.T) {
	rec, _ := newRecorder(t, respondJSON(videoSuccess))
	calls := map[string]func(*zai.Client) error{
		"/v1/agents": func(c *zai.Client) error {
			_, err := c.Agents.Invoke(context.Background(), zai.NewTranslationRequest("hi", zai.TranslationVariables{}))
			return err
		},
		"/v1/agents/async-result": func(c *zai.Client) error {
			_, err := c.Agents.GetAsyncResult(context.Background(), zai.AgentAsyncResultRequest{AgentID: zai.AgentVideoEffects, AsyncID: "a"})
			return err
		},
		"/v1/agents/conversation": func(c *zai.Client) error {
			_, err := c.Agents.GetConversation(context.Background(), zai.AgentConversationRequest{AgentID: zai.AgentSlides, ConversationID: "c"})
			return err
		},
	}
	for _, tt := range []struct {
		name string
		opts []zai.Option
		root string
	}{
		{"international", []zai.Option{zai.WithBaseURL(rec.srv.URL + "/api/paas/v4")}, "/api"},
		{"coding", []zai.Option{zai.WithBaseURL(rec.srv.URL + "/api/coding/paas/v4")}, "/api"},
		{"override", []zai.Option{zai.WithBaseURL(rec.srv.URL + "/api/paas/v4"), zai.WithAgentsBaseURL(rec.srv.URL + "/gateway")}, "/gateway"},
	} {
		client, err := zai.NewClient(append([]zai.Option{zai.WithAPIKey("k")}, tt.opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		for path, call := range calls {
			if err := call(client); err != nil {
				t.Fatalf("%s %s: %v", tt.name, path, err)
			}
			if got := rec.last(t).Path; got != tt.root+path {
				t.Errorf("%s: server saw %s, want %s", tt.name, got, tt.root+path)
			}
		}
	}
}

func TestAgentsTranslationReply(t *testing.T) {
	for _, body := range []string{translationReply, translationReplyList} {
		_, client := newRecorder(t, respondJSON(body))
		res, err := client.Agents.Invoke(context.Background(), zai.NewTranslationRequest("hello", zai.TranslationVariables{TargetLang: "zh-CN"}))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{translationReply: "你好", translationReplyList: "Bonjour"}[body]
		if res.Text() != want || res.Choices[0].FinishReason != "stop" || res.Choices[0].Messages[0].Role != "assistant" {
			t.Fatalf("%q %+v", res.Text(), res.Choices)
		}
		if string(res.RawJSON()) != body {
			t.Fatal("RawJSON")
		}
	}
	_, client := newRecorder(t, respondJSON(translationReply))
	res, _ := client.Agents.Invoke(context.Background(), zai.NewTranslationRequest("hello", zai.TranslationVariables{}))
	if res.Status != zai.AgentStatusSuccess || res.Usage == nil || res.Usage.TotalTokens != 15 || res.Usage.TotalCalls != 1 {
		t.Fatalf("%+v %+v", res, res.Usage)
	}
}

func TestAgentsRequestGolden(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(videoPending))
	obj, err := zai.AgentObject(map[string]any{"k": 1})
	if err != nil {
		t.Fatal(err)
	}
	req := zai.AgentRequest{
		AgentID: "custom_agent",
		Messages: []zai.AgentMessage{zai.AgentUserMessage(
			zai.AgentText("look"),
			zai.AgentImageURL("https://example.com/a.png"),
			zai.AgentVideoURL("https://example.com/a.mp4"),
			obj,
			zai.AgentFileID("agent-1750681215-9b92722d788f4b32bab28cc333293584"),
		)},
		CustomVariables: map[string]any{"template": "bodyshake"},
		ConversationID:  "conv-1",
		RequestID:       "req-000001",
		UserID:          "user-000001",
		SensitiveWordCheck: &zai.SensitiveWordCheck{
			Type: "ALL", Status: "DISABLE",
		},
	}
	if _, err := client.Agents.Invoke(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	assertGoldenJSON(t, "agents_every_field.json", rec.last(t).Body)

	// The body decodes back into the request.
	var back zai.AgentRequest
	if err := json.Unmarshal(rec.last(t).Body, &back); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(back)
	assertSameJSON(t, withoutStreamFalse(t, rec.last(t).Body), again)
}

func TestAgentsVideoEffectsInvokeThenWait(t *testing.T) {
	rec, _ := newRecorder(t, sequence(jsonReplies(videoPending, videoPending, videoPending, videoSuccess)...))
	var gaps []time.Duration
	sleep := func(ctx context.Context, d time.Duration) error { gaps = append(gaps, d); return nil }
	client, err := zai.NewClient(zai.WithAPIKey("k"), zai.WithBaseURL(rec.srv.URL+"/api/paas/v4"), zai.WithTestHooks(sleep, nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	task, err := client.Agents.Invoke(context.Background(), zai.NewVideoEffectsRequest("french_kiss", "They kiss", "https://example.com/couple.png"))
	if err != nil {
		t.Fatal(err)
	}
	if task.Status != zai.AgentStatusPending || task.AsyncID != "async-42" || task.AgentID != zai.AgentVideoEffects {
		t.Fatalf("%+v", task)
	}
	assertSameJSON(t, []byte(`{"agent_id":"vidu_template_agent","custom_variables":{"template":"french_kiss"},`+
		`"messages":[{"role":"user","content":[{"type":"text","text":"They kiss"},{"type":"image_url","image_url":"https://example.com/couple.png"}]}]}`),
		withoutStreamFalse(t, rec.last(t).Body))

	res, err := client.Agents.Wait(context.Background(), zai.AgentAsyncResultRequest{AgentID: task.AgentID, AsyncID: task.AsyncID})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.VideoURLs(); len(got) != 1 || got[0] != "https://cdn.example.com/v.mp4" {
		t.Fatalf("%v", got)
	}
	if want := []time.Duration{2 * time.Second, 3 * time.Second}; fmt.Sprint(gaps) != fmt.Sprint(want) {
		t.Fatalf("gaps %v, want %v", gaps, want)
	}
	reqs := rec.requests()
	if len(reqs) != 4 {
		t.Fatalf("%d requests", len(reqs))
	}
	for _, r := range reqs[1:] {
		if r.Path != "/api/v1/agents/async-result" {
			t.Fatal(r.Path)
		}
		assertSameJSON(t, []byte(`{"agent_id":"vidu_template_agent","async_id":"async-42"}`), r.Body)
	}
}

func TestAgentsWaitBackoffIsCapped(t *testing.T) {
	bodies := make([]string, 9)
	for i := range bodies {
		bodies[i] = videoPending
	}
	bodies[8] = videoSuccess
	rec, _ := newRecorder(t, sequence(jsonReplies(bodies...)...))
	var gaps []time.Duration
	sleep := func(ctx context.Context, d time.Duration) error { gaps = append(gaps, d); return nil }
	client, _ := zai.NewClient(zai.WithAPIKey("k"), zai.WithBaseURL(rec.srv.URL+"/api/paas/v4"), zai.WithTestHooks(sleep, nil, nil))
	if _, err := client.Agents.Wait(context.Background(), zai.AgentAsyncResultRequest{AgentID: "a", AsyncID: "b"}); err != nil {
		t.Fatal(err)
	}
	// The AsyncResult.Wait schedule: 1.5x per poll, capped at MaxPollInterval.
	want := "[2s 3s 4.5s 6.75s 10.125s 15.1875s 22.78125s 30s]"
	if fmt.Sprint(gaps) != want {
		t.Fatalf("gaps %v, want %s", gaps, want)
	}
}

func TestAgentsAsyncResultRecordedFailure(t *testing.T) {
	rec, client := newRecorder(t, respondFile(t, "testdata/recorded/agents_async_result_200_failed.json", "application/json;charset=UTF-8"))
	var recorded zai.AgentAsyncResultRequest
	if err := json.Unmarshal(readFile(t, "testdata/recorded/agents_async_result_request.json"), &recorded); err != nil {
		t.Fatal(err)
	}
	_, err := client.Agents.GetAsyncResult(context.Background(), recorded)
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 200 || apiErr.Code != "400" || apiErr.Message != "custom_variables is required" {
		t.Fatalf("%T %v", err, err)
	}
	if errors.Is(err, zai.ErrTaskFailed) {
		t.Fatal("AsyncResult reports the API error itself; only Wait says the task failed")
	}
	assertSameJSON(t, readFile(t, "testdata/recorded/agents_async_result_request.json"), rec.last(t).Body)

	// Wait stops at the failure: an ErrTaskFailed that is also the *APIError.
	_, err = client.Agents.Wait(context.Background(), recorded)
	if !errors.Is(err, zai.ErrTaskFailed) || !errors.As(err, &apiErr) || apiErr.Code != "400" {
		t.Fatalf("%v", err)
	}
	if n := len(rec.requests()); n != 2 {
		t.Fatalf("Wait polled %d times after a failure", n-1)
	}
}

func TestAgentsWaitHTTPErrorIsNotTaskFailed(t *testing.T) {
	_, client := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error":{"code":"1222","message":"no such task"}}`)
	})
	_, err := client.Agents.Wait(context.Background(), zai.AgentAsyncResultRequest{AgentID: "a", AsyncID: "b"})
	if !errors.Is(err, zai.ErrNotFound) || errors.Is(err, zai.ErrTaskFailed) {
		t.Fatalf("%v", err)
	}
}

func TestAgentsWaitStopsWhenContextEnds(t *testing.T) {
	rec, _ := newRecorder(t, respondJSON(videoPending))
	// No test hooks: the real sleep must give way to the context.
	client, _ := zai.NewClient(zai.WithAPIKey("k"), zai.WithBaseURL(rec.srv.URL+"/api/paas/v4"))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := client.Agents.Wait(ctx, zai.AgentAsyncResultRequest{AgentID: "a", AsyncID: "b"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("%v", err)
	}
	if time.Since(start) > 1500*time.Millisecond {
		t.Fatalf("Wait outlived its context by %v", time.Since(start))
	}
}

func TestAgentsSlidesStreamPhases(t *testing.T) {
	// Phases as quoted in §B.5 (slides agent) and GlmSlideAgentResponse.
	rec, client := newRecorder(t, sseHandler(
		`data: {"id":"s1","conversation_id":"conv-1","agent_id":"slides_glm_agent","choices":[{"index":0,"message":[{"role":"assistant","phase":"thinking","content":[{"type":"text","tag_cn":"思考","tag_en":"thinking","text":"Planning"}]}]}]}`+"\n\n",
		`data: {"id":"s1","conversation_id":"conv-1","agent_id":"slides_glm_agent","choices":[{"index":0,"message":[{"role":"assistant","phase":"tool","content":[{"type":"object","tag_en":"insert","object":{"tool_name":"insert_page","input":"page 3","output":"<html>3</html>","position":[3]}}]}]}]}`+"\n\n",
		`data: {"id":"s1","conversation_id":"conv-1","agent_id":"slides_glm_agent","choices":[{"index":0,"finish_reason":"stop","message":[{"role":"assistant","phase":"answer","content":[{"type":"text","text":"Done."}]}]}]}`+"\n\n",
		"data: [DONE]\n\n",
	))
	stream, err := client.Agents.InvokeStream(context.Background(), zai.NewSlidesRequest("Three slides on Go", ""))
	if err != nil {
		t.Fatal(err)
	}
	var phases []string
	var tool zai.AgentToolCall
	var answer string
	for chunk, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range chunk.Choices[0].Messages {
			phases = append(phases, m.Phase)
			for _, c := range m.Content {
				if call, ok := c.ToolCall(); ok {
					tool = call
				}
			}
			if m.Phase == "answer" {
				answer = m.Text()
			}
		}
		if chunk.ConversationID != "conv-1" || len(chunk.RawJSON()) == 0 {
			t.Fatalf("%+v", chunk)
		}
	}
	if strings.Join(phases, ",") != "thinking,tool,answer" || answer != "Done." {
		t.Fatalf("%v %q", phases, answer)
	}
	if tool.ToolName != "insert_page" || tool.Input != "page 3" || tool.Output != "<html>3</html>" || len(tool.Position) != 1 || tool.Position[0] != 3 {
		t.Fatalf("%+v", tool)
	}
	got := rec.last(t)
	if got.Path != "/api/v1/agents" || got.Header.Get("Accept") != "text/event-stream" {
		t.Fatalf("%s %s", got.Path, got.Header.Get("Accept"))
	}
	assertSameJSON(t, []byte(`{"agent_id":"slides_glm_agent","stream":true,"messages":[{"role":"user","content":[{"type":"text","text":"Three slides on Go"}]}]}`), got.Body)
}

func TestAgentsStreamFailureAsJSONBody(t *testing.T) {
	_, client := newRecorder(t, respondFile(t, "testdata/recorded/error_agents_200_failed.json", "application/json;charset=UTF-8"))
	stream, err := client.Agents.InvokeStream(context.Background(), zai.NewSlidesRequest("x", ""))
	if stream != nil {
		stream.Close()
		t.Fatal("a failure body must not become a stream")
	}
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 200 || apiErr.InStream || apiErr.Code != "1113" {
		t.Fatalf("%v", err)
	}
}

func TestAgentsStreamPlainJSONReplyIsOneChunk(t *testing.T) {
	_, client := newRecorder(t, respondJSON("\n  "+translationReply))
	stream, err := client.Agents.InvokeStream(context.Background(), zai.NewTranslationRequest("hello", zai.TranslationVariables{}))
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for chunk, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, chunk.Text())
	}
	if len(texts) != 1 || texts[0] != "你好" {
		t.Fatalf("%q", texts)
	}
}

func TestAgentsStreamInStreamError(t *testing.T) {
	_, client := newRecorder(t, sseHandler(
		`data: {"id":"s1","agent_id":"slides_glm_agent","status":"failed","error":{"code":"1301","message":"unsafe"}}`+"\n\n",
	))
	stream, err := client.Agents.InvokeStream(context.Background(), zai.NewSlidesRequest("x", ""))
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	if stream.Next() {
		t.Fatal("an error event is not a chunk")
	}
	var apiErr *zai.APIError
	if !errors.As(stream.Err(), &apiErr) || !apiErr.InStream || !errors.Is(stream.Err(), zai.ErrContentFiltered) {
		t.Fatalf("%v", stream.Err())
	}
}

func TestAgentsConversation(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(slidesConversation))
	res, err := client.Agents.GetConversation(context.Background(), zai.AgentConversationRequest{
		AgentID:        zai.AgentSlides,
		ConversationID: "conv-1",
		CustomVariables: zai.SlidesExportVariables{IncludePDF: true, Pages: []zai.SlidesPage{
			{Position: 1, Width: 960, Height: 540},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, []byte(`{"agent_id":"slides_glm_agent","conversation_id":"conv-1",`+
		`"custom_variables":{"include_pdf":true,"pages":[{"position":1,"width":960,"height":540}]}}`), rec.last(t).Body)
	if f := res.FileURLs(); len(f) != 1 || f[0] != "https://cdn.example.com/deck.pdf" {
		t.Fatalf("%v", f)
	}
	if im := res.ImageURLs(); len(im) != 1 || im[0] != "https://cdn.example.com/p1.png" {
		t.Fatalf("%v", im)
	}
	if c := res.Contents(); c[0].TagEN != "file" || c[1].TagCN != "图片" {
		t.Fatalf("%+v", c)
	}
}

func TestAgentsBadInputSendsNothing(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(videoSuccess))
	ctx := context.Background()
	_, err1 := client.Agents.Invoke(ctx, zai.AgentRequest{Messages: []zai.AgentMessage{zai.AgentUserMessage(zai.AgentText("x"))}})
	_, err2 := client.Agents.Invoke(ctx, zai.AgentRequest{AgentID: "a"})
	_, err3 := client.Agents.InvokeStream(ctx, zai.AgentRequest{AgentID: "a"})
	_, err4 := client.Agents.GetAsyncResult(ctx, zai.AgentAsyncResultRequest{AgentID: "a"})
	_, err5 := client.Agents.GetAsyncResult(ctx, zai.AgentAsyncResultRequest{AsyncID: "b"})
	_, err6 := client.Agents.Wait(ctx, zai.AgentAsyncResultRequest{AgentID: "a"})
	_, err7 := client.Agents.GetConversation(ctx, zai.AgentConversationRequest{AgentID: "a"})
	_, err8 := client.Agents.GetConversation(ctx, zai.AgentConversationRequest{ConversationID: "c"})
	_, err9 := zai.AgentObject(func() {})
	for i, err := range []error{err1, err2, err3, err4, err5, err6, err7, err8, err9} {
		if !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("case %d: %v", i+1, err)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}

func TestAgentContentsDecodeEveryForm(t *testing.T) {
	for in, want := range map[string]string{
		`"plain"`:                      "plain",
		`{"type":"text","text":"one"}`: "one",
		`[{"type":"text","text":"a"},{"type":"text","text":"b"}]`: "ab",
		`null`: "",
	} {
		var c zai.AgentContents
		if err := json.Unmarshal([]byte(in), &c); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		res := zai.AgentResponse{Choices: []zai.AgentChoice{{Messages: []zai.AgentMessage{{Content: c}}}}}
		if res.Text() != want {
			t.Errorf("%s: %q", in, res.Text())
		}
	}
	// A tool call whose input is an object keeps the object's JSON text.
	var tc zai.AgentToolCall
	if err := json.Unmarshal([]byte(`{"tool_name":"search","input":{"q":"go"},"output":null}`), &tc); err != nil || tc.Input != `{"q":"go"}` || tc.Output != "" {
		t.Fatalf("%+v %v", tc, err)
	}
	if _, ok := (zai.AgentContent{Type: "text", Text: "x"}).ToolCall(); ok {
		t.Fatal("a text item is not a tool call")
	}
}

// A reply's audio item (BigModel AgentResponse: content types text,
// file_url, image_url, audio_url, video_url) reaches AudioURLs; the drawing
// agent takes free-form custom variables as a map.
func TestAgentsAudioReplyAndFreeFormVariables(t *testing.T) {
	reply := `{"id":"a1","agent_id":"ai_drawing_agent","status":"success","choices":[{"index":0,"finish_reason":"stop",` +
		`"messages":[{"role":"assistant","content":[{"type":"text","text":"done"},` +
		`{"type":"audio_url","audio_url":"https://cdn.example.com/a.mp3"},{"type":"image_url","image_url":"https://cdn.example.com/p.png"}]}]}]}`
	rec, client := newRecorder(t, respondJSON(reply))
	res, err := client.Agents.Invoke(context.Background(), zai.AgentRequest{
		AgentID:         zai.AgentDrawing,
		Messages:        []zai.AgentMessage{zai.AgentUserMessage(zai.AgentText("a red kite"))},
		CustomVariables: map[string]any{"style": "watercolor", "count": 2},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.AudioURLs(); len(got) != 1 || got[0] != "https://cdn.example.com/a.mp3" {
		t.Fatalf("audio %v", got)
	}
	if got := res.ImageURLs(); len(got) != 1 || got[0] != "https://cdn.example.com/p.png" || res.Text() != "done" {
		t.Fatalf("images %v, text %q", got, res.Text())
	}
	var body struct {
		AgentID         string         `json:"agent_id"`
		CustomVariables map[string]any `json:"custom_variables"`
	}
	if err := json.Unmarshal(rec.last(t).Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.AgentID != "ai_drawing_agent" || body.CustomVariables["style"] != "watercolor" || body.CustomVariables["count"] != 2.0 {
		t.Fatalf("%+v", body)
	}
	for id, want := range map[string]string{
		zai.AgentReceiptRecognition: "receipt_recognition_agent",
		zai.AgentClothesRecognition: "clothes_recognition_agent",
		zai.AgentEducationSolve:     "intelligent_education_solve_agent",
	} {
		if id != want {
			t.Errorf("%q, want %q", id, want)
		}
	}
}
