package main

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"lifeline/bot/whatsapp/whatsapptest"
)

// heldFirstSends makes graph hold the answer to the first message to each
// recipient for hold: a Graph API slow to answer one send.
func heldFirstSends(graph *whatsapptest.Server, hold time.Duration) {
	var mu sync.Mutex
	seen := map[string]bool{}
	graph.SetResponder(func(r whatsapptest.Request) whatsapptest.Response {
		mu.Lock()
		defer mu.Unlock()
		if r.Kind != "message" || seen[r.To] {
			return whatsapptest.Response{}
		}
		seen[r.To] = true
		return whatsapptest.Response{Delay: hold}
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
	heldFirstSends(graph, hold)
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
