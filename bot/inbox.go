package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"lifeline/bot/handoffs"
	"lifeline/bot/sendpolicy"
	"lifeline/bot/whatsapp"
	"lifeline/flows"
	"lifeline/kb"
	"lifeline/store"
	"lifeline/understand"
)

// InboxItem is one acknowledged webhook event waiting to be processed.
type InboxItem struct {
	Kind       string                   `json:"kind"` // "message", "status", "error" or "template"
	Message    *whatsapp.Message        `json:"message,omitempty"`
	Status     *whatsapp.Status         `json:"status,omitempty"`
	Error      *whatsapp.APIError       `json:"error,omitempty"`
	Template   *whatsapp.TemplateStatus `json:"template,omitempty"`
	ReceivedAt time.Time                `json:"received_at"`
}

// lane keeps a user's messages and the statuses of messages to that user in order.
func (it *InboxItem) lane() string {
	switch {
	case it.Message != nil:
		return userOf(it.Message)
	case it.Status != nil:
		switch {
		case it.Status.RecipientID != "":
			return it.Status.RecipientID
		case it.Status.RecipientUserID != "":
			return whatsapp.UserKeyPrefix + it.Status.RecipientUserID
		}
		// A status naming nobody still needs a lane, and a scope to
		// be stored and removed in.
		return "_statuses"
	case it.Template != nil:
		// One lane: a template paused and then approved again is seen
		// in that order.
		return "_templates"
	}
	return "_errors"
}

// userOf keys a user by wa_id, or by business-scoped id for users who
// arrive without a phone number.
func userOf(m *whatsapp.Message) string { return whatsapp.UserKey(m) }

// IgnoreObserver is told of every inbound message that was not answered
// and why (a whatsapp.Ignore* reason). An Observer may implement it.
type IgnoreObserver interface {
	InboundIgnored(reason string)
}

// ignoreMessage records a message that must not be answered, with its
// reason, where an admin sees it (a log line with masked ids and a
// metric), and removes it from the inbox without a reply, a read receipt
// or a handoff: there is nobody to address them to one-to-one.
func (e *Engine) ignoreMessage(t inTask, reason string) error {
	msg := t.item.Message
	e.log.Warn().Str("reason", reason).Str("message_id", msg.ID).Str("type", msg.Type).
		Str("from", whatsapp.MaskPhone(msg.From)).Str("from_user_id", whatsapp.MaskPhone(msg.FromUserID)).
		Str("group", whatsapp.MaskPhone(msg.GroupID)).Msg("inbound message not answered")
	if err := e.dropInbox(t); err != nil {
		return fmt.Errorf("drop unanswerable message %s: %w", msg.ID, err)
	}
	if o, ok := e.obs.(IgnoreObserver); ok {
		o.InboundIgnored(reason)
	}
	return nil
}

// inRef is what an inbound lane holds: the event's place in the inbox,
// not the event. The store is the one source of truth; the event is read
// when its turn comes, so one that left the inbox meanwhile (processed
// elsewhere, set aside) is not acted on.
type inRef struct {
	seq uint64
	// attempts counts failed processing tries in this run; a message that
	// keeps failing is set aside instead of blocking its user's lane.
	attempts *int
	// item is the event as the read that queued it found it in the store
	// (a partition's sync or takeover), nil when not read: the first try
	// takes it instead of reading it again. An event is written once, so
	// it is what any later read of it gives, as the nearest copy's is;
	// one that has left the inbox since is recognised by the write that
	// handles it, as one found in a lagging copy is.
	item *InboxItem
}

// inTask is one inbound event being processed.
type inTask struct {
	seq      uint64
	item     *InboxItem
	attempts *int
}

const maxProcessAttempts = 5

// processInbound reads inbound event ref.seq and processes it; it returns
// false to try the event again later (see lanes).
func (e *Engine) processInbound(key string, ref inRef) bool {
	if ref.attempts == nil {
		ref.attempts = new(int)
	}
	ctx := storeCtx()
	var item InboxItem
	// The event is kept in its lane's scope (laneScope): read there, so
	// that a backend keeping records by scope looks in one scope, not in
	// every scope for a key that could be anyone's. An event is written
	// once, so the nearest copy's is the event; only its absence there
	// may be a copy lagging behind the ingest, and is asked again of the
	// current store. One that has left the inbox but is still in a
	// lagging copy is recognised by the write that handles it (the
	// user's cursor for a message, the event itself for the others).
	read := func(r store.Reader) error {
		var err error
		item, err = store.GetInbox[InboxItem](ctx, r, ref.seq)
		return err
	}
	var rerr error
	if ref.item != nil && *ref.attempts == 0 {
		item = *ref.item
	} else {
		rerr = e.db.ReadNear(ctx, store.UserScope(key), read)
		if errors.Is(rerr, store.ErrNotFound) {
			rerr = e.db.ReadIn(ctx, store.UserScope(key), read)
		}
	}
	switch {
	case errors.Is(rerr, store.ErrNotFound):
		e.log.Debug().Uint64("seq", ref.seq).Msg("inbound event left the inbox before its turn")
		return true
	case rerr != nil:
		e.log.Error().Err(rerr).Uint64("seq", ref.seq).Msg("read inbound event")
		time.AfterFunc(time.Second, func() { e.wakeIn.Wake(key) })
		return false
	}
	t := inTask{seq: ref.seq, item: &item, attempts: ref.attempts}
	var err error
	switch t.item.Kind {
	case "message":
		if *t.attempts == 0 {
			// WhatsApp counts what a number receives in its throughput too.
			e.pacer.Inbound(e.receivingNumber(t.item.Message))
		}
		err = e.handleMessage(t)
	case "status":
		err = e.handleStatus(t)
	case "template":
		err = e.handleTemplate(t)
	default:
		err = e.handleError(t)
	}
	if err == nil {
		e.obs.Processed(t.item.Kind, e.now().Sub(t.item.ReceivedAt))
		return true
	}
	*t.attempts++
	log := e.log.Error().Err(err).Uint64("seq", t.seq).Str("kind", t.item.Kind).Int("attempt", *t.attempts)
	if *t.attempts < maxProcessAttempts {
		log.Msg("processing failed, will retry")
		time.AfterFunc(time.Duration(*t.attempts)*time.Second, func() { e.wakeIn.Wake(key) })
		return false
	}
	log.Msg("processing failed for good, event set aside")
	if derr := e.setAside(t); derr != nil {
		// Keep it in the inbox: it will be tried again at the next start.
		e.log.Error().Err(derr).Uint64("seq", t.seq).Msg("set aside failed")
	}
	return true
}

