package zai_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/zai-go/zai"
)

// chatReply is a chat.completion body with one choice, or none when
// content is nil.
func chatReply(t *testing.T, content *string, finish string) []byte {
	choices := []map[string]any{}
	if content != nil {
		choices = append(choices, map[string]any{"index": 0, "finish_reason": finish,
			"message": map[string]any{"role": "assistant", "content": *content}})
	}
	b, err := json.Marshal(map[string]any{"id": "c1", "object": "chat.completion", "created": 1, "model": "glm-4.7",
		"choices": choices, "usage": map[string]int{"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// structuredEnv answers every chat request with body (as JSON or, for a
// stream, as one chunk and [DONE]) and counts them.
func structuredEnv(t *testing.T, content *string, finish string) *faultEnv {
	return newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Header.Get("Accept") == "text/event-stream" {
			chunk := map[string]any{"id": "c1", "object": "chat.completion.chunk", "model": "glm-4.7", "choices": []any{}}
			if content != nil {
				chunk["choices"] = []any{map[string]any{"index": 0, "finish_reason": finish,
					"delta": map[string]any{"role": "assistant", "content": *content}}}
			}
			b, _ := json.Marshal(chunk)
			writeEvents(w, [][]byte{append(append([]byte("data: "), b...), "\n\n"...), doneEvent})
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(chatReply(t, content, finish))
	})
}

// structuredBoth runs CreateStructured and CreateStructuredStream and
// returns their results.
func structuredBoth(env *faultEnv) (forecast, error, forecast, error) {
	ctx := context.Background()
	v, _, err := zai.CreateStructured[forecast](ctx, env.client, structuredReq())
	var sv forecast
	var serr error
	for step, err := range zai.CreateStructuredStream[forecast](ctx, env.client, structuredReq()) {
		if err != nil {
			serr = err
			break
		}
		if step.Done {
			sv = step.Value
		}
	}
	return v, err, sv, serr
}

// TestStructuredFenceInsideAString: a reply that is valid JSON is taken
// whole, even when one of its strings holds a code fence.
func TestStructuredFenceInsideAString(t *testing.T) {
	content := `{"city":"Paris","temp_c":21.5,"notes":["use ` + "```json\\n{}\\n```" + ` fences"]}`
	env := structuredEnv(t, &content, "stop")
	v, err, sv, serr := structuredBoth(env)
	want := "use ```json\n{}\n``` fences"
	for name, got := range map[string]struct {
		v   forecast
		err error
	}{"CreateStructured": {v, err}, "CreateStructuredStream": {sv, serr}} {
		if got.err != nil || got.v.City != "Paris" || len(got.v.Notes) != 1 || got.v.Notes[0] != want {
			t.Errorf("%s: %+v, %v", name, got.v, got.err)
		}
	}
	if n := env.attempts.Load(); n != 2 {
		t.Fatalf("%d requests, want one per call", n)
	}
}

// TestStructuredNoChoices: a reply without choices cannot be repaired (the
// repair turn would send back a message with no role): a clear error, and
// no second request.
func TestStructuredNoChoices(t *testing.T) {
	env := structuredEnv(t, nil, "")
	_, err, _, serr := structuredBoth(env)
	for name, err := range map[string]error{"CreateStructured": err, "CreateStructuredStream": serr} {
		var se *zai.StructuredOutputError
		if !errors.As(err, &se) || !errors.Is(err, zai.ErrStructuredOutput) {
			t.Errorf("%s: err %v, want a *StructuredOutputError", name, err)
		}
	}
	if n := env.attempts.Load(); n != 2 {
		t.Fatalf("%d requests, want one per call (no repair turn)", n)
	}
}

// TestStructuredTruncatedAtTheLimit: a reply cut by the length limit is
// returned at once as an error matching ErrTruncated and
// ErrStructuredOutput, without a repair turn the same limit would cut.
func TestStructuredTruncatedAtTheLimit(t *testing.T) {
	content := `{"city":"Paris","temp_c":21.5,"notes":["sunny and w`
	env := structuredEnv(t, &content, "length")
	_, err, _, serr := structuredBoth(env)
	for name, err := range map[string]error{"CreateStructured": err, "CreateStructuredStream": serr} {
		var se *zai.StructuredOutputError
		if !errors.Is(err, zai.ErrTruncated) || !errors.Is(err, zai.ErrStructuredOutput) || !errors.As(err, &se) ||
			!se.Truncated || se.Content != content {
			t.Errorf("%s: err %v, want a truncated *StructuredOutputError", name, err)
		}
	}
	if n := env.attempts.Load(); n != 2 {
		t.Fatalf("%d requests, want one per call (no repair turn)", n)
	}
}
