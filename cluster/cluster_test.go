package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// freePorts reserves n loopback ports and frees them for the nodes: each
// node must know the others' route addresses before any of them starts.
// Another process may take one in between; startCluster then retries.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ls []net.Listener
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("reserve port: %v", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

// startCluster starts n embedded nodes routed to each other on loopback
// and waits until JetStream answers on every one.
func startCluster(t *testing.T, n int, key []byte) []*Node {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		nodes, err := tryCluster(t, n, key)
		if err != nil {
			lastErr = err
			continue
		}
		for _, node := range nodes {
			if err := node.WaitJetStream(ctx); err != nil {
				t.Fatalf("node %s: %v", node.Server().Name(), err)
			}
		}
		waitPeers(t, ctx, nodes)
		return nodes
	}
	t.Fatalf("start %d nodes: %v", n, lastErr)
	return nil
}

// waitPeers waits until the meta leader has heard from every node: JetStream
// answers before that, but places no three-replica stream until then ("no
// suitable peers for placement").
func waitPeers(t *testing.T, ctx context.Context, nodes []*Node) {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		for _, n := range nodes {
			if len(n.Server().JetStreamClusterPeers()) == len(nodes) {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the meta leader does not know all %d nodes", len(nodes))
		case <-tick.C:
		}
	}
}

func tryCluster(t *testing.T, n int, key []byte) ([]*Node, error) {
	ports := freePorts(t, n)
	var nodes []*Node
	for i := range n {
		var routes []string
		for j, p := range ports {
			if j != i {
				routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", p))
			}
		}
		node, err := Start(context.Background(), Options{
			Name: fmt.Sprintf("n%d", i+1), Listen: "127.0.0.1:0", ClusterListen: fmt.Sprintf("127.0.0.1:%d", ports[i]),
			Routes: routes, StoreDir: t.TempDir(), EncryptionKey: key,
		})
		if err != nil {
			for _, m := range nodes {
				m.Close()
			}
			return nil, err
		}
		nodes = append(nodes, node)
	}
	t.Cleanup(func() {
		for _, node := range nodes {
			node.Close()
		}
	})
	return nodes, nil
}

// waitReady waits until Ready holds on node.
func waitReady(t *testing.T, ctx context.Context, node *Node) {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		err := node.Ready(ctx)
		if err == nil {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("not ready: %v", err)
		case <-tick.C:
		}
	}
}

