package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/kb"
	"lifeline/store"
	"lifeline/store/storetest"
)

func TestEncryptionKeyAndRetentionSettings(t *testing.T) {
	hex32 := strings.Repeat("ab", 32)
	b64 := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 16))
	keyFile := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(keyFile, []byte(hex32+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		env     map[string]string
		wantErr string
		check   func(t *testing.T, c Config)
	}{
		{name: "defaults keep 90, 30 and 90 days, no encryption", check: func(t *testing.T, c Config) {
			if c.Retention.Messages != 90*day || c.Retention.Locations != 30*day || c.Retention.CheckIns != 90*day || c.EncryptionKey != nil {
				t.Errorf("got %+v", c.Retention)
			}
		}},
		{name: "days, durations and zero", env: map[string]string{"LIFELINE_RETENTION_MESSAGES": "7d", "LIFELINE_RETENTION_LOCATIONS": "36h", "LIFELINE_RETENTION_CHECKINS": "0"},
			check: func(t *testing.T, c Config) {
				if c.Retention.Messages != 7*day || c.Retention.Locations != 36*time.Hour || c.Retention.CheckIns != 0 {
					t.Errorf("got %+v", c.Retention)
				}
			}},
		{name: "bad retention", env: map[string]string{"LIFELINE_RETENTION_LOCATIONS": "a month"}, wantErr: "LIFELINE_RETENTION_LOCATIONS"},
		{name: "hex key", env: map[string]string{"LIFELINE_ENCRYPTION_KEY": hex32}, check: func(t *testing.T, c Config) {
			if len(c.EncryptionKey) != 32 {
				t.Errorf("key of %d bytes", len(c.EncryptionKey))
			}
		}},
		{name: "base64 key", env: map[string]string{"LIFELINE_ENCRYPTION_KEY": b64}, check: func(t *testing.T, c Config) {
			if len(c.EncryptionKey) != 16 {
				t.Errorf("key of %d bytes", len(c.EncryptionKey))
			}
		}},
		{name: "key file", env: map[string]string{"LIFELINE_ENCRYPTION_KEY_FILE": keyFile}, check: func(t *testing.T, c Config) {
			if len(c.EncryptionKey) != 32 {
				t.Errorf("key of %d bytes", len(c.EncryptionKey))
			}
		}},
		{name: "key of the wrong length", env: map[string]string{"LIFELINE_ENCRYPTION_KEY": "abcd"}, wantErr: "LIFELINE_ENCRYPTION_KEY: decodes to 2 bytes"},
		{name: "key that is not hex or base64", env: map[string]string{"LIFELINE_ENCRYPTION_KEY": "not a key!"}, wantErr: "not hex or base64"},
		{name: "both key and file", env: map[string]string{"LIFELINE_ENCRYPTION_KEY": hex32, "LIFELINE_ENCRYPTION_KEY_FILE": keyFile}, wantErr: "both set"},
		{name: "missing key file", env: map[string]string{"LIFELINE_ENCRYPTION_KEY_FILE": "/nonexistent/key"}, wantErr: "LIFELINE_ENCRYPTION_KEY_FILE"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := loadConfig(nil, envOf(tc.env))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "not a key!") {
					t.Error("the error repeats the key")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitReady polls /readyz until it answers 200, for at most d.
func waitReady(t *testing.T, base string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s not ready after %s", base, d)
}

// TestBackupOfARunningServerRestoresEverything runs a real server (sandbox
// mode, encrypted store), has conversations and a second FAQ version,
// backs it up over the admin API while it runs, restores into an empty
// directory with a different key, and finds everything there.
func TestBackupOfARunningServerRestoresEverything(t *testing.T) {
	dir := t.TempDir()
	cfg := defaultConfig()
	cfg.Addr = freeAddr(t)
	cfg.DataDir = filepath.Join(dir, "live")
	cfg.AdminToken = "backup-test-admin-token-0123456789"
	cfg.EncryptionKey = bytes.Repeat([]byte{1}, 32)
	var stdout bytes.Buffer
	inst, err := start(cfg, zerolog.Nop(), &stdout)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = inst.listen() }()
	base := "http://" + cfg.Addr
	waitReady(t, base, 10*time.Second)

	users := []string{"15550100001", "15550100002", "966500000003"}
	for _, u := range users {
		for _, text := range []string{"hello", "where can I find a shelter?"} {
			body, _ := json.Marshal(map[string]string{"from": u, "name": "User " + u, "text": text})
			resp, err := http.Post(base+"/sandbox/messages", "application/json", bytes.NewReader(body))
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("sandbox message: %v %v", resp, err)
			}
			resp.Body.Close()
		}
	}
	faq, err := kb.Open(inst.db, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	entries := faq.Entries()
	if _, err := faq.Import(append(entries, kb.Entry{ID: "backup-test", Question: "Is the backup test here?", Answer: "Yes."}), kb.ModeReplace, "test"); err != nil {
		t.Fatal(err)
	}
	// Replies sent, then the sandbox's delivery statuses for them in and processed.
	inst.engine.WaitIdle()
	inst.phones.Wait()
	inst.engine.WaitIdle()
	before := countKeys(t, inst.db)

	out := filepath.Join(dir, "lifeline.backup")
	var o, e bytes.Buffer
	if code := run([]string{"backup", "--out", out, "--server", base, "--token", cfg.AdminToken}, &o, &e); code != 0 {
		t.Fatalf("backup exit %d: %s", code, e.String())
	}
	if err := inst.close(); err != nil {
		t.Fatal(err)
	}

	restored := filepath.Join(dir, "restored")
	// Restore refuses a directory that holds anything.
	if code := run([]string{"restore", out, "--data", cfg.DataDir}, &o, &e); code == 0 || !strings.Contains(e.String(), "not empty") {
		t.Fatalf("restore over live data: exit %d, %s", code, e.String())
	}
	newKey := strings.Repeat("cd", 16)
	t.Setenv("LIFELINE_ENCRYPTION_KEY", newKey)
	e.Reset()
	if code := run([]string{"restore", out, "--data", restored}, &o, &e); code != 0 {
		t.Fatalf("restore exit %d: %s", code, e.String())
	}
	// The restored directory opens with the new key only.
	if _, err := store.Open(store.Options{Dir: filepath.Join(restored, "store"), Logger: zerolog.Nop()}); err == nil {
		t.Fatal("restored store opened without a key")
	}
	db, err := store.Open(store.Options{Dir: filepath.Join(restored, "store"), EncryptionKey: bytes.Repeat([]byte{0xcd}, 16), Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	after := countKeys(t, db)
	for prefix, n := range before {
		if after[prefix] != n {
			t.Errorf("%s: %d keys before the backup, %d after the restore", prefix, n, after[prefix])
		}
	}
	for _, u := range users {
		var c store.Contact
		err := db.Read(context.Background(), func(r store.Reader) error {
			var err error
			c, err = store.GetContact(context.Background(), r, u)
			return err
		})
		if err != nil || c.Name != "User "+u {
			t.Errorf("contact %s after restore: %+v %v", u, c, err)
		}
	}
	k, err := kb.Open(db, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	if k.Version() < 2 {
		t.Errorf("FAQ version %d after restore, want the second version live", k.Version())
	}
	found := false
	for _, en := range k.Entries() {
		found = found || en.ID == "backup-test"
	}
	if !found {
		t.Error("the FAQ entry imported before the backup is missing")
	}
}

// countKeys counts records by kind (and by document kind).
func countKeys(t *testing.T, db *store.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, rec := range storetest.Records(t, db) {
		kind := string(rec.Kind)
		switch rec.Kind {
		case store.KindDoc:
			kind += "/" + string(rec.Doc)
		case store.KindSequence:
			continue // sequences lease ahead; their values differ by design
		}
		out[kind]++
	}
	if len(out) == 0 {
		t.Fatal("empty store")
	}
	return out
}
