package bot

import (
	"testing"
	"time"

	"lifeline/store"
)

// A reply that meets 131057 (account in maintenance mode, which lasts
// about a minute) waits at least a minute before it is sent again, however
// short the usual backoff is.
func TestMaintenanceModeRetriesAfterAMinute(t *testing.T) {
	h := newHarness(t, harnessOpts{cfg: Config{ShutdownGrace: time.Millisecond}})
	h.graph.FailNext(1, 400, 131057)
	start := time.Now()
	if err := h.accept(textPayload("wamid.maint.1", "15551230001", "where is the shelter", start)); err != nil {
		t.Fatalf("webhook: %v", err)
	}
	var retried *store.OutboxItem
	for deadline := time.Now().Add(10 * time.Second); retried == nil; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no retry recorded; %d message requests", len(h.graph.Messages()))
		}
		for _, it := range h.outbox() {
			if it.ReadID == "" && it.Attempts > 0 {
				retried = &it
			}
		}
		if retried == nil && len(h.graph.Messages()) > 1 {
			t.Fatalf("the reply was sent again right after 131057: %d message requests", len(h.graph.Messages()))
		}
	}
	if wait := retried.NotBefore.Sub(start); wait < time.Minute {
		t.Fatalf("retry after 131057 scheduled %v after the failure, want at least a minute", wait)
	}
	if n := len(h.graph.Messages()); n != 1 {
		t.Fatalf("%d message requests, want the one that failed", n)
	}
}
