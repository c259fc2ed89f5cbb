package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// CodeUndeliverable is WhatsApp's 131026, "message undeliverable": the
// number is not on WhatsApp, its owner has not accepted the terms of
// service, or the app is too old. It is the only code that makes a contact
// unreachable: 131050 (stopped marketing messages) is a choice about one
// kind of message, and the other recipient codes (131047 window closed,
// 131049 marketing limit) pass with time or with a template.
const CodeUndeliverable = 131026

// Reachability of a contact has one rule, written here and nowhere else:
// a 131026 marks the contact unreachable, with the time and the code, and
// broadcasts leave it out; a message from the person, or an admin, makes
// it reachable again. Every other recipient error is only noted as the
// contact's last error code.

// MarkUnreachable records a final recipient error (from the send call or a
// failed status webhook) reported at time at. A 131026 marks the contact
// unreachable unless the person has written in, or an admin cleared the
// mark, since the failure: a late status webhook must not undo either. It
// never clears the flag.
// A person with no contact record is left alone. It reports whether the
// contact is now marked unreachable by this call.
func MarkUnreachable(tx Writer, waID string, code int, at time.Time) (bool, error) {
	c, err := getJSON[Contact](tx, contactKey(waID))
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return false, nil
		}
		return false, fmt.Errorf("load contact for error %d: %w", code, err)
	}
	c.LastErrorCode = code
	marked := code == CodeUndeliverable && !c.Unreachable && !at.Before(c.LastInboundAt) && !at.Before(c.ReachableAt)
	if marked {
		c.Unreachable, c.UnreachableAt, c.UnreachableCode = true, at, code
	}
	if at.After(c.UpdatedAt) {
		c.UpdatedAt = at
	}
	if err := putJSON(tx, contactKey(waID), c, 0); err != nil {
		return false, fmt.Errorf("save contact after error %d: %w", code, err)
	}
	return marked, nil
}

// MarkReachable clears the unreachable mark of a stored contact (an admin
// says the number works again). It reports whether there was a mark to
// clear; ErrNotFound when there is no such contact.
func MarkReachable(ctx context.Context, w Writer, waID string, at time.Time) (bool, error) {
	c, err := GetContact(ctx, w, waID)
	if err != nil {
		return false, err
	}
	if !c.SetReachable(at) {
		return false, nil
	}
	if err := PutContact(ctx, w, c); err != nil {
		return false, err
	}
	return true, nil
}

// SetReachable clears the unreachable mark on a contact the caller is about
// to save: the conversation commit uses it when the person writes in,
// since it writes the whole contact in the same transaction. It reports
// whether there was a mark to clear.
func (c *Contact) SetReachable(at time.Time) bool {
	if !c.Unreachable {
		return false
	}
	c.Unreachable, c.UnreachableAt, c.UnreachableCode = false, time.Time{}, 0
	c.ReachableAt = at
	c.UpdatedAt = at
	return true
}
