package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot"
	"lifeline/bot/clocktest"
	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/store"
)

const (
	agentPhoneID  = "100200300400500"
	agentPassword = "correct horse battery"
)

// agentServer is the whole server with real WhatsApp sending to a fake
// Graph API, a fixed clock, agent accounts and tokens.
type agentServer struct {
	*Server
	t      *testing.T
	db     *store.DB
	engine *bot.Engine
	graph  *whatsapptest.Server
	clock  *clocktest.Clock
	admin  string // bootstrap admin token
	viewer string // a token whose role may do none of this
	seq    int
}

func newAgentServer(t *testing.T, cfg bot.Config, opts ...func(*Deps)) *agentServer {
	t.Helper()
	db, faq := openStore(t)
	graph := whatsapptest.NewServer(t)
	clock := clocktest.New(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: graph.URL, Version: "v23.0", AccessToken: "test-token", Timeout: 5 * time.Second})
	cfg.PhoneNumberIDs = []string{agentPhoneID}
	cfg.RatePerNumber = 1000
	engine := bot.New(cfg, bot.Options{DB: db, Sender: client, KB: faq, Learner: faq, Logger: zerolog.Nop(), Now: clock.Now})
	if err := engine.Start(); err != nil {
		t.Fatal(err)
	}
	admin, err := BootstrapToken(context.Background(), db, "", clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	viewer, _ := NewSecret()
	if _, err := SaveToken(context.Background(), db, viewer, "viewer", RoleViewer, clock.Now()); err != nil {
		t.Fatal(err)
	}
	deps := Deps{DB: db, Engine: engine, KB: faq, Logger: zerolog.Nop(), Now: clock.Now,
		Webhook: WebhookConfig{Enabled: true, VerifyToken: "verify", AppSecret: "secret"}}
	for _, o := range opts {
		o(&deps)
	}
	s := New(deps)
	t.Cleanup(func() { engine.Close() })
	return &agentServer{Server: s, t: t, db: db, engine: engine, graph: graph, clock: clock, admin: admin, viewer: viewer}
}

// creds is how a request authenticates: a bearer token or a session cookie.
type creds struct{ token, cookie string }

func bearer(tok string) creds { return creds{token: tok} }

type response struct {
	code   int
	body   map[string]any
	header http.Header
	raw    string
}

func (s *agentServer) call(method, path string, c creds, body any, hdr ...string) response {
	s.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, path, r)
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.cookie != "" {
		req.Header.Set("Cookie", sessionCookie+"="+c.cookie)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := s.App().Test(req, 15000)
	if err != nil {
		s.t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	out := response{code: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &out.body)
	return out
}

// agent creates an account through the API with the admin token, logs
// it in and returns its session cookie.
func (s *agentServer) agent(id, role string) creds {
	s.t.Helper()
	if r := s.call("POST", "/admin/agents", bearer(s.admin), map[string]any{"id": id, "name": strings.ToUpper(id[:1]) + id[1:], "role": role, "password": agentPassword}); r.code != 201 {
		s.t.Fatalf("create agent %s = %d %s", id, r.code, r.raw)
	}
	return s.login(id)
}

// login starts a new console session for an existing account.
func (s *agentServer) login(id string) creds {
	s.t.Helper()
	r := s.expect(s.call("POST", "/admin/login", creds{}, map[string]any{"user": id, "password": agentPassword}), 200, "login "+id)
	return creds{cookie: sessionFrom(s.t, r.header)}
}

func sessionFrom(t *testing.T, h http.Header) string {
	t.Helper()
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			return c.Value
		}
	}
	t.Fatalf("no %s cookie in %v", sessionCookie, h.Values("Set-Cookie"))
	return ""
}

// say sends a user's text through the engine and returns the bot's replies.
func (s *agentServer) say(user, text string) []whatsapp.Outbound {
	s.t.Helper()
	s.seq++
	out, err := s.engine.Submit(whatsapp.Message{ID: fmt.Sprintf("wamid.IN%d", s.seq), From: user, Name: "Test", Type: "text", Text: text,
		Timestamp: s.clock.Now(), PhoneNumberID: agentPhoneID}, 10*time.Second)
	if err != nil {
		s.t.Fatalf("say %q: %v", text, err)
	}
	return out
}

