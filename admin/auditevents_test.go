package admin

import (
	"context"
	"strings"
	"testing"

	"lifeline/admin/audit"
	"lifeline/store"
	"lifeline/store/storetest"
)

// A change whose audit entry is an event of its own scope (a contact
// import, a consent change, a reachability clear, a broadcast created) has
// its entry in the log, folded and no longer pending, when its request
// answers, exactly once.
func TestAuditedChangeIsInTheLogWhenItsRequestAnswers(t *testing.T) {
	s, admin, _ := newBroadcastServer(t)
	const who = "966501234567"
	steps := []struct {
		label, method, path, contentType, body string
		action                                 string
	}{
		{"import contacts", "POST", "/admin/contacts/import", "text/csv", "phone,name,tags\n+" + who + ",Ahmed,employees\n", "contact.import"},
		{"record consent", "POST", "/admin/contacts/" + who + "/consent", "application/json",
			`{"channel": "whatsapp", "opt_in": true, "wording": "signed form"}`, "contact.consent"},
		{"clear the unreachable mark", "POST", "/admin/contacts/" + who + "/reachable", "", "", "contact.reachable"},
		{"create a broadcast", "POST", "/admin/broadcasts", "application/json", checkinJSON, "broadcast.create"},
	}
	for _, st := range steps {
		code, body := call(t, s, st.method, st.path, admin, st.contentType, st.body)
		if code != 200 && code != 201 && code != 202 {
			t.Fatalf("%s: %d %s", st.label, code, body)
		}
		storetest.Read(t, s.db, func(ctx context.Context, r store.Reader) error {
			evs, err := store.PendingAuditEvents(ctx, r)
			if len(evs) != 0 {
				t.Errorf("%s: %d audit events still pending when the request answered: %+v", st.label, len(evs), evs)
			}
			return err
		})
		entries, _, err := s.audit.List(context.Background(), audit.Filter{Action: st.action}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].Role != RoleAdmin || strings.Contains(entries[0].Target, who) {
			t.Errorf("%s: entries %+v, want one by the admin, the number masked", st.label, entries)
		}
	}
}
