package admin

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/admin/metrics"
	"lifeline/bot"
	"lifeline/bot/broadcast"
	"lifeline/bot/whatsapp"
	"lifeline/kb"
	"lifeline/store"
	"lifeline/store/storetest"
	"lifeline/templates"
)

// openAPIOps reads the operations of openapi.yaml: "METHOD /path" (with
// fiber's :param syntax) to the roles in its x-roles. The file is written
// in a fixed layout, so a line reader is enough.
func openAPIOps(t *testing.T) map[string][]string {
	t.Helper()
	pathRe := regexp.MustCompile(`^  (/\S*):$`)
	methodRe := regexp.MustCompile(`^    (get|post|put|patch|delete):$`)
	rolesRe := regexp.MustCompile(`^      x-roles: \[(.*)\]$`)
	paramRe := regexp.MustCompile(`\{(\w+)\}`)
	ops := map[string][]string{}
	var path, op string
	sc := bufio.NewScanner(bytes.NewReader(openAPI))
	for sc.Scan() {
		line := sc.Text()
		if m := pathRe.FindStringSubmatch(line); m != nil {
			path, op = paramRe.ReplaceAllString(m[1], ":$1"), ""
		} else if m := methodRe.FindStringSubmatch(line); m != nil && path != "" {
			op = strings.ToUpper(m[1]) + " " + path
			ops[op] = nil
		} else if m := rolesRe.FindStringSubmatch(line); m != nil && op != "" {
			for _, r := range strings.Split(m[1], ",") {
				ops[op] = append(ops[op], strings.TrimSpace(r))
			}
		}
	}
	if len(ops) == 0 {
		t.Fatal("no operations found in openapi.yaml")
	}
	return ops
}

// tokensByRole creates one token of every role.
func tokensByRole(t *testing.T, db *store.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, r := range []string{RoleAdmin, RoleAgent, RoleIntegration, RoleViewer} {
		secret, _ := NewSecret()
		if _, err := SaveToken(context.Background(), db, secret, "test "+r, r, time.Now()); err != nil {
			t.Fatal(err)
		}
		out[r] = secret
	}
	return out
}

