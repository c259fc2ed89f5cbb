package handoffs

import (
	"errors"
	"fmt"
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
