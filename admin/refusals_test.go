package admin

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot"
)

// TestHandlersRefuseWithExactAnswers is the specification, over HTTP, of
// what the admin API answers a request it refuses: for each refusal the
// handlers themselves decide (not a domain package's), the exact status
// and JSON body, and the headers that go with them.
func TestHandlersRefuseWithExactAnswers(t *testing.T) {
	s := newAgentServer(t, bot.Config{})
	amira := s.agent("amira", RoleAgent)
	unknownHex := strings.Repeat("ab", 32) // well-formed id of nothing

	// A conversation handed to an agent, so that the handoff routes have
	// something to refuse on.
	const user = "15550007777"
	s.say(user, "I want to talk to a human")

	cases := []struct {
		label        string
		method, path string
		creds        creds
		body         any
		hdr          []string
		status       int
		want         string
		wantHdr      []string // name, value pairs the answer must carry
	}{
		// Who may call.
		{"no credentials", "GET", "/admin/tokens", creds{}, nil, nil, 401,
			`{"error":"authentication required: send Authorization: Bearer \u003ctoken\u003e"}`, []string{"WWW-Authenticate", `Bearer realm="lifeline"`}},
		{"unknown token", "GET", "/admin/tokens", bearer("ll_nothing"), nil, nil, 401,
			`{"error":"invalid or revoked token"}`, nil},
		{"token of the wrong role", "GET", "/admin/tokens", bearer(s.viewer), nil, nil, 403,
			`{"error":"role \"viewer\" may not do this"}`, nil},
		{"session of the wrong role", "GET", "/admin/tokens", amira, nil, nil, 403,
			`{"error":"role \"agent\" may not do this"}`, nil},
		{"ended session", "GET", "/admin/me", creds{cookie: "stale"}, nil, nil, 401,
			`{"error":"your session has ended; log in again"}`, nil},
		{"cross-origin change", "POST", "/admin/handoffs/" + user + "/claim", amira, nil, []string{"Origin", "http://evil.example"}, 403,
			`{"error":"cross-origin request refused"}`, nil},
		{"login without a body", "POST", "/admin/login", creds{}, map[string]any{}, nil, 400,
			`{"error":"body must be JSON like {\"user\": \"amira\", \"password\": \"...\"}"}`, nil},
		{"wrong password", "POST", "/admin/login", creds{}, map[string]any{"user": "amira", "password": "not the password"}, nil, 401,
			`{"error":"wrong name or password"}`, nil},
		{"unknown account", "POST", "/admin/login", creds{}, map[string]any{"user": "ghost", "password": "not the password"}, nil, 401,
			`{"error":"wrong name or password"}`, nil},

		// Accounts.
		{"account id", "POST", "/admin/agents", bearer(s.admin), map[string]any{"id": "A!", "password": agentPassword}, nil, 400,
			`{"error":"\"id\" must be 2 to 32 lowercase letters, digits, dots, dashes or underscores"}`, nil},
		{"account role", "POST", "/admin/agents", bearer(s.admin), map[string]any{"id": "bo", "role": "boss", "password": agentPassword}, nil, 400,
			`{"error":"\"role\" must be \"agent\" or \"admin\""}`, nil},
		{"account password", "POST", "/admin/agents", bearer(s.admin), map[string]any{"id": "bo", "password": "short"}, nil, 400,
			`{"error":"\"password\" must be 10 to 72 bytes long"}`, nil},
		{"account exists", "POST", "/admin/agents", bearer(s.admin), map[string]any{"id": "amira", "password": agentPassword}, nil, 409,
			`{"error":"an account named \"amira\" exists already"}`, nil},
		{"new password", "PATCH", "/admin/agents/amira", bearer(s.admin), map[string]any{"password": "short"}, nil, 400,
			`{"error":"\"password\" must be 10 to 72 bytes long"}`, nil},
		{"new role", "PATCH", "/admin/agents/amira", bearer(s.admin), map[string]any{"role": "boss"}, nil, 400,
			`{"error":"\"role\" must be \"agent\" or \"admin\""}`, nil},
		{"update a missing account", "PATCH", "/admin/agents/ghost", bearer(s.admin), map[string]any{"name": "Ghost"}, nil, 404,
			`{"error":"not found"}`, nil},

		// Console sessions.
		{"sessions of a missing account", "GET", "/admin/agents/ghost/sessions", bearer(s.admin), nil, nil, 404,
			`{"error":"no account \"ghost\""}`, nil},
		{"end the sessions of a missing account", "DELETE", "/admin/agents/ghost/sessions", bearer(s.admin), nil, nil, 404,
			`{"error":"no account \"ghost\""}`, nil},
		{"malformed session id", "DELETE", "/admin/sessions/xyz", bearer(s.admin), nil, nil, 404,
			`{"error":"no such session"}`, nil},
		{"unknown session id", "DELETE", "/admin/sessions/" + unknownHex, bearer(s.admin), nil, nil, 404,
			`{"error":"not found"}`, nil},

		// Handoffs.
		{"agent reads another's conversation", "GET", "/admin/conversations/15550008888", amira, nil, nil, 403,
			`{"error":"agents read only waiting conversations and their own"}`, nil},
		{"transfer to nobody", "POST", "/admin/handoffs/" + user + "/transfer", bearer(s.admin), map[string]any{}, nil, 400,
			`{"error":"\"to\" is required: body must be JSON like {\"to\": \"agent-id\"}"}`, nil},
		{"transfer to a missing account", "POST", "/admin/handoffs/" + user + "/transfer", bearer(s.admin), map[string]any{"to": "ghost"}, nil, 400,
			`{"error":"no active agent account \"ghost\""}`, nil},

		// Contacts.
		{"mark a missing contact reachable", "POST", "/admin/contacts/15550009999/reachable", bearer(s.admin), nil, nil, 404,
			`{"error":"no contact with this WhatsApp id"}`, nil},

		// Tokens, audit log, backups.
		{"token without a name", "POST", "/admin/tokens", bearer(s.admin), map[string]any{"name": " ", "role": "viewer"}, nil, 400,
			`{"error":"\"name\" is required (at most 100 characters)"}`, nil},
		{"token of no role", "POST", "/admin/tokens", bearer(s.admin), map[string]any{"name": "x", "role": "boss"}, nil, 400,
			`{"error":"\"role\" must be admin, agent, integration or viewer"}`, nil},
		{"malformed token id", "DELETE", "/admin/tokens/xyz", bearer(s.admin), nil, nil, 404,
			`{"error":"no such token"}`, nil},
		{"unknown token id", "DELETE", "/admin/tokens/" + unknownHex, bearer(s.admin), nil, nil, 404,
			`{"error":"no such token"}`, nil},
		{"last admin token", "DELETE", "/admin/tokens/" + TokenID(s.admin), bearer(s.admin), nil, nil, 409,
			`{"error":"this is the last admin token; create another admin token before revoking it"}`, nil},
		{"audit since", "GET", "/admin/audit?since=yesterday", bearer(s.admin), nil, nil, 400,
			`{"error":"since=\"yesterday\": want an RFC 3339 time such as 2025-01-31T00:00:00Z"}`, nil},
		{"audit page", "GET", "/admin/audit.csv?before=x", bearer(s.admin), nil, nil, 400,
			`{"error":"before must be the \"next\" number of a previous page"}`, nil},
		{"backup since", "GET", "/admin/backup?since=x", bearer(s.admin), nil, nil, 400,
			`{"error":"since must be a number"}`, nil},

		// Pages.
		{"simulator outside sandbox mode", "GET", "/simulator/", creds{}, nil, nil, 404,
			`{"error":"the simulator runs only in sandbox mode (no WhatsApp credentials configured)"}`, nil},
		{"missing page", "GET", "/console/nothing.js", creds{}, nil, nil, 404,
			`{"error":"no such page"}`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			s.t = t
			r := s.call(tc.method, tc.path, tc.creds, tc.body, tc.hdr...)
			if r.code != tc.status || r.raw != tc.want {
				t.Errorf("%s %s = %d %s,\nwant %d %s", tc.method, tc.path, r.code, r.raw, tc.status, tc.want)
			}
			for i := 0; i+1 < len(tc.wantHdr); i += 2 {
				if got := r.header.Get(tc.wantHdr[i]); got != tc.wantHdr[i+1] {
					t.Errorf("%s = %q, want %q", tc.wantHdr[i], got, tc.wantHdr[i+1])
				}
			}
		})
	}

	t.Run("upload without a file", func(t *testing.T) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		_ = mw.WriteField("note", "no file here")
		_ = mw.Close()
		req := httptest.NewRequest("POST", "/admin/contacts/import", &b)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+s.admin)
		resp, err := s.App().Test(req, 15000)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		if want := `{"error":"multipart upload needs a \"file\" field with the CSV"}`; resp.StatusCode != 400 || string(raw) != want {
			t.Errorf("got %d %s, want 400 %s", resp.StatusCode, raw, want)
		}
	})

	t.Run("event stream after shutdown", func(t *testing.T) {
		s.t = t
		s.events.close()
		r := s.call("GET", "/admin/events", bearer(s.admin), nil)
		if want := `{"error":"shutting down"}`; r.code != 503 || r.raw != want {
			t.Errorf("got %d %s, want 503 %s", r.code, r.raw, want)
		}
	})
}

