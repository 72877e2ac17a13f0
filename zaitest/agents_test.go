package zaitest_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

func TestAgentTranslation(t *testing.T) {
	srv := zaitest.NewServer(t)
	client := srv.Client()
	res, err := client.Agents.Invoke(ctx, zai.NewTranslationRequest("Good morning", zai.TranslationVariables{TargetLang: "fr"}))
	if err != nil || res.Text() != "Bonjour" || res.Status != zai.AgentStatusSuccess || res.Usage.TotalCalls != 1 {
		t.Fatalf("%v %+v", err, res)
	}
	// A phrase of the phrasebook in any of its languages; the server's
	// default target is zh-CN.
	for text, want := range map[string]string{" 早上好 ": "Good morning", "the quick brown fox jumps over the lazy dog.": "敏捷的棕色狐狸跳过了那只懒狗。"} {
		target := "en"
		if want != "Good morning" {
			target = ""
		}
		res, err := client.Agents.Invoke(ctx, zai.NewTranslationRequest(text, zai.TranslationVariables{TargetLang: target}))
		if err != nil || res.Text() != want {
			t.Fatalf("%q: %v %q, want %q", text, err, res.Text(), want)
		}
	}
	if reqs := srv.Requests(); reqs[0].Path != "/v1/agents" {
		t.Fatalf("agents path %q", reqs[0].Path)
	}
	stream, err := client.Agents.InvokeStream(ctx, zai.NewTranslationRequest("one two", zai.TranslationVariables{}))
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	chunks := 0
	for c, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		text.WriteString(c.Text())
		chunks++
	}
	if text.String() != "[zh-CN] one two" || chunks != 4 {
		t.Fatalf("%q in %d chunks", text.String(), chunks)
	}
}

func TestAgentVideoEffects(t *testing.T) {
	client := zaitest.NewServer(t, zaitest.WithTaskPolls(2)).Client(zai.WithPollInterval(time.Millisecond))
	res, err := client.Agents.Invoke(ctx, zai.NewVideoEffectsRequest("bodyshake", "dance", "https://example.com/me.png"))
	if err != nil || res.Status != zai.AgentStatusPending || res.AsyncID != "async_001" {
		t.Fatalf("%v %+v", err, res)
	}
	done, err := client.Agents.Wait(ctx, zai.AgentAsyncResultRequest{AgentID: zai.AgentVideoEffects, AsyncID: res.AsyncID})
	if err != nil || done.Status != zai.AgentStatusSuccess || fmt.Sprint(done.VideoURLs()) != "[https://zaitest.invalid/agents/async_001.mp4]" {
		t.Fatalf("%v %+v", err, done)
	}
	_, err = client.Agents.Invoke(ctx, zai.NewVideoEffectsRequest("", "", "https://example.com/me.png"))
	var apiErr *zai.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 200 || apiErr.Code != "400" {
		t.Fatalf("no template: %v", err)
	}
	_, err = client.Agents.Wait(ctx, zai.AgentAsyncResultRequest{AgentID: zai.AgentVideoEffects, AsyncID: "async_404"})
	if !errors.Is(err, zai.ErrTaskFailed) {
		t.Fatalf("unknown async id: %v", err)
	}
}

func TestAgentSlides(t *testing.T) {
	client := zaitest.NewServer(t).Client()
	stream, err := client.Agents.InvokeStream(ctx, zai.NewSlidesRequest("Go at a glance", ""))
	if err != nil {
		t.Fatal(err)
	}
	var phases []string
	var conv, html, answer string
	for c, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		conv = c.ConversationID
		for _, ch := range c.Choices {
			for _, m := range ch.Messages {
				phases = append(phases, m.Phase)
				for _, it := range m.Content {
					if call, ok := it.ToolCall(); ok {
						html = call.Output
					}
				}
				if m.Phase == "answer" {
					answer = m.Text()
				}
			}
		}
	}
	if strings.Join(phases, ",") != "thinking,tool,answer" || conv != "conv_001" || !strings.Contains(html, "<h1>Go at a glance</h1>") || answer != "Slide 1 is ready: Go at a glance" {
		t.Fatalf("%v %q %q %q", phases, conv, html, answer)
	}
	// A second call in the conversation adds a slide.
	if _, err := client.Agents.Invoke(ctx, zai.NewSlidesRequest("More", conv)); err != nil {
		t.Fatal(err)
	}
	exp, err := client.Agents.GetConversation(ctx, zai.AgentConversationRequest{AgentID: zai.AgentSlides, ConversationID: conv,
		CustomVariables: zai.SlidesExportVariables{IncludePDF: true}})
	if err != nil || len(exp.FileURLs()) != 2 || len(exp.ImageURLs()) != 2 || !strings.HasSuffix(exp.FileURLs()[1], ".pdf") {
		t.Fatalf("%v %+v", err, exp)
	}
	if _, err := client.Agents.GetConversation(ctx, zai.AgentConversationRequest{AgentID: zai.AgentSlides, ConversationID: "nope"}); err == nil {
		t.Fatal("unknown conversation")
	}
}
