package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot"
	"lifeline/bot/broadcast"
	"lifeline/bot/pace"
	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// gatedPhone is a fake WhatsApp whose sends to one person hang until the
// test opens the gate; it records everything that reached any phone.
type gatedPhone struct {
	holdFor string
	// holdRead is a message whose read receipt hangs like the sends: the
	// receipts have their own worker, and one receipt waits behind it.
	holdRead string
	held     chan struct{} // closed once a send to holdFor is hanging
	gate     chan struct{}
	once     sync.Once

	mu    sync.Mutex
	sent  []string // recipients of messages
	reads []string // message ids marked read
	n     int
}

func newGatedPhone(holdFor string) *gatedPhone {
	return &gatedPhone{holdFor: holdFor, holdRead: "wamid.in.other", held: make(chan struct{}), gate: make(chan struct{})}
}

func (g *gatedPhone) Send(_ context.Context, _ string, o whatsapp.Outbound) (whatsapp.SendResult, error) {
	if o.To == g.holdFor {
		g.once.Do(func() { close(g.held) })
		<-g.gate
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.sent = append(g.sent, o.To)
	g.n++
	return whatsapp.SendResult{MessageID: fmt.Sprintf("wamid.gated.%d", g.n)}, nil
}

func (g *gatedPhone) MarkRead(_ context.Context, _, messageID string, _ bool) error {
	if messageID == g.holdRead {
		<-g.gate
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.reads = append(g.reads, messageID)
	return nil
}

func (g *gatedPhone) got() (sent, reads []string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.sent), slices.Clone(g.reads)
}

var _ bot.Sender = (*gatedPhone)(nil)

// Erasing a person stops everything queued for them: a reply and a read
// receipt waiting in memory behind a send that hangs, and a broadcast
// message picked for sending but not yet sent. Nothing reaches their phone
// once the erasure has answered.
func TestErasureStopsWhatIsQueued(t *testing.T) {
	const other, erased = "966500000001", "966500000002"
	for _, path := range []string{"reply", "broadcast"} {
		t.Run(path, func(t *testing.T) {
			db, faq := openStore(t)
			phone := newGatedPhone(other)
			// One send at a time, whatever the latency, so that the erased
			// person's message waits in memory behind the hanging one.
			pacer := pace.New(1000)
			pacer.SetCeiling(1)
			engine := bot.New(bot.Config{SendWorkers: 1, MaxInFlight: 1}, bot.Options{DB: db, Sender: phone, KB: faq, Logger: zerolog.Nop(), Pacer: pacer})
			svc := broadcast.New(broadcast.Config{RatePerNumber: 1000, Tick: 10 * time.Millisecond, Concurrency: 1, PairGap: -1, FrequencyCap: -1},
				broadcast.Options{DB: db, Sender: phone, Logger: zerolog.Nop(), Pacer: pacer})
			engine.Intercept(svc)
			engine.ObserveStatuses(svc)
			if err := engine.Start(); err != nil {
				t.Fatal(err)
			}
			if err := svc.Start(); err != nil {
				t.Fatal(err)
			}
			admin, err := BootstrapToken(context.Background(), db, "", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			s := New(Deps{DB: db, Engine: engine, KB: faq, Logger: zerolog.Nop(), Broadcasts: svc})
			released := false
			release := func() {
				if !released {
					released = true
					close(phone.gate)
				}
			}
			t.Cleanup(func() { release(); svc.Close(); engine.Close() })

			erasedMsg := "wamid.in.erased"
			switch path {
			case "reply":
				if _, err := engine.Submit(whatsapp.Message{ID: "wamid.in.other", From: other, Type: "text", Text: "hello", Timestamp: time.Now()}, 10*time.Second); err != nil {
					t.Fatal(err)
				}
				<-phone.held
				if _, err := engine.Submit(whatsapp.Message{ID: erasedMsg, From: erased, Name: "Erased Person", Type: "text", Text: "hello", Timestamp: time.Now()}, 10*time.Second); err != nil {
					t.Fatal(err)
				}
				if _, out := engine.Depth(); out < 2 {
					t.Fatalf("outbox depth %d: the erased person's reply should be waiting in memory", out)
				}
			case "broadcast":
				if code, body := call(t, s, "POST", "/admin/contacts/import", admin, "text/csv",
					"phone,name,opted_in\n+"+other+",Other,yes\n+"+erased+",Erased Person,yes\n"); code != 200 {
					t.Fatalf("import: %d %s", code, body)
				}
				if code, body := call(t, s, "POST", "/admin/broadcasts", admin, "application/json",
					`{"name": "n", "kind": "notice", "audience": {"all": true}, "templates": {"en": {"name": "port_notice", "language": "en_US"}}}`); code != 202 {
					t.Fatalf("broadcast: %d %s", code, body)
				}
				<-phone.held
			}

			if code, body := call(t, s, "POST", "/admin/contacts/"+erased+"/erase", admin, "", ""); code != 200 {
				t.Fatalf("erase: %d %s", code, body)
			}
			release()
			engine.WaitIdle()
			if path == "broadcast" {
				waitBroadcastDone(t, s, admin)
			}
			sent, reads := phone.got()
			if slices.Contains(sent, erased) || slices.Contains(reads, erasedMsg) {
				t.Fatalf("the erased person's phone got messages %v, read receipts %v", sent, reads)
			}
			if !slices.Contains(sent, other) {
				t.Fatalf("the other person got nothing: %v", sent)
			}
			if path == "broadcast" {
				leaks := 0
				ctx := context.Background()
				if err := db.Read(ctx, func(tx store.Reader) error {
					return store.EachRecipientOfAll(ctx, tx, func(_ store.BroadcastRef, r broadcast.Recipient) error {
						if r.WaID == erased {
							leaks++
						}
						return nil
					})
				}); err != nil || leaks != 0 {
					t.Fatalf("%d recipient records still name the erased person (%v)", leaks, err)
				}
			}
		})
	}
}

func waitBroadcastDone(t *testing.T, s *Server, admin string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; {
		_, body := call(t, s, "GET", "/admin/broadcasts/bc000001", admin, "", "")
		var st broadcast.Status
		_ = json.Unmarshal([]byte(body), &st)
		if st.State == broadcast.StateSent || st.State == broadcast.StateCompleted {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("broadcast never finished: %s", body)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
