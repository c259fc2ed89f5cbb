package whatsapp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ErrMalformed marks webhook bodies that cannot be a WhatsApp Cloud API
// notification. Callers should still answer 200 so Meta stops retrying a body
// that will never parse, and log the error.
var ErrMalformed = errors.New("malformed webhook")

// objectWhatsApp is the only envelope object the Cloud API sends.
const objectWhatsApp = "whatsapp_business_account"

// Batch is one webhook POST, normalised. A POST may carry many entries and
// changes; they are flattened here in payload order.
type Batch struct {
	Messages []Message
	Statuses []Status
	// Errors are value.errors[]: out-of-band errors tied to no message
	// (e.g. 130429 reported asynchronously), with PhoneNumberID set if known.
	Errors []APIError
	// Templates are message_template_status_update changes: a template
	// approved, paused, disabled or rejected by WhatsApp.
	Templates []TemplateStatus
	// Ignored lists the change fields not decoded, for logging.
	Ignored []string
}

// Template statuses of message_template_status_update that stop a template
// from being sent: sends fail with 132015 (paused) or 132016 (disabled).
const (
	TemplateApproved = "APPROVED"
	TemplatePaused   = "PAUSED"
	TemplateDisabled = "DISABLED"
	TemplateRejected = "REJECTED"
)

// TemplateStatus is one message_template_status_update: WhatsApp changed
// the status of one template in one language.
type TemplateStatus struct {
	WABAID   string    // entry.id
	ID       string    // message_template_id (a JSON number, kept as digits)
	Name     string    // message_template_name
	Language string    // message_template_language, e.g. "en_US"
	Event    string    // APPROVED, PAUSED, DISABLED, REJECTED, ... as sent
	Reason   string    // free text; "" when absent or "NONE"
	Category string    // message_template_category, when sent
	At       time.Time // entry.time; zero when absent
}

// Blocks reports whether the event stops the template from being sent.
func (t TemplateStatus) Blocks() bool {
	switch t.Event {
	case TemplatePaused, TemplateDisabled, TemplateRejected:
		return true
	}
	return false
}

// Message is one inbound user message.
type Message struct {
	ID            string    // wamid, the dedupe key
	From          string    // wa_id digits; empty for username-only users
	FromUserID    string    // BSUID, when present
	Name          string    // profile name from value.contacts matched by wa_id (or user_id)
	PhoneNumberID string    // metadata.phone_number_id of the receiving business number
	Timestamp     time.Time // UTC; zero when absent or unparseable
	// Type is the payload's type as sent, unknown future types kept as-is.
	Type string
	// Text is text.body, the media caption, system.body, or for nfm_reply
	// (WhatsApp Flows) the response_json string.
	Text string
	// ReplyID is button_reply.id / list_reply.id / template button.payload,
	// or nfm_reply.name for Flows.
	ReplyID string
	// ReplyTitle is the visible title/text of the tapped button or row
	// (nfm_reply.body for Flows).
	ReplyTitle      string
	InteractiveType string // button_reply, list_reply, nfm_reply
	Context         *Context
	Location        *Location
	Media           *Media // image/audio/video/document/sticker (Kind says which)
	Reaction        *Reaction
	Contacts        []SharedContact // type "contacts"
	Errors          []APIError
	// GroupID is set for a message written in a group (Groups API): the
	// sender did not write to us one-to-one.
	GroupID string
}

// Reasons a message is not answered, as Unanswerable reports them. They
// are metric labels: keep the set small and fixed.
const (
	IgnoreGroup         = "group"          // written in a group, not to us one-to-one
	IgnoreNoSender      = "no_sender"      // neither from nor from_user_id
	IgnoreInvalidSender = "invalid_sender" // from (or from_user_id) is not a WhatsApp id
)

// Unanswerable says why m must not be answered, or "" when it may be.
// A reply to a sender that is not a WhatsApp id would be addressed to
// nobody (or to someone else), and a group message answered one-to-one
// would reveal to the sender that we read the group.
func (m *Message) Unanswerable() string {
	switch {
	case m.GroupID != "":
		return IgnoreGroup
	case m.From == "" && m.FromUserID == "":
		return IgnoreNoSender
	case m.From != "" && !IsWaID(m.From):
		return IgnoreInvalidSender
	case m.From == "" && !validUserID(m.FromUserID):
		return IgnoreInvalidSender
	}
	return ""
}

