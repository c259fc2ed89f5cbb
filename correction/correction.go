// Package correction owns corrections of FAQ answers: when an admin
// changes an entry because its answer was wrong, the people who received
// the old answer are told. A correction names the entry, the period and
// the message per language; Lifeline finds who received an earlier text of
// the entry in that period from the transcripts (each FAQ answer records
// its entry and FAQ version), shows the count, the messages and a masked
// sample, and on an admin's word sends it: free-form text to people inside
// their 24-hour window, through the engine's outbox like every reply, and
// an approved template to the others, as a broadcast with an explicit list
// of people, paced and reported like any other. Two-person approval, when
// it applies to broadcasts, applies here too.
package correction

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rs/zerolog"

	"lifeline/bot"
	"lifeline/bot/broadcast"
	"lifeline/bot/contacts"
	"lifeline/bot/whatsapp"
	"lifeline/incident"
	"lifeline/kb"
	"lifeline/store"
)

// States of a correction.
const (
	StatePending = "pending" // listed, waiting for an admin to send it
	StateSending = "sending" // being sent (a crash here leaves it for an admin to look at)
	StateSent    = "sent"
)

// Sentinel errors; the admin API maps them to statuses in one place.
var (
	ErrInvalid = errors.New("invalid correction")
	ErrState   = errors.New("not possible in the correction's current state")
	// ErrNotApprover refuses a send that two-person approval applies to
	// by someone who may not approve broadcasts: sending it approves it.
	ErrNotApprover = errors.New("may not approve a broadcast")
)

// NobodyError refuses a correction that would reach nobody: no one
// received the entry in the period, or only its current text.
type NobodyError struct {
	Entry string
	Since time.Time
	// Current is set when people received the entry, but only in its
	// current text: the entry was not changed.
	Current int
	Version int
}

func (e *NobodyError) Error() string {
	since := e.Since.UTC().Format(time.RFC3339)
	if e.Current > 0 {
		return fmt.Sprintf("nobody received entry %s since %s in a text other than the current one (version %d; %d got the current text): change the entry first, then mark the change as a correction", e.Entry, since, e.Version, e.Current)
	}
	return fmt.Sprintf("nobody received entry %s since %s", e.Entry, since)
}

// Is makes it match ErrState (409).
func (e *NobodyError) Is(target error) bool { return target == ErrState }

// Correction is the stored record. It keeps no phone numbers: the
// people are read again from the transcripts when it is shown or sent.
type Correction struct {
	ID    string    `json:"id"`
	Entry string    `json:"entry"`
	Since time.Time `json:"since"`
	// Version is the live FAQ version when the correction was made: an
	// answer whose text differs from the entry's in this version is the
	// old answer.
	Version          int                           `json:"version"`
	Messages         map[string]string             `json:"messages,omitempty"` // by language
	NewAnswer        bool                          `json:"new_answer,omitempty"`
	FallbackLanguage string                        `json:"fallback_language,omitempty"`
	Templates        map[string]broadcast.Template `json:"templates,omitempty"`
	Incident         string                        `json:"incident,omitempty"`
	State            string                        `json:"state"`
	CreatedAt        time.Time                     `json:"created_at"`
	CreatedBy        string                        `json:"created_by"`
	CreatedByID      string                        `json:"created_by_id,omitempty"`
	CreatedByRole    string                        `json:"created_by_role,omitempty"`
	// What the send did.
	SentAt    time.Time      `json:"sent_at,omitzero"`
	SentBy    string         `json:"sent_by,omitempty"`
	SentRole  string         `json:"sent_by_role,omitempty"`
	FreeForm  int            `json:"free_form,omitempty"` // texts queued inside the window
	Template  int            `json:"template,omitempty"`  // people given to the broadcast
	Broadcast string         `json:"broadcast,omitempty"` // the broadcast that sends the template
	Skipped   map[string]int `json:"skipped,omitempty"`   // by reason: opted_out, unreachable, window_closed, erased
	Approval  string         `json:"approval,omitempty"`  // why a second admin had to send it
}

