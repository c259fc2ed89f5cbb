package admin

import (
	"context"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"lifeline/bot"
	"lifeline/store"
	"lifeline/store/storetest"
)

func (s *agentServer) stored(id string) Agent {
	s.t.Helper()
	var a Agent
	storetest.Read(s.t, s.db, func(ctx context.Context, r store.Reader) error {
		var err error
		a, err = store.GetAgent(ctx, r, id)
		return err
	})
	return a
}

// TestLoginDoesNotUndoAConcurrentChange makes an admin change the account
// while a login is between its password check and its write: the change
// stays, and the login is refused.
func TestLoginDoesNotUndoAConcurrentChange(t *testing.T) {
	cases := []struct {
		label  string
		change map[string]any
		check  func(a Agent) bool
	}{
		{"disable", map[string]any{"disabled": true}, func(a Agent) bool { return a.Disabled }},
		{"new password", map[string]any{"password": "a brand new password"}, func(a Agent) bool { return checkPassword(a, "a brand new password") }},
	}
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			s := newAgentServer(t, bot.Config{})
			s.agent("alice", RoleAgent)
			changed := false
			s.testHook = func(point string) {
				if point == "login:checked" && !changed {
					changed = true
					s.expect(s.call("PATCH", "/admin/agents/alice", bearer(s.admin), tc.change), 200, "admin changes alice during the login")
				}
			}
			r := s.call("POST", "/admin/login", creds{}, map[string]any{"user": "alice", "password": agentPassword})
			if !changed {
				t.Fatal("the login never reached its password check")
			}
			if r.code != 401 {
				t.Errorf("login raced by the change = %d %s, want 401", r.code, r.raw)
			}
			if a := s.stored("alice"); !tc.check(a) {
				t.Errorf("the admin's change was undone: stored %+v", viewOf(a))
			}
		})
	}
}

func checkPassword(a Agent, pw string) bool {
	return bcryptOK(a.Hash, pw)
}

// TestSessionsEndWithPasswordChangeAndDisable walks an account's console
// sessions through the admin's moves.
func TestSessionsEndWithPasswordChangeAndDisable(t *testing.T) {
	s := newAgentServer(t, bot.Config{})
	first := s.agent("alice", RoleAgent)
	second := s.login("alice")
	bob := s.agent("bob", RoleAgent)
	me := func(c creds) int { return s.call("GET", "/admin/me", c, nil).code }

	list := s.expect(s.call("GET", "/admin/sessions", bearer(s.admin), nil), 200, "list sessions")
	if n := len(list.body["sessions"].([]any)); n != 3 {
		t.Fatalf("listed %d sessions, want 3: %s", n, list.raw)
	}
	mine := s.expect(s.call("GET", "/admin/agents/alice/sessions", bearer(s.admin), nil), 200, "alice's sessions")
	ss := mine.body["sessions"].([]any)
	if len(ss) != 2 {
		t.Fatalf("alice has %d sessions listed, want 2: %s", len(ss), mine.raw)
	}
	s.expect(s.call("GET", "/admin/sessions", first, nil), 403, "an agent lists sessions")

	// End one session by id: the cookie whose hash it is stops working.
	firstID := hashToken(first.cookie)
	s.expect(s.call("DELETE", "/admin/sessions/"+firstID, bearer(s.admin), nil), 200, "end one session")
	if me(first) != 401 || me(second) != 200 {
		t.Fatalf("after ending the first session: first %d, second %d; want 401, 200", me(first), me(second))
	}
	s.expect(s.call("DELETE", "/admin/sessions/"+firstID, bearer(s.admin), nil), 404, "end it again")

	// A new password ends every session of the account, not others'.
	s.expect(s.call("PATCH", "/admin/agents/alice", bearer(s.admin), map[string]any{"password": "another good password"}), 200, "new password")
	if me(second) != 401 || me(bob) != 200 {
		t.Fatalf("after the password change: alice %d, bob %d; want 401, 200", me(second), me(bob))
	}
	third := s.expect(s.call("POST", "/admin/login", creds{}, map[string]any{"user": "alice", "password": "another good password"}), 200, "login with the new password")
	thirdCookie := creds{cookie: sessionFrom(t, third.header)}

	// Disabling ends it; enabling again does not revive it.
	s.expect(s.call("PATCH", "/admin/agents/alice", bearer(s.admin), map[string]any{"disabled": true}), 200, "disable")
	s.expect(s.call("PATCH", "/admin/agents/alice", bearer(s.admin), map[string]any{"disabled": false}), 200, "enable again")
	if me(thirdCookie) != 401 {
		t.Fatalf("a session from before the disable works again after re-enabling: %d", me(thirdCookie))
	}

	// Ending all of an account's sessions at once.
	s.expect(s.call("DELETE", "/admin/agents/bob/sessions", bearer(s.admin), nil), 200, "end bob's sessions")
	if me(bob) != 401 {
		t.Fatalf("bob's session after ending all = %d, want 401", me(bob))
	}
	s.expect(s.call("DELETE", "/admin/agents/nobody/sessions", bearer(s.admin), nil), 404, "end sessions of no account")

	out := s.call("GET", "/admin/audit?action=session.", bearer(s.admin), nil)
	var actions []string
	for _, e := range out.body["entries"].([]any) {
		actions = append(actions, e.(map[string]any)["action"].(string)+" "+e.(map[string]any)["target"].(string))
	}
	want := map[string]bool{"session.end agent=alice": false, "session.end_all agent=bob": false}
	for _, a := range actions {
		if _, ok := want[a]; ok {
			want[a] = true
		}
	}
	for a, seen := range want {
		if !seen {
			t.Errorf("audit lacks %q: %v", a, actions)
		}
	}
	upd := s.call("GET", "/admin/audit?action=agent.update", bearer(s.admin), nil)
	if es := upd.body["entries"].([]any); len(es) != 3 {
		t.Errorf("agent.update audited %d times, want 3: %s", len(es), upd.raw)
	}
}

func bcryptOK(hash []byte, pw string) bool {
	return bcrypt.CompareHashAndPassword(hash, []byte(pw)) == nil
}

// TestAgentUpdateRetriesFromFreshValues re-enables an account between the
// update's read and its commit: the retried update (a new name) must not
// write back the "disabled" its failed try had read.
func TestAgentUpdateRetriesFromFreshValues(t *testing.T) {
	s := newAgentServer(t, bot.Config{})
	s.agent("alice", RoleAgent)
	s.expect(s.call("PATCH", "/admin/agents/alice", bearer(s.admin), map[string]any{"disabled": true}), 200, "disable")
	tries := 0
	s.testHook = func(point string) {
		if point != "update-agent:read" {
			return
		}
		tries++
		if tries == 1 {
			storetest.Write(t, s.db, func(ctx context.Context, w store.Writer) error {
				a, err := store.GetAgent(ctx, w, "alice")
				if err != nil {
					return err
				}
				a.Disabled = false
				return store.PutAgent(ctx, w, a)
			})
		}
	}
	s.expect(s.call("PATCH", "/admin/agents/alice", bearer(s.admin), map[string]any{"name": "Alice A."}), 200, "rename")
	if tries < 2 {
		t.Fatalf("the update ran %d time(s): no retry was forced", tries)
	}
	if a := s.stored("alice"); a.Disabled || a.Name != "Alice A." {
		t.Errorf("stored %+v, want enabled (the concurrent change) and renamed", viewOf(a))
	}
}