// IsWaID reports whether s can be a wa_id: the digits of an E.164 number
// (at most 15), without '+'. E.164 sets no useful minimum, and the sandbox
// and test numbers are short, so any non-empty run of digits passes.
func IsWaID(s string) bool {
	if s == "" || len(s) > 15 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// looksLikeBSUID reports whether s has the country-prefixed form WhatsApp
// reports business-scoped user ids in ("US.1349…"), so that one arriving
// in from is not mistaken for a broken phone number.
func looksLikeBSUID(s string) bool {
	if len(s) < 4 || s[2] != '.' || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' {
		return false
	}
	return validUserID(s)
}

// validUserID accepts an opaque BSUID: 1 to 128 printable ASCII
// characters without spaces, and none that our own keys use as separators.
func validUserID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c > '~' || c == ':' || c == '/' {
			return false
		}
	}
	return true
}

// UserKeyPrefix marks the key of a user known only by BSUID. The key is
// internal: Outbound turns it back into the recipient field on the wire.
const UserKeyPrefix = "bsuid:"

// UserKey is the key a sender is stored under: the wa_id when there is
// one, else the BSUID behind UserKeyPrefix.
func UserKey(m *Message) string {
	if m.From != "" {
		return m.From
	}
	return UserKeyPrefix + m.FromUserID
}

// Context is present when the user quoted one of our messages or forwarded
// a message. For template quick-reply taps ID is the template's wamid.
type Context struct {
	ID, From                       string
	Forwarded, FrequentlyForwarded bool
}

// Location is a shared pin inbound and a location message outbound.
type Location struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Name      string  `json:"name,omitempty"`
	Address   string  `json:"address,omitempty"`
}

// Media describes inbound media. The payload carries an ID to download
// (within 7 days), never the file itself.
type Media struct {
	Kind, ID, MimeType, SHA256, Caption, Filename string
	Voice, Animated                               bool
}

// Reaction is a user's reaction to one of our messages; Emoji is empty when
// the user removed it.
type Reaction struct{ MessageID, Emoji string }

// SharedContact is one contact card from a "contacts" message.
type SharedContact struct {
	Name   string
	Phones []string
}

// Status is a delivery receipt for a message we sent. Receipts are not
// ordered and may repeat; callers keep status transitions monotonic.
type Status struct {
	ID, Status, RecipientID, RecipientUserID, BizOpaqueCallbackData, PhoneNumberID string
	Timestamp                                                                      time.Time
	Errors                                                                         []APIError
}

// APIError is the error object shared by failed statuses, unsupported
// messages and value.errors[].
type APIError struct {
	Code                          int
	Title, Message, Details, Href string
	PhoneNumberID                 string // set for value.errors[] when metadata names the number
}

// Action classifies an asynchronous error the same way as a send error.
func (e APIError) Action() Action { return Classify(e.Code) }

// ParseWebhook decodes a webhook POST body. It returns an error wrapping
// ErrMalformed for bodies that are not JSON, whose fields have the wrong
// types, or whose object is not "whatsapp_business_account". An empty entry
// list is valid and yields an empty batch. "messages" and
// "message_template_status_update" changes are decoded; other fields have
// unrelated shapes and are reported in Ignored.
func ParseWebhook(body []byte) (*Batch, error) {
	var w wireWebhook
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, fmt.Errorf("%w: decode envelope: %v", ErrMalformed, err)
	}
	if w.Object != objectWhatsApp {
		return nil, fmt.Errorf("%w: object %q is not %s", ErrMalformed, truncateForError(w.Object), objectWhatsApp)
	}
	b := &Batch{}
	for i, e := range w.Entry {
		for j, c := range e.Changes {
			if c.Field == "message_template_status_update" {
				t, err := parseTemplateStatus(c.Value)
				if err != nil {
					return nil, fmt.Errorf("%w: decode entry %d change %d: %v", ErrMalformed, i, j, err)
				}
				t.WABAID, t.At = e.ID, e.Time.t
				if t.At.Year() > 9999 {
					// Not a time anyone meant, and one JSON cannot store.
					t.At = time.Time{}
				}
				b.Templates = append(b.Templates, t)
				continue
			}
			if c.Field != "messages" {
				b.Ignored = append(b.Ignored, c.Field)
				continue
			}
			var v wireValue
			if len(c.Value) > 0 {
				if err := json.Unmarshal(c.Value, &v); err != nil {
					return nil, fmt.Errorf("%w: decode entry %d change %d: %v", ErrMalformed, i, j, err)
				}
			}
			b.add(&v)
		}
	}
	return b, nil
}

