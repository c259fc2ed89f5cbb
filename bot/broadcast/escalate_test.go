package broadcast

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"lifeline/bot/clocktest"
	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/sms/smstest"
	"lifeline/store"
)

// TestUnaccountedEscalateByWebhookAndSMS: a check-in asking for both
// escalations, to four people: one answers at once, one after the
// reminder, one never, and WhatsApp cannot reach the fourth (131026, so
// the SMS fallback reaches him at once). Once the last reminder has had
// its time, the one who never answered gets the check-in's SMS, nobody
// else gets a second one, and the integration webhook receives one
// checkin.unaccounted event listing exactly the two unaccounted.
func TestUnaccountedEscalateByWebhookAndSMS(t *testing.T) {
	var mu sync.Mutex
	var events []Event
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !ValidSignature(body, r.Header.Get(SignatureHeader), "escalation-secret-0123456789") {
			t.Errorf("event with a bad signature")
		}
		var ev Event
		if err := jsonUnmarshal(body, &ev); err != nil {
			t.Error(err)
		}
		mu.Lock()
		events = append(events, ev)
		mu.Unlock()
	}))
	defer hook.Close()
	unaccountedEvents := func() []Event {
		mu.Lock()
		defer mu.Unlock()
		var out []Event
		for _, e := range events {
			if e.Type == EventUnaccounted {
				out = append(out, e)
			}
		}
		return out
	}
	clk := clocktest.New(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	prov := smstest.New()
	defer prov.Close()
	h := newHarness(t, hopts{engine: true, now: clk.Now, sms: smsClient(t, prov),
		cfg: Config{PairGap: -1, WebhookURLs: []string{hook.URL}, WebhookSecret: "escalation-secret-0123456789"}})
	const (
		first = "966500000001" // answers at once
		later = "966500000002" // answers after the reminder
		never = "966500000003" // never answers
		gone  = "966500000004" // WhatsApp answers 131026
	)
	for _, id := range []string{first, later, never, gone} {
		h.contact(store.Contact{WaID: id, Language: "en", OptedIn: true})
	}
	h.graph.SetResponder(func(r whatsapptest.Request) whatsapptest.Response {
		if r.To == gone {
			return whatsapptest.Response{Status: 400, Code: store.CodeUndeliverable}
		}
		return whatsapptest.Response{}
	})
	const text = "Are you safe? Reply SAFE or call 800 123."
	sp := checkinSpec()
	sp.Reminders = &Reminders{Every: Duration(30 * time.Minute), Count: 1}
	sp.SMS = &SMSSpec{Texts: map[string]string{"en": text}}
	sp.Unaccounted = &UnaccountedPolicy{Webhook: true, SMS: true}
	id := h.create(sp)
	h.waitState(id, StateSent)
	eventually(t, 10*time.Second, "the SMS fallback for the one WhatsApp cannot reach", func() bool { return len(prov.To("+"+gone)) == 1 })
	h.ingest(whatsapp.Message{From: first, Type: "text", Text: "safe"})

	clk.Add(31 * time.Minute)
	eventually(t, 10*time.Second, "the reminder", func() bool { return sendsTo(h.graph.Messages())[never] == 2 })
	if n := len(prov.To("+" + never)); n != 0 {
		t.Fatalf("the SMS of the unaccounted went before the last reminder had its time (%d)", n)
	}
	h.ingest(whatsapp.Message{From: later, Type: "text", Text: "safe"})

	clk.Add(31 * time.Minute)
	h.waitState(id, StateCompleted)
	if got := prov.To("+" + never); len(got) != 1 || got[0].Body != text {
		t.Fatalf("SMS to the one who never answered: %+v", got)
	}
	for who, want := range map[string]int{first: 0, later: 0, gone: 1} {
		if n := len(prov.To("+" + who)); n != want {
			t.Errorf("%s got %d SMS, want %d", who, n, want)
		}
	}
	if rows := h.recipientsCSV(id); rows[never]["sms_reason"] != smsWhyUnaccounted || rows[gone]["sms_reason"] != smsWhy131026 {
		t.Errorf("sms reasons: never %v, gone %v", rows[never], rows[gone])
	}
	eventually(t, 10*time.Second, "the checkin.unaccounted event", func() bool {
		clk.Add(time.Second)
		return len(unaccountedEvents()) > 0
	})
	ev := unaccountedEvents()[0]
	slices.Sort(ev.Contacts)
	if ev.Broadcast != id || ev.Unaccounted != 2 || !slices.Equal(ev.Contacts, []string{never, gone}) {
		t.Errorf("checkin.unaccounted event %+v, want the two unaccounted", ev)
	}
}

// TestUnaccountedEscalationNeedsItsMeans: an SMS escalation without the
// SMS texts, and a webhook one without a webhook, are refused naming the
// fix, and nothing is stored.
func TestUnaccountedEscalationNeedsItsMeans(t *testing.T) {
	h := newHarness(t, hopts{})
	h.contacts(1, "en")
	cases := []struct {
		label  string
		policy UnaccountedPolicy
		want   string
	}{
		{"sms without texts", UnaccountedPolicy{SMS: true}, `unaccounted.sms: give "sms" with the texts`},
		{"webhook without a webhook", UnaccountedPolicy{Webhook: true}, "unaccounted.webhook: no integration webhook is configured: set LIFELINE_WEBHOOK_URLS"},
	}
	for _, c := range cases {
		sp := checkinSpec()
		sp.Unaccounted = &c.policy
		_, err := h.svc.Create(sp, "test", "")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.label, err, c.want)
		}
	}
	if bs, _ := h.svc.List(10); len(bs) != 0 {
		t.Errorf("refused check-ins were stored: %d", len(bs))
	}
}
