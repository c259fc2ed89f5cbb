package admin

import (
	"container/list"
	"sync"
	"time"
)

// failLimiter blocks a client after max failed authentication attempts
// within window. Its table is bounded: entries expire window after their
// last failure, and when it holds maxKeys clients the one that failed
// longest ago is forgotten first, so that requests from ever new
// addresses cannot grow the heap without end.
type failLimiter struct {
	mu      sync.Mutex
	max     int
	window  time.Duration
	maxKeys int
	byKey   map[string]*list.Element
	order   *list.List // of *failEntry, most recent failure first
}

type failEntry struct {
	key   string
	start time.Time // first failure of the current window
	last  time.Time
	n     int
}

// failLimiterKeys bounds the table: at about 150 bytes an entry, a few
// megabytes at most.
const failLimiterKeys = 20000

func newFailLimiter(max int) *failLimiter {
	return &failLimiter{max: max, window: time.Minute, maxKeys: failLimiterKeys,
		byKey: map[string]*list.Element{}, order: list.New()}
}

// expire drops the entries whose last failure is older than the window;
// they sit at the back of the list.
func (l *failLimiter) expire(now time.Time) {
	for e := l.order.Back(); e != nil; e = l.order.Back() {
		f := e.Value.(*failEntry)
		if now.Sub(f.last) <= l.window {
			return
		}
		l.order.Remove(e)
		delete(l.byKey, f.key)
	}
}

func (l *failLimiter) allow(key string, now time.Time) bool { return l.wait(key, now) == 0 }

// wait returns how long key is still blocked: zero when it may try now,
// otherwise until the window of its first failure ends.
func (l *failLimiter) wait(key string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.expire(now)
	e, ok := l.byKey[key]
	if !ok {
		return 0
	}
	f := e.Value.(*failEntry)
	if now.Sub(f.start) > l.window || f.n < l.max {
		return 0
	}
	// Blocked while now-start <= window: the first instant allowed is
	// just after start+window.
	return f.start.Add(l.window).Sub(now) + time.Nanosecond
}

func (l *failLimiter) fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.expire(now)
	if e, ok := l.byKey[key]; ok {
		f := e.Value.(*failEntry)
		if now.Sub(f.start) > l.window {
			f.start, f.n = now, 0
		}
		f.n++
		f.last = now
		l.order.MoveToFront(e)
		return
	}
	for l.order.Len() >= l.maxKeys {
		old := l.order.Back()
		l.order.Remove(old)
		delete(l.byKey, old.Value.(*failEntry).key)
	}
	l.byKey[key] = l.order.PushFront(&failEntry{key: key, start: now, last: now, n: 1})
}

// size is how many clients the table remembers.
func (l *failLimiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.byKey)
}
