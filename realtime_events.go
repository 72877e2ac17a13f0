package zai

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// The events of a realtime session, in both directions, as the AsyncAPI
// document of GLM-Realtime (2026-07-11) names them, with the older events
// the official SDKs still send or decode (the Java SDK's
// service/realtime/**, MetaGLM/glm-realtime-sdk's golang/events). Every
// event marshals to its wire form, "type" included, and decodes from it.

// RealtimeEvent is an event the server sends: one of the Realtime event
// types below, such as *RealtimeAudioDelta, or *RealtimeUnknownEvent.
type RealtimeEvent interface {
	// EventType returns the event's "type" on the wire, such as
	// "response.audio.delta".
	EventType() string
}

// RealtimeClientEvent is an event a client sends with RealtimeSession.Send:
// one of this package's Realtime client event types, such as
// RealtimeAudioAppend or RealtimeResponseCreate, or a RealtimeRawEvent.
type RealtimeClientEvent interface {
	// EventType returns the event's "type" on the wire, such as
	// "input_audio_buffer.append".
	EventType() string
	// check refuses an event the server would refuse, before it is sent.
	check() error
}

// marshalEvent writes v (a struct, its fields tagged) as an event object
// whose first member is "type".
func marshalEvent(typ string, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(b)+len(typ)+12)
	out = append(out, `{"type":`...)
	out = appendJSONString(out, typ)
	if len(b) > 2 {
		out = append(out, ',')
		out = append(out, b[1:]...)
	} else {
		out = append(out, '}')
	}
	return out, nil
}

// Client events.

// RealtimeSessionUpdate (session.update) changes the session's
// configuration; the server answers with session.updated. Connect sends the
// first one.
type RealtimeSessionUpdate struct {
	EventID         string                `json:"event_id,omitempty"`
	ClientTimestamp int64                 `json:"client_timestamp,omitempty"`
	Session         RealtimeSessionConfig `json:"session"`
}

// RealtimeAudioAppend (input_audio_buffer.append) adds audio to the input
// buffer, in the session's input format. See RealtimeSession.AppendAudio.
type RealtimeAudioAppend struct {
	EventID         string `json:"event_id,omitempty"`
	ClientTimestamp int64  `json:"client_timestamp,omitempty"`
	// Audio is the raw bytes (a WAV file, or PCM); they travel in base64.
	Audio []byte `json:"audio"`
}

// RealtimeVideoFrameAppend (input_audio_buffer.append_video_frame) adds a
// JPEG frame in video mode. See RealtimeSession.AppendVideoFrame.
type RealtimeVideoFrameAppend struct {
	EventID         string `json:"event_id,omitempty"`
	ClientTimestamp int64  `json:"client_timestamp,omitempty"`
	// VideoFrame is the JPEG file; it travels in base64.
	VideoFrame []byte `json:"video_frame"`
}

// RealtimeAudioCommit (input_audio_buffer.commit) ends the user's turn
// with client VAD: the buffered audio (and frames) become a conversation
// item.
type RealtimeAudioCommit struct {
	EventID         string `json:"event_id,omitempty"`
	ClientTimestamp int64  `json:"client_timestamp,omitempty"`
}

// RealtimeAudioClear (input_audio_buffer.clear) drops the buffered audio.
type RealtimeAudioClear struct {
	EventID         string `json:"event_id,omitempty"`
	ClientTimestamp int64  `json:"client_timestamp,omitempty"`
}

// RealtimeAudioPreCommit (input_audio_buffer.pre_commit) is sent by the
// Java SDK only; it is not in the AsyncAPI document.
type RealtimeAudioPreCommit struct {
	EventID         string `json:"event_id,omitempty"`
	ClientTimestamp int64  `json:"client_timestamp,omitempty"`
}

// RealtimeItemCreate (conversation.item.create) adds an item to the
// conversation: a text message, or a function's output.
type RealtimeItemCreate struct {
	EventID         string       `json:"event_id,omitempty"`
	ClientTimestamp int64        `json:"client_timestamp,omitempty"`
	PreviousItemID  string       `json:"previous_item_id,omitempty"`
	Item            RealtimeItem `json:"item"`
}

// RealtimeItemDelete (conversation.item.delete) removes an item.
type RealtimeItemDelete struct {
	EventID         string `json:"event_id,omitempty"`
	ClientTimestamp int64  `json:"client_timestamp,omitempty"`
	ItemID          string `json:"item_id"`
}

// RealtimeItemRetrieve (conversation.item.retrieve) asks for an item; the
// server answers with conversation.item.retrieved.
type RealtimeItemRetrieve struct {
	EventID         string `json:"event_id,omitempty"`
	ClientTimestamp int64  `json:"client_timestamp,omitempty"`
	ItemID          string `json:"item_id"`
}

// RealtimeItemTruncate (conversation.item.truncate) cuts an assistant
// item's audio at AudioEndMS, after the user interrupted it (older SDKs;
// not in the AsyncAPI document).
type RealtimeItemTruncate struct {
	EventID         string `json:"event_id,omitempty"`
	ClientTimestamp int64  `json:"client_timestamp,omitempty"`
	ItemID          string `json:"item_id"`
	ContentIndex    int    `json:"content_index"`
	AudioEndMS      int    `json:"audio_end_ms"`
}

// RealtimeResponseCreate (response.create) asks the model to answer: after
// a Commit with client VAD, and after a function's output.
type RealtimeResponseCreate struct {
	EventID         string `json:"event_id,omitempty"`
	ClientTimestamp int64  `json:"client_timestamp,omitempty"`
}

// RealtimeResponseCancel (response.cancel) interrupts the response being
// generated.
type RealtimeResponseCancel struct {
	EventID         string `json:"event_id,omitempty"`
	ClientTimestamp int64  `json:"client_timestamp,omitempty"`
	// ResponseID names the response (older SDKs); empty cancels the
	// current one.
	ResponseID string `json:"response_id,omitempty"`
}

