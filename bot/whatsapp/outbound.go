package whatsapp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Outbound kinds.
const (
	KindText     = "text"
	KindButtons  = "buttons"
	KindList     = "list"
	KindTemplate = "template"
	KindLocation = "location"
	KindReaction = "reaction"
	// KindLocationRequest asks the user to share their location: an
	// interactive location_request_message whose body is Text. The answer
	// arrives as an ordinary location message.
	KindLocationRequest = "location_request"
)

// Platform limits, in characters (runes), from the reference §4.
const (
	MaxTextLen            = 4096
	MaxInteractiveBodyLen = 1024 // list bodies may be 4096 in newer docs; 1024 is safe for both
	MaxHeaderLen          = 60
	MaxFooterLen          = 60
	MaxButtons            = 3
	MaxButtonTitleLen     = 20
	MaxButtonIDLen        = 256
	MaxListButtonLen      = 20
	MaxSections           = 10
	MaxRows               = 10 // total across sections
	MaxSectionTitleLen    = 24
	MaxRowIDLen           = 200
	MaxRowTitleLen        = 24
	MaxRowDescriptionLen  = 72
	MaxCallbackDataLen    = 512
	MaxTemplateButtons    = 10
)

// ErrInvalid marks an Outbound the API would reject; Validate wraps it.
var ErrInvalid = errors.New("invalid outbound message")

// Outbound is one message to send. It is stored as JSON in the outbox, so
// it is plain data; MarshalPayload turns it into the Graph API shape.
type Outbound struct {
	To           string    `json:"to"`                  // wa_id or phone number with country code, or a UserKey
	Recipient    string    `json:"recipient,omitempty"` // BSUID of a user without a phone number
	Kind         string    `json:"kind"`                // text, buttons, list, template, location, reaction, location_request
	Text         string    `json:"text,omitempty"`      // text body, or the body of buttons/list
	PreviewURL   bool      `json:"preview_url,omitempty"`
	Header       string    `json:"header,omitempty"` // buttons/list text header
	Footer       string    `json:"footer,omitempty"` // buttons/list footer
	Buttons      []Button  `json:"buttons,omitempty"`
	ListButton   string    `json:"list_button,omitempty"` // label that opens the list
	Sections     []Section `json:"sections,omitempty"`
	Template     *Template `json:"template,omitempty"`
	Location     *Location `json:"location,omitempty"`
	ReactTo      string    `json:"react_to,omitempty"` // wamid reacted to
	Emoji        string    `json:"emoji,omitempty"`    // empty removes the reaction
	ReplyTo      string    `json:"reply_to,omitempty"` // context.message_id: quote this message
	CallbackData string    `json:"callback_data,omitempty"`
	Media        *OutMedia `json:"media,omitempty"` // image, document, video, audio, sticker (see media.go)
}

// Button is one reply button.
type Button struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// Section is one list section.
type Section struct {
	Title string `json:"title,omitempty"`
	Rows  []Row  `json:"rows"`
}

// Row is one list row.
type Row struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

// Template is an approved template and the values for its variables.
type Template struct {
	Name       string              `json:"name"`
	Language   string              `json:"language"` // exact approved language code, e.g. "ar", "en_US"
	Components []TemplateComponent `json:"components,omitempty"`
}

// TemplateComponent is one component needing values: "header" or "body"
// with text parameters, or "button" with SubType "quick_reply" (payload
// parameter) or "url" (text parameter) at Index, the button's position.
type TemplateComponent struct {
	Type       string              `json:"type"`
	SubType    string              `json:"sub_type,omitempty"`
	Index      int                 `json:"index,omitempty"`
	Parameters []TemplateParameter `json:"parameters,omitempty"`
}

