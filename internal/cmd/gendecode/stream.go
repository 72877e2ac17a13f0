package main

import (
	"fmt"
	"go/types"
	"slices"
	"strings"
)

// A stream has three levels, each a chunk-side type paired with the
// completion-side type a non-streaming call returns. Fields pair by JSON
// name (down and downCompletion pair the field that leads to the next
// level). Every field of a chunk-side type must have a partner, or the
// accumulator and the conversions could not carry it: gendecode refuses it.
// A completion-side field without a partner (a request-only field of
// Message, ChatCompletion.RequestID) is simply not streamed; the generated
// file lists them.
type level struct {
	chunk, completion    string
	down, downCompletion string
}

var levels = []level{
	// The chunk's own fields are reports: the last non-empty value wins.
	// Choices are merged by Index.
	{chunk: "ChatCompletionChunk", completion: "ChatCompletion", down: "Choices", downCompletion: "Choices"},
	// A choice's own fields are reports too; its Delta is merged.
	{chunk: "ChatCompletionChunkChoice", completion: "ChatCompletionChoice", down: "Delta", downCompletion: "Message"},
	// The delta is merged field by field (mergeRule).
	{chunk: "ChatCompletionDelta", completion: "Message"},
}

// byIndex names the hand-written accumulator of a list whose elements are
// fragments merged by their Index (chataccumulator.go).
var byIndex = map[string]string{
	"ChatCompletionDelta.ToolCalls": "toolCallsAcc",
}

// lastWins are delta fields that arrive whole: the last non-empty value
// replaces the earlier ones instead of being merged into them.
var lastWins = []string{
	"ToolCall.MCP", // an MCP call's list or output arrives in one piece
}

// How the accumulator merges a delta field, by the field's type (the rules
// the accumulator's doc comment states):
//
//   - a plain string is text that streams in pieces: concatenated. Except
//     a name ending in "ID", an identity: the last non-empty one wins; and
//     a field named "Name": joined, unless a fragment repeats the whole name
//     so far (some servers send the function name on every fragment);
//   - named string types (Role, ToolType), numbers and booleans: the last
//     non-zero value wins;
//   - a struct of the package, or a pointer to one: merged field by field
//     by these same rules;
//   - a slice: appended, except the lists in byIndex;
//   - anything else (maps, interfaces): the last non-nil value wins;
//   - and the fields in lastWins: the last non-empty value wins.
type mergeRule int

const (
	ruleLast mergeRule = iota
	ruleConcat
	ruleJoin
	ruleMerge
	ruleAppend
	ruleByIndex
)

func (g *gen) mergeRuleOf(typ string, f field) mergeRule {
	name := typ + "." + f.goName
	if _, ok := byIndex[name]; ok {
		return ruleByIndex
	}
	if slices.Contains(lastWins, name) {
		return ruleLast
	}
	t := types.Unalias(f.typ)
	if b, ok := t.(*types.Basic); ok && b.Info()&types.IsString != 0 {
		switch {
		case strings.HasSuffix(f.goName, "ID"):
			return ruleLast
		case f.goName == "Name":
			return ruleJoin
		}
		return ruleConcat
	}
	switch u := t.Underlying().(type) {
	case *types.Struct:
		if g.kindOf(t, false) == kStruct {
			return ruleMerge
		}
	case *types.Pointer:
		if structName(u.Elem()) != "" && g.kindOf(u.Elem(), false) == kStruct {
			return ruleMerge
		}
	case *types.Slice:
		return ruleAppend
	}
	return ruleLast
}

