//go:build fantasysuite

package providertests

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"charm.land/fantasy"
	"charm.land/x/vcr"
	_ "github.com/joho/godotenv" // imported by fantasy's common_test.go, added by the overlay
	"github.com/stretchr/testify/require"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaifantasy"
)

// casePrefix is the name fantasy's suite gives its Z.ai cases, so that
// vcr finds their cassettes (testdata/<test name>.yaml).
const casePrefix = "zai-glm-4-7-flash"

// TestMain runs the suite in fantasy's providertests directory, where the
// cassettes are (the parent test passes its path). The cassettes are only
// read: the recorder writes nothing when every request matches.
func TestMain(m *testing.M) {
	dir := os.Getenv("FANTASY_PROVIDERTESTS_DIR")
	if dir == "" {
		println("FANTASY_PROVIDERTESTS_DIR is not set: run TestFantasyProviderSuite in the parent package")
		os.Exit(2)
	}
	if err := os.Chdir(dir); err != nil {
		println(err.Error())
		os.Exit(2)
	}
	os.Exit(m.Run())
}

// The three suites below carry the names of fantasy's OpenAI-compatible
// suites, whose Z.ai cassettes they replay, with zaifantasy in place of
// openaicompat.

func TestOpenAICompatibleCommon(t *testing.T) {
	testCommon(t, []builderPair{{casePrefix, builderZai, nil, nil}})
}

func TestOpenAICompatObjectGeneration(t *testing.T) {
	testObjectGeneration(t, []builderPair{{casePrefix, builderZai, nil, nil}})
}

func TestOpenAICompatibleThinking(t *testing.T) {
	opts := zaifantasy.NewProviderOptions(&zaifantasy.ProviderOptions{ReasoningEffort: zai.ReasoningEffortHigh})
	testThinking(t, []builderPair{{casePrefix, builderZai, opts, nil}}, checkReasoning)
}

// builderZai is the model the cassettes were recorded with, on the Coding
// Plan route, through zaifantasy. It refuses to run without the case's
// cassette, which would otherwise record against the live API.
func builderZai(t *testing.T, r *vcr.Recorder) (fantasy.LanguageModel, error) {
	cassette := filepath.Join("testdata", t.Name()+".yaml")
	if _, err := os.Stat(cassette); err != nil {
		t.Fatalf("no cassette for %s: %v", t.Name(), err)
	}
	key := os.Getenv("FANTASY_ZAI_API_KEY")
	if key == "" {
		key = "replay-only"
	}
	client, err := zai.NewClient(
		zai.WithAPIKey(key),
		zai.WithBaseURL(zai.CodingBaseURL),
		zai.WithHTTPClient(&http.Client{Transport: r}),
		zai.WithMaxRetries(0), // a request the cassette lacks fails once, with vcr's diff
	)
	if err != nil {
		return nil, err
	}
	provider, err := zaifantasy.New(zaifantasy.WithClient(client))
	if err != nil {
		return nil, err
	}
	return provider.LanguageModel(t.Context(), "glm-4.7-flash")
}

// checkReasoning is what the suite asks of every OpenAI-compatible model
// that thinks: reasoning content in the steps' messages.
func checkReasoning(t *testing.T, result *fantasy.AgentResult) {
	n := 0
	for _, step := range result.Steps {
		for _, msg := range step.Messages {
			for _, c := range msg.Content {
				if c.GetType() == fantasy.ContentTypeReasoning {
					n++
				}
			}
		}
	}
	require.Greater(t, n, 0, "expected reasoning content, got none")
}