func texts(out []whatsapp.Outbound) string {
	var b []string
	for _, o := range out {
		b = append(b, o.Text)
	}
	return strings.Join(b, " | ")
}

// sentTo waits until the fake Graph API has received a message to user
// whose JSON contains want.
func (s *agentServer) sentTo(user, want string) {
	s.t.Helper()
	for n := 1; ; n++ {
		msgs := s.graph.WaitMessages(s.t, n, 10*time.Second)
		m := msgs[n-1]
		if m.To == user && strings.Contains(string(m.Raw), want) {
			return
		}
	}
}

func (s *agentServer) expect(r response, code int, what string) response {
	s.t.Helper()
	if r.code != code {
		s.t.Fatalf("%s = %d %s, want %d", what, r.code, r.raw, code)
	}
	return r
}

func TestHandoffLifecycle(t *testing.T) {
	s := newAgentServer(t, bot.Config{})
	alice, bob := s.agent("alice", RoleAgent), s.agent("bob", RoleAgent)
	const user = "15550001111"

	out := s.say(user, "I need a person")
	if got := texts(out); !strings.Contains(got, "A person from our team") || !strings.Contains(got, "You are next in the queue.") ||
		!strings.Contains(got, "We cannot estimate the wait yet") {
		t.Fatalf("asking for a person: replies %q; want the handoff text, the place in the queue and an honest estimate", got)
	}

	r := s.expect(s.call("GET", "/admin/handoffs?status=waiting", alice, nil), 200, "list waiting")
	hs := r.body["handoffs"].([]any)
	if len(hs) != 1 {
		t.Fatalf("waiting handoffs = %d, want 1", len(hs))
	}
	h := hs[0].(map[string]any)
	if h["id"] != user || h["position"] != 1.0 || h["first_message"] != "I need a person" || h["window_open"] != true {
		t.Fatalf("waiting handoff = %v", h)
	}
	s.expect(s.call("GET", "/admin/handoffs?status=nonsense", alice, nil), 400, "list with a bad status")

	// The FAQ keeps answering while the user waits.
	if out := s.say(user, "hello"); len(out) == 0 {
		t.Fatal("while waiting, the bot must keep answering")
	}

	r = s.expect(s.call("POST", "/admin/handoffs/"+user+"/claim", alice, nil), 200, "alice claims")
	if r.body["status"] != "active" || r.body["agent"] != "alice" {
		t.Fatalf("claimed handoff = %v", r.body)
	}
	s.expect(s.call("POST", "/admin/handoffs/"+user+"/claim", alice, nil), 200, "alice claims again (no-op)")
	r = s.expect(s.call("POST", "/admin/handoffs/"+user+"/claim", bob, nil), 409, "bob claims alice's")
	if !strings.Contains(r.body["error"].(string), "alice") {
		t.Errorf("conflict message %q does not say who owns it", r.body["error"])
	}
	if out := s.say(user, "are you there?"); len(out) != 0 {
		t.Fatalf("while an agent owns the conversation the bot said %q", texts(out))
	}

	s.expect(s.call("POST", "/admin/handoffs/"+user+"/messages", alice, map[string]any{"text": "Hello, I am Alice. Are you safe?"}), 202, "alice replies")
	s.sentTo(user, "Hello, I am Alice. Are you safe?")
	s.expect(s.call("POST", "/admin/handoffs/"+user+"/messages", bob, map[string]any{"text": "hi"}), 409, "bob replies in alice's conversation")
	s.expect(s.call("POST", "/admin/handoffs/"+user+"/messages", alice, map[string]any{}), 400, "empty reply")
	s.expect(s.call("POST", "/admin/handoffs/"+user+"/notes", bob, map[string]any{"text": "Family of four, ground floor"}), 201, "bob adds a note")
	s.expect(s.call("POST", "/admin/handoffs/"+user+"/notes", bob, map[string]any{"text": " "}), 400, "empty note")

	s.expect(s.call("GET", "/admin/handoffs/"+user, bob, nil), 403, "bob reads alice's conversation")
	r = s.expect(s.call("GET", "/admin/handoffs/"+user, alice, nil), 200, "detail")
	notes := r.body["notes"].([]any)
	if len(notes) != 1 || notes[0].(map[string]any)["text"] != "Family of four, ground floor" {
		t.Fatalf("notes = %v", notes)
	}
	var authors []string
	for _, m := range r.body["messages"].([]any) {
		authors = append(authors, m.(map[string]any)["author"].(string))
	}
	if all := strings.Join(authors, ","); !strings.Contains(all, "user") || !strings.Contains(all, "bot") || !strings.Contains(all, "agent:alice") {
		t.Fatalf("transcript authors %v: want the user, the bot and alice", authors)
	}

	s.expect(s.call("POST", "/admin/handoffs/"+user+"/transfer", bob, map[string]any{"to": "bob"}), 409, "bob transfers alice's to himself")
	s.expect(s.call("POST", "/admin/handoffs/"+user+"/transfer", alice, map[string]any{"to": "nobody"}), 400, "transfer to an unknown agent")
	r = s.expect(s.call("POST", "/admin/handoffs/"+user+"/transfer", alice, map[string]any{"to": "bob"}), 200, "alice transfers to bob")
	if r.body["agent"] != "bob" {
		t.Fatalf("after transfer agent = %v", r.body["agent"])
	}
	s.expect(s.call("POST", "/admin/handoffs/"+user+"/messages", alice, map[string]any{"text": "still me"}), 409, "alice replies after transferring")
	s.expect(s.call("POST", "/admin/handoffs/"+user+"/release", alice, nil), 409, "alice releases bob's")

	r = s.expect(s.call("POST", "/admin/handoffs/"+user+"/release", bob, nil), 200, "bob releases")
	if r.body["status"] != "closed" || r.body["outcome"] != "released" {
		t.Fatalf("released handoff = %v", r.body)
	}
	if out := s.say(user, "hello"); !strings.Contains(texts(out), "Hello") {
		t.Fatalf("after release the bot must answer again; got %q", texts(out))
	}
	s.expect(s.call("POST", "/admin/handoffs/"+user+"/claim", alice, nil), 409, "claim a released handoff")

	// Asking again opens a fresh handoff; an admin may close someone else's.
	s.say(user, "agent")
	s.expect(s.call("POST", "/admin/handoffs/"+user+"/claim", alice, nil), 200, "alice claims the new handoff")
	s.expect(s.call("POST", "/admin/handoffs/"+user+"/close", bob, map[string]any{"outcome": "resolved"}), 409, "bob closes alice's")
	s.expect(s.call("POST", "/admin/handoffs/"+user+"/close", alice, map[string]any{}), 400, "close without an outcome")
	r = s.expect(s.call("POST", "/admin/handoffs/"+user+"/close", bearer(s.admin), map[string]any{"outcome": "resolved"}), 200, "admin closes")
	if r.body["status"] != "closed" || r.body["outcome"] != "resolved" {
		t.Fatalf("closed handoff = %v", r.body)
	}
	s.expect(s.call("POST", "/admin/handoffs/"+user+"/close", alice, map[string]any{"outcome": "again"}), 409, "close a closed handoff")
	r = s.expect(s.call("GET", "/admin/handoffs?status=closed", alice, nil), 200, "list closed")
	if hs := r.body["handoffs"].([]any); len(hs) != 1 || hs[0].(map[string]any)["outcome"] != "resolved" {
		t.Fatalf("closed handoffs = %v", hs)
	}
	if out := s.say(user, "hello"); len(out) == 0 {
		t.Fatal("after close the bot must answer again")
	}
	s.expect(s.call("POST", "/admin/handoffs/15559999999/claim", alice, nil), 404, "claim an unknown handoff")
}