// streamCarriers writes the accumulator's merge code and the conversions
// between the two sides of each level.
func (g *gen) streamCarriers() error {
	pairOf := map[string]string{}
	for _, l := range levels {
		for _, name := range []string{l.chunk, l.completion} {
			if _, err := g.named(name); err != nil {
				return err
			}
		}
		pairOf[l.chunk] = l.completion
		pairOf[l.completion] = l.chunk
	}
	var unpaired []string
	for i, l := range levels {
		cs, _ := g.named(l.chunk)
		ds, _ := g.named(l.completion)
		pairs, extra, err := g.pairFields(l, cs, ds, pairOf)
		if err != nil {
			return err
		}
		unpaired = append(unpaired, extra...)
		g.emitConv(cs, ds, pairs, false)
		g.emitConv(ds, cs, pairs, true)
		if i < len(levels)-1 {
			g.emitReportMerge(cs, l.down)
		}
	}
	g.p("// Completion fields with no partner in a stream (not streamed, kept in\n// RawJSON): %s.\n\n", strings.Join(unpaired, ", "))
	// The choice level: its reports and its merged delta.
	choice, delta := levels[1], levels[2]
	g.use("slices")
	g.use("strings")
	g.p("// %sAcc merges the fragments of one choice.\n", lowerFirst(choice.chunk))
	g.p("type %sAcc struct {\nreport %s\ndelta %sAcc\n}\n\n", lowerFirst(choice.chunk), choice.chunk, lowerFirst(delta.chunk))
	g.p("func (a *%sAcc) add(v *%s) {\nmerge%s(&a.report, v)\na.delta.add(&v.%s)\n}\n\n", lowerFirst(choice.chunk), choice.chunk, choice.chunk, choice.down)
	g.p("func (a *%sAcc) value() %s {\nv := a.report\nv.%s = a.delta.value()\nreturn v\n}\n\n", lowerFirst(choice.chunk), choice.chunk, choice.down)
	dt, _ := g.named(delta.chunk)
	return g.emitAcc(dt, map[string]bool{})
}

// pair is a field of the chunk side and its partner.
type pair struct {
	c, d field
}

func (g *gen) pairFields(l level, cs, ds *types.Named, pairOf map[string]string) ([]pair, []string, error) {
	cf, df := g.fieldsOf(cs), g.fieldsOf(ds)
	var out []pair
	used := map[string]bool{}
	for _, c := range cf {
		want := c.jsonName
		if c.goName == l.down {
			want = ""
			for _, d := range df {
				if d.goName == l.downCompletion {
					want = d.jsonName
				}
			}
		}
		i := slices.IndexFunc(df, func(d field) bool { return d.jsonName == want })
		if i < 0 {
			return nil, nil, fmt.Errorf("gendecode: %s.%s (%q) has no partner in %s: add it there too, or the accumulator and a stream answered with JSON would drop it", cs.Obj().Name(), c.goName, c.jsonName, ds.Obj().Name())
		}
		d := df[i]
		if !g.convertible(c.typ, d.typ, pairOf) {
			return nil, nil, fmt.Errorf("gendecode: %s.%s and %s.%s have types %s and %s, which do not convert", cs.Obj().Name(), c.goName, ds.Obj().Name(), d.goName, c.typ, d.typ)
		}
		used[d.goName] = true
		out = append(out, pair{c, d})
	}
	var extra []string
	for _, d := range df {
		if !used[d.goName] {
			extra = append(extra, ds.Obj().Name()+"."+d.goName)
		}
	}
	st := ds.Underlying().(*types.Struct)
	for i := range st.NumFields() {
		if f := st.Field(i); f.Exported() && !used[f.Name()] && !slices.ContainsFunc(df, func(d field) bool { return d.goName == f.Name() }) {
			extra = append(extra, ds.Obj().Name()+"."+f.Name())
		}
	}
	return out, extra, nil
}

// convertible reports whether a value of type a converts to b: the same
// type, T and *T, paired structs, or slices of paired structs.
func (g *gen) convertible(a, b types.Type, pairOf map[string]string) bool {
	switch {
	case types.Identical(a, b):
		return true
	case pairOf[structName(a)] == structName(b) && structName(a) != "":
		return true
	}
	if p, ok := a.(*types.Pointer); ok && types.Identical(p.Elem(), b) {
		return true
	}
	if p, ok := b.(*types.Pointer); ok && types.Identical(p.Elem(), a) {
		return true
	}
	sa, ok1 := a.(*types.Slice)
	sb, ok2 := b.(*types.Slice)
	return ok1 && ok2 && g.convertible(sa.Elem(), sb.Elem(), pairOf) && !types.Identical(sa.Elem(), sb.Elem())
}

