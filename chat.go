package zai

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/zai-go/zai/internal/core"
	"github.com/zai-go/zai/internal/jsonx"
)

// ChatService groups the chat endpoints.
//
// Z.ai API docs: https://docs.z.ai/api-reference/llm/chat-completion
type ChatService struct {
	// Completions creates chat completions: plain, streamed, or as an async
	// task.
	Completions *ChatCompletionService
}

// ChatCompletionService creates chat completions.
//
// Z.ai API docs: https://docs.z.ai/api-reference/llm/chat-completion
type ChatCompletionService struct {
	client *Client
}

// Role is the author of a chat message.
type Role string

// Roles of chat messages.
const (
	RoleSystem    Role = "system"
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
	RoleTool      Role = "tool"
)

// ChatCompletionRequest is the body of POST /chat/completions. Optional
// scalars are pointers so that a zero value can be sent; zai.Ptr makes one.
// The SDK sends what you set and never rewrites it. The "stream" field is set
// by the method you call.
type ChatCompletionRequest struct {
	// Model is the model code, such as ModelGLM4_7. Any string is accepted.
	Model    string    `json:"model"`
	Messages []Message `json:"messages"`

	// Temperature in [0, 1]; the server's default depends on the model.
	Temperature *float64 `json:"temperature,omitempty"`
	// TopP in [0.01, 1].
	TopP *float64 `json:"top_p,omitempty"`
	// MaxTokens caps the output tokens.
	MaxTokens *int `json:"max_tokens,omitempty"`
	// Stop words; the API honours one.
	Stop []string `json:"stop,omitempty"`
	// DoSample turns sampling off when false (the server's default is true).
	DoSample *bool `json:"do_sample,omitempty"`
	// Seed for sampling.
	Seed *int64 `json:"seed,omitempty"`

	// Thinking turns the chain of thought on or off (GLM-4.5 and later).
	// GLM-5.3 and the GLM-5.3-Flash series (ModelGLM5_3, ModelGLM5_3Flash,
	// ModelGLM5_3FlashX) always think: ThinkingTypeDisabled is refused for
	// them before sending (ErrInvalidRequest); ReasoningEffort sets the
	// depth instead.
	Thinking *Thinking `json:"thinking,omitempty"`
	// ReasoningEffort sets the thinking depth when thinking is on
	// (GLM-5.2 and later; the server's default is ReasoningEffortMax).
	// GLM-5.2 takes every value (none and minimal skip thinking, low and
	// medium act as high, xhigh as max). GLM-5.3 and the GLM-5.3-Flash
	// series take only ReasoningEffortLow, ReasoningEffortHigh and
	// ReasoningEffortMax; another value is refused for them before sending
	// (ErrInvalidRequest), since a third-party probe saw "none" silently
	// think at max. WithExtraBody sends any value unchecked.
	ReasoningEffort ReasoningEffort `json:"reasoning_effort,omitempty"`

	// Tools the model may call.
	Tools []Tool `json:"tools,omitempty"`
	// ToolChoice is ToolChoiceAuto (the server's default) or
	// ToolChoiceFunction(name).
	ToolChoice ToolChoice `json:"tool_choice,omitzero"`
	// ToolStream streams tool-call arguments in fragments (needs a stream;
	// GLM-4.6 and later). ChatCompletionAccumulator joins them.
	ToolStream bool `json:"tool_stream,omitempty"`

	// ResponseFormat asks for JSON output: {Type: "json_object"}.
	ResponseFormat *ResponseFormat `json:"response_format,omitempty"`

	// RequestID is your unique id for the request (6-64 characters).
	RequestID string `json:"request_id,omitempty"`
	// UserID identifies your end user (6-128 characters).
	UserID string `json:"user_id,omitempty"`

	// SensitiveWordCheck configures the content check.
	SensitiveWordCheck *SensitiveWordCheck `json:"sensitive_word_check,omitempty"`
	// WatermarkEnabled controls the AI-generated-content watermark.
	WatermarkEnabled *bool `json:"watermark_enabled,omitempty"`
	// Meta carries role-play settings for CharGLM models.
	Meta *CharacterMeta `json:"meta,omitempty"`
	// StreamOptions applies to CreateStream: {IncludeUsage: true}.
	StreamOptions *StreamOptions `json:"stream_options,omitempty"`
	// Extra is the code-completion context of CodeGeeX models
	// (ModelCodeGeeX4): the file being edited and related files.
	Extra *CodeGeeXExtra `json:"extra,omitempty"`
}

// CodeGeeXExtra is the "extra" field of a CodeGeeX code completion: where
// to complete, and other code the model may read.
type CodeGeeXExtra struct {
	// Target is the file and the position to complete (required).
	Target CodeGeeXTarget `json:"target"`
	// Contexts are other files that help the completion (optional).
	Contexts []CodeGeeXContext `json:"contexts,omitempty"`
}

// CodeGeeXTarget is the code being completed. CodePrefix and CodeSuffix are
// always sent, so an empty one says the cursor is at the start or the end of
// the file.
type CodeGeeXTarget struct {
	// Path is the file's path (optional).
	Path string `json:"path,omitempty"`
	// Language is the programming language, such as "python", "go" or
	// "c++" (required; the official SDK lists over 100 names).
	Language string `json:"language"`
	// CodePrefix is the code before the completion point.
	CodePrefix string `json:"code_prefix"`
	// CodeSuffix is the code after the completion point.
	CodeSuffix string `json:"code_suffix"`
}

// CodeGeeXContext is another file the completion may draw on.
type CodeGeeXContext struct {
	// Path is the file's path (required).
	Path string `json:"path"`
	// Code is the file's content (required).
	Code string `json:"code"`
}

