// Package incident owns incidents: the crisis a team runs (a flood, an
// outage, a breach) as one record with its kind, the people it affects
// (an audience, as broadcasts use), whether it is a drill, and its life
// from open to closed. Broadcasts name the incident they belong to (the
// broadcast service asks this package through its IncidentGate); the
// timeline and the report are computed when asked for, from the records
// that own the facts: this record, the broadcasts, the audit log, the
// handoffs and the transcripts. Drill incidents are reported apart from
// real ones and never mixed into their figures.
package incident

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/looplab/fsm"
	"github.com/rs/zerolog"

	"lifeline/bot/broadcast"
	"lifeline/bot/contacts"
	"lifeline/store"
)

// Kind of incident.
type Kind string

// Kinds.
const (
	KindFlood      Kind = "flood"
	KindFire       Kind = "fire"
	KindOutage     Kind = "outage"
	KindOutbreak   Kind = "outbreak"
	KindRecall     Kind = "recall"
	KindDataBreach Kind = "data_breach"
	KindOther      Kind = "other"
)

// Kinds lists every kind, in the order the API documents them.
var Kinds = []Kind{KindFlood, KindFire, KindOutage, KindOutbreak, KindRecall, KindDataBreach, KindOther}

// States of an incident.
const (
	StateOpen   = "open"
	StateClosed = "closed"
)

// Events of an incident's lifecycle.
const (
	EvClose = "close"
)

// Lifecycle is the incident's state machine: every change of
// Incident.State goes through it.
var Lifecycle = fsm.Events{
	{Name: EvClose, Src: []string{StateOpen}, Dst: StateClosed},
}

// Sentinel errors; the admin API maps them to statuses in one place.
var (
	ErrInvalid = errors.New("invalid incident")
	ErrState   = errors.New("not possible in the incident's current state")
)

// NotFoundError names the incident that does not exist.
type NotFoundError struct{ ID string }

func (e *NotFoundError) Error() string { return fmt.Sprintf("no incident %q", e.ID) }

// Unwrap makes it match store.ErrNotFound.
func (e *NotFoundError) Unwrap() error { return store.ErrNotFound }

// Incident is the stored record of one incident.
type Incident struct {
	ID       string            `json:"id"`
	Name     string            `json:"name"`
	Kind     Kind              `json:"kind"`
	Audience contacts.Audience `json:"audience"` // the people it affects: regions, tags, ...
	Drill    bool              `json:"drill"`
	State    string            `json:"state"`
	Notes    string            `json:"notes,omitempty"`
	OpenedBy string            `json:"opened_by"`
	OpenedAt time.Time         `json:"opened_at"`
	ClosedBy string            `json:"closed_by,omitempty"`
	ClosedAt time.Time         `json:"closed_at,omitzero"`
	// SMS is the default SMS fallback of the incident's broadcasts: one
	// created without its own "sms" takes a copy (broadcast.Spec.TakeSMSDefault).
	SMS *broadcast.SMSSpec `json:"sms,omitempty"`
	// UpdatedAt is the last change of name, notes, audience or SMS default.
	UpdatedAt time.Time `json:"updated_at"`
	// ClosingReport is the report as it stood when the incident closed;
	// GET .../report computes it again from the records.
	ClosingReport *Report `json:"closing_report,omitempty"`
}

// end is the end of the incident's time range: its close, or now.
func (in *Incident) end(now time.Time) time.Time {
	if !in.ClosedAt.IsZero() {
		return in.ClosedAt
	}
	return now
}

// during reports whether t falls in the incident's time range.
func (in *Incident) during(t, now time.Time) bool {
	return !t.IsZero() && !t.Before(in.OpenedAt) && !t.After(in.end(now))
}

// affects reports whether contact c is among the people the incident
// affects. Only the selection counts: someone who opted out of alerts or
// cannot be reached is still affected by the flood.
func (in *Incident) affects(c *store.Contact) bool {
	sel := *c
	sel.OptedOut, sel.Unreachable = false, false
	aud := in.Audience
	aud.OptedInOnly = false
	ok, _ := aud.Match(&sel)
	return ok
}

