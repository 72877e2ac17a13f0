package zai_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/zai-go/zai"
)

// recordedEvents returns the data of every chunk event in the recorded
// streams.
func recordedEvents(t testing.TB) [][]byte {
	return append(recordedEventsOf(t, "chat_tool_streaming.sse"), recordedEventsOf(t, "chat_tool_streaming_answer.sse")...)
}

// recordedEventsOf returns the data of every chunk event of one recorded
// stream.
func recordedEventsOf(t testing.TB, name string) [][]byte {
	var out [][]byte
	raw := readFile(t, "testdata/recorded/"+name)
	for _, ev := range bytes.Split(raw, []byte("\n\n")) {
		if data, ok := bytes.CutPrefix(ev, []byte("data: {")); ok {
			out = append(out, append([]byte("{"), data...))
		}
	}
	if len(out) < 10 {
		t.Fatalf("only %d events in %s", len(out), name)
	}
	return out
}

// decodeStd is the reference: encoding/json into the same type, which has no
// UnmarshalJSON of its own.
func decodeStd(data []byte) (zai.ChatCompletionChunk, error) {
	var c zai.ChatCompletionChunk
	err := json.Unmarshal(data, &c)
	return c, err
}

// checkSame fails if the fast decoder accepted data and disagrees with
// encoding/json.
func checkSame(t *testing.T, data []byte, got zai.ChatCompletionChunk, ok bool) {
	t.Helper()
	if !ok {
		return
	}
	want, err := decodeStd(data)
	if err != nil {
		t.Fatalf("fast path accepted %q, which encoding/json rejects: %v", data, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("decoding %q:\nfast %#v\nstd  %#v", data, got, want)
	}
}

func TestChunkDecodeRecorded(t *testing.T) {
	dec := zai.NewChunkDecoder()
	for _, data := range recordedEvents(t) {
		got, ok := dec(data)
		if !ok {
			t.Fatalf("recorded event left to encoding/json: %s", data)
		}
		checkSame(t, data, got, ok)
	}
}

// The fast path takes these and must agree with encoding/json on each.
var fastInputs = []string{
	`{}`,
	` {"id":"a"} `,
	`{"id":"a","object":"chat.completion.chunk","created":-12,"model":"m","choices":[]}`,
	`{"id":null,"choices":null,"usage":null,"web_search":null,"content_filter":null}`,
	`{"choices":[null,{"index":2,"delta":null,"finish_reason":null}]}`,
	`{"choices":[{"delta":{"content":"a\"b\\c\/d\b\f\n\r\t\u00e9\u4e2d\ud83d\ude00"}}]}`,
	`{"choices":[{"delta":{"content":"lone \ud800 and \udc00 and \ud800\u0041 and \ud83d\ud83d"}}]}`,
	"{\"choices\":[{\"delta\":{\"content\":\"bad \xff\xfe utf8 \xed\xa0\x80 ok \xe4\xb8\xad\"}}]}",
	"{\"choices\":[{\"delta\":{\"content\":\"raw \xe4\xb8\xad\xe6\x96\x87\"}}]}",
	`{"choices":[{"delta":{"tool_calls":[{"id":"c","index":0,"type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]}}]}`,
	`{"choices":[{"delta":{"tool_calls":[{"function":{"arguments":{"a": [1, 2.5e3, true, null]}}}]}}]}`,
	`{"choices":[{"delta":{"tool_calls":[{"index":null,"function":{"arguments":null}},null,{"function":null},{"index":3,"function":{"arguments":42}}]}}]}`,
	`{"choices":[{"delta":{"tool_calls":[]}}]}`,
	`{"choices":[{"delta":{"audio":{"id":"a","data":"AAA=","expires_at":1700000000}}}]}`,
	`{"choices":[{"delta":{"audio":null}}]}`,
	`{"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3,"prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":5}}}`,
	`{"usage":{"prompt_tokens_details":null,"completion_tokens_details":{}}}`,
	`{"usage":{}}`,
	`{"web_search":[{"title":"t","content":"c","link":"l","media":"m","icon":"i","refer":"r","publish_date":"p","images":["x",null]}],"content_filter":[{"role":"assistant","level":3},null]}`,
	`{"web_search":[{"images":[]}],"content_filter":[]}`,
	`{"unknown":{"nested":[1,{"x":"\u0041"},-0.5e-3,true,false,null,""]},"id":"x","Unknown2":[]}`,
	"{\t\"id\" :\n\"a\" ,\r\"choices\" : [ { \"index\" : 0 } ] }",
	`{"choices":[{"index":9223372036854775807}],"created":-9223372036854775808}`,
	`{"choices":[{"index":-0}]}`,
	`{"system_fingerprint":"fp","choices":[{"index":0,"logprobs":null,"delta":{"role":"assistant","refusal":null}}]}`,
}

// The fast path must leave these to encoding/json, which decodes them
// differently (case-folded or escaped keys, duplicates) or rejects them.
var slowInputs = []string{
	`null`,
	`[]`,
	`"x"`,
	`{"ID":"a"}`,
	`{"Choices":[]}`,
	`{"i\u0064":"a"}`,
	`{"id":"a","id":"b"}`,
	`{"choices":[{"index":0,"index":1}]}`,
	`{"choices":[{"delta":{"tool_calls":[{"function":{"name":"a","NAME":"b"}}]}}]}`,
	`{"id":1}`,
	`{"created":1.5}`,
	`{"created":1e3}`,
	`{"created":9223372036854775808}`,
	`{"choices":{}}`,
	`{"choices":[1]}`,
	`{"usage":[]}`,
	`{"choices":[{"delta":"x"}]}`,
	`{"choices":[{"delta":{"tool_calls":[{"function":"x"}]}}]}`,
	`{"id":"a"} x`,
	`{"id":"a",}`,
	`{"id":"a\x"}`,
	`{"id":"a` + "\n" + `"}`,
	`{"x":01}`,
	`{"x":[1,]}`,
	`{"x":tru}`,
	`{"id":"a"`,
	"{\"\xff\":1}",
	`{"x":` + strings.Repeat("[", 600) + strings.Repeat("]", 600) + `}`,
}

func TestChunkDecodeFastPath(t *testing.T) {
	for _, in := range fastInputs {
		got, ok := zai.NewChunkDecoder()([]byte(in))
		if !ok {
			t.Errorf("left to encoding/json: %s", in)
			continue
		}
		checkSame(t, []byte(in), got, ok)
	}
}

func TestChunkDecodeFallsBack(t *testing.T) {
	for _, in := range slowInputs {
		if _, ok := zai.NewChunkDecoder()([]byte(in)); ok {
			t.Errorf("fast path took %s", in)
		}
	}
}

// TestStreamDecodesLikeEncodingJSON reads every input above through a
// Stream: each value, or the error, must be what encoding/json gives.
func TestStreamDecodesLikeEncodingJSON(t *testing.T) {
	for _, in := range append(append([]string{}, fastInputs...), slowInputs...) {
		if strings.ContainsAny(in, "\r\n") {
			continue // not one SSE data line
		}
		body := "data: " + in + "\n\ndata: [DONE]\n\n"
		s := zai.NewStream[zai.ChatCompletionChunk](io.NopCloser(strings.NewReader(body)))
		want, wantErr := decodeStd([]byte(in))
		if !s.Next() {
			if wantErr == nil || s.Err() == nil || !strings.HasSuffix(s.Err().Error(), wantErr.Error()) {
				t.Errorf("%s: stream err %v, encoding/json err %v", in, s.Err(), wantErr)
			}
			continue
		}
		got := s.Current()
		if wantErr != nil || string(got.RawJSON()) != in {
			t.Errorf("%s: stream gave a value, encoding/json err %v", in, wantErr)
			continue
		}
		if !reflect.DeepEqual(zai.WithoutRaw(got), want) {
			t.Errorf("%s:\nstream %#v\nstd    %#v", in, got, want)
		}
	}
}

// TestChunkDecodeAllocations pins the point of the fast path: once a
// stream's interner has seen the id, object, model and role, a reasoning
// delta costs the choices slice; its text comes from the arena.
func TestChunkDecodeAllocations(t *testing.T) {
	events := recordedEvents(t)
	dec := zai.NewChunkDecoder()
	dec(events[0])
	allocs := testing.AllocsPerRun(100, func() {
		if _, ok := dec(events[1]); !ok {
			t.Fatal("fast path refused a recorded event")
		}
	})
	if allocs > 1 {
		t.Fatalf("%v allocations per chunk, want <= 1", allocs)
	}
}

// FuzzChunkDecode holds the hand-written decoder to encoding/json: whatever
// it accepts must decode to exactly what encoding/json gives. Decoding twice
// with one interner checks that reused strings change nothing.
func FuzzChunkDecode(f *testing.F) {
	for _, data := range recordedEvents(f) {
		f.Add(data)
	}
	for _, in := range append(append([]string{}, fastInputs...), slowInputs...) {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dec := zai.NewChunkDecoderWithErrorMember()
		got, ok, member := dec(data)
		checkSame(t, data, got, ok)
		if ok && !member && zai.InStreamError(data) {
			t.Fatalf("%q is an in-stream error, but no error member was noted", data)
		}
		again, ok2, _ := dec(data)
		if ok2 != ok {
			t.Fatalf("second decode ok=%v, first %v", ok2, ok)
		}
		checkSame(t, data, again, ok2)
	})
}