func TestQueueOrderAndPlaceUpdates(t *testing.T) {
	s := newAgentServer(t, bot.Config{})
	alice := s.agent("alice", RoleAgent)
	s.say("15550000001", "I need a person")
	s.clock.Add(time.Minute)
	s.say("15550000002", "human")
	s.clock.Add(time.Minute)
	if err := s.desk.Request("15550000003", "need_help", true); err != nil {
		t.Fatal(err)
	}
	r := s.expect(s.call("GET", "/admin/handoffs", alice, nil), 200, "list")
	var order []string
	for _, h := range r.body["handoffs"].([]any) {
		order = append(order, h.(map[string]any)["id"].(string))
	}
	if strings.Join(order, ",") != "15550000003,15550000001,15550000002" {
		t.Fatalf("queue order %v: want the priority one first, then the longest waiting", order)
	}

	// Claims teach the estimate; the third user moves from 2nd to next
	// and is told, with a range rather than a number of minutes.
	s.clock.Add(4 * time.Minute)
	s.expect(s.call("POST", "/admin/handoffs/15550000003/claim", alice, nil), 200, "claim")
	s.clock.Add(time.Minute)
	s.expect(s.call("POST", "/admin/handoffs/15550000001/claim", alice, nil), 200, "claim")
	s.sentTo("15550000002", "Update: You are next in the queue. The wait is likely")

	s.clock.Add(10 * time.Minute)
	r = s.expect(s.call("GET", "/admin/handoffs?status=waiting", alice, nil), 200, "list")
	if h := r.body["handoffs"].([]any)[0].(map[string]any); h["overdue"] != true {
		t.Fatalf("a handoff waiting 17 minutes is not flagged overdue: %v", h)
	}
}

