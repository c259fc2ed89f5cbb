package bot

import (
	"errors"
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
// most one open handoff per user; its id is the user's id.
type Handoff struct {
	ID        string    `json:"id"`
	User      string    `json:"user"`
	Name      string    `json:"name,omitempty"`
	Status    string    `json:"status"`
	Priority  bool      `json:"priority,omitempty"`
	Reason    string    `json:"reason,omitempty"`
	Query     string    `json:"query,omitempty"`
	Agent     string    `json:"agent,omitempty"`
	Outcome   string    `json:"outcome,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// openHandoff records a handoff request, or raises the priority of the
// one already open.
func openHandoff(tx *store.Txn, user, name string, eff flows.Effect, at time.Time) (*Handoff, error) {
	key := store.DocKey(store.DocHandoff, user)
	var h Handoff
	err := tx.GetJSON(key, &h)
	switch {
	case errors.Is(err, store.ErrNotFound) || (err == nil && h.Status == HandoffClosed):
		h = Handoff{ID: user, User: user, Name: name, Status: HandoffWaiting, Priority: eff.Priority, Reason: eff.Reason, Query: eff.Query, CreatedAt: at}
	case err != nil:
		return nil, err
	default:
		h.Priority = h.Priority || eff.Priority
	}
	h.UpdatedAt = at
	return &h, tx.SetJSON(key, h, 0)
}
