// Package handoffs owns the handoff record, its lifecycle and the agent
// console's operations on it: the queue and its order, claims, agent
// replies, notes, transfers, releases and closes, and the messages that
// tell a waiting person their place in the queue.
//
// The conversation engine (package bot) imports this package, never the
// reverse: a conversation that asks for a person opens a handoff inside
// the engine's own transaction (Open, NoteMessage, Desk.QueueNotice,
// Desk.QueueStatus). What the console needs from the engine in return
// (queue a message to a person inside a transaction, hand it to the
// outbox after commit, tell listeners, the end of a person's 24-hour
// window, their transcript) it is given as the functions of an Engine, so
// that the engine keeps its internals unexported and no import cycle forms.
package handoffs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rs/zerolog"

	"lifeline/bot/whatsapp"
	"lifeline/catalog"
	"lifeline/flows"
	"lifeline/store"
)

// Engine is what the desk asks of the conversation engine. The engine
// fills it with its own functions when it builds its desk.
type Engine struct {
	// QueueReply writes o to user's transcript and outbox inside tx, from
	// the sending number phone, and returns the outbox items to Deliver
	// once tx has committed. author is "bot" or "agent:<id>".
	QueueReply func(tx store.Writer, user, phone string, o whatsapp.Outbound, author string, windowUntil, now time.Time) ([]*store.OutboxItem, error)
	// Deliver hands a committed outbox item to the senders.
	Deliver func(it *store.OutboxItem)
	// Emit tells the engine's listeners (the console's live updates) what
	// happened: "handoff", "message" or "reply", for user, at.
	Emit func(kind, user string, at time.Time)
	// WindowEnd is when free-form messages to someone who last wrote at
	// lastInbound stop being allowed.
	WindowEnd func(lastInbound time.Time) time.Time
	// Transcript returns the newest limit entries of user's conversation,
	// oldest first.
	Transcript func(r store.Reader, user string, limit int) ([]store.Entry, error)
}

// Config tunes the desk.
type Config struct {
	DefaultPhone     string             // the number agents answer from when the handoff does not name one
	ReengageTemplate *whatsapp.Template // offered to agents once the window has closed; nil for none
	Overdue          time.Duration      // a handoff waiting longer than this is flagged (default 5m)
}

// Desk runs the agent console's operations on handoffs.
type Desk struct {
	cfg Config
	db  *store.DB
	eng Engine
	log zerolog.Logger
	now func() time.Time
}

// New builds the desk over db; now is the clock.
func New(cfg Config, db *store.DB, eng Engine, log zerolog.Logger, now func() time.Time) *Desk {
	return &Desk{cfg: cfg, db: db, eng: eng, log: log.With().Str("comp", "handoffs").Logger(), now: now}
}

// View is a handoff with what the console needs to show it.
type View struct {
	Handoff
	Position    int       `json:"position,omitempty"` // place in the waiting queue, from 1
	WaitSeconds int64     `json:"wait_seconds"`       // since it was opened (until claimed, once claimed)
	Overdue     bool      `json:"overdue,omitempty"`  // waiting for longer than Config.HandoffOverdue
	WindowUntil time.Time `json:"window_until,omitzero"`
	WindowOpen  bool      `json:"window_open"`
}

// TranscriptEntry is a transcript entry with the outbound message decoded.
type TranscriptEntry struct {
	store.Entry
	Message json.RawMessage `json:"message,omitempty"`
}

// Detail is one handoff with its whole conversation.
type Detail struct {
	View
	Messages  []TranscriptEntry   `json:"messages"`
	Templates []whatsapp.Template `json:"templates"`
}

