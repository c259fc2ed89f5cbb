package admin

import (
	"sync"
	"time"
)

// failLimiter blocks a client after too many failed authentication
// attempts within a minute.
type failLimiter struct {
	mu    sync.Mutex
	max   int
	fails map[string][]time.Time
}

func newFailLimiter(max int) *failLimiter {
	return &failLimiter{max: max, fails: map[string][]time.Time{}}
}

func (l *failLimiter) recent(key string, now time.Time) []time.Time {
	ts := l.fails[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) > time.Minute {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.fails, key)
	} else {
		l.fails[key] = ts
	}
	return ts
}

func (l *failLimiter) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recent(key, now)) < l.max
}

func (l *failLimiter) fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.fails[key] = append(l.recent(key, now), now)
}
