package bot

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/coord"
	"lifeline/store"
)

// A wake-up that comes while the lane's worker is still on the item (a
// short backoff's timer firing before the worker parks the lane) is not
// lost: the item is looked at again.
func TestWakeWhileWorkingIsNotLost(t *testing.T) {
	var l *lanes[int]
	var calls atomic.Int32
	l = newLanes(1, func(key string, _ int) bool {
		if calls.Add(1) == 1 {
			l.Wake(key) // the timer fires before this call returns
			return false
		}
		return true
	})
	defer l.Close()
	l.Add("u", 1)
	done := make(chan struct{})
	go func() { l.WaitIdle(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("lane still parked after %d calls: the wake-up was lost", calls.Load())
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("work called %d times, want 2", n)
	}
}

// relayWaker is a second coord.Waker, shaped like a delivery on a
// message bus: every wake-up is recorded, then handed on later by another
// goroutine, in the reverse order of a batch, and twice. The engine must
// take a wake-up as a hint only (the lane re-reads its head) and still
// process every message, in order per user.
type relayWaker struct {
	next    coord.Waker
	ch      chan string
	done    chan struct{}
	woken   atomic.Int64
	relayed atomic.Int64
}

func newRelayWaker(next coord.Waker) *relayWaker {
	w := &relayWaker{next: next, ch: make(chan string, 1024), done: make(chan struct{})}
	go w.relay()
	return w
}

func (w *relayWaker) Wake(user string) {
	w.woken.Add(1)
	select {
	case w.ch <- user:
	case <-w.done:
	}
}

func (w *relayWaker) relay() {
	for {
		var batch []string
		select {
		case u := <-w.ch:
			batch = append(batch, u)
		case <-w.done:
			return
		}
		for more := true; more; {
			select {
			case u := <-w.ch:
				batch = append(batch, u)
			default:
				more = false
			}
		}
		for i := len(batch) - 1; i >= 0; i-- {
			w.next.Wake(batch[i])
			w.next.Wake(batch[i]) // delivered twice, as at-least-once delivery may
			w.relayed.Add(2)
		}
	}
}

// close stops relaying; call it before the engine closes its lanes.
func (w *relayWaker) close() { close(w.done) }

// The wake-ups are a real seam: with the engine's in-process wake-ups
// replaced by a relay that is late, reorders and duplicates them, every
// message of several users is processed in arrival order and answered
// exactly as with the in-process wake-ups, and the replies that had to
// wait for a wake-up (every reply's first send fails) came back through
// the relay.
func TestEngineWithAnotherWakerProcessesEveryMessageInOrder(t *testing.T) {
	users := []string{"15550001001", "15550001002", "15550001003"}
	// Four questions: a fifth asks for a person, and the queue position
	// told then depends on how the users' turns interleave.
	const n = 4
	// run sends the messages and returns each user's transcript as
	// "in|out: text (status)" lines, and the sends per user.
	run := func(t *testing.T, wakers func(in, out coord.Waker) (coord.Waker, coord.Waker)) (map[string][]string, map[string]int) {
		graph := whatsapptest.NewServer(t)
		var mu sync.Mutex
		tried := map[string]bool{}
		graph.SetResponder(func(r whatsapptest.Request) whatsapptest.Response {
			cb, _ := r.Body["biz_opaque_callback_data"].(string)
			mu.Lock()
			defer mu.Unlock()
			if !tried[cb] {
				tried[cb] = true
				return whatsapptest.Response{Status: 503, Code: 2} // transient: the reply waits for a wake-up
			}
			return whatsapptest.Response{}
		})
		h := newHarness(t, harnessOpts{graph: graph, cfg: Config{Workers: 4}, wakers: wakers})
		for i := range n {
			for _, u := range users {
				h.mustAccept(textPayload(fmt.Sprintf("wamid.relay.%s.%d", u, i), u, fmt.Sprintf("shelter %d", i), time.Now()))
			}
		}
		h.engine.WaitIdle()
		lines, sends := map[string][]string{}, map[string]int{}
		for _, u := range users {
			for _, e := range h.transcript(u) {
				lines[u] = append(lines[u], fmt.Sprintf("%s: %s (%s)", e.Dir, e.Text, e.Status))
			}
		}
		for _, m := range graph.Messages() {
			sends[m.To]++
		}
		return lines, sends
	}

	wantLines, wantSends := run(t, nil)
	var in, out *relayWaker
	defer func() {
		if in != nil {
			in.close()
			out.close()
		}
	}()
	gotLines, gotSends := run(t, func(li, lo coord.Waker) (coord.Waker, coord.Waker) {
		in, out = newRelayWaker(li), newRelayWaker(lo)
		return in, out
	})

	for _, u := range users {
		var inbound []string
		for _, l := range gotLines[u] {
			if text, ok := strings.CutPrefix(l, string(store.In)+": "); ok {
				inbound = append(inbound, text)
			}
		}
		want := make([]string, n)
		for i := range want {
			want[i] = fmt.Sprintf("shelter %d ()", i)
		}
		if !slices.Equal(inbound, want) {
			t.Errorf("user %s: processed %q, want %q", u, inbound, want)
		}
		if !slices.Equal(gotLines[u], wantLines[u]) {
			t.Errorf("user %s: transcript with the relay\n%s\nwant, as with in-process wake-ups,\n%s", u, strings.Join(gotLines[u], "\n"), strings.Join(wantLines[u], "\n"))
		}
		if gotSends[u] != wantSends[u] {
			t.Errorf("user %s: %d sends with the relay, want %d as with in-process wake-ups", u, gotSends[u], wantSends[u])
		}
	}
	if woke, min := out.woken.Load(), int64(len(users)*n); woke < min {
		t.Errorf("%d outbound wake-ups went through the relay, want at least one per failed first send (%d)", woke, min)
	}
}