// AgentReply is what an agent sends: free text, or a template once the
// 24-hour window has closed.
type AgentReply struct {
	Text     string             `json:"text,omitempty"`
	Template *whatsapp.Template `json:"template,omitempty"`
	// Media is a file already uploaded (admin: POST .../media), sent as
	// MediaKind (image, document, video, audio) with its caption.
	Media     *whatsapp.OutMedia `json:"-"`
	MediaKind string             `json:"-"`
	// Location is a pin (admin: a location or a place in the reply).
	Location *whatsapp.Location `json:"-"`
	// SMS is the provider's answer when the caller sent Text by SMS (the
	// person's conversation is on SMS): the reply is recorded with its
	// sid and status, nothing is queued for WhatsApp.
	SMS *SMSSent `json:"-"`
}

// SMSSent is an agent's reply the provider accepted.
type SMSSent struct {
	SID, Status string
}

const (
	maxNote          = 4000
	maxOutcome       = 200
	maxClosedListed  = 200
	maxTranscript    = 1000
	estimateSamples  = 20
	estimateLookback = 12 * time.Hour
)

// Templates lists the templates agents may send when the window has
// closed: the configured re-engagement template, when there is one.
func (d *Desk) Templates() []whatsapp.Template {
	if d.cfg.ReengageTemplate == nil {
		return []whatsapp.Template{}
	}
	return []whatsapp.Template{*d.cfg.ReengageTemplate}
}

// Overdue is how long a handoff may wait unclaimed before it is flagged.
func (d *Desk) Overdue() time.Duration {
	if d.cfg.Overdue > 0 {
		return d.cfg.Overdue
	}
	return 5 * time.Minute
}

