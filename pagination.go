package zai

import (
	"context"
	"errors"
	"fmt"
	"iter"
)

// errCursorRepeated ends a list iteration when the server hands back a
// cursor it gave before: following it would fetch the same pages again,
// forever.
var errCursorRepeated = errors.New("zai: list cursor repeated")

// errCursorMissing ends a list iteration when a page says there is more but
// gives no cursor to fetch it with.
var errCursorMissing = errors.New("zai: list page has more but no cursor")

// pageFetch fetches the page after cursor after ("" for the first page). It
// returns the page's items, the cursor of the page that follows, and whether
// the server says there is one.
type pageFetch[T any] func(ctx context.Context, after string) (items []T, next string, hasMore bool, err error)

// paginate iterates over every item of a cursor-paged list, starting after
// the cursor after ("" for the start), fetching pages as the loop needs
// them. It stops when a page says there is no more or comes back empty. A
// failed fetch is yielded once as (zero, err) and ends the loop; so is a
// page that has more but no cursor, and a page whose cursor repeats any
// earlier one (the starting cursor included): such a page is the server
// going round a cycle (A, B, A), so none of its items is yielded, since
// the cursor is its last item, already yielded or skipped by the caller.
// Breaking out of the loop fetches nothing more; ranging over the
// iterator again starts again from after.
func paginate[T any](ctx context.Context, after string, fetch pageFetch[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		cursor := after // each range over the iterator starts again from after
		seen := make(map[string]bool)
		if cursor != "" {
			seen[cursor] = true
		}
		for pages := 1; ; pages++ {
			items, next, more, err := fetch(ctx, cursor)
			if err != nil {
				yield(zero, err)
				return
			}
			if len(items) > 0 && next != "" && seen[next] {
				// The cursor is not quoted: it is the server's text, and an
				// error of the SDK carries none that redaction has not seen.
				yield(zero, fmt.Errorf("%w: page %d points to an earlier cursor", errCursorRepeated, pages))
				return
			}
			for _, item := range items {
				if !yield(item, nil) {
					return
				}
			}
			if !more || len(items) == 0 {
				return
			}
			if next == "" {
				yield(zero, fmt.Errorf("%w (after page %d)", errCursorMissing, pages))
				return
			}
			seen[next] = true
			cursor = next
		}
	}
}
