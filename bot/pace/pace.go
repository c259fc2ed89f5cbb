// Package pace keeps each sending phone number under WhatsApp's
// throughput limit. The limit counts the number's inbound and outbound
// messages together, so replies, broadcasts and the messages people send
// in all draw from one budget per number. Within that budget replies to
// people in a conversation go first: a broadcast takes only what the
// conversations leave.
package pace

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Class says whose turn comes first when a number's budget is short.
type Class int

const (
	// Conversation is a reply to someone who wrote in: served first.
	Conversation Class = iota
	// Broadcast is a proactive message: served from what is left.
	Broadcast
	classes
)

// Numbers paces every sending number at the same configured rate.
type Numbers struct {
	rate float64
	now  func() time.Time
	// limit is the rate this process may use: rate times its share (see
	// SetShare), under mu.
	limit float64

	mu      sync.Mutex
	buckets map[string]*bucket
	paused  map[string]time.Time
	held    map[string]int       // senders waiting in WaitUnpaused, per number
	resumed chan struct{}        // closed and replaced when a pause changes
	slowed  map[string]time.Time // when each number was last slowed down
	gauges  map[string]*gauge    // measured latency and sends in flight, per number
	ceiling atomic.Int64         // most sends in flight per number

	// On a cluster (SetRemote): the owners' permits, and each number's
	// pool of them here; nil on one instance.
	remote   Remote
	validity time.Duration
	pools    map[string]*pool
	observer Observer // nil: nobody measures the permits
}

// String names the class in logs and metric labels.
func (c Class) String() string {
	switch c {
	case Conversation:
		return "conversation"
	case Broadcast:
		return "broadcast"
	}
	return "unknown"
}

// cluster is the Remote when the budgets are the cluster's, else nil.
func (p *Numbers) cluster() Remote {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.remote
}

// New paces each number at perSecond messages per second.
func New(perSecond float64) *Numbers {
	p := &Numbers{rate: perSecond, limit: perSecond, now: time.Now, buckets: map[string]*bucket{}, paused: map[string]time.Time{}, slowed: map[string]time.Time{},
		held: map[string]int{}, resumed: make(chan struct{}), gauges: map[string]*gauge{}}
	p.ceiling.Store(DefaultCeiling)
	return p
}

// SetClock makes now the pacer's clock (a test's hand-moved clock). Call
// it before anything is paced.
func (p *Numbers) SetClock(now func() time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.now = now
}

// Burst is how many sends a number's budget allows at once above its
// rate: a twentieth of a second's keeps sends even rather than lumpy, and
// at least one, or a number slower than 20 a second could never send.
// WhatsApp's limit is read as the rate plus one burst in any second.
func Burst(rate float64) float64 { return max(1, rate/20) }

func (p *Numbers) bucket(num string) *bucket {
	p.mu.Lock()
	defer p.mu.Unlock()
	b, ok := p.buckets[num]
	if !ok {
		burst := Burst(p.limit)
		b = &bucket{rate: p.limit, burst: burst, tokens: burst, last: p.now(), now: p.now}
		p.buckets[num] = b
	}
	return b
}

// Wait blocks until num may send one more message of the given class, or
// ctx ends.
func (p *Numbers) Wait(ctx context.Context, num string, c Class) error {
	_, err := p.Take(ctx, num, c)
	return err
}

// Token is one send's permit from Take. On a cluster it is void from a
// time on (the owner counted it when granting, and its rate allows only
// so long between a grant and the request reaching WhatsApp); on one
// instance it never is.
type Token struct {
	until time.Time // zero: never void
}

// Take is Wait that returns the permit: the sender checks it with Live
// immediately before its request leaves, and takes another if it is void.
func (p *Numbers) Take(ctx context.Context, num string, c Class) (Token, error) {
	if p.cluster() != nil {
		return p.pool(num).wait(ctx, c)
	}
	return Token{}, p.bucket(num).wait(ctx, c)
}

// Live reports whether t may still be used for a send.
func (p *Numbers) Live(t Token) bool { return t.until.IsZero() || p.now().Before(t.until) }

