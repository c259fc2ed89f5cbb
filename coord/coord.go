// Package coord owns the seams between several Lifeline instances: leases
// (exactly one instance does a piece of work, such as dispatching one
// broadcast), an event bus (every instance hears what happened, such as a
// new live FAQ version or an event for the agent console), and wake-ups
// (the owner of a user's lane is told that the user has work).
//
// Each seam is a small interface with the single-process implementation
// beside it. The interfaces exist because a second implementation is
// planned: a NATS JetStream one (leases in a KV bucket, the bus on core
// NATS subjects, wake-ups as deliveries on per-user subjects). Nothing else
// belongs here: a feature that needs a seam only one process can fill
// keeps it in its own package.
package coord

import "errors"

// Sentinel errors of the seams; implementations wrap them with the name
// of the lease or topic.
var (
	// ErrHeld: the lease is held by another holder and has not expired.
	ErrHeld = errors.New("lease held by another holder")
	// ErrLost: the lease expired or passed to another holder; whatever
	// the holder was doing under it must stop.
	ErrLost = errors.New("lease lost")
	// ErrNotHolder: a release by someone who does not hold the lease.
	ErrNotHolder = errors.New("not the lease holder")
	// ErrInvalid: an empty name, holder or topic, or a TTL that is not positive.
	ErrInvalid = errors.New("invalid coordination request")
	// ErrClosed: the bus was closed.
	ErrClosed = errors.New("bus closed")
)