// New is what an admin asks for to open an incident.
type New struct {
	Name     string            `json:"name"`
	Kind     Kind              `json:"kind"`
	Audience contacts.Audience `json:"audience"`
	Drill    bool              `json:"drill,omitempty"`
	Notes    string            `json:"notes,omitempty"`
	// SMS is the default SMS fallback of the incident's broadcasts.
	SMS *broadcast.SMSSpec `json:"sms,omitempty"`
}

// Patch changes an open incident; nil fields stay as they are. Notes may
// be changed after the close too (what was learnt).
type Patch struct {
	Name     *string            `json:"name,omitempty"`
	Notes    *string            `json:"notes,omitempty"`
	Audience *contacts.Audience `json:"audience,omitempty"`
	// SMS replaces the default SMS fallback; {"off": true} removes it.
	SMS *broadcast.SMSSpec `json:"sms,omitempty"`
}

// Actor is who makes a change: recorded on the incident and, with role
// and address, in the audit log.
type Actor struct {
	ID, Name, Role, IP string
}

func (a Actor) String() string {
	if a.Name == "" {
		return a.ID
	}
	return a.Name + " (" + a.ID + ")"
}

func checkName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 200 {
		return "", fmt.Errorf("%w: name: give a name of 1 to 200 characters", ErrInvalid)
	}
	return name, nil
}

func checkNotes(notes string) (string, error) {
	notes = strings.TrimSpace(notes)
	if len(notes) > 10000 {
		return "", fmt.Errorf("%w: notes: at most 10000 characters", ErrInvalid)
	}
	return notes, nil
}

func checkAudience(a *contacts.Audience) error {
	a.Normalize()
	if a.OptedInOnly {
		return fmt.Errorf("%w: audience.opted_in_only: an incident affects people whatever their consent; each broadcast decides whom it may message", ErrInvalid)
	}
	if err := a.Check(); err != nil {
		return fmt.Errorf("%w: %v (the people the incident affects)", ErrInvalid, err)
	}
	return nil
}

// checkSMS normalises an SMS fallback default; nil when it says "off".
// Without an SMS provider the default is taken as a broadcast's "sms"
// is: kept, and the broadcast's preview says it will not be sent.
func checkSMS(sp *broadcast.SMSSpec) (*broadcast.SMSSpec, error) {
	if sp == nil {
		return nil, nil
	}
	c := *sp
	if err := c.ValidateDefault(); err != nil {
		return nil, fmt.Errorf("%w: %v (the default SMS fallback of the incident's broadcasts)", ErrInvalid, err)
	}
	if c.Off {
		return nil, nil
	}
	return &c, nil
}

// describeSMS says what an SMS fallback default does, for the audit log
// (languages and settings, never the texts).
func describeSMS(sp *broadcast.SMSSpec) string {
	if sp == nil {
		return "no SMS fallback default"
	}
	d := fmt.Sprintf("SMS fallback default in %s (fallback %s, at most %d segments)",
		strings.Join(slices.Sorted(maps.Keys(sp.Texts)), ", "), sp.FallbackLanguage, sp.MaxSegments)
	if sp.After > 0 {
		d += fmt.Sprintf(", critical broadcasts also after %s undelivered", time.Duration(sp.After))
	}
	return d
}

// Validate normalises n and names the first problem.
func (n *New) Validate() error {
	var err error
	if n.Name, err = checkName(n.Name); err != nil {
		return err
	}
	switch {
	case n.Kind == "":
		return fmt.Errorf("%w: kind: give one of %s", ErrInvalid, kindList())
	case !slices.Contains(Kinds, n.Kind):
		return fmt.Errorf("%w: kind %q: want one of %s", ErrInvalid, n.Kind, kindList())
	}
	if n.Notes, err = checkNotes(n.Notes); err != nil {
		return err
	}
	if err := checkAudience(&n.Audience); err != nil {
		return err
	}
	n.SMS, err = checkSMS(n.SMS)
	return err
}

