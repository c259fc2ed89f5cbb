package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The three-node examples of the README (docs/cluster): each instance's
// settings, with the example secrets, pass the server's own validation;
// the nodes have distinct names and instance ids, and each routes to the
// other two. Docker does not run where the tests run, so the compose file
// is checked by reading it; the systemd unit is checked by
// systemd-analyze where it is installed.

const deployDir = "../../docs/cluster"

// readEnvFile reads KEY=VALUE lines, skipping comments and blank lines.
func readEnvFile(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || k == "" {
			t.Fatalf("%s:%d: not KEY=VALUE: %q", path, n, line)
		}
		env[k] = v
	}
	return env
}

// checkNodes validates each node's environment with the example secrets
// and checks that the nodes form one cluster: distinct names, routes to
// the others' cluster addresses (as routeOf says they are reached).
func checkNodes(t *testing.T, nodes map[string]map[string]string, routeOf func(name string, env map[string]string) string) {
	t.Helper()
	secrets := readEnvFile(t, filepath.Join(deployDir, "secrets.env.example"))
	names := map[string]bool{}
	for node, env := range nodes {
		all := map[string]string{}
		for k, v := range secrets {
			all[k] = v
		}
		for k, v := range env {
			all[k] = v
		}
		cfg, err := loadConfig(nil, envOf(all))
		if err != nil {
			t.Errorf("%s: the server refuses its settings: %v", node, err)
			continue
		}
		if cfg.Backend != backendNATS || cfg.NATS.Name == "" || cfg.InstanceID == "" || cfg.Sandbox() {
			t.Errorf("%s: backend %q, node %q, instance %q, sandbox %v; want nats, a named node and instance, real credentials", node, cfg.Backend, cfg.NATS.Name, cfg.InstanceID, cfg.Sandbox())
		}
		for _, n := range []string{"node " + cfg.NATS.Name, "instance " + cfg.InstanceID} {
			if names[n] {
				t.Errorf("%s: %s is used by another node too", node, n)
			}
			names[n] = true
		}
		var want []string
		for other, oenv := range nodes {
			if other != node {
				want = append(want, routeOf(other, oenv))
			}
		}
		got := slices.Clone(cfg.NATS.Routes)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: routes %v, want the other two nodes %v", node, got, want)
		}
	}
}

func TestSystemdExampleNodesFormOneCluster(t *testing.T) {
	nodes := map[string]map[string]string{}
	for i := 1; i <= 3; i++ {
		nodes[fmt.Sprintf("node%d.env", i)] = readEnvFile(t, filepath.Join(deployDir, fmt.Sprintf("node%d.env", i)))
	}
	checkNodes(t, nodes, func(_ string, env map[string]string) string { return "nats-route://" + env["LIFELINE_NATS_CLUSTER"] })

	tool, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Log("systemd-analyze is not installed: the unit file is not verified here")
		return
	}
	// The unit as installed, its paths pointed at files that exist here.
	dir := t.TempDir()
	abs, err := filepath.Abs(deployDir)
	if err != nil {
		t.Fatal(err)
	}
	unit, err := os.ReadFile(filepath.Join(deployDir, "lifeline.service"))
	if err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer("/etc/lifeline/lifeline.env", filepath.Join(abs, "node1.env"),
		"/etc/lifeline/secrets.env", filepath.Join(abs, "secrets.env.example"), "/usr/local/bin/lifeline", self).Replace(string(unit))
	if strings.Contains(text, "/etc/lifeline") {
		t.Fatal("the unit names a file under /etc/lifeline the test does not replace")
	}
	path := filepath.Join(dir, "lifeline.service")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "verify", path).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify lifeline.service: %v\n%s", err, out)
	}
}

func TestComposeExampleRunsThreeNodesOfOneCluster(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(deployDir, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Image       string            `yaml:"image"`
			Command     []string          `yaml:"command"`
			Hostname    string            `yaml:"hostname"`
			Environment map[string]string `yaml:"environment"`
			EnvFile     []string          `yaml:"env_file"`
			Ports       []string          `yaml:"ports"`
			Volumes     []string          `yaml:"volumes"`
			Healthcheck struct {
				Test []string `yaml:"test"`
			} `yaml:"healthcheck"`
		} `yaml:"services"`
		Volumes map[string]any `yaml:"volumes"`
		Shared  any            `yaml:"x-lifeline"` // merged into each service
	}
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	if err := dec.Decode(&compose); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	if len(compose.Services) != 3 {
		t.Fatalf("compose.yaml: %d services, want 3", len(compose.Services))
	}
	nodes := map[string]map[string]string{}
	ports, volumes := map[string]bool{}, map[string]bool{}
	for name, s := range compose.Services {
		nodes[name] = s.Environment
		if s.Image == "" || !slices.Equal(s.Command, []string{"/lifeline", "serve"}) || s.Hostname != name {
			t.Errorf("%s: image %q, command %v, hostname %q: want the shared settings of x-lifeline and its own name", name, s.Image, s.Command, s.Hostname)
		}
		if !slices.Contains(s.EnvFile, "secrets.env") || !strings.Contains(strings.Join(s.Healthcheck.Test, " "), "/readyz") {
			t.Errorf("%s: env_file %v, healthcheck %v: want secrets.env and /readyz", name, s.EnvFile, s.Healthcheck.Test)
		}
		for _, p := range s.Ports {
			if ports[p] {
				t.Errorf("%s: port %s published twice", name, p)
			}
			ports[p] = true
		}
		data := ""
		for _, v := range s.Volumes {
			if src, dst, _ := strings.Cut(v, ":"); dst == s.Environment["LIFELINE_DATA_DIR"] {
				data = src
			}
		}
		if data == "" || volumes[data] || compose.Volumes == nil {
			t.Errorf("%s: data directory %s on volume %q: want a named volume of its own", name, s.Environment["LIFELINE_DATA_DIR"], data)
		} else if _, ok := compose.Volumes[data]; !ok {
			t.Errorf("%s: volume %q is not declared", name, data)
		}
		volumes[data] = true
	}
	checkNodes(t, nodes, func(name string, env map[string]string) string {
		_, port, _ := strings.Cut(env["LIFELINE_NATS_CLUSTER"], ":")
		return "nats-route://" + name + ":" + port
	})
}
