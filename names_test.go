package zai

// The mechanical naming rules of CONTRIBUTING.md, checked on the package's
// syntax tree so that a new endpoint cannot drift from them.

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// verbs a service method's name may start with.
var verbs = []string{
	"All", "Cancel", "Clone", "Connect", "Count", "Create", "Customize", "Delete", "Download", "Embed", "Generate",
	"Get", "Invoke", "List", "Parse", "Read", "Recognize", "Retrieve", "Run", "Search", "Update", "Upload", "Wait",
}

// resources are response types named for what the API returns, not
// <Thing>Response (CONTRIBUTING.md, "Responses").
var resources = []string{
	"AsyncResult", "AsyncTask", "Batch", "ChatCompletion", "FileObject", "FileParseTask", "Transcription",
	"KnowledgeBase", "KnowledgeDocument",
	"RealtimeSession",
}

// configs are parameters that are not a request body: a realtime session's
// configuration, which the server also echoes back (session.updated).
var configs = []string{"RealtimeSessionConfig"}

// untypedConsts are the constants that are not a closed set of wire values:
// pkg.go.dev's CONSTANTS section holds only these, and model codes.
var untypedConsts = []string{
	"InternationalBaseURL", "BigModelBaseURL", "CodingBaseURL", "BigModelCodingBaseURL",
	"AnthropicBaseURL", "BigModelAnthropicBaseURL",
	"EnvAPIKey", "EnvBaseURL", "Version", "DefaultMaxRetries", "DefaultPollInterval", "MaxPollInterval",
	"MaxEmbeddingBatch", "MaxBatchResultLine", "MaxBatchFileRequests", "MaxBatchFileBytes", "DefaultSourceChannel", "WebSearchProTool",
	"BigModelRealtimeURL",
}

// openSets are prefixes of constants that name members of open sets (any
// string is accepted): model codes and the voices of GLM-Realtime; and
// openNames lists the agent ids and the text-to-speech voices.
var openSets = []string{"Model", "RealtimeVoice"}

var openNames = []string{
	"AgentTranslation", "AgentVideoEffects", "AgentSlides",
	"AgentDrawing", "AgentReceiptRecognition", "AgentClothesRecognition", "AgentEducationSolve",
	"VoiceTongtong", "VoiceChuichui", "VoiceXiaochen", "VoiceJam", "VoiceKazi", "VoiceDouji", "VoiceLuodo",
}

var routeLine = regexp.MustCompile(`(?m)^(GET|POST|PUT|PATCH|DELETE) /`)

type pkgSyntax struct {
	files []*ast.File
	fset  *token.FileSet
	types map[string]*ast.TypeSpec
	docs  map[string]*ast.CommentGroup // doc of each type, from its GenDecl when the spec has none
}

func parsePackage(t *testing.T) *pkgSyntax {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	p := &pkgSyntax{fset: fset, types: map[string]*ast.TypeSpec{}, docs: map[string]*ast.CommentGroup{}}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		p.files = append(p.files, f)
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.TYPE {
				continue
			}
			for _, s := range g.Specs {
				ts := s.(*ast.TypeSpec)
				p.types[ts.Name.Name] = ts
				p.docs[ts.Name.Name] = ts.Doc
				if ts.Doc == nil {
					p.docs[ts.Name.Name] = g.Doc
				}
			}
		}
	}
	return p
}

// serviceMethods returns the exported methods of the exported *Service types.
func (p *pkgSyntax) serviceMethods() []*ast.FuncDecl {
	var out []*ast.FuncDecl
	for _, f := range p.files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || !fd.Name.IsExported() {
				continue
			}
			if recv := recvName(fd); strings.HasSuffix(recv, "Service") && ast.IsExported(recv) {
				out = append(out, fd)
			}
		}
	}
	return out
}

