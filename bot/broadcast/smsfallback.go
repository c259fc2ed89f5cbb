package broadcast

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"lifeline/bot/contacts"
	"lifeline/bot/whatsapp"
	"lifeline/sms"
	"lifeline/store"
)

// SMSSpec is a broadcast's SMS fallback: the text people WhatsApp cannot
// reach get instead, and for a critical broadcast how long WhatsApp has
// to deliver before the SMS goes too.
type SMSSpec struct {
	// Off: this broadcast sends no SMS, even when its incident has a
	// default fallback (nothing else may be given with it). For an
	// incident's update it removes the default.
	Off              bool              `json:"off,omitempty"`
	Texts            map[string]string `json:"texts,omitempty"`             // by contact language, like the templates
	FallbackLanguage string            `json:"fallback_language,omitempty"` // defaults to the broadcast's when it has a text
	// After: a critical broadcast's WhatsApp message not delivered within
	// this time of its send is followed by the SMS. 0 sends SMS only to
	// those WhatsApp cannot reach.
	After Duration `json:"after,omitempty"`
	// MaxSegments is the segment budget of each text (default 3): an SMS
	// costs per segment, and a long text is refused before it is sent.
	MaxSegments int `json:"max_segments,omitempty"`
}

// SMSSender is the SMS channel: sms.Client, or a fake.
type SMSSender interface {
	Send(ctx context.Context, m sms.Message) (sms.Sent, error)
	Senders() []string
	Workers() int // sends in flight per sender (the client paces each sender)
}

var _ SMSSender = (*sms.Client)(nil)

// Why a recipient gets the SMS.
const (
	smsWhy131026      = "131026"                // WhatsApp said the number cannot receive messages
	smsWhyUnreachable = "unreachable"           // the contact was already marked unreachable
	smsWhyNoDelivery  = "not_delivered_in_time" // critical: no delivery within After
	smsWhyUnaccounted = "unaccounted"           // a check-in's last reminder went unanswered (UnaccountedPolicy.SMS)
)

// SMS fallback states of a recipient.
const (
	smsSending = "sending" // marked before the provider call; found by a later pass = outcome unknown
	smsSent    = "sent"
	smsRetry   = "retry"
	smsFailed  = "failed"
	smsUnknown = "unknown" // may have gone out; never sent again
	smsSkipped = "skipped"
)

// SMSRecord is one recipient's SMS fallback; only the fallback writes it.
type SMSRecord struct {
	State     string    `json:"s"`
	Why       string    `json:"w,omitempty"`
	Lang      string    `json:"l,omitempty"`
	Sender    string    `json:"f,omitempty"`
	SID       string    `json:"m,omitempty"`
	Segments  int       `json:"g,omitempty"`
	Code      int       `json:"c,omitempty"`
	Reason    string    `json:"e,omitempty"`
	Attempts  int       `json:"a,omitempty"`
	NotBefore time.Time `json:"n,omitzero"`
	At        time.Time `json:"t,omitzero"` // when it was sent (or decided)
}

const smsMaxAttempts = 8

func (sp *SMSSpec) validate(parent *Spec) error {
	if sp.Off {
		return sp.checkOff()
	}
	if err := sp.checkTexts(); err != nil {
		return err
	}
	if sp.FallbackLanguage == "" {
		if _, ok := sp.Texts[parent.FallbackLanguage]; ok {
			sp.FallbackLanguage = parent.FallbackLanguage
		} else if len(sp.Texts) == 1 {
			for l := range sp.Texts {
				sp.FallbackLanguage = l
			}
		}
	}
	if _, ok := sp.Texts[sp.FallbackLanguage]; !ok {
		return fmt.Errorf("sms.fallback_language %q: there is no text for it", sp.FallbackLanguage)
	}
	if err := sp.checkAfter(); err != nil {
		return err
	}
	if sp.After > 0 && !parent.Critical {
		return errors.New("sms.after: only a critical broadcast sends SMS to those not delivered in time; others send SMS to those WhatsApp cannot reach")
	}
	return nil
}

