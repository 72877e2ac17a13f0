package sse

import (
	"strings"
	"testing"
	"testing/iotest"
)

// bom is U+FEFF in UTF-8. The WHATWG event-stream rules ignore one at the
// very start of the stream; without that the first line reads as a field
// named "\ufeffdata" and the first event is dropped.
const bom = "\xef\xbb\xbf"

func TestDecoderIgnoresLeadingBOM(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Event
	}{
		{"before data", bom + "data: first\n\ndata: second\n\n",
			[]Event{{Data: []byte("first")}, {Data: []byte("second")}}},
		{"before event field", bom + "event: error\ndata: x\n\n", []Event{{Type: "error", Data: []byte("x")}}},
		{"before a comment", bom + ": hi\n\ndata: a\n\n", []Event{{Data: []byte("a")}}},
		{"before CRLF", bom + "data: a\r\n\r\n", []Event{{Data: []byte("a")}}},
		// Only one is ignored: a second BOM is part of the first field name,
		// which is then unknown.
		{"only one", bom + bom + "data: lost\n\ndata: kept\n\n", []Event{{Data: []byte("kept")}}},
		// Not at the start: the BOM is data like any other bytes.
		{"inside a value", "data: " + bom + "x\n\n", []Event{{Data: []byte(bom + "x")}}},
		{"at the start of a later line", "data: a\n\n" + bom + "data: b\n\ndata: c\n\n",
			[]Event{{Data: []byte("a")}, {Data: []byte("c")}}},
		{"BOM alone", bom, nil},
		{"prefix of a BOM is not one", "\xef\xbbdata: a\n\ndata: b\n\n", []Event{{Data: []byte("b")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, mode := range []string{"whole", "one byte"} {
				r := strings.NewReader(tt.in)
				var got []Event
				var err error
				if mode == "one byte" {
					got, err = decodeAll(t, iotest.OneByteReader(r), 0)
				} else {
					got, err = decodeAll(t, r, 0)
				}
				if err != nil {
					t.Fatalf("%s: %v", mode, err)
				}
				if !eventsEqual(got, tt.want) {
					t.Fatalf("%s: got %+v, want %+v", mode, got, tt.want)
				}
			}
		})
	}
}
