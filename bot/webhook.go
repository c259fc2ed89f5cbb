package bot

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/gofiber/fiber/v2"

	"lifeline/bot/whatsapp"
)

// WebhookConfig configures the /webhook endpoint.
type WebhookConfig struct {
	Enabled     bool   // false in sandbox mode: the endpoint answers 503
	VerifyToken string // hub.verify_token of the handshake
	AppSecret   string // key of X-Hub-Signature-256
	MaxBody     int    // bytes; larger bodies get 413
}

// errNotConfigured is the answer of the webhook in sandbox mode.
var errNotConfigured = fiber.NewError(fiber.StatusServiceUnavailable,
	"webhook not configured: the server runs in sandbox mode; set WA_ACCESS_TOKEN, WA_PHONE_NUMBER_ID, WA_APP_SECRET and WA_VERIFY_TOKEN to connect WhatsApp")

// VerifyHandler answers Meta's GET handshake.
func (e *Engine) VerifyHandler(cfg WebhookConfig) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !cfg.Enabled {
			return errNotConfigured
		}
		challenge, ok := whatsapp.VerifyChallenge(c.Query("hub.mode"), c.Query("hub.verify_token"), c.Query("hub.challenge"), cfg.VerifyToken)
		if !ok {
			return fiber.NewError(fiber.StatusForbidden, "verification failed: wrong hub.mode or hub.verify_token")
		}
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.SendString(challenge)
	}
}

// WebhookHandler accepts event POSTs: signature checked over the raw body,
// events stored durably, then 200. Processing happens afterwards.
func (e *Engine) WebhookHandler(cfg WebhookConfig) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !cfg.Enabled {
			return errNotConfigured
		}
		body := c.Body()
		if cfg.MaxBody > 0 && len(body) > cfg.MaxBody {
			return fiber.NewError(fiber.StatusRequestEntityTooLarge, fmt.Sprintf("body of %d bytes is over the %d-byte limit", len(body), cfg.MaxBody))
		}
		sig := c.Get("X-Hub-Signature-256")
		if sig == "" {
			return fiber.NewError(fiber.StatusUnauthorized, "missing X-Hub-Signature-256 header")
		}
		if !whatsapp.ValidSignature(body, sig, cfg.AppSecret) {
			// Never log the body: it is personal data and unverified.
			e.log.Warn().Str("request_id", requestID(c)).Int("bytes", len(body)).Msg("webhook signature mismatch")
			return fiber.NewError(fiber.StatusUnauthorized, "invalid X-Hub-Signature-256 signature")
		}
		batch, err := whatsapp.ParseWebhook(body)
		if err != nil {
			return fiber.NewError(fiber.StatusBadRequest, err.Error())
		}
		_, err = e.Ingest(batch)
		if err != nil {
			e.log.Error().Err(err).Str("request_id", requestID(c)).Msg("webhook events not stored")
			// Not 200: Meta keeps the events and delivers them again.
			return fiber.NewError(fiber.StatusServiceUnavailable, "events could not be stored; retry later")
		}
		return c.SendString("EVENT_RECEIVED")
	}
}

func requestID(c *fiber.Ctx) string {
	if v, ok := c.Locals("requestid").(string); ok {
		return v
	}
	return ""
}

// SandboxSender stands in for the Graph API when no WhatsApp credentials
// are configured: messages are recorded in the transcript and returned by
// the sandbox chat instead of being sent.
type SandboxSender struct{ n atomic.Uint64 }

var _ Sender = (*SandboxSender)(nil)

// Send accepts the message and makes up a message id.
func (s *SandboxSender) Send(_ context.Context, _ string, o whatsapp.Outbound) (whatsapp.SendResult, error) {
	if err := o.Validate(); err != nil {
		return whatsapp.SendResult{}, fmt.Errorf("sandbox: invalid message: %w", err)
	}
	return whatsapp.SendResult{MessageID: fmt.Sprintf("wamid.sandbox.%d", s.n.Add(1)), WaID: o.To}, nil
}

// MarkRead does nothing in the sandbox.
func (s *SandboxSender) MarkRead(context.Context, string, string, bool) error { return nil }
