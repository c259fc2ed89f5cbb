package pace

import (
	"context"
	"errors"
	"testing"
	"time"

	"lifeline/bot/clocktest"
)

func TestSlowDownHalvesAtMostOnceASecondAndSuccessRecovers(t *testing.T) {
	p := New(80)
	for i := 0; i < 10; i++ { // ten sends in flight all hit 130429
		p.SlowDown("a")
	}
	if r := p.Rate("a"); r != 40 {
		t.Fatalf("rate after a burst of throughput errors = %v, want 40", r)
	}
	if r := p.Rate("b"); r != 80 {
		t.Fatalf("another number's rate = %v, want 80", r)
	}
	for i := 0; i < 1000 && p.Rate("a") < 80; i++ {
		p.Success("a")
	}
	if r := p.Rate("a"); r != 80 {
		t.Fatalf("rate after successes = %v, want back at 80", r)
	}
}

func TestPause(t *testing.T) {
	p := New(80)
	until := time.Now().Add(time.Minute)
	p.Pause("a", until)
	if !p.PausedUntil("a").Equal(until) || !p.PausedUntil("b").IsZero() {
		t.Fatal("pause must apply to its own number only")
	}
}

// Two senders on one number share its budget: together they get the rate, not twice it.
func TestSendersShareTheBudget(t *testing.T) {
	p := New(1000)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	done := make(chan struct{})
	for w := 0; w < 2; w++ {
		go func() {
			for i := 0; i < 150; i++ {
				if err := p.Wait(ctx, "a", Conversation); err != nil {
					t.Error(err)
				}
			}
			done <- struct{}{}
		}()
	}
	<-done
	<-done
	// 300 sends at 1000/s with a burst of 50 take at least 250 ms however
	// the machine is loaded; twice the rate would take about half that.
	if d := time.Since(start); d < 240*time.Millisecond {
		t.Fatalf("300 sends took %v: the senders did not share the budget", d)
	}
}

// manual returns pacing at perSecond on a hand-driven clock, and a function
// that moves the clock and hands out what has accrued on number "a".
func manual(perSecond float64) (*Numbers, func(time.Duration)) {
	c := clocktest.New(time.Unix(1e9, 0))
	p := New(perSecond)
	p.now = c.Now
	return p, func(d time.Duration) {
		c.Add(d)
		p.bucket("a").tick()
	}
}

// waitAsync starts a Wait and returns a channel that gets its result.
func waitAsync(ctx context.Context, p *Numbers, c Class) <-chan error {
	done := make(chan error, 1)
	go func() { done <- p.Wait(ctx, "a", c) }()
	return done
}

// queued waits until n waiters of class c are queued on number "a".
func queued(t *testing.T, p *Numbers, c Class, n int) {
	t.Helper()
	b := p.bucket("a")
	for deadline := time.Now().Add(10 * time.Second); ; {
		b.mu.Lock()
		got := len(b.queue[c])
		b.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d waiters of class %d queued, want %d", got, c, n)
		}
		time.Sleep(time.Millisecond)
	}
}

func granted(ch <-chan error) bool {
	select {
	case err := <-ch:
		return err == nil
	default:
		return false
	}
}

func TestRepliesGoBeforeBroadcastSends(t *testing.T) {
	p, advance := manual(10) // a token every 100 ms, burst 1
	ctx := context.Background()
	if err := p.Wait(ctx, "a", Broadcast); err != nil { // the burst
		t.Fatal(err)
	}
	bc := waitAsync(ctx, p, Broadcast)
	queued(t, p, Broadcast, 1)
	reply := waitAsync(ctx, p, Conversation)
	queued(t, p, Conversation, 1)

	advance(100 * time.Millisecond)
	if err := <-reply; err != nil {
		t.Fatalf("reply: %v", err)
	}
	if granted(bc) {
		t.Fatal("the broadcast send that waited longer went first; the reply must")
	}
	advance(100 * time.Millisecond)
	if err := <-bc; err != nil {
		t.Fatalf("broadcast: %v", err)
	}
}