// Thinking controls the chain of thought.
type Thinking struct {
	// Type is ThinkingTypeEnabled or ThinkingTypeDisabled (the server's
	// default is enabled). GLM-5.3 and the GLM-5.3-Flash series can only
	// be enabled.
	Type ThinkingType `json:"type"`
	// ClearThinking, when false, keeps earlier turns' reasoning_content in
	// the context (preserved thinking). The server's default is true.
	ClearThinking *bool `json:"clear_thinking,omitempty"`
}

// ThinkingType says whether the model thinks before it answers.
type ThinkingType string

// Values of Thinking.Type.
const (
	ThinkingTypeEnabled  ThinkingType = "enabled"
	ThinkingTypeDisabled ThinkingType = "disabled"
)

// ReasoningEffort is how hard a reasoning model thinks.
type ReasoningEffort string

// Values of ChatCompletionRequest.ReasoningEffort.
const (
	ReasoningEffortMax     ReasoningEffort = "max"
	ReasoningEffortXHigh   ReasoningEffort = "xhigh"
	ReasoningEffortHigh    ReasoningEffort = "high"
	ReasoningEffortMedium  ReasoningEffort = "medium"
	ReasoningEffortLow     ReasoningEffort = "low"
	ReasoningEffortMinimal ReasoningEffort = "minimal"
	ReasoningEffortNone    ReasoningEffort = "none"
)

// ResponseFormat selects the output format.
type ResponseFormat struct {
	// Type is "text" or "json_object".
	Type string `json:"type"`
}

// SensitiveWordCheck configures the content check, e.g.
// {Type: "ALL", Status: "DISABLE"}.
type SensitiveWordCheck struct {
	Type   string `json:"type,omitempty"`
	Status string `json:"status,omitempty"`
}

// CharacterMeta is the role-play setting of CharGLM models.
type CharacterMeta struct {
	UserInfo string `json:"user_info,omitempty"`
	BotInfo  string `json:"bot_info,omitempty"`
	BotName  string `json:"bot_name,omitempty"`
	UserName string `json:"user_name,omitempty"`
}

// StreamOptions are the OpenAI-style stream options, which Z.ai accepts.
type StreamOptions struct {
	IncludeUsage bool `json:"include_usage,omitempty"`
}

// Message is one chat message, used both in requests and in responses, so
// a reply can be appended to the conversation as it is.
//
// Content is sent as a string when Parts is empty, and as the array of parts
// otherwise; both forms decode (an array's text parts also fill Content).
// Its codecs are generated from these tags (chunkdecode_gen.go).
type Message struct {
	Role    Role   `json:"role"`
	Content string `json:"content"`
	// Parts is multimodal content (text, images, video, files, audio),
	// sent as "content" (see the Message hooks).
	Parts []ContentPart `json:"-"`
	// ReasoningContent is the model's chain of thought.
	ReasoningContent string `json:"reasoning_content,omitempty"`
	// ToolCalls are the calls an assistant message asks for.
	ToolCalls []ToolCall `json:"tool_calls,omitempty"`
	// ToolCallID names the call a tool message answers.
	ToolCallID string `json:"tool_call_id,omitempty"`
	// Name of the author, optional.
	Name string `json:"name,omitempty"`
	// Audio is the spoken reply of audio models (glm-4-voice).
	Audio *MessageAudio `json:"audio,omitempty"`
}

// MessageAudio is audio output in a message.
type MessageAudio struct {
	ID        string `json:"id,omitempty"`
	Data      string `json:"data,omitempty"` // base64
	ExpiresAt int64  `json:"expires_at,omitempty"`
}

// The hooks of Message.Content, the one field whose JSON is not its Go
// type's: "content" is a string, or the array of Parts.

// omitContent reports whether "content" is left out: only an assistant
// message that calls tools and says nothing may omit it.
func (m *Message) omitContent() bool {
	return len(m.Parts) == 0 && m.Content == "" && len(m.ToolCalls) > 0
}

// encMessageContent writes Parts as an array when there are any, and
// Content as a string otherwise.
func (w *jsonWriter) encMessageContent(m *Message) {
	if len(m.Parts) > 0 {
		w.encSliceOfContentPart(m.Parts)
		return
	}
	w.str(m.Content)
}

// decMessageContent reads "content": a string, an array of parts (whose
// text becomes Content too), or any other value, which is ignored.
func (r *jsonReader) decMessageContent(m *Message) bool {
	switch r.Peek() {
	case '"':
		return r.str(&m.Content, noIntern)
	case '[':
		if !r.decSliceOfContentPart(&m.Parts) {
			return false
		}
		m.Content = partsText(m.Parts)
		return true
	}
	return r.Skip()
}

// setContentJSON is decMessageContent for encoding/json's road.
func (m *Message) setContentJSON(raw json.RawMessage) error {
	c := bytes.TrimSpace(raw)
	if len(c) == 0 {
		return nil
	}
	switch c[0] {
	case '"':
		return json.Unmarshal(c, &m.Content)
	case '[':
		if err := json.Unmarshal(c, &m.Parts); err != nil {
			return err
		}
		m.Content = partsText(m.Parts)
	}
	return nil
}

// partsText joins the text of the text parts.
func partsText(parts []ContentPart) string {
	var text strings.Builder
	for _, p := range parts {
		if p.Type == PartTypeText {
			text.WriteString(p.Text)
		}
	}
	return text.String()
}

// SystemMessage returns a system message.
func SystemMessage(content string) Message { return Message{Role: RoleSystem, Content: content} }

