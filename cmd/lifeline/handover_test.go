package main

import (
	"fmt"
	"maps"
	"sync"
	"testing"
	"time"

	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/cluster"
)

// heldFirstSends makes graph answer the first message to each recipient
// as first says (a hold): a Graph API slow to answer one send.
func heldFirstSends(graph *whatsapptest.Server, first func(to string) whatsapptest.Response) {
	var mu sync.Mutex
	seen := map[string]bool{}
	graph.SetResponder(func(r whatsapptest.Request) whatsapptest.Response {
		mu.Lock()
		defer mu.Unlock()
		if r.Kind != "message" || seen[r.To] {
			return whatsapptest.Response{}
		}
		seen[r.To] = true
		return first(r.To)
	})
}

// A member joins while the first reply to each user is at a Graph API
// that holds its answer longer than a third of the lease TTL (the wait of
// a partition given up, before) and longer than the TTL itself. The
// partitions that move to the new member are handed over once their
// sends have finished: every reply reaches the Graph API once, the
// moved users' too, and every question is answered. Before, the new
// member took a moved partition a third of a TTL after the change, found
// the reply still pending and sent it again beside the first send: a
// duplicate with no instance dead, which the design does not allow.
func TestAHandOverOnAJoinWaitsForASlowSend(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster and two servers")
	}
	const parts, users = 8, 16
	hold := severalTTL * 3 / 2
	graph := whatsapptest.NewServer(t)
	heldFirstSends(graph, func(string) whatsapptest.Response { return whatsapptest.Response{Delay: hold} })
	a := startServing(t, "inst-a", "", graph.URL)
	defer a.inst.close()
	waitUntil(t, 30*time.Second, "a to own every partition", func() bool { return ownedOnce(parts, a) })
	user := func(u int) string { return fmt.Sprintf("1781%07d", u) }
	for u := range users {
		if err := sendWebhook(a, payload(uint64(u+1), user(u), crashPhone, "where is the shelter")); err != nil {
			t.Fatal(err)
		}
	}
	waitUntil(t, 30*time.Second, "every user's first reply at the Graph API", func() bool { return len(sentPerUser(graph)) == users })
	changed := time.Now()

	b := startServing(t, "inst-b", a.inst.node.ClientURL(), graph.URL)
	defer b.inst.close()
	waitUntil(t, 60*time.Second, "a and b to own every partition once", func() bool { return ownedOnce(parts, a, b) })
	t.Logf("b holds its share %s after the first replies reached the Graph API (held %s there)", time.Since(changed).Round(time.Millisecond), hold)
	moved := 0
	for u := range users {
		moved += btoi(b.nc.parts.Owns(user(u)))
	}
	if moved == 0 {
		t.Fatal("no user's partition moved to b: the test shows nothing")
	}
	waitUntil(t, 60*time.Second, "every question answered", func() bool {
		sent := sentPerUser(graph)
		for u := range users {
			if in, out := storedTranscript(t, a.inst.db, user(u)); len(in) != 1 || out == 0 || sent[user(u)] < out {
				return false
			}
		}
		return true
	})
	for _, s := range []*servingInstance{a, b} {
		s.inst.engine.WaitIdle()
	}
	sent := sentPerUser(graph)
	for u := range users {
		if in, out := storedTranscript(t, a.inst.db, user(u)); len(in) != 1 || sent[user(u)] != out {
			t.Errorf("user %s (moved to b: %v): %d inbound processed, %d messages sent for %d replies; want one, each reply sent once",
				user(u), b.nc.parts.Owns(user(u)), len(in), sent[user(u)], out)
		}
	}
	t.Logf("%d of %d users moved to b", moved, users)
}