// List lists handoffs with the given status ("waiting", "active",
// "closed"; empty for waiting and active). Open handoffs come in queue
// order (compareQueue: urgent, returning, priority, the rest, each
// longest waiting first); closed ones newest first.
func (d *Desk) List(status string) ([]View, error) {
	switch status {
	case "", Waiting, Active, Closed:
	default:
		return nil, invalidf("status must be waiting, active or closed, not %q", status)
	}
	now := d.now()
	var out []View
	ctx := context.Background()
	err := d.db.Read(ctx, func(r store.Reader) error {
		all, err := loadHandoffs(ctx, r)
		if err != nil {
			return err
		}
		positions := queuePositions(all)
		for _, h := range all {
			if (status == "" && h.Status == Closed) || (status != "" && h.Status != status) {
				continue
			}
			v, err := d.view(ctx, r, h, positions[h.ID], now)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list handoffs: %w", err)
	}
	if status == Closed {
		slices.SortFunc(out, func(a, b View) int { return b.ClosedAt.Compare(a.ClosedAt) })
		if len(out) > maxClosedListed {
			out = out[:maxClosedListed]
		}
	} else {
		slices.SortStableFunc(out, func(a, b View) int { return compareQueue(&a.Handoff, &b.Handoff) })
	}
	if out == nil {
		out = []View{}
	}
	return out, nil
}

func (d *Desk) view(ctx context.Context, r store.Reader, h Handoff, position int, now time.Time) (View, error) {
	v := View{Handoff: h, Position: position}
	v.Notice = nil
	end := now
	switch {
	case !h.ClaimedAt.IsZero():
		end = h.ClaimedAt
	case h.Status == Closed:
		end = h.ClosedAt
	}
	v.WaitSeconds = int64(end.Sub(h.CreatedAt) / time.Second)
	v.Overdue = h.Status == Waiting && now.Sub(h.CreatedAt) > d.Overdue()
	c, err := store.GetContact(ctx, r, h.User)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return v, err
	}
	if !c.LastInboundAt.IsZero() {
		v.WindowUntil = d.eng.WindowEnd(c.LastInboundAt)
		v.WindowOpen = now.Before(v.WindowUntil)
	}
	return v, nil
}

// Get returns one handoff with the user's whole conversation: their
// messages, the bot's and agents' replies, check-in answers and notes.
func (d *Desk) Get(id string) (Detail, error) {
	now := d.now()
	var out Detail
	ctx := context.Background()
	err := d.db.Read(ctx, func(tx store.Reader) error {
		h, err := store.GetHandoff[Handoff](ctx, tx, id)
		if err != nil {
			return err
		}
		pos := 0
		if h.Status == Waiting {
			all, err := loadHandoffs(ctx, tx)
			if err != nil {
				return err
			}
			pos = queuePositions(all)[h.ID]
		}
		v, err := d.view(ctx, tx, h, pos, now)
		if err != nil {
			return err
		}
		out.View = v
		entries, err := d.eng.Transcript(tx, h.User, maxTranscript)
		if err != nil {
			return err
		}
		for _, en := range entries {
			te := TranscriptEntry{Entry: en}
			if json.Valid(te.Payload) {
				te.Message = json.RawMessage(te.Payload)
			}
			te.Payload = nil
			out.Messages = append(out.Messages, te)
		}
		return nil
	})
	if err != nil {
		return Detail{}, fmt.Errorf("show handoff: %w", err)
	}
	if out.Messages == nil {
		out.Messages = []TranscriptEntry{}
	}
	out.Templates = d.Templates()
	return out, nil
}

// change runs fn on handoff id and its user's session in one transaction
// and saves both. Badger aborts a transaction whose reads another commit
// has changed, and store.Update runs it again on the new state: that is
// what makes two simultaneous claims end with exactly one owner.
func (d *Desk) change(id string, fn func(ctx context.Context, tx store.Writer, h *Handoff, sess *flows.Session, now time.Time) (changed bool, err error)) (Handoff, error) {
	now := d.now()
	var h Handoff
	changed := false
	ctx := context.Background()
	err := d.db.Write(ctx, store.UserScope(id), func(tx store.Writer) error {
		var err error
		if h, err = store.GetHandoff[Handoff](ctx, tx, id); err != nil {
			return err
		}
		sess, err := store.GetSession[flows.Session](ctx, tx, h.User)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if changed, err = fn(ctx, tx, &h, &sess, now); err != nil || !changed {
			return err
		}
		if err := store.PutSession(ctx, tx, h.User, sess); err != nil {
			return err
		}
		return store.PutHandoff(ctx, tx, id, h)
	})
	if err != nil {
		return Handoff{}, err
	}
	if changed {
		d.eng.Emit("handoff", h.User, now)
	}
	return h, nil
}

// ownedBy refuses an agent who does not own a claimed handoff, unless
// force (an admin); what the status allows is the lifecycle's to say.
func ownedBy(h *Handoff, agent string, force bool) error {
	if h.Status == Active && h.Agent != agent && !force {
		return conflictf("this conversation belongs to %s; ask them or an admin to transfer it", h.Agent)
	}
	return nil
}

// Claim makes agent the owner of handoff id; from then on the bot is
// silent in that conversation. Claiming one's own handoff again is a
// no-op; a handoff someone else owns, or a closed one, is a conflict.
func (d *Desk) Claim(id, agent string) (Handoff, error) {
	h, err := d.change(id, func(_ context.Context, _ store.Writer, h *Handoff, sess *flows.Session, now time.Time) (bool, error) {
		if h.Status == Active {
			if h.Agent == agent {
				return false, nil
			}
			return false, conflictf("already claimed by %s", h.Agent)
		}
		if err := h.fire(EvClaim); err != nil {
			return false, err
		}
		s, err := flows.Claim(*sess)
		if err != nil {
			return false, fmt.Errorf("claim conversation: %w", err)
		}
		*sess = s
		h.Agent, h.ClaimedAt = agent, now
		h.record(now, agent, "claimed", "")
		return true, nil
	})
	if err != nil {
		return Handoff{}, fmt.Errorf("claim handoff: %w", err)
	}
	d.log.Info().Str("user", whatsapp.MaskPhone(h.User)).Str("agent", agent).Msg("handoff claimed")
	d.refreshQueue()
	return h, nil
}

// Reply sends an agent's message in handoff id, which the agent must own.
// Free text is allowed while the 24-hour window is open; after that only
// a template.
func (d *Desk) Reply(id, agent string, r AgentReply) (store.Entry, error) {
	r.Text = strings.TrimSpace(r.Text)
	switch {
	case r.Media != nil && (r.Text != "" || r.Template != nil || r.Location != nil):
		return store.Entry{}, invalidf("a file goes alone: its caption is its text")
	case r.Location != nil && (r.Text != "" || r.Template != nil):
		return store.Entry{}, invalidf("a location goes alone")
	case r.Media != nil || r.Location != nil:
	case r.Text == "" && r.Template == nil:
		return store.Entry{}, invalidf("give \"text\" or \"template\"")
	case r.Text != "" && r.Template != nil:
		return store.Entry{}, invalidf("give either \"text\" or \"template\", not both")
	case utf8.RuneCountInString(r.Text) > 4096:
		return store.Entry{}, invalidf("text is longer than WhatsApp's 4096 characters")
	case r.Template != nil && (r.Template.Name == "" || r.Template.Language == ""):
		return store.Entry{}, invalidf("a template needs \"name\" and \"language\"")
	}
	var entry store.Entry
	var queued []*store.OutboxItem
	_, err := d.change(id, func(ctx context.Context, tx store.Writer, h *Handoff, _ *flows.Session, now time.Time) (bool, error) {
		queued, entry = queued[:0], store.Entry{}
		if err := ownedBy(h, agent, false); err != nil {
			return false, err
		}
		if err := h.fire(EvReply); err != nil {
			return false, err
		}
		if r.SMS != nil {
			entry = store.Entry{Dir: store.Out, Author: "agent:" + agent, At: now, Type: "text", Text: r.Text,
				Channel: "sms", MessageID: r.SMS.SID, Status: r.SMS.Status}
			seq, err := store.AppendTranscript(ctx, tx, h.User, &entry)
			if err != nil {
				return false, err
			}
			entry.Seq = seq
			if h.FirstReplyAt.IsZero() {
				h.FirstReplyAt = now
			}
			h.UpdatedAt = now
			return true, nil
		}
		c, err := store.GetContact(ctx, tx, h.User)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return false, err
		}
		until := d.eng.WindowEnd(c.LastInboundAt)
		o := whatsapp.Outbound{To: h.User, Kind: "text", Text: r.Text}
		if r.Media != nil {
			o = whatsapp.Outbound{To: h.User, Kind: r.MediaKind, Media: r.Media}
		}
		if r.Location != nil {
			o = whatsapp.Outbound{To: h.User, Kind: whatsapp.KindLocation, Location: r.Location}
		}
		if r.Template != nil {
			o = whatsapp.Outbound{To: h.User, Kind: "template", Template: r.Template}
			until = time.Time{}
		} else if c.LastInboundAt.IsZero() {
			return false, &ConflictError{window: true, Msg: "the user has never written to us, so WhatsApp allows only a template; send {\"template\": {\"name\": ..., \"language\": ...}}"}
		} else if !now.Before(until) {
			return false, &ConflictError{window: true, Msg: fmt.Sprintf(
				"the 24-hour window closed at %s: WhatsApp allows only a template now; send {\"template\": {\"name\": ..., \"language\": ...}}",
				until.UTC().Format("2006-01-02 15:04 UTC"))}
		}
		if err := o.Validate(); err != nil {
			return false, invalidf("%v", err)
		}
		items, err := d.eng.QueueReply(tx, h.User, d.phoneFor(h), o, "agent:"+agent, until, now)
		if err != nil {
			return false, err
		}
		queued = append(queued, items...)
		if len(items) > 0 {
			if entry, err = store.GetTranscriptEntry(ctx, tx, h.User, items[0].TranscriptSeq); err != nil {
				return false, err
			}
			entry.Payload = nil
		}
		if h.FirstReplyAt.IsZero() {
			h.FirstReplyAt = now
		}
		h.UpdatedAt = now
		return true, nil
	})
	if err != nil {
		return store.Entry{}, fmt.Errorf("agent reply: %w", err)
	}
	for _, it := range queued {
		d.eng.Deliver(it)
	}
	d.eng.Emit("message", id, d.now())
	return entry, nil
}

