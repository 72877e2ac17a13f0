package zai

import (
	"encoding/json"
	"reflect"
)

// A server may answer a stream request with the whole response as one JSON
// body. These methods turn such a body into the one value of the stream,
// so that nothing of the answer is lost (see Stream.takeJSON).

// decodeWholeBody reads a chat.completion as one chunk whose deltas carry
// each choice's whole message. Every field the two sides share is carried
// (chatCompletionChunkFromChatCompletion, generated). A body that is already
// a chunk, or whose choices carry no message, decodes as one.
func (c *ChatCompletionChunk) decodeWholeBody(b []byte) error {
	var whole ChatCompletion
	if !whole.decodeFast(b, nil) {
		whole = ChatCompletion{}
		if err := json.Unmarshal(b, &whole); err != nil {
			return err
		}
	}
	if whole.Object == "chat.completion.chunk" || !hasMessage(whole.Choices) {
		return json.Unmarshal(b, c)
	}
	*c = chatCompletionChunkFromChatCompletion(&whole)
	for i := range c.Choices {
		calls := c.Choices[i].Delta.ToolCalls
		for j := range calls {
			calls[j].Index = j // the accumulator merges calls by index
		}
	}
	return nil
}

// hasMessage reports whether any choice carries a message.
func hasMessage(choices []ChatCompletionChoice) bool {
	for i := range choices {
		if !reflect.ValueOf(&choices[i].Message).Elem().IsZero() {
			return true
		}
	}
	return false
}

// decodeWholeBody reads a whole transcription as one delta event carrying
// the text. A body that is already an event decodes as one.
func (e *TranscriptionEvent) decodeWholeBody(b []byte) error {
	var probe struct {
		Type *string `json:"type"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return err
	}
	if probe.Type != nil {
		return json.Unmarshal(b, e)
	}
	var t Transcription
	if err := json.Unmarshal(b, &t); err != nil {
		return err
	}
	*e = TranscriptionEvent{ID: t.ID, Created: t.Created, Model: t.Model, Type: TranscriptionEventTypeTextDelta, Delta: t.Text}
	return nil
}

// decodeWholeBody reads a whole web-search-pro answer as one chunk whose
// deltas carry each choice's tool calls. A body that is already a chunk
// decodes as one.
func (c *WebSearchProChunk) decodeWholeBody(b []byte) error {
	var whole WebSearchProResponse
	if err := json.Unmarshal(b, &whole); err != nil {
		return err
	}
	messages := false
	for _, ch := range whole.Choices {
		messages = messages || ch.Message.Role != "" || len(ch.Message.ToolCalls) > 0
	}
	if !messages {
		return json.Unmarshal(b, c)
	}
	*c = WebSearchProChunk{ID: whole.ID, Created: whole.Created}
	for _, ch := range whole.Choices {
		c.Choices = append(c.Choices, WebSearchProChunkChoice{
			Index:        ch.Index,
			Delta:        WebSearchProDelta{Role: ch.Message.Role, ToolCalls: ch.Message.ToolCalls},
			FinishReason: ch.FinishReason,
		})
	}
	return nil
}