func TestThreeNodesFormAnR3ClusterAndEnsureIsIdempotent(t *testing.T) {
	start := time.Now()
	nodes := startCluster(t, 3, []byte("0123456789abcdef0123456789abcdef"))
	t.Logf("3-node cluster answering in %s", time.Since(start).Round(time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	if got := nodes[0].Replicas(); got != 3 {
		t.Fatalf("replicas of a 3-node cluster: got %d, want 3", got)
	}
	rep, err := nodes[0].Ensure(ctx, Settings{Partitions: 8})
	if err != nil {
		t.Fatalf("first ensure: %v", err)
	}
	for _, c := range rep {
		if c.Action != Created {
			t.Errorf("first ensure: %s %s %s, want created", c.Kind, c.Name, c.Action)
		}
	}
	if len(rep) != len(streamNames()) {
		t.Errorf("first ensure reported %d objects, want %d", len(rep), len(streamNames()))
	}
	// A second instance running Ensure at its start finds everything as it is.
	rep, err = nodes[2].Ensure(ctx, Settings{Partitions: 8})
	if err != nil {
		t.Fatalf("second ensure: %v", err)
	}
	if rep.Changed() {
		t.Errorf("second ensure with the same settings changed something: %+v", rep)
	}
	waitReady(t, ctx, nodes[1])
	t.Logf("streams ready %s after start", time.Since(start).Round(time.Millisecond))

	leases, err := nodes[0].JetStream().KeyValue(ctx, BucketLeases)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := leases.Create(ctx, "pacer.106540352242922", []byte(`{"holder":"host-a-41","token":1}`)); err != nil {
		t.Fatalf("take a lease: %v", err)
	}
	st, err := nodes[1].Status(ctx)
	if err != nil {
		t.Fatalf("status: %v", err)
	}
	if len(st.Leases) != 1 || st.Leases[0].Name != "pacer.106540352242922" || st.Leases[0].Holder != "host-a-41" {
		t.Errorf("status leases: got %+v, want pacer.106540352242922 held by host-a-41", st.Leases)
	}
	if st.Partitions != 8 {
		t.Errorf("status partitions: got %d, want 8", st.Partitions)
	}
	if len(st.Members) != 3 {
		t.Errorf("status members: got %+v, want n1, n2, n3", st.Members)
	}
	for _, s := range st.Streams {
		if s.Missing || s.Leader == "" || len(s.Replicas) != 2 {
			t.Errorf("stream %s: missing %v, leader %q, %d followers; want a leader and 2 followers", s.Name, s.Missing, s.Leader, len(s.Replicas))
		}
	}
}

func TestEnsureRefusesAChangedPartitionCount(t *testing.T) {
	node := startSingle(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := node.Ensure(ctx, Settings{Partitions: 16}); err != nil {
		t.Fatalf("ensure: %v", err)
	}
	_, err := node.Ensure(ctx, Settings{Partitions: 32})
	if !errors.Is(err, ErrPartitionsFixed) {
		t.Fatalf("ensure with 32 partitions over 16: got %v, want ErrPartitionsFixed", err)
	}
	for _, want := range []string{"INGEST", "16", "32"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	// The refusal changed nothing: the original settings still match.
	rep, err := node.Ensure(ctx, Settings{Partitions: 16})
	if err != nil || rep.Changed() {
		t.Fatalf("ensure with the original partitions after a refusal: %+v, %v", rep, err)
	}
}

func TestEnsureUpdatesAChangedDedupeWindow(t *testing.T) {
	node := startSingle(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := node.Ensure(ctx, Settings{}); err != nil {
		t.Fatalf("ensure: %v", err)
	}
	rep, err := node.Ensure(ctx, Settings{Dedupe: time.Hour})
	if err != nil {
		t.Fatalf("ensure with a longer window: %v", err)
	}
	var got []string
	for _, c := range rep {
		if c.Action != Unchanged {
			got = append(got, c.Name+" "+string(c.Action))
		}
	}
	if strings.Join(got, ",") != "INGEST updated" {
		t.Fatalf("changes: got %v, want [INGEST updated]", got)
	}
	info, err := node.JetStream().Stream(ctx, StreamIngest)
	if err != nil {
		t.Fatal(err)
	}
	if d := info.CachedInfo().Config.Duplicates; d != time.Hour {
		t.Fatalf("ingest dedupe window: got %s, want 1h", d)
	}
}

func TestAuditStreamRefusesDeleteAndPurge(t *testing.T) {
	node := startSingle(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := node.Ensure(ctx, Settings{}); err != nil {
		t.Fatalf("ensure: %v", err)
	}
	js := node.JetStream()
	ack, err := js.Publish(ctx, "audit.token.created", []byte(`{"who":"admin"}`))
	if err != nil {
		t.Fatalf("publish audit: %v", err)
	}
	s, err := js.Stream(ctx, StreamAudit)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteMsg(ctx, ack.Sequence); err == nil {
		t.Error("deleting an audit record succeeded")
	}
	if err := s.Purge(ctx); err == nil {
		t.Error("purging the audit stream succeeded")
	}
	if _, err := s.GetMsg(ctx, ack.Sequence); err != nil {
		t.Errorf("audit record after the refused delete and purge: %v", err)
	}
}

// startSingle is one node without a cluster: the streams get one replica.
func startSingle(t *testing.T) *Node {
	t.Helper()
	node, err := Start(context.Background(), Options{Name: "solo", Listen: "127.0.0.1:0", StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(node.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := node.WaitJetStream(ctx); err != nil {
		t.Fatal(err)
	}
	return node
}

func TestSameMsgIDIsStoredOnceAndStreamSurvivesANodeLoss(t *testing.T) {
	nodes := startCluster(t, 3, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if _, err := nodes[0].Ensure(ctx, Settings{Partitions: 4}); err != nil {
		t.Fatalf("ensure: %v", err)
	}
	waitReady(t, ctx, nodes[0])
	js := nodes[0].JetStream()

	// Meta retries a webhook whose answer it did not get: the same wamid
	// arrives twice and is stored once.
	subj := "in.3.15550100001"
	first, err := js.Publish(ctx, subj, []byte("hello"), jetstream.WithMsgID("wamid.A"))
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	again, err := js.Publish(ctx, subj, []byte("hello"), jetstream.WithMsgID("wamid.A"))
	if err != nil {
		t.Fatalf("publish again: %v", err)
	}
	if first.Duplicate || !again.Duplicate || again.Sequence != first.Sequence {
		t.Fatalf("acks: first %+v, again %+v; want the second a duplicate of the first", first, again)
	}
	s, err := js.Stream(ctx, StreamIngest)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := s.Info(ctx); err != nil || info.State.Msgs != 1 {
		t.Fatalf("ingest stream after a duplicate: %v messages (%v), want 1", info.State.Msgs, err)
	}

	// Shut down the ingest stream's leader: the other two still form a
	// quorum, elect a leader and acknowledge new events.
	leader := s.CachedInfo().Cluster.Leader
	var rest []*Node
	for _, n := range nodes {
		if n.Server().Name() == leader {
			n.Close()
		} else {
			rest = append(rest, n)
		}
	}
	if len(rest) != 2 {
		t.Fatalf("leader %q is not one of the nodes", leader)
	}
	t0 := time.Now()
	js = rest[0].JetStream()
	var ack *jetstream.PubAck
	for {
		c, stop := context.WithTimeout(ctx, 2*time.Second)
		ack, err = js.Publish(c, subj, []byte("still there?"), jetstream.WithMsgID("wamid.B"))
		stop()
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("no publish acknowledged after losing %s: %v", leader, err)
		}
	}
	t.Logf("publish acknowledged %s after losing the leader %s", time.Since(t0).Round(time.Millisecond), leader)
	if ack.Sequence != first.Sequence+1 || ack.Duplicate {
		t.Fatalf("ack after failover: %+v, want sequence %d", ack, first.Sequence+1)
	}
	// Both events are there, read through the other surviving node.
	s2, err := rest[1].JetStream().Stream(ctx, StreamIngest)
	if err != nil {
		t.Fatal(err)
	}
	// The streams allow direct gets, which any replica answers from what
	// it has applied: the surviving follower may answer "not found" until
	// it has applied the new leader's first write, so ask until it has.
	for seq, want := range map[uint64]string{first.Sequence: "hello", ack.Sequence: "still there?"} {
		for {
			m, err := s2.GetMsg(ctx, seq)
			if err == nil && string(m.Data) == want {
				break
			}
			if err == nil || !errors.Is(err, jetstream.ErrMsgNotFound) || ctx.Err() != nil {
				t.Fatalf("message %d after failover: %v, %v; want %q", seq, m, err, want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

func TestConnectToAnExistingNode(t *testing.T) {
	node := startSingle(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := Connect(ctx, Options{URL: node.ClientURL()})
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer c.Close()
	if _, err := c.Ensure(ctx, Settings{}); err != nil {
		t.Fatalf("ensure through a client connection: %v", err)
	}
	if err := c.Ready(ctx); err != nil {
		t.Fatalf("ready: %v", err)
	}
}

func TestConnectWhenNothingAnswers(t *testing.T) {
	port := freePorts(t, 1)[0]
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := Connect(ctx, Options{URL: fmt.Sprintf("nats://user:secret@127.0.0.1:%d", port), ConnectTimeout: time.Second})
	if !errors.Is(err, nats.ErrNoServers) {
		t.Fatalf("connect to a closed port: %v, want ErrNoServers", err)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Fatalf("error shows the password: %v", err)
	}
}
