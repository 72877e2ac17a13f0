package zai

import (
	"encoding/json"

	"github.com/zai-go/zai/internal/core"
)

// NewChunkDecoderWithErrorMember is NewChunkDecoder that also reports the
// decoder's note of a top-level "error" key.
func NewChunkDecoderWithErrorMember() func(data []byte) (c ChatCompletionChunk, ok, errorMember bool) {
	in := new(interner)
	return func(data []byte) (c ChatCompletionChunk, ok, errorMember bool) {
		ok = c.decodeFast(data, in)
		return c, ok, in.errorMember
	}
}

// InStreamError reports whether the stream would turn data into an
// *APIError.
func InStreamError(data []byte) bool { return inStreamError("", data) != nil }

// UnmarshalMessageStd decodes through the generated shadow struct and
// encoding/json only, the reference of the one-pass decoder.
func UnmarshalMessageStd(b []byte, m *Message) error { return m.unmarshalStd(b) }

// WithoutRaw returns v without the raw body a decoder set, for comparisons
// with values built in tests.
func WithoutRaw[T any](v T) T {
	if rs, ok := any(&v).(rawSetter); ok {
		rs.setRawJSON(nil)
	}
	return v
}

// ChatBodyJSON returns the chat body as AppendJSON writes it and as
// json.Marshal writes it.
func ChatBodyJSON(req ChatCompletionRequest, stream bool) (appended, marshaled []byte, err error) {
	b := chatBody{ChatCompletionRequest: &req, Stream: stream}
	if appended, err = b.AppendJSON(nil); err != nil {
		return nil, nil, err
	}
	marshaled, err = json.Marshal(b)
	return appended, marshaled, err
}

// AppendJSONString exposes the string encoder.
var AppendJSONString = appendJSONString

// DecodeCompletionFast decodes a completion with the generated decoder.
func DecodeCompletionFast(data []byte) (c ChatCompletion, ok bool) {
	ok = c.decodeFast(data, nil)
	return c, ok
}

// ChatBodyJSONMerged returns the chat body with extra merged as
// AppendJSONMerged writes it and as the general merge writes it.
func ChatBodyJSONMerged(req ChatCompletionRequest, extra map[string]any) (merged, general []byte, err error) {
	b := chatBody{ChatCompletionRequest: &req, Stream: true}
	if merged, err = b.AppendJSONMerged(nil, extra); err != nil {
		return nil, nil, err
	}
	all, err := b.AppendJSON(nil)
	if err != nil {
		return nil, nil, err
	}
	general, err = core.MergeObject(all, extra)
	return merged, general, err
}

// SetRawJSON sets the raw body of a response, as a decoder does.
func SetRawJSON(v any, b []byte) { v.(rawSetter).setRawJSON(b) }
