package kb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"lifeline/store"
)

// The FAQ overlay: entries that belong to an open incident ("Is the
// Dammam plant open tomorrow?"), searched before the general FAQ and gone
// when the incident closes. They are stored apart from the FAQ's versions
// (an incident's answers are not an edit of the FAQ) and indexed together
// with the live entries, so that an overlay entry is scored with the
// FAQ's own statistics and decided on with the same model and thresholds:
// the overlay answers only when one of its entries would be answered, and
// no general entry clearly leads it; otherwise the general FAQ answers as
// it would without the overlay.

// OverlayTopic is the bus topic that announces a change of the overlay
// (an entry added or removed, an incident closed), so that every instance
// rebuilds its overlay index from the store.
const OverlayTopic = "faq.overlay"

// overlaySep joins an incident and an entry id into the id of an overlay
// document; entry ids cannot contain it, so it never meets a general id.
const overlaySep = "@"

// OverlayEntry is one entry of an incident's overlay, as stored.
type OverlayEntry struct {
	Entry
	Incident  string    `json:"incident"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by,omitempty"`
	// ClosedAt is when the incident closed: the entry is kept for the
	// record but no longer searched.
	ClosedAt time.Time `json:"closed_at,omitzero"`
}

// overlayIndex is the live entries and the open incidents' overlay
// entries in one snapshot; docs are the overlay's document ids.
type overlayIndex struct {
	snap *snapshot
	docs map[string]string // overlay document id -> incident
}

// OverlayAdmit checks, inside the transaction that writes an overlay
// entry, that the incident may take it (exists, open); package incident
// provides it.
type OverlayAdmit func(ctx context.Context, r store.Reader, incident string) error

// AddOverlay stores e as an entry of incident's overlay and makes it
// searchable at once. Every language of the entry must be one the FAQ has
// (ErrInvalid naming it); an id already in the overlay is ErrConflict; an
// entry without an id gets one as imports do.
func (k *KB) AddOverlay(ctx context.Context, incident string, e Entry, by string, admit OverlayAdmit) (OverlayEntry, error) {
	es := []Entry{e}
	if errs := validate(es, nil); len(errs) > 0 {
		return OverlayEntry{}, fmt.Errorf("%s: %w", errs[0].Error, ErrInvalid)
	}
	// A file never uploaded or an unknown place is refused here, as in an
	// import: the overlay would otherwise answer without its attachment.
	if errs := k.checkAttachments(es, nil); len(errs) > 0 {
		return OverlayEntry{}, fmt.Errorf("overlay entry of incident %s: %s: %w", incident, errs[0].Error, ErrInvalid)
	}
	AssignIDs(es)
	e = es[0]
	have := k.Languages()
	for _, l := range append([]string{e.Lang}, sortedKeys(e.Translations)...) {
		if have[l] == 0 {
			return OverlayEntry{}, fmt.Errorf("language %q: the FAQ has no entries in it (it has %s): add the language to the FAQ first: %w",
				l, strings.Join(sortedKeys(have), ", "), ErrInvalid)
		}
	}
	oe := OverlayEntry{Entry: e, Incident: incident, CreatedAt: now(), CreatedBy: by}
	k.mu.Lock()
	defer k.mu.Unlock()
	err := k.db.Write(ctx, store.FAQOverlayScope(incident), func(w store.Writer) error {
		if err := admit(ctx, w, incident); err != nil {
			return err
		}
		_, err := store.GetFAQOverlay[OverlayEntry](ctx, w, incident, e.ID)
		switch {
		case err == nil:
			return fmt.Errorf("overlay entry %s of incident %s: %w", e.ID, incident, ErrConflict)
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		return store.PutFAQOverlay(ctx, w, incident, e.ID, oe)
	})
	if err != nil {
		return OverlayEntry{}, err
	}
	k.refreshOverlay()
	k.announceOverlay()
	return oe, nil
}

// DeleteOverlay removes entry id from incident's overlay.
func (k *KB) DeleteOverlay(ctx context.Context, incident, id string, admit OverlayAdmit) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	err := k.db.Write(ctx, store.FAQOverlayScope(incident), func(w store.Writer) error {
		if err := admit(ctx, w, incident); err != nil {
			return err
		}
		err := store.DeleteFAQOverlay(ctx, w, incident, id)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("overlay entry %s of incident %s: %w", id, incident, ErrNotFound)
		}
		return err
	})
	if err != nil {
		return err
	}
	k.refreshOverlay()
	k.announceOverlay()
	return nil
}

