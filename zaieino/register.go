package zaieino

import (
	"github.com/cloudwego/eino/schema"

	"github.com/zai-go/zai"
)

// The types zaieino puts in a message's Extra, and in its callbacks' Extra,
// registered with eino's serialization, so that a graph or an adk agent can
// checkpoint a message that carries them (compose's default serializer
// needs the element type, the gob one of adk the slice itself). The names
// are stored in checkpoints: they never change.
func init() {
	schema.RegisterName[zai.WebSearchResult]("_zaieino_web_search_result")
	schema.RegisterName[[]zai.WebSearchResult]("_zaieino_web_search_results")
	schema.RegisterName[zai.ThinkingType]("_zaieino_thinking_type")
	schema.RegisterName[zai.ReasoningEffort]("_zaieino_reasoning_effort")
}
