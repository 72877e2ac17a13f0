//go:build goexperiment.jsonv2

package benchmarks

import jsonv2 "encoding/json/v2"

// json/v2 is a plain-struct contender when built with GOEXPERIMENT=jsonv2.
func init() {
	Unmarshalers = append(Unmarshalers, Unmarshaler{"json/v2", func(b []byte, v any) error { return jsonv2.Unmarshal(b, v) }})
}
