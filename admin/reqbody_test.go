package admin

import (
	"strings"
	"testing"
)

// Every admin request body refuses a field it does not know, by name: a
// typo must never be ignored (an ignored "audiense" used to send to
// everyone).
func TestUnknownFieldsAreRefusedByName(t *testing.T) {
	s, admin, _ := newBroadcastServer(t)
	if code, body := call(t, s, "POST", "/admin/contacts/import", admin, "text/csv", "phone,tags,opted_in\n+966501234567,employees,yes\n"); code != 200 {
		t.Fatalf("import: %d %s", code, body)
	}
	const tpl = `"templates": {"en": {"name": "port_notice", "language": "en_US"}}`
	for _, tc := range []struct {
		label, method, path, body, field string
	}{
		{"misspelt audience", "POST", "/admin/broadcasts", `{"name": "n", "kind": "notice", ` + tpl + `, "audiense": {"all": true}}`, "audiense"},
		{"misspelt selector", "POST", "/admin/broadcasts", `{"name": "n", "kind": "notice", ` + tpl + `, "audience": {"tag_any": ["t1"]}}`, "tag_any"},
		{"misspelt template field", "POST", "/admin/broadcasts/preview", `{"name": "n", "kind": "notice", "templates": {"en": {"name": "port_notice", "langauge": "en_US"}}, "audience": {"all": true}}`, "langauge"},
		{"token", "POST", "/admin/tokens", `{"name": "grafana", "role": "viewer", "rol": "admin"}`, "rol"},
		{"new agent", "POST", "/admin/agents", `{"id": "amira", "name": "Amira", "role": "agent", "password": "a long passphrase", "admin": true}`, "admin"},
		{"agent change", "PATCH", "/admin/agents/amira", `{"disable": true}`, "disable"},
		{"handoff reply", "POST", "/admin/handoffs/h1/messages", `{"txt": "hello"}`, "txt"},
		{"handoff note", "POST", "/admin/handoffs/h1/notes", `{"text": "n", "private": true}`, "private"},
		{"handoff transfer", "POST", "/admin/handoffs/h1/transfer", `{"to": "amira", "from": "sam"}`, "from"},
		{"handoff close", "POST", "/admin/handoffs/h1/close", `{"outcom": "resolved"}`, "outcom"},
		{"faq entry", "POST", "/admin/kb/entries", `{"id": "x", "question": "q?", "answer": "a", "anser": "b"}`, "anser"},
		{"faq entry update", "PUT", "/admin/kb/entries/x", `{"question": "q?", "answer": "a", "lnk": "b"}`, "lnk"},
		{"sandbox message", "POST", "/sandbox/messages", `{"from": "15550001234", "txt": "hello"}`, "txt"},
	} {
		t.Run(tc.label, func(t *testing.T) {
			code, body := call(t, s, tc.method, tc.path, admin, "application/json", tc.body)
			if code != 400 || !strings.Contains(body, `unknown field \"`+tc.field+`\"`) {
				t.Fatalf("%d %s: want 400 naming %q", code, body, tc.field)
			}
		})
	}
	// A typo in a login is refused too, and says nothing about the account.
	if code, _ := call(t, s, "POST", "/admin/login", "", "application/json", `{"user": "amira", "password": "x", "remember": true}`); code != 400 {
		t.Fatalf("login with an unknown field: %d", code)
	}
	code, body := call(t, s, "GET", "/admin/broadcasts", admin, "", "")
	if code != 200 || strings.Contains(body, `"id"`) {
		t.Fatalf("a refused request created a broadcast: %d %s", code, body)
	}
}
