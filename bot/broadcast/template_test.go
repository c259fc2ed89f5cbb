package broadcast

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"lifeline/bot/whatsapp"
)

// webhookTime makes each test webhook a distinct change (entry.time).
var webhookTime = time.Now().Unix()

// postTemplateStatus delivers a signed message_template_status_update to
// the engine's webhook, as Meta would, and waits until it is processed.
func (h *harness) postTemplateStatus(event, name, lang, reason string) {
	h.t.Helper()
	webhookTime++
	body := []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"900800700600500","time":%d,
"changes":[{"field":"message_template_status_update","value":{"event":%q,"message_template_id":1234567890,
"message_template_name":%q,"message_template_language":%q,"reason":%q}}]}]}`, webhookTime, event, name, lang, reason))
	if err := h.engine.Accept(body); err != nil {
		h.t.Fatalf("template webhook: %v", err)
	}
	h.engine.WaitIdle()
}

func TestTemplateStatusWebhookPausesBroadcastsThatUseIt(t *testing.T) {
	cases := []struct {
		name, event, template, lang, reason string
		paused                              bool
		code                                int
	}{
		{"paused for low quality", whatsapp.TemplatePaused, "safety_checkin", "en_US", "LOW_QUALITY", true, 132015},
		{"disabled, in the other language", whatsapp.TemplateDisabled, "safety_checkin", "ar", "NONE", true, 132016},
		{"rejected", whatsapp.TemplateRejected, "safety_checkin", "en_US", "INVALID_FORMAT", true, 0},
		{"approved changes nothing", whatsapp.TemplateApproved, "safety_checkin", "en_US", "NONE", false, 0},
		{"another template paused", whatsapp.TemplatePaused, "port_notice", "en_US", "LOW_QUALITY", false, 0},
		{"the same name in a language not used", whatsapp.TemplatePaused, "safety_checkin", "fr", "LOW_QUALITY", false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// 200 recipients at 20/s: still sending when the webhook comes.
			h := newHarness(t, hopts{engine: true, cfg: Config{RatePerNumber: 20}})
			h.contacts(200, "en")
			id := h.create(checkinSpec())
			h.graph.WaitMessages(t, 3, 10*time.Second)
			h.postTemplateStatus(c.event, c.template, c.lang, c.reason)
			st := h.status(id)
			if !c.paused {
				if st.State != StateSending || len(st.Alerts) != 0 {
					t.Fatalf("state %s with alerts %+v, want still sending and no alert", st.State, st.Alerts)
				}
				return
			}
			if st.State != StatePaused {
				t.Fatalf("state %s, want paused", st.State)
			}
			for _, want := range []string{c.template, c.lang, c.event} {
				if !strings.Contains(st.PauseReason, want) {
					t.Errorf("pause reason %q does not name %q", st.PauseReason, want)
				}
			}
			if c.reason != "NONE" && !strings.Contains(st.PauseReason, c.reason) {
				t.Errorf("pause reason %q does not give WhatsApp's reason %q", st.PauseReason, c.reason)
			}
			if len(st.Alerts) != 1 || st.Alerts[0].Code != c.code || !strings.Contains(st.Alerts[0].Message, c.template) {
				t.Errorf("alerts %+v, want one with code %d naming %s", st.Alerts, c.code, c.template)
			}
			// Paused means no more sends.
			sent := len(h.graph.Messages())
			if sent != int(st.Sent) {
				t.Errorf("graph got %d sends, status says %d", sent, st.Sent)
			}
		})
	}
}

// A template approved again does not restart what its pause stopped: an
// admin resumes, and a repeated webhook adds no second alert.
func TestTemplateApprovedAgainWaitsForTheAdmin(t *testing.T) {
	h := newHarness(t, hopts{engine: true, cfg: Config{RatePerNumber: 20}})
	h.contacts(200, "en")
	id := h.create(checkinSpec())
	h.graph.WaitMessages(t, 3, 10*time.Second)
	h.postTemplateStatus(whatsapp.TemplatePaused, "safety_checkin", "en_US", "LOW_QUALITY")
	h.postTemplateStatus(whatsapp.TemplatePaused, "safety_checkin", "en_US", "LOW_QUALITY")
	h.postTemplateStatus(whatsapp.TemplateApproved, "safety_checkin", "en_US", "NONE")
	sent := len(h.graph.Messages())
	h.svc.tick() // the control loop's round: nothing resumes a paused broadcast
	st := h.status(id)
	if st.State != StatePaused || len(st.Alerts) != 1 {
		t.Fatalf("state %s with %d alerts, want paused with one alert", st.State, len(st.Alerts))
	}
	if n := len(h.graph.Messages()); n != sent {
		t.Fatalf("%d sends after the pause", n-sent)
	}
	if _, err := h.svc.Resume(id, "admin"); err != nil {
		t.Fatal(err)
	}
	h.graph.WaitMessages(t, sent+3, 10*time.Second)
}
