package zai_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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

// A fractional count is not a count: the call fails with an error naming the
// field, not with a count silently rounded.
func TestFractionalTokenCountIsAnErrorNamingTheField(t *testing.T) {
	recorded := readFile(t, "testdata/recorded/chat_simple.json")
	for _, tc := range []struct{ from, to, field string }{
		{`"prompt_tokens":15`, `"prompt_tokens":15.5`, "usage.prompt_tokens"},
		{`"completion_tokens":249`, `"completion_tokens":2.495e2`, "usage.completion_tokens"},
		{`"total_tokens":264`, `"total_tokens":264.0000000000000000001`, "usage.total_tokens"},
		{`"cached_tokens":3`, `"cached_tokens":0.3`, "usage.prompt_tokens_details.cached_tokens"},
		{`"reasoning_tokens":239`, `"reasoning_tokens":1e-7`, "usage.completion_tokens_details.reasoning_tokens"},
		{`"total_tokens":264`, `"total_tokens":1e400`, "usage.total_tokens"},
		{`"total_tokens":264`, `"total_tokens":"264"`, "usage.total_tokens"},
	} {
		body := withCounts(t, recorded, tc.from, tc.to)
		_, client := newRecorder(t, respondJSON(string(body)))
		_, err := client.Chat.Completions.Create(context.Background(), hiReq)
		var apiErr *zai.APIError
		if !errors.As(err, &apiErr) || !strings.Contains(apiErr.Message, "decoding response") {
			t.Fatalf("%s: err %v, want a decoding error", tc.to, err)
		}
		if testing.Verbose() {
			t.Log(err)
		}
		if !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%s: error %q does not name %s", tc.to, err, tc.field)
		}
		// The same body decoded directly gives the typed error.
		var c zai.ChatCompletion
		var typeErr *json.UnmarshalTypeError
		if err := json.Unmarshal(body, &c); !errors.As(err, &typeErr) || typeErr.Field != tc.field {
			t.Errorf("%s: json.Unmarshal: %v, want an *json.UnmarshalTypeError for %s", tc.to, err, tc.field)
		}
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
