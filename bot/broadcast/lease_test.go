package broadcast

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/coord"
)

// gatedLeases is another instance holding every broadcast's lease until
// the test opens the gate.
type gatedLeases struct {
	*coord.MemoryLeases
	open     atomic.Bool
	refusals atomic.Int64
}

func (g *gatedLeases) Acquire(ctx context.Context, name, holder string, ttl time.Duration) (coord.Lease, error) {
	if !g.open.Load() {
		g.refusals.Add(1)
		return coord.Lease{}, fmt.Errorf("acquire lease %q: %w", name, coord.ErrHeld)
	}
	return g.MemoryLeases.Acquire(ctx, name, holder, ttl)
}

// A broadcast is sent only by the holder of its lease: while another
// instance holds it nothing goes out, and once it is free this instance
// takes it and sends.
func TestDispatchHoldsTheBroadcastsLease(t *testing.T) {
	g := &gatedLeases{MemoryLeases: coord.NewMemoryLeases(nil)}
	h := newHarness(t, hopts{cfg: Config{LeaseTTL: 20 * time.Millisecond}, leases: g})
	h.contacts(3, "en")
	id := h.create(noticeSpec())

	eventually(t, 10*time.Second, "two refused attempts to take the lease", func() bool { return g.refusals.Load() >= 2 })
	if n := len(h.graph.Messages()); n != 0 {
		t.Fatalf("%d messages sent without the lease", n)
	}
	if st := h.status(id); st.State != StateSending {
		t.Fatalf("state %s without the lease, want %s", st.State, StateSending)
	}

	g.open.Store(true)
	h.waitState(id, StateSent, StateCompleted)
	if n := len(h.graph.Messages()); n != 3 {
		t.Fatalf("%d messages sent, want 3", n)
	}
	// When the run ends the lease is free for the next holder, whose
	// fencing token is higher (coord's tests show release frees it at once).
	var l coord.Lease
	eventually(t, 10*time.Second, "the lease released", func() bool {
		var err error
		l, err = g.MemoryLeases.Acquire(context.Background(), leaseName(id), "other", time.Hour)
		return err == nil
	})
	if l.Token < 2 {
		t.Fatalf("token %d, want above the dispatcher's", l.Token)
	}
}

// takenLeases is a lease store in which another instance takes every
// lease over when the test says so: renewals then fail and acquisitions
// are refused until it gives them back.
type takenLeases struct {
	*coord.MemoryLeases
	taken    atomic.Bool
	refusals atomic.Int64
}

func (l *takenLeases) Acquire(ctx context.Context, name, holder string, ttl time.Duration) (coord.Lease, error) {
	if l.taken.Load() {
		l.refusals.Add(1)
		return coord.Lease{}, fmt.Errorf("acquire lease %q: %w", name, coord.ErrHeld)
	}
	return l.MemoryLeases.Acquire(ctx, name, holder, ttl)
}

func (l *takenLeases) Renew(ctx context.Context, le coord.Lease) (coord.Lease, error) {
	if l.taken.Load() {
		return coord.Lease{}, fmt.Errorf("renew lease %q: %w", le.Name, coord.ErrLost)
	}
	return l.MemoryLeases.Renew(ctx, le)
}

// A run that loses its lease stops sending; it continues from the stored
// progress once it holds the lease again, and everybody is reached.
func TestDispatchStopsWhenTheLeaseIsLost(t *testing.T) {
	leases := &takenLeases{MemoryLeases: coord.NewMemoryLeases(nil)}
	h := newHarness(t, hopts{cfg: Config{LeaseTTL: 30 * time.Millisecond, Concurrency: 1}, leases: leases})
	var sends atomic.Int64
	h.graph.SetResponder(func(r whatsapptest.Request) whatsapptest.Response {
		if sends.Add(1) == 3 {
			leases.taken.Store(true) // another instance takes the broadcast over
		}
		return whatsapptest.Response{Delay: 20 * time.Millisecond}
	})
	const n = 20
	ids := h.contacts(n, "en")
	id := h.create(noticeSpec())

	// A refused acquisition comes from a later run: the first one ended.
	// The count is read after the second refusal, a lease TTL later, so
	// that a request the fake was still receiving is counted.
	eventually(t, 20*time.Second, "the run to stop and later ones to be refused", func() bool { return leases.refusals.Load() >= 2 })
	stopped := len(h.graph.Messages())
	if stopped >= n {
		t.Fatalf("all %d sent although the lease was lost after 3", stopped)
	}
	eventually(t, 20*time.Second, "more refused attempts", func() bool { return leases.refusals.Load() >= 4 })
	if got := len(h.graph.Messages()); got != stopped {
		t.Fatalf("%d messages sent while another instance held the lease", got-stopped)
	}
	if st := h.status(id); st.State != StateSending {
		t.Fatalf("state %s while another instance holds the lease, want %s", st.State, StateSending)
	}

	leases.taken.Store(false)
	h.waitState(id, StateSent, StateCompleted)
	reached := sendsTo(h.graph.Messages())
	for _, to := range ids {
		if reached[to] == 0 {
			t.Errorf("%s never reached", to)
		}
	}
}