// UserMessage returns a user message with text content.
func UserMessage(content string) Message { return Message{Role: RoleUser, Content: content} }

// AssistantMessage returns an assistant message with text content.
func AssistantMessage(content string) Message {
	return Message{Role: RoleAssistant, Content: content}
}

// ToolMessage returns the result of the tool call toolCallID.
func ToolMessage(toolCallID, content string) Message {
	return Message{Role: RoleTool, ToolCallID: toolCallID, Content: content}
}

// UserMessageParts returns a user message with multimodal content.
func UserMessageParts(parts ...ContentPart) Message {
	return Message{Role: RoleUser, Parts: parts}
}

// PartType is the type of a content part.
type PartType string

// Types of content parts.
const (
	PartTypeText       PartType = "text"
	PartTypeImageURL   PartType = "image_url"
	PartTypeVideoURL   PartType = "video_url"
	PartTypeFileURL    PartType = "file_url"
	PartTypeInputAudio PartType = "input_audio"
	// PartTypeFile is the unified file part: a file by id, URL or inline
	// data (FilePart). The docs recommend it over PartTypeFileURL.
	PartTypeFile PartType = "file"
)

// ContentPart is one part of multimodal content. Build one with TextPart,
// ImageURLPart, VideoURLPart, FilePart, FileURLPart or InputAudioPart.
type ContentPart struct {
	// Type says which of the other fields is set.
	Type PartType `json:"type"`
	// Text is the text of a PartTypeText part.
	Text string `json:"text,omitempty"`
	// ImageURL is the image of a PartTypeImageURL part.
	ImageURL *URLRef `json:"image_url,omitempty"`
	// VideoURL is the video of a PartTypeVideoURL part.
	VideoURL *URLRef `json:"video_url,omitempty"`
	// FileURL is the file of a legacy PartTypeFileURL part.
	FileURL *URLRef `json:"file_url,omitempty"`
	// InputAudio is the audio of a PartTypeInputAudio part.
	InputAudio *InputAudio `json:"input_audio,omitempty"`
	// File is the file of a PartTypeFile part.
	File *ChatFile `json:"file,omitempty"`
}

// ChatFile is the file of a PartTypeFile part: set exactly one of FileID,
// FileURL and FileData. A file may be up to 50 MB.
type ChatFile struct {
	// FileID is the id of a file uploaded with client.Files.Upload
	// (GLM-5.3-Flash models).
	FileID string `json:"file_id,omitempty"`
	// FileURL is the file's URL: pdf, txt, Word, jsonl, xlsx, pptx and
	// more (GLM-5.3-Flash, GLM-4.6V, GLM-4.5V).
	FileURL string `json:"file_url,omitempty"`
	// FileData is the file inline, as "data:<MIME>;base64,<BASE64_DATA>".
	FileData string `json:"file_data,omitempty"`
	// Filename is the file's name (optional).
	Filename string `json:"filename,omitempty"`
}

// URLRef points at media: an http(s) URL, or base64 data where the model
// accepts it.
type URLRef struct {
	URL string `json:"url"`
}

// InputAudio is base64 audio sent to an audio model.
type InputAudio struct {
	Data   string `json:"data"`
	Format string `json:"format"` // "wav", "mp3"
}

// TextPart returns a text part.
func TextPart(text string) ContentPart { return ContentPart{Type: PartTypeText, Text: text} }

// ImageURLPart returns an image part: a URL or base64 image data.
func ImageURLPart(url string) ContentPart {
	return ContentPart{Type: PartTypeImageURL, ImageURL: &URLRef{URL: url}}
}

// VideoURLPart returns a video part.
func VideoURLPart(url string) ContentPart {
	return ContentPart{Type: PartTypeVideoURL, VideoURL: &URLRef{URL: url}}
}

// FilePart returns a unified file part, {"type":"file","file":{...}}: a
// file by id, URL or inline data. It cannot share a message with image or
// video parts.
func FilePart(f ChatFile) ContentPart { return ContentPart{Type: PartTypeFile, File: &f} }

// FileURLPart returns a legacy file part (a PDF, text file, ...) by URL,
// {"type":"file_url","file_url":{"url":...}}. New code should prefer
// FilePart(ChatFile{FileURL: url}).
func FileURLPart(url string) ContentPart {
	return ContentPart{Type: PartTypeFileURL, FileURL: &URLRef{URL: url}}
}

// InputAudioPart returns an audio part: base64 data and its format ("wav").
func InputAudioPart(data, format string) ContentPart {
	return ContentPart{Type: PartTypeInputAudio, InputAudio: &InputAudio{Data: data, Format: format}}
}

// ToolType is the type of a tool.
type ToolType string

// Tool types.
const (
	ToolTypeFunction  ToolType = "function"
	ToolTypeWebSearch ToolType = "web_search"
	ToolTypeRetrieval ToolType = "retrieval"
	ToolTypeMCP       ToolType = "mcp"
)

// Tool is a tool the model may use. Build one with FunctionTool,
// WebSearchTool, RetrievalTool or MCPTool.
type Tool struct {
	Type      ToolType            `json:"type"`
	Function  *FunctionDefinition `json:"function,omitempty"`
	WebSearch *WebSearch          `json:"web_search,omitempty"`
	Retrieval *Retrieval          `json:"retrieval,omitempty"`
	MCP       *MCP                `json:"mcp,omitempty"`
}

// FunctionDefinition describes a function the model may call.
type FunctionDefinition struct {
	// Name matches ^[a-zA-Z0-9_-]{1,64}$.
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Parameters is a JSON Schema object: a map, a struct, or
	// json.RawMessage.
	Parameters any `json:"parameters,omitempty"`
	// Strict is sent by OpenAI-style clients; Z.ai ignores it.
	Strict *bool `json:"strict,omitempty"`
}

