package pace

import (
	"context"
	"sync"
	"time"
)

// Remote shares each number's budget among the instances of a cluster
// (cluster.Pacer). One instance owns a number's budget: its bucket here
// is the number's bucket, and Grant, Own and Apply work it. Every
// instance, the owner too, draws permits from it through Permits, so a
// number's sends cluster-wide come from one bucket, and an instance can
// use what the others leave.
type Remote interface {
	// Permits asks num's owner for up to want permits for class c. It
	// blocks until the owner grants at least one, says the number is
	// paused, or ctx ends.
	Permits(ctx context.Context, num string, c Class, want int) (Permit, error)
	// Report passes what happened to num here (inbound messages,
	// successes, a slow-down, a pause) to the number's owner.
	Report(num string, r Report)
}

// Permit is an owner's answer to a request for permits.
type Permit struct {
	// N sends may start, until Until on this process's clock; a permit
	// not used by then is void (the owner counted it when granting).
	N     int
	Until time.Time
	// PausedFor is how much longer the number is paused (N is 0 then).
	PausedFor time.Duration
}

// Report is what an instance tells a number's owner.
type Report struct {
	Inbound   int           // messages received on the number
	Successes int           // sends that succeeded (the rate recovers)
	SlowDown  bool          // WhatsApp said the number is too fast
	PauseFor  time.Duration // > 0: pause the number this long
	Resume    bool          // an admin ended the number's pause
}

// Empty reports whether r says nothing.
func (r Report) Empty() bool {
	return r.Inbound == 0 && r.Successes == 0 && !r.SlowDown && r.PauseFor <= 0 && !r.Resume
}

// Observer measures, on a cluster, how long sends wait for their
// numbers' owners: the operator's view of the pacer's cost. Its methods
// are called from the senders' goroutines and must not block.
type Observer interface {
	// PermitWait: a send of class c waited d for a permit (0 when this
	// instance had one at hand), however long the number's budget and
	// the owner's answers made it wait.
	PermitWait(c Class, d time.Duration)
	// PermitRequest: one request for permits to a number's owner took d;
	// ok is false when it failed (no owner yet, no answer in time).
	PermitRequest(d time.Duration, ok bool)
}

// MeasurePermits has o measure the permits (SetRemote); nil measures nothing.
func (p *Numbers) MeasurePermits(o Observer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.observer = o
}

func (p *Numbers) observing() Observer {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.observer
}

// maxBatch bounds the permits one request asks for: the senders waiting
// for a number here, at most this many.
const maxBatch = 64

// SetRemote makes the numbers' budgets the cluster's (see Remote):
// sends wait for permits from each number's owner, and inbound counts,
// successes, slow-downs and pauses are reported to it. Call it before
// anything is sent; without it (one instance) nothing changes.
//
// validity is how long a granted permit stays usable (the sender checks
// it with Live immediately before its request leaves, and takes another
// when it is void), and spread how long a request may take from that
// check to reaching WhatsApp: a send reaches WhatsApp within validity +
// spread of its permit's grant. So that every
// one-second window at WhatsApp still holds at most the rate plus one
// burst (Burst), an owner grants from a bucket of burst 1 at
//
//	(rate + Burst(rate) - 1) / (1 s + validity + spread)
//
// (the permits of any window are those granted within that longer
// window, the first of them from the full bucket): about 12% below the
// rate for 25 ms and 150 ms. Below 20 a second the burst is one send, so
// a number limited to 1 a second still gets 1 / 1.175 s, not a twentieth
// of that.
func (p *Numbers) SetRemote(r Remote, validity, spread time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.remote = r
	p.validity = validity
	p.pools = map[string]*pool{}
	window := 1 + (validity + spread).Seconds()
	p.limit = max(1e-3, (p.rate+Burst(p.rate)-1)/window)
}

// Validity is how long a permit granted by this process stays usable.
func (p *Numbers) Validity() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.validity
}

// Own starts num's budget afresh on this instance, which has just become
// the number's owner: at the owner's rate (SetRemote) and with no
// tokens, so that the permits of the previous owner (void by the time
// this one starts, see cluster.Pacer) and this owner's first grants
// together stay within the rate plus one burst in any second.
func (p *Numbers) Own(num string) {
	p.mu.Lock()
	rate := p.limit
	b := &bucket{rate: rate, burst: 1, tokens: 0, last: p.now(), now: p.now}
	old := p.buckets[num]
	p.buckets[num] = b
	delete(p.slowed, num)
	p.mu.Unlock()
	if old != nil {
		// Waiters of an old bucket (none in a cluster: every send there
		// waits in a pool) would otherwise wait for ever.
		old.mu.Lock()
		old.rate = rate
		old.grantLocked()
		old.mu.Unlock()
	}
}

// Grant takes up to want permits of class c from num's bucket on the
// owner: it waits for the first (behind more urgent classes, in arrival
// order within its own) until ctx ends, then takes what is there at once.
// It grants nothing while the number is paused and says for how long.
func (p *Numbers) Grant(ctx context.Context, num string, c Class, want int) (n int, pausedFor time.Duration, err error) {
	if until := p.PausedUntil(num); until.After(p.now()) {
		return 0, until.Sub(p.now()), nil
	}
	b := p.bucket(num)
	if err := b.wait(ctx, c); err != nil {
		return 0, 0, err
	}
	return 1 + b.takeUpTo(c, want-1), 0, nil
}

