package bot

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/store"
)

// twoOwners divides users between engine 0 and engine 1 as partitions
// would, and carries notifications between them in process. dead makes
// engine 0 own nothing (its partitions passed to engine 1), as after
// its instance died.
type twoOwners struct {
	engines [2]*Engine
	dead    atomic.Bool
	lose    atomic.Bool // notifications are lost
	notes   atomic.Int64
}

func (o *twoOwners) owner(user string) int {
	if o.dead.Load() {
		return 1
	}
	h := fnv.New32a()
	h.Write([]byte(user))
	return int(h.Sum32() % 2)
}

type ownerView struct {
	o  *twoOwners
	me int
}

func (v ownerView) Owns(user string) bool { return v.o.owner(user) == v.me }
func (v ownerView) Notify(user string, at store.Mark) {
	v.o.notes.Add(1)
	if v.o.lose.Load() {
		return
	}
	if e := v.o.engines[v.o.owner(user)]; e != nil {
		e.WakeAt(user, at)
	}
}

// handOver gives engine 0's partitions to engine 1 as cluster.Partitions
// gives a partition up: engine 0 stops owning first, then the hand-over
// waits while engine 0 is Busy (a turn or a send under way, or a send's
// outcome not yet written) before engine 1 may adopt.
func (o *twoOwners) handOver() error {
	o.dead.Store(true)
	deadline := time.Now().Add(10 * time.Second)
	for o.engines[0].Busy(func(string) bool { return true }) {
		if time.Now().After(deadline) {
			return errors.New("engine 0 still busy 10s after it stopped owning anything")
		}
		time.Sleep(time.Millisecond)
	}
	return nil
}

// startTwoOwners starts two engines on db that divide the users
// between them; the caller closes them.
func startTwoOwners(t *testing.T, db *store.DB, client Sender) *twoOwners {
	t.Helper()
	owners := &twoOwners{}
	for i := range owners.engines {
		cfg := Config{PhoneNumberIDs: []string{testPhone}, RatePerNumber: 1000, Workers: 4,
			Backoff: func(whatsapp.Action, int) time.Duration { return time.Millisecond }}
		e := New(cfg, Options{DB: db, Sender: client, KB: stubKB{}, Logger: zerolog.Nop(), Partitions: ownerView{owners, i}})
		if err := e.Start(); err != nil {
			t.Fatal(err)
		}
		owners.engines[i] = e
	}
	return owners
}

// sharedStore opens an in-memory store, wrapped by wrap when it is not
// nil (fault injection), and a strict fake Graph API with its client; the
// store closes at the test's cleanup, after the test's own defers.
func sharedStore(t *testing.T, wrap func(db *store.DB, graph *whatsapptest.Server) store.Backend) (*store.DB, *whatsapptest.Server, *whatsapp.Client) {
	t.Helper()
	graph := whatsapptest.NewServer(t, whatsapptest.Strict())
	opts := store.Options{InMemory: true, Logger: zerolog.Nop()}
	db, err := store.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	if wrap != nil {
		if db, err = store.OpenBackend(wrap(db, graph), "wrapped", opts); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { db.Close() })
	client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: graph.URL, Version: "v23.0", AccessToken: testToken, Timeout: 5 * time.Second})
	return db, graph, client
}

// userOf is the first test user engine i owns.
func (o *twoOwners) userOf(i int) string {
	for u := 0; ; u++ {
		if user := fmt.Sprintf("1555000%04d", u); o.owner(user) == i {
			return user
		}
	}
}

