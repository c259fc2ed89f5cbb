package media

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// Graph is the part of the Graph API client the downloader uses.
type Graph interface {
	MediaInfo(ctx context.Context, mediaID string) (whatsapp.MediaInfo, error)
	DownloadMedia(ctx context.Context, url string, max int64) ([]byte, error)
}

var _ Graph = (*whatsapp.Client)(nil)

// InboundValidity is how long WhatsApp keeps an inbound media id.
const InboundValidity = 7 * 24 * time.Hour

// Fetcher downloads the media people send, in the background: the
// engine records a pending media record with the message and calls
// Enqueue after its commit; the webhook never waits for a download.
//
// Downloads are the lowest priority work of the process: while Busy says
// the inbound path has a backlog (the webhook's acknowledgements and the
// replies wait behind it) the workers hold back, and catch up when it
// drains. A download that has waited MaxDelay goes whatever the backlog,
// so every file is fetched long before its id expires (7 days). The queue
// is ordered by that deadline; it lives in memory only, and is derived
// again from the pending records in the store after a restart.
type Fetcher struct {
	DB    *store.DB
	Graph Graph
	Log   zerolog.Logger
	Now   func() time.Time
	// Workers download in parallel (default 2).
	Workers int
	// MaxAttempts bounds the tries of a download that fails with a
	// transient error (5xx, timeout, 131053) before it is given up (default 8).
	MaxAttempts int
	// Backoff is the wait before try n+1 (default 2^n seconds, at most 10 minutes).
	Backoff func(attempt int) time.Duration
	// Rescan is how often the store is searched for pending records that
	// no Enqueue announced (a restart, a full queue); default one minute.
	Rescan time.Duration
	// Settled is told of a record that reached a final state (stored,
	// failed or refused), after its commit: the engine tells the person
	// when a download failed. May be nil.
	Settled func(store.MediaRecord)
	// Busy reports that the inbound path has a backlog (bot.Engine's
	// Backlogged); downloads not yet at their deadline wait while it
	// does. nil: never busy.
	Busy func() bool
	// MaxDelay is how long a download may be held back by a backlog,
	// counted from its Enqueue (after a restart, from when the person
	// sent the file); default DefaultMaxDelay. It must stay well below
	// InboundValidity.
	MaxDelay time.Duration
	// Poll is how often a held-back worker asks Busy again (default 50 ms).
	Poll time.Duration

	once     sync.Once
	mu       sync.Mutex
	queue    deadlines        // refs waiting for a worker, earliest deadline first
	queued   map[ref]*pending // what queue holds, to merge repeats
	changed  chan struct{}    // closed and replaced when queue gains an item
	inflight map[ref]bool
	wg       sync.WaitGroup
}

// DefaultMaxDelay bounds the wait of a download behind a backlog: the
// agent sees the photo within minutes even in a long burst, and the id
// (valid 7 days) is never at risk.
const DefaultMaxDelay = 10 * time.Minute

// maxQueued bounds the memory of the queue; beyond it the rescan finds
// the records in the store.
const maxQueued = 4096

type ref struct{ user, id string }

// pending is a queued download and the time it goes whatever the backlog.
type pending struct {
	ref
	deadline time.Time
	index    int
}

// deadlines is a min-heap of pending downloads by deadline.
type deadlines []*pending

func (d deadlines) Len() int           { return len(d) }
func (d deadlines) Less(i, j int) bool { return d[i].deadline.Before(d[j].deadline) }
func (d deadlines) Swap(i, j int)      { d[i], d[j] = d[j], d[i]; d[i].index = i; d[j].index = j }
func (d *deadlines) Push(x any)        { p := x.(*pending); p.index = len(*d); *d = append(*d, p) }
func (d *deadlines) Pop() any {
	old := *d
	p := old[len(old)-1]
	old[len(old)-1] = nil
	*d = old[:len(old)-1]
	return p
}

