package bot

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/cluster/jsstore/jstest"
	"lifeline/flows"
	"lifeline/store"
	"lifeline/store/storetest"
)

// testStatus is one status of a test webhook: of reply (an index in
// the user's replies) or of an id no message has, with or without the
// callback data the engine's sends carry.
type testStatus struct {
	reply   int
	unknown bool
	status  string
	code    int
	noCB    bool
}

// statusesPayload is a webhook POST carrying the statuses sts, about
// the messages whose wamids and callback data are given by reply index.
func statusesPayload(to string, sts []testStatus, wamids, cbs []string, at time.Time) []byte {
	var parts []string
	for _, s := range sts {
		id, cb := "wamid.nobody", ""
		if !s.unknown {
			id, cb = wamids[s.reply], cbs[s.reply]
		}
		if s.noCB {
			cb = ""
		}
		errs := ""
		if s.code != 0 {
			errs = fmt.Sprintf(`,"errors":[{"code":%d,"title":"error %d","message":"error %d","error_data":{"details":"x"}}]`, s.code, s.code, s.code)
		}
		parts = append(parts, fmt.Sprintf(`{"id":%q,"status":%q,"timestamp":"%d","recipient_id":%q,"biz_opaque_callback_data":%q%s}`,
			id, s.status, at.Unix(), to, cb, errs))
	}
	return []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":%q},"statuses":[%s]}}]}]}`,
		testPhone, strings.Join(parts, ",")))
}

// statusOutcome is what the statuses of a test left in the store, with
// the times (which differ from run to run) left out.
type statusOutcome struct {
	Replies     []string // status, error code, error and wamid of each reply
	Outbox      int
	Unreachable bool
	UnreachCode int
	Inbox       int
	DeadLetters int
	Seen        int
	Sends       int
}

// writeCounter counts the writes committed in people's scopes.
type writeCounter struct {
	*store.DB
	mu     sync.Mutex
	writes int
}

func (c *writeCounter) Write(ctx context.Context, scope store.Scope, fn func(w store.Writer) error) error {
	// A write that changes nothing commits nothing on a cluster: it does
	// not count.
	var counted *countedWriter
	err := c.DB.Write(ctx, scope, func(w store.Writer) error {
		counted = &countedWriter{Writer: w}
		return fn(counted)
	})
	if err == nil && scope.Kind() == store.ScopeUser && counted != nil && counted.writes > 0 {
		c.mu.Lock()
		c.writes++
		c.mu.Unlock()
	}
	return err
}

func (c *writeCounter) NextSeq(_ context.Context, name string) (uint64, error) {
	return c.DB.NextSeq(name)
}

func (c *writeCounter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writes
}

// runStatuses answers messages messages of user, then posts each
// webhook of posts in turn (waiting for the engine between two), and
// returns what is stored and how many writes the posts cost.
func runStatuses(t *testing.T, viaInbox bool, cfg Config, messages int, posts [][]testStatus) (statusOutcome, int) {
	t.Helper()
	const user = "15557770001"
	cfg.statusesViaInbox = viaInbox
	var counter *writeCounter
	h := newHarness(t, harnessOpts{cfg: cfg, backend: func(db *store.DB) store.Backend {
		counter = &writeCounter{DB: db}
		return counter
	}})
	var cbs []string
	for i := range messages {
		h.mustAccept(textPayload(fmt.Sprintf("wamid.si.%d", i), user, "hello", time.Now()))
		sent := h.graph.WaitMessages(t, i+1, 10*time.Second)
		h.engine.WaitIdle()
		cbs = append(cbs, sent[i].Body["biz_opaque_callback_data"].(string))
	}
	var wamids []string
	for _, r := range h.replies(user) {
		wamids = append(wamids, r.MessageID)
	}
	if len(wamids) != messages || len(cbs) != messages {
		t.Fatalf("%d replies and %d sends for %d messages, want one each", len(wamids), len(cbs), messages)
	}
	before := counter.count()
	for _, p := range posts {
		h.mustAccept(statusesPayload(user, p, wamids, cbs, time.Now()))
		h.engine.WaitIdle()
	}
	writes := counter.count() - before
	var o statusOutcome
	for _, r := range h.replies(user) {
		o.Replies = append(o.Replies, fmt.Sprintf("%s %d %q %s", r.Status, r.ErrorCode, r.Error, r.MessageID))
	}
	o.Outbox = len(h.outbox())
	c := h.contact(user)
	o.Unreachable, o.UnreachCode = c.Unreachable, c.UnreachableCode
	o.Inbox, o.DeadLetters, o.Seen, o.Sends = h.inboxLeft(), h.deadLetters(), h.seen("s:"), len(h.graph.Messages())
	return o, writes
}

