// Package zaiotel instruments a zai client with OpenTelemetry: one span per
// logical call, GenAI semantic-convention attributes, duration and
// token-usage histograms, and W3C trace context in the request headers.
//
//	client, err := zai.NewClient(zaiotel.Instrument())
//
// uses the global tracer and meter providers and propagator;
// WithTracerProvider, WithMeterProvider and WithPropagators choose others.
//
// A span is named "<operation> <model>" ("chat glm-4.7"), of kind client,
// and covers the whole call: every retry is an event on it (named
// "zai.retry"), and a stream's span ends when the stream ends or is closed.
// It carries gen_ai.system ("zai"), gen_ai.provider.name,
// gen_ai.operation.name, gen_ai.request.model, gen_ai.response.model,
// gen_ai.response.finish_reasons, gen_ai.usage.input_tokens,
// gen_ai.usage.output_tokens, server.address, server.port,
// http.response.status_code and zai.request_id; a failed call sets the span
// status to Error and adds error.type and, when the API sent one,
// zai.business_code.
//
// The metrics are gen_ai.client.operation.duration (seconds) and
// gen_ai.client.token.usage (tokens, with gen_ai.token.type input or
// output), with the bucket boundaries the conventions advise.
//
// Prompts and completions are never recorded unless WithContentCapture(true)
// is given: they then appear as the span attributes gen_ai.input.messages
// and gen_ai.output.messages (JSON).
package zaiotel
