// Package zaifantasy is a Z.ai / BigModel provider for fantasy
// (charm.land/fantasy, the LLM layer of the Crush coding agent), built on
// zai-go.
//
//	client, err := zai.NewClient(zai.WithBaseURL(zai.CodingBaseURL)) // GLM Coding Plan
//	provider, err := zaifantasy.New(zaifantasy.WithClient(client))
//	model, err := provider.LanguageModel(ctx, zai.ModelGLM4_7)
//	agent := fantasy.NewAgent(model, fantasy.WithTools(weather))
//	result, err := agent.Generate(ctx, fantasy.AgentCall{Prompt: "What's the weather in Florence?"})
//
// Unlike fantasy's OpenAI-compatible provider it keeps what zai-go keeps:
//
//   - Errors are *fantasy.ProviderError values whose retryability follows
//     Z.ai's business codes: an empty balance (1113, sent with HTTP 429), a
//     used-up plan, a content filter or a bad key is not retried, and
//     errors.Is(err, zai.ErrQuotaExceeded) holds on what the agent returns.
//   - Web-search results arrive as source parts (WebSearchTool, or
//     ProviderOptions.WebSearch), alongside function tools.
//   - Thinking, reasoning effort, tool_stream, do_sample, user_id and the
//     rest are typed ProviderOptions, persisted through fantasy's registry.
//   - Z.ai's own finish reasons map onto fantasy's: "sensitive" is the
//     content filter, "network_error" an error, "model_context_window_exceeded"
//     a truncation; the raw reason is in ProviderMetadata.
//   - Keys signed as JWTs (zai.WithJWTAuth), the Coding Plan and BigModel base
//     URLs, retries, timeouts and middleware are the client's.
//
// Usage follows fantasy: InputTokens excludes the cached tokens
// (CacheReadTokens), and ReasoningTokens are a part of OutputTokens.
//
// The module needs Go 1.27.3, as fantasy v0.48 does; on an older Go, run
// its commands with GOTOOLCHAIN=go1.27.3.
package zaifantasy
