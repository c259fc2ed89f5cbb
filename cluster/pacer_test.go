package cluster

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/clocktest"
	"lifeline/bot/pace"
)

// abandon stops this pacer as a crash would: no renewal, no answers, no
// release; its leases run out on their own.
func (p *Pacer) abandon() {
	p.mu.Lock()
	owned := p.owned
	p.owned = map[string]*ownedNumber{}
	p.closed = true
	close(p.stop)
	p.mu.Unlock()
	for _, on := range owned {
		_ = on.sub.Unsubscribe()
		close(on.stop)
	}
	p.wg.Wait()
}

// startPacers starts one pacer per id on node, each with its own leases
// and budgets at rate.
func startPacers(t testing.TB, node *Node, rate float64, ttl time.Duration, ids ...string) ([]*Pacer, []*pace.Numbers) {
	t.Helper()
	var ps []*Pacer
	var nums []*pace.Numbers
	for _, id := range ids {
		ls, err := NewLeases(context.Background(), node.JetStream(), LeaseOptions{})
		if err != nil {
			t.Fatal(err)
		}
		n := pace.New(rate)
		p, err := NewPacer(ls, node.Conn(), n, PacerOptions{Instance: id, TTL: ttl, Logger: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(p.Close)
		ps = append(ps, p)
		nums = append(nums, n)
	}
	return ps, nums
}

func ensuredSingle(t *testing.T) *Node {
	t.Helper()
	node := startSingle(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := node.Ensure(ctx, Settings{Partitions: 4}); err != nil {
		t.Fatal(err)
	}
	return node
}

// sendTimes records when sends were allowed.
type sendTimes struct {
	mu    sync.Mutex
	times []time.Time
}

func (s *sendTimes) add() {
	s.mu.Lock()
	s.times = append(s.times, time.Now())
	s.mu.Unlock()
}

// worst is the most sends in any one-second window.
func (s *sendTimes) worst() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return clocktest.MostWithin(s.times, time.Second)
}

// send runs workers senders of n sends each on nums for number num.
func send(t *testing.T, ctx context.Context, nums *pace.Numbers, num string, workers, n int, rec *sendTimes) *sync.WaitGroup {
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := pace.Conversation
			if w%2 == 1 {
				c = pace.Broadcast
			}
			for range n {
				if err := nums.Wait(ctx, num, c); err != nil {
					t.Error(err)
					return
				}
				rec.add()
			}
		}()
	}
	return &wg
}

// Three instances send from one number: exactly one owns its budget, the
// others draw permits from it over NATS, and together they keep within
// the rate plus one burst in every second.
func TestPacerOneOwnerAndOneBudgetForThreeInstances(t *testing.T) {
	node := ensuredSingle(t)
	const rate, num = 100, "106540352242922"
	ps, nums := startPacers(t, node, rate, 2*time.Second, "i1", "i2", "i3")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	rec := &sendTimes{}
	start := time.Now()
	var wgs []*sync.WaitGroup
	for _, n := range nums {
		wgs = append(wgs, send(t, ctx, n, num, 4, 25, rec))
	}
	for _, wg := range wgs {
		wg.Wait()
	}
	owners := 0
	for _, p := range ps {
		if p.Owns(num) {
			owners++
		}
	}
	if owners != 1 {
		t.Fatalf("%d owners of the number, want 1", owners)
	}
	// 300 sends at 100/s from an empty bucket take nearly 3 s however
	// loaded the machine; instances pacing alone would take 1.
	if d := time.Since(start); d < 2800*time.Millisecond {
		t.Fatalf("300 sends took %v: the instances did not share the number's budget", d)
	}
	if w, limit := rec.worst(), rate+int(pace.Burst(rate)); w > limit {
		t.Fatalf("worst one-second window %d sends, want at most %d", w, limit)
	}
}

