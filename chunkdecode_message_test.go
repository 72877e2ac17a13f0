package zai_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/zai-go/zai"
)

var jsonStrings = []string{
	"", "plain", `quote " backslash \ slash /`, "\b\f\n\r\t\x00\x1f\x7f",
	"<html> & </html>", "中文 é 😀", "\u2028 \u2029", "bad \xff\xfe \xed\xa0\x80 end", "\xe4\xb8",
}

func TestAppendJSONStringLikeEncodingJSON(t *testing.T) {
	for _, s := range jsonStrings {
		want, _ := json.Marshal(s)
		if got := zai.AppendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("%q: %s, want %s", s, got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range jsonStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := zai.AppendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("%q: %s, want %s", s, got, want)
		}
	})
}

// messages returns filled messages in every shape the encoder branches on.
func messages() []zai.Message {
	var full zai.Message
	seed := 0
	fill(reflect.ValueOf(&full).Elem(), &seed)
	noParts := full
	noParts.Parts = nil
	toolsOnly := zai.Message{Role: zai.RoleAssistant, ToolCalls: full.ToolCalls}
	var zeroIndex zai.ToolCall
	json.Unmarshal([]byte(`{"index":0,"function":{"arguments":"{}"}}`), &zeroIndex) // index present, zero
	return []zai.Message{
		full, noParts, toolsOnly, {}, zai.UserMessage("hi <b>"), zai.ToolMessage("call_1", "42"),
		{Role: zai.RoleAssistant, ToolCalls: []zai.ToolCall{zeroIndex, {}}},
		zai.UserMessageParts(zai.TextPart("a"), zai.ImageURLPart("http://x/y.png")),
	}
}

// marshalMessageReference is the reference encoding of a Message:
// encoding/json of a struct built by reflection from Message's own fields
// and tags, with "content" given by the rule of Message.Content (the parts
// array, or the text, omitted only for an assistant message that calls
// tools and says nothing). A field added to Message reaches it with no edit.
func marshalMessageReference(m zai.Message) ([]byte, error) {
	mt := reflect.TypeFor[zai.Message]()
	var fields []reflect.StructField
	var values []reflect.Value
	for i := range mt.NumField() {
		f := mt.Field(i)
		v := reflect.ValueOf(m).Field(i)
		switch f.Name {
		case "Parts":
			continue // sent as "content"
		case "Content":
			var raw json.RawMessage
			var err error
			switch {
			case len(m.Parts) > 0:
				raw, err = json.Marshal(m.Parts)
			case m.Content != "" || len(m.ToolCalls) == 0:
				raw, err = json.Marshal(m.Content)
			}
			if err != nil {
				return nil, err
			}
			f.Type, f.Tag = reflect.TypeFor[json.RawMessage](), `json:"content,omitempty"`
			v = reflect.ValueOf(raw)
		}
		fields = append(fields, f)
		values = append(values, v)
	}
	ref := reflect.New(reflect.StructOf(fields)).Elem()
	for i, v := range values {
		ref.Field(i).Set(v)
	}
	return json.Marshal(ref.Interface())
}

// TestMessageEncodesLikeReference: the generated encoder writes exactly what
// encoding/json writes for Message's tags, every field filled, in every
// shape of content.
func TestMessageEncodesLikeReference(t *testing.T) {
	for _, m := range messages() {
		want, err := marshalMessageReference(m)
		if err != nil {
			t.Fatal(err)
		}
		got, err := json.Marshal(m)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("encoded %s (%v)\nwant    %s", got, err, want)
		}
	}
}

// TestMessageDecodesLikeWire: the one-pass decoder gives what the generated
// shadow struct through encoding/json gives.
func TestMessageDecodesLikeWire(t *testing.T) {
	var inputs []string
	for _, m := range messages() {
		b, _ := json.Marshal(m)
		inputs = append(inputs, string(b))
	}
	inputs = append(inputs,
		`null`, `{}`, `{"role":"user","content":null}`, `{"content":5}`, `{"content":{"a":1}}`,
		`{"content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"u"}},{"type":"text","text":"b"}]}`,
		`{"content":[]}`, `{"content":"x","content":"y"}`, `{"Role":"user"}`, `{"role":"a","extra":[1,{"b":null}]}`,
		`{"tool_calls":[{"index":1,"function":{"name":"f","arguments":{"x":1}}}],"audio":{"id":"a","expires_at":3}}`,
		`{"role":1}`, `{"content":"\u00e9\n\ud800"}`,
	)
	for _, in := range inputs {
		checkMessage(t, []byte(in))
	}
}

func checkMessage(t *testing.T, data []byte) {
	t.Helper()
	var got, want zai.Message
	gotErr := json.Unmarshal(data, &got)
	wantErr := json.Unmarshal(data, (*wireMessage)(&want))
	if (gotErr == nil) != (wantErr == nil) || (gotErr != nil && gotErr.Error() != wantErr.Error()) {
		t.Fatalf("%s: error %v, want %v", data, gotErr, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\ngot  %#v\nwant %#v", data, got, want)
	}
}

// wireMessage decodes a Message through encoding/json only.
type wireMessage zai.Message

func (w *wireMessage) UnmarshalJSON(b []byte) error {
	return zai.UnmarshalMessageStd(b, (*zai.Message)(w))
}

func FuzzMessageDecode(f *testing.F) {
	for _, m := range messages() {
		b, _ := json.Marshal(m)
		f.Add(b)
	}
	f.Add([]byte(`{"content":[{"type":"text","text":"a"}],"role":"x"}`))
	f.Fuzz(func(t *testing.T, data []byte) { checkMessage(t, data) })
}

// TestChatBodyAppendJSON: the chat body written directly is byte for byte
// what json.Marshal writes, every field filled, with and without stream.
func TestChatBodyAppendJSON(t *testing.T) {
	var req zai.ChatCompletionRequest
	seed := 0
	fill(reflect.ValueOf(&req).Elem(), &seed)
	req.Messages = messages()
	for _, r := range []zai.ChatCompletionRequest{req, {Model: "m"}, {Model: `m"<x>`, Messages: []zai.Message{}}} {
		for _, stream := range []bool{false, true} {
			got, want, err := zai.ChatBodyJSON(r, stream)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("appended %s\nmarshaled %s", got, want)
			}
			if stream != strings.HasSuffix(string(got), `"stream":true}`) {
				t.Fatalf("stream %v: %s", stream, got)
			}
		}
	}
}

// TestChatBodyMergesExtra: merging WithExtraBody fields into the small rest
// gives the same bytes as merging into the whole body.
func TestChatBodyMergesExtra(t *testing.T) {
	req := zai.ChatCompletionRequest{Model: "m", Messages: messages(), Temperature: zai.Ptr(0.5)}
	for _, extra := range []map[string]any{
		{"temperature": 0.9, "new": map[string]any{"a": 1}},
		{"aaa": 1, "stream": false},
		{"model": "other"},
		{"messages": []int{}},
	} {
		merged, general, err := zai.ChatBodyJSONMerged(req, extra)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(merged, general) {
			t.Fatalf("%v:\nmerged  %s\ngeneral %s", extra, merged, general)
		}
	}
}