// New is what an admin asks for.
type New struct {
	Entry string `json:"entry"`
	// Since is the start of the period: a time (RFC 3339) or a duration
	// back from now ("48h").
	Since            string                        `json:"since"`
	Messages         map[string]string             `json:"messages,omitempty"`
	NewAnswer        bool                          `json:"new_answer,omitempty"`
	FallbackLanguage string                        `json:"fallback_language,omitempty"`
	Templates        map[string]broadcast.Template `json:"templates,omitempty"`
	Incident         string                        `json:"incident,omitempty"`
}

// SendOptions may give the templates at send time, when people have left
// their window since the correction was made.
type SendOptions struct {
	Templates        map[string]broadcast.Template `json:"templates,omitempty"`
	FallbackLanguage string                        `json:"fallback_language,omitempty"`
}

// Actor is who makes or sends a correction.
type Actor struct {
	ID, Name, Role string
	// MayApprove says the actor holds the permission to approve a
	// broadcast another admin created: a send that two-person approval
	// applies to is that approval, and needs it.
	MayApprove bool
}

func (a Actor) String() string {
	if a.Name == "" {
		return a.ID
	}
	return a.Name + " (" + a.ID + ")"
}

// View is a correction with the people it reaches now.
type View struct {
	Correction
	People        int            `json:"people"`         // received the old answer in the period
	InWindow      int            `json:"in_window"`      // get free-form text
	OutsideWindow int            `json:"outside_window"` // need the template
	WillSkip      map[string]int `json:"will_skip,omitempty"`
	ByLanguage    map[string]int `json:"by_language"` // language of the answer they got
	// Preview is the text each language's people get inside the window.
	Preview map[string]string `json:"preview"`
	// Sample is up to five of the people, numbers masked.
	Sample []string `json:"sample"`
	// NeedsTemplate says some people are outside their window and no
	// template is given: sending is refused until one is.
	NeedsTemplate bool `json:"needs_template"`
}

// Options are the service's collaborators.
type Options struct {
	DB         *store.DB
	KB         *kb.KB
	Engine     *bot.Engine
	Broadcasts *broadcast.Service
	Logger     zerolog.Logger
	Now        func() time.Time
}

// Service makes, shows and sends corrections.
type Service struct {
	db  *store.DB
	kb  *kb.KB
	eng *bot.Engine
	bc  *broadcast.Service
	log zerolog.Logger
	now func() time.Time
}

// NewService builds the service.
func NewService(o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{db: o.DB, kb: o.KB, eng: o.Engine, bc: o.Broadcasts, now: o.Now,
		log: o.Logger.With().Str("comp", "correction").Logger()}
}

// windowMargin sends people whose window closes this soon a template
// rather than text that might arrive after the window closed.
const windowMargin = 10 * time.Minute

// maxPeriod bounds how far back a correction looks.
const maxPeriod = 90 * 24 * time.Hour

func parseSince(v string, now time.Time) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, fmt.Errorf("%w: since: give the start of the period, a time (2026-11-29T08:00:00Z) or a duration back from now (48h)", ErrInvalid)
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		d, derr := time.ParseDuration(v)
		if derr != nil || d <= 0 {
			return time.Time{}, fmt.Errorf("%w: since %q: want a time such as 2026-11-29T08:00:00Z or a duration such as 48h", ErrInvalid, v)
		}
		t = now.Add(-d)
	}
	switch {
	case t.After(now):
		return time.Time{}, fmt.Errorf("%w: since %s is in the future", ErrInvalid, t.UTC().Format(time.RFC3339))
	case now.Sub(t) > maxPeriod:
		return time.Time{}, fmt.Errorf("%w: since %s: at most %s back", ErrInvalid, t.UTC().Format(time.RFC3339), maxPeriod)
	}
	return t.UTC(), nil
}

