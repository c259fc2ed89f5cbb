package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/pace"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/cluster"
	"lifeline/cluster/jsstore"
	"lifeline/store"
)

// embeddedNode is one instance of the three-node test: its data
// directory (kept across a restart) and its NATS addresses.
type embeddedNode struct {
	id, name, dir string
	addr          string // HTTP
	client        int    // NATS client port
	route         int    // NATS cluster port
}

// startEmbeddedChild starts `lifeline serve` as a child process whose
// instance embeds its NATS node, routed to the other nodes of all.
func startEmbeddedChild(t *testing.T, n embeddedNode, all []embeddedNode, graphURL string, rate, parts int, logDir string) (*crashChild, *os.File) {
	t.Helper()
	logFile, err := os.OpenFile(filepath.Join(logDir, n.id+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { logFile.Close() })
	var routes []string
	for _, o := range all {
		if o.id != n.id {
			routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", o.route))
		}
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(),
		"LIFELINE_CRASH_CHILD=1",
		"LIFELINE_ADDR="+n.addr,
		"LIFELINE_DATA_DIR="+n.dir,
		"LIFELINE_ADMIN_TOKEN="+crashToken,
		"LIFELINE_LOG_LEVEL=warn",
		"LIFELINE_BACKEND=nats",
		"LIFELINE_NATS_NAME="+n.name,
		fmt.Sprintf("LIFELINE_NATS_LISTEN=127.0.0.1:%d", n.client),
		fmt.Sprintf("LIFELINE_NATS_CLUSTER=127.0.0.1:%d", n.route),
		"LIFELINE_NATS_ROUTES="+strings.Join(routes, ","),
		fmt.Sprintf("LIFELINE_NATS_PARTITIONS=%d", parts),
		"LIFELINE_INSTANCE_ID="+n.id,
		"LIFELINE_LEASE_TTL=15s", // the shortest a cluster takes (cluster.MinLeaseTTL)
		"WA_ACCESS_TOKEN=graph-token",
		"WA_PHONE_NUMBER_ID="+crashPhone,
		"WA_APP_SECRET="+crashSecret,
		"WA_VERIFY_TOKEN=verify",
		"WA_API_URL="+graphURL,
		fmt.Sprintf("WA_RATE_PER_NUMBER=%d", rate),
	)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &crashChild{cmd: cmd, base: "http://" + n.addr, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(c.done) }()
	t.Cleanup(func() {
		select {
		case <-c.done:
		default:
			c.kill()
		}
	})
	return c, logFile
}

// waitChildReady waits for c's /readyz to answer 200.
func waitChildReady(t *testing.T, c *crashChild, id string, d time.Duration, logFile *os.File) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		resp, err := http.Get(c.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		select {
		case <-c.done:
			t.Fatalf("%s exited during start-up; the servers' log ends:\n%s", id, logTail(logFile.Name(), 30))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready within %s; see %s", id, d, logFile.Name())
		}
	}
}

// logTail is the last n lines of the file at path.
func logTail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// leasesSince is, per partition whose lease was written after t0, its
// holder.
func leasesSince(t *testing.T, node *cluster.Node, t0 time.Time) map[int]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := node.Status(ctx)
	if err != nil {
		return nil
	}
	out := map[int]string{}
	for _, l := range st.Leases {
		var p int
		if _, err := fmt.Sscanf(l.Name, "partition.%d", &p); err == nil && l.Holder != "released" && l.Updated.After(t0) {
			out[p] = l.Holder
		}
	}
	return out
}

// worstSecond is the most times in any one-second window, and when
// that window starts.
func worstSecond(times []time.Time) (int, time.Time) {
	ts := slices.Clone(times)
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	best, j, at := 0, 0, time.Time{}
	for i := range ts {
		for ts[i].Sub(ts[j]) >= time.Second {
			j++
		}
		if i-j+1 > best {
			best, at = i-j+1, ts[j]
		}
	}
	return best, at
}

