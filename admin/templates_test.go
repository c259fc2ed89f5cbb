package admin

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot"
	"lifeline/bot/broadcast"
	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/templates"
)

func graphTemplate(name, lang, status, body string) map[string]any {
	return map[string]any{"name": name, "language": lang, "status": status, "category": "UTILITY",
		"components": []any{map[string]any{"type": "BODY", "text": body}}}
}

func TestTemplateRoutesAndTheBroadcastCheck(t *testing.T) {
	db, faq := openStore(t)
	graph := whatsapptest.NewServer(t)
	graph.SetTemplates(1,
		graphTemplate("safety_checkin", "en_US", "APPROVED", "Hello {{1}}, are you safe?"),
		graphTemplate("flood_notice", "en_US", "APPROVED", "{{1}}: flood warning in {{2}}."),
		graphTemplate("port_notice", "en_US", "PENDING", "Hello {{1}}, the port is closed."))
	client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: graph.URL, AccessToken: "tok"})
	tpls := templates.New(templates.Options{DB: db, Source: templates.Graph{Client: client, WABA: "102290129340398"}, Logger: zerolog.Nop()})
	sender := &bot.SandboxSender{}
	engine := bot.New(bot.Config{}, bot.Options{DB: db, Sender: sender, KB: faq, Learner: faq, Logger: zerolog.Nop()})
	svc := broadcast.New(broadcast.Config{RatePerNumber: 1000, Tick: 10 * time.Millisecond},
		broadcast.Options{DB: db, Sender: sender, Logger: zerolog.Nop(), Templates: tpls})
	engine.ObserveStatuses(svc)
	engine.ObserveStatuses(tpls)
	// WhatsApp is down at the start: the first sync fails, and nothing
	// is known until the sync asked for below.
	graph.FailTemplates(1, 503, 2)
	tpls.Start()
	if err := engine.Start(); err != nil {
		t.Fatal(err)
	}
	if err := svc.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close(); engine.Close(); tpls.Close() })
	admin, err := BootstrapToken(context.Background(), db, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	agent := "agent-token-0123456789"
	if _, err := SaveToken(context.Background(), db, agent, "desk", RoleAgent, time.Now()); err != nil {
		t.Fatal(err)
	}
	s := New(Deps{DB: db, Engine: engine, KB: faq, Logger: zerolog.Nop(), Broadcasts: svc, Templates: tpls})
	if code, body := call(t, s, "POST", "/admin/contacts/import", admin, "text/csv", incidentPeople); code != 200 {
		t.Fatalf("import: %d %s", code, body)
	}
	notice := func(name string, params ...string) string {
		var ps []string
		for _, p := range params {
			ps = append(ps, `{"value": "`+p+`"}`)
		}
		return `{"name": "n", "kind": "notice", "audience": {"all": true}, "templates": {"en": {"name": "` + name +
			`", "language": "en_US", "body": [` + strings.Join(ps, ",") + `]}}}`
	}
	steps := []struct {
		label        string
		method, path string
		token, body  string
		wantCode     int
		wantBody     []string
		wantNot      string
	}{
		{"no list yet", "GET", "/admin/templates", admin, "", 200, []string{`"templates":[]`, `"last_sync":null`}, ""},
		{"never synced: sent unchecked, with a warning", "POST", "/admin/broadcasts", admin, notice("anything"), 202, []string{`"warnings":["templates unchecked`}, ""},
		{"agents may not sync", "POST", "/admin/templates/sync", agent, "", 403, nil, ""},
		{"sync", "POST", "/admin/templates/sync", admin, "", 200, []string{`"templates":3`, `"approved":2`, `"source":"graph"`}, ""},
		{"the list", "GET", "/admin/templates", admin, "", 200, []string{`"name":"flood_notice"`, `"body_params":2`, `"status":"PENDING"`, `"last_sync":{`}, ""},
		{"approved, right parameters", "POST", "/admin/broadcasts", admin, notice("flood_notice", "{{name}}", "{{region}}"), 202, []string{`"id":"bc000002"`}, "warnings"},
		{"wrong number of parameters", "POST", "/admin/broadcasts", admin, notice("flood_notice", "{{name}}"), 400,
			[]string{"template flood_notice in language en_US takes 2 body parameters, the broadcast gives 1"}, ""},
		{"not approved", "POST", "/admin/broadcasts", admin, notice("port_notice", "{{name}}"), 400, []string{"template port_notice in language en_US is PENDING"}, ""},
		{"unknown template", "POST", "/admin/broadcasts", admin, notice("nope", "x"), 400, []string{"template nope in language en_US", "no such template"}, ""},
	}
	run := func(steps []struct {
		label        string
		method, path string
		token, body  string
		wantCode     int
		wantBody     []string
		wantNot      string
	}) {
		t.Helper()
		for _, st := range steps {
			ct := ""
			if st.body != "" {
				ct = "application/json"
			}
			code, body := call(t, s, st.method, st.path, st.token, ct, st.body)
			if code != st.wantCode {
				t.Fatalf("%s: %d %s, want %d", st.label, code, body, st.wantCode)
			}
			for _, w := range st.wantBody {
				if !strings.Contains(body, w) {
					t.Errorf("%s: answer %s lacks %s", st.label, body, w)
				}
			}
			if st.wantNot != "" && strings.Contains(body, st.wantNot) {
				t.Errorf("%s: answer %s has %s", st.label, body, st.wantNot)
			}
		}
	}
	run(steps)
	if got := graph.TemplateCalls(); len(got) != 4 {
		t.Fatalf("list calls %q, want the failed one at the start, then one per page of one", got)
	}

	// WhatsApp pauses safety_checkin: the webhook's status counts at once,
	// and the list is read again.
	webhook := fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","time":%d,
"changes":[{"field":"message_template_status_update","value":{"event":"PAUSED","message_template_id":1,
"message_template_name":"safety_checkin","message_template_language":"en_US","reason":"LOW_QUALITY"}}]}]}`, time.Now().Unix())
	graph.SetTemplates(0,
		graphTemplate("safety_checkin", "en_US", "PAUSED", "Hello {{1}}, are you safe?"),
		graphTemplate("flood_notice", "en_US", "APPROVED", "{{1}}: flood warning in {{2}}."))
	if err := engine.Accept([]byte(webhook)); err != nil {
		t.Fatal(err)
	}
	engine.WaitIdle()
	deadline := time.Now().Add(10 * time.Second)
	for len(graph.TemplateCalls()) < 5 {
		if time.Now().After(deadline) {
			t.Fatal("no sync after the template status webhook")
		}
		time.Sleep(5 * time.Millisecond)
	}
	graph.FailTemplates(1, 500, 2)
	run([]struct {
		label        string
		method, path string
		token, body  string
		wantCode     int
		wantBody     []string
		wantNot      string
	}{
		{"paused by the webhook", "POST", "/admin/broadcasts", admin, notice("safety_checkin", "{{name}}"), 400, []string{"template safety_checkin in language en_US is PAUSED"}, ""},
		{"a failed sync", "POST", "/admin/templates/sync", admin, "", 503, []string{"stored template list is unchanged"}, ""},
		{"still approved after it", "POST", "/admin/broadcasts", admin, notice("flood_notice", "a", "b"), 202, nil, "warnings"},
	})
}
