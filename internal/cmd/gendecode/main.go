// Command gendecode writes chunkdecode_gen.go: the JSON codecs of the chat
// wire types and the code that carries their fields from one road to
// another, all derived from the struct definitions. A field added with its
// json tag to ChatCompletion, ChatCompletionChunk, Message,
// ChatCompletionDelta or any type they reach, followed by
//
//	go generate ./...
//
// and nothing else, reaches the user on every road:
//
//   - decoders (decode.go): Create's reply, a stream's chunks, a Message
//     read by json.Unmarshal, and the usage types, without reflection;
//   - UnmarshalJSON for the types whose decoding has a rule of its own
//     (custom fields, token counts), with an encoding/json fallback through
//     a generated shadow struct;
//   - encoders (encode.go): a Message and what it holds, as json.Marshal
//     writes them;
//   - the stream's carriers (stream.go): the accumulator that merges chunks
//     into a completion, and the conversions between a completion and a
//     chunk (the accumulator's result, and a stream answered with one JSON
//     completion).
//
// It is run by the go:generate line in chunkdecode.go, and
// TestGeneratedUpToDate fails when the committed file is stale.
//
// What it generates follows encoding/json's rules for the types it can
// handle exactly (strings, booleans, numbers, slices, pointers and structs
// of the package without embedded fields or ",string" options). Anything
// else (maps, interfaces, arrays, []byte, types of other packages, types
// with their own (Un)MarshalJSON or (Un)MarshalText) goes through
// encoding/json for that value.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/build"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"log"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"unicode"
)

// OutputFile is the file gendecode writes, in the package directory.
const OutputFile = "chunkdecode_gen.go"

// decodeRoots are the types decoders are generated from. ChatCompletionChunk
// is the stream's value, ChatCompletion the reply of Create, Message what a
// request body holds; the usage types of other replies decode their counts
// by the same rule. []ContentPart is what the Message.Content hooks use.
var decodeRoots = []string{"ChatCompletionChunk", "ChatCompletion", "Message", "TokenizerUsage", "AgentUsage", "[]ContentPart"}

// fastRoots get a decodeFast method: the values a stream or a buffered
// reply decodes in one pass.
var fastRoots = []string{"ChatCompletionChunk", "ChatCompletion"}

// topLevel is the root whose decoder notes a top-level "error" member.
const topLevel = "ChatCompletionChunk"

// encodeRoots are the types encoders are generated from; the named ones
// get MarshalJSON.
var encodeRoots = []string{"Message", "[]ContentPart"}

// countTypes hold token counts: each int field decodes from any JSON number,
// a fraction rounded to the nearest integer (decCount, tokenCount).
var countTypes = []string{"Usage", "PromptTokensDetails", "CompletionTokensDetails", "TokenizerUsage", "AgentUsage"}

// customFields are decoded (and, where encode is set, encoded) by
// hand-written hooks, found by name:
//
//	func (r *jsonReader) dec<Type><Field>(v *<Type>) bool   // the fast path
//	func (v *<Type>) set<Field>JSON(raw json.RawMessage) error // the fallback
//	func (v *<Type>) omit<Field>() bool                      // encode only
//	func (w *jsonWriter) enc<Type><Field>(v *<Type>)         // encode only
var customFields = map[string]bool{
	"Message.Content":        true,  // a string, or the array of Parts
	"FunctionCall.Arguments": false, // a string, or any JSON value kept as its text
}

// interned are the string fields that repeat from chunk to chunk; each gets
// a slot in the stream's interner, so an unchanged value costs nothing.
var interned = []string{
	"ChatCompletionChunk.ID",
	"ChatCompletionChunk.Object",
	"ChatCompletionChunk.Model",
	"ChatCompletionChunkChoice.FinishReason",
	"ChatCompletionDelta.Role",
	"ToolCall.Type",
}

func main() {
	dir := flag.String("dir", ".", "package directory")
	flag.Parse()
	src, err := Generate(*dir)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*dir, OutputFile), src, 0o644); err != nil {
		log.Fatal(err)
	}
}