// WebSearch configures the built-in web search tool of a chat request
// (WebSearchTool). Defaults are the server's, per the Z.ai API reference
// (WebSearchObject) and the official SDKs' WebSearch types.
type WebSearch struct {
	// Enable turns the search on (Z.ai's default is off).
	Enable *bool `json:"enable,omitempty"`
	// SearchEngine is the engine: SearchEngineProJina on Z.ai (required
	// there), the SearchEngine values on BigModel.
	SearchEngine SearchEngine `json:"search_engine,omitempty"`
	// SearchResult returns the pages found in ChatCompletion.WebSearch
	// (default false).
	SearchResult bool `json:"search_result,omitempty"`
	// SearchQuery forces a search for this query; the model answers with
	// its results as background knowledge.
	SearchQuery string `json:"search_query,omitempty"`
	// SearchPrompt replaces the prompt that tells the model how to use the
	// results; it may use {{current_date}}, as the default prompt does (see
	// the API reference).
	SearchPrompt string `json:"search_prompt,omitempty"`
	// SearchIntent asks the server to recognise the search intent first
	// and search only when there is one. Absent means true, the server's
	// default, so it is a pointer: zai.Ptr(false) turns recognition off.
	// The sources disagree on its type and no live check settled it: it is
	// sent as a JSON bool, as the Python SDK (untyped) does, while the
	// BigModel OpenAPI document (WebSearchObject.search_intent) and the Java
	// SDK type it as the string "true"/"false". To send the string, give
	// the whole "tools" member with WithExtraBody.
	SearchIntent *bool `json:"search_intent,omitempty"`
	// RequireSearch makes the model answer from the search results only
	// (default false).
	RequireSearch bool `json:"require_search,omitempty"`
	// ResultSequence puts the search results before or after the model's
	// reply in the response: ResultSequenceBefore or ResultSequenceAfter
	// (the default).
	ResultSequence ResultSequence `json:"result_sequence,omitempty"`
	// Count is the number of results, 1-50 (default 10).
	Count int `json:"count,omitempty"`
	// SearchDomainFilter limits the results to one domain, such as
	// "www.example.com".
	SearchDomainFilter string `json:"search_domain_filter,omitempty"`
	// SearchRecencyFilter limits the results to recent pages:
	// SearchRecencyOneDay ... SearchRecencyNoLimit (the default).
	SearchRecencyFilter SearchRecency `json:"search_recency_filter,omitempty"`
	// ContentSize is the length of each page summary: ContentSizeMedium
	// (400-600 characters, the default) or ContentSizeHigh (about 2500).
	ContentSize ContentSize `json:"content_size,omitempty"`
}

// ResultSequence is where a chat's web search results go in the response.
type ResultSequence string

// Values of WebSearch.ResultSequence.
const (
	ResultSequenceBefore ResultSequence = "before"
	ResultSequenceAfter  ResultSequence = "after"
)

// Retrieval searches a knowledge base.
type Retrieval struct {
	KnowledgeID    string `json:"knowledge_id"`
	PromptTemplate string `json:"prompt_template,omitempty"`
}

// MCP connects an MCP server as a tool.
type MCP struct {
	ServerLabel string `json:"server_label"`
	ServerURL   string `json:"server_url,omitempty"`
	// TransportType is "sse" or "streamable-http".
	TransportType string            `json:"transport_type,omitempty"`
	AllowedTools  []string          `json:"allowed_tools,omitempty"`
	Headers       map[string]string `json:"headers,omitempty"`
}

// FunctionTool returns a function tool. parameters is a JSON Schema object
// (a map, a struct or json.RawMessage); nil sends none.
//
// GLM answers HTTP 500 (code 1234) to parameters that use $ref, anyOf or
// oneOf, so FunctionTool replaces such a schema with its CleanSchema form
// ($ref inlined, an anyOf or oneOf of a type and null folded into the type)
// and keeps any other schema as it is. A schema that cannot be rewritten (an
// anyOf of two types, a recursive $ref) is kept, and the request that
// carries it is refused before sending with an error wrapping
// ErrInvalidRequest that names the keyword.
func FunctionTool(name, description string, parameters any) Tool {
	return Tool{Type: ToolTypeFunction, Function: &FunctionDefinition{Name: name, Description: description, Parameters: glmParameters(parameters)}}
}

// WebSearchTool returns the built-in web search tool.
func WebSearchTool(ws WebSearch) Tool { return Tool{Type: ToolTypeWebSearch, WebSearch: &ws} }

// RetrievalTool returns a knowledge-base retrieval tool.
func RetrievalTool(r Retrieval) Tool { return Tool{Type: ToolTypeRetrieval, Retrieval: &r} }

// MCPTool returns an MCP server tool.
func MCPTool(m MCP) Tool { return Tool{Type: ToolTypeMCP, MCP: &m} }

// ToolChoice tells the model which tool to use: ToolChoiceAuto, or
// ToolChoiceFunction(name). The zero value sends nothing.
type ToolChoice struct {
	// Mode is "auto" (or another string mode) when Function is empty.
	Mode string
	// Function names the function the model must call.
	Function string
}

// ToolChoiceAuto lets the model decide.
var ToolChoiceAuto = ToolChoice{Mode: "auto"}

// ToolChoiceFunction makes the model call the named function.
func ToolChoiceFunction(name string) ToolChoice { return ToolChoice{Function: name} }

