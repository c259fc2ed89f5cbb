package bot

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// SandboxSender stands in for the Graph API when no WhatsApp credentials
// are configured: messages are recorded in the transcript and returned by
// the sandbox chat instead of being sent.
//
// With Report set it also plays the people's phones, so that delivery
// counts and ticks move as they would on WhatsApp: each message is
// reported "sent" and "delivered" at once, and "read" when its recipient
// next writes (ReadBy).
type SandboxSender struct {
	n     atomic.Uint64
	epoch sync.Once
	run   int64 // start of this process, so that ids stay unique across restarts
	// Report takes the statuses as WhatsApp's webhook would bring them;
	// the engine's Ingest.
	Report func(*whatsapp.Batch) (int, error)
	Log    zerolog.Logger

	mu      sync.Mutex
	unread  map[string][]whatsapp.Status // per person: delivered, not yet read
	pending sync.WaitGroup               // reports on their way
}

var _ Sender = (*SandboxSender)(nil)

// SandboxNoWhatsApp starts the wa_ids the sandbox treats as not on
// WhatsApp: +1 555-0100 to 555-0199, the block of the fictional 555
// numbers set aside for examples. Other 555 numbers (the README's and the
// simulator's people) are on WhatsApp.
const SandboxNoWhatsApp = "155501"

// maxUnread bounds what the sandbox remembers per person: it keeps the
// newest, and older messages simply never show as read.
const maxUnread = 200

// Send accepts the message and makes up a message id.
func (s *SandboxSender) Send(_ context.Context, phone string, o whatsapp.Outbound) (whatsapp.SendResult, error) {
	if err := o.Validate(); err != nil {
		return whatsapp.SendResult{}, fmt.Errorf("sandbox: invalid message: %w", err)
	}
	// The +1 555-01xx numbers play people without WhatsApp, so that a broadcast's SMS fallback can be tried end to
	// end: WhatsApp would answer 131026.
	if strings.HasPrefix(o.To, SandboxNoWhatsApp) {
		return whatsapp.SendResult{}, &whatsapp.SendError{HTTPStatus: 400, Code: 131026, HasCode: true,
			Message: "Message undeliverable (sandbox: +1 555-01xx numbers have no WhatsApp)", Action: whatsapp.Classify(131026)}
	}
	// Statuses are de-duplicated by message id, and sent messages are
	// found by it: an id must not come back after a restart.
	s.epoch.Do(func() { s.run = time.Now().UnixNano() })
	res := whatsapp.SendResult{MessageID: fmt.Sprintf("wamid.sandbox.%d.%d", s.run, s.n.Add(1)), WaID: o.To}
	if s.Report != nil {
		st := whatsapp.Status{ID: res.MessageID, Status: store.StatusSent, RecipientID: o.To,
			BizOpaqueCallbackData: o.CallbackData, PhoneNumberID: phone, Timestamp: time.Now()}
		delivered := st
		delivered.Status = store.StatusDelivered
		s.mu.Lock()
		if s.unread == nil {
			s.unread = map[string][]whatsapp.Status{}
		}
		u := append(s.unread[o.To], delivered)
		s.unread[o.To] = u[max(0, len(u)-maxUnread):]
		s.mu.Unlock()
		// Like the webhook, the statuses come after the send's answer.
		s.pending.Add(1)
		go func() {
			defer s.pending.Done()
			s.report([]whatsapp.Status{st, delivered})
		}()
	}
	return res, nil
}

// ReadBy reports as read everything delivered to user so far: someone who
// writes back has seen what came before.
func (s *SandboxSender) ReadBy(user string) {
	if s.Report == nil {
		return
	}
	s.mu.Lock()
	sts := s.unread[user]
	delete(s.unread, user)
	s.mu.Unlock()
	for i := range sts {
		sts[i].Status, sts[i].Timestamp = store.StatusRead, time.Now()
	}
	if len(sts) > 0 {
		s.report(sts)
	}
}

func (s *SandboxSender) report(sts []whatsapp.Status) {
	if _, err := s.Report(&whatsapp.Batch{Statuses: sts}); err != nil {
		s.Log.Warn().Err(err).Int("statuses", len(sts)).Msg("sandbox: statuses not recorded")
	}
}

// Wait returns once the statuses of the messages sent so far are reported.
func (s *SandboxSender) Wait() { s.pending.Wait() }

// MarkRead does nothing in the sandbox.
func (s *SandboxSender) MarkRead(context.Context, string, string, bool) error { return nil }