// setAside moves an event that cannot be processed out of the inbox, keeping it for inspection.
func (e *Engine) setAside(t inTask) error {
	ctx := storeCtx()
	return e.db.Write(ctx, laneScope(t.item), func(w store.Writer) error { return store.SetAside(ctx, w, t.seq, t.item) })
}

// dropInbox removes an event that needs nothing else written.
func (e *Engine) dropInbox(t inTask) error {
	ctx := storeCtx()
	return e.db.Write(ctx, laneScope(t.item), func(w store.Writer) error { return store.DeleteInbox(ctx, w, t.seq) })
}

// laneScope is the scope an inbound event is written in: its lane's, a
// person's, or for the account's events (template statuses, errors)
// the pseudo-user of their lane, whose stream they share.
func laneScope(it *InboxItem) store.Scope { return store.UserScope(it.lane()) }

// storeCtx is the context of the engine's store operations. It is never
// cancelled: what they record (a reply queued, a send that went out) has
// already happened or must happen whole, and shutdown waits for them.
func storeCtx() context.Context { return context.Background() }

func (e *Engine) handleError(t inTask) error {
	ae := t.item.Error
	if ae != nil {
		e.log.Error().Int("code", ae.Code).Str("title", ae.Title).Str("details", ae.Details).
			Str("action", whatsapp.Classify(ae.Code).String()).Msg("whatsapp reported an error")
	}
	return e.dropInbox(t)
}

// handleTemplate tells the template observers (broadcasts) that WhatsApp
// changed a template's status, then removes the event from the inbox.
// The observers run before the removal commits: after a crash the event is
// seen again, so they must tolerate a repeat.
func (e *Engine) handleTemplate(t inTask) error {
	ts := t.item.Template
	if ts != nil {
		ev := e.log.Info()
		if ts.Blocks() {
			ev = e.log.Error().Str("alert", "template_"+strings.ToLower(ts.Event))
		}
		ev.Str("template", ts.Name).Str("language", ts.Language).Str("event", ts.Event).Str("reason", ts.Reason).
			Msg("whatsapp changed a template's status")
		e.obs.TemplateStatus(ts.Name, ts.Language, ts.Event)
		for _, o := range e.observers {
			if to, ok := o.(TemplateObserver); ok {
				if err := to.ObserveTemplate(ts); err != nil {
					return fmt.Errorf("observe template %s (%s) %s: %w", ts.Name, ts.Language, ts.Event, err)
				}
			}
		}
	}
	return e.dropInbox(t)
}

