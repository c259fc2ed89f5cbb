package coord

// Waker is told that a user has work: an inbound event to process or an
// outbound message whose wait is over. The owner of the user's lane looks
// at the head of the lane again; a user with nothing queued is ignored.
//
// The single-process implementation is the engine's in-memory lanes
// (bot.lanes.Wake). A second implementation is real: in issue 13 a wake-up
// is a delivery on the user's partition subject, handled by whichever
// instance owns the partition, which re-reads the user's cursor before
// acting (a delivery is only a wake-up; the cursor decides). That
// delivery comes from the partition's durable consumer, so a wake-up
// survives a change of partition owner; a Waker on core NATS subjects
// (at most once) would lose wake-ups exactly then, which is why the cluster
// package has none: each instance keeps waking its own lanes in process.
type Waker interface {
	Wake(user string)
}
