package admin

import (
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/admin/audit"
	"lifeline/bot"
	"lifeline/bot/broadcast"
	"lifeline/bot/whatsapp"
	"lifeline/incident"
)

// newIncidentServer is the whole server with broadcasts that may belong
// to incidents, sending to the sandbox; it returns an admin and an agent
// token.
func newIncidentServer(t *testing.T) (s *Server, admin, agent string) {
	t.Helper()
	db, faq := openStore(t)
	sender := &bot.SandboxSender{}
	engine := bot.New(bot.Config{}, bot.Options{DB: db, Sender: sender, KB: faq, Learner: faq, Logger: zerolog.Nop()})
	svc := broadcast.New(broadcast.Config{RatePerNumber: 1000, Tick: 10 * time.Millisecond},
		broadcast.Options{DB: db, Sender: sender, Logger: zerolog.Nop(), Incidents: incident.Gate{}})
	engine.Intercept(svc)
	engine.ObserveStatuses(svc)
	engine.AddTranscriptSource(svc)
	sender.Report = engine.Ingest
	if err := engine.Start(); err != nil {
		t.Fatal(err)
	}
	if err := svc.Start(); err != nil {
		t.Fatal(err)
	}
	admin, err := BootstrapToken(context.Background(), db, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	agent = "agent-token-0123456789"
	if _, err := SaveToken(context.Background(), db, agent, "desk", RoleAgent, time.Now()); err != nil {
		t.Fatal(err)
	}
	s = New(Deps{DB: db, Engine: engine, KB: faq, Logger: zerolog.Nop(), Broadcasts: svc, Sandbox: true, SandboxRead: sender.ReadBy})
	t.Cleanup(func() { svc.Close(); engine.Close() })
	return s, admin, agent
}

func callAccept(t *testing.T, s *Server, path, token, accept string) (int, string, string) {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", accept)
	resp, err := s.App().Test(req, 10000)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(raw)
}

const (
	floodJSON      = `{"name": "Dammam flood", "kind": "flood", "audience": {"regions": ["Dammam"]}}`
	drillJSON      = `{"name": "Evacuation drill", "kind": "fire", "audience": {"regions": ["Dammam"]}, "drill": true}`
	incidentPeople = "phone,name,region,opted_in\n+966501234567,Ahmed,Dammam,yes\n+966501234568,Sara,Dammam,yes\n"
)

func noticeIn(incident, param string) string {
	return `{"name": "stay indoors", "kind": "notice", "incident": "` + incident + `", "audience": {"regions": ["Dammam"]},
	 "templates": {"en": {"name": "flood_notice", "language": "en_US", "body": [{"value": "` + param + `"}]}}}`
}

func TestIncidentRoutes(t *testing.T) {
	s, admin, agent := newIncidentServer(t)
	if code, body := call(t, s, "POST", "/admin/contacts/import", admin, "text/csv", incidentPeople); code != 200 {
		t.Fatalf("import: %d %s", code, body)
	}
	steps := []struct {
		label        string
		method, path string
		token, body  string
		wantCode     int
		wantBody     []string // parts of the answer
	}{
		{"open", "POST", "/admin/incidents", admin, floodJSON, 201, []string{`"id":"inc000001"`, `"state":"open"`, `"drill":false`}},
		{"open a drill", "POST", "/admin/incidents", admin, drillJSON, 201, []string{`"id":"inc000002"`, `"drill":true`}},
		{"unknown field named", "POST", "/admin/incidents", admin, `{"name": "x", "kind": "fire", "regions": ["Dammam"]}`, 400, []string{`unknown field \"regions\"`}},
		{"unknown kind", "POST", "/admin/incidents", admin, `{"name": "x", "kind": "storm", "audience": {"all": true}}`, 400, []string{`kind \"storm\"`}},
		{"agents may not open", "POST", "/admin/incidents", agent, floodJSON, 403, nil},
		{"agents may read", "GET", "/admin/incidents?state=open", agent, "", 200, []string{`"summary":{"real":{"open":1,"closed":0},"drill":{"open":1,"closed":0}}`}},
		{"drills only", "GET", "/admin/incidents?drill=true", admin, "", 200, []string{`"id":"inc000002"`}},
		{"bad drill filter", "GET", "/admin/incidents?drill=maybe", admin, "", 400, []string{`drill \"maybe\"`}},
		{"unknown incident", "GET", "/admin/incidents/inc999999", admin, "", 404, []string{`no incident \"inc999999\"`}},
		{"patch unknown field", "PATCH", "/admin/incidents/inc000001", admin, `{"tags": ["x"]}`, 400, []string{`unknown field \"tags\"`}},
		{"patch notes", "PATCH", "/admin/incidents/inc000001", admin, `{"notes": "pumps at the plant"}`, 200, []string{`"notes":"pumps at the plant"`}},
		{"broadcast in an unknown incident", "POST", "/admin/broadcasts", admin, noticeIn("inc999999", "{{name}}"), 400, []string{`incident \"inc999999\" does not exist`}},
		{"broadcast in the incident", "POST", "/admin/broadcasts", admin, noticeIn("inc000001", "{{name}}"), 202, []string{`"id":"bc000001"`}},
		{"drill without DRILL", "POST", "/admin/broadcasts", admin, noticeIn("inc000002", "{{name}}"), 400, []string{"a drill must say so in language en", `DRILL`}},
		{"drill with DRILL", "POST", "/admin/broadcasts", admin, noticeIn("inc000002", "DRILL {{name}}"), 202, []string{`"id":"bc000002"`}},
		{"close the drill", "POST", "/admin/incidents/inc000002/close", admin, "", 200, []string{`"state":"closed"`, `"closing_report":{`, `"drill":true`}},
		{"close again", "POST", "/admin/incidents/inc000002/close", admin, "", 409, []string{"cannot close incident inc000002"}},
		{"broadcast in a closed incident", "POST", "/admin/broadcasts", admin, noticeIn("inc000002", "DRILL"), 409, []string{"inc000002 is closed"}},
		{"agents may not close", "POST", "/admin/incidents/inc000001/close", agent, "", 403, nil},
	}
	for _, st := range steps {
		ct := ""
		if st.body != "" {
			ct = "application/json"
		}
		code, body := call(t, s, st.method, st.path, st.token, ct, st.body)
		if code != st.wantCode {
			t.Errorf("%s: %d %s, want %d", st.label, code, body, st.wantCode)
			continue
		}
		for _, w := range st.wantBody {
			if !strings.Contains(body, w) {
				t.Errorf("%s: answer %s lacks %s", st.label, body, w)
			}
		}
	}

	// Someone affected asks for a person: the handoff is in the timeline.
	if code, body := call(t, s, "POST", "/sandbox/messages", "", "application/json", `{"from": "966501234568", "button": "menu_human"}`); code != 200 {
		t.Fatalf("ask for a person: %d %s", code, body)
	}
	masked := whatsapp.MaskPhone("966501234568")
	eventually := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !ok(); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
		}
	}
	var (
		tl   incident.Timeline
		body string
	)
	has := func(kind, subject string) bool {
		for _, r := range tl.Rows {
			if r.Kind == kind && r.Subject == subject {
				return true
			}
		}
		return false
	}
	// The timeline grows while the broadcast runs; the CSV reads below
	// must see the same rows, so wait for its last one.
	eventually("the broadcast to complete in the timeline", func() bool {
		var code int
		code, body = call(t, s, "GET", "/admin/incidents/inc000001/timeline", agent, "", "")
		tl = incident.Timeline{}
		if err := json.Unmarshal([]byte(body), &tl); code != 200 || err != nil {
			t.Fatalf("timeline: %d %s", code, body)
		}
		return has("broadcast.completed", "bc000001")
	})
	for _, want := range [][2]string{{"incident.opened", "inc000001"}, {"incident.update", "inc000001"}, {"broadcast.create", "bc000001"}, {"handoff.opened", masked}} {
		if !has(want[0], want[1]) {
			t.Errorf("timeline lacks %s of %s: %s", want[0], want[1], body)
		}
	}
	if has("broadcast.create", "bc000002") {
		t.Errorf("the drill's broadcast is in the real incident's timeline")
	}
	for _, how := range []struct{ path, accept string }{
		{"/admin/incidents/inc000001/timeline?format=csv", ""},
		{"/admin/incidents/inc000001/timeline", "text/csv"},
	} {
		// Delivery milestones are folded in after their commit, so a row
		// may still arrive after "completed": the CSV must hold one line
		// per row of the JSON read just before it, once the two agree.
		var (
			code       int
			ctype, csv string
			lines      []string
		)
		eventually("the CSV to hold every row of the timeline", func() bool {
			_, body = call(t, s, "GET", "/admin/incidents/inc000001/timeline", agent, "", "")
			tl = incident.Timeline{}
			if err := json.Unmarshal([]byte(body), &tl); err != nil {
				t.Fatalf("timeline: %s", body)
			}
			code, ctype, csv = callAccept(t, s, how.path, admin, how.accept)
			lines = strings.Split(strings.TrimSpace(csv), "\n")
			return code != 200 || len(lines) == len(tl.Rows)+1
		})
		if code != 200 || !strings.HasPrefix(ctype, "text/csv") || lines[0] != "at,kind,actor,subject,detail" || len(lines) != len(tl.Rows)+1 ||
			!strings.Contains(csv, ",broadcast.create,") || !strings.Contains(csv, ",handoff.opened,person,"+masked) {
			t.Errorf("timeline %s (Accept %q): %d %s\n%s", how.path, how.accept, code, ctype, csv)
		}
	}
	if code, _, body := callAccept(t, s, "/admin/incidents/inc000001/timeline?format=xml", admin, ""); code != 400 {
		t.Errorf("format=xml: %d %s", code, body)
	}

	// The report: in the sandbox both notices are delivered at once.
	var rep incident.Report
	eventually("both delivered", func() bool {
		_, body := call(t, s, "GET", "/admin/incidents/inc000001/report", agent, "", "")
		rep = incident.Report{}
		return json.Unmarshal([]byte(body), &rep) == nil && rep.Delivery.Numerator == 2
	})
	if rep.Drill || len(rep.Broadcasts) != 1 || rep.Broadcasts[0].ID != "bc000001" || rep.Delivery.Denominator != 2 || rep.Delivery.Met == nil || !*rep.Delivery.Met {
		t.Errorf("report %+v", rep)
	}

	// One audit entry per change, with who and in which role; the refused
	// ones are recorded by the middleware.
	entries, _, err := s.audit.List(context.Background(), audit.Filter{Action: "incident."}, 0)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, e := range entries {
		count[e.Action]++
		if e.Role == "" || e.Actor == "" {
			t.Errorf("entry without actor or role: %+v", e)
		}
	}
	// create: 2 opened and 2 refused (bad field, bad kind); update: 1 and
	// 1 refused; close: 1 and 1 refused (closed already). A role refused
	// (403) is not an action, as on every route.
	if count["incident.create"] != 4 || count["incident.update"] != 2 || count["incident.close"] != 2 {
		t.Errorf("audit entries by action %v", count)
	}
}

