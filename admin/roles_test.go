package admin

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"lifeline/bot/broadcast"
	"lifeline/store"
)

// TestIncidentPermissions is the specification of who may open incidents,
// run drills, approve broadcasts and correct answers: each granted apart
// on tokens, each refusal a 403 naming the permission, recorded in the
// audit log, and changing nothing.
func TestIncidentPermissions(t *testing.T) {
	w := newWholeIncident(t, func(c *broadcast.Config) { c.Approval = true })
	ctx := context.Background()
	tokens := map[string][]string{
		"opener": {PermIncidents}, "driller": {PermDrills}, "approver": {PermApprove}, "corrector": {PermCorrect}, "nothing": {},
	}
	tok := map[string]string{"admin": w.admin}
	for name, perms := range tokens {
		tok[name] = name + "-token-0123456789"
		if _, err := SaveToken(ctx, w.db, tok[name], name, RoleAdmin, time.Now(), perms...); err != nil {
			t.Fatal(err)
		}
	}
	tok["crm"], tok["crm-drills"] = "crm-token-0123456789", "crm-drills-token-0123456789"
	if _, err := SaveToken(ctx, w.db, tok["crm"], "crm", RoleIntegration, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := SaveToken(ctx, w.db, tok["crm-drills"], "crm-drills", RoleIntegration, time.Now(), PermDrills); err != nil {
		t.Fatal(err)
	}
	if code, body := call(t, w.s, "POST", "/admin/contacts/import", w.admin, "text/csv", wiPeople); code != 200 {
		t.Fatalf("import: %d %s", code, body)
	}
	drillNotice := func(incident string) string {
		return `{"name": "drill notice", "kind": "notice", "incident": "` + incident + `", "audience": {"regions": ["Dammam"]},
		 "templates": {"en": {"name": "flood_notice", "language": "en_US", "body": [{"value": "DRILL {{name}}"}]}}}`
	}
	lacks := func(perm string) string { return `lacks the \"` + perm + `\" permission` }
	steps := []struct {
		label, who, method, path, body string
		code                           int
		want                           string
	}{
		{"opens a real incident", "opener", "POST", "/admin/incidents", floodJSON, 201, `"id":"inc000001"`},
		{"a driller may not open a real one", "driller", "POST", "/admin/incidents", floodJSON, 403, lacks(PermIncidents)},
		{"an opener may not open a drill", "opener", "POST", "/admin/incidents", drillJSON, 403, lacks(PermDrills)},
		{"no permission, no incident", "nothing", "POST", "/admin/incidents", floodJSON, 403, "may not open, change or close an incident"},
		{"the driller opens a drill", "driller", "POST", "/admin/incidents", drillJSON, 201, `"id":"inc000002"`},
		{"a driller may not change a real one", "driller", "PATCH", "/admin/incidents/inc000001", `{"notes": "x"}`, 403, lacks(PermIncidents)},
		{"the opener changes it", "opener", "PATCH", "/admin/incidents/inc000001", `{"notes": "pumps on site"}`, 200, `"notes":"pumps on site"`},
		{"an opener may not add to a drill's overlay", "opener", "POST", "/admin/incidents/inc000002/faq", overlayPlant, 403, lacks(PermDrills)},
		{"the driller adds to it", "driller", "POST", "/admin/incidents/inc000002/faq", overlayPlant, 201, `"incident":"inc000002"`},
		{"an opener may not send a drill", "opener", "POST", "/admin/broadcasts", drillNotice("inc000002"), 403, "may not run a drill"},
		{"an integration without drills", "crm", "POST", "/admin/broadcasts", drillNotice("inc000002"), 403, lacks(PermDrills)},
		{"the driller sends a drill", "driller", "POST", "/admin/broadcasts", drillNotice("inc000002"), 202, `"id":"bc000001","state":"pending_approval"`},
		{"an integration granted drills", "crm-drills", "POST", "/admin/broadcasts", drillNotice("inc000002"), 202, `"id":"bc000002"`},
		{"the opener sends a real notice", "opener", "POST", "/admin/broadcasts", noticeIn("inc000001", "{{name}}"), 202, `"id":"bc000003"`},
		{"a driller may not approve", "driller", "POST", "/admin/broadcasts/bc000003/approve", "", 403, lacks(PermApprove)},
		{"nor reject", "opener", "POST", "/admin/broadcasts/bc000003/reject", "", 403, lacks(PermApprove)},
		{"the approver approves", "approver", "POST", "/admin/broadcasts/bc000003/approve", "", 200, `"state":"scheduled"`},
		{"an opener may not correct", "opener", "POST", "/admin/corrections", `{"entry": "pets", "since": "24h", "messages": {"en": "x"}}`, 403, lacks(PermCorrect)},
		{"the corrector reaches the service", "corrector", "POST", "/admin/corrections", `{"entry": "pets", "since": "24h", "messages": {"en": "x"}}`, 409, "nobody received entry pets"},
		{"nor send one", "approver", "POST", "/admin/corrections/cor000001/send", "", 403, lacks(PermCorrect)},
		{"the corrector may not close", "corrector", "POST", "/admin/incidents/inc000001/close", "", 403, lacks(PermIncidents)},
		{"a full admin closes", "admin", "POST", "/admin/incidents/inc000001/close", "", 200, `"state":"closed"`},
	}
	for _, st := range steps {
		got, body := call(t, w.s, st.method, st.path, tok[st.who], "application/json", st.body)
		if got != st.code || !strings.Contains(body, st.want) {
			t.Errorf("%s: %d %s, want %d with %s", st.label, got, body, st.code, st.want)
		}
	}
	// Nothing refused was made: two incidents, one overlay entry, three
	// broadcasts, no correction.
	if _, body := call(t, w.s, "GET", "/admin/incidents", w.admin, "", ""); strings.Count(body, `"id":"inc`) != 2 {
		t.Errorf("incidents after the refusals: %s", body)
	}
	if _, body := call(t, w.s, "GET", "/admin/incidents/inc000001", w.admin, "", ""); !strings.Contains(body, `"notes":"pumps on site"`) {
		t.Errorf("incident after a refused change: %s", body)
	}
	if _, body := call(t, w.s, "GET", "/admin/broadcasts/bc000004", w.admin, "", ""); !strings.Contains(body, "not found") {
		t.Errorf("a refused broadcast exists: %s", body)
	}
	if _, body := call(t, w.s, "GET", "/admin/corrections", w.admin, "", ""); body != `{"corrections":[]}` {
		t.Errorf("corrections: %s", body)
	}

	// Each refusal is in the audit log with who, role and 403.
	var log struct {
		Entries []store.AuditEntry `json:"entries"`
	}
	if err := json.Unmarshal([]byte(w.must("GET", "/admin/audit?limit=1000", w.admin, "", 200)), &log); err != nil {
		t.Fatal(err)
	}
	refused := map[string]int{}
	for _, e := range log.Entries {
		if e.Status == 403 {
			refused[e.Name+" "+e.Action]++
		}
	}
	for _, want := range []string{"driller incident.create", "opener incident.create", "nothing incident.create", "driller incident.update",
		"opener broadcast.create", "crm broadcast.create", "driller broadcast.approve", "opener broadcast.reject",
		"opener correction.create", "approver correction.send", "corrector incident.close"} {
		if refused[want] != 1 {
			t.Errorf("audit log: %d refused entries %q, want 1; refused: %v", refused[want], want, refused)
		}
	}
}

// TestPermissionsOnTokensAndAccounts: permissions are given when a token
// or account is made and changed on the account; an unknown one is
// refused with 400 naming it, and /admin/me says what the caller may do.
func TestPermissionsOnTokensAndAccounts(t *testing.T) {
	w := newWholeIncident(t)
	cases := []struct {
		label, method, path, body string
		code                      int
		want                      string
	}{
		{"a token with a permission", "POST", "/admin/tokens", `{"name": "duty", "role": "admin", "permissions": ["approve", "approve"]}`, 201, `"permissions":["approve"]`},
		{"a token without", "POST", "/admin/tokens", `{"name": "ops", "role": "admin"}`, 201, `"permissions":null`},
		{"an unknown permission", "POST", "/admin/tokens", `{"name": "x", "role": "admin", "permissions": ["launch"]}`, 400, `unknown permission \"launch\": want any of incidents, drills, approve, correct`},
		{"an account with permissions", "POST", "/admin/agents", `{"id": "huda", "role": "admin", "password": "long-enough-pw", "permissions": ["correct", "drills"]}`, 201, `"permissions":["correct","drills"]`},
		{"an account's unknown permission", "PATCH", "/admin/agents/huda", `{"permissions": ["everything"]}`, 400, `unknown permission \"everything\"`},
		{"narrowed", "PATCH", "/admin/agents/huda", `{"permissions": ["approve"]}`, 200, `"permissions":["approve"]`},
		{"back to the role's default", "PATCH", "/admin/agents/huda", `{"permissions": null}`, 200, `"permissions":null`},
		{"the full admin's own", "GET", "/admin/me", "", 200, `"permissions":["incidents","drills","approve","correct"]`},
	}
	for _, c := range cases {
		got, body := call(t, w.s, c.method, c.path, w.admin, "application/json", c.body)
		if got != c.code || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %s, want %d with %s", c.label, got, body, c.code, c.want)
		}
	}
	if _, body := call(t, w.s, "GET", "/admin/tokens", w.admin, "", ""); strings.Contains(body, `"name":"x"`) {
		t.Errorf("a refused token was stored: %s", body)
	}
	if _, body := call(t, w.s, "GET", "/admin/audit?action=agent.update", w.admin, "", ""); !strings.Contains(body, "permissions=approve") {
		t.Errorf("the audit log lacks the permission change: %s", body)
	}
}

