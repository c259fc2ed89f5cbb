package incident

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot"
	"lifeline/bot/broadcast"
	"lifeline/bot/contacts"
	"lifeline/bot/handoffs"
	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/kb"
	"lifeline/store"
)

// env is a whole Lifeline without HTTP: the engine and the broadcast
// service sending to the fake Graph API, and the incident service.
type env struct {
	t      *testing.T
	db     *store.DB
	graph  *whatsapptest.Server
	engine *bot.Engine
	bc     *broadcast.Service
	svc    *Service
}

type noKB struct{}

func (noKB) Search(q, lang string, limit int) kb.Result {
	return kb.Result{Decision: kb.DecisionNone, Lang: lang}
}

var admin = Actor{ID: "agent:amira", Name: "Amira", Role: "admin", IP: "192.0.2.1"}

func newEnv(t *testing.T) *env { t.Helper(); return newEnvSMS(t, nil) }

// newEnvSMS is newEnv with an SMS channel for the broadcasts' fallback.
func newEnvSMS(t *testing.T, sms broadcast.SMSSender) *env {
	t.Helper()
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	graph := whatsapptest.NewServer(t)
	client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: graph.URL, AccessToken: "tok", Timeout: 5 * time.Second})
	fast := func(whatsapp.Action, int) time.Duration { return time.Millisecond }
	engine := bot.New(bot.Config{PhoneNumberIDs: []string{"1001"}, RatePerNumber: 1000, Backoff: fast, ShutdownGrace: 100 * time.Millisecond},
		bot.Options{DB: db, Sender: client, KB: noKB{}, Logger: zerolog.Nop()})
	bc := broadcast.New(broadcast.Config{PhoneNumberIDs: []string{"1001"}, RatePerNumber: 1000, Tick: 10 * time.Millisecond,
		CommitEvery: 5 * time.Millisecond, Backoff: fast, FrequencyCap: -1, InFlightGrace: -1, PairGap: -1},
		broadcast.Options{DB: db, Sender: client, Logger: zerolog.Nop(), Incidents: Gate{}, SMS: sms})
	engine.Intercept(bc)
	engine.ObserveStatuses(bc)
	engine.AddTranscriptSource(bc)
	engine.NotifyEmergencies(bc)
	if err := engine.Start(); err != nil {
		t.Fatal(err)
	}
	if err := bc.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bc.Close(); engine.Close(); db.Close() })
	return &env{t: t, db: db, graph: graph, engine: engine, bc: bc, svc: NewService(Options{DB: db, Broadcasts: bc, Logger: zerolog.Nop()})}
}

// people writes n opted-in contacts in region, numbered from first.
func (e *env) people(n, first int, region string) []string {
	e.t.Helper()
	ctx := context.Background()
	var ids []string
	for i := range n {
		id := fmt.Sprintf("96650%07d", first+i)
		ids = append(ids, id)
		c := store.Contact{WaID: id, Name: fmt.Sprintf("Person %d", first+i), Language: "en", Region: region, OptedIn: true, CreatedAt: time.Now()}
		if err := e.db.WriteAny(ctx, func(w store.Writer) error { return store.PutContact(ctx, w, c) }); err != nil {
			e.t.Fatal(err)
		}
	}
	return ids
}

// floodCheckinSent opens the flood incident and sends it one check-in,
// returning both once the check-in is sent.
func (e *env) floodCheckinSent() (*Incident, *broadcast.Broadcast) {
	e.t.Helper()
	in, err := e.svc.Create(context.Background(), flood(false), admin)
	if err != nil {
		e.t.Fatal(err)
	}
	b, err := e.bc.Create(checkin(in.ID), "Amira (agent:amira)", "")
	if err != nil {
		e.t.Fatal(err)
	}
	eventually(e.t, "the check-in sent", func() bool { st, _ := e.bc.Status(b.ID); return st.State == broadcast.StateSent })
	return in, b
}

func (e *env) ingest(b *whatsapp.Batch) {
	e.t.Helper()
	if _, err := e.engine.Ingest(b); err != nil {
		e.t.Fatal(err)
	}
	e.engine.WaitIdle()
}