// Overlay lists incident's overlay entries, those of a closed incident
// with their closed_at.
func (k *KB) Overlay(ctx context.Context, incident string) ([]OverlayEntry, error) {
	out := []OverlayEntry{}
	err := k.db.Read(ctx, func(r store.Reader) error {
		return store.EachFAQOverlay(ctx, r, incident, func(e OverlayEntry) error {
			out = append(out, e)
			return nil
		})
	})
	return out, err
}

// CloseOverlay marks incident's entries closed inside w, the transaction
// that closes the incident, so that an incident is never closed with its
// entries still answering. ReloadOverlay afterwards drops them from
// memory.
func CloseOverlay(ctx context.Context, w store.Writer, incident string, at time.Time) error {
	var open []OverlayEntry
	err := store.EachFAQOverlay(ctx, w, incident, func(e OverlayEntry) error {
		if e.ClosedAt.IsZero() {
			open = append(open, e)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, e := range open {
		e.ClosedAt = at
		if err := store.PutFAQOverlay(ctx, w, incident, e.ID, e); err != nil {
			return err
		}
	}
	return nil
}

// OverlayCloser ends an incident's overlay with the incident (an
// incident.CloseHook).
type OverlayCloser struct{ KB *KB }

// Closing marks the entries closed in the close's transaction.
func (o OverlayCloser) Closing(ctx context.Context, w store.Writer, id string, at time.Time) error {
	return CloseOverlay(ctx, w, id, at)
}

// Closed drops them from the index in memory, here and elsewhere.
func (o OverlayCloser) Closed(string) { o.KB.ReloadOverlay() }

// ReloadOverlay rebuilds the overlay index from the store and tells the
// other instances to do the same: called after an incident closed.
func (k *KB) ReloadOverlay() {
	k.mu.Lock()
	k.refreshOverlay()
	k.mu.Unlock()
	k.announceOverlay()
}

// refreshOverlay rebuilds the overlay index from the open incidents'
// entries in the store and the live entries. The caller holds k.mu. A
// failure keeps the index as it was and is logged: the general FAQ still
// answers.
func (k *KB) refreshOverlay() {
	ctx := context.Background()
	var open []OverlayEntry
	err := k.db.Read(ctx, func(r store.Reader) error {
		return store.EachFAQOverlay(ctx, r, "", func(e OverlayEntry) error {
			if e.ClosedAt.IsZero() {
				open = append(open, e)
			}
			return nil
		})
	})
	if err != nil {
		k.log.Error().Err(err).Msg("load faq overlay: the overlay in memory stays as it was")
		return
	}
	if len(open) == 0 {
		k.overlay.Store(nil)
		return
	}
	live := k.live.Load()
	var entries []Entry
	version := 0
	if live != nil {
		entries, version = cloneEntries(live.entries), live.version
	}
	docs := map[string]string{}
	for _, oe := range open {
		e := cloneEntries([]Entry{oe.Entry})[0]
		e.ID = oe.Incident + overlaySep + e.ID
		docs[e.ID] = oe.Incident
		for l := range e.Translations {
			docs[e.ID+"/"+l] = oe.Incident
		}
		entries = append(entries, e)
	}
	snap, err := buildSnapshot(version, entries, k.opts.ThesaurusDir)
	if err != nil {
		k.log.Error().Err(err).Msg("index faq overlay: the overlay in memory stays as it was")
		return
	}
	k.overlay.Store(&overlayIndex{snap: snap, docs: docs})
	k.log.Info().Int("entries", len(open)).Msg("faq overlay indexed")
}

// rank searches the overlay in the languages of order and returns the
// answer when an overlay entry is answered and no general entry leads it
// by the margin the decision calls a clear lead.
func (o *overlayIndex) rank(q string, order []string, limit int) (Result, bool) {
	keep := func(d *doc) bool { _, ok := o.docs[d.id]; return ok }
	for _, l := range order {
		if o.snap.stats[l] == nil {
			continue
		}
		r, rival := o.snap.searchAmong(q, l, limit, keep)
		if r.Decision != DecisionAnswer || r.features == nil {
			continue
		}
		if top := r.features.Score; rival > top && (rival-top)/rival >= minAnswerMargin {
			continue // a general entry fits clearly better
		}
		for i := range r.Results {
			r.Results[i].Incident = o.docs[r.Results[i].ID]
		}
		return r, true
	}
	return Result{}, false
}

// announceOverlay tells every instance to rebuild its overlay index.
func (k *KB) announceOverlay() {
	if k.opts.Bus == nil {
		return
	}
	b, _ := json.Marshal(struct{}{})
	if err := k.opts.Bus.Publish(context.Background(), OverlayTopic, b); err != nil {
		k.log.Warn().Err(err).Msg("faq overlay change not announced to other instances")
	}
}
