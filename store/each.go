package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// ScopedWrite is one write of DB.WriteEach: what fn writes, in scope.
type ScopedWrite struct {
	Scope Scope
	Fn    func(w Writer) error
	// Mark, when not nil, is set to the write's mark once it committed
	// (see DB.WriteMark; empty on badger).
	Mark *Mark
}

// write runs sw alone (DB.Write, or DB.WriteMark when it asks for its
// mark).
func (sw ScopedWrite) write(ctx context.Context, s *DB) error {
	if sw.Mark == nil {
		return s.Write(ctx, sw.Scope, sw.Fn)
	}
	at, err := s.WriteMark(ctx, sw.Scope, sw.Fn)
	if err == nil {
		*sw.Mark = at
	}
	return err
}

// WriteEach runs each write in its own scope: what a change of several
// owners becomes once split. The contract is that of one write per
// scope: each write is atomic on its own (one batch in one stream of a
// backend without cross-stream transactions), the writes together are
// not, so the caller orders them so that a crash between any two leaves
// a state that running the whole again completes.
//
// The writes run in order; the first whose fn fails stops the ones
// after it, and those before it commit. done[i] says whether write i
// committed; err is the first failure.
//
// badger commits the writes that run as one transaction, each checked
// against its own scope: a group of many small writes (a webhook batch
// of many people's events, a chunk of contacts) costs one commit and one
// sync, as the one transaction it replaces did. That is stronger than
// the contract, which a test of a split must not rely on: it commits the
// writes of a crashed run one by one (Write) to stand for what a backend
// without cross-stream transactions may leave. Like Write, the writes
// may run again on a conflict and must start from what they read.
func (s *DB) WriteEach(ctx context.Context, writes []ScopedWrite) (done []bool, err error) {
	if g, ok := s.be.(groupWriter); ok {
		done, err = g.writeEach(ctx, writes)
		for i, sw := range writes {
			if sw.Mark != nil && done[i] {
				*sw.Mark = "" // no marks in one transaction of badger
			}
		}
		return done, err
	}
	done = make([]bool, len(writes))
	for i, sw := range writes {
		if err := sw.write(ctx, s); err != nil {
			return done, err
		}
		done[i] = true
	}
	return done, nil
}

// writeEachBadger commits the group as one badger transaction.
func (s *DB) writeEachBadger(ctx context.Context, writes []ScopedWrite) (done []bool, err error) {
	done = make([]bool, len(writes))
	n := len(writes)
	var first error
	for n > 0 {
		failed, ferr := -1, error(nil)
		err := s.write(ctx, func(t *Txn) error {
			failed, ferr = -1, nil
			for i, sw := range writes[:n] {
				if !sw.Scope.valid() {
					failed, ferr = i, fmt.Errorf("write: invalid scope %s", sw.Scope)
					return errStopGroup
				}
				if err := sw.Fn(scopedWriter{t: t, scope: sw.Scope}); err != nil {
					failed, ferr = i, err
					return errStopGroup
				}
			}
			return nil
		})
		if errors.Is(err, errStopGroup) {
			// Commit the writes before the one that failed, without it.
			if first == nil {
				first = ferr
			}
			n = failed
			continue
		}
		if err != nil {
			if first == nil {
				first = err
			}
			return done, first
		}
		for i := range writes[:n] {
			done[i] = true
		}
		break
	}
	return done, first
}

// errStopGroup ends a WriteEach transaction at the write that failed.
var errStopGroup = errors.New("a write of the group failed")

// writeAllInFlight bounds the writes of one WriteAll under way at once
// on a backend other than badger (JetStream takes 50 batches in flight
// per stream by default).
const writeAllInFlight = 32

// WriteAll runs each write in its own scope, like WriteEach, but in no
// order among them: on a backend without cross-stream transactions the
// writes run at the same time, so that a group of many people's writes
// costs about the time of the slowest rather than the sum of all. Use it
// only for writes that are independent of each other: a crash or
// failure may leave any subset committed, and running the whole again
// must complete it. Every write is tried even after another failed;
// done[i] says whether write i committed; err is the failure of the
// first write (in the slice's order) that failed.
//
// badger commits the group as WriteEach does: one transaction, which is
// stronger than this contract.
func (s *DB) WriteAll(ctx context.Context, writes []ScopedWrite) (done []bool, err error) {
	if _, ok := s.be.(groupWriter); ok || len(writes) < 2 {
		return s.WriteEach(ctx, writes)
	}
	done = make([]bool, len(writes))
	errs := make([]error, len(writes))
	sem := make(chan struct{}, writeAllInFlight)
	var wg sync.WaitGroup
	for i, sw := range writes {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if errs[i] = sw.write(ctx, s); errs[i] == nil {
				done[i] = true
			}
		}()
	}
	wg.Wait()
	for _, e := range errs {
		if e != nil {
			return done, e
		}
	}
	return done, nil
}
