package incident

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"lifeline/bot/broadcast"
	"lifeline/store"
)

// Targets crisis teams are measured by.
const (
	TargetDelivery   = 0.95            // delivered / sent, at least
	TargetEngagement = 0.30            // replies or button taps / delivered, at least
	TargetResponse   = 5 * time.Minute // p90 time to a first reply, under (urgent requests above all)
)

// Rate is one figure: numerator over denominator, against its target.
// Value and Met are null while the denominator is zero (nothing to
// measure yet).
type Rate struct {
	Numerator   int64    `json:"numerator"`
	Denominator int64    `json:"denominator"`
	Value       *float64 `json:"value"`
	Target      *float64 `json:"target,omitempty"` // at least; none for a figure without a set target
	Met         *bool    `json:"met,omitempty"`
}

func rate(num, den int64, target float64) Rate {
	r := Rate{Numerator: num, Denominator: den}
	if target > 0 {
		r.Target = &target
	}
	if den > 0 {
		v := math.Round(float64(num)/float64(den)*10000) / 10000
		r.Value = &v
		if target > 0 {
			met := v >= target
			r.Met = &met
		}
	}
	return r
}

// Times is how soon people got a first reply: median and p90 in seconds
// (nearest rank) over those who got one, against the target on p90.
type Times struct {
	Count         int      `json:"count"`    // replies measured
	Waiting       int      `json:"no_reply"` // still without a reply
	MedianSeconds *float64 `json:"median_seconds"`
	P90Seconds    *float64 `json:"p90_seconds"`
	TargetSeconds float64  `json:"target_seconds"` // p90 under
	Met           *bool    `json:"met"`
}

func times(ds []time.Duration, waiting int) Times {
	t := Times{Count: len(ds), Waiting: waiting, TargetSeconds: TargetResponse.Seconds()}
	if len(ds) == 0 {
		return t
	}
	slices.Sort(ds)
	rank := func(q float64) *float64 {
		i := max(0, int(math.Ceil(q*float64(len(ds))))-1)
		v := math.Round(ds[i].Seconds()*10) / 10
		return &v
	}
	t.MedianSeconds, t.P90Seconds = rank(0.5), rank(0.9)
	met := *t.P90Seconds < t.TargetSeconds && waiting == 0
	t.Met = &met
	return t
}

// Unaccounted is one recipient of a check-in who has not answered.
type Unaccounted struct {
	Broadcast string `json:"broadcast"`
	Seq       uint64 `json:"seq"`
	WaID      string `json:"wa_id"` // empty once the person was erased
}

// NeedHelp is one person whose answer to a check-in of the incident said
// they need help: their latest such answer, with what they shared.
type NeedHelp struct {
	WaID          string    `json:"wa_id"`
	Broadcast     string    `json:"broadcast"`
	BroadcastName string    `json:"broadcast_name"`
	Seq           uint64    `json:"seq"`
	AnsweredAt    time.Time `json:"answered_at,omitzero"`
	Latitude      *float64  `json:"latitude,omitempty"`
	Longitude     *float64  `json:"longitude,omitempty"`
	Description   string    `json:"description,omitempty"`
}

// BroadcastReport is the figures of one broadcast of the incident.
type BroadcastReport struct {
	ID         string         `json:"id"`
	Name       string         `json:"name"`
	Kind       broadcast.Kind `json:"kind"`
	State      string         `json:"state"`
	Drill      bool           `json:"drill"`
	Targeted   int64          `json:"targeted"`
	Delivery   Rate           `json:"delivery"`   // delivered / sent
	Engagement Rate           `json:"engagement"` // replies or button taps / delivered
	// AccountedFor, for a check-in, is answered (safe or need help) or
	// reached by staff, over targeted; there is no set target.
	AccountedFor *Rate `json:"accounted_for,omitempty"`
	// ReachedByStaff is how many of AccountedFor never answered but were
	// reached by staff (POST .../unaccounted/{who}/reached).
	ReachedByStaff int64 `json:"reached_by_staff,omitempty"`
	// Final says the check-in is over (its last reminder went out), so
	// Unaccounted will not shrink by itself.
	Final       bool          `json:"final,omitempty"`
	Unaccounted []Unaccounted `json:"unaccounted,omitempty"`
}

