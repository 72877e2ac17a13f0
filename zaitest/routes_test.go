package zaitest_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

// route is a call through the SDK's public API that reaches one route,
// setting up what the route needs first (a stored file, a task).
type route func(t *testing.T, c *zai.Client) error

// sdkRoutes lists every route the SDK sends to, as "METHOD /path" with the
// path as in zaitest.Request.Path and {} for a segment the caller fills.
// TestEveryRouteHasADefault checks it against the root package's source: a
// new endpoint fails the test until it has a default and an entry here.
var sdkRoutes = map[string]route{
	"POST /chat/completions": func(t *testing.T, c *zai.Client) error {
		_, err := c.Chat.Completions.Create(ctx, req("hi"))
		return err
	},
	"POST /async/chat/completions": func(t *testing.T, c *zai.Client) error {
		_, err := c.Chat.Completions.CreateAsync(ctx, req("hi"))
		return err
	},
	"POST /images/generations": func(t *testing.T, c *zai.Client) error {
		_, err := c.Images.Generate(ctx, zai.ImageRequest{Model: zai.ModelGLMImage, Prompt: "a cat"})
		return err
	},
	"POST /async/images/generations": func(t *testing.T, c *zai.Client) error {
		_, err := c.Images.GenerateAsync(ctx, zai.ImageRequest{Model: zai.ModelGLMImage, Prompt: "a cat"})
		return err
	},
	"POST /videos/generations": func(t *testing.T, c *zai.Client) error {
		_, err := c.Videos.Generate(ctx, zai.VideoRequest{Model: zai.ModelCogVideoX3, Prompt: "a cat"})
		return err
	},
	"GET /async-result/{}": func(t *testing.T, c *zai.Client) error {
		task, err := c.Videos.Generate(ctx, zai.VideoRequest{Model: zai.ModelCogVideoX3, Prompt: "a cat"})
		if err != nil {
			return err
		}
		_, err = c.AsyncResult.Get(ctx, task.ID)
		return err
	},
	"POST /audio/speech": func(t *testing.T, c *zai.Client) error {
		return readSpeech(c.Audio.Speech.Create(ctx, zai.SpeechRequest{Model: zai.ModelGLMTTS, Input: "hi", Voice: zai.VoiceTongtong}))
	},
	"POST /audio/customization": func(t *testing.T, c *zai.Client) error {
		return readSpeech(c.Audio.Speech.CreateCustom(ctx, zai.SpeechCustomizationRequest{Model: "cogtts", Input: "hi", VoiceText: "sample",
			VoiceData: zai.FileInput{Reader: strings.NewReader("RIFF"), Name: "s.wav"}}))
	},
	"POST /audio/transcriptions": func(t *testing.T, c *zai.Client) error {
		_, err := c.Audio.Transcriptions.Create(ctx, zai.TranscriptionRequest{Model: zai.ModelGLMASR, File: zai.FileInput{Reader: strings.NewReader("RIFF"), Name: "a.wav"}})
		return err
	},
	"POST /voice/clone": func(t *testing.T, c *zai.Client) error {
		_, err := cloneVoice(c)
		return err
	},
	"GET /voice/list": func(t *testing.T, c *zai.Client) error {
		_, err := c.Voices.List(ctx, zai.VoiceListRequest{})
		return err
	},
	"POST /voice/delete": func(t *testing.T, c *zai.Client) error {
		v, err := cloneVoice(c)
		if err != nil {
			return err
		}
		_, err = c.Voices.Delete(ctx, zai.VoiceDeleteRequest{Voice: v})
		return err
	},
	"POST /files": func(t *testing.T, c *zai.Client) error {
		_, err := uploadText(c, "notes.txt", "notes", zai.FilePurposeAgent)
		return err
	},
	"GET /files": func(t *testing.T, c *zai.Client) error {
		_, err := c.Files.List(ctx, zai.FileListRequest{})
		return err
	},
	"DELETE /files/{}": func(t *testing.T, c *zai.Client) error {
		id, err := uploadText(c, "notes.txt", "notes", zai.FilePurposeAgent)
		if err != nil {
			return err
		}
		_, err = c.Files.Delete(ctx, id)
		return err
	},
	"GET /files/{}/content": func(t *testing.T, c *zai.Client) error {
		id, err := uploadText(c, "notes.txt", "notes", zai.FilePurposeAgent)
		if err != nil {
			return err
		}
		body, err := c.Files.Download(ctx, id)
		if err != nil {
			return err
		}
		defer body.Close()
		_, err = io.ReadAll(body)
		return err
	},
	"POST /batches": func(t *testing.T, c *zai.Client) error {
		_, err := createBatch(c)
		return err
	},
	"GET /batches": func(t *testing.T, c *zai.Client) error {
		_, err := c.Batches.List(ctx, zai.BatchListRequest{})
		return err
	},
	"GET /batches/{}": func(t *testing.T, c *zai.Client) error {
		id, err := createBatch(c)
		if err != nil {
			return err
		}
		_, err = c.Batches.Get(ctx, id)
		return err
	},
	"POST /batches/{}/cancel": func(t *testing.T, c *zai.Client) error {
		id, err := createBatch(c)
		if err != nil {
			return err
		}
		_, err = c.Batches.Cancel(ctx, id)
		return err
	},
	"POST /layout_parsing": func(t *testing.T, c *zai.Client) error {
		_, err := c.OCR.ParseLayout(ctx, zai.LayoutParsingRequest{Model: zai.ModelGLMOCR, File: "https://example.com/a.pdf"})
		return err
	},
	"POST /files/ocr": func(t *testing.T, c *zai.Client) error {
		_, err := c.OCR.RecognizeHandwriting(ctx, zai.HandwritingRequest{File: zai.FileInput{Reader: strings.NewReader("a line"), Name: "n.png"}})
		return err
	},
	"POST /files/parser/sync": func(t *testing.T, c *zai.Client) error {
		_, err := c.FileParser.Parse(ctx, parseDoc())
		return err
	},
	"POST /files/parser/create": func(t *testing.T, c *zai.Client) error {
		_, err := c.FileParser.ParseAsync(ctx, parseDoc())
		return err
	},
	"GET /files/parser/result/{}/{}": func(t *testing.T, c *zai.Client) error {
		task, err := c.FileParser.ParseAsync(ctx, parseDoc())
		if err != nil {
			return err
		}
		_, err = c.FileParser.GetResult(ctx, task.TaskID, zai.ParseFormatText)
		return err
	},
	"POST /v1/agents": func(t *testing.T, c *zai.Client) error {
		_, err := c.Agents.Invoke(ctx, zai.NewTranslationRequest("hi", zai.TranslationVariables{}))
		return err
	},
	"POST /v1/agents/async-result": func(t *testing.T, c *zai.Client) error {
		res, err := c.Agents.Invoke(ctx, zai.NewVideoEffectsRequest("bodyshake", "dance", "https://example.com/me.png"))
		if err != nil {
			return err
		}
		_, err = c.Agents.GetAsyncResult(ctx, zai.AgentAsyncResultRequest{AgentID: zai.AgentVideoEffects, AsyncID: res.AsyncID})
		return err
	},
	"POST /v1/agents/conversation": func(t *testing.T, c *zai.Client) error {
		res, err := c.Agents.Invoke(ctx, zai.NewSlidesRequest("Deck", ""))
		if err != nil {
			return err
		}
		_, err = c.Agents.GetConversation(ctx, zai.AgentConversationRequest{AgentID: zai.AgentSlides, ConversationID: res.ConversationID})
		return err
	},
	"POST /embeddings": func(t *testing.T, c *zai.Client) error {
		_, err := c.Embeddings.Create(ctx, zai.EmbeddingRequest{Model: zai.ModelEmbedding3, Input: zai.EmbeddingTexts("a cat")})
		return err
	},
	"POST /web_search": func(t *testing.T, c *zai.Client) error {
		_, err := c.WebSearch.Search(ctx, zai.WebSearchRequest{SearchEngine: zai.SearchEnginePrime, SearchQuery: "golang"})
		return err
	},
	"POST /tools": func(t *testing.T, c *zai.Client) error {
		_, err := c.WebSearch.SearchPro(ctx, proReq("golang"))
		return err
	},
	"POST /reader": func(t *testing.T, c *zai.Client) error {
		_, err := c.Reader.Read(ctx, zai.ReaderRequest{URL: "https://go.dev"})
		return err
	},
	"POST /tokenizer": func(t *testing.T, c *zai.Client) error {
		_, err := c.Tokenizer.Count(ctx, zai.TokenizerRequest{Model: zai.ModelGLM4_6, Messages: []zai.Message{zai.UserMessage("hi")}})
		return err
	},
	"POST /moderations": func(t *testing.T, c *zai.Client) error {
		_, err := c.Moderations.Create(ctx, zai.ModerationRequest{Model: zai.ModelModeration, Input: zai.ModerationText("hi")})
		return err
	},
	"POST /rerank": func(t *testing.T, c *zai.Client) error {
		_, err := c.Rerank.Create(ctx, zai.RerankRequest{Model: zai.ModelRerank, Query: "q", Documents: []string{"a q"}})
		return err
	},
	"GET /models": func(t *testing.T, c *zai.Client) error {
		_, err := c.Models.List(ctx)
		return err
	},
	"GET /monitor/usage/quota/limit": func(t *testing.T, c *zai.Client) error {
		_, err := c.CodingPlan.GetQuota(ctx)
		return err
	},
	"GET /monitor/usage/model-usage": func(t *testing.T, c *zai.Client) error {
		_, err := c.CodingPlan.GetModelUsage(ctx, usageWindow())
		return err
	},
	"GET /monitor/usage/tool-usage": func(t *testing.T, c *zai.Client) error {
		_, err := c.CodingPlan.GetToolUsage(ctx, usageWindow())
		return err
	},
	"POST /monitor/feedback/case": func(t *testing.T, c *zai.Client) error {
		_, err := c.CodingPlan.CreateFeedback(ctx, zai.CodingPlanFeedbackRequest{Feedback: "slow", Context: "a session"})
		return err
	},
	"POST /llm-application/open/knowledge": func(t *testing.T, c *zai.Client) error {
		_, err := createKnowledge(c)
		return err
	},
	"GET /llm-application/open/knowledge": func(t *testing.T, c *zai.Client) error {
		_, err := c.Knowledge.List(ctx, zai.KnowledgeListRequest{})
		return err
	},
	"GET /llm-application/open/knowledge/capacity": func(t *testing.T, c *zai.Client) error {
		_, err := c.Knowledge.GetCapacity(ctx)
		return err
	},
	"GET /llm-application/open/knowledge/{}": func(t *testing.T, c *zai.Client) error {
		id, err := createKnowledge(c)
		if err != nil {
			return err
		}
		_, err = c.Knowledge.Get(ctx, id)
		return err
	},
	"PUT /llm-application/open/knowledge/{}": func(t *testing.T, c *zai.Client) error {
		id, err := createKnowledge(c)
		if err != nil {
			return err
		}
		return c.Knowledge.Update(ctx, id, zai.KnowledgeUpdateRequest{Name: "renamed"})
	},
	"DELETE /llm-application/open/knowledge/{}": func(t *testing.T, c *zai.Client) error {
		id, err := createKnowledge(c)
		if err != nil {
			return err
		}
		return c.Knowledge.Delete(ctx, id)
	},
	"POST /llm-application/open/knowledge/retrieve": func(t *testing.T, c *zai.Client) error {
		id, _, err := knowledgeWithDocument(c)
		if err != nil {
			return err
		}
		_, err = c.Knowledge.Retrieve(ctx, zai.KnowledgeRetrieveRequest{Query: "annual leave", KnowledgeIDs: []string{id}})
		return err
	},
	"GET /llm-application/open/document": func(t *testing.T, c *zai.Client) error {
		id, err := createKnowledge(c)
		if err != nil {
			return err
		}
		_, err = c.Knowledge.Documents.List(ctx, zai.KnowledgeDocumentListRequest{KnowledgeID: id})
		return err
	},
	"POST /llm-application/open/document/upload_document/{}": func(t *testing.T, c *zai.Client) error {
		_, _, err := knowledgeWithDocument(c)
		return err
	},
	"POST /llm-application/open/document/upload_url": func(t *testing.T, c *zai.Client) error {
		id, err := createKnowledge(c)
		if err != nil {
			return err
		}
		_, err = c.Knowledge.Documents.UploadURLs(ctx, zai.KnowledgeURLUploadRequest{KnowledgeID: id,
			Details: []zai.KnowledgeURL{{URL: "https://example.com/handbook.pdf", KnowledgeType: zai.KnowledgeTypeTitleParagraph}}})
		return err
	},
	"GET /llm-application/open/document/{}": func(t *testing.T, c *zai.Client) error {
		_, doc, err := knowledgeWithDocument(c)
		if err != nil {
			return err
		}
		_, err = c.Knowledge.Documents.Get(ctx, doc)
		return err
	},
	"DELETE /llm-application/open/document/{}": func(t *testing.T, c *zai.Client) error {
		_, doc, err := knowledgeWithDocument(c)
		if err != nil {
			return err
		}
		return c.Knowledge.Documents.Delete(ctx, doc)
	},
	"POST /llm-application/open/document/embedding/{}": func(t *testing.T, c *zai.Client) error {
		_, doc, err := knowledgeWithDocument(c)
		if err != nil {
			return err
		}
		return c.Knowledge.Documents.Embed(ctx, doc, zai.KnowledgeDocumentEmbedRequest{})
	},
	"POST /llm-application/open/document/slice/image_list/{}": func(t *testing.T, c *zai.Client) error {
		_, doc, err := knowledgeWithDocument(c)
		if err != nil {
			return err
		}
		_, err = c.Knowledge.Documents.ListImages(ctx, doc)
		return err
	},
	"POST /zrag/retrieval/retrieve": func(t *testing.T, c *zai.Client) error {
		id, _, err := knowledgeWithDocument(c)
		if err != nil {
			return err
		}
		_, err = c.Retrieval.Retrieve(ctx, zai.RetrievalRequest{Query: "annual leave", Knows: []zai.RetrievalKnowledge{{ID: id}}})
		return err
	},
	"POST /zrag/agent/chat": func(t *testing.T, c *zai.Client) error {
		id, _, err := knowledgeWithDocument(c)
		if err != nil {
			return err
		}
		stream, err := c.QAAgent.InvokeStream(ctx, zai.QAAgentRequest{Messages: []zai.Message{zai.UserMessage("annual leave?")},
			Retrieval: zai.QAAgentRetrieval{KnowIDs: []string{id}}})
		if err != nil {
			return err
		}
		for _, err := range stream.All() {
			if err != nil {
				return err
			}
		}
		return nil
	},
}

