package bot

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"lifeline/bot/whatsapp"
	"lifeline/catalog"
	"lifeline/flows"
	"lifeline/store"
)

// ConflictError says a handoff is not in a state that allows what was
// asked: claimed by someone else, closed, or outside the 24-hour window.
// The API answers it with 409 and its message. A refusal by the handoff
// lifecycle also names the status, the event and what the status allows.
type ConflictError struct {
	Msg     string
	State   string   // set for a lifecycle refusal
	Event   string   // set for a lifecycle refusal
	Allowed []string // events the status allows, sorted; set for a lifecycle refusal
	window  bool
}

func (e *ConflictError) Error() string { return e.Msg }

// Is matches ErrWindowClosed for the conflict of a late free-text reply.
func (e *ConflictError) Is(target error) bool { return e.window && target == ErrWindowClosed }

// InvalidError says the request itself is wrong (empty text, unknown
// status); the API answers 400.
type InvalidError struct{ Msg string }

func (e *InvalidError) Error() string { return e.Msg }

func conflictf(format string, a ...any) error { return &ConflictError{Msg: fmt.Sprintf(format, a...)} }
func invalidf(format string, a ...any) error  { return &InvalidError{Msg: fmt.Sprintf(format, a...)} }

// ErrWindowClosed is matched (errors.Is) by the conflict returned for a
// free-text reply after the 24-hour window has closed.
var ErrWindowClosed = errors.New("24-hour window closed")

