// Package privacy owns what Lifeline does with personal data over time and
// on request: retention (message texts, locations and check-in answers are
// removed once they are older than configured), export of everything
// stored about one person, and erasure. Counts survive both: a redacted
// transcript entry keeps its direction, type, time and delivery state, and
// an erasure adds to anonymous totals.
package privacy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/handoffs"
	"lifeline/bot/whatsapp"
	"lifeline/flows"
	"lifeline/store"
)

// Retention says how long each kind of personal data is kept; zero keeps it forever.
type Retention struct {
	Messages  time.Duration // transcript texts and outbound payloads, handoff texts and notes, the session's last query, the FAQ's unanswered queries and candidate questions
	Locations time.Duration // shared locations (coordinates and place names)
	CheckIns  time.Duration // check-in answers; swept by the CheckIns hook
}

// Sweeper removes expired personal data in the background.
type Sweeper struct {
	DB        *store.DB
	Retention Retention
	Every     time.Duration // default one hour
	Log       zerolog.Logger
	Now       func() time.Time
	// CheckIns removes check-in answers given before the cutoff and
	// reports how many; the package that stores check-ins supplies it.
	CheckIns func(before time.Time) (int, error)
	// Queries removes the texts the FAQ keeps for admins (unanswered
	// queries, candidate alternate questions) from before the cutoff of
	// message texts; the knowledge base supplies it.
	Queries func(before time.Time) (int, error)
}

// Swept counts what one sweep removed.
type Swept struct {
	Texts     int `json:"texts"`
	Locations int `json:"locations"`
	Handoffs  int `json:"handoffs"`
	Sessions  int `json:"sessions"`
	CheckIns  int `json:"checkins"`
	Queries   int `json:"queries"`
	Media     int `json:"media"`              // files people sent, removed with their message texts
	Erasures  int `json:"erasures,omitempty"` // erasures cut short by a crash, finished by this sweep
}