func checkTemplates(ts map[string]broadcast.Template, fallback string) error {
	if len(ts) == 0 {
		return nil
	}
	// The broadcast validates them fully when the correction is sent;
	// here, what would make it fail for sure.
	for _, l := range slices.Sorted(maps.Keys(ts)) {
		if strings.TrimSpace(ts[l].Name) == "" || strings.TrimSpace(ts[l].Language) == "" {
			return fmt.Errorf("%w: templates[%s]: give the approved template's name and language", ErrInvalid, l)
		}
	}
	if fallback != "" {
		if _, ok := ts[fallback]; !ok {
			return fmt.Errorf("%w: fallback_language %q: there is no template for it", ErrInvalid, fallback)
		}
	} else if len(ts) > 1 {
		return fmt.Errorf("%w: fallback_language: say which template goes to people of other languages", ErrInvalid)
	}
	return nil
}

// Create lists who received an earlier text of the entry in the period
// and stores the correction, pending. Nobody: refused, nothing stored.
func (s *Service) Create(ctx context.Context, n New, by Actor) (*View, error) {
	now := s.now().UTC()
	n.Entry = strings.TrimSpace(n.Entry)
	if n.Entry == "" {
		return nil, fmt.Errorf("%w: entry: name the FAQ entry that changed", ErrInvalid)
	}
	since, err := parseSince(n.Since, now)
	if err != nil {
		return nil, err
	}
	msgs := map[string]string{}
	for l, m := range n.Messages {
		l, m = strings.ToLower(strings.TrimSpace(l)), strings.TrimSpace(m)
		switch {
		case l == "":
			return nil, fmt.Errorf("%w: messages: a message without a language", ErrInvalid)
		case m == "":
			return nil, fmt.Errorf("%w: messages[%s] is empty", ErrInvalid, l)
		case utf8.RuneCountInString(m) > 4096:
			return nil, fmt.Errorf("%w: messages[%s]: longer than WhatsApp's 4096 characters", ErrInvalid, l)
		}
		msgs[l] = m
	}
	if len(msgs) == 0 && !n.NewAnswer {
		return nil, fmt.Errorf("%w: messages: give the message per language, or \"new_answer\": true to send the entry's new answer", ErrInvalid)
	}
	if n.NewAnswer {
		if _, ok := s.kb.Entry(n.Entry); !ok {
			return nil, fmt.Errorf("%w: new_answer: entry %s is not in the live FAQ; give the messages instead", ErrInvalid, n.Entry)
		}
	}
	n.FallbackLanguage = strings.TrimSpace(n.FallbackLanguage)
	if err := checkTemplates(n.Templates, n.FallbackLanguage); err != nil {
		return nil, err
	}
	c := &Correction{Entry: n.Entry, Since: since, Version: s.kb.Version(), Messages: msgs, NewAnswer: n.NewAnswer,
		FallbackLanguage: n.FallbackLanguage, Templates: n.Templates, Incident: strings.TrimSpace(n.Incident),
		State: StatePending, CreatedAt: now, CreatedBy: by.String(), CreatedByID: by.ID, CreatedByRole: by.Role}
	if c.Incident != "" {
		if err := s.checkIncident(ctx, c.Incident); err != nil {
			return nil, err
		}
	}
	ps, current, err := s.people(ctx, c)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, &NobodyError{Entry: c.Entry, Since: since, Current: current, Version: c.Version}
	}
	// The number is drawn before the write, which is the new correction's.
	seq, err := store.NextCorrectionNumber(ctx, s.db)
	if err != nil {
		return nil, fmt.Errorf("create correction: %w", err)
	}
	c.ID = fmt.Sprintf("cor%06d", seq)
	err = s.db.Write(ctx, scope(c.ID), func(tx store.Writer) error {
		if c.Incident != "" {
			if err := admitIncident(ctx, tx, c.Incident); err != nil {
				return err
			}
		}
		if err := store.PutCorrection(ctx, tx, c.ID, c); err != nil {
			return err
		}
		return audit(ctx, tx, now, by, "correction.create", c,
			fmt.Sprintf("%s: entry %s answered since %s (FAQ before version %d): %d people", c.ID, c.Entry, since.Format(time.RFC3339), c.Version, len(ps)))
	})
	if err != nil {
		return nil, fmt.Errorf("create correction: %w", err)
	}
	s.log.Info().Str("correction", c.ID).Str("entry", c.Entry).Int("people", len(ps)).Msg("correction listed")
	return s.view(c, ps), nil
}