// TestEveryAdminRouteIsDescribedAndGuarded walks the registered routes: each
// /admin route is in openapi.yaml and each described operation is
// registered; without credentials each answers 401, and with a token of a
// role not in its x-roles, 403.
func TestEveryAdminRouteIsDescribedAndGuarded(t *testing.T) {
	s := newTestServer(t, false)
	// Broadcast routes exist only with the broadcast service: build the
	// server again with it, on the same store and engine.
	svc := broadcast.New(broadcast.Config{}, broadcast.Options{DB: s.db, Sender: &bot.SandboxSender{}, Logger: zerolog.Nop()})
	s.Server = New(Deps{DB: s.db, Engine: s.engine, KB: s.kb, Logger: zerolog.Nop(), Broadcasts: svc,
		Templates: templates.New(templates.Options{DB: s.db})})
	ops := openAPIOps(t)
	registered := map[string]bool{}
	for _, r := range s.App().GetRoutes(true) {
		if r.Method == "HEAD" || r.Method == "USE" || !strings.HasPrefix(r.Path, "/admin") {
			continue
		}
		p := r.Path
		if len(p) > 1 {
			p = strings.TrimSuffix(p, "/")
		}
		registered[r.Method+" "+p] = true
	}
	var missing, stale []string
	for op := range registered {
		if _, ok := ops[op]; !ok {
			missing = append(missing, op)
		}
	}
	for op := range ops {
		if !registered[op] {
			stale = append(stale, op)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	if len(missing) > 0 {
		t.Errorf("routes not described in admin/openapi.yaml:\n  %s", strings.Join(missing, "\n  "))
	}
	if len(stale) > 0 {
		t.Errorf("operations in admin/openapi.yaml with no route:\n  %s", strings.Join(stale, "\n  "))
	}

	tokens := tokensByRole(t, s.db)
	checked := 0
	for op, roles := range ops {
		if !registered[op] {
			continue
		}
		if len(roles) == 0 {
			t.Errorf("%s: no x-roles in openapi.yaml", op)
			continue
		}
		if roles[0] == "public" {
			continue
		}
		method, path, _ := strings.Cut(op, " ")
		path = regexp.MustCompile(`:\w+`).ReplaceAllString(path, "x0000000")
		if code, _ := s.do(t, method, path, "", nil); code != 401 {
			t.Errorf("%s without credentials = %d, want 401", op, code)
		}
		for role, tok := range tokens {
			if slices.Contains(roles, role) {
				continue
			}
			if code, _ := s.do(t, method, path, tok, nil); code != 403 {
				t.Errorf("%s as %s = %d, want 403", op, role, code)
			}
		}
		checked++
	}
	t.Logf("%d operations checked for 401 and 403", checked)
	// /metrics lives outside /admin: scrapers use a viewer token.
	if code, _ := s.do(t, "GET", "/metrics", "", nil); code != 401 {
		t.Errorf("/metrics without credentials = %d, want 401", code)
	}
	if code, _ := s.do(t, "GET", "/metrics", tokens[RoleAgent], nil); code != 403 {
		t.Errorf("/metrics as agent = %d, want 403", code)
	}
	if code, _ := s.do(t, "GET", "/metrics", tokens[RoleViewer], nil); code != 200 {
		t.Errorf("/metrics as viewer = %d, want 200", code)
	}
}

// raw is call with no body, answering bytes.
func (s *testServer) raw(t *testing.T, method, path, token string) (int, []byte) {
	t.Helper()
	code, body := call(t, s.Server, method, path, token, "", "")
	return code, []byte(body)
}

func TestTokensAreShownOnceHashedAndRevocable(t *testing.T) {
	s := newTestServer(t, true)
	code, out := s.do(t, "POST", "/admin/tokens", s.token, map[string]any{"name": "grafana", "role": "viewer"})
	if code != 201 {
		t.Fatalf("create = %d %v", code, out)
	}
	secret, _ := out["secret"].(string)
	id, _ := out["id"].(string)
	if !strings.HasPrefix(secret, "ll_") || len(id) != 64 {
		t.Fatalf("create answered %v", out)
	}
	for _, bad := range []map[string]any{{"name": "x", "role": "root"}, {"name": "", "role": "viewer"}} {
		if code, _ := s.do(t, "POST", "/admin/tokens", s.token, bad); code != 400 {
			t.Errorf("create %v = %d, want 400", bad, code)
		}
	}
	if code, _ := s.do(t, "GET", "/metrics", secret, nil); code != 200 {
		t.Errorf("new viewer token on /metrics = %d", code)
	}
	_, body := s.raw(t, "GET", "/admin/tokens", s.token)
	if bytes.Contains(body, []byte(secret)) {
		t.Fatal("token list contains a secret")
	}
	var list struct {
		Tokens []Token `json:"tokens"`
	}
	_ = json.Unmarshal(body, &list)
	if len(list.Tokens) != 2 {
		t.Fatalf("listed %d tokens, want 2: %s", len(list.Tokens), body)
	}
	// The stored record holds the hash, never the secret.
	tokens := 0
	for _, rec := range storetest.Records(t, s.db) {
		if rec.Kind == store.KindDoc && rec.Doc == store.DocAdminToken {
			tokens++
			if bytes.Contains(rec.Value, []byte(secret)) {
				t.Error("secret stored in clear")
			}
		}
	}
	if tokens != 2 {
		t.Fatalf("%d stored tokens, want the bootstrap one and the new one", tokens)
	}
	if code, _ := s.do(t, "DELETE", "/admin/tokens/"+id, s.token, nil); code != 200 {
		t.Fatalf("revoke = %d", code)
	}
	if code, _ := s.do(t, "GET", "/metrics", secret, nil); code != 401 {
		t.Errorf("revoked token = %d, want 401", code)
	}
	// The bootstrap token is the last admin token: revoking it would lock everyone out.
	var adminID string
	for _, tv := range list.Tokens {
		if tv.Role == RoleAdmin {
			adminID = tv.ID
		}
	}
	if code, _ := s.do(t, "DELETE", "/admin/tokens/"+adminID, s.token, nil); code != 409 {
		t.Errorf("revoking the last admin token = %d, want 409", code)
	}
	if code, _ := s.do(t, "DELETE", "/admin/tokens/"+strings.Repeat("0", 64), s.token, nil); code != 404 {
		t.Errorf("revoking an unknown token = %d, want 404", code)
	}

	_, out = s.do(t, "GET", "/admin/audit?action=token.", s.token, nil)
	entries, _ := out["entries"].([]any)
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.(map[string]any)["action"].(string))
	}
	if strings.Join(actions, ",") != "token.revoke,token.create" {
		t.Errorf("audit actions %v", actions)
	}
}