// outboxSeq is the outbox number a message the fake Graph API took
// carries (bot's biz_opaque_callback_data o:<seq>[:<resends>]), 0 if
// none. A user's outbox numbers are drawn in the order of their turns.
func outboxSeq(r whatsapptest.Request) uint64 {
	cb, _ := r.Body["biz_opaque_callback_data"].(string)
	rest, ok := strings.CutPrefix(cb, "o:")
	if !ok {
		return 0
	}
	num, _, _ := strings.Cut(rest, ":")
	n, err := strconv.ParseUint(num, 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// inOrder reports whether the outbox numbers of the messages sent to a
// user, in the order the Graph API took them, rise with each reply, a
// number repeating only right after itself (a send in flight at the
// kill, sent again by the partition's next owner): extra counts those,
// distinct the replies.
func inOrder(seqs []uint64) (distinct, extra int, ok bool) {
	for i, s := range seqs {
		switch {
		case s == 0:
			return distinct, extra, false
		case i > 0 && s == seqs[i-1]:
			extra++
		case i > 0 && s < seqs[i-1]:
			return distinct, extra, false
		default:
			distinct++
		}
	}
	return distinct, extra, true
}

// Three instances, each embedding one node of an R3 JetStream cluster,
// serve 300 users whose questions go to random instances. The instance
// holding the most partitions is killed with SIGKILL a third of the way
// in and restarted with the same instance id and data directory. Every
// acknowledged message is answered, each user's answers go out in the
// order of the questions, a reply goes out twice only to users of the
// killed instance's partitions (its sends in flight), the sending number
// never goes above its rate plus one burst in any second, and the
// restarted node's replicas catch up to zero lag.
//
// LIFELINE_C300_USERS and LIFELINE_C300_QUESTIONS change the load
// (default 300 users, 2 questions each; the default keeps the test near
// one minute on a quiet two-core machine, two on a loaded one).
func TestThreeEmbeddedInstancesThreeHundredUsersKillNine(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three server processes, each embedding a NATS node")
	}
	users := envIntOr("LIFELINE_C300_USERS", 300)
	questions := envIntOr("LIFELINE_C300_QUESTIONS", 2)
	const parts, rate = 16, 60
	graph := whatsapptest.NewServer(t, crashLatency(t))
	graph.SetResponder(func(whatsapptest.Request) whatsapptest.Response {
		return whatsapptest.Response{Delay: 20 * time.Millisecond}
	})
	logDir := os.Getenv("LIFELINE_C300_LOGS") // kept after the test when set
	if logDir == "" {
		logDir = t.TempDir()
	}

	var nodes []embeddedNode
	for i := range 3 {
		nodes = append(nodes, embeddedNode{id: fmt.Sprintf("c%d", i+1), name: fmt.Sprintf("n%d", i+1), dir: t.TempDir(),
			addr: freeAddr(t), client: freePort(t), route: freePort(t)})
	}
	children := map[string]*crashChild{}
	logs := map[string]*os.File{}
	began := time.Now()
	for _, n := range nodes {
		children[n.id], logs[n.id] = startEmbeddedChild(t, n, nodes, graph.URL, rate, parts, logDir)
	}
	for _, n := range nodes {
		waitChildReady(t, children[n.id], n.id, 120*time.Second, logs[n.id])
	}
	var urls []string
	for _, n := range nodes {
		urls = append(urls, fmt.Sprintf("nats://127.0.0.1:%d", n.client))
	}
	ctx := context.Background()
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	client, err := cluster.Connect(cctx, cluster.Options{URL: strings.Join(urls, ",")})
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	var holders map[int]string
	waitUntil(t, 90*time.Second, "the partitions held by all three instances", func() bool {
		holders = partitionHolders(t, client)
		seen := map[string]bool{}
		for _, h := range holders {
			seen[h] = true
		}
		return len(holders) == parts && len(seen) == 3
	})
	t.Logf("three instances ready and holding partitions %s after start", time.Since(began).Round(time.Millisecond))

	httpc := &http.Client{Timeout: 10 * time.Second}
	var mu sync.Mutex
	dead := map[string]bool{}
	refused := map[string]int{} // answers other than 200, by instance and cause
	ids := []string{nodes[0].id, nodes[1].id, nodes[2].id}
	user := func(u int) string { return fmt.Sprintf("1777%07d", u) }
	question := func(q int) string { return fmt.Sprintf("question %d", q) }
	// post delivers one message to a random live instance until one
	// acknowledges it, as Meta retries a webhook.
	post := func(rng *rand.Rand, body []byte) error {
		for try := 0; try < 400; try++ {
			mu.Lock()
			var live []string
			for _, id := range ids {
				if !dead[id] {
					live = append(live, id)
				}
			}
			c := children[live[rng.IntN(len(live))]]
			mu.Unlock()
			cause := deliverSigned(httpc, c.base, body)
			if cause == "" {
				return nil
			}
			mu.Lock()
			for id, ch := range children {
				if ch == c {
					refused[id+" "+cause]++
				}
			}
			mu.Unlock()
			time.Sleep(50 * time.Millisecond)
		}
		return fmt.Errorf("no instance acknowledged the message")
	}
	var wg sync.WaitGroup
	errs := make(chan error, users)
	asked := make(chan struct{}, users*questions)
	// Meta keeps a bounded number of webhook requests open per app.
	posting := make(chan struct{}, 48)
	postStart := time.Now()
	for u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(13, uint64(u)))
			for q := range questions {
				posting <- struct{}{}
				err := post(rng, payload(uint64(u*questions+q+1), user(u), crashPhone, question(q)))
				<-posting
				if err != nil {
					errs <- err
					return
				}
				asked <- struct{}{}
			}
		}()
	}
	// The kill comes once a third of the questions are acknowledged.
	for range users * questions / 3 {
		<-asked
	}
	holders = partitionHolders(t, client)
	victim, victimParts := busiestHolder(holders, ids)
	var vnode embeddedNode
	for _, n := range nodes {
		if n.id == victim {
			vnode = n
		}
	}
	mu.Lock()
	dead[victim] = true
	mu.Unlock()
	children[victim].kill()
	killed := time.Now()
	t.Logf("%d of %d questions acknowledged in %s; killed %s (node %s), holding partitions %v",
		users*questions/3, users*questions, killed.Sub(postStart).Round(time.Millisecond), victim, vnode.name, victimParts)

	// Restarted at once with the same id and data directory: its node
	// rejoins and catches up, and it takes its own partitions back
	// without waiting for its previous run's leases to expire.
	restarted, _ := startEmbeddedChild(t, vnode, nodes, graph.URL, rate, parts, logDir)
	waitChildReady(t, restarted, victim, 120*time.Second, logs[victim])
	ready := time.Now()
	mu.Lock()
	children[victim] = restarted
	dead[victim] = false
	mu.Unlock()
	t.Logf("%s ready again %s after the kill", victim, ready.Sub(killed).Round(time.Millisecond))
	// Every partition's lease written again since the kill: by the
	// restarted instance for its own (its previous run's leases are
	// its own at once), or by a survivor that saw it gone.
	var since map[int]string
	waitUntil(t, 120*time.Second, "every partition's lease written since the kill", func() bool {
		since = leasesSince(t, client, killed)
		return len(since) == parts
	})
	retaken := 0
	for p, h := range since {
		if slices.Contains(victimParts, p) && h == victim {
			retaken++
		}
	}
	t.Logf("%d of its %d partitions taken back by the restarted %s, all partitions held %s after the kill",
		retaken, len(victimParts), victim, time.Since(killed).Round(time.Millisecond))
	if ready.Sub(killed) < 10*time.Second && retaken < len(victimParts) {
		// Ready well within the 15 s TTL: the others never saw it
		// gone, so only its previous run's leases stood in its way.
		t.Errorf("the restarted instance took back %d of its %d partitions", retaken, len(victimParts))
	}

	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	t.Logf("all %d questions acknowledged %s after the first; posts not acknowledged: %v", users*questions, time.Since(postStart).Round(time.Millisecond), refused)

	js, err := jsstore.Open(ctx, client)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.OpenBackend(js, "JetStream", store.Options{Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if t.Failed() {
			// Goroutine dumps into the servers' logs, for what stalled.
			for _, c := range children {
				_ = c.cmd.Process.Signal(syscall.SIGQUIT)
			}
			for _, c := range children {
				select {
				case <-c.done:
				case <-time.After(10 * time.Second):
				}
			}
		}
	}()
	waitUntil(t, 150*time.Second, "every acknowledged message processed and answered", func() bool {
		sent := sentPerUser(graph)
		for u := range users {
			in, out := storedTranscript(t, db, user(u))
			if len(in) < questions || sent[user(u)] < out {
				return false
			}
		}
		return true
	})
	t.Logf("all answered %s after the kill", time.Since(killed).Round(time.Millisecond))

	// The restarted node's replicas catch up: zero lag on every stream.
	var lagging []string
	waitUntil(t, 120*time.Second, "the restarted node's replicas at zero lag", func() bool {
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		st, err := client.Status(sctx)
		if err != nil {
			return false
		}
		lagging = nil
		seen := 0
		for _, s := range st.Streams {
			if s.Leader == vnode.name {
				seen++
				continue
			}
			for _, r := range s.Replicas {
				if r.Name == vnode.name {
					seen++
					if r.Lag != 0 || !r.Current || r.Offline {
						lagging = append(lagging, fmt.Sprintf("%s lag %d", s.Name, r.Lag))
					}
				}
			}
		}
		return seen == len(st.Streams) && len(lagging) == 0
	})
	t.Logf("restarted node %s at zero lag on every stream, %s after the kill", vnode.name, time.Since(killed).Round(time.Millisecond))

	// The transcripts are read while the nodes run (they are the
	// instances'); the instances are stopped before the sends are
	// counted, so that nothing is in flight.
	ins, replies := map[string][]string{}, map[string]int{}
	for u := range users {
		ins[user(u)], replies[user(u)] = storedTranscript(t, db, user(u))
	}
	for _, id := range ids {
		children[id].stop(t)
	}

	// The Graph API's arrival order: each request is recorded as it
	// arrives, in the order of its Time.
	msgs := graph.Messages()
	sort.SliceStable(msgs, func(i, j int) bool { return msgs[i].Time.Before(msgs[j].Time) })
	sent := map[string][]uint64{}
	var times []time.Time
	for _, r := range msgs {
		sent[r.To] = append(sent[r.To], outboxSeq(r))
		times = append(times, r.Time)
	}
	isVictims := func(u string) bool { return slices.Contains(victimParts, cluster.PartitionOf(u, parts)) }
	want := make([]string, questions)
	for q := range want {
		want[q] = question(q)
	}
	dups := 0
	for u := range users {
		in := ins[user(u)]
		if !slices.Equal(in, want) {
			t.Errorf("user %s: processed %q, want %q (each once, in order)", user(u), in, want)
		}
		distinct, extra, ok := inOrder(sent[user(u)])
		switch {
		case !ok:
			t.Errorf("user %s: outbox numbers %v in the order sent: not the replies in their order", user(u), sent[user(u)])
		case distinct != replies[user(u)]:
			t.Errorf("user %s: %d replies sent, %d in the transcript", user(u), distinct, replies[user(u)])
		case extra > 0 && !isVictims(user(u)):
			t.Errorf("user %s: %d replies sent twice, and the killed instance never owned the user", user(u), extra)
		}
		dups += extra
	}
	// Graph API arrival times: the sends themselves, plus the spread of
	// the requests' way to the fake server.
	worst, at := worstSecond(times)
	limit := rate + int(pace.Burst(rate))
	if worst > limit {
		var slots [10]int
		for _, ts := range times {
			if d := ts.Sub(at); d >= 0 && d < time.Second {
				slots[d/(100*time.Millisecond)]++
			}
		}
		t.Logf("sends per tenth of the worst second: %v", slots)
		t.Errorf("worst one-second window of the number: %d sends, want at most %d (rate %d plus one burst)", worst, limit, rate)
	}
	t.Logf("%d users, %d questions each: %d sends, %d sent twice (in flight on the killed instance); worst one-second window %d sends (rate %d), starting %s after the kill",
		users, questions, len(times), dups, worst, rate, at.Sub(killed).Round(time.Millisecond))

}
