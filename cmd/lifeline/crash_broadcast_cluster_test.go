package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/cluster"
	"lifeline/cluster/jsstore"
	"lifeline/store"
)

// contactWrites are the writes of n opted-in contacts tagged
// "employees", numbered from prefix, each in its own scope, and their
// wa_ids.
func contactWrites(prefix string, n int) (map[string]bool, []store.ScopedWrite) {
	want := map[string]bool{}
	var writes []store.ScopedWrite
	for i := range n {
		c := store.Contact{WaID: fmt.Sprintf("%s%07d", prefix, i), Name: fmt.Sprintf("Person %d", i), Language: "en",
			Tags: []string{"employees"}, OptedIn: true, OptInSource: "test", OptInAt: time.Now()}
		want[c.WaID] = true
		writes = append(writes, store.ScopedWrite{Scope: store.UserScope(c.WaID), Fn: func(w store.Writer) error {
			return store.PutContact(context.Background(), w, c)
		}})
	}
	return want, writes
}

// putContacts runs writes, a few writers at once.
func putContacts(db *store.DB, writes []store.ScopedWrite) error {
	const writers = 16
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for k := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []store.ScopedWrite
			for i := k; i < len(writes); i += writers {
				mine = append(mine, writes[i])
			}
			if _, err := db.WriteEach(context.Background(), mine); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// leaseHolder is who holds lease name now ("" when nobody does).
func leaseHolder(t *testing.T, node *cluster.Node, name string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := node.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range st.Leases {
		if l.Name == name && l.Holder != "released" {
			return l.Holder
		}
	}
	return ""
}

// Three `serve` processes share one cluster. A broadcast of a few
// thousand is created through one of them; the instance that dispatches
// it is killed with SIGKILL once 30% have been sent. A survivor takes
// the run over after the lease TTL, applying the in-flight rule (a send
// the dead instance left in flight is recorded when WhatsApp's status
// proves it went out, else sent again after the grace and counted), and
// completes it: every recipient gets the notice, a second copy only
// within possible_duplicates, and the counts equal the recipient
// records. LIFELINE_CRASH_BCC_RECIPIENTS and LIFELINE_CRASH_BCC_RATE make
// a longer run.
func TestKillNineBroadcastDispatcherOfThree(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a NATS node and three server processes")
	}
	recipients := envIntOr("LIFELINE_CRASH_BCC_RECIPIENTS", 2000)
	rate := envIntOr("LIFELINE_CRASH_BCC_RATE", 300) // per second, the broadcast's rate_per_second
	started := time.Now()
	ctx := context.Background()
	node, err := cluster.Start(ctx, cluster.Options{Name: "crashbc", Listen: "127.0.0.1:0", StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	// A cleanup, not a defer: the children (stopped by their cleanups,
	// which run first) need the node to stop cleanly after a failure.
	t.Cleanup(node.Close)
	if err := node.WaitJetStream(ctx); err != nil {
		t.Fatal(err)
	}
	// The fake Graph API answers each send with a wamid and reports it
	// "sent" on the webhook of a live instance, as WhatsApp would.
	statuses := newStatusWebhooks(true)
	defer statuses.close()
	graph := whatsapptest.NewServer(t, crashLatency(t))
	graph.SetResponder(func(r whatsapptest.Request) whatsapptest.Response {
		return statuses.accept(r, 2*time.Millisecond)
	})
	logFile, err := os.Create(filepath.Join(t.TempDir(), "servers.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()

	const parts = 8
	if _, err := node.Ensure(ctx, cluster.Settings{Partitions: parts}); err != nil {
		t.Fatal(err)
	}
	js, err := jsstore.Open(ctx, node)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.OpenBackend(js, "JetStream", store.Options{Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	// The contacts go straight into the cluster's store, while the
	// instances start: what is tested is the broadcast, and an import
	// through the API takes a while.
	stored := make(chan error, 1)
	want, writes := contactWrites("1999", recipients)
	go func() { stored <- putContacts(db, writes) }()
	ids := []string{"b1", "b2", "b3"}
	children := map[string]*crashChild{}
	for _, id := range ids {
		// A send left in flight waits 5 s for its status after a
		// takeover, not the default minute.
		children[id] = startClusterChild(t, id, node.ClientURL(), graph.URL, parts, logFile, "LIFELINE_BROADCAST_INFLIGHT_GRACE=5s")
	}
	t.Logf("three instances ready %s after start", time.Since(started).Round(time.Millisecond))
	if err := <-stored; err != nil {
		t.Fatalf("store contacts: %v", err)
	}
	t.Logf("%d contacts stored %s after start", recipients, time.Since(started).Round(time.Millisecond))
	first := children[ids[0]]
	statuses.deliverTo(first.base)
	var created struct{ ID string }
	if code := crashAdmin(t, "POST", first.base+"/admin/broadcasts", "application/json", noticeSpec("dispatcher killed", rate), &created); code != 202 || created.ID == "" {
		t.Fatalf("create broadcast: %d %+v", code, created)
	}
	lease := "broadcast." + created.ID
	createdAt := time.Now()

	waitUntil(t, 120*time.Second, "30% of the broadcast sent", func() bool { return len(graph.Messages()) >= recipients*3/10 })
	t.Logf("30%% sent %s after the broadcast was created", time.Since(createdAt).Round(time.Millisecond))
	victim := leaseHolder(t, node, lease)
	if children[victim] == nil {
		t.Fatalf("the broadcast's lease is held by %q, not one of the instances", victim)
	}
	children[victim].kill()
	killed, atKill := time.Now(), len(graph.Messages())
	var survivors []*crashChild
	for _, id := range ids {
		if id != victim {
			survivors = append(survivors, children[id])
		}
	}
	statuses.deliverTo(survivors[0].base)
	t.Logf("killed %s, the dispatcher, at %d of %d sends (%s after start)", victim, atKill, recipients, killed.Sub(started).Round(time.Millisecond))

	waitUntil(t, 120*time.Second, "a survivor to hold the broadcast's lease", func() bool {
		h := leaseHolder(t, node, lease)
		return h != "" && h != victim
	})
	t.Logf("%s took the broadcast over %s after the kill", leaseHolder(t, node, lease), time.Since(killed).Round(time.Millisecond))
	var st crashStatus
	statusURL := survivors[1].base + "/admin/broadcasts/" + created.ID
	waitUntil(t, 180*time.Second, "the broadcast sent", func() bool {
		st = crashStatus{}
		crashAdmin(t, "GET", statusURL, "", nil, &st)
		return (st.State == "sent" || st.State == "completed") && st.Pending == 0 && st.Retrying == 0
	})
	doneAt := time.Since(killed)
	t.Logf("sent %s after the kill: %+v", doneAt.Round(time.Millisecond), st)
	// Every status in, processed: the broadcast knows its real duplicates.
	waitUntil(t, 120*time.Second, "the statuses processed", func() bool {
		if statuses.pending() > 0 {
			return false
		}
		for _, c := range survivors {
			if inbox, _, ok := c.depth(); !ok || inbox > 0 {
				return false
			}
		}
		return true
	})
	st = crashStatus{}
	crashAdmin(t, "GET", statusURL, "", nil, &st)
	for _, c := range survivors {
		c.stop(t)
	}

	got := templateSends(t, graph)
	lost, dups, strays := tally(want, got)
	for _, wa := range strays {
		t.Errorf("the notice went to %s, who is not in the audience", wa)
	}
	if lost > 0 {
		t.Errorf("%d of %d recipients never got the notice", lost, recipients)
	}
	if int64(dups) > st.PossibleDuplicates {
		t.Errorf("%d second copies, but the broadcast reports %d possible duplicates", dups, st.PossibleDuplicates)
	}
	if len(graph.Messages()) <= atKill {
		t.Errorf("nothing sent after the dispatcher was killed at %d sends", atKill)
	}
	states := recipientStates(t, db, created.ID)
	if st.Targeted != int64(recipients) || st.Sent != int64(recipients) || st.Failed != 0 || st.Skipped != 0 || int64(states["sent"]) != st.Sent {
		t.Errorf("status %+v, recipient records by state %v: want %d targeted, sent and recorded sent", st, states, recipients)
	}
	// The duplicates WhatsApp's statuses show are engagement counters,
	// kept in shards; reported here, not asserted.
	t.Logf("%d recipients at %d/s, dispatcher killed at %d sends: done %s after the kill, %d sends, %d second copies (possible %d, shown by statuses %d), recipient records %v, %s in all",
		recipients, rate, atKill, doneAt.Round(time.Millisecond), len(graph.Messages()), dups, st.PossibleDuplicates, st.Duplicates, states, time.Since(started).Round(time.Millisecond))
}
