package admin

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"lifeline/bot"
	"lifeline/bot/handoffs"
	"lifeline/bot/whatsapp"
	"lifeline/flows"
	"lifeline/sms"
	"lifeline/store"
)

// registerSMS serves the SMS provider's callbacks: delivery statuses of
// the fallback's messages and incoming SMS. Without SMS settings the
// routes answer 404 like any unknown route.
func (s *Server) registerSMS(cfg *sms.Config) {
	if cfg == nil || !cfg.Enabled() {
		return
	}
	// Normalised (the base URL without a trailing slash) as the client
	// gave it to the provider: the signature covers the exact URL.
	norm := *cfg
	if err := norm.Validate(); err != nil {
		s.log.Error().Err(err).Msg("sms callbacks not served")
		return
	}
	cfg = &norm
	s.app.Post(sms.StatusPath, s.smsCallback(cfg, s.smsStatus))
	s.app.Post(sms.InboundPath, s.smsCallback(cfg, s.smsInbound))
}

// smsCallback reads the form once and verifies its signature against the
// public URL the provider called: the configured base and the path and
// query of the request (behind a proxy the request's own host is not it).
func (s *Server) smsCallback(cfg *sms.Config, handle func(c *fiber.Ctx, form url.Values) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationForm) {
			return sms.ErrMalformed
		}
		form, err := url.ParseQuery(string(c.Body()))
		if err != nil {
			return fmt.Errorf("%w: %v", sms.ErrMalformed, err)
		}
		full := cfg.CallbackURL + c.OriginalURL()
		if err := sms.Verify(cfg.AuthToken, full, form, c.Get(sms.SignatureHeader)); err != nil {
			// The form is personal data and unverified: only its size.
			s.log.Warn().Str("request_id", requestID(c)).Str("path", c.Path()).Int("bytes", len(c.Body())).Err(err).Msg("sms callback refused")
			return err
		}
		if err := handle(c, form); err != nil {
			return err
		}
		// The provider reads an empty TwiML answer as "no reply".
		c.Set(fiber.HeaderContentType, "text/xml")
		return c.SendString("<Response></Response>")
	}
}

// smsStatus applies a delivery status to its message, monotonically:
// statuses arrive out of order. A status for a message Lifeline does not
// know is acknowledged and dropped (the provider would retry it forever).
func (s *Server) smsStatus(c *fiber.Ctx, form url.Values) error {
	sid, status := form.Get("MessageSid"), form.Get("MessageStatus")
	if sid == "" || !sms.KnownStatus(status) {
		return fmt.Errorf("%w: want MessageSid and a known MessageStatus", sms.ErrMalformed)
	}
	code, _ := strconv.Atoi(form.Get("ErrorCode"))
	now := s.now()
	var known, changed bool
	// The message belongs to whoever it was sent to (or, without one, to
	// its broadcast): read it to learn whose, then update it in that scope.
	var scope store.Scope
	err := s.db.Read(context.Background(), func(r store.Reader) error {
		m, found, err := store.GetSMSMessage(context.Background(), r, sid)
		switch {
		case err != nil || !found:
		case m.User != "":
			scope = store.UserScope(m.User)
		default:
			scope = store.BroadcastScope(m.Broadcast)
		}
		return err
	})
	if err == nil && scope == (store.Scope{}) {
		s.log.Info().Str("sid", sid).Str("status", status).Int("code", code).Bool("known", false).Bool("changed", false).Msg("sms status")
		return nil
	}
	if err == nil {
		err = s.db.Write(context.Background(), scope, func(tx store.Writer) error {
			known, changed = false, false
			m, found, err := store.GetSMSMessage(context.Background(), tx, sid)
			if err != nil || !found {
				return err
			}
			known = true
			next, ok := sms.AdvanceStatus(m.Status, status)
			if !ok {
				return nil
			}
			changed = true
			m.Status, m.UpdatedAt = next, now
			if code != 0 {
				m.ErrorCode = code
			}
			if err := store.PutSMSMessage(context.Background(), tx, m); err != nil {
				return err
			}
			// 30005 unknown destination, 30006 landline or unreachable carrier:
			// the number cannot take SMS; later fallbacks leave it out.
			if (code == 30005 || code == 30006) && m.User != "" {
				return store.MarkSMSFailed(context.Background(), tx, m.User, code, now)
			}
			return nil
		})
	}
	if err != nil {
		return fmt.Errorf("record sms status %s: %w", sid, err)
	}
	s.log.Info().Str("sid", sid).Str("status", status).Int("code", code).Bool("known", known).Bool("changed", changed).Msg("sms status")
	return nil
}

