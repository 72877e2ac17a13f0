package zai

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/zai-go/zai/internal/core"
)

// AgentService calls the ready-made agents: translation, video effects,
// slides and others. The agents live under /api/v1/agents on the API host,
// not under /api/paas/v4; the client derives that root from the base URL
// (WithAgentsBaseURL overrides it).
//
// An agent that fails answers HTTP 200 with {"status":"failed","error":{...}};
// the methods return that as an *APIError with StatusCode 200.
//
// Z.ai API docs: https://docs.z.ai/api-reference/agents/agent
type AgentService struct {
	client *Client
}

// Agent ids of the agents this SDK types. Any agent id is accepted.
const (
	// AgentTranslation translates text (general_translation). Custom
	// variables: TranslationVariables.
	AgentTranslation = "general_translation"
	// AgentVideoEffects makes a special-effects video from an image
	// (vidu_template_agent). It runs asynchronously: Invoke returns an
	// AsyncID to pass to GetAsyncResult or Wait. Custom variables:
	// VideoEffectsVariables.
	AgentVideoEffects = "vidu_template_agent"
	// AgentSlides writes slides and posters (slides_glm_agent). It streams
	// its phases: use InvokeStream. GetConversation exports the result.
	AgentSlides = "slides_glm_agent"
)

// AgentStatus is the state an agent reports.
type AgentStatus string

// Agent states.
const (
	AgentStatusPending AgentStatus = "pending"
	AgentStatusSuccess AgentStatus = "success"
	AgentStatusFailed  AgentStatus = "failed"
)

// AgentContentType is the type of an agent content item.
type AgentContentType string

// Types of agent content items.
const (
	AgentContentTypeText     AgentContentType = "text"
	AgentContentTypeImageURL AgentContentType = "image_url"
	AgentContentTypeVideoURL AgentContentType = "video_url"
	AgentContentTypeFileURL  AgentContentType = "file_url"
	AgentContentTypeObject   AgentContentType = "object"
)

// AgentRequest is the body of POST /v1/agents. The "stream" field is set by
// the method you call.
type AgentRequest struct {
	// AgentID names the agent, such as AgentTranslation.
	AgentID  string         `json:"agent_id"`
	Messages []AgentMessage `json:"messages,omitempty"`
	// CustomVariables are the agent's parameters: TranslationVariables,
	// VideoEffectsVariables, or a map for other agents.
	CustomVariables any `json:"custom_variables,omitempty"`
	// ConversationID continues a conversation (slides agent).
	ConversationID string `json:"conversation_id,omitempty"`
	// RequestID is your unique id for the request.
	RequestID string `json:"request_id,omitempty"`
	// UserID identifies your end user.
	UserID string `json:"user_id,omitempty"`
	// SensitiveWordCheck configures the content check.
	SensitiveWordCheck *SensitiveWordCheck `json:"sensitive_word_check,omitempty"`
}

// AgentMessage is one message to or from an agent. Content is always a list
// of items on the way out; replies that carry a single item decode too.
type AgentMessage struct {
	Role Role `json:"role"`
	// Phase is the slides agent's step: "thinking", "tool" or "answer".
	Phase   string        `json:"phase,omitempty"`
	Content AgentContents `json:"content"`
}

// Text joins the message's text items.
func (m AgentMessage) Text() string { return textOf(m.Content) }

// AgentContent is one item of agent content. Unlike chat content parts, the
// media URLs are plain strings: {"type":"image_url","image_url":"https://..."}.
type AgentContent struct {
	Type     AgentContentType `json:"type"`
	Text     string           `json:"text,omitempty"`
	ImageURL string           `json:"image_url,omitempty"`
	VideoURL string           `json:"video_url,omitempty"`
	FileURL  string           `json:"file_url,omitempty"`
	// Object is the payload of an "object" item: in replies, a tool call of
	// the slides agent (see ToolCall).
	Object json.RawMessage `json:"object,omitempty"`
	// TagCN and TagEN label an item of a slides reply.
	TagCN string `json:"tag_cn,omitempty"`
	TagEN string `json:"tag_en,omitempty"`
}

// ToolCall decodes Object as the slides agent's tool call. ok is false when
// the item carries no object or it is not a tool call.
func (c AgentContent) ToolCall() (call AgentToolCall, ok bool) {
	if len(c.Object) == 0 || json.Unmarshal(c.Object, &call) != nil {
		return AgentToolCall{}, false
	}
	return call, call.ToolName != ""
}

