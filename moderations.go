package zai

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/zai-go/zai/internal/core"
	"github.com/zai-go/zai/internal/jsonx"
)

// ModerationService checks text, images, video and audio against the
// content-safety policy (model ModelModeration).
//
// BigModel API docs: https://docs.bigmodel.cn/api-reference/工具-api/内容安全
type ModerationService struct {
	client *Client
}

// ModerationRequest is the body of POST /moderations.
type ModerationRequest struct {
	// Model is ModelModeration.
	Model string `json:"model"`
	// Input is a text (ModerationText, up to 2000 characters), a list of
	// texts (ModerationTexts) or a list of typed items (ModerationItems).
	Input ModerationInput `json:"input"`
	// RequestID is your unique id for the request (6-64 characters).
	RequestID string `json:"request_id,omitempty"`
	// UserID identifies your end user (6-128 characters).
	UserID string `json:"user_id,omitempty"`
}

// ModerationInput is the content to check: Text, sent as a JSON string,
// Texts, sent as an array of strings, or Items, sent as an array of typed
// items. Every form decodes, as does a single item sent as an object, which
// is sent back the same way.
type ModerationInput struct {
	// Text is sent as "input": "text". Set one of Text, Texts, Item and
	// Items.
	Text string
	// Texts are sent as "input": ["a", "b"].
	Texts []string
	// Item is one typed input sent as an object, as "input": {...}.
	Item *ModerationItem
	// Items are typed inputs sent as an array: ModerationTextItem,
	// ModerationImageItem, ModerationVideoItem, ModerationAudioItem.
	Items []ModerationItem
}

// ModerationText returns a text input.
func ModerationText(text string) ModerationInput { return ModerationInput{Text: text} }

// ModerationTexts returns an input of several texts, sent as an array of
// strings.
func ModerationTexts(texts ...string) ModerationInput { return ModerationInput{Texts: texts} }

// ModerationItems returns an input of typed items.
func ModerationItems(items ...ModerationItem) ModerationInput {
	return ModerationInput{Items: items}
}

// MarshalJSON sends Text as a string, Texts as an array of strings, Item as
// an object, or Items as an array.
func (in ModerationInput) MarshalJSON() ([]byte, error) {
	switch {
	case in.Item != nil:
		return json.Marshal(in.Item)
	case len(in.Items) > 0:
		return json.Marshal(in.Items)
	case len(in.Texts) > 0:
		return json.Marshal(in.Texts)
	}
	return json.Marshal(in.Text)
}

// UnmarshalJSON accepts a string, an item object, an array of strings or an
// array of items.
func (in *ModerationInput) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*in = ModerationInput{}
	switch {
	case len(b) > 0 && b[0] == '{':
		var item ModerationItem
		if err := json.Unmarshal(b, &item); err != nil {
			return err
		}
		in.Item = &item
		return nil
	case len(b) > 0 && b[0] == '[':
		var items []json.RawMessage
		if err := json.Unmarshal(b, &items); err != nil {
			return err
		}
		if len(items) > 0 && len(items[0]) > 0 && items[0][0] == '"' {
			return json.Unmarshal(b, &in.Texts)
		}
		return json.Unmarshal(b, &in.Items)
	}
	return json.Unmarshal(b, &in.Text)
}

// ModerationType is the type of a moderation item.
type ModerationType string

// Types of moderation items.
const (
	ModerationTypeText     ModerationType = "text"
	ModerationTypeImageURL ModerationType = "image_url"
	ModerationTypeVideoURL ModerationType = "video_url"
	ModerationTypeAudioURL ModerationType = "audio_url"
)

// ModerationItem is one typed input. Build one with ModerationTextItem,
// ModerationImageItem, ModerationVideoItem or ModerationAudioItem.
type ModerationItem struct {
	Type     ModerationType `json:"type"`
	Text     string         `json:"text,omitempty"`
	ImageURL *URLRef        `json:"image_url,omitempty"`
	VideoURL *URLRef        `json:"video_url,omitempty"`
	AudioURL *URLRef        `json:"audio_url,omitempty"`
}

// ModerationTextItem returns a text item.
func ModerationTextItem(text string) ModerationItem {
	return ModerationItem{Type: ModerationTypeText, Text: text}
}

