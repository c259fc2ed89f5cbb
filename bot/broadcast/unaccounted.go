package broadcast

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// This file makes the people a check-in leaves unaccounted a list staff
// can work: who never answered, whom staff have reached meanwhile (by
// phone, in person), and, where the check-in asks for it, a handoff per
// person in the "unaccounted" queue once the last reminder has gone.

// QueueUnaccounted is the reason, and so the queue label, of the handoffs
// opened for people a check-in left unaccounted. They are opened without
// priority: people who said they need help come first.
const QueueUnaccounted = "unaccounted"

// UnaccountedPolicy says what happens to a check-in's unaccounted once
// its last reminder has gone and the answer window closed.
type UnaccountedPolicy struct {
	// Handoff opens a handoff per unaccounted person, in the queue
	// "unaccounted", below need-help and danger.
	Handoff bool `json:"handoff,omitempty"`
	// Webhook sends the integration event "checkin.unaccounted" listing
	// them (needs LIFELINE_WEBHOOK_URLS), for a system that calls people.
	Webhook bool `json:"webhook,omitempty"`
	// SMS sends each of them the check-in's "sms" text by SMS once the
	// last reminder had its time, before the check-in completes: the
	// fallback channel for people whose WhatsApp went unanswered.
	SMS bool `json:"sms,omitempty"`
}

// EventUnaccounted is the integration event listing the people a
// check-in completed without.
const EventUnaccounted = "checkin.unaccounted"

// validate names a policy the check-in cannot carry out.
func (p *UnaccountedPolicy) validate(sp *Spec) error {
	if p.SMS && sp.SMSFallback() == nil {
		return errors.New(`unaccounted.sms: give "sms" with the texts to send them (as for the SMS fallback)`)
	}
	return nil
}

// finalAt is when check-in b's last reminder has had its time, so that
// who has not answered is unaccounted; zero while b is not sent.
func (s *Service) finalAt(b *Broadcast) time.Time {
	if b.SentAt.IsZero() {
		return time.Time{}
	}
	count, every := 0, s.cfg.AnswerWindow
	if r := b.Spec.Reminders; r != nil && r.Count > 0 {
		count, every = r.Count, time.Duration(r.Every)
	}
	return b.SentAt.Add(time.Duration(count+1) * every)
}

// unaccountedSMS says whether the recipient, with engagement e, is owed
// the SMS of the unaccounted now, or when to look again.
func unaccountedSMS(b *Broadcast, e *Engagement, final, now time.Time) (owed bool, wait time.Time) {
	p := b.Spec.Unaccounted
	if p == nil || !p.SMS || b.Spec.Kind != KindCheckin || e.Answer != "" || e.Reached != nil {
		return false, time.Time{}
	}
	if final.IsZero() {
		return false, now // not all sent yet
	}
	if now.Before(final) {
		return false, final
	}
	return true, time.Time{}
}

// Reached records that staff reached a person who never answered.
type Reached struct {
	By     string    `json:"by"`
	ByRole string    `json:"by_role,omitempty"`
	At     time.Time `json:"at"`
	Note   string    `json:"note,omitempty"`
}

// UnaccountedPerson is one recipient of a check-in without an answer.
type UnaccountedPerson struct {
	// Ref names the person in the routes without their number
	// ("r<seq>"): agents see numbers masked.
	Ref      string   `json:"ref"`
	Seq      uint64   `json:"seq"`
	WaID     string   `json:"wa_id"` // empty once the person was erased
	Name     string   `json:"name,omitempty"`
	Language string   `json:"language,omitempty"`
	Delivery string   `json:"delivery,omitempty"` // what WhatsApp last said of the check-in message
	Reached  *Reached `json:"reached,omitempty"`
}

// UnaccountedList is a check-in's people without an answer.
type UnaccountedList struct {
	Broadcast string `json:"broadcast"`
	// Final says the last reminder went out and the check-in completed:
	// nobody will be asked again, so the list is staff's to work.
	Final    bool  `json:"final"`
	Targeted int64 `json:"targeted"`
	Answered int64 `json:"answered"`
	// Reached is how many of People staff have reached; Remaining is
	// how many are left.
	Reached   int64               `json:"reached_by_staff"`
	Remaining int64               `json:"remaining"`
	People    []UnaccountedPerson `json:"people"`
	// More counts the unaccounted left out of People by a limit: they are
	// in the recipients CSV, marked unaccounted once the check-in is over.
	More int64 `json:"more,omitempty"`
}