// smsInbound records an incoming SMS: an opt-out or opt-in keyword on the
// person's SMS record, anything else in their conversation as an SMS, so
// that an agent sees it. The provider's MessageSid makes a retried
// callback count once.
func (s *Server) smsInbound(c *fiber.Ctx, form url.Values) error {
	sid, from, body := form.Get("MessageSid"), form.Get("From"), form.Get("Body")
	user := strings.TrimPrefix(from, "+")
	if _, ok := sms.E164(user); !ok || sid == "" {
		return fmt.Errorf("%w: want MessageSid and From in E.164", sms.ErrMalformed)
	}
	now := s.now()
	kw := sms.Keyword(body)
	meaning := (&flows.Flow{}).Understand(flows.Input{Type: "text", Text: body, At: now})
	var desk handoffs.SMSOutcome
	err := s.db.Write(context.Background(), store.UserScope(user), func(tx store.Writer) error {
		desk = handoffs.SMSOutcome{}
		if _, seen, err := store.GetSMSMessage(context.Background(), tx, sid); err != nil || seen {
			return err
		}
		if err := store.PutSMSMessage(context.Background(), tx, store.SMSMessage{SID: sid, User: user, Inbound: true, Status: "received", UpdatedAt: now}); err != nil {
			return err
		}
		switch kw {
		case "stop", "start":
			_, err := store.RecordConsent(context.Background(), tx, user, nil, store.ConsentEvent{Channel: store.ChannelSMS, OptIn: kw == "start",
				At: now, Source: store.SourceSMSKeyword, Wording: body})
			return err
		}
		if _, err := store.AppendTranscript(context.Background(), tx, user, &store.Entry{Dir: store.In, Author: "user", At: now,
			Type: "text", Text: body, MessageID: sid, Channel: "sms",
			// SMS goes to people, never to the FAQ: a question by SMS is
			// one the FAQ was not searched for.
			Read: bot.ReadingOf(meaning)}); err != nil {
			return err
		}
		// Like a WhatsApp message: it joins an open handoff, or opens one
		// when it asks for a person or for help; danger that makes it
		// urgent is announced to the integrations in this transaction.
		var err error
		if desk, err = handoffs.FromSMS(tx, user, body, meaning, now); err != nil || !desk.Emergency {
			return err
		}
		return s.engine.AnnounceEmergency(tx, emergencyOf(user, desk, now))
	})
	if err != nil {
		return fmt.Errorf("record inbound sms %s: %w", sid, err)
	}
	if desk.Passes {
		// Someone in danger or needing help by SMS goes ahead of people
		// waiting on WhatsApp as they would by WhatsApp: those passed are
		// told their new place, now that the handoff is committed.
		s.desk.TellPassed()
	}
	if desk.ToDesk {
		// The console hears of it as of a WhatsApp message to the desk:
		// the queue changed, and the conversation has a new message.
		s.engine.Emit("handoff", user, now)
		s.engine.Emit("message", user, now)
	}
	if desk.Emergency {
		s.engine.EmergencyCommitted(emergencyOf(user, desk, now), now)
	}
	s.log.Info().Str("sid", sid).Str("keyword", kw).Bool("handoff", desk.ToDesk).Bool("emergency", desk.Emergency).Msg("sms received")
	s.log.Debug().Str("sid", sid).Str("from", whatsapp.MaskPhone(from)).Int("chars", len(body)).Msg("sms recorded")
	return nil
}

// emergencyOf is the emergency an SMS raised (desk.Emergency), as the
// engine announces one raised on WhatsApp.
func emergencyOf(user string, desk handoffs.SMSOutcome, at time.Time) bot.Emergency {
	return bot.Emergency{User: user, Lang: desk.Lang, Reason: desk.Reason, At: at}
}
