package zaieino

import (
	"context"
	"errors"
	"io"

	"github.com/cloudwego/eino/schema"
)

// StreamToolCallChecker reports whether a streamed reply calls a tool, for
// react.AgentConfig.StreamToolCallChecker. eino's default looks only at the
// first chunk with content, and GLM often writes a sentence before its tool
// calls; this one reads until a tool call or the end of the stream. The
// price: when there is no call, the agent passes the answer on only once the
// model has finished that turn. It closes the stream.
func StreamToolCallChecker(_ context.Context, sr *schema.StreamReader[*schema.Message]) (bool, error) {
	defer sr.Close()
	for {
		msg, err := sr.Recv()
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if len(msg.ToolCalls) > 0 {
			return true, nil
		}
	}
}