// handleMessage runs one inbound message through the flows and commits the
// new session, the transcript, the replies to send and the removal from
// the inbox in one transaction: after a crash either all of it happened or
// none of it, and the message is processed again.
func (e *Engine) handleMessage(t inTask) error {
	msg := t.item.Message
	if reason := msg.Unanswerable(); reason != "" {
		return e.ignoreMessage(t, reason)
	}
	user := userOf(msg)
	now := e.now()
	at := msg.Timestamp
	if at.IsZero() || at.After(now.Add(time.Minute)) {
		at = t.item.ReceivedAt
	}
	phone := e.receivingNumber(msg)

	in := flows.Input{MessageID: msg.ID, Type: msg.Type, Text: msg.Text, ReplyID: msg.ReplyID, ReplyTitle: msg.ReplyTitle,
		Location: msg.Location, Name: msg.Name, At: at}
	if msg.Media != nil {
		in.Voice = msg.Media.Voice
	}
	if msg.Context != nil {
		in.ContextID = msg.Context.ID
	}

	// The flows (an FAQ search among them) run before the write
	// transaction, on a snapshot: a badger transaction held open for the
	// length of a search holds back every other commit. The transaction
	// then checks that the snapshot is still current (an agent may have
	// claimed the conversation meanwhile) and runs the flows again if not.
	ctx := storeCtx()
	// The snapshot may come from a copy that lags (ReadNear): the write
	// below compares it with what it reads and runs the flows again if
	// it is not current, and a cursor only grows, so an old one never
	// says an event was applied when it was not.
	var snap conversation
	if err := e.db.ReadNear(ctx, store.UserScope(user), func(r store.Reader) error {
		var reads store.Ahead // session and contact in one request on a cluster
		reads.Conversation(user)
		store.Prefetch(r, &reads)
		var err error
		snap, err = store.LoadConversation[flows.Session](ctx, r, user)
		return err
	}); err != nil {
		return fmt.Errorf("load conversation: %w", err)
	}
	if applied(&snap, t.seq) {
		// Already applied (the event was replayed): its replies are
		// queued or sent, and only its removal from the inbox is left.
		e.log.Info().Uint64("seq", t.seq).Uint64("applied", snap.Session.InboxSeq).Msg("inbound message already applied; not processed again")
		return e.dropInbox(t)
	}
	// What the message is about is read once, here, and every feature
	// that sees it (check-ins, the conversation) acts on that reading.
	in.EmergencyNumber = e.cfg.Emergency.For(contactCountry(snap.Contact), user)
	meaning := e.flow.Understand(in)
	in.Meaning = &meaning
	planned, err := e.flow.Handle(sessionOf(&snap), in)
	if err != nil {
		return fmt.Errorf("run conversation: %w", err)
	}

	var (
		out         flows.Output
		replies     []whatsapp.Outbound
		queued      []*store.OutboxItem
		events      []Event
		emergencies []Emergency // handoffs this message made urgent
		replayed    bool
		fetch       bool // a media record waits for the downloader
		ahead       bool // a handoff went before others waiting: tell them after the commit
	)
	err = e.db.Write(ctx, store.UserScope(user), func(tx store.Writer) error {
		queued, events, emergencies, replayed, fetch, ahead = queued[:0], events[:0], emergencies[:0], false, false, false
		// What a turn reads, named ahead: on a cluster one request
		// instead of one each (store.Ahead). The conversation; the
		// person's broadcast memberships, which the check-in interceptor
		// scans; the handoff, which a message of a person handed off
		// adds to.
		var reads store.Ahead
		reads.Conversation(user)
		reads.BroadcastMemberships(user)
		reads.Handoff(user)
		store.Prefetch(tx, &reads)
		cur, err := store.LoadConversation[flows.Session](ctx, tx, user)
		if err != nil {
			return err
		}
		if applied(&cur, t.seq) {
			// Compare-and-set on the user's cursor: another run applied
			// this event since the snapshot was read.
			replayed = true
			return store.DeleteInbox(ctx, tx, t.seq)
		}
		sess, contact := sessionOf(&cur), cur.Contact
		handled := false
		for _, ic := range e.interceptors {
			var err error
			out, handled, err = ic.Intercept(tx, user, in, sess)
			if err != nil {
				return fmt.Errorf("intercept: %w", err)
			}
			if handled {
				break
			}
		}
		if !handled {
			out = planned
			if !cur.Unchanged(&snap) {
				var err error
				if out, err = e.flow.Handle(sess, in); err != nil {
					return fmt.Errorf("run conversation: %w", err)
				}
			}
		}
		windowUntil := e.cfg.windowEnd(out.Session.LastInboundAt)
		var sources []*store.FAQSource
		replies, sources = e.prepareReplies(user, out.Replies, out.Answer, now, windowUntil)

		out.Session.InboxSeq = t.seq
		if err := store.PutSession(ctx, tx, user, out.Session); err != nil {
			return err
		}
		if err := updateContact(ctx, tx, &contact, user, msg, out, now); err != nil {
			return err
		}
		if err := store.PutContact(ctx, tx, contact); err != nil {
			return err
		}
		entry := store.Entry{Dir: store.In, Author: "user", At: at, Type: msg.Type, Text: msg.Text, ReplyID: msg.ReplyID, MessageID: msg.ID}
		entry.Read = reading(meaning, handled, out.FAQ)
		if msg.ReplyTitle != "" && entry.Text == "" {
			entry.Text = msg.ReplyTitle
		}
		if msg.Location != nil {
			entry.Lat, entry.Lng, entry.Text = msg.Location.Latitude, msg.Location.Longitude, msg.Location.Name
		}
		media := msg.Media
		if media != nil && media.ID != "" {
			entry.Media = &store.EntryMedia{ID: media.ID, MimeType: media.MimeType, Filename: media.Filename, Voice: media.Voice, State: store.MediaSkipped}
			if e.media != nil {
				entry.Media.State = store.MediaPending
			}
		}
		tseq, err := store.AppendTranscript(ctx, tx, user, &entry)
		if err != nil {
			return err
		}
		if e.media != nil && entry.Media != nil {
			// The file is fetched after the commit, in the background;
			// the record makes the download survive a restart.
			rec := store.MediaRecord{User: user, MediaID: media.ID, TranscriptSeq: tseq, PhoneNumberID: phone,
				Kind: msg.Type, MimeType: media.MimeType, Filename: media.Filename, Voice: media.Voice, Animated: media.Animated,
				ExpectedSHA256: media.SHA256, At: at, State: store.MediaPending}
			if err := store.PutMedia(ctx, tx, rec); err != nil {
				return err
			}
			fetch = true
		}
		if msg.ID != "" && msg.From != "" {
			it, err := newOutbox(ctx, tx, user, phone, nil, time.Time{}, now)
			if err != nil {
				return err
			}
			it.ReadID = msg.ID
			if err := store.PutOutboxItem(ctx, tx, it); err != nil {
				return err
			}
			queued = append(queued, it)
		}
		for i, r := range replies {
			items, err := e.queueReplyFrom(tx, user, phone, r, "bot", sources[i], windowUntil, now)
			if err != nil {
				return err
			}
			queued = append(queued, items...)
		}
		events = append(events, Event{Kind: "message", User: user, At: now})
		if err := handoffs.NoteMessage(tx, user, entry, msg.Location, at); err != nil {
			return err
		}
		for _, eff := range out.Effects {
			switch eff.Kind {
			case flows.EffectHandoff:
				h, raised, err := handoffs.Open(tx, user, contact.Name, eff, at)
				if err != nil {
					return err
				}
				notice, items, err := e.desk.QueueNotice(tx, h, phone, out.Session.Lang, entry.Text, windowUntil, now)
				if err != nil {
					return err
				}
				replies, queued = append(replies, notice...), append(queued, items...)
				events = append(events, Event{Kind: "handoff", User: user, At: now})
				ahead = ahead || handoffs.PassesOthers(h)
				if raised {
					em := Emergency{User: user, Lang: out.Session.Lang, Reason: eff.Reason, At: at}
					if err := e.AnnounceEmergency(tx, em); err != nil {
						return err
					}
					emergencies = append(emergencies, em)
				}
			case flows.EffectLocation:
				if eff.Location != nil {
					if err := handoffs.NoteMessage(tx, user, entry, eff.Location, at); err != nil {
						return err
					}
				}
			case flows.EffectQueueStatus:
				notice, items, err := e.desk.QueueStatus(tx, user, contact.Name, phone, out.Session, windowUntil, now)
				if err != nil {
					return err
				}
				replies, queued = append(replies, notice...), append(queued, items...)
			case flows.EffectSafe:
				events = append(events, Event{Kind: "safe", User: user, At: now})
			case flows.EffectOptOut:
				events = append(events, Event{Kind: "optout", User: user, At: now})
			}
		}
		return store.DeleteInbox(ctx, tx, t.seq)
	})
	if err != nil {
		return fmt.Errorf("commit conversation: %w", err)
	}
	if replayed {
		e.log.Info().Uint64("seq", t.seq).Msg("inbound message applied meanwhile; not processed again")
		return nil
	}
	for _, it := range queued {
		e.outbox.Add(it)
	}
	if fetch {
		e.media.Enqueue(user, msg.Media.ID)
	}
	e.applyLearning(out.Effects, now)
	for _, ev := range events {
		e.emit(ev)
	}
	for _, em := range emergencies {
		e.EmergencyCommitted(em, now)
	}
	if ahead {
		e.desk.TellPassed()
	}
	e.log.Debug().Str("user", whatsapp.MaskPhone(user)).Str("type", msg.Type).Str("state", out.Session.State).
		Int("replies", len(replies)).Msg("message processed")
	e.notifyWaiter(msg.ID, replies)
	return nil
}