// Inbound counts a message received on num against its budget. The
// message has already arrived, so nothing waits: the sends after it do.
func (p *Numbers) Inbound(num string) {
	if r := p.cluster(); r != nil {
		r.Report(num, Report{Inbound: 1})
		return
	}
	p.bucket(num).take()
}

// SlowDown halves the number's rate after WhatsApp said it is too fast
// (130429), at most once a second: the sends in flight when the limit is
// hit all come back with the error, and halving once for each of them
// would bring the number down to a crawl.
func (p *Numbers) SlowDown(num string) {
	if r := p.cluster(); r != nil {
		r.Report(num, Report{SlowDown: true})
		return
	}
	p.slowDownLocal(num)
}

func (p *Numbers) slowDownLocal(num string) {
	b := p.bucket(num)
	now := p.now()
	p.mu.Lock()
	if now.Sub(p.slowed[num]) < time.Second {
		p.mu.Unlock()
		return
	}
	p.slowed[num] = now
	p.mu.Unlock()
	b.setRate(func(cur float64) float64 { return max(cur/2, 1) })
}

// Success brings a slowed-down number back towards its configured rate.
func (p *Numbers) Success(num string) {
	if r := p.cluster(); r != nil {
		r.Report(num, Report{Successes: 1})
		return
	}
	p.successLocal(num)
}

func (p *Numbers) successLocal(num string) {
	b := p.bucket(num)
	p.mu.Lock()
	limit := p.limit
	p.mu.Unlock()
	if b.currentRate() < limit {
		b.setRate(func(cur float64) float64 { return min(limit, cur*1.01+0.1) })
	}
}

// SetShare makes this process use share (0 < share <= 1) of each
// number's configured rate. Several instances send from the same numbers
// and WhatsApp's limit counts them together: with N instances live, each
// takes 1/N (cmd/lifeline on a cluster), so that together they stay
// under it. A number slowed down by WhatsApp keeps its slowdown,
// scaled to the new share.
func (p *Numbers) SetShare(share float64) {
	share = min(max(share, 1e-3), 1)
	p.mu.Lock()
	old, limit := p.limit, p.rate*share
	p.limit = limit
	bs := make([]*bucket, 0, len(p.buckets))
	for _, b := range p.buckets {
		bs = append(bs, b)
	}
	p.mu.Unlock()
	for _, b := range bs {
		b.setRate(func(cur float64) float64 {
			b.burst = Burst(limit)
			b.tokens = min(b.tokens, b.burst)
			return min(limit, max(cur*limit/old, 1e-3))
		})
	}
}

// Share is the part of each number's configured rate this process uses.
func (p *Numbers) Share() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.limit / p.rate
}

// Pause stops a number until the given time (an account error that an
// admin must fix). It is the one pause per number: replies check
// PausedUntil, broadcast sends wait in WaitUnpaused.
func (p *Numbers) Pause(num string, until time.Time) {
	p.pauseLocal(num, until)
	if r := p.cluster(); r != nil {
		// Here at once; the owner tells the others as they ask.
		r.Report(num, Report{PauseFor: until.Sub(p.now())})
	}
}

func (p *Numbers) pauseLocal(num string, until time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paused[num] = until
	p.changedLocked()
}

// Resume ends a number's pause now (an admin fixed the account) and wakes
// the senders waiting for it.
func (p *Numbers) Resume(num string) {
	p.resumeLocal(num)
	if r := p.cluster(); r != nil {
		r.Report(num, Report{Resume: true})
	}
}

func (p *Numbers) resumeLocal(num string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.paused, num)
	p.changedLocked()
}

func (p *Numbers) changedLocked() {
	close(p.resumed)
	p.resumed = make(chan struct{})
}