// emitConv writes <to>From<from>, which copies every paired field.
func (g *gen) emitConv(from, to *types.Named, pairs []pair, reverse bool) {
	fn := lowerFirst(to.Obj().Name()) + "From" + from.Obj().Name()
	g.p("// %s carries every field of a %s that a %s has.\n", fn, from.Obj().Name(), to.Obj().Name())
	g.p("func %s(v *%s) %s {\nvar out %s\n", fn, from.Obj().Name(), to.Obj().Name(), to.Obj().Name())
	for _, p := range pairs {
		src, dst := p.c, p.d
		if reverse {
			src, dst = p.d, p.c
		}
		x, y := "v."+src.goName, "out."+dst.goName
		switch {
		case types.Identical(src.typ, dst.typ):
			g.p("%s = %s\n", y, x)
		case structName(src.typ) != "" && structName(dst.typ) != "" && structName(src.typ) != structName(dst.typ):
			g.p("%s = %sFrom%s(&%s)\n", y, lowerFirst(structName(dst.typ)), structName(src.typ), x)
		default:
			if ps, ok := src.typ.(*types.Pointer); ok && types.Identical(ps.Elem(), dst.typ) {
				g.p("if %s != nil {\n%s = *%s\n}\n", x, y, x)
				continue
			}
			if pd, ok := dst.typ.(*types.Pointer); ok && types.Identical(pd.Elem(), src.typ) {
				g.p("if %s {\nx := %s\n%s = &x\n}\n", not(g.zeroTest(x, src.typ)), x, y)
				continue
			}
			se := src.typ.(*types.Slice).Elem()
			de := dst.typ.(*types.Slice).Elem()
			g.p("if %s != nil {\n%s = make(%s, len(%s))\nfor i := range %s {\n%s[i] = %sFrom%s(&%s[i])\n}\n}\n",
				x, y, g.typeName(dst.typ), x, x, y, lowerFirst(structName(de)), structName(se), x)
		}
	}
	g.p("return out\n}\n\n")
}

// emitReportMerge writes merge<T>, which keeps the last non-empty value of
// each field of a report level except down, the way to the next level.
func (g *gen) emitReportMerge(t *types.Named, down string) {
	name := t.Obj().Name()
	g.p("// merge%s keeps, in dst, the last non-empty value of each field of a\n// %s but %s, which is merged on its own.\n", name, name, down)
	g.p("func merge%s(dst, src *%s) {\n", name, name)
	for _, f := range g.fieldsOf(t) {
		if f.goName == down {
			continue
		}
		g.p("if %s {\ndst.%s = src.%s\n}\n", not(g.nonEmptyNot("src."+f.goName, f.typ)), f.goName, f.goName)
	}
	g.p("}\n\n")
	g.p("// clone%s gives v its own copy of each list and object of a %s\n// but %s, so what the accumulator returns shares nothing with it.\n", name, name, down)
	g.p("func clone%s(v *%s) {\n", name, name)
	for _, f := range g.fieldsOf(t) {
		if f.goName == down {
			continue
		}
		switch u := f.typ.Underlying().(type) {
		case *types.Slice:
			g.use("slices")
			g.p("v.%s = slices.Clone(v.%s)\n", f.goName, f.goName)
		case *types.Pointer:
			if structName(u.Elem()) != "" {
				g.p("if v.%s != nil {\nx := *v.%s\nv.%s = &x\n}\n", f.goName, f.goName, f.goName)
			}
		}
	}
	g.p("}\n\n")
}

// nonEmptyNot returns a test that holds when x carries nothing: zero, or an
// empty slice or map.
func (g *gen) nonEmptyNot(x string, t types.Type) string {
	switch t.Underlying().(type) {
	case *types.Slice, *types.Map:
		return "len(" + x + ") == 0"
	}
	return g.zeroTest(x, t)
}

