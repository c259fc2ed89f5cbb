package incident

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	"lifeline/bot/broadcast"
	"lifeline/bot/whatsapp"
	"lifeline/csvtext"
	"lifeline/store"
)

// Row is one line of an incident's timeline.
type Row struct {
	At      time.Time `json:"at"`
	Kind    string    `json:"kind"`
	Actor   string    `json:"actor,omitempty"`
	Subject string    `json:"subject"` // an incident, broadcast or handoff id; a person's number masked
	Detail  string    `json:"detail,omitempty"`
}

// Timeline is what happened during an incident, oldest first, and what
// the records do not say.
type Timeline struct {
	Incident string `json:"incident"`
	Drill    bool   `json:"drill"`
	Rows     []Row  `json:"rows"`
	// NotDerivable names what the timeline should show but the records
	// do not hold.
	NotDerivable []string `json:"not_derivable"`
}

// Rows kinds that are not audit actions (those keep their action name:
// broadcast.create, broadcast.pause, incident.update, ...).
const (
	RowOpened             = "incident.opened"
	RowClosed             = "incident.closed"
	RowBroadcastStart     = "broadcast.started"
	RowBroadcastRound     = "broadcast.reminder_due"
	RowBroadcastSent      = "broadcast.sent"
	RowBroadcastDone      = "broadcast.completed"
	RowBroadcastAlert     = "broadcast.alert"
	RowBroadcastMilestone = "broadcast.delivered" // 10%, 50% or 90% of the targeted had it delivered
	RowHandoffOpened      = "handoff.opened"
	RowHandoffClaimed     = "handoff.claimed"
	RowHandoffReplied     = "handoff.first_reply"
	RowHandoffClosed      = "handoff.closed"
	RowDanger             = "danger"
	RowNeedHelp           = "need_help"
	notDerivRoundStart    = "reminder rounds: the broadcast record keeps how many rounds were sent, not when each started; rows show when each was due (it starts within a control tick of that)"
)

// Timeline computes incident id's timeline from the records.
func (s *Service) Timeline(ctx context.Context, id string) (*Timeline, error) {
	in, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	f, err := s.gather(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("timeline of incident %s: %w", id, err)
	}
	return f.timeline(), nil
}

