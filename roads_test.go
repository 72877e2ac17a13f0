package zai_test

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/zai-go/zai"
)

// The five roads a field of the chat wire types travels, each checked over
// every field by reflection, so a field added to the types (and go generate
// run) is checked with no edit here, and one that a road drops fails:
//
//	(a) Create decodes a completion;
//	(b) a Message is sent in a request;
//	(c) a stream decodes a chunk;
//	(d) the accumulator turns chunks into a completion;
//	(e) a stream answered with one JSON completion yields it as a chunk.
//
// Roads (d) and (e) carry the fields the two sides share, paired by JSON
// name (jsonPartner); a completion field with no partner in a chunk
// (ChatCompletion.RequestID, Message.Name, ...) is not streamed.

// jsonName is the name encoding/json gives a field, "" for none.
func jsonName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	switch name {
	case "-":
		return ""
	case "":
		return f.Name
	}
	return name
}

// levelRenames pairs the field leading to the next level where the two
// sides name it differently: a choice's message is a chunk choice's delta.
var levelRenames = map[string]string{"message": "delta", "delta": "message"}

// jsonPartner returns the field of t that pairs with f, if any.
func jsonPartner(f reflect.StructField, t reflect.Type) (reflect.StructField, bool) {
	name := jsonName(f)
	if name == "" {
		return reflect.StructField{}, false
	}
	for _, want := range []string{name, levelRenames[name]} {
		for i := range t.NumField() {
			if g := t.Field(i); want != "" && jsonName(g) == want {
				return g, true
			}
		}
	}
	return reflect.StructField{}, false
}

// convertByJSON carries src into a value of type dt the way the SDK's
// roads (d) and (e) must: fields paired by JSON name, T and *T converted,
// and unpaired fields left zero. It is written here with reflection, apart
// from the generated conversions it checks.
func convertByJSON(src reflect.Value, dt reflect.Type) reflect.Value {
	st := src.Type()
	switch {
	case st == dt:
		return src
	case st.Kind() == reflect.Pointer && st.Elem() == dt:
		if src.IsNil() {
			return reflect.Zero(dt)
		}
		return src.Elem()
	case dt.Kind() == reflect.Pointer && dt.Elem() == st:
		if src.IsZero() {
			return reflect.Zero(dt)
		}
		p := reflect.New(st)
		p.Elem().Set(src)
		return p
	case st.Kind() == reflect.Slice && dt.Kind() == reflect.Slice:
		if src.IsNil() {
			return reflect.Zero(dt)
		}
		out := reflect.MakeSlice(dt, src.Len(), src.Len())
		for i := range src.Len() {
			out.Index(i).Set(convertByJSON(src.Index(i), dt.Elem()))
		}
		return out
	case st.Kind() == reflect.Struct && dt.Kind() == reflect.Struct:
		out := reflect.New(dt).Elem()
		for i := range dt.NumField() {
			if sf, ok := jsonPartner(dt.Field(i), st); ok {
				out.Field(i).Set(convertByJSON(src.FieldByIndex(sf.Index), dt.Field(i).Type))
			}
		}
		return out
	}
	panic("no conversion from " + st.String() + " to " + dt.String())
}

func convertTo[T any](src any) T {
	return convertByJSON(reflect.ValueOf(src), reflect.TypeFor[T]()).Interface().(T)
}

// unpairedLeaves lists the empty leaves of v (zeroLeaves) that are not under
// a field without a partner in the other side's type.
func unpairedLeaves(v any, other reflect.Type) []string {
	var all []string
	zeroLeaves(reflect.ValueOf(v), "", &all)
	skip := unpairedPaths(reflect.TypeOf(v), other, "")
	var out []string
	for _, p := range all {
		if !slices.ContainsFunc(skip, func(s string) bool { return p == s || strings.HasPrefix(p, s+".") || strings.HasPrefix(p, s+"[") }) {
			out = append(out, p)
		}
	}
	return out
}

