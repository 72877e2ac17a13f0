package zaieino

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cloudwego/eino/schema"

	"github.com/zai-go/zai"
)

// WebSearchKey is the schema.Message.Extra key under which a reply keeps the
// results of Z.ai's web search, as a []zai.WebSearchResult. Read them with
// WebSearchResults.
const WebSearchKey = "zai_web_search"

// WebSearchResults returns the web-search results a reply carries, or nil. It
// also reads messages that went through JSON (a checkpoint, a trace), where
// the results are plain maps.
func WebSearchResults(msg *schema.Message) []zai.WebSearchResult {
	if msg == nil {
		return nil
	}
	switch v := msg.Extra[WebSearchKey].(type) {
	case nil:
		return nil
	case []zai.WebSearchResult:
		return v
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return nil
		}
		var out []zai.WebSearchResult
		if json.Unmarshal(b, &out) != nil {
			return nil
		}
		return out
	}
}

func toZaiMessages(in []*schema.Message) ([]zai.Message, error) {
	out := make([]zai.Message, 0, len(in))
	for i, m := range in {
		if m == nil {
			return nil, fmt.Errorf("zaieino: message %d is nil", i)
		}
		zm, err := toZaiMessage(m)
		if err != nil {
			return nil, fmt.Errorf("zaieino: message %d (%s): %w", i, m.Role, err)
		}
		out = append(out, zm)
	}
	return out, nil
}

// toZaiMessage maps one eino message. ReasoningContent goes back to the
// server, so preserved thinking (Thinking.ClearThinking false) works across
// turns.
func toZaiMessage(m *schema.Message) (zai.Message, error) {
	out := zai.Message{
		Role:             zai.Role(m.Role),
		Content:          m.Content,
		Name:             m.Name,
		ReasoningContent: m.ReasoningContent,
		ToolCallID:       m.ToolCallID,
	}
	var err error
	switch m.Role {
	case schema.User, schema.System:
		out.Content, out.Parts, err = inputParts(m)
	case schema.Assistant:
		err = assistantContent(m, &out)
		for _, tc := range m.ToolCalls {
			call := zai.ToolCall{ID: tc.ID, Type: zai.ToolType(tc.Type), Function: zai.FunctionCall{Name: tc.Function.Name, Arguments: tc.Function.Arguments}}
			if tc.Index != nil {
				call.Index = *tc.Index
			}
			if call.Type == "" {
				call.Type = zai.ToolTypeFunction
			}
			out.ToolCalls = append(out.ToolCalls, call)
		}
	case schema.Tool:
		out.Content, err = textOnly(m)
	default:
		return out, fmt.Errorf("unknown role %q", m.Role)
	}
	return out, err
}

// partSeparator joins text parts sent as one string, as eino-ext's models
// that take text only (deepseek) join them.
const partSeparator = "\n\n"

// joinText joins the non-empty texts with partSeparator.
func joinText(texts ...string) string {
	kept := texts[:0:0]
	for _, t := range texts {
		if t != "" {
			kept = append(kept, t)
		}
	}
	return strings.Join(kept, partSeparator)
}

// inputParts maps multimodal user content. Content, when set beside parts,
// becomes the first text part. Content made only of text goes out as one
// string (returned with no parts), which every model takes: text models
// may refuse a content-part array.
func inputParts(m *schema.Message) (string, []zai.ContentPart, error) {
	if len(m.UserInputMultiContent) == 0 && len(m.MultiContent) == 0 {
		return m.Content, nil, nil
	}
	var parts []zai.ContentPart
	if m.Content != "" {
		parts = append(parts, zai.TextPart(m.Content))
	}
	for _, p := range m.UserInputMultiContent {
		part, err := inputPart(p)
		if err != nil {
			return "", nil, err
		}
		parts = append(parts, part)
	}
	for _, p := range m.MultiContent {
		part, err := legacyPart(p)
		if err != nil {
			return "", nil, err
		}
		parts = append(parts, part)
	}
	texts := make([]string, 0, len(parts))
	for _, p := range parts {
		if p.Type != zai.PartTypeText {
			return "", parts, nil
		}
		texts = append(texts, p.Text)
	}
	return joinText(texts...), nil, nil
}

