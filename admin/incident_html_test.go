package admin

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"lifeline/bot/whatsapp"
	"lifeline/incident"
)

// TestIncidentReportHTML: the printable report carries the figures the
// JSON report gives, escapes what admins typed, runs nothing, and masks
// the unaccounted's numbers for agents.
func TestIncidentReportHTML(t *testing.T) {
	s, admin, agent := newIncidentServer(t)
	if code, body := call(t, s, "POST", "/admin/contacts/import", admin, "text/csv", incidentPeople); code != 200 {
		t.Fatalf("import: %d %s", code, body)
	}
	open := `{"name": "<script>alert(1)</script> Dammam & Khobar flood", "kind": "flood", "audience": {"regions": ["Dammam"]}}`
	if code, body := call(t, s, "POST", "/admin/incidents", admin, "application/json", open); code != 201 {
		t.Fatalf("open: %d %s", code, body)
	}
	checkin := `{"name": "are you safe", "kind": "checkin", "incident": "inc000001", "audience": {"regions": ["Dammam"]},
	 "templates": {"en": {"name": "safety_checkin", "language": "en_US", "body": [{"value": "{{name}}"}]}}}`
	if code, body := call(t, s, "POST", "/admin/broadcasts", admin, "application/json", checkin); code != 202 {
		t.Fatalf("check-in: %d %s", code, body)
	}
	var rep incident.Report
	for deadline := time.Now().Add(10 * time.Second); rep.Delivery.Numerator != 2; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for both deliveries: %+v", rep)
		}
		_, body := call(t, s, "GET", "/admin/incidents/inc000001/report", admin, "", "")
		rep = incident.Report{}
		_ = json.Unmarshal([]byte(body), &rep)
	}
	// Nobody answered: delivery 2/2 met, engagement 0/2 not met, both
	// unaccounted.
	for _, how := range []struct{ label, path, token, accept string }{
		{"format=html", "/admin/incidents/inc000001/report?format=html", admin, ""},
		{"Accept: text/html", "/admin/incidents/inc000001/report", agent, "text/html,application/xhtml+xml"},
	} {
		code, ctype, page := callAccept(t, s, how.path, how.token, how.accept)
		if code != 200 || !strings.HasPrefix(ctype, "text/html") {
			t.Fatalf("%s: %d %s %s", how.label, code, ctype, page)
		}
		number := "966501234567"
		if how.token == agent {
			number = whatsapp.MaskPhone(number)
		}
		for _, want := range []string{
			"&lt;script&gt;alert(1)&lt;/script&gt; Dammam &amp; Khobar flood",
			"<td>Delivery rate (delivered / sent)</td><td class=\"n\">100.0%</td><td class=\"n\">2 / 2</td><td>at least 95.0%</td><td>met</td>",
			"<td>Engagement rate (replies or taps / delivered)</td><td class=\"n\">0.0%</td><td class=\"n\">0 / 2</td><td>at least 30.0%</td><td>NOT MET</td>",
			"<td class=\"n\">0.0%</td><td class=\"n\">0 / 2</td><td>none set</td>", // accounted for
			"bc000001: are you safe", "<h2>Unaccounted: 2</h2>", "<td>" + number + "</td>",
			"@media print",
		} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: page lacks %q:\n%s", how.label, want, page)
			}
		}
		if strings.Contains(page, "<script") || (how.token == agent && strings.Contains(page, "966501234567")) {
			t.Errorf("%s: a script or an unmasked number in the page:\n%s", how.label, page)
		}
	}
	if code, _, body := callAccept(t, s, "/admin/incidents/inc000001/report?format=pdf", admin, ""); code != 400 || !strings.Contains(body, "want json or html") {
		t.Errorf("format=pdf: %d %s", code, body)
	}
}