func (f *facts) timeline() *Timeline {
	in := &f.in
	t := &Timeline{Incident: in.ID, Drill: in.Drill, Rows: []Row{},
		NotDerivable: []string{notDerivRoundStart}}
	add := func(at time.Time, kind, actor, subject, detail string) {
		if !at.IsZero() {
			t.Rows = append(t.Rows, Row{At: at.UTC(), Kind: kind, Actor: actor, Subject: subject, Detail: detail})
		}
	}
	what := fmt.Sprintf("%s %q", in.Kind, in.Name)
	if in.Drill {
		what += "; drill"
	}
	add(in.OpenedAt, RowOpened, in.OpenedBy, in.ID, what)
	add(in.ClosedAt, RowClosed, in.ClosedBy, in.ID, "")
	// The record says when it opened and closed; the audit log adds the
	// changes between.
	for _, e := range f.audit[in.ID] {
		if e.Action != "incident.create" && e.Action != "incident.close" {
			add(e.At, e.Action, auditActor(e), in.ID, e.Detail)
		}
	}
	for i := range f.broadcasts {
		b := &f.broadcasts[i]
		for _, e := range f.audit[b.ID] {
			add(e.At, e.Action, auditActor(e), b.ID, e.Detail)
		}
		add(b.StartedAt, RowBroadcastStart, "", b.ID, fmt.Sprintf("%s %q: %d targeted", b.Spec.Kind, b.Spec.Name, b.Targeted))
		add(b.SentAt, RowBroadcastSent, "", b.ID, "every recipient of the first round handled")
		if r := b.Spec.Reminders; r != nil && !b.SentAt.IsZero() {
			for n := 1; n <= b.RemindersSent; n++ {
				add(b.SentAt.Add(time.Duration(n)*time.Duration(r.Every)), RowBroadcastRound, "", b.ID, fmt.Sprintf("reminder round %d of %d", n, r.Count))
			}
		}
		for _, m := range milestones(f.delivered[b.ID], b.Targeted) {
			add(m.at, RowBroadcastMilestone, "", b.ID, m.detail)
		}
		for _, a := range b.Alerts {
			add(a.At, RowBroadcastAlert, "", b.ID, a.Message)
		}
		done := ""
		if b.Flagged {
			done = fmt.Sprintf("%d unaccounted", b.Unaccounted)
		}
		if b.State == broadcast.StateCompleted {
			add(b.CompletedAt, RowBroadcastDone, "", b.ID, done)
		}
	}
	for i := range f.handoffs {
		h := &f.handoffs[i]
		who := whatsapp.MaskPhone(h.User)
		detail := h.Reason
		switch {
		case h.Urgent:
			detail = joinDetail("urgent", detail)
		case h.Priority:
			detail = joinDetail("priority", detail)
		}
		add(h.CreatedAt, RowHandoffOpened, "person", who, detail)
		for _, a := range h.Log {
			switch {
			case a.Action == "urgent" || (a.Action == "opened" && h.Urgent && a.At.Equal(h.CreatedAt)):
				add(a.At, RowDanger, "person", who, "danger to life: urgent handoff")
			case a.Action == "priority" || (a.Action == "opened" && h.Priority && !h.Urgent && a.At.Equal(h.CreatedAt)):
				add(a.At, RowNeedHelp, "person", who, "needs help: priority handoff")
			}
		}
		add(h.ClaimedAt, RowHandoffClaimed, agentActor(h.Agent), who, "")
		add(h.FirstReplyAt, RowHandoffReplied, agentActor(h.Agent), who, "")
		add(h.ClosedAt, RowHandoffClosed, agentActor(h.Agent), who, h.Outcome)
	}
	for _, c := range f.faqChanges {
		add(c.at, c.kind, c.actor, c.subject, c.detail)
	}
	sort.SliceStable(t.Rows, func(i, j int) bool { return t.Rows[i].At.Before(t.Rows[j].At) })
	return t
}

// Milestones is the share of a broadcast's targeted recipients the
// timeline marks when reached.
var Milestones = []int{10, 50, 90}

type milestone struct {
	at     time.Time
	detail string
}

// milestones says when the share of targeted recipients who had a message
// delivered first reached each of Milestones: the time of the n-th
// delivery, n the share of targeted rounded up. delivered is sorted.
func milestones(delivered []time.Time, targeted int64) []milestone {
	var out []milestone
	if targeted <= 0 {
		return out
	}
	for _, pct := range Milestones {
		n := (int64(pct)*targeted + 99) / 100
		if n < 1 || n > int64(len(delivered)) {
			continue
		}
		out = append(out, milestone{at: delivered[n-1], detail: fmt.Sprintf("%d%% delivered: %d of %d targeted", pct, n, targeted)})
	}
	return out
}

func joinDetail(a, b string) string {
	if b == "" {
		return a
	}
	return a + ": " + b
}

func agentActor(id string) string {
	if id == "" {
		return ""
	}
	return "agent:" + id
}

func auditActor(e store.AuditEntry) string {
	if e.Name != "" {
		return e.Name + " (" + e.Actor + ")"
	}
	return e.Actor
}

// TimelineCSVHeader is the first line of WriteCSV.
var TimelineCSVHeader = []string{"at", "kind", "actor", "subject", "detail"}

// WriteCSV writes the timeline as CSV with a header row; cells a
// spreadsheet would run as a formula are defused.
func (t *Timeline) WriteCSV(w io.Writer) error {
	cw := csvtext.NewWriter(w)
	if err := cw.Write(TimelineCSVHeader); err != nil {
		return err
	}
	for _, r := range t.Rows {
		if err := cw.Write([]string{r.At.Format(time.RFC3339), r.Kind, r.Actor, r.Subject, r.Detail}); err != nil {
			return err
		}
	}
	return cw.Flush()
}
