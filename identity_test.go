package zai_test

import (
	"context"
	"errors"
	"testing"

	"github.com/zai-go/zai"
)

func TestIdentityHeadersOnEveryRequest(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(`{"object":"list","data":[]}`))
	ctx := context.Background()
	if _, err := client.Models.List(ctx); err != nil {
		t.Fatal(err)
	}
	var raw []byte // the download road
	if err := client.Do(ctx, "GET", "/files/f1/content", nil, &raw); err != nil {
		t.Fatal(err)
	}
	if err := client.Do(ctx, "GET", "/api/monitor/usage/quota/limit", nil, nil); err != nil {
		t.Fatal(err)
	}
	for _, got := range rec.requests() {
		if got.Header.Get("X-Source-Channel") != "zai-go" || got.Header.Get("Zai-SDK-Ver") != zai.Version {
			t.Fatalf("%s: %v", got.Path, got.Header)
		}
	}
}

func TestWithSourceChannel(t *testing.T) {
	rec, client := newRecorder(t, respondJSON(`{"object":"list","data":[]}`))
	ctx := context.Background()
	if _, err := client.Models.List(ctx, zai.WithSourceChannel("my-ide")); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Models.List(ctx); err != nil {
		t.Fatal(err)
	}
	reqs := rec.requests()
	if got := reqs[0].Header.Values("X-Source-Channel"); len(got) != 1 || got[0] != "my-ide" {
		t.Fatalf("call option: %q", got)
	}
	if got := reqs[1].Header.Get("X-Source-Channel"); got != "zai-go" {
		t.Fatalf("a call option leaked into the client: %q", got)
	}
	if reqs[0].Header.Get("Zai-SDK-Ver") != zai.Version {
		t.Fatal("WithSourceChannel dropped the version header")
	}

	c, err := zai.NewClient(zai.WithAPIKey("k"), zai.WithBaseURL(rec.srv.URL+"/api/paas/v4"), zai.WithSourceChannel("tool-x"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Models.List(ctx); err != nil {
		t.Fatal(err)
	}
	if got := rec.last(t).Header.Get("X-Source-Channel"); got != "tool-x" {
		t.Fatalf("client option: %q", got)
	}
	for _, bad := range []string{"", "  ", "a\nb"} {
		if _, err := zai.NewClient(zai.WithAPIKey("k"), zai.WithSourceChannel(bad)); !errors.Is(err, zai.ErrInvalidRequest) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