// Note adds an internal note to handoff id; any agent may, in any state.
func (d *Desk) Note(id, agent, text string) (Note, error) {
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > maxNote {
		return Note{}, invalidf("a note needs \"text\" of 1 to %d characters", maxNote)
	}
	var n Note
	_, err := d.change(id, func(_ context.Context, _ store.Writer, h *Handoff, _ *flows.Session, now time.Time) (bool, error) {
		n = Note{At: now, Agent: agent, Text: text}
		h.Notes = append(h.Notes, n)
		h.UpdatedAt = now
		return true, nil
	})
	if err != nil {
		return Note{}, fmt.Errorf("add note: %w", err)
	}
	return n, nil
}

// Transfer hands an active handoff from agent to another agent. Only the
// owner may, unless force (an admin).
func (d *Desk) Transfer(id, agent, to string, force bool) (Handoff, error) {
	if to == "" {
		return Handoff{}, invalidf("give \"to\": the agent to transfer to")
	}
	h, err := d.change(id, func(_ context.Context, _ store.Writer, h *Handoff, _ *flows.Session, now time.Time) (bool, error) {
		if err := ownedBy(h, agent, force); err != nil {
			return false, err
		}
		if err := h.fire(EvTransfer); err != nil {
			return false, err
		}
		if h.Agent == to {
			return false, conflictf("%s already owns this conversation", to)
		}
		h.record(now, agent, "transferred", h.Agent+" → "+to)
		h.Agent = to
		return true, nil
	})
	if err != nil {
		return Handoff{}, fmt.Errorf("transfer handoff: %w", err)
	}
	return h, nil
}

