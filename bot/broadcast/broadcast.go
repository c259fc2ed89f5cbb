// Package broadcast owns proactive outbound messaging: notices, safety
// check-ins and confirmations sent as approved templates to an audience of
// contacts, paced per sender number, durable in the store so that a crash
// loses nobody, with answers, delivery statuses and reminders tracked per
// recipient. It plugs into the conversation engine as an Interceptor (for
// answers) and a StatusObserver (for delivery statuses) and sends through
// its own lane, so conversations keep being answered while it runs.
package broadcast

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"lifeline/bot/contacts"
	"lifeline/bot/whatsapp"
)

// Kind of broadcast.
type Kind string

// Kinds.
const (
	KindNotice       Kind = "notice"
	KindCheckin      Kind = "checkin"
	KindConfirmation Kind = "confirmation"
)

// States of a broadcast. The dispatcher moves a broadcast forward;
// admins pause, resume and cancel it.
const (
	StatePendingApproval = "pending_approval" // waiting for a second admin (two-person approval)
	StateScheduled       = "scheduled"        // waiting for its start time
	StateSending         = "sending"          // recipients being enqueued or sent
	StatePaused          = "paused"           // by an admin, or by an account-level error (see PauseReason)
	StateWaitingLimit    = "waiting_limit"    // the daily messaging limit is used up; resumes by itself
	StateSent            = "sent"             // every recipient handled; answers and reminders still count
	StateCompleted       = "completed"        // nothing more will be sent
	StateCancelled       = "cancelled"
)

// Answers to a check-in.
const (
	AnswerSafe = "safe"
	AnswerHelp = "help"
)

// Duration is a time.Duration written as "30m" in JSON.
type Duration time.Duration

// MarshalJSON writes the duration as a Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads "30m", "1h30m" or a number of seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var secs float64
		if err2 := json.Unmarshal(b, &secs); err2 != nil {
			return errors.New(`want a duration such as "30m"`)
		}
		*d = Duration(secs * float64(time.Second))
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("%q: want a duration such as 30m", s)
	}
	*d = Duration(v)
	return nil
}

// Param is one template variable. Value may contain per-contact variables:
// {{name}}, {{first_name}}, {{region}}, {{language}} or any custom field
// ({{flight}}), each with an optional default ({{name|colleague}}).
// Name is set for templates created with named variables.
type Param struct {
	Name  string `json:"name,omitempty"`
	Value string `json:"value"`
}

// Template is the approved template one language's recipients get.
type Template struct {
	Name     string  `json:"name"`
	Language string  `json:"language"` // the exact approved code, e.g. "en_US" or "ar"
	Header   []Param `json:"header,omitempty"`
	// HeaderMedia fills an image, video, document or location header
	// (a shelter map, an evacuation plan); nil for a text header or none.
	HeaderMedia *HeaderMedia `json:"header_media,omitempty"`
	Body        []Param      `json:"body,omitempty"`
	// ButtonIndex is the position of the first quick-reply button: a
	// check-in's "safe" is there and "need help" next to it; a
	// confirmation's options follow in order.
	ButtonIndex int `json:"button_index,omitempty"`
}

// HeaderMedia is a template's media or location header. A file is
// uploaded once beforehand (POST /admin/media, checked against WhatsApp's
// limits there) and named by its sha256; every recipient gets the same
// media id of the sender number that sends to them.
type HeaderMedia struct {
	Type     string             `json:"type"`               // image, video, document or location
	SHA256   string             `json:"sha256,omitempty"`   // the uploaded file (image, video, document)
	Filename string             `json:"filename,omitempty"` // the name a document is shown with
	Location *whatsapp.Location `json:"location,omitempty"` // the pin of a location header
	// MediaIDs are the file's media ids by sender number, filled from the
	// uploads when the broadcast is created (whatever the request said).
	MediaIDs map[string]string `json:"media_ids,omitempty"`
	// MimeType and Size are the uploaded file's, filled with MediaIDs.
	MimeType string `json:"mime_type,omitempty"`
	Size     int64  `json:"size,omitempty"`
}

var sha256Re = regexp.MustCompile(`^[0-9a-f]{64}$`)

