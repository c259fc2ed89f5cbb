package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/store"
)

// Close gives the replies that can go out a grace period, and writes the
// outcome of every send made (a clean stop is not a crash: the message
// must not go out again from the next start or owner), but does not wait
// for a reply parked until later: waiting for it made every such stop
// take the whole grace.
func TestCloseWritesEveryOutcomeButLeavesParkedReplies(t *testing.T) {
	const user = "15551230001"
	const grace = time.Minute
	for _, tc := range []struct {
		name       string
		failSends  int           // sends answered with a 503
		backoff    time.Duration // wait after a failed send
		failWrites int           // outcome writes that fail once a reply reached the Graph API
		ready      func(h *harness, faults *outcomeFaults) bool
		leftQueued bool // the reply stays in the outbox, for the next start
	}{
		{"reply backing off", 100, time.Minute, 0, func(h *harness, _ *outcomeFaults) bool {
			for _, it := range h.outbox() {
				if it.ReadID == "" && it.Attempts > 0 {
					return true
				}
			}
			return false
		}, true},
		{"outcome write failing", 0, time.Millisecond, 3, func(_ *harness, f *outcomeFaults) bool { return f.injected() > 0 }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var faults *outcomeFaults
			graph := whatsapptest.NewServer(t, whatsapptest.Strict())
			graph.FailNext(tc.failSends, 503, 0)
			backoff := tc.backoff
			h := newHarness(t, harnessOpts{graph: graph,
				cfg: Config{ShutdownGrace: grace, Backoff: func(whatsapp.Action, int) time.Duration { return backoff }},
				backend: func(db *store.DB) store.Backend {
					faults = &outcomeFaults{DB: db, left: tc.failWrites, armed: func() bool { return len(graph.Messages()) > 0 }}
					return faults
				}})
			h.mustAccept(textPayload("wamid.close.1", user, "where is the shelter", time.Now()))
			h.waitFor(tc.name, func() bool { return tc.ready(h, faults) })

			start := time.Now()
			h.engine.Close()
			if took := time.Since(start); took > grace/2 {
				t.Errorf("Close took %s of its %s grace", took.Round(time.Millisecond), grace)
			}
			queued := 0
			for _, it := range h.outbox() {
				if it.ReadID == "" {
					queued++
				}
			}
			if tc.leftQueued {
				if queued == 0 {
					t.Error("the reply parked on its backoff left the outbox; want it kept for the next start")
				}
				return
			}
			if queued > 0 {
				t.Errorf("%d replies left in the outbox after a clean Close; want every outcome written", queued)
			}
			replies := h.replies(user)
			for _, e := range replies {
				if e.Status != store.StatusSent {
					t.Errorf("reply recorded %q after Close, want sent", e.Status)
				}
			}
			if n := len(graph.Messages()); n != len(replies) || n == 0 {
				t.Errorf("%d messages reached the Graph API for %d replies; want one each", n, len(replies))
			}
		})
	}
}

// electingStore is a store whose scoped reads, once electing is set,
// wait as a JetStream read does while a stream elects its leader: until
// the caller's context ends, or the request's timeout.
type electingStore struct {
	*store.DB
	electing atomic.Bool
	timeout  time.Duration
	waiting  atomic.Int64 // reads waiting now
}

func (s *electingStore) ReadIn(ctx context.Context, scope store.Scope, fn func(r store.Reader) error) error {
	if s.electing.Load() {
		s.waiting.Add(1)
		defer s.waiting.Add(-1)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(s.timeout):
			return errors.New("electing: no response from stream")
		}
	}
	return s.DB.ReadIn(ctx, scope, fn)
}

func (s *electingStore) NextSeq(_ context.Context, name string) (uint64, error) {
	return s.DB.NextSeq(name)
}

// A stop while the store elects a leader does not wait for reads that
// precede any send: the reads of the users whose notifications are
// queued (each would wait a request's timeout, one after the other, and
// the next owners of their partitions read them anyway), or the read of
// a reply about to be sent, past the grace (it stays in the store).
func TestCloseDoesNotWaitForReadsWhileTheStoreElects(t *testing.T) {
	const timeout = 20 * time.Second
	for _, tc := range []struct {
		name string
		// elect arms the store's election and starts the reads to wait for.
		elect func(t *testing.T, owners *twoOwners, graph *whatsapptest.Server, slow *electingStore) (reads int64)
	}{
		{"notified users queued", func(t *testing.T, owners *twoOwners, _ *whatsapptest.Server, slow *electingStore) int64 {
			slow.electing.Store(true)
			for u, notified := 0, 0; notified < 4*syncWorkers; u++ {
				if user := fmt.Sprintf("1555000%04d", u); owners.owner(user) == 0 {
					owners.engines[0].Wake(user)
					notified++
				}
			}
			return syncWorkers
		}},
		{"reply about to be sent", func(t *testing.T, owners *twoOwners, graph *whatsapptest.Server, slow *electingStore) int64 {
			user := owners.userOf(0)
			// The first send fails and backs off (startTwoOwners: 1ms):
			// the store elects before the reply is read again.
			graph.FailNext(1, 503, 0)
			graph.SetResponder(func(whatsapptest.Request) whatsapptest.Response {
				slow.electing.Store(true)
				return whatsapptest.Response{}
			})
			if err := owners.engines[0].Accept(textPayload("wamid.E1", user, "shelter", time.Now())); err != nil {
				t.Fatal(err)
			}
			return 1
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var slow *electingStore
			db, graph, client := sharedStore(t, func(db *store.DB, _ *whatsapptest.Server) store.Backend {
				slow = &electingStore{DB: db, timeout: timeout}
				return slow
			})
			owners := startTwoOwners(t, db, client)
			defer owners.engines[1].Close()

			reads := tc.elect(t, owners, graph, slow)
			for deadline := time.Now().Add(10 * time.Second); slow.waiting.Load() < reads; time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("%d reads waiting on the election after 10s, want %d", slow.waiting.Load(), reads)
				}
			}
			// A short grace: the reply's read waits in it, as a send
			// would; past it the read ends with the stop.
			owners.engines[0].cfg.ShutdownGrace = 100 * time.Millisecond
			start := time.Now()
			owners.engines[0].Close()
			if took := time.Since(start); took > timeout/2 {
				t.Errorf("Close took %s while the store elected a leader (a read times out after %s)", took.Round(time.Millisecond), timeout)
			}
		})
	}
}

