package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"lifeline/admin"
	"lifeline/bot/whatsapp/whatsapptest"
)

// What an agent, an admin or the console does through one instance holds
// on every other instance of the cluster: the store is shared, nothing
// that decides who may do what is kept in one instance's memory.

// threeServing starts three instances on one embedded node (a embeds
// it) and waits until the partitions are spread over them.
func threeServing(t *testing.T, graphURL string) []*servingInstance {
	t.Helper()
	a := startServing(t, "inst-a", "", graphURL)
	url := a.inst.node.ClientURL()
	b := startServing(t, "inst-b", url, graphURL)
	c := startServing(t, "inst-c", url, graphURL)
	all := []*servingInstance{a, b, c}
	t.Cleanup(func() {
		// The connected ones first: a holds the node.
		for _, s := range []*servingInstance{c, b, a} {
			s.inst.close()
		}
	})
	waitUntil(t, 30*time.Second, "every partition owned once, by every instance some", func() bool { return ownedOnce(8, all...) })
	return all
}

// creds is how a request authenticates: a bearer token or a console
// session cookie.
type creds struct{ token, cookie string }

// do sends one request to instance s and returns the status and body.
func do(t *testing.T, s *servingInstance, method, path string, who creds, ctype, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, s.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if who.token != "" {
		req.Header.Set("Authorization", "Bearer "+who.token)
	}
	if who.cookie != "" {
		req.AddCookie(&http.Cookie{Name: "lifeline_session", Value: who.cookie})
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s on %s: %v", method, path, s.name, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func mustDo(t *testing.T, want int, s *servingInstance, method, path string, who creds, ctype, body string) []byte {
	t.Helper()
	code, b := do(t, s, method, path, who, ctype, body)
	if code != want {
		t.Fatalf("%s %s on %s: %d %s, want %d", method, path, s.name, code, b, want)
	}
	return b
}

var adminCreds = creds{token: severalAdminToken}

// login creates nothing: it starts a console session for account id on s.
func login(t *testing.T, s *servingInstance, id string) creds {
	t.Helper()
	resp, err := http.Post(s.base+"/admin/login", "application/json", strings.NewReader(`{"user": "`+id+`", "password": "correct horse battery staple"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("login %s on %s: %d %s", id, s.name, resp.StatusCode, b)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "lifeline_session" && c.Value != "" {
			return creds{cookie: c.Value}
		}
	}
	t.Fatalf("login %s on %s: no session cookie", id, s.name)
	return creds{}
}

func createAgent(t *testing.T, s *servingInstance, id string) {
	t.Helper()
	mustDo(t, 201, s, "POST", "/admin/agents", adminCreds, "application/json",
		`{"id": "`+id+`", "name": "`+id+`", "role": "agent", "password": "correct horse battery staple"}`)
}

func postWebhook(t *testing.T, s *servingInstance, body []byte) {
	t.Helper()
	if err := sendWebhook(s, body); err != nil {
		t.Fatal(err)
	}
}

// Two agents on two instances claim the same waiting handoff at the same
// moment: exactly one claim wins (200), the other is told it is taken
// (409), and every instance shows the winner as the handoff's agent.
// Each handoff is opened by a person whose partition is owned by the
// third instance, so that neither claim is made where the conversation
// is worked.
func TestTwoAgentsOnTwoInstancesClaimOneHandoffOneWins(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster and three servers")
	}
	graph := whatsapptest.NewServer(t)
	all := threeServing(t, graph.URL)
	a, b, c := all[0], all[1], all[2]
	createAgent(t, a, "alice")
	createAgent(t, a, "bob")
	alice, bob := login(t, a, "alice"), login(t, b, "bob")

	// Five people owned by c ask for a person, through any instance.
	var people []string
	for u := 0; len(people) < 5; u++ {
		if user := fmt.Sprintf("1888%07d", u); c.nc.parts.Owns(user) {
			people = append(people, user)
		}
	}
	for i, user := range people {
		postWebhook(t, all[i%3], payload(uint64(9000+i), user, crashPhone, "I would really like to talk with a real person about my claim"))
	}
	for _, user := range people {
		waitUntil(t, 30*time.Second, "the handoff of "+user+" waiting on every instance", func() bool {
			for _, s := range all {
				code, body := do(t, s, "GET", "/admin/handoffs/"+user, alice, "", "")
				if code != 200 || !strings.Contains(string(body), `"status":"waiting"`) {
					return false
				}
			}
			return true
		})
	}

	wins := map[string]int{}
	for _, user := range people {
		var wg sync.WaitGroup
		start := make(chan struct{})
		codes := make([]int, 2)
		for i, claim := range []struct {
			s   *servingInstance
			who creds
		}{{a, alice}, {b, bob}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				codes[i], _ = do(t, claim.s, "POST", "/admin/handoffs/"+user+"/claim", claim.who, "", "")
			}()
		}
		close(start)
		wg.Wait()
		winner := ""
		switch {
		case codes[0] == 200 && codes[1] == 409:
			winner = "alice"
		case codes[0] == 409 && codes[1] == 200:
			winner = "bob"
		default:
			t.Errorf("handoff %s: alice on a answered %d, bob on b %d; want one 200 and one 409", user, codes[0], codes[1])
			continue
		}
		wins[winner]++
		for _, s := range all {
			var h struct{ Status, Agent string }
			if err := json.Unmarshal(mustDo(t, 200, s, "GET", "/admin/handoffs/"+user, adminCreds, "", ""), &h); err != nil {
				t.Fatal(err)
			}
			if h.Status != "active" || h.Agent != winner {
				t.Errorf("handoff %s on %s: status %q agent %q, want active and %s (the claim that won)", user, s.name, h.Status, h.Agent, winner)
			}
		}
	}
	t.Logf("claims won: %v", wins)
}

// A token revoked through one instance is refused by the others at the
// very next request: tokens are read from the shared store on every
// request, no instance keeps them in memory.
func TestTokenRevokedOnOneInstanceIsRefusedByTheOthers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster and three servers")
	}
	graph := whatsapptest.NewServer(t)
	all := threeServing(t, graph.URL)
	a, b, c := all[0], all[1], all[2]
	var tok struct{ Secret string }
	if err := json.Unmarshal(mustDo(t, 201, a, "POST", "/admin/tokens", adminCreds, "application/json", `{"name": "grafana", "role": "viewer"}`), &tok); err != nil || tok.Secret == "" {
		t.Fatalf("token: %+v %v", tok, err)
	}
	viewer := creds{token: tok.Secret}
	for _, s := range all {
		mustDo(t, 200, s, "GET", "/metrics", viewer, "", "")
	}
	mustDo(t, 200, b, "DELETE", "/admin/tokens/"+admin.TokenID(tok.Secret), adminCreds, "", "")
	revoked := time.Now()
	for _, s := range []*servingInstance{a, c, b} {
		if code, body := do(t, s, "GET", "/metrics", viewer, "", ""); code != 401 {
			t.Errorf("revoked token on %s, %s after the revocation: %d %s, want 401", s.name, time.Since(revoked).Round(time.Millisecond), code, body)
		}
	}
	t.Logf("refused by all three %s after the revocation answered", time.Since(revoked).Round(time.Millisecond))
}

// A console session ended through one instance (by an admin, or the agent
// logging out) stops working on every instance at the next request.
func TestConsoleSessionEndedOnOneInstanceEndsOnAll(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster and three servers")
	}
	graph := whatsapptest.NewServer(t)
	all := threeServing(t, graph.URL)
	a, b, c := all[0], all[1], all[2]
	createAgent(t, b, "carol")
	carol := login(t, a, "carol")
	for _, s := range all {
		mustDo(t, 200, s, "GET", "/admin/me", carol, "", "")
	}
	// An admin ends the session through c.
	mustDo(t, 200, c, "DELETE", "/admin/sessions/"+admin.TokenID(carol.cookie), adminCreds, "", "")
	for _, s := range all {
		if code, body := do(t, s, "GET", "/admin/me", carol, "", ""); code != 401 {
			t.Errorf("ended session on %s: %d %s, want 401", s.name, code, body)
		}
	}
	// Carol logs in on b and out on a: the cookie is refused on b and c.
	carol = login(t, b, "carol")
	mustDo(t, 200, c, "GET", "/admin/me", carol, "", "")
	mustDo(t, 200, a, "POST", "/admin/logout", carol, "", "")
	for _, s := range all {
		if code, body := do(t, s, "GET", "/admin/me", carol, "", ""); code != 401 {
			t.Errorf("session logged out on a, used on %s: %d %s, want 401", s.name, code, body)
		}
	}
}

// A FAQ version imported through one instance becomes the live version of
// every instance: each reloads its index when the version is published
// on the cluster's bus, searches find the new entry, and a person whose
// conversation another instance works is answered from it.
func TestFAQVersionPublishedOnOneInstanceIsServedByAll(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster and three servers")
	}
	graph := whatsapptest.NewServer(t)
	all := threeServing(t, graph.URL)
	a, b, c := all[0], all[1], all[2]
	var imp struct{ Version float64 }
	if err := json.Unmarshal(mustDo(t, 200, b, "POST", "/admin/kb/import?mode=merge", adminCreds, "text/csv",
		"id,question,answer\nfloodgate-hours,When does the flood gate open?,The flood gate opens at six in the morning.\n"), &imp); err != nil || imp.Version == 0 {
		t.Fatalf("import: %+v %v", imp, err)
	}
	for _, s := range all {
		waitUntil(t, 30*time.Second, s.name+" to serve FAQ version "+fmt.Sprint(imp.Version), func() bool {
			var v struct{ Live float64 }
			_ = json.Unmarshal(mustDo(t, 200, s, "GET", "/admin/kb/versions", adminCreds, "", ""), &v)
			body := mustDo(t, 200, s, "GET", "/admin/kb/search?q=when+does+the+flood+gate+open", adminCreds, "", "")
			return v.Live == imp.Version && strings.Contains(string(body), "floodgate-hours")
		})
	}
	// A person of a partition c owns asks through a: c answers from the
	// version imported through b.
	user := ""
	for u := 0; user == ""; u++ {
		if candidate := fmt.Sprintf("1999%07d", u); c.nc.parts.Owns(candidate) {
			user = candidate
		}
	}
	postWebhook(t, a, payload(9100, user, crashPhone, "When does the flood gate open?"))
	waitUntil(t, 30*time.Second, "the answer from the new FAQ version", func() bool {
		for _, m := range graph.Messages() {
			if m.To == user && strings.Contains(string(m.Raw), "six in the morning") {
				return true
			}
		}
		return false
	})
}
