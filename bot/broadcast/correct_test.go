package broadcast

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"lifeline/bot/contacts"
	"lifeline/store"
)

// reachedCases are the recipients of a sent broadcast, each with what its
// records say and whether a correction of the broadcast reaches them.
var reachedCases = []struct {
	label   string
	rec     Recipient
	eng     Engagement
	sms     *SMSRecord
	reached bool
}{
	{"accepted by WhatsApp, no status yet", Recipient{State: recSent, SentAt: t0}, Engagement{}, nil, true},
	{"delivered", Recipient{State: recSent, SentAt: t0}, Engagement{Delivery: store.StatusDelivered, DeliveredAt: t0}, nil, true},
	{"read", Recipient{State: recSent, SentAt: t0}, Engagement{Delivery: store.StatusRead, ReadAt: t0}, nil, true},
	{"answered", Recipient{State: recSent, SentAt: t0}, Engagement{Delivery: store.StatusRead, Replied: true, Answer: AnswerSafe}, nil, true},
	{"a reminder failed after the first message was delivered", Recipient{State: recFailed, Round: 1, SentAt: t0}, Engagement{Delivery: store.StatusDelivered}, nil, true},
	{"in flight at a crash, a status proves it went out", Recipient{State: recSending}, Engagement{WAMID: "wamid.proof", Delivery: store.StatusSent}, nil, true},
	{"WhatsApp cannot reach them, the SMS fallback did", Recipient{State: recFailed, Code: 131026}, Engagement{}, &SMSRecord{State: smsSent, SID: "SM1"}, true},
	{"accepted, then a failed status", Recipient{State: recSent, SentAt: t0}, Engagement{Delivery: store.StatusFailed, FailCode: 131049}, nil, false},
	{"failed at send", Recipient{State: recFailed, Code: 131026}, Engagement{}, nil, false},
	{"failed at send, the SMS failed too", Recipient{State: recFailed, Code: 131026}, Engagement{}, &SMSRecord{State: smsFailed}, false},
	{"skipped by the frequency cap", Recipient{State: recSkipped, Reason: skipFrequencyCap}, Engagement{}, nil, false},
	{"never sent (pending when it was cancelled)", Recipient{State: recPending}, Engagement{}, nil, false},
}

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// storeSent stores a completed broadcast whose recipients are cases,
// each a contact 96650000001x.
func storeSent(t *testing.T, h *harness, id string) (want []string) {
	t.Helper()
	ctx := context.Background()
	for i, c := range reachedCases {
		waID := fmt.Sprintf("9665000%05d", i+1)
		h.contact(store.Contact{WaID: waID, Name: c.label, Language: "en", OptedIn: true})
		if c.reached {
			want = append(want, waID)
		}
	}
	b := &Broadcast{ID: id, Spec: noticeSpec(), State: StateCompleted, CreatedAt: t0, StartedAt: t0, SentAt: t0, CompletedAt: t0,
		Enqueued: true, Targeted: int64(len(reachedCases))}
	b.Spec.Incident = ""
	err := h.db.WriteAny(ctx, func(tx store.Writer) error {
		if err := store.PutBroadcast(ctx, tx, id, b); err != nil {
			return err
		}
		for i, c := range reachedCases {
			seq := uint64(i + 1)
			r := c.rec
			r.WaID = fmt.Sprintf("9665000%05d", i+1)
			if err := store.PutBroadcastRecipient(ctx, tx, id, seq, &r); err != nil {
				return err
			}
			e := c.eng
			if err := store.PutBroadcastEngagement(ctx, tx, id, seq, &e); err != nil {
				return err
			}
			if c.sms != nil {
				if err := store.PutBroadcastSMS(ctx, tx, id, seq, c.sms); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return want
}

func TestReachedIsWhoTheBroadcastGotTo(t *testing.T) {
	h := newHarness(t, hopts{})
	want := storeSent(t, h, "bc000900")
	got, err := h.svc.Reached("bc000900")
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range reachedCases {
		waID := fmt.Sprintf("9665000%05d", i+1)
		if slices.Contains(got, waID) != c.reached {
			t.Errorf("%s: reached = %v, want %v", c.label, !c.reached, c.reached)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("Reached = %v, want %v", got, want)
	}
}

func TestCorrectionGoesToThePeopleTheOriginalReached(t *testing.T) {
	h := newHarness(t, hopts{})
	want := storeSent(t, h, "bc000900")
	// Someone the original never reached is tagged like the others: the
	// correction still leaves them out.
	h.contact(store.Contact{WaID: "966509999999", Name: "never reached", Language: "en", OptedIn: true})
	sp := Spec{Name: "correction: the shelter is at the north school", Kind: KindNotice, CorrectionOf: "bc000900",
		Templates: map[string]Template{"en": tpl("port_notice", "en_US")}}
	pv, err := h.svc.PreviewSpec(sp)
	if err != nil {
		t.Fatal(err)
	}
	if pv.Targeted != int64(len(want)) || pv.CorrectionOf != "bc000900" {
		t.Errorf("preview targets %d (correction_of %q), want %d", pv.Targeted, pv.CorrectionOf, len(want))
	}
	b, err := h.svc.CreateBy(sp, Actor{ID: "nadia", Name: "Nadia", Role: "admin"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(b.Spec.Audience.WaIDs, want) || b.Spec.CorrectionOf != "bc000900" || !b.Spec.Audience.OptedInOnly {
		t.Errorf("the correction's audience is %+v, want the %d people reached, opted in only", b.Spec.Audience, len(want))
	}
	st := h.waitState(b.ID, StateSent, StateCompleted)
	if st.Targeted != int64(len(want)) || st.CorrectionOf != "bc000900" {
		t.Errorf("correction status: targeted %d, correction_of %q; want %d", st.Targeted, st.CorrectionOf, len(want))
	}
}

func TestCorrectionRefusals(t *testing.T) {
	h := newHarness(t, hopts{})
	storeSent(t, h, "bc000900")
	h.contacts(2, "en")
	scheduled := noticeSpec()
	scheduled.StartAt = time.Now().Add(time.Hour)
	later := h.create(scheduled)
	correction := func(of string, edit func(*Spec)) Spec {
		sp := Spec{Name: "correction", Kind: KindNotice, CorrectionOf: of, Templates: map[string]Template{"en": tpl("port_notice", "en_US")}}
		if edit != nil {
			edit(&sp)
		}
		return sp
	}
	cases := []struct {
		label string
		spec  Spec
		want  error
	}{
		{"an unknown broadcast", correction("bc999999", nil), ErrNotFound},
		{"a broadcast not sent yet", correction(later, nil), ErrState},
		{"an audience of its own", correction("bc000900", func(sp *Spec) { sp.Audience = contacts.Audience{All: true} }), ErrInvalid},
		{"another incident", correction("bc000900", func(sp *Spec) { sp.Incident = "inc000001" }), ErrInvalid},
	}
	for _, c := range cases {
		_, err := h.svc.CreateBy(c.spec, Actor{ID: "nadia"}, "")
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.label, err, c.want)
		}
		if _, err := h.svc.PreviewSpec(c.spec); !errors.Is(err, c.want) {
			t.Errorf("%s (preview): err = %v, want %v", c.label, err, c.want)
		}
	}
}
