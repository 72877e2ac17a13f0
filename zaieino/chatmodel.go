package zaieino

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strconv"
	"sync/atomic"

	"github.com/cloudwego/eino/callbacks"
	"github.com/cloudwego/eino/components"
	"github.com/cloudwego/eino/components/model"
	"github.com/cloudwego/eino/schema"

	"github.com/zai-go/zai"
)

// Config configures a ChatModel. Only Model is required. Optional scalars are
// pointers so that zero can be sent; nil sends nothing and leaves the server's
// default.
type Config struct {
	// Client sends the requests, with its key (or JWT), base URL (Coding
	// Plan, BigModel), retries and middleware. When nil, NewChatModel makes
	// one with zai.NewClient(ClientOptions...), which reads ZAI_API_KEY.
	Client *zai.Client
	// ClientOptions build the client when Client is nil; ignored otherwise.
	ClientOptions []zai.Option
	// RequestOptions apply to every request this model sends (headers,
	// zai.WithExtraBody fields, retries, timeouts). WithRequestOptions adds
	// more for one call.
	RequestOptions []zai.Option

	// Model is the model code, such as zai.ModelGLM4_7. model.WithModel
	// overrides it for one call.
	Model string

	// Temperature in [0, 1].
	Temperature *float64
	// TopP in [0.01, 1].
	TopP *float64
	// MaxTokens caps the output tokens.
	MaxTokens *int
	// Stop words; the API honours one.
	Stop []string
	// DoSample turns sampling off when false.
	DoSample *bool
	// Seed for sampling.
	Seed *int64

	// Thinking turns the chain of thought on or off (GLM-4.5 and later). Set
	// ClearThinking to zai.Ptr(false) to keep earlier turns' reasoning in the
	// context; the model always sends ReasoningContent back.
	Thinking *zai.Thinking
	// ReasoningEffort sets the thinking depth, such as zai.ReasoningEffortHigh
	// (GLM-5.2 and later).
	ReasoningEffort zai.ReasoningEffort
	// ToolStream streams tool-call arguments in fragments (Stream only;
	// GLM-4.6 and later). The fragments carry their index, so
	// schema.ConcatMessageStream joins them.
	ToolStream bool
	// WebSearch adds Z.ai's built-in web search tool. Its results are on the
	// reply: see WebSearchResults.
	WebSearch *zai.WebSearch
	// ResponseFormat asks for JSON output: {Type: "json_object"}.
	ResponseFormat *zai.ResponseFormat
	// UserID identifies your end user (6-128 characters).
	UserID string

	// ImmediateText streams text the moment it arrives, even while function
	// tools are bound. By default, while they are, Stream holds the turn's
	// text back until its first tool call or its end, and sends the calls
	// first: GLM often writes a sentence before its tool calls, and eino's
	// default ReAct stream checker decides from the first chunk with
	// content, so it would end the agent without running them. Reasoning is
	// never held back. The price: a turn that calls no tool delivers its
	// text when the model has finished it, as with any checker that reads
	// to the end. Set ImmediateText when you stream with tools outside such
	// an agent and want the text as it comes.
	ImmediateText bool
}

// ChatModel is a Z.ai chat model for eino. It implements
// model.ToolCallingChatModel and is safe for concurrent use: WithTools returns
// a new model and never changes the receiver. For code written against
// eino's older model.ChatModel interface it also has BindTools and
// BindForcedTools, which change the receiver's tools.
type ChatModel struct {
	client *zai.Client
	cfg    Config
	tools  atomic.Pointer[toolSet]
}

// toolSet is the tools bound to a model, replaced whole, never changed.
type toolSet struct {
	infos  []*schema.ToolInfo // as given, for callbacks
	funcs  []zai.Tool         // converted once, when bound
	forced bool               // BindForcedTools: the one tool must be called
}

var (
	_ model.ToolCallingChatModel = (*ChatModel)(nil)
	//lint:ignore SA1019 implemented for code on eino's older interface
	_ model.ChatModel = (*ChatModel)(nil)
)