// Run sweeps at once and then every s.Every until ctx ends.
func (s *Sweeper) Run(ctx context.Context) {
	every := s.Every
	if every <= 0 {
		every = time.Hour
	}
	log := s.Log.With().Str("comp", "retention").Logger()
	for {
		n, err := s.Sweep(ctx)
		if err != nil {
			log.Error().Err(err).Msg("retention sweep failed; will try again")
		} else if n != (Swept{}) {
			log.Info().Int("texts", n.Texts).Int("locations", n.Locations).Int("handoffs", n.Handoffs).
				Int("sessions", n.Sessions).Int("checkins", n.CheckIns).Int("queries", n.Queries).Int("media", n.Media).Int("erasures", n.Erasures).Msg("expired personal data removed")
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

const chunk = 500 // entries per transaction: well under badger's transaction size limit

// Sweep removes everything older than its retention period, once.
func (s *Sweeper) Sweep(ctx context.Context) (Swept, error) {
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	var n Swept
	// An erasure a crash cut short is finished first, whatever the
	// retention: it was asked for and acknowledged as failed.
	k, err := ResumeErasures(ctx, s.DB, now)
	n.Erasures = k
	if err != nil {
		return n, err
	}
	var textBefore, locBefore time.Time
	if s.Retention.Messages > 0 {
		textBefore = now.Add(-s.Retention.Messages)
	}
	if s.Retention.Locations > 0 {
		locBefore = now.Add(-s.Retention.Locations)
	}
	if !textBefore.IsZero() || !locBefore.IsZero() {
		if err := s.sweepTranscripts(ctx, textBefore, locBefore, &n); err != nil {
			return n, err
		}
	}
	if !textBefore.IsZero() {
		if err := s.sweepHandoffs(ctx, textBefore, &n); err != nil {
			return n, err
		}
		if err := s.sweepSessions(ctx, textBefore, &n); err != nil {
			return n, err
		}
		if err := s.sweepMedia(ctx, textBefore, &n); err != nil {
			return n, err
		}
		if s.Queries != nil {
			q, err := s.Queries(textBefore)
			n.Queries = q
			if err != nil {
				return n, fmt.Errorf("sweep FAQ queries: %w", err)
			}
		}
	}
	if s.Retention.CheckIns > 0 && s.CheckIns != nil {
		c, err := s.CheckIns(now.Add(-s.Retention.CheckIns))
		n.CheckIns = c
		if err != nil {
			return n, fmt.Errorf("sweep check-ins: %w", err)
		}
	}
	return n, nil
}

// expired reports whether at is before cutoff; a zero cutoff never expires.
func expired(at, cutoff time.Time) bool { return !cutoff.IsZero() && at.Before(cutoff) }

// redactEntry removes what retention says must go; it reports what it removed.
func redactEntry(e *store.Entry, textBefore, locBefore time.Time) (text, loc bool) {
	isLoc := e.Lat != 0 || e.Lng != 0
	if isLoc && expired(e.At, locBefore) {
		e.Lat, e.Lng, e.Text = 0, 0, ""
		loc = true
	}
	if expired(e.At, textBefore) && (e.Text != "" || len(e.Payload) > 0 || e.Error != "" || (e.Media != nil && e.Media.State != store.MediaRemoved)) {
		e.Text, e.Payload, e.Error = "", nil, ""
		if e.Media != nil {
			// The file goes too (sweepMedia); the kind and state stay for counts.
			e.Media = &store.EntryMedia{ID: e.Media.ID, MimeType: e.Media.MimeType, Voice: e.Media.Voice, State: store.MediaRemoved}
		}
		text = true
	}
	if text || loc {
		e.Redacted = true
	}
	return text, loc
}

func (s *Sweeper) sweepTranscripts(ctx context.Context, textBefore, locBefore time.Time, n *Swept) error {
	err := store.Rewrite(ctx, s.DB, store.Transcripts, func(e *store.Entry, final bool) bool {
		t, l := redactEntry(e, textBefore, locBefore)
		if final && t {
			n.Texts++
		}
		if final && l {
			n.Locations++
		}
		return t || l
	})
	if err != nil {
		return fmt.Errorf("redact transcripts: %w", err)
	}
	return nil
}

// sweepHandoffs removes the words of handoffs closed before the cutoff:
// the first and last messages, the query, the location and the notes. Open handoffs are being
// worked on and keep theirs.
func (s *Sweeper) sweepHandoffs(ctx context.Context, before time.Time, n *Swept) error {
	for _, f := range []store.Family{store.Handoffs, store.PastHandoffs} {
		err := store.Rewrite(ctx, s.DB, f, func(h *handoffs.Handoff, final bool) bool {
			if h.Status != handoffs.Closed || h.ClosedAt.IsZero() || !h.ClosedAt.Before(before) {
				return false
			}
			notes := false
			for i := range h.Notes {
				if h.Notes[i].Text != "" {
					h.Notes[i].Text, notes = "", true
				}
			}
			if h.FirstMessage == "" && h.Query == "" && h.LastMessage == "" && h.Location == nil && !notes {
				return false
			}
			h.FirstMessage, h.Query, h.LastMessage, h.Location = "", "", "", nil
			if final {
				n.Handoffs++
			}
			return true
		})
		if err != nil {
			return fmt.Errorf("redact handoffs: %w", err)
		}
	}
	return nil
}

// sweepMedia removes the files people sent, and their records, once the
// texts of their time expire: a photo says as much as a message. The
// transcript entry keeps that there was one (its kind), like a redacted text.
func (s *Sweeper) sweepMedia(ctx context.Context, before time.Time, n *Swept) error {
	type ref struct{ user, id string }
	var old []ref
	if err := s.DB.Read(ctx, func(r store.Reader) error {
		old = old[:0]
		return store.EachMedia(ctx, r, func(m store.MediaRecord) error {
			if m.At.Before(before) {
				old = append(old, ref{m.User, m.MediaID})
			}
			return nil
		})
	}); err != nil {
		return fmt.Errorf("find expired media: %w", err)
	}
	for i := 0; i < len(old); i += chunk {
		part := old[i:min(i+chunk, len(old))]
		// One write per person, each in their scope (one sync for the
		// chunk): the records are independent, and a sweep cut short
		// after some of them leaves the rest to the next, which finds
		// only what is still there.
		var users []string
		byUser := map[string][]string{}
		for _, r := range part {
			if _, ok := byUser[r.user]; !ok {
				users = append(users, r.user)
			}
			byUser[r.user] = append(byUser[r.user], r.id)
		}
		gone := make([][]string, len(users))
		writes := make([]store.ScopedWrite, len(users))
		for k, user := range users {
			writes[k] = store.ScopedWrite{Scope: store.UserScope(user), Fn: func(w store.Writer) error {
				gone[k] = gone[k][:0]
				for _, id := range byUser[user] {
					m, err := store.DeleteMedia(ctx, w, user, id)
					if errors.Is(err, store.ErrNotFound) {
						continue
					}
					if err != nil {
						return err
					}
					gone[k] = append(gone[k], m.Path)
				}
				return nil
			}}
		}
		done, err := s.DB.WriteEach(ctx, writes)
		var files []string
		for k, g := range gone {
			if done[k] {
				n.Media += len(g)
				files = append(files, g...)
			}
		}
		// The files of the records deleted go even when another write
		// failed: nothing serves them any more.
		if ferr := removeFiles(s.DB, files); ferr != nil && err == nil {
			return fmt.Errorf("remove expired media files: %w", ferr)
		}
		if err != nil {
			return fmt.Errorf("remove expired media: %w", err)
		}
	}
	return nil
}

// sweepSessions forgets the last question of conversations idle since before the cutoff.
func (s *Sweeper) sweepSessions(ctx context.Context, before time.Time, n *Swept) error {
	err := store.Rewrite(ctx, s.DB, store.Sessions, func(sess *flows.Session, final bool) bool {
		if (sess.LastQuery == "" && len(sess.Alternatives) == 0) || !sess.LastActivityAt.Before(before) {
			return false
		}
		sess.LastQuery, sess.Alternatives = "", nil
		if final {
			n.Sessions++
		}
		return true
	})
	if err != nil {
		return fmt.Errorf("redact sessions: %w", err)
	}
	return nil
}

// normalize turns "+15550001234" into the wa_id the store keys by.
func normalize(waID string) (string, error) {
	id := strings.TrimPrefix(strings.TrimSpace(waID), "+")
	if id == "" || len(id) > 64 {
		return "", fmt.Errorf("%q is not a WhatsApp id", whatsapp.MaskPhone(waID))
	}
	return id, nil
}
