package broadcast

import (
	"context"
	"testing"
	"time"

	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// A person who asked for help is found by an export, forgotten by an
// erasure, and their location and description expire with retention; the
// counts stay.
func TestPersonRecordsExportEraseAndExpire(t *testing.T) {
	h := newHarness(t, hopts{engine: true})
	ids := h.contacts(2, "en")
	id := h.create(checkinSpec())
	h.waitState(id, StateSent)
	h.ingest(whatsapp.Message{From: ids[0], Type: "text", Text: "help"})
	h.ingest(whatsapp.Message{From: ids[0], Type: "location", Location: &whatsapp.Location{Latitude: 24.7, Longitude: 46.7}})
	h.ingest(whatsapp.Message{From: ids[0], Type: "text", Text: "water is rising"})

	var recs []PersonRecord
	ctx := context.Background()
	if err := h.db.Read(ctx, func(tx store.Reader) error {
		var err error
		recs, err = PersonRecords(ctx, tx, ids[0])
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Broadcast != id || recs[0].Engagement == nil || !recs[0].Engagement.HasLocation {
		t.Fatalf("export records = %+v", recs)
	}

	// Retention: answers given before the cutoff lose their details.
	n, err := SweepAnswers(h.db, time.Now().Add(time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("sweep changed %d answers (%v), want 1", n, err)
	}
	_, e := h.recipient(id, 1)
	if e.HasLocation || e.Lat != 0 || e.Description != "" || e.Answer != AnswerHelp {
		t.Fatalf("after the sweep: %+v", e)
	}

	// Erasure: the wa_id leaves every record; the counts stay.
	before := h.status(id)
	if err := h.db.WriteAny(ctx, func(tx store.Writer) error { _, err := ErasePerson(ctx, tx, ids[0]); return err }); err != nil {
		t.Fatal(err)
	}
	if err := h.db.Read(ctx, func(tx store.Reader) error {
		var err error
		recs, err = PersonRecords(ctx, tx, ids[0])
		return err
	}); err != nil || len(recs) != 0 {
		t.Fatalf("after erasure the person is still in %d records (%v)", len(recs), err)
	}
	if r, _ := h.recipient(id, 1); r.WaID != "" {
		t.Fatalf("recipient still names %q", r.WaID)
	}
	after := h.status(id)
	if *after.NeedHelp != *before.NeedHelp || after.Sent != before.Sent {
		t.Fatalf("counts changed by the erasure: need help %d -> %d, sent %d -> %d", *before.NeedHelp, *after.NeedHelp, before.Sent, after.Sent)
	}
}
