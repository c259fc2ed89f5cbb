package bot

import (
	"fmt"
	"testing"
	"time"

	"lifeline/flows"
	"lifeline/store"
)

// holdGate holds every inbound message in its interceptor until released.
type holdGate struct {
	entered chan string
	release chan struct{}
}

func (g *holdGate) Intercept(_ store.Writer, user string, _ flows.Input, _ flows.Session) (flows.Output, bool, error) {
	g.entered <- user
	<-g.release
	return flows.Output{}, false, nil
}

// Backlogged is what media downloads give way to: more inbound events
// than workers. One event per worker in hand is not a backlog.
func TestBackloggedWhenEventsWaitForAWorker(t *testing.T) {
	h := newHarness(t, harnessOpts{cfg: Config{Workers: 1}})
	g := &holdGate{entered: make(chan string, 8), release: make(chan struct{})}
	h.engine.Intercept(g)
	if h.engine.Backlogged() {
		t.Fatal("an idle engine is backlogged")
	}
	at := time.Unix(1750000000, 0)
	h.mustAccept(textPayload("wamid.b1", "966500000001", "hello", at))
	<-g.entered
	if h.engine.Backlogged() {
		t.Fatal("one event in the hands of the one worker counts as a backlog")
	}
	for i := 2; i <= 3; i++ {
		h.mustAccept(textPayload(fmt.Sprintf("wamid.b%d", i), fmt.Sprintf("96650000000%d", i), "hello", at))
	}
	deadline := time.Now().Add(10 * time.Second)
	for !h.engine.Backlogged() {
		if time.Now().After(deadline) {
			t.Fatal("two events waiting for the one worker are not a backlog")
		}
		time.Sleep(time.Millisecond) // polling a condition
	}
	close(g.release)
	h.engine.WaitIdle()
	if h.engine.Backlogged() {
		t.Fatal("backlogged after the inbox drained")
	}
}
