package zai

import (
	"context"
	"iter"
)

// All iterates over every file from req.After on, fetching pages as the
// loop needs them: each next page starts after the last file of the one
// before. It stops when a page says has_more is false or comes back empty.
// A failed fetch is yielded once as (zero, err) and ends the loop, and so is
// a cursor that comes back a second time (the server would send the same
// pages again, for ever).
//
//	for f, err := range client.Files.All(ctx, zai.FileListRequest{Purpose: zai.FilePurposeBatch}) { ... }
//
// GET /files?purpose=&after=&order=&limit=, once per page
func (s *FileService) All(ctx context.Context, req FileListRequest, opts ...Option) iter.Seq2[FileObject, error] {
	return paginate(ctx, req.After, func(ctx context.Context, after string) ([]FileObject, string, bool, error) {
		req.After = after
		page, err := s.List(ctx, req, opts...)
		if err != nil {
			return nil, "", false, err
		}
		next := ""
		if n := len(page.Data); n > 0 {
			next = page.Data[n-1].ID
		}
		return page.Data, next, page.HasMore, nil
	})
}