// Report is an incident's figures, per broadcast and for the incident.
// A drill incident's report is a drill's only: drills never share a
// report with a real incident, and a real incident cannot hold a drill
// broadcast (Gate).
type Report struct {
	Incident   string            `json:"incident"`
	Name       string            `json:"name"`
	Kind       Kind              `json:"kind"`
	Drill      bool              `json:"drill"`
	State      string            `json:"state"`
	From       time.Time         `json:"from"`
	To         time.Time         `json:"to"` // the close, or when the report was made
	Broadcasts []BroadcastReport `json:"broadcasts"`
	Delivery   Rate              `json:"delivery"`
	Engagement Rate              `json:"engagement"`
	// AccountedFor counts each person its check-ins targeted once:
	// accounted for when their latest answer (or reach by staff), in
	// any of the check-ins, says so; over the people targeted.
	AccountedFor *Rate `json:"accounted_for,omitempty"`
	// ReachedByStaff counts the accounted for whom staff reached last.
	ReachedByStaff int64 `json:"reached_by_staff,omitempty"`
	// Unaccounted lists each person no check-in accounted for once, at
	// the latest check-in that targeted them.
	Unaccounted []Unaccounted `json:"unaccounted"`
	// NeedHelp lists each person who answered a check-in of the incident
	// that they need help, once (their latest such answer), latest first.
	// It grows with the people who need help, not with those reached: the
	// dashboard reads it instead of every check-in's recipients.
	NeedHelp []NeedHelp `json:"need_help"`
	// HandoffUsers are the people the incident affects who opened a
	// handoff during it, once each, in the order of their first one.
	HandoffUsers []string `json:"handoff_users"`
	// People who wrote in during the incident, among those it affects.
	WroteIn int `json:"wrote_in"`
	// BotReply: from a person's first message during the incident to
	// the bot's first reply after it.
	BotReply Times `json:"first_bot_reply"`
	// HumanReply: from a handoff's opening to the first agent reply, for
	// handoffs opened during the incident; Urgent for those of danger to
	// life, which the target is set for.
	HumanReply       Times `json:"first_human_reply"`
	HumanReplyUrgent Times `json:"first_human_reply_urgent"`
	// FAQ is what the FAQ did with the questions people it affects
	// asked during the incident.
	FAQ Questions `json:"faq"`
	// FAQChanges are the FAQ's changes while the incident was open, as
	// the timeline has them: new versions of the general FAQ and the
	// incident's overlay entries.
	FAQChanges []Row `json:"faq_changes"`
	// NotDerivable names the figures the records cannot give yet.
	NotDerivable []string `json:"not_derivable"`
}

// Clone copies the report deeply enough that its lists of people can be
// changed (masked, left out) without touching rep, which requests for
// the same report may share.
func (rep *Report) Clone() *Report {
	c := *rep
	c.Unaccounted = slices.Clone(rep.Unaccounted)
	c.NeedHelp = slices.Clone(rep.NeedHelp)
	c.HandoffUsers = slices.Clone(rep.HandoffUsers)
	c.Broadcasts = slices.Clone(rep.Broadcasts)
	for i := range c.Broadcasts {
		c.Broadcasts[i].Unaccounted = slices.Clone(c.Broadcasts[i].Unaccounted)
	}
	return &c
}

// Questions counts the inbound messages read as questions, by what the
// FAQ did with them, as the transcript recorded each one (store.Reading).
// Answered is the share of the questions the FAQ answered; it has no set
// target. A question the FAQ was not searched for (the conversation was
// with an agent) counts among the questions and not among the answered.
type Questions struct {
	Questions   int64 `json:"questions"`
	Answered    int64 `json:"answered"`
	Suggested   int64 `json:"suggested"`    // a "did you mean" list, no answer
	None        int64 `json:"none"`         // searched; nothing the FAQ would send
	NotSearched int64 `json:"not_searched"` // an agent held the conversation, or a check-in took the message
	Share       Rate  `json:"share_answered"`
	// Unread counts the inbound messages whose reading was not recorded
	// (written before readings were); they are left out of the figures.
	Unread int64 `json:"unread,omitempty"`
}