func recvName(fd *ast.FuncDecl) string {
	t := fd.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

func startsWithVerb(name string) bool {
	for _, v := range verbs {
		if rest, ok := strings.CutPrefix(name, v); ok && (rest == "" || rest[0] >= 'A' && rest[0] <= 'Z') {
			return true
		}
	}
	return false
}

// TestNamingRules keeps the rules of CONTRIBUTING.md ("Naming rules").
func TestNamingRules(t *testing.T) {
	for _, problem := range namingProblems(parsePackage(t)) {
		t.Error(problem)
	}
}

func namingProblems(p *pkgSyntax) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	for _, fd := range p.serviceMethods() {
		where := recvName(fd) + "." + fd.Name.Name
		if !startsWithVerb(fd.Name.Name) {
			add("%s: a service method's name starts with a verb (%s)", where, strings.Join(verbs, ", "))
		}
		if fd.Doc == nil || !routeLine.MatchString(fd.Doc.Text()) {
			add("%s: the doc comment needs its route line, such as \"POST /chat/completions\"", where)
		}
		for _, field := range fd.Type.Params.List {
			// A request is passed by value; a pointer names a resource.
			id, byValue := field.Type.(*ast.Ident)
			if !byValue {
				continue
			}
			name := id.Name
			if name == "" || !isStruct(p, name) || slices.Contains(configs, name) {
				continue
			}
			if !strings.HasSuffix(name, "Request") {
				add("%s: the request type %s ends in Request", where, name)
			}
			for _, n := range field.Names {
				if n.Name != "req" {
					add("%s: the request parameter is named req, not %s", where, n.Name)
				}
			}
		}
		if fd.Type.Results != nil && len(fd.Type.Results.List) > 0 {
			if name := typeName(fd.Type.Results.List[0].Type); name != "" && isStruct(p, name) &&
				!strings.HasSuffix(name, "Response") && !strings.HasSuffix(name, "List") && !slices.Contains(resources, name) {
				add("%s: the response type %s is <Thing>Response, <Thing>List or a resource (%s)", where, name, strings.Join(resources, ", "))
			}
		}
	}

	for name, ts := range p.types {
		if !ast.IsExported(name) {
			continue
		}
		if strings.HasSuffix(name, "Service") {
			if doc := p.docs[name]; doc == nil || !strings.Contains(doc.Text(), "https://") {
				add("%s: a service type links its API docs page", name)
			}
		}
		if strings.HasSuffix(name, "Result") && !slices.Contains([]string{"AsyncResult", "WebSearchResult", "RerankResult"}, name) {
			add("%s: Result names only AsyncResult and the ranked items of a search; use <Thing>Response", name)
		}
		if _, alias := ts.Type.(*ast.Ident); alias && ts.Assign.IsValid() {
			add("%s: a closed set is a defined type, not an alias", name)
		}
	}

	for _, f := range p.files {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			var typ string
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				if vs.Type != nil {
					typ = typeName(vs.Type)
				} else if len(vs.Values) > 0 {
					typ = "" // a new untyped value starts; iota groups repeat the type
				}
				for _, n := range vs.Names {
					if !n.IsExported() {
						continue
					}
					open := slices.Contains(openNames, n.Name) ||
						slices.ContainsFunc(openSets, func(pre string) bool { return strings.HasPrefix(n.Name, pre) })
					switch {
					case typ == "" && !open && !slices.Contains(untypedConsts, n.Name):
						add("%s: a closed set of wire values is a defined string type with its constants under it", n.Name)
					case typ != "" && typ != "Duration" && !strings.HasPrefix(n.Name, typ):
						add("%s: a constant of type %s is named %s...", n.Name, typ, typ)
					}
				}
			}
		}
	}
	sort.Strings(problems)
	return problems
}

func typeName(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.StarExpr:
		return typeName(x.X)
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return x.Sel.Name
	}
	return ""
}

func isStruct(p *pkgSyntax, name string) bool {
	ts, ok := p.types[name]
	if !ok {
		return false
	}
	_, ok = ts.Type.(*ast.StructType)
	return ok
}

// TestNamingRulesCatchABreak shows that the checker fails on a broken rule.
func TestNamingRulesCatchABreak(t *testing.T) {
	src := `package zai
// FooService does foo.
type FooService struct{}
type FooParams struct{ A string }
type FooResult struct{}
// Foo fetches a foo.
func (s *FooService) Foo(ctx context.Context, params FooParams) (*FooResult, error) { return nil, nil }
const (
	LevelLow = "low"
)
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "foo.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	p := &pkgSyntax{files: []*ast.File{f}, fset: fset, types: map[string]*ast.TypeSpec{}, docs: map[string]*ast.CommentGroup{}}
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.TYPE {
			for _, s := range g.Specs {
				ts := s.(*ast.TypeSpec)
				p.types[ts.Name.Name], p.docs[ts.Name.Name] = ts, g.Doc
			}
		}
	}
	got := strings.Join(namingProblems(p), "\n")
	for _, want := range []string{
		"FooService.Foo: a service method's name starts with a verb",
		"FooService.Foo: the doc comment needs its route line",
		"FooService.Foo: the request type FooParams ends in Request",
		"FooService.Foo: the request parameter is named req, not params",
		"FooService.Foo: the response type FooResult is <Thing>Response",
		"FooService: a service type links its API docs page",
		"FooResult: Result names only AsyncResult",
		"LevelLow: a closed set of wire values is a defined string type",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the checker missed %q; it said:\n%s", want, got)
		}
	}
}