// Apply does on the owner what an instance reported about num.
func (p *Numbers) Apply(num string, r Report) {
	b := p.bucket(num)
	for range min(r.Inbound, 1<<20) {
		b.take()
	}
	for range min(r.Successes, 1000) {
		p.successLocal(num)
	}
	if r.SlowDown {
		p.slowDownLocal(num)
	}
	if r.PauseFor > 0 {
		p.pauseLocal(num, p.now().Add(r.PauseFor))
	}
	if r.Resume {
		p.resumeLocal(num)
	}
}

// takeUpTo takes up to n tokens that are there now, unless a more urgent
// or earlier waiter of class c is queued.
func (b *bucket) takeUpTo(c Class, n int) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refillLocked(b.now())
	got := 0
	for got < n && b.tokens >= 1 && !b.aheadLocked(c) {
		b.tokens--
		got++
	}
	return got
}

// pool is a number's permits on one instance of a cluster: senders wait
// in it by class, in arrival order within a class, while one request at
// a time asks the owner for as many permits as there are senders.
type pool struct {
	p   *Numbers
	num string

	mu       sync.Mutex
	permits  int
	until    time.Time
	queue    [classes][]*waiter
	fetching bool
}

func (p *Numbers) pool(num string) *pool {
	p.mu.Lock()
	defer p.mu.Unlock()
	pl, ok := p.pools[num]
	if !ok {
		pl = &pool{p: p, num: num}
		p.pools[num] = pl
	}
	return pl
}

func (pl *pool) aheadLocked(c Class) bool {
	for i := Class(0); i <= c; i++ {
		if len(pl.queue[i]) > 0 {
			return true
		}
	}
	return false
}

// validLocked drops the permits whose time has passed.
func (pl *pool) validLocked() {
	if pl.permits > 0 && !pl.p.now().Before(pl.until) {
		pl.permits = 0
	}
}

func (pl *pool) wait(ctx context.Context, c Class) (Token, error) {
	if err := ctx.Err(); err != nil {
		return Token{}, err
	}
	obs := pl.p.observing()
	start := time.Now() // the wall clock: p.now may be a test's fixed clock
	pl.mu.Lock()
	pl.validLocked()
	if pl.permits > 0 && !pl.aheadLocked(c) {
		pl.permits--
		until := pl.until
		pl.mu.Unlock()
		if obs != nil {
			obs.PermitWait(c, 0)
		}
		return Token{until: until}, nil
	}
	w := &waiter{ready: make(chan struct{})}
	pl.queue[c] = append(pl.queue[c], w)
	if !pl.fetching {
		pl.fetching = true
		go pl.fetch()
	}
	pl.mu.Unlock()

	select {
	case <-w.ready:
		if obs != nil {
			obs.PermitWait(c, time.Since(start))
		}
		return Token{until: w.until}, nil
	case <-ctx.Done():
	}
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if w.granted && w.until.Equal(pl.until) {
		// Granted as the context ended: hand the permit on (unless a
		// newer answer has replaced the one it came from).
		pl.permits++
		pl.grantLocked()
		return Token{}, ctx.Err()
	}
	q := pl.queue[c]
	for i, x := range q {
		if x == w {
			pl.queue[c] = append(q[:i:i], q[i+1:]...)
			break
		}
	}
	return Token{}, ctx.Err()
}

// grantLocked hands the valid permits to the waiters, most urgent first.
func (pl *pool) grantLocked() {
	pl.validLocked()
	for c := range pl.queue {
		for pl.permits > 0 && len(pl.queue[c]) > 0 {
			w := pl.queue[c][0]
			pl.queue[c][0] = nil
			pl.queue[c] = pl.queue[c][1:]
			pl.permits--
			w.granted, w.until = true, pl.until
			close(w.ready)
		}
	}
}

// fetchTimeout bounds one request for permits; the owner answers sooner
// (with none) when its bucket has nothing in that time.
const fetchTimeout = 2 * time.Second

// fetch asks the owner for permits while senders wait.
func (pl *pool) fetch() {
	fails := 0
	for {
		pl.mu.Lock()
		pl.grantLocked()
		waiting, urgent := 0, classes
		for c := range pl.queue {
			if len(pl.queue[c]) > 0 && urgent == classes {
				urgent = Class(c)
			}
			waiting += len(pl.queue[c])
		}
		if waiting == 0 {
			pl.fetching = false
			pl.mu.Unlock()
			return
		}
		pl.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), fetchTimeout)
		asked := time.Now()
		perm, err := pl.p.remote.Permits(ctx, pl.num, urgent, min(waiting, maxBatch))
		cancel()
		if obs := pl.p.observing(); obs != nil {
			obs.PermitRequest(time.Since(asked), err == nil)
		}
		switch {
		case err != nil:
			// No owner yet, or it did not answer: the next try comes
			// after a short wait; the senders keep waiting meanwhile.
			fails++
			time.Sleep(min(10*time.Millisecond<<min(fails, 5), 250*time.Millisecond))
			continue
		case perm.PausedFor > 0:
			fails = 0
			pl.p.pauseLocal(pl.num, pl.p.now().Add(perm.PausedFor))
			time.Sleep(min(perm.PausedFor, time.Second))
			continue
		}
		fails = 0
		pl.mu.Lock()
		// Permits left from an earlier answer (their senders gave up)
		// are dropped rather than given the new answer's time.
		pl.permits, pl.until = perm.N, perm.Until
		pl.grantLocked()
		pl.mu.Unlock()
	}
}

// tokensNow is the bucket's tokens after refilling (for tests).
func (b *bucket) tokensNow() float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refillLocked(b.now())
	return b.tokens
}
