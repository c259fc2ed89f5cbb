package media

import (
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

	once     sync.Once
	queue    chan ref
	mu       sync.Mutex
	inflight map[ref]bool
	wg       sync.WaitGroup
}

type ref struct{ user, id string }

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
		f.queue = make(chan ref, 4096)
		f.inflight = map[ref]bool{}
		f.Log = f.Log.With().Str("comp", "media").Logger()
	})
}

// Enqueue asks for the download of media id of user. It never blocks:
// when the queue is full the next rescan finds the record.
func (f *Fetcher) Enqueue(user, mediaID string) {
	f.init()
	select {
	case f.queue <- ref{user, mediaID}:
	default:
		f.Log.Warn().Msg("media queue full; the download waits for the next rescan")
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
				select {
				case <-ctx.Done():
					return
				case r := <-f.queue:
					f.fetchOnce(ctx, r)
				}
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

// rescan enqueues every pending record whose next try is due.
func (f *Fetcher) rescan(ctx context.Context) {
	now := f.Now()
	var due []ref
	err := f.DB.Read(ctx, func(r store.Reader) error {
		due = due[:0]
		return store.EachMedia(ctx, r, func(m store.MediaRecord) error {
			if m.State == store.MediaPending && !m.NextAttempt.After(now) {
				due = append(due, ref{m.User, m.MediaID})
			}
			return nil
		})
	})
	if err != nil && ctx.Err() == nil {
		f.Log.Error().Err(err).Msg("scan pending media")
	}
	for _, r := range due {
		f.Enqueue(r.user, r.id)
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
		f.later(user, mediaID, rec.NextAttempt.Sub(now))
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
		f.later(user, mediaID, final.NextAttempt.Sub(now))
		return nil
	}
	if f.Settled != nil {
		f.Settled(final)
	}
	return nil
}

// later enqueues r again after d (the rescan catches it after a restart).
func (f *Fetcher) later(user, mediaID string, d time.Duration) {
	time.AfterFunc(d, func() { f.Enqueue(user, mediaID) })
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
