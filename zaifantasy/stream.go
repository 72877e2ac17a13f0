package zaifantasy

import (
	"context"
	"encoding/json"
	"strconv"
	"sync/atomic"

	"charm.land/fantasy"

	"github.com/zai-go/zai"
)

// Stream sends the call and returns the reply as fantasy stream parts:
// warnings, then reasoning and text blocks (start, deltas, end) in the
// order they arrive, tool input start and deltas as tool calls are written
// (fragment by fragment with ProviderOptions.ToolStream), web-search
// sources as soon as the server sends them, then each tool call's input end
// and the call itself, and last the finish part with usage and the finish
// reason, or an error part.
//
// Errors before the first event (HTTP errors) come back here as
// *fantasy.ProviderError; later ones as the error part. Range over the
// stream once: that closes the connection when the loop ends or breaks.
//
// POST /chat/completions with "stream": true
func (m *languageModel) Stream(ctx context.Context, call fantasy.Call) (fantasy.StreamResponse, error) {
	p, err := m.prepare(call, true)
	if err != nil {
		return nil, err
	}
	stream, err := m.p.client.Chat.Completions.CreateStream(ctx, p.req, p.opts...)
	if err != nil {
		return nil, toProviderError(ctx, err)
	}
	var ranged atomic.Bool
	return func(yield func(fantasy.StreamPart) bool) {
		if ranged.Swap(true) {
			yield(fantasy.StreamPart{Type: fantasy.StreamPartTypeError, Error: &fantasy.Error{Title: "stream already read", Message: "a zaifantasy stream can be ranged over once"}})
			return
		}
		defer stream.Close()
		s := &streamer{yield: yield}
		s.meta.RequestID = stream.RequestID()
		if len(p.warnings) > 0 && !yield(fantasy.StreamPart{Type: fantasy.StreamPartTypeWarnings, Warnings: p.warnings}) {
			return
		}
		for stream.Next() {
			chunk := stream.Current()
			if !s.chunk(&chunk) {
				return
			}
		}
		if err := stream.Err(); err != nil {
			yield(fantasy.StreamPart{Type: fantasy.StreamPartTypeError, Error: toProviderError(ctx, err)})
			return
		}
		s.end(ctx)
	}, nil
}

// streamer turns chunks into stream parts. Each reasoning or text block
// gets its own id, so a reply that thinks again after writing keeps its
// blocks apart.
type streamer struct {
	yield func(fantasy.StreamPart) bool

	blocks   int
	open     fantasy.StreamPartType // StreamPartTypeReasoningStart, StreamPartTypeTextStart or ""
	openID   string
	calls    []*streamCall
	finish   zai.FinishReason
	usage    *zai.Usage
	meta     ProviderMetadata
	seenURLs map[string]bool
}

type streamCall struct {
	index          int
	id, name, args string
}

// chunk handles one chunk; false means the consumer stopped.
func (s *streamer) chunk(c *zai.ChatCompletionChunk) bool {
	if s.meta.ID == "" {
		s.meta.ID = c.ID
	}
	if c.Usage != nil {
		s.usage = c.Usage
	}
	if len(c.ContentFilter) > 0 {
		s.meta.ContentFilter = c.ContentFilter
	}
	if !s.webSearch(c.WebSearch) {
		return false
	}
	if len(c.Choices) == 0 {
		return true
	}
	ch := &c.Choices[0]
	d := &ch.Delta
	if d.ReasoningContent != "" {
		if !s.startBlock(fantasy.StreamPartTypeReasoningStart) ||
			!s.yield(fantasy.StreamPart{Type: fantasy.StreamPartTypeReasoningDelta, ID: s.openID, Delta: d.ReasoningContent}) {
			return false
		}
	}
	if d.Content != "" {
		if !s.startBlock(fantasy.StreamPartTypeTextStart) ||
			!s.yield(fantasy.StreamPart{Type: fantasy.StreamPartTypeTextDelta, ID: s.openID, Delta: d.Content}) {
			return false
		}
	}
	for i := range d.ToolCalls {
		if !s.closeBlock() || !s.toolCall(&d.ToolCalls[i]) {
			return false
		}
	}
	if ch.FinishReason != "" {
		s.finish = ch.FinishReason
	}
	return true
}

// startBlock opens a block of the kind given, closing another one first.
func (s *streamer) startBlock(kind fantasy.StreamPartType) bool {
	if s.open == kind {
		return true
	}
	if !s.closeBlock() {
		return false
	}
	s.blocks++
	s.open, s.openID = kind, strconv.Itoa(s.blocks)
	return s.yield(fantasy.StreamPart{Type: kind, ID: s.openID})
}

