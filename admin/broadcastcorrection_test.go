package admin

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot"
	"lifeline/bot/broadcast"
	"lifeline/incident"
)

// correctionServer is the whole server sending to the sandbox, with
// incidents, two-person approval above one contact, and two admins.
type correctionServer struct {
	s             *Server
	admin, second string
}

func newCorrectionServer(t *testing.T) *correctionServer {
	t.Helper()
	db, faq := openStore(t)
	sender := &bot.SandboxSender{}
	engine := bot.New(bot.Config{}, bot.Options{DB: db, Sender: sender, KB: faq, Learner: faq, Logger: zerolog.Nop()})
	svc := broadcast.New(broadcast.Config{RatePerNumber: 1000, Tick: 10 * time.Millisecond, ApprovalAbove: 1, ApprovalExpires: time.Hour},
		broadcast.Options{DB: db, Sender: sender, Logger: zerolog.Nop(), Incidents: incident.Gate{}})
	engine.Intercept(svc)
	engine.ObserveStatuses(svc)
	sender.Report = engine.Ingest
	if err := engine.Start(); err != nil {
		t.Fatal(err)
	}
	if err := svc.Start(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c := &correctionServer{second: "second-admin-token-0123456789"}
	var err error
	if c.admin, err = BootstrapToken(ctx, db, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := SaveToken(ctx, db, c.second, "duty officer", RoleAdmin, time.Now()); err != nil {
		t.Fatal(err)
	}
	c.s = New(Deps{DB: db, Engine: engine, KB: faq, Logger: zerolog.Nop(), Broadcasts: svc, Sandbox: true, SandboxRead: sender.ReadBy})
	t.Cleanup(func() { svc.Close(); engine.Close() })
	return c
}

func (c *correctionServer) do(t *testing.T, token, method, path, body string) (int, string) {
	t.Helper()
	ct := ""
	if body != "" {
		ct = "application/json"
	}
	return call(t, c.s, method, path, token, ct, body)
}

func (c *correctionServer) status(t *testing.T, id string) broadcast.Status {
	t.Helper()
	code, body := c.do(t, c.admin, "GET", "/admin/broadcasts/"+id, "")
	if code != 200 {
		t.Fatalf("status %s: %d %s", id, code, body)
	}
	var st broadcast.Status
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatal(err)
	}
	return st
}

func (c *correctionServer) create(t *testing.T, token, body string) (id, state string) {
	t.Helper()
	code, resp := c.do(t, token, "POST", "/admin/broadcasts", body)
	if code != 202 {
		t.Fatalf("create: %d %s", code, resp)
	}
	var b struct{ ID, State string }
	if err := json.Unmarshal([]byte(resp), &b); err != nil {
		t.Fatal(err)
	}
	return b.ID, b.State
}

// recipientIDs are the wa_ids of a broadcast's recipients.csv.
func (c *correctionServer) recipientIDs(t *testing.T, id string) []string {
	t.Helper()
	code, body := c.do(t, c.admin, "GET", "/admin/broadcasts/"+id+"/recipients.csv", "")
	if code != 200 {
		t.Fatalf("recipients of %s: %d %s", id, code, body)
	}
	var ids []string
	for _, line := range strings.Split(strings.TrimSpace(body), "\n")[1:] {
		ids = append(ids, strings.Split(line, ",")[1])
	}
	slices.Sort(ids)
	return ids
}

const wrongAddress = `{"name": "Shelter at the old school", "kind": "notice", "incident": "inc000001", "audience": {"tags_any": ["port"]},
 "templates": {"en": {"name": "port_notice", "language": "en_US", "body": [{"value": "{{name}}"}]}}}`

func correctionOf(of, extra string) string {
	return `{"name": "Correction: the shelter is the north school", "kind": "notice", "correction_of": "` + of + `"` + extra + `,
 "templates": {"en": {"name": "port_notice", "language": "en_US", "body": [{"value": "{{name}}"}]}}}`
}

// TestBroadcastCorrectionReachesWhoTheOriginalReached: a correction of a
// broadcast goes to the people it reached (sent, delivered, read,
// answered), not to those it failed for or never sent to; it is linked
// to the original in its record, the list, the audit log and the
// incident's timeline, and needs the same second admin as any broadcast.
func TestBroadcastCorrectionReachesWhoTheOriginalReached(t *testing.T) {
	c := newCorrectionServer(t)
	// Ahmed and Jane have WhatsApp; Maria's number has none (the sandbox
	// answers 131026, and there is no SMS fallback); Omar never opted
	// in, so the original never went to him.
	people := "phone,name,tags,opted_in\n+966501234567,Ahmed,port,yes\n+447700900123,Jane,port,yes\n+15550100123,Maria,port,yes\n+966501234599,Omar,port,no\n"
	if code, body := call(t, c.s, "POST", "/admin/contacts/import", c.admin, "text/csv", people); code != 200 {
		t.Fatalf("import: %d %s", code, body)
	}
	if code, body := c.do(t, c.admin, "POST", "/admin/incidents", `{"name": "Port storm", "kind": "flood", "audience": {"tags_any": ["port"]}}`); code != 201 {
		t.Fatalf("open incident: %d %s", code, body)
	}
	orig, state := c.create(t, c.admin, wrongAddress)
	if state != broadcast.StatePendingApproval {
		t.Fatalf("the original is %s, want pending_approval (3 people, approval above 1)", state)
	}

	// Bad input, each refused with a status and words that say why.
	refusals := []struct {
		label, body string
		code        int
		says        string
	}{
		{"an unknown broadcast", correctionOf("bc999999", ""), 404, "no such broadcast"},
		{"a broadcast not sent yet", correctionOf(orig, ""), 409, "never sent"},
		{"an audience of its own", correctionOf(orig, `, "audience": {"all": true}`), 400, "a correction goes to exactly the people"},
	}
	for _, r := range refusals {
		for _, path := range []string{"/admin/broadcasts", "/admin/broadcasts/preview"} {
			code, body := c.do(t, c.admin, "POST", path, r.body)
			if code != r.code || !strings.Contains(body, r.says) {
				t.Errorf("%s (%s): %d %s, want %d saying %q", r.label, path, code, body, r.code, r.says)
			}
		}
	}

	if code, body := c.do(t, c.second, "POST", "/admin/broadcasts/"+orig+"/approve", ""); code != 200 {
		t.Fatalf("approve the original: %d %s", code, body)
	}
	waitFor(t, "the original sent", func() bool {
		st := c.status(t, orig)
		return st.SentAt.After(time.Time{}) && st.Sent == 2 && st.Failed == 1
	})

	if code, body := c.do(t, c.admin, "GET", "/admin/broadcasts/"+orig+"/reached", ""); code != 200 || !strings.Contains(body, `"reached":2`) {
		t.Errorf("reached of the original: %d %s, want 2", code, body)
	}
	if code, body := c.do(t, c.admin, "GET", "/admin/broadcasts/bc999999/reached", ""); code != 404 {
		t.Errorf("reached of an unknown broadcast: %d %s, want 404", code, body)
	}
	code, body := c.do(t, c.admin, "POST", "/admin/broadcasts/preview", correctionOf(orig, ""))
	var pv broadcast.Preview
	if err := json.Unmarshal([]byte(body), &pv); code != 200 || err != nil || pv.Targeted != 2 || pv.CorrectionOf != orig {
		t.Fatalf("preview of the correction: %d %s, want 2 targeted", code, body)
	}
	if code, body := c.do(t, c.admin, "POST", "/admin/broadcasts", correctionOf(orig, `, "incident": "inc000002"`)); code != 400 || !strings.Contains(body, "incident") {
		t.Errorf("a correction in another incident: %d %s, want 400", code, body)
	}

	fix, state := c.create(t, c.admin, correctionOf(orig, ""))
	if state != broadcast.StatePendingApproval {
		t.Fatalf("the correction is %s, want pending_approval: the same approval rules as any broadcast", state)
	}
	if code, body := c.do(t, c.admin, "POST", "/admin/broadcasts/"+fix+"/approve", ""); code != 409 {
		t.Errorf("its creator approved the correction: %d %s", code, body)
	}
	if code, body := c.do(t, c.second, "POST", "/admin/broadcasts/"+fix+"/approve", ""); code != 200 {
		t.Fatalf("approve the correction: %d %s", code, body)
	}
	waitFor(t, "the correction sent", func() bool { st := c.status(t, fix); return st.Sent == 2 && !st.SentAt.IsZero() })
	if got, want := c.recipientIDs(t, fix), []string{"447700900123", "966501234567"}; !slices.Equal(got, want) {
		t.Errorf("the correction went to %v, want %v (Maria's message failed, Omar never got one)", got, want)
	}
	st := c.status(t, fix)
	if st.CorrectionOf != orig || st.Incident != "inc000001" || st.Targeted != 2 {
		t.Errorf("the correction's status: correction_of %q, incident %q, targeted %d", st.CorrectionOf, st.Incident, st.Targeted)
	}
	_, list := c.do(t, c.admin, "GET", "/admin/broadcasts", "")
	if !strings.Contains(list, `"correction_of":"`+orig+`"`) {
		t.Errorf("the list does not link the correction to %s: %s", orig, list)
	}
	says := "correction of " + orig + ": to the 2 people it reached"
	waitFor(t, "the correction in the audit log", func() bool {
		_, body := c.do(t, c.admin, "GET", "/admin/audit?action=broadcast.create&target="+fix, "")
		return strings.Contains(body, says)
	})
	_, tl := c.do(t, c.admin, "GET", "/admin/incidents/inc000001/timeline", "")
	if !strings.Contains(tl, says) {
		t.Errorf("the incident timeline does not show the correction: %s", tl)
	}
}
