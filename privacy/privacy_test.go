package privacy

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/handoffs"
	"lifeline/flows"
	"lifeline/store"
	"lifeline/store/storetest"
)

func openDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestRetentionRemovesExpiredTextsAndLocationsAndKeepsCounts(t *testing.T) {
	db := openDB(t)
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	const user = "15550001234"
	old, mid, fresh := now.Add(-100*24*time.Hour), now.Add(-40*24*time.Hour), now.Add(-time.Hour)
	entries := []store.Entry{
		{Seq: 1, Dir: store.In, At: old, Type: "text", Text: "old secret words"},
		{Seq: 2, Dir: store.Out, At: old, Type: "text", Text: "old reply", Status: store.StatusRead, Payload: []byte(`{"text":"old reply"}`)},
		{Seq: 3, Dir: store.In, At: mid, Type: "location", Text: "Elm Street", Lat: 51.5, Lng: -0.1},
		{Seq: 4, Dir: store.In, At: mid, Type: "text", Text: "recent enough words"},
		{Seq: 5, Dir: store.In, At: fresh, Type: "location", Text: "Oak Road", Lat: 1, Lng: 2},
	}
	storetest.Write(t, db, func(ctx context.Context, w store.Writer) error {
		for _, e := range entries {
			if err := store.PutTranscriptEntry(ctx, w, user, e); err != nil {
				return err
			}
		}
		if err := store.ArchiveHandoff(ctx, w, user, old, handoffs.Handoff{ID: user, User: user, Status: handoffs.Closed,
			FirstMessage: "old secret words", Notes: []handoffs.Note{{Text: "note about them"}}, ClosedAt: old, CreatedAt: old}); err != nil {
			return err
		}
		if err := store.PutHandoff(ctx, w, user, handoffs.Handoff{ID: user, User: user, Status: handoffs.Waiting, FirstMessage: "help now", CreatedAt: fresh}); err != nil {
			return err
		}
		return store.PutSession(ctx, w, user, flows.Session{State: "idle", LastQuery: "old secret words", LastActivityAt: old})
	})

	checkins := time.Time{}
	s := &Sweeper{DB: db, Retention: Retention{Messages: 90 * 24 * time.Hour, Locations: 30 * 24 * time.Hour, CheckIns: 90 * 24 * time.Hour},
		Log: zerolog.Nop(), Now: func() time.Time { return now },
		CheckIns: func(before time.Time) (int, error) { checkins = before; return 0, nil }}
	n, err := s.Sweep(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n.Texts != 2 || n.Locations != 1 || n.Handoffs != 1 || n.Sessions != 1 {
		t.Errorf("swept %+v, want 2 texts, 1 location, 1 handoff, 1 session", n)
	}
	if !checkins.Equal(now.Add(-90 * 24 * time.Hour)) {
		t.Errorf("check-in hook got cutoff %v", checkins)
	}
	var got []store.Entry
	storetest.Read(t, db, func(ctx context.Context, r store.Reader) error {
		return store.EachTranscriptEntry(ctx, r, user, func(e store.Entry) error { got = append(got, e); return nil })
	})
	if len(got) != 5 {
		t.Fatalf("%d entries left, want all 5 (counts stay)", len(got))
	}
	if got[0].Text != "" || !got[0].Redacted || got[1].Payload != nil || got[1].Status != store.StatusRead {
		t.Errorf("old entries: %+v %+v", got[0], got[1])
	}
	if got[2].Lat != 0 || got[2].Text != "" || !got[2].Redacted {
		t.Errorf("expired location kept: %+v", got[2])
	}
	if got[3].Text != "recent enough words" || got[4].Lat != 1 || got[4].Text != "Oak Road" {
		t.Errorf("data within retention was removed: %+v %+v", got[3], got[4])
	}
	// Nothing of the expired words is left anywhere; the open handoff keeps its words.
	for _, rec := range storetest.Records(t, db) {
		v := rec.Value
		if bytes.Contains(v, []byte("old secret")) || bytes.Contains(v, []byte("note about")) || bytes.Contains(v, []byte("Elm Street")) {
			t.Errorf("%s %s %q still holds expired text: %s", rec.Kind, rec.Doc, rec.ID, v)
		}
	}
	var open handoffs.Handoff
	storetest.Read(t, db, func(ctx context.Context, r store.Reader) error {
		var err error
		open, err = store.GetHandoff[handoffs.Handoff](ctx, r, user)
		return err
	})
	if open.FirstMessage != "help now" {
		t.Error("an open handoff lost its words")
	}

	// A second sweep finds nothing more; zero retention keeps everything.
	if n, _ := s.Sweep(context.Background()); n != (Swept{}) {
		t.Errorf("second sweep removed %+v", n)
	}
	forever := &Sweeper{DB: db, Now: func() time.Time { return now.Add(1000 * 24 * time.Hour) }}
	if n, _ := forever.Sweep(context.Background()); n != (Swept{}) {
		t.Errorf("zero retention removed %+v", n)
	}
}

func TestEraseKeepsOptOutAndCountsOnly(t *testing.T) {
	db := openDB(t)
	now := time.Now()
	const user = "15550004321"
	storetest.Write(t, db, func(ctx context.Context, w store.Writer) error {
		if err := store.PutContact(ctx, w, store.Contact{WaID: user, Name: "Sam", OptedOut: true, OptOutAt: now, Fields: map[string]string{"street": "Elm"}}); err != nil {
			return err
		}
		return store.PutSentRef(ctx, w, "wamid.xa", store.SentRef{User: user, Seq: 1})
	})
	for i := uint64(1); i <= 1200; i++ { // more than one chunk
		storetest.Write(t, db, func(ctx context.Context, w store.Writer) error {
			return store.PutTranscriptEntry(ctx, w, user, store.Entry{Seq: i, Dir: store.Out, Text: "words", MessageID: "wamid.x" + string(rune('a'+i%26))})
		})
	}
	n, err := ErasePerson(context.Background(), db, "+"+user, now)
	if err != nil {
		t.Fatal(err)
	}
	if n.Messages != 1200 || n.Contacts != 1 || !n.KeptOptOut {
		t.Errorf("erased %+v", n)
	}
	var c store.Contact
	var refErr error
	storetest.Read(t, db, func(ctx context.Context, r store.Reader) error {
		var err error
		c, err = store.GetContact(ctx, r, user)
		_, refErr = store.GetSentRef(ctx, r, "wamid.xa")
		return err
	})
	if !c.OptedOut || c.Name != "" || c.Fields != nil {
		t.Errorf("contact after erase: %+v", c)
	}
	if !errors.Is(refErr, store.ErrNotFound) {
		t.Errorf("sent reference after erase: %v, want it gone", refErr)
	}
	tot, _ := ErasureTotals(context.Background(), db)
	if tot.Messages != 1200 || tot.Contacts != 1 {
		t.Errorf("totals %+v", tot)
	}
	if _, err := ExportPerson(context.Background(), db, user, now); err != nil {
		t.Errorf("export of the bare opt-out record: %v", err)
	}
	if _, err := ExportPerson(context.Background(), db, "15559999999", now); err != ErrNoSuchPerson {
		t.Errorf("export of a stranger: %v", err)
	}
}
