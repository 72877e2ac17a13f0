package zai

// Base URLs of the Anthropic-compatible route (POST /v1/messages below
// them), for Anthropic clients and for coding tools such as Claude Code: a
// GLM Coding Plan key works there. This SDK does not call it; point an
// Anthropic client at it (see the README). Client.Do can reach it too, with
// the path "/api/anthropic/v1/messages"; its error envelope
// ({"type":"error","error":{"type","message"}}) decodes into an *APIError.
const (
	// AnthropicBaseURL is the Anthropic-compatible route on Z.ai.
	AnthropicBaseURL = "https://api.z.ai/api/anthropic"
	// BigModelAnthropicBaseURL is the Anthropic-compatible route on BigModel.
	BigModelAnthropicBaseURL = "https://open.bigmodel.cn/api/anthropic"
)