// fill sets every exported field reachable from v to a non-zero value that
// depends on seed, growing slices to two elements and allocating pointers.
func fill(v reflect.Value, seed *int) {
	*seed++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d é\n<%d>", *seed, *seed))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(*seed))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(*seed))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(*seed) + 0.5)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), seed)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(v.Index(i), seed)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), seed)
			}
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, seed)
		fill(e, seed)
		v.SetMapIndex(k, e)
	case reflect.Interface:
		if s := reflect.ValueOf(fmt.Sprint(*seed)); s.Type().AssignableTo(v.Type()) {
			v.Set(s) // an any; other interfaces (io.ReadCloser) stay nil
		}
	}
}

// zeroLeaves lists the exported fields under v that are zero, by path.
func zeroLeaves(v reflect.Value, path string, out *[]string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			*out = append(*out, path)
			return
		}
		zeroLeaves(v.Elem(), path, out)
	case reflect.Slice:
		if v.Len() == 0 {
			*out = append(*out, path)
		}
		for i := range v.Len() {
			zeroLeaves(v.Index(i), fmt.Sprintf("%s[%d]", path, i), out)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() && f.Tag.Get("json") != "-" {
				zeroLeaves(v.Field(i), path+"."+f.Name, out)
			}
		}
	default:
		if v.IsZero() {
			*out = append(*out, path)
		}
	}
}