// emitAcc writes <t>Acc, which merges fragments of t by mergeRule, with
// add and value, and the same for every struct it merges.
func (g *gen) emitAcc(t *types.Named, seen map[string]bool) error {
	typ := t.Obj().Name()
	if seen[typ] {
		return nil
	}
	seen[typ] = true
	acc := lowerFirst(typ) + "Acc"
	fs := g.fieldsOf(t)
	var nested []*types.Named
	var decl, add, value strings.Builder
	for _, f := range fs {
		x, a := "v."+f.goName, "a."+f.goName
		ft := g.typeName(f.typ)
		switch g.mergeRuleOf(typ, f) {
		case ruleConcat:
			fmt.Fprintf(&decl, "%s strings.Builder\n", f.goName)
			fmt.Fprintf(&add, "%s.WriteString(%s)\n", a, x)
			fmt.Fprintf(&value, "out.%s = %s.String()\n", f.goName, a)
		case ruleJoin:
			fmt.Fprintf(&decl, "%s %s\n", f.goName, ft)
			fmt.Fprintf(&add, "if %s != \"\" && %s != %s {\n%s += %s\n}\n", x, x, a, a, x)
			fmt.Fprintf(&value, "out.%s = %s\n", f.goName, a)
		case ruleLast:
			fmt.Fprintf(&decl, "%s %s\n", f.goName, ft)
			fmt.Fprintf(&add, "if %s {\n%s = %s\n}\n", not(g.nonEmptyNot(x, f.typ)), a, x)
			switch u := f.typ.Underlying().(type) {
			case *types.Pointer:
				if structName(u.Elem()) != "" {
					fmt.Fprintf(&value, "if %s != nil {\nx := *%s\nout.%s = &x\n}\n", a, a, f.goName)
					continue
				}
			case *types.Slice:
				fmt.Fprintf(&value, "out.%s = slices.Clone(%s)\n", f.goName, a)
				continue
			}
			fmt.Fprintf(&value, "out.%s = %s\n", f.goName, a)
		case ruleAppend:
			fmt.Fprintf(&decl, "%s %s\n", f.goName, ft)
			fmt.Fprintf(&add, "%s = append(%s, %s...)\n", a, a, x)
			fmt.Fprintf(&value, "out.%s = slices.Clone(%s)\n", f.goName, a)
		case ruleByIndex:
			fmt.Fprintf(&decl, "%s %s\n", f.goName, byIndex[typ+"."+f.goName])
			fmt.Fprintf(&add, "%s.add(%s)\n", a, x)
			fmt.Fprintf(&value, "out.%s = %s.value()\n", f.goName, a)
			elem := types.Unalias(f.typ).Underlying().(*types.Slice).Elem()
			n, _ := types.Unalias(elem).(*types.Named)
			if n == nil {
				return fmt.Errorf("gendecode: %s.%s is merged by index but its elements are not a struct", typ, f.goName)
			}
			nested = append(nested, n)
		case ruleMerge:
			if p, ok := f.typ.Underlying().(*types.Pointer); ok {
				n := types.Unalias(p.Elem()).(*types.Named)
				nacc := lowerFirst(n.Obj().Name()) + "Acc"
				fmt.Fprintf(&decl, "%s *%s\n", f.goName, nacc)
				fmt.Fprintf(&add, "if %s != nil {\nif %s == nil {\n%s = new(%s)\n}\n%s.add(%s)\n}\n", x, a, a, nacc, a, x)
				fmt.Fprintf(&value, "if %s != nil {\nx := %s.value()\nout.%s = &x\n}\n", a, a, f.goName)
				nested = append(nested, n)
				continue
			}
			n := types.Unalias(f.typ).(*types.Named)
			fmt.Fprintf(&decl, "%s %sAcc\n", f.goName, lowerFirst(n.Obj().Name()))
			fmt.Fprintf(&add, "%s.add(&%s)\n", a, x)
			fmt.Fprintf(&value, "out.%s = %s.value()\n", f.goName, a)
			nested = append(nested, n)
		}
	}
	g.p("// %s merges fragments of a %s (see mergeRule in gendecode).\n", acc, typ)
	g.p("type %s struct {\n%s}\n\n", acc, decl.String())
	g.p("func (a *%s) add(v *%s) {\n%s}\n\n", acc, typ, add.String())
	g.p("// value returns the merged %s; later adds do not change it.\n", typ)
	g.p("func (a *%s) value() %s {\nvar out %s\n%sreturn out\n}\n\n", acc, typ, typ, value.String())
	for _, n := range nested {
		if err := g.emitAcc(n, seen); err != nil {
			return err
		}
	}
	return nil
}
