package zaifantasy

import (
	"encoding/base64"
	"fmt"
	"strings"

	"charm.land/fantasy"

	"github.com/zai-go/zai"
)

// toMessages maps a fantasy prompt onto Z.ai messages. What Z.ai cannot
// take is dropped with a warning, as fantasy's other providers do, so one
// odd part does not fail a long conversation.
func toMessages(prompt fantasy.Prompt) ([]zai.Message, []fantasy.CallWarning) {
	var (
		out      []zai.Message
		warnings []fantasy.CallWarning
		// media from tool results waits until the run of tool messages
		// ends: a user message inside it would leave later tool calls
		// unanswered.
		deferred []zai.Message
	)
	warn := func(format string, args ...any) {
		warnings = append(warnings, fantasy.CallWarning{Type: fantasy.CallWarningTypeOther, Message: fmt.Sprintf(format, args...)})
	}
	for _, msg := range prompt {
		if msg.Role != fantasy.MessageRoleTool && len(deferred) > 0 {
			out = append(out, deferred...)
			deferred = nil
		}
		switch msg.Role {
		case fantasy.MessageRoleSystem:
			var texts []string
			for _, part := range msg.Content {
				text, ok := fantasy.AsMessagePart[fantasy.TextPart](part)
				if !ok {
					warn("a system message can only have text; a %s part was dropped", part.GetType())
					continue
				}
				if strings.TrimSpace(text.Text) != "" {
					texts = append(texts, text.Text)
				}
			}
			if len(texts) == 0 {
				warn("a system message without text was dropped")
				continue
			}
			out = append(out, zai.SystemMessage(strings.Join(texts, "\n")))
		case fantasy.MessageRoleUser:
			m, ok := userMessage(msg, warn)
			if !ok {
				warn("a user message without content Z.ai can take was dropped")
				continue
			}
			out = append(out, m)
		case fantasy.MessageRoleAssistant:
			m := assistantMessage(msg, warn)
			if m.Content == "" && len(m.ToolCalls) == 0 {
				// Reasoning alone is refused ("content or tool_calls
				// must be set"), and would be refused again on every
				// later turn.
				warn("an assistant message with neither text nor tool calls was dropped")
				continue
			}
			out = append(out, m)
		case fantasy.MessageRoleTool:
			msgs, media := toolMessages(msg, warn)
			out = append(out, msgs...)
			deferred = append(deferred, media...)
		default:
			warn("a message with role %q was dropped", msg.Role)
		}
	}
	return append(out, deferred...), warnings
}

// userMessage sends text as a plain string, which every model takes, and
// switches to content parts only for media.
func userMessage(msg fantasy.Message, warn func(string, ...any)) (zai.Message, bool) {
	var (
		texts []string
		parts []zai.ContentPart
		media bool
	)
	for _, part := range msg.Content {
		switch part.GetType() {
		case fantasy.ContentTypeText:
			text, ok := fantasy.AsMessagePart[fantasy.TextPart](part)
			if !ok {
				continue
			}
			texts = append(texts, text.Text)
			parts = append(parts, zai.TextPart(text.Text))
		case fantasy.ContentTypeFile:
			file, ok := fantasy.AsMessagePart[fantasy.FilePart](part)
			if !ok {
				continue
			}
			p, ok := filePart(file)
			if !ok {
				warn("a file of type %q cannot be sent to Z.ai and was dropped", file.MediaType)
				continue
			}
			parts = append(parts, p)
			media = true
		default:
			warn("a user message cannot have a %s part; it was dropped", part.GetType())
		}
	}
	if !media {
		if len(texts) == 0 {
			return zai.Message{}, false
		}
		return zai.UserMessage(strings.Join(texts, "\n")), true
	}
	return zai.UserMessageParts(parts...), true
}

// filePart maps a file onto the part Z.ai's vision and file models take:
// images and videos as data: URLs, audio as base64 with its format,
// documents as an inline file.
func filePart(f fantasy.FilePart) (zai.ContentPart, bool) {
	data := base64.StdEncoding.EncodeToString(f.Data)
	mediaType := strings.ToLower(f.MediaType)
	switch {
	case strings.HasPrefix(mediaType, "image/"):
		return zai.ImageURLPart("data:" + f.MediaType + ";base64," + data), true
	case strings.HasPrefix(mediaType, "video/"):
		return zai.VideoURLPart("data:" + f.MediaType + ";base64," + data), true
	case mediaType == "audio/wav" || mediaType == "audio/x-wav" || mediaType == "audio/wave":
		return zai.InputAudioPart(data, "wav"), true
	case mediaType == "audio/mpeg" || mediaType == "audio/mp3":
		return zai.InputAudioPart(data, "mp3"), true
	case strings.HasPrefix(mediaType, "audio/"):
		return zai.ContentPart{}, false
	case mediaType == "":
		return zai.ContentPart{}, false
	default:
		return zai.FilePart(zai.ChatFile{FileData: "data:" + f.MediaType + ";base64," + data, Filename: f.Filename}), true
	}
}

