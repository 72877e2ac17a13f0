package core

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// mergeReference is the merge as a map round trip: what EncodeJSON must
// equal, as decoded JSON.
func mergeReference(t *testing.T, body any, extra map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for k, v := range extra {
		raw, _ := json.Marshal(v)
		var x any
		json.Unmarshal(raw, &x)
		m[k] = x
	}
	return m
}

type appender struct{ s string }

func (a appender) AppendJSON(dst []byte) ([]byte, error) { return append(dst, a.s...), nil }

func TestEncodeJSONMerges(t *testing.T) {
	type body struct {
		Model    string            `json:"model"`
		Messages []string          `json:"messages"`
		Odd      map[string]string `json:"odd,omitempty"`
		N        float64           `json:"n"`
		Flag     bool              `json:"flag"`
		Nil      *int              `json:"nil"`
		Nested   [][]any           `json:"nested"`
	}
	b := body{Model: "m", Messages: []string{`a "quoted" \ } ] , text\`, "", `\\"`}, Odd: map[string]string{"<k>": "v", `q"k`: "w"},
		N: -1.5e-7, Nested: [][]any{{1, "x", map[string]any{"a": []int{}}}, {}}}
	for _, extra := range []map[string]any{
		{"model": "override", "new": []int{1}},
		{"<k>": 1, `q"k`: 2, "flag": true},
		{"nil": map[string]any{"deep": "x"}, "zzz": nil, "aaa": "first"},
		{"nested": 0},
	} {
		got, err := EncodeJSON(b, extra)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(got, &m); err != nil {
			t.Fatalf("%s: %v", got, err)
		}
		if want := mergeReference(t, b, extra); !reflect.DeepEqual(m, want) {
			t.Fatalf("merged %s\nwant %v", got, want)
		}
		if !json.Valid(got) || strings.Count(string(got), `"model"`) != 1 {
			t.Fatalf("merged %s", got)
		}
	}
}

func TestEncodeJSONOrder(t *testing.T) {
	got, err := EncodeJSON(appender{`{"model":"m","messages":[],"stream":true}`}, map[string]any{"b": 2, "messages": 1, "a": 1})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"model":"m","messages":1,"stream":true,"a":1,"b":2}`; string(got) != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	got, _ = EncodeJSON(appender{`{}`}, map[string]any{"a": 1})
	if string(got) != `{"a":1}` {
		t.Fatalf("got %s", got)
	}
	got, _ = EncodeJSON(appender{`{"x":1}`}, nil)
	if string(got) != `{"x":1}` {
		t.Fatalf("without extra: %s", got)
	}
}

func TestEncodeJSONErrors(t *testing.T) {
	if _, err := EncodeJSON([]int{1}, map[string]any{"a": 1}); !errors.Is(err, errNotObject) {
		t.Fatalf("array body: %v", err)
	}
	if _, err := EncodeJSON(map[string]any{}, map[string]any{"a": func() {}}); err == nil || !strings.Contains(err.Error(), `field "a"`) {
		t.Fatalf("bad extra: %v", err)
	}
	if _, err := EncodeJSON(func() {}, nil); err == nil || !strings.Contains(err.Error(), "encoding request body") {
		t.Fatalf("bad body: %v", err)
	}
}

// FuzzMergeObject: for any JSON object, the merge decodes to what the map
// round trip gives.
func FuzzMergeObject(f *testing.F) {
	f.Add([]byte(`{"a":1,"b":"x\"}","c":[{"d":[]}],"e":null}`), "a")
	f.Add([]byte(`{ "a" : true , "\u0062" : -0.1e3 }`), "b")
	f.Fuzz(func(t *testing.T, body []byte, key string) {
		var ref map[string]json.RawMessage
		if json.Unmarshal(body, &ref) != nil || ref == nil || !utf8.ValidString(key) {
			return // json.Marshal would change an invalid key
		}
		extra := map[string]any{key: "extra"}
		got, err := MergeObject(body, extra)
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		var m, want map[string]any
		if err := json.Unmarshal(got, &m); err != nil {
			t.Fatalf("%s merged to invalid %s", body, got)
		}
		json.Unmarshal(body, &want)
		want[key] = "extra"
		if !reflect.DeepEqual(m, want) {
			t.Fatalf("%s merged to %s", body, got)
		}
	})
}
