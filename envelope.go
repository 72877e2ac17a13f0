package zai

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/zai-go/zai/internal/core"
)

// Some APIs wrap every answer in an envelope with a business code, instead
// of the paas endpoints' bare bodies and {"error":{...}} failures:
//
//	{"code":200,"message":"请求成功","data":{...},"timestamp":1689649504996}  knowledge, retrieval
//	{"code":200,"msg":"操作成功","data":{...},"success":true}                  the Coding Plan monitor
//
// callData is the one place that unwraps them. The request's Check decides
// whether a 2xx body is a failure, which then comes back as an *APIError
// with the body's code, whatever the HTTP status; otherwise the value of
// "data" is decoded into a new T, which keeps the whole body as RawJSON.
// (A non-2xx answer is an *APIError as on every other road.)

// dataEnvelope reads the data of an envelope.
type dataEnvelope[T any] struct {
	Data *T `json:"data"`

	rawBody
}

// dataOptional is implemented by the data types for which a success with
// no "data" (absent or null) is an empty answer: a list, a search, an
// update. For the others (a created id, a resource) such a body is not an
// answer, and the call fails rather than return an empty value.
type dataOptional interface{ dataOptional() }

// errNoData is the decoding error of a success without the data it needs.
var errNoData = errors.New(`the answer carries no "data"`)

// UnmarshalJSON reads "data", refusing a success without it unless T may be
// empty.
func (e *dataEnvelope[T]) UnmarshalJSON(b []byte) error {
	var w struct {
		Data *T `json:"data"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	if w.Data == nil {
		if _, ok := any(new(T)).(dataOptional); !ok {
			return errNoData
		}
	}
	e.Data = w.Data
	return nil
}

// callData sends r and returns the "data" of the envelope it answers with.
func callData[T any](ctx context.Context, c *Client, r *core.Request, opts []Option) (*T, error) {
	s, err := c.resolve(opts)
	if err != nil {
		return nil, err
	}
	return callDataWith[T](ctx, s, r)
}

// callDataWith is callData with settings already resolved.
func callDataWith[T any](ctx context.Context, s *settings, r *core.Request) (*T, error) {
	env, err := callWith[dataEnvelope[T]](ctx, s, r)
	if err != nil {
		return nil, err
	}
	out := env.Data
	if out == nil {
		out = new(T) // a success without data, where that means empty
	}
	if rs, ok := any(out).(rawSetter); ok {
		rs.setRawJSON(env.raw)
	}
	return out, nil
}

// checkApp is the Check of the BigModel application APIs
// (/llm-application, /zrag): their success is {"code":200,...} and nothing
// else, so another code, no code, an error object, or a body that is not a
// JSON object is an *APIError (StatusCode 200, Code the body's code).
var checkApp = checkBody(appFailed)

func appFailed(b []byte) bool {
	p, ok := probe(b)
	return !ok || hasError(p.Error) || codeString(p.Code) != "200"
}

// appRequest describes a call to a BigModel application API: under the
// host's /api root, as agents are, with the envelope's Check.
func appRequest(method, path string) *core.Request {
	return &core.Request{Method: method, Path: path, Root: true, Check: checkApp}
}

// appDone is the data of an envelope that carries none of interest: the
// answers of Update, Delete and Embed report only their code. Whatever data
// they carry is accepted (and kept in no value).
type appDone struct{}

func (*appDone) UnmarshalJSON([]byte) error { return nil }

// The data that may be absent: nothing found, nothing listed, nothing to
// report.
func (*appDone) dataOptional()                   {}
func (*KnowledgeBaseList) dataOptional()         {}
func (*KnowledgeDocumentList) dataOptional()     {}
func (*KnowledgeImageList) dataOptional()        {}
func (*KnowledgeRetrieveResponse) dataOptional() {}
func (*RetrievalResponse) dataOptional()         {}
func (*CodingPlanQuotaResponse) dataOptional()   {}
func (*ModelUsageResponse) dataOptional()        {}
func (*ToolUsageResponse) dataOptional()         {}

// callAppDone sends r and returns nil when its envelope says success.
func callAppDone(ctx context.Context, c *Client, r *core.Request, opts []Option) error {
	_, err := callData[appDone](ctx, c, r, opts)
	return err
}