func inputPart(p schema.MessageInputPart) (zai.ContentPart, error) {
	switch p.Type {
	case schema.ChatMessagePartTypeText:
		return zai.TextPart(p.Text), nil
	case schema.ChatMessagePartTypeImageURL:
		if p.Image != nil {
			if u := mediaURL(&p.Image.MessagePartCommon); u != "" {
				return zai.ImageURLPart(u), nil
			}
		}
	case schema.ChatMessagePartTypeVideoURL:
		if p.Video != nil {
			if u := mediaURL(&p.Video.MessagePartCommon); u != "" {
				return zai.VideoURLPart(u), nil
			}
		}
	case schema.ChatMessagePartTypeFileURL:
		if p.File != nil && p.File.URL != nil && *p.File.URL != "" {
			return zai.FileURLPart(*p.File.URL), nil
		}
		return zai.ContentPart{}, fmt.Errorf("a file part needs a URL (Z.ai takes files by URL; upload with client.Files)")
	case schema.ChatMessagePartTypeAudioURL:
		// Z.ai takes audio as base64 data with its format, not by URL.
		if p.Audio != nil && p.Audio.Base64Data != nil {
			return zai.InputAudioPart(*p.Audio.Base64Data, audioFormat(p.Audio.MIMEType)), nil
		}
		if p.Audio != nil && p.Audio.URL != nil {
			if data, mime, ok := parseDataURL(*p.Audio.URL); ok {
				return zai.InputAudioPart(data, audioFormat(mime)), nil
			}
		}
		return zai.ContentPart{}, fmt.Errorf("an audio part needs base64 data (Z.ai does not fetch audio URLs)")
	default:
		return zai.ContentPart{}, fmt.Errorf("part type %q is not supported", p.Type)
	}
	return zai.ContentPart{}, fmt.Errorf("the %s part has neither a URL nor base64 data", p.Type)
}

// legacyPart maps the deprecated schema.ChatMessagePart, which older eino
// code still sends in Message.MultiContent.
//
//lint:ignore SA1019 kept so that messages built the old way still work
func legacyPart(p schema.ChatMessagePart) (zai.ContentPart, error) {
	switch {
	case p.Type == schema.ChatMessagePartTypeText:
		return zai.TextPart(p.Text), nil
	case p.Type == schema.ChatMessagePartTypeImageURL && p.ImageURL != nil:
		return zai.ImageURLPart(p.ImageURL.URL), nil
	case p.Type == schema.ChatMessagePartTypeVideoURL && p.VideoURL != nil:
		return zai.VideoURLPart(p.VideoURL.URL), nil
	case p.Type == schema.ChatMessagePartTypeFileURL && p.FileURL != nil:
		return zai.FileURLPart(p.FileURL.URL), nil
	case p.Type == schema.ChatMessagePartTypeAudioURL && p.AudioURL != nil:
		if data, mime, ok := parseDataURL(p.AudioURL.URL); ok {
			if mime == "" {
				mime = p.AudioURL.MIMEType
			}
			return zai.InputAudioPart(data, audioFormat(mime)), nil
		}
		return zai.ContentPart{}, fmt.Errorf("an audio part needs a data: URL (Z.ai does not fetch audio URLs)")
	}
	return zai.ContentPart{}, fmt.Errorf("part type %q is not supported or has no URL", p.Type)
}

// mediaURL is the URL, or the base64 data: as a data: URL when the MIME type
// is known, bare otherwise (both forms are what Z.ai's vision models accept).
func mediaURL(c *schema.MessagePartCommon) string {
	if c.URL != nil && *c.URL != "" {
		return *c.URL
	}
	if c.Base64Data == nil {
		return ""
	}
	if c.MIMEType != "" {
		return "data:" + c.MIMEType + ";base64," + *c.Base64Data
	}
	return *c.Base64Data
}

