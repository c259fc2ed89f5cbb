package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// ErrWindowClosed refuses a free-form message to someone whose 24-hour
// window has closed (or who never wrote): WhatsApp allows only a
// template then.
var ErrWindowClosed = errors.New("the 24-hour window is closed: only a template may reach this person")

// WindowEnd is when free-form messages to someone who last wrote at
// lastInbound stop being allowed (the configured margin included).
func (e *Engine) WindowEnd(lastInbound time.Time) time.Time { return e.cfg.windowEnd(lastInbound) }

// SendText queues a free-form text to user outside a conversation turn,
// as the bot (author "bot", or "bot:<what>" to say which feature sent
// it): a correction of an FAQ answer is the example. It goes through the
// transcript and the outbox like every reply, so it is paced, retried
// and recorded the same way. It refuses with ErrWindowClosed when the
// person's window has closed, and with store.ErrNotFound when there is
// no such contact (erased meanwhile).
func (e *Engine) SendText(user, text, author string) error {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return errors.New("send text: empty text")
	case utf8.RuneCountInString(text) > 4096:
		return errors.New("send text: longer than WhatsApp's 4096 characters")
	case author != "bot" && !strings.HasPrefix(author, "bot:"):
		return fmt.Errorf("send text: author %q: want bot or bot:<feature>", author)
	}
	now := e.now()
	ctx := context.Background()
	var queued []*store.OutboxItem
	err := e.db.Write(ctx, store.UserScope(user), func(tx store.Writer) error {
		queued = nil
		c, err := store.GetContact(ctx, tx, user)
		if err != nil {
			return err
		}
		until := e.cfg.windowEnd(c.LastInboundAt)
		if c.LastInboundAt.IsZero() || !now.Before(until) {
			return ErrWindowClosed
		}
		o := whatsapp.Outbound{To: user, Kind: whatsapp.KindText, Text: text}
		for _, part := range whatsapp.Normalize(o) {
			items, err := e.queueReply(tx, user, e.cfg.PhoneNumberIDs[0], part, author, until, now)
			if err != nil {
				return err
			}
			queued = append(queued, items...)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("send text to %s: %w", whatsapp.MaskPhone(user), err)
	}
	for _, it := range queued {
		e.outbox.Add(it)
	}
	e.emit(Event{Kind: "reply", User: user, At: now})
	return nil
}