// Generate returns the source of OutputFile for the package in dir.
func Generate(dir string) ([]byte, error) {
	pkg, err := load(dir)
	if err != nil {
		return nil, err
	}
	g := &gen{pkg: pkg, done: map[string]bool{}, slots: map[string]string{}, unmarshalers: map[string]bool{}, imports: map[string]bool{}}
	for _, name := range interned {
		typ, field, _ := strings.Cut(name, ".")
		if !g.hasField(typ, field) {
			return nil, fmt.Errorf("gendecode: interned field %s does not exist", name)
		}
		g.slots[name] = "intern" + typ + field
	}
	for name := range customFields {
		typ, field, _ := strings.Cut(name, ".")
		if !g.hasField(typ, field) {
			return nil, fmt.Errorf("gendecode: custom field %s does not exist", name)
		}
		g.unmarshalers[typ] = true
	}
	for _, name := range countTypes {
		if _, ok := g.structOf(name); !ok {
			return nil, fmt.Errorf("gendecode: count type %s does not exist", name)
		}
		g.unmarshalers[name] = true
	}
	if err := g.checkHooks(); err != nil {
		return nil, err
	}
	steps := []func() error{g.decoders, g.unmarshalFuncs, g.encoders, g.streamCarriers}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	body := g.buf.Bytes()
	g.buf = bytes.Buffer{}
	g.header()
	g.buf.Write(body)
	out, err := format.Source(g.buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("gendecode: formatting: %w\n%s", err, g.buf.Bytes())
	}
	return out, nil
}