// scope is what a change of correction id may write: that correction.
func scope(id string) store.Scope { return store.DocScope(store.DocCorrection, id) }

// audit records a correction's step; with an incident, against the
// incident, so that the incident's timeline shows it. The entry is an
// event of the correction's scope, in the step's transaction, folded into
// the audit log after the commit.
func audit(ctx context.Context, tx store.Writer, at time.Time, by Actor, action string, c *Correction, detail string) error {
	target := c.ID
	if c.Incident != "" {
		target = c.Incident
	}
	_, err := store.AppendAuditEvent(ctx, tx, scope(c.ID), store.AuditEntry{At: at, Actor: by.ID, Name: by.Name, Role: by.Role, Action: action, Target: target, Detail: detail})
	return err
}

func (s *Service) checkIncident(ctx context.Context, id string) error {
	return s.db.Read(ctx, func(r store.Reader) error { return admitIncident(ctx, r, id) })
}

// admitIncident refuses an incident that does not exist or is closed.
func admitIncident(ctx context.Context, r store.Reader, id string) error {
	in, err := store.GetIncident[incident.Incident](ctx, r, id)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: incident %q: there is no such incident", ErrInvalid, id)
	}
	if err != nil {
		return err
	}
	if in.State != incident.StateOpen {
		return fmt.Errorf("%w: incident %s is closed", ErrState, id)
	}
	return nil
}

// Get shows correction id with the people it reaches now.
func (s *Service) Get(ctx context.Context, id string) (*View, error) {
	c, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	ps, _, err := s.people(ctx, &c)
	if err != nil {
		return nil, err
	}
	return s.view(&c, ps), nil
}

// List returns the corrections, newest first.
func (s *Service) List(ctx context.Context) ([]Correction, error) {
	out := []Correction{}
	err := s.db.Read(ctx, func(r store.Reader) error {
		return store.EachCorrection(ctx, r, true, func(c Correction) error {
			out = append(out, c)
			return nil
		})
	})
	return out, err
}

func (s *Service) load(ctx context.Context, id string) (Correction, error) {
	var c Correction
	err := s.db.Read(ctx, func(r store.Reader) (err error) {
		c, err = store.GetCorrection[Correction](ctx, r, id)
		return err
	})
	return c, err
}

// person is one who received the old answer.
type person struct {
	waID        string
	lang        string // of the answer they got
	lastInbound time.Time
	optedOut    bool
	unreachable bool
}

