package bot

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
	HandoffEvOpen     = "open"     // the user asked for a person for the first time
	HandoffEvReopen   = "reopen"   // the user asked again after the last one was closed
	HandoffEvClaim    = "claim"    // an agent takes the conversation
	HandoffEvReply    = "reply"    // the owner writes to the user
	HandoffEvTransfer = "transfer" // the owner (or an admin) hands it to another agent
	HandoffEvRelease  = "release"  // the conversation goes back to the bot
	HandoffEvClose    = "close"    // ended with an outcome
)

// handoffNew is the status of a handoff not yet stored.
const handoffNew = ""

// HandoffLifecycle is the handoff's state machine: every change of
// Handoff.Status goes through it (see Handoff.fire). Replying and
// transferring keep the status; they are in the table because only an
// active handoff allows them.
var HandoffLifecycle = fsm.Events{
	{Name: HandoffEvOpen, Src: []string{handoffNew}, Dst: HandoffWaiting},
	{Name: HandoffEvReopen, Src: []string{HandoffClosed}, Dst: HandoffWaiting},
	{Name: HandoffEvClaim, Src: []string{HandoffWaiting}, Dst: HandoffActive},
	{Name: HandoffEvReply, Src: []string{HandoffActive}, Dst: HandoffActive},
	{Name: HandoffEvTransfer, Src: []string{HandoffActive}, Dst: HandoffActive},
	{Name: HandoffEvRelease, Src: []string{HandoffWaiting, HandoffActive}, Dst: HandoffClosed},
	{Name: HandoffEvClose, Src: []string{HandoffWaiting, HandoffActive}, Dst: HandoffClosed},
}

// agentEvents are what an agent asks for; a refusal names only these as
// the alternatives.
var agentEvents = []string{HandoffEvClaim, HandoffEvReply, HandoffEvTransfer, HandoffEvRelease, HandoffEvClose}

// fire moves h along the lifecycle by ev. A refusal is a *ConflictError
// (409 in the API) that says the status and what it allows.
func (h *Handoff) fire(ev string) error {
	m := fsm.NewFSM(h.Status, HandoffLifecycle, nil)
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
	if h.Status == HandoffClosed {
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