// Release gives the conversation back to the bot, which answers again;
// the handoff is closed with the outcome "released".
func (d *Desk) Release(id, agent string, force bool) (Handoff, error) {
	return d.finishHandoff(id, agent, EvRelease, "released", "released", force)
}

// Close ends the handoff with an outcome; the bot answers the user again.
func (d *Desk) Close(id, agent, outcome string, force bool) (Handoff, error) {
	outcome = strings.TrimSpace(outcome)
	if outcome == "" || utf8.RuneCountInString(outcome) > maxOutcome {
		return Handoff{}, invalidf("give an \"outcome\" of 1 to %d characters", maxOutcome)
	}
	return d.finishHandoff(id, agent, EvClose, "closed", outcome, force)
}

func (d *Desk) finishHandoff(id, agent, event, action, outcome string, force bool) (Handoff, error) {
	var queued []*store.OutboxItem
	h, err := d.change(id, func(ctx context.Context, tx store.Writer, h *Handoff, sess *flows.Session, now time.Time) (bool, error) {
		queued = queued[:0]
		if err := ownedBy(h, agent, force); err != nil {
			return false, err
		}
		if err := h.fire(event); err != nil {
			return false, err
		}
		if sess.State == flows.StateHandoff {
			s, err := flows.Release(*sess)
			if err != nil {
				return false, fmt.Errorf("release conversation: %w", err)
			}
			*sess = s
		}
		sess.AwaitingAgent = false
		h.Outcome, h.ClosedAt = outcome, now
		h.record(now, agent, action, outcome)
		if h.Priority || h.Urgent {
			// Someone who needed help is told, and goes to the front
			// again if they need a person soon after.
			sess.PriorityUntil = now.Add(flows.PriorityKeep)
			items, err := d.tellEnded(ctx, tx, h, sess, action, now)
			if err != nil {
				return false, err
			}
			queued = append(queued, items...)
		}
		return true, nil
	})
	if err != nil {
		return Handoff{}, fmt.Errorf("%s handoff: %w", action, err)
	}
	for _, it := range queued {
		d.eng.Deliver(it)
	}
	d.log.Info().Str("user", whatsapp.MaskPhone(h.User)).Str("agent", agent).Str("action", action).Msg("handoff ended")
	d.refreshQueue()
	return h, nil
}