// reading is what the transcript keeps of how a message was read: its
// class and, when the conversation searched the FAQ for it, the FAQ's
// decision. A message an interceptor took (a check-in answer) never
// reached the FAQ.
func reading(m understand.Result, intercepted bool, faq kb.Decision) *store.Reading {
	r := ReadingOf(m)
	if intercepted {
		return r
	}
	switch faq {
	case kb.DecisionAnswer:
		r.FAQ = store.FAQAnswered
	case kb.DecisionSuggest:
		r.FAQ = store.FAQSuggested
	case kb.DecisionNone:
		r.FAQ = store.FAQNone
	}
	return r
}

// ReadingOf is what a transcript entry keeps of how a message was read
// when the FAQ was not searched for it (an SMS, a message a flow took
// before the FAQ).
func ReadingOf(m understand.Result) *store.Reading {
	return &store.Reading{Class: string(m.Class), Confident: flows.Acts(m)}
}

// conversation is one user's stored session and contact.
type conversation = store.Conversation[flows.Session]

// applied says whether inbound event seq was already applied to the
// conversation: each commit records the event's sequence number in the
// session, and events of one user are numbered in the order they came.
// That order holds because one ingest loop numbers every event; engines
// on several machines need one ordered numbering per user for the same.
func applied(c *conversation, seq uint64) bool {
	return c.HasSession && seq <= c.Session.InboxSeq
}

// sessionOf is the session as the flows see it: language and opt-out fall
// back to what the contact record says (a contact import may set them).
func sessionOf(c *conversation) flows.Session {
	s := c.Session
	if s.Lang == "" {
		s.Lang = c.Contact.Language
	}
	s.OptedOut = s.OptedOut || c.Contact.OptedOut
	// The contact is the truth about opt-in: an import or an admin may
	// have changed it since the conversation last ran.
	s.OptedIn = c.Contact.OptedIn && !s.OptedOut
	return s
}