func createKnowledge(c *zai.Client) (string, error) {
	kb, err := c.Knowledge.Create(ctx, zai.KnowledgeCreateRequest{EmbeddingID: zai.KnowledgeEmbeddingID3, Name: "handbook"})
	if err != nil {
		return "", err
	}
	return kb.ID, nil
}

// knowledgeWithDocument makes a knowledge base holding one document and
// returns both ids.
func knowledgeWithDocument(c *zai.Client) (string, string, error) {
	id, err := createKnowledge(c)
	if err != nil {
		return "", "", err
	}
	up, err := c.Knowledge.Documents.Upload(ctx, zai.KnowledgeDocumentUploadRequest{KnowledgeID: id,
		Files: []zai.FileInput{{Reader: strings.NewReader("Annual leave is 15 days.\n\nSick leave needs a note."), Name: "leave.md"}}})
	if err != nil {
		return "", "", err
	}
	if len(up.SuccessInfos) != 1 {
		return "", "", fmt.Errorf("upload: %+v", up)
	}
	return id, up.SuccessInfos[0].DocumentID, nil
}

func readSpeech(resp *zai.SpeechResponse, err error) error {
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.ReadAll(resp.Body)
	return err
}

func uploadText(c *zai.Client, name, content string, purpose zai.FilePurpose) (string, error) {
	f, err := c.Files.Upload(ctx, zai.FileUploadRequest{File: zai.FileInput{Reader: strings.NewReader(content), Name: name}, Purpose: purpose})
	if err != nil {
		return "", err
	}
	return f.ID, nil
}