// IsZero reports whether nothing is set, so the field is omitted.
func (t ToolChoice) IsZero() bool { return t.Mode == "" && t.Function == "" }

// MarshalJSON sends "auto" or {"type":"function","function":{"name":...}}.
func (t ToolChoice) MarshalJSON() ([]byte, error) {
	if t.Function != "" {
		return json.Marshal(toolChoiceWire{Type: string(ToolTypeFunction), Function: &struct {
			Name string `json:"name"`
		}{t.Function}})
	}
	return json.Marshal(t.Mode)
}

// UnmarshalJSON accepts both forms.
func (t *ToolChoice) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		*t = ToolChoice{}
		return json.Unmarshal(b, &t.Mode)
	}
	var w toolChoiceWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*t = ToolChoice{Mode: w.Type}
	if w.Function != nil {
		t.Mode, t.Function = "", w.Function.Name
	}
	return nil
}

type toolChoiceWire struct {
	Type     string `json:"type"`
	Function *struct {
		Name string `json:"name"`
	} `json:"function,omitempty"`
}

// ToolCall is a call the model asks for, or, for the server-side tools, a
// call the server made: an MCP call or a knowledge-base lookup.
type ToolCall struct {
	// Index orders the calls; streamed fragments of one call share it. It
	// is sent only when it is not zero.
	Index int `json:"index,omitempty"`
	// ID identifies the call; a tool message answers it by this id.
	ID string `json:"id,omitempty"`
	// Type is ToolTypeFunction for a function call, or the type of the
	// server-side tool (ToolTypeMCP, ...).
	Type ToolType `json:"type,omitempty"`
	// Function is the function to call and its arguments.
	Function FunctionCall `json:"function"`
	// MCP is what an MCP tool did on the server: its tool list or a call's
	// output.
	MCP *MCPToolCall `json:"mcp,omitempty"`
	// DocReference lists the knowledge-base documents a retrieval used.
	DocReference []DocReference `json:"doc_reference,omitempty"`
}

// MCPCallType is the kind of an MCP tool call.
type MCPCallType string

// Values of MCPToolCall.Type.
const (
	// MCPCallTypeListTools lists the server's tools, in Tools.
	MCPCallTypeListTools MCPCallType = "mcp_list_tools"
	// MCPCallTypeCall calls one tool: Name, Arguments and Output.
	MCPCallTypeCall MCPCallType = "mcp_call"
)

// MCPToolCall is an MCP tool's call, made by the server for an MCPTool.
type MCPToolCall struct {
	// ID identifies the MCP call.
	ID string `json:"id,omitempty"`
	// Type is MCPCallTypeListTools or MCPCallTypeCall.
	Type MCPCallType `json:"type,omitempty"`
	// ServerLabel is the MCP server's label, as given in the MCP tool.
	ServerLabel string `json:"server_label,omitempty"`
	// Error is the error of a failed call.
	Error string `json:"error,omitempty"`
	// Tools are the server's tools (MCPCallTypeListTools).
	Tools []MCPToolDefinition `json:"tools,omitempty"`
	// Arguments is the JSON text of the call's arguments (MCPCallTypeCall).
	Arguments string `json:"arguments,omitempty"`
	// Name is the tool called (MCPCallTypeCall).
	Name string `json:"name,omitempty"`
	// Output is the tool's result as decoded JSON: a string, an object
	// (map[string]any), an array ([]any), ... (MCPCallTypeCall).
	Output any `json:"output,omitempty"`
}

// MCPToolDefinition is one tool of an MCP server.
type MCPToolDefinition struct {
	// Name is the tool's name.
	Name string `json:"name,omitempty"`
	// Description says what the tool does.
	Description string `json:"description,omitempty"`
	// Annotations are the MCP tool annotations (hints such as
	// readOnlyHint), as decoded JSON.
	Annotations map[string]any `json:"annotations,omitempty"`
	// InputSchema is the JSON Schema of the tool's arguments ({"type":
	// "object", "properties": ..., "required": ...}), as decoded JSON.
	InputSchema map[string]any `json:"input_schema,omitempty"`
}

// DocReference is a knowledge-base document a retrieval drew on.
type DocReference struct {
	// Index is the document's position among the references.
	Index int `json:"index"`
	// DocType is the document's type, as the server names it.
	DocType string `json:"doc_type,omitempty"`
	// DocName is the document's name.
	DocName string `json:"doc_name,omitempty"`
}

// FunctionCall names the function and its arguments.
type FunctionCall struct {
	Name string `json:"name,omitempty"`
	// Arguments is the JSON text of the arguments. The wire sends a string;
	// if a server sends an object, its JSON text is kept here.
	Arguments string `json:"arguments"`
}

// The hooks of FunctionCall.Arguments, which holds the JSON text of any
// value a server sends in place of the string.

// decFunctionCallArguments reads a string, null (no change), or any other
// value, kept as its JSON text.
func (r *jsonReader) decFunctionCallArguments(f *FunctionCall) bool {
	switch r.Peek() {
	case '"', 'n':
		return r.str(&f.Arguments, noIntern)
	}
	start := r.I
	if !r.Skip() {
		return false
	}
	f.Arguments = string(r.B[start:r.I])
	return true
}

// setArgumentsJSON is decFunctionCallArguments for encoding/json's road.
func (f *FunctionCall) setArgumentsJSON(raw json.RawMessage) error {
	switch a := bytes.TrimSpace(raw); {
	case len(a) == 0 || string(a) == "null":
	case a[0] == '"':
		return json.Unmarshal(a, &f.Arguments)
	default:
		f.Arguments = string(a)
	}
	return nil
}