func (q *Questions) count(r *store.Reading) {
	switch {
	case r == nil:
		q.Unread++
		return
	case r.Class != "question":
		return
	}
	q.Questions++
	switch r.FAQ {
	case store.FAQAnswered:
		q.Answered++
	case store.FAQSuggested:
		q.Suggested++
	case store.FAQNone:
		q.None++
	default:
		q.NotSearched++
	}
}

func notDerivUnread(n int64) string {
	return fmt.Sprintf("share of inbound questions the FAQ answered: %d inbound messages were written before the transcript recorded how each was read, and are not counted", n)
}

// Report computes incident id's report from the records.
func (s *Service) Report(ctx context.Context, id string) (*Report, error) {
	in, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	rep, err := s.report(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("report of incident %s: %w", id, err)
	}
	return rep, nil
}

func (s *Service) report(ctx context.Context, in *Incident) (*Report, error) {
	f, err := s.gather(ctx, in)
	if err != nil {
		return nil, err
	}
	rep := &Report{Incident: in.ID, Name: in.Name, Kind: in.Kind, Drill: in.Drill, State: in.State, From: in.OpenedAt, To: in.end(f.now),
		Broadcasts: []BroadcastReport{}, Unaccounted: []Unaccounted{}, NeedHelp: []NeedHelp{}, HandoffUsers: []string{}, NotDerivable: []string{}}
	var sent, delivered, replied int64
	checkins := false
	people := &accounting{latest: map[string]int{}, help: map[string]NeedHelp{}}
	for i := range f.broadcasts {
		b := &f.broadcasts[i]
		br, err := s.broadcastReport(ctx, b, people)
		if err != nil {
			return nil, err
		}
		rep.Broadcasts = append(rep.Broadcasts, *br)
		sent += br.Delivery.Denominator
		delivered += br.Delivery.Numerator
		replied += br.Engagement.Numerator
		checkins = checkins || br.AccountedFor != nil
	}
	rep.Delivery = rate(delivered, sent, TargetDelivery)
	rep.Engagement = rate(replied, delivered, TargetEngagement)
	if checkins {
		var answered int64
		for _, p := range people.persons {
			switch {
			case p.state == accAnswered:
				answered++
			case p.state == accReached:
				answered++
				rep.ReachedByStaff++
			default:
				rep.Unaccounted = append(rep.Unaccounted, p.at)
			}
		}
		r := rate(answered, int64(len(people.persons)), 0)
		rep.AccountedFor = &r
	}
	for _, p := range people.help {
		rep.NeedHelp = append(rep.NeedHelp, p)
	}
	slices.SortFunc(rep.NeedHelp, func(a, b NeedHelp) int {
		if c := b.AnsweredAt.Compare(a.AnsweredAt); c != 0 {
			return c
		}
		return strings.Compare(a.WaID, b.WaID)
	})

	rep.FAQ = f.questions
	rep.FAQChanges = []Row{}
	for _, r := range f.timeline().Rows {
		if strings.HasPrefix(r.Kind, "faq.") {
			rep.FAQChanges = append(rep.FAQChanges, r)
		}
	}
	rep.FAQ.Share = rate(f.questions.Answered, f.questions.Questions, 0)
	if f.questions.Unread > 0 {
		rep.NotDerivable = append(rep.NotDerivable, notDerivUnread(f.questions.Unread))
	}
	rep.WroteIn = len(f.wroteIn)
	var bot []time.Duration
	botWaiting := 0
	for _, w := range f.wroteIn {
		if w.botAt.IsZero() {
			botWaiting++
			continue
		}
		bot = append(bot, w.botAt.Sub(w.first))
	}
	rep.BotReply = times(bot, botWaiting)
	var human, urgent []time.Duration
	humanWaiting, urgentWaiting := 0, 0
	seen := map[string]bool{}
	for _, h := range f.handoffs {
		if !seen[h.User] {
			seen[h.User] = true
			rep.HandoffUsers = append(rep.HandoffUsers, h.User)
		}
		if h.FirstReplyAt.IsZero() {
			humanWaiting++
			if h.Urgent {
				urgentWaiting++
			}
			continue
		}
		d := h.FirstReplyAt.Sub(h.CreatedAt)
		human = append(human, d)
		if h.Urgent {
			urgent = append(urgent, d)
		}
	}
	rep.HumanReply, rep.HumanReplyUrgent = times(human, humanWaiting), times(urgent, urgentWaiting)
	return rep, nil
}

