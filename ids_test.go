package zai_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zai-go/zai"
)

// hostileIDs are values no id may turn into path segments: nothing, the dot
// segments that climb the path, and a slash that splits one segment in two.
var hostileIDs = []string{"", " ", ".", "..", "a/b"}

// TestEveryIDIsOneSegment calls every method of every service reachable
// from a Client, by reflection, so a method added later is covered without
// joining a list. Each string argument, and each string field of a struct
// argument, is given each hostile value in turn (the others a plain one).
// Either the call is refused with ErrInvalidRequest before any request, or
// every request it sends has a path without an empty or dot segment, in
// which the value is escaped as one segment.
func TestEveryIDIsOneSegment(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _, _ := strings.Cut(r.RequestURI, "?")
		mu.Lock()
		paths = append(paths, p)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		// Ends every Wait and every list: a task that succeeded, no more pages.
		status := "succeeded"
		switch {
		case strings.Contains(p, "/batches"):
			status = "completed"
		case strings.Contains(p, "/agents"):
			status = "success"
		}
		io.WriteString(w, `{"task_status":"SUCCESS","status":"`+status+`","has_more":false,"data":[]}`)
	}))
	defer srv.Close()
	client, err := zai.NewClient(zai.WithAPIKey("test-key.secret"), zai.WithBaseURL(srv.URL+"/api/paas/v4"),
		zai.WithMaxRetries(0), zai.WithPollInterval(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}

	methods := 0
	for name, m := range serviceMethods(reflect.ValueOf(client), "Client") {
		if name == "Client.Do" {
			continue // a path, not an id: checkDoPath has its own rules and tests
		}
		mt := m.Type()
		for arg := 0; arg < mt.NumIn(); arg++ {
			for field, set := range stringSlots(mt.In(arg)) {
				methods++
				for _, bad := range hostileIDs {
					mu.Lock()
					paths = nil
					mu.Unlock()
					args := plainArgs(mt)
					args[arg] = set(args[arg], bad)
					err := callAll(m, args)
					mu.Lock()
					sent := append([]string(nil), paths...)
					mu.Unlock()
					what := name + " arg " + field + " = " + strconvQuote(bad)
					if len(sent) == 0 {
						if !errors.Is(err, zai.ErrInvalidRequest) {
							t.Errorf("%s: sent nothing, err %v, want ErrInvalidRequest", what, err)
						}
						continue
					}
					for _, p := range sent {
						if msg := badPath(p, bad); msg != "" {
							t.Errorf("%s: sent %s: %s", what, p, msg)
						}
					}
				}
			}
		}
	}
	if methods < 10 {
		t.Fatalf("only %d string arguments found; the walk over the services is broken", methods)
	}
}

func strconvQuote(s string) string { return `"` + s + `"` }

// badPath says what is wrong with a request path sent for the hostile value.
func badPath(p, bad string) string {
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for _, s := range segs {
		switch s {
		case "":
			return "an empty segment"
		case ".", "..", "%2E", "%2e", "%2E%2E", "%2e%2e":
			return "a dot segment"
		}
	}
	if bad == "a/b" && strings.Contains(p, "/a/b") {
		return "the slash split the id"
	}
	return ""
}

// serviceMethods lists the exported methods of v and of every service
// pointer below it, by name.
func serviceMethods(v reflect.Value, path string) map[string]reflect.Value {
	out := map[string]reflect.Value{}
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
			return
		}
		for i := 0; i < v.NumMethod(); i++ {
			out[path+"."+v.Type().Method(i).Name] = v.Method(i)
		}
		e := v.Elem()
		for i := 0; i < e.NumField(); i++ {
			if e.Type().Field(i).IsExported() {
				walk(e.Field(i), path+"."+e.Type().Field(i).Name)
			}
		}
	}
	walk(v, path)
	return out
}

var ctxType = reflect.TypeFor[context.Context]()

// plainArgs are arguments for a method of type mt: a context, "plain" for
// each string (and each string field of a struct), zero for the rest; no
// variadic options.
func plainArgs(mt reflect.Type) []reflect.Value {
	n := mt.NumIn()
	if mt.IsVariadic() {
		n--
	}
	args := make([]reflect.Value, n)
	for i := range args {
		in := mt.In(i)
		if in == ctxType {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			_ = cancel // ends with its timer
			args[i] = reflect.ValueOf(ctx)
			continue
		}
		v := reflect.New(in).Elem()
		for _, set := range stringSlots(in) {
			v = set(v, "plain")
		}
		args[i] = v
	}
	return args
}

// stringSlots lists the places of a value of type t that hold a string:
// the value itself, or the exported string fields of a struct (or pointer
// to one), each with a setter that returns the value changed.
func stringSlots(t reflect.Type) map[string]func(v reflect.Value, s string) reflect.Value {
	out := map[string]func(reflect.Value, string) reflect.Value{}
	switch {
	case t.Kind() == reflect.String:
		out[t.String()] = func(v reflect.Value, s string) reflect.Value {
			nv := reflect.New(t).Elem()
			nv.SetString(s)
			return nv
		}
	case t.Kind() == reflect.Struct || t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct:
		st := t
		if t.Kind() == reflect.Pointer {
			st = t.Elem()
		}
		for i := 0; i < st.NumField(); i++ {
			f := st.Field(i)
			if !f.IsExported() || f.Type.Kind() != reflect.String {
				continue
			}
			out[t.String()+"."+f.Name] = func(v reflect.Value, s string) reflect.Value {
				nv := reflect.New(st)
				if t.Kind() == reflect.Pointer && !v.IsNil() {
					nv.Elem().Set(v.Elem())
				} else if t.Kind() == reflect.Struct {
					nv.Elem().Set(v)
				}
				nv.Elem().Field(i).SetString(s)
				if t.Kind() == reflect.Pointer {
					return nv
				}
				return nv.Elem()
			}
		}
	}
	return out
}

// callAll calls m and finishes what it returns: it ranges over an
// iterator, closes a stream or a body, and returns the error it met.
func callAll(m reflect.Value, args []reflect.Value) (err error) {
	var outs []reflect.Value
	if m.Type().IsVariadic() {
		outs = m.CallSlice(append(args, reflect.Zero(m.Type().In(m.Type().NumIn()-1))))
	} else {
		outs = m.Call(args)
	}
	for _, o := range outs {
		switch {
		case o.Type() == reflect.TypeFor[error]():
			if !o.IsNil() {
				err = o.Interface().(error)
			}
		case o.Kind() == reflect.Func && o.Type().NumIn() == 1 && o.Type().In(0).Kind() == reflect.Func:
			// iter.Seq2[T, error]: take everything, keep the error.
			yt := o.Type().In(0)
			yield := reflect.MakeFunc(yt, func(in []reflect.Value) []reflect.Value {
				if e := in[len(in)-1]; e.Type() == reflect.TypeFor[error]() && !e.IsNil() {
					err = e.Interface().(error)
				}
				return []reflect.Value{reflect.ValueOf(true)}
			})
			o.Call([]reflect.Value{yield})
		default:
			if o.Kind() == reflect.Pointer || o.Kind() == reflect.Interface {
				if o.IsNil() {
					continue
				}
			}
			if c, ok := o.Interface().(io.Closer); ok {
				c.Close()
			}
		}
	}
	return err
}
