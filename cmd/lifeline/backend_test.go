package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/store"
)

func TestBackendSetting(t *testing.T) {
	cases := []struct {
		name        string
		env         map[string]string
		wantBackend string
		wantNode    string // the embedded node's name; empty: none
		wantErr     string // what the refusal names; empty for success
	}{
		{name: "unset: badger", wantBackend: backendBadger},
		{name: "badger", env: map[string]string{"LIFELINE_BACKEND": "badger"}, wantBackend: backendBadger},
		{name: "nats alone embeds one node", env: map[string]string{"LIFELINE_BACKEND": "nats"}, wantBackend: backendNATS, wantNode: defaultNATSName},
		{name: "nats with its node's client address", env: map[string]string{"LIFELINE_BACKEND": "nats", "LIFELINE_NATS_LISTEN": "127.0.0.1:4999"},
			wantBackend: backendNATS, wantNode: defaultNATSName},
		{name: "nats with a named node", env: map[string]string{"LIFELINE_BACKEND": " nats ", "LIFELINE_NATS_NAME": "n1"}, wantBackend: backendNATS, wantNode: "n1"},
		{name: "nats on an existing cluster embeds none", env: map[string]string{"LIFELINE_BACKEND": "nats", "LIFELINE_NATS_URL": "nats://10.0.0.1:4222"}, wantBackend: backendNATS},
		{name: "an unknown backend", env: map[string]string{"LIFELINE_BACKEND": "postgres"}, wantErr: "LIFELINE_BACKEND=\"postgres\""},
		{name: "a backend in capitals", env: map[string]string{"LIFELINE_BACKEND": "NATS"}, wantErr: "LIFELINE_BACKEND"},
		{name: "nats with a bad cluster URL", env: map[string]string{"LIFELINE_BACKEND": "nats", "LIFELINE_NATS_URL": "http://a:4222"}, wantErr: "LIFELINE_NATS_URL"},
		{name: "nats with the default lease TTL", env: map[string]string{"LIFELINE_BACKEND": "nats", "LIFELINE_LEASE_TTL": "15s"}, wantBackend: backendNATS, wantNode: defaultNATSName},
		{name: "nats with a lease shorter than an election", env: map[string]string{"LIFELINE_BACKEND": "nats", "LIFELINE_LEASE_TTL": "3s"}, wantErr: "LIFELINE_LEASE_TTL=3s"},
		{name: "badger with a short lease", env: map[string]string{"LIFELINE_LEASE_TTL": "3s"}, wantBackend: backendBadger},
		{name: "nats with a bad client address", env: map[string]string{"LIFELINE_BACKEND": "nats", "LIFELINE_NATS_LISTEN": "localhost"}, wantErr: "LIFELINE_NATS_LISTEN"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := loadConfig(nil, envOf(tc.env))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one naming %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Backend != tc.wantBackend || natsOptions(c).Name != tc.wantNode && c.Backend == backendNATS {
				t.Errorf("backend %q, node %q; want %q, %q", c.Backend, natsOptions(c).Name, tc.wantBackend, tc.wantNode)
			}
		})
	}
}

// natsConfig is LIFELINE_BACKEND=nats on dir with the embedded node's
// client port picked by the system (a setting refuses port 0, which
// other instances could not find; one node in a test needs none).
func natsConfig(t *testing.T, dir string) Config {
	t.Helper()
	c, err := loadConfig(nil, envOf(map[string]string{"LIFELINE_BACKEND": "nats", "LIFELINE_DATA_DIR": dir}))
	if err != nil {
		t.Fatal(err)
	}
	c.NATS.Listen = "127.0.0.1:0"
	return c
}