// NewChatModel returns a chat model for cfg.
func NewChatModel(_ context.Context, cfg *Config) (*ChatModel, error) {
	if cfg == nil {
		return nil, errors.New("zaieino: config is nil")
	}
	if cfg.Model == "" {
		return nil, errors.New("zaieino: Config.Model is empty")
	}
	c := *cfg
	c.ClientOptions = nil
	c.RequestOptions = slices.Clone(cfg.RequestOptions)
	c.Stop = slices.Clone(cfg.Stop)
	// Copies, so that changing the Config later does not change the model.
	c.Thinking, c.WebSearch, c.ResponseFormat = clonePtr(cfg.Thinking), clonePtr(cfg.WebSearch), clonePtr(cfg.ResponseFormat)
	c.Temperature, c.TopP, c.MaxTokens = clonePtr(cfg.Temperature), clonePtr(cfg.TopP), clonePtr(cfg.MaxTokens)
	c.DoSample, c.Seed = clonePtr(cfg.DoSample), clonePtr(cfg.Seed)
	client := cfg.Client
	if client == nil {
		var err error
		if client, err = zai.NewClient(cfg.ClientOptions...); err != nil {
			return nil, fmt.Errorf("zaieino: %w", err)
		}
	}
	c.Client = client
	return &ChatModel{client: client, cfg: c}, nil
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// WithTools returns a copy of the model that offers tools to the model. The
// receiver is not changed. Each tool's parameters become a JSON Schema that
// GLM accepts (no anyOf, oneOf or $ref).
func (m *ChatModel) WithTools(tools []*schema.ToolInfo) (model.ToolCallingChatModel, error) {
	ts, err := newToolSet(tools, false)
	if err != nil {
		return nil, err
	}
	out := &ChatModel{client: m.client, cfg: m.cfg}
	out.tools.Store(ts)
	return out, nil
}

// BindTools offers tools to the model on every later call, for code written
// against eino's older model.ChatModel interface (the deprecated
// react.AgentConfig.Model, for one). It changes the receiver: a call that
// has already started keeps the tools it started with. Prefer WithTools.
func (m *ChatModel) BindTools(tools []*schema.ToolInfo) error {
	ts, err := newToolSet(tools, false)
	if err != nil {
		return err
	}
	m.tools.Store(ts)
	return nil
}

// BindForcedTools is BindTools with the tool choice forced: every later call
// must call the tool. Z.ai forces one named function, so tools must hold
// exactly one.
func (m *ChatModel) BindForcedTools(tools []*schema.ToolInfo) error {
	if len(tools) != 1 {
		return fmt.Errorf("zaieino: Z.ai can force one named function, not a choice among %d tools", len(tools))
	}
	ts, err := newToolSet(tools, true)
	if err != nil {
		return err
	}
	m.tools.Store(ts)
	return nil
}

func newToolSet(tools []*schema.ToolInfo, forced bool) (*toolSet, error) {
	funcs, err := toZaiTools(tools)
	if err != nil {
		return nil, err
	}
	return &toolSet{infos: slices.Clone(tools), funcs: funcs, forced: forced}, nil
}

// GetType names the implementation for eino's callbacks and tooling
// ("ZAI", so it shows as ZAIChatModel).
func (m *ChatModel) GetType() string { return "ZAI" }

// IsCallbacksEnabled reports true: the model fires eino's callbacks itself,
// with typed model.CallbackInput and model.CallbackOutput values and one
// output per streamed chunk.
func (m *ChatModel) IsCallbacksEnabled() bool { return true }

// Generate sends input and returns the whole reply: content,
// ReasoningContent, tool calls, and ResponseMeta with the finish reason and
// usage.
//
// POST /chat/completions
func (m *ChatModel) Generate(ctx context.Context, input []*schema.Message, opts ...model.Option) (out *schema.Message, err error) {
	ctx = callbacks.EnsureRunInfo(ctx, m.GetType(), components.ComponentOfChatModel)
	c, err := m.prepare(ctx, input, false, opts)
	ctx = callbacks.OnStart(ctx, c.cbInput)
	defer func() {
		if err != nil {
			callbacks.OnError(ctx, err)
		}
	}()
	if err != nil {
		return nil, err
	}
	resp, err := m.client.Chat.Completions.Create(ctx, c.req, c.opts...)
	if err != nil {
		return nil, err // *zai.APIError stays reachable with errors.As
	}
	if out, err = fromCompletion(resp); err != nil {
		return nil, err
	}
	if mod := c.spec.messageModifier; mod != nil {
		if out, err = mod(ctx, out, resp.RawJSON()); err != nil {
			return nil, fmt.Errorf("zaieino: response message modifier: %w", err)
		}
		if out == nil {
			return nil, errors.New("zaieino: the response message modifier returned no message")
		}
	}
	callbacks.OnEnd(ctx, &model.CallbackOutput{Message: out, Config: c.cbInput.Config, TokenUsage: modelUsage(out)})
	return out, nil
}

// Stream sends input and returns the reply as a stream of chunks;
// schema.ConcatMessageStream joins them into the message Generate returns.
// Errors before the first chunk (HTTP errors, as *zai.APIError) come back
// here; later ones from Recv. Close the reader when done: the goroutine that
// feeds it ends at the next chunk, or at once when ctx is cancelled.
//
// POST /chat/completions with "stream": true
func (m *ChatModel) Stream(ctx context.Context, input []*schema.Message, opts ...model.Option) (out *schema.StreamReader[*schema.Message], err error) {
	ctx = callbacks.EnsureRunInfo(ctx, m.GetType(), components.ComponentOfChatModel)
	c, err := m.prepare(ctx, input, true, opts)
	ctx = callbacks.OnStart(ctx, c.cbInput)
	defer func() {
		if err != nil {
			callbacks.OnError(ctx, err)
		}
	}()
	if err != nil {
		return nil, err
	}
	stream, err := m.client.Chat.Completions.CreateStream(ctx, c.req, c.opts...)
	if err != nil {
		return nil, err
	}

	// The pipe carries callback outputs so that handlers see every chunk
	// with its usage, as eino's own models do; the caller gets the messages.
	sr, sw := schema.Pipe[*model.CallbackOutput](1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				sw.Send(nil, fmt.Errorf("zaieino: panic while streaming: %v\n%s", p, debug.Stack()))
			}
			stream.Close()
			sw.Close()
		}()
		out := chunkSender{sw: sw, config: c.cbInput.Config, hold: c.functions && !m.cfg.ImmediateText}
		var conv chunkConverter
		for stream.Next() {
			chunk := stream.Current()
			msg := conv.convert(&chunk)
			if msg == nil {
				continue
			}
			if mod := c.spec.chunkModifier; mod != nil {
				var err error
				if msg, err = mod(ctx, msg, chunk.RawJSON(), false); err != nil {
					out.fail(fmt.Errorf("zaieino: response chunk modifier: %w", err))
					return
				}
				if msg == nil {
					continue
				}
			}
			if !out.send(msg) {
				return // the reader was closed
			}
		}
		if err := stream.Err(); err != nil {
			out.fail(err)
			return
		}
		if mod := c.spec.chunkModifier; mod != nil {
			last, err := mod(ctx, nil, nil, true)
			if err != nil {
				out.fail(fmt.Errorf("zaieino: response chunk modifier: %w", err))
				return
			}
			if last != nil && !out.send(last) {
				return
			}
		}
		out.flush()
	}()
	_, sr = callbacks.OnEndWithStreamOutput(ctx, sr)
	return schema.StreamReaderWithConvert(sr, func(o *model.CallbackOutput) (*schema.Message, error) {
		if o == nil || o.Message == nil {
			return nil, schema.ErrNoValue
		}
		return o.Message, nil
	}), nil
}