// FinishReason says why the model stopped.
type FinishReason string

// Finish reasons.
const (
	FinishReasonStop                       FinishReason = "stop"
	FinishReasonToolCalls                  FinishReason = "tool_calls"
	FinishReasonLength                     FinishReason = "length"
	FinishReasonSensitive                  FinishReason = "sensitive"
	FinishReasonModelContextWindowExceeded FinishReason = "model_context_window_exceeded"
	FinishReasonNetworkError               FinishReason = "network_error"
)

// ChatCompletion is the response of a chat completion.
type ChatCompletion struct {
	ID        string                 `json:"id"`
	RequestID string                 `json:"request_id,omitempty"`
	Object    string                 `json:"object,omitempty"`
	Created   int64                  `json:"created"`
	Model     string                 `json:"model"`
	Choices   []ChatCompletionChoice `json:"choices"`
	Usage     Usage                  `json:"usage"`
	// WebSearch holds the results when the web search tool ran.
	WebSearch []WebSearchResult `json:"web_search,omitempty"`
	// ContentFilter reports content-safety levels.
	ContentFilter []ContentFilter `json:"content_filter,omitempty"`
	// KnowledgeV2 holds what a knowledge-base retrieval found, when one ran.
	KnowledgeV2 *KnowledgeV2 `json:"knowledge_v2,omitempty"`
	// VideoResult holds the videos of a completion that made some (BigModel
	// ChatCompletionResponse.video_result, the schema async results share).
	VideoResult []GeneratedVideo `json:"video_result,omitempty"`

	rawBody
}

// KnowledgeV2 is the result of a knowledge-base retrieval (the "knowledge
// retrieval v2" events): the chunks found and the rewritten query.
type KnowledgeV2 struct {
	// Type is the kind of the event, as the server names it.
	Type string `json:"type,omitempty"`
	// Contents are the chunks found, in recall order.
	Contents []KnowledgeContent `json:"contents,omitempty"`
	// RewrittenQuery is the query the retrieval actually ran.
	RewrittenQuery *KnowledgeRewrittenQuery `json:"rewritten_query,omitempty"`
}

// KnowledgeContentType is the modality of a retrieved chunk.
type KnowledgeContentType string

// Values of KnowledgeContent.Type.
const (
	KnowledgeContentTypeText     KnowledgeContentType = "text"
	KnowledgeContentTypeImageURL KnowledgeContentType = "image_url"
	KnowledgeContentTypeVideoURL KnowledgeContentType = "video_url"
)

// KnowledgeContent is one retrieved chunk.
type KnowledgeContent struct {
	// ID is the chunk's id (a UUID).
	ID string `json:"id,omitempty"`
	// Type is KnowledgeContentTypeText, ...ImageURL or ...VideoURL.
	Type KnowledgeContentType `json:"type,omitempty"`
	// Text is the text of a text chunk.
	Text string `json:"text,omitempty"`
	// Medias are the images a text chunk contains.
	Medias []KnowledgeMedia `json:"medias,omitempty"`
	// ImageURL is the image of an image chunk.
	ImageURL *URLRef `json:"image_url,omitempty"`
	// VideoURL is the video of a video chunk.
	VideoURL *URLRef `json:"video_url,omitempty"`
	// Index is the chunk's recall rank.
	Index int `json:"index,omitempty"`
	// Score is the chunk's recall score.
	Score float64 `json:"score,omitempty"`
	// RerankIndex is the chunk's rank after reranking.
	RerankIndex int `json:"rerank_index,omitempty"`
	// RerankScore is the chunk's rerank score.
	RerankScore float64 `json:"rerank_score,omitempty"`
	// Metadata locates the chunk in its knowledge base and document.
	Metadata *KnowledgeMetadata `json:"metadata,omitempty"`
}

// KnowledgeMedia is an image inside a retrieved text chunk.
type KnowledgeMedia struct {
	// ID is the image's id.
	ID string `json:"id,omitempty"`
	// URL is the image's URL.
	URL string `json:"url,omitempty"`
	// Description describes the image.
	Description string `json:"description,omitempty"`
}

// KnowledgeMetadata locates a retrieved chunk.
type KnowledgeMetadata struct {
	// ID is the chunk's id ("_id" on the wire).
	ID string `json:"_id,omitempty"`
	// KnowID is the knowledge base's id.
	KnowID string `json:"know_id,omitempty"`
	// DocID is the document's id.
	DocID string `json:"doc_id,omitempty"`
	// DocType is the document's type.
	DocType string `json:"doc_type,omitempty"`
	// DocName is the document's file name.
	DocName string `json:"doc_name,omitempty"`
	// DocURL is the document's URL.
	DocURL string `json:"doc_url,omitempty"`
	// Index is the chunk's index in the document.
	Index int `json:"index,omitempty"`
	// PageIndex is the document page the chunk is on.
	PageIndex int `json:"page_index,omitempty"`
	// ClipIndex is the index of a video clip.
	ClipIndex int `json:"clip_index,omitempty"`
	// StartTime is the timestamp of a video clip's first frame.
	StartTime int64 `json:"start_time,omitempty"`
	// EndTime is the timestamp of a video clip's last frame.
	EndTime int64 `json:"end_time,omitempty"`
	// Duration is a video clip's length.
	Duration int64 `json:"duration,omitempty"`
	// Frames are a video clip's key frames, as decoded JSON.
	Frames []any `json:"frames,omitempty"`
}

// KnowledgeRewrittenQuery is the query a retrieval ran after rewriting.
type KnowledgeRewrittenQuery struct {
	// PrimaryQuery is the main query.
	PrimaryQuery string `json:"primary_query,omitempty"`
	// MultiQueries are the alternative queries.
	MultiQueries []string `json:"multi_queries,omitempty"`
}