// prepareReplies addresses and splits the flow's replies. When the 24-hour
// window has already closed (a message replayed days late), free-form
// replies are not allowed: a configured re-engagement template goes
// instead, or nothing.
//
// sources runs beside the replies: the FAQ source of each message that
// carries part of answer, nil for the others (a re-engagement template
// carries no answer).
func (e *Engine) prepareReplies(user string, replies []whatsapp.Outbound, answer *flows.Answer, now, windowUntil time.Time) (out []whatsapp.Outbound, sources []*store.FAQSource) {
	if len(replies) == 0 {
		return nil, nil
	}
	if now.After(windowUntil) {
		if e.cfg.ReengageTemplate == nil {
			e.log.Warn().Str("user", whatsapp.MaskPhone(user)).Msg("24-hour window closed and no re-engagement template configured; reply not sent")
			return nil, nil
		}
		tpl := *e.cfg.ReengageTemplate
		return []whatsapp.Outbound{{To: user, Kind: "template", Template: &tpl}}, []*store.FAQSource{nil}
	}
	var src *store.FAQSource
	if answer != nil {
		src = &store.FAQSource{Entry: answer.Entry, Lang: answer.Lang, Version: answer.Version, Overlay: answer.Overlay}
	}
	for i, r := range replies {
		r.To = user
		parts := whatsapp.Normalize(r)
		out = append(out, parts...)
		for range parts {
			if src != nil && i >= answer.First && i < answer.First+answer.Count {
				sources = append(sources, src)
			} else {
				sources = append(sources, nil)
			}
		}
	}
	return out, sources
}

// queueReply records an outbound message in the transcript and the outbox
// within tx. Agents' replies use it too.
func (e *Engine) queueReply(tx store.Writer, user, phone string, o whatsapp.Outbound, author string, windowUntil, now time.Time) ([]*store.OutboxItem, error) {
	return e.queueReplyFrom(tx, user, phone, o, author, nil, windowUntil, now)
}

// queueReplyFrom is queueReply for a message that carries an FAQ answer
// from src (nil for none), which its transcript entry records.
func (e *Engine) queueReplyFrom(tx store.Writer, user, phone string, o whatsapp.Outbound, author string, src *store.FAQSource, windowUntil, now time.Time) ([]*store.OutboxItem, error) {
	ctx := storeCtx()
	payload, err := json.Marshal(o)
	if err != nil {
		return nil, fmt.Errorf("encode reply: %w", err)
	}
	entry := store.Entry{Dir: store.Out, Author: author, At: now, Type: o.Kind, Text: o.Text, Status: store.StatusQueued, Payload: payload, FAQ: src}
	if m := o.Media; m != nil {
		entry.Text = m.Caption
		entry.Media = &store.EntryMedia{ID: m.ID, MimeType: m.MimeType, Filename: m.Filename, State: store.MediaUploaded}
	}
	if o.Template != nil && entry.Text == "" {
		entry.Text = "[template " + o.Template.Name + "]"
	}
	tseq, err := store.AppendTranscript(ctx, tx, user, &entry)
	if err != nil {
		return nil, err
	}
	it, err := newOutbox(ctx, tx, user, phone, payload, windowUntil, now)
	if err != nil {
		return nil, err
	}
	it.TranscriptSeq = tseq
	it.Agent = strings.HasPrefix(author, "agent:")
	if o.Kind == whatsapp.KindTemplate {
		it.KeepUntil = now.Add(e.cfg.TemplateWait)
	}
	if err := store.PutOutboxItem(ctx, tx, it); err != nil {
		return nil, err
	}
	return []*store.OutboxItem{it}, nil
}

// newOutbox numbers a new outbox item; the caller completes and stores it.
func newOutbox(ctx context.Context, w store.Writer, user, phone string, payload []byte, windowUntil, now time.Time) (*store.OutboxItem, error) {
	seq, err := store.NewOutboxSeq(ctx, w)
	if err != nil {
		return nil, err
	}
	return &store.OutboxItem{Seq: seq, User: user, PhoneNumberID: phone, Message: payload, WindowUntil: windowUntil, CreatedAt: now}, nil
}

// updateContact applies what the message says about the person to c (the
// caller stores it); consent changes go through store.RecordConsent in
// the conversation's transaction w.
func updateContact(ctx context.Context, w store.Writer, c *store.Contact, user string, msg *whatsapp.Message, out flows.Output, now time.Time) error {
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now
		c.WaID = user
	}
	if msg.FromUserID != "" {
		c.UserID = msg.FromUserID
	}
	if msg.Name != "" {
		c.Name = msg.Name
	}
	if out.Session.Lang != "" {
		c.Language = out.Session.Lang
	}
	if out.Session.LastInboundAt.After(c.LastInboundAt) {
		c.LastInboundAt = out.Session.LastInboundAt
	}
	// The person wrote in, so WhatsApp delivers to them again: a 131026
	// from before no longer leaves them out of broadcasts.
	c.SetReachable(now)
	c.UpdatedAt = now
	for _, eff := range out.Effects {
		// The consent record: when, how, and in the person's own words
		// (or the question they said YES to).
		ev := store.ConsentEvent{Channel: store.ChannelWhatsApp, At: now, Source: store.SourceKeyword, Wording: eff.Query}
		switch eff.Kind {
		case flows.EffectOptOut:
		case flows.EffectOptIn:
			ev.OptIn = true
		case flows.EffectConsent:
			ev.OptIn, ev.Source = true, store.SourceConversation
		default:
			continue
		}
		if _, err := store.RecordConsent(ctx, w, user, c, ev); err != nil {
			return err
		}
	}
	return nil
}

