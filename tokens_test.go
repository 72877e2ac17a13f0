package zai_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/zai-go/zai"
)

// withCounts rewrites the usage numbers of a recorded body: each "from"
// becomes "to", and every one must be present.
func withCounts(t *testing.T, body []byte, pairs ...string) []byte {
	t.Helper()
	for i := 0; i < len(pairs); i += 2 {
		if !bytes.Contains(body, []byte(pairs[i])) {
			t.Fatalf("fixture has no %s", pairs[i])
		}
		body = bytes.ReplaceAll(body, []byte(pairs[i]), []byte(pairs[i+1]))
	}
	return body
}

// The specification types token counts as "number": 5.0 and 1e2 are counts.
func TestTokenCountsAcceptIntegralNumbers(t *testing.T) {
	body := withCounts(t, readFile(t, "testdata/recorded/chat_simple.json"),
		`"completion_tokens":249`, `"completion_tokens":249.0`,
		`"reasoning_tokens":239`, `"reasoning_tokens":2.39e2`,
		`"prompt_tokens":15`, `"prompt_tokens":15.000`,
		`"cached_tokens":3`, `"cached_tokens":30E-1`,
		`"total_tokens":264`, `"total_tokens":0.264e+3`)
	_, client := newRecorder(t, respondJSON(string(body)))
	resp, err := client.Chat.Completions.Create(context.Background(), hiReq)
	if err != nil {
		t.Fatal(err)
	}
	want := zai.Usage{PromptTokens: 15, CompletionTokens: 249, TotalTokens: 264,
		PromptTokensDetails:     zai.PromptTokensDetails{CachedTokens: 3},
		CompletionTokensDetails: zai.CompletionTokensDetails{ReasoningTokens: 239}}
	if resp.Usage != want {
		t.Fatalf("usage %+v, want %+v", resp.Usage, want)
	}
	if resp.Choices[0].Message.Content != "Olá! (Oh-lah)" {
		t.Fatalf("the rest of the completion was lost: %+v", resp)
	}
}

// A count is bookkeeping: a fraction rounds to the nearest integer, a
// number out of range saturates, and the answer survives; RawJSON keeps what
// was sent. A value that is not a number at all is still an error naming
// the field.
func TestFractionalTokenCountRounds(t *testing.T) {
	recorded := readFile(t, "testdata/recorded/chat_simple.json")
	for _, tc := range []struct {
		from, to string
		get      func(zai.Usage) int
		want     int
	}{
		{`"prompt_tokens":15`, `"prompt_tokens":12.7`, func(u zai.Usage) int { return u.PromptTokens }, 13},
		{`"prompt_tokens":15`, `"prompt_tokens":15.5`, func(u zai.Usage) int { return u.PromptTokens }, 16},
		{`"completion_tokens":249`, `"completion_tokens":2.494e2`, func(u zai.Usage) int { return u.CompletionTokens }, 249},
		{`"total_tokens":264`, `"total_tokens":264.0000000000000000001`, func(u zai.Usage) int { return u.TotalTokens }, 264},
		{`"cached_tokens":3`, `"cached_tokens":0.3`, func(u zai.Usage) int { return u.PromptTokensDetails.CachedTokens }, 0},
		{`"reasoning_tokens":239`, `"reasoning_tokens":1e-7`, func(u zai.Usage) int { return u.CompletionTokensDetails.ReasoningTokens }, 0},
		{`"total_tokens":264`, `"total_tokens":1e400`, func(u zai.Usage) int { return u.TotalTokens }, math.MaxInt},
	} {
		body := withCounts(t, recorded, tc.from, tc.to)
		_, client := newRecorder(t, respondJSON(string(body)))
		resp, err := client.Chat.Completions.Create(context.Background(), hiReq)
		if err != nil {
			t.Fatalf("%s: %v", tc.to, err)
		}
		if got := tc.get(resp.Usage); got != tc.want {
			t.Errorf("%s: count %d, want %d", tc.to, got, tc.want)
		}
		if resp.Choices[0].Message.Content != "Olá! (Oh-lah)" || !bytes.Contains(resp.RawJSON(), []byte(tc.to)) {
			t.Errorf("%s: the answer or the raw body was lost: %+v", tc.to, resp)
		}
		// encoding/json's road (the usage types' own UnmarshalJSON) agrees.
		var c zai.ChatCompletion
		if err := json.Unmarshal(body, &c); err != nil || tc.get(c.Usage) != tc.want {
			t.Errorf("%s: json.Unmarshal: %v, count %d", tc.to, err, tc.get(c.Usage))
		}
	}
	body := withCounts(t, recorded, `"total_tokens":264`, `"total_tokens":"264"`)
	_, client := newRecorder(t, respondJSON(string(body)))
	_, err := client.Chat.Completions.Create(context.Background(), hiReq)
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || !strings.Contains(apiErr.Message, "decoding response") || !strings.Contains(err.Error(), "usage.total_tokens") {
		t.Fatalf("a string count: err %v, want a decoding error naming usage.total_tokens", err)
	}
	var c zai.ChatCompletion
	var typeErr *json.UnmarshalTypeError
	if err := json.Unmarshal(body, &c); !errors.As(err, &typeErr) || typeErr.Field != "usage.total_tokens" {
		t.Errorf("json.Unmarshal: %v, want an *json.UnmarshalTypeError for usage.total_tokens", err)
	}
}

