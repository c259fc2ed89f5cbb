package admin

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/admin/audit"
	"lifeline/bot"
	"lifeline/bot/broadcast"
	"lifeline/bot/whatsapp"
)

// graphSends is a fake Graph API: it answers every send with the Cloud
// API's success shape and remembers whom each went to.
type graphSends struct {
	mu sync.Mutex
	to []string
}

func (g *graphSends) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var o struct {
		To string `json:"to"`
	}
	_ = json.NewDecoder(r.Body).Decode(&o)
	g.mu.Lock()
	g.to = append(g.to, o.To)
	n := len(g.to)
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"messaging_product":"whatsapp","contacts":[{"input":"` + o.To + `","wa_id":"` + o.To + `"}],"messages":[{"id":"wamid.fake` + strings.Repeat("x", n) + `"}]}`))
}

func (g *graphSends) sent() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.to...)
}

// shiftClock is the real clock moved forward by what a test adds.
type shiftClock struct {
	mu    sync.Mutex
	shift time.Duration
}

func (c *shiftClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.shift)
}

func (c *shiftClock) add(d time.Duration) {
	c.mu.Lock()
	c.shift += d
	c.mu.Unlock()
}

type approvalServer struct {
	s                          *Server
	graph                      *graphSends
	clock                      *shiftClock
	admin, second, integration string
}

// newApprovalServer is the whole server sending broadcasts through the
// Graph API client to a fake Graph API, with two admins and an
// integration token.
func newApprovalServer(t *testing.T, cfg broadcast.Config) *approvalServer {
	t.Helper()
	db, faq := openStore(t)
	a := &approvalServer{graph: &graphSends{}, clock: &shiftClock{}}
	srv := httptest.NewServer(a.graph)
	t.Cleanup(srv.Close)
	sender := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: srv.URL, AccessToken: "test", HTTP: srv.Client()})
	engine := bot.New(bot.Config{}, bot.Options{DB: db, Sender: sender, KB: faq, Learner: faq, Logger: zerolog.Nop()})
	cfg.RatePerNumber, cfg.Tick = 1000, 10*time.Millisecond
	svc := broadcast.New(cfg, broadcast.Options{DB: db, Sender: sender, Logger: zerolog.Nop(), Now: a.clock.now})
	engine.Intercept(svc)
	engine.ObserveStatuses(svc)
	if err := engine.Start(); err != nil {
		t.Fatal(err)
	}
	if err := svc.Start(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var err error
	if a.admin, err = BootstrapToken(ctx, db, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	a.second, a.integration = "second-admin-token-0123456789", "integration-token-0123456789"
	if _, err := SaveToken(ctx, db, a.second, "duty officer", RoleAdmin, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := SaveToken(ctx, db, a.integration, "crm", RoleIntegration, time.Now()); err != nil {
		t.Fatal(err)
	}
	a.s = New(Deps{DB: db, Engine: engine, KB: faq, Logger: zerolog.Nop(), Broadcasts: svc})
	t.Cleanup(func() { svc.Close(); engine.Close() })
	people := "phone,name,tags,opted_in\n+966501234567,Ahmed,employees|riyadh,yes\n+447700900123,Jane,employees,yes\n"
	if code, body := call(t, a.s, "POST", "/admin/contacts/import", a.admin, "text/csv", people); code != 200 {
		t.Fatalf("import: %d %s", code, body)
	}
	return a
}

func noticeTo(tag string) string {
	return `{"name": "stay indoors", "kind": "notice", "audience": {"tags_any": ["` + tag + `"]},
	 "templates": {"en": {"name": "flood_notice", "language": "en_US", "body": [{"value": "{{name}}"}]}}}`
}

// create posts a broadcast and returns its id and state.
func (a *approvalServer) create(t *testing.T, token, body string) (string, string) {
	t.Helper()
	code, resp := call(t, a.s, "POST", "/admin/broadcasts", token, "application/json", body)
	if code != 202 {
		t.Fatalf("create: %d %s", code, resp)
	}
	var b struct{ ID, State string }
	if err := json.Unmarshal([]byte(resp), &b); err != nil {
		t.Fatal(err)
	}
	return b.ID, b.State
}

func (a *approvalServer) status(t *testing.T, id string) broadcast.Status {
	t.Helper()
	code, body := call(t, a.s, "GET", "/admin/broadcasts/"+id, a.admin, "", "")
	if code != 200 {
		t.Fatalf("status %s: %d %s", id, code, body)
	}
	var st broadcast.Status
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatal(err)
	}
	return st
}

// waitFor polls cond until it holds; the deadline only ends a broken test.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (a *approvalServer) audited(t *testing.T, id string) []audit.Entry {
	t.Helper()
	entries, _, err := a.s.audit.List(context.Background(), audit.Filter{Action: "broadcast."}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []audit.Entry
	for _, e := range entries {
		if e.Target == id {
			out = append(out, e)
		}
	}
	return out
}

func TestApprovalBySecondAdminOnly(t *testing.T) {
	a := newApprovalServer(t, broadcast.Config{Approval: true})
	id, state := a.create(t, a.admin, noticeTo("employees"))
	if state != broadcast.StatePendingApproval {
		t.Fatalf("created %s, want pending_approval", state)
	}
	// The approver reads what each language's recipients would get.
	code, body := call(t, a.s, "GET", "/admin/broadcasts/"+id+"/preview", a.second, "", "")
	if code != 200 || !strings.Contains(body, `"targeted":2`) || !strings.Contains(body, "flood_notice") {
		t.Fatalf("preview: %d %s", code, body)
	}
	steps := []struct {
		name, token, path string
		wantCode          int
		wantBody          string
	}{
		{"the creator cannot approve", a.admin, "approve", 409, "you created it"},
		{"nor reject", a.admin, "reject", 409, "you created it"},
		{"an integration token may not approve", a.integration, "approve", 403, ""},
	}
	for _, st := range steps {
		code, body := call(t, a.s, "POST", "/admin/broadcasts/"+id+"/"+st.path, st.token, "", "")
		if code != st.wantCode || !strings.Contains(body, st.wantBody) {
			t.Errorf("%s: %d %s, want %d with %q", st.name, code, body, st.wantCode, st.wantBody)
		}
	}
	if got := a.graph.sent(); len(got) != 0 || a.status(t, id).State != broadcast.StatePendingApproval {
		t.Fatalf("before approval: sends %v, state %s", got, a.status(t, id).State)
	}
	code, body = call(t, a.s, "POST", "/admin/broadcasts/"+id+"/approve", a.second, "", "")
	if code != 200 || !strings.Contains(body, `"decision":"approved"`) {
		t.Fatalf("approve: %d %s", code, body)
	}
	waitFor(t, "both sends", func() bool { return len(a.graph.sent()) == 2 })
	if code, body := call(t, a.s, "POST", "/admin/broadcasts/"+id+"/approve", a.second, "", ""); code != 409 || !strings.Contains(body, "cannot approve") {
		t.Errorf("second approval: %d %s, want 409", code, body)
	}
	var create, approve *audit.Entry
	for _, e := range a.audited(t, id) {
		switch e.Action {
		case "broadcast.create":
			create = &e
		case "broadcast.approve":
			if e.Detail != "" && approve == nil && strings.HasPrefix(e.Detail, "approved") {
				approve = &e
			}
		}
	}
	if create == nil || create.Role != RoleAdmin || !strings.Contains(create.Detail, "pending approval") {
		t.Fatalf("create entry %+v: want the creator with role admin and the pending approval", create)
	}
	if approve == nil || approve.Name != "duty officer" || approve.Role != RoleAdmin || !strings.Contains(approve.Detail, "created by bootstrap") {
		t.Fatalf("approve entry %+v: want the approver with role, naming the creator", approve)
	}
}

// TestApprovalForcedAboveAudienceSize: with the setting off, an audience
// above the threshold still waits, and nothing of it is sent meanwhile,
// while a small one goes at once; a rejection cancels it.
func TestApprovalForcedAboveAudienceSize(t *testing.T) {
	a := newApprovalServer(t, broadcast.Config{ApprovalAbove: 1})
	big, state := a.create(t, a.integration, noticeTo("employees"))
	if state != broadcast.StatePendingApproval {
		t.Fatalf("2 people above 1: %s, want pending_approval", state)
	}
	small, state := a.create(t, a.integration, noticeTo("riyadh"))
	if state == broadcast.StatePendingApproval {
		t.Fatalf("1 person: %s, want it to go without approval", state)
	}
	// The control loop handles the broadcasts in order of id each tick:
	// once the later one was sent, it has passed the pending one too.
	waitFor(t, "the small broadcast's send", func() bool { return a.status(t, small).Sent == 1 })
	if got := a.graph.sent(); len(got) != 1 || got[0] != "966501234567" {
		t.Fatalf("sends %v, want only the small broadcast's one", got)
	}
	if st := a.status(t, big); st.State != broadcast.StatePendingApproval || st.Approval == nil || !strings.Contains(st.Approval.Reason, "more than 1") {
		t.Fatalf("big broadcast %s %+v", st.State, st.Approval)
	}
	code, body := call(t, a.s, "POST", "/admin/broadcasts/"+big+"/reject", a.admin, "", "")
	if code != 200 || !strings.Contains(body, `"state":"cancelled"`) || !strings.Contains(body, `"decision":"rejected"`) {
		t.Fatalf("reject: %d %s", code, body)
	}
	if code, _ := call(t, a.s, "POST", "/admin/broadcasts/"+big+"/approve", a.second, "", ""); code != 409 {
		t.Errorf("approval after a rejection: %d, want 409", code)
	}
	if st := a.status(t, big); st.State != broadcast.StateCancelled || st.Sent != 0 {
		t.Fatalf("rejected broadcast %s sent %d", st.State, st.Sent)
	}
}

// TestApprovalExpires: nobody approved it within the window, so the
// control loop cancels it, and it can no longer be approved.
func TestApprovalExpires(t *testing.T) {
	a := newApprovalServer(t, broadcast.Config{Approval: true, ApprovalExpires: time.Hour})
	id, _ := a.create(t, a.integration, noticeTo("employees"))
	a.clock.add(59 * time.Minute)
	if st := a.status(t, id); st.State != broadcast.StatePendingApproval {
		t.Fatalf("before the hour: %s", st.State)
	}
	a.clock.add(2 * time.Minute)
	waitFor(t, "the expiry", func() bool { return a.status(t, id).State == broadcast.StateCancelled })
	st := a.status(t, id)
	if st.Approval == nil || st.Approval.Decision != broadcast.Expired {
		t.Fatalf("approval %+v, want expired", st.Approval)
	}
	if code, body := call(t, a.s, "POST", "/admin/broadcasts/"+id+"/approve", a.admin, "", ""); code != 409 || !strings.Contains(body, "cancelled") {
		t.Errorf("approval after expiry: %d %s, want 409", code, body)
	}
	found := false
	for _, e := range a.audited(t, id) {
		found = found || (e.Action == "broadcast.expire" && e.Actor == "system")
	}
	if !found || len(a.graph.sent()) != 0 {
		t.Fatalf("expire entry %v, sends %v", found, a.graph.sent())
	}
}

// TestTokenRequiresApproval: a token made with "requires_approval" has
// every broadcast it creates wait for a second admin, with the setting
// off and below the audience threshold, while another integration
// token's broadcast goes at once; the token's creation is audited with
// the setting, and a token that cannot create broadcasts refuses it.
func TestTokenRequiresApproval(t *testing.T) {
	a := newApprovalServer(t, broadcast.Config{ApprovalAbove: 100})
	cases := []struct {
		label, body string
		code        int
		want        string
	}{
		{"an integration token that requires approval", `{"name": "hr system", "role": "integration", "requires_approval": true}`, 201, `"requires_approval":true`},
		{"a viewer token cannot", `{"name": "grafana", "role": "viewer", "requires_approval": true}`, 400, "requires_approval"},
		{"not a boolean", `{"name": "x", "role": "integration", "requires_approval": "yes"}`, 400, "requires_approval"},
	}
	var hr string
	for _, c := range cases {
		code, body := call(t, a.s, "POST", "/admin/tokens", a.admin, "application/json", c.body)
		if code != c.code || !strings.Contains(body, c.want) {
			t.Fatalf("%s: %d %s, want %d with %q", c.label, code, body, c.code, c.want)
		}
		if code == 201 {
			var tok struct{ Secret string }
			if err := json.Unmarshal([]byte(body), &tok); err != nil {
				t.Fatal(err)
			}
			hr = tok.Secret
		}
	}
	if _, body := call(t, a.s, "GET", "/admin/tokens", a.admin, "", ""); strings.Contains(body, "grafana") {
		t.Errorf("a refused token was stored: %s", body)
	}

	held, state := a.create(t, hr, noticeTo("riyadh"))
	if state != broadcast.StatePendingApproval {
		t.Fatalf("the token's broadcast to 1 person is %s, want pending_approval", state)
	}
	free, state := a.create(t, a.integration, noticeTo("riyadh"))
	if state == broadcast.StatePendingApproval {
		t.Fatalf("another integration token's broadcast is %s, want it to go at once", state)
	}
	waitFor(t, "the other token's send", func() bool { return a.status(t, free).Sent == 1 })
	if st := a.status(t, held); st.State != broadcast.StatePendingApproval || st.Sent != 0 || st.Approval == nil || !strings.Contains(st.Approval.Reason, "token requires approval") {
		t.Fatalf("held broadcast %s sent %d, approval %+v", st.State, st.Sent, st.Approval)
	}
	if code, body := call(t, a.s, "POST", "/admin/broadcasts/"+held+"/approve", a.second, "", ""); code != 200 {
		t.Fatalf("approve: %d %s", code, body)
	}
	waitFor(t, "the approved send", func() bool { return a.status(t, held).Sent == 1 })

	entries, _, err := a.s.audit.List(context.Background(), audit.Filter{Action: "token.create"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || !strings.Contains(entries[0].Detail, "requires_approval=true") || !strings.Contains(entries[0].Detail, "name=hr system") {
		t.Errorf("token.create audit %+v, want one entry with the setting", entries)
	}
	var create *audit.Entry
	for _, e := range a.audited(t, held) {
		if e.Action == "broadcast.create" {
			create = &e
		}
	}
	if create == nil || create.Role != RoleIntegration || !strings.Contains(create.Detail, "token requires approval") {
		t.Errorf("create entry %+v: want the token, its role and why it waits", create)
	}
}
