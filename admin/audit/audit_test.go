package audit

import "testing"

func TestActionNamesReadLikeWhatHappened(t *testing.T) {
	cases := []struct{ prefix, method, route, want string }{
		{"handoff", "POST", "/admin/handoffs/:id/claim", "handoff.claim"},
		{"handoff", "POST", "/admin/handoffs/:id/notes", "handoff.notes"},
		{"kb", "POST", "/admin/kb/import", "kb.import"},
		{"kb", "POST", "/admin/kb/entries", "kb.entries"},
		{"kb", "PUT", "/admin/kb/entries/:id", "kb.entries.update"},
		{"kb", "DELETE", "/admin/kb/entries/:id", "kb.entries.delete"},
		{"kb", "POST", "/admin/kb/versions/:v/rollback", "kb.versions.rollback"},
		{"kb", "POST", "/admin/kb/candidates/:id/approve", "kb.candidates.approve"},
		{"broadcast", "POST", "/admin/broadcasts", "broadcast.create"},
		{"broadcast", "POST", "/admin/broadcasts/:id/pause", "broadcast.pause"},
		{"agent", "PATCH", "/admin/agents/:id", "agent.update"},
		{"contact", "POST", "/admin/contacts/import", "contact.import"},
		{"contact", "DELETE", "/admin/contacts/:wa_id", "contact.delete"},
		{"session", "POST", "/admin/logout", "session.logout"},
	}
	for _, tc := range cases {
		if got := ActionName(tc.prefix, tc.method, tc.route); got != tc.want {
			t.Errorf("%s %s = %q, want %q", tc.method, tc.route, got, tc.want)
		}
	}
}
