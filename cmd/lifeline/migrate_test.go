package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/store"
)

const migrateAdminToken = "migrate-test-admin-token-0123456789"

// call makes one request to inst's HTTP app (no listener) and returns
// the status and the body.
func call(t *testing.T, inst *instance, method, path, token, ctype, body string) (int, []byte) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := inst.http.App().Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// migrateSource is what fillBadgerSource left in a badger store, to be
// found again on the cluster.
type migrateSource struct {
	dir         string // data directory
	viewerToken string
	broadcast   string
	faqLive     float64
	transcript  []string // of talker
}

const (
	talker  = "15550001001" // said hello: a transcript
	asker   = "15550001002" // asked for a person: a handoff
	invitee = "15550001003" // imported, then sent the broadcast
)

// fillBadgerSource runs a badger server in sandbox mode in dir and fills
// its store through the product's own paths: a conversation, a handoff,
// a contact import, an agent, a token, a FAQ import, a broadcast to the
// imported contacts; the admin requests leave audit entries.
func fillBadgerSource(t *testing.T, dir string) migrateSource {
	t.Helper()
	cfg, err := loadConfig(nil, envOf(map[string]string{"LIFELINE_DATA_DIR": dir}))
	if err != nil {
		t.Fatal(err)
	}
	cfg.ThesaurusDir = ""
	cfg.AdminToken = migrateAdminToken
	inst, err := start(cfg, zerolog.Nop(), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	defer func() {
		if !closed {
			inst.close()
		}
	}()
	must := func(want int, method, path, token, ctype, body string) []byte {
		t.Helper()
		code, b := call(t, inst, method, path, token, ctype, body)
		if code != want {
			t.Fatalf("%s %s: %d %s, want %d", method, path, code, b, want)
		}
		return b
	}
	must(200, "POST", "/sandbox/messages", "", "application/json", `{"from": "`+talker+`", "text": "hello"}`)
	must(200, "POST", "/sandbox/messages", "", "application/json", `{"from": "`+asker+`", "text": "I would really like to talk with a real person about my claim"}`)
	must(200, "POST", "/admin/contacts/import", migrateAdminToken, "text/csv",
		"phone,name,language,tags,opted_in\n+"+invitee+",Nour,en,volunteers,yes\n+15550001004,Omar,en,volunteers,yes\n+15550001005,Lina,en,staff,yes\n")
	must(201, "POST", "/admin/agents", migrateAdminToken, "application/json", `{"id": "amira", "name": "Amira", "role": "agent", "password": "correct horse battery staple"}`)
	var tok struct{ Secret string }
	if err := json.Unmarshal(must(201, "POST", "/admin/tokens", migrateAdminToken, "application/json", `{"name": "grafana", "role": "viewer"}`), &tok); err != nil || tok.Secret == "" {
		t.Fatalf("token: %+v %v", tok, err)
	}
	must(200, "POST", "/admin/kb/import?mode=merge", migrateAdminToken, "text/csv", "id,question,answer\nwater-points,Where can I get drinking water?,At the school and the mosque on Main Street.\n")
	var created struct{ ID string }
	spec := `{"name": "storm", "kind": "checkin", "audience": {"tags_any": ["volunteers"]},
		"templates": {"en": {"name": "safety_checkin", "language": "en_US", "body": [{"value": "{{name}}"}, {"value": "the storm"}]}}}`
	if err := json.Unmarshal(must(202, "POST", "/admin/broadcasts", migrateAdminToken, "application/json", spec), &created); err != nil || created.ID == "" {
		t.Fatalf("broadcast: %+v %v", created, err)
	}
	// Wait for the broadcast to reach its recipients.
	deadline := time.Now().Add(60 * time.Second)
	for {
		var st struct {
			State string
			Sent  int
		}
		_ = json.Unmarshal(must(200, "GET", "/admin/broadcasts/"+created.ID, migrateAdminToken, "", ""), &st)
		if st.Sent == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("broadcast %s: %+v after a minute", created.ID, st)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// An answer to the check-in: an engagement in the person's scope.
	must(200, "POST", "/sandbox/messages", "", "application/json", `{"from": "`+invitee+`", "text": "help"}`)
	inst.engine.WaitIdle()
	inst.phones.Wait()
	inst.engine.WaitIdle()
	src := migrateSource{dir: dir, viewerToken: tok.Secret, broadcast: created.ID}
	src.faqLive = faqLive(t, inst)
	src.transcript = transcriptOf(t, inst, talker)
	closed = true
	if err := inst.close(); err != nil {
		t.Fatal(err)
	}
	if len(src.transcript) < 2 || src.faqLive < 2 {
		t.Fatalf("source: transcript %q, FAQ version %v; want a conversation and an imported version", src.transcript, src.faqLive)
	}
	return src
}

func faqLive(t *testing.T, inst *instance) float64 {
	t.Helper()
	code, b := call(t, inst, "GET", "/admin/kb/versions", migrateAdminToken, "", "")
	var v struct{ Live float64 }
	if err := json.Unmarshal(b, &v); code != 200 || err != nil {
		t.Fatalf("FAQ versions: %d %s", code, b)
	}
	return v.Live
}

func transcriptOf(t *testing.T, inst *instance, user string) []string {
	t.Helper()
	code, b := call(t, inst, "GET", "/sandbox/conversations/"+user, "", "", "")
	var tr struct {
		Messages []struct{ Dir, Text string }
	}
	if err := json.Unmarshal(b, &tr); code != 200 || err != nil {
		t.Fatalf("transcript: %d %s", code, b)
	}
	var out []string
	for _, m := range tr.Messages {
		out = append(out, m.Dir+": "+m.Text)
	}
	return out
}

// runMigration migrates src into the cluster of cfg, returning what it
// printed.
func runMigration(t *testing.T, cfg Config, o migrateOptions, ctx context.Context) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := migrate(ctx, cfg, o, &out, zerolog.Nop())
	return out.String(), err
}

// A badger store filled by a running server is copied into an embedded
// JetStream node; the counts of every kind match, and a server started
// on the cluster finds the conversation, the handoff, the contacts, the
// live FAQ version, the broadcast, and accepts the token made on badger;
// it numbers new records above the old ones (a new message adds to the
// transcript). Run again, the migration copies nothing twice.
func TestMigrateBadgerIntoJetStream(t *testing.T) {
	dir := t.TempDir()
	src := fillBadgerSource(t, filepath.Join(dir, "badger"))
	cfg := natsConfig(t, filepath.Join(dir, "cluster"))
	cfg.ThesaurusDir = ""
	cfg.AdminToken = migrateAdminToken

	out, err := runMigration(t, cfg, migrateOptions{dir: src.dir}, context.Background())
	if err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	t.Logf("lifeline migrate printed:\n%s", out)
	for _, want := range []string{"contact", "transcript", "doc faqv", "doc tok", "doc agent", "doc audit", "doc hand", "doc bcast", "broadcast-recipient", "broadcast-engagement", "broadcast-member", "migration complete"} {
		if !strings.Contains(out, want) {
			t.Errorf("the report does not show %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "DIFFERS") {
		t.Fatalf("counts differ:\n%s", out)
	}

	inst, err := start(cfg, zerolog.Nop(), &bytes.Buffer{})
	if err != nil {
		t.Fatalf("start on the migrated cluster: %v", err)
	}
	defer inst.close()
	if got := transcriptOf(t, inst, talker); strings.Join(got, "\n") != strings.Join(src.transcript, "\n") {
		t.Errorf("transcript on the cluster %q, want %q", got, src.transcript)
	}
	if got := faqLive(t, inst); got != src.faqLive {
		t.Errorf("live FAQ version %v, want %v", got, src.faqLive)
	}
	for _, c := range []struct{ path, token, want string }{
		{"/admin/contacts?tag=volunteers", migrateAdminToken, invitee},
		{"/admin/handoffs", migrateAdminToken, asker},
		{"/admin/broadcasts/" + src.broadcast, migrateAdminToken, `"need_help":1`},
		{"/admin/agents", migrateAdminToken, "amira"},
		{"/admin/kb/search?q=drinking+water", migrateAdminToken, "water-points"},
		{"/metrics", src.viewerToken, "lifeline_"},
		{"/admin/audit", migrateAdminToken, "token.create"},
	} {
		code, b := call(t, inst, "GET", c.path, c.token, "", "")
		if code != 200 || !strings.Contains(string(b), c.want) {
			t.Errorf("GET %s: %d, want 200 with %q: %.300s", c.path, code, c.want, b)
		}
	}
	code, b := call(t, inst, "POST", "/sandbox/messages", "", "application/json", `{"from": "`+talker+`", "text": "hello again"}`)
	if code != 200 {
		t.Fatalf("a message on the cluster: %d %s", code, b)
	}
	inst.engine.WaitIdle()
	after := transcriptOf(t, inst, talker)
	if len(after) <= len(src.transcript) || after[len(src.transcript)] != "in: hello again" || strings.Join(after[:len(src.transcript)], "\n") != strings.Join(src.transcript, "\n") {
		t.Errorf("after a new message the transcript is %q; want the migrated one followed by the new message", after)
	}
}

// A migration cut short (its context cancelled after a few scopes) and
// run again completes with equal counts: the scopes copied twice add
// nothing. A third run finds it complete and only verifies. Another
// store's copy into the same cluster is refused.
func TestMigrateCutShortCompletesWhenRunAgain(t *testing.T) {
	dir := t.TempDir()
	src := fillBadgerSource(t, filepath.Join(dir, "badger"))
	cfg := natsConfig(t, filepath.Join(dir, "cluster"))

	ctx, cancel := context.WithCancel(context.Background())
	out, err := runMigration(t, cfg, migrateOptions{dir: src.dir, workers: 1, afterScope: func(done int) {
		if done == 5 {
			cancel()
		}
	}}, ctx)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "cut short after 5 of") {
		t.Fatalf("cut short: %v\n%s", err, out)
	}
	copied := 0
	out, err = runMigration(t, cfg, migrateOptions{dir: src.dir, afterScope: func(int) { copied++ }}, context.Background())
	if err != nil || strings.Contains(out, "DIFFERS") {
		t.Fatalf("run again: %v\n%s", err, out)
	}
	if !strings.Contains(out, "resuming: 5 of") {
		t.Errorf("the second run did not resume after the 5 scopes copied:\n%s", out)
	}
	var plan *store.CopyPlan
	func() {
		db, err := openMigrateSource(src.dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if plan, err = store.PlanCopy(context.Background(), db, migrationOwners); err != nil {
			t.Fatal(err)
		}
	}()
	if copied != len(plan.Scopes)-5 {
		t.Errorf("the second run copied %d scopes, want the %d left", copied, len(plan.Scopes)-5)
	}
	copied = 0
	out, err = runMigration(t, cfg, migrateOptions{dir: src.dir, afterScope: func(int) { copied++ }}, context.Background())
	if err != nil || copied != 0 || !strings.Contains(out, "migration complete") {
		t.Fatalf("a third run copied %d scopes (%v)\n%s", copied, err, out)
	}

	// Another deployment's store into the same cluster.
	other := filepath.Join(dir, "other")
	func() {
		db, err := store.Open(store.Options{Dir: filepath.Join(other, "store")})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		ctx := context.Background()
		if err := db.Write(ctx, store.UserScope("15550002001"), func(w store.Writer) error {
			return store.PutContact(ctx, w, store.Contact{WaID: "15550002001"})
		}); err != nil {
			t.Fatal(err)
		}
	}()
	out, err = runMigration(t, cfg, migrateOptions{dir: other}, context.Background())
	if err == nil || !strings.Contains(err.Error(), "another deployment") {
		t.Fatalf("another store into the migrated cluster: %v\n%s", err, out)
	}
}

// Wrong flags name the flag; a source a running server holds, or a
// directory with no store, is refused before anything is copied.
func TestMigrateRefusesBadFlagsAndALockedSource(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "--from badger DIR is required"},
		{[]string{"--from", "badger", "/tmp/x"}, "--to nats is required"},
		{[]string{"--from", "postgres", "/tmp/x", "--to", "nats"}, `--from "postgres"`},
		{[]string{"--from", "badger", "--to", "nats"}, "the data directory is missing"},
		{[]string{"--from", "badger", "/tmp/x", "--to", "badger"}, `--to "badger"`},
		{[]string{"--from", "badger", "/tmp/x", "--to"}, "--to needs a value"},
		{[]string{"--from", "badger", "/tmp/x", "--to", "nats", "--fast"}, "unknown flag --fast"},
		{[]string{"--from", "badger", "/tmp/x", "--to", "nats", "--force=yes"}, "--force takes no value"},
		{[]string{"--from", "badger", "/tmp/x", "extra", "--to", "nats"}, `unexpected argument "extra"`},
	} {
		var stdout, stderr bytes.Buffer
		code := runMigrate(c.args, envOf(nil), &stdout, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), c.want) || !strings.Contains(stderr.String(), "Usage:") {
			t.Errorf("migrate %q: exit %d, %q; want 2 naming %q with the usage", c.args, code, stderr.String(), c.want)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := runMigrate([]string{"--help"}, envOf(nil), &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "--from badger DIR") {
		t.Errorf("--help: exit %d, %q", code, stdout.String())
	}

	dir := t.TempDir()
	held, err := store.Open(store.Options{Dir: filepath.Join(dir, "store")})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	cfg := natsConfig(t, filepath.Join(t.TempDir(), "cluster"))
	if _, err := runMigration(t, cfg, migrateOptions{dir: dir}, context.Background()); err == nil || !strings.Contains(err.Error(), "in use by another process") {
		t.Errorf("a source held open: %v, want it refused as in use", err)
	}
	if _, err := runMigration(t, cfg, migrateOptions{dir: t.TempDir()}, context.Background()); err == nil || !strings.Contains(err.Error(), "no badger store") {
		t.Errorf("an empty directory: %v, want it refused as holding no store", err)
	}
}

// A source a server wrote to after a copy was cut short is not resumed
// over (the copied scopes would keep what the source no longer holds):
// it is refused, and with --force every scope is copied again, each
// made equal to the source's (also when that copy is cut short and
// resumed): a reply sent meanwhile leaves the cluster's outbox too. A cluster that holds records no migration wrote
// is refused as well.
func TestMigrateAfterTheSourceChanged(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "badger")
	users := []string{"15550003001", "15550003002", "15550003003", "15550003004", "15550003005"}
	withSource := func(fn func(db *store.DB)) {
		t.Helper()
		db, err := store.Open(store.Options{Dir: filepath.Join(src, "store")})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		fn(db)
	}
	write := func(db *store.DB, user string, fn func(w store.Writer) error) {
		t.Helper()
		if err := db.Write(ctx, store.UserScope(user), fn); err != nil {
			t.Fatal(err)
		}
	}
	withSource(func(db *store.DB) {
		for _, u := range users {
			write(db, u, func(w store.Writer) error { return store.PutContact(ctx, w, store.Contact{WaID: u}) })
		}
		write(db, users[0], func(w store.Writer) error {
			return store.PutOutboxItem(ctx, w, &store.OutboxItem{Seq: 7, User: users[0], PhoneNumberID: "1065", Message: json.RawMessage(`{"type":"text"}`)})
		})
	})
	cfg := natsConfig(t, filepath.Join(dir, "cluster"))

	cut, cancel := context.WithCancel(ctx)
	if _, err := runMigration(t, cfg, migrateOptions{dir: src, workers: 1, afterScope: func(done int) {
		if done == 3 { // the deployment id, then the first two people
			cancel()
		}
	}}, cut); !errors.Is(err, context.Canceled) {
		t.Fatalf("cut short: %v", err)
	}
	// The server ran on the source in between: the reply went out, a
	// new person wrote in.
	withSource(func(db *store.DB) {
		write(db, users[0], func(w store.Writer) error { return store.DeleteOutboxItem(ctx, w, 7) })
		write(db, "15550003009", func(w store.Writer) error { return store.PutContact(ctx, w, store.Contact{WaID: "15550003009"}) })
	})
	if out, err := runMigration(t, cfg, migrateOptions{dir: src}, ctx); err == nil || !strings.Contains(err.Error(), "source changed") {
		t.Fatalf("resumed over a changed source: %v\n%s", err, out)
	}
	// The --force run cut short before the first person's scope, the
	// rest resumed without it: the resumed copy still replaces each scope.
	cut, cancel = context.WithCancel(ctx)
	if _, err := runMigration(t, cfg, migrateOptions{dir: src, force: true, workers: 1, afterScope: func(done int) {
		if done == 1 {
			cancel()
		}
	}}, cut); !errors.Is(err, context.Canceled) {
		t.Fatalf("--force cut short: %v", err)
	}
	out, err := runMigration(t, cfg, migrateOptions{dir: src}, ctx)
	if err != nil || strings.Contains(out, "DIFFERS") || strings.Contains(out, "outbox") || !strings.Contains(out, "resuming: 1 of") {
		t.Fatalf("--force after the source changed: %v\n%s", err, out)
	}
	if !regexp.MustCompile(`(?m)^contact +6 +6 *$`).MatchString(out) {
		t.Errorf("want 6 contacts on both sides:\n%s", out)
	}

	// A cluster a server wrote to.
	fresh := natsConfig(t, filepath.Join(dir, "served"))
	func() {
		db, _, err := openNATSStore(fresh, zerolog.Nop())
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.Write(ctx, store.UserScope("15550004001"), func(w store.Writer) error {
			return store.PutContact(ctx, w, store.Contact{WaID: "15550004001"})
		}); err != nil {
			t.Fatal(err)
		}
	}()
	if out, err := runMigration(t, fresh, migrateOptions{dir: src}, ctx); err == nil || !strings.Contains(err.Error(), "no migration wrote") {
		t.Fatalf("into a cluster a server wrote to: %v\n%s", err, out)
	}
}

// Records whose key does not name their owner are copied into the scope
// their writers use, read there by a read of that scope alone (which is
// all a JetStream transaction of the scope sees): an inbox event in its
// lane, an outbox item and a sent marker in their person's, a console
// session in its agent's, an idempotency key in its broadcast's, an
// answer in the person its recipient record names, and an answer whose
// recipient was erased in the scope kept for those. A damaged record (no
// owner can be read from it) is left, shown in the table, and the copy
// of the rest ends in an error.
func TestMigratedRecordsAreWhereTheirWritersLook(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "badger")
	const person, other = "15550005001", "15550005002"
	inbox := []byte(`{"kind":"message","message":{"from":"` + person + `","id":"wamid.in1","type":"text","text":"hi"},"received_at":"2026-05-01T12:00:00Z"}`)
	func() {
		db, err := store.Open(store.Options{Dir: filepath.Join(src, "store")})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		writes := []store.ScopedWrite{
			{Scope: store.UserScope(person), Fn: func(w store.Writer) error {
				if err := store.PutInbox(ctx, w, 41, inbox); err != nil {
					return err
				}
				// A damaged event: no lane can be read from it.
				if err := store.PutInbox(ctx, w, 43, []byte("not json")); err != nil {
					return err
				}
				if err := store.PutOutboxItem(ctx, w, &store.OutboxItem{Seq: 42, User: person, PhoneNumberID: "1065"}); err != nil {
					return err
				}
				if err := store.PutSentRef(ctx, w, "wamid.out1", store.SentRef{User: person, Seq: 3}); err != nil {
					return err
				}
				return store.PutBroadcastEngagement(ctx, w, "b1", 1, map[string]string{"a": "help"})
			}},
			{Scope: store.UserScope(other), Fn: func(w store.Writer) error {
				return store.PutBroadcastEngagement(ctx, w, "b1", 2, map[string]string{"a": "safe"})
			}},
			{Scope: store.BroadcastScope("b1"), Fn: func(w store.Writer) error {
				if err := store.PutBroadcastRecipient(ctx, w, "b1", 1, map[string]string{"u": person}); err != nil {
					return err
				}
				if err := store.PutBroadcastRecipient(ctx, w, "b1", 2, map[string]string{"u": ""}); err != nil {
					return err
				}
				_, err := store.ClaimBroadcastIdem(ctx, w, "idem-1", "b1", time.Hour)
				return err
			}},
			{Scope: store.DocScope(store.DocAgent, "amira"), Fn: func(w store.Writer) error {
				return store.PutAgentSession(ctx, w, "sess1", store.AgentSession{Agent: "amira"}, time.Hour)
			}},
		}
		if _, err := db.WriteEach(ctx, writes); err != nil {
			t.Fatal(err)
		}
	}()
	cfg := natsConfig(t, filepath.Join(dir, "cluster"))
	out, err := runMigration(t, cfg, migrateOptions{dir: src}, ctx)
	if !errors.Is(err, errCountsDiffer) || !strings.Contains(err.Error(), "1 records left") ||
		!regexp.MustCompile(`(?m)^inbox +2 +1 +1 not copied: no owner could be read`).MatchString(out) {
		t.Fatalf("a damaged inbox event: %v\n%s", err, out)
	}
	db, _, err := openNATSStore(cfg, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cases := []struct {
		name  string
		scope store.Scope
		find  func(r store.Reader) error
	}{
		{"inbox event in its lane", store.UserScope(person), func(r store.Reader) error {
			ok, err := store.HasInbox(ctx, r, 41)
			if err == nil && !ok {
				err = store.ErrNotFound
			}
			return err
		}},
		{"outbox item", store.UserScope(person), func(r store.Reader) error { _, err := store.GetOutboxItem(ctx, r, 42); return err }},
		{"sent marker", store.UserScope(person), func(r store.Reader) error { _, err := store.GetSentRef(ctx, r, "wamid.out1"); return err }},
		{"answer of the person named", store.UserScope(person), func(r store.Reader) error {
			_, found, err := store.GetBroadcastEngagement[map[string]string](ctx, r, "b1", 1)
			if err == nil && !found {
				err = store.ErrNotFound
			}
			return err
		}},
		{"answer of an erased recipient", store.UserScope("_erased"), func(r store.Reader) error {
			_, found, err := store.GetBroadcastEngagement[map[string]string](ctx, r, "b1", 2)
			if err == nil && !found {
				err = store.ErrNotFound
			}
			return err
		}},
		{"idempotency key", store.BroadcastScope("b1"), func(r store.Reader) error {
			return db.Write(ctx, store.BroadcastScope("b1"), func(w store.Writer) error {
				existing, err := store.ClaimBroadcastIdem(ctx, w, "idem-1", "b1", time.Hour)
				if err == nil && existing != "b1" {
					err = store.ErrNotFound
				}
				return err
			})
		}},
		{"console session", store.DocScope(store.DocAgent, "amira"), func(r store.Reader) error { _, err := store.GetAgentSession(ctx, r, "sess1"); return err }},
	}
	for _, c := range cases {
		if err := db.ReadIn(ctx, c.scope, c.find); err != nil {
			t.Errorf("%s: not found in %s on the cluster: %v", c.name, c.scope, err)
		}
	}
}