// unpairedPaths lists the field paths of t (as zeroLeaves writes them, with
// any index) that have no partner in other. Slices are entered at [0] and
// [1], the two elements fill makes.
func unpairedPaths(t, other reflect.Type, path string) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	for other.Kind() == reflect.Pointer {
		other = other.Elem()
	}
	if t.Kind() == reflect.Slice && other.Kind() == reflect.Slice {
		return append(unpairedPaths(t.Elem(), other.Elem(), path+"[0]"), unpairedPaths(t.Elem(), other.Elem(), path+"[1]")...)
	}
	if t.Kind() != reflect.Struct || other.Kind() != reflect.Struct || t == other {
		return nil
	}
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		g, ok := jsonPartner(f, other)
		if !ok {
			out = append(out, path+"."+f.Name)
			continue
		}
		out = append(out, unpairedPaths(f.Type, g.Type, path+"."+f.Name)...)
	}
	return out
}

// filledCompletion is a completion with every field set, its message
// content as the text parts give it (what a decoder makes of parts).
func filledCompletion(seed int) zai.ChatCompletion {
	var c zai.ChatCompletion
	fill(reflect.ValueOf(&c).Elem(), &seed)
	for i := range c.Choices {
		normalizeParts(&c.Choices[i].Message)
	}
	return c
}

// normalizeParts makes a message's parts text parts, and its content their
// text, as a decoder reads a parts array.
func normalizeParts(m *zai.Message) {
	m.Content = ""
	for i := range m.Parts {
		m.Parts[i].Type = zai.PartTypeText
		m.Content += m.Parts[i].Text
	}
}

