package zaifantasy

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"charm.land/fantasy"

	"github.com/zai-go/zai"
)

// toProviderError maps a failed call onto fantasy's error types, so that
// fantasy's agent retries exactly what zai-go would retry: a server error
// or a rate limit, never an empty balance, a used-up plan, a content
// filter or a bad key. The *zai.APIError stays reachable, so
// errors.Is(err, zai.ErrQuotaExceeded) and errors.As work on what the
// agent returns.
func toProviderError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return err // the caller gave up: not a provider fault, never retried
	}
	var apiErr *zai.APIError
	if errors.As(err, &apiErr) {
		return apiProviderError(apiErr)
	}
	// A body cut short (io.ErrUnexpectedEOF) or an HTTP/2 reset becomes a
	// retryable ProviderError; anything else (a request zai-go refused to
	// send, wrapping zai.ErrInvalidRequest) is returned as it is.
	return fantasy.WrapTransportError(err)
}

// finalCategories are the zai error categories that no wait will fix.
var finalCategories = []error{
	zai.ErrQuotaExceeded, zai.ErrContentFiltered, zai.ErrAuthentication,
	zai.ErrPermission, zai.ErrBadRequest, zai.ErrNotFound,
}

func apiProviderError(apiErr *zai.APIError) *fantasy.ProviderError {
	final := false
	title := ""
	for _, c := range finalCategories {
		if errors.Is(apiErr, c) {
			final = true
			title = strings.TrimPrefix(c.Error(), "zai: ")
			break
		}
	}
	if title == "" {
		switch {
		case errors.Is(apiErr, zai.ErrRateLimited):
			title = "rate limited"
		case errors.Is(apiErr, zai.ErrServer):
			title = "server error"
		case apiErr.InStream:
			title = "error in stream"
		default:
			title = fantasy.ErrorTitleForStatusCode(apiErr.StatusCode)
		}
	}
	message := apiErr.Message
	if apiErr.Code != "" {
		message = "code " + apiErr.Code + ": " + message
	}
	pe := &fantasy.ProviderError{
		Title:        title,
		Message:      message,
		Cause:        apiErr,
		ResponseBody: apiErr.RawJSON(),
		ErrorType:    apiErr.Code,
		// 1261: the prompt is longer than the model takes.
		ContextTooLargeErr: apiErr.Code == "1261",
	}
	if apiErr.InStream {
		// An error event inside a 200 stream: only its category can say
		// whether another attempt may succeed.
		pe.TransientError = !final
		return pe
	}
	pe.StatusCode = apiErr.StatusCode
	if final && fantasyRetriesStatus(apiErr.StatusCode) {
		// Z.ai sends quota codes (1113 no balance, 1308-1321 plan limits)
		// with HTTP 429, which fantasy's IsRetryable would retry for
		// minutes. The status stays on the *zai.APIError.
		pe.StatusCode = 0
	}
	return pe
}

// fantasyRetriesStatus mirrors the statuses fantasy.ProviderError.IsRetryable
// retries.
func fantasyRetriesStatus(status int) bool {
	return status == http.StatusRequestTimeout || status == http.StatusConflict ||
		status == http.StatusTooManyRequests || status >= http.StatusInternalServerError
}