// tellEnded queues the message telling the user, in their language, that
// the team closed their conversation or gave it back to the bot, while
// the 24-hour window allows free text.
func (d *Desk) tellEnded(ctx context.Context, tx store.Writer, h *Handoff, sess *flows.Session, action string, now time.Time) ([]*store.OutboxItem, error) {
	c, err := store.GetContact(ctx, tx, h.User)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	until := d.eng.WindowEnd(c.LastInboundAt)
	if c.LastInboundAt.IsZero() || !now.Before(until) {
		return nil, nil
	}
	lang := sess.Lang
	if lang == "" {
		lang = h.Lang
	}
	t := catalog.For(lang)
	text := t.HandoffClosed
	if action == "released" {
		text = t.HandoffReleased
	}
	o := whatsapp.Outbound{To: h.User, Kind: whatsapp.KindText, Text: text}
	return d.eng.QueueReply(tx, h.User, d.phoneFor(h), o, "bot", until, now)
}

// Request opens (or raises the priority of) a handoff for user
// outside a conversation turn: a check-in answered "I need help" is the
// example. The user is told their place in the queue.
func (d *Desk) Request(user, reason string, priority bool) error {
	now := d.now()
	var queued []*store.OutboxItem
	ahead := false // the handoff goes before others: they are told
	ctx := context.Background()
	err := d.db.Write(ctx, store.UserScope(user), func(tx store.Writer) error {
		queued = queued[:0]
		c, err := store.GetContact(ctx, tx, user)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		sess, err := store.GetSession[flows.Session](ctx, tx, user)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if sess.State != flows.StateHandoff {
			sess.AwaitingAgent = true
			if err := store.PutSession(ctx, tx, user, sess); err != nil {
				return err
			}
		}
		h, _, err := Open(tx, user, c.Name, flows.Effect{Kind: flows.EffectHandoff, Reason: reason, Priority: priority}, now)
		if err != nil {
			return err
		}
		lang := sess.Lang
		if lang == "" {
			lang = c.Language
		}
		var until time.Time
		if !c.LastInboundAt.IsZero() {
			until = d.eng.WindowEnd(c.LastInboundAt)
		}
		_, items, err := d.QueueNotice(tx, h, "", lang, "", until, now)
		queued, ahead = items, PassesOthers(h)
		return err
	})
	if err != nil {
		return fmt.Errorf("request handoff: %w", err)
	}
	for _, it := range queued {
		d.eng.Deliver(it)
	}
	d.eng.Emit("handoff", user, now)
	if ahead {
		d.TellPassed()
	}
	return nil
}

// PassesOthers reports whether h, just opened or raised, may have been
// placed ahead of people already waiting: any handoff of a tier above the
// last (queueTier). After its transaction commits, TellPassed tells
// those it passed.
func PassesOthers(h *Handoff) bool {
	return h.Status == Waiting && queueTier(h) < queueTier(&Handoff{})
}

// QueueNotice completes a handoff that was just opened or asked for again
// (the number to answer from, the user's words) and, while it waits and
// the window is open, queues a message with the user's place in the
// queue and an honest estimate of the wait. It returns the message, for
// the sandbox chat, and the outbox items to hand to the outbox after commit.
func (d *Desk) QueueNotice(tx store.Writer, h *Handoff, phone, lang, text string, windowUntil, now time.Time) ([]whatsapp.Outbound, []*store.OutboxItem, error) {
	return d.queueNoticeFor(context.Background(), tx, h, phone, lang, text, windowUntil, now, false)
}