func TestAuditLogPagesFiltersExportsAndCannotBeChanged(t *testing.T) {
	s := newTestServer(t, true)
	for i := 0; i < 5; i++ {
		s.do(t, "POST", "/admin/tokens", s.token, map[string]any{"name": fmt.Sprintf("t%d", i), "role": "viewer"})
	}
	s.do(t, "POST", "/admin/login", "", map[string]any{"user": "mallory", "password": "guess"})
	// Routes owned by other files are audited by the group middleware, reads are not.
	s.do(t, "POST", "/admin/handoffs/15550001234/claim", s.token, nil)
	s.do(t, "GET", "/admin/handoffs", s.token, nil)
	_, out := s.do(t, "GET", "/admin/audit?action=handoff.", s.token, nil)
	if es, _ := out["entries"].([]any); len(es) != 1 || es[0].(map[string]any)["action"] != "handoff.claim" ||
		es[0].(map[string]any)["role"] != "admin" || !strings.Contains(fmt.Sprint(es[0]), "id=1555*****34") {
		t.Fatalf("handoff claim audit: %v", out)
	}
	// The entry holds the status the request answered with: no such handoff is a 404, not a 500.
	if st := out["entries"].([]any)[0].(map[string]any)["status"]; st != float64(404) {
		t.Fatalf("audited status %v, want 404", st)
	}

	_, out = s.do(t, "GET", "/admin/audit?limit=2&action=token.create", s.token, nil)
	first, _ := out["entries"].([]any)
	next, _ := out["next"].(float64)
	if len(first) != 2 || next == 0 {
		t.Fatalf("first page %v", out)
	}
	_, out = s.do(t, "GET", fmt.Sprintf("/admin/audit?limit=10&action=token.create&before=%d", int(next)), s.token, nil)
	if rest, _ := out["entries"].([]any); len(rest) != 3 {
		t.Fatalf("second page has %d entries, want 3", len(rest))
	}
	_, out = s.do(t, "GET", "/admin/audit?action=login.failure", s.token, nil)
	fails, _ := out["entries"].([]any)
	if len(fails) != 1 || fails[0].(map[string]any)["actor"] != "agent:mallory" {
		t.Fatalf("login failure not audited: %v", out)
	}
	code, body := s.raw(t, "GET", "/admin/audit.csv", s.token)
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if code != 200 || err != nil || len(rows) != 1+7 || rows[0][0] != "seq" {
		t.Fatalf("csv = %d, %d rows, %v", code, len(rows), err)
	}
	for _, m := range []string{"DELETE", "PUT", "PATCH", "POST"} {
		if code, _ := s.do(t, m, "/admin/audit", s.token, nil); code != 404 && code != 405 {
			t.Errorf("%s /admin/audit = %d, want no such route", m, code)
		}
	}
}

func TestExportAndEraseOnePerson(t *testing.T) {
	s := newTestServer(t, true)
	const who = "15550009876"
	s.do(t, "POST", "/sandbox/messages", "", map[string]any{"from": who, "name": "Dana", "text": "hello"})
	s.do(t, "POST", "/sandbox/messages", "", map[string]any{"from": who, "text": "where can I find a shelter for my cat Biscuit?"})
	s.do(t, "POST", "/sandbox/messages", "", map[string]any{"from": "15550001111", "text": "hello"})
	s.engine.WaitIdle()

	code, body := s.raw(t, "GET", "/admin/contacts/+"+who+"/export", s.token)
	if code != 200 {
		t.Fatalf("export = %d %s", code, body)
	}
	var x struct {
		Contact    store.Contact `json:"contact"`
		Transcript []store.Entry `json:"transcript"`
		Session    any           `json:"session"`
	}
	if err := json.Unmarshal(body, &x); err != nil {
		t.Fatal(err)
	}
	if x.Contact.Name != "Dana" || len(x.Transcript) < 4 || x.Session == nil || !bytes.Contains(body, []byte("Biscuit")) {
		t.Fatalf("export incomplete: %s", body)
	}

	code, out := s.do(t, "POST", "/admin/contacts/"+who+"/erase", s.token, nil)
	if code != 200 {
		t.Fatalf("erase = %d %v", code, out)
	}
	if code, _ := s.raw(t, "GET", "/admin/contacts/"+who+"/export", s.token); code != 404 {
		t.Errorf("export after erase = %d, want 404", code)
	}
	// Nothing of the person is left anywhere in the store, but the other user is untouched.
	for _, rec := range storetest.Records(t, s.db) {
		if strings.Contains(rec.ID, who) && rec.Kind != store.KindSeen {
			t.Errorf("%s %s %q still names the person", rec.Kind, rec.Doc, rec.ID)
		}
		// The FAQ's own learning (unanswered questions, candidate
		// wordings) keeps texts without saying whose they were.
		if rec.Kind == store.KindDoc && (rec.Doc == store.DocUnanswered || rec.Doc == store.DocFAQCandidate) {
			continue
		}
		if bytes.Contains(rec.Value, []byte("Dana")) || bytes.Contains(rec.Value, []byte("Biscuit")) {
			t.Errorf("value of %s %s %q still holds their words", rec.Kind, rec.Doc, rec.ID)
		}
	}
	if code, _ := s.raw(t, "GET", "/admin/contacts/15550001111/export", s.token); code != 200 {
		t.Errorf("other person's export = %d", code)
	}
	_, out = s.do(t, "GET", "/admin/audit?action=contact.", s.token, nil)
	entries, _ := out["entries"].([]any)
	if len(entries) != 3 { // export, erase, export (the 404 is not an action)
		t.Logf("audit: %v", out)
	}
	for _, e := range entries {
		if strings.Contains(fmt.Sprint(e), who) {
			t.Errorf("audit entry holds the unmasked number: %v", e)
		}
	}
}

