// Command gendecode writes chunkdecode_gen.go: a reflection-free JSON decoder
// for every type reachable from ChatCompletionChunk (and a few extra roots),
// derived from the struct definitions themselves, so that a field added to
// any of those types is decoded on the stream path without a hand edit.
//
// It is run by the go:generate line in chunkdecode.go:
//
//	go generate ./...
//
// and TestGeneratedUpToDate fails when the committed file is stale.
//
// What it generates follows encoding/json's rules for the types it can
// decode exactly (strings, booleans, numbers, slices, pointers and structs of
// the package without embedded fields or ",string" options). Anything else
// (maps, interfaces, arrays, []byte, types of other packages, types with
// UnmarshalJSON or UnmarshalText) is handed to encoding/json for that value,
// except the package's own Unmarshaler types that declare a hand-written
// equivalent, decodeJSONFast, which the differential tests hold to their
// UnmarshalJSON.
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
	"strconv"
	"strings"
	"unicode"
)

// OutputFile is the file gendecode writes, in the package directory.
const OutputFile = "chunkdecode_gen.go"

// roots are the types decoders are generated from. ChatCompletionChunk is
// the stream's value, ChatCompletion the reply of Create;
// []ContentPart backs Message.decodeJSONFast.
var roots = []string{"ChatCompletionChunk", "ChatCompletion", "[]ContentPart"}

// topLevel is the root whose decoder notes a top-level "error" member.
const topLevel = "ChatCompletionChunk"

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

// handMethod is the method an Unmarshaler type of the package declares to
// be decoded without encoding/json.
const handMethod = "decodeJSONFast"

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
	g := &gen{pkg: pkg, done: map[string]bool{}, slots: map[string]string{}}
	for _, name := range interned {
		typ, field, _ := strings.Cut(name, ".")
		st, ok := g.structOf(typ)
		if !ok || !hasField(st, field) {
			return nil, fmt.Errorf("gendecode: interned field %s does not exist", name)
		}
		g.slots[name] = "intern" + upperFirst(typ) + field
	}
	g.header()
	for _, root := range roots {
		name, slice := strings.CutPrefix(root, "[]")
		obj := pkg.Scope().Lookup(name)
		if obj == nil {
			return nil, fmt.Errorf("gendecode: type %s not found", name)
		}
		if _, ok := obj.Type().Underlying().(*types.Struct); !ok {
			return nil, fmt.Errorf("gendecode: %s is not a struct", name)
		}
		t := obj.Type()
		if slice {
			t = types.NewSlice(t)
		}
		g.need(t)
	}
	for len(g.queue) > 0 {
		t := g.queue[0]
		g.queue = g.queue[1:]
		if err := g.emit(t); err != nil {
			return nil, err
		}
	}
	out, err := format.Source(g.buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("gendecode: formatting: %w\n%s", err, g.buf.Bytes())
	}
	return out, nil
}

// load type-checks the package's non-test files, except the generated one,
// which may be stale. Errors are tolerated: only the declarations of the
// types matter, and those do not depend on the generated code.
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
// empty package: types from there are decoded by encoding/json anyway.
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
	done  map[string]bool   // decoder functions generated or queued
	slots map[string]string // "Type.Field" -> interner slot constant
}

func (g *gen) p(format string, args ...any) { fmt.Fprintf(&g.buf, format, args...) }

