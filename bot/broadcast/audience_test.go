package broadcast

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"lifeline/bot/clocktest"
	"lifeline/bot/contacts"
	"lifeline/store"
)

// Who a broadcast reaches must be said: an empty audience, a selector that
// matches nobody, or "all" beside a selector is refused, and nothing is sent.
func TestAudienceMustBeSaid(t *testing.T) {
	h := newHarness(t, hopts{})
	h.contacts(3, "en")
	for _, tc := range []struct {
		label    string
		audience contacts.Audience
		want     error
		says     string
	}{
		{"no selector is nobody, not everyone", contacts.Audience{}, ErrInvalid, `"all": true`},
		{"all beside a selector", contacts.Audience{All: true, TagsAny: []string{"employees"}}, ErrInvalid, `"all": true selects every contact`},
		{"a tag nobody has", contacts.Audience{TagsAny: []string{"t1"}}, ErrEmptyAudience, "matches no contact"},
		{"a region nobody is in", contacts.Audience{Regions: []string{"atlantis"}}, ErrEmptyAudience, "matches no contact"},
	} {
		t.Run(tc.label, func(t *testing.T) {
			sp := noticeSpec()
			sp.Audience = tc.audience
			_, err := h.svc.Create(sp, "test", "")
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("error %v, want %v saying %q", err, tc.want, tc.says)
			}
		})
	}
	bs, err := h.svc.List(10)
	if err != nil || len(bs) != 0 {
		t.Fatalf("refused broadcasts were stored: %d, %v", len(bs), err)
	}
	if n := len(h.graph.Messages()); n != 0 {
		t.Fatalf("%d messages sent", n)
	}
}

// A scheduled broadcast whose audience has emptied by its start time is
// cancelled with an alert, never reported as sent.
func TestBroadcastToNobodyIsNotMarkedSent(t *testing.T) {
	clk := clocktest.New(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	h := newHarness(t, hopts{now: clk.Now})
	ids := h.contacts(1, "en")
	sp := noticeSpec()
	sp.StartAt = clk.Now().Add(time.Hour)
	id := h.create(sp)
	h.contact(store.Contact{WaID: ids[0], OptedIn: true, OptedOut: true})
	clk.Add(time.Hour + time.Second)
	st := h.waitState(id, StateCancelled, StateSent, StateCompleted)
	if st.State != StateCancelled || !st.SentAt.IsZero() {
		t.Fatalf("state %s sent_at %v: a broadcast to nobody must be cancelled, not sent", st.State, st.SentAt)
	}
	b, err := h.svc.Get(id)
	if err != nil || len(b.Alerts) == 0 || !strings.Contains(b.Alerts[0].Message, "matches no contact") {
		t.Fatalf("no alert says why: %+v %v", b, err)
	}
}

// Consent is the default: a broadcast reaches only contacts who opted in,
// and only a critical one with a stated reason reaches the others; the
// reason is in the audit log.
func TestConsentIsTheDefault(t *testing.T) {
	h := newHarness(t, hopts{cfg: Config{PairGap: -1}})
	h.contact(store.Contact{WaID: "966500000001", Language: "en", OptedIn: true})
	h.contact(store.Contact{WaID: "966500000002", Language: "en"})
	h.contact(store.Contact{WaID: "966500000003", Language: "en"})

	for _, tc := range []struct {
		label    string
		critical bool
		reason   string
		targeted int64
		notOpted int64
	}{
		{"a notice goes to opted-in contacts only", false, "", 1, 2},
		{"critical without a reason still needs opt-in", true, "", 1, 2},
		{"critical with a reason reaches everyone", true, "dam breach: evacuate zone B now", 3, 0},
	} {
		t.Run(tc.label, func(t *testing.T) {
			sp := noticeSpec()
			sp.Critical, sp.ConsentOverrideReason = tc.critical, tc.reason
			id := h.create(sp)
			st := h.waitState(id, StateCompleted)
			if st.Targeted != tc.targeted || st.Excluded[contacts.ExcludedNotOptedIn] != tc.notOpted {
				t.Fatalf("targeted %d excluded %v, want %d and not_opted_in %d", st.Targeted, st.Excluded, tc.targeted, tc.notOpted)
			}
		})
	}
	sp := noticeSpec()
	sp.ConsentOverrideReason = "we think they would want it"
	if _, err := h.svc.Create(sp, "test", ""); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "only a critical broadcast") {
		t.Fatalf("a non-critical consent override: %v", err)
	}
	var audit []string
	ctx := context.Background()
	err := h.db.Read(ctx, func(tx store.Reader) error {
		entries, _, err := store.ListAudit(ctx, tx, store.AuditFilter{}, 0)
		for _, e := range entries {
			audit = append(audit, e.Detail)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if joined := strings.Join(audit, "\n"); !strings.Contains(joined, "dam breach: evacuate zone B now") || !strings.Contains(joined, "did not opt in") {
		t.Fatalf("the consent override and its reason are not in the audit log:\n%s", joined)
	}
}
