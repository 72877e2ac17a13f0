package zai

import (
	"log/slog"
	"net/url"

	"github.com/zai-go/zai/internal/redact"
)

// Secrets never leave the SDK. A server may echo the key, its secret half
// or a JWT signed from it (in a message, a header, a redirect URL), and
// every road by which server text leaves passes one of three edges, each
// written once, with the client's redact.Secrets:
//
//   - errors: redactError, which settings.leave applies to every error a
//     call, a stream or a Wait returns (call.go, stream.go, poll.go);
//   - observer events: callTrace.attempt and callTrace.finish, the only two
//     places that call an observer (observe.go);
//   - log lines: the slog.Handler that wraps WithLogger's logger, through
//     which the core and this package log;
//   - poll progress: pollUntil, the one place that calls WithPollProgress.
//
// Stream.RequestID is read once, redacted, when the stream opens. zaitest
// records cassettes through the same redact.Secrets. Values decoded from a
// successful response are the caller's data and are left as they came.

// redactError removes the secrets from err: from the fields of the
// package's error types in its chain (so errors.As finds them clean) and,
// if the text still holds one, from its text, by wrapping it. Fields are
// written only when they change, so an error already redacted (and perhaps
// held by an observer) is never written again.
func redactError(sec *redact.Secrets, err error) error {
	if err == nil {
		return nil
	}
	walkErrors(err, func(e error) {
		switch x := e.(type) {
		case *APIError:
			redactField(sec, &x.Message)
			redactField(sec, &x.Code)
			redactField(sec, &x.RequestID)
			if sec.ContainsBytes(x.raw) {
				x.raw = sec.Bytes(x.raw)
			}
		case *TaskFailedError:
			redactField(sec, &x.TaskID)
			redactField(sec, &x.Status)
			redactField(sec, &x.Code)
			redactField(sec, &x.Message)
			redactField(sec, &x.RequestID)
		case *url.Error:
			redactField(sec, &x.URL)
		}
	})
	if msg := err.Error(); sec.Contains(msg) {
		return &redacted{msg: sec.String(msg), err: err}
	}
	return err
}

func redactField(sec *redact.Secrets, s *string) {
	if r := sec.String(*s); r != *s {
		*s = r
	}
}

// walkErrors calls fn on err and every error it wraps, through both forms
// of Unwrap.
func walkErrors(err error, fn func(error)) {
	for err != nil {
		fn(err)
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walkErrors(e, fn)
			}
			return
		default:
			return
		}
	}
}

// redacted is an error whose text held a secret: it prints the text
// without it and still wraps the error.
type redacted struct {
	msg string
	err error
}

func (e *redacted) Error() string { return e.msg }
func (e *redacted) Unwrap() error { return e.err }

// redactingLogger returns l behind the handler that removes sec from every
// record; nil for nil.
func redactingLogger(l *slog.Logger, sec *redact.Secrets) *slog.Logger {
	if l == nil {
		return nil
	}
	return slog.New(sec.Handler(l.Handler()))
}

// redactAttempt and redactEnd remove the secrets from every field of an
// observer event that can hold text from the server (TestObserverEventsRedacted
// fails when a field is added without a line here).
func redactAttempt(sec *redact.Secrets, ev *AttemptEvent) {
	ev.RequestID = sec.String(ev.RequestID)
	ev.Err = redactError(sec, ev.Err)
}

func redactEnd(sec *redact.Secrets, ev *CallEnd) {
	ev.RequestID = sec.String(ev.RequestID)
	ev.ResponseModel = sec.String(ev.ResponseModel)
	ev.FinishReasons = sec.Strings(ev.FinishReasons)
	ev.BusinessCode = sec.String(ev.BusinessCode)
	ev.Err = redactError(sec, ev.Err)
}