// HandoffView is a handoff with what the console needs to show it.
type HandoffView struct {
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

// HandoffDetail is one handoff with its whole conversation.
type HandoffDetail struct {
	HandoffView
	Messages  []TranscriptEntry   `json:"messages"`
	Templates []whatsapp.Template `json:"templates"`
}

// AgentReply is what an agent sends: free text, or a template once the
// 24-hour window has closed.
type AgentReply struct {
	Text     string             `json:"text,omitempty"`
	Template *whatsapp.Template `json:"template,omitempty"`
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
func (e *Engine) Templates() []whatsapp.Template {
	if e.cfg.ReengageTemplate == nil {
		return []whatsapp.Template{}
	}
	return []whatsapp.Template{*e.cfg.ReengageTemplate}
}

// HandoffOverdue is how long a handoff may wait unclaimed before it is flagged.
func (e *Engine) HandoffOverdue() time.Duration {
	if e.cfg.HandoffOverdue > 0 {
		return e.cfg.HandoffOverdue
	}
	return 5 * time.Minute
}

// Handoffs lists handoffs with the given status ("waiting", "active",
// "closed"; empty for waiting and active). Open handoffs come urgent
// first, then priority, then longest waiting first; closed ones newest first.
func (e *Engine) Handoffs(status string) ([]HandoffView, error) {
	switch status {
	case "", HandoffWaiting, HandoffActive, HandoffClosed:
	default:
		return nil, invalidf("status must be waiting, active or closed, not %q", status)
	}
	now := e.now()
	var out []HandoffView
	err := e.db.View(func(tx *store.Txn) error {
		all, err := loadHandoffs(tx)
		if err != nil {
			return err
		}
		positions := queuePositions(all)
		for _, h := range all {
			if (status == "" && h.Status == HandoffClosed) || (status != "" && h.Status != status) {
				continue
			}
			v, err := e.view(tx, h, positions[h.ID], now)
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
	if status == HandoffClosed {
		slices.SortFunc(out, func(a, b HandoffView) int { return b.ClosedAt.Compare(a.ClosedAt) })
		if len(out) > maxClosedListed {
			out = out[:maxClosedListed]
		}
	} else {
		slices.SortStableFunc(out, func(a, b HandoffView) int { return compareQueue(&a.Handoff, &b.Handoff) })
	}
	if out == nil {
		out = []HandoffView{}
	}
	return out, nil
}

// compareQueue orders waiting before active; then urgent (danger to
// life) first, then priority (needs help), then the rest; oldest first
// within each.
func compareQueue(a, b *Handoff) int {
	if a.Status != b.Status {
		if a.Status == HandoffWaiting {
			return -1
		}
		if b.Status == HandoffWaiting {
			return 1
		}
	}
	if a.Urgent != b.Urgent {
		if a.Urgent {
			return -1
		}
		return 1
	}
	if a.Priority != b.Priority {
		if a.Priority {
			return -1
		}
		return 1
	}
	return a.CreatedAt.Compare(b.CreatedAt)
}

func loadHandoffs(tx *store.Txn) ([]Handoff, error) {
	var all []Handoff
	err := tx.Scan(store.DocPrefix(store.DocHandoff), func(k store.Key, v []byte) error {
		var h Handoff
		if err := json.Unmarshal(v, &h); err != nil {
			return fmt.Errorf("decode handoff: %w", err)
		}
		all = append(all, h)
		return nil
	})
	return all, err
}

// queuePositions numbers the waiting handoffs in queue order.
func queuePositions(all []Handoff) map[string]int {
	var waiting []*Handoff
	for i := range all {
		if all[i].Status == HandoffWaiting {
			waiting = append(waiting, &all[i])
		}
	}
	slices.SortStableFunc(waiting, compareQueue)
	pos := make(map[string]int, len(waiting))
	for i, h := range waiting {
		pos[h.ID] = i + 1
	}
	return pos
}

func (e *Engine) view(tx *store.Txn, h Handoff, position int, now time.Time) (HandoffView, error) {
	v := HandoffView{Handoff: h, Position: position}
	v.Notice = nil
	end := now
	switch {
	case !h.ClaimedAt.IsZero():
		end = h.ClaimedAt
	case h.Status == HandoffClosed:
		end = h.ClosedAt
	}
	v.WaitSeconds = int64(end.Sub(h.CreatedAt) / time.Second)
	v.Overdue = h.Status == HandoffWaiting && now.Sub(h.CreatedAt) > e.HandoffOverdue()
	var c store.Contact
	if err := tx.GetJSON(store.ContactKey(h.User), &c); err != nil && !errors.Is(err, store.ErrNotFound) {
		return v, fmt.Errorf("load contact: %w", err)
	}
	if !c.LastInboundAt.IsZero() {
		v.WindowUntil = e.windowUntil(c)
		v.WindowOpen = now.Before(v.WindowUntil)
	}
	return v, nil
}

// windowUntil is when free-form messages stop being allowed: 24 hours
// after the user's last message, less the engine's safety margin.
func (e *Engine) windowUntil(c store.Contact) time.Time {
	return c.LastInboundAt.Add(24*time.Hour - e.cfg.WindowMargin)
}

// Handoff returns one handoff with the user's whole conversation: their
// messages, the bot's and agents' replies, check-in answers and notes.
func (e *Engine) Handoff(id string) (HandoffDetail, error) {
	now := e.now()
	var d HandoffDetail
	err := e.db.View(func(tx *store.Txn) error {
		var h Handoff
		if err := tx.GetJSON(store.DocKey(store.DocHandoff, id), &h); err != nil {
			return err
		}
		pos := 0
		if h.Status == HandoffWaiting {
			all, err := loadHandoffs(tx)
			if err != nil {
				return err
			}
			pos = queuePositions(all)[h.ID]
		}
		v, err := e.view(tx, h, pos, now)
		if err != nil {
			return err
		}
		d.HandoffView = v
		entries, err := e.Transcript(tx, h.User, maxTranscript)
		if err != nil {
			return err
		}
		for _, en := range entries {
			te := TranscriptEntry{Entry: en}
			if json.Valid(te.Payload) {
				te.Message = json.RawMessage(te.Payload)
			}
			te.Payload = nil
			d.Messages = append(d.Messages, te)
		}
		return nil
	})
	if err != nil {
		return HandoffDetail{}, fmt.Errorf("load handoff: %w", err)
	}
	if d.Messages == nil {
		d.Messages = []TranscriptEntry{}
	}
	d.Templates = e.Templates()
	return d, nil
}

// change runs fn on handoff id and its user's session in one transaction
// and saves both. Badger aborts a transaction whose reads another commit
// has changed, and store.Update runs it again on the new state: that is
// what makes two simultaneous claims end with exactly one owner.
func (e *Engine) change(id string, fn func(tx *store.Txn, h *Handoff, sess *flows.Session, now time.Time) (changed bool, err error)) (Handoff, error) {
	now := e.now()
	var h Handoff
	changed := false
	err := e.db.Update(func(tx *store.Txn) error {
		h = Handoff{}
		if err := tx.GetJSON(store.DocKey(store.DocHandoff, id), &h); err != nil {
			return err
		}
		var sess flows.Session
		if err := tx.GetJSON(store.SessionKey(h.User), &sess); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("load session: %w", err)
		}
		var err error
		if changed, err = fn(tx, &h, &sess, now); err != nil || !changed {
			return err
		}
		if err := tx.SetJSON(store.SessionKey(h.User), sess, 0); err != nil {
			return err
		}
		return tx.SetJSON(store.DocKey(store.DocHandoff, id), h, 0)
	})
	if err != nil {
		return Handoff{}, err
	}
	if changed {
		e.emit(Event{Kind: "handoff", User: h.User, At: now})
	}
	return h, nil
}

// ownedBy refuses an agent who does not own a claimed handoff, unless
// force (an admin); what the status allows is the lifecycle's to say.
func ownedBy(h *Handoff, agent string, force bool) error {
	if h.Status == HandoffActive && h.Agent != agent && !force {
		return conflictf("this conversation belongs to %s; ask them or an admin to transfer it", h.Agent)
	}
	return nil
}

// Claim makes agent the owner of handoff id; from then on the bot is
// silent in that conversation. Claiming one's own handoff again is a
// no-op; a handoff someone else owns, or a closed one, is a conflict.
func (e *Engine) Claim(id, agent string) (Handoff, error) {
	h, err := e.change(id, func(_ *store.Txn, h *Handoff, sess *flows.Session, now time.Time) (bool, error) {
		if h.Status == HandoffActive {
			if h.Agent == agent {
				return false, nil
			}
			return false, conflictf("already claimed by %s", h.Agent)
		}
		if err := h.fire(HandoffEvClaim); err != nil {
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
	e.log.Info().Str("user", whatsapp.MaskPhone(h.User)).Str("agent", agent).Msg("handoff claimed")
	e.refreshQueue()
	return h, nil
}

// Reply sends an agent's message in handoff id, which the agent must own.
// Free text is allowed while the 24-hour window is open; after that only
// a template.
func (e *Engine) Reply(id, agent string, r AgentReply) (store.Entry, error) {
	r.Text = strings.TrimSpace(r.Text)
	switch {
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
	_, err := e.change(id, func(tx *store.Txn, h *Handoff, _ *flows.Session, now time.Time) (bool, error) {
		queued, entry = queued[:0], store.Entry{}
		if err := ownedBy(h, agent, false); err != nil {
			return false, err
		}
		if err := h.fire(HandoffEvReply); err != nil {
			return false, err
		}
		var c store.Contact
		if err := tx.GetJSON(store.ContactKey(h.User), &c); err != nil && !errors.Is(err, store.ErrNotFound) {
			return false, fmt.Errorf("load contact: %w", err)
		}
		until := e.windowUntil(c)
		o := whatsapp.Outbound{To: h.User, Kind: "text", Text: r.Text}
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
		items, err := e.queueReply(tx, h.User, e.phoneFor(h), o, "agent:"+agent, until, now)
		if err != nil {
			return false, err
		}
		queued = append(queued, items...)
		if len(items) > 0 {
			if err := tx.GetJSON(store.TranscriptKey(h.User, items[0].TranscriptSeq), &entry); err != nil {
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
		e.outbox.Add(it.User, it)
	}
	e.emit(Event{Kind: "message", User: id, At: e.now()})
	return entry, nil
}

// Note adds an internal note to handoff id; any agent may, in any state.
func (e *Engine) Note(id, agent, text string) (Note, error) {
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > maxNote {
		return Note{}, invalidf("a note needs \"text\" of 1 to %d characters", maxNote)
	}
	var n Note
	_, err := e.change(id, func(_ *store.Txn, h *Handoff, _ *flows.Session, now time.Time) (bool, error) {
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
func (e *Engine) Transfer(id, agent, to string, force bool) (Handoff, error) {
	if to == "" {
		return Handoff{}, invalidf("give \"to\": the agent to transfer to")
	}
	h, err := e.change(id, func(_ *store.Txn, h *Handoff, _ *flows.Session, now time.Time) (bool, error) {
		if err := ownedBy(h, agent, force); err != nil {
			return false, err
		}
		if err := h.fire(HandoffEvTransfer); err != nil {
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
func (e *Engine) Release(id, agent string, force bool) (Handoff, error) {
	return e.finishHandoff(id, agent, HandoffEvRelease, "released", "released", force)
}

// CloseHandoff ends the handoff with an outcome; the bot answers the user again.
func (e *Engine) CloseHandoff(id, agent, outcome string, force bool) (Handoff, error) {
	outcome = strings.TrimSpace(outcome)
	if outcome == "" || utf8.RuneCountInString(outcome) > maxOutcome {
		return Handoff{}, invalidf("give an \"outcome\" of 1 to %d characters", maxOutcome)
	}
	return e.finishHandoff(id, agent, HandoffEvClose, "closed", outcome, force)
}

func (e *Engine) finishHandoff(id, agent, event, action, outcome string, force bool) (Handoff, error) {
	var queued []*store.OutboxItem
	h, err := e.change(id, func(tx *store.Txn, h *Handoff, sess *flows.Session, now time.Time) (bool, error) {
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
			items, err := e.tellEnded(tx, h, sess, action, now)
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
		e.outbox.Add(it.User, it)
	}
	e.log.Info().Str("user", whatsapp.MaskPhone(h.User)).Str("agent", agent).Str("action", action).Msg("handoff ended")
	e.refreshQueue()
	return h, nil
}

// tellEnded queues the message telling the user, in their language, that
// the team closed their conversation or gave it back to the bot, while
// the 24-hour window allows free text.
func (e *Engine) tellEnded(tx *store.Txn, h *Handoff, sess *flows.Session, action string, now time.Time) ([]*store.OutboxItem, error) {
	var c store.Contact
	if err := tx.GetJSON(store.ContactKey(h.User), &c); err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("load contact: %w", err)
	}
	until := e.windowUntil(c)
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
	return e.queueReply(tx, h.User, e.phoneFor(h), o, "bot", until, now)
}

// RequestHandoff opens (or raises the priority of) a handoff for user
// outside a conversation turn: a check-in answered "I need help" is the
// example. The user is told their place in the queue.
func (e *Engine) RequestHandoff(user, reason string, priority bool) error {
	now := e.now()
	var queued []*store.OutboxItem
	err := e.db.Update(func(tx *store.Txn) error {
		queued = queued[:0]
		var c store.Contact
		if err := tx.GetJSON(store.ContactKey(user), &c); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("load contact: %w", err)
		}
		var sess flows.Session
		if err := tx.GetJSON(store.SessionKey(user), &sess); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("load session: %w", err)
		}
		if sess.State != flows.StateHandoff {
			sess.AwaitingAgent = true
			if err := tx.SetJSON(store.SessionKey(user), sess, 0); err != nil {
				return err
			}
		}
		h, _, err := openHandoff(tx, user, c.Name, flows.Effect{Kind: flows.EffectHandoff, Reason: reason, Priority: priority}, now)
		if err != nil {
			return err
		}
		lang := sess.Lang
		if lang == "" {
			lang = c.Language
		}
		var until time.Time
		if !c.LastInboundAt.IsZero() {
			until = e.windowUntil(c)
		}
		_, items, err := e.queueNotice(tx, h, "", lang, "", until, now)
		queued = items
		return err
	})
	if err != nil {
		return fmt.Errorf("request handoff: %w", err)
	}
	for _, it := range queued {
		e.outbox.Add(it.User, it)
	}
	e.emit(Event{Kind: "handoff", User: user, At: now})
	return nil
}

// queueNotice completes a handoff that was just opened or asked for again
// (the number to answer from, the user's words) and, while it waits and
// the window is open, queues a message with the user's place in the
// queue and an honest estimate of the wait. It returns the message, for
// the sandbox chat, and the outbox items to hand to the outbox after commit.
func (e *Engine) queueNotice(tx *store.Txn, h *Handoff, phone, lang, text string, windowUntil, now time.Time) ([]whatsapp.Outbound, []*store.OutboxItem, error) {
	return e.queueNoticeFor(tx, h, phone, lang, text, windowUntil, now, false)
}

// queueNoticeFor is queueNotice; asked is true when the user asked where
// they are ("how long?"), which is answered even when nothing changed.
func (e *Engine) queueNoticeFor(tx *store.Txn, h *Handoff, phone, lang, text string, windowUntil, now time.Time, asked bool) ([]whatsapp.Outbound, []*store.OutboxItem, error) {
	if phone != "" {
		h.PhoneNumberID = phone
	}
	if lang != "" {
		h.Lang = lang
	}
	if h.FirstMessage == "" && strings.TrimSpace(text) != "" {
		h.FirstMessage = flows.Truncate(text, 500)
	}
	key := store.DocKey(store.DocHandoff, h.ID)
	if h.Status != HandoffWaiting || windowUntil.IsZero() || !now.Before(windowUntil) {
		return nil, nil, tx.SetJSON(key, h, 0)
	}
	all, err := loadHandoffs(tx)
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
		return nil, nil, tx.SetJSON(key, h, 0)
	}
	h.Notice = &Notice{Position: pos, Bucket: bucket, At: now}
	if err := tx.SetJSON(key, h, 0); err != nil {
		return nil, nil, err
	}
	o := whatsapp.Outbound{To: h.User, Kind: "text", Text: queueText(h.Lang, pos, bucket, false)}
	items, err := e.queueReply(tx, h.User, e.phoneFor(h), o, "bot", windowUntil, now)
	return []whatsapp.Outbound{o}, items, err
}

// queueStatus answers someone waiting who asks where they are, or grows
// impatient: their place and the wait, even if nothing has changed. If
// their handoff is no longer waiting (closed meanwhile), they are queued again.
func (e *Engine) queueStatus(tx *store.Txn, user, name, phone string, sess flows.Session, windowUntil, now time.Time) ([]whatsapp.Outbound, []*store.OutboxItem, error) {
	var h Handoff
	err := tx.GetJSON(store.DocKey(store.DocHandoff, user), &h)
	switch {
	case errors.Is(err, store.ErrNotFound) || (err == nil && h.Status == HandoffClosed):
		hp, _, err := openHandoff(tx, user, name, flows.Effect{Kind: flows.EffectHandoff, Reason: "asked",
			Priority: now.Before(sess.PriorityUntil)}, now)
		if err != nil {
			return nil, nil, err
		}
		h = *hp
	case err != nil:
		return nil, nil, fmt.Errorf("load handoff: %w", err)
	case h.Status == HandoffActive:
		// A person has it already: they answer, the bot says nothing.
		return nil, nil, nil
	}
	return e.queueNoticeFor(tx, &h, phone, sess.Lang, "", windowUntil, now, true)
}

// noticeRepeatAfter is how long an unchanged place in the queue is not
// told again.
const noticeRepeatAfter = 2 * time.Minute

func (e *Engine) phoneFor(h *Handoff) string {
	if h.PhoneNumberID != "" {
		return h.PhoneNumberID
	}
	return e.cfg.PhoneNumberIDs[0]
}

// refreshQueue tells waiting users their new place when the queue has
// moved noticeably: the wait estimate changed range, or their position
// halved (which includes becoming next). It runs after a claim or close;
// a failure costs an update message, not the claim.
func (e *Engine) refreshQueue() {
	now := e.now()
	var queued []*store.OutboxItem
	err := e.db.Update(func(tx *store.Txn) error {
		queued = queued[:0]
		all, err := loadHandoffs(tx)
		if err != nil {
			return err
		}
		positions := queuePositions(all)
		for i := range all {
			h := &all[i]
			if h.Status != HandoffWaiting || h.Notice == nil {
				continue
			}
			pos := positions[h.ID]
			bucket := estimateBucket(all, pos, now)
			moved := bucket != h.Notice.Bucket || (h.Notice.Position >= 2 && pos*2 <= h.Notice.Position)
			if !moved {
				continue
			}
			var c store.Contact
			if err := tx.GetJSON(store.ContactKey(h.User), &c); err != nil && !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("load contact: %w", err)
			}
			until := e.windowUntil(c)
			if c.LastInboundAt.IsZero() || !now.Before(until) {
				continue
			}
			h.Notice = &Notice{Position: pos, Bucket: bucket, At: now}
			if err := tx.SetJSON(store.DocKey(store.DocHandoff, h.ID), h, 0); err != nil {
				return err
			}
			o := whatsapp.Outbound{To: h.User, Kind: "text", Text: queueText(h.Lang, pos, bucket, true)}
			items, err := e.queueReply(tx, h.User, e.phoneFor(h), o, "bot", until, now)
			if err != nil {
				return err
			}
			queued = append(queued, items...)
		}
		return nil
	})
	if err != nil {
		e.log.Warn().Err(err).Msg("update queue positions")
		return
	}
	for _, it := range queued {
		e.outbox.Add(it.User, it)
		e.emit(Event{Kind: "reply", User: it.User, At: now})
	}
}

// waitRanges are the upper bounds of the wait estimates users are told:
// ranges, never a precise number of minutes nobody can promise.
var waitRanges = []time.Duration{5 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour}

// estimateBucket estimates the wait at position pos from how long recent
// handoffs waited before an agent claimed them: the median recent wait
// times the position. -1 means there is no recent claim to learn from.
func estimateBucket(all []Handoff, pos int, now time.Time) int {
	var recent []Handoff
	for _, h := range all {
		if !h.ClaimedAt.IsZero() && now.Sub(h.ClaimedAt) < estimateLookback {
			recent = append(recent, h)
		}
	}
	if len(recent) == 0 || pos <= 0 {
		return -1
	}
	slices.SortFunc(recent, func(a, b Handoff) int { return b.ClaimedAt.Compare(a.ClaimedAt) })
	if len(recent) > estimateSamples {
		recent = recent[:estimateSamples]
	}
	waits := make([]time.Duration, len(recent))
	for i, h := range recent {
		waits[i] = h.ClaimedAt.Sub(h.CreatedAt)
	}
	slices.Sort(waits)
	est := waits[len(waits)/2] * time.Duration(pos)
	for i, limit := range waitRanges {
		if est < limit {
			return i
		}
	}
	return len(waitRanges)
}

// queueText is the message telling a user their place and the wait.
func queueText(lang string, pos, bucket int, update bool) string {
	t := catalog.For(lang)
	ranges := t.WaitRanges()
	var b strings.Builder
	if update {
		b.WriteString(t.QueueUpdate)
	}
	if pos <= 1 {
		b.WriteString(t.QueueNext)
	} else {
		fmt.Fprintf(&b, t.QueuePosition, pos)
	}
	b.WriteByte(' ')
	if bucket < 0 || bucket >= len(ranges) {
		b.WriteString(t.QueueUnknown)
	} else {
		fmt.Fprintf(&b, t.QueueWait, ranges[bucket])
	}
	return b.String()
}
