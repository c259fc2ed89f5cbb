package store

import (
	"context"
	"fmt"
	"time"
)

// SMSContact is what the SMS channel knows about a person, beside their
// contact record: an opt-out (STOP) and a number the provider refused for
// good. Written only by the operations below.
type SMSContact struct {
	OptedOut      bool      `json:"opted_out,omitempty"`
	OptOutAt      time.Time `json:"opt_out_at,omitzero"`
	OptOutWording string    `json:"opt_out_wording,omitempty"` // the word the person sent (STOP, QUIT, ...)
	OptInAt       time.Time `json:"opt_in_at,omitzero"`        // the last START that cleared an opt-out
	OptInWording  string    `json:"opt_in_wording,omitempty"`
	FailedCode    int       `json:"failed_code,omitempty"` // a final provider error for the number (21211, 21614)
	FailedAt      time.Time `json:"failed_at,omitzero"`
}

func smsContactKey(waID string) Key { return docKey(DocSMSContact, waID) }

// GetSMSContact loads user's SMS record; a person never seen on SMS has
// the zero record.
func GetSMSContact(ctx context.Context, r Reader, waID string) (SMSContact, error) {
	c, _, err := getOptional[SMSContact](ctx, r, smsContactKey(waID), "sms contact")
	return c, err
}

// setSMSOptOut records an opt-out (stop) or its end (start) with the
// person's wording, and reports whether it changed anything. Only
// RecordConsent calls it, so that every change is in the consent log.
func setSMSOptOut(ctx context.Context, w Writer, waID string, stop bool, wording string, at time.Time) (bool, error) {
	c, err := GetSMSContact(ctx, w, waID)
	if err != nil {
		return false, err
	}
	if c.OptedOut == stop {
		return false, nil
	}
	if stop {
		c.OptedOut, c.OptOutAt, c.OptOutWording = true, at, wording
	} else {
		c.OptedOut, c.OptInAt, c.OptInWording = false, at, wording
	}
	if err := putJSON(w, smsContactKey(waID), c, 0); err != nil {
		return false, fmt.Errorf("save sms opt-out of %s: %w", waID, err)
	}
	return true, nil
}

// MarkSMSFailed records a final provider error for the person's number.
func MarkSMSFailed(ctx context.Context, w Writer, waID string, code int, at time.Time) error {
	c, err := GetSMSContact(ctx, w, waID)
	if err != nil {
		return err
	}
	c.FailedCode, c.FailedAt = code, at
	return putJSON(w, smsContactKey(waID), c, 0)
}

// EraseSMSContact removes what the SMS record of user says about them
// (erasure), except an opt-out: a bare record of it is kept, as the
// contact's own opt-out is, so that no fallback SMS reaches them again.
// It reports whether an opt-out was kept.
func EraseSMSContact(ctx context.Context, w Writer, waID string) (keptOptOut bool, err error) {
	c, err := GetSMSContact(ctx, w, waID)
	if err != nil {
		return false, err
	}
	if !c.OptedOut {
		return false, DeleteSMSContact(ctx, w, waID)
	}
	bare := SMSContact{OptedOut: true, OptOutAt: c.OptOutAt}
	if err := putJSON(w, smsContactKey(waID), bare, 0); err != nil {
		return false, fmt.Errorf("erase sms record of %s: %w", waID, err)
	}
	return true, nil
}

// DeleteSMSContact removes user's SMS record (erasure).
func DeleteSMSContact(ctx context.Context, w Writer, waID string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return w.Delete(smsContactKey(waID))
}

// SMSMessage is one SMS by provider sid: whose it is and its delivery
// status, kept monotonic by the caller (sms.AdvanceStatus).
type SMSMessage struct {
	SID       string    `json:"sid"`
	User      string    `json:"user"`
	Inbound   bool      `json:"inbound,omitempty"`
	Broadcast string    `json:"broadcast,omitempty"`
	Seq       uint64    `json:"seq,omitempty"`
	Status    string    `json:"status,omitempty"`
	ErrorCode int       `json:"error_code,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

// smsMessageTTL: the provider stops reporting statuses long before.
const smsMessageTTL = 60 * 24 * time.Hour

func smsMessageKey(sid string) Key { return docKey(DocSMSMessage, sid) }

// GetSMSMessage loads message sid; found is false for an unknown sid.
func GetSMSMessage(ctx context.Context, r Reader, sid string) (SMSMessage, bool, error) {
	return getOptional[SMSMessage](ctx, r, smsMessageKey(sid), "sms message")
}

// PutSMSMessage stores message m.
func PutSMSMessage(ctx context.Context, w Writer, m SMSMessage) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if m.SID == "" {
		return fmt.Errorf("save sms message: no sid")
	}
	return putJSON(w, smsMessageKey(m.SID), m, smsMessageTTL)
}

func smsRecipientKey(id string, seq uint64) Key {
	return docKey(DocSMSRecipient, fmt.Sprintf("%s/%020d", id, seq))
}

// GetBroadcastSMS loads the SMS fallback record of recipient seq of
// broadcast id; found is false when none was written.
func GetBroadcastSMS[R any](ctx context.Context, r Reader, id string, seq uint64) (R, bool, error) {
	return getOptional[R](ctx, r, smsRecipientKey(id, seq), "broadcast sms")
}

// PutBroadcastSMS stores the SMS fallback record of recipient seq of broadcast id.
func PutBroadcastSMS(ctx context.Context, w Writer, id string, seq uint64, rec any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := putJSON(w, smsRecipientKey(id, seq), rec, 0); err != nil {
		return fmt.Errorf("save sms of recipient %d of %s: %w", seq, id, err)
	}
	return nil
}

// EachSMSMessageOf calls fn for every SMS record (sent or received) of
// user. The records are keyed by the provider's sid, so this scans them
// all: it serves the person's export and erasure, which are rare, and
// SMS records live 60 days.
func EachSMSMessageOf(ctx context.Context, r Reader, user string, fn func(SMSMessage) error) error {
	if user == "" {
		return nil
	}
	return scanJSON(ctx, r, docPrefix(DocSMSMessage), false, func(_ Key, m SMSMessage) error {
		if m.User != user {
			return nil
		}
		return fn(m)
	})
}

// DeleteSMSMessagesOf removes every SMS record of user (erasure) and
// says how many there were. A status callback arriving later for one of
// them finds no record and is ignored, as for any unknown sid.
func DeleteSMSMessagesOf(ctx context.Context, w Writer, user string) (int, error) {
	var keys []Key
	err := EachSMSMessageOf(ctx, w, user, func(m SMSMessage) error {
		keys = append(keys, smsMessageKey(m.SID))
		return nil
	})
	if err == nil {
		err = deleteKeys(w, keys)
	}
	if err != nil {
		return 0, fmt.Errorf("delete sms messages: %w", err)
	}
	return len(keys), nil
}