// applyLearning hands FAQ feedback to the knowledge base. It runs after
// the conversation is committed; a failure here costs a statistic, not a reply.
func (e *Engine) applyLearning(effects []flows.Effect, now time.Time) {
	if e.learner == nil {
		return
	}
	for _, eff := range effects {
		var err error
		switch eff.Kind {
		case flows.EffectFeedback:
			if eff.EntryID != "" {
				err = e.learner.RecordFeedback(eff.EntryID, eff.Helpful, now)
			}
		case flows.EffectChoice:
			err = e.learner.RecordChoice(eff.Query, eff.Lang, eff.EntryID, now)
		case flows.EffectUnanswered:
			if eff.Query != "" {
				err = e.learner.RecordUnanswered(eff.Query, eff.Lang, eff.Reason, now)
			}
		}
		if err != nil {
			e.log.Warn().Err(err).Str("effect", string(eff.Kind)).Msg("record faq learning")
		}
	}
}

// handleStatus applies a delivery status event from the inbox
// (applyStatusEvent) and removes it, in one write; a status the ingest
// could apply in its own write never gets here (statusAtIngest).
func (e *Engine) handleStatus(t inTask) error {
	st := t.item.Status
	now := e.now()
	var fx statusEffects
	ctx := storeCtx()
	gone := false
	err := e.db.Write(ctx, laneScope(t.item), func(tx store.Writer) error {
		fx, gone = statusEffects{}, false
		// The event was read from a copy that may lag: one handled
		// already (here or by a partition's previous owner) is not
		// applied twice.
		if ok, err := store.HasInbox(ctx, tx, t.seq); err != nil {
			return err
		} else if !ok {
			gone = true
			return nil
		}
		var err error
		if fx, err = e.applyStatusEvent(ctx, tx, st, now); err != nil {
			return err
		}
		return store.DeleteInbox(ctx, tx, t.seq)
	})
	if err != nil || gone {
		return err
	}
	e.statusCommitted(st, fx)
	return nil
}

// statusEffects is what applying a status leaves to do once its write
// is committed.
type statusEffects struct {
	queued []*store.OutboxItem // outbox items it queued
	wake   string              // user whose outbox lane must look at a settled item again
}

// applyStatusEvent is what a delivery status does to the store, within
// tx: the one place that decides it, whether the status is applied from
// the inbox (handleStatus) or in the write that ingests it
// (statusAtIngest). A status naming an outbox item whose send had an
// unknown outcome settles it; a failed status enters the send policy
// like a failed send (the re-engagement template after 131047, the
// message again after a transient code, the contact marked after
// 131026).
func (e *Engine) applyStatusEvent(ctx context.Context, tx store.Writer, st *whatsapp.Status, now time.Time) (statusEffects, error) {
	var fx statusEffects
	for _, o := range e.observers {
		if err := o.ObserveStatus(tx, st); err != nil {
			return fx, fmt.Errorf("observe status: %w", err)
		}
	}
	if seq, _, ok := parseOutboxCallback(st.BizOpaqueCallbackData); ok {
		user, err := e.settleHeld(ctx, tx, seq, st, now)
		if err != nil {
			return fx, fmt.Errorf("settle outbox item %d: %w", seq, err)
		}
		fx.wake = user
	}
	ref, err := store.GetSentRef(ctx, tx, st.ID)
	if err == nil {
		items, err := e.applyStatus(ctx, tx, ref, st, now)
		if err != nil {
			return fx, err
		}
		fx.queued = append(fx.queued, items...)
	} else if !errors.Is(err, store.ErrNotFound) {
		return fx, err
	}
	return fx, nil
}

// statusCommitted runs what follows the commit of status st: the
// followers are told, the outbox lane of a settled item looks at it
// again, what the status queued is sent, and consoles hear of it.
func (e *Engine) statusCommitted(st *whatsapp.Status, fx statusEffects) {
	for _, o := range e.observers {
		if f, ok := o.(StatusFollower); ok {
			f.StatusCommitted(st)
		}
	}
	if fx.wake != "" {
		e.wakeOut.Wake(fx.wake)
	}
	for _, it := range fx.queued {
		e.outbox.Add(it)
	}
	e.pulse.note(func() { e.emit(Event{Kind: "status", At: e.now()}) })
}