// AgentToolCall is a tool step of the slides agent.
type AgentToolCall struct {
	// ToolName is the tool, such as "search" or "insert_page".
	ToolName string `json:"tool_name"`
	// Input is the tool's input; Output its output (the HTML of a slide when
	// one is generated). A value sent as JSON other than a string is kept as
	// its JSON text.
	Input  string `json:"input,omitempty"`
	Output string `json:"output,omitempty"`
	// Position lists the slides the tool works on (1-based).
	Position []float64 `json:"position,omitempty"`
}

// UnmarshalJSON accepts input and output as strings or as any JSON value.
func (t *AgentToolCall) UnmarshalJSON(b []byte) error {
	var w struct {
		ToolName string          `json:"tool_name"`
		Input    json.RawMessage `json:"input"`
		Output   json.RawMessage `json:"output"`
		Position []float64       `json:"position"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*t = AgentToolCall{ToolName: w.ToolName, Position: w.Position}
	var err error
	if t.Input, err = jsonText(w.Input); err != nil {
		return err
	}
	t.Output, err = jsonText(w.Output)
	return err
}

// jsonText returns a JSON string's value, or other JSON as its text.
func jsonText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return "", nil
	case raw[0] == '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	}
	return string(raw), nil
}

// AgentContents is a list of content items. It decodes from an array, a
// single object or a bare string (a text item).
type AgentContents []AgentContent

// UnmarshalJSON accepts an array, an object or a string.
func (c *AgentContents) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*c = nil
		return nil
	case b[0] == '{':
		var one AgentContent
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*c = AgentContents{one}
		return nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*c = AgentContents{{Type: AgentContentTypeText, Text: s}}
		return nil
	}
	var list []AgentContent
	if err := json.Unmarshal(b, &list); err != nil {
		return err
	}
	*c = list
	return nil
}

// AgentText returns a text content item.
func AgentText(text string) AgentContent {
	return AgentContent{Type: AgentContentTypeText, Text: text}
}

// AgentImageURL returns an image content item.
func AgentImageURL(url string) AgentContent {
	return AgentContent{Type: AgentContentTypeImageURL, ImageURL: url}
}

// AgentVideoURL returns a video content item.
func AgentVideoURL(url string) AgentContent {
	return AgentContent{Type: AgentContentTypeVideoURL, VideoURL: url}
}

// AgentObject returns an object content item; v is encoded as JSON.
func AgentObject(v any) (AgentContent, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return AgentContent{}, invalidf("agent object: %v", err)
	}
	return AgentContent{Type: AgentContentTypeObject, Object: b}, nil
}

// AgentUserMessage returns a user message with the given content items.
func AgentUserMessage(content ...AgentContent) AgentMessage {
	return AgentMessage{Role: RoleUser, Content: content}
}

// TranslationVariables are the custom variables of AgentTranslation.
type TranslationVariables struct {
	// SourceLang is a language code such as "en", or "auto" (the server's
	// default).
	SourceLang string `json:"source_lang,omitempty"`
	// TargetLang is a language code such as "zh-CN" (the server's default).
	TargetLang string `json:"target_lang,omitempty"`
	// Glossary is the id of a glossary.
	Glossary string `json:"glossary,omitempty"`
	// Strategy is "general" (the default), "paraphrase", "two_step",
	// "three_step" or "reflection".
	Strategy       string                     `json:"strategy,omitempty"`
	StrategyConfig *TranslationStrategyConfig `json:"strategy_config,omitempty"`
}

// TranslationStrategyConfig tunes the translation strategy.
type TranslationStrategyConfig struct {
	General *TranslationGeneralConfig `json:"general,omitempty"`
	COT     *TranslationCOTConfig     `json:"cot,omitempty"`
}

// TranslationGeneralConfig tunes the "general" strategy.
type TranslationGeneralConfig struct {
	// Suggestion gives style or terminology guidance.
	Suggestion string `json:"suggestion,omitempty"`
}

// TranslationCOTConfig tunes the "cot" strategy.
type TranslationCOTConfig struct {
	// ReasonLang is the language of the reasoning: "from" or "to".
	ReasonLang string `json:"reason_lang,omitempty"`
}

// VideoEffectsVariables are the custom variables of AgentVideoEffects.
type VideoEffectsVariables struct {
	// Template is "french_kiss", "bodyshake" or "sexy_me".
	Template string `json:"template"`
}

// NewTranslationRequest returns a request that translates text with
// AgentTranslation.
func NewTranslationRequest(text string, vars TranslationVariables) AgentRequest {
	return AgentRequest{
		AgentID:         AgentTranslation,
		Messages:        []AgentMessage{AgentUserMessage(AgentText(text))},
		CustomVariables: vars,
	}
}

// NewVideoEffectsRequest returns a request that turns the image at imageURL
// into a video with the effect template, guided by prompt (which may be
// empty).
func NewVideoEffectsRequest(template, prompt, imageURL string) AgentRequest {
	var content []AgentContent
	if prompt != "" {
		content = append(content, AgentText(prompt))
	}
	content = append(content, AgentImageURL(imageURL))
	return AgentRequest{
		AgentID:         AgentVideoEffects,
		Messages:        []AgentMessage{AgentUserMessage(content...)},
		CustomVariables: VideoEffectsVariables{Template: template},
	}
}

// NewSlidesRequest returns a request to the slides agent; conversationID
// continues an earlier conversation and may be empty.
func NewSlidesRequest(prompt, conversationID string) AgentRequest {
	return AgentRequest{
		AgentID:        AgentSlides,
		Messages:       []AgentMessage{AgentUserMessage(AgentText(prompt))},
		ConversationID: conversationID,
	}
}

// AgentResponse is the reply of Invoke, GetAsyncResult and GetConversation. Its
// shape depends on the agent; Text, VideoURLs, ImageURLs and FileURLs read
// the common cases, and RawJSON has everything.
type AgentResponse struct {
	ID             string        `json:"id,omitempty"`
	AgentID        string        `json:"agent_id,omitempty"`
	ConversationID string        `json:"conversation_id,omitempty"`
	RequestID      string        `json:"request_id,omitempty"`
	Status         AgentStatus   `json:"status,omitempty"`
	Choices        []AgentChoice `json:"choices,omitempty"`
	Usage          *AgentUsage   `json:"usage,omitempty"`
	// AsyncID is set by asynchronous agents (AgentVideoEffects): pass it to
	// GetAsyncResult or Wait.
	AsyncID string `json:"async_id,omitempty"`

	rawBody
}

// Contents returns every content item of every choice, in order.
func (r *AgentResponse) Contents() []AgentContent { return contentsOf(r.Choices) }

// Text joins the text items of the reply: the translation of
// AgentTranslation.
func (r *AgentResponse) Text() string { return textOf(r.Contents()) }

// VideoURLs returns the video URLs of the reply: the result of
// AgentVideoEffects.
func (r *AgentResponse) VideoURLs() []string {
	return urlsOf(r.Contents(), AgentContentTypeVideoURL)
}

// ImageURLs returns the image URLs of the reply (slide previews from
// GetConversation).
func (r *AgentResponse) ImageURLs() []string {
	return urlsOf(r.Contents(), AgentContentTypeImageURL)
}

// FileURLs returns the file URLs of the reply (the exported slides from
// GetConversation).
func (r *AgentResponse) FileURLs() []string {
	return urlsOf(r.Contents(), AgentContentTypeFileURL)
}

// AgentChoice is one choice of an agent reply.
type AgentChoice struct {
	Index        int          `json:"index"`
	FinishReason FinishReason `json:"finish_reason,omitempty"`
	// Messages is the reply. The wire names it "message" (a list: slides,
	// video effects), "messages" (an object: translation) or "delta"
	// (streamed chunks); all decode here.
	Messages []AgentMessage `json:"message,omitempty"`
}

// UnmarshalJSON reads the reply from "message", "messages" or "delta", each
// either a list of messages or one message.
func (c *AgentChoice) UnmarshalJSON(b []byte) error {
	var w struct {
		Index        int             `json:"index"`
		FinishReason FinishReason    `json:"finish_reason"`
		Message      json.RawMessage `json:"message"`
		Messages     json.RawMessage `json:"messages"`
		Delta        json.RawMessage `json:"delta"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*c = AgentChoice{Index: w.Index, FinishReason: w.FinishReason}
	for _, raw := range []json.RawMessage{w.Message, w.Messages, w.Delta} {
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 || string(raw) == "null" {
			continue
		}
		if raw[0] == '{' {
			var m AgentMessage
			if err := json.Unmarshal(raw, &m); err != nil {
				return err
			}
			c.Messages = append(c.Messages, m)
			continue
		}
		var ms []AgentMessage
		if err := json.Unmarshal(raw, &ms); err != nil {
			return err
		}
		c.Messages = append(c.Messages, ms...)
	}
	return nil
}

// AgentUsage counts the tokens and calls an agent used.
type AgentUsage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
	TotalCalls       int `json:"total_calls,omitempty"`
}