// Two engines share one store, each working half of the users: messages
// posted to either are answered by the owner of their user, in each
// user's order, and once one engine stops owning anything, the other
// adopts what it left stored and unprocessed.
func TestTwoEnginesSplitTheUsersAndKeepEachUsersOrder(t *testing.T) {
	db, graph, client := sharedStore(t, nil)
	owners := startTwoOwners(t, db, client)
	var closeOnce sync.Once
	closeAll := func() {
		closeOnce.Do(func() {
			for _, e := range owners.engines {
				e.Close()
			}
		})
	}
	defer closeAll()

	const users, questions = 12, 6
	user := func(u int) string { return fmt.Sprintf("1555000%04d", u) }
	rng := rand.New(rand.NewPCG(1, 2))
	post := func(round int) {
		for u := range users {
			e := owners.engines[rng.IntN(2)]
			if err := e.Accept(textPayload(fmt.Sprintf("wamid.P%d.%d", u, round), user(u), fmt.Sprintf("shelter %d", round), time.Now())); err != nil {
				t.Fatal(err)
			}
		}
	}
	for round := range questions / 2 {
		post(round)
	}
	waitAnswered := func(rounds int) {
		t.Helper()
		start := time.Now()
		deadline := start.Add(30 * time.Second)
		for {
			perUser := map[string]int{}
			for _, m := range graph.Messages() {
				perUser[m.To]++
			}
			done := 0
			for u := range users {
				if out := outCount(t, db, user(u)); len(inTexts(t, db, user(u))) == rounds && out >= rounds && perUser[user(u)] >= out {
					done++
				}
			}
			if done == users {
				t.Logf("%d questions of %d users answered in %s", rounds, users, time.Since(start).Round(time.Millisecond))
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("after 30s %d of %d users have all %d messages processed and answered", done, users, rounds)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitAnswered(questions / 2)
	if owners.notes.Load() == 0 {
		t.Fatal("no message went through the engine that does not own its user: the test proves nothing")
	}

	// Engine 0 hands its partitions over: it owns nothing from now, and
	// messages stored through it are left to engine 1, whose
	// notifications are lost: it adopts the store's pending work as a
	// new partition owner does. A reply engine 0 was sending is recorded
	// before the hand-over ends, so engine 1 does not send it again.
	if err := owners.handOver(); err != nil {
		t.Fatal(err)
	}
	owners.lose.Store(true)
	for round := questions / 2; round < questions; round++ {
		for u := range users {
			if err := owners.engines[0].Accept(textPayload(fmt.Sprintf("wamid.P%d.%d", u, round), user(u), fmt.Sprintf("shelter %d", round), time.Now())); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, _, err := owners.engines[1].Adopt(func(fn func(store.Reader) error) error { return db.Read(context.Background(), fn) }); err != nil {
		t.Fatal(err)
	}
	waitAnswered(questions)
	// Let the last sends settle before counting them.
	for _, e := range owners.engines {
		e.WaitIdle()
	}
	closeAll()

	perUser := map[string]int{}
	for _, m := range graph.Messages() {
		perUser[m.To]++
	}
	for u := range users {
		got := inTexts(t, db, user(u))
		for i, text := range got {
			if want := fmt.Sprintf("shelter %d", i); text != want {
				t.Errorf("user %d: message %d processed as %q, want %q (order broken)", u, i, text, want)
			}
		}
		if out := outCount(t, db, user(u)); perUser[user(u)] != out || out < questions {
			t.Errorf("user %d: %d messages sent, %d replies in the transcript for %d questions; want each reply sent once", u, perUser[user(u)], out, questions)
		}
	}
}

// outCount is how many replies user's transcript holds.
func outCount(t *testing.T, db *store.DB, user string) int {
	t.Helper()
	n := 0
	ctx := context.Background()
	if err := db.Read(ctx, func(r store.Reader) error {
		return store.EachTranscriptEntry(ctx, r, user, func(e store.Entry) error {
			if e.Dir != store.In {
				n++
			}
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// inTexts is user's inbound messages in the transcript's order.
func inTexts(t *testing.T, db *store.DB, user string) []string {
	t.Helper()
	var out []string
	ctx := context.Background()
	if err := db.Read(ctx, func(r store.Reader) error {
		return store.EachTranscriptEntry(ctx, r, user, func(e store.Entry) error {
			if e.Dir == store.In {
				out = append(out, e.Text)
			}
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// gatedOwner owns every user, except that a lane worker asking about
// user waits in Owns until the test answers: the moment between a
// worker's ownership check and its work, when the partition may be
// given up.
type gatedOwner struct {
	user    string
	asked   chan struct{}
	answer  chan bool
	blocked atomic.Bool
}

func (g *gatedOwner) Owns(user string) bool {
	if user != g.user || !g.blocked.CompareAndSwap(false, true) {
		return true
	}
	close(g.asked)
	return <-g.answer
}

func (g *gatedOwner) Notify(string, store.Mark) {}

// A lane worker that has asked whether it owns a user counts as busy
// with that user from before it asks: a hand-over that finds it not busy
// and gives the partition up while the worker goes on to send would have
// the next owner send the same message again.
func TestAWorkerAskingWhetherItOwnsAUserIsBusyWithThem(t *testing.T) {
	const user = "15550009999"
	for _, tc := range []struct {
		name string
		work func(e *Engine) bool
	}{
		{"inbound", func(e *Engine) bool { return e.inWork(user, inRef{seq: 7, attempts: new(int)}) }},
		{"outbound", func(e *Engine) bool { return e.outWork(user, 7) }},
		{"read receipt", func(e *Engine) bool { return e.outWork(readKey(user), 7) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, _, client := sharedStore(t, nil)
			gate := &gatedOwner{user: user, asked: make(chan struct{}), answer: make(chan bool)}
			e := New(Config{PhoneNumberIDs: []string{testPhone}}, Options{DB: db, Sender: client, KB: stubKB{}, Logger: zerolog.Nop(), Partitions: gate})
			if err := e.Start(); err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			isUser := func(u string) bool { return u == user }

			done := make(chan bool)
			go func() { done <- tc.work(e) }()
			<-gate.asked
			if !e.Busy(isUser) {
				t.Error("not busy with the user while a worker asks whether it owns them")
			}
			gate.answer <- false // given up meanwhile
			if !<-done {
				t.Error("the work of a user owned elsewhere was kept in the lane; want it left to the owner")
			}
			if e.Busy(isUser) {
				t.Error("still busy with the user after the worker left their work to the new owner")
			}
		})
	}
}

// heldSender sends through Sender, and holds the answer to the first
// message to user until release is closed: a send done at the Graph API
// whose outcome the engine has not yet written.
type heldSender struct {
	Sender
	user    string
	sent    chan struct{}
	release chan struct{}
	once    sync.Once
}

func (h *heldSender) Send(ctx context.Context, phone string, o whatsapp.Outbound) (whatsapp.SendResult, error) {
	res, err := h.Sender.Send(ctx, phone, o)
	if o.To == h.user {
		h.once.Do(func() {
			close(h.sent)
			<-h.release
		})
	}
	return res, err
}

// A partition handed over while its owner's send is under way (the Graph
// API has the message, the outbox does not yet say so), or while the
// write of a send's outcome fails (a store leader election), waits for
// the outcome to be written, by the owner it had: the next owner,
// adopting the partition's pending work, does not send the reply again.
func TestAHandOverWaitsForTheOutcomeOfASendMade(t *testing.T) {
	for _, tc := range []struct {
		name       string
		holdAnswer bool // the Graph API's answer is held until the hand-over began
		failWrites int  // outcome writes that fail once the first reply reached the Graph API
	}{
		{"answer on its way", true, 0},
		{"outcome write failing", false, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var faults *outcomeFaults
			db, graph, client := sharedStore(t, func(db *store.DB, graph *whatsapptest.Server) store.Backend {
				faults = &outcomeFaults{DB: db, left: tc.failWrites, armed: func() bool { return len(graph.Messages()) > 0 }}
				return faults
			})
			held := &heldSender{Sender: client, sent: make(chan struct{}), release: make(chan struct{})}
			if !tc.holdAnswer {
				close(held.release)
			}
			owners := startTwoOwners(t, db, held)
			defer func() {
				for _, e := range owners.engines {
					e.Close()
				}
			}()
			user := owners.userOf(0)
			held.user = user
			if err := owners.engines[0].Accept(textPayload("wamid.H1", user, "shelter", time.Now())); err != nil {
				t.Fatal(err)
			}
			select {
			case <-held.sent:
			case <-time.After(30 * time.Second):
				t.Fatal("engine 0 sent no reply in 30s")
			}
			for deadline := time.Now().Add(30 * time.Second); faults.injected() < tc.failWrites; time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("%d outcome writes failed in 30s, want %d", faults.injected(), tc.failWrites)
				}
			}

			handed := make(chan error, 1)
			go func() { handed <- owners.handOver() }()
			if !owners.engines[0].Busy(func(u string) bool { return u == user }) {
				t.Error("engine 0 is not busy with a user whose send's outcome is not written")
			}
			if tc.holdAnswer {
				close(held.release)
			}
			if err := <-handed; err != nil {
				t.Fatal(err)
			}
			if _, _, err := owners.engines[1].Adopt(func(fn func(store.Reader) error) error { return db.Read(context.Background(), fn) }); err != nil {
				t.Fatal(err)
			}
			for _, e := range owners.engines {
				e.WaitIdle()
			}
			sent := 0
			for _, m := range graph.Messages() {
				if m.To == user {
					sent++
				}
			}
			if out := outCount(t, db, user); sent != out || out == 0 {
				t.Errorf("%d messages sent for %d replies in the transcript; want each reply sent once", sent, out)
			}
		})
	}
}
