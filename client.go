package zai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/zai-go/zai/internal/core"
	"github.com/zai-go/zai/internal/jwt"
)

// Version is the SDK version sent in the User-Agent header.
const Version = "0.1.0"

// Base URLs of the API. The agents endpoints live under /api/v1/agents on the
// same host; the client derives that root from the base URL.
const (
	// InternationalBaseURL is the Z.ai platform (the default).
	InternationalBaseURL = "https://api.z.ai/api/paas/v4"
	// BigModelBaseURL is the BigModel (open.bigmodel.cn) platform in China.
	BigModelBaseURL = "https://open.bigmodel.cn/api/paas/v4"
	// CodingBaseURL is the GLM Coding Plan endpoint on Z.ai.
	CodingBaseURL = "https://api.z.ai/api/coding/paas/v4"
	// BigModelCodingBaseURL is the GLM Coding Plan endpoint on BigModel.
	BigModelCodingBaseURL = "https://open.bigmodel.cn/api/coding/paas/v4"
)

// Environment variables read by NewClient.
const (
	EnvAPIKey  = "ZAI_API_KEY"
	EnvBaseURL = "ZAI_BASE_URL"
)

// DefaultMaxRetries is the number of retries after the first attempt.
const DefaultMaxRetries = 3

// Client is a Z.ai API client. It is safe for concurrent use and reuses
// connections; create one and share it.
type Client struct {
	// Chat holds Chat.Completions.
	Chat *ChatService
	// Images generates images, synchronously or as an async task.
	Images *ImageService
	// Videos generates videos as async tasks.
	Videos *VideoService
	// AsyncResult fetches and waits for the results of async tasks.
	AsyncResult *AsyncResultService
	// Audio holds Audio.Transcriptions (speech to text) and Audio.Speech
	// (text to speech).
	Audio *AudioService
	// Voices clones, lists and deletes text-to-speech voices.
	Voices *VoiceService
	// Files uploads, lists, downloads and deletes files.
	Files *FileService
	// Batches runs batch jobs over uploaded JSONL files.
	Batches *BatchService
	// OCR parses layouts, reads handwriting and parses documents.
	OCR *OCRService
	// Agents calls the agents under /api/v1/agents.
	Agents *AgentService
	// Embeddings turns text into vectors.
	Embeddings *EmbeddingService
	// WebSearch searches the web.
	WebSearch *WebSearchService
	// Reader reads a web page into Markdown or text.
	Reader *ReaderService
	// Tokenizer counts the tokens of a chat input.
	Tokenizer *TokenizerService
	// Moderations checks content against the content-safety policy.
	Moderations *ModerationService
	// Rerank orders documents by relevance to a query.
	Rerank *RerankService

	opts *settings
}

// Option configures a Client when given to NewClient, or a single call when
// given to a method, where it applies on top of the client's options.
type Option func(*settings) error

// settings are the resolved options. They are copied per call.
type settings struct {
	apiKey     secret
	baseURL    string
	agentsURL  string
	jwtTTL     time.Duration // > 0: sign JWTs
	signer     *jwt.Signer
	httpClient *http.Client
	header     http.Header
	extraBody  map[string]any
	maxRetries int
	reqTimeout time.Duration
	idle       time.Duration
	maxEvent   int
	logger     *slog.Logger

	pollInterval time.Duration      // first gap between polls; 0: DefaultPollInterval
	pollProgress func(*AsyncResult) // called with each polled result

	// test hooks
	sleep  func(context.Context, time.Duration) error
	jitter func() float64
	now    func() time.Time
}

// secret holds the API key and never prints it.
type secret string

func (secret) String() string               { return "[REDACTED]" }
func (secret) GoString() string             { return `"[REDACTED]"` }
func (secret) LogValue() slog.Value         { return slog.StringValue("[REDACTED]") }
func (s secret) Format(f fmt.State, _ rune) { fmt.Fprint(f, s.String()) }

// WithAPIKey sets the API key. Without it the client reads ZAI_API_KEY.
func WithAPIKey(key string) Option {
	return func(s *settings) error {
		s.apiKey = secret(strings.TrimSpace(key))
		s.signer = nil
		return nil
	}
}