func (h *HeaderMedia) check() error {
	h.Type = strings.ToLower(strings.TrimSpace(h.Type))
	h.SHA256 = strings.ToLower(strings.TrimSpace(h.SHA256))
	switch h.Type {
	case "image", "video", "document":
		if !sha256Re.MatchString(h.SHA256) {
			return fmt.Errorf("sha256 %q: give the sha256 (64 hex digits) POST /admin/media answered for the file", h.SHA256)
		}
		if h.Location != nil {
			return fmt.Errorf("location: only a location header has one, not a %s header", h.Type)
		}
		if h.Type != "document" && h.Filename != "" {
			return fmt.Errorf("filename: only a document header shows a file name, not a %s header", h.Type)
		}
	case "location":
		l := h.Location
		switch {
		case l == nil:
			return errors.New("location: give latitude and longitude (and name, address) of the pin")
		case l.Latitude < -90 || l.Latitude > 90 || l.Longitude < -180 || l.Longitude > 180:
			return fmt.Errorf("location %v,%v: latitude must be in -90..90 and longitude in -180..180", l.Latitude, l.Longitude)
		case l.Latitude == 0 && l.Longitude == 0:
			return errors.New("location 0,0: give the real position (0,0 is what an empty field reads as)")
		case h.SHA256 != "" || h.Filename != "":
			return errors.New("sha256, filename: a location header has no file")
		}
	case "":
		return errors.New("type: give image, video, document or location")
	default:
		return fmt.Errorf("type %q: want image, video, document or location", h.Type)
	}
	return nil
}

// Option is one answer of a confirmation.
type Option struct {
	ID       string            `json:"id"`
	Titles   map[string]string `json:"titles"`              // button title per language, also matched in free text
	AsksTime bool              `json:"asks_time,omitempty"` // "Reschedule": ask for a preferred time in free text
}

// Reminders are sent to recipients who have not answered.
type Reminders struct {
	Every     Duration            `json:"every"`
	Count     int                 `json:"count"`
	Templates map[string]Template `json:"templates,omitempty"` // defaults to the broadcast's templates
}

// Spec is what an admin or an integration asks for.
type Spec struct {
	Name             string              `json:"name"`
	Kind             Kind                `json:"kind"`
	Templates        map[string]Template `json:"templates"` // by contact language: "en", "ar", ...
	FallbackLanguage string              `json:"fallback_language"`
	Audience         contacts.Audience   `json:"audience"`
	StartAt          time.Time           `json:"start_at,omitzero"`
	RatePerSecond    float64             `json:"rate_per_second,omitempty"` // per sender number; at most the configured rate
	Critical         bool                `json:"critical,omitempty"`        // bypasses the per-contact frequency cap
	// ConsentOverrideReason lets a critical broadcast reach contacts who
	// never opted in; it is required for that and recorded in the audit
	// log. Every other broadcast goes to opted-in contacts only.
	ConsentOverrideReason string     `json:"consent_override_reason,omitempty"`
	Options               []Option   `json:"options,omitempty"`
	Reminders             *Reminders `json:"reminders,omitempty"`
	// Incident is the incident the broadcast belongs to (package
	// incident); it must exist and be open (see IncidentGate).
	Incident string `json:"incident,omitempty"`
	// Drill marks an exercise: it must say so to every recipient in their
	// language (see checkDrill) and is never critical. A broadcast of a
	// drill incident is a drill whatever this says.
	Drill bool `json:"drill,omitempty"`
	// SMS is the fallback for recipients WhatsApp cannot reach (and, for
	// a critical broadcast, those not delivered in time); nil for none.
	SMS *SMSSpec `json:"sms,omitempty"`
	// Unaccounted says what happens, after a check-in's last reminder, to
	// the people who never answered (see unaccounted.go).
	Unaccounted *UnaccountedPolicy `json:"unaccounted,omitempty"`
	// CorrectionOf names the broadcast this one corrects: it goes to
	// exactly the people that one reached (correct.go), listed in the
	// audience when it is created, and past the frequency cap.
	CorrectionOf string `json:"correction_of,omitempty"`
	// SMSFromIncident says SMS is a copy of the incident's default
	// (TakeSMSDefault); the server sets it, whatever a request says.
	SMSFromIncident bool `json:"sms_from_incident,omitempty"`
}

