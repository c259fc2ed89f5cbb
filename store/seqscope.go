package store

import "context"

// ScopeNumbered reports whether the numbers of the named sequence need
// to be ordered only within the scope whose write draws them: the inbox
// events, transcript entries and outbox items of one user. Each of these
// records lives in its user's scope, and what compares their numbers
// compares those of one user (the session's inbox cursor, a lane's queue,
// the order of a conversation); a scan across users (a partition's
// takeover) only splits what it finds into users' lanes. A backend may
// then draw them inside the write from what the scope's own commit
// serialises (cluster/jsstore: the scope's last messages) instead of from
// one counter of the whole store; every other sequence (the audit log,
// broadcasts, incidents, ...) keeps one order across the store. See
// Writer.
func ScopeNumbered(name string) bool {
	switch name {
	case seqInbox, seqTranscript, seqOutbox:
		return true
	}
	return false
}

// sequenceFloor is a backend that draws scope-numbered sequences
// (ScopeNumbered) from below its store-wide counter: a migration that
// copied records numbered elsewhere tells it the largest number they
// hold, so that no number is drawn at or below it (RaiseSequences).
type sequenceFloor interface {
	RaiseSequenceFloor(ctx context.Context, above uint64) error
}