// TemplateParameter is a "text" parameter (ParameterName set for templates
// created with named variables), a "payload" parameter of a quick reply,
// or the one parameter of a media or location header ("image", "video",
// "document" by uploaded media id; "location").
type TemplateParameter struct {
	Type          string      `json:"type"`
	ParameterName string      `json:"parameter_name,omitempty"`
	Text          string      `json:"text,omitempty"`
	Payload       string      `json:"payload,omitempty"`
	Image         *HeaderFile `json:"image,omitempty"`
	Video         *HeaderFile `json:"video,omitempty"`
	Document      *HeaderFile `json:"document,omitempty"`
	Location      *Location   `json:"location,omitempty"`
}

// HeaderFile is the file of a media header: an uploaded media id (and a
// document's file name).
type HeaderFile struct {
	ID       string `json:"id"`
	Filename string `json:"filename,omitempty"`
}

// HeaderMediaParam is the parameter of an image, video or document header.
func HeaderMediaParam(kind, mediaID, filename string) TemplateParameter {
	f := &HeaderFile{ID: mediaID, Filename: filename}
	p := TemplateParameter{Type: kind}
	switch kind {
	case KindImage:
		p.Image, f.Filename = f, ""
	case KindVideo:
		p.Video, f.Filename = f, ""
	case KindDocument:
		p.Document = f
	}
	return p
}

// HeaderLocationParam is the parameter of a location header.
func HeaderLocationParam(l Location) TemplateParameter {
	return TemplateParameter{Type: KindLocation, Location: &l}
}

// File is the media header's file, nil for other parameters.
func (p *TemplateParameter) File() *HeaderFile {
	switch {
	case p.Image != nil:
		return p.Image
	case p.Video != nil:
		return p.Video
	}
	return p.Document
}

// TextParam is a positional text parameter ({{1}}, {{2}}, ...).
func TextParam(text string) TemplateParameter { return TemplateParameter{Type: "text", Text: text} }

// NamedParam is a text parameter of a template created with named variables.
func NamedParam(name, text string) TemplateParameter {
	return TemplateParameter{Type: "text", ParameterName: name, Text: text}
}