// A stop with replies at a Graph API slow to answer ends when its grace
// and its wait for sends in flight do, not when the client's timeout (a
// minute here) would: a reply answered within them is recorded as sent
// and never sent again; one still waiting for its answer at their end is
// cut, stays in the store as a send in flight (held for its status), is
// logged once with its number masked and counted, and after a restart it
// is sent exactly once more, no status having proved the first.
func TestCloseCutsSendsStillAtTheGraphAPIAfterItsWait(t *testing.T) {
	const grace, wait = time.Second, 2 * time.Second
	cases := []struct {
		label   string
		user    string
		release bool // the test releases the first send as the stop begins; else it is held
		again   int  // messages sent again after the restart
	}{
		{"answered during the stop", "15551240001", true, 0},
		{"still at the Graph API when the wait ends", "15551240002", false, 1},
	}
	var users []string
	holds := map[string]chan struct{}{}
	for _, c := range cases {
		users = append(users, c.user)
		holds[c.user] = make(chan struct{})
	}
	graph := whatsapptest.NewServer(t, whatsapptest.AllowRecipients(users...))
	var first sync.Map // user -> its first message was seen (and held)
	graph.SetResponder(func(r whatsapptest.Request) whatsapptest.Response {
		if _, seen := first.LoadOrStore(r.To, true); r.Kind != "message" || seen {
			return whatsapptest.Response{}
		}
		return whatsapptest.Response{Hold: holds[r.To]}
	})
	var logs syncBuffer
	log := zerolog.New(io.MultiWriter(&logs, graph.LogSink()))
	dir := t.TempDir()
	before := newHarness(t, harnessOpts{dir: dir, graph: graph, timeout: time.Minute, log: &log,
		cfg: Config{ShutdownGrace: grace, InFlightWait: wait, UnknownGrace: time.Millisecond}})
	for i, c := range cases {
		before.mustAccept(textPayload(fmt.Sprintf("wamid.cut.%d", i), c.user, "where is the shelter", time.Now()))
	}
	graph.WaitMessages(t, len(cases), 20*time.Second)

	began := time.Now()
	closed := make(chan struct{})
	go func() { defer close(closed); before.engine.Close() }()
	for _, c := range cases {
		if c.release {
			close(holds[c.user])
		}
	}
	bound := grace + wait + 5*time.Second // generous for a loaded machine, far below the client's minute
	select {
	case <-closed:
	case <-time.After(bound):
		t.Fatalf("Close still waiting %s after it began, with a send held at the Graph API (grace %s, wait %s)", bound, grace, wait)
	}
	t.Logf("closed in %s (grace %s, wait %s)", time.Since(began).Round(time.Millisecond), grace, wait)
	heldFor := map[string]bool{}
	for _, it := range before.outbox() {
		if it.ReadID == "" && !it.UnknownSince.IsZero() {
			heldFor[it.User] = true
		}
	}
	sentBefore := sentPerRecipient(graph)
	before.stop()
	after := newHarness(t, harnessOpts{dir: dir, graph: graph, timeout: time.Minute})
	after.engine.WaitIdle()
	sent := sentPerRecipient(graph)
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			if heldFor[c.user] != (c.again > 0) {
				t.Errorf("kept in flight (held for its status) after the stop: %v, want %v", heldFor[c.user], c.again > 0)
			}
			replies := after.replies(c.user)
			for _, e := range replies {
				if e.Status != store.StatusSent {
					t.Errorf("reply recorded %q, want sent", e.Status)
				}
			}
			if n := sent[c.user]; n != len(replies)+c.again || n == 0 {
				t.Errorf("%d messages at the Graph API (%d before the restart) for %d replies; want %d sent again",
					n, sentBefore[c.user], len(replies), c.again)
			}
			masked := whatsapp.MaskPhone(c.user)
			if lines := strings.Count(logs.String(), `"to":"`+masked+`","held_for_status"`); lines != c.again {
				t.Errorf("%d log lines of a cut send to %s, want %d", lines, masked, c.again)
			}
		})
	}
	if !strings.Contains(logs.String(), `"sends_cut":1,`) {
		t.Errorf("the stop's log does not count the one send it cut:\n%s", logs.String())
	}
}

// sentPerRecipient counts the messages at graph by recipient.
func sentPerRecipient(graph *whatsapptest.Server) map[string]int {
	n := map[string]int{}
	for _, r := range graph.Messages() {
		n[r.To]++
	}
	return n
}
