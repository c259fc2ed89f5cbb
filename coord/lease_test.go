package coord

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// fakeClock is moved by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestMemoryLeases(t *testing.T) {
	const ttl = 10 * time.Second
	ctx := context.Background()
	// Each step runs against the state the previous steps left.
	type step struct {
		label   string
		advance time.Duration
		op      string // acquire, renew, release
		holder  string
		use     string // renew/release: the lease last granted to this holder
		token   uint64 // want, when ok
		err     error  // want
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"first holder gets token 1, a second is refused while it lasts", []step{
			{label: "a acquires", op: "acquire", holder: "a", token: 1},
			{label: "b refused", advance: ttl - time.Second, op: "acquire", holder: "b", err: ErrHeld},
		}},
		{"expiry passes the lease on with a higher token", []step{
			{label: "a acquires", op: "acquire", holder: "a", token: 1},
			{label: "b after expiry", advance: ttl, op: "acquire", holder: "b", token: 2},
			{label: "a cannot renew", op: "renew", use: "a", err: ErrLost},
			{label: "a cannot release", op: "release", use: "a", err: ErrNotHolder},
			{label: "a refused", op: "acquire", holder: "a", err: ErrHeld},
		}},
		{"renewal keeps the lease and its token", []step{
			{label: "a acquires", op: "acquire", holder: "a", token: 1},
			{label: "a renews before expiry", advance: ttl - time.Second, op: "renew", use: "a", token: 1},
			{label: "b still refused past the first expiry", advance: 5 * time.Second, op: "acquire", holder: "b", err: ErrHeld},
		}},
		{"renewal after expiry is refused even if nobody took it", []step{
			{label: "a acquires", op: "acquire", holder: "a", token: 1},
			{label: "a renews too late", advance: ttl, op: "renew", use: "a", err: ErrLost},
		}},
		{"acquiring again while holding extends without a new token", []step{
			{label: "a acquires", op: "acquire", holder: "a", token: 1},
			{label: "a again", advance: time.Second, op: "acquire", holder: "a", token: 1},
		}},
		{"the same holder after expiry is a new holder", []step{
			{label: "a acquires", op: "acquire", holder: "a", token: 1},
			{label: "a after expiry", advance: ttl, op: "acquire", holder: "a", token: 2},
		}},
		{"release by a non-holder is refused and changes nothing", []step{
			{label: "a acquires", op: "acquire", holder: "a", token: 1},
			{label: "b releases a forged lease", op: "release", use: "forged-b", err: ErrNotHolder},
			{label: "b still refused", op: "acquire", holder: "b", err: ErrHeld},
		}},
		{"release frees the lease at once and tokens keep growing", []step{
			{label: "a acquires", op: "acquire", holder: "a", token: 1},
			{label: "a releases", op: "release", use: "a"},
			{label: "a cannot release twice", op: "release", use: "a", err: ErrNotHolder},
			{label: "b acquires", op: "acquire", holder: "b", token: 2},
			{label: "b releases", op: "release", use: "b"},
			{label: "a acquires again", op: "acquire", holder: "a", token: 3},
		}},
		{"bad requests", []step{
			{label: "no holder", op: "acquire", holder: "", err: ErrInvalid},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			ls := NewMemoryLeases(clock.now)
			granted := map[string]Lease{"forged-b": {Name: "broadcast.1", Holder: "b", Token: ls.floor + 1, TTL: ttl}}
			for _, s := range c.steps {
				clock.advance(s.advance)
				var l Lease
				var err error
				switch s.op {
				case "acquire":
					l, err = ls.Acquire(ctx, "broadcast.1", s.holder, ttl)
				case "renew":
					l, err = ls.Renew(ctx, granted[s.use])
				case "release":
					err = ls.Release(ctx, granted[s.use])
				}
				if !errors.Is(err, s.err) || (s.err == nil && err != nil) {
					t.Fatalf("%s: err = %v, want %v", s.label, err, s.err)
				}
				if err != nil || s.op == "release" {
					continue
				}
				// Tokens start above the leases' floor; the steps count from it.
				if l.Token != ls.floor+s.token {
					t.Fatalf("%s: token %d, want floor+%d", s.label, l.Token-ls.floor, s.token)
				}
				if want := clock.t.Add(ttl); !l.Expires.Equal(want) {
					t.Fatalf("%s: expires %s, want %s", s.label, l.Expires, want)
				}
				granted[l.Holder] = l
			}
		})
	}
}