// A status applied in the write that ingests it leaves the store as the
// same status stored and applied from the inbox does, for every kind of
// status and order, and costs one write instead of two when it may be
// applied at once.
func TestStatusesAtIngestEqualStatusesFromTheInbox(t *testing.T) {
	tpl := &whatsapp.Template{Name: "crisis_update", Language: "en"}
	st := func(reply int, status string) testStatus { return testStatus{reply: reply, status: status} }
	failed := func(reply, code int) testStatus {
		return testStatus{reply: reply, status: store.StatusFailed, code: code}
	}
	cases := []struct {
		name     string
		cfg      Config
		messages int
		posts    [][]testStatus
		// atIngest is how many statuses the new way applies at ingest,
		// unchanged how many of those change nothing (a "sent" of a reply
		// recorded as sent when its send was, a status behind a later
		// one): they store nothing, not even their dedupe marker; silent
		// how many posts store nothing at all that way (the statuses of a
		// post are written together).
		atIngest, unchanged, silent int
	}{
		{name: "sent then delivered", messages: 1,
			posts: [][]testStatus{{st(0, "sent")}, {st(0, "delivered")}}, atIngest: 2, unchanged: 1, silent: 1},
		{name: "sent and delivered in one webhook", messages: 1,
			posts: [][]testStatus{{st(0, "sent"), st(0, "delivered")}}, atIngest: 2, unchanged: 1},
		{name: "read, delivered, sent: out of order", messages: 1,
			posts: [][]testStatus{{st(0, "read")}, {st(0, "delivered")}, {st(0, "sent")}}, atIngest: 3, unchanged: 2, silent: 2},
		{name: "the statuses of two replies interleaved", messages: 2,
			posts: [][]testStatus{{st(0, "sent"), st(1, "sent"), st(1, "delivered"), st(0, "read")}}, atIngest: 4, unchanged: 2},
		{name: "duplicates, in one webhook and again", messages: 1,
			posts: [][]testStatus{{st(0, "delivered"), st(0, "delivered")}, {st(0, "delivered")}}, atIngest: 1},
		{name: "by sent reference only, without callback data", messages: 1,
			posts: [][]testStatus{{{reply: 0, status: "delivered", noCB: true}}}, atIngest: 1},
		{name: "a status of an unknown message waits in the inbox", messages: 1,
			posts: [][]testStatus{{{unknown: true, status: "delivered"}}, {st(0, "delivered")}}, atIngest: 1},
		{name: "failed with a transient code: sent again", messages: 1,
			posts: [][]testStatus{{failed(0, 131000)}}},
		{name: "failed then delivered in one webhook: the delivered waits behind it", messages: 1,
			posts: [][]testStatus{{failed(0, 131000), st(0, "delivered")}}},
		{name: "failed 131026: the contact is marked, a later read applies", messages: 1,
			posts: [][]testStatus{{failed(0, 131026)}, {st(0, "read")}}, atIngest: 1, unchanged: 1, silent: 1},
		{name: "failed 131047: the re-engagement template", cfg: Config{ReengageTemplate: tpl}, messages: 1,
			posts: [][]testStatus{{st(0, "sent"), failed(0, 131047)}, {st(0, "delivered")}}, atIngest: 2, unchanged: 2, silent: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			statuses := 0
			for _, p := range tc.posts {
				statuses += len(p)
			}
			// A status dropped as a redelivery costs no write of its own.
			dups := 0
			seen := map[testStatus]bool{}
			for _, p := range tc.posts {
				for _, s := range p {
					if seen[s] {
						dups++
					}
					seen[s] = true
				}
			}
			old, oldWrites := runStatuses(t, true, tc.cfg, tc.messages, tc.posts)
			now, nowWrites := runStatuses(t, false, tc.cfg, tc.messages, tc.posts)
			if now.Seen != old.Seen-tc.unchanged {
				t.Errorf("%d dedupe markers at ingest, %d from the inbox: want %d fewer, one per status that changes nothing", now.Seen, old.Seen, tc.unchanged)
			}
			now.Seen = old.Seen
			if !reflect.DeepEqual(old, now) {
				t.Errorf("applied at ingest:\n %+v\nfrom the inbox:\n %+v", now, old)
			}
			if old.Inbox != 0 || old.DeadLetters != 0 {
				t.Errorf("%d events left in the inbox, %d set aside", old.Inbox, old.DeadLetters)
			}
			// From the inbox a status costs its processing write, and its
			// post an ingest write; at ingest the post's write alone, or
			// none when none of its statuses changes anything.
			if saved, want := oldWrites-nowWrites, tc.atIngest+tc.silent; saved != want {
				t.Errorf("%d writes from the inbox, %d at ingest: %d saved, want %d (%d statuses applied at ingest, %d posts storing nothing)",
					oldWrites, nowWrites, saved, want, tc.atIngest, tc.silent)
			}
			if tc.atIngest > statuses-dups {
				t.Fatalf("the case counts %d statuses applied at ingest of %d new", tc.atIngest, statuses-dups)
			}
		})
	}
}

