// Package zai is a Go client for the Z.ai (international) and BigModel
// (open.bigmodel.cn) AI APIs: GLM chat completions with streaming, reasoning
// and tool calls, images, videos, audio, embeddings, web search and more.
//
// Create one client and share it:
//
//	client, err := zai.NewClient() // reads ZAI_API_KEY
//	resp, err := client.Chat.Completions.Create(ctx, zai.ChatCompletionRequest{
//		Model:    zai.ModelGLM4_7,
//		Messages: []zai.Message{zai.UserMessage("Hello!")},
//	})
//
// Streams are read with Next/Current/Err or by ranging over All:
//
//	stream, err := client.Chat.Completions.CreateStream(ctx, req)
//	for chunk, err := range stream.All() { ... }
//
// Every method takes options (WithMaxRetries, WithRequestTimeout, ...) that
// apply to that call on top of the client's. Errors from the API are
// *APIError values carrying the business code; classify them with errors.Is
// and the Err* sentinels.
package zai