var integerInJSON = regexp.MustCompile(`:(-?[0-9]+)([,}])`)

// Every count field of every usage type accepts a float form, and a field
// added to a type but not to its decoder is caught: each field is set to a
// distinct value, encoded, rewritten as N.0 (and as Ne0) and decoded back.
func TestEveryUsageFieldDecodesFromIntegralNumbers(t *testing.T) {
	for _, v := range []any{&zai.Usage{}, &zai.TokenizerUsage{}, &zai.AgentUsage{}, &zai.PromptTokensDetails{}, &zai.CompletionTokensDetails{}} {
		next := 1
		var fill func(reflect.Value)
		fill = func(rv reflect.Value) {
			for i := 0; i < rv.NumField(); i++ {
				f := rv.Field(i)
				switch f.Kind() {
				case reflect.Int:
					f.SetInt(int64(next))
					next++
				case reflect.Struct:
					fill(f)
				default:
					t.Fatalf("%T.%s: a %s field; extend this test", v, rv.Type().Field(i).Name, f.Kind())
				}
			}
		}
		fill(reflect.ValueOf(v).Elem())
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		for _, form := range []string{":${1}.0$2", ":${1}e0$2", ":${1}0e-1$2"} {
			in := integerInJSON.ReplaceAll(b, []byte(form))
			got := reflect.New(reflect.TypeOf(v).Elem())
			if err := json.Unmarshal(in, got.Interface()); err != nil {
				t.Fatalf("%T from %s: %v", v, in, err)
			}
			if !reflect.DeepEqual(got.Interface(), v) {
				t.Fatalf("%T from %s: got %+v, want %+v", v, in, got.Elem(), reflect.ValueOf(v).Elem())
			}
		}
	}
}

// Decoding onto a value keeps the fields the JSON leaves out, as
// encoding/json does for any struct; null changes nothing.
func TestUsageDecodeKeepsAbsentFields(t *testing.T) {
	u := zai.Usage{PromptTokens: 1, CompletionTokens: 2, PromptTokensDetails: zai.PromptTokensDetails{CachedTokens: 3}}
	if err := json.Unmarshal([]byte(`{"completion_tokens":20.0,"total_tokens":null}`), &u); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(`null`), &u); err != nil {
		t.Fatal(err)
	}
	want := zai.Usage{PromptTokens: 1, CompletionTokens: 20, PromptTokensDetails: zai.PromptTokensDetails{CachedTokens: 3}}
	if u != want {
		t.Fatalf("%+v, want %+v", u, want)
	}
}

