package broadcast

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// Event is what integrations are told, as the JSON body of a POST to each
// configured URL, signed like Meta signs its webhooks: the header
// X-Lifeline-Signature-256 is "sha256=" and the hex HMAC-SHA256 of the raw
// body with the shared secret. X-Lifeline-Event-Id is stable across
// retries, so receivers can drop repeats.
type Event struct {
	ID            string             `json:"id"`
	Type          string             `json:"type"` // checkin.answer, checkin.need_help, checkin.help_details, confirmation.answer, confirmation.reschedule, broadcast.completed, broadcast.cancelled, broadcast.alert, emergency, checkin.unaccounted
	At            time.Time          `json:"at"`
	Broadcast     string             `json:"broadcast"`
	Name          string             `json:"name,omitempty"`
	Contact       string             `json:"contact,omitempty"` // wa_id
	Answer        string             `json:"answer,omitempty"`
	Option        string             `json:"option,omitempty"`
	Location      *whatsapp.Location `json:"location,omitempty"`
	Description   string             `json:"description,omitempty"`
	PreferredTime string             `json:"preferred_time,omitempty"`
	Unaccounted   int64              `json:"unaccounted,omitempty"`
	// Contacts lists the wa_ids of checkin.unaccounted.
	Contacts []string `json:"contacts,omitempty"`
	Code     int      `json:"code,omitempty"`
	Message  string   `json:"message,omitempty"`
}

// SignatureHeader carries the HMAC of an event body.
const SignatureHeader = "X-Lifeline-Signature-256"

// Sign returns the SignatureHeader value for body.
func Sign(body []byte, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// ValidSignature checks a SignatureHeader value in constant time.
func ValidSignature(body []byte, header, secret string) bool {
	return hmac.Equal([]byte(header), []byte(Sign(body, secret)))
}

// pendingEvent is an event waiting for delivery to some of the URLs.
type pendingEvent struct {
	Event    Event     `json:"event"`
	URLs     []int     `json:"urls"` // indexes into Config.WebhookURLs not yet delivered
	Attempts int       `json:"attempts,omitempty"`
	NextAt   time.Time `json:"next_at,omitzero"`
}

const maxWebhookAttempts = 12

// queueEvent stores an event for delivery within tx, so it is sent if and
// only if what it reports was committed.
func (s *Service) queueEvent(tx store.Writer, ev Event) error {
	if len(s.cfg.WebhookURLs) == 0 {
		return nil
	}
	seq, err := store.NextBroadcastEvent(storeCtx, tx)
	if err != nil {
		return err
	}
	ev.ID = fmt.Sprintf("ev%d", seq)
	p := pendingEvent{Event: ev}
	for i := range s.cfg.WebhookURLs {
		p.URLs = append(p.URLs, i)
	}
	select {
	case s.hook <- struct{}{}:
	default:
	}
	return store.PutBroadcastEvent(storeCtx, tx, seq, &p)
}

// eventScope is the scope an integration event is written in: its
// broadcast's, or the person's it is about (an emergency).
func eventScope(ev Event) store.Scope {
	if ev.Broadcast != "" {
		return store.BroadcastScope(ev.Broadcast)
	}
	return store.UserScope(ev.Contact)
}

func (s *Service) queueEventNow(ev Event) {
	if len(s.cfg.WebhookURLs) == 0 {
		return
	}
	if err := s.db.Write(storeCtx, eventScope(ev), func(tx store.Writer) error { return s.queueEvent(tx, ev) }); err != nil {
		s.log.Error().Err(err).Str("event", ev.Type).Msg("queue integration event")
	}
}

// notifyLoop delivers integration events with retries and backoff.
func (s *Service) notifyLoop() {
	defer s.wg.Done()
	if len(s.cfg.WebhookURLs) == 0 {
		<-s.ctx.Done()
		return
	}
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		s.deliverDue()
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		case <-s.hook:
		}
	}
}

func (s *Service) deliverDue() {
	now := s.now()
	type item struct {
		seq uint64
		p   pendingEvent
	}
	var due []item
	// Under the service's context: Close does not wait out a read that
	// JetStream leaves unanswered.
	err := s.db.Read(s.ctx, func(tx store.Reader) error {
		return store.EachBroadcastEvent(s.ctx, tx, func(seq uint64, p pendingEvent) error {
			if !p.NextAt.After(now) {
				due = append(due, item{seq, p})
			}
			if len(due) >= 100 {
				return store.ErrStop
			}
			return nil
		})
	})
	if err != nil {
		if s.ctx.Err() == nil {
			s.log.Error().Err(err).Msg("read integration events")
		}
		return
	}
	for _, it := range due {
		if s.ctx.Err() != nil {
			return
		}
		p := it.p
		body, _ := json.Marshal(p.Event)
		var left []int
		for _, i := range p.URLs {
			if i >= len(s.cfg.WebhookURLs) {
				continue
			}
			if err := s.post(s.cfg.WebhookURLs[i], p.Event, body); err != nil {
				left = append(left, i)
				s.log.Warn().Err(err).Str("event", p.Event.Type).Str("id", p.Event.ID).Int("attempt", p.Attempts+1).Msg("integration webhook failed")
			}
		}
		p.URLs = left
		p.Attempts++
		err := s.db.Write(storeCtx, eventScope(p.Event), func(tx store.Writer) error {
			if len(left) == 0 {
				return store.DeleteBroadcastEvent(storeCtx, tx, it.seq)
			}
			if p.Attempts >= maxWebhookAttempts {
				s.log.Error().Str("event", p.Event.Type).Str("id", p.Event.ID).Msg("integration webhook given up after retries")
				return store.DeleteBroadcastEvent(storeCtx, tx, it.seq)
			}
			p.NextAt = s.now().Add(min(time.Duration(1<<p.Attempts)*time.Second, 10*time.Minute))
			return store.PutBroadcastEvent(storeCtx, tx, it.seq, &p)
		})
		if err != nil {
			s.log.Error().Err(err).Msg("record integration webhook attempt")
		}
	}
}

func (s *Service) post(url string, ev Event, body []byte) error {
	ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Lifeline-Webhooks/1")
	req.Header.Set("X-Lifeline-Event", ev.Type)
	req.Header.Set("X-Lifeline-Event-Id", ev.ID)
	req.Header.Set(SignatureHeader, Sign(body, s.cfg.WebhookSecret))
	res, err := s.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("http %d", res.StatusCode)
	}
	return nil
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