func (g *gen) header() {
	g.p("// Code generated by internal/cmd/gendecode from the types reachable from\n")
	g.p("// %s; DO NOT EDIT.\n\n", strings.Join(roots, ", "))
	g.p("package %s\n\n", g.pkg.Name())
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

func (g *gen) structOf(name string) (*types.Struct, bool) {
	obj := g.pkg.Scope().Lookup(name)
	if obj == nil {
		return nil, false
	}
	st, ok := obj.Type().Underlying().(*types.Struct)
	return st, ok
}

func hasField(st *types.Struct, name string) bool {
	for i := range st.NumFields() {
		if st.Field(i).Name() == name {
			return true
		}
	}
	return false
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

// custom reports whether encoding/json decodes t through a method of its own.
func custom(t types.Type) bool {
	return hasMethod(t, "UnmarshalJSON") || hasMethod(t, "UnmarshalText")
}

// kind says how a value of type t is decoded.
type kind int

const (
	kStd     kind = iota // by encoding/json
	kHand                // by the type's decodeJSONFast
	kBasic               // string, bool or number
	kStruct              // generated struct decoder
	kPointer             // generated pointer decoder
	kSlice               // generated slice decoder
)

func (g *gen) kindOf(t types.Type) kind {
	t = types.Unalias(t)
	if n, ok := t.(*types.Named); ok {
		if custom(t) {
			if n.Obj().Pkg() == g.pkg && hasMethod(t, handMethod) {
				return kHand
			}
			return kStd
		}
		if n.Obj().Pkg() != g.pkg {
			return kStd
		}
		if _, ok := n.Underlying().(*types.Struct); ok {
			if g.structFast(n) {
				return kStruct
			}
			return kStd
		}
		return g.kindOf(n.Underlying())
	}
	switch u := t.(type) {
	case *types.Basic:
		if u.Info()&(types.IsString|types.IsBoolean|types.IsInteger|types.IsFloat) != 0 &&
			u.Kind() != types.Uintptr && u.Kind() != types.UnsafePointer {
			return kBasic
		}
	case *types.Pointer:
		if g.kindOf(u.Elem()) != kStd {
			return kPointer
		}
	case *types.Slice:
		if b, ok := u.Elem().Underlying().(*types.Basic); ok && b.Kind() == types.Uint8 {
			return kStd // base64
		}
		if g.kindOf(u.Elem()) != kStd {
			return kSlice
		}
	}
	return kStd
}

// field is a struct field as encoding/json sees it.
type field struct {
	goName, jsonName string
	typ              types.Type
}

// fields returns the JSON fields of a struct, and false if the struct uses
// something the generated decoder does not model (embedded fields, the
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
		for _, o := range strings.Split(opts, ",") {
			if o == "string" {
				return nil, false
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
		out = append(out, field{goName: f.Name(), jsonName: name, typ: f.Type()})
	}
	return out, len(out) <= 64
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

func (g *gen) structFast(n *types.Named) bool {
	_, ok := fields(n.Underlying().(*types.Struct))
	return ok
}

// mangle names the decoder of t.
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

// typeName writes t as the package's source would.
func (g *gen) typeName(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string {
		if p == g.pkg {
			return ""
		}
		return p.Name()
	})
}

// need queues the generated decoder of t, if it has one.
func (g *gen) need(t types.Type) {
	switch g.kindOf(t) {
	case kStruct, kPointer, kSlice:
	default:
		return
	}
	// A named pointer or slice type is decoded through its underlying type.
	if n, ok := types.Unalias(t).(*types.Named); ok {
		if _, isStruct := n.Underlying().(*types.Struct); !isStruct {
			g.need(n.Underlying())
			return
		}
	}
	name := g.mangle(t)
	if g.done[name] {
		return
	}
	g.done[name] = true
	g.queue = append(g.queue, t)
}

// call returns a boolean expression that decodes the value next in r into
// the pointer expression dst of type *t.
func (g *gen) call(t types.Type, dst, slot string) string {
	switch g.kindOf(t) {
	case kStd:
		return fmt.Sprintf("r.std(%s)", dst)
	case kHand:
		return fmt.Sprintf("(%s).%s(r)", dst, handMethod)
	case kBasic:
		b := t.Underlying().(*types.Basic)
		switch {
		case b.Info()&types.IsString != 0:
			if b != types.Unalias(t) {
				dst = fmt.Sprintf("(*string)(%s)", dst)
			}
			return fmt.Sprintf("r.str(%s, %s)", dst, slot)
		case b.Info()&types.IsBoolean != 0:
			return fmt.Sprintf("decBool(r, %s)", dst)
		case b.Info()&types.IsUnsigned != 0:
			return fmt.Sprintf("decUint(r, %s, %d)", dst, bits(b))
		case b.Info()&types.IsInteger != 0:
			return fmt.Sprintf("decInt(r, %s)", dst)
		default:
			return fmt.Sprintf("decFloat(r, %s, %d)", dst, bits(b))
		}
	}
	g.need(t)
	if n, ok := types.Unalias(t).(*types.Named); ok {
		if _, isStruct := n.Underlying().(*types.Struct); !isStruct {
			return fmt.Sprintf("r.dec%s((*%s)(%s))", g.mangle(n.Underlying()), g.typeName(n.Underlying()), dst)
		}
	}
	return fmt.Sprintf("r.dec%s(%s)", g.mangle(t), dst)
}

func bits(b *types.Basic) int {
	switch b.Kind() {
	case types.Int8, types.Uint8:
		return 8
	case types.Int16, types.Uint16:
		return 16
	case types.Int32, types.Uint32, types.Float32:
		return 32
	}
	return 64
}

func (g *gen) emit(t types.Type) error {
	name, tn := g.mangle(t), g.typeName(t)
	switch u := types.Unalias(t).(type) {
	case *types.Pointer:
		g.p("// dec%s decodes null (leaving *v nil) or a %s into a new value.\n", name, g.typeName(u.Elem()))
		g.p("func (r *jsonReader) dec%s(v *%s) bool {\n", name, tn)
		g.p("if r.null() {\nreturn true\n}\n")
		g.p("p := new(%s)\n*v = p\nreturn %s\n}\n\n", g.typeName(u.Elem()), g.call(u.Elem(), "p", "noIntern"))
	case *types.Slice:
		g.p("// dec%s decodes null (leaving *v nil) or an array, [] as an empty\n// non-nil slice, as encoding/json does.\n", name)
		g.p("func (r *jsonReader) dec%s(v *%s) bool {\n", name, tn)
		g.p("switch r.peek() {\ncase 'n':\nreturn r.null()\ncase '[':\ndefault:\nreturn false\n}\n")
		g.p("r.i++\nif r.peek() == ']' {\nr.i++\n*v = %s{}\nreturn true\n}\n", tn)
		g.p("var zero %s\nfor {\n*v = append(*v, zero)\n", g.typeName(u.Elem()))
		g.p("if !%s {\nreturn false\n}\n", g.call(u.Elem(), "&(*v)[len(*v)-1]", "noIntern"))
		g.p("switch r.peek() {\ncase ',':\nr.i++\ncase ']':\nr.i++\nreturn true\ndefault:\nreturn false\n}\n}\n}\n\n")
	case *types.Named:
		fs, _ := fields(u.Underlying().(*types.Struct))
		top := u.Obj().Name() == topLevel
		g.p("// %sFields are the JSON names of %s's fields.\n", lowerFirst(name), tn)
		g.p("var %sFields = []string{", lowerFirst(name))
		for i, f := range fs {
			if i > 0 {
				g.p(", ")
			}
			g.p("%q", f.jsonName)
		}
		g.p("}\n\n")
		g.p("// dec%s decodes null (a no-op) or a %s object.\n", name, tn)
		g.p("// A repeated field, or a key that matches a field only when case is\n// ignored, reports false: encoding/json decides those.\n")
		g.p("func (r *jsonReader) dec%s(v *%s) bool {\n", name, tn)
		g.p("switch r.peek() {\ncase 'n':\nreturn r.null()\ncase '{':\ndefault:\nreturn false\n}\n")
		g.p("r.i++\nif r.peek() == '}' {\nr.i++\nreturn true\n}\n")
		if len(fs) > 0 {
			g.p("var seen uint64\n")
		}
		g.p("for {\nkey, ok := r.key()\nif !ok {\nreturn false\n}\nswitch string(key) {\n")
		for i, f := range fs {
			slot := "noIntern"
			if s, ok := g.slots[u.Obj().Name()+"."+f.goName]; ok {
				slot = s
			}
			g.p("case %s:\n", strconv.Quote(f.jsonName))
			g.p("if seen&(1<<%d) != 0 || !%s {\nreturn false\n}\nseen |= 1 << %d\n", i, g.call(f.typ, "&v."+f.goName, slot), i)
		}
		unknown := "r.unknown"
		if top {
			unknown = "r.unknownTop"
		}
		g.p("default:\nif !%s(key, %sFields) {\nreturn false\n}\n}\n", unknown, lowerFirst(name))
		g.p("switch r.peek() {\ncase ',':\nr.i++\ncase '}':\nr.i++\nreturn true\ndefault:\nreturn false\n}\n}\n}\n\n")
	default:
		return fmt.Errorf("gendecode: unexpected type %s", t)
	}
	return nil
}

func lowerFirst(s string) string { return strings.ToLower(s[:1]) + s[1:] }
