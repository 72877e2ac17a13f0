package zai

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// exampleFuncs returns the names of the Example functions of the external
// test package (zai_test), which pkg.go.dev shows: ExampleT_M under method
// M of type T, with an optional _suffix.
func exampleFuncs(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name.Name != "zai_test" {
			continue
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && strings.HasPrefix(fd.Name.Name, "Example") {
				out[fd.Name.Name] = true
			}
		}
	}
	return out
}

// missingExamples lists the service methods (and Client methods) without an
// Example, as "ChatCompletionService.Create".
func missingExamples(methods []*ast.FuncDecl, examples map[string]bool) []string {
	var missing []string
	for _, fd := range methods {
		want := "Example" + recvName(fd) + "_" + fd.Name.Name
		found := examples[want]
		for name := range examples {
			// A suffix starts with a lower-case letter: ExampleT_M_stream.
			if rest, ok := strings.CutPrefix(name, want+"_"); ok && rest != "" && rest[0] >= 'a' && rest[0] <= 'z' {
				found = true
			}
		}
		if !found {
			missing = append(missing, recvName(fd)+"."+fd.Name.Name)
		}
	}
	return missing
}

// TestEveryServiceMethodHasAnExample: every exported method of a service,
// and every method of Client that calls the API, has a runnable Example (in an example_<area>_test.go
// file), which pkg.go.dev shows under the method.
func TestEveryServiceMethodHasAnExample(t *testing.T) {
	p := parsePackage(t)
	methods := p.serviceMethods()
	for _, f := range p.files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil && fd.Name.IsExported() && recvName(fd) == "Client" && takesContext(fd) {
				methods = append(methods, fd) // Do, not String or BaseURL
			}
		}
	}
	if len(methods) < 50 {
		t.Fatalf("found %d methods; the parse lost some", len(methods))
	}
	examples := exampleFuncs(t)
	for _, m := range missingExamples(methods, examples) {
		t.Errorf("%s has no Example%s", m, strings.Replace(m, ".", "_", 1))
	}
	t.Logf("%d methods, %d Example functions", len(methods), len(examples))
}

// takesContext reports whether fd's first parameter is a context.Context:
// a method that calls the API.
func takesContext(fd *ast.FuncDecl) bool {
	params := fd.Type.Params.List
	if len(params) == 0 {
		return false
	}
	sel, ok := params[0].Type.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Context"
}

// TestMissingExamplesFindsThem: a method without its Example is reported,
// a suffixed Example counts, and another method's does not.
func TestMissingExamplesFindsThem(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "x.go", "package zai\nfunc (s *FooService) Get() {}\nfunc (s *FooService) GetAll() {}\nfunc (s *FooService) List() {}\n", 0)
	if err != nil {
		t.Fatal(err)
	}
	var methods []*ast.FuncDecl
	for _, d := range f.Decls {
		methods = append(methods, d.(*ast.FuncDecl))
	}
	got := missingExamples(methods, map[string]bool{"ExampleFooService_Get_paged": true, "ExampleFooService_GetAllX": true})
	if strings.Join(got, " ") != "FooService.GetAll FooService.List" {
		t.Fatalf("missing %q", got)
	}
}
