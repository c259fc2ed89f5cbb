package incident

import (
	"context"
	"errors"
	"testing"
	"time"

	"lifeline/store"
)

// overlayEntry is the part of an FAQ overlay entry the close touches.
type overlayEntry struct {
	ID       string    `json:"id"`
	ClosedAt time.Time `json:"closed_at"`
}

// overlayHook ends an incident's overlay entries like kb.OverlayCloser,
// and runs afterClosing once after its write, inside the close.
type overlayHook struct {
	afterClosing func()
	closed       []string
}

func (h *overlayHook) Closing(ctx context.Context, w store.Writer, id string, at time.Time) error {
	var open []overlayEntry
	if err := store.EachFAQOverlay(ctx, w, id, func(e overlayEntry) error {
		if e.ClosedAt.IsZero() {
			open = append(open, e)
		}
		return nil
	}); err != nil {
		return err
	}
	for _, e := range open {
		e.ClosedAt = at
		if err := store.PutFAQOverlay(ctx, w, id, e.ID, e); err != nil {
			return err
		}
	}
	if h.afterClosing != nil {
		h.afterClosing()
		h.afterClosing = nil
	}
	return nil
}

func (h *overlayHook) Closed(id string) { h.closed = append(h.closed, id) }

// A close is two writes: the incident's FAQ overlay ends in its scope,
// then the incident closes in its own. Cut short between them, the
// incident is still open with its answers retired (never closed and
// still answering), and closing it again completes the close.
func TestCloseCutShortAfterTheOverlayIsCompletedByClosingAgain(t *testing.T) {
	e := newEnv(t)
	hook := &overlayHook{}
	e.svc = NewService(Options{DB: e.db, Broadcasts: e.bc, Now: time.Now, OnClose: hook})
	ctx := context.Background()
	in, err := e.svc.Create(ctx, flood(false), admin)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.Write(ctx, store.FAQOverlayScope(in.ID), func(w store.Writer) error {
		return store.PutFAQOverlay(ctx, w, in.ID, "e1", overlayEntry{ID: "e1"})
	}); err != nil {
		t.Fatal(err)
	}
	// The process stops right after the overlay's write: the context of
	// the close ends inside it, so the incident's write never starts.
	cut, stop := context.WithCancel(ctx)
	hook.afterClosing = stop
	if _, err := e.svc.Close(cut, in.ID, admin); !errors.Is(err, context.Canceled) {
		t.Fatalf("close cut short: %v, want the cancellation", err)
	}
	overlay := func() (closedAt time.Time) {
		t.Helper()
		if err := e.db.Read(ctx, func(r store.Reader) error {
			return store.EachFAQOverlay(ctx, r, in.ID, func(o overlayEntry) error { closedAt = o.ClosedAt; return nil })
		}); err != nil {
			t.Fatal(err)
		}
		return closedAt
	}
	first := overlay()
	if first.IsZero() {
		t.Fatal("the overlay's write did not commit")
	}
	if got, err := e.svc.Get(ctx, in.ID); err != nil || got.State != StateOpen {
		t.Fatalf("after the cut: %+v %v, want the incident still open", got, err)
	}
	if len(hook.closed) != 0 {
		t.Fatalf("Closed told of a close that did not commit: %v", hook.closed)
	}

	done, err := e.svc.Close(ctx, in.ID, admin)
	if err != nil {
		t.Fatalf("closing again: %v", err)
	}
	if done.State != StateClosed || done.ClosingReport == nil {
		t.Fatalf("closed %+v", done)
	}
	if again := overlay(); !again.Equal(first) {
		t.Errorf("the entry's closed_at moved from %s to %s: closing again must leave closed entries alone", first, again)
	}
	if len(hook.closed) != 1 || hook.closed[0] != in.ID {
		t.Errorf("Closed told %v, want once of %s", hook.closed, in.ID)
	}
	if _, err := e.svc.Close(ctx, in.ID, admin); !errors.Is(err, ErrState) {
		t.Errorf("a third close: %v, want ErrState", err)
	}
}