// Where a person stands across an incident's check-ins.
const (
	accNone     = iota // targeted, no answer yet
	accAnswered        // answered (safe or need help)
	accReached         // reached by staff without an answer
)

// accounting is where each person targeted by an incident's check-ins
// stands, in the order they were first targeted: a later check-in's
// answer replaces an earlier one, and no answer in a later check-in
// leaves the earlier answer standing (their latest answer counts).
type accounting struct {
	persons []accPerson
	latest  map[string]int      // wa_id -> index in persons
	help    map[string]NeedHelp // wa_id -> their latest answer saying they need help
}

type accPerson struct {
	state int
	at    Unaccounted // the latest check-in that targeted them
}

// needsHelp keeps p when it is the person's latest answer saying they
// need help. Erased recipients (no wa_id) are left out: nobody can be
// sent to them.
func (a *accounting) needsHelp(p NeedHelp) {
	if p.WaID == "" {
		return
	}
	if was, ok := a.help[p.WaID]; ok && was.AnsweredAt.After(p.AnsweredAt) {
		return
	}
	a.help[p.WaID] = p
}

// note records recipient seq of check-in bc. Erased recipients (no
// wa_id) cannot be matched across check-ins and count once each.
func (a *accounting) note(bc string, seq uint64, waID string, state int) {
	at := Unaccounted{Broadcast: bc, Seq: seq, WaID: waID}
	i, ok := a.latest[waID]
	if !ok || waID == "" {
		a.persons = append(a.persons, accPerson{state: state, at: at})
		if waID != "" {
			a.latest[waID] = len(a.persons) - 1
		}
		return
	}
	p := &a.persons[i]
	p.at = at
	if state != accNone {
		p.state = state
	}
}

// broadcastReport reads one broadcast's live counts and, for a check-in,
// who has not answered; people, when not nil, is told where each
// recipient of a check-in stands.
func (s *Service) broadcastReport(ctx context.Context, b *broadcast.Broadcast, people *accounting) (*BroadcastReport, error) {
	br := &BroadcastReport{ID: b.ID, Name: b.Spec.Name, Kind: b.Spec.Kind, State: b.State, Drill: b.Spec.Drill, Targeted: b.Targeted}
	var sent, delivered, replied int64
	if s.bc != nil {
		st, err := s.bc.Status(b.ID)
		if err != nil {
			return nil, err
		}
		sent, delivered, replied = st.Sent, st.Delivered, st.Replied
	}
	br.Delivery = rate(delivered, sent, TargetDelivery)
	br.Engagement = rate(replied, delivered, TargetEngagement)
	if b.Spec.Kind != broadcast.KindCheckin {
		return br, nil
	}
	br.Final = b.Flagged
	br.Unaccounted = []Unaccounted{}
	var answered int64
	err := s.db.Read(ctx, func(r store.Reader) error {
		return store.EachBroadcastRecipient(ctx, r, b.ID, 0, func(seq uint64, rec *broadcast.Recipient) error {
			e, _, err := store.GetBroadcastEngagement[broadcast.Engagement](ctx, r, b.ID, seq)
			if err != nil {
				return err
			}
			state := accNone
			if e.Answer == broadcast.AnswerHelp && people != nil {
				p := NeedHelp{WaID: rec.WaID, Broadcast: b.ID, BroadcastName: b.Spec.Name, Seq: seq, AnsweredAt: e.AnsweredAt, Description: e.Description}
				if e.HasLocation {
					p.Latitude, p.Longitude = &e.Lat, &e.Lng
				}
				people.needsHelp(p)
			}
			switch {
			case e.Answer != "":
				answered++
				state = accAnswered
			case e.Reached != nil:
				answered++
				br.ReachedByStaff++
				state = accReached
			default:
				br.Unaccounted = append(br.Unaccounted, Unaccounted{Broadcast: b.ID, Seq: seq, WaID: rec.WaID})
			}
			if people != nil {
				people.note(b.ID, seq, rec.WaID, state)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("check-in %s: %w", b.ID, err)
	}
	acc := rate(answered, b.Targeted, 0)
	br.AccountedFor = &acc
	return br, nil
}