func (f *Fetcher) init() {
	f.once.Do(func() {
		if f.Now == nil {
			f.Now = time.Now
		}
		if f.Workers <= 0 {
			f.Workers = 2
		}
		if f.MaxAttempts <= 0 {
			f.MaxAttempts = 8
		}
		if f.Backoff == nil {
			f.Backoff = func(n int) time.Duration {
				return min(time.Duration(1<<min(n, 10))*time.Second, 10*time.Minute)
			}
		}
		if f.Rescan <= 0 {
			f.Rescan = time.Minute
		}
		if f.MaxDelay <= 0 {
			f.MaxDelay = DefaultMaxDelay
		}
		if f.Poll <= 0 {
			f.Poll = 50 * time.Millisecond
		}
		f.queued = map[ref]*pending{}
		f.changed = make(chan struct{})
		f.inflight = map[ref]bool{}
		f.Log = f.Log.With().Str("comp", "media").Logger()
	})
}

// Enqueue asks for the download of media id of user, due at the latest
// MaxDelay from now. It never blocks: when the queue is full the next
// rescan finds the record.
func (f *Fetcher) Enqueue(user, mediaID string) {
	f.init()
	f.enqueue(ref{user, mediaID}, f.Now().Add(f.MaxDelay))
}

// enqueue adds r with deadline, or brings an earlier deadline to a queued r.
func (f *Fetcher) enqueue(r ref, deadline time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if p, ok := f.queued[r]; ok {
		if deadline.Before(p.deadline) {
			p.deadline = deadline
			heap.Fix(&f.queue, p.index)
		}
		return
	}
	if len(f.queue) >= maxQueued {
		f.Log.Warn().Msg("media queue full; the download waits for the next rescan")
		return
	}
	p := &pending{ref: r, deadline: deadline}
	heap.Push(&f.queue, p)
	f.queued[r] = p
	close(f.changed)
	f.changed = make(chan struct{})
}

// next waits for the download a worker should do now: the one with the
// earliest deadline, at once when nothing is busy, else when its
// deadline comes. ok is false when ctx ended.
func (f *Fetcher) next(ctx context.Context) (r ref, ok bool) {
	var tick <-chan time.Time
	for {
		f.mu.Lock()
		changed := f.changed
		var head *pending
		var due time.Time
		if len(f.queue) > 0 {
			head, due = f.queue[0], f.queue[0].deadline
		}
		f.mu.Unlock()
		// Busy is asked without the lock: it reads the engine's state.
		if head != nil && (!due.After(f.Now()) || f.Busy == nil || !f.Busy()) {
			f.mu.Lock()
			// Another worker may have taken it meanwhile, or an earlier
			// deadline come first: take whatever heads the queue now if
			// it is still allowed to go, else look again.
			if len(f.queue) > 0 && (f.queue[0] == head || !f.queue[0].deadline.After(f.Now())) {
				p := heap.Pop(&f.queue).(*pending)
				delete(f.queued, p.ref)
				f.mu.Unlock()
				return p.ref, true
			}
			f.mu.Unlock()
			continue
		}
		if head != nil && tick == nil {
			// Held back: look at the backlog and the clock now and then.
			t := time.NewTicker(f.Poll)
			defer t.Stop()
			tick = t.C
		}
		select {
		case <-ctx.Done():
			return ref{}, false
		case <-changed:
		case <-tick:
		}
	}
}

// Run downloads until ctx ends: first what the store holds pending, then
// what Enqueue announces, rescanning now and then.
func (f *Fetcher) Run(ctx context.Context) {
	f.init()
	for range f.Workers {
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			for {
				r, ok := f.next(ctx)
				if !ok {
					return
				}
				f.fetchOnce(ctx, r)
			}
		}()
	}
	t := time.NewTicker(f.Rescan)
	defer t.Stop()
	for {
		f.rescan(ctx)
		select {
		case <-ctx.Done():
			f.wg.Wait()
			return
		case <-t.C:
		}
	}
}

// rescan enqueues every pending record whose next try is due, with the
// deadline counted from when the person sent it.
func (f *Fetcher) rescan(ctx context.Context) {
	now := f.Now()
	var due []pending
	err := f.DB.Read(ctx, func(r store.Reader) error {
		due = due[:0]
		return store.EachMedia(ctx, r, func(m store.MediaRecord) error {
			if m.State == store.MediaPending && !m.NextAttempt.After(now) {
				due = append(due, pending{ref: ref{m.User, m.MediaID}, deadline: m.At.Add(f.MaxDelay)})
			}
			return nil
		})
	})
	if err != nil && ctx.Err() == nil {
		f.Log.Error().Err(err).Msg("scan pending media")
	}
	for _, p := range due {
		f.enqueue(p.ref, p.deadline)
	}
}

