package zai_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/zai-go/zai"
)

// benchServer answers like a model with one tool: a get_weather call first,
// and the answer once the request carries the tool's result.
func benchServer(b *testing.B) *zai.Client {
	callReply := []byte(`{"id":"b1","created":1,"model":"glm-4.7","choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":"","reasoning_content":"I need the weather.","tool_calls":[{"id":"call_1","index":0,"type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\",\"unit\":\"c\"}"}}]}}],"usage":{"prompt_tokens":50,"completion_tokens":20,"total_tokens":70}}`)
	answer := []byte(`{"id":"b2","created":1,"model":"glm-4.7","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"It is 21°C in Paris."}}],"usage":{"prompt_tokens":90,"completion_tokens":10,"total_tokens":100}}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		if bytes.Contains(body, []byte(`"role":"tool"`)) {
			w.Write(answer)
			return
		}
		w.Write(callReply)
	}))
	b.Cleanup(srv.Close)
	c, err := zai.NewClient(zai.WithAPIKey("k"), zai.WithBaseURL(srv.URL+"/api/paas/v4"))
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkToolRunnerTurn measures what the runner adds to the chat calls
// themselves, against a loopback server: "chat" makes the two requests of a
// one-tool conversation by hand (the same bodies the runner sends), "runner"
// lets a ToolRunner make them and run the typed tool in between. The
// difference per turn is the runner's overhead: the tool's schema
// validation, strict decoding and result encoding, and the bookkeeping.
func BenchmarkToolRunnerTurn(b *testing.B) {
	ctx := context.Background()
	var n int
	weather := zai.NewTool("get_weather", "Weather for a city", func(ctx context.Context, in weatherIn) (weatherOut, error) {
		n++
		return weatherOut{City: in.City, TempC: 21}, nil
	})
	req := zai.ChatCompletionRequest{Model: zai.ModelGLM4_7, Messages: []zai.Message{zai.UserMessage("Weather in Paris?")},
		Tools: []zai.Tool{weather.Describe()}}

	byHand := func(b *testing.B, client *zai.Client) {
		first, err := client.Chat.Completions.Create(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		msg := first.Choices[0].Message
		next := req
		next.Messages = append(append([]zai.Message(nil), req.Messages...), msg,
			zai.ToolMessage(msg.ToolCalls[0].ID, `{"city":"Paris","temp_c":21}`))
		if _, err := client.Chat.Completions.Create(ctx, next); err != nil {
			b.Fatal(err)
		}
	}
	withRunner := func(b *testing.B, client *zai.Client) {
		final, err := zai.NewToolRunner(client, req, weather).Run(ctx)
		if err != nil || final.Choices[0].FinishReason != zai.FinishReasonStop {
			b.Fatal(err)
		}
	}
	b.Run("chat", func(b *testing.B) {
		client := benchServer(b)
		b.ReportAllocs()
		for b.Loop() {
			byHand(b, client)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(2*b.N), "ns/turn")
	})
	b.Run("runner", func(b *testing.B) {
		client := benchServer(b)
		b.ReportAllocs()
		for b.Loop() {
			withRunner(b, client)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(2*b.N), "ns/turn")
	})
	b.Run("overhead", func(b *testing.B) {
		// Both forms in turn in each iteration, so a change in the machine's
		// load hits both alike; reports the runner's extra time in percent.
		client := benchServer(b)
		var hand, run time.Duration
		for b.Loop() {
			t0 := time.Now()
			byHand(b, client)
			t1 := time.Now()
			withRunner(b, client)
			hand, run = hand+t1.Sub(t0), run+time.Since(t1)
		}
		b.ReportMetric(100*float64(run-hand)/float64(hand), "%overhead")
		b.ReportMetric(float64(run-hand)/float64(2*b.N), "ns-extra/turn")
	})
	b.Run("tool-call", func(b *testing.B) {
		// The runner's own work for one call, without the network.
		b.ReportAllocs()
		for b.Loop() {
			if _, err := weather.Call(ctx, `{"city":"Paris","unit":"c"}`); err != nil {
				b.Fatal(err)
			}
		}
	})
}