// Too many failed attempts from one address are refused with 429 and a
// Retry-After, for passwords and bearer tokens apart. The clock stands
// still, so the client is blocked for the whole window: a minute, and it
// may try again just after it, at 61 seconds in whole seconds.
func TestThrottledAnswers(t *testing.T) {
	for _, tc := range []struct {
		label string
		fail  func(s *agentServer) response
		want  string
	}{
		{"passwords", func(s *agentServer) response {
			return s.call("POST", "/admin/login", creds{}, map[string]any{"user": "ghost", "password": "not the password"})
		}, `{"error":"too many failed attempts; wait a minute"}`},
		{"session cookies", func(s *agentServer) response {
			return s.call("GET", "/admin/me", creds{cookie: "stale"}, nil)
		}, `{"error":"too many failed authentication attempts; wait a minute"}`},
		{"bearer tokens", func(s *agentServer) response {
			return s.call("GET", "/admin/tokens", bearer("ll_nothing"), nil)
		}, `{"error":"too many failed authentication attempts; wait a minute"}`},
	} {
		t.Run(tc.label, func(t *testing.T) {
			s := newAgentServer(t, bot.Config{})
			for i := 0; i < 10; i++ {
				if r := tc.fail(s); r.code != 401 {
					t.Fatalf("attempt %d = %d %s, want 401", i+1, r.code, r.raw)
				}
			}
			r := tc.fail(s)
			if r.code != 429 || r.raw != tc.want || r.header.Get("Retry-After") != "61" {
				t.Errorf("got %d %s retry-after %q, want 429 %s retry-after 61", r.code, r.raw, r.header.Get("Retry-After"), tc.want)
			}
			s.clock.Add(time.Minute + time.Second)
			if r := tc.fail(s); r.code != 401 {
				t.Errorf("after Retry-After = %d %s, want 401 again", r.code, r.raw)
			}
		})
	}
}

// The readiness check answers 503 with its own shape while the server
// cannot take work.
func TestNotReadyAnswer(t *testing.T) {
	db, faq := openStore(t)
	engine := bot.New(bot.Config{}, bot.Options{DB: db, Sender: &bot.SandboxSender{}, KB: faq, Learner: faq, Logger: zerolog.Nop()})
	s := New(Deps{DB: db, Engine: engine, Logger: zerolog.Nop()}) // no FAQ index
	code, body := call(t, s, "GET", "/readyz", "", "", "")
	if want := `{"reason":"faq index is loading","status":"not ready"}`; code != 503 || body != want {
		t.Errorf("got %d %s, want 503 %s", code, body, want)
	}
}
