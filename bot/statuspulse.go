package bot

import (
	"sync"
	"time"
)

// statusPulseEvery is the most often the engine tells consoles that
// delivery statuses arrived. A broadcast brings thousands a second; a
// console needs to know only that its figures changed.
const statusPulseEvery = 500 * time.Millisecond

// statusPulse turns a stream of statuses into at most one live "status"
// event per statusPulseEvery, the last of a burst included: the first
// status after a quiet spell is announced at once, the others at the end
// of the interval. The event names no person.
type statusPulse struct {
	mu      sync.Mutex
	last    time.Time
	pending bool
}

func (p *statusPulse) note(emit func()) {
	p.mu.Lock()
	if p.pending {
		p.mu.Unlock()
		return
	}
	wait := statusPulseEvery - time.Since(p.last)
	if wait <= 0 {
		p.last = time.Now()
		p.mu.Unlock()
		emit()
		return
	}
	p.pending = true
	p.mu.Unlock()
	time.AfterFunc(wait, func() {
		p.mu.Lock()
		p.pending, p.last = false, time.Now()
		p.mu.Unlock()
		emit()
	})
}