// ValidateDefault normalises an incident's default SMS fallback (see
// Spec.TakeSMSDefault) and names its first problem. It is checked as a
// broadcast's is, except that no broadcast is there yet: the fallback
// language is the default's own, and after may be set, for the incident's
// critical broadcasts. "off" alone says there is none.
func (sp *SMSSpec) ValidateDefault() error {
	if sp.Off {
		return sp.checkOff()
	}
	if err := sp.checkTexts(); err != nil {
		return err
	}
	if sp.FallbackLanguage == "" && len(sp.Texts) == 1 {
		for l := range sp.Texts {
			sp.FallbackLanguage = l
		}
	}
	if sp.FallbackLanguage == "" {
		return errors.New("sms.fallback_language: give the language whose text goes to contacts of a language without one")
	}
	if _, ok := sp.Texts[sp.FallbackLanguage]; !ok {
		return fmt.Errorf("sms.fallback_language %q: there is no text for it", sp.FallbackLanguage)
	}
	return sp.checkAfter()
}

func (sp *SMSSpec) checkOff() error {
	if len(sp.Texts) > 0 || sp.FallbackLanguage != "" || sp.After != 0 || sp.MaxSegments != 0 {
		return errors.New("sms.off: an SMS fallback that is off has no texts, fallback_language, after or max_segments: drop them, or drop \"off\"")
	}
	return nil
}

// checkTexts checks the texts against the segment budget.
func (sp *SMSSpec) checkTexts() error {
	if len(sp.Texts) == 0 {
		return errors.New("sms.texts: give the SMS text per contact language")
	}
	if sp.MaxSegments == 0 {
		sp.MaxSegments = 3
	}
	if sp.MaxSegments < 1 || sp.MaxSegments > 10 {
		return fmt.Errorf("sms.max_segments %d: want 1 to 10", sp.MaxSegments)
	}
	for _, lang := range slices.Sorted(maps.Keys(sp.Texts)) {
		t := strings.TrimSpace(sp.Texts[lang])
		if !tplLangRe.MatchString(lang) {
			return fmt.Errorf("sms.texts: key %q is not a language such as en or ar", lang)
		}
		if t == "" {
			return fmt.Errorf("sms.texts[%s] is empty", lang)
		}
		if enc, n := sms.Segments(t); n > sp.MaxSegments {
			return fmt.Errorf("sms.texts[%s]: %d %s segments, over the budget of %d (max_segments)", lang, n, enc, sp.MaxSegments)
		}
		sp.Texts[lang] = t
	}
	return nil
}

func (sp *SMSSpec) checkAfter() error {
	switch after := time.Duration(sp.After); {
	case after < 0 || after > 24*time.Hour:
		return fmt.Errorf("sms.after %s: want 0 up to 24h", after)
	case after > 0 && after < time.Minute:
		return fmt.Errorf("sms.after %s: want at least 1m, WhatsApp delivers within seconds when it can", after)
	}
	return nil
}

// SMSFallback is the broadcast's SMS fallback, nil when it has none
// (no "sms", or "sms": {"off": true}).
func (sp *Spec) SMSFallback() *SMSSpec {
	if sp.SMS == nil || sp.SMS.Off {
		return nil
	}
	return sp.SMS
}

// TakeSMSDefault gives sp the default SMS fallback of its incident when
// sp says nothing of SMS, and reports whether it did. The default is
// copied, so that the broadcast's record says what it will do whatever
// becomes of the incident; a spec with its own "sms", "off" included,
// keeps it. The default's after only applies to a critical broadcast:
// the others send SMS to those WhatsApp cannot reach.
func (sp *Spec) TakeSMSDefault(def *SMSSpec) bool {
	if sp.SMS != nil || def == nil || def.Off {
		return false
	}
	c := *def
	c.Texts = maps.Clone(def.Texts)
	if !sp.Critical {
		c.After = 0
	}
	sp.SMS = &c
	sp.SMSFromIncident = true
	return true
}

