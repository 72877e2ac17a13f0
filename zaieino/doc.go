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
// graphs and agents (flow/agent/react, adk), and the older model.ChatModel
// (BindTools, BindForcedTools) for code still written against it. Unlike a
// generic OpenAI-compatible adapter it keeps what GLM adds: thinking and
// reasoning_content (schema.Message.ReasoningContent, sent back on later
// turns), tool-call fragments streamed with tool_stream and merged by index,
// web-search results (WebSearchResults), cached and reasoning token counts,
// and business-code errors as *zai.APIError, so errors.Is(err,
// zai.ErrQuotaExceeded) tells an empty balance from a rate limit.
//
// GLM often writes a sentence before its tool calls. While function tools
// are bound, Stream therefore sends a turn's tool calls before the text it
// wrote ahead of them, so eino's ReAct agent runs the tools with its default
// stream checker, which looks only at the first chunk with content (see
// Config.ImmediateText for the price and the way out).
//
// Messages and the types in their Extra (web-search results) are registered
// with eino's serialization, so graphs and adk agents can checkpoint them.
//
// Per-call settings use eino's options: the common ones (model.WithTemperature,
// model.WithMaxTokens, model.WithModel, model.WithTopP, model.WithStop,
// model.WithTools, model.WithToolChoice) and this package's (WithThinking,
// WithReasoningEffort, WithToolStream, WithWebSearch, WithRequestOptions,
// and the modifiers of eino-ext's OpenAI model: WithRequestPayloadModifier,
// WithResponseMessageModifier, WithResponseChunkMessageModifier).
//
// The model fires eino callbacks itself (IsCallbacksEnabled reports true):
// OnStart with a *model.CallbackInput, then OnEnd or OnEndWithStreamOutput
// with *model.CallbackOutput values, or OnError.
package zaieino
