package zai

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/zai-go/zai/internal/core"
	"github.com/zai-go/zai/internal/jwt"
	"github.com/zai-go/zai/internal/redact"
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
	// OCR parses layouts and reads handwriting.
	OCR *OCRService
	// FileParser turns documents into text (/files/parser/*).
	FileParser *FileParserService
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
	// Models lists the models the API serves.
	Models *ModelService
	// CodingPlan reads the quota and usage of a GLM Coding Plan and sends
	// feedback (endpoints of Z.ai's own Coding Plan plugins).
	CodingPlan *CodingPlanService
	// Knowledge manages BigModel knowledge bases (Knowledge.Documents
	// their documents) and searches them.
	Knowledge *KnowledgeService
	// Retrieval searches BigModel's omni-modal knowledge bases.
	Retrieval *RetrievalService
	// QAAgent streams the answers of BigModel's Q&A agent over knowledge
	// bases.
	QAAgent *QAAgentService
	// Realtime opens GLM-Realtime voice and video sessions (WebSocket).
	Realtime *RealtimeService

	opts *settings
}

// NewClient returns a client configured by opts, falling back to the
// ZAI_API_KEY and ZAI_BASE_URL environment variables. It fails with
// ErrMissingAPIKey when there is no key, with ErrInvalidAPIKey for a key
// that cannot be sent in a header, with ErrInsecureBaseURL for a plain-http
// base URL to a host that is not loopback, and with ErrInvalidRequest for a
// base URL that cannot work.
func NewClient(opts ...Option) (*Client, error) {
	s := &settings{
		Config: core.Config{
			BaseURL:    strings.TrimRight(os.Getenv(EnvBaseURL), "/"),
			HTTPClient: defaultHTTPClient,
			UserAgent:  "zai-go/" + Version,
			MaxRetries: DefaultMaxRetries,
			Header:     identityHeader(),
		},
		apiKey: secret(strings.TrimSpace(os.Getenv(EnvAPIKey))),
	}
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, err
		}
	}
	if s.BaseURL == "" {
		s.BaseURL = InternationalBaseURL
	}
	if err := s.validate(); err != nil {
		return nil, err
	}
	s.built = true
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
	c.FileParser = &FileParserService{client: c}
	c.Agents = &AgentService{client: c}
	c.Embeddings = &EmbeddingService{client: c}
	c.WebSearch = &WebSearchService{client: c}
	c.Reader = &ReaderService{client: c}
	c.Tokenizer = &TokenizerService{client: c}
	c.Moderations = &ModerationService{client: c}
	c.Rerank = &RerankService{client: c}
	c.Models = &ModelService{client: c}
	c.CodingPlan = &CodingPlanService{client: c}
	c.Knowledge = &KnowledgeService{client: c, Documents: &KnowledgeDocumentService{client: c}}
	c.Retrieval = &RetrievalService{client: c}
	c.QAAgent = &QAAgentService{client: c}
	c.Realtime = &RealtimeService{client: c}
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
		return core.NoRetry(errors.New("stopped after 10 redirects"))
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
	// A proxy's refusal of CONNECT keeps its status, for the retry rule.
	t.OnProxyConnectResponse = core.ProxyConnectCheck
	return t
}

// validate checks what can be known before a request (a key that fits in a
// header, usable base URLs, a JWT-signable key when JWT auth is on) and
// derives what follows from them: the root URL, the auth header, the error
// decoder (with the advice the base URL calls for) and the redaction of the
// key from everything that leaves the SDK.
func (s *settings) validate() error {
	if s.apiKey == "" {
		return ErrMissingAPIKey
	}
	if strings.ContainsFunc(string(s.apiKey), func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return fmt.Errorf("%w: the API key contains a control character", ErrInvalidRequest)
	}
	if err := checkBaseURL(s.BaseURL); err != nil {
		return err
	}
	s.RootURL = s.rootURL
	if s.RootURL == "" {
		s.RootURL = agentsRoot(s.BaseURL)
	} else if err := checkBaseURL(s.RootURL); err != nil {
		return err
	}
	if s.jwtTTL > 0 && s.signer == nil {
		signer, err := jwt.NewSigner(string(s.apiKey), s.jwtTTL, s.now)
		if err != nil {
			return ErrInvalidAPIKey
		}
		s.signer = signer
	}
	key, signer := string(s.apiKey), s.signer
	if signer != nil {
		s.Auth = func() (string, error) { return "Bearer " + signer.Token(), nil }
		// A token the server rejects is dropped, and the call tries once
		// more with a new one.
		s.Reauth = func(auth string) bool {
			tok, ok := strings.CutPrefix(auth, "Bearer ")
			return ok && signer.Reject(tok)
		}
	} else {
		s.Auth = func() (string, error) { return "Bearer " + key, nil }
		s.Reauth = nil
	}
	s.secrets = redact.New(key)
	s.Logger = redactingLogger(s.logger, s.secrets)
	s.DecodeError = errorDecoder(codingPlanAdvice(s.BaseURL))
	return nil
}

// checkBaseURL refuses a base URL that cannot work, before any request.
func checkBaseURL(raw string) error {
	bad := func(why string) error {
		return fmt.Errorf("%w: base URL %q %s", ErrInvalidRequest, raw, why)
	}
	if strings.ContainsFunc(raw, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return bad("contains a space or control character")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return bad("does not parse")
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return bad("is not an absolute http(s) URL")
	case u.Host == "" || u.Hostname() == "":
		return bad("has no host")
	case u.User != nil:
		return bad("carries credentials; use WithAPIKey")
	case u.RawQuery != "" || u.ForceQuery:
		return bad("has a query; paths are appended to it")
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return bad("has a fragment")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return bad("has a port outside 1-65535")
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return bad("has an empty port")
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return fmt.Errorf("%w (%s)", ErrInsecureBaseURL, u.Host)
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

// resolve applies per-call options over the client's settings, once per
// call (and once per Wait, not once per poll).
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
	// Re-derive what an option may have changed; a JWT option or a new key
	// drops the signer, which validate rebuilds, so the raw key is never sent.
	if s.apiKey != c.opts.apiKey || s.BaseURL != c.opts.BaseURL || s.rootURL != c.opts.rootURL ||
		s.jwtTTL != c.opts.jwtTTL || s.signer != c.opts.signer || s.signer == nil && s.jwtTTL > 0 {
		if err := s.validate(); err != nil {
			return nil, err
		}
	}
	return &s, nil
}

// String describes the client without its key.
func (c *Client) String() string {
	auth := "bearer"
	if c.opts.jwtTTL > 0 {
		auth = "jwt"
	}
	return fmt.Sprintf("zai.Client{baseURL: %s, auth: %s, key: [REDACTED]}", c.opts.BaseURL, auth)
}

// Format prints String for every verb, so %+v and %#v cannot reveal the key.
func (c *Client) Format(f fmt.State, _ rune) { fmt.Fprint(f, c.String()) }

// LogValue makes slog print the client without its key.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

// BaseURL returns the base URL the client sends to.
func (c *Client) BaseURL() string { return c.opts.BaseURL }

// Ptr returns a pointer to v, for optional request fields:
//
//	req.Temperature = zai.Ptr(0.2)
func Ptr[T any](v T) *T { return &v }