// smsState is the fallback's in-memory bookkeeping of one broadcast.
type smsState struct {
	running bool
	ran     bool // a pass has finished since the start
	// ranSent: a pass that began once the broadcast was sent has
	// finished. One that began while it was sending may have read the
	// recipients before they were all enqueued or tried (none at all, at
	// first), so only such a pass can settle the fallback.
	ranSent bool
	open    bool      // the last pass left recipients who may still need an SMS
	next    time.Time // when to look again
	halted  bool      // an account error: no more SMS until a restart or an admin
	// due counts late failures heard (smsDue): a pass that started before
	// the last of them may have read the store before it, so it leaves
	// the fallback open for another pass at once.
	due uint64
}

// smsTick starts a fallback pass for each broadcast that needs one.
func (s *Service) smsTick(now time.Time) {
	if s.sms == nil {
		return
	}
	s.mu.Lock()
	var due []string
	seen := map[string]uint64{}
	wasSent := map[string]bool{}
	for id, b := range s.docs {
		if b.Spec.SMSFallback() == nil || (b.State != StateSending && b.State != StateSent) {
			continue
		}
		st := s.smsStates[id]
		if st == nil {
			st = &smsState{}
			s.smsStates[id] = st
		}
		if st.running || st.halted || now.Before(st.next) {
			continue
		}
		if b.State == StateSent && st.ranSent && !st.open {
			// Settled: afterSent completes the broadcast in this tick. A
			// new pass would keep it unsettled (running) at every tick
			// and, with several instances, hold the lease the completion
			// needs, so a pass slower than nothing (any store but an
			// in-memory one) kept the broadcast from ever completing.
			continue
		}
		if s.bus != nil && b.State == StateSending && (s.runs[id] == nil || !s.runs[id].holding.Load()) {
			// Several instances know the broadcast (spread.go): while it
			// sends, only the one dispatching it runs its fallback, so
			// that no pass reads another instance's SMS in flight as
			// one a crash left.
			continue
		}
		st.running = true
		due = append(due, id)
		seen[id] = st.due
		wasSent[id] = b.State == StateSent
	}
	s.mu.Unlock()
	for _, id := range due {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			open, next, err := s.smsPassOnce(id)
			if err != nil && s.ctx.Err() == nil {
				s.log.Error().Err(err).Str("broadcast", id).Msg("sms fallback pass failed; will retry")
				open, next = true, s.now().Add(5*time.Second)
			}
			s.mu.Lock()
			if st := s.smsStates[id]; st != nil {
				st.running, st.ran, st.open, st.next = false, true, open, next
				st.ranSent = st.ranSent || wasSent[id]
				if st.due != seen[id] {
					st.open, st.next = true, time.Time{}
				}
			}
			s.mu.Unlock()
			if !open {
				s.poke()
			}
		}()
	}
}

// StatusCommitted implements bot.StatusFollower: a failed status with
// 131026 for a message the broadcast sent, arriving after the send was
// recorded (WhatsApp accepts the message, then reports it undeliverable),
// starts the fallback's pass at once instead of at its next planned look
// (sms.after, or none at all while a check-in waits for its reminders).
// On an instance that does not dispatch a broadcast still sending, it
// tells the one that does (spread.go).
func (s *Service) StatusCommitted(st *whatsapp.Status) {
	if s.sms == nil || st.Status != store.StatusFailed || len(st.Errors) == 0 || st.Errors[0].Code != store.CodeUndeliverable {
		return
	}
	id, _, round, ok := parseCallback(st.BizOpaqueCallbackData)
	if !ok || round > 0 {
		return
	}
	s.smsDue(id, true)
}

