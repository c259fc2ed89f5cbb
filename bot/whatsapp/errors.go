package whatsapp

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"
)

// Action is what the sender should do about a failed send or a failed status.
// Every error code maps to exactly one Action (see Classify), so retry,
// throttle and alert decisions live in one table.
type Action int

const (
	// ActionRetry: transient (4, 80007, 1, 2, 131000, 131016, 133004,
	// 131057, 131053, 5xx without a code, network errors and timeouts).
	// Retry the same payload with backoff; after a timeout check status
	// webhooks first, the API has no idempotency key.
	ActionRetry Action = iota
	// ActionThrottleNumber (130429): retry later and slow the sending number down.
	ActionThrottleNumber
	// ActionBackoffRecipient (131056): retry that recipient only, after 4^n s.
	ActionBackoffRecipient
	// ActionNeedsTemplate (131047): the 24 h window is closed; send a template.
	ActionNeedsTemplate
	// ActionRecipientFailed: final for this recipient (131026, 131050,
	// 131021, 131030, 131051, 131052, and unknown codes); record it on the contact.
	ActionRecipientFailed
	// ActionDropped (131049, 130472): Meta chose not to deliver; don't retry.
	ActionDropped
	// ActionFixRequest: developer error in the request or template; don't
	// retry. 132015/132016 also need an admin (see AlertsAdmin).
	ActionFixRequest
	// ActionAlertAdmin: account, credential or policy state. Stop sending
	// from that number, keep messages queued, page an admin.
	ActionAlertAdmin
)

func (a Action) String() string {
	switch a {
	case ActionRetry:
		return "retry"
	case ActionThrottleNumber:
		return "throttle-number"
	case ActionBackoffRecipient:
		return "backoff-recipient"
	case ActionNeedsTemplate:
		return "needs-template"
	case ActionRecipientFailed:
		return "recipient-failed"
	case ActionDropped:
		return "dropped"
	case ActionFixRequest:
		return "fix-request"
	case ActionAlertAdmin:
		return "alert-admin"
	}
	return fmt.Sprintf("action(%d)", int(a))
}

// Retryable reports whether the same message may be sent again automatically
// (after Backoff). Admin alerts are not retryable: a person resumes the queue.
func (a Action) Retryable() bool {
	return a == ActionRetry || a == ActionThrottleNumber || a == ActionBackoffRecipient
}

// Classify maps a Cloud API error code (reference §5) to an Action.
//
// Unknown codes are ActionRecipientFailed: permanent for this one message and
// recorded, but neither retried (which could hammer a number with a request
// that will never succeed) nor escalated to halting the whole number (which
// a new, harmless code would otherwise do to every conversation). Callers log
// the code so the table can be extended. HTTP 5xx responses without a
// parseable code never reach Classify: the client maps them to ActionRetry.
func Classify(code int) Action {
	switch code {
	case 4, 80007, 1, 2, 131000, 131016, 133004, 131057, 131053:
		return ActionRetry
	case 130429:
		return ActionThrottleNumber
	case 131056:
		return ActionBackoffRecipient
	case 131047:
		return ActionNeedsTemplate
	case 131026, 131050, 131021, 131030, 131051, 131052:
		return ActionRecipientFailed
	case 131049, 130472:
		return ActionDropped
	case 100, 131008, 131009, 33, 135000, 132000, 132001, 132005, 132007,
		132012, 132015, 132016, 132018, 132068, 132069:
		return ActionFixRequest
	case 0, 190, 3, 10, 131005, 368, 131031, 130497, 131042, 131037, 133010,
		133000, 133005, 133006, 133007, 133008, 133009, 133015, 133016, 131048:
		return ActionAlertAdmin
	}
	if code >= 200 && code <= 299 {
		return ActionAlertAdmin
	}
	return ActionRecipientFailed
}

// AlertsAdmin reports whether an error code needs a person, including the
// template-quality codes (132015 paused, 132016 disabled) that are otherwise
// request fixes: the broadcast template is unusable until someone acts.
func AlertsAdmin(code int) bool {
	return Classify(code) == ActionAlertAdmin || code == 132015 || code == 132016
}