// people reads who received an earlier text of c's entry in c's period:
// every contact who wrote since the period began (an answer follows a
// message; a day's slack covers a backlog), their transcript's FAQ
// answers. current counts those who received only the text the entry
// has in c.Version.
func (s *Service) people(ctx context.Context, c *Correction) (ps []person, current int, err error) {
	texts := map[int]*kb.Version{} // FAQ versions read, by number
	var live *kb.Version
	if v, err := s.kb.GetVersion(c.Version); err == nil {
		live = &v
	} else if !errors.Is(err, kb.ErrNotFound) {
		return nil, 0, fmt.Errorf("read FAQ version %d: %w", c.Version, err)
	}
	old := func(v int, lang string) (bool, error) {
		if v >= c.Version && live != nil {
			return false, nil // answered from the corrected text or later
		}
		ver, ok := texts[v]
		if !ok {
			got, err := s.kb.GetVersion(v)
			switch {
			case errors.Is(err, kb.ErrNotFound):
				ver = nil // an unknown version: its text cannot be checked, so it is old
			case err != nil:
				return false, fmt.Errorf("read FAQ version %d: %w", v, err)
			default:
				ver = &got
			}
			texts[v] = ver
		}
		if ver == nil || live == nil {
			return true, nil
		}
		return answerText(ver, c.Entry, lang) != answerText(live, c.Entry, lang), nil
	}
	from := c.Since.Add(-24 * time.Hour)
	err = s.db.Read(ctx, func(r store.Reader) error {
		return store.EachContact(ctx, r, "", func(ct *store.Contact) error {
			if ct.LastInboundAt.Before(from) {
				return nil
			}
			p := person{waID: ct.WaID, lastInbound: ct.LastInboundAt, optedOut: ct.OptedOut, unreachable: ct.Unreachable}
			got, gotCurrent := false, false
			err := store.EachTranscriptEntry(ctx, r, ct.WaID, func(e store.Entry) error {
				if e.Dir != store.Out || e.FAQ == nil || e.FAQ.Entry != c.Entry || e.Status == store.StatusFailed ||
					e.At.Before(c.Since) || !e.At.Before(c.CreatedAt) {
					return nil
				}
				isOld, err := old(e.FAQ.Version, e.FAQ.Lang)
				if err != nil {
					return err
				}
				if !isOld {
					gotCurrent = true
					return nil
				}
				got, p.lang = true, e.FAQ.Lang
				return nil
			})
			if err != nil {
				return err
			}
			switch {
			case got:
				ps = append(ps, p)
			case gotCurrent:
				current++
			}
			return nil
		})
	})
	if err != nil {
		return nil, 0, fmt.Errorf("find who received entry %s: %w", c.Entry, err)
	}
	return ps, current, nil
}

// answerText is entry id's answer in lang as version v holds it ("" when
// it has none).
func answerText(v *kb.Version, id, lang string) string {
	for _, e := range v.Entries {
		if e.ID != id {
			continue
		}
		if lang == "" || lang == e.Lang {
			return e.Answer + "\x00" + e.Link
		}
		if t, ok := e.Translations[lang]; ok {
			return t.Answer + "\x00" + e.Link
		}
		return ""
	}
	return ""
}

// message is the text a person who got the answer in lang receives: the
// message in their language, else the entry's new answer in it (with
// new_answer), else the fallback language's message, else the new answer
// in the entry's own language, else any message.
func (s *Service) message(c *Correction, lang string) string {
	base, _, _ := strings.Cut(lang, "_")
	for _, l := range []string{lang, base} {
		if m, ok := c.Messages[l]; ok {
			return m
		}
	}
	var e kb.Entry
	live := false
	if c.NewAnswer {
		e, live = s.kb.Entry(c.Entry)
	}
	if live {
		if lang == e.Lang {
			return joinLink(e.Answer, e.Link)
		}
		if t, ok := e.Translations[lang]; ok {
			return joinLink(t.Answer, e.Link)
		}
	}
	if m, ok := c.Messages[c.FallbackLanguage]; ok {
		return m
	}
	if live {
		return joinLink(e.Answer, e.Link)
	}
	if len(c.Messages) > 0 {
		return c.Messages[slices.Sorted(maps.Keys(c.Messages))[0]]
	}
	return ""
}

func joinLink(answer, link string) string {
	if link != "" && !strings.Contains(answer, link) {
		return answer + "\n\n" + link
	}
	return answer
}

// inWindow reports whether free-form text may still reach p now.
func (s *Service) inWindow(p person, now time.Time) bool {
	return !p.lastInbound.IsZero() && now.Add(windowMargin).Before(s.eng.WindowEnd(p.lastInbound))
}

func (s *Service) view(c *Correction, ps []person) *View {
	now := s.now()
	v := &View{Correction: *c, People: len(ps), ByLanguage: map[string]int{}, Preview: map[string]string{}, Sample: []string{}}
	skip := map[string]int{}
	for _, p := range ps {
		v.ByLanguage[p.lang]++
		if _, ok := v.Preview[p.lang]; !ok {
			v.Preview[p.lang] = s.message(c, p.lang)
		}
		if len(v.Sample) < 5 {
			v.Sample = append(v.Sample, whatsapp.MaskPhone(p.waID))
		}
		switch {
		case p.optedOut:
			skip["opted_out"]++
		case s.inWindow(p, now):
			v.InWindow++
		case p.unreachable:
			skip["unreachable"]++
		default:
			v.OutsideWindow++
		}
	}
	if len(skip) > 0 {
		v.WillSkip = skip
	}
	v.NeedsTemplate = v.State == StatePending && v.OutsideWindow > 0 && len(c.Templates) == 0
	return v
}

