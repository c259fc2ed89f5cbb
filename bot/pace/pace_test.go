package pace

import (
	"context"
	"testing"
	"time"
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
				if err := p.Wait(ctx, "a"); err != nil {
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