// WithBaseURL sets the API base URL, such as BigModelBaseURL. Without it the
// client reads ZAI_BASE_URL, then uses InternationalBaseURL.
func WithBaseURL(u string) Option {
	return func(s *settings) error {
		s.baseURL = strings.TrimRight(u, "/")
		return nil
	}
}

// WithAgentsBaseURL sets the root that the agents paths (/v1/agents...) are
// resolved against. By default it is derived from the base URL:
// https://api.z.ai/api/paas/v4 gives https://api.z.ai/api.
func WithAgentsBaseURL(u string) Option {
	return func(s *settings) error {
		s.agentsURL = strings.TrimRight(u, "/")
		return nil
	}
}

// WithHTTPClient sets the HTTP client. The default is a client with no
// overall timeout (streams can run long) over a clone of
// http.DefaultTransport, which refuses redirects to plain http on hosts that
// are not loopback; a client of your own should do the same.
func WithHTTPClient(c *http.Client) Option {
	return func(s *settings) error {
		if c == nil {
			return fmt.Errorf("%w: WithHTTPClient(nil)", ErrInvalidRequest)
		}
		s.httpClient = c
		return nil
	}
}

// WithHeader sets a header on every request (or on one call).
func WithHeader(key, value string) Option {
	return func(s *settings) error {
		s.header = s.header.Clone()
		if s.header == nil {
			s.header = http.Header{}
		}
		s.header.Set(key, value)
		return nil
	}
}

// WithExtraBody merges fields into the top-level JSON body of each request,
// last, so they win over the SDK's own fields. It is for parameters this SDK
// does not model yet.
func WithExtraBody(fields map[string]any) Option {
	return func(s *settings) error {
		m := maps.Clone(s.extraBody)
		if m == nil {
			m = make(map[string]any, len(fields))
		}
		maps.Copy(m, fields)
		s.extraBody = m
		return nil
	}
}

// WithMaxRetries sets how many times a failed request is retried (default 3;
// 0 disables retries).
func WithMaxRetries(n int) Option {
	return func(s *settings) error {
		if n < 0 {
			return fmt.Errorf("%w: WithMaxRetries(%d)", ErrInvalidRequest, n)
		}
		s.maxRetries = n
		return nil
	}
}

// WithRequestTimeout bounds each attempt. For a buffered call it covers the
// whole exchange; for a stream it stops once the response headers arrive, so
// it never cuts a stream that is flowing (see WithStreamIdleTimeout). A timed
// out attempt is retried; the error matches ErrTimeout and
// context.DeadlineExceeded. Zero means no limit (the default).
func WithRequestTimeout(d time.Duration) Option {
	return func(s *settings) error {
		s.reqTimeout = d
		return nil
	}
}

// WithStreamIdleTimeout ends a stream that stays silent (no event, no
// keep-alive) for longer than d; Err then matches ErrTimeout. Zero means no
// limit (the default).
func WithStreamIdleTimeout(d time.Duration) Option {
	return func(s *settings) error {
		s.idle = d
		return nil
	}
}

// WithMaxStreamEventSize sets the largest server-sent event a stream accepts
// (default 32 MiB). A larger event ends the stream with
// ErrStreamEventTooLarge.
func WithMaxStreamEventSize(n int) Option {
	return func(s *settings) error {
		s.maxEvent = n
		return nil
	}
}

// WithJWTAuth signs the API key ("id.secret") into short-lived JWTs, as the
// official SDKs do when token caching is on, instead of sending the key
// itself. Tokens live for ttl (210 s if ttl <= 0) and are cached and renewed
// before they expire.
func WithJWTAuth(ttl time.Duration) Option {
	return func(s *settings) error {
		if ttl <= 0 {
			ttl = 210 * time.Second
		}
		s.jwtTTL = ttl
		s.signer = nil
		return nil
	}
}

// WithLogger logs each attempt at slog.LevelDebug: method, path, status,
// attempt, duration and request id, and each retry with its delay. Bodies and
// keys are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error {
		s.logger = l
		return nil
	}
}

// WithPollInterval sets the first gap between polls of AsyncResult.Wait
// (default DefaultPollInterval). Each later gap is 1.5 times the one before,
// up to MaxPollInterval (or d itself, if d is larger).
func WithPollInterval(d time.Duration) Option {
	return func(s *settings) error {
		if d <= 0 {
			return fmt.Errorf("%w: WithPollInterval(%s)", ErrInvalidRequest, d)
		}
		s.pollInterval = d
		return nil
	}
}