// WaitUnpaused blocks while num is paused: until the pause ends, Resume is
// called, or ctx ends. A sender that keeps its own queue (the reply
// outbox) checks PausedUntil instead, so as not to hold a worker that
// serves other numbers.
func (p *Numbers) WaitUnpaused(ctx context.Context, num string) error {
	p.mu.Lock()
	counted := false
	defer func() {
		if counted {
			p.mu.Lock()
			p.held[num]--
			p.mu.Unlock()
		}
	}()
	for {
		until, changed, now := p.paused[num], p.resumed, p.now()
		if !until.After(now) {
			p.mu.Unlock()
			return nil
		}
		if !counted {
			p.held[num]++
			counted = true
		}
		p.mu.Unlock()
		t := time.NewTimer(until.Sub(now))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-changed:
		case <-t.C:
		}
		t.Stop()
		p.mu.Lock()
	}
}

// Held is how many senders wait in WaitUnpaused for num's pause to end.
func (p *Numbers) Held(num string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.held[num]
}

// PausedUntil says until when a number is paused; the zero time if it is not.
func (p *Numbers) PausedUntil(num string) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.paused[num]
}

// Rate is the number's current rate in messages per second.
func (p *Numbers) Rate(num string) float64 { return p.bucket(num).currentRate() }

// bucket is a token bucket whose waiters are served by class, and in
// arrival order within a class. Tokens go negative when inbound messages
// use more than is left; the floor of one burst keeps a flood of inbound
// messages from stopping replies for longer than a burst's worth of time
// after it ends.
type bucket struct {
	now func() time.Time

	mu     sync.Mutex
	rate   float64 // tokens per second, lower than configured after a slow-down
	burst  float64
	tokens float64
	last   time.Time
	queue  [classes][]*waiter
	timer  *time.Timer
	armed  bool
}

type waiter struct {
	ready   chan struct{}
	granted bool
	until   time.Time // a pool's permit: void from then on
}

func (b *bucket) refillLocked(now time.Time) {
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = min(b.burst, b.tokens+el*b.rate)
	}
	b.last = now
}

// ahead says whether a waiter of class c or a more urgent one is queued.
func (b *bucket) aheadLocked(c Class) bool {
	for i := Class(0); i <= c; i++ {
		if len(b.queue[i]) > 0 {
			return true
		}
	}
	return false
}

func (b *bucket) wait(ctx context.Context, c Class) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	b.refillLocked(b.now())
	if b.tokens >= 1 && !b.aheadLocked(c) {
		b.tokens--
		b.mu.Unlock()
		return nil
	}
	w := &waiter{ready: make(chan struct{})}
	b.queue[c] = append(b.queue[c], w)
	b.grantLocked()
	b.mu.Unlock()

	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if w.granted {
		// Granted as the context ended: hand the token on.
		b.tokens++
		b.grantLocked()
		return ctx.Err()
	}
	q := b.queue[c]
	for i, x := range q {
		if x == w {
			b.queue[c] = append(q[:i:i], q[i+1:]...)
			break
		}
	}
	return ctx.Err()
}

// grantLocked hands the available tokens to the waiters, most urgent class
// first, and sets a timer for the next token when waiters remain.
func (b *bucket) grantLocked() {
	b.refillLocked(b.now())
	for c := range b.queue {
		for b.tokens >= 1 && len(b.queue[c]) > 0 {
			w := b.queue[c][0]
			b.queue[c][0] = nil
			b.queue[c] = b.queue[c][1:]
			b.tokens--
			w.granted = true
			close(w.ready)
		}
	}
	if b.armed || !b.aheadLocked(classes-1) {
		return
	}
	next := time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
	next = max(next, 100*time.Microsecond)
	b.armed = true
	if b.timer == nil {
		b.timer = time.AfterFunc(next, b.tick)
	} else {
		b.timer.Reset(next)
	}
}

func (b *bucket) tick() {
	b.mu.Lock()
	b.armed = false
	b.grantLocked()
	b.mu.Unlock()
}

func (b *bucket) take() {
	b.mu.Lock()
	b.refillLocked(b.now())
	b.tokens = max(b.tokens-1, -b.burst)
	b.mu.Unlock()
}

func (b *bucket) currentRate() float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.rate
}

func (b *bucket) setRate(f func(cur float64) float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refillLocked(b.now())
	b.rate = f(b.rate)
	if b.armed {
		// The next token comes at the new rate.
		b.timer.Stop()
		b.armed = false
	}
	b.grantLocked()
}
