package main

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"lifeline/bot/whatsapp/whatsapptest"
)

// crashAdmin calls the child's admin API with the bootstrap token.
func crashAdmin(t *testing.T, method, url, contentType string, body []byte, out any) int {
	t.Helper()
	return adminCall(t, crashToken, method, url, contentType, body, out)
}

type crashStatus struct {
	State              string
	Targeted           int64
	Pending            int64
	Sent               int64
	Failed             int64
	Skipped            int64
	Retrying           int64
	PossibleDuplicates int64 `json:"possible_duplicates"`
	Duplicates         int64
}

// TestKillNineBroadcastLosesNoRecipient imports contacts through the admin
// API of a real server process, starts a notice to all of them against the
// fake Graph API, kills the process with SIGKILL at a seeded random moment
// while it sends, restarts it on the same data directory, and repeats. In
// the end every targeted recipient has the template at least once, nobody
// else got it, and the sends beyond one per recipient are no more than the
// broadcast's own possible_duplicates count (sends that were in flight at
// a kill). LIFELINE_CRASH_BC_RECIPIENTS, LIFELINE_CRASH_BC_ROUNDS and
// LIFELINE_CRASH_BC_RATE make the long run (see BENCHMARKS.md, Fault run).
func TestKillNineBroadcastLosesNoRecipient(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	recipients := envIntOr("LIFELINE_CRASH_BC_RECIPIENTS", 1000)
	rounds := envIntOr("LIFELINE_CRASH_BC_ROUNDS", 3)
	rate := envIntOr("LIFELINE_CRASH_BC_RATE", 500) // per second, the broadcast's rate_per_second
	seed := uint64(envIntOr("LIFELINE_CRASH_SEED", 1))
	rng := rand.New(rand.NewPCG(seed, 4242))

	// Like WhatsApp, the fake answers each send with a wamid and then
	// reports it "sent" on the webhook, redelivering while the server is
	// down; LIFELINE_CRASH_BC_STATUSES=0 turns the statuses off.
	statuses := newStatusWebhooks(os.Getenv("LIFELINE_CRASH_BC_STATUSES") != "0")
	defer statuses.close()
	graph := whatsapptest.NewServer(t, crashLatency(t))
	graph.SetResponder(func(r whatsapptest.Request) whatsapptest.Response {
		return statuses.accept(r, 2*time.Millisecond) // sends in flight at the kill
	})
	dir := t.TempDir()
	dataDir := filepath.Join(dir, "data")
	logFile, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	addr := freeAddr(t)
	started := time.Now()

	child := startChild(t, dataDir, addr, graph.URL, logFile)
	statuses.deliverTo(child.base)
	var csv strings.Builder
	csv.WriteString("phone,name,language,tags,opted_in\n")
	want := map[string]bool{}
	for i := 0; i < recipients; i++ {
		wa := fmt.Sprintf("1777%07d", i)
		want[wa] = true
		fmt.Fprintf(&csv, "+%s,Person %d,en,employees|site-%d,yes\n", wa, i, i%3)
	}
	// A few people the broadcast must not reach.
	for i := 0; i < 10; i++ {
		fmt.Fprintf(&csv, "+1778%07d,Vendor %d,en,vendors,yes\n", i, i)
	}
	if code := crashAdmin(t, "POST", child.base+"/admin/contacts/import", "text/csv", []byte(csv.String()), nil); code != 200 {
		t.Fatalf("contact import: %d", code)
	}
	spec := fmt.Sprintf(`{"name":"port closed","kind":"notice","templates":{"en":{"name":"port_notice","language":"en_US","body":[{"value":"{{first_name|friend}}"}]}},
		"audience":{"tags_any":["employees"]},"rate_per_second":%d}`, rate)
	var created struct{ ID string }
	if code := crashAdmin(t, "POST", child.base+"/admin/broadcasts", "application/json", []byte(spec), &created); code != 202 || created.ID == "" {
		t.Fatalf("create broadcast: %d %+v", code, created)
	}
	statusURL := func(c *crashChild) string { return c.base + "/admin/broadcasts/" + created.ID }

	// The kills fall at random moments within the time the whole
	// broadcast would take, so most land mid-send.
	sendTime := time.Duration(recipients) * time.Second / time.Duration(rate)
	window := max(50*time.Millisecond, sendTime/time.Duration(rounds+1))
	kills, midSend := 0, 0
	for r := 0; r < rounds; r++ {
		if r > 0 {
			child = startChild(t, dataDir, addr, graph.URL, logFile)
			statuses.deliverTo(child.base)
		}
		time.Sleep(20*time.Millisecond + time.Duration(rng.Int64N(int64(window))))
		before := len(graph.Messages())
		child.kill()
		kills++
		if before < recipients {
			midSend++
		}
	}

	child = startChild(t, dataDir, addr, graph.URL, logFile)
	statuses.deliverTo(child.base)
	var st crashStatus
	deadline := time.Now().Add(max(60*time.Second, 3*sendTime))
	for {
		st = crashStatus{}
		crashAdmin(t, "GET", statusURL(child), "", nil, &st)
		if (st.State == "sent" || st.State == "completed") && st.Pending == 0 && st.Retrying == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("broadcast not done after the last restart: %+v", st)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if statuses.on {
		// Once every status is in, the broadcast knows its real duplicates.
		for {
			inbox, _, ok := child.depth()
			if statuses.pending() == 0 && ok && inbox == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("statuses not processed: %d waiting, inbox %d", statuses.pending(), inbox)
			}
			time.Sleep(20 * time.Millisecond)
		}
		st = crashStatus{}
		crashAdmin(t, "GET", statusURL(child), "", nil, &st)
	}
	child.stop(t)

	got := map[string]int{}
	for _, m := range graph.Messages() {
		if tpl, _ := m.Body["template"].(map[string]any); tpl == nil || tpl["name"] != "port_notice" {
			t.Errorf("unexpected send to %s: %s", m.To, m.Raw)
			continue
		}
		got[m.To]++
	}
	lost, dups, strays := tally(want, got)
	for _, wa := range strays {
		t.Errorf("the template went to %s, who is not in the audience", wa)
	}
	if st.Targeted != int64(recipients) || st.Sent != int64(recipients) || st.Failed != 0 || st.Skipped != 0 {
		t.Errorf("status %+v: want %d targeted and sent, none failed or skipped", st, recipients)
	}
	if lost > 0 {
		t.Errorf("%d of %d recipients never got the template", lost, recipients)
	}
	if int64(dups) > st.PossibleDuplicates {
		t.Errorf("%d duplicate sends, but the broadcast reports %d possible duplicates", dups, st.PossibleDuplicates)
	}
	if statuses.on && st.Duplicates != int64(dups) {
		t.Errorf("%d duplicate sends, but the statuses made the broadcast report %d", dups, st.Duplicates)
	}
	t.Logf("broadcast fault run: %d recipients at %d/s, %d kills (%d mid-send), status webhooks %v, recipients lost %d, counted sent %d, sends %d, duplicates %d (reported %d, possible %d), %s",
		recipients, rate, kills, midSend, statuses.on, lost, st.Sent, len(graph.Messages()), dups, st.Duplicates, st.PossibleDuplicates, time.Since(started).Round(time.Millisecond))
}

