package broadcast

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lifeline/store"
)

// A send's outcome is written in two steps, the people's records and then
// the broadcast's (see commit). A crash between them, played by an error
// after the first step of the first commit, must end where an
// uninterrupted run ends: every recipient recorded once, the open
// check-in pointing at the message the record names, one send counted
// for the frequency cap (the cap of one does not skip the message that
// the first step already counted), and a number found unreachable is
// marked and not sent to again.
func TestACrashBetweenTheOutcomeStepsConverges(t *testing.T) {
	cases := []struct {
		name        string
		contacts    int
		failFirst   int // the fake Graph API answers the first sends with 131026
		wantState   string
		wantSent    int64
		unreachable int // contacts that end marked unreachable
	}{
		{name: "sent check-ins", contacts: 20, wantState: StateSent, wantSent: 20},
		// One contact, so that the failure is in the commit that stops:
		// results of later commits are lost with the "crash", and their
		// sends are made again.
		{name: "undeliverable number", contacts: 1, failFirst: 1, wantState: StateSent, wantSent: 0, unreachable: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, hopts{cfg: Config{FrequencyCap: 1, FrequencyWindow: time.Hour, PairGap: -1}})
			users := h.contacts(c.contacts, "en")
			var faults atomic.Int32
			h.svc.outcomeFault = func(string) error {
				if faults.Add(1) == 1 {
					return errors.New("crash between the outcome's steps")
				}
				return nil
			}
			if c.failFirst > 0 {
				h.graph.FailNext(c.failFirst, 400, 131026)
			}
			id := h.create(checkinSpec())
			st := h.waitState(id, c.wantState)
			if faults.Load() == 0 {
				t.Fatal("no commit came between the outcome's steps: nothing was crashed")
			}
			if st.Sent != c.wantSent {
				t.Errorf("status counts %d sent, want %d", st.Sent, c.wantSent)
			}

			ctx := context.Background()
			unreachable := 0
			for i, user := range users {
				seq := uint64(i + 1)
				rec, _ := h.recipient(id, seq)
				ct := h.contactOf(user)
				if ct.Unreachable {
					unreachable++
					// Found unreachable: failed, or, when the crash came
					// after the mark, skipped for it; never sent again.
					if rec.State != recFailed && rec.State != recSkipped {
						t.Errorf("recipient %d of an unreachable contact is %s, want failed or skipped", seq, rec.State)
					}
					continue
				}
				if rec.State != recSent {
					t.Errorf("recipient %d is %s (%s), want sent", seq, rec.State, rec.Reason)
					continue
				}
				var m Member
				sends := 0
				err := h.db.Read(ctx, func(tx store.Reader) (err error) {
					if m, err = store.GetBroadcastMember[Member](ctx, tx, user, id); err != nil {
						return err
					}
					return store.EachBroadcastSend(ctx, tx, user, func(_ time.Time, ref string) error {
						if ref == callbackData(id, seq, 0) {
							sends++
						}
						return nil
					})
				})
				if err != nil {
					t.Errorf("recipient %d's check-in: %v", seq, err)
					continue
				}
				if m.Seq != seq || m.WAMID != rec.WAMID {
					t.Errorf("recipient %d's check-in points at %d %q, want %d %q", seq, m.Seq, m.WAMID, seq, rec.WAMID)
				}
				if sends != 1 {
					t.Errorf("recipient %d counted %d times for the frequency cap, want once", seq, sends)
				}
			}
			if unreachable != c.unreachable {
				t.Errorf("%d contacts marked unreachable, want %d", unreachable, c.unreachable)
			}
			for to, k := range sendsTo(h.graph.Messages()) {
				if k > 1 && h.contactOf(to).Unreachable {
					t.Errorf("unreachable %s sent %d times, want once", to, k)
				}
			}
			if got := fmt.Sprint(h.progress(id).Skipped); c.unreachable == 0 && got != "0" {
				t.Errorf("%s recipients skipped, want none", got)
			}
		})
	}
}

// The progress a run stores counts exactly the recipient records stored
// with it. A chunk the feeder marks while a commit has decided its
// results but not yet written them must not carry those results' counts:
// after a crash before the commit writes, the records still say
// "sending", the next run sends them again (or records them from a
// status) and counts them a second time. Here the first commit stops, as
// a crash would, once the feeder has marked a further chunk; the counts
// must equal the records' states at the crash, and every recipient must
// be counted once after the restart.
func TestAChunkMarkedDuringACommitCountsNoneOfItsResults(t *testing.T) {
	const n = 160 // at 200/s: the feeder marks the last chunks long after the first commit
	h := newHarness(t, hopts{dir: t.TempDir(), cfg: Config{ChunkSize: 8, RatePerNumber: 200}})
	h.contacts(n, "en")
	var (
		first   sync.Once
		crashed = make(chan struct{})
		marked  bool // a chunk was marked after the results were decided
	)
	h.svc.resultsFault = func(id string) error {
		fault := false
		first.Do(func() { fault = true })
		if !fault {
			return nil
		}
		defer close(crashed)
		from := h.progress(id).Next
		deadline := time.Now().Add(20 * time.Second)
		for !marked && time.Now().Before(deadline) {
			marked = h.progress(id).Next > from
			time.Sleep(time.Millisecond)
		}
		h.svc.mu.Lock()
		h.svc.crashed = true // like kill -9: nothing more is written
		h.svc.mu.Unlock()
		return errors.New("crash before the results are written")
	}
	id := h.create(noticeSpec())
	select {
	case <-crashed:
	case <-time.After(20 * time.Second):
		t.Fatal("no commit of results came")
	}
	if !marked {
		t.Fatal("the feeder marked no chunk while the commit waited: the crash tests nothing")
	}
	h.svc.crash()
	if p, sent := h.progress(id), h.recordsIn(id, recSent); p.Sent != sent {
		t.Errorf("at the crash the progress counts %d sent, the records %d", p.Sent, sent)
	}
	h.db.Close()
	h.svc = nil

	h.open(false) // same data directory
	st := h.waitState(id, StateCompleted)
	if sent := h.recordsIn(id, recSent); st.Sent != n || sent != n {
		t.Errorf("after the restart %d counted sent and %d records sent, want %d", st.Sent, sent, n)
	}
	if got := sendsTo(h.graph.Messages()); len(got) != n {
		t.Errorf("%d people got the notice, want %d", len(got), n)
	}
}

// recordsIn counts the recipient records of broadcast id in state.
func (h *harness) recordsIn(id, state string) int64 {
	h.t.Helper()
	ctx := context.Background()
	var n int64
	err := h.db.Read(ctx, func(tx store.Reader) error {
		return store.EachBroadcastRecipient(ctx, tx, id, 0, func(_ uint64, r *Recipient) error {
			if r.State == state {
				n++
			}
			return nil
		})
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}