func TestTwoAgentsClaimingAtOnceExactlyOneWins(t *testing.T) {
	s := newAgentServer(t, bot.Config{})
	alice, bob := s.agent("alice", RoleAgent), s.agent("bob", RoleAgent)
	for i := range 10 {
		user := fmt.Sprintf("1555000200%d", i)
		s.say(user, "I need a person")
		start := make(chan struct{})
		codes := make([]int, 2)
		var wg sync.WaitGroup
		for j, who := range []creds{alice, bob} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				codes[j] = s.call("POST", "/admin/handoffs/"+user+"/claim", who, nil).code
			}()
		}
		close(start)
		wg.Wait()
		if !(codes[0] == 200 && codes[1] == 409) && !(codes[0] == 409 && codes[1] == 200) {
			t.Fatalf("round %d: claim codes %v, want exactly one 200 and one 409", i, codes)
		}
		r := s.call("GET", "/admin/handoffs/"+user, bearer(s.admin), nil)
		winner := map[bool]string{true: "alice", false: "bob"}[codes[0] == 200]
		if r.body["agent"] != winner {
			t.Fatalf("round %d: owner %v, want the winner %s", i, r.body["agent"], winner)
		}
	}
}

func TestAgentReplyOutsideTheWindowNeedsATemplate(t *testing.T) {
	s := newAgentServer(t, bot.Config{ReengageTemplate: &whatsapp.Template{Name: "follow_up", Language: "en"}})
	alice := s.agent("alice", RoleAgent)
	const user = "15550003333"
	s.say(user, "I need a person")
	s.expect(s.call("POST", "/admin/handoffs/"+user+"/claim", alice, nil), 200, "claim")
	s.clock.Add(25 * time.Hour)
	alice = s.login("alice") // the session of yesterday has expired

	r := s.expect(s.call("GET", "/admin/handoffs/"+user, alice, nil), 200, "detail")
	if r.body["window_open"] != false {
		t.Fatalf("window_open = %v after 25 hours", r.body["window_open"])
	}
	if tpls := r.body["templates"].([]any); len(tpls) != 1 {
		t.Fatalf("templates offered = %v, want the configured one", tpls)
	}
	r = s.expect(s.call("POST", "/admin/handoffs/"+user+"/messages", alice, map[string]any{"text": "Are you still there?"}), 409, "free text after 24 hours")
	if msg := r.body["error"].(string); !strings.Contains(msg, "24-hour window") || !strings.Contains(msg, "template") {
		t.Fatalf("409 message %q must say the window closed and to use a template", msg)
	}
	s.expect(s.call("POST", "/admin/handoffs/"+user+"/messages", alice,
		map[string]any{"template": map[string]any{"name": "follow_up", "language": "en"}}), 202, "template after 24 hours")
	s.sentTo(user, `"name":"follow_up"`)
}

