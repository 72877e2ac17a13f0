package zai

import "context"

// semaphore bounds a client's requests in flight (WithMaxConcurrency).
type semaphore chan struct{}

// Acquire takes a slot, or gives up when ctx is done.
func (s semaphore) Acquire(ctx context.Context) error {
	select {
	case s <- struct{}{}:
		return nil
	default:
	}
	select {
	case s <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Release frees a slot taken by Acquire.
func (s semaphore) Release() { <-s }
