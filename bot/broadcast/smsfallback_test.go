package broadcast

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"lifeline/bot/clocktest"
	"lifeline/bot/contacts"
	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/sms"
	"lifeline/sms/smstest"
	"lifeline/store"
)

func smsClient(t *testing.T, p *smstest.Provider) *sms.Client {
	t.Helper()
	c, err := sms.New(p.Config("https://lifeline.example.org"), sms.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func criticalWithSMS() Spec {
	sp := noticeSpec()
	sp.Critical = true
	sp.Templates["ar"] = tpl("port_notice", "ar")
	sp.FallbackLanguage = "en"
	sp.SMS = &SMSSpec{Texts: map[string]string{"en": "Port closed. Go to the north shelter.", "ar": "الميناء مغلق. اذهبوا إلى الملجأ الشمالي."},
		After: Duration(10 * time.Minute)}
	return sp
}

// recipientsCSV reads the broadcast's recipients.csv by wa_id.
func (h *harness) recipientsCSV(id string) map[string]map[string]string {
	h.t.Helper()
	var buf bytes.Buffer
	if err := h.svc.WriteRecipientsCSV(id, &buf); err != nil {
		h.t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	if err != nil {
		h.t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, col := range rows[0] {
			m[col] = r[i]
		}
		out[m["wa_id"]] = m
	}
	return out
}

// TestCriticalBroadcastFallsBackToSMS: WhatsApp answers 131026 for one
// person, another was already marked unreachable, a third is sent but
// not delivered within the broadcast's sms.after, a fourth is delivered,
// a fifth said STOP to SMS: the first three get the SMS in their
// language, nobody gets anything twice on the same channel, and
// recipients.csv and the figures show each one's channel.
func TestCriticalBroadcastFallsBackToSMS(t *testing.T) {
	clk := clocktest.New(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	prov := smstest.New()
	defer prov.Close()
	h := newHarness(t, hopts{engine: true, now: clk.Now, cfg: Config{PairGap: -1}, sms: smsClient(t, prov)})
	const (
		undeliverable = "966500000001" // 131026 at send
		marked        = "966500000002" // unreachable before the broadcast
		late          = "966500000003" // sent, never delivered
		delivered     = "966500000004"
		stopped       = "966500000005" // 131026, but opted out of SMS
	)
	for _, id := range []string{undeliverable, marked, late, delivered, stopped} {
		lang := "en"
		if id == undeliverable {
			lang = "ar"
		}
		h.contact(store.Contact{WaID: id, Language: lang, OptedIn: true})
	}
	ctx := context.Background()
	if err := h.db.WriteAny(ctx, func(tx store.Writer) error {
		if _, err := store.MarkUnreachable(tx, marked, store.CodeUndeliverable, clk.Now()); err != nil {
			return err
		}
		_, err := store.RecordConsent(ctx, tx, stopped, nil, store.ConsentEvent{Channel: store.ChannelSMS, At: clk.Now(), Source: store.SourceSMSKeyword, Wording: "STOP"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	h.graph.SetResponder(func(r whatsapptest.Request) whatsapptest.Response {
		if r.To == undeliverable || r.To == stopped {
			return whatsapptest.Response{Status: 400, Code: store.CodeUndeliverable}
		}
		return whatsapptest.Response{}
	})

	pv, err := h.svc.PreviewSpec(criticalWithSMS())
	if err != nil {
		t.Fatal(err)
	}
	if pv.SMS == nil || pv.SMS.EstimatedRecipients != 1 || len(pv.SMS.Texts) != 2 {
		t.Fatalf("preview sms = %+v, want two texts and the one known unreachable", pv.SMS)
	}
	for _, tx := range pv.SMS.Texts {
		if (tx.Language == "ar" && (tx.Encoding != sms.UCS2 || tx.Segments != 1)) || (tx.Language == "en" && (tx.Encoding != sms.GSM7 || !tx.Fallback)) {
			t.Errorf("preview text %+v", tx)
		}
	}

	id := h.create(criticalWithSMS())
	h.waitState(id, StateSent)
	eventually(t, 10*time.Second, "SMS to the 131026 and the unreachable", func() bool {
		return len(prov.To("+"+undeliverable)) == 1 && len(prov.To("+"+marked)) == 1
	})
	// The delivered one's status comes in; the late one's never does.
	seqOf := map[string]uint64{}
	for seq := uint64(1); seq <= 5; seq++ {
		r, _ := h.recipient(id, seq)
		seqOf[r.WaID] = seq
	}
	r, _ := h.recipient(id, seqOf[delivered])
	if _, err := h.engine.Ingest(&whatsapp.Batch{Statuses: []whatsapp.Status{{ID: r.WAMID, Status: "delivered", RecipientID: delivered,
		BizOpaqueCallbackData: callbackData(id, seqOf[delivered], 0), Timestamp: clk.Now()}}}); err != nil {
		t.Fatal(err)
	}
	h.engine.WaitIdle()
	if st := h.status(id); st.State != StateSent {
		t.Fatalf("state %s before sms.after has passed: the fallback still has to look at the late one", st.State)
	}
	if n := len(prov.To("+" + late)); n != 0 {
		t.Fatalf("the late one got %d SMS before sms.after", n)
	}
	clk.Add(11 * time.Minute)
	eventually(t, 10*time.Second, "SMS to the one not delivered in time", func() bool { return len(prov.To("+"+late)) == 1 })
	st := h.waitState(id, StateCompleted)

	if got := prov.To("+" + undeliverable); got[0].Body != criticalWithSMS().SMS.Texts["ar"] || got[0].StatusCallback != "https://lifeline.example.org/sms/status" {
		t.Errorf("SMS to the Arabic speaker: %+v", got[0])
	}
	if got := prov.To("+" + marked); got[0].Body != criticalWithSMS().SMS.Texts["en"] {
		t.Errorf("SMS to the unreachable: %q", got[0].Body)
	}
	for _, who := range []string{delivered, stopped} {
		if n := len(prov.To("+" + who)); n != 0 {
			t.Errorf("%s got %d SMS, want none", who, n)
		}
	}
	for who, n := range sendsTo(h.graph.Messages()) {
		if n > 1 {
			t.Errorf("%s got %d WhatsApp templates", who, n)
		}
	}
	if n := sendsTo(h.graph.Messages())[marked]; n != 0 {
		t.Errorf("the unreachable contact got %d WhatsApp templates", n)
	}
	if len(prov.Received()) != 3 {
		t.Errorf("the provider got %d messages, want 3", len(prov.Received()))
	}

	rows := h.recipientsCSV(id)
	want := map[string][2]string{ // channel, sms_state
		undeliverable: {"sms", "sent"}, marked: {"sms", "sent"}, late: {"sms", "sent"},
		delivered: {"whatsapp", ""}, stopped: {"none", "skipped"},
	}
	for who, w := range want {
		if got := rows[who]; got["channel"] != w[0] || got["sms_state"] != w[1] {
			t.Errorf("recipients.csv %s: channel %q sms_state %q (reason %q), want %s %s", who, got["channel"], got["sms_state"], got["sms_reason"], w[0], w[1])
		}
	}
	if rows[late]["sms_reason"] != smsWhyNoDelivery || !strings.HasPrefix(rows[late]["sms_sid"], "SM") || !strings.Contains(rows[stopped]["sms_reason"], "sms_opted_out") {
		t.Errorf("recipients.csv reasons: late %v, stopped %v", rows[late], rows[stopped])
	}
	if c := st.Channels; c == nil || c.WhatsApp != 1 || c.SMS != 3 || c.None != 1 || c.SMSSkipped["sms_opted_out"] != 1 {
		t.Errorf("channels = %+v", st.Channels)
	}
	if st.SkippedByReason[contacts.ExcludedUnreachable] != 1 {
		t.Errorf("skipped %v: the unreachable contact is enqueued and skipped by WhatsApp", st.SkippedByReason)
	}

	// A restart finds nothing to send again.
	h.svc.Close()
	h.svc = New(h.cfg, Options{DB: h.db, Sender: h.client, Logger: h.log, Now: h.now, Pacer: h.pacer, SMS: h.sms})
	if err := h.svc.Start(); err != nil {
		t.Fatal(err)
	}
	h.svc.tick()
	if len(prov.Received()) != 3 {
		t.Errorf("after a restart the provider got %d messages, want 3", len(prov.Received()))
	}
}

// TestSMSInFlightAtACrashIsNotSentAgain: the process dies while the
// provider takes the SMS; the next start records the outcome as unknown
// and sends nothing again.
func TestSMSInFlightAtACrashIsNotSentAgain(t *testing.T) {
	clk := clocktest.New(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	prov := smstest.New()
	defer prov.Close()
	h := newHarness(t, hopts{dir: t.TempDir(), now: clk.Now, cfg: Config{PairGap: -1}, sms: smsClient(t, prov)})
	who := h.contacts(1, "en")[0]
	h.graph.SetResponder(func(r whatsapptest.Request) whatsapptest.Response {
		return whatsapptest.Response{Status: 400, Code: store.CodeUndeliverable}
	})
	svc := h.svc
	prov.OnSend(func(smstest.Received) {
		svc.mu.Lock()
		svc.crashed = true // like kill -9 while the provider answers
		svc.mu.Unlock()
	})
	id := h.create(criticalWithSMS())
	eventually(t, 10*time.Second, "the SMS posted", func() bool { return len(prov.Received()) == 1 })
	svc.Close()
	prov.OnSend(nil)
	h.svc = nil
	h.db.Close()
	h.open(false)
	eventually(t, 10*time.Second, "the broadcast completed after the restart", func() bool { return h.status(id).State == StateCompleted })
	if n := len(prov.To("+" + who)); n != 1 {
		t.Fatalf("the person got %d SMS, want 1", n)
	}
	if row := h.recipientsCSV(id)[who]; row["sms_state"] != smsUnknown || row["channel"] != "none" {
		t.Fatalf("recipients.csv: %v", row)
	}
}

// TestACrashBetweenTheSMSOutcomeStepsKeepsTheOptOut: the provider refuses
// the SMS because the person opted out (21610), and the process stops
// between the outcome's two writes. The person's opt-out, written first,
// is kept; the SMS record, still "sending", becomes "unknown" and nothing
// is sent again.
func TestACrashBetweenTheSMSOutcomeStepsKeepsTheOptOut(t *testing.T) {
	clk := clocktest.New(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	prov := smstest.New()
	defer prov.Close()
	h := newHarness(t, hopts{now: clk.Now, cfg: Config{PairGap: -1}, sms: smsClient(t, prov)})
	who := h.contacts(1, "en")[0]
	h.graph.SetResponder(func(r whatsapptest.Request) whatsapptest.Response {
		return whatsapptest.Response{Status: 400, Code: store.CodeUndeliverable}
	})
	prov.FailTo("+"+who, 21610)
	var faults atomic.Int32
	h.svc.smsOutcomeFault = func(string) error {
		faults.Add(1)
		return errors.New("crash between the SMS outcome's steps")
	}
	id := h.create(criticalWithSMS())
	eventually(t, 10*time.Second, "the broadcast completed", func() bool { return h.status(id).State == StateCompleted })
	// Each provider call reaches the fault: one call, never sent again.
	if n := faults.Load(); n != 1 {
		t.Errorf("the SMS was sent %d times, want once", n)
	}
	if row := h.recipientsCSV(id)[who]; row["sms_state"] != smsUnknown {
		t.Errorf("recipients.csv: sms_state %q, want %q", row["sms_state"], smsUnknown)
	}
	var log []store.ConsentEvent
	ctx := context.Background()
	if err := h.db.Read(ctx, func(tx store.Reader) (err error) {
		log, err = store.ConsentLog(ctx, tx, who)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	optedOut := false
	for _, ev := range log {
		if ev.Channel == store.ChannelSMS && !ev.OptIn && ev.Source == store.SourceProvider {
			optedOut = true
		}
	}
	if !optedOut {
		t.Errorf("consent log %+v: the provider's opt-out was lost", log)
	}
}

// TestLate131026StartsTheSMSFallbackAtOnce: WhatsApp accepts the message,
// the send is recorded, and only then a status says 131026. The fallback
// sends the SMS at once, on the service's clock unchanged: not at its
// next planned look (a critical broadcast's sms.after, a check-in's
// reminder round), nor never (a check-in's pass had settled).
func TestLate131026StartsTheSMSFallbackAtOnce(t *testing.T) {
	checkin := checkinSpec()
	checkin.Reminders = &Reminders{Every: Duration(time.Hour), Count: 1}
	checkin.SMS = &SMSSpec{Texts: map[string]string{"en": "Are you safe? Answer SAFE or HELP."}}
	cases := []struct {
		label string
		spec  Spec
	}{
		{"critical broadcast before sms.after", criticalWithSMS()},
		{"check-in waiting for its reminder", checkin},
	}
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			clk := clocktest.New(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
			prov := smstest.New()
			defer prov.Close()
			h := newHarness(t, hopts{engine: true, now: clk.Now, cfg: Config{PairGap: -1}, sms: smsClient(t, prov)})
			people := h.contacts(2, "en")
			id := h.create(tc.spec)
			h.waitState(id, StateSent)
			eventually(t, 10*time.Second, "the fallback's first pass", func() bool {
				h.svc.mu.Lock()
				defer h.svc.mu.Unlock()
				st := h.svc.smsStates[id]
				return st != nil && st.ran && !st.running
			})
			r, _ := h.recipient(id, 1)
			if r.State != recSent || r.WAMID == "" {
				t.Fatalf("recipient 1 %+v, want sent", r)
			}
			h.status131026(whatsapp.Status{ID: r.WAMID, Status: "failed", RecipientID: r.WaID,
				BizOpaqueCallbackData: callbackData(id, 1, 0), Timestamp: clk.Now()})
			eventually(t, 10*time.Second, "the SMS to the one WhatsApp could not reach", func() bool {
				return len(prov.To("+"+r.WaID)) == 1
			})
			for _, who := range people {
				if who != r.WaID && len(prov.To("+"+who)) != 0 {
					t.Errorf("%s, accepted and not failed, got an SMS", who)
				}
			}
		})
	}
}