// settleHeld applies a status to the outbox item seq when its last send
// had an unknown outcome: sent, delivered or read mean WhatsApp accepted
// it (the wamid goes on the transcript entry and the item is done, with
// no second copy); failed enters the send policy. It returns the user
// whose lane must look at the item again, or "" when nothing was held.
func (e *Engine) settleHeld(ctx context.Context, tx store.Writer, seq uint64, st *whatsapp.Status, now time.Time) (string, error) {
	it, err := store.GetOutboxItem(ctx, tx, seq)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return "", nil // sent and recorded, or erased
		}
		return "", err
	}
	accepted := st.Status == store.StatusSent || st.Status == store.StatusDelivered || st.Status == store.StatusRead
	if it.UnknownSince.IsZero() {
		// Not held: the send may still be waiting for its answer. Its
		// wamid goes on the transcript entry now, so that a send that then
		// times out sees it was accepted (see settledEarly).
		if accepted && it.TranscriptSeq != 0 {
			_, err := store.RecordSent(ctx, tx, it.User, it.TranscriptSeq, st.ID)
			return "", err
		}
		return "", nil
	}
	switch {
	case accepted:
		if err := store.DeleteOutboxItem(ctx, tx, seq); err != nil {
			return "", err
		}
		if it.TranscriptSeq != 0 {
			if _, err := store.RecordSent(ctx, tx, it.User, it.TranscriptSeq, st.ID); err != nil {
				return "", err
			}
		}
		e.log.Info().Uint64("seq", seq).Msg("a send whose outcome was unknown was accepted; its status settled it")
		return it.User, nil
	case st.Status != store.StatusFailed:
		return "", nil
	}
	d := e.policy.Decide(sendpolicy.FromStatus(st.Errors), it.Attempts+1, kindOf(&it))
	it.UnknownSince = time.Time{}
	switch d.Verdict {
	case sendpolicy.Retry, sendpolicy.WaitLong, sendpolicy.HoldForStatus:
		it.Attempts++
		it.NotBefore = now.Add(d.Delay)
	case sendpolicy.PauseNumber:
		e.out.Apply(it.PhoneNumberID, d, now)
		it.NotBefore = now.Add(d.PauseFor)
	case sendpolicy.UseTemplate:
		if !e.isFreeForm(&it) || !e.toTemplate(&it, now) {
			return it.User, e.failHeld(ctx, tx, &it, st, d, now)
		}
	default:
		return it.User, e.failHeld(ctx, tx, &it, st, d, now)
	}
	return it.User, store.PutOutboxItem(ctx, tx, &it)
}

// failHeld records a held item's failure for good, reported by status st.
func (e *Engine) failHeld(ctx context.Context, tx store.Writer, it *store.OutboxItem, st *whatsapp.Status, d sendpolicy.Decision, now time.Time) error {
	if err := store.DeleteOutboxItem(ctx, tx, it.Seq); err != nil {
		return err
	}
	e.obs.SendFailed(it.PhoneNumberID, d.Code)
	if it.TranscriptSeq == 0 {
		return nil
	}
	entry, err := store.GetTranscriptEntry(ctx, tx, it.User, it.TranscriptSeq)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	}
	entry.Status, entry.ErrorCode, entry.Error = store.StatusFailed, d.Code, "failed status: "+d.Reason
	if len(st.Errors) > 0 && st.Errors[0].Title != "" {
		entry.Error += " " + st.Errors[0].Title
	}
	if d.Unreachable {
		if _, err := store.MarkUnreachable(tx, it.User, d.Code, statusTime(st, now)); err != nil {
			return err
		}
	}
	return store.PutTranscriptEntry(ctx, tx, it.User, entry)
}

// applyStatus moves a sent message's transcript entry forward. A failed
// status enters the send policy: 131047 queues the re-engagement
// template, a transient code queues the message again from the entry's
// payload (a bounded number of times), a recipient code marks the contact.
func (e *Engine) applyStatus(ctx context.Context, tx store.Writer, ref store.SentRef, st *whatsapp.Status, now time.Time) ([]*store.OutboxItem, error) {
	entry, err := store.GetTranscriptEntry(ctx, tx, ref.User, ref.Seq)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil // erased or expired
		}
		return nil, err
	}
	next, changed := store.AdvanceStatus(entry.Status, st.Status)
	if !changed {
		return nil, nil
	}
	entry.Status = next
	if next != store.StatusFailed || len(st.Errors) == 0 {
		return nil, store.PutTranscriptEntry(ctx, tx, ref.User, entry)
	}
	entry.ErrorCode = st.Errors[0].Code
	entry.Error = st.Errors[0].Title
	kind := sendpolicy.KindReply
	if strings.HasPrefix(entry.Author, "agent:") {
		kind = sendpolicy.KindAgentReply
	}
	d := e.policy.Decide(sendpolicy.FromStatus(st.Errors), 1, kind)
	var queued []*store.OutboxItem
	switch d.Verdict {
	case sendpolicy.UseTemplate:
		if e.cfg.ReengageTemplate != nil && entry.Type != whatsapp.KindTemplate {
			tpl := *e.cfg.ReengageTemplate
			queued, err = e.queueReply(tx, ref.User, e.statusNumber(st), whatsapp.Outbound{To: ref.User, Kind: whatsapp.KindTemplate, Template: &tpl}, "bot", time.Time{}, now)
			if err != nil {
				return nil, fmt.Errorf("queue re-engagement template: %w", err)
			}
			entry.Error += "; the re-engagement template was sent instead"
		}
	case sendpolicy.Retry, sendpolicy.WaitLong, sendpolicy.PauseNumber:
		_, resends, _ := parseOutboxCallback(st.BizOpaqueCallbackData)
		if resends >= e.cfg.StatusResends || len(entry.Payload) == 0 {
			entry.Error += fmt.Sprintf("; not sent again (%d re-sends after failed statuses)", resends)
			break
		}
		if d.Verdict == sendpolicy.PauseNumber {
			e.out.Apply(e.statusNumber(st), d, now)
			d.Delay = d.PauseFor
		}
		it, err := e.resendFromStatus(ctx, tx, ref, entry, st, d, resends+1, now)
		if err != nil {
			return nil, err
		}
		queued = append(queued, it)
		entry.Status, entry.ErrorCode, entry.Error, entry.MessageID = store.StatusQueued, 0, "", ""
	default:
		if d.Unreachable {
			if _, err := store.MarkUnreachable(tx, ref.User, entry.ErrorCode, statusTime(st, now)); err != nil {
				return nil, err
			}
		}
	}
	return queued, store.PutTranscriptEntry(ctx, tx, ref.User, entry)
}