// parseTemplateStatus decodes one message_template_status_update value.
// A change without a template name and event can name no template to
// stop, so it is malformed rather than silently dropped.
func parseTemplateStatus(raw json.RawMessage) (TemplateStatus, error) {
	var w wireTemplateStatus
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &w); err != nil {
			return TemplateStatus{}, err
		}
	}
	if w.Name == "" || w.Event == "" {
		return TemplateStatus{}, errors.New("template status update without message_template_name or event")
	}
	t := TemplateStatus{
		ID:       strings.Trim(string(bytes.TrimSpace(w.ID)), `"`),
		Name:     w.Name,
		Language: w.Language,
		Event:    strings.ToUpper(strings.TrimSpace(w.Event)),
		Reason:   w.Reason,
		Category: w.Category,
	}
	if t.ID == "null" {
		t.ID = ""
	}
	if strings.EqualFold(t.Reason, "NONE") {
		t.Reason = ""
	}
	return t, nil
}

// add appends everything in one "messages" change value.
func (b *Batch) add(v *wireValue) {
	pnid := v.Metadata.PhoneNumberID
	for i := range v.Messages {
		m := v.Messages[i].normalise(pnid)
		m.Name = v.profileName(m.From, m.FromUserID)
		b.Messages = append(b.Messages, m)
	}
	for _, s := range v.Statuses {
		b.Statuses = append(b.Statuses, Status{
			ID:                    s.ID,
			Status:                s.Status,
			RecipientID:           s.RecipientID,
			RecipientUserID:       s.RecipientUserID,
			BizOpaqueCallbackData: s.BizOpaqueCallbackData,
			PhoneNumberID:         pnid,
			Timestamp:             s.Timestamp.t,
			Errors:                apiErrors(s.Errors, ""),
		})
	}
	b.Errors = append(b.Errors, apiErrors(v.Errors, pnid)...)
}

// profileName matches the sender to value.contacts: by wa_id first, then by
// BSUID for username users who arrive without a phone number.
func (v *wireValue) profileName(waID, userID string) string {
	if waID != "" {
		for _, c := range v.Contacts {
			if c.WaID == waID {
				return c.Profile.Name
			}
		}
	}
	if userID != "" {
		for _, c := range v.Contacts {
			if c.UserID == userID {
				return c.Profile.Name
			}
		}
	}
	return ""
}

