package privacy

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/broadcast"
	"lifeline/store"
	"lifeline/store/storetest"
)

// An erasure writes the person's records, each broadcast's and the
// totals in their own scopes, one after the other. Cut short after any
// step, as a crash would, the erasure is finished by the next retention
// sweep or by asking again, and it is counted in the totals once.
func TestErasureCutShortAfterAnyStepIsFinishedAndCountedOnce(t *testing.T) {
	const user = "15550007777"
	const messages = chunk + 20 // two transcript chunks
	for step := 1; step <= 6; step++ {
		for _, finish := range []string{"sweep", "ask again"} {
			t.Run(fmt.Sprintf("stopped after step %d, finished by %s", step, finish), func(t *testing.T) {
				ctx := context.Background()
				db, err := store.Open(store.Options{InMemory: true, MediaDir: t.TempDir(), Logger: zerolog.Nop()})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
				file := erasurePerson(t, db, user, messages, now)

				stopped := errors.New("stopped")
				_, err = erase(ctx, db, user, now, func(s int) error {
					if s == step {
						return stopped
					}
					return nil
				})
				if !errors.Is(err, stopped) {
					t.Fatalf("erase stopped after step %d: %v", step, err)
				}
				if inProgress(t, db) != 1 {
					t.Fatal("no erasure in progress after the cut")
				}

				switch finish {
				case "sweep":
					n, err := (&Sweeper{DB: db, Now: func() time.Time { return now }}).Sweep(ctx)
					if err != nil || n.Erasures != 1 {
						t.Fatalf("sweep: %+v %v, want one erasure finished", n, err)
					}
				case "ask again":
					n, err := ErasePerson(ctx, db, "+"+user, now)
					if err != nil {
						t.Fatal(err)
					}
					if n.Messages != messages || n.Contacts != 1 || n.Media != 1 {
						t.Errorf("the erasure asked again counts %+v, want the whole erasure's", n)
					}
				}

				if k := inProgress(t, db); k != 0 {
					t.Errorf("%d erasures still in progress", k)
				}
				tot, err := ErasureTotals(ctx, db)
				if err != nil {
					t.Fatal(err)
				}
				if tot != (store.ErasureTotals{Contacts: 1, Messages: messages}) {
					t.Errorf("totals %+v, want the erasure counted once", tot)
				}
				storetest.Read(t, db, func(ctx context.Context, r store.Reader) error {
					if _, err := store.GetContact(ctx, r, user); !errors.Is(err, store.ErrNotFound) {
						t.Errorf("contact: %v, want it gone", err)
					}
					if refs, err := broadcast.PersonBroadcasts(ctx, r, user); err != nil || len(refs) != 0 {
						t.Errorf("broadcasts still naming the person: %v %v", refs, err)
					}
					e, _, err := store.GetBroadcastEngagement[broadcast.Engagement](ctx, r, "b1", 1)
					if err != nil || e.Description != "" || e.Answer != "need_help" {
						t.Errorf("engagement %+v %v, want the answer without its details", e, err)
					}
					var left int
					err = store.EachTranscriptEntry(ctx, r, user, func(store.Entry) error { left++; return nil })
					if err != nil || left != 0 {
						t.Errorf("%d transcript entries left (%v)", left, err)
					}
					return nil
				})
				if _, err := os.Stat(file); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("the person's file: %v, want it removed", err)
				}
				// A second erasure finds nothing more and adds nothing.
				if _, err := ErasePerson(ctx, db, "+"+user, now); err != nil {
					t.Fatal(err)
				}
				if again, _ := ErasureTotals(ctx, db); again.Messages != messages || again.Contacts != 1 {
					t.Errorf("totals after erasing again %+v", again)
				}
			})
		}
	}
}

// erasurePerson stores a person with a contact, a transcript of n
// messages, a photo, and a broadcast answer with details; it returns the
// photo's path on disk.
func erasurePerson(t *testing.T, db *store.DB, user string, n int, now time.Time) string {
	t.Helper()
	name := "ab/photo1"
	if err := db.WriteMediaFile(name, []byte("photo")); err != nil {
		t.Fatal(err)
	}
	path, _ := db.MediaPath(name)
	storetest.Write(t, db, func(ctx context.Context, w store.Writer) error {
		if err := store.PutContact(ctx, w, store.Contact{WaID: user, Name: "Sam", OptedIn: true}); err != nil {
			return err
		}
		for i := range n {
			e := store.Entry{Dir: store.In, Author: "user", At: now, Type: "text", Text: fmt.Sprintf("words %d", i)}
			if _, err := store.AppendTranscript(ctx, w, user, &e); err != nil {
				return err
			}
		}
		if err := store.PutMedia(ctx, w, store.MediaRecord{User: user, MediaID: "photo1", Kind: "image", MimeType: "image/jpeg",
			At: now, State: store.MediaStored, Path: name}); err != nil {
			return err
		}
		if err := store.PutBroadcastRecipient(ctx, w, "b1", 1, broadcast.Recipient{WaID: user, State: "sent"}); err != nil {
			return err
		}
		return store.PutBroadcastEngagement(ctx, w, "b1", 1, &broadcast.Engagement{Answer: "need_help", Description: "roof gone", Lat: 1, Lng: 2, HasLocation: true})
	})
	return path
}

func inProgress(t *testing.T, db *store.DB) int {
	t.Helper()
	k := 0
	storetest.Read(t, db, func(ctx context.Context, r store.Reader) error {
		return store.EachErasing(ctx, r, func(string) error { k++; return nil })
	})
	return k
}
