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
	err := db.Write(ctx, func(w store.Writer) error {
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