// RealtimeRawEvent is a client event written by hand, for one this SDK does
// not model: a JSON object with a "type".
type RealtimeRawEvent json.RawMessage

// RealtimeItem is an item of the conversation: a message, a function call
// or a function's output.
type RealtimeItem struct {
	ID     string             `json:"id,omitempty"`
	Type   RealtimeItemType   `json:"type"`
	Object string             `json:"object,omitempty"` // "realtime.item"
	Status RealtimeItemStatus `json:"status,omitempty"`
	// Role of a message: RoleUser, RoleAssistant or RoleSystem.
	Role    Role              `json:"role,omitempty"`
	Content []RealtimeContent `json:"content,omitempty"`
	// Name and Arguments (JSON text) of a function call.
	Name      string `json:"name,omitempty"`
	Arguments string `json:"arguments,omitempty"`
	// CallID links a function's output to its call, when the server gave
	// the call one.
	CallID string `json:"call_id,omitempty"`
	// Output of a function, for RealtimeItemTypeFunctionCallOutput.
	Output string `json:"output,omitempty"`
}

// RealtimeItemType is the kind of a conversation item.
type RealtimeItemType string

// Item kinds.
const (
	RealtimeItemTypeMessage            RealtimeItemType = "message"
	RealtimeItemTypeFunctionCall       RealtimeItemType = "function_call"
	RealtimeItemTypeFunctionCallOutput RealtimeItemType = "function_call_output"
)

// RealtimeItemStatus is the state of a conversation item.
type RealtimeItemStatus string

// Item states.
const (
	RealtimeItemStatusCompleted  RealtimeItemStatus = "completed"
	RealtimeItemStatusIncomplete RealtimeItemStatus = "incomplete"
	RealtimeItemStatusInProgress RealtimeItemStatus = "in_progress"
)

// RealtimeContent is a part of a message item.
type RealtimeContent struct {
	Type RealtimeContentType `json:"type"`
	Text string              `json:"text,omitempty"`
	// Audio is the raw audio of an input_audio part (base64 on the wire).
	Audio      []byte `json:"audio,omitempty"`
	Transcript string `json:"transcript,omitempty"`
}

// RealtimeContentType is the kind of a content part.
type RealtimeContentType string

// Content part kinds.
const (
	RealtimeContentTypeInputText  RealtimeContentType = "input_text"
	RealtimeContentTypeInputAudio RealtimeContentType = "input_audio"
	RealtimeContentTypeText       RealtimeContentType = "text"
	RealtimeContentTypeAudio      RealtimeContentType = "audio"
)

// EventType returns "session.update".
func (RealtimeSessionUpdate) EventType() string { return "session.update" }

// EventType returns "input_audio_buffer.append".
func (RealtimeAudioAppend) EventType() string { return "input_audio_buffer.append" }

// EventType returns "input_audio_buffer.append_video_frame".
func (RealtimeVideoFrameAppend) EventType() string { return "input_audio_buffer.append_video_frame" }

// EventType returns "input_audio_buffer.commit".
func (RealtimeAudioCommit) EventType() string { return "input_audio_buffer.commit" }

// EventType returns "input_audio_buffer.clear".
func (RealtimeAudioClear) EventType() string { return "input_audio_buffer.clear" }

// EventType returns "input_audio_buffer.pre_commit".
func (RealtimeAudioPreCommit) EventType() string { return "input_audio_buffer.pre_commit" }

// EventType returns "conversation.item.create".
func (RealtimeItemCreate) EventType() string { return "conversation.item.create" }

// EventType returns "conversation.item.delete".
func (RealtimeItemDelete) EventType() string { return "conversation.item.delete" }

// EventType returns "conversation.item.retrieve".
func (RealtimeItemRetrieve) EventType() string { return "conversation.item.retrieve" }

// EventType returns "conversation.item.truncate".
func (RealtimeItemTruncate) EventType() string { return "conversation.item.truncate" }

// EventType returns "response.create".
func (RealtimeResponseCreate) EventType() string { return "response.create" }

// EventType returns "response.cancel".
func (RealtimeResponseCancel) EventType() string { return "response.cancel" }

// EventType returns the raw event's "type", or "" when it has none.
func (e RealtimeRawEvent) EventType() string {
	var p struct {
		Type string `json:"type"`
	}
	json.Unmarshal(e, &p)
	return p.Type
}

func (e RealtimeSessionUpdate) check() error { return e.Session.validate() }

func (e RealtimeAudioAppend) check() error {
	if len(e.Audio) == 0 {
		return invalidf("realtime: appending no audio")
	}
	return nil
}

func (e RealtimeVideoFrameAppend) check() error {
	if len(e.VideoFrame) < 3 || e.VideoFrame[0] != 0xFF || e.VideoFrame[1] != 0xD8 || e.VideoFrame[2] != 0xFF {
		return invalidf("realtime: a video frame is a JPEG file (%d bytes given, not starting FF D8 FF)", len(e.VideoFrame))
	}
	return nil
}

func (RealtimeAudioCommit) check() error    { return nil }
func (RealtimeAudioClear) check() error     { return nil }
func (RealtimeAudioPreCommit) check() error { return nil }

func (e RealtimeItemCreate) check() error {
	switch it := e.Item; it.Type {
	case RealtimeItemTypeMessage:
		if len(it.Content) == 0 {
			return invalidf("realtime: a message item needs content")
		}
	case RealtimeItemTypeFunctionCall:
		if it.Name == "" {
			return invalidf("realtime: a function_call item needs a name")
		}
	case RealtimeItemTypeFunctionCallOutput:
	default:
		return invalidf("realtime: item type %q: use message, function_call or function_call_output", it.Type)
	}
	return nil
}

func (e RealtimeItemDelete) check() error   { return needItemID(e.ItemID) }
func (e RealtimeItemRetrieve) check() error { return needItemID(e.ItemID) }
func (e RealtimeItemTruncate) check() error { return needItemID(e.ItemID) }

