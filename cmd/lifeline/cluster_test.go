package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestNATSSettings(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "cert.pem")
	if err := os.WriteFile(file, []byte("-"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pem")
	node := func(extra map[string]string) map[string]string {
		m := map[string]string{"LIFELINE_NATS_NAME": "n1", "LIFELINE_NATS_CLUSTER": "10.0.0.1:6222",
			"LIFELINE_NATS_ROUTES": "nats-route://10.0.0.2:6222, nats-route://10.0.0.3:6222"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	cases := []struct {
		name    string
		env     map[string]string
		wantErr string // the variable the refusal names; empty for success
		check   func(t *testing.T, n NATSSettings)
	}{
		{name: "nothing set: no cluster", check: func(t *testing.T, n NATSSettings) {
			if n.Configured() || n.Partitions != 64 || n.Listen != "127.0.0.1:4222" {
				t.Errorf("defaults: %+v", n)
			}
		}},
		{name: "an existing cluster", env: map[string]string{"LIFELINE_NATS_URL": "nats://a:4222,nats://b:4222", "LIFELINE_NATS_CREDS": file}, check: func(t *testing.T, n NATSSettings) {
			if !n.Configured() || n.Creds != file {
				t.Errorf("got %+v", n)
			}
		}},
		{name: "an embedded node of three", env: node(map[string]string{"LIFELINE_NATS_LISTEN": "0.0.0.0:4333", "LIFELINE_NATS_TLS_CERT": file,
			"LIFELINE_NATS_TLS_KEY": file, "LIFELINE_NATS_TLS_CA": file, "LIFELINE_NATS_PARTITIONS": "16", "LIFELINE_NATS_REPLICAS": "3"}),
			check: func(t *testing.T, n NATSSettings) {
				if n.Name != "n1" || n.Listen != "0.0.0.0:4333" || len(n.Routes) != 2 || n.Routes[1] != "nats-route://10.0.0.3:6222" || n.Partitions != 16 || n.Replicas != 3 {
					t.Errorf("got %+v", n)
				}
			}},
		{name: "a single embedded node", env: map[string]string{"LIFELINE_NATS_NAME": "solo"}},
		{name: "URL not a NATS URL", env: map[string]string{"LIFELINE_NATS_URL": "http://u:pw@a:4222"}, wantErr: "LIFELINE_NATS_URL"},
		{name: "URL and a node name", env: node(map[string]string{"LIFELINE_NATS_URL": "nats://a:4222"}), wantErr: "LIFELINE_NATS_URL and LIFELINE_NATS_NAME"},
		{name: "credentials without URL", env: map[string]string{"LIFELINE_NATS_CREDS": file}, wantErr: "LIFELINE_NATS_CREDS"},
		{name: "credentials file missing", env: map[string]string{"LIFELINE_NATS_URL": "nats://a:4222", "LIFELINE_NATS_CREDS": missing}, wantErr: "LIFELINE_NATS_CREDS"},
		{name: "node name with a space", env: node(map[string]string{"LIFELINE_NATS_NAME": "node one"}), wantErr: "LIFELINE_NATS_NAME"},
		{name: "listen address without port", env: node(map[string]string{"LIFELINE_NATS_LISTEN": "127.0.0.1"}), wantErr: "LIFELINE_NATS_LISTEN"},
		{name: "listen address without a node name", env: map[string]string{"LIFELINE_NATS_LISTEN": "127.0.0.1:4222"}, wantErr: "LIFELINE_NATS_LISTEN is set without LIFELINE_NATS_NAME"},
		{name: "node settings with a URL", env: map[string]string{"LIFELINE_NATS_URL": "nats://a:4222", "LIFELINE_NATS_ROUTES": "nats-route://b:6222"}, wantErr: "LIFELINE_NATS_ROUTES is set with LIFELINE_NATS_URL"},
		{name: "cluster address with port 0", env: node(map[string]string{"LIFELINE_NATS_CLUSTER": "10.0.0.1:0"}), wantErr: "LIFELINE_NATS_CLUSTER"},
		{name: "cluster address without routes", env: node(map[string]string{"LIFELINE_NATS_ROUTES": ""}), wantErr: "LIFELINE_NATS_ROUTES is empty"},
		{name: "routes without a cluster address", env: node(map[string]string{"LIFELINE_NATS_CLUSTER": ""}), wantErr: "LIFELINE_NATS_ROUTES is set without LIFELINE_NATS_CLUSTER"},
		{name: "route with a client scheme", env: node(map[string]string{"LIFELINE_NATS_ROUTES": "nats://10.0.0.2:4222"}), wantErr: "LIFELINE_NATS_ROUTES"},
		{name: "certificate without key", env: node(map[string]string{"LIFELINE_NATS_TLS_CERT": file}), wantErr: "LIFELINE_NATS_TLS_KEY"},
		{name: "key without certificate", env: node(map[string]string{"LIFELINE_NATS_TLS_KEY": file}), wantErr: "LIFELINE_NATS_TLS_CERT is not set"},
		{name: "CA without certificate", env: node(map[string]string{"LIFELINE_NATS_TLS_CA": file}), wantErr: "LIFELINE_NATS_TLS_CA"},
		{name: "certificate file missing", env: node(map[string]string{"LIFELINE_NATS_TLS_CERT": missing, "LIFELINE_NATS_TLS_KEY": file}), wantErr: "LIFELINE_NATS_TLS_CERT"},
		{name: "TLS without a cluster port", env: map[string]string{"LIFELINE_NATS_NAME": "n1", "LIFELINE_NATS_TLS_CERT": file, "LIFELINE_NATS_TLS_KEY": file}, wantErr: "LIFELINE_NATS_TLS_CERT is set without LIFELINE_NATS_CLUSTER"},
		{name: "partitions not a number", env: node(map[string]string{"LIFELINE_NATS_PARTITIONS": "many"}), wantErr: "LIFELINE_NATS_PARTITIONS"},
		{name: "partitions zero", env: node(map[string]string{"LIFELINE_NATS_PARTITIONS": "0"}), wantErr: "LIFELINE_NATS_PARTITIONS"},
		{name: "replicas above five", env: node(map[string]string{"LIFELINE_NATS_REPLICAS": "7"}), wantErr: "LIFELINE_NATS_REPLICAS"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := loadConfig(nil, envOf(tc.env))
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if tc.check != nil {
					tc.check(t, c.NATS)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one naming %s", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), "pw") {
				t.Fatalf("error shows a password: %v", err)
			}
		})
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func TestClusterCommandWithoutACluster(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"nothing configured", nil, "no cluster configured: set LIFELINE_NATS_URL"},
		{"nothing answers at the URL", map[string]string{"LIFELINE_NATS_URL": fmt.Sprintf("nats://127.0.0.1:%d", freePort(t))}, "no NATS server answers at nats://127.0.0.1"},
		{"no node runs on this machine", map[string]string{"LIFELINE_NATS_NAME": "n1", "LIFELINE_NATS_LISTEN": fmt.Sprintf("127.0.0.1:%d", freePort(t))}, "(LIFELINE_NATS_LISTEN): start this machine's node with `lifeline cluster run`"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := runCluster(context.Background(), []string{"status", "--timeout", "300ms"}, envOf(tc.env), &out, &errb)
			if code != 1 || !strings.Contains(errb.String(), tc.want) {
				t.Fatalf("exit %d, stderr %q; want 1 and %q", code, errb.String(), tc.want)
			}
		})
	}
}

// TestClusterRunEnsureStatus runs a single embedded node with `cluster
// run`, creates the streams with `cluster ensure` and reads them back with
// `cluster status`, all through the environment an operator sets.
func TestClusterRunEnsureStatus(t *testing.T) {
	env := map[string]string{"LIFELINE_NATS_NAME": "solo", "LIFELINE_NATS_LISTEN": fmt.Sprintf("127.0.0.1:%d", freePort(t)),
		"LIFELINE_DATA_DIR": t.TempDir(), "LIFELINE_NATS_PARTITIONS": "8", "LIFELINE_ENCRYPTION_KEY": strings.Repeat("ab", 32)}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var runErr bytes.Buffer
	go func() { done <- runCluster(ctx, []string{"run"}, envOf(env), &bytes.Buffer{}, &runErr) }()
	defer func() {
		stop()
		if code := <-done; code != 0 {
			t.Errorf("cluster run exited %d: %s", code, runErr.String())
		}
	}()

	// ensure until the node listens (it connects as a client, like an operator).
	deadline := time.Now().Add(30 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	var out, errb bytes.Buffer
	for {
		out.Reset()
		errb.Reset()
		if runCluster(context.Background(), []string{"ensure"}, envOf(env), &out, &errb) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ensure never succeeded: %s", errb.String())
		}
		select {
		case code := <-done:
			t.Fatalf("cluster run exited %d: %s", code, runErr.String())
		case <-tick.C:
		}
	}
	if !strings.Contains(out.String(), "stream       INGEST       created") {
		t.Errorf("ensure output:\n%s", out.String())
	}
	if _, err := os.Stat(filepath.Join(env["LIFELINE_DATA_DIR"], "nats", "jetstream")); err != nil {
		t.Errorf("node store not under the data directory: %v", err)
	}

	out.Reset()
	errb.Reset()
	if code := runCluster(context.Background(), []string{"status"}, envOf(env), &out, &errb); code != 0 {
		t.Fatalf("status exited %d: %s", code, errb.String())
	}
	for _, want := range []string{"answered by solo, 8 partitions", "INGEST", "KV_leases", "OBJ_faq_entries", "solo  online  leads 10 streams"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("status output lacks %q:\n%s", want, out.String())
		}
	}

	env["LIFELINE_NATS_PARTITIONS"] = "16"
	errb.Reset()
	if code := runCluster(context.Background(), []string{"ensure"}, envOf(env), &bytes.Buffer{}, &errb); code != 1 ||
		!strings.Contains(errb.String(), "LIFELINE_NATS_PARTITIONS=16") || !strings.Contains(errb.String(), "created with 8 partitions") {
		t.Fatalf("ensure with a changed partition count: exit %d, %s", code, errb.String())
	}
}