func cloneVoice(c *zai.Client) (string, error) {
	id, err := uploadText(c, "sample.wav", string(zaitest.WAV(zaitest.Tone("sample"), "")), zai.FilePurposeVoiceCloneInput)
	if err != nil {
		return "", err
	}
	v, err := c.Voices.Clone(ctx, zai.VoiceCloneRequest{Model: zai.ModelGLMTTSClone, VoiceName: "me", FileID: id})
	if err != nil {
		return "", err
	}
	return v.Voice, nil
}

func createBatch(c *zai.Client) (string, error) {
	id, err := uploadText(c, "in.jsonl", `{"custom_id":"1","method":"POST","url":"/v4/chat/completions","body":{"model":"glm-4.7","messages":[{"role":"user","content":"hi"}]}}`+"\n", zai.FilePurposeBatch)
	if err != nil {
		return "", err
	}
	b, err := c.Batches.Create(ctx, zai.BatchCreateRequest{InputFileID: id, Endpoint: zai.BatchEndpointChatCompletions})
	if err != nil {
		return "", err
	}
	return b.ID, nil
}

func parseDoc() zai.FileParseRequest {
	return zai.FileParseRequest{File: zai.FileInput{Reader: strings.NewReader("A report."), Name: "r.txt"}, FileType: "txt", ToolType: zai.ParserToolLite}
}

