package zai_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

func ExampleSchemaFor() {
	type Forecast struct {
		City  string   `json:"city" jsonschema:"the city asked about"`
		TempC float64  `json:"temp_c"`
		Notes []string `json:"notes,omitempty"`
	}
	schema, err := zai.SchemaFor[Forecast]()
	if err != nil {
		log.Fatal(err)
	}
	b, _ := json.MarshalIndent(schema, "", "  ")
	fmt.Println(string(b))
	// Output:
	// {
	//   "additionalProperties": false,
	//   "properties": {
	//     "city": {
	//       "description": "the city asked about",
	//       "type": "string"
	//     },
	//     "notes": {
	//       "items": {
	//         "type": "string"
	//       },
	//       "type": "array"
	//     },
	//     "temp_c": {
	//       "type": "number"
	//     }
	//   },
	//   "required": [
	//     "city",
	//     "temp_c"
	//   ],
	//   "type": "object"
	// }
}

func ExampleCreateStructured() {
	srv := zaitest.Start()
	defer srv.Close()
	// The model wraps its JSON in a code fence; CreateStructured strips it.
	srv.ReplyContent("```json\n{\"city\": \"Paris\", \"temp_c\": 21.5}\n```")

	type Forecast struct {
		City  string  `json:"city"`
		TempC float64 `json:"temp_c"`
	}
	f, _, err := zai.CreateStructured[Forecast](context.Background(), srv.Client(), zai.ChatCompletionRequest{
		Model:    zai.ModelGLM4_7,
		Messages: []zai.Message{zai.UserMessage("What's the weather in Paris?")},
	})
	if err != nil {
		log.Fatal(err) // errors.Is(err, zai.ErrStructuredOutput) if the model never complied
	}
	fmt.Printf("%s: %.1f°C\n", f.City, f.TempC)
	// Output:
	// Paris: 21.5°C
}

func ExampleNewToolRunner() {
	srv := zaitest.Start()
	defer srv.Close()
	srv.ReplyToolCalls(zaitest.ToolCall("call_1", "get_weather", `{"city":"Paris"}`))
	srv.ReplyContent("It is 22°C and clear in Paris.")

	type WeatherArgs struct {
		City string `json:"city" jsonschema:"the city name"`
	}
	type Weather struct {
		TempC int    `json:"temp_c"`
		Sky   string `json:"sky"`
	}
	weather := zai.NewTool("get_weather", "Current weather for a city",
		func(ctx context.Context, in WeatherArgs) (Weather, error) {
			fmt.Println("get_weather", in.City)
			return Weather{TempC: 22, Sky: "clear"}, nil
		})

	runner := zai.NewToolRunner(srv.Client(), zai.ChatCompletionRequest{
		Model:    zai.ModelGLM4_7,
		Messages: []zai.Message{zai.UserMessage("What's the weather in Paris?")},
	}, weather)
	final, err := runner.Run(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(final.Choices[0].Message.Content)
	fmt.Println(len(runner.Request.Messages), "messages in the conversation")
	// Output:
	// get_weather Paris
	// It is 22°C and clear in Paris.
	// 4 messages in the conversation
}