// A status applied at ingest is one commit with its dedupe marker: a
// crash before that commit (the write fails, as it does when the
// process dies before the sync) leaves nothing of it and the webhook
// unanswered; Meta's redelivery applies it once, on this run or after a
// restart, and a further redelivery is dropped.
func TestStatusAtIngestCrashBeforeCommitLeavesNothing(t *testing.T) {
	const user = "15557770002"
	dir := t.TempDir()
	var counter *writeCounter
	var fail sync.Mutex
	failNext := false
	backend := func(db *store.DB) store.Backend {
		counter = &writeCounter{DB: db}
		return &failingWrites{writeCounter: counter, fail: func() bool {
			fail.Lock()
			defer fail.Unlock()
			f := failNext
			failNext = false
			return f
		}}
	}
	first := newHarness(t, harnessOpts{dir: dir, backend: backend})
	first.mustAccept(textPayload("wamid.sc.1", user, "hello", time.Now()))
	cb := first.graph.WaitMessages(t, 1, 10*time.Second)[0].Body["biz_opaque_callback_data"].(string)
	first.engine.WaitIdle()
	wamid := first.replies(user)[0].MessageID
	body := statusesPayload(user, []testStatus{{reply: 0, status: "delivered"}}, []string{wamid}, []string{cb}, time.Now())

	fail.Lock()
	failNext = true
	fail.Unlock()
	if err := first.accept(body); err == nil {
		t.Fatal("the webhook was answered although its write failed")
	}
	first.engine.WaitIdle()
	if r := first.replies(user)[0]; r.Status != store.StatusSent {
		t.Fatalf("after the failed write the reply is %q, want sent", r.Status)
	}
	if n, left := first.seen("s:"), first.inboxLeft(); n != 0 || left != 0 {
		t.Fatalf("after the failed write: %d statuses marked seen, %d inbox events, want none", n, left)
	}
	before := counter.count()
	first.mustAccept(body) // Meta delivers it again
	first.engine.WaitIdle()
	if w := counter.count() - before; w != 1 {
		t.Errorf("the redelivered status cost %d writes, want 1 (applied at ingest)", w)
	}
	if r := first.replies(user)[0]; r.Status != store.StatusDelivered {
		t.Fatalf("after the redelivery the reply is %q, want delivered", r.Status)
	}
	first.stop()

	second := newHarness(t, harnessOpts{dir: dir, backend: backend})
	before = counter.count()
	// Delivered again after a restart, with a new status in the same webhook.
	second.mustAccept(statusesPayload(user, []testStatus{{reply: 0, status: "delivered"}, {reply: 0, status: "read"}}, []string{wamid}, []string{cb}, time.Now()))
	second.engine.WaitIdle()
	if w := counter.count() - before; w != 1 {
		t.Errorf("a repeated status and a new one after the restart cost %d writes, want 1", w)
	}
	if r := second.replies(user)[0]; r.Status != store.StatusRead {
		t.Errorf("after the restart the reply is %q, want read", r.Status)
	}
	if n, left := second.seen("s:"), second.inboxLeft(); n != 2 || left != 0 {
		t.Errorf("%d statuses marked seen, %d inbox events, want 2 and none", n, left)
	}
}