// ChatCompletionChoice is one choice of a completion.
type ChatCompletionChoice struct {
	Index        int          `json:"index"`
	Message      Message      `json:"message"`
	FinishReason FinishReason `json:"finish_reason"`
}

// Usage counts tokens. A count decodes from any JSON number (5, 5.0, 1e2),
// as the API types them "number"; a count is bookkeeping, so a fraction
// rounds to the nearest integer rather than fail the call, and RawJSON keeps
// what was sent.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
	// TotalCalls counts the tool calls billed (web search, retrieval,
	// ...), when the server reports it.
	TotalCalls              int                     `json:"total_calls,omitempty"`
	PromptTokensDetails     PromptTokensDetails     `json:"prompt_tokens_details,omitzero"`
	CompletionTokensDetails CompletionTokensDetails `json:"completion_tokens_details,omitzero"`
}

// PromptTokensDetails breaks down prompt tokens.
type PromptTokensDetails struct {
	// CachedTokens were served from the context cache.
	CachedTokens int `json:"cached_tokens"`
}

// CompletionTokensDetails breaks down completion tokens.
type CompletionTokensDetails struct {
	// ReasoningTokens were spent on the chain of thought.
	ReasoningTokens int `json:"reasoning_tokens"`
}

// WebSearchResult is one web page found by a search.
type WebSearchResult struct {
	Title       string   `json:"title,omitempty"`
	Content     string   `json:"content,omitempty"`
	Link        string   `json:"link,omitempty"`
	Media       string   `json:"media,omitempty"`
	Icon        string   `json:"icon,omitempty"`
	Refer       string   `json:"refer,omitempty"`
	PublishDate string   `json:"publish_date,omitempty"`
	Images      []string `json:"images,omitempty"`
}

// ContentFilter is a content-safety verdict for one role.
type ContentFilter struct {
	Role  Role `json:"role,omitempty"`
	Level int  `json:"level"`
}

// ChatCompletionChunk is one event of a streamed completion.
type ChatCompletionChunk struct {
	ID      string                      `json:"id"`
	Object  string                      `json:"object,omitempty"`
	Created int64                       `json:"created"`
	Model   string                      `json:"model"`
	Choices []ChatCompletionChunkChoice `json:"choices"`
	// Usage arrives on the last chunk.
	Usage         *Usage            `json:"usage,omitempty"`
	WebSearch     []WebSearchResult `json:"web_search,omitempty"`
	ContentFilter []ContentFilter   `json:"content_filter,omitempty"`
	// KnowledgeV2 holds what a knowledge-base retrieval found, on the
	// chunk that reports it.
	KnowledgeV2 *KnowledgeV2 `json:"knowledge_v2,omitempty"`

	rawBody
}

func (c *ChatCompletionChunk) streamEnded() bool {
	for i := range c.Choices {
		if c.Choices[i].FinishReason != "" {
			return true
		}
	}
	return false
}

// ChatCompletionChunkChoice is one choice's delta.
type ChatCompletionChunkChoice struct {
	Index        int                 `json:"index"`
	Delta        ChatCompletionDelta `json:"delta"`
	FinishReason FinishReason        `json:"finish_reason,omitempty"`
}

// ChatCompletionDelta is the new part of a message.
type ChatCompletionDelta struct {
	Role             Role          `json:"role,omitempty"`
	Content          string        `json:"content,omitempty"`
	ReasoningContent string        `json:"reasoning_content,omitempty"`
	ToolCalls        []ToolCall    `json:"tool_calls,omitempty"`
	Audio            *MessageAudio `json:"audio,omitempty"`
}

// chatBody adds the "stream" field that the method decides.
type chatBody struct {
	*ChatCompletionRequest
	Stream bool `json:"stream,omitempty"`
}

// chatBodyRest is chatBody without its messages: the outer Messages field
// hides the request's, and omitzero drops it.
type chatBodyRest struct {
	*ChatCompletionRequest
	Messages struct{} `json:"messages,omitzero"`
	Stream   bool     `json:"stream,omitempty"`
}

// AppendJSONMerged is AppendJSON with extra fields merged into the small
// rest before the messages go in, so the history is not scanned again
// (core.EncodeJSON calls it for WithExtraBody). Extra fields that replace
// model or messages take the general path.
func (b chatBody) AppendJSONMerged(dst []byte, extra map[string]any) ([]byte, error) {
	rest, err := json.Marshal(chatBodyRest{ChatCompletionRequest: b.ChatCompletionRequest, Stream: b.Stream})
	if err != nil {
		return nil, fmt.Errorf("zai: encoding request body: %w", err)
	}
	_, model := extra["model"]
	_, messages := extra["messages"]
	if model || messages || !bytes.HasPrefix(rest, []byte(chatBodyHead)) {
		all, err := b.AppendJSON(dst)
		if err != nil {
			return nil, fmt.Errorf("zai: encoding request body: %w", err)
		}
		return core.MergeObject(all, extra)
	}
	if rest, err = core.MergeObject(rest, extra); err != nil {
		return nil, err
	}
	return b.appendWithRest(dst, rest)
}

// AppendJSON writes the body as json.Marshal would, in one pass over the
// message history: encoding/json writes the small rest, and the messages go
// in their place after "model", encoded directly (core.EncodeJSON calls it).
func (b chatBody) AppendJSON(dst []byte) ([]byte, error) {
	rest, err := json.Marshal(chatBodyRest{ChatCompletionRequest: b.ChatCompletionRequest, Stream: b.Stream})
	if err != nil {
		return nil, err
	}
	return b.appendWithRest(dst, rest)
}