func filledChunk(seed int) zai.ChatCompletionChunk {
	var c zai.ChatCompletionChunk
	fill(reflect.ValueOf(&c).Elem(), &seed)
	return c
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkNoEmpty fails if a leaf of v is empty, except under fields without
// a partner in other (when other is set) and the paths ending in one of
// zeroOK.
func checkNoEmpty(t *testing.T, road string, v any, other reflect.Type, zeroOK ...string) {
	t.Helper()
	var empty []string
	if other == nil {
		zeroLeaves(reflect.ValueOf(v), "", &empty)
	} else {
		empty = unpairedLeaves(v, other)
	}
	empty = slices.DeleteFunc(empty, func(p string) bool {
		return slices.ContainsFunc(zeroOK, func(s string) bool { return strings.HasSuffix(p, s) })
	})
	if len(empty) > 0 {
		t.Errorf("%s dropped %v", road, empty)
	}
}

func TestEveryFieldOnEveryRoad(t *testing.T) {
	ctx := context.Background()
	completionT, chunkT := reflect.TypeFor[zai.ChatCompletion](), reflect.TypeFor[zai.ChatCompletionChunk]()

	t.Run("a: Create decodes a completion", func(t *testing.T) {
		want := filledCompletion(100)
		_, client := newRecorder(t, respondJSON(string(mustJSON(t, want))))
		got, err := client.Chat.Completions.Create(ctx, hiReq)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(zai.WithoutRaw(*got), want) {
			t.Errorf("got  %#v\nwant %#v", *got, want)
		}
		checkNoEmpty(t, "Create", *got, nil)
	})

	t.Run("b: a Message is sent", func(t *testing.T) {
		var withParts, plain zai.Message
		seed := 200
		fill(reflect.ValueOf(&withParts).Elem(), &seed)
		fill(reflect.ValueOf(&plain).Elem(), &seed)
		normalizeParts(&withParts)
		plain.Parts = nil
		rec, client := newRecorder(t, respondFile(t, "testdata/recorded/chat_simple.json", "application/json"))
		req := zai.ChatCompletionRequest{Model: "m", Messages: []zai.Message{withParts, plain}}
		if _, err := client.Chat.Completions.Create(ctx, req); err != nil {
			t.Fatal(err)
		}
		body := rec.last(t).Body
		var sent struct{ Messages []zai.Message }
		if err := json.Unmarshal(body, &sent); err != nil || !reflect.DeepEqual(sent.Messages, req.Messages) {
			t.Errorf("sent %s\ndecoded %#v (%v)\nwant %#v", body, sent.Messages, err, req.Messages)
		}
		// Independently of the SDK's decoder: every JSON name of Message is
		// in the body of each message.
		var raw struct{ Messages []map[string]json.RawMessage }
		if err := json.Unmarshal(body, &raw); err != nil {
			t.Fatal(err)
		}
		mt := reflect.TypeFor[zai.Message]()
		for _, m := range raw.Messages {
			for i := range mt.NumField() {
				if name := jsonName(mt.Field(i)); name != "" && m[name] == nil {
					t.Errorf("Message.%s (%q) was not sent: %s", mt.Field(i).Name, name, body)
				}
			}
		}
		checkNoEmpty(t, "sending", sent.Messages, nil)
	})

	t.Run("c: a stream decodes a chunk", func(t *testing.T) {
		want := filledChunk(300)
		env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
			writeEvents(w, append(sseEvents([][]byte{mustJSON(t, want)}), doneEvent))
		})
		stream, err := env.client.Chat.Completions.CreateStream(ctx, hiReq)
		if err != nil {
			t.Fatal(err)
		}
		defer stream.Close()
		if !stream.Next() {
			t.Fatal(stream.Err())
		}
		got := stream.Current()
		if !reflect.DeepEqual(zai.WithoutRaw(got), want) {
			t.Errorf("got  %#v\nwant %#v", got, want)
		}
		checkNoEmpty(t, "the stream", got, nil)
	})

	t.Run("d: the accumulator carries every shared field", func(t *testing.T) {
		chunk := filledChunk(400)
		var acc zai.ChatCompletionAccumulator
		acc.Add(chunk)
		got := *acc.Completion()
		want := convertTo[zai.ChatCompletion](chunk)
		want.Object = "chat.completion" // the accumulator's one rename
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got  %#v\nwant %#v", got, want)
		}
		checkNoEmpty(t, "the accumulator", got, chunkT)
	})

	t.Run("e: a stream answered with a JSON completion", func(t *testing.T) {
		whole := filledCompletion(500)
		env := newFaultEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Content-Type", "application/json")
			w.Write(mustJSON(t, whole))
		})
		stream, err := env.client.Chat.Completions.CreateStream(ctx, hiReq)
		if err != nil {
			t.Fatal(err)
		}
		defer stream.Close()
		if !stream.Next() {
			t.Fatal(stream.Err())
		}
		chunk := stream.Current()
		want := convertTo[zai.ChatCompletionChunk](whole)
		for i := range want.Choices {
			for j := range want.Choices[i].Delta.ToolCalls {
				want.Choices[i].Delta.ToolCalls[j].Index = j // calls are merged by index
			}
		}
		if !reflect.DeepEqual(zai.WithoutRaw(chunk), want) {
			t.Errorf("chunk %#v\nwant  %#v", chunk, want)
		}
		// The first call of each choice is numbered 0.
		checkNoEmpty(t, "the JSON answer's chunk", chunk, completionT, "ToolCalls[0].Index")
		if stream.Next() || stream.Err() != nil {
			t.Fatalf("a second value, or %v", stream.Err())
		}
		// and through the accumulator, back to the completion.
		var acc zai.ChatCompletionAccumulator
		acc.Add(chunk)
		back := *acc.Completion()
		wantBack := convertTo[zai.ChatCompletion](want)
		wantBack.Object = "chat.completion"
		if !reflect.DeepEqual(back, wantBack) {
			t.Errorf("accumulated %#v\nwant        %#v", back, wantBack)
		}
		checkNoEmpty(t, "the JSON answer accumulated", back, chunkT, "ToolCalls[0].Index")
	})
}