// SendError is the one error type Send and MarkRead return. Action says what
// to do; Timeout says the outcome is unknown (the message may have been sent).
type SendError struct {
	HTTPStatus int
	Code       int // Graph error code; meaningful only when HasCode
	Subcode    int
	HasCode    bool // the response carried a Graph error object
	Message    string
	Details    string
	Type       string
	FBTraceID  string
	// Timeout: network error or timeout after the request may have left;
	// reconcile with status webhooks before resending.
	Timeout bool
	Action  Action
	// Err is the underlying cause (transport error, ErrInvalid, ...).
	Err error
}

// Error describes the failure without the access token: the client redacts
// the token from every field it copies from the response.
func (e *SendError) Error() string {
	var b strings.Builder
	b.WriteString("whatsapp send")
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, ": http %d", e.HTTPStatus)
	}
	if e.HasCode {
		fmt.Fprintf(&b, ": code %d", e.Code)
		if e.Subcode != 0 {
			fmt.Fprintf(&b, " subcode %d", e.Subcode)
		}
	}
	if e.Timeout {
		b.WriteString(": outcome unknown")
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Details != "" && e.Details != e.Message {
		b.WriteString(": " + e.Details)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	if e.FBTraceID != "" {
		b.WriteString(" (fbtrace_id " + e.FBTraceID + ")")
	}
	b.WriteString(" [" + e.Action.String() + "]")
	return b.String()
}

func (e *SendError) Unwrap() error { return e.Err }

// RetryAfter is the least wait before this error's message is sent again;
// zero when the usual backoff applies (see the package function).
func (e *SendError) RetryAfter() time.Duration {
	if !e.HasCode {
		return 0
	}
	return RetryAfter(e.Code)
}

// RetryAfter is the least wait the reference asks for before a message that
// failed with code is sent again, beyond the usual backoff: 131057 means the
// account is in maintenance mode, which lasts about a minute (the
// throughput upgrade), so a retry after a second only fails again.
// Senders wait max(Backoff, RetryAfter).
func RetryAfter(code int) time.Duration {
	if code == 131057 {
		return time.Minute
	}
	return 0
}

// NumberPause is how long a sending number stops after an account or
// credential error (ActionAlertAdmin) before one message tries it again;
// replies and broadcasts from the number share the pause.
const NumberPause = time.Minute

// Backoff limits. Exponential backoff starts at about a second; the pair
// limit (131056) follows Meta's advice of 4^n seconds.
const (
	backoffBase         = time.Second
	backoffCap          = 5 * time.Minute
	recipientBackoffCap = 15 * time.Minute
)

// Backoff returns the delay before retry attempt n (1-based) of a failure
// with action a. rnd returns values in [0,1); nil uses math/rand/v2, tests
// pass a fixed function. Non-retryable actions return 0.
//
// Retry and ThrottleNumber: full jitter in [1s, min(5m, 2^(n-1) s)].
// BackoffRecipient: 4^n s capped at 15 min, plus up to 25 % jitter so a
// broadcast's throttled recipients do not all come back at once; never less
// than 4^n s (or the cap), as Meta asks.
func Backoff(a Action, attempt int, rnd func() float64) time.Duration {
	if rnd == nil {
		rnd = rand.Float64
	}
	if attempt < 1 {
		attempt = 1
	}
	j := clamp01(rnd())
	switch a {
	case ActionRetry, ActionThrottleNumber:
		ceil := backoffCap
		if attempt <= 20 { // 2^19 s is far past the cap; avoid overflow
			if d := backoffBase << (attempt - 1); d < ceil {
				ceil = d
			}
		}
		return backoffBase + time.Duration(j*float64(ceil-backoffBase))
	case ActionBackoffRecipient:
		d := recipientBackoffCap
		if s := math.Pow(4, float64(attempt)); s < recipientBackoffCap.Seconds() {
			d = time.Duration(s) * time.Second
		}
		return d + time.Duration(j*float64(d)/4)
	}
	return 0
}

func clamp01(f float64) float64 {
	if math.IsNaN(f) || f < 0 {
		return 0
	}
	if f > 1 {
		return 1
	}
	return f
}