// WithPollProgress calls fn with every result AsyncResult.Wait polls,
// the final one included, so a program can show progress. fn runs on the
// waiting goroutine and should return quickly.
func WithPollProgress(fn func(*AsyncResult)) Option {
	return func(s *settings) error {
		s.pollProgress = fn
		return nil
	}
}

// NewClient returns a client configured by opts, falling back to the
// ZAI_API_KEY and ZAI_BASE_URL environment variables. It fails with
// ErrMissingAPIKey when there is no key, and with ErrInsecureBaseURL for a
// plain-http base URL to a host that is not loopback.
func NewClient(opts ...Option) (*Client, error) {
	s := &settings{
		apiKey:     secret(strings.TrimSpace(os.Getenv(EnvAPIKey))),
		baseURL:    strings.TrimRight(os.Getenv(EnvBaseURL), "/"),
		maxRetries: DefaultMaxRetries,
		httpClient: defaultHTTPClient,
	}
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, err
		}
	}
	if s.baseURL == "" {
		s.baseURL = InternationalBaseURL
	}
	if err := s.validate(); err != nil {
		return nil, err
	}
	c := &Client{opts: s}
	c.Chat = &ChatService{Completions: &ChatCompletionService{client: c}}
	c.Images = &ImageService{client: c}
	c.Videos = &VideoService{client: c}
	c.AsyncResult = &AsyncResultService{client: c}
	c.Audio = &AudioService{Transcriptions: &TranscriptionService{client: c}, Speech: &SpeechService{client: c}}
	c.Voices = &VoiceService{client: c}
	c.Files = &FileService{client: c}
	c.Batches = &BatchService{client: c}
	c.OCR = &OCRService{client: c}
	c.Agents = &AgentService{client: c}
	c.Embeddings = &EmbeddingService{client: c}
	c.WebSearch = &WebSearchService{client: c}
	c.Reader = &ReaderService{client: c}
	c.Tokenizer = &TokenizerService{client: c}
	c.Moderations = &ModerationService{client: c}
	c.Rerank = &RerankService{client: c}
	return c, nil
}

// defaultHTTPClient has no overall timeout, since a stream may run for
// minutes, and keeps more idle connections per host than
// http.DefaultTransport's 2, so concurrent calls to one API host reuse them.
var defaultHTTPClient = &http.Client{Transport: defaultTransport(), CheckRedirect: checkRedirect}

// checkRedirect refuses a redirect to plain http on a host that is not
// loopback: net/http keeps the Authorization header on a same-host
// redirect, even from https to http.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("zai: stopped after 10 redirects")
	}
	if req.URL.Scheme == "http" && !isLoopback(req.URL.Hostname()) {
		return core.NoRetry(fmt.Errorf("%w (redirect to %s)", ErrInsecureBaseURL, req.URL.Host))
	}
	return nil
}

func defaultTransport() http.RoundTripper {
	t, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return http.DefaultTransport
	}
	t = t.Clone()
	t.MaxIdleConnsPerHost = 64
	return t
}

// validate checks what can be known before a request: a key, a usable base
// URL, and a JWT-signable key when JWT auth is on.
func (s *settings) validate() error {
	if s.apiKey == "" {
		return ErrMissingAPIKey
	}
	for _, raw := range []string{s.baseURL, s.agentsURL} {
		if raw == "" {
			continue
		}
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			return fmt.Errorf("%w: base URL %q is not an absolute http(s) URL", ErrInvalidRequest, raw)
		}
		if u.Scheme == "http" && !isLoopback(u.Hostname()) {
			return fmt.Errorf("%w (%s)", ErrInsecureBaseURL, u.Host)
		}
	}
	if s.jwtTTL > 0 && s.signer == nil {
		signer, err := jwt.NewSigner(string(s.apiKey), s.jwtTTL, s.now)
		if err != nil {
			return ErrInvalidAPIKey
		}
		s.signer = signer
	}
	return nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// agentsRoot derives the agents root from a base URL: everything before
// "/paas/v4" (and a "/coding" in front of it), so
// https://api.z.ai/api/paas/v4 gives https://api.z.ai/api.
func agentsRoot(base string) string {
	root := strings.TrimSuffix(base, "/paas/v4")
	if root != base {
		root = strings.TrimSuffix(root, "/coding")
	}
	return root
}