// chatBodyHead is how encoding/json starts the body: model comes first.
const chatBodyHead = `{"model":"`

// appendWithRest writes rest, the body without messages, with the messages
// spliced in after model, where encoding/json puts them.
func (b chatBody) appendWithRest(dst, rest []byte) ([]byte, error) {
	const head = chatBodyHead
	r := jsonx.Reader{B: rest, I: len(head) - 1}
	if !bytes.HasPrefix(rest, []byte(head)) {
		// The request no longer starts with model: let encoding/json
		// place the messages.
		all, err := json.Marshal(b)
		return append(dst, all...), err
	}
	if _, _, ok := r.RawString(); !ok {
		return nil, fmt.Errorf("zai: encoding request body: model is not a JSON string")
	}
	end := r.I
	size := len(rest) + 16
	for i := range b.Messages {
		size += sizeMessage(&b.Messages[i])
	}
	w := jsonWriter{b: dst}
	if w.b == nil {
		w.b = make([]byte, 0, size+size/4) // room for escapes: \n, \", \u003c
	}
	w.b = append(w.b, rest[:end]...)
	w.b = append(w.b, `,"messages":`...)
	if b.Messages == nil {
		w.null()
	} else {
		w.b = append(w.b, '[')
		for i := range b.Messages {
			if i > 0 {
				w.b = append(w.b, ',')
			}
			w.encMessage(&b.Messages[i])
		}
		w.b = append(w.b, ']')
	}
	if w.err != nil {
		return nil, w.err
	}
	return append(w.b, rest[end:]...), nil
}

func (r *ChatCompletionRequest) validate() error {
	if r.Model == "" {
		return invalidf("model is empty")
	}
	if len(r.Messages) == 0 {
		return invalidf("messages is empty")
	}
	if err := validateParts(r.Messages); err != nil {
		return err
	}
	if err := checkAlwaysThinking(r.Model, r.Thinking, r.ReasoningEffort); err != nil {
		return err
	}
	if err := checkToolSchemas(r.Tools); err != nil {
		return err
	}
	if x := r.Extra; x != nil {
		if x.Target.Language == "" {
			return invalidf("extra.target.language is empty")
		}
		for i, c := range x.Contexts {
			if c.Path == "" {
				return invalidf("extra.contexts[%d].path is empty", i)
			}
		}
	}
	return nil
}

// checkAlwaysThinking refuses what GLM-5.3 and the GLM-5.3-Flash series
// do not take (Z.ai OpenAPI: ChatThinking.type "can only be enabled";
// reasoning_effort "only low / high / max").
func checkAlwaysThinking(model string, th *Thinking, effort ReasoningEffort) error {
	switch strings.ToLower(model) {
	case ModelGLM5_3, ModelGLM5_3Flash, ModelGLM5_3FlashX:
	default:
		return nil
	}
	if th != nil && th.Type == ThinkingTypeDisabled {
		return invalidf("%s cannot turn thinking off; set ReasoningEffort (low, high or max) instead", model)
	}
	switch effort {
	case "", ReasoningEffortLow, ReasoningEffortHigh, ReasoningEffortMax:
		return nil
	}
	return invalidf("%s takes reasoning_effort low, high or max, not %q", model, effort)
}

// validateParts checks the unified file parts, which take exactly one
// source.
func validateParts(msgs []Message) error {
	for i := range msgs {
		for j, p := range msgs[i].Parts {
			if p.Type != PartTypeFile {
				continue
			}
			if p.File == nil {
				return invalidf("messages[%d].content[%d]: a file part has no file; use FilePart", i, j)
			}
			n := 0
			for _, v := range []string{p.File.FileID, p.File.FileURL, p.File.FileData} {
				if v != "" {
					n++
				}
			}
			if n != 1 {
				return invalidf("messages[%d].content[%d]: set exactly one of FileID, FileURL and FileData", i, j)
			}
		}
	}
	return nil
}

// Create sends a chat completion and waits for the whole reply.
//
// POST /chat/completions
func (s *ChatCompletionService) Create(ctx context.Context, req ChatCompletionRequest, opts ...Option) (*ChatCompletion, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	return call[ChatCompletion](ctx, s.client, &core.Request{Method: http.MethodPost, Path: "/chat/completions", Body: chatBody{ChatCompletionRequest: &req}}, opts)
}

// CreateStream sends a chat completion and returns the reply as a stream of
// chunks. HTTP errors come back here, before any chunk; errors inside the
// stream come from the stream. Close the stream, or range over All.
//
// POST /chat/completions with "stream": true
func (s *ChatCompletionService) CreateStream(ctx context.Context, req ChatCompletionRequest, opts ...Option) (*Stream[ChatCompletionChunk], error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	r := &core.Request{Method: http.MethodPost, Path: "/chat/completions", Body: chatBody{ChatCompletionRequest: &req, Stream: true}, Stream: true}
	return openStream[ChatCompletionChunk](ctx, s.client, r, opts)
}

// CreateAsync submits a chat completion as an async task. Poll the result
// with client.AsyncResult.Get or Wait; it carries Choices and Usage.
//
// POST /async/chat/completions
func (s *ChatCompletionService) CreateAsync(ctx context.Context, req ChatCompletionRequest, opts ...Option) (*AsyncTask, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	return call[AsyncTask](ctx, s.client, &core.Request{Method: http.MethodPost, Path: "/async/chat/completions", Body: chatBody{ChatCompletionRequest: &req}}, opts)
}