// call is one prepared request.
type call struct {
	req       zai.ChatCompletionRequest
	opts      []zai.Option
	spec      *callOptions
	functions bool // function tools are offered
	cbInput   *model.CallbackInput
}

func ptrTo[T any](v T) *T { return &v }

// prepare builds the request from the config and the call's options. The
// callback input is always set, so OnStart can fire even when it fails.
func (m *ChatModel) prepare(ctx context.Context, input []*schema.Message, stream bool, opts []model.Option) (*call, error) {
	c := &call{cbInput: &model.CallbackInput{Messages: input}}
	common := model.GetCommonOptions(nil, opts...)
	spec := model.GetImplSpecificOptions(&callOptions{
		thinking:        m.cfg.Thinking,
		reasoningEffort: m.cfg.ReasoningEffort,
		toolStream:      m.cfg.ToolStream,
		webSearch:       m.cfg.WebSearch,
	}, opts...)

	req := zai.ChatCompletionRequest{
		Model:           m.cfg.Model,
		Temperature:     m.cfg.Temperature,
		TopP:            m.cfg.TopP,
		MaxTokens:       m.cfg.MaxTokens,
		Stop:            m.cfg.Stop,
		DoSample:        m.cfg.DoSample,
		Seed:            m.cfg.Seed,
		Thinking:        spec.thinking,
		ReasoningEffort: spec.reasoningEffort,
		ResponseFormat:  m.cfg.ResponseFormat,
		UserID:          m.cfg.UserID,
	}
	if common.Model != nil {
		req.Model = *common.Model
	}
	if common.Temperature != nil {
		req.Temperature = zai.Ptr(float32To64(*common.Temperature))
	}
	if common.TopP != nil {
		req.TopP = zai.Ptr(float32To64(*common.TopP))
	}
	if common.MaxTokens != nil {
		req.MaxTokens = common.MaxTokens
	}
	if common.Stop != nil {
		req.Stop = common.Stop
	}
	c.cbInput.Config = callbackConfig(&req)

	var err error
	if req.Messages, err = toZaiMessages(input); err != nil {
		return c, err
	}
	var infos []*schema.ToolInfo
	var funcs []zai.Tool
	choice := common.ToolChoice
	if ts := m.tools.Load(); ts != nil {
		infos, funcs = ts.infos, ts.funcs
		if ts.forced && choice == nil {
			choice = ptrTo(schema.ToolChoiceForced)
		}
	}
	if common.Tools != nil {
		infos = common.Tools
		if funcs, err = toZaiTools(infos); err != nil {
			return c, err
		}
	}
	if infos, funcs, req.ToolChoice, err = applyToolChoice(infos, funcs, choice, common.AllowedToolNames); err != nil {
		return c, err
	}
	c.cbInput.Tools = infos
	c.cbInput.ToolChoice = choice
	c.functions = len(funcs) > 0
	req.Tools = slices.Clone(funcs)
	if spec.webSearch != nil {
		req.Tools = append(req.Tools, zai.WebSearchTool(*spec.webSearch))
	}
	// tool_stream needs a stream; the API refuses it on a plain call.
	req.ToolStream = stream && spec.toolStream

	c.req = req
	c.spec = spec
	c.opts = append(slices.Clone(m.cfg.RequestOptions), spec.requestOptions...)
	if spec.payloadModifier != nil {
		c.opts = append(c.opts, zai.WithMiddleware(payloadMiddleware(ctx, input, spec.payloadModifier)))
	}
	if spec.thinking != nil || spec.reasoningEffort != "" {
		c.cbInput.Extra = map[string]any{}
		if spec.thinking != nil {
			c.cbInput.Extra["thinking"] = spec.thinking.Type
		}
		if spec.reasoningEffort != "" {
			c.cbInput.Extra["reasoning_effort"] = spec.reasoningEffort
		}
	}
	return c, nil
}

