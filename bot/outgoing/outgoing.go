// Package outgoing owns the one step every message takes to leave
// Lifeline, whoever queued it: the reply outbox (conversation and agent
// replies, read receipts) and the broadcast dispatcher (broadcasts,
// check-ins, reminders, notices) both call a Step.
//
// A send is Wait (the number's pause, then its pacer by class, replies
// before broadcasts), the caller's last look at its own record (erased,
// cancelled or settled meanwhile: nothing leaves), then Send: the
// permit checked as the request leaves (a void one is replaced), the
// Graph API call, its latency for the adaptive in-flight count (bot/pace), the
// attempt in the metrics, the send policy's decision (bot/sendpolicy), and
// what that decision means for the number: a pause, a slow-down, and the
// outage it starts or ends. An outage is per number and whatever the
// message's kind: one ALERT when sends from the number keep failing past
// the fast retries (or it is paused), one "recovered" line when a send
// succeeds again, and the stalled gauge in between.
//
// What the decision means for the message (retry when, wait how long,
// fail, swap for a template) stays with the caller, which owns the record.
package outgoing

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/pace"
	"lifeline/bot/sendpolicy"
	"lifeline/bot/whatsapp"
)

// Client calls the Graph API: the WhatsApp client or the sandbox.
type Client interface {
	Send(ctx context.Context, phoneNumberID string, o whatsapp.Outbound) (whatsapp.SendResult, error)
	MarkRead(ctx context.Context, phoneNumberID, messageID string, typing bool) error
}

var _ Client = (*whatsapp.Client)(nil)

// Observer counts send attempts for the metrics; bot.Observer is one.
type Observer interface {
	// SendAttempt: one call to the Graph API from phoneNumberID; code is
	// the WhatsApp error code (0 for success, or for an error without one).
	SendAttempt(phoneNumberID string, ok bool, code int, latency time.Duration)
}

// OutageObserver is told when sends from a number start failing beyond
// the fast retries (or the number is paused for account trouble) and when
// they succeed again: once per outage, not per message. An Observer may
// implement it (the metrics' lifeline_sending_stalled gauge does).
type OutageObserver interface {
	SendingStalled(phoneNumberID string, code int)
	SendingRecovered(phoneNumberID string, after time.Duration)
}

// Options are a Step's collaborators.
type Options struct {
	Client   Client
	Pacer    *pace.Numbers // shared by every sender of the process; nil for none
	Observer Observer      // nil for none
	Logger   zerolog.Logger
	Now      func() time.Time // defaults to time.Now
}

// Step is the send step. One per process, shared by every sender, so that
// an outage of a number is one outage whoever's messages meet it.
type Step struct {
	client Client
	pacer  *pace.Numbers
	obs    Observer
	log    zerolog.Logger
	now    func() time.Time

	mu          sync.Mutex
	outages     map[string]time.Time // sending number -> since when its sends keep failing
	recoveredAt map[string]time.Time // sending number -> when its last outage ended
}

// New builds a Step.
func New(o Options) *Step {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Pacer == nil {
		o.Pacer = pace.New(80)
	}
	if o.Observer == nil {
		o.Observer = nopObserver{}
	}
	return &Step{client: o.Client, pacer: o.Pacer, obs: o.Observer, now: o.Now,
		log:     o.Logger.With().Str("comp", "outgoing").Logger(),
		outages: map[string]time.Time{}, recoveredAt: map[string]time.Time{}}
}

type nopObserver struct{}

func (nopObserver) SendAttempt(string, bool, int, time.Duration) {}

// Pacer is the per-number budget the step waits on.
func (s *Step) Pacer() *pace.Numbers { return s.pacer }

// PausedUntil says until when phone is paused; the zero time if it is
// not. A sender that keeps its own queue (the reply outbox) parks its
// lane until then instead of holding a worker in Wait.
func (s *Step) PausedUntil(phone string) time.Time { return s.pacer.PausedUntil(phone) }