func TestMetricsAfterAConversation(t *testing.T) {
	db, faq := openStore(t)
	m := metrics.New()
	engine := bot.New(bot.Config{}, bot.Options{DB: db, Sender: &bot.SandboxSender{}, KB: m.Answerer(faq), Learner: faq, Logger: zerolog.Nop(), Observer: m})
	if err := engine.Start(); err != nil {
		t.Fatal(err)
	}
	m.Watch(metrics.Sources{DB: db, Engine: engine})
	token, _ := BootstrapToken(context.Background(), db, "", time.Now())
	s := &testServer{Server: New(Deps{DB: db, Engine: engine, KB: faq, Sandbox: true, Logger: zerolog.Nop(), Metrics: m}), db: db, engine: engine, token: token}
	t.Cleanup(func() { engine.Close() })

	s.do(t, "POST", "/sandbox/messages", "", map[string]any{"from": "15550002222", "text": "hello"})
	s.do(t, "POST", "/sandbox/messages", "", map[string]any{"from": "15550002222", "text": "where can I find a shelter?"})
	engine.WaitIdle()
	code, body := s.raw(t, "GET", "/metrics", token)
	if code != 200 {
		t.Fatalf("/metrics = %d", code)
	}
	for _, want := range []string{
		`lifeline_inbound_processed_total{kind="message"} 2`,
		`lifeline_send_attempts_total{code="0",phone_number_id="sandbox",result="sent"}`,
		`lifeline_faq_decisions_total{decision=`,
		`lifeline_store_bytes{part="lsm"}`,
		`lifeline_store_healthy 1`,
		`lifeline_handoffs{status="waiting"} 0`,
		`lifeline_inbox_oldest_age_seconds 0`,
		`go_goroutines`,
	} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("metrics lack %s in\n%s", want, grep(body, "lifeline_"))
		}
	}
	if bytes.Contains(body, []byte("15550002222")) {
		t.Error("metrics contain a phone number")
	}
}

// TestStoreThatCannotWriteAnswers503 closes the store under a running
// server, as a full or read-only disk would fail its commits: the webhook
// must not acknowledge (503, so Meta delivers again), /readyz says why,
// and what was acknowledged before is intact when the store is reopened.
func TestStoreThatCannotWriteAnswers503(t *testing.T) {
	dir := t.TempDir()
	open := func() *store.DB {
		db, err := store.Open(store.Options{Dir: dir, Logger: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	db := open()
	faq, err := kb.Open(db, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	engine := bot.New(bot.Config{Workers: 1}, bot.Options{DB: db, Sender: &bot.SandboxSender{}, KB: faq, Logger: zerolog.Nop()})
	if err := engine.Start(); err != nil {
		t.Fatal(err)
	}
	const secret = "app-secret"
	s := &testServer{Server: New(Deps{DB: db, Engine: engine, KB: faq, Logger: zerolog.Nop(),
		Webhook: WebhookConfig{Enabled: true, AppSecret: secret, VerifyToken: "v"}}), db: db, engine: engine}
	post := func(id string) int {
		body := []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"123"},"messages":[{"from":"15550003333","id":%q,"timestamp":"%d","type":"text","text":{"body":"hello"}}]}}]}]}`, id, time.Now().Unix()))
		req := httptest.NewRequest("POST", "/webhook", bytes.NewReader(body))
		req.Header.Set("X-Hub-Signature-256", whatsapp.Sign(body, secret))
		resp, err := s.App().Test(req, 10000)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode
	}
	if code := post("wamid.before"); code != 200 {
		t.Fatalf("webhook before the fault = %d", code)
	}
	engine.WaitIdle()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if code := post("wamid.during"); code != 503 {
		t.Errorf("webhook with a store that cannot write = %d, want 503", code)
	}
	code, out := s.do(t, "GET", "/readyz", "", nil)
	if code != 503 || !strings.Contains(fmt.Sprint(out["reason"]), "store") {
		t.Errorf("readyz = %d %v, want 503 naming the store", code, out)
	}
	engine.Close()

	db = open()
	defer db.Close()
	if entries := transcriptLen(t, db, "15550003333"); entries < 2 {
		t.Fatalf("after reopening: %d transcript entries; the acknowledged message and its reply should be there", entries)
	}
	if seen(t, db, "m:wamid.during") {
		t.Error("the refused message was marked as seen: Meta's redelivery would be dropped")
	}
}

func grep(b []byte, s string) string {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, s) && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