// load type-checks the package's non-test files, except the generated one,
// which may be stale. Errors are tolerated: only the declarations of the
// types and hooks matter, and those do not depend on the generated code.
func load(dir string) (*types.Package, error) {
	bp, err := build.Default.ImportDir(dir, 0)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range bp.GoFiles {
		if name == OutputFile {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, 0)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	conf := types.Config{Importer: stdImporter{importer.Default()}, Error: func(error) {}}
	pkg, _ := conf.Check(bp.ImportPath, fset, files, nil)
	if pkg == nil {
		return nil, fmt.Errorf("gendecode: could not type-check %s", dir)
	}
	return pkg, nil
}

// stdImporter imports the standard library and gives every other import an
// empty package: types from there go through encoding/json anyway.
type stdImporter struct{ std types.Importer }

func (s stdImporter) Import(path string) (*types.Package, error) {
	if first, _, _ := strings.Cut(path, "/"); !strings.Contains(first, ".") {
		if p, err := s.std.Import(path); err == nil {
			return p, nil
		}
	}
	p := types.NewPackage(path, filepath.Base(path))
	p.MarkComplete()
	return p, nil
}

type gen struct {
	pkg   *types.Package
	buf   bytes.Buffer
	queue []types.Type
	done  map[string]bool   // functions generated or queued, by name
	slots map[string]string // "Type.Field" -> interner slot constant
	// unmarshalers are the types that get a generated UnmarshalJSON.
	unmarshalers map[string]bool
	// slabs are the slice types whose stream decoder carves elements from a
	// per-stream block, by element decoder name.
	slabs []types.Type
	// imports are the packages the generated code uses.
	imports map[string]bool
}

// use notes that the generated code imports path.
func (g *gen) use(path string) { g.imports[path] = true }

func (g *gen) p(format string, args ...any) { fmt.Fprintf(&g.buf, format, args...) }

func (g *gen) header() {
	g.p("// Code generated by gendecode. DO NOT EDIT.\n\n")
	g.p("// The codecs and stream carriers of the chat wire types, derived from\n")
	g.p("// their definitions by internal/cmd/gendecode (see its doc comment).\n\n")
	g.p("package %s\n\n", g.pkg.Name())
	var std, other []string
	for path := range g.imports {
		if strings.Contains(path, ".") {
			other = append(other, path)
		} else {
			std = append(std, path)
		}
	}
	slices.Sort(std)
	slices.Sort(other)
	g.p("import (\n")
	for _, path := range std {
		g.p("%q\n", path)
	}
	if len(other) > 0 {
		g.p("\n")
	}
	for _, path := range other {
		g.p("%q\n", path)
	}
	g.p(")\n\n")
	g.p("// Interner slots: strings that repeat from chunk to chunk.\nconst (\n")
	for i, name := range interned {
		if i == 0 {
			g.p("%s = iota\n", g.slots[name])
		} else {
			g.p("%s\n", g.slots[name])
		}
	}
	g.p("internSlots\n)\n\n")
}

func (g *gen) lookup(name string) types.Type {
	obj := g.pkg.Scope().Lookup(name)
	if obj == nil {
		return nil
	}
	return obj.Type()
}

func (g *gen) structOf(name string) (*types.Struct, bool) {
	t := g.lookup(name)
	if t == nil {
		return nil, false
	}
	st, ok := t.Underlying().(*types.Struct)
	return st, ok
}

func (g *gen) hasField(typ, field string) bool {
	st, ok := g.structOf(typ)
	if !ok {
		return false
	}
	for i := range st.NumFields() {
		if st.Field(i).Name() == field {
			return true
		}
	}
	return false
}

// checkHooks requires every hand-written hook of a custom field.
func (g *gen) checkHooks() error {
	for name, encode := range customFields {
		typ, field, _ := strings.Cut(name, ".")
		t := g.lookup(typ)
		hooks := []struct {
			recv types.Type
			name string
		}{
			{g.lookup("jsonReader"), "dec" + typ + field},
			{t, "set" + field + "JSON"},
		}
		if encode {
			hooks = append(hooks, struct {
				recv types.Type
				name string
			}{t, "omit" + field}, struct {
				recv types.Type
				name string
			}{g.lookup("jsonWriter"), "enc" + typ + field})
		}
		for _, h := range hooks {
			if h.recv == nil || !hasMethod(h.recv, h.name) {
				return fmt.Errorf("gendecode: custom field %s needs the method %s", name, h.name)
			}
		}
	}
	return nil
}

// hasMethod reports whether *t (or t) has the named method.
func hasMethod(t types.Type, name string) bool {
	for _, typ := range []types.Type{t, types.NewPointer(t)} {
		ms := types.NewMethodSet(typ)
		for i := range ms.Len() {
			if ms.At(i).Obj().Name() == name {
				return true
			}
		}
	}
	return false
}

// ptrMethod reports whether only *t, not t, has the named method.
func ptrMethod(t types.Type, name string) bool {
	ms := types.NewMethodSet(t)
	for i := range ms.Len() {
		if ms.At(i).Obj().Name() == name {
			return false
		}
	}
	return hasMethod(t, name)
}

// kind says how a value of type t is handled.
type kind int

const (
	kStd     kind = iota // by encoding/json
	kBasic               // string, bool or number
	kStruct              // generated struct code
	kPointer             // generated pointer code
	kSlice               // generated slice code
)

// kindOf classifies t for decoding (enc false) or encoding (enc true).
func (g *gen) kindOf(t types.Type, enc bool) kind {
	t = types.Unalias(t)
	if n, ok := t.(*types.Named); ok {
		if g.ownCodec(t, enc) {
			return kStd
		}
		if n.Obj().Pkg() != g.pkg {
			return kStd
		}
		if st, ok := n.Underlying().(*types.Struct); ok {
			if _, ok := fields(st); ok {
				return kStruct
			}
			return kStd
		}
		return g.kindOf(n.Underlying(), enc)
	}
	switch u := t.(type) {
	case *types.Basic:
		if u.Info()&(types.IsString|types.IsBoolean|types.IsInteger|types.IsFloat) != 0 &&
			u.Kind() != types.Uintptr && u.Kind() != types.UnsafePointer {
			return kBasic
		}
	case *types.Pointer:
		if g.kindOf(u.Elem(), enc) != kStd {
			return kPointer
		}
	case *types.Slice:
		if b, ok := u.Elem().Underlying().(*types.Basic); ok && b.Kind() == types.Uint8 {
			return kStd // base64
		}
		if g.kindOf(u.Elem(), enc) != kStd {
			return kSlice
		}
	}
	return kStd
}

// ownCodec reports whether encoding/json would use a method of t's own:
// UnmarshalJSON/UnmarshalText to decode, MarshalJSON/MarshalText to encode.
// The methods gendecode itself writes do not count: it does not see them.
func (g *gen) ownCodec(t types.Type, enc bool) bool {
	if enc {
		return hasMethod(t, "MarshalJSON") || hasMethod(t, "MarshalText")
	}
	return hasMethod(t, "UnmarshalJSON") || hasMethod(t, "UnmarshalText")
}

// field is a struct field as encoding/json sees it.
type field struct {
	goName, jsonName string
	typ              types.Type
	omitEmpty        bool
	omitZero         bool
}

// fields returns the JSON fields of a struct, and false if the struct uses
// something the generated code does not model (embedded fields, the
// ",string" option, repeated names, more than 64 fields).
func fields(st *types.Struct) ([]field, bool) {
	var out []field
	names := map[string]bool{}
	for i := range st.NumFields() {
		f := st.Field(i)
		tag := reflect.StructTag(st.Tag(i)).Get("json")
		if f.Embedded() {
			// An embedded struct with no exported fields (rawBody) adds
			// nothing to the JSON, as encoding/json sees it.
			if es, ok := f.Type().Underlying().(*types.Struct); ok && tag == "" && !hasExported(es) {
				continue
			}
			return nil, false
		}
		if !f.Exported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		fl := field{goName: f.Name(), typ: f.Type()}
		for _, o := range strings.Split(opts, ",") {
			switch o {
			case "string":
				return nil, false
			case "omitempty":
				fl.omitEmpty = true
			case "omitzero":
				fl.omitZero = true
			}
		}
		if !isValidTag(name) {
			name = ""
		}
		if name == "" {
			name = f.Name()
		}
		if names[name] {
			return nil, false
		}
		names[name] = true
		fl.jsonName = name
		out = append(out, fl)
	}
	return out, len(out) <= 64
}

func (g *gen) fieldsOf(t types.Type) []field {
	fs, _ := fields(types.Unalias(t).Underlying().(*types.Struct))
	return fs
}

func hasExported(st *types.Struct) bool {
	for i := range st.NumFields() {
		if st.Field(i).Exported() {
			return true
		}
	}
	return false
}

// isValidTag is encoding/json's test for a usable name in a tag.
func isValidTag(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

// mangle names the code of t.
func (g *gen) mangle(t types.Type) string {
	t = types.Unalias(t)
	switch u := t.(type) {
	case *types.Named:
		return upperFirst(u.Obj().Name())
	case *types.Pointer:
		return "PtrTo" + g.mangle(u.Elem())
	case *types.Slice:
		return "SliceOf" + g.mangle(u.Elem())
	case *types.Basic:
		return upperFirst(u.Name())
	}
	panic("gendecode: cannot name " + t.String())
}

func upperFirst(s string) string { return strings.ToUpper(s[:1]) + s[1:] }
func lowerFirst(s string) string { return strings.ToLower(s[:1]) + s[1:] }

// typeName writes t as the package's source would.
func (g *gen) typeName(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string {
		if p == g.pkg {
			return ""
		}
		return p.Name()
	})
}

// root returns the type a root names: a package struct, or "[]" and one.
func (g *gen) root(name string) (types.Type, error) {
	elem, slice := strings.CutPrefix(name, "[]")
	t, err := g.named(elem)
	if err != nil || !slice {
		return t, err
	}
	return types.NewSlice(t), nil
}

// named returns the package type of that name (the roots and pairs).
func (g *gen) named(name string) (*types.Named, error) {
	t, ok := types.Unalias(g.lookup(name)).(*types.Named)
	if !ok {
		return nil, fmt.Errorf("gendecode: type %s not found", name)
	}
	if _, ok := t.Underlying().(*types.Struct); !ok {
		return nil, fmt.Errorf("gendecode: %s is not a struct", name)
	}
	return t, nil
}

// structName returns the name of a package struct type, or "".
func structName(t types.Type) string {
	if n, ok := types.Unalias(t).(*types.Named); ok {
		if _, ok := n.Underlying().(*types.Struct); ok {
			return n.Obj().Name()
		}
	}
	return ""
}

// isCount reports whether the field f of struct typ is a token count.
func isCount(typ string, f field) bool {
	b, ok := types.Unalias(f.typ).(*types.Basic)
	return ok && b.Kind() == types.Int && slices.Contains(countTypes, typ)
}

// zeroTest returns a boolean expression that holds when the value x of
// type t is its zero value, as encoding/json's omitzero sees it.
func (g *gen) zeroTest(x string, t types.Type) string {
	if hasMethod(t, "IsZero") {
		return x + ".IsZero()"
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsString != 0:
			return x + ` == ""`
		case u.Info()&types.IsBoolean != 0:
			return "!" + x
		}
		return x + " == 0"
	case *types.Pointer, *types.Slice, *types.Map, *types.Interface, *types.Signature, *types.Chan:
		return x + " == nil"
	}
	if types.Comparable(t) {
		return fmt.Sprintf("%s == (%s{})", x, g.typeName(t))
	}
	g.use("reflect")
	if p, ok := strings.CutPrefix(x, "*"); ok {
		return fmt.Sprintf("reflect.ValueOf(%s).Elem().IsZero()", p)
	}
	return fmt.Sprintf("reflect.ValueOf(&%s).Elem().IsZero()", x)
}

// emptyTest returns a boolean expression that holds when x of type t is
// empty as encoding/json's omitempty sees it ("" for structs: never).
func (g *gen) emptyTest(x string, t types.Type) string {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return g.zeroTest(x, u)
	case *types.Pointer, *types.Interface:
		return x + " == nil"
	case *types.Slice, *types.Map, *types.Array:
		return "len(" + x + ") == 0"
	}
	return ""
}

// not negates a test written by zeroTest or emptyTest, readably: x == y
// becomes x != y, !x becomes x, and anything else is wrapped.
func not(test string) string {
	switch {
	case strings.Count(test, " == ") == 1 && !strings.ContainsAny(test, "|&!"):
		return strings.Replace(test, " == ", " != ", 1)
	case strings.HasPrefix(test, "!") && !strings.ContainsAny(test[1:], " |&!("):
		return test[1:]
	case !strings.ContainsAny(test, " |&!"):
		return "!" + test
	}
	return "!(" + test + ")"
}
