package bot

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"lifeline/flows"
	"lifeline/store"
)

// Handoff states.
const (
	HandoffWaiting = "waiting"
	HandoffActive  = "active"
	HandoffClosed  = "closed"
)

// Handoff is a conversation that a person should take over. There is at
// most one open handoff per user; its id is the user's id. When a user
// asks again after a handoff was closed, the closed one is kept under
// store.DocHandoffPast and a fresh one takes its place.
type Handoff struct {
	ID            string    `json:"id"`
	User          string    `json:"user"`
	Name          string    `json:"name,omitempty"`
	Status        string    `json:"status"`
	Priority      bool      `json:"priority,omitempty"`
	Reason        string    `json:"reason,omitempty"`
	Query         string    `json:"query,omitempty"`
	FirstMessage  string    `json:"first_message,omitempty"` // what the user wrote when they asked
	Lang          string    `json:"lang,omitempty"`
	PhoneNumberID string    `json:"phone_number_id,omitempty"` // the number the user wrote to; agents answer from it
	Agent         string    `json:"agent,omitempty"`
	Outcome       string    `json:"outcome,omitempty"`
	Notes         []Note    `json:"notes,omitempty"`
	Log           []Action  `json:"log,omitempty"`
	Notice        *Notice   `json:"notice,omitempty"` // what the user was last told about the queue
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	ClaimedAt     time.Time `json:"claimed_at,omitzero"`
	FirstReplyAt  time.Time `json:"first_reply_at,omitzero"`
	ClosedAt      time.Time `json:"closed_at,omitzero"`
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
}

func (h *Handoff) record(at time.Time, agent, action, detail string) {
	h.Log = append(h.Log, Action{At: at, Agent: agent, Action: action, Detail: detail})
	h.UpdatedAt = at
}

// openHandoff records a handoff request, or raises the priority of the
// one already open.
func openHandoff(tx *store.Txn, user, name string, eff flows.Effect, at time.Time) (*Handoff, error) {
	key := store.DocKey(store.DocHandoff, user)
	var h Handoff
	err := tx.GetJSON(key, &h)
	switch {
	case errors.Is(err, store.ErrNotFound) || (err == nil && h.Status == HandoffClosed):
		if err == nil {
			past := store.DocKey(store.DocHandoffPast, user+"/"+strconv.FormatInt(h.CreatedAt.UnixNano(), 10))
			if err := tx.SetJSON(past, h, 0); err != nil {
				return nil, fmt.Errorf("keep closed handoff: %w", err)
			}
		}
		h = Handoff{ID: user, User: user, Name: name, Status: HandoffWaiting, Priority: eff.Priority, Reason: eff.Reason, Query: eff.Query, CreatedAt: at}
		h.record(at, "", "opened", eff.Reason)
	case err != nil:
		return nil, err
	default:
		if eff.Priority && !h.Priority {
			h.Priority = true
			h.record(at, "", "priority", eff.Reason)
		}
	}
	if name != "" {
		h.Name = name
	}
	h.UpdatedAt = at
	return &h, tx.SetJSON(key, h, 0)
}