// Send sends pending correction id: text to the people inside their
// window, a broadcast of the template to the others. When two-person
// approval applies to a broadcast of these people, by must not be the
// correction's creator, and the broadcast is created by the creator and
// approved by by through the broadcast service's own approval.
func (s *Service) Send(ctx context.Context, id string, o SendOptions, by Actor) (*View, error) {
	now := s.now().UTC()
	c, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.State != StatePending {
		return nil, fmt.Errorf("%w: correction %s is %s", ErrState, id, c.State)
	}
	if len(o.Templates) > 0 {
		o.FallbackLanguage = strings.TrimSpace(o.FallbackLanguage)
		if err := checkTemplates(o.Templates, o.FallbackLanguage); err != nil {
			return nil, err
		}
		c.Templates, c.FallbackLanguage = o.Templates, o.FallbackLanguage
	}
	ps, current, err := s.people(ctx, &c)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, &NobodyError{Entry: c.Entry, Since: c.Since, Current: current, Version: c.Version}
	}
	var text, tpl, all []string
	skipped := map[string]int{}
	langOf := map[string]string{}
	for _, p := range ps {
		langOf[p.waID] = p.lang
		switch {
		case p.optedOut:
			skipped["opted_out"]++
			continue
		case s.inWindow(p, now):
			text = append(text, p.waID)
		case p.unreachable:
			skipped["unreachable"]++
			continue
		default:
			tpl = append(tpl, p.waID)
		}
		all = append(all, p.waID)
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("%w: correction %s: everyone who received entry %s opted out or cannot be reached", ErrState, id, c.Entry)
	}
	if len(tpl) > 0 && len(c.Templates) == 0 {
		return nil, fmt.Errorf("%w: correction %s: %d people are outside their 24-hour window, where WhatsApp allows only an approved template: give \"templates\" (by language, as a broadcast's) to send it", ErrInvalid, id, len(tpl))
	}
	approval, err := s.bc.ApprovalReason(contacts.Audience{WaIDs: all})
	if err != nil {
		return nil, err
	}
	if approval != "" && by.ID == c.CreatedByID {
		return nil, fmt.Errorf("%w: correction %s: two-person approval applies (%s): an admin other than its creator must send it", ErrState, id, approval)
	}
	if approval != "" && !by.MayApprove {
		return nil, fmt.Errorf("%w: correction %s: two-person approval applies (%s) and sending it approves it: %s lacks the \"approve\" permission; an admin who holds it must send it",
			ErrNotApprover, id, approval, by)
	}
	// Claim it: a second send meanwhile finds it sending.
	err = s.db.Write(ctx, store.DocScope(store.DocCorrection, id), func(tx store.Writer) error {
		cur, err := store.GetCorrection[Correction](ctx, tx, id)
		if err != nil {
			return err
		}
		if cur.State != StatePending {
			return fmt.Errorf("%w: correction %s is %s", ErrState, id, cur.State)
		}
		c.State = StateSending
		return store.PutCorrection(ctx, tx, id, &c)
	})
	if err != nil {
		return nil, fmt.Errorf("send correction %s: %w", id, err)
	}
	if len(tpl) > 0 {
		b, err := s.broadcast(ctx, &c, tpl, approval, by)
		if err != nil {
			s.release(ctx, id)
			return nil, fmt.Errorf("send correction %s to %d people outside their window: %w", id, len(tpl), err)
		}
		c.Broadcast, c.Template = b.ID, len(tpl)
	}
	for _, u := range text {
		err := s.eng.SendText(u, s.message(&c, langOf[u]), "bot:correction")
		switch {
		case err == nil:
			c.FreeForm++
		case errors.Is(err, bot.ErrWindowClosed):
			skipped["window_closed"]++
		case errors.Is(err, store.ErrNotFound):
			skipped["erased"]++
		default:
			s.log.Error().Err(err).Str("correction", id).Str("user", whatsapp.MaskPhone(u)).Msg("queue correction text")
			skipped["error"]++
		}
	}
	c.State, c.SentAt, c.SentBy, c.SentRole, c.Approval = StateSent, now, by.String(), by.Role, approval
	if len(skipped) > 0 {
		c.Skipped = skipped
	}
	err = s.db.Write(ctx, scope(id), func(tx store.Writer) error {
		if err := store.PutCorrection(ctx, tx, id, &c); err != nil {
			return err
		}
		detail := fmt.Sprintf("%s: entry %s: %d as text inside the 24-hour window, %d by template", id, c.Entry, c.FreeForm, c.Template)
		if c.Broadcast != "" {
			detail += " (broadcast " + c.Broadcast + ")"
		}
		if approval != "" {
			detail += fmt.Sprintf("; two-person approval (%s): created by %s, sent by %s", approval, c.CreatedBy, by)
		}
		for _, r := range slices.Sorted(maps.Keys(skipped)) {
			detail += fmt.Sprintf("; %d skipped: %s", skipped[r], r)
		}
		return audit(ctx, tx, now, by, "correction.send", &c, detail)
	})
	if err != nil {
		return nil, fmt.Errorf("record correction %s as sent: %w", id, err)
	}
	s.log.Info().Str("correction", id).Int("text", c.FreeForm).Int("template", c.Template).Str("broadcast", c.Broadcast).Msg("correction sent")
	return s.view(&c, ps), nil
}

