package bot

import (
	"lifeline/coord"
	"lifeline/store"
)

// The per-user lanes are the single-process wake-ups: a user's lane,
// parked on a backoff or a pause, runs again when told the user has work.
// Issue 13's NATS implementation replaces them with deliveries on the
// user's partition subject.
var (
	_ coord.Waker = (*lanes[inRef])(nil)
	_ coord.Waker = (*lanes[*store.OutboxItem])(nil)
)