// float32To64 converts by the shortest decimal form, so model.WithTemperature(0.7)
// sends 0.7 and not 0.699999988079071.
func float32To64(f float32) float64 {
	v, err := strconv.ParseFloat(strconv.FormatFloat(float64(f), 'g', -1, 32), 64)
	if err != nil {
		return float64(f)
	}
	return v
}

func callbackConfig(req *zai.ChatCompletionRequest) *model.Config {
	c := &model.Config{Model: req.Model, Stop: req.Stop}
	if req.MaxTokens != nil {
		c.MaxTokens = *req.MaxTokens
	}
	if req.Temperature != nil {
		c.Temperature = float32(*req.Temperature)
	}
	if req.TopP != nil {
		c.TopP = float32(*req.TopP)
	}
	return c
}

// modelUsage is the message's usage in the callbacks' type, or nil.
func modelUsage(msg *schema.Message) *model.TokenUsage {
	if msg.ResponseMeta == nil || msg.ResponseMeta.Usage == nil {
		return nil
	}
	u := msg.ResponseMeta.Usage
	return &model.TokenUsage{
		PromptTokens:            u.PromptTokens,
		PromptTokenDetails:      model.PromptTokenDetails{CachedTokens: u.PromptTokenDetails.CachedTokens},
		CompletionTokens:        u.CompletionTokens,
		TotalTokens:             u.TotalTokens,
		CompletionTokensDetails: model.CompletionTokensDetails{ReasoningTokens: u.CompletionTokensDetails.ReasoningTokens},
	}
}

// chunkSender sends message chunks down the pipe. While function tools are
// offered (hold), it holds the turn's text back until the first tool call,
// which it sends first, or until the turn ends: eino's default ReAct stream
// checker decides from the first chunk with content, and GLM often writes
// a sentence before its calls. Reasoning and chunks without content pass at
// once; the held text keeps its order, so the joined message is the same.
type chunkSender struct {
	sw     *schema.StreamWriter[*model.CallbackOutput]
	config *model.Config
	hold   bool
	held   []*schema.Message
}

// send reports false when the reader was closed.
func (s *chunkSender) send(msg *schema.Message) bool {
	if !s.hold {
		return s.put(msg)
	}
	switch {
	case len(msg.ToolCalls) > 0:
		// The calls go first, then the text written before them, then
		// this chunk's own text.
		s.hold = false
		text := msg.Content
		calls := *msg
		calls.Content = ""
		if !s.put(&calls) || !s.flush() {
			return false
		}
		if text != "" {
			return s.put(&schema.Message{Role: msg.Role, Content: text})
		}
		return true
	case msg.Content != "":
		s.held = append(s.held, msg)
		return true
	case msg.ResponseMeta != nil && msg.ResponseMeta.FinishReason != "":
		// The turn ended without a call: the text goes before the end.
		s.hold = false
		return s.flush() && s.put(msg)
	default:
		return s.put(msg)
	}
}

// flush sends the held text.
func (s *chunkSender) flush() bool {
	held := s.held
	s.held = nil
	for _, msg := range held {
		if !s.put(msg) {
			return false
		}
	}
	return true
}

// fail sends the held text, then the error.
func (s *chunkSender) fail(err error) {
	if s.flush() {
		s.sw.Send(nil, err)
	}
}

func (s *chunkSender) put(msg *schema.Message) bool {
	return !s.sw.Send(&model.CallbackOutput{Message: msg, Config: s.config, TokenUsage: modelUsage(msg)}, nil)
}
