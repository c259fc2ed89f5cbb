package bot

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/media"
	"lifeline/store"
)

// BenchmarkWebhookAckMedia measures the acknowledgement of inbound photos
// (Ingest: the durable write the webhook answers after) with the engine
// processing them, side by side without and with the downloader fetching
// every photo (200 KB each, from a fake Graph API on loopback, stored on
// the same disk). Downloads run after the commit and give way while the
// inbound path has a backlog (Engine.Backlogged), so the two should
// match. After the timed part, every photo must be downloaded: the
// benchmark waits for that and reports how long it took ("drain-ms")
// and how many were done while messages still arrived ("during").
func BenchmarkWebhookAckMedia(b *testing.B) {
	photo := make([]byte, 200<<10)
	for i := range photo {
		photo[i] = byte(i * 7)
	}
	for _, downloads := range []bool{false, true} {
		name := "no downloads"
		if downloads {
			name = "downloads running"
		}
		b.Run(name, func(b *testing.B) {
			dir := b.TempDir()
			db, err := store.Open(store.Options{Dir: dir, Logger: zerolog.Nop()})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			graph := whatsapptest.NewServer(b)
			client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: graph.URL, AccessToken: testToken, Timeout: 10 * time.Second})
			opts := Options{DB: db, Sender: client, KB: stubKB{}, Logger: zerolog.Nop()}
			var fetched atomic.Int64
			all := make(chan struct{})
			var fetcher *media.Fetcher
			if downloads {
				fetcher = &media.Fetcher{DB: db, Graph: client, Log: zerolog.Nop(), Workers: 4,
					Settled: func(m store.MediaRecord) {
						if m.State != store.MediaStored {
							b.Errorf("photo %s not stored: %s %s", m.MediaID, m.State, m.Error)
						}
						if fetched.Add(1) == int64(b.N) {
							close(all)
						}
					}}
				opts.Media = fetcher
			}
			e := New(Config{Workers: 8, RatePerNumber: 1e6}, opts)
			if err := e.Start(); err != nil {
				b.Fatal(err)
			}
			defer e.Close()
			ctx, cancel := context.WithCancel(context.Background())
			stopped := make(chan struct{})
			if fetcher != nil {
				fetcher.Busy = e.Backlogged
				go func() { defer close(stopped); fetcher.Run(ctx) }()
			} else {
				close(stopped)
			}
			defer func() { cancel(); <-stopped }()
			for i := range b.N {
				graph.AddMedia(fmt.Sprint(1_000_000+i), "image/jpeg", photo)
			}
			var n atomic.Uint64
			b.SetParallelism(8)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1) - 1
					id := fmt.Sprint(1_000_000 + i)
					msg := whatsapp.Message{ID: fmt.Sprintf("wamid.img.%d", i), From: fmt.Sprintf("1555%07d", i%2000), Type: "image",
						Timestamp: time.Now(), Media: &whatsapp.Media{Kind: "image", ID: id, MimeType: "image/jpeg"}}
					if _, err := e.Ingest(&whatsapp.Batch{Messages: []whatsapp.Message{msg}}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.StopTimer()
			if fetcher == nil {
				return
			}
			during, stop := fetched.Load(), time.Now()
			select {
			case <-all:
			case <-time.After(5 * time.Minute):
				b.Fatalf("%d of %d photos downloaded 5 minutes after the last message", fetched.Load(), b.N)
			}
			b.ReportMetric(float64(during), "during")
			b.ReportMetric(float64(time.Since(stop).Milliseconds()), "drain-ms")
		})
	}
}