func (w *wireMessage) normalise(pnid string) Message {
	m := Message{
		ID:            w.ID,
		From:          w.From,
		FromUserID:    w.FromUserID,
		PhoneNumberID: pnid,
		Timestamp:     w.Timestamp.t,
		Type:          w.Type,
		Errors:        apiErrors(w.Errors, ""),
		GroupID:       w.GroupID,
	}
	// A username user's BSUID has been seen in from: it is an id to reply
	// to through recipient, not a phone number.
	if looksLikeBSUID(m.From) && (m.FromUserID == "" || m.FromUserID == m.From) {
		m.FromUserID, m.From = m.From, ""
	}
	if c := w.Context; c != nil {
		m.Context = &Context{ID: c.ID, From: c.From, Forwarded: c.Forwarded, FrequentlyForwarded: c.FrequentlyForwarded}
	}
	switch w.Type {
	case "text":
		if w.Text != nil {
			m.Text = w.Text.Body
		}
	case "interactive":
		if in := w.Interactive; in != nil {
			m.InteractiveType = in.Type
			switch {
			case in.Type == "button_reply" && in.ButtonReply != nil:
				m.ReplyID, m.ReplyTitle = in.ButtonReply.ID, in.ButtonReply.Title
			case in.Type == "list_reply" && in.ListReply != nil:
				m.ReplyID, m.ReplyTitle = in.ListReply.ID, in.ListReply.Title
			case in.Type == "nfm_reply" && in.NfmReply != nil:
				m.ReplyID, m.ReplyTitle, m.Text = in.NfmReply.Name, in.NfmReply.Body, in.NfmReply.ResponseJSON
			}
		}
	case "button":
		if w.Button != nil {
			m.ReplyID, m.ReplyTitle = w.Button.Payload, w.Button.Text
		}
	case "location":
		if l := w.Location; l != nil {
			m.Location = &Location{Latitude: l.Latitude.f, Longitude: l.Longitude.f, Name: l.Name, Address: l.Address}
		}
	case "image", "audio", "video", "document", "sticker":
		if md := w.media(); md != nil {
			m.Media = &Media{
				Kind: w.Type, ID: md.ID, MimeType: md.MimeType, SHA256: md.SHA256,
				Caption: md.Caption, Filename: md.Filename, Voice: md.Voice, Animated: md.Animated,
			}
			m.Text = md.Caption
		}
	case "reaction":
		if r := w.Reaction; r != nil {
			m.Reaction = &Reaction{MessageID: r.MessageID, Emoji: r.Emoji}
		}
	case "contacts":
		for _, c := range w.Contacts {
			sc := SharedContact{Name: c.Name.FormattedName}
			for _, p := range c.Phones {
				if p.Phone != "" {
					sc.Phones = append(sc.Phones, p.Phone)
				} else if p.WaID != "" {
					sc.Phones = append(sc.Phones, p.WaID)
				}
			}
			m.Contacts = append(m.Contacts, sc)
		}
	case "system":
		if w.System != nil {
			m.Text = w.System.Body
		}
	}
	return m
}

func (w *wireMessage) media() *wireMedia {
	switch w.Type {
	case "image":
		return w.Image
	case "audio":
		return w.Audio
	case "video":
		return w.Video
	case "document":
		return w.Document
	case "sticker":
		return w.Sticker
	}
	return nil
}

func apiErrors(in []wireError, pnid string) []APIError {
	if len(in) == 0 {
		return nil
	}
	out := make([]APIError, len(in))
	for i, e := range in {
		out[i] = APIError{
			Code: e.Code, Title: e.Title, Message: e.Message,
			Details: e.ErrorData.Details, Href: e.Href, PhoneNumberID: pnid,
		}
	}
	return out
}