func parseDataURL(u string) (data, mime string, ok bool) {
	rest, ok := strings.CutPrefix(u, "data:")
	if !ok {
		return "", "", false
	}
	meta, data, ok := strings.Cut(rest, ",")
	if !ok || !strings.HasSuffix(meta, ";base64") {
		return "", "", false
	}
	return data, strings.TrimSuffix(meta, ";base64"), true
}

// audioFormat turns "audio/wav" or "audio/mpeg" into the "wav" / "mp3" the
// API wants; empty means wav, the format Z.ai documents first.
func audioFormat(mime string) string {
	switch sub := strings.TrimPrefix(strings.ToLower(mime), "audio/"); sub {
	case "":
		return "wav"
	case "mpeg", "mp3":
		return "mp3"
	case "x-wav", "wave":
		return "wav"
	default:
		return sub
	}
}

// assistantContent folds multimodal assistant output back into a message:
// text into Content, reasoning into ReasoningContent, each joined with
// partSeparator. Media the model made cannot be sent back to Z.ai, so it is
// an error rather than dropped.
func assistantContent(m *schema.Message, out *zai.Message) error {
	if len(m.AssistantGenMultiContent) == 0 {
		return nil
	}
	texts := []string{m.Content}
	var reasoning []string
	for _, p := range m.AssistantGenMultiContent {
		switch p.Type {
		case schema.ChatMessagePartTypeText:
			texts = append(texts, p.Text)
		case schema.ChatMessagePartTypeReasoning:
			if p.Reasoning != nil {
				reasoning = append(reasoning, p.Reasoning.Text)
			}
		default:
			return fmt.Errorf("assistant part type %q cannot be sent to Z.ai", p.Type)
		}
	}
	out.Content = joinText(texts...)
	if out.ReasoningContent == "" {
		out.ReasoningContent = joinText(reasoning...)
	}
	return nil
}

// textOnly is the text of a tool result: Content, then any text parts,
// joined with partSeparator.
func textOnly(m *schema.Message) (string, error) {
	if len(m.UserInputMultiContent) == 0 {
		return m.Content, nil
	}
	texts := []string{m.Content}
	for _, p := range m.UserInputMultiContent {
		if p.Type != schema.ChatMessagePartTypeText {
			return "", fmt.Errorf("a tool result part of type %q cannot be sent to Z.ai (text only)", p.Type)
		}
		texts = append(texts, p.Text)
	}
	return joinText(texts...), nil
}

// fromCompletion maps the first choice of a completion.
func fromCompletion(resp *zai.ChatCompletion) (*schema.Message, error) {
	if len(resp.Choices) == 0 {
		return nil, fmt.Errorf("zaieino: the completion has no choices (id %q)", resp.ID)
	}
	ch := resp.Choices[0]
	zm := ch.Message
	out := &schema.Message{
		Role:             schema.Assistant,
		Content:          zm.Content,
		ReasoningContent: zm.ReasoningContent,
		Name:             zm.Name,
	}
	if zm.Role != "" {
		out.Role = schema.RoleType(zm.Role)
	}
	var idx callIndexer
	for _, tc := range zm.ToolCalls {
		out.ToolCalls = append(out.ToolCalls, toolCall(tc, idx.assign(tc.Index, tc.ID)))
	}
	out.ResponseMeta = &schema.ResponseMeta{FinishReason: string(ch.FinishReason), Usage: tokenUsage(&resp.Usage)}
	if len(resp.WebSearch) > 0 {
		out.Extra = map[string]any{WebSearchKey: resp.WebSearch}
	}
	return out, nil
}

