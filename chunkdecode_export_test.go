package zai

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