var (
	optionIDRe = regexp.MustCompile(`^[a-z0-9_-]{1,32}$`)
	tplNameRe  = regexp.MustCompile(`^[a-z0-9_]{1,512}$`)
	tplLangRe  = regexp.MustCompile(`^[a-z]{2,3}(_[A-Za-z]{2,4})?$`)
)

// Validate normalises the spec and names the first problem.
func (sp *Spec) Validate(now time.Time) error {
	sp.Name = strings.TrimSpace(sp.Name)
	if sp.Name == "" || len(sp.Name) > 200 {
		return errors.New("name: give a name of 1 to 200 characters")
	}
	switch sp.Kind {
	case KindNotice, KindCheckin, KindConfirmation:
	case "":
		return errors.New("kind: give notice, checkin or confirmation")
	default:
		return fmt.Errorf("kind %q: want notice, checkin or confirmation", sp.Kind)
	}
	if len(sp.Templates) == 0 {
		return errors.New("templates: give at least one approved template, keyed by contact language")
	}
	if err := checkTemplates("templates", sp.Templates); err != nil {
		return err
	}
	if sp.FallbackLanguage == "" && len(sp.Templates) == 1 {
		for l := range sp.Templates {
			sp.FallbackLanguage = l
		}
	}
	if _, ok := sp.Templates[sp.FallbackLanguage]; !ok {
		return fmt.Errorf("fallback_language %q: there is no template for it", sp.FallbackLanguage)
	}
	switch sp.Kind {
	case KindConfirmation:
		if n := len(sp.Options); n < 1 || n > 3 {
			return fmt.Errorf("options: a confirmation has 1 to 3 options, got %d", n)
		}
		seen := map[string]bool{}
		for i, o := range sp.Options {
			if !optionIDRe.MatchString(o.ID) || seen[o.ID] {
				return fmt.Errorf("options[%d].id %q: want a unique id of lower-case letters, digits, _ or -", i, o.ID)
			}
			seen[o.ID] = true
			if len(o.Titles) == 0 {
				return fmt.Errorf("options[%d].titles: give the button title per language", i)
			}
		}
	default:
		if len(sp.Options) > 0 {
			return fmt.Errorf("options: only a confirmation has options, not a %s", sp.Kind)
		}
	}
	if sp.RatePerSecond < 0 || sp.RatePerSecond > 1000 {
		return fmt.Errorf("rate_per_second %v: want 0 (the configured rate) up to 1000", sp.RatePerSecond)
	}
	if r := sp.Reminders; r != nil {
		if sp.Kind == KindNotice {
			return errors.New("reminders: a notice expects no answer, so it has no reminders")
		}
		if r.Count < 1 || r.Count > 10 {
			return fmt.Errorf("reminders.count %d: want 1 to 10", r.Count)
		}
		if time.Duration(r.Every) < time.Minute {
			return fmt.Errorf("reminders.every %s: want at least 1m", time.Duration(r.Every))
		}
		if err := checkTemplates("reminders.templates", r.Templates); err != nil {
			return err
		}
	}
	if !sp.StartAt.IsZero() && sp.StartAt.After(now.Add(30*24*time.Hour)) {
		return errors.New("start_at: at most 30 days ahead")
	}
	sp.Audience.Normalize()
	if err := sp.Audience.Check(); err != nil {
		return err
	}
	sp.ConsentOverrideReason = strings.TrimSpace(sp.ConsentOverrideReason)
	switch reason := sp.ConsentOverrideReason; {
	case reason != "" && !sp.Critical:
		return errors.New("consent_override_reason: only a critical broadcast may reach contacts who did not opt in; others go to opted-in contacts only")
	case len(reason) > 500:
		return errors.New("consent_override_reason: at most 500 characters")
	case reason != "" && sp.Audience.OptedInOnly:
		return errors.New("consent_override_reason: the audience asks for opted-in contacts only; drop one of the two")
	}
	// Consent is the default: only a critical broadcast with a stated
	// reason reaches people who never opted in.
	sp.Audience.OptedInOnly = sp.ConsentOverrideReason == ""
	if sp.Unaccounted != nil && sp.Kind != KindCheckin {
		return fmt.Errorf("unaccounted: only a check-in leaves people unaccounted, not a %s", sp.Kind)
	}
	if sp.Unaccounted != nil {
		if err := sp.Unaccounted.validate(sp); err != nil {
			return err
		}
	}
	sp.Incident = strings.TrimSpace(sp.Incident)
	if sp.SMS != nil {
		if err := sp.SMS.validate(sp); err != nil {
			return err
		}
	}
	if sp.Drill {
		if err := checkDrill(sp); err != nil {
			return err
		}
	}
	return nil
}

