package main

import (
	"encoding/json"
	"fmt"
	"go/types"
	"strings"
)

// encoders writes an encoder and a size estimate for every type reachable
// from encodeRoots, and MarshalJSON for the roots. The encoders write what
// json.Marshal writes, byte for byte.
func (g *gen) encoders() error {
	var queue []types.Type
	need := func(t types.Type) {
		switch g.kindOf(t, true) {
		case kStruct, kPointer, kSlice:
		default:
			return
		}
		name := "enc" + g.mangle(t)
		if !g.done[name] {
			g.done[name] = true
			queue = append(queue, t)
		}
	}
	for _, root := range encodeRoots {
		t, err := g.root(root)
		if err != nil {
			return err
		}
		if err := g.checkEncodable(t, map[types.Type]bool{}); err != nil {
			return err
		}
		need(t)
	}
	for len(queue) > 0 {
		t := queue[0]
		queue = queue[1:]
		switch u := types.Unalias(t).(type) {
		case *types.Named:
			if _, ok := u.Underlying().(*types.Struct); !ok {
				need(u.Underlying())
				continue
			}
			for _, f := range g.fieldsOf(u) {
				need(f.typ)
			}
			g.emitEncStruct(u)
		case *types.Pointer:
			need(u.Elem())
		case *types.Slice:
			need(u.Elem())
			g.emitEncSlice(u)
		}
	}
	for _, root := range encodeRoots {
		if strings.HasPrefix(root, "[]") {
			continue
		}
		t, _ := g.named(root)
		name := t.Obj().Name()
		g.p("// MarshalJSON implements json.Marshaler: it writes what json.Marshal\n")
		g.p("// would write for the struct's tags, with the hand-written rule of each\n// custom field.\n")
		g.p("func (v %s) MarshalJSON() ([]byte, error) {\n", name)
		g.p("n := size%s(&v)\nw := jsonWriter{b: make([]byte, 0, n+n/4)}\nw.enc%s(&v)\nreturn w.b, w.err\n}\n\n", name, name)
	}
	return nil
}

// checkEncodable refuses a type whose json.Marshal output depends on
// addressability (a MarshalJSON or MarshalText on the pointer only), which
// the generated code, working on pointers, cannot reproduce.
func (g *gen) checkEncodable(t types.Type, seen map[types.Type]bool) error {
	if seen[t] {
		return nil
	}
	seen[t] = true
	for _, m := range []string{"MarshalJSON", "MarshalText"} {
		if ptrMethod(t, m) {
			return fmt.Errorf("gendecode: %s has %s on its pointer only", t, m)
		}
	}
	if g.kindOf(t, true) == kStd {
		return nil
	}
	switch u := types.Unalias(t).Underlying().(type) {
	case *types.Pointer:
		return g.checkEncodable(u.Elem(), seen)
	case *types.Slice:
		return g.checkEncodable(u.Elem(), seen)
	case *types.Struct:
		for _, f := range g.fieldsOf(t) {
			if err := g.checkEncodable(f.typ, seen); err != nil {
				return err
			}
		}
	}
	return nil
}

// encStmt returns statements that encode the value x (an addressable
// expression) of type t.
func (g *gen) encStmt(t types.Type, x string) string {
	switch g.kindOf(t, true) {
	case kStd:
		return fmt.Sprintf("w.std(%s)\n", x)
	case kBasic:
		b := t.Underlying().(*types.Basic)
		switch {
		case b.Info()&types.IsString != 0:
			if types.Identical(t, types.Typ[types.String]) {
				return fmt.Sprintf("w.str(%s)\n", x)
			}
			return fmt.Sprintf("w.str(string(%s))\n", x)
		case b.Info()&types.IsBoolean != 0:
			return fmt.Sprintf("w.bool(bool(%s))\n", x)
		case b.Info()&types.IsUnsigned != 0:
			return fmt.Sprintf("w.uint(uint64(%s))\n", x)
		case b.Info()&types.IsInteger != 0:
			return fmt.Sprintf("w.int(int64(%s))\n", x)
		default:
			return fmt.Sprintf("w.float(float64(%s), %d)\n", x, bits(b))
		}
	case kStruct:
		return fmt.Sprintf("w.enc%s(%s)\n", g.mangle(t), addr(x))
	case kPointer:
		elem := types.Unalias(t).Underlying().(*types.Pointer).Elem()
		return fmt.Sprintf("if %s == nil {\nw.null()\n} else {\n%s}\n", x, g.encStmt(elem, "(*"+x+")"))
	case kSlice:
		u := types.Unalias(t).Underlying().(*types.Slice)
		return fmt.Sprintf("w.enc%s(%s)\n", g.mangle(u), x)
	}
	panic("unreachable")
}

// sizeExpr returns an estimate of the encoded size of x of type t.
func (g *gen) sizeExpr(t types.Type, x string) string {
	switch g.kindOf(t, true) {
	case kBasic:
		if t.Underlying().(*types.Basic).Info()&types.IsString != 0 {
			return fmt.Sprintf("len(%s) + 2", x)
		}
		return "8"
	case kStruct:
		return fmt.Sprintf("size%s(%s)", g.mangle(t), addr(x))
	case kPointer, kSlice:
		return fmt.Sprintf("size%s(%s)", g.mangle(types.Unalias(t).Underlying()), x)
	}
	return "64"
}