func TestHandoffRoutesCheckRoles(t *testing.T) {
	s := newAgentServer(t, bot.Config{})
	agent := s.agent("alice", RoleAgent)
	routes := []struct{ method, path string }{
		{"GET", "/admin/handoffs"},
		{"GET", "/admin/handoffs/15550001111"},
		{"POST", "/admin/handoffs/15550001111/claim"},
		{"POST", "/admin/handoffs/15550001111/messages"},
		{"POST", "/admin/handoffs/15550001111/notes"},
		{"POST", "/admin/handoffs/15550001111/transfer"},
		{"POST", "/admin/handoffs/15550001111/release"},
		{"POST", "/admin/handoffs/15550001111/close"},
		{"GET", "/admin/events"},
		{"GET", "/admin/me"},
		{"GET", "/admin/agents"},
		{"POST", "/admin/agents"},
		{"PATCH", "/admin/agents/alice"},
	}
	adminOnly := map[string]bool{"POST /admin/agents": true, "PATCH /admin/agents/alice": true}
	for _, rt := range routes {
		label := rt.method + " " + rt.path
		t.Run(label, func(t *testing.T) {
			if r := s.call(rt.method, rt.path, creds{}, nil); r.code != 401 {
				t.Errorf("no credentials: %d, want 401", r.code)
			}
			if r := s.call(rt.method, rt.path, bearer("ll_not-a-real-token"), nil); r.code != 401 {
				t.Errorf("bad token: %d, want 401", r.code)
			}
			if r := s.call(rt.method, rt.path, creds{cookie: "not-a-session"}, nil); r.code != 401 {
				t.Errorf("bad cookie: %d, want 401", r.code)
			}
			if r := s.call(rt.method, rt.path, bearer(s.viewer), nil); r.code != 403 {
				t.Errorf("viewer token: %d, want 403", r.code)
			}
			if adminOnly[label] {
				if r := s.call(rt.method, rt.path, agent, nil); r.code != 403 {
					t.Errorf("agent: %d, want 403", r.code)
				}
			}
		})
		// Failed attempts count towards the rate limit; start each route afresh.
		s.tokenLimiter, s.loginLimiter = newFailLimiter(10), newFailLimiter(10)
	}
}