// ErrEmptyAudience is returned for a broadcast whose audience matches no
// contact that may receive it.
var ErrEmptyAudience = errors.New("the audience matches no contact that may receive it (opted out, unreachable or never opted in are left out): nothing to send")

func checkTemplates(what string, ts map[string]Template) error {
	// In key order, so that the same spec always names the same problem.
	for _, lang := range slices.Sorted(maps.Keys(ts)) {
		t := ts[lang]
		if !tplLangRe.MatchString(lang) {
			return fmt.Errorf("%s: key %q is not a language such as en or ar", what, lang)
		}
		if !tplNameRe.MatchString(t.Name) {
			return fmt.Errorf("%s[%s].name %q: want the approved template name (lower-case letters, digits, _)", what, lang, t.Name)
		}
		if !tplLangRe.MatchString(t.Language) {
			return fmt.Errorf("%s[%s].language %q: want the approved language code such as en_US or ar", what, lang, t.Language)
		}
		if t.ButtonIndex < 0 || t.ButtonIndex > 7 {
			return fmt.Errorf("%s[%s].button_index %d: want 0 to 7", what, lang, t.ButtonIndex)
		}
		for i, p := range append(append([]Param(nil), t.Header...), t.Body...) {
			if strings.TrimSpace(p.Value) == "" {
				return fmt.Errorf("%s[%s] parameter %d is empty", what, lang, i+1)
			}
		}
		if len(t.Header) > 1 {
			return fmt.Errorf("%s[%s].header: a text header has at most one variable", what, lang)
		}
		if t.HeaderMedia != nil {
			if len(t.Header) > 0 {
				return fmt.Errorf("%s[%s]: give header (text) or header_media, not both", what, lang)
			}
			if err := t.HeaderMedia.check(); err != nil {
				return fmt.Errorf("%s[%s].header_media.%v", what, lang, err)
			}
		}
	}
	return nil
}

// Alert is an account-level problem that stopped a broadcast.
type Alert struct {
	At      time.Time `json:"at"`
	Code    int       `json:"code,omitempty"`
	Message string    `json:"message"`
}

// Approval is the two-person approval of a broadcast: why it was needed,
// until when it may be given, and who decided.
type Approval struct {
	Reason    string    `json:"reason"`
	ExpiresAt time.Time `json:"expires_at"`
	Decision  string    `json:"decision,omitempty"` // approved, rejected or expired
	By        string    `json:"by,omitempty"`
	ByRole    string    `json:"by_role,omitempty"`
	At        time.Time `json:"at,omitzero"`
}

// Approval decisions.
const (
	Approved = "approved"
	Rejected = "rejected"
	Expired  = "expired"
)

