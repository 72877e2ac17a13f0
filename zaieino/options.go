package zaieino

import (
	"slices"

	"github.com/cloudwego/eino/components/model"

	"github.com/zai-go/zai"
)

// callOptions are the Z.ai settings one call may override, through eino's
// implementation-specific options.
type callOptions struct {
	thinking        *zai.Thinking
	reasoningEffort zai.ReasoningEffort
	toolStream      bool
	webSearch       *zai.WebSearch
	requestOptions  []zai.Option
}

// WithThinking sets the chain of thought for one call, over Config.Thinking.
func WithThinking(t zai.Thinking) model.Option {
	return model.WrapImplSpecificOptFn(func(o *callOptions) { o.thinking = &t })
}

// WithReasoningEffort sets the thinking depth for one call, such as
// zai.ReasoningEffortLow, over Config.ReasoningEffort.
func WithReasoningEffort(effort zai.ReasoningEffort) model.Option {
	return model.WrapImplSpecificOptFn(func(o *callOptions) { o.reasoningEffort = effort })
}

// WithToolStream turns tool_stream on or off for one call to Stream.
func WithToolStream(on bool) model.Option {
	return model.WrapImplSpecificOptFn(func(o *callOptions) { o.toolStream = on })
}

// WithWebSearch adds the built-in web search tool to one call, replacing
// Config.WebSearch.
func WithWebSearch(ws zai.WebSearch) model.Option {
	return model.WrapImplSpecificOptFn(func(o *callOptions) { o.webSearch = &ws })
}

// WithRequestOptions applies zai options (headers, zai.WithExtraBody,
// retries, timeouts) to one call, after Config.RequestOptions.
func WithRequestOptions(opts ...zai.Option) model.Option {
	opts = slices.Clone(opts)
	return model.WrapImplSpecificOptFn(func(o *callOptions) { o.requestOptions = append(o.requestOptions, opts...) })
}