// Wait blocks while phone is paused and then until its pacer lets one
// more message of class c go (conversations before broadcasts), or ctx
// ends. The caller passes the permit to Send in its Attempt.
func (s *Step) Wait(ctx context.Context, phone string, c pace.Class) (Permit, error) {
	if err := s.pacer.WaitUnpaused(ctx, phone); err != nil {
		return Permit{}, err
	}
	tok, err := s.pacer.Take(ctx, phone, c)
	if err != nil {
		return Permit{}, err
	}
	return Permit{ctx: ctx, class: c, token: tok, ok: true}, nil
}

// Permit is a send's turn from its number's pacer (Wait). On a cluster
// it is void a short time after the number's owner granted it, and the
// owner's rate keeps the number within its limit only for sends whose
// requests leave while their permits are live: Send checks it
// immediately before the request leaves and, when it is void (a slow
// look at the record, a loaded machine), waits for another rather than
// send on it. Its context is the wait's (Wait's ctx), which a shutdown
// ends at once, not the request's, which only the end of the stop's time
// for sends ends (Cutoff).
type Permit struct {
	ctx   context.Context
	class pace.Class
	token pace.Token
	ok    bool
}

// ErrNotSent is the error of an Outcome whose send never started: its
// permit was void and the wait for another ended (see Permit), or its
// request's context had ended (see Cutoff).
var ErrNotSent = errors.New("not sent")

// live makes p a live permit for a send from phone: as it is, or a new
// one when it is void.
func (s *Step) live(phone string, p *Permit) error {
	for !s.pacer.Live(p.token) {
		tok, err := s.pacer.Take(p.ctx, phone, p.class)
		if err != nil {
			return fmt.Errorf("%w: the wait for a permit ended: %w", ErrNotSent, err)
		}
		p.token = tok
	}
	return nil
}

// Attempt is one message to send.
type Attempt struct {
	Phone  string
	Msg    whatsapp.Outbound
	Kind   sendpolicy.Kind
	Failed int // failed attempts of this message before this one
	// Permit is Wait's, checked as the request leaves; the zero Permit
	// sends unpaced.
	Permit Permit
}

// Outcome is what one send came to.
type Outcome struct {
	Result whatsapp.SendResult
	Err    error
	// Decision is the send policy's reading of Err (Verdict Done when
	// Err is nil); the step has applied what it means for the number.
	Decision sendpolicy.Decision
	// At is when the send started, on the step's clock.
	At time.Time
	// Unsent: nothing was sent (Err wraps ErrNotSent); the message is
	// as it was before Send.
	Unsent bool
	// Cut: the request was under way when its context ended (a stop's
	// time for sends was over, see Cutoff). It may have reached
	// WhatsApp: Err is the unknown outcome (a timeout), decided as one.
	Cut bool
}

// Send calls the Graph API once for a, after Wait. ctx is the request's:
// a Cutoff's, which only the end of a stop's time for sends ends, since a
// request cut short may still have reached WhatsApp and is then sent
// again (Outcome.Cut). Once ctx has ended nothing leaves (Unsent).
func (s *Step) Send(ctx context.Context, pol sendpolicy.Policy, a Attempt) Outcome {
	if a.Permit.ok {
		if err := s.live(a.Phone, &a.Permit); err != nil {
			return Outcome{Err: err, Unsent: true, At: s.now()}
		}
	}
	if err := ctx.Err(); err != nil {
		return Outcome{Err: fmt.Errorf("%w: %w", ErrNotSent, err), Unsent: true, At: s.now()}
	}
	at, start := s.now(), time.Now()
	res, err := s.client.Send(ctx, a.Phone, a.Msg)
	took := time.Since(start)
	wasCut := cut(ctx, err)
	if !wasCut {
		// The pacer sizes the sends in flight per number from their
		// latency; a cut one's is the stop's, not the Graph API's.
		s.pacer.Observe(a.Phone, took)
	}
	s.obs.SendAttempt(a.Phone, err == nil, errorCode(err), took)
	d := pol.Decide(err, a.Failed+1, a.Kind)
	s.Apply(a.Phone, d, at)
	return Outcome{Result: res, Err: err, Decision: d, At: at, Cut: wasCut}
}