// The owner dies without releasing its lease: the others send nothing
// from the number until the lease runs out, then one of them owns it and
// the sends go on, still within the rate plus one burst in every second.
func TestPacerOwnerDiesAnotherTakesOver(t *testing.T) {
	node := ensuredSingle(t)
	const rate, num = 50, "106540352242922"
	ttl := time.Second
	ps, nums := startPacers(t, node, rate, ttl, "i1", "i2", "i3")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	rec := &sendTimes{}
	// i1 owns the number: it asked first.
	send(t, ctx, nums[0], num, 1, 5, rec).Wait()
	if !ps[0].Owns(num) {
		t.Fatal("the first instance to send does not own the number")
	}
	// Keep the number busy from all three, then i1 dies.
	var wgs []*sync.WaitGroup
	for _, n := range nums[1:] {
		wgs = append(wgs, send(t, ctx, n, num, 3, 40, rec))
	}
	waitFor(t, "sends through i1's permits", func() bool {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		return len(rec.times) > 40
	})
	died := time.Now()
	ps[0].abandon()
	for _, wg := range wgs {
		wg.Wait()
	}
	newOwners := 0
	for _, p := range ps[1:] {
		if p.Owns(num) {
			newOwners++
		}
	}
	if newOwners != 1 {
		t.Fatalf("%d new owners after the owner died, want 1", newOwners)
	}
	// The lease ran out before anyone else owned the number: the gap
	// in the sends is at least the part of the TTL left at the death.
	rec.mu.Lock()
	var gap time.Duration
	ts := append([]time.Time(nil), rec.times...)
	rec.mu.Unlock()
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	for i := 1; i < len(ts); i++ {
		if ts[i-1].After(died.Add(-time.Second)) {
			gap = max(gap, ts[i].Sub(ts[i-1]))
		}
	}
	if gap < ttl/2 {
		t.Fatalf("longest pause in the sends around the death %v: another instance sent before the dead owner's lease ran out", gap)
	}
	if w, limit := rec.worst(), rate+int(pace.Burst(rate)); w > limit {
		t.Fatalf("worst one-second window %d sends, want at most %d", w, limit)
	}
	t.Logf("sends paused %v across the owner's death (TTL %v)", gap.Round(time.Millisecond), ttl)
}

// Reports from an instance that does not own the number reach the owner:
// a slow-down halves the owner's rate, a pause holds everyone.
func TestPacerReportsReachTheOwner(t *testing.T) {
	node := ensuredSingle(t)
	const num = "106540352242922"
	ps, nums := startPacers(t, node, 80, 2*time.Second, "i1", "i2")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := nums[0].Wait(ctx, num, pace.Conversation); err != nil {
		t.Fatal(err)
	}
	if !ps[0].Owns(num) {
		t.Fatal("i1 does not own the number")
	}
	full := nums[0].Rate(num)
	nums[1].SlowDown(num)
	waitFor(t, "the owner slowed down", func() bool { return nums[0].Rate(num) == full/2 })
	nums[1].Pause(num, time.Now().Add(time.Hour))
	waitFor(t, "the owner paused", func() bool { return !nums[0].PausedUntil(num).IsZero() })
	nums[1].Resume(num)
	waitFor(t, "the owner resumed", func() bool { return nums[0].PausedUntil(num).IsZero() })
}

// BenchmarkPacerRequest is one request for permits from an instance to
// the number's owner on another connection, on a single node, with the
// bucket never the limit: the latency a send adds on a cluster when its
// pool has no permit left (a pool asks for every waiting sender at once).
func BenchmarkPacerRequest(b *testing.B) {
	node := benchNode(b)
	const num = "106540352242922"
	ps, nums := startPacers(b, node, 1e9, 3*time.Second, "owner", "asker")
	ctx := context.Background()
	if err := nums[0].Wait(ctx, num, pace.Conversation); err != nil {
		b.Fatal(err)
	}
	if !ps[0].Owns(num) {
		b.Fatal("no owner")
	}
	for _, want := range []int{1, 16} {
		b.Run(fmt.Sprintf("want=%d", want), func(b *testing.B) {
			got := 0
			for b.Loop() {
				perm, err := ps[1].Permits(ctx, num, pace.Conversation, want)
				if err != nil {
					b.Fatal(err)
				}
				got += perm.N
			}
			b.ReportMetric(float64(got)/float64(b.N), "permits/op")
		})
	}
}
