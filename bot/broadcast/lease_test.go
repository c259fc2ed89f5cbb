package broadcast

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

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