// failingWrites fails a person's write after its fn ran, when fail says
// so: nothing of it is committed.
type failingWrites struct {
	*writeCounter
	fail func() bool
}

func (f *failingWrites) Write(ctx context.Context, scope store.Scope, fn func(w store.Writer) error) error {
	return f.writeCounter.Write(ctx, scope, func(w store.Writer) error {
		if err := fn(w); err != nil {
			return err
		}
		if scope.Kind() == store.ScopeUser && f.fail() {
			return errInjected
		}
		return nil
	})
}

// With several instances the instance a status webhook reaches applies
// it in its ingest write when the lane has nothing waiting in the store
// (no notification to the owner); a status behind a waiting event of
// its lane, or one that settles a held send whose lane only the owner
// can wake, is stored for the owner, which applies it in order.
func TestStatusAtIngestOnAnInstanceThatDoesNotOwnTheUser(t *testing.T) {
	for _, be := range []struct {
		name string
		open func(t *testing.T) *store.DB
	}{
		{"badger", func(t *testing.T) *store.DB { return storetest.OpenMemory(t) }},
		// JetStream keeps each person's records in their scope: the
		// lane's inbox is read there, and a commit to it in between
		// refuses the ingest write.
		{"jetstream", func(t *testing.T) *store.DB { return jstest.OpenDB(t) }},
	} {
		t.Run(be.name, func(t *testing.T) { statusAtIngestNotOwner(t, be.open(t)) })
	}
}

