package broadcast

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/looplab/fsm"
)

// Events of a broadcast's lifecycle. Admins pause, resume and cancel; the
// dispatcher and the control loop fire the others.
const (
	EvSchedule  = "schedule"   // created with a start time ahead
	EvStart     = "start"      // created to start now, or its start time came
	EvPause     = "pause"      // an admin paused it
	EvAlert     = "alert"      // an account-level error or a blocked template paused it
	EvResume    = "resume"     // an admin resumed it
	EvLimit     = "limit"      // the daily messaging limit is used up
	EvRoom      = "room"       // the daily messaging limit has room again
	EvRoundSent = "round_sent" // every recipient of the round handled
	EvRemind    = "remind"     // a reminder round is due
	EvComplete  = "complete"   // nothing more will be sent
	EvCancel    = "cancel"     // an admin cancelled it
	EvAbandon   = "abandon"    // nobody left to send to when it started
	// Two-person approval: a broadcast that needs a second admin is
	// created pending_approval; approval schedules it (the control loop
	// starts it at once when its start time has come), a rejection or
	// the end of its approval window cancels it.
	EvHold    = "hold"    // created, waiting for a second admin's approval
	EvApprove = "approve" // a second admin approved it
	EvReject  = "reject"  // a second admin rejected it
	EvExpire  = "expire"  // nobody approved it in time
)

// stateNew is the state of a broadcast not yet stored.
const stateNew = ""

// Lifecycle is the broadcast's state machine: every change of
// Broadcast.State goes through it (see fire and advance).
var Lifecycle = fsm.Events{
	{Name: EvSchedule, Src: []string{stateNew}, Dst: StateScheduled},
	{Name: EvStart, Src: []string{stateNew, StateScheduled}, Dst: StateSending},
	{Name: EvPause, Src: []string{StateScheduled, StateSending, StateWaitingLimit}, Dst: StatePaused},
	{Name: EvAlert, Src: []string{StateScheduled, StateSending, StateWaitingLimit}, Dst: StatePaused},
	{Name: EvResume, Src: []string{StatePaused}, Dst: StateSending},
	{Name: EvLimit, Src: []string{StateSending}, Dst: StateWaitingLimit},
	{Name: EvRoom, Src: []string{StateWaitingLimit}, Dst: StateSending},
	{Name: EvRoundSent, Src: []string{StateSending}, Dst: StateSent},
	{Name: EvRemind, Src: []string{StateSent}, Dst: StateSending},
	{Name: EvComplete, Src: []string{StateSent}, Dst: StateCompleted},
	{Name: EvCancel, Src: []string{StatePendingApproval, StateScheduled, StateSending, StatePaused, StateWaitingLimit, StateSent}, Dst: StateCancelled},
	{Name: EvAbandon, Src: []string{StateSending}, Dst: StateCancelled},
	{Name: EvHold, Src: []string{stateNew}, Dst: StatePendingApproval},
	{Name: EvApprove, Src: []string{StatePendingApproval}, Dst: StateScheduled},
	{Name: EvReject, Src: []string{StatePendingApproval}, Dst: StateCancelled},
	{Name: EvExpire, Src: []string{StatePendingApproval}, Dst: StateCancelled},
}

// adminEvents are the events an admin asks for; a refusal of one of them
// names only these as the alternatives, since the others are not theirs
// to ask for.
var adminEvents = []string{EvPause, EvResume, EvCancel, EvApprove, EvReject}

// StateError says an event is not allowed in the broadcast's current
// state. It matches ErrState (errors.Is), which the admin API answers
// with 409.
type StateError struct {
	ID      string
	State   string
	Event   string
	Allowed []string // events the current state allows, sorted
}

func (e *StateError) Error() string {
	allowed := e.Allowed
	if slices.Contains(adminEvents, e.Event) {
		allowed = slices.DeleteFunc(slices.Clone(allowed), func(ev string) bool { return !slices.Contains(adminEvents, ev) })
	}
	now := "nothing more"
	if len(allowed) > 0 {
		now = strings.Join(allowed, ", ")
	}
	state := e.State
	if state == stateNew {
		state = "not yet created"
	}
	return fmt.Sprintf("cannot %s broadcast %s: it is %s (allowed now: %s)", e.Event, e.ID, state, now)
}

// Is makes every refusal match ErrState.
func (e *StateError) Is(target error) bool { return target == ErrState }

// fire moves b along the lifecycle by ev, or says why it cannot.
func (b *Broadcast) fire(ev string) error {
	m := fsm.NewFSM(b.State, Lifecycle, nil)
	err := m.Event(context.Background(), ev)
	var invalid fsm.InvalidEventError
	switch {
	case err == nil:
	case errors.As(err, &invalid):
		allowed := m.AvailableTransitions()
		slices.Sort(allowed)
		return &StateError{ID: b.ID, State: b.State, Event: ev, Allowed: allowed}
	default:
		// An event missing from the table: a programming error.
		return fmt.Errorf("broadcast %s: %s from %s: %w", b.ID, ev, b.State, err)
	}
	b.State = m.Current()
	return nil
}

// advance fires ev when the current state allows it and reports whether
// it did. The dispatcher's own events use it: an admin's change made
// meanwhile (a pause, a cancellation) wins, and the event does nothing.
func (b *Broadcast) advance(ev string) bool {
	return b.fire(ev) == nil
}
