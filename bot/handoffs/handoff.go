package handoffs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"lifeline/bot/whatsapp"
	"lifeline/flows"
	"lifeline/store"
	"lifeline/understand"
)

// Handoff states.
const (
	Waiting = "waiting"
	Active  = "active"
	Closed  = "closed"
)

// Handoff is a conversation that a person should take over. There is at
// most one open handoff per user; its id is the user's id. When a user
// asks again after a handoff was closed, the closed one is kept under
// the past handoffs (store.ArchiveHandoff) and a fresh one takes its place.
type Handoff struct {
	ID            string    `json:"id"`
	User          string    `json:"user"`
	Name          string    `json:"name,omitempty"`
	Status        string    `json:"status"`
	Priority      bool      `json:"priority,omitempty"`
	Urgent        bool      `json:"urgent,omitempty"`    // danger to life: before every other handoff
	Returning     bool      `json:"returning,omitempty"` // back within a day of a need-help or urgent one: see returns
	Reason        string    `json:"reason,omitempty"`
	Query         string    `json:"query,omitempty"`
	FirstMessage  string    `json:"first_message,omitempty"` // what the user wrote when they asked
	LastMessage   string    `json:"last_message,omitempty"`  // what the user wrote last while it was open
	LastMessageAt time.Time `json:"last_message_at,omitzero"`
	// Location is the last location the user shared while it was open.
	Location      *whatsapp.Location `json:"location,omitempty"`
	LocationAt    time.Time          `json:"location_at,omitzero"`
	Lang          string             `json:"lang,omitempty"`
	PhoneNumberID string             `json:"phone_number_id,omitempty"` // the number the user wrote to; agents answer from it
	// Channel is where the person last wrote while it was open: "sms",
	// or "" for WhatsApp. Agents' replies go out the same way.
	Channel      string    `json:"channel,omitempty"`
	Agent        string    `json:"agent,omitempty"`
	Outcome      string    `json:"outcome,omitempty"`
	Notes        []Note    `json:"notes,omitempty"`
	Log          []Action  `json:"log,omitempty"`
	Notice       *Notice   `json:"notice,omitempty"` // what the user was last told about the queue
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	ClaimedAt    time.Time `json:"claimed_at,omitzero"`
	FirstReplyAt time.Time `json:"first_reply_at,omitzero"`
	ClosedAt     time.Time `json:"closed_at,omitzero"`
}

// Note is an internal note on a handoff; the user never sees it.
type Note struct {
	At    time.Time `json:"at"`
	Agent string    `json:"agent"`
	Text  string    `json:"text"`
}

// Action is one step in a handoff's history: claimed, transferred, released, closed.
type Action struct {
	At     time.Time `json:"at"`
	Agent  string    `json:"agent,omitempty"`
	Action string    `json:"action"`
	Detail string    `json:"detail,omitempty"`
}

// Notice is the queue position and wait estimate last sent to the user.
type Notice struct {
	Position int       `json:"position"`
	Bucket   int       `json:"bucket"` // index into the wait ranges; -1 when no estimate could be made
	At       time.Time `json:"at"`
	// PassedAt is when the user was last told that someone was placed
	// ahead of them (see passedEvery); it outlives the notices after it.
	PassedAt time.Time `json:"passed_at,omitzero"`
}

// told records that the user was just told place pos and wait bucket.
func (h *Handoff) told(pos, bucket int, now time.Time, passed bool) {
	n := &Notice{Position: pos, Bucket: bucket, At: now}
	if h.Notice != nil {
		n.PassedAt = h.Notice.PassedAt
	}
	if passed {
		n.PassedAt = now
	}
	h.Notice = n
}

func (h *Handoff) record(at time.Time, agent, action, detail string) {
	h.Log = append(h.Log, Action{At: at, Agent: agent, Action: action, Detail: detail})
	h.UpdatedAt = at
}

// Open records a handoff request, or raises the priority (and
// urgency) of the one already open. It reports whether the handoff became
// urgent just now: an emergency to announce. A handoff that replaces a
// need-help or urgent one closed or released within flows.PriorityKeep
// is returning, whatever way the person came back (a message, a
// check-in answer, an SMS): the closed record itself says so.
func Open(tx store.Writer, user, name string, eff flows.Effect, at time.Time) (*Handoff, bool, error) {
	ctx := context.Background()
	h, err := store.GetHandoff[Handoff](ctx, tx, user)
	raised := false
	switch {
	case errors.Is(err, store.ErrNotFound) || (err == nil && h.Status == Closed):
		ev := EvOpen
		if err == nil {
			if err := store.ArchiveHandoff(ctx, tx, user, h.CreatedAt, h); err != nil {
				return nil, false, err
			}
			ev = EvReopen
		}
		// A fresh record takes the closed one's place; its status still
		// comes from the lifecycle.
		returning := err == nil && returns(&h, at)
		h = Handoff{ID: user, User: user, Name: name, Status: h.Status, Priority: eff.Priority || eff.Urgent || returning, Urgent: eff.Urgent,
			Returning: returning, Reason: eff.Reason, Query: eff.Query, CreatedAt: at}
		if err := h.fire(ev); err != nil {
			return nil, false, fmt.Errorf("open handoff: %w", err)
		}
		h.record(at, "", "opened", eff.Reason)
		raised = eff.Urgent
	case err != nil:
		return nil, false, err
	default:
		if eff.Urgent && !h.Urgent {
			h.Urgent, h.Priority, raised = true, true, true
			h.record(at, "", "urgent", eff.Reason)
		} else if eff.Priority && !h.Priority {
			h.Priority = true
			h.record(at, "", "priority", eff.Reason)
		}
	}
	if name != "" {
		h.Name = name
	}
	h.UpdatedAt = at
	return &h, raised, store.PutHandoff(ctx, tx, user, h)
}

