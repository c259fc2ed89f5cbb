// Package pace keeps each sending phone number under WhatsApp's
// throughput limit. Replies and broadcasts draw from the same budget per
// number, so together they never exceed it.
package pace

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Numbers paces every sending number at the same configured rate.
type Numbers struct {
	rate float64

	mu     sync.Mutex
	lim    map[string]*rate.Limiter
	paused map[string]time.Time
	slowed map[string]time.Time // when each number was last slowed down
}

// New paces each number at perSecond messages per second.
func New(perSecond float64) *Numbers {
	return &Numbers{rate: perSecond, lim: map[string]*rate.Limiter{}, paused: map[string]time.Time{}, slowed: map[string]time.Time{}}
}

func (p *Numbers) limiter(num string) *rate.Limiter {
	p.mu.Lock()
	defer p.mu.Unlock()
	l, ok := p.lim[num]
	if !ok {
		// A burst of a twentieth of a second keeps sends even rather than lumpy.
		l = rate.NewLimiter(rate.Limit(p.rate), max(1, int(p.rate/20)))
		p.lim[num] = l
	}
	return l
}

// Wait blocks until num may send one more message, or ctx ends.
func (p *Numbers) Wait(ctx context.Context, num string) error { return p.limiter(num).Wait(ctx) }

// SlowDown halves the number's rate after WhatsApp said it is too fast
// (130429), at most once a second: the sends in flight when the limit is
// hit all come back with the error, and halving once for each of them
// would bring the number down to a crawl.
func (p *Numbers) SlowDown(num string) {
	l := p.limiter(num)
	now := time.Now()
	p.mu.Lock()
	if now.Sub(p.slowed[num]) < time.Second {
		p.mu.Unlock()
		return
	}
	p.slowed[num] = now
	p.mu.Unlock()
	l.SetLimit(max(l.Limit()/2, 1))
}

// Success brings a slowed-down number back towards its configured rate.
func (p *Numbers) Success(num string) {
	l := p.limiter(num)
	if cur := float64(l.Limit()); cur < p.rate {
		l.SetLimit(rate.Limit(min(p.rate, cur*1.01+0.1)))
	}
}

// Pause stops a number until the given time (an account error that an admin must fix).
func (p *Numbers) Pause(num string, until time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paused[num] = until
}

// PausedUntil says until when a number is paused; the zero time if it is not.
func (p *Numbers) PausedUntil(num string) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.paused[num]
}

// Rate is the number's current rate in messages per second.
func (p *Numbers) Rate(num string) float64 { return float64(p.limiter(num).Limit()) }