// QuickReply sets the payload returned (as Message.ReplyID) when the user
// taps the quick-reply button at index.
func QuickReply(index int, payload string) TemplateComponent {
	return TemplateComponent{Type: "button", SubType: "quick_reply", Index: index,
		Parameters: []TemplateParameter{{Type: "payload", Payload: payload}}}
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

func runes(s string) int { return utf8.RuneCountInString(s) }

func checkLen(what, s string, max int, required bool) error {
	if required && strings.TrimSpace(s) == "" {
		return invalid("%s is empty", what)
	}
	if n := runes(s); n > max {
		return invalid("%s is %d characters, max %d", what, n, max)
	}
	return nil
}

// Validate reports why the API would reject o, or nil. It checks the
// documented limits; Normalize fixes most of them first.
func (o Outbound) Validate() error {
	if to, rcpt := o.address(); to == "" && rcpt == "" {
		return invalid("empty recipient")
	}
	if err := checkLen("callback data", o.CallbackData, MaxCallbackDataLen, false); err != nil {
		return err
	}
	switch o.Kind {
	case KindText:
		return checkLen("text", o.Text, MaxTextLen, true)
	case KindButtons:
		return o.validateButtons()
	case KindList:
		return o.validateList()
	case KindTemplate:
		return o.validateTemplate()
	case KindLocation:
		l := o.Location
		if l == nil {
			return invalid("location missing")
		}
		if !(l.Latitude >= -90 && l.Latitude <= 90) || !(l.Longitude >= -180 && l.Longitude <= 180) {
			return invalid("location %v,%v out of range", l.Latitude, l.Longitude)
		}
		return nil
	case KindLocationRequest:
		return o.validateInteractiveText()
	case KindReaction:
		if strings.TrimSpace(o.ReactTo) == "" {
			return invalid("reaction without message id")
		}
		return nil
	case KindImage, KindDocument, KindVideo, KindAudio, KindSticker:
		return o.validateMedia()
	case "":
		return invalid("empty kind")
	}
	return invalid("unknown kind %q", o.Kind)
}

func (o Outbound) validateInteractiveText() error {
	if err := checkLen("body", o.Text, MaxInteractiveBodyLen, true); err != nil {
		return err
	}
	if err := checkLen("header", o.Header, MaxHeaderLen, false); err != nil {
		return err
	}
	return checkLen("footer", o.Footer, MaxFooterLen, false)
}

func checkID(what, id string, max int) error {
	if err := checkLen(what, id, max, true); err != nil {
		return err
	}
	if strings.TrimSpace(id) != id {
		return invalid("%s %q has leading or trailing spaces", what, id)
	}
	return nil
}

func (o Outbound) validateButtons() error {
	if err := o.validateInteractiveText(); err != nil {
		return err
	}
	if n := len(o.Buttons); n < 1 || n > MaxButtons {
		return invalid("%d buttons, want 1 to %d", n, MaxButtons)
	}
	ids, titles := map[string]bool{}, map[string]bool{}
	for i, b := range o.Buttons {
		if err := checkID(fmt.Sprintf("button %d id", i+1), b.ID, MaxButtonIDLen); err != nil {
			return err
		}
		if err := checkLen(fmt.Sprintf("button %d title", i+1), b.Title, MaxButtonTitleLen, true); err != nil {
			return err
		}
		if ids[b.ID] || titles[b.Title] {
			return invalid("button %d repeats an id or title", i+1)
		}
		ids[b.ID], titles[b.Title] = true, true
	}
	return nil
}

func (o Outbound) validateList() error {
	if err := o.validateInteractiveText(); err != nil {
		return err
	}
	if err := checkLen("list button", o.ListButton, MaxListButtonLen, true); err != nil {
		return err
	}
	if n := len(o.Sections); n < 1 || n > MaxSections {
		return invalid("%d sections, want 1 to %d", n, MaxSections)
	}
	total, ids := 0, map[string]bool{}
	for i, s := range o.Sections {
		if err := checkLen(fmt.Sprintf("section %d title", i+1), s.Title, MaxSectionTitleLen, len(o.Sections) > 1); err != nil {
			return err
		}
		if len(s.Rows) == 0 {
			return invalid("section %d has no rows", i+1)
		}
		for j, r := range s.Rows {
			what := fmt.Sprintf("section %d row %d", i+1, j+1)
			if err := checkID(what+" id", r.ID, MaxRowIDLen); err != nil {
				return err
			}
			if err := checkLen(what+" title", r.Title, MaxRowTitleLen, true); err != nil {
				return err
			}
			if err := checkLen(what+" description", r.Description, MaxRowDescriptionLen, false); err != nil {
				return err
			}
			if ids[r.ID] {
				return invalid("%s repeats id %q", what, r.ID)
			}
			ids[r.ID] = true
		}
		total += len(s.Rows)
	}
	if total > MaxRows {
		return invalid("%d rows, max %d", total, MaxRows)
	}
	return nil
}

func (o Outbound) validateTemplate() error {
	t := o.Template
	if t == nil {
		return invalid("template missing")
	}
	if strings.TrimSpace(t.Name) == "" || strings.TrimSpace(t.Language) == "" {
		return invalid("template needs a name and a language")
	}
	for i, c := range t.Components {
		what := fmt.Sprintf("template component %d (%s)", i+1, c.Type)
		wantParam := "text"
		switch c.Type {
		case "header", "body":
		case "button":
			switch c.SubType {
			case "quick_reply":
				wantParam = "payload"
			case "url":
			default:
				return invalid("%s: sub_type %q, want quick_reply or url", what, c.SubType)
			}
			if c.Index < 0 || c.Index >= MaxTemplateButtons {
				return invalid("%s: index %d out of range", what, c.Index)
			}
		default:
			return invalid("%s: unknown type", what)
		}
		if len(c.Parameters) == 0 {
			return invalid("%s: no parameters", what)
		}
		if c.Type == "header" && len(c.Parameters) == 1 && c.Parameters[0].Type != "text" {
			if err := validateHeaderMedia(c.Parameters[0]); err != nil {
				return invalid("%s: %v", what, err)
			}
			continue
		}
		for j, p := range c.Parameters {
			if p.Type != wantParam {
				return invalid("%s parameter %d: type %q, want %q", what, j+1, p.Type, wantParam)
			}
			if (wantParam == "text" && p.Text == "") || (wantParam == "payload" && p.Payload == "") {
				return invalid("%s parameter %d is empty", what, j+1)
			}
		}
	}
	return nil
}

// validateHeaderMedia checks the one parameter of a media or location header.
func validateHeaderMedia(p TemplateParameter) error {
	switch p.Type {
	case KindImage, KindVideo, KindDocument:
		if f := p.File(); f == nil || f.ID == "" {
			return fmt.Errorf("%s header without a media id", p.Type)
		}
	case KindLocation:
		l := p.Location
		if l == nil || l.Latitude < -90 || l.Latitude > 90 || l.Longitude < -180 || l.Longitude > 180 {
			return errors.New("location header needs a latitude in -90..90 and a longitude in -180..180")
		}
	default:
		return fmt.Errorf("header parameter type %q, want text, image, video, document or location", p.Type)
	}
	return nil
}

// Graph API request shapes (reference §4). Structs rather than maps keep the
// field order stable, which makes logs and golden tests readable.
type payload struct {
	MessagingProduct string       `json:"messaging_product"`
	RecipientType    string       `json:"recipient_type"`
	To               string       `json:"to,omitempty"`
	Recipient        string       `json:"recipient,omitempty"`
	Type             string       `json:"type"`
	Context          *msgContext  `json:"context,omitempty"`
	CallbackData     string       `json:"biz_opaque_callback_data,omitempty"`
	Text             *textBody    `json:"text,omitempty"`
	Interactive      *interactive `json:"interactive,omitempty"`
	Template         *tmplBody    `json:"template,omitempty"`
	Location         *Location    `json:"location,omitempty"`
	Reaction         *reactBody   `json:"reaction,omitempty"`
	Image            *mediaBody   `json:"image,omitempty"`
	Document         *mediaBody   `json:"document,omitempty"`
	Video            *mediaBody   `json:"video,omitempty"`
	Audio            *mediaBody   `json:"audio,omitempty"`
	Sticker          *mediaBody   `json:"sticker,omitempty"`
}

type msgContext struct {
	MessageID string `json:"message_id"`
}

type textBody struct {
	Body       string `json:"body"`
	PreviewURL bool   `json:"preview_url,omitempty"`
}

type textOnly struct {
	Text string `json:"text"`
}

type interactive struct {
	Type   string    `json:"type"`
	Header *ixHeader `json:"header,omitempty"`
	Body   textOnly  `json:"body"`
	Footer *textOnly `json:"footer,omitempty"`
	Action ixAction  `json:"action"`
}

type ixHeader struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type ixAction struct {
	Name     string     `json:"name,omitempty"` // send_location, for a location request
	Buttons  []ixButton `json:"buttons,omitempty"`
	Button   string     `json:"button,omitempty"`
	Sections []Section  `json:"sections,omitempty"`
}

type ixButton struct {
	Type  string `json:"type"`
	Reply Button `json:"reply"`
}

type tmplBody struct {
	Name       string          `json:"name"`
	Language   tmplLanguage    `json:"language"`
	Components []tmplComponent `json:"components,omitempty"`
}

type tmplLanguage struct {
	Code   string `json:"code"`
	Policy string `json:"policy"`
}

type tmplComponent struct {
	Type       string              `json:"type"`
	SubType    string              `json:"sub_type,omitempty"`
	Index      string              `json:"index,omitempty"` // the API wants the position as a string
	Parameters []TemplateParameter `json:"parameters"`
}

type reactBody struct {
	MessageID string `json:"message_id"`
	Emoji     string `json:"emoji"` // always sent: "" removes the reaction
}

type markRead struct {
	MessagingProduct string    `json:"messaging_product"`
	Status           string    `json:"status"`
	MessageID        string    `json:"message_id"`
	TypingIndicator  *textType `json:"typing_indicator,omitempty"`
}

type textType struct {
	Type string `json:"type"`
}

// address gives the wire's to (a phone number or wa_id) or recipient (a
// BSUID), exactly one of them non-empty for a sendable message. A user key
// of a username user becomes recipient: the internal key never reaches to.
func (o Outbound) address() (to, recipient string) {
	if r := strings.TrimSpace(o.Recipient); r != "" {
		return "", r
	}
	to = strings.TrimSpace(o.To)
	if id, ok := strings.CutPrefix(to, UserKeyPrefix); ok {
		return "", strings.TrimSpace(id)
	}
	return to, ""
}

// MarshalPayload builds the exact Graph API JSON for o after Validate.
func MarshalPayload(o Outbound) ([]byte, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	to, rcpt := o.address()
	p := payload{
		MessagingProduct: "whatsapp",
		RecipientType:    "individual",
		To:               to,
		Recipient:        rcpt,
		CallbackData:     o.CallbackData,
	}
	if o.ReplyTo != "" {
		p.Context = &msgContext{MessageID: o.ReplyTo}
	}
	switch o.Kind {
	case KindText:
		p.Type = "text"
		p.Text = &textBody{Body: o.Text, PreviewURL: o.PreviewURL}
	case KindButtons, KindList:
		p.Type = "interactive"
		ix := &interactive{Body: textOnly{Text: o.Text}}
		if o.Header != "" {
			ix.Header = &ixHeader{Type: "text", Text: o.Header}
		}
		if o.Footer != "" {
			ix.Footer = &textOnly{Text: o.Footer}
		}
		if o.Kind == KindButtons {
			ix.Type = "button"
			for _, b := range o.Buttons {
				ix.Action.Buttons = append(ix.Action.Buttons, ixButton{Type: "reply", Reply: b})
			}
		} else {
			ix.Type = "list"
			ix.Action.Button = o.ListButton
			ix.Action.Sections = o.Sections
		}
		p.Interactive = ix
	case KindLocationRequest:
		p.Type = "interactive"
		p.Interactive = &interactive{Type: "location_request_message", Body: textOnly{Text: o.Text}, Action: ixAction{Name: "send_location"}}
	case KindTemplate:
		p.Type = "template"
		t := &tmplBody{Name: o.Template.Name, Language: tmplLanguage{Code: o.Template.Language, Policy: "deterministic"}}
		for _, c := range o.Template.Components {
			tc := tmplComponent{Type: c.Type, SubType: c.SubType, Parameters: c.Parameters}
			if c.Type == "button" {
				tc.Index = strconv.Itoa(c.Index)
			}
			t.Components = append(t.Components, tc)
		}
		p.Template = t
	case KindLocation:
		p.Type = "location"
		p.Location = o.Location
	case KindReaction:
		p.Type = "reaction"
		p.Reaction = &reactBody{MessageID: o.ReactTo, Emoji: o.Emoji}
	case KindImage, KindDocument, KindVideo, KindAudio, KindSticker:
		p.setMedia(o)
	}
	return encode(p)
}

// markReadPayload is the mark-as-read body, with the typing indicator when
// a reply is coming.
func markReadPayload(messageID string, typing bool) ([]byte, error) {
	if strings.TrimSpace(messageID) == "" {
		return nil, invalid("mark read without message id")
	}
	m := markRead{MessagingProduct: "whatsapp", Status: "read", MessageID: messageID}
	if typing {
		m.TypingIndicator = &textType{Type: "text"}
	}
	return encode(m)
}

// encode marshals without HTML escaping so URLs in message text stay
// readable in logs ("&" rather than "\u0026"); the API accepts both.
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode payload: %w", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
