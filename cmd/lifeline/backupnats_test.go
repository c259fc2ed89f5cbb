package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

// A cluster's backup restored into an empty cluster. A cluster is filled
// (a badger store's records migrated in, then a conversation, a token and
// a FAQ version made on the cluster itself); `lifeline backup` downloads
// its backup from a serving instance and checks it loads; `lifeline
// restore` stages it in a data directory, and `lifeline migrate` copies
// that into a new, empty cluster. A server started on the new cluster
// finds every record made before the backup, and numbers a new message
// after the old ones.
func TestClusterBackupRestoresIntoAnEmptyCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two embedded NATS nodes and three servers")
	}
	dir := t.TempDir()
	src := fillBadgerSource(t, filepath.Join(dir, "badger"))
	first := natsConfig(t, filepath.Join(dir, "first"))
	first.ThesaurusDir, first.AdminToken = "", migrateAdminToken
	if out, err := runMigration(t, first, migrateOptions{dir: src.dir}, context.Background()); err != nil {
		t.Fatalf("fill the first cluster: %v\n%s", err, out)
	}

	inst, err := start(first, zerolog.Nop(), &bytes.Buffer{})
	if err != nil {
		t.Fatalf("start on the first cluster: %v", err)
	}
	closed := false
	defer func() {
		if !closed {
			inst.close()
		}
	}()
	must := func(inst *instance, want int, method, path, token, ctype, body string) []byte {
		t.Helper()
		code, b := call(t, inst, method, path, token, ctype, body)
		if code != want {
			t.Fatalf("%s %s: %d %s, want %d", method, path, code, b, want)
		}
		return b
	}
	// Records born on the cluster.
	must(inst, 200, "POST", "/sandbox/messages", "", "application/json", `{"from": "`+talker+`", "text": "hello on the cluster"}`)
	var tok struct{ Secret string }
	if err := json.Unmarshal(must(inst, 201, "POST", "/admin/tokens", migrateAdminToken, "application/json", `{"name": "prometheus", "role": "viewer"}`), &tok); err != nil || tok.Secret == "" {
		t.Fatalf("token: %+v %v", tok, err)
	}
	must(inst, 200, "POST", "/admin/kb/import?mode=merge", migrateAdminToken, "text/csv", "id,question,answer\nfloodgate-hours,When does the flood gate open?,At six in the morning.\n")
	inst.engine.WaitIdle()
	inst.phones.Wait()
	inst.engine.WaitIdle()
	transcript := transcriptOf(t, inst, talker)
	live := faqLive(t, inst)
	if len(transcript) <= len(src.transcript) || live <= src.faqLive {
		t.Fatalf("the first cluster: transcript %q, FAQ version %v; want more than the migrated ones", transcript, live)
	}
	// An incremental backup is badger's: refused, saying so.
	if code, b := call(t, inst, "GET", "/admin/backup?since=5", migrateAdminToken, "", ""); code != 400 || !strings.Contains(string(b), "always whole") {
		t.Errorf("incremental backup of a cluster: %d %s, want 400 saying it is always whole", code, b)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = inst.http.App().Listener(ln) }()
	file := filepath.Join(dir, "cluster.backup")
	var stdout, stderr bytes.Buffer
	if code := runBackup([]string{"--out", file, "--server", "http://" + ln.Addr().String(), "--token", migrateAdminToken}, func(string) string { return "" }, &stdout, &stderr); code != 0 {
		t.Fatalf("lifeline backup: exit %d: %s%s", code, stdout.String(), stderr.String())
	}
	t.Logf("lifeline backup printed: %s", strings.TrimSpace(stdout.String()))
	closed = true
	if err := inst.close(); err != nil {
		t.Fatal(err)
	}

	staged := filepath.Join(dir, "staged")
	stdout.Reset()
	stderr.Reset()
	if code := runRestore([]string{file, "--data", staged}, func(string) string { return "" }, &stdout, &stderr); code != 0 {
		t.Fatalf("lifeline restore: exit %d: %s%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "lifeline migrate --from badger "+staged+" --to nats") {
		t.Errorf("restoring a cluster's backup does not say how to copy it into a cluster:\n%s", stdout.String())
	}

	// Served by a single badger server, the restored records would clash
	// with its numbers: refused, naming the way into a cluster.
	single, err := loadConfig(nil, envOf(map[string]string{"LIFELINE_DATA_DIR": staged}))
	if err != nil {
		t.Fatal(err)
	}
	if inst, err := start(single, zerolog.Nop(), &bytes.Buffer{}); err == nil {
		inst.close()
		t.Error("a single badger server started on a restored cluster's backup")
	} else if !strings.Contains(err.Error(), "lifeline migrate --from badger") {
		t.Errorf("badger on a restored cluster's backup: %v; want the way into a cluster", err)
	}

	second := natsConfig(t, filepath.Join(dir, "second"))
	second.ThesaurusDir, second.AdminToken = "", migrateAdminToken
	out, err := runMigration(t, second, migrateOptions{dir: staged}, context.Background())
	if err != nil || strings.Contains(out, "DIFFERS") {
		t.Fatalf("copy the restored backup into the empty cluster: %v\n%s", err, out)
	}
	restored, err := start(second, zerolog.Nop(), &bytes.Buffer{})
	if err != nil {
		t.Fatalf("start on the restored cluster: %v", err)
	}
	defer restored.close()
	if got := transcriptOf(t, restored, talker); strings.Join(got, "\n") != strings.Join(transcript, "\n") {
		t.Errorf("transcript on the restored cluster %q, want %q", got, transcript)
	}
	if got := faqLive(t, restored); got != live {
		t.Errorf("live FAQ version on the restored cluster %v, want %v", got, live)
	}
	for _, c := range []struct{ path, token, want string }{
		{"/admin/contacts?tag=volunteers", migrateAdminToken, invitee},
		{"/admin/handoffs", migrateAdminToken, asker},
		{"/admin/broadcasts/" + src.broadcast, migrateAdminToken, `"need_help":1`},
		{"/admin/agents", migrateAdminToken, "amira"},
		{"/admin/kb/search?q=drinking+water", migrateAdminToken, "water-points"},
		{"/admin/kb/search?q=when+does+the+flood+gate+open", migrateAdminToken, "floodgate-hours"},
		{"/metrics", src.viewerToken, "lifeline_"},
		{"/metrics", tok.Secret, "lifeline_"},
		{"/admin/audit", migrateAdminToken, "backup"},
	} {
		code, b := call(t, restored, "GET", c.path, c.token, "", "")
		if code != 200 || !strings.Contains(string(b), c.want) {
			t.Errorf("restored cluster: GET %s: %d, want 200 with %q: %.300s", c.path, code, c.want, b)
		}
	}
	must(restored, 200, "POST", "/sandbox/messages", "", "application/json", `{"from": "`+talker+`", "text": "hello after the restore"}`)
	restored.engine.WaitIdle()
	after := transcriptOf(t, restored, talker)
	if len(after) <= len(transcript) || after[len(transcript)] != "in: hello after the restore" || strings.Join(after[:len(transcript)], "\n") != strings.Join(transcript, "\n") {
		t.Errorf("after a new message the transcript is %q; want the restored one followed by the new message", after)
	}
}