// resendFromStatus queues the message of entry again after WhatsApp
// reported its send failed with a transient code.
func (e *Engine) resendFromStatus(ctx context.Context, tx store.Writer, ref store.SentRef, entry store.Entry, st *whatsapp.Status, d sendpolicy.Decision, resends int, now time.Time) (*store.OutboxItem, error) {
	var o whatsapp.Outbound
	if err := json.Unmarshal(entry.Payload, &o); err != nil {
		return nil, fmt.Errorf("decode payload of transcript entry %d: %w", ref.Seq, err)
	}
	var windowUntil time.Time
	if o.Kind != whatsapp.KindTemplate {
		c, err := store.GetContact(ctx, tx, ref.User)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		windowUntil = e.cfg.windowEnd(c.LastInboundAt)
	}
	it, err := newOutbox(ctx, tx, ref.User, e.statusNumber(st), entry.Payload, windowUntil, now)
	if err != nil {
		return nil, err
	}
	it.TranscriptSeq, it.Resends, it.Agent = ref.Seq, resends, strings.HasPrefix(entry.Author, "agent:")
	it.NotBefore = now.Add(d.Delay)
	if o.Kind == whatsapp.KindTemplate {
		it.KeepUntil = now.Add(e.cfg.TemplateWait)
	}
	if err := store.PutOutboxItem(ctx, tx, it); err != nil {
		return nil, err
	}
	e.log.Info().Uint64("seq", it.Seq).Int("code", d.Code).Int("resend", resends).Msg("failed status with a transient code; message queued again")
	return it, nil
}

// statusNumber is the business number a status came through; a message
// sent again leaves from it.
func (e *Engine) statusNumber(st *whatsapp.Status) string {
	if st.PhoneNumberID != "" {
		return st.PhoneNumberID
	}
	return e.cfg.PhoneNumberIDs[0]
}

// statusTime is when WhatsApp says a status happened, or now when the
// webhook does not say.
func statusTime(st *whatsapp.Status, now time.Time) time.Time {
	if st.Timestamp.IsZero() {
		return now
	}
	return st.Timestamp
}

// Submit feeds one message through the engine as if it had come from the
// webhook and returns the replies it produced: the sandbox chat uses it.
func (e *Engine) Submit(msg whatsapp.Message, timeout time.Duration) ([]whatsapp.Outbound, error) {
	ch := make(chan []whatsapp.Outbound, 1)
	e.mu.Lock()
	e.waiters[msg.ID] = ch
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		delete(e.waiters, msg.ID)
		e.mu.Unlock()
	}()
	n, err := e.Ingest(&whatsapp.Batch{Messages: []whatsapp.Message{msg}})
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, fmt.Errorf("message %s was already processed", msg.ID)
	}
	select {
	case r := <-ch:
		return r, nil
	case <-time.After(timeout):
		return nil, fmt.Errorf("no reply within %s", timeout)
	}
}

func (e *Engine) notifyWaiter(id string, replies []whatsapp.Outbound) {
	if !e.deliverWaiter(id, replies) && e.part != nil && strings.HasPrefix(id, SandboxIDPrefix) {
		// The chat may wait on another instance.
		e.publishSandbox(id, replies)
	}
}

// deliverWaiter hands replies to the sandbox chat waiting here for
// message id; false when none waits here.
func (e *Engine) deliverWaiter(id string, replies []whatsapp.Outbound) bool {
	e.mu.Lock()
	ch := e.waiters[id]
	e.mu.Unlock()
	if ch == nil {
		return false
	}
	select {
	case ch <- replies:
	default:
	}
	return true
}

// receivingNumber is the business number a message was sent to; replies
// go out from it.
func (e *Engine) receivingNumber(msg *whatsapp.Message) string {
	if msg.PhoneNumberID != "" {
		return msg.PhoneNumberID
	}
	return e.cfg.PhoneNumberIDs[0]
}
