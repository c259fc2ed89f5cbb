package handoffs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/looplab/fsm"
)

// Events of a handoff's lifecycle. The user's request opens and reopens a
// handoff; agents claim, reply, transfer, release and close it.
const (
	EvOpen     = "open"     // the user asked for a person for the first time
	EvReopen   = "reopen"   // the user asked again after the last one was closed
	EvClaim    = "claim"    // an agent takes the conversation
	EvReply    = "reply"    // the owner writes to the user
	EvTransfer = "transfer" // the owner (or an admin) hands it to another agent
	EvRelease  = "release"  // the conversation goes back to the bot
	EvClose    = "close"    // ended with an outcome
)

// handoffNew is the status of a handoff not yet stored.
const handoffNew = ""

// Lifecycle is the handoff's state machine: every change of
// Handoff.Status goes through it (see Handoff.fire). Replying and
// transferring keep the status; they are in the table because only an
// active handoff allows them.
var Lifecycle = fsm.Events{
	{Name: EvOpen, Src: []string{handoffNew}, Dst: Waiting},
	{Name: EvReopen, Src: []string{Closed}, Dst: Waiting},
	{Name: EvClaim, Src: []string{Waiting}, Dst: Active},
	{Name: EvReply, Src: []string{Active}, Dst: Active},
	{Name: EvTransfer, Src: []string{Active}, Dst: Active},
	{Name: EvRelease, Src: []string{Waiting, Active}, Dst: Closed},
	{Name: EvClose, Src: []string{Waiting, Active}, Dst: Closed},
}

// agentEvents are what an agent asks for; a refusal names only these as
// the alternatives.
var agentEvents = []string{EvClaim, EvReply, EvTransfer, EvRelease, EvClose}

// fire moves h along the lifecycle by ev. A refusal is a *ConflictError
// (409 in the API) that says the status and what it allows.
func (h *Handoff) fire(ev string) error {
	m := fsm.NewFSM(h.Status, Lifecycle, nil)
	err := m.Event(context.Background(), ev)
	var (
		invalid fsm.InvalidEventError
		same    fsm.NoTransitionError
	)
	switch {
	case err == nil:
	case errors.As(err, &same) && same.Err == nil:
		// A self-transition (reply, transfer): allowed, nothing changes.
	case errors.As(err, &invalid):
		allowed := m.AvailableTransitions()
		slices.Sort(allowed)
		return &ConflictError{Msg: handoffRefusal(h, ev, allowed), State: h.Status, Event: ev, Allowed: allowed}
	default:
		// An event missing from the table: a programming error.
		return fmt.Errorf("handoff %s: %s from %q: %w", h.ID, ev, h.Status, err)
	}
	h.Status = m.Current()
	return nil
}

func handoffRefusal(h *Handoff, ev string, allowed []string) string {
	if h.Status == Closed {
		return fmt.Sprintf("cannot %s: this conversation is closed (%s); it reopens when the user asks for a person again", ev, h.Outcome)
	}
	status := h.Status
	if status == handoffNew {
		status = "not yet opened"
	}
	if slices.Contains(agentEvents, ev) {
		allowed = slices.DeleteFunc(slices.Clone(allowed), func(e string) bool { return !slices.Contains(agentEvents, e) })
	}
	now := "nothing"
	if len(allowed) > 0 {
		now = strings.Join(allowed, ", ")
	}
	return fmt.Sprintf("cannot %s: this conversation is %s (possible now: %s)", ev, status, now)
}