// TestChunkDecodeEveryField fills every field of every type reachable from
// ChatCompletionChunk, encodes it with encoding/json and requires the fast
// path to take it and decode exactly what encoding/json decodes, with no
// field left empty. A field added to one of those types and not decoded by
// the generated code (go generate not run) fails here.
func TestChunkDecodeEveryField(t *testing.T) {
	for seed := range 3 {
		var c zai.ChatCompletionChunk
		s := seed * 1000
		fill(reflect.ValueOf(&c).Elem(), &s)
		data, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := zai.NewChunkDecoder()(data)
		if !ok {
			t.Fatalf("fast path declined %s", data)
		}
		checkSame(t, data, got, ok)
		var empty []string
		zeroLeaves(reflect.ValueOf(got), "chunk", &empty)
		if len(empty) > 0 {
			t.Fatalf("fields lost in a round trip of %s: %v", data, empty)
		}
	}
}

// TestChunkDecodeErrorMember: the decoder notes a top-level "error" key in
// any case, and never misses one the stream's probe would act on.
func TestChunkDecodeErrorMember(t *testing.T) {
	for _, tc := range []struct {
		in     string
		member bool
	}{
		{`{"error":{"code":"1301","message":"x"}}`, true},
		{`{"ERROR":null,"id":"a"}`, true},
		{`{"id":"a","choices":[{"delta":{"content":"\"error\""}}]}`, false},
		{`{"x":{"error":{"code":"1"}}}`, false},
	} {
		_, ok, member := zai.NewChunkDecoderWithErrorMember()([]byte(tc.in))
		if !ok || member != tc.member {
			t.Errorf("%s: ok %v, error member %v, want %v", tc.in, ok, member, tc.member)
		}
	}
}

// TestCompletionDecodeEveryField is TestChunkDecodeEveryField for
// ChatCompletion, the reply of Create, Messages included.
func TestCompletionDecodeEveryField(t *testing.T) {
	for seed := range 3 {
		var c zai.ChatCompletion
		s := seed * 1000
		fill(reflect.ValueOf(&c).Elem(), &s)
		for i := range c.Choices {
			c.Choices[i].Message.Parts[0].Type = zai.PartTypeText // so Content is set from it
		}
		data, err := json.Marshal(&c)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := zai.DecodeCompletionFast(data)
		if !ok {
			t.Fatalf("fast path declined %s", data)
		}
		var want zai.ChatCompletion
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("decoding %s:\nfast %#v\nstd  %#v", data, got, want)
		}
		var empty []string
		zeroLeaves(reflect.ValueOf(got), "completion", &empty)
		if len(empty) > 0 {
			t.Fatalf("fields lost in a round trip of %s: %v", data, empty)
		}
	}
	for _, name := range []string{"chat_tool.json", "chat_simple.json", "glm45_multi_tool.json"} {
		data := readFile(t, "testdata/recorded/"+name)
		got, ok := zai.DecodeCompletionFast(data)
		var want zai.ChatCompletion
		json.Unmarshal(data, &want)
		if !ok || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: ok %v\nfast %#v\nstd  %#v", name, ok, got, want)
		}
	}
}
