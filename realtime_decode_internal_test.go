package zai

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"testing"
)

// recordedAudioDeltas turns the official Go sample's recorded server-VAD
// session (testdata/realtime/Audio.ServerVad.Input: real PCM, in base64)
// into the response.audio.delta events a server sends, in the envelope of
// the recorded example of GLM-Realtime-doc-for-llm.md.
func recordedAudioDeltas(tb testing.TB) [][]byte {
	tb.Helper()
	f, err := os.Open("testdata/realtime/Audio.ServerVad.Input")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	var out [][]byte
	for sc.Scan() {
		var ev struct {
			Type  string `json:"type"`
			Audio string `json:"audio"`
		}
		if json.Unmarshal(sc.Bytes(), &ev) != nil || ev.Type != "input_audio_buffer.append" {
			continue
		}
		n := len(out)
		out = append(out, fmt.Appendf(nil,
			`{"event_id":"event%032x","type":"response.audio.delta","client_timestamp":%d,"response_id":"respbc50304acdea479b8bd55efd5346dbdf","item_id":"item0f49455339d04574bf62b73beaad0756","output_index":0,"content_index":0,"delta":%q}`,
			n+1, 1737454096061+int64(n)*40, ev.Audio))
	}
	if len(out) < 10 {
		tb.Fatalf("only %d audio events in the recording", len(out))
	}
	return out
}

// TestRealtimeAudioDeltaFastPath: the reflection-free decoder gives what
// encoding/json gives, on the recorded deltas and on the odd inputs it
// must hand over instead.
func TestRealtimeAudioDeltaFastPath(t *testing.T) {
	inputs := recordedAudioDeltas(t)
	for _, s := range []string{
		`{"type":"response.audio.delta","delta":"AAEC","response_id":"r\u00e9","item_id":"i1"}`,
		`{"type":"response.audio.delta","delta":"AA\/C"}`,               // escaped base64: encoding/json decides
		`{"type":"response.audio.delta","delta":null}`,                  // nil PCM
		`{"type":"response.audio.delta","DELTA":"AAEC"}`,                // another case
		`{"type":"response.audio.delta","delta":"AAEC","delta":"AAAA"}`, // repeated
		`{"type":"response.audio.delta","output_index":1.5}`,
		`{"type":"response.audio.delta","extra":{"nested":[1,2,{"x":null}]},"delta":"AAEC"} `,
		`{"type":"response.audio.delta","delta":"AAE"}`, // bad padding
		`{"type":"response.audio.delta","content_index":-3,"event_id":"e\"1"}`,
	} {
		inputs = append(inputs, []byte(s))
	}
	var rd realtimeDecoder
	for _, in := range inputs {
		got := decodeRealtimeEvent(in, false, &rd)
		var want RealtimeEvent = new(RealtimeAudioDelta)
		if err := json.Unmarshal(in, want); err != nil {
			want = &RealtimeUnknownEvent{Type: "response.audio.delta", Raw: in, Err: err}
		}
		if u, ok := got.(*RealtimeUnknownEvent); ok {
			if w, ok := want.(*RealtimeUnknownEvent); !ok || u.Err.Error() != w.Err.Error() {
				t.Errorf("%.80s: got %v, encoding/json gives %#v", in, u.Err, want)
			}
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%.120s:\ngot  %+v\nwant %+v", in, got, want)
		}
	}
}

// FuzzRealtimeAudioDelta holds the fast path to encoding/json on any input.
func FuzzRealtimeAudioDelta(f *testing.F) {
	for _, in := range recordedAudioDeltas(f)[:3] {
		f.Add(in)
	}
	f.Add([]byte(`{"type":"response.audio.delta","delta":"AAEC","Item_ID":"x"}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		var rd realtimeDecoder
		var got RealtimeAudioDelta
		if !rd.audioDelta(&got, in) {
			return
		}
		var want RealtimeAudioDelta
		if err := json.Unmarshal(in, &want); err != nil {
			t.Fatalf("the fast path took %q, which encoding/json refuses: %v", in, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\ngot  %+v\nwant %+v", in, got, want)
		}
	})
}

// TestRealtimeAudioDeltaAllocs: an audio delta costs its event and its PCM
// buffer; the event id comes from an arena block shared by many events.
func TestRealtimeAudioDeltaAllocs(t *testing.T) {
	events := recordedAudioDeltas(t)
	var rd realtimeDecoder
	i := 0
	allocs := testing.AllocsPerRun(200, func() {
		decodeRealtimeEvent(events[i%len(events)], false, &rd)
		i++
	})
	if allocs > 2.1 {
		t.Errorf("%.2f allocations per audio delta; want the event and its PCM (2)", allocs)
	}
}

// BenchmarkRealtimeDecode decodes the recorded session's audio deltas, one
// event per op: this package's decoder against encoding/json into the same
// type.
func BenchmarkRealtimeDecode(b *testing.B) {
	events := recordedAudioDeltas(b)
	size := 0
	for _, e := range events {
		size += len(e)
	}
	b.Run("audio_delta/zai", func(b *testing.B) {
		var rd realtimeDecoder
		b.ReportAllocs()
		b.SetBytes(int64(size / len(events)))
		for i := 0; b.Loop(); i++ {
			if _, ok := decodeRealtimeEvent(events[i%len(events)], false, &rd).(*RealtimeAudioDelta); !ok {
				b.Fatal("not decoded")
			}
		}
	})
	b.Run("audio_delta/encoding_json", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(size / len(events)))
		for i := 0; b.Loop(); i++ {
			var ev RealtimeAudioDelta
			if err := json.Unmarshal(events[i%len(events)], &ev); err != nil {
				b.Fatal(err)
			}
		}
	})
	text := []byte(`{"event_id":"event2dfd64945afc446b8626c131d3b92556","type":"response.audio_transcript.delta","client_timestamp":1737454110889,"response_id":"resp3840c7f9227f411b95ec55902b5363d6","item_id":"item_7b3","output_index":0,"content_index":0,"delta":"观众"}`)
	b.Run("transcript_delta/zai", func(b *testing.B) {
		var rd realtimeDecoder
		b.ReportAllocs()
		for b.Loop() {
			decodeRealtimeEvent(text, false, &rd)
		}
	})
}