func toolCall(tc zai.ToolCall, index int) schema.ToolCall {
	return schema.ToolCall{
		Index:    &index,
		ID:       tc.ID,
		Type:     string(tc.Type),
		Function: schema.FunctionCall{Name: tc.Function.Name, Arguments: tc.Function.Arguments},
	}
}

// tokenUsage maps usage; nil when the server sent none, as in a stream that
// ends without it, so Generate and a concatenated Stream agree.
func tokenUsage(u *zai.Usage) *schema.TokenUsage {
	if u == nil || u.PromptTokens == 0 && u.CompletionTokens == 0 && u.TotalTokens == 0 {
		return nil
	}
	return &schema.TokenUsage{
		PromptTokens:            u.PromptTokens,
		PromptTokenDetails:      schema.PromptTokenDetails{CachedTokens: u.PromptTokensDetails.CachedTokens},
		CompletionTokens:        u.CompletionTokens,
		TotalTokens:             u.TotalTokens,
		CompletionTokensDetails: schema.CompletionTokensDetails{ReasoningTokens: u.CompletionTokensDetails.ReasoningTokens},
	}
}

// callIndexer gives every tool call a distinct index. A call keeps its wire
// index; a fragment with a new id at an index already taken (servers that
// send whole calls without distinct indexes) gets the next free one, so
// schema.ConcatMessages, which merges by index and refuses differing ids,
// keeps the calls apart. zai.ChatCompletionAccumulator splits them the same
// way.
type callIndexer struct {
	calls []indexedCall
	max   int
}

type indexedCall struct {
	wire, index int
	id          string
}

func (x *callIndexer) assign(wire int, id string) int {
	for i := len(x.calls) - 1; i >= 0; i-- {
		c := &x.calls[i]
		if c.wire != wire {
			continue
		}
		if id == "" || c.id == "" || c.id == id {
			if c.id == "" {
				c.id = id
			}
			return c.index
		}
		break
	}
	index := wire
	for _, c := range x.calls {
		if c.index == index {
			index = x.max + 1
			break
		}
	}
	if len(x.calls) == 0 || index > x.max {
		x.max = index
	}
	x.calls = append(x.calls, indexedCall{wire: wire, index: index, id: id})
	return index
}

// chunkConverter turns stream chunks into eino message chunks.
type chunkConverter struct {
	calls         callIndexer
	sentWebSearch bool
}

// convert maps the first choice of a chunk, or returns nil when the chunk
// carries nothing (a heartbeat-like empty delta).
func (c *chunkConverter) convert(chunk *zai.ChatCompletionChunk) *schema.Message {
	msg := &schema.Message{Role: schema.Assistant}
	empty := true
	if len(chunk.Choices) > 0 {
		ch := &chunk.Choices[0]
		d := &ch.Delta
		msg.Content, msg.ReasoningContent = d.Content, d.ReasoningContent
		for _, tc := range d.ToolCalls {
			msg.ToolCalls = append(msg.ToolCalls, toolCall(tc, c.calls.assign(tc.Index, tc.ID)))
		}
		empty = d.Content == "" && d.ReasoningContent == "" && len(d.ToolCalls) == 0
		if ch.FinishReason != "" {
			msg.ResponseMeta = &schema.ResponseMeta{FinishReason: string(ch.FinishReason)}
		}
	}
	if u := tokenUsage(chunk.Usage); u != nil {
		if msg.ResponseMeta == nil {
			msg.ResponseMeta = &schema.ResponseMeta{}
		}
		msg.ResponseMeta.Usage = u
	}
	// Extra values of several chunks are joined by type, and eino cannot
	// join two result slices: send the results once.
	if len(chunk.WebSearch) > 0 && !c.sentWebSearch {
		c.sentWebSearch = true
		msg.Extra = map[string]any{WebSearchKey: chunk.WebSearch}
	}
	if empty && msg.ResponseMeta == nil && msg.Extra == nil {
		return nil
	}
	return msg
}
