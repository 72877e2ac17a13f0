package main

import (
	"fmt"
	"go/types"
	"slices"
	"strconv"
	"strings"
)

// decoders writes a decoder for every type reachable from decodeRoots, and
// decodeFast for fastRoots.
func (g *gen) decoders() error {
	for _, root := range decodeRoots {
		t, err := g.root(root)
		if err != nil {
			return err
		}
		g.needDec(t)
	}
	for len(g.queue) > 0 {
		t := g.queue[0]
		g.queue = g.queue[1:]
		if err := g.emitDec(t); err != nil {
			return err
		}
	}
	for _, root := range fastRoots {
		t, err := g.named(root)
		if err != nil {
			return err
		}
		g.emitDecodeFast(t)
	}
	g.p("// slabs are the per-stream blocks the decoders carve short slices from\n")
	g.p("// (see slab): a chunk's choices and the like cost no allocation of their own.\n")
	g.p("type slabs struct {\n")
	for _, t := range g.slabs {
		g.p("%s slab[%s]\n", lowerFirst(g.mangle(t)), g.typeName(t))
	}
	g.p("}\n\n")
	return nil
}

// needDec queues the generated decoder of t, if it has one.
func (g *gen) needDec(t types.Type) {
	switch g.kindOf(t, false) {
	case kStruct, kPointer, kSlice:
	default:
		return
	}
	// A named pointer or slice type is decoded through its underlying type.
	if n, ok := types.Unalias(t).(*types.Named); ok {
		if _, isStruct := n.Underlying().(*types.Struct); !isStruct {
			g.needDec(n.Underlying())
			return
		}
	}
	name := "dec" + g.mangle(t)
	if g.done[name] {
		return
	}
	g.done[name] = true
	g.queue = append(g.queue, t)
}