// smsDue makes broadcast id's SMS fallback look at its recipients again at
// the next tick; tell announces it to the other instances when another
// one dispatches the broadcast.
func (s *Service) smsDue(id string, tell bool) {
	s.mu.Lock()
	b := s.docs[id]
	if b == nil || b.Spec.SMSFallback() == nil {
		s.mu.Unlock()
		return
	}
	st := s.smsStates[id]
	if st == nil {
		st = &smsState{}
		s.smsStates[id] = st
	}
	st.due++
	st.open, st.next = true, time.Time{}
	state := b.State
	elsewhere := state == StateSending && (s.runs[id] == nil || !s.runs[id].holding.Load())
	s.mu.Unlock()
	if tell && elsewhere {
		s.announceSMS(id, state)
	}
	s.poke()
}

// smsPassOnce is smsPass run by one instance at a time. With several
// instances, a broadcast that is sent (no run holds its lease) has its
// pass under the dispatch lease, as its reminder rounds and completion
// are; while another instance holds the lease, the pass waits for a
// later tick.
func (s *Service) smsPassOnce(id string) (open bool, next time.Time, err error) {
	s.mu.Lock()
	b, running := s.docs[id], s.runs[id] != nil
	s.mu.Unlock()
	if s.bus == nil || b == nil || b.State != StateSent || running {
		return s.smsPass(id)
	}
	err = s.leased(id, func(*run) error {
		var perr error
		open, next, perr = s.smsPass(id)
		return perr
	})
	if quietStepError(err) {
		return true, s.now().Add(s.cfg.Tick), nil
	}
	return open, next, err
}

