package zaifantasy

import (
	"encoding/json"

	"charm.land/fantasy"

	"github.com/zai-go/zai"
)

// Type ids under which fantasy's registry persists this provider's data, so
// a conversation saved as JSON (fantasy.UnmarshalProviderOptions,
// fantasy.UnmarshalProviderMetadata) comes back with these types.
const (
	TypeProviderOptions  = Name + ".options"
	TypeProviderMetadata = Name + ".metadata"
)

func init() {
	fantasy.RegisterProviderType(TypeProviderOptions, func(data []byte) (fantasy.ProviderOptionsData, error) {
		var v ProviderOptions
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, err
		}
		return &v, nil
	})
	fantasy.RegisterProviderType(TypeProviderMetadata, func(data []byte) (fantasy.ProviderOptionsData, error) {
		var v ProviderMetadata
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, err
		}
		return &v, nil
	})
}

// ProviderOptions are the Z.ai settings of one call, given under the
// provider's name:
//
//	fantasy.AgentCall{ProviderOptions: zaifantasy.NewProviderOptions(&zaifantasy.ProviderOptions{
//		Thinking:   &zai.Thinking{Type: zai.ThinkingTypeEnabled},
//		ToolStream: true,
//	})}
//
// Unset fields send nothing and leave the server's default.
type ProviderOptions struct {
	// Thinking turns the chain of thought on or off (GLM-4.5 and later).
	// With ClearThinking zai.Ptr(false) the model keeps earlier turns'
	// reasoning, which this provider always sends back.
	Thinking *zai.Thinking `json:"thinking,omitempty"`
	// ReasoningEffort sets the thinking depth, such as zai.ReasoningEffortHigh.
	ReasoningEffort zai.ReasoningEffort `json:"reasoning_effort,omitempty"`
	// ToolStream streams tool-call arguments as they are written (Stream
	// only; GLM-4.6 and later), so tool input deltas arrive before the call
	// is complete. Generate ignores it: the API refuses it without a stream.
	ToolStream bool `json:"tool_stream,omitempty"`
	// WebSearch adds Z.ai's built-in web search to the call. With
	// SearchResult true the pages found come back as sources.
	WebSearch *zai.WebSearch `json:"web_search,omitempty"`
	// UserID identifies your end user (6-128 characters).
	UserID string `json:"user_id,omitempty"`
	// RequestID is your id for the request; the server makes one when empty.
	RequestID string `json:"request_id,omitempty"`
	// DoSample turns sampling off when false (temperature and top_p are
	// then ignored).
	DoSample *bool `json:"do_sample,omitempty"`
	// Seed for sampling.
	Seed *int64 `json:"seed,omitempty"`
	// Stop words; the API honours one.
	Stop []string `json:"stop,omitempty"`
	// SensitiveWordCheck configures the content check, such as
	// {Type: "ALL", Status: "DISABLE"} (accounts allowed to change it).
	SensitiveWordCheck *zai.SensitiveWordCheck `json:"sensitive_word_check,omitempty"`
	// ExtraBody fields are merged into the request body last, for fields
	// this type does not have yet.
	ExtraBody map[string]any `json:"extra_body,omitempty"`
}

// Options marks ProviderOptions as fantasy provider data.
func (*ProviderOptions) Options() {}

// MarshalJSON writes the options with their registry type id, as fantasy's
// own providers do, so they survive a round trip through JSON.
func (o ProviderOptions) MarshalJSON() ([]byte, error) {
	type plain ProviderOptions
	return fantasy.MarshalProviderType(TypeProviderOptions, plain(o))
}

// UnmarshalJSON reads the options' fields (the registry has already
// removed the type wrapper).
func (o *ProviderOptions) UnmarshalJSON(data []byte) error {
	type plain ProviderOptions
	var p plain
	if err := fantasy.UnmarshalProviderType(data, &p); err != nil {
		return err
	}
	*o = ProviderOptions(p)
	return nil
}

// NewProviderOptions returns opts under the provider's name, ready for a
// fantasy.Call, AgentCall or ObjectCall.
func NewProviderOptions(opts *ProviderOptions) fantasy.ProviderOptions {
	return fantasy.ProviderOptions{Name: opts}
}

// ParseOptions reads provider options from a plain map, such as a
// configuration file's, by their JSON names.
func ParseOptions(data map[string]any) (*ProviderOptions, error) {
	var o ProviderOptions
	if err := fantasy.ParseOptions(data, &o); err != nil {
		return nil, err
	}
	return &o, nil
}

// ProviderMetadata is what a Z.ai reply carries beyond fantasy's fields,
// found under the provider's name in Response.ProviderMetadata and on the
// stream's finish part.
type ProviderMetadata struct {
	// ID is the completion's id.
	ID string `json:"id,omitempty"`
	// RequestID is the server's id of the request, for support tickets.
	RequestID string `json:"request_id,omitempty"`
	// FinishReason is the finish reason as the server sent it ("sensitive",
	// "network_error", "model_context_window_exceeded", ...), before
	// mapping onto fantasy's.
	FinishReason zai.FinishReason `json:"finish_reason,omitempty"`
	// WebSearch holds every page a web search found, with the fields a
	// source part has no room for (content, media, publish date).
	WebSearch []zai.WebSearchResult `json:"web_search,omitempty"`
	// ContentFilter reports the content-safety verdicts, when sent.
	ContentFilter []zai.ContentFilter `json:"content_filter,omitempty"`
}

// Options marks ProviderMetadata as fantasy provider data.
func (*ProviderMetadata) Options() {}

// MarshalJSON writes the metadata with its registry type id.
func (m ProviderMetadata) MarshalJSON() ([]byte, error) {
	type plain ProviderMetadata
	return fantasy.MarshalProviderType(TypeProviderMetadata, plain(m))
}

// UnmarshalJSON reads the metadata's fields.
func (m *ProviderMetadata) UnmarshalJSON(data []byte) error {
	type plain ProviderMetadata
	var p plain
	if err := fantasy.UnmarshalProviderType(data, &p); err != nil {
		return err
	}
	*m = ProviderMetadata(p)
	return nil
}
