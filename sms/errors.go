package sms

import (
	"fmt"
	"net/http"
)

// Action is what a failed send means. Every code maps to one Action in
// the table below, so what to retry, record or alert is decided once.
type Action int

const (
	// ActionRetry: the provider did not take the message (throttled, a
	// server error); send it again after a backoff.
	ActionRetry Action = iota
	// ActionRecipientFailed: final for this recipient (invalid number,
	// not a mobile); record it on the contact.
	ActionRecipientFailed
	// ActionOptedOut: the recipient replied STOP to this sender; final,
	// and recorded as an SMS opt-out.
	ActionOptedOut
	// ActionAlert: account, credentials or region; stop sending SMS and
	// tell an admin.
	ActionAlert
)

func (a Action) String() string {
	switch a {
	case ActionRetry:
		return "retry"
	case ActionRecipientFailed:
		return "recipient-failed"
	case ActionOptedOut:
		return "opted-out"
	case ActionAlert:
		return "alert"
	}
	return fmt.Sprintf("action(%d)", int(a))
}

// codeActions is the one table of provider error codes.
var codeActions = map[int]Action{
	20003: ActionAlert,           // authentication failed
	20429: ActionRetry,           // too many requests
	21211: ActionRecipientFailed, // invalid To number
	21408: ActionAlert,           // region not enabled for the account
	21610: ActionOptedOut,        // recipient replied STOP
	21614: ActionRecipientFailed, // To is not a mobile number
	21612: ActionRecipientFailed, // To cannot be reached from this sender
	21606: ActionAlert,           // From is not a number of the account
	20404: ActionAlert,           // account or resource not found
}

// Error is a failed send: the provider's error JSON, or a transport failure.
type Error struct {
	HTTPStatus int
	Code       int // the provider's code; 0 when none came
	Message    string
	// Unknown: the request may have reached the provider (a timeout, a
	// broken answer); sending again could reach the person twice.
	Unknown bool
	Err     error
}

func (e *Error) Error() string {
	switch {
	case e.Code != 0:
		return fmt.Sprintf("sms provider error %d (http %d): %s", e.Code, e.HTTPStatus, e.Message)
	case e.Err != nil:
		return "sms provider: " + e.Err.Error()
	}
	return fmt.Sprintf("sms provider: http %d: %s", e.HTTPStatus, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Action classifies the error.
func (e *Error) Action() Action { return Classify(e.HTTPStatus, e.Code) }

// Classify maps a provider answer to an Action: the code first, then the
// HTTP status (429 and 5xx are retried). Unknown 4xx codes are final for
// the recipient, never retried in a loop.
func Classify(httpStatus, code int) Action {
	if a, ok := codeActions[code]; ok {
		return a
	}
	switch {
	case httpStatus == http.StatusTooManyRequests, httpStatus >= 500, httpStatus == 0:
		return ActionRetry
	case httpStatus == http.StatusUnauthorized:
		return ActionAlert
	}
	return ActionRecipientFailed
}