// resolve applies per-call options over the client's settings.
func (c *Client) resolve(opts []Option) (*settings, error) {
	if len(opts) == 0 {
		return c.opts, nil
	}
	s := *c.opts
	for _, o := range opts {
		if err := o(&s); err != nil {
			return nil, err
		}
	}
	// Re-check what an option may have changed; a JWT option or a new key
	// drops the signer, which validate rebuilds, so the raw key is never sent.
	if s.apiKey != c.opts.apiKey || s.baseURL != c.opts.baseURL || s.agentsURL != c.opts.agentsURL ||
		s.jwtTTL != c.opts.jwtTTL || (s.jwtTTL > 0 && s.signer == nil) {
		if err := s.validate(); err != nil {
			return nil, err
		}
	}
	return &s, nil
}

// config builds the core configuration for one call.
func (s *settings) config() *core.Config {
	agents := s.agentsURL
	if agents == "" {
		agents = agentsRoot(s.baseURL)
	}
	key, signer, jwtTTL := string(s.apiKey), s.signer, s.jwtTTL
	return &core.Config{
		BaseURL:       s.baseURL,
		AgentsBaseURL: agents,
		HTTPClient:    s.httpClient,
		Header:        s.header,
		UserAgent:     "zai-go/" + Version,
		ExtraBody:     s.extraBody,
		Auth: func() (string, error) {
			if signer != nil {
				return "Bearer " + signer.Token(), nil
			}
			if jwtTTL > 0 {
				return "", ErrInvalidAPIKey // never fall back to the raw key
			}
			return "Bearer " + key, nil
		},
		MaxRetries:        s.maxRetries,
		RequestTimeout:    s.reqTimeout,
		StreamIdleTimeout: s.idle,
		MaxEventSize:      s.maxEvent,
		Logger:            s.logger,
		DecodeError:       decodeAPIError,
		Retryable:         retryable,
		Sleep:             s.sleep,
		Jitter:            s.jitter,
	}
}

// String describes the client without its key.
func (c *Client) String() string {
	auth := "bearer"
	if c.opts.jwtTTL > 0 {
		auth = "jwt"
	}
	return fmt.Sprintf("zai.Client{baseURL: %s, auth: %s, key: [REDACTED]}", c.opts.baseURL, auth)
}

// Format prints String for every verb, so %+v and %#v cannot reveal the key.
func (c *Client) Format(f fmt.State, _ rune) { fmt.Fprint(f, c.String()) }

// LogValue makes slog print the client without its key.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

// BaseURL returns the base URL the client sends to.
func (c *Client) BaseURL() string { return c.opts.baseURL }

// Ptr returns a pointer to v, for optional request fields:
//
//	req.Temperature = zai.Ptr(0.2)
func Ptr[T any](v T) *T { return &v }

// call sends a buffered request and decodes the JSON response into a new T.
func call[T any](ctx context.Context, c *Client, r *core.Request, opts []Option) (*T, error) {
	out := new(T)
	if err := c.do(ctx, r, out, opts); err != nil {
		return nil, err
	}
	return out, nil
}

// do sends a buffered request and decodes the JSON response into out.
func (c *Client) do(ctx context.Context, r *core.Request, out any, opts []Option) error {
	resp, err := c.send(ctx, r, opts)
	if err != nil {
		return err
	}
	return decodeInto(resp, out)
}

// send applies the call's options and sends r.
func (c *Client) send(ctx context.Context, r *core.Request, opts []Option) (*core.Response, error) {
	s, err := c.resolve(opts)
	if err != nil {
		return nil, err
	}
	resp, err := s.config().Do(ctx, r)
	if err != nil {
		return nil, classifyTransport(err)
	}
	return resp, nil
}

// rawSetter is implemented by response types that keep their raw JSON.
type rawSetter interface{ setRawJSON([]byte) }

// decodeInto unmarshals a buffered response, keeping the raw bytes.
func decodeInto(resp *core.Response, out any) error {
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return &APIError{
			StatusCode: resp.StatusCode,
			Message:    "decoding response: " + err.Error(),
			RequestID:  core.RequestID(resp.Header),
			raw:        resp.Body,
		}
	}
	if rs, ok := out.(rawSetter); ok {
		rs.setRawJSON(resp.Body)
	}
	return nil
}
