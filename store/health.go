package store

import (
	"sync"
	"time"
)

// health remembers whether the last commit that failed for a reason of the
// store's own (disk full, read-only directory, closed database) has been
// followed by a good one. Errors returned by a transaction's function are
// the caller's business and do not count.
type health struct {
	mu     sync.Mutex
	err    error
	failed time.Time
}

func (h *health) record(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err == nil {
		h.err = nil
		return
	}
	h.err, h.failed = err, time.Now()
}

// Health returns the error of the last failed commit when no commit has
// succeeded since, and nil otherwise. Readiness checks report it: a store
// that cannot write must not acknowledge webhooks.
func (s *DB) Health() error {
	s.health.mu.Lock()
	defer s.health.mu.Unlock()
	return s.health.err
}
