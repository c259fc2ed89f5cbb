package media

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/store"
)

// BenchmarkFetch is one download of a 200 KB photo, from the lookup on
// the fake Graph API (loopback) to the synced file and its record: the
// work a media worker does per file. B/op and allocs/op do not depend on
// the load of the machine; ns/op does, and includes the fsync.
func BenchmarkFetch(b *testing.B) {
	photo := make([]byte, 200<<10)
	copy(photo, "\xff\xd8\xff\xe0")
	for i := 4; i < len(photo); i++ {
		photo[i] = byte(i * 7)
	}
	for _, encrypted := range []bool{false, true} {
		b.Run(fmt.Sprintf("encrypted=%v", encrypted), func(b *testing.B) {
			var key []byte
			if encrypted {
				key = make([]byte, 32)
			}
			db, err := store.Open(store.Options{InMemory: true, MediaDir: b.TempDir(), EncryptionKey: key, Logger: zerolog.Nop()})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			graph := whatsapptest.NewServer(b)
			client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: graph.URL, AccessToken: testToken, Timeout: 10 * time.Second,
				HTTP: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}})
			f := &Fetcher{DB: db, Graph: client, Log: zerolog.Nop()}
			ctx := context.Background()
			for i := range b.N {
				id := fmt.Sprint(1_000_000 + i)
				graph.AddMedia(id, "image/jpeg", photo)
				err := db.Write(ctx, store.UserScope(user), func(w store.Writer) error {
					return store.PutMedia(ctx, w, store.MediaRecord{User: user, MediaID: id, Kind: "image", MimeType: "image/jpeg",
						At: time.Now(), State: store.MediaPending})
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(len(photo)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if err := f.Fetch(ctx, user, fmt.Sprint(1_000_000+i)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
