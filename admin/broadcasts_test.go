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
)

// newBroadcastServer is the whole server with broadcasts, sending to the sandbox.
func newBroadcastServer(t *testing.T) (*Server, string, string) {
	t.Helper()
	db, faq := openStore(t)
	sender := &bot.SandboxSender{}
	engine := bot.New(bot.Config{}, bot.Options{DB: db, Sender: sender, KB: faq, Learner: faq, Logger: zerolog.Nop()})
	svc := broadcast.New(broadcast.Config{RatePerNumber: 1000, Tick: 10 * time.Millisecond}, broadcast.Options{DB: db, Sender: sender, Logger: zerolog.Nop()})
	engine.Intercept(svc)
	engine.ObserveStatuses(svc)
	engine.AddTranscriptSource(svc)
	sender.Report = engine.Ingest // the sandbox's phones report delivery, as in `lifeline serve`
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
	integration := "integration-token-0123456789"
	if _, err := SaveToken(context.Background(), db, integration, "crm", RoleIntegration, time.Now()); err != nil {
		t.Fatal(err)
	}
	s := New(Deps{DB: db, Engine: engine, KB: faq, Logger: zerolog.Nop(), Broadcasts: svc, Sandbox: true, SandboxRead: sender.ReadBy})
	t.Cleanup(func() { svc.Close(); engine.Close() })
	return s, admin, integration
}

func call(t *testing.T, s *Server, method, path, token, contentType, body string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.App().Test(req, 10000)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

const checkinJSON = `{"name": "storm", "kind": "checkin", "audience": {"tags_any": ["employees"]},
 "templates": {"en": {"name": "safety_checkin", "language": "en_US", "body": [{"value": "{{name}}"}]}}}`

func TestContactsImportAndBroadcastRoutes(t *testing.T) {
	s, admin, integration := newBroadcastServer(t)

	code, body := call(t, s, "POST", "/admin/contacts/import", admin, "text/csv", "phone,name,tags\n+966501234567,Ahmed,employees\nnot-a-phone,Bad,employees\n")
	if code != 400 || !strings.Contains(body, `"row":3`) || !strings.Contains(body, `"column":"phone"`) {
		t.Fatalf("bad import: %d %s", code, body)
	}
	code, body = call(t, s, "POST", "/admin/contacts/import", admin, "text/csv", "phone,name,tags,opted_in\n+966501234567,Ahmed,employees,yes\n447700900123,Jane,employees,yes\n")
	if code != 200 || !strings.Contains(body, `"created":2`) {
		t.Fatalf("import: %d %s", code, body)
	}
	if code, _ := call(t, s, "POST", "/admin/contacts/import", integration, "text/csv", "phone\n1\n"); code != 403 {
		t.Fatalf("integration token imported contacts: %d", code)
	}

	code, body = call(t, s, "POST", "/admin/broadcasts/preview", admin, "application/json", checkinJSON)
	if code != 200 || !strings.Contains(body, `"targeted":2`) || !strings.Contains(body, "Ahmed") && !strings.Contains(body, "Jane") {
		t.Fatalf("preview: %d %s", code, body)
	}
	if code, body := call(t, s, "POST", "/admin/broadcasts", admin, "application/json", `{"name": "x", "kind": "poll"}`); code != 400 {
		t.Fatalf("invalid broadcast: %d %s", code, body)
	}
	code, body = call(t, s, "POST", "/admin/broadcasts", integration, "application/json", checkinJSON)
	if code != 202 {
		t.Fatalf("integration start: %d %s", code, body)
	}
	var created struct{ ID string }
	_ = json.Unmarshal([]byte(body), &created)

	var st broadcast.Status
	deadline := time.Now().Add(10 * time.Second)
	for st.Sent < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("status never reached sent 2: %+v", st)
		}
		_, body = call(t, s, "GET", "/admin/broadcasts/"+created.ID, admin, "", "")
		_ = json.Unmarshal([]byte(body), &st)
		time.Sleep(5 * time.Millisecond)
	}
	if st.Targeted != 2 || st.Safe == nil || *st.NoResponse != 2 {
		t.Fatalf("status %s", body)
	}
	code, body = call(t, s, "GET", "/admin/broadcasts/"+created.ID+"/recipients.csv", admin, "", "")
	if code != 200 || strings.Count(body, "\n") != 3 || !strings.HasPrefix(body, "seq,wa_id,") {
		t.Fatalf("recipients.csv: %d\n%s", code, body)
	}
	if code, _ := call(t, s, "GET", "/admin/broadcasts/"+created.ID+"/recipients.csv", integration, "", ""); code != 403 {
		t.Fatalf("integration read recipients: %d", code)
	}
	if code, body := call(t, s, "POST", "/admin/broadcasts/"+created.ID+"/resume", admin, "", ""); code != 409 {
		t.Fatalf("resume of a running broadcast: %d %s", code, body)
	}
	if code, _ := call(t, s, "GET", "/admin/broadcasts/bc999999", admin, "", ""); code != 404 {
		t.Fatalf("unknown broadcast: %d", code)
	}
	if code, body := call(t, s, "POST", "/admin/broadcasts/"+created.ID+"/cancel", admin, "", ""); code != 200 || !strings.Contains(body, "cancelled") {
		t.Fatalf("cancel: %d %s", code, body)
	}
}

