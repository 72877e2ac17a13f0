// Package zai is a Go client for the Z.ai (api.z.ai) and BigModel
// (open.bigmodel.cn) AI APIs: GLM chat completions with streaming, reasoning
// and tool calls, structured output into Go types, a typed tool runner,
// images, videos, speech, embeddings, web search, files, batches, document
// parsing and agents.
//
// # Clients and hosts
//
// Create one client and share it; it is safe for concurrent use and reuses
// connections:
//
//	client, err := zai.NewClient() // reads ZAI_API_KEY, and ZAI_BASE_URL if set
//	if err != nil {
//		return err
//	}
//
// The default host is InternationalBaseURL (Z.ai). Use BigModelBaseURL for
// open.bigmodel.cn, and CodingBaseURL or BigModelCodingBaseURL with a GLM
// Coding Plan key. WithJWTAuth signs "id.secret" keys into short-lived
// tokens, as the official SDKs do.
//
// Every method takes options. Given to NewClient an option is the default of
// every call; given to a method it applies to that call alone:
//
//	resp, err := client.Chat.Completions.Create(ctx, req, zai.WithMaxRetries(0))
//
// Services hang off the client: Chat.Completions, Images, Videos,
// AsyncResult, Audio.Transcriptions, Audio.Speech, Voices, Embeddings,
// WebSearch, Reader, Tokenizer, Moderations, Rerank, Files, FileParser,
// Batches, Agents, OCR, Models and CodingPlan; Client.Do reaches any other
// endpoint through the same core. Method names follow one rule: a verb
// (Create, Generate, Get, List, Parse, Wait, ...), with <Verb>Async for the
// form that submits a task and <Verb>Stream for the streaming form. Each
// method's doc gives its route.
//
// WithMiddleware wraps every attempt, WithObserver sees every logical call
// (the zaiotel module builds OpenTelemetry on it), WithResponseInto hands
// back the final response's headers, and WithMaxConcurrency bounds the
// requests a client has in flight.
//
// # Chat and streams
//
//	resp, err := client.Chat.Completions.Create(ctx, zai.ChatCompletionRequest{
//		Model:    zai.ModelGLM4_7,
//		Messages: []zai.Message{zai.SystemMessage("Be brief."), zai.UserMessage("Hello!")},
//	})
//	if err != nil {
//		return err
//	}
//	fmt.Println(resp.Choices[0].Message.Content)
//
// Message is one type for requests and replies, so a reply is appended to
// the conversation as it is, reasoning and tool calls included. A stream is
// read with Next, Current and Err, or by ranging over All, which closes it:
//
//	stream, err := client.Chat.Completions.CreateStream(ctx, req)
//	if err != nil {
//		return err
//	}
//	var acc zai.ChatCompletionAccumulator
//	for chunk, err := range stream.All() {
//		if err != nil {
//			return err // a stream that breaks says so
//		}
//		acc.Add(chunk)
//	}
//	final := acc.Completion() // what Create would have returned
//
// A stream ends cleanly at [DONE]; a body cut short is io.ErrUnexpectedEOF
// and an error event an *APIError with InStream set. WithStreamIdleTimeout
// ends a stream that falls silent.
//
// # Tools and structured output
//
// FunctionTool, WebSearchTool, RetrievalTool and MCPTool describe tools.
// NewTool builds a typed tool from a Go function, and NewToolRunner runs
// the model's tool calls until it answers:
//
//	weather := zai.NewTool("get_weather", "Weather for a city",
//		func(ctx context.Context, in struct{ City string `json:"city"` }) (Forecast, error) { ... })
//	final, err := zai.NewToolRunner(client, req, weather).Run(ctx)
//
// CreateStructured decodes a reply into a Go type, with the schema from
// SchemaFor, and asks again once when the reply does not validate.
//
// # Async tasks
//
// Video generation, async chat and async images return an *AsyncTask. Poll
// it with AsyncResult.Get, or Wait for it to end:
//
//	task, err := client.Videos.Generate(ctx, zai.VideoRequest{Model: zai.ModelCogVideoX3, Prompt: "A cat"})
//	if err != nil {
//		return err
//	}
//	res, err := client.AsyncResult.Wait(ctx, task.ID, zai.WithPollProgress(func(p zai.PollProgress) {
//		fmt.Println(p.Status, p.Waited)
//	}))
//
// Every Wait (AsyncResult, Agents, FileParser, Batches) shares one schedule:
// WithPollInterval sets the first gap, WithPollProgress sees one
// PollProgress per poll, the context ends the wait, and a task that ends
// badly is a *TaskFailedError (matching ErrTaskFailed).
//
// Batches.Run runs any number of chat requests as batch jobs, at the batch
// price: it shards them within the per-file limits, uploads, waits, yields
// every answer joined to its custom_id, and resumes from the jobs it
// reported after a crash.
//
// # Errors and retries
//
// Errors from the API are *APIError values carrying the HTTP status, the
// business code and the request id, also when the server reports a failure
// inside a 200 body. Classify them with errors.Is:
//
//	switch {
//	case errors.Is(err, zai.ErrQuotaExceeded): // 1113: top up; retrying will not help
//	case errors.Is(err, zai.ErrRateLimited): // 1302: slow down
//	}
//
// Connection errors, timeouts, 408, 409, 429 and 5xx are retried with
// backoff (WithMaxRetries, default 3), honouring Retry-After, except business
// codes that no wait can fix. A failure that would repeat is never retried: a
// TLS handshake the server refuses, the wrong scheme for the port, a proxy's
// 407, a request the HTTP/2 peer or net/http will not take. A stream is never
// retried after its first event.
// The key never appears in an error, a log line or fmt output of the client,
// even when the server echoes it.
//
// # Testing
//
// Package zaitest is a fake Z.ai server with default answers for every
// endpoint, scripted replies and faults, and record and replay:
//
//	srv := zaitest.NewServer(t)
//	srv.Reply(...) // or rely on the defaults
//	client := srv.Client()
package zai
