package zai_test

import (
	"go/token"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/zai-go/zai"
)

// responseTypes returns every type a service method returns (the value of a
// *T, the T of a *Stream[T]), found by walking the services reachable from
// Client, so a new endpoint is covered with no edit here.
func responseTypes() []reflect.Type {
	seen := map[reflect.Type]bool{}
	var out []reflect.Type
	add := func(t reflect.Type) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if _, handle := reflect.PointerTo(t).MethodByName("Close"); handle {
			return // a live handle (a realtime session), not a value to compare
		}
		if t.Kind() == reflect.Struct && t.PkgPath() == reflect.TypeFor[zai.Client]().PkgPath() && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	var walk func(t reflect.Type)
	walk = func(svc reflect.Type) {
		for i := range svc.NumMethod() {
			m := svc.Method(i).Type
			for j := range m.NumOut() {
				o := m.Out(j)
				if o.Kind() == reflect.Pointer && strings.HasPrefix(o.Elem().Name(), "Stream[") {
					if cur, ok := o.MethodByName("Current"); ok {
						add(cur.Type.Out(0))
					}
					continue
				}
				add(o)
			}
		}
		for i := range svc.Elem().NumField() {
			if f := svc.Elem().Field(i); f.IsExported() && f.Type.Kind() == reflect.Pointer && strings.HasSuffix(f.Type.Elem().Name(), "Service") {
				walk(f.Type)
			}
		}
	}
	walk(reflect.TypeFor[*zai.Client]())
	return out
}

// ignoreRawBodies is CONTRIBUTING's option for cmp.Diff: it skips the
// unexported raw body that every response embeds, wherever it sits.
var ignoreRawBodies = cmp.FilterPath(func(p cmp.Path) bool {
	sf, ok := p.Last().(cmp.StructField)
	return ok && !token.IsExported(sf.Name())
}, cmp.Ignore())

// heldResponses returns t and the response types (those with RawJSON) its
// fields hold, for cmpopts.IgnoreUnexported.
func heldResponses(t reflect.Type, seen map[reflect.Type]bool) []any {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] {
		return nil
	}
	seen[t] = true
	var out []any
	if _, ok := reflect.PointerTo(t).MethodByName("RawJSON"); ok {
		out = append(out, reflect.Zero(t).Interface())
	}
	for i := range t.NumField() {
		if t.Field(i).IsExported() {
			out = append(out, heldResponses(t.Field(i).Type, seen)...)
		}
	}
	return out
}

// TestCmpDiffIgnoringUnexported holds CONTRIBUTING's claim: cmp.Diff of a
// decoded response (its raw body set) and the literal that spells it is
// empty, on every response type with every field filled, with
// cmpopts.IgnoreUnexported naming the response types the value holds, or
// with ignoreRawBodies; and a real difference shows.
func TestCmpDiffIgnoringUnexported(t *testing.T) {
	types := responseTypes()
	if len(types) < 30 {
		t.Fatalf("only %d response types found", len(types))
	}
	for _, rt := range types {
		want := reflect.New(rt)
		seed := 0
		fill(want.Elem(), &seed)
		got := reflect.New(rt)
		got.Elem().Set(want.Elem())
		if _, ok := got.Interface().(interface{ RawJSON() []byte }); ok {
			zai.SetRawJSON(got.Interface(), []byte(`{"as":"received"}`))
		}
		for _, opt := range []cmp.Option{cmpopts.IgnoreUnexported(heldResponses(rt, map[reflect.Type]bool{})...), ignoreRawBodies} {
			diff := func(a, b reflect.Value) (d string) {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("%s: cmp.Diff panics: %v", rt, r)
					}
				}()
				return cmp.Diff(a.Elem().Interface(), b.Elem().Interface(), opt)
			}
			if d := diff(want, got); d != "" {
				t.Errorf("%s: a decoded value differs from its literal:\n%s", rt, d)
			}
			other := reflect.New(rt)
			seed = 1000
			fill(other.Elem(), &seed)
			if rt.NumField() > 1 && diff(want, other) == "" {
				t.Errorf("%s: cmp.Diff sees no difference between different values", rt)
			}
		}
	}
}
