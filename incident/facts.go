package incident

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"lifeline/bot/broadcast"
	"lifeline/bot/handoffs"
	"lifeline/store"
)

// facts are the records an incident's timeline and report are computed
// from, read in one transaction when asked for. Nothing here is kept:
// the records that own the facts stay their only source.
type facts struct {
	in  Incident
	now time.Time

	broadcasts []broadcast.Broadcast         // naming the incident, oldest first
	delivered  map[string][]time.Time        // by broadcast: when each recipient first had a message delivered, earliest first
	audit      map[string][]store.AuditEntry // entries since the opening, by subject, oldest first
	handoffs   []handoffs.Handoff            // opened during the incident by people it affects
	wroteIn    []wroteIn                     // people it affects who wrote in during it
	questions  Questions                     // what the FAQ did with their questions
	faqChanges []faqChange                   // FAQ versions and overlay changes during it
}

// wroteIn is one person's first message during the incident and the
// bot's first reply after it. How soon a person answered is measured on
// the handoffs (opened to first agent reply), since only those asked
// for one.
type wroteIn struct {
	user  string
	first time.Time
	botAt time.Time // zero if the bot has not replied
}

// gather reads the facts of in.
func (s *Service) gather(ctx context.Context, in *Incident) (*facts, error) {
	f := &facts{in: *in, now: s.now().UTC(), audit: map[string][]store.AuditEntry{}, delivered: map[string][]time.Time{}}
	err := s.db.Read(ctx, func(r store.Reader) error {
		err := store.EachBroadcast(ctx, r, false, func(b broadcast.Broadcast) error {
			if b.Spec.Incident == in.ID {
				f.broadcasts = append(f.broadcasts, b)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for i := range f.broadcasts {
			if err := f.deliveries(ctx, r, f.broadcasts[i].ID); err != nil {
				return err
			}
		}
		entries, _, err := store.ListAudit(ctx, r, store.AuditFilter{Since: in.OpenedAt}, 0)
		if err != nil {
			return err
		}
		slices.Reverse(entries) // oldest first
		for _, e := range entries {
			f.audit[e.Target] = append(f.audit[e.Target], e)
		}
		if err := f.faq(ctx, r, entries); err != nil {
			return err
		}
		return store.EachContact(ctx, r, "", func(c *store.Contact) error {
			if !in.affects(c) {
				return nil
			}
			return f.person(ctx, r, c)
		})
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(f.handoffs, func(i, j int) bool { return f.handoffs[i].CreatedAt.Before(f.handoffs[j].CreatedAt) })
	return f, nil
}

// deliveries reads when each recipient of broadcast id first had a
// message of it delivered, as WhatsApp's statuses said.
func (f *facts) deliveries(ctx context.Context, r store.Reader, id string) error {
	var ts []time.Time
	err := store.EachBroadcastRecipient(ctx, r, id, 0, func(seq uint64, _ *broadcast.Recipient) error {
		e, _, err := store.GetBroadcastEngagement[broadcast.Engagement](ctx, r, id, seq)
		if err != nil {
			return err
		}
		if !e.DeliveredAt.IsZero() {
			ts = append(ts, e.DeliveredAt)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("deliveries of broadcast %s: %w", id, err)
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	f.delivered[id] = ts
	return nil
}

// person reads what one affected person did during the incident: the
// handoffs they opened and, if they wrote in, how soon they were answered.
func (f *facts) person(ctx context.Context, r store.Reader, c *store.Contact) error {
	err := store.EachHandoffOf(ctx, r, c.WaID, func(h handoffs.Handoff) error {
		if f.in.during(h.CreatedAt, f.now) {
			f.handoffs = append(f.handoffs, h)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// The contact remembers the last time the person wrote: one who has
	// not written since the opening is passed over without reading the
	// transcript.
	if c.LastInboundAt.Before(f.in.OpenedAt) {
		return nil
	}
	w := wroteIn{user: c.WaID}
	err = store.EachTranscriptEntry(ctx, r, c.WaID, func(e store.Entry) error {
		if e.Dir == store.In && f.in.during(e.At, f.now) {
			f.questions.count(e.Read)
		}
		switch {
		case w.first.IsZero():
			if e.Dir == store.In && f.in.during(e.At, f.now) {
				w.first = e.At
			}
		case e.Dir != store.Out || e.At.Before(w.first):
		case e.Author == "bot" && w.botAt.IsZero():
			w.botAt = e.At
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !w.first.IsZero() {
		f.wroteIn = append(f.wroteIn, w)
	}
	return nil
}
