// Package coordtest is the conformance suite of coord's seams: every
// implementation of coord.Leases and coord.Bus (the single-process ones in
// coord, the NATS JetStream ones in cluster) runs the same cases, so that
// the engine can rely on one behaviour whichever backend runs it.
package coordtest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"lifeline/coord"
)

// LeaseBackend is one fresh lease store shared by several instances.
type LeaseBackend struct {
	// Instance returns the Leases of instance i (0, 1, 2, ...) of the
	// backend, from the test's goroutine: each holder of a case acquires through its own instance,
	// as each process of a cluster does. A single-process implementation
	// returns the same Leases for every i.
	Instance func(i int) coord.Leases
	// Advance moves the clock every instance times leases by.
	Advance func(d time.Duration)
}

// Clock is a hand-moved clock safe for concurrent use, for backends that
// take a func() time.Time.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts a clock at a fixed instant.
func NewClock() *Clock { return &Clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// leaseStep is one operation of a lease case against the state the
// previous steps left. Holder "a" uses instance 0, "b" instance 1.
type leaseStep struct {
	label   string
	advance time.Duration
	op      string // acquire, renew, release
	holder  string // acquire: who asks
	use     string // renew, release: the lease last granted to this holder ("forged-b": b with a's token)
	token   string // when ok: "new" (above every token before), "same" (the holder's last token)
	err     error
}

const leaseTTL = 10 * time.Second

// expired is how a case lets a lease expire: the taker tries while the
// lease lasts (an implementation that judges expiry by its own clock starts
// timing there), then the clock passes the holder's TTL.
func expired(taker string) []leaseStep {
	return []leaseStep{
		{label: taker + " refused while it lasts", op: "acquire", holder: taker, err: coord.ErrHeld},
		{label: taker + " still refused just before the TTL", advance: leaseTTL - time.Millisecond, op: "acquire", holder: taker, err: coord.ErrHeld},
		{label: taker + " after the TTL", advance: time.Millisecond, op: "acquire", holder: taker, token: "new"},
	}
}

func steps(parts ...[]leaseStep) []leaseStep {
	var out []leaseStep
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var leaseCases = []struct {
	name  string
	steps []leaseStep
}{
	{"a first holder gets a token and a second is refused while it lasts", []leaseStep{
		{label: "a acquires", op: "acquire", holder: "a", token: "new"},
		{label: "b refused", advance: leaseTTL / 2, op: "acquire", holder: "b", err: coord.ErrHeld},
	}},
	{"expiry lets another holder in with a larger token and locks the old one out", steps(
		[]leaseStep{{label: "a acquires", op: "acquire", holder: "a", token: "new"}},
		expired("b"),
		[]leaseStep{
			{label: "a cannot renew", op: "renew", use: "a", err: coord.ErrLost},
			{label: "a cannot release", op: "release", use: "a", err: coord.ErrNotHolder},
			{label: "a refused", op: "acquire", holder: "a", err: coord.ErrHeld},
			{label: "b renews", op: "renew", use: "b", token: "same"},
		})},
	{"renewal keeps the lease and its token past the first expiry", []leaseStep{
		{label: "a acquires", op: "acquire", holder: "a", token: "new"},
		{label: "b refused", op: "acquire", holder: "b", err: coord.ErrHeld},
		{label: "a renews before expiry", advance: leaseTTL - time.Second, op: "renew", use: "a", token: "same"},
		{label: "b still refused past the first expiry", advance: 5 * time.Second, op: "acquire", holder: "b", err: coord.ErrHeld},
		{label: "a renews again", op: "renew", use: "a", token: "same"},
	}},
	{"renewal after expiry is refused even if nobody took the lease", []leaseStep{
		{label: "a acquires", op: "acquire", holder: "a", token: "new"},
		{label: "a renews too late", advance: leaseTTL, op: "renew", use: "a", err: coord.ErrLost},
	}},
	{"acquiring again while holding extends without a new token", []leaseStep{
		{label: "a acquires", op: "acquire", holder: "a", token: "new"},
		{label: "a again", advance: time.Second, op: "acquire", holder: "a", token: "same"},
		{label: "b refused", advance: leaseTTL - time.Second/2, op: "acquire", holder: "b", err: coord.ErrHeld},
	}},
	{"the same holder after expiry is a new holder", []leaseStep{
		{label: "a acquires", op: "acquire", holder: "a", token: "new"},
		{label: "a after expiry", advance: leaseTTL, op: "acquire", holder: "a", token: "new"},
		{label: "the first grant cannot renew", op: "renew", use: "a-first", err: coord.ErrLost},
	}},
	{"release by a non-holder is refused and changes nothing", []leaseStep{
		{label: "a acquires", op: "acquire", holder: "a", token: "new"},
		{label: "b releases a forged lease", op: "release", use: "forged-b", err: coord.ErrNotHolder},
		{label: "b renews a forged lease", op: "renew", use: "forged-b", err: coord.ErrLost},
		{label: "b still refused", op: "acquire", holder: "b", err: coord.ErrHeld},
		{label: "a renews", op: "renew", use: "a", token: "same"},
	}},
	{"release frees the lease at once and tokens keep growing", []leaseStep{
		{label: "a acquires", op: "acquire", holder: "a", token: "new"},
		{label: "a releases", op: "release", use: "a"},
		{label: "a cannot release twice", op: "release", use: "a", err: coord.ErrNotHolder},
		{label: "a cannot renew a released lease", op: "renew", use: "a", err: coord.ErrLost},
		{label: "b acquires at once", op: "acquire", holder: "b", token: "new"},
		{label: "b releases", op: "release", use: "b"},
		{label: "a acquires again", op: "acquire", holder: "a", token: "new"},
	}},
	{"bad requests", []leaseStep{
		{label: "no holder", op: "acquire", holder: "", err: coord.ErrInvalid},
		{label: "no name", op: "acquire", holder: "noname", err: coord.ErrInvalid},
		{label: "no ttl", op: "acquire", holder: "nottl", err: coord.ErrInvalid},
		{label: "renew without ttl", op: "renew", use: "nottl", err: coord.ErrInvalid},
	}},
}

// Leases runs the lease conformance cases; newBackend makes a fresh,
// empty backend for each case.
func Leases(t *testing.T, newBackend func(t *testing.T) LeaseBackend) {
	t.Helper()
	for _, c := range leaseCases {
		t.Run(c.name, func(t *testing.T) { runLeaseCase(t, newBackend(t), c.steps) })
	}
	t.Run("names are independent", func(t *testing.T) {
		ctx := testContext(t)
		be := newBackend(t)
		a, err := be.Instance(0).Acquire(ctx, "broadcast.1", "a", leaseTTL)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := be.Instance(1).Acquire(ctx, "broadcast.2", "b", leaseTTL); err != nil {
			t.Fatalf("another name: %v", err)
		}
		if _, err := be.Instance(1).Acquire(ctx, "broadcast.1", "b", leaseTTL); !errors.Is(err, coord.ErrHeld) {
			t.Fatalf("b on a's name: %v, want ErrHeld", err)
		}
		if _, err := be.Instance(0).Renew(ctx, a); err != nil {
			t.Fatalf("a renews: %v", err)
		}
	})
	t.Run("concurrent acquirers: exactly one wins each round", func(t *testing.T) {
		testConcurrentAcquire(t, newBackend(t))
	})
	t.Run("Hold renews, ends with ErrLost when the lease is lost, and release frees it", func(t *testing.T) {
		testHold(t, newBackend(t))
	})
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func runLeaseCase(t *testing.T, be LeaseBackend, steps []leaseStep) {
	ctx := testContext(t)
	const name = "broadcast.1"
	inst := map[string]int{"a": 0, "b": 1, "": 0, "noname": 0, "nottl": 0}
	granted := map[string]coord.Lease{}
	var top uint64 // the largest token granted so far
	for _, s := range steps {
		be.Advance(s.advance)
		var l coord.Lease
		var err error
		switch s.op {
		case "acquire":
			n, ttl := name, leaseTTL
			switch s.holder {
			case "noname":
				n = ""
			case "nottl":
				ttl = 0
			}
			l, err = be.Instance(inst[s.holder]).Acquire(ctx, n, s.holder, ttl)
		case "renew", "release":
			use, ok := granted[s.use]
			switch s.use {
			case "forged-b":
				use, ok = granted["a"]
				use.Holder = "b"
			case "nottl":
				use, ok = granted["a"], true
				use.Name, use.Holder, use.TTL = name, "a", 0
			}
			if !ok {
				t.Fatalf("%s: no lease of %s to use", s.label, s.use)
			}
			i := inst[use.Holder]
			if s.op == "renew" {
				l, err = be.Instance(i).Renew(ctx, use)
			} else {
				err = be.Instance(i).Release(ctx, use)
			}
		}
		if !errors.Is(err, s.err) || (s.err == nil && err != nil) {
			t.Fatalf("%s: err = %v, want %v", s.label, err, s.err)
		}
		if err != nil || s.op == "release" {
			continue
		}
		if l.Name != name || l.TTL != leaseTTL {
			t.Fatalf("%s: got %+v, want lease %s with ttl %s", s.label, l, name, leaseTTL)
		}
		prev, had := granted[l.Holder]
		switch s.token {
		case "new":
			if l.Token <= top {
				t.Fatalf("%s: token %d, want above every earlier token (%d)", s.label, l.Token, top)
			}
		case "same":
			if !had || l.Token != prev.Token {
				t.Fatalf("%s: token %d, want the holder's %d", s.label, l.Token, prev.Token)
			}
		default:
			t.Fatalf("%s: step says no token rule", s.label)
		}
		top = max(top, l.Token)
		if had && s.token == "new" {
			granted[l.Holder+"-first"] = prev
		}
		granted[l.Holder] = l
	}
}

func testConcurrentAcquire(t *testing.T, be LeaseBackend) {
	ctx := testContext(t)
	const contenders = 8
	var top uint64
	for round := range 3 {
		type result struct {
			l   coord.Lease
			err error
		}
		results := make([]result, contenders)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range contenders {
			ls := be.Instance(i) // outside the goroutines: it may fail the test
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				l, err := ls.Acquire(ctx, "pacer.106540352242922", fmt.Sprintf("h%d", i), time.Hour)
				results[i] = result{l, err}
			}()
		}
		close(start)
		wg.Wait()
		var winners []coord.Lease
		for i, r := range results {
			switch {
			case r.err == nil:
				winners = append(winners, r.l)
			case !errors.Is(r.err, coord.ErrHeld):
				t.Fatalf("round %d contender %d: %v, want success or ErrHeld", round, i, r.err)
			}
		}
		if len(winners) != 1 {
			t.Fatalf("round %d: %d winners %+v, want exactly one", round, len(winners), winners)
		}
		w := winners[0]
		if w.Token <= top {
			t.Fatalf("round %d: token %d, want above %d", round, w.Token, top)
		}
		top = w.Token
		var i int
		fmt.Sscanf(w.Holder, "h%d", &i)
		if err := be.Instance(i).Release(ctx, w); err != nil {
			t.Fatalf("round %d: release: %v", round, err)
		}
	}
}

func testHold(t *testing.T, be LeaseBackend) {
	ctx := testContext(t)
	// Renewals every 100ms of real time; the lease clock does not move
	// unless the test moves it, so only a takeover can end the hold.
	const ttl = 300 * time.Millisecond
	held, l, release, err := coord.Hold(ctx, be.Instance(0), "broadcast.1", "a", ttl)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if _, _, _, err := coord.Hold(ctx, be.Instance(1), "broadcast.1", "b", ttl); !errors.Is(err, coord.ErrHeld) {
		t.Fatalf("second holder: %v, want ErrHeld", err)
	}
	// The lease clock jumps past the expiry: the holder's next renewal
	// fails, and another instance takes the lease over.
	be.Advance(time.Hour)
	b, err := be.Instance(1).Acquire(ctx, "broadcast.1", "b", time.Hour)
	for try := 0; try < 3 && errors.Is(err, coord.ErrHeld); try++ {
		// An instance that times expiry from its own first sight of the
		// revision needs one more TTL after a renewal it had not seen.
		be.Advance(time.Hour)
		b, err = be.Instance(1).Acquire(ctx, "broadcast.1", "b", time.Hour)
	}
	if err != nil {
		t.Fatalf("takeover: %v", err)
	}
	if b.Token <= l.Token {
		t.Fatalf("takeover token %d, want above %d", b.Token, l.Token)
	}
	select {
	case <-held.Done():
	case <-ctx.Done():
		t.Fatal("hold did not end after the takeover")
	}
	if cause := context.Cause(held); !errors.Is(cause, coord.ErrLost) {
		t.Fatalf("hold ended with %v, want ErrLost", cause)
	}
	release()

	// b's hold, released, frees the lease at once for a.
	bheld, _, brelease, err := coord.Hold(ctx, be.Instance(1), "broadcast.2", "b", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	brelease()
	if bheld.Err() == nil {
		t.Fatal("hold's context live after release")
	}
	if _, err := be.Instance(0).Acquire(ctx, "broadcast.2", "a", time.Hour); err != nil {
		t.Fatalf("acquire after a released hold: %v", err)
	}
}