func (g *gen) emitEncStruct(u *types.Named) {
	name, tn := g.mangle(u), g.typeName(u)
	typ := u.Obj().Name()
	fs := g.fieldsOf(u)
	g.p("// enc%s writes a %s as json.Marshal does.\n", name, tn)
	g.p("func (w *jsonWriter) enc%s(v *%s) {\n", name, tn)
	g.p("w.b = append(w.b, '{')\n")
	// first is "yes" while no field has been written for sure, "no" once one
	// has; "maybe" after optional fields only.
	state := "yes"
	startNeeded := false
	var body string
	for _, f := range fs {
		x := "v." + f.goName
		var conds []string
		if f.omitEmpty {
			if c := g.emptyTest(x, f.typ); c != "" {
				conds = append(conds, c)
			}
		}
		if f.omitZero {
			conds = append(conds, g.zeroTest(x, f.typ))
		}
		value := g.encStmt(f.typ, x)
		if g.kindOf(f.typ, true) == kPointer && f.omitEmpty {
			// Written only when not nil.
			elem := types.Unalias(f.typ).Underlying().(*types.Pointer).Elem()
			value = g.encStmt(elem, "(*"+x+")")
		}
		if encode, ok := customFields[typ+"."+f.goName]; ok && encode {
			conds = append(conds, fmt.Sprintf("v.omit%s()", f.goName))
			value = fmt.Sprintf("w.enc%s%s(v)\n", typ, f.goName)
		}
		key, _ := json.Marshal(f.jsonName)
		lit := func(s string) string {
			if strings.ContainsRune(s, '`') {
				return fmt.Sprintf("%q", s)
			}
			return "`" + s + "`"
		}
		var sep string
		switch state {
		case "yes":
			sep = fmt.Sprintf("w.b = append(w.b, %s...)\n", lit(string(key)+":"))
		case "no":
			sep = fmt.Sprintf("w.b = append(w.b, %s...)\n", lit(","+string(key)+":"))
		default:
			startNeeded = true
			sep = fmt.Sprintf("if len(w.b) > start {\nw.b = append(w.b, ',')\n}\nw.b = append(w.b, %s...)\n", lit(string(key)+":"))
		}
		stmt := sep + value
		if len(conds) > 0 {
			var keep []string
			for _, c := range conds {
				keep = append(keep, not(c))
			}
			stmt = fmt.Sprintf("if %s {\n%s}\n", strings.Join(keep, " && "), stmt)
			if state == "yes" {
				state = "maybe"
			}
		} else {
			state = "no"
		}
		body += stmt
	}
	if startNeeded {
		g.p("start := len(w.b)\n")
	}
	g.p("%sw.b = append(w.b, '}')\n}\n\n", body)

	g.p("// size%s estimates the encoded size of a %s before escapes, which\n// the caller allows for.\n", name, tn)
	g.p("func size%s(v *%s) int {\nn := 2\n", name, tn)
	for _, f := range fs {
		g.p("n += %d + %s\n", len(f.jsonName)+4, g.sizeExpr(f.typ, "v."+f.goName))
	}
	g.p("return n\n}\n\n")
	for _, f := range fs {
		if g.kindOf(f.typ, true) == kPointer {
			g.emitSizePtr(types.Unalias(f.typ).Underlying().(*types.Pointer))
		}
	}
}

func (g *gen) emitSizePtr(u *types.Pointer) {
	name := "size" + g.mangle(u)
	if g.done[name] {
		return
	}
	g.done[name] = true
	g.p("func %s(v %s) int {\nif v == nil {\nreturn 4\n}\nreturn %s\n}\n\n", name, g.typeName(u), g.sizeExpr(u.Elem(), "(*v)"))
}

func (g *gen) emitEncSlice(u *types.Slice) {
	name, tn := g.mangle(u), g.typeName(u)
	g.p("// enc%s writes nil as null and the rest as an array.\n", name)
	g.p("func (w *jsonWriter) enc%s(v %s) {\n", name, tn)
	g.p("if v == nil {\nw.null()\nreturn\n}\nw.b = append(w.b, '[')\nfor i := range v {\nif i > 0 {\nw.b = append(w.b, ',')\n}\n")
	g.p("%s}\nw.b = append(w.b, ']')\n}\n\n", g.encStmt(u.Elem(), "v[i]"))
	g.p("func size%s(v %s) int {\nn := 2\nfor i := range v {\nn += 1 + %s\n}\nreturn n\n}\n\n", name, tn, g.sizeExpr(u.Elem(), "v[i]"))
	if g.kindOf(u.Elem(), true) == kPointer {
		g.emitSizePtr(types.Unalias(u.Elem()).Underlying().(*types.Pointer))
	}
}

// addr returns the address of the expression x: &x, or y when x is (*y).
func addr(x string) string {
	if p, ok := strings.CutPrefix(x, "(*"); ok && strings.HasSuffix(p, ")") {
		return p[:len(p)-1]
	}
	return "&" + x
}
