package main

import (
	"testing"
	"time"

	"lifeline/bot/whatsapp/whatsapptest"
)

// A stop while replies are at a Graph API slow to answer (its client
// waits 20 s for an answer, twice the stop's budget) ends within the
// budget: the reply answered during the stop is recorded as sent and
// never sent again; the one still waiting when the stop's time for sends
// ends is cut and kept in flight, and the next start sends it exactly
// once more (no status proved the first). Before, the stop waited for
// the client's timeout, and a process manager killed it first.
func TestAStopCutsASendHeldAtTheGraphAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server twice")
	}
	cases := []struct {
		label   string
		user    string
		release bool // the test releases the first send during the stop; else it is held
		again   int  // messages sent again after the restart
	}{
		{"answered during the stop", "17830000001", true, 0},
		{"still at the Graph API when the time for sends ends", "17830000002", false, 1},
	}
	holds := map[string]chan struct{}{}
	for _, c := range cases {
		holds[c.user] = make(chan struct{})
	}
	graph := whatsapptest.NewServer(t)
	heldFirstSends(graph, func(to string) whatsapptest.Response { return whatsapptest.Response{Hold: holds[to]} })
	settings := []string{"LIFELINE_BACKEND=badger", "LIFELINE_DATA_DIR=" + t.TempDir(), "LIFELINE_UNKNOWN_GRACE=1s"}
	before := startServing(t, "alone", "", graph.URL, settings...)
	for i, c := range cases {
		if err := sendWebhook(before, payload(uint64(i+1), c.user, crashPhone, "where is the shelter")); err != nil {
			before.inst.close()
			t.Fatal(err)
		}
	}
	waitUntil(t, 30*time.Second, "every user's first reply at the Graph API", func() bool { return len(graph.Messages()) == len(cases) })

	began := time.Now()
	stopped := make(chan error, 1)
	go func() { stopped <- before.inst.close() }()
	for _, c := range cases {
		if c.release {
			close(holds[c.user])
		}
	}
	bound := stopBudget + 5*time.Second // generous for a loaded machine, below the client's 20 s
	select {
	case err := <-stopped:
		if err != nil {
			t.Fatalf("stop: %v", err)
		}
	case <-time.After(bound):
		t.Fatalf("stop still running %s after it began, with a send held at the Graph API (budget %s)", bound, stopBudget)
	}
	t.Logf("stopped in %s (budget %s, time for sends %s)", time.Since(began).Round(time.Millisecond), stopBudget, sendGrace)
	sentBefore := sentPerUser(graph)

	after := startServing(t, "alone", "", graph.URL, settings...)
	defer after.inst.close()
	waitUntil(t, 60*time.Second, "the cut reply sent again", func() bool {
		sent := sentPerUser(graph)
		for _, c := range cases {
			if _, out := storedTranscript(t, after.inst.db, c.user); sent[c.user] < out+c.again {
				return false
			}
		}
		return true
	})
	after.inst.engine.WaitIdle()
	sent := sentPerUser(graph)
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			in, out := storedTranscript(t, after.inst.db, c.user)
			if len(in) != 1 || out == 0 || sent[c.user] != out+c.again {
				t.Errorf("%d inbound, %d replies, %d messages at the Graph API (%d before the restart); want one inbound, each reply sent and %d sent again",
					len(in), out, sent[c.user], sentBefore[c.user], c.again)
			}
		})
	}
}
