// Package zaieino is a Z.ai / BigModel chat model for eino
// (github.com/cloudwego/eino), built on zai-go.
//
//	cm, err := zaieino.NewChatModel(ctx, &zaieino.Config{
//		Client: client, // a *zai.Client: keys, JWT, Coding Plan routes, retries
//		Model:  zai.ModelGLM4_7,
//	})
//	msg, err := cm.Generate(ctx, []*schema.Message{schema.UserMessage("Hello!")})
//
// *ChatModel implements model.ToolCallingChatModel, so it drops into eino
// graphs and agents (flow/agent/react, adk). Unlike a generic
// OpenAI-compatible adapter it keeps what GLM adds: thinking and
// reasoning_content (schema.Message.ReasoningContent, sent back on later
// turns), tool-call fragments streamed with tool_stream and merged by index,
// web-search results (WebSearchResults), cached and reasoning token counts,
// and business-code errors as *zai.APIError, so errors.Is(err,
// zai.ErrQuotaExceeded) tells an empty balance from a rate limit.
//
// Per-call settings use eino's options: the common ones (model.WithTemperature,
// model.WithMaxTokens, model.WithModel, model.WithTopP, model.WithStop,
// model.WithTools, model.WithToolChoice) and this package's (WithThinking,
// WithReasoningEffort, WithToolStream, WithWebSearch, WithRequestOptions).
//
// The model fires eino callbacks itself (IsCallbacksEnabled reports true):
// OnStart with a *model.CallbackInput, then OnEnd or OnEndWithStreamOutput
// with *model.CallbackOutput values, or OnError.
package zaieino