// TestCorrectionUnderApprovalNeedsTheApprovePermission: with two-person
// approval on, sending a correction approves its broadcast, so an admin
// who may correct but not approve is refused with 403 naming the
// permission, and nothing is sent; one who holds it sends it.
func TestCorrectionUnderApprovalNeedsTheApprovePermission(t *testing.T) {
	w := newWholeIncident(t, func(c *broadcast.Config) { c.Approval = true })
	if code, body := call(t, w.s, "POST", "/admin/contacts/import", w.admin, "text/csv", wiPeople); code != 200 {
		t.Fatalf("import: %d %s", code, body)
	}
	corrector := "corrector-token-0123456789abcdef"
	if _, err := SaveToken(context.Background(), w.db, corrector, "corrector", RoleAdmin, time.Now(), PermCorrect); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{wiBadr, wiCala} {
		w.ask(u, "is the tap water safe to drink?")
	}
	w.must("PUT", "/admin/kb/entries/drinking-water", w.admin,
		`{"question": "Is the tap water safe to drink?", "answer": "Boil tap water for one minute before drinking it."}`, 200)
	w.must("POST", "/admin/corrections", w.admin, `{"entry": "drinking-water", "since": "48h", "messages": {"en": "`+wiCorrection+`"}}`, 201)
	before := len(w.graph.Messages())
	body := w.must("POST", "/admin/corrections/cor000001/send", corrector, "", 403)
	if !strings.Contains(body, `lacks the \"approve\" permission`) {
		t.Errorf("refusal %s, want it to name the approve permission", body)
	}
	if n := len(w.graph.Messages()) - before; n != 0 {
		t.Fatalf("a refused send sent %d messages", n)
	}
	w.must("POST", "/admin/corrections/cor000001/send", w.second, "", 200)
	waitFor(t, "the correction sent", func() bool { return len(w.graph.Messages()) >= before+2 })
}