// statusWebhooks plays WhatsApp's side of a send: the answer carries a
// wamid, and a signed "sent" status for it (with the send's
// biz_opaque_callback_data) follows on the server's webhook, delivered in
// order and retried until the server acknowledges it.
type statusWebhooks struct {
	on bool

	mu    sync.Mutex
	cond  *sync.Cond
	queue [][]byte
	base  string
	seq   int
	done  bool
	quit  chan struct{}
	ended chan struct{}
}

func newStatusWebhooks(on bool) *statusWebhooks {
	s := &statusWebhooks{on: on, quit: make(chan struct{}), ended: make(chan struct{})}
	s.cond = sync.NewCond(&s.mu)
	go s.run()
	return s
}

// accept answers a send and queues its status.
func (s *statusWebhooks) accept(r whatsapptest.Request, delay time.Duration) whatsapptest.Response {
	if !s.on || r.Kind != "message" {
		return whatsapptest.Response{Delay: delay}
	}
	s.mu.Lock()
	s.seq++
	wamid := fmt.Sprintf("wamid.CRASH%08d", s.seq)
	cb, _ := r.Body["biz_opaque_callback_data"].(string)
	s.queue = append(s.queue, statusWebhook(r.PhoneNumberID, wamid, "sent", r.To, cb, 0))
	s.cond.Signal()
	s.mu.Unlock()
	return acceptedAs(r.To, wamid, delay)
}

// pending is the number of statuses not yet acknowledged.
func (s *statusWebhooks) pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// deliverTo sends the statuses to a (re)started server.
func (s *statusWebhooks) deliverTo(base string) {
	s.mu.Lock()
	s.base = base
	s.cond.Signal()
	s.mu.Unlock()
}

func (s *statusWebhooks) run() {
	defer close(s.ended)
	client := &http.Client{Timeout: 5 * time.Second}
	for {
		s.mu.Lock()
		for len(s.queue) == 0 && !s.done {
			s.cond.Wait()
		}
		if s.done {
			s.mu.Unlock()
			return
		}
		body, base := s.queue[0], s.base
		s.mu.Unlock()

		if deliverSigned(client, base, body) != "" {
			select { // the server is down: WhatsApp tries again later
			case <-s.quit:
				return
			case <-time.After(20 * time.Millisecond):
			}
			continue
		}
		s.mu.Lock()
		s.queue = s.queue[1:]
		s.mu.Unlock()
	}
}

func (s *statusWebhooks) close() {
	s.mu.Lock()
	s.done = true
	s.cond.Signal()
	s.mu.Unlock()
	close(s.quit)
	<-s.ended
}