// In the sandbox the counts move as they would on WhatsApp: delivered as
// soon as the check-in is sent, read once the person writes back.
func TestSandboxCheckinCountsDeliveryAndReading(t *testing.T) {
	s, admin, _ := newBroadcastServer(t)
	if code, body := call(t, s, "POST", "/admin/contacts/import", admin, "text/csv", "phone,name,tags,opted_in\n+966501234567,Ahmed,employees,yes\n"); code != 200 {
		t.Fatalf("import: %d %s", code, body)
	}
	if code, body := call(t, s, "POST", "/admin/broadcasts", admin, "application/json", checkinJSON); code != 202 {
		t.Fatalf("create: %d %s", code, body)
	}
	counts := func() map[string]any {
		_, body := call(t, s, "GET", "/admin/broadcasts/bc000001", admin, "", "")
		var st map[string]any
		if err := json.Unmarshal([]byte(body), &st); err != nil {
			t.Fatal(err)
		}
		return st
	}
	waitFor := func(what string, ok func(st map[string]any) bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; {
			st := counts()
			if ok(st) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: %v", what, st)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitFor("delivered, not read", func(st map[string]any) bool { return st["delivered"] == 1.0 && st["read"] == 0.0 })
	if code, body := call(t, s, "POST", "/sandbox/messages", "", "application/json", `{"from": "966501234567", "text": "safe"}`); code != 200 {
		t.Fatalf("answer: %d %s", code, body)
	}
	waitFor("read and safe", func(st map[string]any) bool { return st["read"] == 1.0 && st["safe"] == 1.0 })
}

// TestEachBroadcastRequestLeavesOneAuditEntry: the broadcast service
// writes its own entries (with what the broadcast reaches, in the
// transaction that stores it) and the route middleware records the
// requests it refused; one request is never recorded twice.
func TestEachBroadcastRequestLeavesOneAuditEntry(t *testing.T) {
	s, admin, integration := newBroadcastServer(t)
	if code, body := call(t, s, "POST", "/admin/contacts/import", admin, "text/csv", "phone,name,tags,opted_in\n+966501234567,Ahmed,employees,yes\n"); code != 200 {
		t.Fatalf("import: %d %s", code, body)
	}
	later := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	scheduled := strings.Replace(checkinJSON, `"kind": "checkin",`, `"kind": "checkin", "start_at": "`+later+`",`, 1)
	ctx := context.Background()
	audited := func() []audit.Entry {
		t.Helper()
		entries, _, err := s.audit.List(ctx, audit.Filter{Action: "broadcast."}, 0)
		if err != nil {
			t.Fatal(err)
		}
		return entries
	}
	id := ""
	cases := []struct {
		name       string
		token      string
		path, body string // path "{id}" is the broadcast created first
		wantCode   int
		wantAction string
		wantDetail string // part of the entry's detail
	}{
		{"create", integration, "/admin/broadcasts", scheduled, 202, "broadcast.create", "checkin \"storm\" to tags any of employees"},
		{"create refused", admin, "/admin/broadcasts", `{"name": "x", "kind": "poll"}`, 400, "broadcast.create", ""},
		{"pause", admin, "/admin/broadcasts/{id}/pause", "", 200, "broadcast.pause", ""},
		{"pause refused: paused already", admin, "/admin/broadcasts/{id}/pause", "", 409, "broadcast.pause", ""},
		{"resume", admin, "/admin/broadcasts/{id}/resume", "", 200, "broadcast.resume", ""},
		{"cancel", admin, "/admin/broadcasts/{id}/cancel", "", 200, "broadcast.cancel", ""},
	}
	for _, tc := range cases {
		before := len(audited())
		code, body := call(t, s, "POST", strings.Replace(tc.path, "{id}", id, 1), tc.token, "application/json", tc.body)
		if code != tc.wantCode {
			t.Fatalf("%s: %d %s, want %d", tc.name, code, body, tc.wantCode)
		}
		if id == "" {
			var created struct{ ID string }
			if err := json.Unmarshal([]byte(body), &created); err != nil || created.ID == "" {
				t.Fatalf("%s: no id in %s", tc.name, body)
			}
			id = created.ID
		}
		after := audited()
		if n := len(after) - before; n != 1 {
			t.Errorf("%s left %d audit entries, want exactly 1: %+v", tc.name, n, after[:len(after)-before])
			continue
		}
		e := after[0] // newest first
		if e.Action != tc.wantAction || !strings.Contains(e.Detail, tc.wantDetail) {
			t.Errorf("%s: entry %+v, want action %s with detail containing %q", tc.name, e, tc.wantAction, tc.wantDetail)
		}
	}
}