// Unaccounted lists the people check-in id has no answer from.
func (s *Service) Unaccounted(id string) (*UnaccountedList, error) { return s.UnaccountedPage(id, 0) }

// UnaccountedPage is Unaccounted listing at most limit people (0: all),
// in recipient order; the counts are of everyone. Early in a large
// check-in nearly everyone is unaccounted, and a console reloads the list
// on each live event.
func (s *Service) UnaccountedPage(id string, limit int) (*UnaccountedList, error) {
	b, err := s.Get(id)
	if err != nil {
		return nil, err
	}
	if b.Spec.Kind != KindCheckin {
		return nil, fmt.Errorf("%w: broadcast %s is a %s; only a check-in has people unaccounted for", ErrInvalid, id, b.Spec.Kind)
	}
	l := &UnaccountedList{Broadcast: id, Final: b.Flagged, Targeted: b.Targeted, People: []UnaccountedPerson{}}
	err = s.eachRecipient(id, func(tx store.Reader, seq uint64, r *Recipient) error {
		e, _, err := store.GetBroadcastEngagement[Engagement](storeCtx, tx, id, seq)
		if err != nil {
			return err
		}
		if e.Answer != "" {
			l.Answered++
			return nil
		}
		if limit > 0 && len(l.People) >= limit {
			l.More++
			if e.Reached != nil {
				l.Reached++
			} else {
				l.Remaining++
			}
			return nil
		}
		p := UnaccountedPerson{Ref: "r" + strconv.FormatUint(seq, 10), Seq: seq, WaID: r.WaID, Delivery: e.Delivery, Reached: e.Reached}
		if r.WaID != "" {
			c, err := store.GetContact(storeCtx, tx, r.WaID)
			switch {
			case err == nil:
				p.Name, p.Language = c.Name, c.Language
			case !errors.Is(err, store.ErrNotFound):
				return err
			}
		}
		if p.Reached != nil {
			l.Reached++
		} else {
			l.Remaining++
		}
		l.People = append(l.People, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("unaccounted of check-in %s: %w", id, err)
	}
	return l, nil
}

// MarkReached records that staff reached person who (a wa_id, or the
// "r<seq>" ref of the list) of check-in id: they count as accounted for,
// "reached by staff". It is audited in the same transaction. A person who
// answered, or was already marked, is refused with ErrState.
func (s *Service) MarkReached(id, who, note string, by Actor) (*UnaccountedPerson, error) {
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 1000 {
		return nil, fmt.Errorf("%w: note: at most 1000 characters", ErrInvalid)
	}
	who = strings.TrimPrefix(strings.TrimSpace(who), "+")
	if who == "" {
		return nil, fmt.Errorf("%w: say who was reached: a wa_id or the ref of the unaccounted list", ErrInvalid)
	}
	b, err := s.Get(id)
	if err != nil {
		return nil, err
	}
	if b.Spec.Kind != KindCheckin {
		return nil, fmt.Errorf("%w: broadcast %s is a %s; only a check-in has people unaccounted for", ErrInvalid, id, b.Spec.Kind)
	}
	seq, err := s.findRecipient(id, who)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var waID string
	if err := s.db.Read(storeCtx, func(tx store.Reader) error {
		r, err := store.GetBroadcastRecipient[Recipient](storeCtx, tx, id, seq)
		waID = r.WaID
		return err
	}); err != nil {
		return nil, fmt.Errorf("mark reached in check-in %s: %w", id, err)
	}
	if waID == "" {
		return nil, fmt.Errorf("%w: r%d of check-in %s was erased", ErrState, seq, id)
	}
	var p UnaccountedPerson
	// One write in the person's scope: the mark on what came back from
	// them (the engagement, written in their scope like their answer, so
	// that an answer and a mark cannot both win) and its audit event, which
	// the audit log folds in after the commit (store.AppendAuditEvent). The
	// audit log keeps who reached whom, the number masked: the note may say
	// more and stays on the record only.
	err = s.db.Write(storeCtx, store.UserScope(waID), func(tx store.Writer) error {
		r, err := store.GetBroadcastRecipient[Recipient](storeCtx, tx, id, seq)
		if err != nil {
			return err
		}
		if r.WaID != waID {
			return fmt.Errorf("%w: r%d of check-in %s was erased", ErrState, seq, id)
		}
		e, _, err := store.GetBroadcastEngagement[Engagement](storeCtx, tx, id, seq)
		if err != nil {
			return err
		}
		ref := "r" + strconv.FormatUint(seq, 10)
		switch {
		case e.Answer != "":
			return fmt.Errorf("%w: %s answered the check-in (%s): already accounted for", ErrState, ref, e.Answer)
		case e.Reached != nil:
			return fmt.Errorf("%w: %s was already marked reached by %s at %s", ErrState, ref, e.Reached.By, e.Reached.At.UTC().Format(time.RFC3339))
		}
		e.Reached = &Reached{By: by.String(), ByRole: by.Role, At: now, Note: note}
		if err := store.PutBroadcastEngagement(storeCtx, tx, id, seq, &e); err != nil {
			return err
		}
		p = UnaccountedPerson{Ref: ref, Seq: seq, WaID: r.WaID, Delivery: e.Delivery, Reached: e.Reached}
		_, err = store.AppendAuditEvent(storeCtx, tx, store.UserScope(waID), auditEntry(now, by, "broadcast.reached", id,
			fmt.Sprintf("%s (%s) reached by staff", whatsapp.MaskPhone(r.WaID), ref)))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("mark reached in check-in %s: %w", id, err)
	}
	s.log.Info().Str("broadcast", id).Uint64("seq", seq).Str("by", by.String()).Msg("unaccounted person reached by staff")
	return &p, nil
}

// findRecipient finds the recipient seq of broadcast id that who names:
// its ref "r<seq>" or its wa_id.
func (s *Service) findRecipient(id, who string) (uint64, error) {
	if rest, ok := strings.CutPrefix(who, "r"); ok {
		if seq, err := strconv.ParseUint(rest, 10, 64); err == nil {
			err := s.db.Read(storeCtx, func(tx store.Reader) error {
				_, err := store.GetBroadcastRecipient[Recipient](storeCtx, tx, id, seq)
				return err
			})
			if err != nil {
				return 0, fmt.Errorf("recipient %s of broadcast %s: %w", who, id, err)
			}
			return seq, nil
		}
	}
	var found uint64
	ok := false
	err := s.eachRecipient(id, func(_ store.Reader, seq uint64, r *Recipient) error {
		if r.WaID == who {
			found, ok = seq, true
			return store.ErrStop
		}
		return nil
	})
	if err != nil && !errors.Is(err, store.ErrStop) {
		return 0, err
	}
	if !ok {
		return 0, fmt.Errorf("%s is not a recipient of broadcast %s: %w", whatsapp.MaskPhone(who), id, store.ErrNotFound)
	}
	return found, nil
}

// escalate opens a handoff in the "unaccounted" queue for each person
// check-in id is completing without, and sends the integration event
// listing them, as it asks. It runs before
// the completion is committed, so it may run again after a crash; a
// handoff open already is left as it is, and a person erased meanwhile is
// passed over.
func (s *Service) escalate(id string) {
	b, err := s.Get(id)
	if err != nil {
		s.log.Error().Err(err).Str("broadcast", id).Msg("load check-in for escalation")
		return
	}
	p := b.Spec.Unaccounted
	if p == nil || (!p.Handoff && !p.Webhook) || b.State == StateCancelled || b.State == StateCompleted {
		return
	}
	var users []string
	err = s.eachRecipient(b.ID, func(tx store.Reader, seq uint64, r *Recipient) error {
		e, _, err := store.GetBroadcastEngagement[Engagement](storeCtx, tx, b.ID, seq)
		if err != nil {
			return err
		}
		if e.Answer == "" && e.Reached == nil && r.WaID != "" {
			users = append(users, r.WaID)
		}
		return nil
	})
	if err != nil {
		s.log.Error().Err(err).Str("broadcast", b.ID).Msg("list unaccounted for escalation")
		return
	}
	if p.Webhook {
		// Before the completion like the handoffs: a crash in between
		// sends it again, with a new id (receivers see the same list).
		s.queueEventNow(Event{Type: EventUnaccounted, Broadcast: b.ID, At: s.now(), Name: b.Spec.Name,
			Unaccounted: int64(len(users)), Contacts: users})
	}
	if !p.Handoff || s.escal == nil {
		return
	}
	opened := 0
	for _, u := range users {
		if err := s.escal(u, QueueUnaccounted, false); err != nil {
			s.log.Error().Err(err).Str("broadcast", b.ID).Str("user", whatsapp.MaskPhone(u)).Msg("open handoff for unaccounted person")
			continue
		}
		opened++
	}
	s.log.Info().Str("broadcast", b.ID).Int("handoffs", opened).Msg("unaccounted people escalated to the \"unaccounted\" queue")
}