func (s *streamer) closeBlock() bool {
	var end fantasy.StreamPartType
	switch s.open {
	case fantasy.StreamPartTypeReasoningStart:
		end = fantasy.StreamPartTypeReasoningEnd
	case fantasy.StreamPartTypeTextStart:
		end = fantasy.StreamPartTypeTextEnd
	default:
		return true
	}
	s.open = ""
	return s.yield(fantasy.StreamPart{Type: end, ID: s.openID})
}

// toolCall starts a call or adds a fragment of its arguments. Fragments of
// one call share its index; a fragment with a new id at an index already
// taken (whole calls sent without distinct indexes) is a new call.
func (s *streamer) toolCall(tc *zai.ToolCall) bool {
	var c *streamCall
	for i := len(s.calls) - 1; i >= 0; i-- {
		if s.calls[i].index == tc.Index {
			if tc.ID == "" || tc.ID == s.calls[i].id {
				c = s.calls[i]
			}
			break
		}
	}
	if c == nil {
		if tc.ID == "" && tc.Function.Name == "" && tc.Function.Arguments == "" {
			return true // nothing to start a call with
		}
		c = &streamCall{index: tc.Index, id: tc.ID, name: tc.Function.Name}
		if c.id == "" {
			c.id = "call_" + strconv.Itoa(len(s.calls)+1)
		}
		s.calls = append(s.calls, c)
		if !s.yield(fantasy.StreamPart{Type: fantasy.StreamPartTypeToolInputStart, ID: c.id, ToolCallName: c.name}) {
			return false
		}
	} else if c.name == "" {
		c.name = tc.Function.Name
	}
	if tc.Function.Arguments == "" {
		return true
	}
	c.args += tc.Function.Arguments
	return s.yield(fantasy.StreamPart{Type: fantasy.StreamPartTypeToolInputDelta, ID: c.id, Delta: tc.Function.Arguments})
}

// webSearch yields each page found once, as a URL source.
func (s *streamer) webSearch(results []zai.WebSearchResult) bool {
	for _, r := range results {
		key := r.Link + "\x00" + r.Title
		if s.seenURLs[key] {
			continue
		}
		if s.seenURLs == nil {
			s.seenURLs = map[string]bool{}
		}
		s.seenURLs[key] = true
		i := len(s.meta.WebSearch)
		s.meta.WebSearch = append(s.meta.WebSearch, r)
		if !s.yield(fantasy.StreamPart{Type: fantasy.StreamPartTypeSource, ID: sourceID(i, r), SourceType: fantasy.SourceTypeURL, URL: r.Link, Title: r.Title}) {
			return false
		}
	}
	return true
}

// end closes what is open, hands over the tool calls of a turn that ended
// well, and finishes. A stream that ended without a finish reason is
// incomplete (a retryable error), unless it holds complete tool calls.
func (s *streamer) end(ctx context.Context) {
	if !s.closeBlock() {
		return
	}
	finish := mapFinishReason(s.finish)
	var warnings []fantasy.CallWarning
	if s.finish == "" {
		complete := len(s.calls) > 0
		for _, c := range s.calls {
			complete = complete && json.Valid([]byte(c.args))
		}
		if !complete {
			err := ctx.Err()
			if err == nil {
				err = fantasy.NewIncompleteStreamError()
			}
			s.yield(fantasy.StreamPart{Type: fantasy.StreamPartTypeError, Error: err})
			return
		}
		finish = fantasy.FinishReasonToolCalls
		warnings = append(warnings, fantasy.CallWarning{Type: fantasy.CallWarningTypeOther, Message: "the stream ended without a finish_reason; its complete tool calls were taken as the turn's end"})
	}
	suppress := len(s.calls) > 0 && abnormal(finish)
	for _, c := range s.calls {
		if !s.yield(fantasy.StreamPart{Type: fantasy.StreamPartTypeToolInputEnd, ID: c.id}) {
			return
		}
		if suppress {
			continue
		}
		args := c.args
		if args == "" {
			args = "{}"
		}
		if !s.yield(fantasy.StreamPart{Type: fantasy.StreamPartTypeToolCall, ID: c.id, ToolCallName: c.name, ToolCallInput: args}) {
			return
		}
	}
	switch {
	case suppress:
		warnings = append(warnings, truncatedCallsWarning(s.finish))
	case len(s.calls) > 0:
		finish = fantasy.FinishReasonToolCalls
	default:
		if w := abnormalFinishWarning(s.finish, finish); w != nil {
			warnings = append(warnings, *w)
		}
	}
	if len(warnings) > 0 && !s.yield(fantasy.StreamPart{Type: fantasy.StreamPartTypeWarnings, Warnings: warnings}) {
		return
	}
	s.meta.FinishReason = s.finish
	meta := s.meta
	s.yield(fantasy.StreamPart{
		Type:             fantasy.StreamPartTypeFinish,
		Usage:            mapUsage(s.usage),
		FinishReason:     finish,
		ProviderMetadata: fantasy.ProviderMetadata{Name: &meta},
	})
}