// Broadcast is the stored document of one broadcast.
type Broadcast struct {
	ID    string `json:"id"`
	Spec  Spec   `json:"spec"`
	State string `json:"state"`
	// Warnings are what the admin should know of a broadcast that was
	// accepted anyway (TemplatesUnchecked).
	Warnings    []string  `json:"warnings,omitempty"`
	PauseReason string    `json:"pause_reason,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	CreatedBy   string    `json:"created_by,omitempty"`
	// CreatedByID and CreatedByRole are the creator's principal: the
	// approver of a broadcast pending approval must be someone else.
	CreatedByID   string    `json:"created_by_id,omitempty"`
	CreatedByRole string    `json:"created_by_role,omitempty"`
	Approval      *Approval `json:"approval,omitempty"`
	StartedAt     time.Time `json:"started_at,omitzero"`
	SentAt        time.Time `json:"sent_at,omitzero"` // every recipient handled
	CompletedAt   time.Time `json:"completed_at,omitzero"`

	// Enqueueing streams the contacts in key order; the cursor lets a
	// restart continue after the last contact written.
	Enqueued      bool             `json:"enqueued,omitempty"`
	EnqueueCursor string           `json:"enqueue_cursor,omitempty"`
	Targeted      int64            `json:"targeted"`
	Excluded      map[string]int64 `json:"excluded,omitempty"`

	Round         int     `json:"round,omitempty"`          // round being sent: 0 the broadcast, n reminder n
	RemindersSent int     `json:"reminders_sent,omitempty"` // reminder rounds completed
	Unaccounted   int64   `json:"unaccounted,omitempty"`    // flagged after the last reminder
	Flagged       bool    `json:"flagged,omitempty"`
	Alerts        []Alert `json:"alerts,omitempty"`
}

func (b *Broadcast) terminal() bool {
	return b.State == StateCompleted || b.State == StateCancelled
}

// Recipient dispatch states.
const (
	recPending = "pending"
	recSending = "sending" // marked before the HTTP call; found at start = in flight at a crash
	recRetry   = "retry"
	recSent    = "sent"
	recFailed  = "failed"
	recSkipped = "skipped"
)

// Recipient is one contact's dispatch record; only the dispatcher writes it.
// Round is the round its State refers to: 0 the broadcast, n reminder n.
type Recipient struct {
	WaID      string    `json:"u"`
	State     string    `json:"s"`
	Round     int       `json:"r,omitempty"`
	Lang      string    `json:"l,omitempty"` // template key used
	Phone     string    `json:"p,omitempty"` // sender number
	WAMID     string    `json:"m,omitempty"`
	Attempts  int       `json:"a,omitempty"`
	Code      int       `json:"c,omitempty"`
	Reason    string    `json:"e,omitempty"`
	SentAt    time.Time `json:"t,omitzero"` // first successful send
	NotBefore time.Time `json:"n,omitzero"`
	Dups      int       `json:"d,omitempty"` // sends that may have reached the user twice
	// FirstTry is this round's first send attempt: a recipient failing
	// through an outage waits Config.TemplateWait from it.
	FirstTry time.Time `json:"f,omitzero"`
}

// Engagement is what came back about one recipient: delivery statuses and
// the answer. Only the inbox (status observer, interceptor) writes it.
type Engagement struct {
	Delivery    string    `json:"d,omitempty"`
	FailCode    int       `json:"fc,omitempty"`
	Replied     bool      `json:"rp,omitempty"`
	Answer      string    `json:"a,omitempty"`
	AnsweredAt  time.Time `json:"at,omitzero"`
	Stage       string    `json:"st,omitempty"` // stageDetails or stageTime while a follow-up is expected
	Lat         float64   `json:"la,omitempty"`
	Lng         float64   `json:"ln,omitempty"`
	HasLocation bool      `json:"hl,omitempty"`
	Description string    `json:"ds,omitempty"`
	Preferred   string    `json:"pt,omitempty"` // preferred time given for "Reschedule"
	// What WhatsApp's first status said about the message of the broadcast
	// itself: after a crash it proves a send whose result was never
	// recorded did go out.
	WAMID  string    `json:"m,omitempty"`
	Phone  string    `json:"p,omitempty"`
	SentAt time.Time `json:"t,omitzero"`
	// Other wamids WhatsApp reported for the same recipient and round:
	// each is a message the person got twice.
	Extra []string `json:"x,omitempty"`
	// DeliveredAt and ReadAt are when WhatsApp's statuses say a message
	// of the broadcast first reached the phone and was first read (the
	// status timestamps; a read implies a delivery). The incident
	// timeline computes its delivery milestones from them.
	DeliveredAt time.Time `json:"dt,omitzero"`
	ReadAt      time.Time `json:"rt,omitzero"`
	// Reached is set when staff reached a person who never answered the
	// check-in (by phone, in person): they count as accounted for.
	Reached *Reached `json:"rc,omitempty"`
}

const (
	stageDetails = "details" // need help: waiting for location and description
	stageTime    = "time"    // reschedule: waiting for a preferred time
)

// Member links a contact to a broadcast that expects an answer.
type Member struct {
	Seq         uint64    `json:"seq"`
	Kind        Kind      `json:"kind"`
	WAMID       string    `json:"wamid,omitempty"` // latest message sent
	FirstSentAt time.Time `json:"first_sent_at"`
	Until       time.Time `json:"until"` // answers accepted until then
}

// Progress is the dispatcher's durable cursor and counts.
type Progress struct {
	Round     int              `json:"round"`
	Next      uint64           `json:"next"`
	Sent      int64            `json:"sent"`
	Failed    int64            `json:"failed"`
	FailedBy  map[string]int64 `json:"failed_by,omitempty"`
	Skipped   int64            `json:"skipped"`
	SkippedBy map[string]int64 `json:"skipped_by,omitempty"`
	Reminders int64            `json:"reminders"`
	Dups      int64            `json:"possible_duplicates"`
	Retrying  int64            `json:"retrying"`
	// HandedTo bounds what of round Round may have reached WhatsApp: a
	// recipient at seq HandedTo or later that is marked "sending" was
	// never handed to it (a dispatcher died with it queued), so a
	// takeover sends it without waiting for a status and without
	// counting a possible duplicate. It only grows within a round, and is
	// written before the send it covers (Service.handing). 0: not known
	// (a record from before it was kept): any of them may have.
	HandedTo uint64 `json:"handed_to,omitempty"`
	// Token is the fencing token of the dispatch lease under which this
	// progress was written (see holdLease): a write under an older token
	// is refused, so a run that lost its lease cannot overwrite the
	// progress of the run that took over.
	Token uint64 `json:"token,omitempty"`
}

// FencingToken makes Progress a store.Fenced record.
func (p *Progress) FencingToken() uint64 { return p.Token }

// Counts are the engagement counters: each recipient's share is kept
// apart (store.AddBroadcastCounts) and a read adds the shares up.
type Counts struct {
	Delivered   int64            `json:"dl,omitempty"`
	Read        int64            `json:"rd,omitempty"`
	Failed      int64            `json:"f,omitempty"`
	FailedBy    map[string]int64 `json:"fb,omitempty"`
	Replied     int64            `json:"rp,omitempty"`
	Safe        int64            `json:"sf,omitempty"`
	Help        int64            `json:"hp,omitempty"`
	Options     map[string]int64 `json:"op,omitempty"`
	Rescheduled int64            `json:"rs,omitempty"`
	Ack         []int64          `json:"ak,omitempty"` // histogram over ackBounds
	Duplicates  int64            `json:"du,omitempty"` // second messages WhatsApp accepted
}

// AddTimes adds n times o (store.Counter): the store adds the
// recipients' shares up with it.
func (c *Counts) AddTimes(o *Counts, n int64) {
	c.Delivered += n * o.Delivered
	c.Read += n * o.Read
	c.Failed += n * o.Failed
	c.Replied += n * o.Replied
	c.Safe += n * o.Safe
	c.Help += n * o.Help
	c.Rescheduled += n * o.Rescheduled
	c.Duplicates += n * o.Duplicates
	for k, v := range o.FailedBy {
		incr(&c.FailedBy, k, n*v)
	}
	for k, v := range o.Options {
		incr(&c.Options, k, n*v)
	}
	if len(c.Ack) < len(o.Ack) {
		c.Ack = append(c.Ack, make([]int64, len(o.Ack)-len(c.Ack))...)
	}
	for i, v := range o.Ack {
		c.Ack[i] += n * v
	}
}

func addMap(dst, src map[string]int64) map[string]int64 {
	for k, v := range src {
		if dst == nil {
			dst = map[string]int64{}
		}
		dst[k] += v
	}
	return dst
}

// ackBounds are the upper bounds, in seconds, of the time-to-acknowledge
// histogram; the last bucket is open.
var ackBounds = []float64{5, 10, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400}

func ackBucket(d time.Duration) int {
	s := d.Seconds()
	for i, b := range ackBounds {
		if s <= b {
			return i
		}
	}
	return len(ackBounds)
}

// percentile interpolates within the histogram bucket holding quantile q.
func percentile(hist []int64, q float64) float64 {
	var total int64
	for _, n := range hist {
		total += n
	}
	if total == 0 {
		return 0
	}
	rank := q * float64(total)
	var cum float64
	for i, n := range hist {
		if n == 0 {
			continue
		}
		if cum+float64(n) >= rank {
			lo := 0.0
			if i > 0 {
				lo = ackBounds[i-1]
			}
			hi := lo * 2
			if i < len(ackBounds) {
				hi = ackBounds[i]
			}
			return lo + (hi-lo)*(rank-cum)/float64(n)
		}
		cum += float64(n)
	}
	return ackBounds[len(ackBounds)-1]
}
