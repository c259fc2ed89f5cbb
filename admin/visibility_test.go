package admin

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"lifeline/bot"
)

const (
	userWaiting = "15550007001" // asked for a person, nobody has claimed
	userAlice   = "15550007002" // claimed by alice
	userBob     = "15550007003" // claimed by bob
	userBotOnly = "15550007004" // talks to the bot, never asked for a person
)

// visibilityServer has two agents and one conversation of each kind.
func visibilityServer(t *testing.T) (s *agentServer, alice, bob creds) {
	s = newAgentServer(t, bot.Config{})
	alice, bob = s.agent("alice", RoleAgent), s.agent("bob", RoleAgent)
	for _, u := range []string{userWaiting, userAlice, userBob} {
		s.say(u, "I need a person")
	}
	s.say(userBotOnly, "hello")
	s.expect(s.call("POST", "/admin/handoffs/"+userAlice+"/claim", alice, nil), 200, "alice claims")
	s.expect(s.call("POST", "/admin/handoffs/"+userBob+"/claim", bob, nil), 200, "bob claims")
	return s, alice, bob
}

// TestAgentsReadOnlyWaitingAndOwnConversationsAudited: what an agent may
// read, and that every read (an admin's too) is in the audit log with a
// masked number.
func TestAgentsReadOnlyWaitingAndOwnConversationsAudited(t *testing.T) {
	s, alice, _ := visibilityServer(t)
	cases := []struct {
		label string
		who   creds
		user  string
		want  int
	}{
		{"agent, waiting conversation", alice, userWaiting, 200},
		{"agent, own conversation", alice, userAlice, 200},
		{"agent, a colleague's conversation", alice, userBob, 403},
		{"agent, a conversation with the bot only", alice, userBotOnly, 403},
		{"admin, a colleague's conversation", bearer(s.admin), userBob, 200},
		{"admin, a conversation with the bot only", bearer(s.admin), userBotOnly, 200},
	}
	reads := 0
	for _, tc := range cases {
		for _, path := range []string{"/admin/conversations/" + tc.user, "/admin/handoffs/" + tc.user} {
			if tc.user == userBotOnly && strings.HasPrefix(path, "/admin/handoffs/") {
				continue // no handoff: 404 for everyone
			}
			if r := s.call("GET", path, tc.who, nil); r.code != tc.want {
				t.Errorf("%s: GET %s = %d, want %d", tc.label, path, r.code, tc.want)
			} else if r.code == 200 {
				reads++
			}
		}
	}
	r := s.expect(s.call("GET", "/admin/audit?action=conversation.read&limit=100", bearer(s.admin), nil), 200, "audit")
	entries := r.body["entries"].([]any)
	if len(entries) != reads {
		t.Errorf("%d conversation reads audited, want %d: %s", len(entries), reads, r.raw)
	}
	if strings.Contains(r.raw, "1555000700") {
		t.Errorf("the audit log holds an unmasked number: %s", r.raw)
	}
	var aliceRead bool
	for _, e := range entries {
		m := e.(map[string]any)
		aliceRead = aliceRead || (m["actor"] == "alice" && m["target"] == "wa_id=1555*****02")
	}
	if !aliceRead {
		t.Errorf("no entry says alice read 1555*****02: %s", r.raw)
	}

	list := s.expect(s.call("GET", "/admin/handoffs", alice, nil), 200, "alice's queue")
	var ids []string
	for _, h := range list.body["handoffs"].([]any) {
		ids = append(ids, h.(map[string]any)["id"].(string))
	}
	if got := strings.Join(ids, ","); strings.Contains(got, userBob) || !strings.Contains(got, userWaiting) || !strings.Contains(got, userAlice) {
		t.Errorf("alice's queue lists %v: want the waiting one and hers, not bob's", ids)
	}
}

// TestAgentEventStreamCarriesOnlyTheirConversations reads alice's real
// event stream while events happen in every conversation: events are
// delivered in order, so anything not hers that got through would arrive
// before the waiting conversation's event that ends the wait.
func TestAgentEventStreamCarriesOnlyTheirConversations(t *testing.T) {
	s, alice, _ := visibilityServer(t)
	s.engine.WaitIdle()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.App().Listener(ln)
	t.Cleanup(func() { _ = s.Shutdown(5 * time.Second) })

	req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+"/admin/events", nil)
	req.Header.Set("Cookie", sessionCookie+"="+alice.cookie)
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("events = %d", resp.StatusCode)
	}
	lines := bufio.NewScanner(resp.Body)
	for lines.Scan() && lines.Text() != ": connected" {
	}

	s.say(userBotOnly, "what about the water?")
	s.say(userBob, "are you still there?")
	s.expect(s.call("POST", "/admin/handoffs/"+userBob+"/release", bearer(s.admin), nil), 200, "bob's conversation goes back to the bot")
	s.say(userAlice, "thank you")
	s.say(userWaiting, "still waiting")

	var got []string
	for lines.Scan() {
		line, ok := strings.CutPrefix(lines.Text(), "data: ")
		if !ok {
			continue
		}
		got = append(got, line)
		// The last step's own event; replies sent in the background
		// (queue updates) may come before or after it.
		if strings.Contains(line, `"kind":"message","user":"`+userWaiting+`"`) {
			break
		}
	}
	all := strings.Join(got, "\n")
	for _, other := range []string{userBotOnly, userBob} {
		if strings.Contains(all, other) {
			t.Errorf("alice's stream carries %s:\n%s", other, all)
		}
	}
	if !strings.Contains(all, userAlice) {
		t.Errorf("alice's stream lacks her own conversation:\n%s", all)
	}
	if !strings.Contains(all, `{"kind":"handoff","at"`) {
		t.Errorf("alice's stream lacks the queue change (without a number):\n%s", all)
	}
}
