package bot

import (
	"fmt"

	"lifeline/bot/whatsapp"
	"lifeline/catalog"
	"lifeline/flows"
	"lifeline/store"
)

// MediaSettled is told (by media.Fetcher) that the download of a file a
// person sent ended. The console is told to read the conversation again;
// when WhatsApp could not give the file, the person is asked, in their
// language, to send it again (not for a sticker: nothing hangs on one).
// The request goes only while the 24-hour window is open.
func (e *Engine) MediaSettled(rec store.MediaRecord) {
	now := e.now()
	defer e.emit(Event{Kind: "message", User: rec.User, At: now})
	if rec.State != store.MediaFailed || rec.Kind == "sticker" {
		return
	}
	var queued []*store.OutboxItem
	ctx := storeCtx()
	err := e.db.Write(ctx, store.UserScope(rec.User), func(tx store.Writer) error {
		queued = queued[:0]
		cur, err := store.LoadConversation[flows.Session](ctx, tx, rec.User)
		if err != nil {
			return err
		}
		sess := sessionOf(&cur)
		windowUntil := e.cfg.windowEnd(cur.Contact.LastInboundAt)
		if cur.Contact.LastInboundAt.IsZero() || now.After(windowUntil) {
			return nil
		}
		phone := rec.PhoneNumberID
		if phone == "" {
			phone = e.cfg.PhoneNumberIDs[0]
		}
		o := whatsapp.Outbound{To: rec.User, Kind: whatsapp.KindText, Text: catalog.For(sess.Lang).MediaResend}
		queued, err = e.queueReply(tx, rec.User, phone, o, "bot", windowUntil, now)
		return err
	})
	if err != nil {
		e.log.Error().Err(fmt.Errorf("ask to resend media %s: %w", rec.MediaID, err)).Msg("media download failed and the person was not told")
		return
	}
	for _, it := range queued {
		e.outbox.Add(it)
	}
}

// Backlogged reports whether inbound work is waiting: webhook batches not
// yet written (their acknowledgements wait for that write), or more
// inbound events than workers to process them. media.Fetcher holds its
// downloads back while it is true, so that the acknowledgements and the
// replies have the CPU and the disk first. Up to one event per worker is
// what a keeping-up engine has in hand, not a backlog (the count also
// holds events parked for a retry, which the download's deadline bounds).
func (e *Engine) Backlogged() bool {
	if e.inbox == nil {
		return false // not started
	}
	return len(e.ingestCh) > 0 || e.inbox.Len() > e.cfg.Workers
}