func usageWindow() zai.UsageRequest {
	start := time.Unix(zaitest.Created, 0)
	return zai.UsageRequest{Start: start, End: start.Add(3 * time.Hour)}
}

// routePattern turns a received request into its sdkRoutes key.
func routePattern(method, path string, keys []string) (string, bool) {
	for _, k := range keys {
		m, p, _ := strings.Cut(k, " ")
		re := "^" + strings.ReplaceAll(regexp.QuoteMeta(p), `\{\}`, `[^/]+`) + "$"
		if m == method && regexp.MustCompile(re).MatchString(path) {
			return k, true
		}
	}
	return "", false
}

// TestEveryRouteHasADefault calls every route of sdkRoutes through the SDK
// against a fresh server and checks that the route is one the SDK has and
// that the default answers it with success.
func TestEveryRouteHasADefault(t *testing.T) {
	source := sourceRoutes(t)
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range sdkRoutes {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range source {
		if _, ok := sdkRoutes[k]; !ok {
			t.Errorf("the SDK sends %s, which sdkRoutes does not list: give zaitest a default for it and add it here", k)
		}
	}
	for _, k := range keys {
		if !slices.Contains(source, k) {
			t.Errorf("sdkRoutes lists %s, which no Path in the root package sends to", k)
		}
	}
	if len(source) < 30 {
		t.Fatalf("only %d routes found in the source: %v", len(source), source)
	}

	for _, k := range keys {
		t.Run(strings.ReplaceAll(k, "/", "_"), func(t *testing.T) {
			srv := zaitest.NewServer(t)
			if err := sdkRoutes[k](t, srv.Client(zai.WithMaxRetries(0))); err != nil {
				t.Fatalf("%s: %v", k, err)
			}
			reached := false
			for _, r := range srv.Requests() {
				got, ok := routePattern(r.Method, r.Path, keys)
				if !ok {
					t.Errorf("%s %s matches no route of sdkRoutes", r.Method, r.Path)
				}
				reached = reached || got == k
			}
			if !reached {
				t.Fatalf("the call of %s never reached it: %v", k, srv.Requests())
			}
		})
	}
}

// sourceRoutes reads the routes the root package sends to from its non-test
// files: every core.Request literal whose Path is a string (literals joined
// with "+", other operands as {}), and every string literal passed where a
// function forwards its parameter to such a Path (multipartRequest, a
// form helper, getMonitor), with the method taken the same way. Root
// paths (agents, monitor) are relative to the /api root, as
// zaitest.Request.Path is.
func sourceRoutes(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	names, err := filepath.Glob("../*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, n := range names {
		if strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, n, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}

	// taker says where a function takes the path of its request (and the
	// method, or the method it always uses).
	type taker struct {
		pathArg, methodArg int
		method             string
	}
	takers := map[string]taker{}
	routes := map[string]bool{}

	// strExpr renders "a" + x + "b" as "a{}b"; ok is false when no literal
	// starts it.
	var strExpr func(e ast.Expr) (string, bool)
	strExpr = func(e ast.Expr) (string, bool) {
		switch x := e.(type) {
		case *ast.BasicLit:
			if x.Kind == token.STRING {
				s, err := strconv.Unquote(x.Value)
				return s, err == nil
			}
		case *ast.BinaryExpr:
			if x.Op == token.ADD {
				l, ok := strExpr(x.X)
				if !ok {
					return "", false
				}
				r, ok := strExpr(x.Y)
				if !ok {
					r = "{}"
				}
				return l + r, true
			}
		}
		return "", false
	}
	methodOf := func(e ast.Expr) string {
		if sel, ok := e.(*ast.SelectorExpr); ok && strings.HasPrefix(sel.Sel.Name, "Method") {
			return strings.ToUpper(strings.TrimPrefix(sel.Sel.Name, "Method"))
		}
		return ""
	}
	paramIndex := func(fn *ast.FuncDecl, e ast.Expr) int {
		id, ok := e.(*ast.Ident)
		if !ok {
			return -1
		}
		i := 0
		for _, f := range fn.Type.Params.List {
			for _, n := range f.Names {
				if n.Name == id.Name {
					return i
				}
				i++
			}
			if len(f.Names) == 0 {
				i++
			}
		}
		return -1
	}
	calleeName := func(c *ast.CallExpr) string {
		fun := c.Fun
		if ix, ok := fun.(*ast.IndexExpr); ok { // a generic instantiation
			fun = ix.X
		}
		if ix, ok := fun.(*ast.IndexListExpr); ok {
			fun = ix.X
		}
		switch f := fun.(type) {
		case *ast.Ident:
			return f.Name
		case *ast.SelectorExpr:
			return f.Sel.Name
		}
		return ""
	}
	add := func(method, path string) {
		if method != "" && strings.HasPrefix(path, "/") {
			routes[method+" "+path] = true
		}
	}

	// Pass 1: core.Request literals. Pass 2 onwards: calls of the takers
	// found so far, until no new taker appears.
	for changed, pass := true, 0; changed; pass++ {
		if pass == 10 {
			t.Fatalf("the takers of paths do not settle: %v", takers)
		}
		changed = false
		for _, f := range files {
			for _, d := range f.Decls {
				fn, ok := d.(*ast.FuncDecl)
				if !ok || fn.Body == nil {
					continue
				}
				visit := func(pathE, methodE ast.Expr, fixed string) {
					method2 := fixed
					if methodE != nil {
						method2 = methodOf(methodE)
					}
					if p, ok := strExpr(pathE); ok {
						add(method2, p)
						return
					}
					pi := paramIndex(fn, pathE)
					if pi < 0 {
						return
					}
					tk := taker{pathArg: pi, methodArg: -1, method: method2}
					if methodE != nil && method2 == "" {
						tk.methodArg = paramIndex(fn, methodE)
					}
					if old, ok := takers[fn.Name.Name]; !ok || old != tk {
						takers[fn.Name.Name] = tk
						changed = true
					}
				}
				ast.Inspect(fn.Body, func(n ast.Node) bool {
					switch x := n.(type) {
					case *ast.CompositeLit:
						sel, ok := x.Type.(*ast.SelectorExpr)
						if !ok || sel.Sel.Name != "Request" {
							return true
						}
						var pathE, methodE ast.Expr
						for _, el := range x.Elts {
							kv, ok := el.(*ast.KeyValueExpr)
							if !ok {
								continue
							}
							switch k, _ := kv.Key.(*ast.Ident); {
							case k == nil:
							case k.Name == "Path":
								pathE = kv.Value
							case k.Name == "Method":
								methodE = kv.Value
							}
						}
						if pathE != nil {
							visit(pathE, methodE, "")
						}
					case *ast.CallExpr:
						tk, ok := takers[calleeName(x)]
						if !ok || tk.pathArg >= len(x.Args) {
							return true
						}
						var methodE ast.Expr
						if tk.methodArg >= 0 && tk.methodArg < len(x.Args) {
							methodE = x.Args[tk.methodArg]
						}
						visit(x.Args[tk.pathArg], methodE, tk.method)
					}
					return true
				})
			}
		}
	}
	return slices.Sorted(func(yield func(string) bool) {
		for r := range routes {
			if !yield(r) {
				return
			}
		}
	})
}
