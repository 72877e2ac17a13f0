package zai

import "testing"

func TestModelOf(t *testing.T) {
	for body, want := range map[string]string{
		`{"model":"glm-4.7","messages":[]}`:                                   "glm-4.7",
		`{ "model" : "glm-4.7" }`:                                             "glm-4.7",
		`{"messages":[{"content":"{\"model\":\"fake\"}"}],"model":"real"}`:    "real",
		`{"tools":[{"parameters":{"model":{"type":"string"}}}],"model":"m2"}`: "m2",
		`{"a":"\\","model":"after-escape"}`:                                   "after-escape",
		`{"model":"es\u0063aped"}`:                                            "escaped",
		`{"input":"x"}`:                                                       "",
		`{"model":5}`:                                                         "",
		``:                                                                    "",
	} {
		if got := modelOf([]byte(body)); got != want {
			t.Errorf("modelOf(%s) = %q, want %q", body, got, want)
		}
	}
}

func TestOperationOf(t *testing.T) {
	for path, want := range map[string]string{
		"/chat/completions":                        "chat",
		"/async/chat/completions":                  "chat",
		"/embeddings":                              "embeddings",
		"/async/images/generations":                "image_generation",
		"/files/parser/create":                     "file_parser",
		"/files/abc/content":                       "files",
		"/v1/agents/async-result":                  "invoke_agent",
		"/async-result/t1":                         "async_result",
		"/something/new":                           "something",
		"/zrag/agent/chat":                         "invoke_agent",
		"/zrag/retrieval/retrieve":                 "retrieval",
		"/llm-application/open/knowledge/retrieve": "retrieval",
		"/llm-application/open/document/abc":       "knowledge",
		"/monitor/usage/quota/limit":               "coding_plan",
	} {
		if got := operationOf(path); got != want {
			t.Errorf("operationOf(%q) = %q, want %q", path, got, want)
		}
	}
}
