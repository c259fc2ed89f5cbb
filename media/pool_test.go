package media

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/store"
)

// clock is a fake clock the test moves by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// countingGraph counts the downloads that reach the Graph API.
type countingGraph struct {
	Graph
	lookups atomic.Int64
}

func (g *countingGraph) MediaInfo(ctx context.Context, id string) (whatsapp.MediaInfo, error) {
	g.lookups.Add(1)
	return g.Graph.MediaInfo(ctx, id)
}

// backlog is the engine's Backlogged as a switch; asked counts the
// questions, so a test knows the workers have looked while it was on.
type backlog struct {
	on    atomic.Bool
	asked atomic.Int64
}

func (b *backlog) Busy() bool { b.asked.Add(1); return b.on.Load() }

// waitAsked waits until the workers have asked n more times.
func (b *backlog) waitAsked(t *testing.T, n int64) {
	t.Helper()
	want := b.asked.Load() + n
	deadline := time.Now().Add(10 * time.Second)
	for b.asked.Load() < want {
		if time.Now().After(deadline) {
			t.Fatalf("the workers asked about the backlog %d times, want %d", b.asked.Load(), want)
		}
		time.Sleep(time.Millisecond) // polling a condition, not waiting for time to pass
	}
}

// held builds a fetcher on the rig's store with a fake clock, a backlog
// switch and a counting Graph API, runs it until the test ends, and
// returns the records it settles.
func held(t *testing.T, r *rig, clk *clock, bl *backlog) (*countingGraph, <-chan store.MediaRecord) {
	t.Helper()
	g := &countingGraph{Graph: r.fetcher.Graph}
	settled := make(chan store.MediaRecord, 16)
	f := &Fetcher{DB: r.db, Graph: g, Log: zerolog.Nop(), Now: clk.Now, Busy: bl.Busy,
		MaxDelay: 10 * time.Minute, Poll: time.Millisecond, Backoff: func(int) time.Duration { return 0 },
		Settled: func(m store.MediaRecord) { settled <- m }}
	r.fetcher = f
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); f.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-stopped })
	return g, settled
}

func wantStored(t *testing.T, settled <-chan store.MediaRecord, id string) {
	t.Helper()
	select {
	case m := <-settled:
		if m.MediaID != id || m.State != store.MediaStored {
			t.Fatalf("settled %s %s (%s), want %s stored", m.MediaID, m.State, m.Error, id)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("%s not downloaded", id)
	}
}

// Downloads wait while the inbound path has a backlog, and go when it
// drains, before their deadline.
func TestDownloadsWaitForTheBacklogToDrain(t *testing.T) {
	r := newRig(t, nil)
	clk := &clock{now: t0}
	bl := &backlog{}
	bl.on.Store(true)
	g, settled := held(t, r, clk, bl)
	r.graph.AddMedia("41", "image/jpeg", []byte("\xff\xd8\xff\xe0 photo of the bridge"))
	r.receive(t, store.MediaRecord{MediaID: "41", Kind: "image", MimeType: "image/jpeg", At: t0})
	r.fetcher.Enqueue(user, "41")

	bl.waitAsked(t, 5)
	clk.Add(9 * time.Minute) // close to the deadline, not at it
	bl.waitAsked(t, 5)
	if n := g.lookups.Load(); n != 0 {
		t.Fatalf("%d downloads started during the backlog, want none", n)
	}
	bl.on.Store(false)
	wantStored(t, settled, "41")
}

// A download at its deadline goes even while the backlog lasts: the
// deadline counts from Enqueue, or after a restart from when the person
// sent the file.
func TestDownloadAtItsDeadlineGoesDuringABacklog(t *testing.T) {
	for _, tc := range []struct {
		name    string
		sent    time.Duration // before t0
		enqueue bool
		advance time.Duration // of the clock, after the workers looked once
	}{
		{name: "enqueued, the clock reaches the deadline", enqueue: true, advance: 10 * time.Minute},
		{name: "found by the first scan, sent long ago", sent: 11 * time.Minute},
		{name: "found by the first scan, the clock reaches the deadline", sent: 5 * time.Minute, advance: 5 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, nil)
			clk := &clock{now: t0}
			bl := &backlog{}
			bl.on.Store(true)
			r.graph.AddMedia("42", "application/pdf", []byte("%PDF-1.7 boarding pass"))
			r.receive(t, store.MediaRecord{MediaID: "42", Kind: "document", MimeType: "application/pdf", At: t0.Add(-tc.sent)})
			g, settled := held(t, r, clk, bl)
			if tc.enqueue {
				r.fetcher.Enqueue(user, "42")
			}
			if tc.advance > 0 {
				bl.waitAsked(t, 3)
				if n := g.lookups.Load(); n != 0 {
					t.Fatalf("%d downloads started before the deadline, want none", n)
				}
				clk.Add(tc.advance)
			}
			wantStored(t, settled, "42")
			if !bl.on.Load() {
				t.Fatal("the backlog ended")
			}
		})
	}
}

