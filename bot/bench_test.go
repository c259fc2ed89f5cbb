package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// BenchmarkIngest measures the durable part of a webhook acknowledgement:
// dedupe check and a synced commit of the events, from many goroutines.
func BenchmarkIngest(b *testing.B) {
	db, err := store.Open(store.Options{Dir: b.TempDir(), Logger: zerolog.Nop()})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	e := New(Config{Workers: 1}, Options{DB: db, Sender: &SandboxSender{}, KB: stubKB{}, Logger: zerolog.Nop()})
	// Processing is not started: this measures the acknowledgement alone.
	e.inbox = newLanes(0, e.processInbound)
	e.outbox = newSendLanes(0, nil, e.processOutbound)
	// The writer that groups acknowledgements into commits, as Start runs it.
	e.ingestCh = make(chan *ingestReq, ingestQueue)
	e.ingestDone = make(chan struct{})
	go e.ingestLoop()
	defer func() { close(e.ingestCh); <-e.ingestDone }()
	var n atomic.Uint64
	text := fmt.Sprintf("%01000d", 7)
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			batch := &whatsapp.Batch{Messages: []whatsapp.Message{{ID: fmt.Sprintf("wamid.%d", i), From: fmt.Sprintf("1555%07d", i%5000), Type: "text", Text: text, Timestamp: time.Now()}}}
			if _, err := e.Ingest(batch); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// acceptAll answers every send at once: the benchmark measures the
// outbox's own cost, not a Graph API's.
type acceptAll struct{ n atomic.Uint64 }

func (a *acceptAll) Send(context.Context, string, whatsapp.Outbound) (whatsapp.SendResult, error) {
	return whatsapp.SendResult{MessageID: fmt.Sprintf("wamid.b.%d", a.n.Add(1))}, nil
}
func (a *acceptAll) MarkRead(context.Context, string, string, bool) error { return nil }

// BenchmarkOutboxSend measures one queued reply's way out: its lane, the
// store reads before the send (the item, its presence under the person's
// lock), the send step, and the commit that removes it from the outbox.
// Replies to 1,000 people, on a synced on-disk store.
func BenchmarkOutboxSend(b *testing.B) {
	db, err := store.Open(store.Options{Dir: b.TempDir(), Logger: zerolog.Nop()})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	e := New(Config{Workers: 1, SendWorkers: 8, RatePerNumber: 1e9}, Options{DB: db, Sender: &acceptAll{}, KB: stubKB{}, Logger: zerolog.Nop()})
	if err := e.Start(); err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	msg, _ := json.Marshal(whatsapp.Outbound{Kind: whatsapp.KindText, Text: "Shelters are open at the town hall."})
	ctx := context.Background()
	items := make([]*store.OutboxItem, b.N)
	for from := 0; from < len(items); from += 500 {
		// In batches: one transaction of them all would be too large.
		err = db.WriteAny(ctx, func(w store.Writer) error {
			for i := from; i < min(from+500, len(items)); i++ {
				seq, err := store.NewOutboxSeq(ctx, w)
				if err != nil {
					return err
				}
				user := fmt.Sprintf("1555%07d", i%1000)
				items[i] = &store.OutboxItem{Seq: seq, User: user, PhoneNumberID: "sandbox", Message: msg, CreatedAt: time.Now()}
				if err := store.PutOutboxItem(ctx, w, items[i]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for _, it := range items {
		e.outbox.Add(it)
	}
	e.outbox.WaitIdle()
}
