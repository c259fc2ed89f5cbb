package store

import (
	"encoding/json"
	"time"
)

// Contact is what Lifeline knows about one person on WhatsApp.
type Contact struct {
	// WaID is the person's wa_id, or for a username user who arrives
	// without a phone number the key whatsapp.UserKey gives ("bsuid:<id>"):
	// it keys the contact, and sending turns it into recipient, never to.
	WaID         string            `json:"wa_id"`
	UserID       string            `json:"user_id,omitempty"` // business-scoped user id (BSUID), kept beside wa_id whenever WhatsApp sends one
	Name         string            `json:"name,omitempty"`
	Language     string            `json:"language,omitempty"`
	Tags         []string          `json:"tags,omitempty"`
	Region       string            `json:"region,omitempty"`
	Fields       map[string]string `json:"fields,omitempty"`
	OptedIn      bool              `json:"opted_in,omitempty"`
	OptInSource  string            `json:"opt_in_source,omitempty"`
	OptInAt      time.Time         `json:"opt_in_at,omitzero"`
	OptInWording string            `json:"opt_in_wording,omitempty"` // what the person wrote to subscribe
	OptedOut     bool              `json:"opted_out,omitempty"`
	OptOutAt     time.Time         `json:"opt_out_at,omitzero"`
	// Unreachable: WhatsApp said the number cannot receive messages
	// (131026); broadcasts leave it out until the person writes in or an
	// admin clears it. Written only by MarkUnreachable and SetReachable.
	Unreachable     bool      `json:"unreachable,omitempty"`
	UnreachableAt   time.Time `json:"unreachable_at,omitzero"`
	UnreachableCode int       `json:"unreachable_code,omitempty"`
	ReachableAt     time.Time `json:"reachable_at,omitzero"` // when the last mark was cleared
	LastErrorCode   int       `json:"last_error_code,omitempty"`
	LastInboundAt   time.Time `json:"last_inbound_at,omitzero"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// Direction of a transcript entry.
const (
	In  = "in"
	Out = "out"
)

// Delivery states of an outbound message, in the order they can only move forward.
const (
	StatusQueued    = "queued"
	StatusSent      = "sent"
	StatusDelivered = "delivered"
	StatusRead      = "read"
	StatusFailed    = "failed"
)

var statusRank = map[string]int{StatusQueued: 0, StatusSent: 1, StatusDelivered: 2, StatusRead: 3, StatusFailed: 4}

// AdvanceStatus applies a delivery status monotonically: webhooks arrive out
// of order, so "delivered" after "read" changes nothing, and failed wins.
func AdvanceStatus(current, next string) (string, bool) {
	n, ok := statusRank[next]
	if !ok {
		return current, false
	}
	if n > statusRank[current] {
		return next, true
	}
	return current, false
}

// Entry is one message of a conversation, in either direction.
type Entry struct {
	Seq       uint64    `json:"seq"`
	Dir       string    `json:"dir"`              // In or Out
	Author    string    `json:"author,omitempty"` // "user", "bot", or "agent:<id>"
	At        time.Time `json:"at"`
	Type      string    `json:"type"`
	Text      string    `json:"text,omitempty"`
	ReplyID   string    `json:"reply_id,omitempty"`
	MessageID string    `json:"message_id,omitempty"` // wamid, when known
	Status    string    `json:"status,omitempty"`     // outbound delivery state
	ErrorCode int       `json:"error_code,omitempty"`
	Error     string    `json:"error,omitempty"`
	Lat       float64   `json:"lat,omitempty"`
	Lng       float64   `json:"lng,omitempty"`
	Payload   []byte    `json:"payload,omitempty"` // the outbound message as queued (JSON)
	Channel   string    `json:"channel,omitempty"` // "sms" for a message by SMS; "" is WhatsApp
	// Media describes the file of an image, audio, video, document or
	// sticker; the downloader updates its state.
	Media *EntryMedia `json:"media,omitempty"`
	// Redacted is set when retention removed the text, location or
	// payload; the entry stays so that counts remain.
	Redacted bool `json:"redacted,omitempty"`
	// FAQ is set on the messages of an FAQ answer: which entry and FAQ
	// version it came from, so that a correction of the entry finds who
	// received the old answer. Entries written before it existed have
	// none and read as before.
	FAQ *FAQSource `json:"faq,omitempty"`
	// Read is set on an inbound message: what the understanding step
	// read it as and, when the FAQ was searched for it, what the FAQ
	// decided; the incident report counts the questions the FAQ answered
	// from it. Entries written before it existed have none.
	Read *Reading `json:"read,omitempty"`
}

// FAQ decisions on an inbound message, as Reading.FAQ records them.
const (
	FAQAnswered  = "answered"  // an FAQ answer was sent
	FAQSuggested = "suggested" // a "did you mean" list was sent
	FAQNone      = "none"      // the FAQ was searched and had nothing it would send
)

// Reading is what the understanding step read an inbound message as.
type Reading struct {
	Class     string `json:"class"`               // understand's class: question, greeting, danger, ...
	Confident bool   `json:"confident,omitempty"` // sure enough to act on
	// FAQ is FAQAnswered, FAQSuggested or FAQNone when the FAQ was
	// searched for the message; empty when it was not (a greeting, a
	// conversation an agent holds, a check-in answer).
	FAQ string `json:"faq,omitempty"`
}

// FAQSource is where an answer sent to a person came from.
type FAQSource struct {
	Entry   string `json:"entry"`             // the FAQ entry id, without a translation suffix
	Lang    string `json:"lang,omitempty"`    // the language of the answer sent
	Version int    `json:"version,omitempty"` // the FAQ version searched
	// Overlay is the incident whose FAQ overlay held the entry, when the
	// answer came from one instead of the general FAQ.
	Overlay string `json:"overlay,omitempty"`
}

// SentRef points from an outbound wamid to its transcript entry.
type SentRef struct {
	User string `json:"user"`
	Seq  uint64 `json:"seq"`
}

// SentRefTTL is how long delivery statuses can still find their message:
// WhatsApp stops sending them well before.
const SentRefTTL = 30 * 24 * time.Hour

// OutboxItem is one message waiting to be sent (or one read receipt).
type OutboxItem struct {
	Seq           uint64          `json:"seq"`
	User          string          `json:"user"` // recipient wa_id; also the lane that keeps replies in order
	PhoneNumberID string          `json:"phone_number_id"`
	Message       json.RawMessage `json:"message,omitempty"` // whatsapp.Outbound as JSON
	ReadID        string          `json:"read_id,omitempty"` // set for a mark-as-read instead of a message
	TranscriptSeq uint64          `json:"transcript_seq,omitempty"`
	WindowUntil   time.Time       `json:"window_until,omitzero"` // free-form messages may be sent until then
	Attempts      int             `json:"attempts,omitempty"`    // failed sends so far (the send policy's count)
	NotBefore     time.Time       `json:"not_before,omitzero"`
	CreatedAt     time.Time       `json:"created_at"`
	// UnknownSince: the last send may have reached WhatsApp (a timeout or
	// a broken answer). The item is not sent again until a status webhook
	// carrying its callback data settles it or NotBefore (the grace) passes.
	UnknownSince time.Time `json:"unknown_since,omitzero"`
	// KeepUntil: a template waits through an outage until then; zero
	// means CreatedAt plus the engine's template lifetime.
	KeepUntil time.Time `json:"keep_until,omitzero"`
	// Resends counts sends made again after failed status webhooks, which
	// are bounded; it travels in the callback data.
	Resends int  `json:"resends,omitempty"`
	Agent   bool `json:"agent,omitempty"` // written by an agent (the send policy's kind)
}