func TestInboundMessagesUseTheBudget(t *testing.T) {
	tests := []struct {
		name    string
		inbound int
		wait    time.Duration // until a reply may go
	}{
		{"nothing received: the burst is there", 0, 0},
		{"one received takes the burst", 1, 50 * time.Millisecond},
		{"a flood owes at most one burst", 100, 100 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, advance := manual(20) // a token every 50 ms, burst 1
			for range tc.inbound {
				p.Inbound("a")
			}
			reply := waitAsync(context.Background(), p, Conversation)
			if tc.wait == 0 {
				if err := <-reply; err != nil {
					t.Fatal(err)
				}
				return
			}
			queued(t, p, Conversation, 1)
			advance(tc.wait - time.Millisecond)
			if granted(reply) {
				t.Fatalf("reply went before %v had passed", tc.wait)
			}
			advance(time.Millisecond)
			if err := <-reply; err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestAWaiterThatGivesUpLeavesItsPlace(t *testing.T) {
	p, advance := manual(10)
	if err := p.Wait(context.Background(), "a", Conversation); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	first := waitAsync(ctx, p, Conversation)
	queued(t, p, Conversation, 1)
	second := waitAsync(context.Background(), p, Conversation)
	queued(t, p, Conversation, 2)
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled wait = %v, want context.Canceled", err)
	}
	queued(t, p, Conversation, 1)
	advance(100 * time.Millisecond)
	if err := <-second; err != nil {
		t.Fatal(err)
	}
}

// A paused number holds its broadcast senders until an admin resumes it.
func TestWaitUnpausedHoldsUntilResume(t *testing.T) {
	p := New(80)
	ctx := context.Background()
	if err := p.WaitUnpaused(ctx, "a"); err != nil {
		t.Fatalf("a number never paused: %v", err)
	}
	p.Pause("a", time.Now().Add(-time.Second))
	if err := p.WaitUnpaused(ctx, "a"); err != nil {
		t.Fatalf("a pause that has ended: %v", err)
	}
	p.Pause("a", time.Now().Add(time.Hour))
	done := make(chan error, 1)
	go func() { done <- p.WaitUnpaused(ctx, "a") }()
	for deadline := time.Now().Add(10 * time.Second); p.Held("a") != 1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the sender did not wait for the pause")
		}
	}
	if err := p.WaitUnpaused(ctx, "b"); err != nil {
		t.Fatalf("another number: %v", err)
	}
	if granted(done) {
		t.Fatal("the sender went on while the number is paused")
	}
	p.Resume("a")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !p.PausedUntil("a").IsZero() || p.Held("a") != 0 {
		t.Fatal("resume must clear the pause")
	}

	p.Pause("a", time.Now().Add(time.Hour))
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := p.WaitUnpaused(cctx, "a"); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled wait = %v", err)
	}
}

// With a share of a third, a number sends a third of its rate: three
// instances together stay under the one limit.
func TestShareDividesTheRate(t *testing.T) {
	p := New(90)
	p.Success("n") // makes the bucket at the full rate
	p.SetShare(1.0 / 3)
	if got := p.Rate("n"); got < 29.9 || got > 30.1 {
		t.Fatalf("rate with a third: %.2f, want 30", got)
	}
	for range 1000 {
		p.Success("n")
	}
	if got := p.Rate("n"); got > 30.1 {
		t.Fatalf("successes raised the rate to %.2f, above the share's 30", got)
	}
	p.SetShare(1)
	if got := p.Rate("n"); got < 89.9 {
		t.Fatalf("rate back at the whole share: %.2f, want 90", got)
	}
	if got := New(90).Share(); got != 1 {
		t.Fatalf("default share %.2f, want 1", got)
	}
}
