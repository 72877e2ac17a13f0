package zai

import (
	"context"
	"time"
)

// WithTestHooks replaces the sleep between retries, the jitter source and the
// clock, for tests in package zai_test.
func WithTestHooks(sleep func(context.Context, time.Duration) error, jitter func() float64, now func() time.Time) Option {
	return withTestHooks(sleep, jitter, now)
}

// DecodeAPIError exposes the error decoder to tests.
var DecodeAPIError = decodeAPIError

// AgentsRoot exposes the agents-root derivation to tests.
var AgentsRoot = agentsRoot

// NewChunkDecoder returns the hand-written chunk decoder with one interner
// shared across calls, as a stream shares it across its chunks. ok is false
// when the decoder leaves the input to encoding/json.
func NewChunkDecoder() func(data []byte) (c ChatCompletionChunk, ok bool) {
	in := new(interner)
	return func(data []byte) (c ChatCompletionChunk, ok bool) {
		ok = c.decodeFast(data, in)
		return c, ok
	}
}
