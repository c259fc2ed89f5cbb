package sms

import (
	"context"
	"time"

	"golang.org/x/time/rate"
)

// Pacer keeps each sender at its rate: carriers filter a number that sends
// faster than its class allows (about 1 message per second for a long code).
type Pacer struct {
	lims  map[string]*rate.Limiter
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

// NewPacer paces each sender at perSecond with no burst beyond one
// message. now and sleep default to the real clock.
func NewPacer(senders []string, perSecond float64, now func() time.Time, sleep func(context.Context, time.Duration) error) *Pacer {
	if now == nil {
		now = time.Now
	}
	if sleep == nil {
		sleep = sleepCtx
	}
	p := &Pacer{lims: map[string]*rate.Limiter{}, now: now, sleep: sleep}
	for _, s := range senders {
		p.lims[s] = rate.NewLimiter(rate.Limit(perSecond), 1)
	}
	return p
}

// Wait returns when sender may send its next message.
func (p *Pacer) Wait(ctx context.Context, sender string) error {
	lim := p.lims[sender]
	if lim == nil {
		return nil
	}
	now := p.now()
	r := lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		if err := p.sleep(ctx, d); err != nil {
			r.CancelAt(p.now())
			return err
		}
	}
	return nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