func kindList() string {
	s := make([]string, len(Kinds))
	for i, k := range Kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// Options are the service's collaborators.
type Options struct {
	DB *store.DB
	// Broadcasts gives the live counts of the incident's broadcasts for
	// the report; nil reports none.
	Broadcasts *broadcast.Service
	Logger     zerolog.Logger
	Now        func() time.Time
	// OnClose is told of a close: Closing in a write of its own before
	// the close's (an error aborts the close), Closed after the close
	// committed. The FAQ overlay uses it so that an incident's answers
	// end with it.
	OnClose CloseHook
}

// CloseHook is what other parts do when an incident closes. Closing
// writes in the scope of the incident's FAQ overlay
// (store.FAQOverlayScope(id)) and must be idempotent: a close cut short
// after it runs it again.
type CloseHook interface {
	Closing(ctx context.Context, w store.Writer, id string, at time.Time) error
	Closed(id string)
}

// Service opens, changes and closes incidents, and computes their
// timeline and report.
type Service struct {
	db   *store.DB
	bc   *broadcast.Service
	log  zerolog.Logger
	now  func() time.Time
	hook CloseHook
}

// NewService builds the incident service.
func NewService(o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{db: o.DB, bc: o.Broadcasts, log: o.Logger.With().Str("comp", "incident").Logger(), now: o.Now, hook: o.OnClose}
}

// audit records the entry for a change of incident id as an event of the
// incident's scope, in the change's own transaction: the audit log, its
// one writer, folds it in after the commit.
func audit(ctx context.Context, w store.Writer, at time.Time, by Actor, action, id, detail string) error {
	_, err := store.AppendAuditEvent(ctx, w, scope(id), store.AuditEntry{At: at, Actor: by.ID, Name: by.Name, Role: by.Role, IP: by.IP,
		Action: action, Target: id, Detail: detail})
	return err
}

// scope is what a change of incident id may write: that incident.
func scope(id string) store.Scope { return store.DocScope(store.DocIncident, id) }

// Create opens an incident; the audit entry is written with it.
func (s *Service) Create(ctx context.Context, n New, by Actor) (*Incident, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	var in Incident
	// The number is drawn before the write, which is the new incident's.
	seq, err := store.NextIncidentNumber(ctx, s.db)
	if err != nil {
		return nil, fmt.Errorf("open incident: %w", err)
	}
	id := fmt.Sprintf("inc%06d", seq)
	err = s.db.Write(ctx, scope(id), func(w store.Writer) error {
		in = Incident{ID: id, Name: n.Name, Kind: n.Kind, Audience: n.Audience, Drill: n.Drill,
			State: StateOpen, Notes: n.Notes, SMS: n.SMS, OpenedBy: by.String(), OpenedAt: now, UpdatedAt: now}
		if err := store.PutIncident(ctx, w, in.ID, &in); err != nil {
			return err
		}
		detail := fmt.Sprintf("%s %q", in.Kind, in.Name)
		if in.Drill {
			detail += "; drill"
		}
		if in.SMS != nil {
			detail += "; " + describeSMS(in.SMS)
		}
		return audit(ctx, w, now, by, "incident.create", in.ID, detail)
	})
	if err != nil {
		return nil, fmt.Errorf("open incident: %w", err)
	}
	s.log.Info().Str("incident", in.ID).Str("kind", string(in.Kind)).Bool("drill", in.Drill).Msg("incident opened")
	return &in, nil
}

// Get loads incident id.
func (s *Service) Get(ctx context.Context, id string) (*Incident, error) {
	var in Incident
	err := s.db.Read(ctx, func(r store.Reader) (err error) {
		in, err = get(ctx, r, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &in, nil
}

func get(ctx context.Context, r store.Reader, id string) (Incident, error) {
	in, err := store.GetIncident[Incident](ctx, r, id)
	if errors.Is(err, store.ErrNotFound) {
		return in, &NotFoundError{ID: id}
	}
	return in, err
}

// Filter selects incidents; zero fields match all.
type Filter struct {
	State string // open or closed
	Drill *bool
}

// List returns the matching incidents, newest first.
func (s *Service) List(ctx context.Context, f Filter) ([]Incident, error) {
	switch f.State {
	case "", StateOpen, StateClosed:
	default:
		return nil, fmt.Errorf("%w: state %q: want open or closed", ErrInvalid, f.State)
	}
	out := []Incident{}
	err := s.db.Read(ctx, func(r store.Reader) error {
		return store.EachIncident(ctx, r, true, func(in Incident) error {
			if (f.State != "" && in.State != f.State) || (f.Drill != nil && in.Drill != *f.Drill) {
				return nil
			}
			in.ClosingReport = nil // a list stays short; the report has its route
			out = append(out, in)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list incidents: %w", err)
	}
	return out, nil
}

// Counts are the incidents of one sort (real or drill) by state.
type Counts struct {
	Open   int `json:"open"`
	Closed int `json:"closed"`
}

// Summary counts real incidents and drills apart.
type Summary struct {
	Real  Counts `json:"real"`
	Drill Counts `json:"drill"`
}

// Summarize counts the incidents listed, drills apart.
func Summarize(ins []Incident) Summary {
	var s Summary
	for _, in := range ins {
		c := &s.Real
		if in.Drill {
			c = &s.Drill
		}
		if in.State == StateClosed {
			c.Closed++
		} else {
			c.Open++
		}
	}
	return s
}

// Update applies p; name and audience only while the incident is open.
func (s *Service) Update(ctx context.Context, id string, p Patch, by Actor) (*Incident, error) {
	var changed []string
	if p.Name != nil {
		name, err := checkName(*p.Name)
		if err != nil {
			return nil, err
		}
		p.Name = &name
		changed = append(changed, "name")
	}
	if p.Notes != nil {
		notes, err := checkNotes(*p.Notes)
		if err != nil {
			return nil, err
		}
		p.Notes = &notes
		changed = append(changed, "notes")
	}
	if p.Audience != nil {
		a := *p.Audience
		if err := checkAudience(&a); err != nil {
			return nil, err
		}
		p.Audience = &a
		changed = append(changed, "audience")
	}
	var sms *broadcast.SMSSpec
	if p.SMS != nil {
		var err error
		if sms, err = checkSMS(p.SMS); err != nil {
			return nil, err
		}
		changed = append(changed, "sms")
	}
	if len(changed) == 0 {
		return nil, fmt.Errorf("%w: nothing to change: give name, notes, audience or sms", ErrInvalid)
	}
	now := s.now().UTC()
	var in Incident
	err := s.db.Write(ctx, scope(id), func(w store.Writer) (err error) {
		if in, err = get(ctx, w, id); err != nil {
			return err
		}
		if in.State != StateOpen && (p.Name != nil || p.Audience != nil || p.SMS != nil) {
			return fmt.Errorf("%w: incident %s is closed: only its notes may change", ErrState, id)
		}
		if p.Name != nil {
			in.Name = *p.Name
		}
		if p.Notes != nil {
			in.Notes = *p.Notes
		}
		if p.Audience != nil {
			in.Audience = *p.Audience
		}
		detail := "changed " + strings.Join(changed, ", ")
		if p.SMS != nil {
			// The detail says what the default became, not only that it
			// changed: its earlier state is in the earlier entries.
			in.SMS = sms
			detail += ": " + describeSMS(sms)
		}
		in.UpdatedAt = now
		if err := store.PutIncident(ctx, w, id, &in); err != nil {
			return err
		}
		return audit(ctx, w, now, by, "incident.update", id, detail)
	})
	if err != nil {
		return nil, fmt.Errorf("update incident %s: %w", id, err)
	}
	return &in, nil
}

// Close closes incident id and keeps its report as it stands. Broadcasts
// still sending go on (cancel them on their own route); new ones can no
// longer name it.
func (s *Service) Close(ctx context.Context, id string, by Actor) (*Incident, error) {
	now := s.now().UTC()
	in, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := in.fire(EvClose); err != nil {
		return nil, err
	}
	in.ClosedAt = now
	// The report reads many records; it is computed before the commit,
	// over the range the close sets, and kept with it.
	rep, err := s.report(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("report of incident %s: %w", id, err)
	}
	// Two writes, in this order: the hook ends the incident's FAQ
	// overlay in the overlay's scope, then the incident closes in its
	// own, with its audit event. A crash between leaves an open incident
	// whose answers are already retired, never a closed incident still
	// answering; the close was not acknowledged, and closing again
	// completes it (the hook only closes entries still open).
	if s.hook != nil {
		err := s.db.Write(ctx, store.FAQOverlayScope(id), func(w store.Writer) error { return s.hook.Closing(ctx, w, id, now) })
		if err != nil {
			return nil, fmt.Errorf("close incident %s: end its faq overlay: %w", id, err)
		}
	}
	err = s.db.Write(ctx, scope(id), func(w store.Writer) error {
		cur, err := get(ctx, w, id)
		if err != nil {
			return err
		}
		if err := cur.fire(EvClose); err != nil {
			return err
		}
		cur.ClosedAt, cur.ClosedBy, cur.ClosingReport = now, by.String(), rep
		*in = cur
		if err := store.PutIncident(ctx, w, id, &cur); err != nil {
			return err
		}
		return audit(ctx, w, now, by, "incident.close", id, fmt.Sprintf("%s %q", cur.Kind, cur.Name))
	})
	if err != nil {
		return nil, fmt.Errorf("close incident %s: %w", id, err)
	}
	if s.hook != nil {
		s.hook.Closed(id)
	}
	s.log.Info().Str("incident", id).Bool("drill", in.Drill).Msg("incident closed")
	return in, nil
}

// fire moves in along the lifecycle by ev, or says why it cannot.
func (in *Incident) fire(ev string) error {
	m := fsm.NewFSM(in.State, Lifecycle, nil)
	err := m.Event(context.Background(), ev)
	var invalid fsm.InvalidEventError
	switch {
	case err == nil:
	case errors.As(err, &invalid):
		return fmt.Errorf("%w: cannot %s incident %s: it is %s", ErrState, ev, in.ID, in.State)
	default:
		return fmt.Errorf("incident %s: %s from %s: %w", in.ID, ev, in.State, err)
	}
	in.State = m.Current()
	return nil
}

// Gate is the broadcast service's view of incidents (a
// broadcast.IncidentGate): it reads the incident in the broadcast's own
// transaction.
type Gate struct{}

var _ broadcast.IncidentGate = Gate{}

// AdmitBroadcast refuses a broadcast naming an incident that does not
// exist (400) or is closed (409), makes the broadcast of a drill incident
// a drill, and refuses a drill broadcast in a real incident: a drill's
// figures must never mix with a real incident's. A broadcast that says
// nothing of SMS takes the incident's default SMS fallback.
func (Gate) AdmitBroadcast(ctx context.Context, r store.Reader, sp *broadcast.Spec) error {
	in, err := store.GetIncident[Incident](ctx, r, sp.Incident)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("%w: incident %q does not exist: open it first (POST /admin/incidents) or leave \"incident\" out", broadcast.ErrInvalid, sp.Incident)
	case err != nil:
		return err
	case in.State != StateOpen:
		return fmt.Errorf("%w: incident %s is %s: a broadcast can only belong to an open incident", broadcast.ErrState, in.ID, in.State)
	case in.Drill:
		sp.Drill = true
	case sp.Drill:
		return fmt.Errorf("%w: drill: incident %s is real: run a drill in a drill incident (\"drill\": true when opening it), so that its figures stay apart", broadcast.ErrInvalid, in.ID)
	}
	sp.TakeSMSDefault(in.SMS)
	return nil
}

// AdmitOverlay refuses an FAQ overlay entry for an incident that does not
// exist (404) or is closed (409); r is the transaction that writes the
// entry, so that a close meanwhile makes it conflict and try again.
func AdmitOverlay(ctx context.Context, r store.Reader, id string) error {
	in, err := get(ctx, r, id)
	if err != nil {
		return err
	}
	if in.State != StateOpen {
		return fmt.Errorf("%w: incident %s is %s: its FAQ overlay takes no changes", ErrState, id, in.State)
	}
	return nil
}
