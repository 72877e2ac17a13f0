package zai

import (
	"net/http"
	"strings"
)

// DefaultSourceChannel is the x-source-channel header value this SDK sends
// unless WithSourceChannel says otherwise.
const DefaultSourceChannel = "zai-go"

// Headers that identify the client on every request, as the official SDKs
// send them (x-source-channel: "python-sdk" or "java-sdk"; Zai-SDK-Ver: the
// SDK version). The GLM Coding Plan's usage policy treats requests from
// unidentified clients as violations.
const (
	headerSourceChannel = "X-Source-Channel"
	headerSDKVersion    = "Zai-Sdk-Ver" // Zai-SDK-Ver, in canonical form
)

// identityHeader is the default header set of a new client.
func identityHeader() http.Header {
	h := http.Header{}
	h.Set(headerSourceChannel, DefaultSourceChannel)
	h.Set(headerSDKVersion, Version)
	return h
}

// WithSourceChannel sets the x-source-channel header sent on every request
// (default DefaultSourceChannel, "zai-go"), which tells the API which client
// or product sent it. An empty value, or one with a control character, is
// refused with ErrInvalidRequest.
func WithSourceChannel(channel string) Option {
	return func(s *settings) error {
		if strings.TrimSpace(channel) == "" {
			return invalidf("WithSourceChannel(%q): the channel is empty", channel)
		}
		if strings.ContainsFunc(channel, func(r rune) bool { return r < ' ' || r == 0x7f }) {
			return invalidf("WithSourceChannel(%q): the channel contains a control character", channel)
		}
		s.Header = s.Header.Clone()
		if s.Header == nil {
			s.Header = http.Header{}
		}
		s.Header.Set(headerSourceChannel, channel)
		return nil
	}
}