// AgentChunk is one event of a streamed agent reply. The slides agent sends
// its phases (thinking, tool, answer) as Messages[i].Phase.
type AgentChunk struct {
	ID             string        `json:"id,omitempty"`
	AgentID        string        `json:"agent_id,omitempty"`
	ConversationID string        `json:"conversation_id,omitempty"`
	Status         AgentStatus   `json:"status,omitempty"`
	Choices        []AgentChoice `json:"choices,omitempty"`
	Usage          *AgentUsage   `json:"usage,omitempty"`

	rawBody
}

// Contents returns every content item of the chunk, in order.
func (c *AgentChunk) Contents() []AgentContent { return contentsOf(c.Choices) }

// Text joins the chunk's text items.
func (c *AgentChunk) Text() string { return textOf(c.Contents()) }

func (c *AgentChunk) streamEnded() bool {
	if c.Status == AgentStatusSuccess {
		return true
	}
	for i := range c.Choices {
		if c.Choices[i].FinishReason != "" {
			return true
		}
	}
	return false
}

func contentsOf(choices []AgentChoice) []AgentContent {
	var out []AgentContent
	for _, ch := range choices {
		for _, m := range ch.Messages {
			out = append(out, m.Content...)
		}
	}
	return out
}

func textOf(items []AgentContent) string {
	var b strings.Builder
	for _, it := range items {
		if it.Type == AgentContentTypeText || (it.Type == "" && it.Text != "") {
			b.WriteString(it.Text)
		}
	}
	return b.String()
}

