package bot

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// ignoreRecorder is an Observer that keeps the reasons of unanswered messages.
type ignoreRecorder struct {
	NopObserver
	mu      sync.Mutex
	reasons []string
}

func (r *ignoreRecorder) InboundIgnored(reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reasons = append(r.reasons, reason)
}

func (r *ignoreRecorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.reasons)
}

// Who may be answered: one message of each sender shape, and what
// Lifeline does with it. Answered messages are addressed by to (wa_id) or
// recipient (BSUID), never by an internal key; the others are answered
// nowhere, queued for no agent, and counted with their reason.
func TestWhoMayBeAnswered(t *testing.T) {
	cases := []struct {
		fixture string
		// user is the key the contact and transcript are stored under.
		user string
		// to / recipient: the addressing every reply must carry; both
		// empty when the message must not be answered.
		to, recipient string
		userID        string // BSUID kept on the contact
		ignored       string // the recorded reason
	}{
		{fixture: "bsuid_in_from.json", user: "bsuid:JO.7712003456789", recipient: "JO.7712003456789", userID: "JO.7712003456789"},
		{fixture: "from_user_id_only.json", user: "bsuid:SA.1349876543210", recipient: "SA.1349876543210", userID: "SA.1349876543210"},
		{fixture: "wa_id_and_user_id.json", user: "966512345678", to: "966512345678", userID: "SA.5550001112223"},
		{fixture: "flow_reply.json", user: "966512345678", to: "966512345678"},
		{fixture: "neither.json", user: "bsuid:", ignored: "no_sender"},
		{fixture: "invalid_from.json", user: "bla", ignored: "invalid_sender"},
		{fixture: "group.json", user: "966512345678", ignored: "group"},
	}
	fixtureTime := time.Unix(1750000000, 0).Add(time.Minute)
	for _, tc := range cases {
		t.Run(tc.fixture, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("whatsapp/testdata/sender", tc.fixture))
			if err != nil {
				t.Fatal(err)
			}
			rec := &ignoreRecorder{}
			h := newHarness(t, harnessOpts{now: func() time.Time { return fixtureTime }, obs: rec})
			if err := h.accept(body); err != nil {
				t.Fatalf("POST: %v", err)
			}
			answered := tc.ignored == ""
			if answered {
				h.graph.WaitMessages(t, 1, 10*time.Second)
			}
			h.engine.WaitIdle()

			if n := h.inboxLeft(); n != 0 {
				t.Errorf("inbox holds %d entries", n)
			}
			if n := h.deadLetters(); n != 0 {
				t.Errorf("%d events set aside", n)
			}
			var want []string
			if !answered {
				want = []string{tc.ignored}
			}
			if got := rec.got(); !slices.Equal(got, want) {
				t.Errorf("ignored reasons %q, want %q", got, want)
			}
			if !answered {
				if reqs := h.graph.Requests(); len(reqs) != 0 {
					t.Errorf("%d Graph API requests for an unanswerable message, first: %s", len(reqs), reqs[0].Raw)
				}
				if n := h.handoffCount(); n != 0 {
					t.Errorf("%d handoffs opened", n)
				}
				if n := h.contactCount(); n != 0 {
					t.Errorf("%d contacts created", n)
				}
				if tr := h.transcript(tc.user); len(tr) != 0 {
					t.Errorf("transcript of %q has %d entries", tc.user, len(tr))
				}
				return
			}
			for _, m := range h.graph.Messages() {
				to, hasTo := m.Body["to"]
				rcpt, hasRcpt := m.Body["recipient"]
				if tc.to != "" && (to != tc.to || hasRcpt) {
					t.Errorf("reply addressed to=%v recipient=%v, want to=%s: %s", to, rcpt, tc.to, m.Raw)
				}
				if tc.recipient != "" && (rcpt != tc.recipient || hasTo) {
					t.Errorf("reply addressed to=%v recipient=%v, want recipient=%s: %s", to, rcpt, tc.recipient, m.Raw)
				}
				if strings.Contains(string(m.Raw), "bsuid:") {
					t.Errorf("internal key on the wire: %s", m.Raw)
				}
			}
			c := h.contact(tc.user)
			if c.UserID != tc.userID {
				t.Errorf("contact user_id %q, want %q", c.UserID, tc.userID)
			}
			if len(h.transcript(tc.user)) == 0 {
				t.Errorf("no transcript for %q", tc.user)
			}
		})
	}
}
