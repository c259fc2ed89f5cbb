package privacy

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/store"
)

// Retention removes the files people sent with the texts of their time:
// record and file go, the transcript entry keeps that there was a photo.
func TestRetentionRemovesMediaWithTheTexts(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(store.Options{InMemory: true, MediaDir: t.TempDir(), Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	const user = "4915112345678"
	cases := []struct {
		id       string
		age      time.Duration
		wantKept bool
	}{
		{"old", 40 * 24 * time.Hour, false},
		{"recent", 2 * 24 * time.Hour, true},
	}
	paths := map[string]string{}
	for _, c := range cases {
		name := "ab/" + c.id
		if err := db.WriteMediaFile(name, []byte("photo "+c.id)); err != nil {
			t.Fatal(err)
		}
		p, _ := db.MediaPath(name)
		paths[c.id] = p
		at := now.Add(-c.age)
		if err := db.WriteAny(ctx, func(w store.Writer) error {
			e := store.Entry{Dir: store.In, Author: "user", At: at, Type: "image", Text: "caption " + c.id,
				Media: &store.EntryMedia{ID: c.id, MimeType: "image/jpeg", State: store.MediaStored}}
			seq, err := store.AppendTranscript(ctx, w, user, &e)
			if err != nil {
				return err
			}
			return store.PutMedia(ctx, w, store.MediaRecord{User: user, MediaID: c.id, TranscriptSeq: seq, Kind: "image",
				MimeType: "image/jpeg", At: at, State: store.MediaStored, Path: name})
		}); err != nil {
			t.Fatal(err)
		}
	}
	sw := &Sweeper{DB: db, Retention: Retention{Messages: 30 * 24 * time.Hour}, Now: func() time.Time { return now }}
	n, err := sw.Sweep(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n.Media != 1 {
		t.Errorf("swept %d media, want 1", n.Media)
	}
	var entries []store.Entry
	if err := db.Read(ctx, func(r store.Reader) error {
		return store.EachTranscriptEntry(ctx, r, user, func(e store.Entry) error { entries = append(entries, e); return nil })
	}); err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		_, statErr := os.Stat(paths[c.id])
		var recErr error
		_ = db.Read(ctx, func(r store.Reader) error { _, recErr = store.GetMedia(ctx, r, user, c.id); return nil })
		e := entries[i]
		if c.wantKept {
			if statErr != nil || recErr != nil || e.Media.State != store.MediaStored {
				t.Errorf("%s: file %v, record %v, entry %+v: want all kept", c.id, statErr, recErr, e.Media)
			}
			continue
		}
		if !errors.Is(statErr, fs.ErrNotExist) || !errors.Is(recErr, store.ErrNotFound) {
			t.Errorf("%s: file %v, record %v: want both gone", c.id, statErr, recErr)
		}
		if e.Media == nil || e.Media.State != store.MediaRemoved || e.Type != "image" || e.Text != "" {
			t.Errorf("%s: entry %+v media %+v: want the kind kept, the rest removed", c.id, e, e.Media)
		}
	}
}