func TestLoginSetsASafeSessionCookie(t *testing.T) {
	s := newAgentServer(t, bot.Config{})
	s.agent("alice", RoleAgent)

	r := s.expect(s.call("POST", "/admin/login", creds{}, map[string]any{"user": "alice", "password": agentPassword}), 200, "login")
	set := strings.Join(r.header.Values("Set-Cookie"), "\n")
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(strings.ToLower(set), strings.ToLower(want)) {
			t.Errorf("cookie %q lacks %s", set, want)
		}
	}
	if strings.Contains(strings.ToLower(set), "secure") {
		t.Errorf("cookie over plain HTTP is marked Secure: %q", set)
	}
	cookie := creds{cookie: sessionFrom(t, r.header)}
	if r := s.expect(s.call("GET", "/admin/me", cookie, nil), 200, "me with the cookie"); r.body["id"] != "alice" || r.body["role"] != "agent" {
		t.Fatalf("me = %v", r.body)
	}
	s.expect(s.call("GET", "/admin/handoffs", cookie, nil), 200, "queue with the cookie")
	s.expect(s.call("POST", "/admin/agents", cookie, map[string]any{"id": "eve", "password": agentPassword}), 403, "agent creates an account")
	s.expect(s.call("POST", "/admin/handoffs/x/claim", cookie, nil, "Origin", "https://evil.example"), 403, "cross-origin POST with the cookie")

	r = s.expect(s.call("POST", "/admin/login", creds{}, map[string]any{"user": "alice", "password": agentPassword}, "X-Forwarded-Proto", "https"), 200, "login behind TLS")
	if set := strings.Join(r.header.Values("Set-Cookie"), "\n"); !strings.Contains(set, "secure") && !strings.Contains(set, "Secure") {
		t.Errorf("cookie behind a TLS proxy is not Secure: %q", set)
	}

	s.expect(s.call("POST", "/admin/logout", cookie, nil), 200, "logout")
	s.expect(s.call("GET", "/admin/me", cookie, nil), 401, "me after logout")

	s.expect(s.call("PATCH", "/admin/agents/alice", bearer(s.admin), map[string]any{"disabled": true}), 200, "admin disables alice")
	s.expect(s.call("POST", "/admin/login", creds{}, map[string]any{"user": "alice", "password": agentPassword}), 401, "disabled account logs in")

	s.loginLimiter = newFailLimiter(10)
	for i := range 10 {
		if r := s.call("POST", "/admin/login", creds{}, map[string]any{"user": "bob", "password": "wrong password " + fmt.Sprint(i)}); r.code != 401 {
			t.Fatalf("wrong password %d = %d, want 401", i, r.code)
		}
	}
	s.expect(s.call("POST", "/admin/login", creds{}, map[string]any{"user": "bob", "password": "wrong password"}), 429, "login after 10 failures")
}

// Behind a reverse proxy the failed-login limit must count per client, not
// per proxy; a header from anyone else must not let a client pick its own
// address.
func TestFailedLoginsCountPerClientBehindATrustedProxy(t *testing.T) {
	cases := []struct {
		name         string
		trusted      []string
		otherLimited bool // a second client is refused after the first one's failures
	}{
		{"no trusted proxy: the header is ignored, all share one address", nil, true},
		{"trusted proxy: each client counts on its own", []string{"0.0.0.0/8"}, false},
		{"a proxy that is not trusted: the header is ignored", []string{"192.0.2.1"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newAgentServer(t, bot.Config{}, func(d *Deps) { d.TrustedProxies = tc.trusted })
			bad := map[string]any{"user": "bob", "password": "wrong password"}
			for i := range 10 {
				if r := s.call("POST", "/admin/login", creds{}, bad, "X-Forwarded-For", "203.0.113.7"); r.code != 401 {
					t.Fatalf("failure %d = %d, want 401", i, r.code)
				}
			}
			s.expect(s.call("POST", "/admin/login", creds{}, bad, "X-Forwarded-For", "203.0.113.7"), 429, "the failing client again")
			want := 401
			if tc.otherLimited {
				want = 429
			}
			s.expect(s.call("POST", "/admin/login", creds{}, bad, "X-Forwarded-For", "198.51.100.9"), want, "another client")
		})
	}
}

func TestConsoleAndSimulatorPages(t *testing.T) {
	s := newAgentServer(t, bot.Config{})
	r := s.expect(s.call("GET", "/console/", creds{}, nil), 200, "console")
	csp := r.header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
	if r.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("no nosniff")
	}
	if strings.Contains(r.raw, "<script>") || strings.Contains(r.raw, " style=") || strings.Contains(r.raw, "onclick=") {
		t.Error("the console page has inline script or style, which the CSP forbids")
	}
	s.expect(s.call("GET", "/console/console.js", creds{}, nil), 200, "console script")
	s.expect(s.call("GET", "/console/../auth.go", creds{}, nil), 404, "path outside the console")
	s.expect(s.call("GET", "/simulator/", creds{}, nil), 404, "simulator outside sandbox mode")

	sb := newTestServer(t, true)
	if code, _ := sb.do(t, "GET", "/simulator/", "", nil); code != 200 {
		t.Errorf("simulator in sandbox mode = %d", code)
	}
}