func (e *env) write(from string, m whatsapp.Message) {
	m.From, m.ID, m.Timestamp = from, fmt.Sprintf("wamid.in.%s.%d", from, time.Now().UnixNano()), time.Now()
	e.ingest(&whatsapp.Batch{Messages: []whatsapp.Message{m}})
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func flood(drill bool) New {
	return New{Name: "Dammam flood", Kind: KindFlood, Audience: contacts.Audience{Regions: []string{"Dammam"}}, Drill: drill}
}

func checkin(incident string, body ...string) broadcast.Spec {
	var params []broadcast.Param
	for _, b := range body {
		params = append(params, broadcast.Param{Value: b})
	}
	if len(params) == 0 {
		params = []broadcast.Param{{Value: "{{name|colleague}}"}}
	}
	return broadcast.Spec{Name: "are you safe", Kind: broadcast.KindCheckin, Incident: incident,
		Audience:  contacts.Audience{Regions: []string{"Dammam"}},
		Templates: map[string]broadcast.Template{"en": {Name: "safety_checkin", Language: "en_US", Body: params}}}
}

func TestNewIncidentIsValidated(t *testing.T) {
	cases := []struct {
		label string
		in    New
		want  string // part of the error; "" for valid
	}{
		{"valid", flood(false), ""},
		{"valid drill", flood(true), ""},
		{"no name", New{Kind: KindFire, Audience: contacts.Audience{All: true}}, "name"},
		{"no kind", New{Name: "x", Audience: contacts.Audience{All: true}}, "kind: give one of flood, fire"},
		{"unknown kind", New{Name: "x", Kind: "storm", Audience: contacts.Audience{All: true}}, `kind "storm"`},
		{"data breach", New{Name: "x", Kind: KindDataBreach, Audience: contacts.Audience{TagsAny: []string{"customers"}}}, ""},
		{"nobody affected", New{Name: "x", Kind: KindOutage}, "audience"},
		{"opted in only", New{Name: "x", Kind: KindOutage, Audience: contacts.Audience{All: true, OptedInOnly: true}}, "opted_in_only"},
	}
	for _, c := range cases {
		err := c.in.Validate()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.label, err)
		case c.want != "" && (err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: error %v, want ErrInvalid containing %q", c.label, err, c.want)
		}
	}
}