func TestTokenizerCountsAcceptIntegralNumbers(t *testing.T) {
	body := withCounts(t, readFile(t, "testdata/shapes/tokenizer_response.json"),
		`"prompt_tokens":14`, `"prompt_tokens":14.0`, `"total_tokens":14`, `"total_tokens":1.4e1`)
	_, client := newRecorder(t, respondJSON(string(body)))
	resp, err := client.Tokenizer.Count(context.Background(), zai.TokenizerRequest{Model: zai.ModelGLM4_6, Messages: []zai.Message{zai.UserMessage("hi")}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Usage != (zai.TokenizerUsage{PromptTokens: 14, TotalTokens: 14}) {
		t.Fatalf("%+v", resp.Usage)
	}
}

// Streams decode usage on the last chunk, through the chunk decoder's fast
// path or, when it declines, encoding/json: 5.0 must decode either way.
func TestStreamedUsageAcceptsIntegralNumbers(t *testing.T) {
	recorded := withCounts(t, readFile(t, "testdata/recorded/glm45_simple_streaming.sse"),
		`"prompt_tokens":18,`, `"prompt_tokens":18.0,`,
		`"completion_tokens":202,`, `"completion_tokens":2.02e2,`,
		`"total_tokens":220,`, `"total_tokens":220.0,`,
		`"cached_tokens":0}`, `"cached_tokens":0.0}`)
	env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Write(recorded)
	})
	stream, err := env.client.Chat.Completions.CreateStream(context.Background(), hiReq)
	if err != nil {
		t.Fatal(err)
	}
	var acc zai.ChatCompletionAccumulator
	for chunk, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		acc.Add(chunk)
	}
	if u := acc.Completion().Usage; u != (zai.Usage{PromptTokens: 18, CompletionTokens: 202, TotalTokens: 220}) {
		t.Fatalf("usage %+v", u)
	}
}

// A fraction rounds on every road that decodes counts: a stream chunk (the
// one-pass decoder, encoding/json when the decoder declines, and the usage
// type's shadow struct), the tokenizer, an agent's usage, and what an
// observer is told.
func TestFractionalCountsRoundOnEveryRoad(t *testing.T) {
	ctx := context.Background()
	for name, usage := range map[string]string{
		"one-pass decoder":         `"usage":{"prompt_tokens":12.7,"completion_tokens":2.2,"total_tokens":14.9}`,
		"encoding/json road":       `"Usage":{"prompt_tokens":12.7,"completion_tokens":2.2,"total_tokens":14.9}`,
		"usage type's shadow road": `"usage":{"Prompt_Tokens":12.7,"completion_tokens":2.2,"total_tokens":14.9}`,
	} {
		chunk := `{"id":"c","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":"stop"}],` + usage + `}`
		obs := &recordingObserver{}
		env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
			writeEvents(w, append(sseEvents([][]byte{[]byte(chunk)}), doneEvent))
		}, zai.WithObserver(obs))
		stream, err := env.client.Chat.Completions.CreateStream(ctx, hiReq)
		if err != nil {
			t.Fatal(err)
		}
		var acc zai.ChatCompletionAccumulator
		for c, err := range stream.All() {
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			acc.Add(c)
		}
		if u := acc.Completion().Usage; u.PromptTokens != 13 || u.CompletionTokens != 2 || u.TotalTokens != 15 {
			t.Errorf("%s: usage %+v", name, u)
		}
		if u := obs.only(t).ends[0].Usage; u.InputTokens != 13 || u.TotalTokens != 15 {
			t.Errorf("%s: observed usage %+v", name, u)
		}
	}

	body := withCounts(t, readFile(t, "testdata/shapes/tokenizer_response.json"), `"prompt_tokens":14`, `"prompt_tokens":13.6`)
	_, client := newRecorder(t, respondJSON(string(body)))
	tok, err := client.Tokenizer.Count(ctx, zai.TokenizerRequest{Model: zai.ModelGLM4_6, Messages: []zai.Message{zai.UserMessage("hi")}})
	if err != nil || tok.Usage.PromptTokens != 14 {
		t.Errorf("tokenizer: %+v %v", tok, err)
	}

	reply := strings.Replace(translationReply, `"prompt_tokens":12`, `"prompt_tokens":11.5`, 1)
	obs := &recordingObserver{}
	_, client = newRecorder(t, respondJSON(reply))
	resp, err := client.Agents.Invoke(ctx, zai.NewTranslationRequest("hello", zai.TranslationVariables{SourceLang: "auto", TargetLang: "zh-CN"}), zai.WithObserver(obs))
	if err != nil || resp.Usage == nil || resp.Usage.PromptTokens != 12 {
		t.Fatalf("agents: %+v %v", resp, err)
	}
	if u := obs.only(t).ends[0].Usage; u.InputTokens != 12 {
		t.Errorf("agents: observed usage %+v", u)
	}
}
