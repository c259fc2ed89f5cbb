package store

import (
	"context"
	"fmt"
)

// Marks: where a write landed, so that a read on another instance can
// ask for at least that write without asking for the newest state.
//
// On a backend of several machines (cluster/jsstore) a read that must see
// a write committed elsewhere asks the scope's leader for the scope's last
// sequence first: one request to another node. When the reader was told
// of the write (a notification sent after its commit), the write's mark
// says as much: any copy that has applied the mark holds the write and
// everything committed in the scope before it, so the nearest copy may
// answer. Whatever was committed after the mark brings its own
// notification.

// Mark is where a write committed, as the backend writes it: opaque to
// every other package, carried as it is (a notification's header). The
// empty Mark says nothing: a read at it is ReadIn. badger has no marks.
type Mark string

// markBackend is a backend that gives its writes' marks and reads at one.
// Its methods are named apart from DB's, so that a wrapper of a DB (a
// test's counting backend) is not taken for one and its Write skipped.
type markBackend interface {
	// WriteMarked is Write, and returns where the write committed (empty
	// when it committed nothing).
	WriteMarked(ctx context.Context, scope Scope, fn func(w Writer) error) (Mark, error)
	// ReadMarked runs fn in a read-only transaction of scope that sees at
	// least what was committed in scope up to at (a mark of its own).
	ReadMarked(ctx context.Context, scope Scope, at Mark, fn func(r Reader) error) error
}

// WriteMark is Write, and returns the write's mark: empty on badger, or
// when the write committed nothing.
func (s *DB) WriteMark(ctx context.Context, scope Scope, fn func(w Writer) error) (Mark, error) {
	mb, ok := s.be.(markBackend)
	if !ok || s.db != nil {
		return "", s.Write(ctx, scope, fn)
	}
	if !scope.valid() {
		return "", fmt.Errorf("write: invalid scope %s", scope)
	}
	var at Mark
	err := s.writeBackendWith(ctx, scope, fn, func(ctx context.Context, scope Scope, fn func(w Writer) error) error {
		var err error
		at, err = mb.WriteMarked(ctx, scope, fn)
		return err
	})
	if err != nil {
		return "", err
	}
	return at, nil
}

// ReadAt runs fn in a read-only transaction of scope that sees at least
// every write of scope up to the one whose mark is at (WriteMark), maybe
// newer ones, served by the nearest copy that has them on a backend of
// several machines. An empty mark, and badger, read as ReadIn.
func (s *DB) ReadAt(ctx context.Context, scope Scope, at Mark, fn func(r Reader) error) error {
	if !scope.valid() {
		return fmt.Errorf("read: invalid scope %s", scope)
	}
	if mb, ok := s.be.(markBackend); ok && at != "" {
		return mb.ReadMarked(ctx, scope, at, fn)
	}
	return s.be.ReadIn(ctx, scope, fn)
}
