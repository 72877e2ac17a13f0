// Agent: a multi-tool loop. The model plans a day out, calling typed Go
// functions (weather, local time, events) as often as it needs; the
// ToolRunner runs the calls of each turn in parallel, sends the results
// back, and stops when the model answers. With ZAI_API_KEY set it calls the
// real API; without, the built-in fake server plays a scripted model.
//
//	go run ./examples/agent
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

// CityArgs are the arguments of the city tools. The schema the model sees
// comes from this struct.
type CityArgs struct {
	City string `json:"city" jsonschema:"the city name, such as Paris"`
}

// Weather is what get_weather returns; it reaches the model as JSON.
type Weather struct {
	City  string `json:"city"`
	TempC int    `json:"temp_c"`
	Sky   string `json:"sky"`
}

// EventArgs filter the events.
type EventArgs struct {
	City    string `json:"city"`
	Outdoor *bool  `json:"outdoor,omitempty" jsonschema:"only outdoor (true) or indoor (false) events"`
}

// Event is one thing to do.
type Event struct {
	Name    string `json:"name"`
	Starts  string `json:"starts"`
	Outdoor bool   `json:"outdoor"`
}

var events = []Event{
	{"Louvre late opening", "18:00", false},
	{"Seine river cruise", "16:30", true},
	{"Jazz at Le Caveau", "21:00", false},
}

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	client, fake, err := zaitest.RealOrFake() // the real API with ZAI_API_KEY, else a fake server
	if err != nil {
		return err
	}
	defer fake.Close()
	if fake != nil {
		script(fake) // the replies a real model would give
	}

	weather := zai.NewTool("get_weather", "Current weather in a city",
		func(ctx context.Context, in CityArgs) (Weather, error) {
			return Weather{City: in.City, TempC: 14, Sky: "light rain"}, nil
		})
	localTime := zai.NewTool("local_time", "The local time in a city",
		func(ctx context.Context, in CityArgs) (string, error) {
			if !strings.EqualFold(in.City, "Paris") {
				return "", fmt.Errorf("no time zone known for %q", in.City)
			}
			return time.Date(2026, 5, 2, 15, 10, 0, 0, time.UTC).Format("Mon 15:04"), nil
		})
	findEvents := zai.NewTool("find_events", "Events later today in a city",
		func(ctx context.Context, in EventArgs) ([]Event, error) {
			var out []Event
			for _, e := range events {
				if in.Outdoor == nil || *in.Outdoor == e.Outdoor {
					out = append(out, e)
				}
			}
			return out, nil
		})

	runner := zai.NewToolRunner(client, zai.ChatCompletionRequest{
		Model: zai.ModelGLM4_7Flash,
		Messages: []zai.Message{
			zai.SystemMessage("You plan afternoons. Use the tools; do not guess the weather, the time or the events."),
			zai.UserMessage("I'm in Paris this afternoon. What should I do?"),
		},
	}, weather, localTime, findEvents)
	runner.Parallel = true // the calls of one turn run concurrently
	runner.MaxTurns = 6

	tokens := 0
	for turn, err := range runner.All(ctx) {
		if err != nil {
			return err // errors.Is(err, zai.ErrMaxTurns) if the model never stops
		}
		tokens += turn.Usage.TotalTokens
		msg := turn.Choices[0].Message
		for _, call := range msg.ToolCalls {
			fmt.Printf("→ %s(%s)\n", call.Function.Name, call.Function.Arguments)
		}
		if len(msg.ToolCalls) == 0 {
			fmt.Println()
			fmt.Println(msg.Content)
		}
	}

	// What the tools answered, as the model saw it.
	fmt.Println()
	for _, m := range runner.Request.Messages {
		if m.Role == zai.RoleTool {
			fmt.Printf("← %s: %s\n", m.ToolCallID, m.Content)
		}
	}
	fmt.Printf("\n%d messages, %d tokens\n", len(runner.Request.Messages), tokens)
	return nil
}

// script plays a model that asks for the weather and the time together,
// then for indoor events because it rains, then answers.
func script(srv *zaitest.Server) {
	srv.ReplyToolCalls(
		zaitest.ToolCall("call_weather", "get_weather", `{"city":"Paris"}`),
		zaitest.ToolCall("call_time", "local_time", `{"city":"Paris"}`),
	)
	srv.ReplyToolCalls(zaitest.ToolCall("call_events", "find_events", `{"city":"Paris","outdoor":false}`))
	srv.ReplyContent("It's 15:10 and drizzling (14°C), so stay indoors: the Louvre's late opening " +
		"starts at 18:00, and Jazz at Le Caveau at 21:00 rounds off the evening.")
}
