package store

import "fmt"

// A key that does not name its owner (an outbox item or a sent marker,
// keyed by a number or a message id; an idempotency key; a console
// session, keyed by the hash of its cookie) passes the scoped writer's
// check when the writing scope is of the right kind (see ownerOf). The
// record itself names its owner, so the typed operation that writes it
// makes the rule precise: it calls checkOwner with that owner, and a
// scoped writer of another scope of the same kind is refused too. The
// ones still checked by kind only are those whose value does not say
// whose it is either: inbox events and dedupe markers (the lane is
// deep in the event), dead letters, answers to broadcasts and each
// recipient's share of the counts (the person is named by the recipient
// record, in another scope), and integration events (written by either
// owner on purpose).

// writeScoper is a writer that writes in one scope.
type writeScoper interface{ WriteScope() Scope }

// WriteScope is the scope the writer may write in.
func (w scopedWriter) WriteScope() Scope { return w.scope }

// checkOwner refuses a write of key by a scoped writer whose scope is
// not owner, the owner the record names. A writer without a scope (a
// WriteAny transaction) passes, as it passes the key check.
func checkOwner(w Writer, op string, key Key, owner Scope) error {
	s, ok := w.(writeScoper)
	if !ok || s.WriteScope() == owner {
		return nil
	}
	return fmt.Errorf("%w: %s %s in the scope of %s: it belongs to %s",
		ErrOutOfScope, op, describeKey(key), s.WriteScope(), owner)
}
