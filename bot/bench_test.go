package bot

import (
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
