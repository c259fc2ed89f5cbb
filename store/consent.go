package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Consent channels.
const (
	ChannelWhatsApp = "whatsapp"
	ChannelSMS      = "sms"
)

// Consent sources: who or what gave or withdrew consent.
const (
	SourceKeyword      = "keyword"      // the person wrote STOP or START (or their words for it) on WhatsApp
	SourceConversation = "conversation" // the person answered the bot's "Reply YES to receive alerts about ..."
	SourceImport       = "import"       // a contact import said opted_in yes or no
	SourceAdmin        = "admin"        // an admin changed it through the API
	SourceSMSKeyword   = "sms_keyword"  // the person sent STOP or START by SMS
	SourceProvider     = "provider"     // the SMS provider refused the number as opted out (21610)
)

// ConsentEvent is one opt-in or opt-out.
type ConsentEvent struct {
	Channel string    `json:"channel"` // whatsapp or sms
	OptIn   bool      `json:"opt_in"`  // false: an opt-out
	At      time.Time `json:"at"`
	Source  string    `json:"source"`
	// Wording is what the person wrote (their own words), or what they
	// agreed to (the question they answered YES to), or the import's or
	// admin's name for an opt-in on their behalf.
	Wording string `json:"wording,omitempty"`
	By      string `json:"by,omitempty"` // the admin or the import, for those sources
}

// maxConsentEvents bounds a person's log: the oldest events go first.
const maxConsentEvents = 100

func consentKey(waID string) Key { return docKey(DocConsent, waID) }

// consentLog is the stored document.
type consentLog struct {
	Events []ConsentEvent `json:"events"`
}

// ConsentLog returns the person's consent events, oldest first.
func ConsentLog(ctx context.Context, r Reader, waID string) ([]ConsentEvent, error) {
	l, _, err := getOptional[consentLog](ctx, r, consentKey(waID), "consent log")
	return l.Events, err
}

// RecordConsent is the one writer of consent. On WhatsApp it sets c's
// consent fields (the caller stores c in the same transaction, as every
// caller writes the contact anyway); on SMS it writes the person's SMS
// record (c may be nil). Either way an event that changes the person's
// state is appended to their consent log; one that changes nothing (a
// second START) is not, and changed is false.
//
// The person's own word is stronger than anyone's on their behalf: an
// opt-out by keyword or conversation sets OptedOut, which no import or
// admin opt-in overrides (only the person's own opt-in does); an import
// or admin opt-out only withdraws the opt-in.
func RecordConsent(ctx context.Context, w Writer, waID string, c *Contact, ev ConsentEvent) (changed bool, err error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if waID == "" || ev.At.IsZero() {
		return false, errors.New("record consent: no person or no time")
	}
	ev.Wording = strings.TrimSpace(ev.Wording)
	if len(ev.Wording) > 500 {
		ev.Wording = ev.Wording[:500]
	}
	switch ev.Channel {
	case ChannelWhatsApp:
		if c == nil {
			return false, errors.New("record whatsapp consent: no contact")
		}
		changed = applyWhatsAppConsent(c, ev)
	case ChannelSMS:
		// SMS has no opt-in of its own, only the absence of a STOP: only
		// the person's START (or a provider's word) lifts one.
		if ev.OptIn && ev.Source != SourceSMSKeyword {
			return false, nil
		}
		if changed, err = setSMSOptOut(ctx, w, waID, !ev.OptIn, ev.Wording, ev.At); err != nil {
			return false, err
		}
	default:
		return false, fmt.Errorf("record consent: channel %q, want whatsapp or sms", ev.Channel)
	}
	if !changed {
		return false, nil
	}
	l, _, err := getOptional[consentLog](ctx, w, consentKey(waID), "consent log")
	if err != nil {
		return false, err
	}
	l.Events = append(l.Events, ev)
	if n := len(l.Events) - maxConsentEvents; n > 0 {
		l.Events = append([]ConsentEvent(nil), l.Events[n:]...)
	}
	if err := putJSON(w, consentKey(waID), l, 0); err != nil {
		return false, fmt.Errorf("save consent of %s: %w", waID, err)
	}
	return true, nil
}

func personal(source string) bool {
	return source == SourceKeyword || source == SourceConversation
}

func applyWhatsAppConsent(c *Contact, ev ConsentEvent) bool {
	wasIn, wasOut := c.OptedIn, c.OptedOut
	switch {
	case ev.OptIn && personal(ev.Source):
		if !c.OptedIn || c.OptedOut {
			c.OptedIn, c.OptInAt, c.OptInSource, c.OptInWording = true, ev.At, ev.Source, ev.Wording
		}
		c.OptedOut = false
	case ev.OptIn:
		// On the contact, an opt-in on someone's behalf names where it came
		// from as they said (an import's opt_in_source column, the import);
		// the event keeps the source kind apart.
		if !c.OptedIn {
			c.OptedIn, c.OptInAt, c.OptInSource, c.OptInWording = true, ev.At, cmp.Or(ev.Wording, ev.By, ev.Source), ""
		}
	case personal(ev.Source):
		if !c.OptedOut {
			c.OptedOut, c.OptOutAt = true, ev.At
		}
	default:
		c.OptedIn = false
	}
	return c.OptedIn != wasIn || c.OptedOut != wasOut
}

// EraseConsentLog removes the person's consent log (erasure) except their
// opt-outs, kept without wording: the proof that they asked for no more
// messages outlives the rest, as the bare opt-out on the contact does.
func EraseConsentLog(ctx context.Context, w Writer, waID string) error {
	l, found, err := getOptional[consentLog](ctx, w, consentKey(waID), "consent log")
	if err != nil || !found {
		return err
	}
	var kept []ConsentEvent
	for _, ev := range l.Events {
		if !ev.OptIn {
			kept = append(kept, ConsentEvent{Channel: ev.Channel, At: ev.At, Source: ev.Source})
		}
	}
	if len(kept) == 0 {
		return w.Delete(consentKey(waID))
	}
	return putJSON(w, consentKey(waID), consentLog{Events: kept}, 0)
}