func TestCreateListUpdateClose(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	real, err := e.svc.Create(ctx, flood(false), admin)
	if err != nil {
		t.Fatal(err)
	}
	drill, err := e.svc.Create(ctx, flood(true), admin)
	if err != nil {
		t.Fatal(err)
	}
	if real.ID != "inc000001" || real.State != StateOpen || real.OpenedBy != "Amira (agent:amira)" || !drill.Drill {
		t.Fatalf("created %+v and %+v", real, drill)
	}
	notes := "pumps deployed at the plant"
	if _, err := e.svc.Update(ctx, real.ID, Patch{Notes: &notes}, admin); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Close(ctx, drill.ID, admin); err != nil {
		t.Fatal(err)
	}
	yes, no := true, false
	cases := []struct {
		label string
		f     Filter
		want  []string
	}{
		{"all, newest first", Filter{}, []string{drill.ID, real.ID}},
		{"open", Filter{State: StateOpen}, []string{real.ID}},
		{"closed", Filter{State: StateClosed}, []string{drill.ID}},
		{"drills", Filter{Drill: &yes}, []string{drill.ID}},
		{"real", Filter{Drill: &no}, []string{real.ID}},
	}
	for _, c := range cases {
		ins, err := e.svc.List(ctx, c.f)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, in := range ins {
			got = append(got, in.ID)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.label, got, c.want)
		}
	}
	all, _ := e.svc.List(ctx, Filter{})
	if s := Summarize(all); s.Real != (Counts{Open: 1}) || s.Drill != (Counts{Closed: 1}) {
		t.Errorf("summary %+v: real and drill not counted apart", s)
	}
	got, _ := e.svc.Get(ctx, real.ID)
	if got.Notes != notes {
		t.Errorf("notes %q", got.Notes)
	}

	refusals := []struct {
		label string
		do    func() error
		want  error
	}{
		{"close twice", func() error { _, err := e.svc.Close(ctx, drill.ID, admin); return err }, ErrState},
		{"rename a closed incident", func() error { n := "x"; _, err := e.svc.Update(ctx, drill.ID, Patch{Name: &n}, admin); return err }, ErrState},
		{"empty patch", func() error { _, err := e.svc.Update(ctx, real.ID, Patch{}, admin); return err }, ErrInvalid},
		{"unknown incident", func() error { _, err := e.svc.Close(ctx, "inc999999", admin); return err }, store.ErrNotFound},
		{"bad state filter", func() error { _, err := e.svc.List(ctx, Filter{State: "gone"}); return err }, ErrInvalid},
	}
	for _, r := range refusals {
		if err := r.do(); !errors.Is(err, r.want) {
			t.Errorf("%s: %v, want %v", r.label, err, r.want)
		}
	}

	// Each change left one audit entry with who and in which role.
	var entries []store.AuditEntry
	err = e.db.Read(ctx, func(r store.Reader) (err error) {
		entries, _, err = store.ListAudit(ctx, r, store.AuditFilter{Action: "incident."}, 0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, a := range entries {
		actions = append(actions, a.Action+" "+a.Target)
		if a.Actor != admin.ID || a.Role != "admin" || a.Name != "Amira" {
			t.Errorf("entry %+v lacks the actor and role", a)
		}
	}
	want := []string{"incident.close inc000002", "incident.update inc000001", "incident.create inc000002", "incident.create inc000001"}
	if !slices.Equal(actions, want) {
		t.Errorf("audit %v, want %v", actions, want)
	}
}

// A broadcast may name only an open incident; a drill incident's
// broadcasts are drills and must say DRILL; a drill never joins a real
// incident.
func TestBroadcastsBelongToAnOpenIncident(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.people(2, 1, "Dammam")
	real, _ := e.svc.Create(ctx, flood(false), admin)
	drill, _ := e.svc.Create(ctx, flood(true), admin)
	closed, _ := e.svc.Create(ctx, flood(false), admin)
	if _, err := e.svc.Close(ctx, closed.ID, admin); err != nil {
		t.Fatal(err)
	}
	drillInReal := checkin(real.ID, "DRILL")
	drillInReal.Drill = true
	criticalDrill := checkin(drill.ID, "DRILL")
	criticalDrill.Critical = true
	cases := []struct {
		label     string
		spec      broadcast.Spec
		want      error  // nil: accepted
		wantText  string // part of the refusal
		wantDrill bool
	}{
		{"real incident", checkin(real.ID), nil, "", false},
		{"unknown incident", checkin("inc999999"), broadcast.ErrInvalid, `incident "inc999999" does not exist`, false},
		{"closed incident", checkin(closed.ID), broadcast.ErrState, closed.ID + " is closed", false},
		{"drill incident without DRILL", checkin(drill.ID), broadcast.ErrInvalid, "a drill must say so in language en", false},
		{"drill incident with DRILL", checkin(drill.ID, "{{name|colleague}}", "drill: this is an exercise"), nil, "", true},
		{"drill incident, critical", criticalDrill, broadcast.ErrInvalid, "a drill is never critical", false},
		{"drill broadcast in a real incident", drillInReal, broadcast.ErrInvalid, "incident " + real.ID + " is real", false},
	}
	for _, c := range cases {
		b, err := e.bc.Create(c.spec, "Amira (agent:amira)", "")
		switch {
		case c.want == nil && err != nil:
			t.Errorf("%s: refused: %v", c.label, err)
		case c.want == nil:
			if b.Spec.Drill != c.wantDrill || b.Spec.Incident != c.spec.Incident {
				t.Errorf("%s: stored drill=%t incident=%q", c.label, b.Spec.Drill, b.Spec.Incident)
			}
		case !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.wantText):
			t.Errorf("%s: %v, want %v containing %q", c.label, err, c.want, c.wantText)
		}
	}
}

// TestReportAndTimelineOfAnIncident runs a check-in of an incident
// against the fake Graph API: 10 people are sent it, WhatsApp reports 8
// delivered, 3 answer, and one asks for a person whom an agent answers.
// Someone outside the incident's region asks for a person too and must
// appear nowhere.
func TestReportAndTimelineOfAnIncident(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ids := e.people(10, 1, "Dammam")
	outsider := e.people(1, 99, "Riyadh")[0]
	in, b := e.floodCheckinSent()
	sent := e.graph.Messages()
	if len(sent) != 10 {
		t.Fatalf("%d messages sent, want 10", len(sent))
	}
	// WhatsApp's delivery statuses for the first 8, by callback data.
	callback := map[string]string{}
	for _, r := range sent {
		callback[r.To] = fmt.Sprint(r.Body["biz_opaque_callback_data"])
	}
	var statuses []whatsapp.Status
	for i, id := range ids[:8] {
		statuses = append(statuses, whatsapp.Status{ID: fmt.Sprintf("wamid.st.%d", i), Status: "delivered", RecipientID: id,
			PhoneNumberID: "1001", Timestamp: time.Now(), BizOpaqueCallbackData: callback[id]})
	}
	e.ingest(&whatsapp.Batch{Statuses: statuses})
	for _, id := range ids[:3] {
		e.write(id, whatsapp.Message{Type: "text", Text: "safe"})
	}
	asks := ids[9]
	for _, who := range []string{asks, outsider} {
		e.write(who, whatsapp.Message{Type: "interactive", InteractiveType: "button_reply", ReplyID: "menu_human", ReplyTitle: "Talk to a person"})
	}
	desk := e.engine.Handoffs()
	if _, err := desk.Claim(asks, "amira"); err != nil {
		t.Fatal(err)
	}
	if _, err := desk.Reply(asks, "amira", handoffs.AgentReply{Text: "I am here"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "three answers counted", func() bool { st, _ := e.bc.Status(b.ID); return st.Replied == 3 && st.Delivered == 8 })

	rep, err := e.svc.Report(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Broadcasts) != 1 {
		t.Fatalf("report broadcasts %+v", rep.Broadcasts)
	}
	br := rep.Broadcasts[0]
	figures := []struct {
		label    string
		got      Rate
		num, den int64
		value    float64
		met      *bool
	}{
		{"broadcast delivery", br.Delivery, 8, 10, 0.8, ptr(false)},
		{"broadcast engagement", br.Engagement, 3, 8, 0.375, ptr(true)},
		{"broadcast accounted for", *br.AccountedFor, 3, 10, 0.3, nil},
		{"incident delivery", rep.Delivery, 8, 10, 0.8, ptr(false)},
		{"incident engagement", rep.Engagement, 3, 8, 0.375, ptr(true)},
		{"incident accounted for", *rep.AccountedFor, 3, 10, 0.3, nil},
	}
	for _, f := range figures {
		g := f.got
		if g.Numerator != f.num || g.Denominator != f.den || g.Value == nil || *g.Value != f.value ||
			(f.met == nil) != (g.Met == nil) || (f.met != nil && *g.Met != *f.met) {
			t.Errorf("%s: %+v (value %v, met %v), want %d/%d = %v met %v", f.label, g, deref(g.Value), g.Met, f.num, f.den, f.value, f.met)
		}
	}
	var unaccounted []string
	for _, u := range rep.Unaccounted {
		unaccounted = append(unaccounted, u.WaID)
	}
	if !slices.Equal(unaccounted, ids[3:]) {
		t.Errorf("unaccounted %v, want %v", unaccounted, ids[3:])
	}
	// Four affected people wrote in (three answers, one asking for a
	// person); the outsider is not counted. Each got the bot's reply,
	// and the one handoff an agent's.
	if rep.WroteIn != 4 || rep.BotReply.Count != 4 || rep.BotReply.Waiting != 0 || rep.BotReply.Met == nil || !*rep.BotReply.Met {
		t.Errorf("bot replies: wrote in %d, %+v", rep.WroteIn, rep.BotReply)
	}
	if rep.HumanReply.Count != 1 || rep.HumanReply.Waiting != 0 || rep.HumanReplyUrgent.Count != 0 {
		t.Errorf("human replies %+v, urgent %+v", rep.HumanReply, rep.HumanReplyUrgent)
	}

	tl, err := e.svc.Timeline(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{} // kind -> subject
	for i, r := range tl.Rows {
		kinds[r.Kind] = r.Subject
		if i > 0 && r.At.Before(tl.Rows[i-1].At) {
			t.Errorf("row %d out of order: %+v", i, r)
		}
		if r.Subject == whatsapp.MaskPhone(outsider) {
			t.Errorf("the outsider's handoff is in the timeline: %+v", r)
		}
	}
	want := map[string]string{RowOpened: in.ID, "broadcast.create": b.ID, RowBroadcastStart: b.ID, RowBroadcastSent: b.ID,
		RowHandoffOpened: whatsapp.MaskPhone(asks), RowHandoffClaimed: whatsapp.MaskPhone(asks), RowHandoffReplied: whatsapp.MaskPhone(asks)}
	for k, subject := range want {
		if kinds[k] != subject {
			t.Errorf("timeline row %s: subject %q, want %q; rows %+v", k, kinds[k], subject, tl.Rows)
		}
	}
	var csv strings.Builder
	if err := tl.WriteCSV(&csv); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(csv.String()), "\n"); lines[0] != "at,kind,actor,subject,detail" || len(lines) != len(tl.Rows)+1 {
		t.Errorf("csv:\n%s", csv.String())
	}

	// Closing keeps the report as it stood; the timeline then ends with it.
	closed, err := e.svc.Close(ctx, in.ID, admin)
	if err != nil {
		t.Fatal(err)
	}
	if closed.ClosingReport == nil || closed.ClosingReport.Delivery.Numerator != 8 || closed.ClosingReport.State != StateClosed {
		t.Fatalf("closing report %+v", closed.ClosingReport)
	}
	tl, _ = e.svc.Timeline(ctx, in.ID)
	if last := tl.Rows[len(tl.Rows)-1]; last.Kind != RowClosed || last.Actor != "Amira (agent:amira)" {
		t.Errorf("last row %+v, want the close", last)
	}
}

func ptr(b bool) *bool { return &b }

func deref(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// TestDeliveryMilestones: the timeline marks when 10%, 50% and 90% of a
// broadcast's targeted recipients had it delivered, from the times in
// WhatsApp's statuses, whatever order they arrive in; a read counts as a
// delivery, and an earlier delivery reported after its read moves it.
func TestDeliveryMilestones(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ids := e.people(10, 1, "Dammam")
	in, b := e.floodCheckinSent()
	callback := map[string]string{}
	for _, r := range e.graph.Messages() {
		callback[r.To] = fmt.Sprint(r.Body["biz_opaque_callback_data"])
	}
	t0 := time.Now().UTC().Truncate(time.Second).Add(time.Hour)
	minute := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	status := func(i int, st string, m int) whatsapp.Status {
		return whatsapp.Status{ID: fmt.Sprintf("wamid.st.%d", i), Status: st, RecipientID: ids[i], PhoneNumberID: "1001",
			Timestamp: minute(m), BizOpaqueCallbackData: callback[ids[i]]}
	}
	// Person i is delivered at minute i+1 (the tenth never is), sent in
	// reverse order; person 4 is read at minute 7 before its delivery at
	// minute 5 arrives; person 8 only says read.
	var batch []whatsapp.Status
	for i := 7; i >= 0; i-- {
		if i != 4 {
			batch = append(batch, status(i, "delivered", i+1))
		}
	}
	batch = append(batch, status(4, "read", 7), status(8, "read", 9))
	e.ingest(&whatsapp.Batch{Statuses: batch})
	e.ingest(&whatsapp.Batch{Statuses: []whatsapp.Status{status(4, "delivered", 5)}})
	eventually(t, "nine deliveries counted", func() bool { st, _ := e.bc.Status(b.ID); return st.Delivered == 9 })

	tl, err := e.svc.Timeline(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range tl.Rows {
		if r.Kind == RowBroadcastMilestone && r.Subject == b.ID {
			got = append(got, r.At.Format("15:04")+" "+r.Detail)
		}
	}
	want := []string{
		minute(1).Format("15:04") + " 10% delivered: 1 of 10 targeted",
		minute(5).Format("15:04") + " 50% delivered: 5 of 10 targeted",
		minute(9).Format("15:04") + " 90% delivered: 9 of 10 targeted",
	}
	if !slices.Equal(got, want) {
		t.Errorf("milestones\n got %q\nwant %q", got, want)
	}
	for _, nd := range tl.NotDerivable {
		if strings.Contains(nd, "milestones") {
			t.Errorf("milestones still said to be not derivable: %q", nd)
		}
	}
}

// TestMilestones is the rule: the n-th delivery, n the share rounded up;
// none before it is reached.
func TestMilestones(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	times := func(n int) []time.Time {
		var ts []time.Time
		for i := range n {
			ts = append(ts, t0.Add(time.Duration(i+1)*time.Minute))
		}
		return ts
	}
	cases := []struct {
		name      string
		delivered int
		targeted  int64
		want      []int // minutes of the 10%, 50%, 90% rows present
	}{
		{"nothing targeted", 0, 0, nil},
		{"none delivered", 0, 10, nil},
		{"one of three reaches 10%", 1, 3, []int{1}},
		{"two of three reach 50%", 2, 3, []int{1, 2}},
		{"all of three", 3, 3, []int{1, 2, 3}},
		{"89 of 100 stop short of 90%", 89, 100, []int{10, 50}},
		{"90 of 100", 90, 100, []int{10, 50, 90}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []int
			for _, m := range milestones(times(tc.delivered), tc.targeted) {
				got = append(got, int(m.at.Sub(t0)/time.Minute))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("minutes %v, want %v", got, tc.want)
			}
		})
	}
}
