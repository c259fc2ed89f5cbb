package admin

import (
	"context"
	"strings"
	"testing"
	"time"

	"lifeline/bot"
	"lifeline/store"
	"lifeline/templates"
)

// TestCannedReplyRoutes is the canned reply API as a specification:
// agents read, admins write, every bad body is told why, and every
// change is in the audit log.
func TestCannedReplyRoutes(t *testing.T) {
	s := newAgentServer(t, bot.Config{})
	amira := s.agent("amira", RoleAgent)
	boss := s.agent("boss", RoleAdmin)
	greeting := map[string]any{"lang": "en", "title": "Greeting", "text": "Hello {name}, I am {agent}."}
	cases := []struct {
		label, method, path string
		who                 creds
		body                any
		want                int
		contains            string
	}{
		{"nobody", "GET", "/admin/canned-replies", creds{}, nil, 401, ""},
		{"empty list", "GET", "/admin/canned-replies", amira, nil, 200, `"canned_replies":[]`},
		{"the list names the variables", "GET", "/admin/canned-replies", amira, nil, 200, `"position":`},
		{"agent may not add", "POST", "/admin/canned-replies", amira, greeting, 403, ""},
		{"admin adds", "POST", "/admin/canned-replies", boss, greeting, 201, `"id":"cr000001"`},
		{"admin adds in Arabic", "POST", "/admin/canned-replies", boss, map[string]any{"lang": "AR", "text": "مرحباً {name}، أنت رقم {position} في الانتظار."}, 201, `"lang":"ar"`},
		{"a title defaults to the text's start", "POST", "/admin/canned-replies", boss, map[string]any{"lang": "en", "text": "Can you share your location, please? It helps us find you."}, 201, `"title":"Can you share your location…"`},
		{"unknown field named", "POST", "/admin/canned-replies", boss, map[string]any{"lang": "en", "text": "x", "language": "en"}, 400, "language"},
		{"unknown variable named", "POST", "/admin/canned-replies", boss, map[string]any{"lang": "en", "text": "Hello {firstname}"}, 400, "unknown variable {firstname}"},
		{"no text", "POST", "/admin/canned-replies", boss, map[string]any{"lang": "en", "text": "  "}, 400, `is missing`},
		{"bad language", "POST", "/admin/canned-replies", boss, map[string]any{"lang": "english", "text": "hi"}, 400, "language code"},
		{"too long", "POST", "/admin/canned-replies", boss, map[string]any{"lang": "en", "text": strings.Repeat("a", 1025)}, 400, "longer than 1024"},
		{"agent reads one language", "GET", "/admin/canned-replies?lang=ar", amira, nil, 200, "مرحباً {name}"},
		{"admin edits", "PUT", "/admin/canned-replies/cr000001", boss, map[string]any{"lang": "en", "title": "Hi", "text": "Hi {name}, {agent} here."}, 200, `"updated_by":"boss"`},
		{"edit keeps the rules", "PUT", "/admin/canned-replies/cr000001", boss, map[string]any{"lang": "en", "text": "Hi {nme}"}, 400, "{nme}"},
		{"edit a missing one", "PUT", "/admin/canned-replies/cr999999", boss, greeting, 404, "cr999999"},
		{"agent may not delete", "DELETE", "/admin/canned-replies/cr000001", amira, nil, 403, ""},
		{"admin deletes", "DELETE", "/admin/canned-replies/cr000001", boss, nil, 204, ""},
		{"delete twice", "DELETE", "/admin/canned-replies/cr000001", boss, nil, 404, ""},
	}
	for _, c := range cases {
		r := s.call(c.method, c.path, c.who, c.body)
		if r.code != c.want || !strings.Contains(r.raw, c.contains) {
			t.Errorf("%s: %s %s = %d %s; want %d containing %q", c.label, c.method, c.path, r.code, r.raw, c.want, c.contains)
		}
	}
	r := s.expect(s.call("GET", "/admin/canned-replies?lang=en", amira, nil), 200, "list")
	if got := len(r.body["canned_replies"].([]any)); got != 1 {
		t.Errorf("English replies after one deleted = %d, want 1: %s", got, r.raw)
	}

	actions := map[string]int{}
	err := s.db.Read(context.Background(), func(rd store.Reader) error {
		es, _, err := store.ListAudit(context.Background(), rd, store.AuditFilter{Action: "canned."}, 1000)
		for _, e := range es {
			actions[e.Action+" "+e.Actor]++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"canned.create boss", "canned.update boss", "canned.delete boss"} {
		if actions[a] == 0 {
			t.Errorf("no %q in the audit log: %v", a, actions)
		}
	}
}

// TestAgentTemplatesAreCheckedAgainstTheSyncedList: once the window has
// closed an agent may send a template only if it is approved in the
// person's language and given its parameters; each refusal says why.
func TestAgentTemplatesAreCheckedAgainstTheSyncedList(t *testing.T) {
	var svc *templates.Service
	s := newAgentServer(t, bot.Config{}, func(d *Deps) {
		svc = templates.New(templates.Options{DB: d.DB, Logger: d.Logger, Now: d.Now})
		d.Templates = svc
	})
	now := s.clock.Now()
	list := []store.Template{
		{Name: "follow_up", Language: "en_US", Status: "APPROVED", Body: "Hello {{1}}, are you safe?", BodyParams: 1, UpdatedAt: now},
		{Name: "follow_up", Language: "ar", Status: "APPROVED", Body: "مرحباً {{1}}", BodyParams: 1, UpdatedAt: now},
		{Name: "french_only", Language: "fr", Status: "APPROVED", Body: "Bonjour", UpdatedAt: now},
		{Name: "on_hold", Language: "en", Status: "PAUSED", Body: "Hello", UpdatedAt: now},
	}
	err := s.db.WriteAny(context.Background(), func(w store.Writer) error {
		return store.ReplaceTemplates(context.Background(), w, list, store.TemplateSync{At: now, Source: "test", Templates: len(list)})
	})
	if err != nil {
		t.Fatal(err)
	}
	alice := s.agent("alice", RoleAgent)
	const user = "15550004444"
	s.say(user, "I need a person")
	s.expect(s.call("POST", "/admin/handoffs/"+user+"/claim", alice, nil), 200, "claim")
	s.clock.Add(25 * time.Hour)
	alice = s.login("alice")

	r := s.expect(s.call("GET", "/admin/templates", alice, nil), 200, "agents read the template list")
	if !strings.Contains(r.raw, `"body_params":1`) || !strings.Contains(r.raw, "french_only") {
		t.Fatalf("template list for agents = %s", r.raw)
	}
	tpl := func(name, lang string, params ...string) map[string]any {
		t := map[string]any{"name": name, "language": lang}
		if len(params) > 0 {
			var ps []map[string]any
			for _, p := range params {
				ps = append(ps, map[string]any{"type": "text", "text": p})
			}
			t["components"] = []map[string]any{{"type": "body", "parameters": ps}}
		}
		return map[string]any{"template": t}
	}
	cases := []struct {
		label    string
		body     map[string]any
		want     int
		contains string
	}{
		{"not in the list", tpl("no_such", "en"), 400, `no approved template \"no_such\"`},
		{"not approved in that language", tpl("follow_up", "fr", "Sam"), 409, "not approved in fr: it is approved only in ar, en_US"},
		{"in another language than the person's", tpl("follow_up", "ar", "سام"), 409, "this person writes in en"},
		{"only in another language", tpl("french_only", "fr"), 409, "this person writes in en"},
		{"paused", tpl("on_hold", "en"), 409, "is paused in en, not approved"},
		{"a parameter missing", tpl("follow_up", "en_US"), 400, "takes 0 header and 1 body parameters, got 0 and 0"},
		{"an empty parameter", tpl("follow_up", "en_US", " "), 400, "body parameter 1 is empty"},
		{"approved, in the person's language, filled", tpl("follow_up", "en_US", "Sam"), 202, `"type":"template"`},
	}
	for _, c := range cases {
		r := s.call("POST", "/admin/handoffs/"+user+"/messages", alice, c.body)
		if r.code != c.want || !strings.Contains(r.raw, c.contains) {
			t.Errorf("%s: = %d %s; want %d containing %q", c.label, r.code, r.raw, c.want, c.contains)
		}
	}
	s.sentTo(user, `"text":"Sam"`)
}

// TestConversationSearch: the search box finds people by number, name
// or words; an agent finds only what they may read.
func TestConversationSearch(t *testing.T) {
	s := newAgentServer(t, bot.Config{})
	alice := s.agent("alice", RoleAgent)
	bob := s.agent("bob", RoleAgent)
	s.say("15550001111", "I need a person, the water is rising near the bakery")
	s.expect(s.call("POST", "/admin/handoffs/15550001111/claim", alice, nil), 200, "alice claims")
	s.say("15550002222", "talk to a human please, my roof leaks")
	s.say("15550003333", "hello") // no handoff: admins only

	hits := func(who creds, q string) string {
		r := s.expect(s.call("GET", "/admin/search?q="+q, who, nil), 200, "search "+q)
		var users []string
		for _, h := range r.body["results"].([]any) {
			m := h.(map[string]any)
			users = append(users, m["user"].(string)[7:]+":"+m["match"].(string))
		}
		return strings.Join(users, " ")
	}
	cases := []struct {
		label string
		who   creds
		q     string
		want  string
	}{
		{"words in the owner's conversation", alice, "water+bakery", "1111:message"},
		{"another agent's conversation is not found", bob, "water+bakery", ""},
		{"a waiting conversation is found by any agent", bob, "roof", "2222:message"},
		{"by number", bob, "555000222", "2222:number"},
		{"by name", alice, "test", "1111:name 2222:name"},
		{"admins find people without a handoff", bearer(s.admin), "15550003333", "3333:number"},
		{"an agent does not", bob, "15550003333", ""},
		{"case does not matter", alice, "WATER", "1111:message"},
	}
	for _, c := range cases {
		if got := hits(c.who, c.q); got != c.want {
			t.Errorf("%s: search %q found %q, want %q", c.label, c.q, got, c.want)
		}
	}
	for _, bad := range []string{"", "a", "water&limit=0", "water&limit=x"} {
		if r := s.call("GET", "/admin/search?q="+bad, alice, nil); r.code != 400 {
			t.Errorf("search %q = %d %s, want 400", bad, r.code, r.raw)
		}
	}
}