func urlsOf(items []AgentContent, typ AgentContentType) []string {
	var out []string
	for _, it := range items {
		var u string
		switch typ {
		case AgentContentTypeVideoURL:
			u = it.VideoURL
		case AgentContentTypeImageURL:
			u = it.ImageURL
		case AgentContentTypeFileURL:
			u = it.FileURL
		}
		if u != "" {
			out = append(out, u)
		}
	}
	return out
}

// AgentAsyncResultRequest is the body of POST /v1/agents/async-result.
type AgentAsyncResultRequest struct {
	AgentID string `json:"agent_id"`
	// AsyncID is AgentResponse.AsyncID from Invoke.
	AsyncID        string `json:"async_id"`
	ConversationID string `json:"conversation_id,omitempty"`
	// CustomVariables, for agents that want them when polled.
	CustomVariables any `json:"custom_variables,omitempty"`
}

// AgentConversationRequest is the body of POST /v1/agents/conversation,
// which reads a slides conversation back (only AgentSlides supports it).
type AgentConversationRequest struct {
	AgentID        string `json:"agent_id"`
	ConversationID string `json:"conversation_id"`
	// CustomVariables, such as SlidesExportVariables.
	CustomVariables any `json:"custom_variables,omitempty"`
}

// SlidesExportVariables are the custom variables of a slides GetConversation.
type SlidesExportVariables struct {
	// IncludePDF asks for a PDF export among the returned files.
	IncludePDF bool `json:"include_pdf,omitempty"`
	// Pages sets the size of each slide.
	Pages []SlidesPage `json:"pages,omitempty"`
}

// SlidesPage is the size of one slide, in points.
type SlidesPage struct {
	Position int     `json:"position"`
	Width    float64 `json:"width"`
	Height   float64 `json:"height"`
}

// agentBody adds the "stream" field that the method decides.
type agentBody struct {
	*AgentRequest
	Stream bool `json:"stream"`
}

func (r *AgentRequest) validate() error {
	if r.AgentID == "" {
		return invalidf("agent_id is empty")
	}
	if len(r.Messages) == 0 {
		return invalidf("messages is empty")
	}
	return nil
}

func (r *AgentAsyncResultRequest) validate() error {
	if r.AgentID == "" {
		return invalidf("agent_id is empty")
	}
	if r.AsyncID == "" {
		return invalidf("async_id is empty")
	}
	return nil
}