// The queue is only in memory: after a crash, the pending records in the
// store are the queue, and a new process downloads them without any
// Enqueue.
func TestRestartResumesPendingDownloads(t *testing.T) {
	dir, mediaDir := t.TempDir(), t.TempDir()
	open := func() *store.DB {
		db, err := store.Open(store.Options{Dir: dir, MediaDir: mediaDir, Logger: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	graph := whatsapptest.NewServer(t, whatsapptest.Strict())
	graph.SetToken(testToken)
	graph.AddMedia("43", "audio/ogg", []byte("OggS voice note"))
	client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: graph.URL, AccessToken: testToken, Timeout: 5 * time.Second})

	// The first process queues the note, held back by a backlog, and stops
	// before it downloads anything.
	r := &rig{db: open(), graph: graph, fetcher: &Fetcher{Graph: client}}
	r.receive(t, store.MediaRecord{MediaID: "43", Kind: "audio", MimeType: "audio/ogg", Voice: true, At: t0})
	clk := &clock{now: t0}
	bl := &backlog{}
	bl.on.Store(true)
	f1 := &Fetcher{DB: r.db, Graph: client, Log: zerolog.Nop(), Now: clk.Now, Busy: bl.Busy, Poll: time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); f1.Run(ctx) }()
	f1.Enqueue(user, "43")
	bl.waitAsked(t, 3)
	cancel()
	<-stopped
	if err := r.db.Close(); err != nil {
		t.Fatal(err)
	}

	// The next one finds it in the store.
	r.db = open()
	t.Cleanup(func() { r.db.Close() })
	if m, _ := r.record(t, "43"); m.State != store.MediaPending {
		t.Fatalf("after the crash the note is %s, want pending", m.State)
	}
	clk2 := &clock{now: t0.Add(time.Minute)}
	_, settled := held(t, r, clk2, &backlog{})
	wantStored(t, settled, "43")
	if m, e := r.record(t, "43"); m.Path == "" || e.Media.State != store.MediaStored {
		t.Fatalf("record %+v, entry %+v", m, e.Media)
	}
}

// Enqueue of a download already queued keeps one entry, with the earlier
// deadline.
func TestEnqueueMergesRepeats(t *testing.T) {
	clk := &clock{now: t0}
	f := &Fetcher{Now: clk.Now, MaxDelay: time.Hour}
	f.Enqueue(user, "1")
	clk.Add(time.Minute)
	f.Enqueue(user, "2")
	f.enqueue(ref{user, "2"}, t0.Add(-time.Minute)) // a rescan: sent long ago
	f.Enqueue(user, "1")
	if len(f.queue) != 2 {
		t.Fatalf("%d queued, want 2", len(f.queue))
	}
	if head := f.queue[0]; head.id != "2" || !head.deadline.Equal(t0.Add(-time.Minute)) {
		t.Fatalf("head %s due %v, want 2 due at its earlier deadline", head.id, head.deadline)
	}
}
