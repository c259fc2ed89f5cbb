package bot

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/bot/whatsapp/whatsapptest/latency"
	"lifeline/store"
)

// faultyGraph answers like a Graph API having a bad day: 5% plain 5xx, 2%
// 130429 (throughput), 1% no answer (the client times out), 1% 131026
// (the recipient cannot be reached), the rest success. The answer to a
// request depends only on the seed, the request body and how many times
// that body was sent before, so a run is reproducible whatever order the
// workers send in.
type faultyGraph struct {
	seed uint64

	mu       sync.Mutex
	attempts map[string]int      // body -> requests so far
	outcomes map[string][]string // body -> what each request got
}

func newFaultyGraph(seed uint64) *faultyGraph {
	return &faultyGraph{seed: seed, attempts: map[string]int{}, outcomes: map[string][]string{}}
}

func (f *faultyGraph) respond(r whatsapptest.Request) whatsapptest.Response {
	if r.Kind != "message" {
		return whatsapptest.Response{} // read receipts always succeed; only replies are audited
	}
	body := string(r.Raw)
	f.mu.Lock()
	n := f.attempts[body]
	f.attempts[body] = n + 1
	sum := sha256.Sum256([]byte(body))
	rng := rand.New(rand.NewPCG(f.seed, binary.BigEndian.Uint64(sum[:8])^uint64(n)))
	u := rng.Float64()
	var resp whatsapptest.Response
	var outcome string
	switch {
	case u < 0.05:
		resp, outcome = whatsapptest.Response{Status: 503}, "5xx"
	case u < 0.07:
		resp, outcome = whatsapptest.Response{Code: 130429, Status: 400}, "130429"
	case u < 0.08:
		resp, outcome = whatsapptest.Response{Hang: true}, "timeout"
	case u < 0.09:
		resp, outcome = whatsapptest.Response{Code: 131026, Status: 400}, "131026"
	default:
		outcome = "ok"
	}
	f.outcomes[body] = append(f.outcomes[body], outcome)
	f.mu.Unlock()
	return resp
}

// faultLatency is the fake Graph API's own latency for the fault runs:
// LIFELINE_FAULT_LATENCY, "realistic" (median 150 ms, p99 600 ms), "none"
// (the default, for a quick go test) or "MEDIAN,P99" (see BENCHMARKS.md,
// Fault run).
func faultLatency(t testing.TB) whatsapptest.Option {
	m, err := latency.Parse(os.Getenv("LIFELINE_FAULT_LATENCY"))
	if err != nil {
		t.Fatalf("LIFELINE_FAULT_LATENCY: %v", err)
	}
	return whatsapptest.WithLatency(m)
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// TestFaultyGraphAPIDeliversEveryRetryableMessageOnce sends a reply to
// each of many users through the faulty Graph API. Every message whose
// errors were retryable is delivered in the end, exactly once; one that
// met 131026 is recorded as failed (and its contact unreachable); and no
// message is sent again after a success. LIFELINE_FAULT_USERS and
// LIFELINE_FAULT_SEED make longer or different runs.
func TestFaultyGraphAPIDeliversEveryRetryableMessageOnce(t *testing.T) {
	users := envInt("LIFELINE_FAULT_USERS", 300)
	seed := uint64(envInt("LIFELINE_FAULT_SEED", 1))
	graph := whatsapptest.NewServer(t, faultLatency(t))
	fg := newFaultyGraph(seed)
	graph.SetResponder(fg.respond)
	// The client's timeout must stay well above how long a loaded machine
	// takes to answer on loopback: no status webhooks flow in this test,
	// so a success that arrives after the client gave up is sent again
	// once the grace passes, which this test would report as a duplicate
	// (TestSlowSuccessIsSettledByItsStatus covers the statuses).
	h := newHarness(t, harnessOpts{graph: graph, timeout: 1500 * time.Millisecond, cfg: Config{UnknownGrace: 100 * time.Millisecond}})

	now := time.Now()
	for i := 0; i < users; i++ {
		user := fmt.Sprintf("1555%07d", i)
		if err := h.accept(textPayload(fmt.Sprintf("wamid.fault.%d", i), user, "hello", now)); err != nil {
			t.Fatalf("webhook: %v", err)
		}
	}
	done := make(chan struct{})
	go func() { h.engine.WaitIdle(); close(done) }()
	select {
	case <-done:
	case <-time.After(2*time.Minute + time.Duration(users)*20*time.Millisecond):
		for _, it := range h.outbox() {
			t.Logf("left: seq %d read %v attempts %d not_before %s unknown_since %s", it.Seq, it.ReadID != "", it.Attempts,
				it.NotBefore.Format(time.RFC3339Nano), it.UnknownSince.Format(time.RFC3339Nano))
		}
		t.Fatal("the outbox did not drain in time")
	}

	fg.mu.Lock()
	defer fg.mu.Unlock()
	counts := map[string]int{}
	var delivered, failed, retried int
	for body, outs := range fg.outcomes {
		successes := 0
		for i, o := range outs {
			counts[o]++
			if o == "ok" {
				successes++
				if i != len(outs)-1 {
					t.Errorf("sent again after a success: %v for %.80s", outs, body)
				}
			}
		}
		if len(outs) > 1 {
			retried++
		}
		switch last := outs[len(outs)-1]; {
		case successes == 1:
			delivered++
		case last == "131026":
			failed++
		default:
			t.Errorf("not delivered and not failed for good: %v for %.80s", outs, body)
		}
	}
	// Every user got exactly one reply message, and its transcript says how it ended.
	var sent, failedEntries int
	for i := 0; i < users; i++ {
		user := fmt.Sprintf("1555%07d", i)
		for _, e := range h.transcript(user) {
			if e.Dir != store.Out {
				continue
			}
			switch e.Status {
			case store.StatusSent:
				sent++
			case store.StatusFailed:
				failedEntries++
				if e.ErrorCode != 131026 {
					t.Errorf("%s: failed with %d, want only 131026 to fail", user, e.ErrorCode)
				}
			default:
				t.Errorf("%s: reply left in state %q", user, e.Status)
			}
		}
	}
	if sent != delivered || failedEntries != failed {
		t.Errorf("transcripts say %d sent and %d failed; the Graph API saw %d delivered and %d failed", sent, failedEntries, delivered, failed)
	}
	if len(h.outbox()) != 0 {
		t.Error("outbox not empty")
	}
	t.Logf("seed %d, %d replies: %d delivered, %d failed for good (131026), %d needed retries; answers %v",
		seed, len(fg.outcomes), delivered, failed, retried, counts)
	if counts["5xx"] == 0 || counts["130429"] == 0 || counts["ok"] == 0 {
		t.Errorf("the run did not exercise the faults: %v", counts)
	}
}
