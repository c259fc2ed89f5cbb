package cluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// startNamedCluster starts n embedded nodes on loopback, each storing
// under dirs[i], and waits until the meta leader knows them all.
func startNamedCluster(t *testing.T, ctx context.Context, n int) ([]*Node, []string) {
	t.Helper()
	for attempt := 0; ; attempt++ {
		ports := freePorts(t, n)
		var nodes []*Node
		var dirs []string
		var err error
		for i := range n {
			var routes []string
			for j, p := range ports {
				if j != i {
					routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", p))
				}
			}
			dir := t.TempDir()
			var node *Node
			node, err = Start(ctx, Options{
				Name: fmt.Sprintf("n%d", i+1), Listen: "127.0.0.1:0", ClusterListen: fmt.Sprintf("127.0.0.1:%d", ports[i]),
				Routes: routes, StoreDir: dir,
			})
			if err != nil {
				break
			}
			nodes, dirs = append(nodes, node), append(dirs, dir)
		}
		if err != nil {
			for _, node := range nodes {
				node.Close()
			}
			if attempt == 2 {
				t.Fatalf("start %d nodes: %v", n, err)
			}
			continue // a reserved port was taken meanwhile
		}
		t.Cleanup(func() {
			for _, node := range nodes {
				node.Close()
			}
		})
		for _, node := range nodes {
			if err := node.WaitJetStream(ctx); err != nil {
				t.Fatalf("node %s: %v", node.Server().Name(), err)
			}
		}
		waitPeers(t, ctx, nodes)
		return nodes, dirs
	}
}

// placement is every stream's leader and followers as node names, and
// whether every follower has caught up.
func placement(ctx context.Context, js jetstream.JetStream) (map[string][]string, bool, error) {
	out := map[string][]string{}
	current := true
	for _, name := range streamNames() {
		s, err := js.Stream(ctx, name)
		if err != nil {
			return nil, false, fmt.Errorf("stream %s: %w", name, err)
		}
		ci := s.CachedInfo().Cluster
		if ci == nil || ci.Leader == "" {
			return out, false, nil
		}
		nodes := []string{ci.Leader}
		for _, r := range ci.Replicas {
			nodes = append(nodes, r.Name)
			current = current && r.Current && !r.Offline
		}
		slices.Sort(nodes)
		out[name] = nodes
	}
	return out, current, nil
}

// TestRemovePeerPlacesTheStreamsOnTheNodesLeft: four nodes, R3 streams; a
// node holding copies stops and is removed: every stream has three
// current copies again, none on it, its records all there, and the meta
// group no longer knows it.
func TestRemovePeerPlacesTheStreamsOnTheNodesLeft(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 80*time.Second)
	defer cancel()
	nodes, dirs := startNamedCluster(t, ctx, 4)
	if _, err := nodes[0].Ensure(ctx, Settings{Partitions: 4}); err != nil {
		t.Fatalf("ensure: %v", err)
	}
	waitReady(t, ctx, nodes[0])
	// Some records, so that the new copy has something to catch up on.
	for i := range 20 {
		if _, err := nodes[0].JetStream().Publish(ctx, fmt.Sprintf("in.%d.u%d", i%4, i), []byte("m")); err != nil {
			t.Fatalf("publish: %v", err)
		}
	}
	before, _, err := placement(ctx, nodes[0].JetStream())
	if err != nil {
		t.Fatal(err)
	}
	// The victim: a node holding a copy of the ingest stream, not the
	// one the test talks through.
	var victim int
	for i, n := range nodes[1:] {
		if slices.Contains(before["INGEST"], n.Server().Name()) {
			victim = i + 1
			break
		}
	}
	if victim == 0 {
		t.Fatalf("the ingest stream is on %v only: no node besides n1 holds it", before["INGEST"])
	}
	name := nodes[victim].Server().Name()
	via := (victim + 1) % len(nodes)
	nodes[victim].Close()

	// Refused without the system user's password.
	if err := RemovePeer(ctx, nodes[via].ClientURL(), t.TempDir(), name); err == nil || !strings.Contains(err.Error(), SystemSecretFile) {
		t.Fatalf("remove without the password: err %v, want one naming %s", err, SystemSecretFile)
	}
	if err := RemovePeer(ctx, nodes[via].ClientURL(), dirs[via], name); err != nil {
		t.Fatalf("remove %s: %v", name, err)
	}

	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	js := nodes[via].JetStream()
	for {
		// A short try: a stream electing a leader may leave a request
		// unanswered, and the next try asks its new leader.
		c, cancelTry := context.WithTimeout(ctx, 2*time.Second)
		after, current, err := placement(c, js)
		cancelTry()
		done := err == nil && current && len(after) == len(before)
		for _, copies := range after {
			done = done && len(copies) == 3 && !slices.Contains(copies, name)
		}
		if done {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("streams not back to three current copies without %s: %v (current %v, err %v)", name, after, current, err)
		case <-tick.C:
		}
	}
	s, err := js.Stream(ctx, "INGEST")
	if err != nil {
		t.Fatal(err)
	}
	if got := s.CachedInfo().State.Msgs; got != 20 {
		t.Errorf("ingest stream holds %d messages after the move, want 20", got)
	}
	// The meta group has forgotten it: a second removal finds no such peer.
	err = RemovePeer(ctx, nodes[via].ClientURL(), dirs[via], name)
	if err == nil || !strings.Contains(err.Error(), "not a member") {
		t.Errorf("second removal of %s: err %v, want not a member", name, err)
	}
	// Clients without credentials still reach the global account.
	c, err := Connect(ctx, Options{URL: nodes[via].ClientURL()})
	if err != nil {
		t.Fatalf("anonymous client: %v", err)
	}
	defer c.Close()
	if _, err := c.JetStream().Stream(ctx, "INGEST"); err != nil {
		t.Errorf("anonymous client sees no ingest stream: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(dirs[via], SystemSecretFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("password file: %v, mode %v, want 0600", err, fi.Mode().Perm())
	}
}
