package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/bot/whatsapp/whatsapptest/latency"
)

// crashLatency is the fake Graph API's own latency for the kill -9 runs:
// LIFELINE_CRASH_LATENCY, "realistic" (median 150 ms, p99 600 ms), "none"
// (the default) or "MEDIAN,P99" (see BENCHMARKS.md, Fault run).
func crashLatency(t testing.TB) whatsapptest.Option {
	m, err := latency.Parse(os.Getenv("LIFELINE_CRASH_LATENCY"))
	if err != nil {
		t.Fatalf("LIFELINE_CRASH_LATENCY: %v", err)
	}
	return whatsapptest.WithLatency(m)
}

// TestMain lets the test binary play the server: the crash test starts it
// again as a child with LIFELINE_CRASH_CHILD=1 and kills it with SIGKILL.
func TestMain(m *testing.M) {
	if os.Getenv("LIFELINE_CRASH_CHILD") == "1" {
		os.Exit(run([]string{"serve"}, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

const (
	crashSecret = "crash-test-app-secret"
	crashPhone  = "106540352242922"
	crashToken  = "crash-test-admin-token-0123456789"
)

type crashChild struct {
	cmd  *exec.Cmd
	base string
	done chan struct{}
}

func startChild(t *testing.T, dataDir, addr, graphURL string, logFile *os.File) *crashChild {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(),
		"LIFELINE_CRASH_CHILD=1",
		"LIFELINE_ADDR="+addr,
		"LIFELINE_DATA_DIR="+dataDir,
		"LIFELINE_ADMIN_TOKEN="+crashToken,
		"LIFELINE_LOG_LEVEL=warn",
		"WA_ACCESS_TOKEN=graph-token",
		"WA_PHONE_NUMBER_ID="+crashPhone,
		"WA_APP_SECRET="+crashSecret,
		"WA_VERIFY_TOKEN=verify",
		"WA_API_URL="+graphURL,
		"WA_RATE_PER_NUMBER=1000",
		// A broadcast's sends in flight at a kill wait this long for their
		// statuses before they are sent again.
		"LIFELINE_BROADCAST_INFLIGHT_GRACE=2s",
	)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &crashChild{cmd: cmd, base: "http://" + addr, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(c.done) }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(c.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return c
			}
		}
		select {
		case <-c.done:
			t.Fatalf("server exited during start-up; see %s", logFile.Name())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("server not ready within 20s")
		}
	}
}

func (c *crashChild) kill() {
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.done
}

func (c *crashChild) stop(t *testing.T) {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	// 60 s: on a cluster whose member was just killed, a stop's last
	// writes may each wait out a JetStream request (12 s) while stream
	// leaders are elected; once it took over 30 s on a loaded machine.
	case <-time.After(60 * time.Second):
		t.Error("server did not stop within 60s of SIGTERM")
		c.kill()
	}
}

// depth reads the queue depths /readyz reports.
func (c *crashChild) depth() (inbox, outbox int, ok bool) {
	resp, err := http.Get(c.base + "/readyz")
	if err != nil {
		return 0, 0, false
	}
	defer resp.Body.Close()
	var r struct{ Inbox, Outbox int }
	if json.NewDecoder(resp.Body).Decode(&r) != nil {
		return 0, 0, false
	}
	return r.Inbox, r.Outbox, resp.StatusCode == 200
}

