package bot

import (
	"errors"
	"fmt"

	"lifeline/bot/whatsapp"
)

// NotStoredError is the answer of Accept when the events of a body could
// not be stored: the sender must deliver them again later (over HTTP, a
// status other than 200, so that Meta keeps them). Err says why;
// errors.Is(err, store.ErrDiskLow) tells a full disk from other failures.
type NotStoredError struct{ Err error }

func (e *NotStoredError) Error() string { return "events not stored: " + e.Err.Error() }
func (e *NotStoredError) Unwrap() error { return e.Err }

// Accept takes the raw body of one webhook POST whose signature the caller
// has checked, and returns once its events are stored durably; they are
// processed afterwards. It returns an error matching whatsapp.ErrMalformed
// for a body that is not a WhatsApp event batch, and a *NotStoredError when
// the events could not be stored.
//
// A body whose events can never be stored (ErrUnstorable) is kept whole
// for an operator and accepted: retrying cannot help, and Meta retries
// anything but a 200 for days.
func (e *Engine) Accept(body []byte) error {
	batch, err := whatsapp.ParseWebhook(body)
	if err != nil {
		return err
	}
	_, err = e.Ingest(batch)
	if errors.Is(err, ErrUnstorable) {
		rerr := e.Reject(body, err)
		if rerr == nil {
			return nil
		}
		err = fmt.Errorf("%w; keeping the body failed too: %w", err, rerr)
	}
	if err != nil {
		return &NotStoredError{Err: err}
	}
	return nil
}
