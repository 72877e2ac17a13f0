package zai_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

type forecast struct {
	City  string   `json:"city" jsonschema:"the city asked about"`
	TempC float64  `json:"temp_c"`
	Notes []string `json:"notes,omitempty"`
}

func structuredReq() zai.ChatCompletionRequest {
	return zai.ChatCompletionRequest{Model: zai.ModelGLM4_7, Messages: []zai.Message{zai.UserMessage("Weather in Paris?")}}
}

func decodeChat(t *testing.T, r zaitest.Request) zai.ChatCompletionRequest {
	t.Helper()
	var req zai.ChatCompletionRequest
	if err := r.Decode(&req); err != nil {
		t.Fatal(err)
	}
	return req
}

func TestCreateStructuredSendsSchemaAndFormat(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.ReplyContent(`{"city":"Paris","temp_c":21.5,"notes":["sunny"]}`)
	req := structuredReq()
	f, resp, err := zai.CreateStructured[forecast](context.Background(), srv.Client(), req)
	if err != nil {
		t.Fatal(err)
	}
	if f.City != "Paris" || f.TempC != 21.5 || len(f.Notes) != 1 || resp == nil {
		t.Fatalf("got %+v, %v", f, resp)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	sent := decodeChat(t, reqs[0])
	if sent.ResponseFormat == nil || sent.ResponseFormat.Type != "json_object" {
		t.Errorf("response_format = %+v, want json_object", sent.ResponseFormat)
	}
	if len(sent.Messages) != 2 || sent.Messages[0].Role != zai.RoleSystem || sent.Messages[1].Content != "Weather in Paris?" {
		t.Fatalf("messages = %+v", sent.Messages)
	}
	schema, _ := zai.SchemaFor[forecast]()
	for _, want := range []string{"JSON Schema", `"temp_c"`, `"the city asked about"`, `"required":["city","temp_c"]`} {
		if !strings.Contains(sent.Messages[0].Content, want) {
			t.Errorf("system message lacks %s:\n%s (schema %v)", want, sent.Messages[0].Content, schema)
		}
	}
	if len(req.Messages) != 1 || req.ResponseFormat != nil {
		t.Errorf("the caller's request was changed: %+v", req)
	}
}

func TestCreateStructuredJoinsTheUsersSystemMessage(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.ReplyContent(`{"city":"Paris","temp_c":1}`)
	req := structuredReq()
	req.Messages = append([]zai.Message{zai.SystemMessage("You are a meteorologist.")}, req.Messages...)
	req.ResponseFormat = &zai.ResponseFormat{Type: "text"}
	if _, _, err := zai.CreateStructured[forecast](context.Background(), srv.Client(), req); err != nil {
		t.Fatal(err)
	}
	sent := decodeChat(t, srv.Requests()[0])
	if len(sent.Messages) != 2 || !strings.HasPrefix(sent.Messages[0].Content, "You are a meteorologist.\n\n") ||
		!strings.Contains(sent.Messages[0].Content, "JSON Schema") {
		t.Fatalf("messages = %+v", sent.Messages)
	}
	if sent.ResponseFormat.Type != "text" {
		t.Errorf("the user's response_format was rewritten to %q", sent.ResponseFormat.Type)
	}
}

func TestCreateStructuredStripsFencesAndProse(t *testing.T) {
	replies := []string{
		"```json\n{\"city\":\"Paris\",\"temp_c\":3}\n```",
		"Here is the forecast:\n\n```\n{\"city\":\"Paris\",\"temp_c\":3}\n```\nAnything else?",
		"Sure! {\"city\":\"Paris\",\"temp_c\":3}",
		"  {\"city\":\"Paris\",\"temp_c\":3}\n",
	}
	for _, reply := range replies {
		srv := zaitest.NewServer(t)
		srv.ReplyContent(reply)
		f, _, err := zai.CreateStructured[forecast](context.Background(), srv.Client(), structuredReq())
		if err != nil || f.City != "Paris" || f.TempC != 3 {
			t.Errorf("%q: got %+v, %v", reply, f, err)
		}
		if n := len(srv.Requests()); n != 1 {
			t.Errorf("%q: %d requests, want 1 (no repair needed)", reply, n)
		}
	}
}

func TestCreateStructuredRepairsOnce(t *testing.T) {
	srv := zaitest.NewServer(t)
	bad := zai.Message{Role: zai.RoleAssistant, Content: `{"city":"Paris"}`, ReasoningContent: "I forgot the temperature."}
	srv.ReplyMessage(bad)
	srv.ReplyContent(`{"city":"Paris","temp_c":18}`)
	req := structuredReq()
	req.Thinking = &zai.Thinking{Type: zai.ThinkingTypeEnabled}
	f, _, err := zai.CreateStructured[forecast](context.Background(), srv.Client(), req)
	if err != nil || f.TempC != 18 {
		t.Fatalf("got %+v, %v", f, err)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want exactly 2", len(reqs))
	}
	second := decodeChat(t, reqs[1]).Messages
	if len(second) != 4 {
		t.Fatalf("repair turn has %d messages, want system, user, assistant, user", len(second))
	}
	if a := second[2]; a.Role != zai.RoleAssistant || a.Content != bad.Content || a.ReasoningContent != bad.ReasoningContent {
		t.Errorf("the bad reply was not sent back as received: %+v", a)
	}
	if u := second[3]; u.Role != zai.RoleUser || !strings.Contains(u.Content, "temp_c") {
		t.Errorf("the repair message does not name the error: %+v", u)
	}
	first := decodeChat(t, reqs[0]).Messages
	if len(first) != 2 {
		t.Errorf("the repair turn changed the first request's messages: %d", len(first))
	}
}

func TestCreateStructuredFailsAfterRepair(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.ReplyContent(`not json at all`)
	srv.ReplyContent(`{"city":"Paris","temp_c":"warm"}`)
	_, resp, err := zai.CreateStructured[forecast](context.Background(), srv.Client(), structuredReq())
	if !errors.Is(err, zai.ErrStructuredOutput) {
		t.Fatalf("err = %v, want ErrStructuredOutput", err)
	}
	var se *zai.StructuredOutputError
	if !errors.As(err, &se) || se.Content != `{"city":"Paris","temp_c":"warm"}` || se.Err == nil {
		t.Fatalf("error = %#v", err)
	}
	if resp == nil || resp.Choices[0].Message.Content != se.Content {
		t.Errorf("the last completion should come with the error: %v", resp)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want exactly 2", len(reqs))
	}
	if repair := decodeChat(t, reqs[1]).Messages[3].Content; !strings.Contains(repair, "not JSON") {
		t.Errorf("repair message %q does not say the reply was not JSON", repair)
	}
}

func TestCreateStructuredWithThinking(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.ReplyMessage(zai.Message{Content: `{"city":"Oslo","temp_c":-4}`, ReasoningContent: "Cold {maybe} [snow]"})
	f, resp, err := zai.CreateStructured[forecast](context.Background(), srv.Client(), structuredReq())
	if err != nil || f.City != "Oslo" || f.TempC != -4 {
		t.Fatalf("got %+v, %v", f, err)
	}
	if resp.Choices[0].Message.ReasoningContent == "" {
		t.Error("the reasoning should stay on the completion")
	}
}

func TestCreateStructuredAPIError(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.ReplyError(400, "1214", "bad messages")
	_, _, err := zai.CreateStructured[forecast](context.Background(), srv.Client(), structuredReq())
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "1214" || errors.Is(err, zai.ErrStructuredOutput) {
		t.Fatalf("err = %v", err)
	}
}

func TestCreateStructuredNonObject(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.ReplyContent("```json\n[\"a\",\"b\"]\n```")
	got, _, err := zai.CreateStructured[[]string](context.Background(), srv.Client(), structuredReq())
	if err != nil || len(got) != 2 {
		t.Fatalf("got %v, %v", got, err)
	}
	if rf := decodeChat(t, srv.Requests()[0]).ResponseFormat; rf != nil {
		t.Errorf("json_object would force an object; sent %+v for an array", rf)
	}
}

func TestCreateStructuredStream(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.ReplyStreamMessage(zai.Message{Content: `{"city": "Paris"}`, ReasoningContent: "thinking hard"})
	srv.ReplyStreamMessage(zai.Message{Content: "```json\n{\"city\": \"Paris\", \"temp_c\": 20}\n```"})
	var text [3]strings.Builder
	var reasoning strings.Builder
	var final *zai.StructuredChunk[forecast]
	for step, err := range zai.CreateStructuredStream[forecast](context.Background(), srv.Client(), structuredReq()) {
		if err != nil {
			t.Fatal(err)
		}
		if final != nil {
			t.Fatal("a step after Done")
		}
		if step.Done {
			final = &step
			continue
		}
		text[step.Attempt].WriteString(step.Content)
		reasoning.WriteString(step.ReasoningContent)
	}
	if final == nil || final.Value.City != "Paris" || final.Value.TempC != 20 || final.Attempt != 2 || final.Completion == nil {
		t.Fatalf("final = %+v", final)
	}
	if text[1].String() != `{"city": "Paris"}` || !strings.Contains(text[2].String(), `"temp_c": 20`) || reasoning.String() != "thinking hard" {
		t.Errorf("partial text: %q, %q, reasoning %q", text[1].String(), text[2].String(), reasoning.String())
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].JSON()["stream"] != true {
		t.Fatalf("%d requests (stream=%v), want 2 streamed", len(reqs), reqs[0].JSON()["stream"])
	}
}

func TestCreateStructuredStreamFails(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.ReplyStreamMessage(zai.Message{Content: `{}`}).Times(2)
	var got error
	var last zai.StructuredChunk[forecast]
	for step, err := range zai.CreateStructuredStream[forecast](context.Background(), srv.Client(), structuredReq()) {
		last, got = step, err
	}
	if !errors.Is(got, zai.ErrStructuredOutput) || last.Completion == nil || last.Done {
		t.Fatalf("last = %+v, err = %v", last, got)
	}
}

func TestCreateStructuredStreamBreak(t *testing.T) {
	srv := zaitest.NewServer(t)
	srv.ReplyStreamMessage(zai.Message{Content: `{"city": "Paris", "temp_c": 20}`})
	n := 0
	for range zai.CreateStructuredStream[forecast](context.Background(), srv.Client(), structuredReq()) {
		n++
		break
	}
	if n != 1 || len(srv.Requests()) != 1 {
		t.Fatalf("n = %d, requests = %d", n, len(srv.Requests()))
	}
}