func TestLeasesAreIndependentByName(t *testing.T) {
	ctx := context.Background()
	ls := NewMemoryLeases(nil)
	if _, err := ls.Acquire(ctx, "broadcast.1", "a", time.Minute); err != nil {
		t.Fatal(err)
	}
	l, err := ls.Acquire(ctx, "broadcast.2", "b", time.Minute)
	if err != nil || l.Token != ls.floor+1 {
		t.Fatalf("other name: %+v, %v; want the first token", l, err)
	}
}

// Hold stops the work when the lease is taken over: its context ends with
// ErrLost as the cause.
func TestHoldEndsWhenLeaseIsLost(t *testing.T) {
	ctx := context.Background()
	clock := &syncClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	ls := NewMemoryLeases(clock.now)
	const ttl = 30 * time.Millisecond // renewals every 10ms of real time
	held, l, release, err := Hold(ctx, ls, "broadcast.1", "a", ttl)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if l.Token != ls.floor+1 {
		t.Fatalf("token floor+%d, want floor+1", l.Token-ls.floor)
	}
	// The lease clock jumps past the expiry before a renewal: another
	// instance takes it over.
	clock.advance(time.Hour)
	if _, err := ls.Acquire(ctx, "broadcast.1", "b", time.Hour); err != nil {
		t.Fatalf("takeover: %v", err)
	}
	select {
	case <-held.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("hold did not notice the takeover")
	}
	if cause := context.Cause(held); !errors.Is(cause, ErrLost) {
		t.Fatalf("cause %v, want ErrLost", cause)
	}
}

// Release gives the lease up at once, so the next holder need not wait for
// the expiry.
func TestHoldReleaseFreesLease(t *testing.T) {
	ctx := context.Background()
	ls := NewMemoryLeases(nil)
	held, _, release, err := Hold(ctx, ls, "broadcast.1", "a", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := Hold(ctx, ls, "broadcast.1", "b", time.Hour); !errors.Is(err, ErrHeld) {
		t.Fatalf("second holder: %v, want ErrHeld", err)
	}
	release()
	if held.Err() == nil {
		t.Fatal("context still live after release")
	}
	l, err := ls.Acquire(ctx, "broadcast.1", "b", time.Hour)
	if err != nil || l.Token != ls.floor+2 {
		t.Fatalf("after release: %+v, %v; want the second token", l, err)
	}
}

// A restarted process's leases grant tokens above every token the earlier
// process granted, so its runs are not refused by records the earlier
// process wrote (a broadcast's progress keeps its writer's token).
func TestMemoryLeaseTokensOutliveTheProcess(t *testing.T) {
	ctx := context.Background()
	before := NewMemoryLeases(nil)
	var last uint64
	for i := range 5 { // several runs of one broadcast: reminders, pause and resume
		l, err := before.Acquire(ctx, "broadcast.1", "local", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if err := before.Release(ctx, l); err != nil {
			t.Fatal(err)
		}
		if l.Token <= last {
			t.Fatalf("acquisition %d: token %d not above %d", i, l.Token, last)
		}
		last = l.Token
	}
	// A restart takes far longer than a microsecond per token granted;
	// wait on the wall clock for that much to have passed.
	for uint64(time.Now().UnixMicro()) < last {
		time.Sleep(time.Microsecond)
	}
	after := NewMemoryLeases(nil)
	l, err := after.Acquire(ctx, "broadcast.1", "local", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if l.Token <= last {
		t.Fatalf("after a restart: token %d, want above the earlier process's %d", l.Token, last)
	}
}

// syncClock is a fakeClock read from another goroutine (Hold's renewals).
type syncClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *syncClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *syncClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