// smsSettled says whether the fallback is done with b: afterSent does not
// complete a broadcast whose SMS may still have to go.
func (s *Service) smsSettled(b *Broadcast) bool {
	if s.sms == nil || b.Spec.SMSFallback() == nil {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.smsStates[b.ID]
	if st == nil {
		return false
	}
	return st.halted || (st.ranSent && !st.running && !st.open)
}

// smsJob is one recipient planned for an SMS.
type smsJob struct {
	seq  uint64
	waID string
	why  string
	lang string
	to   string
}

// smsPass walks the recipients once, sends the SMS each one needs, and
// says whether some may still need one (open) and when to look again.
func (s *Service) smsPass(id string) (open bool, next time.Time, err error) {
	b, err := s.Get(id)
	if err != nil {
		return false, time.Time{}, err
	}
	spec := b.Spec.SMSFallback()
	if spec == nil || (b.State != StateSending && b.State != StateSent) {
		return false, time.Time{}, nil
	}
	now := s.now()
	final := s.finalAt(b)
	later := func(t time.Time) {
		open = true
		if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	var jobs []smsJob
	var skips []pick2
	err = s.db.Read(storeCtx, func(tx store.Reader) error {
		return store.EachBroadcastRecipient(storeCtx, tx, id, 0, func(seq uint64, rec *Recipient) error {
			cur, found, err := store.GetBroadcastSMS[SMSRecord](storeCtx, tx, id, seq)
			if err != nil {
				return err
			}
			if found {
				switch cur.State {
				case smsRetry:
					if cur.NotBefore.After(now) {
						later(cur.NotBefore)
						return nil
					}
				case smsSending:
					// Marked by a pass that never recorded the result (a crash):
					// it may have gone out, so it is never sent again.
					cur.State, cur.Reason = smsUnknown, "outcome unknown after a restart: not sent again"
					skips = append(skips, pick2{seq, cur})
					return nil
				default:
					return nil
				}
			}
			e, _, err := store.GetBroadcastEngagement[Engagement](storeCtx, tx, id, seq)
			if err != nil {
				return err
			}
			why, wait := smsReason(b, rec, &e, now)
			if why == "" && rec.WaID != "" {
				owed, w := unaccountedSMS(b, &e, final, now)
				if owed {
					why = smsWhyUnaccounted
				}
				if wait.IsZero() || (!w.IsZero() && w.Before(wait)) {
					wait = w
				}
			}
			if !wait.IsZero() {
				later(wait)
			}
			if why == "" {
				return nil
			}
			j := smsJob{seq: seq, waID: rec.WaID, why: why}
			if reason := s.smsRefusal(tx, b, &j); reason != "" {
				skips = append(skips, pick2{seq, SMSRecord{State: smsSkipped, Why: why, Reason: reason, At: now}})
				return nil
			}
			jobs = append(jobs, j)
			return nil
		})
	})
	if err != nil {
		return true, time.Time{}, fmt.Errorf("plan sms fallback: %w", err)
	}
	if len(skips) > 0 {
		err := s.db.Write(storeCtx, store.BroadcastScope(id), func(tx store.Writer) error {
			for _, p := range skips {
				if err := store.PutBroadcastSMS(storeCtx, tx, id, p.seq, &p.rec); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return true, time.Time{}, fmt.Errorf("record sms skips: %w", err)
		}
	}
	if len(jobs) > 0 {
		if t := s.smsSend(b, jobs); !t.IsZero() {
			later(t)
		}
	}
	return open, next, nil
}

type pick2 struct {
	seq uint64
	rec SMSRecord
}

// smsReason says why a recipient needs the SMS now, or when to look again.
func smsReason(b *Broadcast, rec *Recipient, e *Engagement, now time.Time) (why string, wait time.Time) {
	if rec.WaID == "" { // erased
		return "", time.Time{}
	}
	switch {
	case rec.State == recFailed && rec.Code == 131026, e.Delivery == store.StatusFailed && e.FailCode == 131026:
		return smsWhy131026, time.Time{}
	case rec.State == recSkipped && rec.Reason == contacts.ExcludedUnreachable:
		return smsWhyUnreachable, time.Time{}
	case rec.Round == 0 && (rec.State == recPending || rec.State == recSending || rec.State == recRetry):
		// WhatsApp has not had its try yet: look again at the next tick.
		return "", now
	}
	after := time.Duration(b.Spec.SMS.After)
	if !b.Spec.Critical || after <= 0 || rec.SentAt.IsZero() {
		return "", time.Time{}
	}
	if !e.DeliveredAt.IsZero() || e.Delivery == store.StatusDelivered || e.Delivery == store.StatusRead {
		return "", time.Time{}
	}
	if deadline := rec.SentAt.Add(after); now.Before(deadline) {
		return "", deadline
	}
	return smsWhyNoDelivery, time.Time{}
}

// smsRefusal is why the person may not get the SMS, or "".
func (s *Service) smsRefusal(tx store.Reader, b *Broadcast, j *smsJob) string {
	c, err := store.GetContact(storeCtx, tx, j.waID)
	if err != nil {
		return skipContactDeleted
	}
	switch {
	case c.OptedOut:
		return contacts.ExcludedOptedOut
	case b.Spec.Audience.OptedInOnly && !c.OptedIn:
		return contacts.ExcludedNotOptedIn
	}
	to, ok := sms.E164(j.waID)
	if !ok {
		return "no_phone_number"
	}
	sc, err := store.GetSMSContact(storeCtx, tx, j.waID)
	switch {
	case err != nil:
		return "sms_record_unreadable"
	case sc.OptedOut:
		return "sms_opted_out"
	case sc.FailedCode != 0:
		return fmt.Sprintf("sms_number_refused_%d", sc.FailedCode)
	}
	j.to = to
	j.lang = templateKey(smsTexts(b.Spec.SMS), b.Spec.SMS.FallbackLanguage, c.Language)
	return ""
}

func smsTexts(sp *SMSSpec) map[string]Template {
	m := make(map[string]Template, len(sp.Texts))
	for l := range sp.Texts {
		m[l] = Template{}
	}
	return m
}

// smsSend sends the planned SMS, one worker per sender (the client paces
// each), and returns the earliest retry time.
func (s *Service) smsSend(b *Broadcast, jobs []smsJob) (retryAt time.Time) {
	ch := make(chan smsJob)
	var (
		wg sync.WaitGroup
		mu sync.Mutex
	)
	for _, sender := range s.sms.Senders() {
		for range max(1, s.sms.Workers()) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range ch {
					if t := s.smsOne(b, j, sender); !t.IsZero() {
						mu.Lock()
						if retryAt.IsZero() || t.Before(retryAt) {
							retryAt = t
						}
						mu.Unlock()
					}
				}
			}()
		}
	}
	for _, j := range jobs {
		if s.ctx.Err() != nil || !s.smsMaySend(b.ID) {
			break
		}
		ch <- j
	}
	close(ch)
	wg.Wait()
	return retryAt
}

// smsMaySend says whether the broadcast still sends SMS: not paused,
// cancelled or halted by an account error.
func (s *Service) smsMaySend(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.docs[id]
	st := s.smsStates[id]
	return b != nil && (b.State == StateSending || b.State == StateSent) && (st == nil || !st.halted)
}

// smsOne claims the recipient's SMS durably, sends it and records the
// outcome. The claim is a transaction that reads the record first, so two
// passes (or two instances) cannot both send; a crash between the claim
// and the result leaves "sending", which the next pass turns into
// "unknown" and never sends again.
func (s *Service) smsOne(b *Broadcast, j smsJob, sender string) (retryAt time.Time) {
	if !s.smsMaySend(b.ID) {
		return time.Time{}
	}
	release := s.people.Shared(j.waID)
	defer release()
	now := s.now()
	var rec SMSRecord
	claimed := false
	err := s.db.Write(storeCtx, store.BroadcastScope(b.ID), func(tx store.Writer) error {
		claimed = false
		stored, err := store.GetBroadcastRecipient[Recipient](storeCtx, tx, b.ID, j.seq)
		if err != nil || stored.WaID != j.waID {
			return err // erased since it was planned
		}
		cur, found, err := store.GetBroadcastSMS[SMSRecord](storeCtx, tx, b.ID, j.seq)
		if err != nil {
			return err
		}
		if found && (cur.State != smsRetry || cur.NotBefore.After(now)) {
			return nil
		}
		rec = cur
		rec.State, rec.Why, rec.Lang, rec.Sender, rec.At = smsSending, j.why, j.lang, sender, now
		claimed = true
		return store.PutBroadcastSMS(storeCtx, tx, b.ID, j.seq, &rec)
	})
	if err != nil {
		s.log.Error().Err(err).Str("broadcast", b.ID).Uint64("seq", j.seq).Msg("claim sms fallback")
		return now.Add(5 * time.Second)
	}
	if !claimed {
		return time.Time{}
	}
	if s.isCrashed() {
		return time.Time{}
	}
	sent, serr := s.sms.Send(smsCtx, sms.Message{To: j.to, Body: b.Spec.SMS.Texts[j.lang], From: sender})
	if s.isCrashed() {
		return time.Time{} // like kill -9: the claim stays, the result is lost
	}
	at := s.now()
	var (
		alert   *sms.Error
		optOut  bool
		badNum  int
		logWhat = "sms fallback sent"
	)
	if serr == nil {
		rec.State, rec.SID, rec.Segments, rec.At, rec.Code, rec.Reason = smsSent, sent.SID, sent.Segments, at, 0, ""
	} else {
		var se *sms.Error
		if !errors.As(serr, &se) {
			se = &sms.Error{Unknown: true, Err: serr}
		}
		rec.Code, rec.Reason = se.Code, se.Error()
		switch a := se.Action(); {
		case se.Unknown:
			rec.State = smsUnknown
		case a == sms.ActionRetry:
			rec.Attempts++
			if rec.Attempts >= smsMaxAttempts {
				rec.State = smsFailed
			} else {
				rec.State = smsRetry
				rec.NotBefore = at.Add(s.cfg.Backoff(whatsapp.ActionRetry, rec.Attempts))
				retryAt = rec.NotBefore
			}
		case a == sms.ActionOptedOut:
			rec.State, optOut = smsFailed, true
		case a == sms.ActionRecipientFailed:
			rec.State, badNum = smsFailed, se.Code
		case a == sms.ActionAlert:
			// Not this person's fault: put back, and stop sending SMS.
			rec.State, rec.NotBefore, alert = smsRetry, at.Add(10*time.Minute), se
			retryAt = rec.NotBefore
		}
		logWhat = "sms fallback not sent"
	}
	// Two scoped writes: the person's records (their SMS opt-out, the
	// number's error), then the broadcast's (the recipient's SMS record
	// and the message's record for delivery receipts). In this order a
	// crash between them is safe: the claim still says "sending", which
	// the next pass records as "unknown" and never sends again, and the
	// person's opt-out or bad number is kept, so no later SMS goes to
	// them. The other order could lose an opt-out.
	err = s.db.Write(storeCtx, store.UserScope(j.waID), func(tx store.Writer) error {
		if !optOut && badNum == 0 {
			return nil
		}
		stored, err := store.GetBroadcastRecipient[Recipient](storeCtx, tx, b.ID, j.seq)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if stored.WaID != j.waID {
			return nil // erased while in flight: nothing of the person is kept
		}
		if optOut {
			if _, err := store.RecordConsent(storeCtx, tx, j.waID, nil, store.ConsentEvent{Channel: store.ChannelSMS, At: at, Source: store.SourceProvider, Wording: "provider error 21610"}); err != nil {
				return err
			}
		}
		if badNum != 0 {
			return store.MarkSMSFailed(storeCtx, tx, j.waID, badNum, at)
		}
		return nil
	})
	if err == nil && s.smsOutcomeFault != nil {
		err = s.smsOutcomeFault(b.ID)
	}
	if err == nil {
		err = s.db.Write(storeCtx, store.BroadcastScope(b.ID), func(tx store.Writer) error {
			stored, err := store.GetBroadcastRecipient[Recipient](storeCtx, tx, b.ID, j.seq)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if stored.WaID != j.waID {
				return nil // erased while in flight: nothing of the person is kept
			}
			if err := store.PutBroadcastSMS(storeCtx, tx, b.ID, j.seq, &rec); err != nil {
				return err
			}
			if rec.SID != "" {
				return store.PutSMSMessage(storeCtx, tx, store.SMSMessage{SID: rec.SID, User: j.waID, Broadcast: b.ID, Seq: j.seq, Status: sent.Status, UpdatedAt: at})
			}
			return nil
		})
	}
	if err != nil {
		// The claim stays "sending": the next pass records it as unknown
		// and does not send it again. This pass stays open for it, so
		// that the broadcast does not complete before that pass.
		retryAt = at
		s.log.Error().Err(err).Str("broadcast", b.ID).Uint64("seq", j.seq).Msg("record sms fallback result")
	}
	s.log.Info().Str("broadcast", b.ID).Uint64("seq", j.seq).Str("why", j.why).Str("state", rec.State).Int("code", rec.Code).Msg(logWhat)
	if alert != nil {
		s.mu.Lock()
		if st := s.smsStates[b.ID]; st != nil {
			st.halted = true
		}
		s.mu.Unlock()
		s.alert(b.ID, alert.Code, "SMS provider account error, SMS fallback stopped: "+alert.Error(), false)
	}
	return retryAt
}

// ChannelFigures say how each recipient was reached: by WhatsApp (sent
// and not followed by an SMS), by SMS, or not at all.
type ChannelFigures struct {
	WhatsApp     int64            `json:"whatsapp"`
	SMS          int64            `json:"sms"`
	None         int64            `json:"none"`
	SMSDelivered int64            `json:"sms_delivered"`
	SMSFailed    int64            `json:"sms_failed"`
	SMSSkipped   map[string]int64 `json:"sms_skipped,omitempty"`
	SMSSegments  int64            `json:"sms_segments"`
}

// recipientChannel is the channel that reached a recipient, the SMS
// record and its delivery status.
func recipientChannel(tx store.Reader, id string, seq uint64, r *Recipient) (channel string, rec SMSRecord, status string, err error) {
	rec, found, err := store.GetBroadcastSMS[SMSRecord](storeCtx, tx, id, seq)
	if err != nil {
		return "", rec, "", err
	}
	if found && rec.SID != "" {
		m, ok, err := store.GetSMSMessage(storeCtx, tx, rec.SID)
		if err != nil {
			return "", rec, "", err
		}
		if ok {
			status = m.Status
		}
	}
	switch {
	case found && rec.State == smsSent && status != sms.StatusUndelivered && status != sms.StatusFailed:
		return "sms", rec, status, nil
	case r.State == recSent:
		return "whatsapp", rec, status, nil
	}
	return "none", rec, status, nil
}

// channelFigures counts the recipients of a broadcast by channel.
func (s *Service) channelFigures(id string) (*ChannelFigures, error) {
	f := &ChannelFigures{}
	err := s.eachRecipient(id, func(tx store.Reader, seq uint64, r *Recipient) error {
		ch, rec, status, err := recipientChannel(tx, id, seq, r)
		if err != nil {
			return err
		}
		switch ch {
		case "sms":
			f.SMS++
		case "whatsapp":
			f.WhatsApp++
		default:
			f.None++
		}
		switch {
		case status == sms.StatusDelivered:
			f.SMSDelivered++
		case rec.State == smsFailed, status == sms.StatusUndelivered, status == sms.StatusFailed:
			f.SMSFailed++
		case rec.State == smsSkipped:
			if f.SMSSkipped == nil {
				f.SMSSkipped = map[string]int64{}
			}
			f.SMSSkipped[rec.Reason]++
		}
		f.SMSSegments += int64(rec.Segments)
		return nil
	})
	return f, err
}

// SMSPreview is what the SMS fallback of a spec will send.
type SMSPreview struct {
	Texts []SMSTextPreview `json:"texts"`
	// EstimatedRecipients counts the audience's contacts WhatsApp is
	// known not to reach (marked unreachable) who may get an SMS; those
	// WhatsApp fails for at send time, or does not deliver in time, come
	// on top and cannot be known before.
	EstimatedRecipients int64  `json:"estimated_recipients"`
	EstimatedSegments   int64  `json:"estimated_segments"`
	Note                string `json:"note,omitempty"`
}

// SMSTextPreview is one language's SMS text with its segment count.
type SMSTextPreview struct {
	Language string `json:"language"`
	Fallback bool   `json:"fallback,omitempty"`
	Text     string `json:"text"`
	Encoding string `json:"encoding"`
	Segments int    `json:"segments"`
}

// previewSMS renders the SMS fallback of b and estimates its recipients.
func (s *Service) previewSMS(b *Broadcast) (*SMSPreview, error) {
	sp := b.Spec.SMSFallback()
	if sp == nil {
		return nil, nil
	}
	pv := &SMSPreview{}
	segs := map[string]int{}
	for _, l := range slices.Sorted(maps.Keys(sp.Texts)) {
		enc, n := sms.Segments(sp.Texts[l])
		segs[l] = n
		pv.Texts = append(pv.Texts, SMSTextPreview{Language: l, Fallback: l == sp.FallbackLanguage, Text: sp.Texts[l], Encoding: enc, Segments: n})
	}
	aud := b.Spec.Audience
	err := s.db.Read(storeCtx, func(tx store.Reader) error {
		return store.EachContact(storeCtx, tx, "", func(c *store.Contact) error {
			if ok, why := aud.Match(c); ok || why != contacts.ExcludedUnreachable {
				return nil
			}
			j := smsJob{waID: c.WaID}
			if s.smsRefusal(tx, b, &j) != "" {
				return nil
			}
			pv.EstimatedRecipients++
			pv.EstimatedSegments += int64(segs[j.lang])
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("preview sms: %w", err)
	}
	if s.sms == nil {
		pv.Note = "SMS is not configured (LIFELINE_SMS_*): the fallback will not be sent"
	}
	return pv, nil
}