// decCall returns a boolean expression that decodes the value next in r
// into the pointer expression dst of type *t.
func (g *gen) decCall(t types.Type, dst, slot string) string {
	switch g.kindOf(t, false) {
	case kStd:
		return fmt.Sprintf("r.std(%s)", dst)
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
	g.needDec(t)
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

// reaches reports whether a value of type from can hold a value of type to.
func reaches(from, to types.Type, seen map[types.Type]bool) bool {
	if seen[from] {
		return false
	}
	seen[from] = true
	switch u := types.Unalias(from).Underlying().(type) {
	case *types.Pointer:
		return types.Identical(u.Elem(), to) || reaches(u.Elem(), to, seen)
	case *types.Slice:
		return types.Identical(u.Elem(), to) || reaches(u.Elem(), to, seen)
	case *types.Struct:
		for i := range u.NumFields() {
			if types.Identical(u.Field(i).Type(), to) || reaches(u.Field(i).Type(), to, seen) {
				return true
			}
		}
	}
	return false
}

func (g *gen) emitDec(t types.Type) error {
	name, tn := g.mangle(t), g.typeName(t)
	switch u := types.Unalias(t).(type) {
	case *types.Pointer:
		g.p("// dec%s decodes null (leaving *v nil) or a %s into a new value.\n", name, g.typeName(u.Elem()))
		g.p("func (r *jsonReader) dec%s(v *%s) bool {\n", name, tn)
		g.p("if r.Null() {\nreturn true\n}\n")
		g.p("p := new(%s)\n*v = p\nreturn %s\n}\n\n", g.typeName(u.Elem()), g.decCall(u.Elem(), "p", "noIntern"))
	case *types.Slice:
		elem := g.typeName(u.Elem())
		g.p("// dec%s decodes null (leaving *v nil) or an array, [] as an empty\n// non-nil slice, as encoding/json does.\n", name)
		g.p("func (r *jsonReader) dec%s(v *%s) bool {\n", name, tn)
		g.p("switch r.Peek() {\ncase 'n':\nreturn r.Null()\ncase '[':\ndefault:\nreturn false\n}\n")
		g.p("r.I++\nif r.Peek() == ']' {\nr.I++\n*v = %s{}\nreturn true\n}\n", tn)
		if g.kindOf(u.Elem(), false) == kStruct && !reaches(u.Elem(), t, map[types.Type]bool{}) {
			g.slabs = append(g.slabs, u.Elem())
			g.p("if r.in != nil {\ns := &r.in.slabs.%s\ns.begin()\nfor {\n", lowerFirst(g.mangle(u.Elem())))
			g.p("if !%s {\nreturn false\n}\n", g.decCall(u.Elem(), "s.next()", "noIntern"))
			g.p("if !r.Next(']') {\nreturn false\n}\nif r.B[r.I-1] == ']' {\n*v = s.done()\nreturn true\n}\n}\n}\n")
		}
		g.p("var zero %s\nfor {\n*v = append(*v, zero)\n", elem)
		g.p("if !%s {\nreturn false\n}\n", g.decCall(u.Elem(), "&(*v)[len(*v)-1]", "noIntern"))
		g.p("if !r.Next(']') {\nreturn false\n}\nif r.B[r.I-1] == ']' {\nreturn true\n}\n}\n}\n\n")
	case *types.Named:
		return g.emitDecStruct(u)
	default:
		return fmt.Errorf("gendecode: unexpected type %s", t)
	}
	return nil
}

func (g *gen) emitDecStruct(u *types.Named) error {
	name, tn := g.mangle(u), g.typeName(u)
	fs := g.fieldsOf(u)
	typ := u.Obj().Name()
	top := typ == topLevel
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
	g.p("switch r.Peek() {\ncase 'n':\nreturn r.Null()\ncase '{':\ndefault:\nreturn false\n}\n")
	g.p("r.I++\nif r.Peek() == '}' {\nr.I++\nreturn true\n}\n")
	if len(fs) > 0 {
		g.p("var seen uint64\n")
	}
	// The key is matched in place first: its first byte picks the
	// candidates, each compared with its name, closing quote and colon as
	// written compactly. Any other key (spaces, escapes, unknown names) is
	// read by r.Key and matched by name.
	g.p("for {\nk := -1\nif r.Peek() == '\"' && r.I+1 < len(r.B) {\nswitch r.B[r.I+1] {\n")
	byFirst := map[byte][]int{}
	var firsts []byte
	for i, f := range fs {
		if strings.ContainsAny(f.jsonName, "\"\\`") || f.jsonName[0] >= 0x80 {
			continue
		}
		c := f.jsonName[0]
		if byFirst[c] == nil {
			firsts = append(firsts, c)
		}
		byFirst[c] = append(byFirst[c], i)
	}
	for _, c := range firsts {
		g.p("case %q:\n", c)
		for j, i := range byFirst[c] {
			if j > 0 {
				g.p("} else ")
			}
			g.p("if r.KeyIs(`%s\":`) {\nk = %d\n", fs[i].jsonName, i)
		}
		g.p("}\n")
	}
	g.p("}\n}\nif k < 0 {\nkey, ok := r.Key()\nif !ok {\nreturn false\n}\nswitch string(key) {\n")
	for i, f := range fs {
		g.p("case %s:\nk = %d\n", strconv.Quote(f.jsonName), i)
	}
	unknown := "r.unknown"
	if top {
		unknown = "r.unknownTop"
	}
	g.p("default:\nif !%s(key, %sFields) {\nreturn false\n}\n}\n}\n", unknown, lowerFirst(name))
	g.p("switch k {\n")
	for i, f := range fs {
		slot := "noIntern"
		if s, ok := g.slots[typ+"."+f.goName]; ok {
			slot = s
		}
		call := g.decCall(f.typ, "&v."+f.goName, slot)
		_, custom := customFields[typ+"."+f.goName]
		switch {
		case custom:
			call = fmt.Sprintf("r.dec%s%s(v)", typ, f.goName)
		case isCount(typ, f):
			call = fmt.Sprintf("decCount(r, &v.%s)", f.goName)
		}
		g.p("case %d:\n", i)
		g.p("if seen&(1<<%d) != 0 || !%s {\nreturn false\n}\nseen |= 1 << %d\n", i, call, i)
	}
	g.p("}\n")
	g.p("if !r.Next('}') {\nreturn false\n}\nif r.B[r.I-1] == '}' {\nreturn true\n}\n}\n}\n\n")
	return nil
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func (g *gen) emitDecodeFast(t *types.Named) {
	name := t.Obj().Name()
	g.use("github.com/zai-go/zai/internal/jsonx")
	g.p("// decodeFast decodes a whole %s in one pass; false means decode it with\n", name)
	g.p("// encoding/json instead, into a fresh value (this one may be written to).\n")
	g.p("func (v *%s) decodeFast(data []byte, in *interner) bool {\n", name)
	g.p("r := jsonReader{Reader: jsonx.Reader{B: data}, in: in}\n")
	g.p("if r.Peek() != '{' {\nreturn false // null, arrays and the rest: encoding/json decides\n}\n")
	g.p("ok := r.dec%s(v)\n", g.mangle(t))
	if name == topLevel {
		g.p("if in != nil {\nin.errorMember = r.errorMember\n}\n")
	}
	g.p("return ok && r.AtEnd()\n}\n\n")
}

// unmarshalFuncs writes UnmarshalJSON for the types with custom fields or
// token counts: the generated decoder when the value is zero (the usual
// case), and otherwise, or when it declines, encoding/json into a shadow
// struct whose custom fields are raw JSON and whose counts are tokenCounts.
func (g *gen) unmarshalFuncs() error {
	for _, typ := range keys(g.unmarshalers) {
		t, err := g.named(typ)
		if err != nil {
			return err
		}
		if !g.done["dec"+g.mangle(t)] {
			return fmt.Errorf("gendecode: %s is not reachable from the decode roots", typ)
		}
		g.emitUnmarshal(t)
	}
	return nil
}

func (g *gen) emitUnmarshal(t *types.Named) {
	typ := t.Obj().Name()
	shadow := lowerFirst(typ) + "JSON"
	fs := g.fieldsOf(t)
	g.use("encoding/json")
	g.use("github.com/zai-go/zai/internal/jsonx")
	var customs []string
	for _, f := range fs {
		if _, ok := customFields[typ+"."+f.goName]; ok {
			customs = append(customs, f.goName)
		}
	}
	g.p("// UnmarshalJSON implements json.Unmarshaler")
	if slices.Contains(countTypes, typ) {
		g.p(": a count decodes from any JSON number,\n// a fraction rounded to the nearest integer (a count is bookkeeping, and an\n// odd one must not fail the call that carries the answer).\n")
	} else {
		g.p(" as encoding/json would decode\n// the struct into a fresh value, except for %s (set%sJSON).\n", customs[0], customs[0])
	}
	g.p("func (v *%s) UnmarshalJSON(b []byte) error {\n", typ)
	fast := fmt.Sprintf("r := jsonReader{Reader: jsonx.Reader{B: b}}\nif r.dec%s(v) && r.AtEnd() {\nreturn nil\n}\n*v = %s{}\n", g.mangle(t), typ)
	if len(customs) > 0 {
		// As encoding/json decodes into a fresh value: nothing of an
		// earlier value is kept.
		g.p("*v = %s{}\n%s", typ, fast)
	} else {
		// Absent fields keep their values, as encoding/json does for any
		// struct; the one-pass decoder only starts from a zero value.
		g.p("if %s {\n%s}\n", g.zeroTest("*v", t), fast)
	}
	g.p("return v.unmarshalStd(b)\n}\n\n")

	g.p("// %s is %s as encoding/json decodes it in unmarshalStd.\n", shadow, typ)
	g.p("type %s struct {\n", shadow)
	for _, f := range fs {
		ft := g.typeName(f.typ)
		switch {
		case slices.Contains(customs, f.goName):
			ft = "json.RawMessage"
		case isCount(typ, f):
			ft = "tokenCount"
		}
		g.p("%s %s `json:%q`\n", f.goName, ft, f.jsonName)
	}
	g.p("}\n\n")
	g.p("// unmarshalStd decodes b onto v with encoding/json, through %s.\n", shadow)
	g.p("func (v *%s) unmarshalStd(b []byte) error {\n", typ)
	g.p("w := %s{\n", shadow)
	for _, f := range fs {
		switch {
		case slices.Contains(customs, f.goName):
		case isCount(typ, f):
			g.p("%s: tokenCount(v.%s),\n", f.goName, f.goName)
		default:
			g.p("%s: v.%s,\n", f.goName, f.goName)
		}
	}
	g.p("}\nif err := json.Unmarshal(b, &w); err != nil {\nreturn err\n}\n")
	for _, f := range fs {
		switch {
		case slices.Contains(customs, f.goName):
		case isCount(typ, f):
			g.p("v.%s = int(w.%s)\n", f.goName, f.goName)
		default:
			g.p("v.%s = w.%s\n", f.goName, f.goName)
		}
	}
	for _, c := range customs {
		g.p("if w.%s != nil {\nif err := v.set%sJSON(w.%s); err != nil {\nreturn err\n}\n}\n", c, c, c)
	}
	g.p("return nil\n}\n\n")
}