func needItemID(id string) error {
	if id == "" {
		return invalidf("realtime: the item id is empty")
	}
	return nil
}

func (RealtimeResponseCreate) check() error { return nil }
func (RealtimeResponseCancel) check() error { return nil }

func (e RealtimeRawEvent) check() error {
	if e.EventType() == "" {
		return invalidf("realtime: a raw event is a JSON object with a \"type\"")
	}
	return nil
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeSessionUpdate) MarshalJSON() ([]byte, error) {
	type plain RealtimeSessionUpdate
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeAudioAppend) MarshalJSON() ([]byte, error) {
	return appendAudioEvent(nil, e.EventType(), "audio", e.EventID, e.ClientTimestamp, e.Audio), nil
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeVideoFrameAppend) MarshalJSON() ([]byte, error) {
	return appendAudioEvent(nil, e.EventType(), "video_frame", e.EventID, e.ClientTimestamp, e.VideoFrame), nil
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeAudioCommit) MarshalJSON() ([]byte, error) {
	type plain RealtimeAudioCommit
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeAudioClear) MarshalJSON() ([]byte, error) {
	type plain RealtimeAudioClear
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeAudioPreCommit) MarshalJSON() ([]byte, error) {
	type plain RealtimeAudioPreCommit
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeItemCreate) MarshalJSON() ([]byte, error) {
	type plain RealtimeItemCreate
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeItemDelete) MarshalJSON() ([]byte, error) {
	type plain RealtimeItemDelete
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeItemRetrieve) MarshalJSON() ([]byte, error) {
	type plain RealtimeItemRetrieve
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeItemTruncate) MarshalJSON() ([]byte, error) {
	type plain RealtimeItemTruncate
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeResponseCreate) MarshalJSON() ([]byte, error) {
	type plain RealtimeResponseCreate
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeResponseCancel) MarshalJSON() ([]byte, error) {
	type plain RealtimeResponseCancel
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON returns the raw event as it is.
func (e RealtimeRawEvent) MarshalJSON() ([]byte, error) {
	if !json.Valid(e) {
		return nil, fmt.Errorf("realtime raw event is not JSON")
	}
	return e, nil
}

// Server events.

// RealtimeError (error) reports a failure. Most leave the session open;
// the session's own end comes as the final error of Events. It is also an
// error, so Connect can return the one sent in place of session.updated, and
// errors.Is matches the package's categories for a numeric business code.
type RealtimeError struct {
	EventID         string
	ClientTimestamp int64
	// Type is the kind of error, such as "invalid_request_error" or
	// "server_error".
	Type string
	// Code is the error code, such as "invalid_event" or a business code.
	Code    string
	Message string
	// Param names the offending parameter, when the server says.
	Param string
}

// Error formats the event as "zai: realtime error: code C: message (type T)".
func (e *RealtimeError) Error() string {
	var b strings.Builder
	b.WriteString("zai: realtime error")
	writeCodeMessage(&b, e.Code, e.Message)
	if e.Type != "" {
		b.WriteString(" (" + e.Type + ")")
	}
	return b.String()
}

// Is matches the error categories (ErrRateLimited, ErrContentFiltered, ...)
// by a numeric business code.
func (e *RealtimeError) Is(target error) bool {
	if target == nil {
		return false
	}
	n, err := strconv.Atoi(e.Code)
	if err != nil {
		return false
	}
	c, ok := codeCategory(n)
	return ok && c == target
}

// RealtimeErrorInfo is the error of a failed input transcription.
type RealtimeErrorInfo struct {
	Type    string `json:"type,omitempty"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	Param   string `json:"param,omitempty"`
}

// RealtimeSessionCreated (session.created) reports the session's
// configuration when it starts.
type RealtimeSessionCreated struct {
	EventID         string                `json:"event_id,omitempty"`
	ClientTimestamp int64                 `json:"client_timestamp,omitempty"`
	Session         RealtimeSessionConfig `json:"session"`
}

// RealtimeSessionUpdated (session.updated) acknowledges a session.update
// with the configuration now in force.
type RealtimeSessionUpdated struct {
	EventID         string                `json:"event_id,omitempty"`
	ClientTimestamp int64                 `json:"client_timestamp,omitempty"`
	Session         RealtimeSessionConfig `json:"session"`
}

// RealtimeTranscriptionSessionUpdated (transcription_session.updated) is
// decoded by the official Go sample; it is not in the AsyncAPI document.
type RealtimeTranscriptionSessionUpdated struct {
	EventID         string                `json:"event_id,omitempty"`
	ClientTimestamp int64                 `json:"client_timestamp,omitempty"`
	Session         RealtimeSessionConfig `json:"session"`
}

// RealtimeConversationCreated (conversation.created): each session holds
// one conversation.
type RealtimeConversationCreated struct {
	EventID         string               `json:"event_id,omitempty"`
	ClientTimestamp int64                `json:"client_timestamp,omitempty"`
	Conversation    RealtimeConversation `json:"conversation"`
}

// RealtimeConversation identifies the session's conversation.
type RealtimeConversation struct {
	ID     string `json:"id"`
	Object string `json:"object,omitempty"` // "realtime.conversation"
}

// RealtimeItemCreated (conversation.item.created) reports an item added to
// the conversation: the user's committed audio, a text message, a function
// call or its output.
type RealtimeItemCreated struct {
	EventID         string       `json:"event_id,omitempty"`
	ClientTimestamp int64        `json:"client_timestamp,omitempty"`
	PreviousItemID  string       `json:"previous_item_id,omitempty"`
	Item            RealtimeItem `json:"item"`
}

// RealtimeItemDeleted (conversation.item.deleted) acknowledges a delete.
type RealtimeItemDeleted struct {
	EventID         string `json:"event_id,omitempty"`
	ClientTimestamp int64  `json:"client_timestamp,omitempty"`
	ItemID          string `json:"item_id"`
}

// RealtimeItemTruncated (conversation.item.truncated) acknowledges a
// truncate (older SDKs).
type RealtimeItemTruncated struct {
	EventID         string `json:"event_id,omitempty"`
	ClientTimestamp int64  `json:"client_timestamp,omitempty"`
	ItemID          string `json:"item_id"`
	ContentIndex    int    `json:"content_index"`
	AudioEndMS      int    `json:"audio_end_ms"`
}

// RealtimeItemRetrieved (conversation.item.retrieved) answers a retrieve.
type RealtimeItemRetrieved struct {
	EventID         string       `json:"event_id,omitempty"`
	ClientTimestamp int64        `json:"client_timestamp,omitempty"`
	Item            RealtimeItem `json:"item"`
}

// RealtimeInputTranscriptionCompleted
// (conversation.item.input_audio_transcription.completed) gives the text of
// the user's audio. A separate model writes it, so it may differ from what
// the realtime model understood, and it may come before or after the reply.
type RealtimeInputTranscriptionCompleted struct {
	EventID         string `json:"event_id,omitempty"`
	ClientTimestamp int64  `json:"client_timestamp,omitempty"`
	ItemID          string `json:"item_id"`
	ContentIndex    int    `json:"content_index"`
	Transcript      string `json:"transcript"`
}

// RealtimeInputTranscriptionFailed
// (conversation.item.input_audio_transcription.failed): the user's audio
// could not be transcribed.
type RealtimeInputTranscriptionFailed struct {
	EventID         string            `json:"event_id,omitempty"`
	ClientTimestamp int64             `json:"client_timestamp,omitempty"`
	ItemID          string            `json:"item_id"`
	ContentIndex    int               `json:"content_index"`
	Error           RealtimeErrorInfo `json:"error"`
}

// RealtimeInputCommitted (input_audio_buffer.committed): the buffered audio
// became the user item ItemID, by a Commit or by server VAD.
type RealtimeInputCommitted struct {
	EventID         string `json:"event_id,omitempty"`
	ClientTimestamp int64  `json:"client_timestamp,omitempty"`
	PreviousItemID  string `json:"previous_item_id,omitempty"`
	ItemID          string `json:"item_id"`
}

// RealtimeInputCleared (input_audio_buffer.cleared) acknowledges a Clear.
type RealtimeInputCleared struct {
	EventID         string `json:"event_id,omitempty"`
	ClientTimestamp int64  `json:"client_timestamp,omitempty"`
}

// RealtimeSpeechStarted (input_audio_buffer.speech_started): server VAD
// heard the user start speaking (a reply being spoken should stop).
type RealtimeSpeechStarted struct {
	EventID         string `json:"event_id,omitempty"`
	ClientTimestamp int64  `json:"client_timestamp,omitempty"`
	ItemID          string `json:"item_id,omitempty"`
	AudioStartMS    int    `json:"audio_start_ms,omitempty"`
}

// RealtimeSpeechStopped (input_audio_buffer.speech_stopped): server VAD
// heard the user stop.
type RealtimeSpeechStopped struct {
	EventID         string `json:"event_id,omitempty"`
	ClientTimestamp int64  `json:"client_timestamp,omitempty"`
	ItemID          string `json:"item_id,omitempty"`
	AudioEndMS      int    `json:"audio_end_ms,omitempty"`
}

// RealtimeResponseCreated (response.created): the model started answering.
type RealtimeResponseCreated struct {
	EventID         string           `json:"event_id,omitempty"`
	ClientTimestamp int64            `json:"client_timestamp,omitempty"`
	Response        RealtimeResponse `json:"response"`
}

// RealtimeResponseDone (response.done) ends every response, whatever its
// status, with the tokens it used.
type RealtimeResponseDone struct {
	EventID         string           `json:"event_id,omitempty"`
	ClientTimestamp int64            `json:"client_timestamp,omitempty"`
	Response        RealtimeResponse `json:"response"`
}

// RealtimeResponseCancelled (response.cancelled): a response was cancelled.
type RealtimeResponseCancelled struct {
	EventID         string           `json:"event_id,omitempty"`
	ClientTimestamp int64            `json:"client_timestamp,omitempty"`
	Response        RealtimeResponse `json:"response"`
}

// RealtimeResponse is a response of the model.
type RealtimeResponse struct {
	ID     string                 `json:"id"`
	Object string                 `json:"object,omitempty"` // "realtime.response"
	Status RealtimeResponseStatus `json:"status,omitempty"`
	// Output holds the response's items (older SDKs).
	Output []RealtimeItem `json:"output,omitempty"`
	Usage  *RealtimeUsage `json:"usage,omitempty"`
}

// RealtimeResponseStatus is the state of a response.
type RealtimeResponseStatus string

// Response states.
const (
	RealtimeResponseStatusInProgress RealtimeResponseStatus = "in_progress"
	RealtimeResponseStatusCompleted  RealtimeResponseStatus = "completed"
	RealtimeResponseStatusCancelled  RealtimeResponseStatus = "cancelled"
	RealtimeResponseStatusIncomplete RealtimeResponseStatus = "incomplete"
	RealtimeResponseStatusFailed     RealtimeResponseStatus = "failed"
)

// RealtimeUsage counts the tokens of a response.
type RealtimeUsage struct {
	TotalTokens        int                        `json:"total_tokens"`
	InputTokens        int                        `json:"input_tokens"`
	OutputTokens       int                        `json:"output_tokens"`
	InputTokenDetails  RealtimeInputTokenDetails  `json:"input_token_details"`
	OutputTokenDetails RealtimeOutputTokenDetails `json:"output_token_details"`
}

// RealtimeInputTokenDetails splits the input tokens.
type RealtimeInputTokenDetails struct {
	CachedTokens int `json:"cached_tokens"`
	TextTokens   int `json:"text_tokens"`
	AudioTokens  int `json:"audio_tokens"`
}

// RealtimeOutputTokenDetails splits the output tokens.
type RealtimeOutputTokenDetails struct {
	TextTokens  int `json:"text_tokens"`
	AudioTokens int `json:"audio_tokens"`
}

// RealtimeOutputItemAdded (response.output_item.added): a response began
// an item (older SDKs).
type RealtimeOutputItemAdded struct {
	EventID         string       `json:"event_id,omitempty"`
	ClientTimestamp int64        `json:"client_timestamp,omitempty"`
	ResponseID      string       `json:"response_id"`
	OutputIndex     int          `json:"output_index"`
	Item            RealtimeItem `json:"item"`
}

// RealtimeOutputItemDone (response.output_item.done): a response finished
// an item (older SDKs).
type RealtimeOutputItemDone struct {
	EventID         string       `json:"event_id,omitempty"`
	ClientTimestamp int64        `json:"client_timestamp,omitempty"`
	ResponseID      string       `json:"response_id"`
	OutputIndex     int          `json:"output_index"`
	Item            RealtimeItem `json:"item"`
}

// RealtimeContentPartAdded (response.content_part.added): an item began a
// content part (older SDKs).
type RealtimeContentPartAdded struct {
	EventID         string          `json:"event_id,omitempty"`
	ClientTimestamp int64           `json:"client_timestamp,omitempty"`
	ResponseID      string          `json:"response_id"`
	ItemID          string          `json:"item_id"`
	OutputIndex     int             `json:"output_index"`
	ContentIndex    int             `json:"content_index"`
	Part            RealtimeContent `json:"part"`
}

// RealtimeContentPartDone (response.content_part.done): an item finished a
// content part (older SDKs).
type RealtimeContentPartDone struct {
	EventID         string          `json:"event_id,omitempty"`
	ClientTimestamp int64           `json:"client_timestamp,omitempty"`
	ResponseID      string          `json:"response_id"`
	ItemID          string          `json:"item_id"`
	OutputIndex     int             `json:"output_index"`
	ContentIndex    int             `json:"content_index"`
	Part            RealtimeContent `json:"part"`
}

// RealtimeTextDelta (response.text.delta) is a piece of a text reply.
type RealtimeTextDelta struct {
	EventID         string `json:"event_id,omitempty"`
	ClientTimestamp int64  `json:"client_timestamp,omitempty"`
	ResponseID      string `json:"response_id"`
	ItemID          string `json:"item_id"`
	OutputIndex     int    `json:"output_index"`
	ContentIndex    int    `json:"content_index"`
	Delta           string `json:"delta"`
}

// RealtimeTextDone (response.text.done) gives the whole text reply.
type RealtimeTextDone struct {
	EventID         string `json:"event_id,omitempty"`
	ClientTimestamp int64  `json:"client_timestamp,omitempty"`
	ResponseID      string `json:"response_id"`
	ItemID          string `json:"item_id"`
	OutputIndex     int    `json:"output_index"`
	ContentIndex    int    `json:"content_index"`
	Text            string `json:"text"`
}

// RealtimeAudioDelta (response.audio.delta) is a piece of the spoken
// reply: 16-bit little-endian mono PCM at 24 kHz.
type RealtimeAudioDelta struct {
	EventID         string `json:"event_id,omitempty"`
	ClientTimestamp int64  `json:"client_timestamp,omitempty"`
	ResponseID      string `json:"response_id"`
	ItemID          string `json:"item_id"`
	OutputIndex     int    `json:"output_index"`
	ContentIndex    int    `json:"content_index"`
	// Delta is the audio, decoded from the base64 of the wire.
	Delta []byte `json:"delta"`
}

// PCM returns the audio of the delta: 16-bit little-endian mono samples
// at 24 kHz (Delta itself).
func (e *RealtimeAudioDelta) PCM() []byte { return e.Delta }

// RealtimeAudioDone (response.audio.done): the spoken reply is complete,
// or was interrupted.
type RealtimeAudioDone struct {
	EventID         string `json:"event_id,omitempty"`
	ClientTimestamp int64  `json:"client_timestamp,omitempty"`
	ResponseID      string `json:"response_id"`
	ItemID          string `json:"item_id"`
	OutputIndex     int    `json:"output_index"`
	ContentIndex    int    `json:"content_index"`
}

// RealtimeTranscriptDelta (response.audio_transcript.delta) is a piece of
// the text of the spoken reply.
type RealtimeTranscriptDelta struct {
	EventID         string `json:"event_id,omitempty"`
	ClientTimestamp int64  `json:"client_timestamp,omitempty"`
	ResponseID      string `json:"response_id"`
	ItemID          string `json:"item_id"`
	OutputIndex     int    `json:"output_index"`
	ContentIndex    int    `json:"content_index"`
	Delta           string `json:"delta"`
}

// RealtimeTranscriptDone (response.audio_transcript.done) gives the whole
// text of the spoken reply.
type RealtimeTranscriptDone struct {
	EventID         string `json:"event_id,omitempty"`
	ClientTimestamp int64  `json:"client_timestamp,omitempty"`
	ResponseID      string `json:"response_id"`
	ItemID          string `json:"item_id"`
	OutputIndex     int    `json:"output_index"`
	ContentIndex    int    `json:"content_index"`
	Transcript      string `json:"transcript"`
}

// RealtimeFunctionCallArgumentsDelta
// (response.function_call_arguments.delta) is a piece of a function call's
// arguments (older SDKs).
type RealtimeFunctionCallArgumentsDelta struct {
	EventID         string `json:"event_id,omitempty"`
	ClientTimestamp int64  `json:"client_timestamp,omitempty"`
	ResponseID      string `json:"response_id"`
	ItemID          string `json:"item_id,omitempty"`
	OutputIndex     int    `json:"output_index"`
	CallID          string `json:"call_id,omitempty"`
	Delta           string `json:"delta"`
}

// RealtimeFunctionCallArgumentsDone (response.function_call_arguments.done)
// is a whole function call; a response may hold several. The AsyncAPI
// document promises no CallID, so outputs are matched to calls by their
// order (RealtimeToolRunner does).
type RealtimeFunctionCallArgumentsDone struct {
	EventID         string `json:"event_id,omitempty"`
	ClientTimestamp int64  `json:"client_timestamp,omitempty"`
	ResponseID      string `json:"response_id"`
	ItemID          string `json:"item_id,omitempty"`
	OutputIndex     int    `json:"output_index"`
	CallID          string `json:"call_id,omitempty"`
	Name            string `json:"name"`
	// Arguments is JSON text.
	Arguments string `json:"arguments"`
}

// RealtimeSimpleBrowser (response.function_call.simple_browser): the model
// searches the web with its built-in tool (video mode). Description is
// the phrase it says while searching, which it also speaks.
type RealtimeSimpleBrowser struct {
	EventID         string
	ClientTimestamp int64
	Name            string // "simple_browser"
	Description     string
	SearchMeta      string
	Meta            string
	TextCitation    string
}

// RealtimeSimpleBrowserOutput
// (response.function_call.simple_browser.result) carries the search's
// outcome; only the official Go sample names it.
type RealtimeSimpleBrowserOutput struct {
	EventID         string
	ClientTimestamp int64
	Name            string
	Description     string
	SearchMeta      string
	Meta            string
	TextCitation    string
}

// RealtimeRateLimitsUpdated (rate_limits.updated) reports the limits in
// force (older SDKs).
type RealtimeRateLimitsUpdated struct {
	EventID         string              `json:"event_id,omitempty"`
	ClientTimestamp int64               `json:"client_timestamp,omitempty"`
	RateLimits      []RealtimeRateLimit `json:"rate_limits"`
}

// RealtimeRateLimit is one limit.
type RealtimeRateLimit struct {
	Name         string  `json:"name"`
	Limit        int     `json:"limit"`
	Remaining    int     `json:"remaining"`
	ResetSeconds float64 `json:"reset_seconds"`
}

// RealtimeHeartbeat (heartbeat) says the session is alive: the server sends
// one when the session is created or updated, then every 30 s.
type RealtimeHeartbeat struct{}

// RealtimeUnknownEvent is a message the SDK could not type: an event type
// it does not know (Err is nil), or a message it could not decode (a frame
// that is not a JSON object, a field of the wrong type; Err says why). It
// is never dropped and never ends the session.
type RealtimeUnknownEvent struct {
	// Type is the message's "type"; empty when it had none.
	Type string
	// Raw is the message as received.
	Raw []byte
	// Err is why a message was not decoded; nil for an unknown type.
	Err error
}

// EventType returns "error".
func (*RealtimeError) EventType() string { return "error" }

// EventType returns "session.created".
func (*RealtimeSessionCreated) EventType() string { return "session.created" }

// EventType returns "session.updated".
func (*RealtimeSessionUpdated) EventType() string { return "session.updated" }

// EventType returns "transcription_session.updated".
func (*RealtimeTranscriptionSessionUpdated) EventType() string {
	return "transcription_session.updated"
}

// EventType returns "conversation.created".
func (*RealtimeConversationCreated) EventType() string { return "conversation.created" }

// EventType returns "conversation.item.created".
func (*RealtimeItemCreated) EventType() string { return "conversation.item.created" }

// EventType returns "conversation.item.deleted".
func (*RealtimeItemDeleted) EventType() string { return "conversation.item.deleted" }

// EventType returns "conversation.item.truncated".
func (*RealtimeItemTruncated) EventType() string { return "conversation.item.truncated" }

// EventType returns "conversation.item.retrieved".
func (*RealtimeItemRetrieved) EventType() string { return "conversation.item.retrieved" }

// EventType returns "conversation.item.input_audio_transcription.completed".
func (*RealtimeInputTranscriptionCompleted) EventType() string {
	return "conversation.item.input_audio_transcription.completed"
}

// EventType returns "conversation.item.input_audio_transcription.failed".
func (*RealtimeInputTranscriptionFailed) EventType() string {
	return "conversation.item.input_audio_transcription.failed"
}

// EventType returns "input_audio_buffer.committed".
func (*RealtimeInputCommitted) EventType() string { return "input_audio_buffer.committed" }

// EventType returns "input_audio_buffer.cleared".
func (*RealtimeInputCleared) EventType() string { return "input_audio_buffer.cleared" }

// EventType returns "input_audio_buffer.speech_started".
func (*RealtimeSpeechStarted) EventType() string { return "input_audio_buffer.speech_started" }

// EventType returns "input_audio_buffer.speech_stopped".
func (*RealtimeSpeechStopped) EventType() string { return "input_audio_buffer.speech_stopped" }

// EventType returns "response.created".
func (*RealtimeResponseCreated) EventType() string { return "response.created" }

// EventType returns "response.done".
func (*RealtimeResponseDone) EventType() string { return "response.done" }

// EventType returns "response.cancelled".
func (*RealtimeResponseCancelled) EventType() string { return "response.cancelled" }

// EventType returns "response.output_item.added".
func (*RealtimeOutputItemAdded) EventType() string { return "response.output_item.added" }

// EventType returns "response.output_item.done".
func (*RealtimeOutputItemDone) EventType() string { return "response.output_item.done" }

// EventType returns "response.content_part.added".
func (*RealtimeContentPartAdded) EventType() string { return "response.content_part.added" }

// EventType returns "response.content_part.done".
func (*RealtimeContentPartDone) EventType() string { return "response.content_part.done" }

// EventType returns "response.text.delta".
func (*RealtimeTextDelta) EventType() string { return "response.text.delta" }

// EventType returns "response.text.done".
func (*RealtimeTextDone) EventType() string { return "response.text.done" }

// EventType returns "response.audio.delta".
func (*RealtimeAudioDelta) EventType() string { return "response.audio.delta" }

// EventType returns "response.audio.done".
func (*RealtimeAudioDone) EventType() string { return "response.audio.done" }

// EventType returns "response.audio_transcript.delta".
func (*RealtimeTranscriptDelta) EventType() string { return "response.audio_transcript.delta" }

// EventType returns "response.audio_transcript.done".
func (*RealtimeTranscriptDone) EventType() string { return "response.audio_transcript.done" }

// EventType returns "response.function_call_arguments.delta".
func (*RealtimeFunctionCallArgumentsDelta) EventType() string {
	return "response.function_call_arguments.delta"
}

// EventType returns "response.function_call_arguments.done".
func (*RealtimeFunctionCallArgumentsDone) EventType() string {
	return "response.function_call_arguments.done"
}

// EventType returns "response.function_call.simple_browser".
func (*RealtimeSimpleBrowser) EventType() string { return "response.function_call.simple_browser" }

// EventType returns "response.function_call.simple_browser.result".
func (*RealtimeSimpleBrowserOutput) EventType() string {
	return "response.function_call.simple_browser.result"
}

// EventType returns "rate_limits.updated".
func (*RealtimeRateLimitsUpdated) EventType() string { return "rate_limits.updated" }

// EventType returns "heartbeat".
func (*RealtimeHeartbeat) EventType() string { return "heartbeat" }

// EventType returns the message's "type", or "" when it had none.
func (e *RealtimeUnknownEvent) EventType() string { return e.Type }

// realtimeEvents makes an empty event of each known type, by wire type.
var realtimeEvents = func() map[string]func() RealtimeEvent {
	m := map[string]func() RealtimeEvent{}
	for _, f := range []func() RealtimeEvent{
		func() RealtimeEvent { return new(RealtimeError) },
		func() RealtimeEvent { return new(RealtimeSessionCreated) },
		func() RealtimeEvent { return new(RealtimeSessionUpdated) },
		func() RealtimeEvent { return new(RealtimeTranscriptionSessionUpdated) },
		func() RealtimeEvent { return new(RealtimeConversationCreated) },
		func() RealtimeEvent { return new(RealtimeItemCreated) },
		func() RealtimeEvent { return new(RealtimeItemDeleted) },
		func() RealtimeEvent { return new(RealtimeItemTruncated) },
		func() RealtimeEvent { return new(RealtimeItemRetrieved) },
		func() RealtimeEvent { return new(RealtimeInputTranscriptionCompleted) },
		func() RealtimeEvent { return new(RealtimeInputTranscriptionFailed) },
		func() RealtimeEvent { return new(RealtimeInputCommitted) },
		func() RealtimeEvent { return new(RealtimeInputCleared) },
		func() RealtimeEvent { return new(RealtimeSpeechStarted) },
		func() RealtimeEvent { return new(RealtimeSpeechStopped) },
		func() RealtimeEvent { return new(RealtimeResponseCreated) },
		func() RealtimeEvent { return new(RealtimeResponseDone) },
		func() RealtimeEvent { return new(RealtimeResponseCancelled) },
		func() RealtimeEvent { return new(RealtimeOutputItemAdded) },
		func() RealtimeEvent { return new(RealtimeOutputItemDone) },
		func() RealtimeEvent { return new(RealtimeContentPartAdded) },
		func() RealtimeEvent { return new(RealtimeContentPartDone) },
		func() RealtimeEvent { return new(RealtimeTextDelta) },
		func() RealtimeEvent { return new(RealtimeTextDone) },
		func() RealtimeEvent { return new(RealtimeAudioDelta) },
		func() RealtimeEvent { return new(RealtimeAudioDone) },
		func() RealtimeEvent { return new(RealtimeTranscriptDelta) },
		func() RealtimeEvent { return new(RealtimeTranscriptDone) },
		func() RealtimeEvent { return new(RealtimeFunctionCallArgumentsDelta) },
		func() RealtimeEvent { return new(RealtimeFunctionCallArgumentsDone) },
		func() RealtimeEvent { return new(RealtimeSimpleBrowser) },
		func() RealtimeEvent { return new(RealtimeSimpleBrowserOutput) },
		func() RealtimeEvent { return new(RealtimeRateLimitsUpdated) },
		func() RealtimeEvent { return new(RealtimeHeartbeat) },
	} {
		m[f().EventType()] = f
	}
	return m
}()

// Each server event marshals to its wire form, with "type" first, so that
// a fake server (zaitest) can send the same values the client decodes.

// MarshalJSON writes the event with its "type" first.
func (e RealtimeSessionCreated) MarshalJSON() ([]byte, error) {
	type plain RealtimeSessionCreated
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeSessionUpdated) MarshalJSON() ([]byte, error) {
	type plain RealtimeSessionUpdated
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeTranscriptionSessionUpdated) MarshalJSON() ([]byte, error) {
	type plain RealtimeTranscriptionSessionUpdated
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeConversationCreated) MarshalJSON() ([]byte, error) {
	type plain RealtimeConversationCreated
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeItemCreated) MarshalJSON() ([]byte, error) {
	type plain RealtimeItemCreated
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeItemDeleted) MarshalJSON() ([]byte, error) {
	type plain RealtimeItemDeleted
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeItemTruncated) MarshalJSON() ([]byte, error) {
	type plain RealtimeItemTruncated
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeItemRetrieved) MarshalJSON() ([]byte, error) {
	type plain RealtimeItemRetrieved
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeInputTranscriptionCompleted) MarshalJSON() ([]byte, error) {
	type plain RealtimeInputTranscriptionCompleted
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeInputTranscriptionFailed) MarshalJSON() ([]byte, error) {
	type plain RealtimeInputTranscriptionFailed
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeInputCommitted) MarshalJSON() ([]byte, error) {
	type plain RealtimeInputCommitted
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeInputCleared) MarshalJSON() ([]byte, error) {
	type plain RealtimeInputCleared
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeSpeechStarted) MarshalJSON() ([]byte, error) {
	type plain RealtimeSpeechStarted
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeSpeechStopped) MarshalJSON() ([]byte, error) {
	type plain RealtimeSpeechStopped
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeResponseCreated) MarshalJSON() ([]byte, error) {
	type plain RealtimeResponseCreated
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeResponseDone) MarshalJSON() ([]byte, error) {
	type plain RealtimeResponseDone
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeResponseCancelled) MarshalJSON() ([]byte, error) {
	type plain RealtimeResponseCancelled
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeOutputItemAdded) MarshalJSON() ([]byte, error) {
	type plain RealtimeOutputItemAdded
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeOutputItemDone) MarshalJSON() ([]byte, error) {
	type plain RealtimeOutputItemDone
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeContentPartAdded) MarshalJSON() ([]byte, error) {
	type plain RealtimeContentPartAdded
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeContentPartDone) MarshalJSON() ([]byte, error) {
	type plain RealtimeContentPartDone
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeTextDelta) MarshalJSON() ([]byte, error) {
	type plain RealtimeTextDelta
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeTextDone) MarshalJSON() ([]byte, error) {
	type plain RealtimeTextDone
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeAudioDelta) MarshalJSON() ([]byte, error) {
	type plain RealtimeAudioDelta
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeAudioDone) MarshalJSON() ([]byte, error) {
	type plain RealtimeAudioDone
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeTranscriptDelta) MarshalJSON() ([]byte, error) {
	type plain RealtimeTranscriptDelta
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeTranscriptDone) MarshalJSON() ([]byte, error) {
	type plain RealtimeTranscriptDone
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeFunctionCallArgumentsDelta) MarshalJSON() ([]byte, error) {
	type plain RealtimeFunctionCallArgumentsDelta
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeFunctionCallArgumentsDone) MarshalJSON() ([]byte, error) {
	type plain RealtimeFunctionCallArgumentsDone
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeRateLimitsUpdated) MarshalJSON() ([]byte, error) {
	type plain RealtimeRateLimitsUpdated
	return marshalEvent(e.EventType(), plain(e))
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeHeartbeat) MarshalJSON() ([]byte, error) {
	return marshalEvent(e.EventType(), struct{}{})
}

// realtimeErrorWire is the wire form of an error event.
type realtimeErrorWire struct {
	EventID         string `json:"event_id,omitempty"`
	ClientTimestamp int64  `json:"client_timestamp,omitempty"`
	Error           struct {
		Type    string          `json:"type,omitempty"`
		Code    json.RawMessage `json:"code,omitempty"`
		Message string          `json:"message"`
		Param   string          `json:"param,omitempty"`
	} `json:"error"`
}

// MarshalJSON writes the wire form: {"type":"error","error":{...}}.
func (e RealtimeError) MarshalJSON() ([]byte, error) {
	var w realtimeErrorWire
	w.EventID, w.ClientTimestamp = e.EventID, e.ClientTimestamp
	w.Error.Type, w.Error.Message, w.Error.Param = e.Type, e.Message, e.Param
	if e.Code != "" {
		w.Error.Code, _ = json.Marshal(e.Code)
	}
	return marshalEvent(e.EventType(), w)
}

// UnmarshalJSON reads the wire form; a code sent as a number is kept as its
// digits.
func (e *RealtimeError) UnmarshalJSON(b []byte) error {
	var w realtimeErrorWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*e = RealtimeError{EventID: w.EventID, ClientTimestamp: w.ClientTimestamp, Type: w.Error.Type,
		Code: codeString(w.Error.Code), Message: w.Error.Message, Param: w.Error.Param}
	return nil
}

// simpleBrowserWire is the wire form of the simple_browser events.
type simpleBrowserWire struct {
	EventID         string `json:"event_id,omitempty"`
	ClientTimestamp int64  `json:"client_timestamp,omitempty"`
	Name            string `json:"name"`
	Session         struct {
		BetaFields struct {
			SimpleBrowser struct {
				Description  string `json:"description,omitempty"`
				SearchMeta   string `json:"search_meta,omitempty"`
				Meta         string `json:"meta,omitempty"`
				TextCitation string `json:"text_citation,omitempty"`
			} `json:"simple_browser"`
		} `json:"beta_fields"`
	} `json:"session"`
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeSimpleBrowser) MarshalJSON() ([]byte, error) {
	return marshalEvent(e.EventType(), simpleBrowserOf(RealtimeSimpleBrowserOutput(e)))
}

// UnmarshalJSON reads the wire form, the description nested in session.beta_fields.
func (e *RealtimeSimpleBrowser) UnmarshalJSON(b []byte) error {
	var o RealtimeSimpleBrowserOutput
	err := o.UnmarshalJSON(b)
	*e = RealtimeSimpleBrowser(o)
	return err
}

// MarshalJSON writes the event with its "type" first.
func (e RealtimeSimpleBrowserOutput) MarshalJSON() ([]byte, error) {
	return marshalEvent(e.EventType(), simpleBrowserOf(e))
}

// UnmarshalJSON reads the wire form, the description nested in session.beta_fields.
func (e *RealtimeSimpleBrowserOutput) UnmarshalJSON(b []byte) error {
	var w simpleBrowserWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	sb := w.Session.BetaFields.SimpleBrowser
	*e = RealtimeSimpleBrowserOutput{EventID: w.EventID, ClientTimestamp: w.ClientTimestamp, Name: w.Name,
		Description: sb.Description, SearchMeta: sb.SearchMeta, Meta: sb.Meta, TextCitation: sb.TextCitation}
	return nil
}

func simpleBrowserOf(e RealtimeSimpleBrowserOutput) simpleBrowserWire {
	var w simpleBrowserWire
	w.EventID, w.ClientTimestamp, w.Name = e.EventID, e.ClientTimestamp, e.Name
	sb := &w.Session.BetaFields.SimpleBrowser
	sb.Description, sb.SearchMeta, sb.Meta, sb.TextCitation = e.Description, e.SearchMeta, e.Meta, e.TextCitation
	return w
}

// MarshalJSON returns the message as received.
func (e RealtimeUnknownEvent) MarshalJSON() ([]byte, error) {
	if !json.Valid(e.Raw) {
		return nil, fmt.Errorf("realtime message of type %q is not JSON", e.Type)
	}
	return e.Raw, nil
}
