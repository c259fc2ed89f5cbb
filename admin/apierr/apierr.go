// Package apierr names what the admin server's own handlers refuse where
// no domain package owns the reason: a caller without valid credentials,
// with the wrong role, or failing too often; a request naming something
// that does not exist; a change the rules on accounts and tokens forbid;
// a part of the server that is off. Handlers say what happened;
// httpstatus.Of alone turns it into a status and body. The package sits
// apart from admin so that httpstatus can read these errors without
// importing the server.
package apierr

import (
	"fmt"
	"time"
)

// DenyKind is why a caller is refused.
type DenyKind int

const (
	// Unauthenticated: no credentials, or none that are valid now.
	Unauthenticated DenyKind = iota
	// Forbidden: valid credentials that may not make this request.
	Forbidden
	// Throttled: too many failed attempts from this client.
	Throttled
)

// Denied refuses the caller. Its text is what the client is told.
type Denied struct {
	Kind DenyKind
	Msg  string
	// RetryAfter, for Throttled, is how long until the client may try
	// again.
	RetryAfter time.Duration
}

func (e *Denied) Error() string { return e.Msg }

// Unauthenticatedf refuses a caller without valid credentials.
func Unauthenticatedf(format string, a ...any) error {
	return &Denied{Kind: Unauthenticated, Msg: fmt.Sprintf(format, a...)}
}

// Forbiddenf refuses a caller whose credentials do not allow the request.
func Forbiddenf(format string, a ...any) error {
	return &Denied{Kind: Forbidden, Msg: fmt.Sprintf(format, a...)}
}

// Throttle refuses a client that failed too often; it may try again
// after wait.
func Throttle(msg string, wait time.Duration) error {
	return &Denied{Kind: Throttled, Msg: msg, RetryAfter: wait}
}

// NotFound says that what a request names does not exist. Its text names
// the kind of thing, and the id only where repeating it is harmless.
type NotFound struct {
	What string // "token", "account", "session", "contact", "page"
	// ID is repeated to the client when set ("no account \"amira\"").
	ID string
	// By, when set, withholds the id, which is personal data, and says
	// what kind of id it was ("no contact with this WhatsApp id").
	By string
	// Why, when set, replaces the text: the thing exists, but not in this
	// configuration.
	Why string
	// Err is the cause, usually store.ErrNotFound; nil when the request's
	// id could not name anything at all.
	Err error
}

func (e *NotFound) Error() string {
	switch {
	case e.Why != "":
		return e.Why
	case e.By != "":
		return fmt.Sprintf("no %s with this %s", e.What, e.By)
	case e.ID != "":
		return fmt.Sprintf("no %s %q", e.What, e.ID)
	}
	return "no such " + e.What
}

func (e *NotFound) Unwrap() error { return e.Err }

// Conflict refuses a change that the rules on what is stored now forbid:
// an account name taken, the last admin token.
type Conflict struct{ Msg string }

func (e *Conflict) Error() string { return e.Msg }

// Conflictf returns a *Conflict saying what is in the way.
func Conflictf(format string, a ...any) error {
	return &Conflict{Msg: fmt.Sprintf(format, a...)}
}

// Unavailable says a part of the server is off (the webhook in sandbox
// mode) or stopping; the client may try again later.
type Unavailable struct{ Msg string }

func (e *Unavailable) Error() string { return e.Msg }

// NotReady is the readiness check's answer while the server cannot take
// work: the FAQ index still loading, a store that cannot write, a disk
// below its reserve. Reason says which, for the operator.
type NotReady struct{ Reason string }

func (e *NotReady) Error() string { return "not ready: " + e.Reason }
