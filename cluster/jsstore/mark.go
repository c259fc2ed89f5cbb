package jsstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"lifeline/store"
)

// Marks (store.Mark): a commit's mark is the stream sequence its batch
// ended at and the batch's size, "<seq>.<size>". Every commit of a scope
// before it has a lower sequence (each commit expected the scope's last
// sequence), so a replica that has applied the sequence holds the commit
// and all of the scope's history before it: a read at the mark (ReadAt)
// is served by the nearest replica once it has applied that far, as a
// write's reads are once it has applied the write's fence, without the
// leader's fence a ReadIn asks first.

// markOf is the mark of a commit given f; empty when f is none.
func markOf(f fenceAt) store.Mark {
	if f.seq == 0 {
		return ""
	}
	return store.Mark(strconv.FormatUint(f.seq, 10) + "." + strconv.FormatUint(f.batch, 10))
}

// parseMark reads what markOf wrote; ok is false for anything else.
func parseMark(at store.Mark) (f fenceAt, ok bool) {
	seq, batch, found := strings.Cut(string(at), ".")
	if !found {
		return fenceAt{}, false
	}
	var err error
	if f.seq, err = strconv.ParseUint(seq, 10, 64); err != nil || f.seq == 0 {
		return fenceAt{}, false
	}
	if f.batch, err = strconv.ParseUint(batch, 10, 64); err != nil || f.batch > f.seq {
		return fenceAt{}, false
	}
	return f, true
}

// ReadMarked runs fn in a read-only transaction of scope whose reads
// are served by the nearest replica once it has applied the mark at (see
// store.DB.ReadAt): a replica that lags is asked again briefly, then the
// leader answers, as for a write's reads. A mark this build cannot read
// is a ReadIn.
//
// The mark is also taken as the scope's last sequence for a write here
// that follows within ownFenceFor (see Store.fence): the mark comes from
// the commit a notification announced, and the write that handles it
// (the turn of the message just stored) finds the scope at that commit
// unless another came since, which costs one refused commit, as any
// wrong fence does.
func (s *Store) ReadMarked(ctx context.Context, scope store.Scope, at store.Mark, fn func(r store.Reader) error) error {
	f, ok := parseMark(at)
	if !ok || !s.direct {
		return s.ReadIn(ctx, scope, fn)
	}
	base, err := s.base(scope)
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.fences.raise(base, f, time.Now())
	return fn(&txn{s: s, ctx: ctx, scope: scope, base: base, readOnly: true, fence: f.seq, fenced: true})
}

// raise remembers f for base unless a later sequence is remembered
// already: a mark heard of may be older than this instance's own commit
// since.
func (c *fenceCache) raise(base string, f fenceAt, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.seqs[base]; ok && e.f.seq >= f.seq {
		return
	}
	c.putLocked(base, f, at)
}
