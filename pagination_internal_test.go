package zai

import (
	"context"
	"errors"
	"slices"
	"testing"
)

// fakePages is a cursor-paged list: pages[after] is the page after cursor
// after, whose next cursor is its last item.
type fakePages map[string][]string

func (p fakePages) fetch(calls *[]string) pageFetch[string] {
	return func(_ context.Context, after string) ([]string, string, bool, error) {
		*calls = append(*calls, after)
		items, ok := p[after]
		if !ok {
			return nil, "", false, errors.New("no such page " + after)
		}
		next := ""
		if len(items) > 0 {
			next = items[len(items)-1]
		}
		_, more := p[next]
		return items, next, more, nil
	}
}

func drain(seq func(func(string, error) bool)) (items []string, errs []error) {
	for v, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		items = append(items, v)
	}
	return items, errs
}

func TestPaginate(t *testing.T) {
	t.Run("follows cursors to the end", func(t *testing.T) {
		var calls []string
		items, errs := drain(paginate(context.Background(), "", fakePages{"": {"a", "b"}, "b": {"c"}, "c": {}}.fetch(&calls)))
		if !slices.Equal(items, []string{"a", "b", "c"}) || errs != nil || !slices.Equal(calls, []string{"", "b", "c"}) {
			t.Fatalf("items %v errs %v calls %v", items, errs, calls)
		}
	})
	t.Run("any earlier cursor repeating is an error", func(t *testing.T) {
		for _, pages := range []fakePages{
			{"": {"a"}, "a": {"a"}},                                     // the previous cursor
			{"": {"a"}, "a": {"b"}, "b": {"a"}},                         // two back
			{"": {"a"}, "a": {"b"}, "b": {"c"}, "c": {"d"}, "d": {"b"}}, // three back
		} {
			var calls []string
			items, errs := drain(paginate(context.Background(), "", pages.fetch(&calls)))
			if len(errs) != 1 || !errors.Is(errs[0], errCursorRepeated) {
				t.Fatalf("%v: errs %v after calls %v", pages, errs, calls)
			}
			for i, v := range items {
				if slices.Contains(items[:i], v) {
					t.Fatalf("%v: %q yielded twice: %v", pages, v, items)
				}
			}
			if len(calls) != len(pages) {
				t.Fatalf("%v: %d fetches, want each page once", pages, len(calls))
			}
		}
	})
	t.Run("the starting cursor counts as seen", func(t *testing.T) {
		var calls []string
		items, errs := drain(paginate(context.Background(), "s", fakePages{"s": {"a"}, "a": {"s"}}.fetch(&calls)))
		if !slices.Equal(items, []string{"a"}) || len(errs) != 1 || !errors.Is(errs[0], errCursorRepeated) {
			t.Fatalf("items %v errs %v", items, errs)
		}
	})
	t.Run("more but no cursor is an error", func(t *testing.T) {
		fetch := func(context.Context, string) ([]int, string, bool, error) { return []int{1}, "", true, nil }
		var errs []error
		for _, err := range paginate(context.Background(), "", fetch) {
			if err != nil {
				errs = append(errs, err)
			}
		}
		if len(errs) != 1 || !errors.Is(errs[0], errCursorMissing) {
			t.Fatalf("%v", errs)
		}
	})
	t.Run("a failed fetch is yielded once", func(t *testing.T) {
		var calls []string
		items, errs := drain(paginate(context.Background(), "", fakePages{"": {"a"}, "a": {"b"}}.fetch(&calls)))
		// "b" has no page: the server says no more, which is not an error.
		if !slices.Equal(items, []string{"a", "b"}) || errs != nil {
			t.Fatalf("items %v errs %v", items, errs)
		}
		calls = nil
		items, errs = drain(paginate(context.Background(), "x", fakePages{}.fetch(&calls)))
		if items != nil || len(errs) != 1 || len(calls) != 1 {
			t.Fatalf("items %v errs %v calls %v", items, errs, calls)
		}
	})
	t.Run("break stops fetching", func(t *testing.T) {
		var calls []string
		for range paginate(context.Background(), "", fakePages{"": {"a", "b"}, "b": {"c"}}.fetch(&calls)) {
			break
		}
		if len(calls) != 1 {
			t.Fatalf("calls %v", calls)
		}
	})
}
