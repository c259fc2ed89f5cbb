package store

import (
	"context"
	"fmt"
)

// ScopedWrite is one write of DB.WriteEach: what fn writes, in scope.
type ScopedWrite struct {
	Scope Scope
	Fn    func(w Writer) error
}

// WriteEach runs each write in its own transaction in its own scope, in
// order, and stops at the first that fails. It is what a change of
// several owners becomes once split: each write is atomic on its own
// (one batch in one stream of a backend without cross-stream
// transactions), the writes together are not, so the caller orders them
// so that a crash between any two leaves a state that running the whole
// again completes.
//
// It returns how many writes committed, and those are durable when it
// returns, also with an error from a later one: the commits share one
// sync instead of one each, which keeps a group of many small writes
// (a webhook batch of many people's events, a chunk of contacts) as
// cheap as the one transaction it replaces. A failed sync durably
// commits nothing that the caller can count on: committed is then 0.
//
// Like Write, each fn may run again on a conflict and must start from
// what it reads.
func (s *DB) WriteEach(ctx context.Context, writes []ScopedWrite) (committed int, err error) {
	events := false
	for _, sw := range writes {
		if !sw.Scope.valid() {
			err = fmt.Errorf("write: invalid scope %s", sw.Scope)
			break
		}
		if err = ctx.Err(); err != nil {
			break
		}
		ev := false
		err = s.commit(func(t *Txn) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			err := sw.Fn(scopedWriter{t: t, scope: sw.Scope})
			ev = t.auditEvent // of the last try, the one committed
			return err
		})
		if err != nil {
			break
		}
		events = events || ev
		committed++
	}
	if committed > 0 {
		if serr := s.syncCommitted(); serr != nil {
			return 0, serr
		}
	}
	if events {
		s.auditEventsCommitted(ctx)
	}
	return committed, err
}
