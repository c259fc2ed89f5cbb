package bot

import (
	"errors"
	"fmt"

	"lifeline/bot/whatsapp"
	"lifeline/catalog"
	"lifeline/flows"
	"lifeline/store"
)

// AttachmentObserver is told, for metrics, that an FAQ answer's file was
// given up for good (code is the WhatsApp error code, 0 for none). An
// Observer that also implements it is told.
type AttachmentObserver interface {
	AttachmentFailed(phoneNumberID string, code int)
}

// keptFile reports whether msg sends a kept file: an FAQ answer's
// attachment, named by its sha256.
func keptFile(msg *whatsapp.Outbound) bool { return msg.Media != nil && msg.Media.SHA256 != "" }

// attachmentFailed follows an FAQ answer's file given up for good (its
// upload or its send failed past the send policy): the answer's text went
// out, so the person is told in their language that the file could not
// be sent and offered a person from the team, who can send it or say
// where to get it; the failure is counted and logged as an alert. Nothing
// is sent to a person WhatsApp cannot reach, or whose window has closed.
func (e *Engine) attachmentFailed(it *store.OutboxItem, msg *whatsapp.Outbound, cause error) {
	code := errorCode(cause)
	if o, ok := e.obs.(AttachmentObserver); ok {
		o.AttachmentFailed(it.PhoneNumberID, code)
	}
	e.log.Error().Str("alert", "faq_attachment_failed").Err(cause).Int("code", code).Uint64("seq", it.Seq).
		Str("file", shortSHA(msg.Media.SHA256)).Msg("an FAQ answer's file was not sent; the person is told to ask a person for it")
	var se *whatsapp.SendError
	if errors.As(cause, &se) && se.Action == whatsapp.ActionRecipientFailed {
		return // WhatsApp cannot reach them: a notice would fail the same way
	}
	now := e.now()
	var queued []*store.OutboxItem
	ctx := storeCtx()
	err := e.db.Write(ctx, store.UserScope(it.User), func(tx store.Writer) error {
		queued = nil
		cur, err := store.LoadConversation[flows.Session](ctx, tx, it.User)
		if err != nil {
			return err
		}
		windowUntil := e.cfg.windowEnd(cur.Contact.LastInboundAt)
		if cur.Contact.LastInboundAt.IsZero() || now.After(windowUntil) {
			return nil
		}
		t := catalog.For(sessionOf(&cur).Lang)
		o := whatsapp.Outbound{To: it.User, Kind: whatsapp.KindButtons, Text: t.AttachmentFailed,
			Buttons: []whatsapp.Button{{ID: flows.IDHuman, Title: t.BtnHuman}}}
		queued, err = e.queueReply(tx, it.User, it.PhoneNumberID, o, "bot:attachment", windowUntil, now)
		return err
	})
	if err != nil {
		e.log.Error().Err(fmt.Errorf("tell of file %s not sent: %w", shortSHA(msg.Media.SHA256), err)).Uint64("seq", it.Seq).
			Msg("an FAQ answer's file was not sent and the person was not told")
		return
	}
	for _, q := range queued {
		e.outbox.Add(q)
	}
}

func shortSHA(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}
