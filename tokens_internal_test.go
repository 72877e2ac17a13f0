package zai

import (
	"math"
	"strconv"
	"testing"
)

func TestIntegralNumber(t *testing.T) {
	maxInt := strconv.Itoa(math.MaxInt)
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"5", 5, true},
		{"-5", -5, true},
		{"0", 0, true},
		{"-0", 0, true},
		{"5.0", 5, true},
		{"5.000", 5, true},
		{"1e2", 100, true},
		{"1E+2", 100, true},
		{"0.5e1", 5, true},
		{"50e-1", 5, true},
		{"-2.5e1", -25, true},
		{"0.0", 0, true},
		{"0e999999999999999999999", 0, true},
		{"0.000e-5", 0, true},
		{maxInt, math.MaxInt, true},
		{maxInt + ".0", math.MaxInt, true},
		{"5.5", 0, false},
		{"0.5", 0, false},
		{"1e-1", 0, false},
		{"5.0000000000000000001", 0, false},
		{"1e19", 0, false},
		{"1e400", 0, false},
		{"1e-400", 0, false},
		{"1e999999999999999999999", 0, false},
		{"99999999999999999999", 0, false},
	} {
		got, ok := integralNumber(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("integralNumber(%s) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