// An agent sees the unaccounted of a check-in masked; an admin sees the
// numbers to call.
func TestIncidentReportMasksNumbersForAgents(t *testing.T) {
	s, admin, agent := newIncidentServer(t)
	if code, body := call(t, s, "POST", "/admin/contacts/import", admin, "text/csv", incidentPeople); code != 200 {
		t.Fatalf("import: %d %s", code, body)
	}
	if code, body := call(t, s, "POST", "/admin/incidents", admin, "application/json", floodJSON); code != 201 {
		t.Fatalf("open: %d %s", code, body)
	}
	check := `{"name": "are you safe", "kind": "checkin", "incident": "inc000001", "audience": {"regions": ["Dammam"]},
	 "templates": {"en": {"name": "safety_checkin", "language": "en_US", "body": [{"value": "{{name}}"}]}}}`
	if code, body := call(t, s, "POST", "/admin/broadcasts", admin, "application/json", check); code != 202 {
		t.Fatalf("check-in: %d %s", code, body)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if _, body := call(t, s, "GET", "/admin/incidents/inc000001/report", admin, "", ""); strings.Count(body, "966501234567") == 2 {
			break // in the check-in's list and the incident's
		}
		if time.Now().After(deadline) {
			t.Fatal("the check-in's recipients never listed as unaccounted")
		}
	}
	cases := []struct {
		label, token, query string
		code                int
		want, notWant       string
	}{
		{"admin", admin, "", 200, `"wa_id":"966501234567"`, ""},
		{"agent", agent, "", 200, `"wa_id":"` + whatsapp.MaskPhone("966501234567") + `"`, "966501234567"},
		{"admin, lists left out", admin, "?unaccounted=omit", 200, `"accounted_for":{"numerator":0,"denominator":2,"value":0}}],`, "966501234567"},
		{"an unknown value", admin, "?unaccounted=all", 400, `unaccounted \"all\"`, ""},
	}
	for _, c := range cases {
		code, body := call(t, s, "GET", "/admin/incidents/inc000001/report"+c.query, c.token, "", "")
		if code != c.code || !strings.Contains(body, c.want) || (c.notWant != "" && strings.Contains(body, c.notWant)) {
			t.Errorf("%s: %d %s", c.label, code, body)
		}
	}
}
