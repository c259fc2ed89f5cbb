package bot

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
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
//
// With statuses on (LIFELINE_FAULT_STATUSES=1) it also posts a "sent"
// status webhook for every message it accepts, as WhatsApp does, and
// accepts 1% with an answer that comes after the client gave up and 1%
// with a broken success answer: a send whose outcome the engine cannot
// know, which the status must settle without a second copy.
type faultyGraph struct {
	seed     uint64
	statuses bool
	post     func(wamid, to, callback string) // posts a status webhook
	posting  sync.WaitGroup
	wamids   int

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
	if outcome == "ok" && f.statuses {
		f.wamids++
		wamid := fmt.Sprintf("wamid.FAULT%09d", f.wamids)
		ok := []byte(fmt.Sprintf(`{"messaging_product":"whatsapp","contacts":[{"input":%q,"wa_id":%q}],"messages":[{"id":%q}]}`, r.To, r.To, wamid))
		resp = whatsapptest.Response{Body: ok}
		switch {
		case u < 0.10:
			resp.Delay, outcome = slowAnswer, "ok-slow"
		case u < 0.11:
			resp.Body, outcome = ok[:len(ok)/2], "ok-broken"
		}
		cb, _ := r.Body["biz_opaque_callback_data"].(string)
		f.posting.Add(1)
		go func() {
			defer f.posting.Done()
			f.post(wamid, r.To, cb)
		}()
	}
	f.outcomes[body] = append(f.outcomes[body], outcome)
	f.mu.Unlock()
	return resp
}

// faultClientTimeout is the engine's Graph API client timeout in the
// faulty run; slowAnswer comes after it.
const (
	faultClientTimeout = 1500 * time.Millisecond
	slowAnswer         = faultClientTimeout + 500*time.Millisecond
)

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
	fg.statuses = os.Getenv("LIFELINE_FAULT_STATUSES") == "1"
	graph.SetResponder(fg.respond)
	// The client's timeout must stay well above how long a loaded machine
	// takes to answer on loopback: no status webhooks flow in this test,
	// so a success that arrives after the client gave up is sent again
	// once the grace passes, which this test would report as a duplicate
	// (TestSlowSuccessIsSettledByItsStatus covers the statuses).
	// Without statuses a send whose outcome is unknown is repeated after
	// a short grace; with them, the grace (a minute by default) must
	// outlast a status's way through a loaded machine's inbox.
	grace := 100 * time.Millisecond
	if fg.statuses {
		grace = 5 * time.Second
	}
	h := newHarness(t, harnessOpts{graph: graph, timeout: faultClientTimeout, cfg: Config{UnknownGrace: grace}})
	fg.post = func(wamid, to, cb string) {
		if err := h.accept(statusPayload(wamid, "sent", to, cb, 0, time.Now())); err != nil {
			t.Errorf("status webhook: %v", err)
		}
	}

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
		fg.posting.Wait() // the last statuses, then what they changed
		h.engine.WaitIdle()
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
			if strings.HasPrefix(o, "ok") {
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
