package bot

import (
	"lifeline/coord"
	"lifeline/store"
)

// The per-user lanes are the wake-ups: a user's lane, parked on a
// backoff or a pause, runs again when told the user has work. With
// several instances they are the owner's lanes (see Partitions).
var (
	_ coord.Waker = (*lanes[inRef])(nil)
	_ coord.Waker = (*lanes[*store.OutboxItem])(nil)
)
