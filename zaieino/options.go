package zaieino

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"

	"github.com/cloudwego/eino/components/model"
	"github.com/cloudwego/eino/schema"

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

	payloadModifier RequestPayloadModifier
	messageModifier ResponseMessageModifier
	chunkModifier   ResponseChunkMessageModifier
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

// RequestPayloadModifier rewrites the JSON body of a request before it is
// sent, given the call's input messages; it returns the body to send. Its
// shape is that of eino-ext's OpenAI model, so modifiers written for it
// work here.
type RequestPayloadModifier func(ctx context.Context, in []*schema.Message, rawBody []byte) ([]byte, error)

// ResponseMessageModifier rewrites the message Generate returns, given the
// raw JSON body of the completion (fields zai-go does not model are there).
// It returns the final message.
type ResponseMessageModifier func(ctx context.Context, msg *schema.Message, rawBody []byte) (*schema.Message, error)

// ResponseChunkMessageModifier rewrites each message chunk Stream returns,
// given the raw JSON of the chunk; returning nil drops the chunk. It is
// called once more when the stream ends well, with end true and msg and
// rawBody nil: a message it returns then is sent as the last chunk.
type ResponseChunkMessageModifier func(ctx context.Context, msg *schema.Message, rawBody []byte, end bool) (*schema.Message, error)

// WithRequestPayloadModifier rewrites the request body of one call. It runs
// once, on the body zai-go encoded (after zai.WithExtraBody fields), inside
// the client's middleware; retries send its result again.
func WithRequestPayloadModifier(modifier RequestPayloadModifier) model.Option {
	return model.WrapImplSpecificOptFn(func(o *callOptions) { o.payloadModifier = modifier })
}

// WithResponseMessageModifier rewrites the message Generate returns, before
// callbacks see it.
func WithResponseMessageModifier(modifier ResponseMessageModifier) model.Option {
	return model.WrapImplSpecificOptFn(func(o *callOptions) { o.messageModifier = modifier })
}

// WithResponseChunkMessageModifier rewrites the chunks Stream returns,
// before callbacks see them.
func WithResponseChunkMessageModifier(modifier ResponseChunkMessageModifier) model.Option {
	return model.WrapImplSpecificOptFn(func(o *callOptions) { o.chunkModifier = modifier })
}

// payloadMiddleware runs a RequestPayloadModifier on the body of the
// request, as a call-level zai middleware. The modified body is computed
// once and sent again on a retry.
func payloadMiddleware(ctx context.Context, in []*schema.Message, modifier RequestPayloadModifier) zai.Middleware {
	var (
		once     sync.Once
		modified []byte
		err      error
	)
	return func(req *http.Request, next zai.MiddlewareNext) (*http.Response, error) {
		once.Do(func() {
			var raw []byte
			if req.Body != nil {
				raw, err = io.ReadAll(req.Body)
				req.Body.Close()
				if err != nil {
					return
				}
			}
			if modified, err = modifier(ctx, in, raw); err != nil {
				err = fmt.Errorf("zaieino: request payload modifier: %w", err)
			}
		})
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(modified))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(modified)), nil }
		req.ContentLength = int64(len(modified))
		return next(req)
	}
}
