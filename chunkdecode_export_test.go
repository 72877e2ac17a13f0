package zai

import (
	"encoding/json"
	"reflect"

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

// MarshalMessageWire is Message's encoding as it was before appendJSON:
// messageWire through encoding/json. It is the reference appendJSON must
// equal byte for byte.
func MarshalMessageWire(m Message) ([]byte, error) {
	w := messageWire{
		Role:             m.Role,
		ReasoningContent: m.ReasoningContent,
		ToolCalls:        m.ToolCalls,
		ToolCallID:       m.ToolCallID,
		Name:             m.Name,
		Audio:            m.Audio,
	}
	var err error
	switch {
	case len(m.Parts) > 0:
		w.Content, err = json.Marshal(m.Parts)
	case m.Content != "" || len(m.ToolCalls) == 0:
		w.Content, err = json.Marshal(m.Content)
	}
	if err != nil {
		return nil, err
	}
	return json.Marshal(w)
}

// UnmarshalMessageWire decodes through messageWire only, the reference of
// the one-pass decoder.
func UnmarshalMessageWire(b []byte, m *Message) error { return m.unmarshalWire(b) }

// MessageWireFields lists messageWire's Go field names.
func MessageWireFields() []string {
	t := reflect.TypeFor[messageWire]()
	var out []string
	for i := range t.NumField() {
		out = append(out, t.Field(i).Name)
	}
	return out
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