// fetchOnce runs one try for r unless another worker has it.
func (f *Fetcher) fetchOnce(ctx context.Context, r ref) {
	f.mu.Lock()
	if f.inflight[r] {
		f.mu.Unlock()
		return
	}
	f.inflight[r] = true
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		delete(f.inflight, r)
		f.mu.Unlock()
	}()
	if err := f.Fetch(ctx, r.user, r.id); err != nil && ctx.Err() == nil {
		f.Log.Error().Err(err).Str("media_id", r.id).Msg("media download not recorded; will try again")
	}
}

// outcome is what one try decided.
type outcome struct {
	state  string // final state, or MediaPending to try again
	data   []byte
	sha    string
	size   int64
	mime   string
	code   int
	reason string
}

// Fetch tries once to download media id of user, and records the outcome:
// stored (file written, entry updated), pending again after a transient
// error (with its next try scheduled), failed or refused. It returns an
// error only when the outcome could not be recorded.
func (f *Fetcher) Fetch(ctx context.Context, user, mediaID string) error {
	f.init()
	var rec store.MediaRecord
	err := f.DB.Read(ctx, func(r store.Reader) error {
		var err error
		rec, err = store.GetMedia(ctx, r, user, mediaID)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil // erased meanwhile
	}
	if err != nil {
		return err
	}
	now := f.Now()
	if rec.State != store.MediaPending {
		return nil
	}
	if rec.NextAttempt.After(now) {
		f.later(rec, rec.NextAttempt.Sub(now))
		return nil
	}
	o := f.try(ctx, rec, now)
	if o.state == store.MediaPending && ctx.Err() != nil {
		return nil // shutting down: the try did not count
	}
	if o.state == store.MediaPending && rec.Attempts+1 >= f.MaxAttempts {
		o.state, o.reason = store.MediaFailed, fmt.Sprintf("%s (gave up after %d tries)", o.reason, rec.Attempts+1)
	}
	var path string
	if o.state == store.MediaStored {
		path = fmt.Sprintf("%s/%s-%s", o.sha[:2], o.sha, safeName(mediaID))
		if err := f.DB.WriteMediaFile(path, o.data); err != nil {
			return fmt.Errorf("keep media %s: %w", mediaID, err)
		}
	}
	var final store.MediaRecord
	gone := false
	err = f.DB.Write(ctx, store.UserScope(user), func(w store.Writer) error {
		gone = false
		cur, err := store.GetMedia(ctx, w, user, mediaID)
		if errors.Is(err, store.ErrNotFound) {
			gone = true
			return nil
		}
		if err != nil {
			return err
		}
		cur.Attempts++
		cur.State, cur.ErrorCode, cur.Error = o.state, o.code, o.reason
		if o.mime != "" && cur.MimeType == "" {
			cur.MimeType = o.mime
		}
		switch o.state {
		case store.MediaPending:
			cur.NextAttempt = now.Add(f.Backoff(cur.Attempts))
		case store.MediaStored:
			cur.Path, cur.Size, cur.SHA256, cur.FetchedAt, cur.Error, cur.ErrorCode = path, o.size, o.sha, now, "", 0
		default:
			cur.Size, cur.SHA256 = o.size, o.sha
		}
		if err := store.PutMedia(ctx, w, cur); err != nil {
			return err
		}
		final = cur
		if o.state == store.MediaPending {
			return nil
		}
		entry, err := store.GetTranscriptEntry(ctx, w, user, cur.TranscriptSeq)
		if errors.Is(err, store.ErrNotFound) {
			return nil // the transcript was erased or rewritten; the record stands alone
		}
		if err != nil {
			return err
		}
		entry.Media = cur.EntryMedia()
		return store.PutTranscriptEntry(ctx, w, user, entry)
	})
	if err != nil || gone {
		if path != "" {
			// Erased while it downloaded, or not recorded: no file without its record.
			if rerr := f.DB.RemoveMediaFile(path); rerr != nil {
				f.Log.Error().Err(rerr).Str("media_id", mediaID).Msg("remove unrecorded media file")
			}
		}
		if err != nil {
			return fmt.Errorf("record media %s: %w", mediaID, err)
		}
		return nil
	}
	ev := f.Log.Info()
	if o.state != store.MediaStored {
		ev = f.Log.Warn().Int("code", o.code).Str("reason", o.reason)
	}
	ev.Str("media_id", mediaID).Str("kind", rec.Kind).Str("state", final.State).Int("attempt", final.Attempts).Int64("size", final.Size).Msg("media download")
	if o.state == store.MediaPending {
		f.later(rec, final.NextAttempt.Sub(now))
		return nil
	}
	if f.Settled != nil {
		f.Settled(final)
	}
	return nil
}

// later enqueues rec again after d (the rescan catches it after a
// restart), due by MaxDelay after the person sent it.
func (f *Fetcher) later(rec store.MediaRecord, d time.Duration) {
	r, deadline := ref{rec.User, rec.MediaID}, rec.At.Add(f.MaxDelay)
	time.AfterFunc(d, func() { f.enqueue(r, deadline) })
}

// try downloads and checks; it writes nothing.
func (f *Fetcher) try(ctx context.Context, rec store.MediaRecord, now time.Time) outcome {
	if now.Sub(rec.At) > InboundValidity {
		return outcome{state: store.MediaFailed, reason: "media id expired (WhatsApp keeps inbound media 7 days)"}
	}
	limit, ok := LimitFor(rec.Kind)
	if !ok {
		return outcome{state: store.MediaRefused, reason: fmt.Sprintf("%q is not a media kind", rec.Kind)}
	}
	info, err := f.Graph.MediaInfo(ctx, rec.MediaID)
	if err != nil {
		return failure("look up media", err)
	}
	mt := rec.MimeType
	if mt == "" {
		mt = info.MimeType
	}
	// What the Graph API announces is refused before anything is downloaded.
	if info.FileSize > 0 {
		if err := Check(rec.Kind, mt, info.FileSize, rec.Animated); err != nil {
			return outcome{state: store.MediaRefused, reason: err.Error(), size: info.FileSize, mime: info.MimeType}
		}
	}
	data, err := f.Graph.DownloadMedia(ctx, info.URL, limit.MaxSize(rec.Animated))
	if errors.Is(err, whatsapp.ErrTooLarge) {
		return outcome{state: store.MediaRefused, reason: fmt.Sprintf("%s is over the limit of %s", rec.Kind, human(limit.MaxSize(rec.Animated)))}
	}
	if err != nil {
		return failure("download media", err)
	}
	sha, err := Verify(rec.Kind, mt, rec.Animated, data, rec.ExpectedSHA256, info.SHA256)
	var le *LimitError
	switch {
	case errors.As(err, &le) && le.Limit == "sha256":
		// A damaged transfer: fetch it again, a few times.
		return outcome{state: store.MediaPending, reason: err.Error(), size: int64(len(data)), sha: sha}
	case err != nil:
		return outcome{state: store.MediaRefused, reason: err.Error(), size: int64(len(data)), sha: sha}
	}
	return outcome{state: store.MediaStored, data: data, sha: sha, size: int64(len(data)), mime: info.MimeType}
}

// failure classifies a Graph API error: transient ones are tried again,
// the rest (404, 131052: WhatsApp cannot give the file) are final.
func failure(doing string, err error) outcome {
	o := outcome{state: store.MediaFailed, reason: doing + ": " + err.Error()}
	var se *whatsapp.SendError
	if errors.As(err, &se) {
		o.code = se.Code
		if se.Action.Retryable() || se.Timeout {
			o.state = store.MediaPending
		}
		if se.HasCode && se.Code == 131052 || se.HTTPStatus == 404 {
			o.reason = doing + ": " + err.Error() + "; ask the person to send it again"
		}
		return o
	}
	o.state = store.MediaPending // not a Graph answer: the network, most likely
	return o
}

// safeName keeps the characters of a media id a file name can hold.
func safeName(id string) string {
	b := []byte(id)
	for i, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_' || c == '.') {
			b[i] = '_'
		}
	}
	return string(b)
}
