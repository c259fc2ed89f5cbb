package coord

// Waker is told that a user has work: an inbound event to process or an
// outbound message whose wait is over. The owner of the user's lane looks
// at the head of the lane again; a user with nothing queued is ignored.
//
// The single-process implementation is the engine's in-memory lanes
// (bot.lanes.Wake), and it stays so with several instances: a wake-up
// only ever concerns the lanes of the instance that owns the user. What
// crosses instances is the notification that a user has new work
// (bot.Partitions.Notify, on core NATS in cluster.Partitions): at most
// once, so it cannot carry the work. The work is the store's: a new
// owner of a partition reads the partition's pending items when it takes
// it, every owner reads its partitions again periodically, and the
// user's cursor decides what is still to do.
type Waker interface {
	Wake(user string)
}