// queueNoticeFor is QueueNotice; asked is true when the user asked where
// they are ("how long?"), which is answered even when nothing changed.
func (d *Desk) queueNoticeFor(ctx context.Context, tx store.Writer, h *Handoff, phone, lang, text string, windowUntil, now time.Time, asked bool) ([]whatsapp.Outbound, []*store.OutboxItem, error) {
	if phone != "" {
		h.PhoneNumberID = phone
	}
	if lang != "" {
		h.Lang = lang
	}
	if h.FirstMessage == "" && strings.TrimSpace(text) != "" {
		h.FirstMessage = flows.Truncate(text, 500)
	}
	if h.Status != Waiting || windowUntil.IsZero() || !now.Before(windowUntil) {
		return nil, nil, store.PutHandoff(ctx, tx, h.ID, h)
	}
	all, err := loadHandoffs(ctx, tx)
	if err != nil {
		return nil, nil, err
	}
	for i := range all {
		if all[i].ID == h.ID {
			all[i] = *h
		}
	}
	pos := queuePositions(all)[h.ID]
	bucket := estimateBucket(all, pos, now)
	if n := h.Notice; !asked && n != nil && n.Position == pos && n.Bucket == bucket && now.Sub(n.At) < noticeRepeatAfter {
		// Told a moment ago, and nothing has changed: the handoff is
		// only being updated (a check-in's details), not asked for anew.
		return nil, nil, store.PutHandoff(ctx, tx, h.ID, h)
	}
	h.told(pos, bucket, now, false)
	if err := store.PutHandoff(ctx, tx, h.ID, h); err != nil {
		return nil, nil, err
	}
	o := whatsapp.Outbound{To: h.User, Kind: "text", Text: queueText(h.Lang, pos, bucket, placeTold)}
	items, err := d.eng.QueueReply(tx, h.User, d.phoneFor(h), o, "bot", windowUntil, now)
	return []whatsapp.Outbound{o}, items, err
}

// QueueStatus answers someone waiting who asks where they are, or grows
// impatient: their place and the wait, even if nothing has changed. If
// their handoff is no longer waiting (closed meanwhile), they are queued again.
func (d *Desk) QueueStatus(tx store.Writer, user, name, phone string, sess flows.Session, windowUntil, now time.Time) ([]whatsapp.Outbound, []*store.OutboxItem, error) {
	ctx := context.Background()
	h, err := store.GetHandoff[Handoff](ctx, tx, user)
	switch {
	case errors.Is(err, store.ErrNotFound) || (err == nil && h.Status == Closed):
		hp, _, err := Open(tx, user, name, flows.Effect{Kind: flows.EffectHandoff, Reason: "asked",
			Priority: now.Before(sess.PriorityUntil)}, now)
		if err != nil {
			return nil, nil, err
		}
		h = *hp
	case err != nil:
		return nil, nil, err
	case h.Status == Active:
		// A person has it already: they answer, the bot says nothing.
		return nil, nil, nil
	}
	return d.queueNoticeFor(ctx, tx, &h, phone, sess.Lang, "", windowUntil, now, true)
}

// noticeRepeatAfter is how long an unchanged place in the queue is not
// told again.
const noticeRepeatAfter = 2 * time.Minute

// PhoneFor is the business number agents answer h from: a file for
// them is uploaded from it.
func (d *Desk) PhoneFor(h Handoff) string { return d.phoneFor(&h) }

func (d *Desk) phoneFor(h *Handoff) string {
	if h.PhoneNumberID != "" {
		return h.PhoneNumberID
	}
	return d.cfg.DefaultPhone
}

// refreshQueue tells waiting users their new place when the queue has
// changed for them (queueChange): it moved on noticeably, or someone was
// placed ahead of them. The desk runs it after a claim, a release or a
// close; a failure costs an update message, not what caused it.
func (d *Desk) refreshQueue() { d.refresh(false) }

// TellPassed tells the people waiting whom a handoff just opened or
// raised was placed ahead of (see PassesOthers) their new place, and
// nothing else: the wait estimates that drifted meanwhile are told after
// the next claim or close. The engine calls it once the message's
// transaction has committed.
func (d *Desk) TellPassed() { d.refresh(true) }

