package zai

import (
	"math"
	"strconv"
	"testing"

	"github.com/zai-go/zai/internal/jsonx"
)

// TestCountOf: a count is the nearest integer to any JSON number, saturated
// at the range of int.
func TestCountOf(t *testing.T) {
	maxInt, minInt := strconv.Itoa(math.MaxInt), strconv.Itoa(math.MinInt)
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"5", 5},
		{"-5", -5},
		{"0", 0},
		{"-0", 0},
		{"5.0", 5},
		{"1e2", 100},
		{"1E+2", 100},
		{"0.5e1", 5},
		{"50e-1", 5},
		{"12.7", 13},
		{"12.5", 13},
		{"12.49", 12},
		{"-2.5", -3},
		{"0.3", 0},
		{"1e-7", 0},
		{"5.0000000000000000001", 5},
		{"0e999999999999999999999", 0},
		{maxInt, math.MaxInt},
		{minInt, math.MinInt},
		{"99999999999999999999", math.MaxInt},
		{"-99999999999999999999", math.MinInt},
		{"1e19", math.MaxInt},
		{"1e400", math.MaxInt},
		{"-1e400", math.MinInt},
		{"1e-400", 0},
	} {
		r := jsonx.Reader{B: []byte(tc.in)}
		tok, integer, ok := r.Number()
		if !ok || r.I != len(tc.in) {
			t.Fatalf("%s is not a number", tc.in)
		}
		if got := countOf(tok, integer); got != tc.want {
			t.Errorf("countOf(%s) = %d, want %d", tc.in, got, tc.want)
		}
	}
}