// The embedded node keeps its data under the data directory: the
// streams are created once, and a record written before a restart is
// read after it.
func TestNATSBackendRestartsWithItsData(t *testing.T) {
	dir := t.TempDir()
	cfg := natsConfig(t, dir)
	ctx := context.Background()
	b, err := openNATSBackend(ctx, cfg, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	if !b.ensure.Changed() {
		b.Close()
		t.Fatalf("the first start created nothing: %+v", b.ensure)
	}
	user := "447700900123"
	key := store.Key("s" + user) // a session, owned by the user's scope
	err = b.store.Write(ctx, store.UserScope(user), func(w store.Writer) error { return w.Set(key, []byte("kept"), 0) })
	b.Close()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "nats")); err != nil {
		t.Fatalf("the node's store is not under the data directory: %v", err)
	}

	b, err = openNATSBackend(ctx, cfg, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.ensure.Changed() {
		t.Errorf("a restart changed the streams: %+v", b.ensure)
	}
	var v []byte
	if err := b.store.ReadIn(ctx, store.UserScope(user), func(r store.Reader) error {
		var err error
		v, err = r.Get(key)
		return err
	}); err != nil || string(v) != "kept" {
		t.Errorf("after the restart: %q, %v; want kept", v, err)
	}
}

// serve with LIFELINE_BACKEND=nats runs on JetStream: one embedded
// node on loopback, no badger store under the data directory; a sandbox
// message is answered, and after a restart the conversation's
// transcript is read back from the node's streams.
func TestServeOnNATSAnswersAndKeepsTheTranscript(t *testing.T) {
	dir := t.TempDir()
	cfg := natsConfig(t, dir)
	cfg.ThesaurusDir = ""
	cfg.AdminToken = "nats-serve-test-admin-token-0123456789"
	client := &http.Client{Timeout: 60 * time.Second}
	const user = "15550007777"

	serveOnce := func() (*instance, string) {
		t.Helper()
		inst, err := start(cfg, zerolog.Nop(), &bytes.Buffer{})
		if err != nil {
			t.Fatalf("start on nats: %v", err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			inst.close()
			t.Fatal(err)
		}
		go func() { _ = inst.http.App().Listener(ln) }()
		return inst, "http://" + ln.Addr().String()
	}
	transcript := func(base string) []string {
		t.Helper()
		resp, err := client.Get(base + "/sandbox/conversations/" + user)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var tr struct {
			Messages []struct {
				Dir  string `json:"dir"`
				Text string `json:"text"`
			} `json:"messages"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&tr); err != nil || resp.StatusCode != 200 {
			t.Fatalf("transcript: %d, %v", resp.StatusCode, err)
		}
		var out []string
		for _, m := range tr.Messages {
			out = append(out, m.Dir+": "+m.Text)
		}
		return out
	}

	inst, base := serveOnce()
	resp, err := client.Post(base+"/sandbox/messages", "application/json", strings.NewReader(`{"from": "`+user+`", "text": "hello"}`))
	if err != nil {
		inst.close()
		t.Fatal(err)
	}
	var answer struct {
		Replies []json.RawMessage `json:"replies"`
	}
	err = json.NewDecoder(resp.Body).Decode(&answer)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || len(answer.Replies) == 0 {
		inst.close()
		t.Fatalf("sandbox message on nats: status %d, %d replies, %v", resp.StatusCode, len(answer.Replies), err)
	}
	inst.engine.WaitIdle()
	inst.phones.Wait()
	inst.engine.WaitIdle()
	before := transcript(base)
	if err := inst.close(); err != nil {
		t.Fatal(err)
	}
	if len(before) < 2 || before[0] != "in: hello" {
		t.Fatalf("transcript before the restart: %q; want the message and its replies", before)
	}
	if _, err := os.Stat(filepath.Join(dir, "store")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a badger store was opened under the data directory: %v", err)
	}

	inst, base = serveOnce()
	defer inst.close()
	if after := transcript(base); !slices.Equal(after, before) {
		t.Errorf("transcript after the restart:\n%q\nwant\n%q", after, before)
	}

	// A backup of the cluster streams in badger's format: it loads.
	req, _ := http.NewRequest("GET", base+"/admin/backup", nil)
	req.Header.Set("Authorization", "Bearer "+cfg.AdminToken)
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("backup on nats: %d %s", resp.StatusCode, body)
	}
	if rep, err := store.VerifyBackup(bytes.NewReader(body)); err != nil || rep.Keys == 0 {
		t.Errorf("backup on nats: %d keys, %v; want a backup that loads", rep.Keys, err)
	}
}
