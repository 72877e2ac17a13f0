package zai

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"

	"github.com/zai-go/zai/internal/jsonx"
)

// checkPrim decodes in with a generated-code primitive and with
// encoding/json into the same type: when the primitive accepts the input,
// both must agree; accept says whether it must accept.
func checkPrim[T any](t *testing.T, in string, accept bool, dec func(*jsonReader, *T) bool) {
	t.Helper()
	var got, want T
	r := jsonReader{Reader: jsonx.Reader{B: []byte(in)}}
	ok := dec(&r, &got) && r.I == len(r.B)
	if ok != accept {
		t.Errorf("%T %s: accepted %v", got, in, ok)
	}
	if !ok {
		return
	}
	if err := json.Unmarshal([]byte(in), &want); err != nil {
		t.Fatalf("%T %s: accepted, encoding/json says %v", got, in, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%T %s: %v, encoding/json %v", got, in, got, want)
	}
}

// TestPrimitivesLikeEncodingJSON covers the decoders the generator emits for
// field types the current types do not use yet (booleans, unsigned and
// floating-point numbers, values left to encoding/json), so a field of such
// a type decodes correctly the day it is added.
func TestPrimitivesLikeEncodingJSON(t *testing.T) {
	for in, accept := range map[string]bool{"true": true, "false": true, "null": true, "tru": false, "1": false} {
		checkPrim(t, in, accept, decBool[bool])
	}
	uint8s := func(r *jsonReader, v *uint8) bool { return decUint(r, v, 8) }
	for in, accept := range map[string]bool{"0": true, "255": true, "256": false, "-0": false, "1.0": false, "null": true} {
		checkPrim(t, in, accept, uint8s)
	}
	uints := func(r *jsonReader, v *uint64) bool { return decUint(r, v, 64) }
	for in, accept := range map[string]bool{"18446744073709551615": true, "18446744073709551616": false} {
		checkPrim(t, in, accept, uints)
	}
	float32s := func(r *jsonReader, v *float32) bool { return decFloat(r, v, 32) }
	float64s := func(r *jsonReader, v *float64) bool { return decFloat(r, v, 64) }
	for in, accept := range map[string]bool{"1.5": true, "-0": true, "1e3": true, "2.5E-3": true, "1e400": false, "null": true, ".5": false, `"1"`: false} {
		checkPrim(t, in, accept, float64s)
	}
	checkPrim(t, "3.4e39", false, float32s)
	checkPrim(t, "0.1", true, float32s)
	int8s := decInt[int8]
	for in, accept := range map[string]bool{"127": true, "128": false, "-128": true, "null": true} {
		checkPrim(t, in, accept, int8s)
	}
	std := func(r *jsonReader, v *map[string]any) bool { return r.std(v) }
	for in, accept := range map[string]bool{`{"a":[1,"x",null]}`: true, "null": true, `[1]`: false, `{"a":}`: false} {
		checkPrim(t, in, accept, std)
	}
}

// TestEncoderPrimitivesLikeEncodingJSON covers the writers the generator
// emits for field types the encoded types do not use yet (booleans,
// unsigned and floating-point numbers), so such a field is written as
// json.Marshal writes it the day it is added.
func TestEncoderPrimitivesLikeEncodingJSON(t *testing.T) {
	check := func(v any, write func(*jsonWriter)) {
		t.Helper()
		var w jsonWriter
		write(&w)
		want, wantErr := json.Marshal(v)
		if (w.err == nil) != (wantErr == nil) || w.err == nil && string(w.b) != string(want) {
			t.Errorf("%#v: wrote %s (%v), encoding/json %s (%v)", v, w.b, w.err, want, wantErr)
		}
	}
	for _, b := range []bool{true, false} {
		check(b, func(w *jsonWriter) { w.bool(b) })
	}
	for _, n := range []uint64{0, 7, math.MaxUint64} {
		check(n, func(w *jsonWriter) { w.uint(n) })
	}
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -1.5, 1e-7, 1e-6, 123456789, 1e20, 1e21, 1.5e300, math.SmallestNonzeroFloat64, math.Inf(1), math.NaN()} {
		check(f, func(w *jsonWriter) { w.float(f, 64) })
	}
	for _, f := range []float32{0, 0.1, 1e-7, 1e21, 3.4e38} {
		check(f, func(w *jsonWriter) { w.float(float64(f), 32) })
	}
}