// returns reports whether a new request at time at, from the person whose
// handoff closed, goes back to the front: the closed one was need-help
// or urgent and ended less than flows.PriorityKeep ago (the deadline the
// desk also sets on the session, flows.Session.PriorityUntil). They were
// told to write again and be answered with priority; compareQueue puts
// them ahead of everyone not in danger.
func returns(closed *Handoff, at time.Time) bool {
	return (closed.Priority || closed.Urgent) && !closed.ClosedAt.IsZero() && at.Before(closed.ClosedAt.Add(flows.PriorityKeep))
}

// NoteMessage adds what the user just wrote (or the location they
// shared) to their open handoff, waiting or claimed, so the queue and
// the console show the latest words beside the first ones.
func NoteMessage(tx store.Writer, user string, entry store.Entry, loc *whatsapp.Location, at time.Time) error {
	ctx := context.Background()
	h, err := store.GetHandoff[Handoff](ctx, tx, user)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	}
	if h.Status == Closed {
		return nil
	}
	h.Channel = ""
	switch {
	case loc != nil:
		l := *loc
		h.Location, h.LocationAt = &l, at
	case strings.TrimSpace(entry.Text) != "":
		h.LastMessage, h.LastMessageAt = flows.Truncate(entry.Text, 500), at
	default:
		h.LastMessage, h.LastMessageAt = "["+entry.Type+"]", at
	}
	h.UpdatedAt = at
	return store.PutHandoff(ctx, tx, user, h)
}

// SMSOutcome is what an SMS did at the desk (FromSMS).
type SMSOutcome struct {
	ToDesk bool // the message is with the desk now
	// Passes: the handoff it opened or raised may have passed people
	// waiting (PassesOthers).
	Passes bool
	// Emergency: it made the handoff urgent (opened it urgent, or raised
	// it), as Open reports; an SMS to a handoff already urgent is none.
	Emergency bool
	Reason    string // why it opened or raised the handoff
	Lang      string // the language of the SMS, else the handoff's
}

// FromSMS takes an SMS the person sent (already in their transcript) to
// the desk as a WhatsApp message would go: it joins their open handoff,
// or opens one when it asks for a person, for help or for the emergency
// number (danger first, then need of help or the number, at the front of
// the queue); danger or need of help raises the open one, as Open does
// for a WhatsApp message. The handoff's channel becomes SMS, so agents
// answer by SMS. Once tx has committed, the caller tells the people
// passed (Desk.TellPassed) and announces an emergency as the engine does
// for WhatsApp.
func FromSMS(tx store.Writer, user, text string, r understand.Result, at time.Time) (SMSOutcome, error) {
	ctx := context.Background()
	h, err := store.GetHandoff[Handoff](ctx, tx, user)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return SMSOutcome{}, err
	}
	open := err == nil && h.Status != Closed
	eff := flows.Effect{Kind: flows.EffectHandoff, Query: flows.Truncate(text, 200)}
	switch {
	case r.Has(understand.Danger):
		eff.Reason, eff.Urgent = "danger (sms)", true
	case r.Has(understand.NeedHelp):
		eff.Reason, eff.Priority = "needs help (sms)", true
	case r.NumberAsked:
		// The emergency number asked for, no emergency told: on WhatsApp
		// the bot gives it and asks whether anyone is in danger; nothing
		// answers an SMS but a person, so one does, ahead of the rest.
		eff.Reason, eff.Priority = "asks the emergency number (sms)", true
	case open:
		// Anything else joins the open handoff as it is.
	case r.Class == understand.Human:
		eff.Reason = "asked (sms)"
	default:
		return SMSOutcome{}, nil
	}
	out := SMSOutcome{ToDesk: true, Reason: eff.Reason}
	if eff.Reason != "" {
		c, err := store.GetContact(ctx, tx, user)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return SMSOutcome{}, err
		}
		opened, raised, err := Open(tx, user, c.Name, eff, at)
		if err != nil {
			return SMSOutcome{}, err
		}
		h, out.Passes, out.Emergency = *opened, PassesOthers(opened), raised
		if h.FirstMessage == "" {
			h.FirstMessage = flows.Truncate(text, 500)
		}
	}
	out.Lang = cmp.Or(r.Lang, h.Lang)
	h.Channel = "sms"
	h.LastMessage, h.LastMessageAt, h.UpdatedAt = flows.Truncate(text, 500), at, at
	return out, store.PutHandoff(ctx, tx, user, h)
}
