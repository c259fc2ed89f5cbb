// Package sendpolicy owns the one decision about what a failed send means,
// for every kind of message that leaves Lifeline: conversation and agent
// replies, read receipts, broadcasts, check-ins, reminders and notices.
// The conversation engine's outbox and the broadcast dispatcher both ask
// Decide, so a code means the same thing wherever it comes back, whether
// in the answer to the send or later in a failed status webhook.
//
// It knows the error codes (through package whatsapp) and the message
// kinds; it does no I/O and keeps no state, so callers apply the Decision.
package sendpolicy

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"lifeline/bot/whatsapp"
)

// Kind is what a message is, which decides how long it is worth keeping.
type Kind int

const (
	KindReply       Kind = iota // the bot's answer in a conversation
	KindAgentReply              // a person's answer from the agent console
	KindReadReceipt             // mark-as-read: cosmetic, never worth holding a reply back for
	KindBroadcast               // a broadcast template to one recipient
	KindCheckin                 // a safety check-in (a broadcast that asks for an answer)
	KindReminder                // a broadcast's reminder round
	KindNotice                  // a notice or a correction to a broadcast
)

func (k Kind) String() string {
	switch k {
	case KindReply:
		return "reply"
	case KindAgentReply:
		return "agent-reply"
	case KindReadReceipt:
		return "read-receipt"
	case KindBroadcast:
		return "broadcast"
	case KindCheckin:
		return "check-in"
	case KindReminder:
		return "reminder"
	case KindNotice:
		return "notice"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// conversational kinds are free-form messages inside the 24-hour window:
// a closed window turns them into the re-engagement template, and an
// outage keeps them waiting while the window is open.
func (k Kind) conversational() bool { return k == KindReply || k == KindAgentReply }

// Verdict is what the sender does with the message.
type Verdict int

const (
	// Done: the message was accepted; record the wamid.
	Done Verdict = iota
	// Retry: send the same payload again after Delay.
	Retry
	// WaitLong: the fast retries are used up and WhatsApp still fails
	// with a transient error. Keep the message and send it again after
	// Delay (growing, capped at Policy.MaxWait) for as long as it can
	// still be delivered: a free-form reply until its 24-hour window
	// closes, a template for the sender's template lifetime. The sender
	// alerts an admin once per outage of the number, not per message.
	WaitLong
	// UseTemplate: the 24-hour window is closed (131047); send the
	// re-engagement template instead, or fail when none is configured.
	UseTemplate
	// HoldForStatus: the request may have reached WhatsApp (timeout,
	// broken answer, success without a message id). Do not send again
	// at once: keep the message as "outcome unknown" until a status
	// webhook carrying its biz_opaque_callback_data settles it, or until
	// Delay (the grace) passes; then send it again.
	HoldForStatus
	// Fail: failed for good, for Reason; record it where people see it.
	Fail
	// PauseNumber: account, token or policy trouble. Keep the message,
	// stop every send from the number for PauseFor (until = now +
	// PauseFor) and alert an admin.
	PauseNumber
)

func (v Verdict) String() string {
	switch v {
	case Done:
		return "done"
	case Retry:
		return "retry"
	case WaitLong:
		return "wait-long"
	case UseTemplate:
		return "use-template"
	case HoldForStatus:
		return "hold-for-status"
	case Fail:
		return "fail"
	case PauseNumber:
		return "pause-number"
	}
	return fmt.Sprintf("verdict(%d)", int(v))
}

// Decision is what a send's outcome means.
type Decision struct {
	Verdict Verdict
	// Delay: Retry and WaitLong wait this long before the next send;
	// HoldForStatus waits this long for a status before sending again.
	Delay time.Duration
	// PauseFor: PauseNumber stops the number for this long.
	PauseFor time.Duration
	// Throttle: also slow the sending number down (130429).
	Throttle bool
	// Alert: an admin must act (account trouble, a paused or disabled
	// template); set with PauseNumber and with some Fail verdicts.
	Alert bool
	// Unreachable: Fail is about the recipient; record the code on the
	// contact (store.MarkUnreachable decides what it means there).
	Unreachable bool
	// Action is how package whatsapp classified the code; Code is the
	// WhatsApp error code, 0 when there was none.
	Action whatsapp.Action
	Code   int
	// Reason says why a Fail is final, for the transcript and reports.
	Reason string
}

// Defaults of Policy.
const (
	DefaultFastAttempts = 10
	DefaultMaxWait      = 10 * time.Minute
	DefaultLongBase     = 30 * time.Second
	DefaultGrace        = time.Minute
	// readReceiptAttempts: a read receipt that keeps failing is dropped
	// soon; it is not worth holding the person's replies back for.
	readReceiptAttempts = 3
)

// Policy holds the numbers the decision uses. The zero value is the
// default policy; Decide (the package function) uses it.
type Policy struct {
	// FastAttempts is how many failed attempts are retried with the short
	// backoff before a message waits long (conversational kinds) or fails
	// (broadcast kinds). Default 10.
	FastAttempts int
	// Backoff is the delay before the next attempt after failure number
	// attempt; nil uses whatsapp.Backoff with jitter for the fast retries
	// and LongBase doubling up to MaxWait afterwards. Tests shorten it.
	Backoff func(a whatsapp.Action, attempt int) time.Duration
	// MaxWait caps every delay of a waiting message (default 10 min),
	// except RetryAfter minimums such as 131057's minute.
	MaxWait time.Duration
	// LongBase is the first long wait after the fast retries (default 30 s).
	LongBase time.Duration
	// Grace is how long a send whose outcome is unknown waits for its
	// status webhook before it is sent again (default 1 min).
	Grace time.Duration
	// Rand returns values in [0,1) for jitter; nil uses math/rand/v2.
	Rand func() float64
}

// Decide applies the default Policy.
func Decide(err error, attempts int, kind Kind) Decision {
	return Policy{}.Decide(err, attempts, kind)
}

// Decide says what the outcome err of a send means for a message of kind
// that has now failed attempts times, counting this failure (1 after the
// first). A nil err is Done. An error that is not a *whatsapp.SendError
// leaves the outcome unknown, like a timeout.
func (p Policy) Decide(err error, attempts int, kind Kind) Decision {
	if err == nil {
		return Decision{Verdict: Done}
	}
	p = p.withDefaults()
	if attempts < 1 {
		attempts = 1
	}
	var se *whatsapp.SendError
	if !errors.As(err, &se) {
		se = &whatsapp.SendError{Action: whatsapp.ActionRetry, Timeout: true, Err: err}
	}
	d := Decision{Action: se.Action, Code: se.Code}
	if !se.HasCode {
		d.Code = 0
	}
	if kind == KindReadReceipt {
		return p.readReceipt(se, attempts, d)
	}
	// A paused or disabled template (132015, 132016) is a request error
	// that also needs a person: nothing using it will go until they act.
	if se.HasCode && se.Action != whatsapp.ActionAlertAdmin && whatsapp.AlertsAdmin(se.Code) {
		d.Verdict, d.Alert, d.Reason = Fail, true, reason(se)
		return d
	}
	switch se.Action {
	case whatsapp.ActionAlertAdmin:
		d.Verdict, d.Alert, d.PauseFor = PauseNumber, true, whatsapp.NumberPause
		return d
	case whatsapp.ActionRetry, whatsapp.ActionThrottleNumber, whatsapp.ActionBackoffRecipient:
		d.Throttle = se.Action == whatsapp.ActionThrottleNumber
		if se.Timeout && (attempts < p.FastAttempts || kind.conversational()) {
			// There is no idempotency key: sending again at once may
			// deliver the message twice. The status webhook decides.
			d.Verdict, d.Delay = HoldForStatus, p.Grace
			return d
		}
		if attempts < p.FastAttempts {
			d.Verdict, d.Delay = Retry, max(min(p.backoff(se.Action, attempts), p.MaxWait), se.RetryAfter())
			return d
		}
		// The fast retries are used up: the message waits, with a delay
		// that grows to MaxWait, for as long as it can still be
		// delivered. The sender knows how long that is (a reply until its
		// window closes, a template until the template wait has passed
		// since its first attempt) and fails it after that.
		d.Verdict, d.Delay = WaitLong, max(min(p.backoff(se.Action, attempts), p.MaxWait), se.RetryAfter())
		return d
	case whatsapp.ActionNeedsTemplate:
		if kind.conversational() {
			d.Verdict = UseTemplate
			return d
		}
	case whatsapp.ActionRecipientFailed:
		d.Unreachable = true
	}
	d.Verdict, d.Reason = Fail, reason(se)
	return d
}

// readReceipt: retried a little, then dropped; account trouble stops the
// number like any other send.
func (p Policy) readReceipt(se *whatsapp.SendError, attempts int, d Decision) Decision {
	switch {
	case se.Action == whatsapp.ActionAlertAdmin:
		d.Verdict, d.Alert, d.PauseFor = PauseNumber, true, whatsapp.NumberPause
	case se.Action.Retryable() && attempts < min(readReceiptAttempts, p.FastAttempts):
		// Marking a message read twice is harmless, so an unknown
		// outcome is simply tried again.
		d.Verdict, d.Delay, d.Throttle = Retry, max(min(p.backoff(se.Action, attempts), p.MaxWait), se.RetryAfter()), se.Action == whatsapp.ActionThrottleNumber
	default:
		d.Verdict, d.Reason = Fail, "read receipt: "+reason(se)
	}
	return d
}

func (p Policy) withDefaults() Policy {
	if p.FastAttempts <= 0 {
		p.FastAttempts = DefaultFastAttempts
	}
	if p.MaxWait <= 0 {
		p.MaxWait = DefaultMaxWait
	}
	if p.LongBase <= 0 {
		p.LongBase = DefaultLongBase
	}
	if p.Grace <= 0 {
		p.Grace = DefaultGrace
	}
	if p.Rand == nil {
		p.Rand = rand.Float64
	}
	return p
}

// backoff is the delay after failure number attempt. Fast retries use
// whatsapp.Backoff (full jitter, 131056's 4^n); beyond them the wait
// doubles from LongBase with a quarter of jitter below it, so a waiting
// message is tried at least every MaxWait and never in a tight loop.
func (p Policy) backoff(a whatsapp.Action, attempt int) time.Duration {
	if p.Backoff != nil {
		return p.Backoff(a, attempt)
	}
	if attempt < p.FastAttempts {
		return whatsapp.Backoff(a, attempt, p.Rand)
	}
	d := p.MaxWait
	if k := attempt - p.FastAttempts; k < 20 {
		d = min(d, p.LongBase<<k)
	}
	return d - time.Duration(p.Rand()*float64(d)/4)
}

// reason is the short cause of a failure: the code, or what happened.
func reason(se *whatsapp.SendError) string {
	switch {
	case se.HasCode:
		return fmt.Sprintf("%d", se.Code)
	case se.Timeout:
		return "timeout"
	case se.HTTPStatus != 0:
		return fmt.Sprintf("http_%d", se.HTTPStatus)
	}
	return "error"
}

// FromStatus turns the first error of a failed status webhook into the
// error Decide reads, so a failure reported later is decided like one
// reported in the answer to the send.
func FromStatus(errs []whatsapp.APIError) error {
	if len(errs) == 0 {
		return &whatsapp.SendError{Action: whatsapp.ActionDropped, Message: "failed status without an error"}
	}
	e := errs[0]
	return &whatsapp.SendError{HasCode: true, Code: e.Code, Message: e.Title, Details: e.Details, Action: whatsapp.Classify(e.Code)}
}
