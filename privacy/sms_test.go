package privacy

import (
	"context"
	"testing"
	"time"

	"lifeline/store"
)

// Erasure removes what the SMS record says about a person (the wording of
// their STOP, a number error) but keeps a bare opt-out, so that no
// fallback SMS reaches someone who said STOP and then asked to be erased.
func TestErasureKeepsOnlyABareSMSOptOut(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	const stopped, failed = "966500000001", "966500000002"
	err := db.WriteAny(ctx, func(w store.Writer) error {
		if _, err := store.RecordConsent(ctx, w, stopped, nil, store.ConsentEvent{Channel: store.ChannelSMS, At: now, Source: store.SourceSMSKeyword, Wording: "STOP please"}); err != nil {
			return err
		}
		return store.MarkSMSFailed(ctx, w, failed, 21614, now)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		user     string
		keptStop bool
	}{{stopped, true}, {failed, false}} {
		n, err := ErasePerson(ctx, db, "+"+c.user, now.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if n.KeptOptOut != c.keptStop {
			t.Errorf("%s: kept opt-out %v, want %v", c.user, n.KeptOptOut, c.keptStop)
		}
		var got store.SMSContact
		if err := db.Read(ctx, func(r store.Reader) (err error) { got, err = store.GetSMSContact(ctx, r, c.user); return err }); err != nil {
			t.Fatal(err)
		}
		want := store.SMSContact{}
		if c.keptStop {
			want = store.SMSContact{OptedOut: true, OptOutAt: now}
		}
		if got != want {
			t.Errorf("%s: SMS record after erasure %+v, want %+v", c.user, got, want)
		}
	}
}

// The SMS records of a person's messages (sid, status, broadcast) are
// listed in their export with their SMS record and consent log, and
// removed by erasure; another person's are left alone. The consent log
// keeps only the opt-out, without its wording.
func TestSMSRecordsInExportAndErasure(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	const person, other = "966500000011", "966500000012"
	err := db.WriteAny(ctx, func(w store.Writer) error {
		for _, m := range []store.SMSMessage{
			{SID: "SMa1", User: person, Broadcast: "bc000001", Seq: 1, Status: "delivered", UpdatedAt: now},
			{SID: "SMa2", User: person, Inbound: true, Status: "received", UpdatedAt: now},
			{SID: "SMb1", User: other, Broadcast: "bc000001", Seq: 2, Status: "sent", UpdatedAt: now},
		} {
			if err := store.PutSMSMessage(ctx, w, m); err != nil {
				return err
			}
		}
		_, err := store.RecordConsent(ctx, w, person, nil, store.ConsentEvent{Channel: store.ChannelSMS, At: now, Source: store.SourceSMSKeyword, Wording: "STOP now"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	x, err := ExportPerson(ctx, db, person, now)
	if err != nil {
		t.Fatal(err)
	}
	sids := map[string]string{}
	for _, m := range x.SMSMessages {
		sids[m.SID] = m.Status
	}
	if len(sids) != 2 || sids["SMa1"] != "delivered" || sids["SMa2"] != "received" {
		t.Errorf("export lists SMS %v, want SMa1 delivered and SMa2 received", sids)
	}
	if x.SMS == nil || !x.SMS.OptedOut || len(x.Consent) != 1 || x.Consent[0].Wording != "STOP now" {
		t.Errorf("export SMS record %+v, consent %+v", x.SMS, x.Consent)
	}
	n, err := ErasePerson(ctx, db, person, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if n.SMS != 2 {
		t.Errorf("erasure removed %d SMS records, want 2", n.SMS)
	}
	err = db.Read(ctx, func(r store.Reader) error {
		for sid, want := range map[string]bool{"SMa1": false, "SMa2": false, "SMb1": true} {
			if _, found, err := store.GetSMSMessage(ctx, r, sid); err != nil || found != want {
				t.Errorf("%s after erasure: found %v (%v), want %v", sid, found, err, want)
			}
		}
		log, err := store.ConsentLog(ctx, r, person)
		if len(log) != 1 || log[0].OptIn || log[0].Wording != "" || !log[0].At.Equal(now) {
			t.Errorf("consent log after erasure %+v, want the bare opt-out", log)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
