package zaifantasy

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"charm.land/fantasy"

	"github.com/zai-go/zai"
)

// Name is the provider's name, and the key of its ProviderOptions and
// ProviderMetadata in fantasy's maps.
const Name = "zai"

// Provider makes Z.ai language models for fantasy. It is safe for
// concurrent use.
type Provider struct {
	client      *zai.Client
	requestOpts []zai.Option
	objectMode  fantasy.ObjectMode
}

var _ fantasy.Provider = (*Provider)(nil)

// Option configures New.
type Option func(*config)

type config struct {
	client      *zai.Client
	clientOpts  []zai.Option
	requestOpts []zai.Option
	objectMode  fantasy.ObjectMode
}

// WithClient sends every request through client, with its key (or JWT),
// base URL (Coding Plan, BigModel), retries and middleware.
func WithClient(client *zai.Client) Option {
	return func(c *config) { c.client = client }
}

// WithClientOptions builds the client with zai.NewClient(opts...) when
// WithClient is not given, such as zai.WithAPIKey,
// zai.WithBaseURL(zai.CodingBaseURL) or zai.WithJWTAuth. Without either,
// New reads ZAI_API_KEY (and ZAI_BASE_URL).
func WithClientOptions(opts ...zai.Option) Option {
	opts = slices.Clone(opts)
	return func(c *config) { c.clientOpts = append(c.clientOpts, opts...) }
}

// WithRequestOptions applies zai options (headers, zai.WithExtraBody,
// retries, timeouts) to every request of the provider's models.
func WithRequestOptions(opts ...zai.Option) Option {
	opts = slices.Clone(opts)
	return func(c *config) { c.requestOpts = append(c.requestOpts, opts...) }
}

// WithObjectMode chooses how GenerateObject and StreamObject ask for JSON:
// fantasy.ObjectModeTool (the default: a forced function call whose
// arguments are the object) or fantasy.ObjectModeText (the schema in the
// prompt, the reply parsed as JSON). Z.ai has no JSON-schema response
// format, so ObjectModeAuto and ObjectModeJSON mean ObjectModeTool.
func WithObjectMode(mode fantasy.ObjectMode) Option {
	return func(c *config) { c.objectMode = mode }
}

// New returns a Z.ai provider. Without WithClient it builds a client from
// WithClientOptions and the environment; a missing key is an error
// matching zai.ErrMissingAPIKey.
func New(opts ...Option) (*Provider, error) {
	var c config
	for _, o := range opts {
		o(&c)
	}
	client := c.client
	if client == nil {
		var err error
		if client, err = zai.NewClient(c.clientOpts...); err != nil {
			return nil, fmt.Errorf("zaifantasy: %w", err)
		}
	}
	mode := c.objectMode
	if mode != fantasy.ObjectModeText {
		mode = fantasy.ObjectModeTool
	}
	return &Provider{client: client, requestOpts: c.requestOpts, objectMode: mode}, nil
}

// Name returns "zai".
func (p *Provider) Name() string { return Name }

// LanguageModel returns the chat model modelID, such as zai.ModelGLM4_7.
// It makes no request.
func (p *Provider) LanguageModel(_ context.Context, modelID string) (fantasy.LanguageModel, error) {
	if modelID == "" {
		return nil, errors.New("zaifantasy: the model id is empty")
	}
	return &languageModel{p: p, modelID: modelID}, nil
}

// languageModel is one Z.ai chat model. It holds no state of its own
// between calls, so it is safe for concurrent use.
type languageModel struct {
	p       *Provider
	modelID string
}

var _ fantasy.LanguageModel = (*languageModel)(nil)

// Provider returns "zai".
func (m *languageModel) Provider() string { return Name }

// Model returns the model id.
func (m *languageModel) Model() string { return m.modelID }
