package cluster

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// recordedWork is a PartitionWork that remembers what it was asked.
type recordedWork struct {
	mu    sync.Mutex
	takes map[int]int
	wakes []wake
}

func (w *recordedWork) Take(_ context.Context, p int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.takes == nil {
		w.takes = map[int]int{}
	}
	w.takes[p]++
}
func (w *recordedWork) Busy(int) bool { return false }
func (w *recordedWork) Wake(user, at string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.wakes = append(w.wakes, wake{user, at})
}
func (w *recordedWork) took(p int) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.takes[p] > 0
}

// woken reports whether user was woken with the store mark at.
func (w *recordedWork) woken(user, at string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, u := range w.wakes {
		if u == (wake{user, at}) {
			return true
		}
	}
	return false
}

func startPartitions(t *testing.T, node *Node, id string, count int, ttl time.Duration) (*Partitions, *recordedWork) {
	t.Helper()
	ls, err := node.Leases(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ps, err := NewPartitions(ls, node.Conn(), PartitionOptions{Instance: id, Count: count, TTL: ttl, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	w := &recordedWork{}
	if err := ps.Start(w); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ps.Close)
	return ps, w
}

// owners is, per partition, the instances that own it now.
func owners(count int, pss ...*Partitions) map[int][]string {
	out := map[int][]string{}
	for p := 0; p < count; p++ {
		for _, ps := range pss {
			if ps.OwnsPartition(p) {
				out[p] = append(out[p], ps.Instance())
			}
		}
	}
	return out
}

// exactlyOnce reports whether every partition has one owner among pss.
func exactlyOnce(count int, pss ...*Partitions) bool {
	o := owners(count, pss...)
	for p := 0; p < count; p++ {
		if len(o[p]) != 1 {
			return false
		}
	}
	return true
}

// Partitions spread over the instances, each owned exactly once and
// taken (recovered) by its owner; an instance that joins takes its share
// from the others; one whose node dies loses its partitions to the
// others one TTL later, and no partition is ever owned twice meanwhile.
func TestPartitionsSpreadAndMoveWhenAMemberJoinsOrDies(t *testing.T) {
	nodes := startCluster(t, 3, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	if _, err := nodes[0].Ensure(ctx, Settings{Partitions: 16}); err != nil {
		t.Fatalf("ensure: %v", err)
	}
	for _, n := range nodes {
		waitReady(t, ctx, n)
	}
	const count, ttl = 16, 2 * time.Second
	a, wa := startPartitions(t, nodes[0], "inst-a", count, ttl)
	b, wb := startPartitions(t, nodes[1], "inst-b", count, ttl)

	// Watch for a partition owned twice, all along.
	var twice sync.Map
	stopWatch := make(chan struct{})
	var all []*Partitions
	var allMu sync.Mutex
	allMu.Lock()
	all = []*Partitions{a, b}
	allMu.Unlock()
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for {
			select {
			case <-stopWatch:
				return
			default:
			}
			allMu.Lock()
			pss := all
			allMu.Unlock()
			for p, os := range owners(count, pss...) {
				if len(os) > 1 {
					twice.Store(p, fmt.Sprint(os))
				}
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	defer func() {
		close(stopWatch)
		<-watched
		twice.Range(func(p, os any) bool {
			t.Errorf("partition %v owned by %v at once", p, os)
			return true
		})
	}()

	waitFor(t, "two instances to own every partition once, each some", func() bool {
		return exactlyOnce(count, a, b) && len(a.Owned()) > 0 && len(b.Owned()) > 0
	})
	// A partition is owned as soon as its lease is held; its pending
	// work is taken (recovered) just after, by a goroutine of its own.
	waitFor(t, "every owned partition taken (recovered)", func() bool {
		for p := 0; p < count; p++ {
			if !wa.took(p) && !wb.took(p) {
				return false
			}
		}
		return true
	})

	c, wc := startPartitions(t, nodes[2], "inst-c", count, ttl)
	allMu.Lock()
	all = []*Partitions{a, b, c}
	allMu.Unlock()
	waitFor(t, "three instances to own every partition once, each some", func() bool {
		return exactlyOnce(count, a, b, c) && len(a.Owned()) > 0 && len(b.Owned()) > 0 && len(c.Owned()) > 0
	})
	t.Logf("owned: a %v, b %v, c %v", a.Owned(), b.Owned(), c.Owned())

	// A notification for a user reaches the owner of the user's
	// partition, whoever publishes it, with the commit's mark when it
	// has one; one without (as builds before marks publish it: the
	// user alone) wakes the owner to read the newest state.
	user := "15550001234"
	owner := map[*Partitions]*recordedWork{a: wa, b: wb, c: wc}
	for ps, w := range owner {
		if ps.Owns(user) {
			for other := range owner {
				if other != ps {
					other.NotifyAt(user, "1234.5")
					if err := other.nc.Publish(other.o.Subject+fmt.Sprint(other.Of(user)), []byte(user)); err != nil {
						t.Fatal(err)
					}
					break
				}
			}
			waitFor(t, "the owner to be woken for the user with the commit's mark", func() bool { return w.woken(user, "1234.5") })
			waitFor(t, "the owner to be woken for the user by a notification without a mark", func() bool { return w.woken(user, "") })
		}
	}

	// C's node dies: its connection goes, nothing is released.
	cOwned := c.Owned()
	// Timed from before the close: a node's shutdown takes a while after
	// its connection (and with it the renewals) has gone.
	died := time.Now()
	nodes[2].Close()
	waitFor(t, "a and b to own every partition once after c died", func() bool { return exactlyOnce(count, a, b) })
	t.Logf("c's partitions %v taken over %s after its node stopped", cOwned, time.Since(died).Round(time.Millisecond))
	if took := time.Since(died); took < ttl/2 {
		t.Errorf("c's partitions were taken %s after it died: before its leases could have expired", took)
	}
	for _, p := range cOwned {
		if !wa.took(p) && !wb.took(p) {
			t.Errorf("c's partition %d owned by a survivor but never taken (recovered)", p)
		}
	}

	// A clean stop hands over at once (no TTL to wait for).
	allMu.Lock()
	all = []*Partitions{a, b}
	allMu.Unlock()
	b.Close()
	stopped := time.Now()
	waitFor(t, "a to own every partition after b stopped", func() bool { return exactlyOnce(count, a) })
	t.Logf("b's partitions handed over %s after a clean stop", time.Since(stopped).Round(time.Millisecond))
}

// TestRunningMembersAreThoseWhoseHeartbeatMoves: with no instance there
// is nobody; an instance that serves is named; once it stopped cleanly
// nobody again, without waiting for its TTL.
func TestRunningMembersAreThoseWhoseHeartbeatMoves(t *testing.T) {
	node := startSingle(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, err := node.Ensure(ctx, Settings{Partitions: 4}); err != nil {
		t.Fatalf("ensure: %v", err)
	}
	ls, err := node.Leases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	running := func() []string {
		t.Helper()
		r, err := RunningMembers(ctx, ls)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := running(); len(r) != 0 {
		t.Fatalf("before any instance: running %v", r)
	}
	ps, _ := startPartitions(t, node, "inst-a", 4, 900*time.Millisecond)
	if r := running(); len(r) != 1 || r[0] != "inst-a" {
		t.Fatalf("while inst-a serves: running %v", r)
	}
	ps.Close()
	if r := running(); len(r) != 0 {
		t.Fatalf("after inst-a stopped: running %v", r)
	}
}

// A member that joins gets its share, and one that stops cleanly hands
// its partitions over, on the lease watch's news alone: with no tick in
// the test's time (Tick one hour) the partitions still move, each owned
// once.
func TestPartitionsMoveOnTheLeaseWatchWithoutATick(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	node, err := Start(ctx, Options{Name: "watch", Listen: "127.0.0.1:0", StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(node.Close)
	if _, err := node.Ensure(ctx, Settings{Partitions: 16}); err != nil {
		t.Fatalf("ensure: %v", err)
	}
	waitReady(t, ctx, node)
	nodes := []*Node{node}
	const count = 16
	start := func(id string) *Partitions {
		ls, err := nodes[0].Leases(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		ps, err := NewPartitions(ls, nodes[0].Conn(), PartitionOptions{Instance: id, Count: count, TTL: 15 * time.Second, Tick: time.Hour, Logger: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		if err := ps.Start(&recordedWork{}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(ps.Close)
		return ps
	}
	a := start("inst-a")
	waitFor(t, "a to own every partition", func() bool { return exactlyOnce(count, a) })
	b := start("inst-b")
	waitFor(t, "b to be given its share", func() bool { return exactlyOnce(count, a, b) && len(b.Owned()) > 0 })
	b.Close()
	waitFor(t, "a to own every partition again after b stopped", func() bool { return exactlyOnce(count, a) })
}

// busyWork is recordedWork whose partitions are all Busy (a send under
// way in each) while busy is set.
type busyWork struct {
	recordedWork
	busy atomic.Bool
}

func (w *busyWork) Busy(int) bool { return w.busy.Load() }

// TestAPartitionGivenUpWaitsForItsWorkWithItsLeaseRenewed: a member
// joins while the work under way in the partitions of the one serving
// (a send the Graph API answers slowly) lasts longer than a third of the
// TTL, the wait before, and longer than the TTL itself. The partitions
// that map to the new member are not owned by anyone while the work goes
// on (the old owner stops working them at once; its lease, renewed all
// along, keeps the new member out), and are taken at once when it ends.
// Before, the new member took them a third of a TTL after the change,
// beside the send still under way.
func TestAPartitionGivenUpWaitsForItsWorkWithItsLeaseRenewed(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	node, err := Start(ctx, Options{Name: "giveup", Listen: "127.0.0.1:0", StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(node.Close)
	if _, err := node.Ensure(ctx, Settings{Partitions: 8}); err != nil {
		t.Fatalf("ensure: %v", err)
	}
	waitReady(t, ctx, node)
	const count, ttl = 8, time.Second
	start := func(id string, w PartitionWork) *Partitions {
		ls, err := node.Leases(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		ps, err := NewPartitions(ls, node.Conn(), PartitionOptions{Instance: id, Count: count, TTL: ttl, WorkWait: 30 * time.Second, Logger: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		if err := ps.Start(w); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(ps.Close)
		return ps
	}
	wa := &busyWork{}
	a := start("inst-a", wa)
	waitFor(t, "a to own every partition", func() bool { return exactlyOnce(count, a) })
	wa.busy.Store(true)
	b := start("inst-b", &recordedWork{})
	waitFor(t, "a to give some partitions up", func() bool { return len(a.Owned()) < count })
	givingUp := time.Now()
	var moving []int
	for p := range count {
		if !a.OwnsPartition(p) {
			moving = append(moving, p)
		}
	}
	// The work lasts three TTLs: without renewals a's leases would
	// expire under it and b take them.
	for time.Since(givingUp) < 3*ttl {
		for _, p := range moving {
			if b.OwnsPartition(p) || a.OwnsPartition(p) {
				t.Fatalf("partition %d owned by %v %s after a began giving it up, its work still under way", p, owners(count, a, b)[p], time.Since(givingUp).Round(time.Millisecond))
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	wa.busy.Store(false)
	done := time.Now()
	waitFor(t, "b to take the partitions a gave up", func() bool {
		for _, p := range moving {
			if !b.OwnsPartition(p) {
				return false
			}
		}
		return exactlyOnce(count, a, b)
	})
	t.Logf("partitions %v given up to b %s after the work under way ended (%s after the change)", moving,
		time.Since(done).Round(time.Millisecond), time.Since(givingUp).Round(time.Millisecond))
}
