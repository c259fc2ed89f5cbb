package bot

import (
	"context"
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
func (v ownerView) Notify(user string) {
	v.o.notes.Add(1)
	if v.o.lose.Load() {
		return
	}
	if e := v.o.engines[v.o.owner(user)]; e != nil {
		e.Wake(user)
	}
}

// startTwoOwners starts two engines on db that divide the users
// between them; the caller closes them.
func startTwoOwners(t *testing.T, db *store.DB, client *whatsapp.Client) *twoOwners {
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

// Two engines share one store, each working half of the users: messages
// posted to either are answered by the owner of their user, in each
// user's order, and once one engine stops owning anything, the other
// adopts what it left stored and unprocessed.
func TestTwoEnginesSplitTheUsersAndKeepEachUsersOrder(t *testing.T) {
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	graph := whatsapptest.NewServer(t, whatsapptest.Strict())
	client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: graph.URL, Version: "v23.0", AccessToken: testToken, Timeout: 5 * time.Second})
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

	// Engine 0's instance "dies": it owns nothing from now, and messages
	// stored through it are left to engine 1, whose notifications are
	// lost: it adopts the store's pending work as a new partition owner
	// does.
	owners.dead.Store(true)
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