// assistantMessage joins text and reasoning as fantasy's OpenAI-compatible
// provider does (segments on separate lines), and sends the reasoning back
// so that preserved thinking works across turns.
func assistantMessage(msg fantasy.Message, warn func(string, ...any)) zai.Message {
	var texts, reasoning []string
	m := zai.Message{Role: zai.RoleAssistant}
	for _, part := range msg.Content {
		switch part.GetType() {
		case fantasy.ContentTypeText:
			if text, ok := fantasy.AsMessagePart[fantasy.TextPart](part); ok {
				texts = append(texts, text.Text)
			}
		case fantasy.ContentTypeReasoning:
			if r, ok := fantasy.AsMessagePart[fantasy.ReasoningPart](part); ok {
				reasoning = append(reasoning, r.Text)
			}
		case fantasy.ContentTypeToolCall:
			call, ok := fantasy.AsMessagePart[fantasy.ToolCallPart](part)
			if !ok || call.ProviderExecuted {
				continue // the server ran it; it is not the client's to answer
			}
			m.ToolCalls = append(m.ToolCalls, zai.ToolCall{
				ID:       call.ToolCallID,
				Type:     zai.ToolTypeFunction,
				Function: zai.FunctionCall{Name: call.ToolName, Arguments: call.Input},
			})
		case fantasy.ContentTypeToolResult:
			// A provider-executed result (a web search) stays on the
			// server's side.
		default:
			warn("an assistant message cannot send a %s part to Z.ai; it was dropped", part.GetType())
		}
	}
	m.Content = strings.Join(texts, "\n")
	m.ReasoningContent = strings.Join(reasoning, "\n")
	return m
}

// toolMessages answers each tool call with a tool message. Media a tool
// returned cannot ride in a tool message: it comes back as a user message
// to send after the run of tool messages.
func toolMessages(msg fantasy.Message, warn func(string, ...any)) (msgs, media []zai.Message) {
	for _, part := range msg.Content {
		result, ok := fantasy.AsMessagePart[fantasy.ToolResultPart](part)
		if !ok {
			warn("a tool message can only have tool results; a %s part was dropped", part.GetType())
			continue
		}
		switch out := result.Output.(type) {
		case fantasy.ToolResultOutputContentText:
			msgs = append(msgs, zai.ToolMessage(result.ToolCallID, out.Text))
		case *fantasy.ToolResultOutputContentText:
			msgs = append(msgs, zai.ToolMessage(result.ToolCallID, out.Text))
		case fantasy.ToolResultOutputContentError:
			msgs = append(msgs, zai.ToolMessage(result.ToolCallID, errorText(out.Error)))
		case *fantasy.ToolResultOutputContentError:
			msgs = append(msgs, zai.ToolMessage(result.ToolCallID, errorText(out.Error)))
		case fantasy.ToolResultOutputContentMedia:
			msgs, media = appendMediaResult(msgs, media, result.ToolCallID, out, warn)
		case *fantasy.ToolResultOutputContentMedia:
			msgs, media = appendMediaResult(msgs, media, result.ToolCallID, *out, warn)
		default:
			// Every call must be answered, or the next request is refused.
			warn("a tool result of type %T was sent as an empty answer", result.Output)
			msgs = append(msgs, zai.ToolMessage(result.ToolCallID, ""))
		}
	}
	return msgs, media
}

func errorText(err error) string {
	if err == nil {
		return "error"
	}
	return err.Error()
}

func appendMediaResult(msgs, media []zai.Message, callID string, out fantasy.ToolResultOutputContentMedia, warn func(string, ...any)) ([]zai.Message, []zai.Message) {
	raw, err := base64.StdEncoding.DecodeString(out.Data)
	var part zai.ContentPart
	ok := err == nil
	if ok {
		part, ok = filePart(fantasy.FilePart{Data: raw, MediaType: out.MediaType})
	}
	text := out.Text
	switch {
	case !ok:
		warn("a tool result of type %q cannot be sent to Z.ai; only its text was sent", out.MediaType)
		if text == "" {
			text = fmt.Sprintf("The tool returned %s content, which cannot be displayed.", out.MediaType)
		}
	case text == "":
		text = fmt.Sprintf("The tool returned %s content; see the following user message.", out.MediaType)
	}
	msgs = append(msgs, zai.ToolMessage(callID, text))
	if ok {
		media = append(media, zai.UserMessageParts(part))
	}
	return msgs, media
}
