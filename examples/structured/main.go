// Structured output: the model's answer decoded into a Go struct, checked
// against the struct's JSON Schema, and asked again once if it does not fit.
// Then the same with the reply streamed as it is written. With ZAI_API_KEY
// set it calls the real API; without, the built-in fake server plays a
// scripted model.
//
//	go run ./examples/structured
package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

// Recipe is what we want back. The json tags name the fields, the
// jsonschema tags describe them to the model, omitempty makes one optional.
type Recipe struct {
	Name        string       `json:"name"`
	Servings    int          `json:"servings"`
	Minutes     int          `json:"minutes" jsonschema:"total preparation and cooking time"`
	Ingredients []Ingredient `json:"ingredients"`
	Steps       []string     `json:"steps"`
	Tip         *string      `json:"tip,omitempty" jsonschema:"an optional serving tip"`
}

// Ingredient is one line of the shopping list.
type Ingredient struct {
	Item     string `json:"item"`
	Quantity string `json:"quantity" jsonschema:"amount with its unit, such as 200 g"`
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

	req := zai.ChatCompletionRequest{
		Model:    zai.ModelGLM4_7Flash,
		Messages: []zai.Message{zai.UserMessage("A quick tomato pasta for two.")},
		Thinking: &zai.Thinking{Type: zai.ThinkingTypeDisabled},
	}
	recipe, resp, err := zai.CreateStructured[Recipe](ctx, client, req)
	if err != nil {
		return err // errors.Is(err, zai.ErrStructuredOutput) if the model never complied
	}
	fmt.Printf("%s (serves %d, %d min)\n", recipe.Name, recipe.Servings, recipe.Minutes)
	for _, in := range recipe.Ingredients {
		fmt.Printf("  - %-12s %s\n", in.Item, in.Quantity)
	}
	for i, step := range recipe.Steps {
		fmt.Printf("  %d. %s\n", i+1, step)
	}
	if recipe.Tip != nil {
		fmt.Println("  Tip:", *recipe.Tip)
	}
	fmt.Printf("(%d tokens)\n\n", resp.Usage.TotalTokens)

	// Streamed: show the JSON as it is written, then use the decoded value.
	req.Messages = []zai.Message{zai.UserMessage("A green salad for four.")}
	fmt.Print("streaming: ")
	attempt := 1
	for step, err := range zai.CreateStructuredStream[Recipe](ctx, client, req) {
		if err != nil {
			return err
		}
		if step.Attempt != attempt { // the first reply did not fit the schema
			attempt = step.Attempt
			fmt.Print("\n(invalid, asked again)\nstreaming: ")
		}
		if step.Done {
			fmt.Printf("\ndecoded: %s with %d ingredients (attempt %d)\n", step.Value.Name, len(step.Value.Ingredients), step.Attempt)
			break
		}
		fmt.Print(step.Content)
	}
	return nil
}

// script gives the fake server replies like a real model's: the first in a
// code fence (which CreateStructured strips), the second missing a required
// field (so it asks once more) and then complete.
func script(srv *zaitest.Server) {
	srv.ReplyContent("```json\n" + `{"name": "Tomato pasta", "servings": 2, "minutes": 20,
  "ingredients": [{"item": "spaghetti", "quantity": "200 g"}, {"item": "tomatoes", "quantity": "400 g"}, {"item": "garlic", "quantity": "2 cloves"}],
  "steps": ["Boil the pasta.", "Simmer tomatoes with garlic for 10 minutes.", "Toss together."],
  "tip": "Finish with basil and olive oil."}` + "\n```")
	salad := `{"name": "Green salad", "servings": 4, "minutes": 10, "ingredients": [{"item": "lettuce", "quantity": "1 head"}, {"item": "cucumber", "quantity": "1"}], "steps": ["Wash.", "Chop.", "Dress."]}`
	srv.ReplyStreamMessage(zai.Message{Content: strings.Replace(salad, `"minutes": 10, `, "", 1)})
	srv.ReplyStreamMessage(zai.Message{Content: salad})
}