// MarkRead sends a read receipt. A receipt is not a message: WhatsApp's
// throughput limit counts messages, so it waits for no budget, is not
// counted as a send attempt, and its success says nothing about an
// outage; its failure is decided like any other (account trouble still
// pauses the number).
func (s *Step) MarkRead(ctx context.Context, pol sendpolicy.Policy, phone, messageID string, failed int) Outcome {
	at := s.now()
	if err := ctx.Err(); err != nil {
		return Outcome{Err: fmt.Errorf("%w: the time for sends is over: %w", ErrNotSent, err), Unsent: true, At: at}
	}
	err := s.client.MarkRead(ctx, phone, messageID, false)
	if err == nil {
		return Outcome{At: at}
	}
	d := pol.Decide(err, failed+1, sendpolicy.KindReadReceipt)
	s.Apply(phone, d, at)
	return Outcome{Err: err, Decision: d, At: at, Cut: cut(ctx, err)}
}

// Apply does what decision d about a send from phone, started at at,
// means for the number, whoever sent it and however the outcome was
// learnt (the answer to the send, or a failed status webhook later):
//   - Done: the number's rate recovers from a slow-down, and its outage,
//     if it had one, ends.
//   - PauseNumber: every send from it stops for d.PauseFor, and an admin
//     is alerted once for the outage.
//   - WaitLong: its sends keep failing past the fast retries; an admin is
//     alerted once for the outage.
//   - Throttle on a verdict that sends again: the number slows down.
func (s *Step) Apply(phone string, d sendpolicy.Decision, at time.Time) {
	switch d.Verdict {
	case sendpolicy.Done:
		s.pacer.Success(phone)
		s.Recovered(phone)
		return
	case sendpolicy.PauseNumber:
		// Account or token trouble: say so loudly, once.
		s.stalled(phone, d.Code, "sending stopped for this number; an admin must act", at)
		s.pacer.Pause(phone, s.now().Add(d.PauseFor))
		return
	case sendpolicy.WaitLong:
		s.stalled(phone, d.Code, "sends from this number keep failing; messages are kept and retried", at)
	case sendpolicy.Retry, sendpolicy.HoldForStatus:
	default:
		return
	}
	if d.Throttle {
		s.pacer.SlowDown(phone)
	}
}

// stalled starts phone's outage and alerts an admin: once per outage of
// the number, however many messages wait. A failure of a send that began
// before the number last recovered does not start a new outage.
func (s *Step) stalled(phone string, code int, what string, sentAt time.Time) {
	s.mu.Lock()
	_, already := s.outages[phone]
	stale := sentAt.Before(s.recoveredAt[phone])
	if !already && !stale {
		s.outages[phone] = s.now()
	}
	s.mu.Unlock()
	if already || stale {
		return
	}
	s.log.Error().Str("phone_number_id", phone).Int("code", code).Msg("ALERT: " + what)
	if o, ok := s.obs.(OutageObserver); ok {
		o.SendingStalled(phone, code)
	}
}

// Recovered ends phone's outage, if it had one, and says so: a send from
// it was accepted (also one whose answer was lost but whose status
// webhook said it went out).
func (s *Step) Recovered(phone string) {
	now := s.now()
	s.mu.Lock()
	since, was := s.outages[phone]
	delete(s.outages, phone)
	if was {
		s.recoveredAt[phone] = now
	}
	s.mu.Unlock()
	if !was {
		return
	}
	after := now.Sub(since)
	s.log.Warn().Str("phone_number_id", phone).Dur("after", after).Msg("sending recovered for this number")
	if o, ok := s.obs.(OutageObserver); ok {
		o.SendingRecovered(phone, after)
	}
}

// Stalled says whether phone is in an outage, and since when.
func (s *Step) Stalled(phone string) (since time.Time, stalled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	since, stalled = s.outages[phone]
	return since, stalled
}

// errorCode is the WhatsApp error code of a send error, or 0.
func errorCode(err error) int {
	var se *whatsapp.SendError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}