// refresh is refreshQueue; passedOnly limits it to people passed.
func (d *Desk) refresh(passedOnly bool) {
	now := d.now()
	ctx := context.Background()
	// The queue is read once; each person whose place moved gets the new
	// notice in a transaction of their own scope, which reads their
	// handoff again and writes the notice it records with the message. A
	// crash (or a failure) between two people's writes is safe: those
	// already told are recorded with their new place, and the next
	// refresh compares the others with the queue again and tells them;
	// nobody is told twice, since a notice already recorded no longer
	// counts as moved.
	var all []Handoff
	if err := d.db.Read(ctx, func(r store.Reader) (err error) {
		all, err = loadHandoffs(ctx, r)
		return err
	}); err != nil {
		d.log.Warn().Err(err).Msg("update queue positions: read the queue")
		return
	}
	positions := queuePositions(all)
	for i := range all {
		h := &all[i]
		if h.Status != Waiting || h.Notice == nil {
			continue
		}
		pos := positions[h.ID]
		bucket := estimateBucket(all, pos, now)
		if !worthTelling(queueChange(h.Notice, pos, bucket, now), passedOnly) {
			continue
		}
		queued, err := d.tellPlace(ctx, h.User, pos, bucket, now, passedOnly)
		if err != nil {
			d.log.Warn().Err(err).Msg("update queue position")
			continue
		}
		for _, it := range queued {
			d.eng.Deliver(it)
			d.eng.Emit("reply", it.User, now)
		}
	}
}

// placeNews is why a person is told their place in the queue.
type placeNews int

const (
	placeTold   placeNews = iota // they asked or just joined; for a refresh, nothing worth a message
	placeMoved                   // the queue moved on: "Update: you are number 2"
	placePassed                  // someone was placed ahead of them: said, with the new place
)

// passedEvery is how often at most a person is told that someone was
// placed ahead of them. In a crisis many people in danger may come in
// one after another; each passes everyone waiting, and a message for
// each would bury the conversation. A place that moved back again within
// it is told with the next notice, or when the person asks.
const passedEvery = 15 * time.Minute

// queueChange says what a person last told notice n is to be told now
// that their place is pos with wait bucket: their place moved back
// (someone was placed ahead; at most once per passedEvery), or it moved
// on noticeably: the wait estimate changed range, or the position halved
// (which includes becoming next). placeTold is nothing to say.
func queueChange(n *Notice, pos, bucket int, now time.Time) placeNews {
	switch {
	case pos > n.Position:
		if !n.PassedAt.IsZero() && now.Sub(n.PassedAt) < passedEvery {
			return placeTold
		}
		return placePassed
	case bucket != n.Bucket || (n.Position >= 2 && pos*2 <= n.Position):
		return placeMoved
	}
	return placeTold
}

func worthTelling(news placeNews, passedOnly bool) bool {
	return news == placePassed || (news == placeMoved && !passedOnly)
}

// tellPlace queues user's notice of their new place pos (wait estimate
// bucket) and records it on their handoff, in one transaction of their
// scope; nothing when they are no longer waiting, their notice is up to
// date, or their 24-hour window is closed.
func (d *Desk) tellPlace(ctx context.Context, user string, pos, bucket int, now time.Time, passedOnly bool) ([]*store.OutboxItem, error) {
	var queued []*store.OutboxItem
	err := d.db.Write(ctx, store.UserScope(user), func(tx store.Writer) error {
		queued = nil
		h, err := store.GetHandoff[Handoff](ctx, tx, user)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return nil
		case err != nil:
			return err
		}
		if h.Status != Waiting || h.Notice == nil {
			return nil
		}
		news := queueChange(h.Notice, pos, bucket, now)
		if !worthTelling(news, passedOnly) {
			return nil
		}
		c, err := store.GetContact(ctx, tx, h.User)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		until := d.eng.WindowEnd(c.LastInboundAt)
		if c.LastInboundAt.IsZero() || !now.Before(until) {
			return nil
		}
		h.told(pos, bucket, now, news == placePassed)
		if err := store.PutHandoff(ctx, tx, h.ID, &h); err != nil {
			return err
		}
		o := whatsapp.Outbound{To: h.User, Kind: "text", Text: queueText(h.Lang, pos, bucket, news)}
		queued, err = d.eng.QueueReply(tx, h.User, d.phoneFor(&h), o, "bot", until, now)
		return err
	})
	return queued, err
}