func statusAtIngestNotOwner(t *testing.T, db *store.DB) {
	graph := whatsapptest.NewServer(t, whatsapptest.Strict())
	client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: graph.URL, Version: "v23.0", AccessToken: testToken, Timeout: 5 * time.Second})
	owners := startTwoOwners(t, db, client)
	defer func() {
		for _, e := range owners.engines {
			e.Close()
		}
	}()
	const user = "15557770003"
	owner := owners.engines[owners.owner(user)]
	other := owners.engines[1-owners.owner(user)]
	ctx := context.Background()
	reply := func() store.Entry {
		t.Helper()
		var out []store.Entry
		if err := db.Read(ctx, func(r store.Reader) error {
			return store.EachTranscriptEntry(ctx, r, user, func(e store.Entry) error {
				if e.Dir == store.Out {
					out = append(out, e)
				}
				return nil
			})
		}); err != nil {
			t.Fatal(err)
		}
		return out[0]
	}
	pending := func() int {
		n := 0
		if err := db.Read(ctx, func(r store.Reader) error {
			return store.EachPendingInbox(ctx, r, func(uint64, InboxItem, error) error { n++; return nil })
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(2 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
		}
	}
	if err := owner.Accept(textPayload("wamid.pa.1", user, "hello", time.Now())); err != nil {
		t.Fatal(err)
	}
	cb := graph.WaitMessages(t, 1, 10*time.Second)[0].Body["biz_opaque_callback_data"].(string)
	waitFor("the reply to be recorded", func() bool { return reply().MessageID != "" && pending() == 0 })
	owner.WaitIdle()
	wamid := reply().MessageID
	post := func(sts ...testStatus) {
		t.Helper()
		if err := other.Accept(statusesPayload(user, sts, []string{wamid}, []string{cb}, time.Now())); err != nil {
			t.Fatal(err)
		}
	}

	notes := owners.notes.Load()
	post(testStatus{status: "delivered"})
	if r := reply(); r.Status != store.StatusDelivered || owners.notes.Load() != notes || pending() != 0 {
		t.Fatalf("reply %q, %d notifications, %d pending events after a status on an idle lane; want delivered at once, none, none",
			r.Status, owners.notes.Load()-notes, pending())
	}

	// A message of the user waits, its owner not told: the read status
	// that follows waits behind it.
	owners.lose.Store(true)
	if err := other.Accept(textPayload("wamid.pa.2", user, "hello again", time.Now())); err != nil {
		t.Fatal(err)
	}
	post(testStatus{status: "read"})
	if r, n := reply(), pending(); r.Status != store.StatusDelivered || n != 2 {
		t.Fatalf("reply %q with %d pending events; want delivered, the message and the status waiting", r.Status, n)
	}
	owners.lose.Store(false)
	owner.Wake(user)
	waitFor("the owner to process the lane", func() bool { return pending() == 0 && reply().Status == store.StatusRead })
	owner.WaitIdle()

	// A held send of the user (its outcome unknown): the status that
	// settles it is stored for the owner, whose lane is woken by it.
	var held store.OutboxItem
	if err := db.Write(ctx, store.UserScope(user), func(w store.Writer) error {
		it, err := newOutbox(ctx, w, user, testPhone, []byte(`{"to":"`+user+`","kind":"text","text":"later"}`), time.Now().Add(time.Hour), time.Now())
		if err != nil {
			return err
		}
		it.TranscriptSeq, it.UnknownSince = reply().Seq, time.Now()
		held = *it
		// Stored but not queued: only the status may settle it here.
		return store.PutOutboxItem(ctx, w, it)
	}); err != nil {
		t.Fatal(err)
	}
	notes = owners.notes.Load()
	heldCB := outboxCallback(&held)
	if err := other.Accept(statusesPayload(user, []testStatus{{status: "sent"}}, []string{"wamid.HELD.pa"}, []string{heldCB}, time.Now())); err != nil {
		t.Fatal(err)
	}
	if owners.notes.Load() == notes {
		t.Fatal("the status settling a held send was applied where its lane cannot be woken")
	}
	waitFor("the owner to settle the held send", func() bool {
		gone := false
		if err := db.Read(ctx, func(r store.Reader) error {
			_, err := store.GetOutboxItem(ctx, r, held.Seq)
			gone = errors.Is(err, store.ErrNotFound)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return gone && pending() == 0
	})
}

// blockingInterceptor holds the processing of a message "wait" until
// release is closed, telling entered when it starts.
type blockingInterceptor struct {
	entered chan struct{}
	release chan struct{}
}

func (b blockingInterceptor) Intercept(_ store.Writer, _ string, in flows.Input, _ flows.Session) (flows.Output, bool, error) {
	if in.Text == "wait" {
		select {
		case b.entered <- struct{}{}:
		default:
		}
		<-b.release
	}
	return flows.Output{}, false, nil
}

// In one process a status whose lane is processing a message waits in
// the inbox behind it, and is applied after it.
func TestStatusWaitsBehindAMessageBeingProcessed(t *testing.T) {
	const user = "15557770004"
	h := newHarness(t, harnessOpts{})
	block := blockingInterceptor{entered: make(chan struct{}, 1), release: make(chan struct{})}
	h.engine.Intercept(block)
	h.mustAccept(textPayload("wamid.wb.1", user, "hello", time.Now()))
	cb := h.graph.WaitMessages(t, 1, 10*time.Second)[0].Body["biz_opaque_callback_data"].(string)
	h.engine.WaitIdle()
	wamid := h.replies(user)[0].MessageID

	h.mustAccept(textPayload("wamid.wb.2", user, "wait", time.Now()))
	<-block.entered
	h.mustAccept(statusesPayload(user, []testStatus{{status: "delivered"}}, []string{wamid}, []string{cb}, time.Now()))
	r, left := h.replies(user)[0], h.inboxLeft()
	close(block.release)
	if r.Status != store.StatusSent || left != 2 {
		t.Fatalf("reply %q with %d events in the inbox while a message is processed; want sent, the message and the status waiting", r.Status, left)
	}
	h.engine.WaitIdle()
	if r, left := h.replies(user)[0], h.inboxLeft(); r.Status != store.StatusDelivered || left != 0 {
		t.Errorf("reply %q with %d events in the inbox once the lane ran; want delivered, none", r.Status, left)
	}
}
