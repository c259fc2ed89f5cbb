package pace

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lifeline/bot/clocktest"
)

// ownerRemote is a Remote whose owner is another Numbers in this process:
// what cluster.Pacer does over NATS, without the network.
type ownerRemote struct {
	owner    *Numbers
	validity time.Duration
	calls    atomic.Int64
}

func (r *ownerRemote) Permits(ctx context.Context, num string, c Class, want int) (Permit, error) {
	r.calls.Add(1)
	sent := time.Now()
	n, paused, err := r.owner.Grant(ctx, num, c, want)
	if err != nil {
		return Permit{}, err
	}
	return Permit{N: n, Until: sent.Add(r.validity), PausedFor: paused}, nil
}

func (r *ownerRemote) Report(num string, rep Report) { r.owner.Apply(num, rep) }

// Three instances send from one number through its owner's permits:
// together they stay within the rate plus one burst in every second, as
// one instance alone does.
func TestInstancesDrawFromTheOwnersBudget(t *testing.T) {
	const rate = 200
	owner := New(rate)
	remote := &ownerRemote{owner: owner, validity: 25 * time.Millisecond}
	owner.SetRemote(remote, remote.validity, 0)
	owner.Own("a")
	instances := []*Numbers{owner, New(rate), New(rate)}
	for _, in := range instances[1:] {
		in.SetRemote(remote, remote.validity, 0)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var (
		mu    sync.Mutex
		times []time.Time
		wg    sync.WaitGroup
	)
	start := time.Now()
	for i, in := range instances {
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := Conversation
				if (i+w)%2 == 1 {
					c = Broadcast
				}
				for range 50 {
					if err := in.Wait(ctx, "a", c); err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					times = append(times, time.Now())
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	// 600 sends at the owner's 204/s from an empty bucket take at least
	// 2.9 s however loaded the machine; three instances each pacing
	// alone would take 1.
	if d := time.Since(start); d < 2900*time.Millisecond {
		t.Fatalf("600 sends took %v: the instances did not share one budget", d)
	}
	if n, limit := clocktest.MostWithin(times, time.Second), rate+int(Burst(rate)); n > limit {
		t.Fatalf("%d sends in one second, want at most %d (the rate plus one burst)", n, limit)
	}
	if c := remote.calls.Load(); c >= 600 {
		t.Logf("%d requests for 600 permits: no batching", c)
	}
}

// What an instance learns about a number reaches its owner, and a pause
// set on one instance holds the others' senders when they next ask.
func TestReportsReachTheOwner(t *testing.T) {
	owner := New(80)
	remote := &ownerRemote{owner: owner, validity: 50 * time.Millisecond}
	owner.Own("a")
	a, b := New(80), New(80)
	a.SetRemote(remote, remote.validity, 0)
	b.SetRemote(remote, remote.validity, 0)

	a.SlowDown("a")
	if r := owner.Rate("a"); r != 40 {
		t.Fatalf("owner's rate after a slow-down elsewhere = %v, want 40", r)
	}
	for range 1000 {
		b.Success("a")
	}
	if r := owner.Rate("a"); r != 80 {
		t.Fatalf("owner's rate after successes elsewhere = %v, want 80", r)
	}
	before := owner.bucket("a").tokensNow()
	a.Inbound("a")
	if after := owner.bucket("a").tokensNow(); after > before-0.9 {
		t.Fatalf("owner's tokens %v -> %v after an inbound message elsewhere", before, after)
	}

	a.Pause("a", time.Now().Add(time.Hour))
	if owner.PausedUntil("a").IsZero() {
		t.Fatal("a pause on one instance did not reach the owner")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := b.Wait(ctx, "a", Conversation); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a send from another instance during the pause: %v, want it held", err)
	}
	if b.PausedUntil("a").IsZero() {
		t.Fatal("the other instance did not learn of the pause from the owner")
	}
	b.Resume("a")
	if !owner.PausedUntil("a").IsZero() {
		t.Fatal("a resume did not reach the owner")
	}
}

// expiringRemote answers first with permits already void, then with one
// valid permit.
type expiringRemote struct{ calls atomic.Int64 }

func (r *expiringRemote) Permits(ctx context.Context, num string, c Class, want int) (Permit, error) {
	if r.calls.Add(1) == 1 {
		return Permit{N: 5, Until: time.Now().Add(-time.Millisecond)}, nil
	}
	return Permit{N: 1, Until: time.Now().Add(time.Minute)}, nil
}

func (r *expiringRemote) Report(string, Report) {}

// A permit that arrives after its time is never used: the owner counted
// it when granting, and a late send could land in the next second's
// budget.
func TestLatePermitsAreVoid(t *testing.T) {
	p := New(80)
	r := &expiringRemote{}
	p.SetRemote(r, time.Minute, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Wait(ctx, "a", Conversation); err != nil {
		t.Fatal(err)
	}
	if c := r.calls.Load(); c != 2 {
		t.Fatalf("%d requests, want 2: the void permits must not have let the send go", c)
	}
}

// A new owner starts with no tokens and a burst of one, at a rate below
// the configured one by what late permits and the send path's spread may
// add to a second.
func TestNewOwnerStartsEmpty(t *testing.T) {
	c := clocktest.New(time.Unix(1e9, 0))
	p := New(100)
	p.now = c.Now
	p.SetRemote(&expiringRemote{}, 20*time.Millisecond, 80*time.Millisecond)
	p.Own("a")
	if got := p.bucket("a").takeUpTo(Conversation, 10); got != 0 {
		t.Fatalf("a new owner granted %d at once, want 0", got)
	}
	// (100 + 5 - 1) / 1.1 s.
	if r, want := p.Rate("a"), 104/1.1; r < want-1e-9 || r > want+1e-9 {
		t.Fatalf("owner's rate %v, want %v", r, want)
	}
	c.Add(time.Second)
	if got := p.bucket("a").takeUpTo(Conversation, 10); got != 1 {
		t.Fatalf("after a second idle the owner granted %d at once, want its burst of 1", got)
	}
	// Permits taken in any window of 1 s + validity + spread: at most
	// the rate plus one burst.
	c.Add(10 * time.Millisecond)
	got := 0
	for range 110 {
		c.Add(10 * time.Millisecond)
		got += p.bucket("a").takeUpTo(Conversation, 100)
	}
	if limit := 100 + 5; got > limit {
		t.Fatalf("%d permits in 1.1 s, want at most %d", got, limit)
	}
}

// permitLog records what an Observer is told.
type permitLog struct {
	mu       sync.Mutex
	waits    map[Class][]time.Duration
	requests int
	failed   int
}

func (l *permitLog) PermitWait(c Class, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.waits == nil {
		l.waits = map[Class][]time.Duration{}
	}
	l.waits[c] = append(l.waits[c], d)
}

func (l *permitLog) PermitRequest(_ time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.requests++
	if !ok {
		l.failed++
	}
}

// Every send waiting on its owner's permits is measured, with the time
// the owner's budget made it wait, and so is every request to the owner.
func TestPermitWaitsAreMeasured(t *testing.T) {
	const rate, sends = 20, 10
	owner := New(rate)
	// The permits last from the request for longer than the owner's
	// wait for a token (51 ms at this rate): cluster.Pacer adds that wait.
	remote := &ownerRemote{owner: owner, validity: time.Second}
	owner.SetRemote(remote, 25*time.Millisecond, 0)
	owner.Own("a")
	in := New(rate)
	in.SetRemote(remote, 25*time.Millisecond, 0)
	var log permitLog
	in.MeasurePermits(&log)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for range sends {
		if err := in.Wait(ctx, "a", Broadcast); err != nil {
			t.Fatal(err)
		}
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	if got := len(log.waits[Broadcast]); got != sends {
		t.Fatalf("%d waits measured for %d sends", got, sends)
	}
	var total time.Duration
	for _, d := range log.waits[Broadcast] {
		total += d
	}
	// The owner's bucket starts empty and grants about 19.5 a second:
	// ten sends one after the other wait at least half a second in all.
	if total < 450*time.Millisecond {
		t.Errorf("the sends waited %s in all, want at least 450ms", total)
	}
	if log.requests == 0 || log.failed != 0 {
		t.Errorf("requests measured: %d, %d failed; want some, none failed", log.requests, log.failed)
	}
}

// fixedRemote grants n permits per request, usable until a fixed time.
type fixedRemote struct {
	n     int
	until time.Time
}

func (r *fixedRemote) Permits(context.Context, string, Class, int) (Permit, error) {
	return Permit{N: r.n, Until: r.until}, nil
}

func (r *fixedRemote) Report(string, Report) {}

// A permit taken on a cluster carries its end, so that the sender checks
// it again as its request leaves; one instance's never ends.
func TestTokensEndWithTheirPermits(t *testing.T) {
	start := time.Unix(1e9, 0)
	cases := []struct {
		label    string
		cluster  bool
		after    time.Duration // from start to the check
		wantLive bool
	}{
		{label: "one instance: live however late", after: time.Hour, wantLive: true},
		{label: "cluster: live before the permit's end", cluster: true, after: 24 * time.Millisecond, wantLive: true},
		{label: "cluster: void at its end", cluster: true, after: 25 * time.Millisecond},
		{label: "cluster: void after it", cluster: true, after: time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			c := clocktest.New(start)
			p := New(80)
			p.SetClock(c.Now)
			if tc.cluster {
				p.SetRemote(&fixedRemote{n: 2, until: start.Add(25 * time.Millisecond)}, 25*time.Millisecond, 0)
			}
			tok, err := p.Take(context.Background(), "a", Conversation)
			if err != nil {
				t.Fatal(err)
			}
			c.Add(tc.after)
			if got := p.Live(tok); got != tc.wantLive {
				t.Fatalf("live %v, want %v", got, tc.wantLive)
			}
		})
	}
}

// An owner's grants, taken as fast as they come for half a minute: every
// window of 1 s + validity + spread holds at most the rate plus one burst
// (the bound the cluster's sends rest on), and the owner still grants
// most of the rate, slow numbers included: below 20 a second the burst is
// one send, not a twentieth of one.
func TestOwnersGrantsKeepTheBoundAndMostOfTheRate(t *testing.T) {
	validity, spread := 25*time.Millisecond, 150*time.Millisecond
	window := time.Second + validity + spread
	for _, rate := range []float64{1, 2, 5, 19, 20, 60, 80, 1000} {
		c := clocktest.New(time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC))
		owner := New(rate)
		owner.SetClock(c.Now)
		owner.SetRemote(&fixedRemote{}, validity, spread)
		owner.Own("a")
		b := owner.bucket("a")
		var grants []time.Time
		// Steps well below the owner's interval between grants at the
		// highest rate here (1.1 ms), so the hand-moved clock does not
		// itself hold grants back.
		const run, step = 30 * time.Second, 100 * time.Microsecond
		for at := time.Duration(0); at < run; at += step {
			c.Add(step)
			for range b.takeUpTo(Conversation, 1<<20) {
				grants = append(grants, c.Now())
			}
		}
		if most, limit := clocktest.MostWithin(grants, window), int(rate+Burst(rate)); most > limit {
			t.Errorf("rate %v: %d grants within %v, want at most %d", rate, most, window, limit)
		}
		if got := float64(len(grants)) / run.Seconds(); got < 0.8*rate {
			t.Errorf("rate %v: the owner granted %.3f a second, want at least %.3f", rate, got, 0.8*rate)
		}
	}
}