// Invoke calls an agent and waits for its reply. Asynchronous agents reply
// at once with Status AgentStatusPending and an AsyncID. A reply with status
// "failed" is returned as an *APIError. It sends "stream": false, since the
// slides agent streams unless told otherwise.
//
// POST /v1/agents (under the agents root, https://api.z.ai/api)
func (s *AgentService) Invoke(ctx context.Context, req AgentRequest, opts ...Option) (*AgentResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	return call[AgentResponse](ctx, s.client, &core.Request{
		Method: http.MethodPost, Path: "/v1/agents", Root: true,
		Body: agentBody{AgentRequest: &req, Stream: false}, Check: checkAgent,
	}, opts)
}

// InvokeStream calls an agent and returns its reply as a stream of chunks,
// such as the slides agent's phases. HTTP errors, and a failure the server
// sends as a plain JSON body, come back here; errors inside the stream come
// from the stream. A plain JSON reply that is not a failure is delivered as
// a stream of one chunk.
//
// POST /v1/agents with "stream": true
func (s *AgentService) InvokeStream(ctx context.Context, req AgentRequest, opts ...Option) (*Stream[AgentChunk], error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	return openStream[AgentChunk](ctx, s.client, &core.Request{
		Method: http.MethodPost, Path: "/v1/agents", Root: true,
		Body: agentBody{AgentRequest: &req, Stream: true}, Check: checkAgent,
	}, opts)
}

// GetAsyncResult fetches the result of an asynchronous agent call. Status is
// AgentStatusPending until it is done, then AgentStatusSuccess; a failed task is
// returned as an *APIError.
//
// POST /v1/agents/async-result
func (s *AgentService) GetAsyncResult(ctx context.Context, req AgentAsyncResultRequest, opts ...Option) (*AgentResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	set, err := s.client.resolve(opts)
	if err != nil {
		return nil, err
	}
	return agentAsyncResult(ctx, set, &req)
}

func agentAsyncResult(ctx context.Context, s *settings, req *AgentAsyncResultRequest) (*AgentResponse, error) {
	return callWith[AgentResponse](ctx, s, &core.Request{
		Method: http.MethodPost, Path: "/v1/agents/async-result", Root: true, Body: req, Check: checkAgent,
	})
}

// Wait polls GetAsyncResult until the task succeeds, fails or ctx ends, as
// AsyncResult.Wait does: the first poll at once, then gaps from
// WithPollInterval (default DefaultPollInterval) growing to MaxPollInterval,
// WithPollProgress called once per poll. A failed task is an error that
// matches both ErrTaskFailed and *APIError (errors.As). When ctx ends, Wait
// returns the last reply it saw and an error matching ctx.Err().
//
// POST /v1/agents/async-result, repeatedly
func (s *AgentService) Wait(ctx context.Context, req AgentAsyncResultRequest, opts ...Option) (*AgentResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	set, err := s.client.resolve(opts)
	if err != nil {
		return nil, err
	}
	return pollUntil(ctx, set, req.AsyncID, "agent task "+req.AsyncID, func(ctx context.Context) (*AgentResponse, string, bool, error) {
		res, err := agentAsyncResult(ctx, set, &req)
		if err != nil {
			var apiErr *APIError
			if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusOK && !apiErr.InStream {
				return nil, string(AgentStatusFailed), true, &taskError{kind: "agent task", id: req.AsyncID, err: err}
			}
			return nil, "", false, err
		}
		done := res.Status == AgentStatusSuccess || (res.Status == "" && len(res.Choices) > 0)
		status := string(res.Status)
		if status == "" && done {
			status = string(AgentStatusSuccess)
		}
		return res, cmp.Or(status, string(AgentStatusPending)), done, nil
	})
}

// GetConversation reads back a slides conversation: with
// SlidesExportVariables it returns the exported file and image URLs
// (FileURLs, ImageURLs).
//
// POST /v1/agents/conversation
func (s *AgentService) GetConversation(ctx context.Context, req AgentConversationRequest, opts ...Option) (*AgentResponse, error) {
	if req.AgentID == "" {
		return nil, invalidf("agent_id is empty")
	}
	if req.ConversationID == "" {
		return nil, invalidf("conversation_id is empty")
	}
	return call[AgentResponse](ctx, s.client, &core.Request{
		Method: http.MethodPost, Path: "/v1/agents/conversation", Root: true, Body: &req, Check: checkAgent,
	}, opts)
}

// agentFailed recognises {"status":"failed","error":{...}} and any body
// carrying an error object.
func agentFailed(body []byte) bool {
	p, ok := probe(body)
	return ok && (statusIs(p.Status, string(AgentStatusFailed)) || hasError(p.Error))
}
