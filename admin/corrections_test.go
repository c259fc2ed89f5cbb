package admin

import (
	"strings"
	"testing"
	"time"

	"lifeline/bot/whatsapp"
)

// TestUnaccountedRoutes: an agent works a check-in's unaccounted list
// with numbers masked, marks a person reached by their ref, and the
// incident's report counts them as accounted for.
func TestUnaccountedRoutes(t *testing.T) {
	s, admin, agent := newIncidentServer(t)
	if code, body := call(t, s, "POST", "/admin/contacts/import", admin, "text/csv", incidentPeople); code != 200 {
		t.Fatalf("import: %d %s", code, body)
	}
	if code, body := call(t, s, "POST", "/admin/incidents", admin, "application/json", floodJSON); code != 201 {
		t.Fatalf("open: %d %s", code, body)
	}
	check := `{"name": "are you safe", "kind": "checkin", "incident": "inc000001", "audience": {"regions": ["Dammam"]},
	 "templates": {"en": {"name": "safety_checkin", "language": "en_US", "body": [{"value": "{{name}}"}]}},
	 "unaccounted": {"handoff": true}}`
	if code, body := call(t, s, "POST", "/admin/broadcasts", admin, "application/json", check); code != 202 {
		t.Fatalf("check-in: %d %s", code, body)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if _, body := call(t, s, "GET", "/admin/broadcasts/bc000001/unaccounted", admin, "", ""); strings.Contains(body, `"remaining":2`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the check-in's recipients never listed as unaccounted")
		}
	}
	code, body := call(t, s, "GET", "/admin/broadcasts/bc000001/unaccounted", agent, "", "")
	if code != 200 || strings.Contains(body, "966501234567") || !strings.Contains(body, whatsapp.MaskPhone("966501234567")) || !strings.Contains(body, `"ref":"r1"`) {
		t.Fatalf("agent's list: %d %s", code, body)
	}
	cases := []struct {
		label, path, token, body string
		code                     int
		want                     string
	}{
		{"agent marks by ref", "/admin/broadcasts/bc000001/unaccounted/r1/reached", agent, `{"note": "called, safe"}`, 200, `"by":"desk`},
		{"twice", "/admin/broadcasts/bc000001/unaccounted/966501234567/reached", admin, `{}`, 409, "already marked reached"},
		{"unknown field", "/admin/broadcasts/bc000001/unaccounted/r2/reached", agent, `{"notes": "x"}`, 400, "notes"},
		{"not a recipient", "/admin/broadcasts/bc000001/unaccounted/966509999999/reached", agent, `{}`, 404, "not found"},
		{"not a check-in", "/admin/broadcasts/bc000009/unaccounted/r1/reached", agent, `{}`, 404, ""},
	}
	for _, c := range cases {
		code, body := call(t, s, "POST", c.path, c.token, "application/json", c.body)
		if code != c.code || !strings.Contains(body, c.want) || (c.token == agent && strings.Contains(body, "966501234567")) {
			t.Errorf("%s: %d %s, want %d with %q", c.label, code, body, c.code, c.want)
		}
	}
	_, body = call(t, s, "GET", "/admin/incidents/inc000001/report", admin, "", "")
	if !strings.Contains(body, `"accounted_for":{"numerator":1,"denominator":2`) || !strings.Contains(body, `"reached_by_staff":1`) {
		t.Errorf("report after marking: %s", body)
	}
	// A limit lists the first people and counts everyone.
	limits := []struct {
		query string
		code  int
		want  []string
		not   string
	}{
		{"?limit=1", 200, []string{`"ref":"r1"`, `"reached_by_staff":1`, `"remaining":1`, `"more":1`}, `"ref":"r2"`},
		{"?limit=5", 200, []string{`"ref":"r1"`, `"ref":"r2"`, `"remaining":1`}, `"more"`},
		{"?limit=0", 400, []string{`limit \"0\"`}, ""},
		{"?limit=all", 400, []string{`limit \"all\"`}, ""},
	}
	for _, l := range limits {
		code, body := call(t, s, "GET", "/admin/broadcasts/bc000001/unaccounted"+l.query, admin, "", "")
		bad := code != l.code || (l.not != "" && strings.Contains(body, l.not))
		for _, w := range l.want {
			bad = bad || !strings.Contains(body, w)
		}
		if bad {
			t.Errorf("unaccounted%s: %d %s", l.query, code, body)
		}
	}
}

// TestCorrectionRoutes: a correction of an entry nobody received is
// refused with 409 naming the entry; a bad one with 400; both leave
// nothing.
func TestCorrectionRoutes(t *testing.T) {
	s, admin, agent := newIncidentServer(t)
	cases := []struct {
		label, token, body string
		code               int
		want               string
	}{
		{"nobody received it", admin, `{"entry": "pets", "since": "24h", "messages": {"en": "x"}}`, 409, "nobody received entry pets since "},
		{"unknown field", admin, `{"entry": "pets", "since": "24h", "message": {"en": "x"}}`, 400, "message"},
		{"no period", admin, `{"entry": "pets", "messages": {"en": "x"}}`, 400, "since"},
		{"agents may not", agent, `{"entry": "pets", "since": "24h", "messages": {"en": "x"}}`, 403, ""},
	}
	for _, c := range cases {
		code, body := call(t, s, "POST", "/admin/corrections", c.token, "application/json", c.body)
		if code != c.code || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %s, want %d with %q", c.label, code, body, c.code, c.want)
		}
	}
	if code, body := call(t, s, "GET", "/admin/corrections", admin, "", ""); code != 200 || body != `{"corrections":[]}` {
		t.Errorf("list: %d %s", code, body)
	}
}