// ModerationImageItem returns an image item by URL.
func ModerationImageItem(url string) ModerationItem {
	return ModerationItem{Type: ModerationTypeImageURL, ImageURL: &URLRef{URL: url}}
}

// ModerationVideoItem returns a video item by URL.
func ModerationVideoItem(url string) ModerationItem {
	return ModerationItem{Type: ModerationTypeVideoURL, VideoURL: &URLRef{URL: url}}
}

// ModerationAudioItem returns an audio item by URL.
func ModerationAudioItem(url string) ModerationItem {
	return ModerationItem{Type: ModerationTypeAudioURL, AudioURL: &URLRef{URL: url}}
}

// RiskLevel is the verdict of a moderation.
type RiskLevel string

// Risk levels of a ModerationVerdict.
const (
	RiskLevelPass   RiskLevel = "PASS"
	RiskLevelReview RiskLevel = "REVIEW"
	RiskLevelReject RiskLevel = "REJECT"
)

// ModerationResponse is the response of POST /moderations.
type ModerationResponse struct {
	ID        string `json:"id"`
	Created   int64  `json:"created"`
	RequestID string `json:"request_id,omitempty"`
	// ResultList has a verdict per kind of content checked.
	ResultList []ModerationVerdict `json:"result_list"`
	Usage      ModerationUsage     `json:"usage"`

	rawBody
}

// ModerationVerdict is the verdict for one kind of content.
type ModerationVerdict struct {
	// ContentType is the kind of content checked, such as "text".
	ContentType string `json:"content_type"`
	// RiskLevel is RiskLevelPass, RiskLevelReview or RiskLevelReject.
	RiskLevel RiskLevel `json:"risk_level"`
	// RiskType names the risks found.
	RiskType []string `json:"risk_type,omitempty"`
}

// ModerationUsage counts the checks billed.
type ModerationUsage struct {
	ModerationText ModerationCallCount `json:"moderation_text"`
}

// ModerationCallCount is a number of billed calls.
type ModerationCallCount struct {
	// CallCount is the number of calls billed. It decodes from a JSON
	// number or from a string holding one ("1"), which the Java SDK types
	// it as; a fraction rounds to the nearest integer, as token counts do.
	CallCount int `json:"call_count"`
}

// UnmarshalJSON accepts call_count as a number or as a numeric string.
func (c *ModerationCallCount) UnmarshalJSON(b []byte) error {
	var w struct {
		CallCount json.RawMessage `json:"call_count"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	raw := bytes.TrimSpace(w.CallCount)
	if len(raw) == 0 || raw[0] != '"' {
		n := tokenCount(c.CallCount) // null and absence leave it as it is
		if len(raw) > 0 {
			if err := json.Unmarshal(raw, &n); err != nil {
				return err
			}
		}
		c.CallCount = int(n)
		return nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return err
	}
	r := jsonx.Reader{B: []byte(s)}
	tok, integer, ok := r.Number()
	if !ok || r.I != len(s) {
		return &json.UnmarshalTypeError{Value: "string " + strconv.Quote(s), Type: intType, Field: "call_count"}
	}
	c.CallCount = countOf(tok, integer)
	return nil
}

func (r *ModerationRequest) validate() error {
	if r.Model == "" {
		return invalidf("model is empty")
	}
	set := 0
	for _, ok := range []bool{r.Input.Text != "", len(r.Input.Texts) > 0, r.Input.Item != nil, len(r.Input.Items) > 0} {
		if ok {
			set++
		}
	}
	switch set {
	case 0:
		return invalidf("input is empty")
	case 1:
	default:
		return invalidf("input: set one of Text, Texts, Item and Items")
	}
	for i, t := range r.Input.Texts {
		if t == "" {
			return invalidf("input[%d] is empty", i)
		}
	}
	return nil
}

// Create checks the input and returns the verdicts.
//
// POST /moderations
func (s *ModerationService) Create(ctx context.Context, req ModerationRequest, opts ...Option) (*ModerationResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	return call[ModerationResponse](ctx, s.client, &core.Request{Method: http.MethodPost, Path: "/moderations", Body: &req}, opts)
}