// TestKillNineDuringABurstLosesNothing starts the server as a child
// process, posts a burst of signed webhook events, kills the process with
// SIGKILL at a random moment, restarts it on the same data directory, and
// repeats. Events that were not acknowledged are posted again, as Meta
// does. In the end every acknowledged message has its reply at the Graph
// API; extra replies can only come from sends that were in flight at a
// kill, and are counted. LIFELINE_CRASH_ROUNDS and LIFELINE_CRASH_BURST make
// the long run (see BENCHMARKS.md, Fault run).
func TestKillNineDuringABurstLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	rounds := envIntOr("LIFELINE_CRASH_ROUNDS", 3)
	burst := envIntOr("LIFELINE_CRASH_BURST", 150)
	seed := uint64(envIntOr("LIFELINE_CRASH_SEED", 1))
	rng := rand.New(rand.NewPCG(seed, 42))

	graph := whatsapptest.NewServer(t, crashLatency(t))
	// A little latency, so that sends are in flight when the kill comes.
	graph.SetResponder(func(whatsapptest.Request) whatsapptest.Response {
		return whatsapptest.Response{Delay: 2 * time.Millisecond}
	})
	dir := t.TempDir()
	dataDir := filepath.Join(dir, "data")
	logFile, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	addr := freeAddr(t)
	client := &http.Client{Timeout: 5 * time.Second}

	type msg struct {
		id   uint64
		user string
		body []byte
	}
	var (
		mu      sync.Mutex
		pending []msg // not acknowledged yet, oldest first
		acked   = map[string]bool{}
		posts   int
	)
	next := uint64(0)
	newBurst := func() {
		for i := 0; i < burst; i++ {
			next++
			user := fmt.Sprintf("1666%07d", next)
			pending = append(pending, msg{id: next, user: user, body: payload(next, user, crashPhone, "hello")})
		}
	}
	// post delivers everything pending with a few workers, until all are
	// acknowledged or the server is gone.
	post := func(base string, stop <-chan struct{}) {
		mu.Lock()
		work := pending
		pending = nil
		mu.Unlock()
		ch := make(chan msg)
		var wg sync.WaitGroup
		var failed []msg
		var fmu sync.Mutex
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for m := range ch {
					ok := deliverSigned(client, base, m.body) == ""
					mu.Lock()
					posts++
					if ok {
						acked[m.user] = true
					}
					mu.Unlock()
					if !ok {
						fmu.Lock()
						failed = append(failed, m)
						fmu.Unlock()
					}
				}
			}()
		}
	feed:
		for i, m := range work {
			select {
			case <-stop:
				fmu.Lock()
				failed = append(failed, work[i:]...)
				fmu.Unlock()
				break feed
			case ch <- m:
			}
		}
		close(ch)
		wg.Wait()
		mu.Lock()
		pending = append(failed, pending...)
		mu.Unlock()
	}

	kills := 0
	for r := 0; r < rounds; r++ {
		mu.Lock()
		newBurst()
		mu.Unlock()
		child := startChild(t, dataDir, addr, graph.URL, logFile)
		stop := make(chan struct{})
		posted := make(chan struct{})
		go func() { post(child.base, stop); close(posted) }()
		time.Sleep(time.Duration(20+rng.IntN(300)) * time.Millisecond) // the random moment of the kill
		child.kill()
		kills++
		close(stop)
		<-posted
	}

	// Last start: deliver whatever is still unacknowledged, then wait
	// until every acknowledged message has its reply.
	child := startChild(t, dataDir, addr, graph.URL, logFile)
	for tries := 0; ; tries++ {
		post(child.base, make(chan struct{}))
		mu.Lock()
		left := len(pending)
		mu.Unlock()
		if left == 0 {
			break
		}
		if tries == 5 {
			t.Fatalf("%d events still refused by a healthy server", left)
		}
	}
	replies := func() map[string]int {
		n := map[string]int{}
		for _, m := range graph.Messages() {
			n[m.To]++
		}
		return n
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		in, out, ok := child.depth()
		got := replies()
		missing := 0
		mu.Lock()
		for u := range acked {
			if got[u] == 0 {
				missing++
			}
		}
		mu.Unlock()
		if ok && in == 0 && out == 0 && missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 60s: inbox %d, outbox %d, %d acknowledged messages without a reply", in, out, missing)
		}
		time.Sleep(20 * time.Millisecond)
	}
	child.stop(t)

	got := replies()
	lost, dups, strays := tally(acked, got)
	for _, u := range strays {
		t.Errorf("a reply went to %s, whose message was never acknowledged", u)
	}
	if lost > 0 {
		t.Errorf("%d acknowledged messages have no reply", lost)
	}
	// Only a send in flight at a kill can be repeated: at most one per
	// send worker per kill (64 is the default number of send workers).
	if dups > kills*64 {
		t.Errorf("%d duplicate replies after %d kills: more than the sends that can be in flight", dups, kills)
	}
	t.Logf("fault run: %d rounds, %d kills, %d messages acknowledged (%d POSTs), inbound lost %d, replies %d, duplicates %d (in-flight at a kill)",
		rounds, kills, len(acked), posts, lost, len(graph.Messages()), dups)
}

func envIntOr(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// tally compares who got how many messages with who should have got one:
// how many got none, how many extra messages went out, and who got
// something without being expected to.
func tally(want map[string]bool, got map[string]int) (lost, dups int, strays []string) {
	for u := range want {
		switch n := got[u]; {
		case n == 0:
			lost++
		case n > 1:
			dups += n - 1
		}
	}
	for u := range got {
		if !want[u] {
			strays = append(strays, u)
		}
	}
	return lost, dups, strays
}

// deliverSigned posts body to the /webhook of the instance at base,
// signed with crashSecret as Meta signs it, and says why it was not
// acknowledged: "" once it answered 200, else its status or "no answer".
func deliverSigned(c *http.Client, base string, body []byte) string {
	req, _ := http.NewRequest("POST", base+"/webhook", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature-256", whatsapp.Sign(body, crashSecret))
	resp, err := c.Do(req)
	if err != nil {
		return "no answer"
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return resp.Status
	}
	return ""
}