// release puts a correction whose send failed before anything left back
// to pending.
func (s *Service) release(ctx context.Context, id string) {
	err := s.db.Write(ctx, store.DocScope(store.DocCorrection, id), func(tx store.Writer) error {
		cur, err := store.GetCorrection[Correction](ctx, tx, id)
		if err != nil {
			return err
		}
		cur.State = StatePending
		return store.PutCorrection(ctx, tx, id, &cur)
	})
	if err != nil {
		s.log.Error().Err(err).Str("correction", id).Msg("release correction after a failed send")
	}
}

// broadcast creates the template send to users. With two-person
// approval, its creator is the correction's creator and by approves it.
func (s *Service) broadcast(ctx context.Context, c *Correction, users []string, approval string, by Actor) (*broadcast.Broadcast, error) {
	drill := false
	if c.Incident != "" {
		err := s.db.Read(ctx, func(r store.Reader) error {
			in, err := store.GetIncident[incident.Incident](ctx, r, c.Incident)
			drill = in.Drill
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	sp := broadcast.Spec{
		Name: fmt.Sprintf("Correction %s of FAQ entry %s", c.ID, c.Entry), Kind: broadcast.KindNotice,
		Templates: c.Templates, FallbackLanguage: c.FallbackLanguage,
		Audience: contacts.Audience{WaIDs: users}, Incident: c.Incident,
	}
	if !drill {
		// These people asked and were answered wrongly: the correction
		// reaches them whether or not they opted in to alerts, and past
		// the frequency cap. A drill is never critical.
		sp.Critical = true
		sp.ConsentOverrideReason = "correction " + c.ID + " of an FAQ answer the person asked for"
	}
	creator := broadcast.Actor{ID: by.ID, Name: by.Name, Role: by.Role}
	if approval != "" {
		creator = broadcast.Actor{ID: c.CreatedByID, Name: strings.TrimSuffix(c.CreatedBy, " ("+c.CreatedByID+")"), Role: c.CreatedByRole}
	}
	b, err := s.bc.CreateBy(sp, creator, "correction:"+c.ID)
	if err != nil {
		return nil, err
	}
	if b.State == broadcast.StatePendingApproval {
		if b, err = s.bc.Approve(b.ID, broadcast.Actor{ID: by.ID, Name: by.Name, Role: by.Role}); err != nil {
			return nil, err
		}
	}
	return b, nil
}