// A stop of one of two instances while its replies go out at the
// number's rate (a backlog longer than the stop budget) and one of its
// replies is parked on a backoff (the Graph API answered 131000): the
// stop ends within stopBudget without an error (the process exits 0),
// its partitions' leases are released when it returns (the other takes
// them at once, not when they expire), and nothing is lost: the other
// instance sends what was left, each reply once. Before, the engine's
// grace for queued replies was the whole budget, 10 s: the backlog used
// it all before the hand-over began, and the stop was cut short with an
// error, its partitions left to their leases' expiry.
func TestAStopWithRepliesQueuedEndsWithinItsBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster and two servers")
	}
	const parts, users = 8, 30
	graph := whatsapptest.NewServer(t)
	var mu sync.Mutex
	parked, stopping := "", false
	failed := map[string]int{}
	graph.SetResponder(func(r whatsapptest.Request) whatsapptest.Response {
		mu.Lock()
		defer mu.Unlock()
		if r.Kind == "message" && r.To == parked && !stopping {
			failed[r.To]++
			return whatsapptest.Response{Code: 131000}
		}
		return whatsapptest.Response{}
	})
	// WA_RATE_PER_NUMBER=2, on a cluster about one permit a second
	// (cluster.Pacer keeps a burst's margin): the replies of thirty users
	// take about 30 s, far more than the stop's whole budget.
	a := startServing(t, "inst-a", "", graph.URL, "WA_RATE_PER_NUMBER=2")
	defer a.inst.close()
	b := startServing(t, "inst-b", a.inst.node.ClientURL(), graph.URL, "WA_RATE_PER_NUMBER=2")
	waitUntil(t, 30*time.Second, "a and b to own every partition once", func() bool { return ownedOnce(parts, a, b) })
	var ofB []string
	for u := 0; len(ofB) < users+1; u++ {
		if user := fmt.Sprintf("1782%07d", u); b.nc.parts.Owns(user) {
			ofB = append(ofB, user)
		}
	}
	mu.Lock()
	parked = ofB[0] // first, so that its reply is refused before the stop
	mu.Unlock()
	for i, user := range ofB {
		if err := sendWebhook(b, payload(uint64(i+1), user, crashPhone, "where is the shelter")); err != nil {
			t.Fatal(err)
		}
	}
	waitUntil(t, 30*time.Second, "the parked user's reply refused", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return failed[parked] > 0
	})

	began := time.Now()
	err := closeWithin(b.inst.close, stopBudget, b.inst.log)
	took := time.Since(began)
	if err != nil {
		t.Fatalf("stop after %s: %v; want a clean stop within %s", took.Round(time.Millisecond), err, stopBudget)
	}
	// The hand-over answered at once here; after a member died it may
	// take its whole share (cluster.HandoffWait), which the steps before
	// it must leave.
	if took > stopBudget-cluster.HandoffWait {
		t.Errorf("stop took %s, leaving less than the hand-over's %s of the %s budget", took.Round(time.Millisecond), cluster.HandoffWait, stopBudget)
	}
	var held []int
	for p, holder := range partitionHolders(t, a.inst.node) {
		if holder == "inst-b" {
			held = append(held, p)
		}
	}
	if len(held) > 0 {
		t.Errorf("partitions %v still held by the stopped instance: left to their leases' expiry", held)
	}
	t.Logf("stopped cleanly in %s (budget %s, reply grace %s), %d messages at the Graph API so far", took.Round(time.Millisecond), stopBudget, replyGrace, len(graph.Messages()))
	mu.Lock()
	stopping = true
	refused := maps.Clone(failed)
	mu.Unlock()

	waitUntil(t, 30*time.Second, "a to own every partition", func() bool { return ownedOnce(parts, a) })
	waitUntil(t, 90*time.Second, "every question answered", func() bool {
		sent := sentPerUser(graph)
		for _, user := range ofB {
			if in, out := storedTranscript(t, a.inst.db, user); len(in) != 1 || out == 0 || sent[user]-refused[user] < out {
				return false
			}
		}
		return true
	})
	a.inst.engine.WaitIdle()
	sent := sentPerUser(graph)
	for _, user := range ofB {
		if in, out := storedTranscript(t, a.inst.db, user); len(in) != 1 || sent[user]-refused[user] != out {
			t.Errorf("user %s: %d inbound processed, %d messages sent (%d refused) for %d replies; want one, each reply sent once",
				user, len(in), sent[user], refused[user], out)
		}
	}
}
