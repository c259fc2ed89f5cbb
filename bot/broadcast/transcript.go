package broadcast

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// Messages returns the broadcast messages sent to user while their send
// records are kept (the frequency window plus a day), as conversation
// entries oldest first, so that an agent who takes over sees what the
// person was sent. They are built from the send records when asked for:
// writing each message into the transcript as it is sent would double
// what a broadcast writes per recipient, for entries few people look at.
func (s *Service) Messages(tx store.Reader, user string) ([]store.Entry, error) {
	docs := map[string]*Broadcast{}
	var (
		out     []store.Entry
		contact *store.Contact
	)
	err := store.EachBroadcastSend(storeCtx, tx, user, func(at time.Time, ref string) error {
		id, seq, round, ok := parseCallback(ref)
		if !ok {
			return nil
		}
		b, seen := docs[id]
		if !seen {
			doc, err := store.GetBroadcast[Broadcast](storeCtx, tx, id)
			switch {
			case errors.Is(err, store.ErrNotFound):
				b = nil // deleted since
			case err != nil:
				return err
			default:
				b = &doc
			}
			docs[id] = b
		}
		if b == nil {
			return nil
		}
		rec, err := store.GetBroadcastRecipient[Recipient](storeCtx, tx, id, seq)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		if contact == nil {
			c, err := store.GetContact(storeCtx, tx, user)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			contact = &c
		}
		e := store.Entry{Dir: store.Out, Author: "broadcast:" + id, Type: whatsapp.KindTemplate,
			At: at, Status: store.StatusSent}
		if rec.Round == round {
			e.MessageID = rec.WAMID
		}
		if round == 0 {
			eng, _, err := store.GetBroadcastEngagement[Engagement](storeCtx, tx, id, seq)
			if err != nil {
				return err
			}
			if eng.Delivery != "" {
				e.Status = eng.Delivery
			}
		}
		tpls := b.Spec.Templates
		if round > 0 && b.Spec.Reminders != nil && len(b.Spec.Reminders.Templates) > 0 {
			tpls = b.Spec.Reminders.Templates
		}
		// The contact as it is now stands in for the contact at the time.
		msg, err := render(b, tpls, rec.Lang, contact, seq, round, nil)
		e.Text = describe(b, round, msg.Template, err)
		if err == nil {
			// The message as sent, so that a page can show its buttons.
			if e.Payload, err = json.Marshal(msg); err != nil {
				return fmt.Errorf("encode broadcast %s message: %w", id, err)
			}
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// describe is a broadcast message as one line of a conversation:
// [broadcast "Storm check-in", reminder 1: template safety_checkin (Amina)].
func describe(b *Broadcast, round int, t *whatsapp.Template, renderErr error) string {
	var sb strings.Builder
	sb.WriteString("[broadcast")
	if b.Spec.Name != "" {
		sb.WriteString(" " + strconv.Quote(b.Spec.Name))
	}
	if round > 0 {
		sb.WriteString(", reminder " + strconv.Itoa(round))
	}
	if renderErr == nil && t != nil {
		sb.WriteString(": template " + t.Name)
		var params []string
		for _, c := range t.Components {
			for _, p := range c.Parameters {
				if p.Text != "" {
					params = append(params, p.Text)
				}
			}
		}
		if len(params) > 0 {
			sb.WriteString(" (" + strings.Join(params, ", ") + ")")
		}
	}
	sb.WriteString("]")
	return sb.String()
}
