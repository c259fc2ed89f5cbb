package admin

import (
	"fmt"
	"testing"
	"time"

	"lifeline/bot"
)

// TestFailLimiterTableIsBounded fails from 200,000 distinct addresses, as
// a scan with bad tokens does: the table never holds more than its cap,
// and once the window has passed one more request empties it.
func TestFailLimiterTableIsBounded(t *testing.T) {
	l := newFailLimiter(10)
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for i := range 200000 {
		l.fail(fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), now)
		if n := l.size(); n > failLimiterKeys {
			t.Fatalf("after %d addresses the table holds %d clients, cap %d", i+1, n, failLimiterKeys)
		}
	}
	if n := l.size(); n != failLimiterKeys {
		t.Fatalf("table holds %d clients, want the cap %d", n, failLimiterKeys)
	}
	later := now.Add(2 * time.Minute)
	l.allow("192.0.2.1", later)
	if n := l.size(); n != 0 {
		t.Fatalf("two minutes later the table still holds %d clients", n)
	}
}

func TestFailLimiterBlocksAfterMaxWithinTheWindow(t *testing.T) {
	l := newFailLimiter(3)
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	steps := []struct {
		label string
		at    time.Duration
		fail  bool
		allow bool
	}{
		{"fresh client", 0, false, true},
		{"first failure", 0, true, true},
		{"second failure", 10 * time.Second, true, true},
		{"third failure", 20 * time.Second, true, false},
		{"still within the minute", 50 * time.Second, false, false},
		{"the window has passed", 81 * time.Second, false, true},
	}
	for _, st := range steps {
		at := t0.Add(st.at)
		if st.fail {
			l.fail("a", at)
		}
		if got := l.allow("a", at); got != st.allow {
			t.Errorf("%s: allow = %t, want %t", st.label, got, st.allow)
		}
	}
}

// TestPasswordGuessingDoesNotBlockATokenFromTheSameAddress: failed
// console logins and failed API tokens count apart.
func TestPasswordGuessingDoesNotBlockATokenFromTheSameAddress(t *testing.T) {
	s := newAgentServer(t, bot.Config{})
	bad := map[string]any{"user": "bob", "password": "wrong password"}
	for i := range 10 {
		if r := s.call("POST", "/admin/login", creds{}, bad); r.code != 401 {
			t.Fatalf("failure %d = %d, want 401", i, r.code)
		}
	}
	s.expect(s.call("POST", "/admin/login", creds{}, bad), 429, "login after 10 failures")
	s.expect(s.call("GET", "/admin/tokens", bearer(s.admin), nil), 200, "valid admin token from the same address")
	for i := range 10 {
		if r := s.call("GET", "/admin/tokens", bearer(fmt.Sprintf("ll_wrong%d", i)), nil); r.code != 401 {
			t.Fatalf("bad token %d = %d, want 401", i, r.code)
		}
	}
	s.expect(s.call("GET", "/admin/tokens", bearer("ll_wrong"), nil), 429, "token after 10 bad tokens")
}
