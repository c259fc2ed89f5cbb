package sms

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/rs/zerolog"
)

// Sandbox stands in for the provider when Lifeline runs without SMS
// settings in sandbox mode: every message is accepted and logged (masked,
// at debug), never sent, so that a broadcast's SMS fallback can be tried
// end to end.
type Sandbox struct {
	Log zerolog.Logger
	n   atomic.Uint64
}

// Senders is the one sandbox sender.
func (s *Sandbox) Senders() []string { return []string{"sandbox"} }

// Workers: the sandbox answers at once.
func (s *Sandbox) Workers() int { return 1 }

// Send accepts m.
func (s *Sandbox) Send(_ context.Context, m Message) (Sent, error) {
	if _, ok := E164(m.To); !ok {
		return Sent{}, &Error{HTTPStatus: 400, Code: 21211, Message: "The 'To' number is not a valid phone number."}
	}
	sid := fmt.Sprintf("SMsandbox%023d", s.n.Add(1))
	_, segs := Segments(m.Body)
	s.Log.Info().Str("sid", sid).Int("segments", segs).Msg("sandbox: SMS accepted, not sent")
	s.Log.Debug().Str("sid", sid).Str("to", maskTail(m.To)).Int("chars", len(m.Body)).Msg("sandbox SMS")
	return Sent{SID: sid, Status: StatusQueued, Segments: segs}, nil
}

// maskTail keeps the country code's first digits and the last two.
func maskTail(n string) string {
	if len(n) <= 5 {
		return "***"
	}
	return n[:3] + "******" + n[len(n)-2:]
}
