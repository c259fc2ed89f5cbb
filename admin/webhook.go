package admin

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"lifeline/admin/apierr"
	"lifeline/admin/reqbody"
	"lifeline/bot"
	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// WebhookConfig configures the /webhook endpoint.
type WebhookConfig struct {
	Enabled     bool   // false in sandbox mode: the endpoint answers 503
	VerifyToken string // hub.verify_token of the handshake
	AppSecret   string // key of X-Hub-Signature-256
	MaxBody     int    // bytes; larger bodies get 413
}

// errWebhookOff is the answer of the webhook in sandbox mode.
var errWebhookOff = &apierr.Unavailable{Msg: "webhook not configured: the server runs in sandbox mode; set WA_ACCESS_TOKEN, WA_PHONE_NUMBER_ID, WA_APP_SECRET and WA_VERIFY_TOKEN to connect WhatsApp"}

// verifyWebhook answers Meta's GET handshake.
func (s *Server) verifyWebhook(cfg WebhookConfig) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !cfg.Enabled {
			return errWebhookOff
		}
		challenge, ok := whatsapp.VerifyChallenge(c.Query("hub.mode"), c.Query("hub.verify_token"), c.Query("hub.challenge"), cfg.VerifyToken)
		if !ok {
			return whatsapp.ErrVerifyFailed
		}
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.SendString(challenge)
	}
}

// receiveWebhook accepts event POSTs: signature checked over the raw body,
// events stored durably by the engine, then 200. Processing happens
// afterwards.
func (s *Server) receiveWebhook(cfg WebhookConfig) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !cfg.Enabled {
			return errWebhookOff
		}
		body := c.Body()
		if err := reqbody.CheckSize(len(body), cfg.MaxBody); err != nil {
			return err
		}
		if err := whatsapp.CheckSignature(body, c.Get(whatsapp.SignatureHeader), cfg.AppSecret); err != nil {
			if errors.Is(err, whatsapp.ErrBadSignature) {
				// Never log the body: it is personal data and unverified.
				s.log.Warn().Str("request_id", requestID(c)).Int("bytes", len(body)).Msg("webhook signature mismatch")
			}
			return err
		}
		err := s.engine.Accept(body)
		var nse *bot.NotStoredError
		if errors.As(err, &nse) && !errors.Is(err, store.ErrDiskLow) {
			// A full disk is alerted once by the store, not per request.
			s.log.Error().Err(err).Str("request_id", requestID(c)).Msg("webhook events not stored")
		}
		if err != nil {
			return err
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