// truncateForError keeps hostile input from bloating error messages and logs.
func truncateForError(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// Wire types: the payload as Meta sends it. Unexported so the rest of the
// project only ever sees the normalised types above.
type wireWebhook struct {
	Object string      `json:"object"`
	Entry  []wireEntry `json:"entry"`
}

type wireEntry struct {
	ID      string       `json:"id"` // WABA ID
	Time    flexTime     `json:"time"`
	Changes []wireChange `json:"changes"`
}

type wireTemplateStatus struct {
	Event    string          `json:"event"`
	ID       json.RawMessage `json:"message_template_id"`
	Name     string          `json:"message_template_name"`
	Language string          `json:"message_template_language"`
	Reason   string          `json:"reason"`
	Category string          `json:"message_template_category"`
}

type wireChange struct {
	Field string `json:"field"`
	// Value stays raw until the field is known: other subscriptions
	// (template, quality, account updates) have unrelated shapes.
	Value json.RawMessage `json:"value"`
}

type wireValue struct {
	Metadata struct {
		DisplayPhoneNumber string `json:"display_phone_number"`
		PhoneNumberID      string `json:"phone_number_id"`
	} `json:"metadata"`
	Contacts []struct {
		Profile struct {
			Name string `json:"name"`
		} `json:"profile"`
		WaID   string `json:"wa_id"`
		UserID string `json:"user_id"`
	} `json:"contacts"`
	Messages []wireMessage `json:"messages"`
	Statuses []wireStatus  `json:"statuses"`
	Errors   []wireError   `json:"errors"`
}

type wireMessage struct {
	From       string   `json:"from"`
	FromUserID string   `json:"from_user_id"`
	GroupID    string   `json:"group_id"`
	ID         string   `json:"id"`
	Timestamp  flexTime `json:"timestamp"`
	Type       string   `json:"type"`
	Context    *struct {
		From                string `json:"from"`
		ID                  string `json:"id"`
		Forwarded           bool   `json:"forwarded"`
		FrequentlyForwarded bool   `json:"frequently_forwarded"`
	} `json:"context"`
	Text *struct {
		Body string `json:"body"`
	} `json:"text"`
	Interactive *struct {
		Type        string     `json:"type"`
		ButtonReply *wireReply `json:"button_reply"`
		ListReply   *wireReply `json:"list_reply"`
		NfmReply    *struct {
			Name         string `json:"name"`
			Body         string `json:"body"`
			ResponseJSON string `json:"response_json"`
		} `json:"nfm_reply"`
	} `json:"interactive"`
	Button *struct {
		Payload string `json:"payload"`
		Text    string `json:"text"`
	} `json:"button"`
	Location *struct {
		Latitude  flexFloat `json:"latitude"`
		Longitude flexFloat `json:"longitude"`
		Name      string    `json:"name"`
		Address   string    `json:"address"`
	} `json:"location"`
	Image    *wireMedia `json:"image"`
	Audio    *wireMedia `json:"audio"`
	Video    *wireMedia `json:"video"`
	Document *wireMedia `json:"document"`
	Sticker  *wireMedia `json:"sticker"`
	Reaction *struct {
		MessageID string `json:"message_id"`
		Emoji     string `json:"emoji"`
	} `json:"reaction"`
	Contacts []struct {
		Name struct {
			FormattedName string `json:"formatted_name"`
		} `json:"name"`
		Phones []struct {
			Phone string `json:"phone"`
			WaID  string `json:"wa_id"`
		} `json:"phones"`
	} `json:"contacts"`
	System *struct {
		Body string `json:"body"`
	} `json:"system"`
	Errors []wireError `json:"errors"`
}

type wireReply struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

type wireMedia struct {
	ID       string `json:"id"`
	MimeType string `json:"mime_type"`
	SHA256   string `json:"sha256"`
	Caption  string `json:"caption"`
	Filename string `json:"filename"`
	Voice    bool   `json:"voice"`
	Animated bool   `json:"animated"`
}

type wireStatus struct {
	ID                    string      `json:"id"`
	Status                string      `json:"status"`
	Timestamp             flexTime    `json:"timestamp"`
	RecipientID           string      `json:"recipient_id"`
	RecipientUserID       string      `json:"recipient_user_id"`
	BizOpaqueCallbackData string      `json:"biz_opaque_callback_data"`
	Errors                []wireError `json:"errors"`
}

type wireError struct {
	Code      int    `json:"code"`
	Title     string `json:"title"`
	Message   string `json:"message"`
	ErrorData struct {
		Details string `json:"details"`
	} `json:"error_data"`
	Href string `json:"href"`
}

// flexTime accepts a Unix timestamp as a string (what Meta documents) or a
// number, in seconds or milliseconds (both have been observed). Garbage gives
// the zero time rather than failing the whole batch: a message without a
// usable timestamp is still a message someone in crisis sent.
type flexTime struct{ t time.Time }

func (f *flexTime) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	f.t = parseUnix(s)
	return nil
}

// millisThreshold separates seconds from milliseconds: 1e11 seconds is the
// year 5138, while 1e11 milliseconds is 1973.
const millisThreshold = 1e11

func parseUnix(s string) time.Time {
	s = strings.TrimSpace(s)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || math.IsNaN(f) || f >= math.MaxInt64 || f <= 0 {
			return time.Time{}
		}
		n = int64(f)
	}
	if n <= 0 {
		return time.Time{}
	}
	if n >= millisThreshold {
		return time.UnixMilli(n).UTC()
	}
	return time.Unix(n, 0).UTC()
}

// flexFloat accepts coordinates as JSON numbers (documented) or numeric
// strings, and maps anything else to 0 instead of rejecting the batch.
type flexFloat struct{ f float64 }

func (f *flexFloat) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		v = 0
	}
	f.f = v
	return nil
}
