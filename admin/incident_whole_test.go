package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot"
	"lifeline/bot/broadcast"
	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/incident"
	"lifeline/store"
)

// wholeIncident is the whole server with the engine and the broadcasts
// sending through the Graph API client to the fake Graph API, on one
// clock a test moves forward, with two admins.
type wholeIncident struct {
	t             *testing.T
	s             *Server
	db            *store.DB
	graph         *whatsapptest.Server
	clock         *shiftClock
	admin, second string
	seq           atomic.Int64
}

func newWholeIncident(t *testing.T, opts ...func(*broadcast.Config)) *wholeIncident {
	t.Helper()
	db, faq := openStore(t)
	w := &wholeIncident{t: t, db: db, graph: whatsapptest.NewServer(t), clock: &shiftClock{}}
	client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: w.graph.URL, AccessToken: "tok", Timeout: 5 * time.Second})
	fast := func(whatsapp.Action, int) time.Duration { return time.Millisecond }
	engine := bot.New(bot.Config{PhoneNumberIDs: []string{"1001"}, RatePerNumber: 1000, Backoff: fast, ShutdownGrace: 100 * time.Millisecond},
		bot.Options{DB: db, Sender: client, KB: faq, Learner: faq, Logger: zerolog.Nop(), Now: w.clock.now})
	cfg := broadcast.Config{PhoneNumberIDs: []string{"1001"}, RatePerNumber: 1000, Tick: 10 * time.Millisecond,
		CommitEvery: 5 * time.Millisecond, Backoff: fast, FrequencyCap: -1, InFlightGrace: -1, PairGap: -1, AnswerWindow: time.Hour}
	for _, o := range opts {
		o(&cfg)
	}
	bc := broadcast.New(cfg,
		broadcast.Options{DB: db, Sender: client, Logger: zerolog.Nop(), Incidents: incident.Gate{}, Now: w.clock.now})
	engine.Intercept(bc)
	engine.ObserveStatuses(bc)
	engine.AddTranscriptSource(bc)
	if err := engine.Start(); err != nil {
		t.Fatal(err)
	}
	if err := bc.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bc.Close(); engine.Close() })
	ctx := context.Background()
	var err error
	if w.admin, err = BootstrapToken(ctx, db, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	w.second = "second-admin-token-0123456789"
	if _, err := SaveToken(ctx, db, w.second, "duty officer", RoleAdmin, time.Now()); err != nil {
		t.Fatal(err)
	}
	w.s = New(Deps{DB: db, Engine: engine, KB: faq, Logger: zerolog.Nop(), Broadcasts: bc, Now: w.clock.now})
	return w
}

// must calls the API and fails unless it answers code.
func (w *wholeIncident) must(method, path, token, body string, code int) string {
	w.t.Helper()
	ct := ""
	if body != "" {
		ct = "application/json"
	}
	got, resp := call(w.t, w.s, method, path, token, ct, body)
	if got != code {
		w.t.Fatalf("%s %s: %d %s, want %d", method, path, got, resp, code)
	}
	return resp
}

// write has from send m through the webhook's path into the engine, at
// the test's clock, and waits until it is handled.
func (w *wholeIncident) write(from string, m whatsapp.Message) {
	w.t.Helper()
	m.From, m.ID, m.Timestamp = from, fmt.Sprintf("wamid.in.%s.%d", from, w.seq.Add(1)), w.clock.now()
	if _, err := w.s.engine.Ingest(&whatsapp.Batch{Messages: []whatsapp.Message{m}}); err != nil {
		w.t.Fatal(err)
	}
	w.s.engine.WaitIdle()
}

func (w *wholeIncident) ask(from, text string) {
	w.write(from, whatsapp.Message{Type: "text", Text: text})
}

// textsTo is what the fake Graph API received for user, as "text: ..."
// or "template: name" lines, from the n-th message on.
func (w *wholeIncident) textsTo(user string, from int) []string {
	var out []string
	for _, r := range w.graph.Messages()[from:] {
		if r.To != user {
			continue
		}
		switch r.Body["type"] {
		case "text":
			out = append(out, "text: "+fmt.Sprint(r.Body["text"].(map[string]any)["body"]))
		case "template":
			out = append(out, "template: "+fmt.Sprint(r.Body["template"].(map[string]any)["name"]))
		default:
			out = append(out, fmt.Sprint(r.Body["type"]))
		}
	}
	return out
}

// templatesSent counts the template messages of one name the fake
// received, by recipient.
func (w *wholeIncident) templatesSent(name string) map[string]int {
	out := map[string]int{}
	for _, r := range w.graph.Messages() {
		if r.Body["type"] == "template" && r.Body["template"].(map[string]any)["name"] == name {
			out[r.To]++
		}
	}
	return out
}

func (w *wholeIncident) status(id string) broadcast.Status {
	w.t.Helper()
	var st broadcast.Status
	if err := json.Unmarshal([]byte(w.must("GET", "/admin/broadcasts/"+id, w.admin, "", 200)), &st); err != nil {
		w.t.Fatal(err)
	}
	return st
}

const (
	wiAmal   = "966501000001" // asks the overlay question, answers the check-in at once
	wiBadr   = "966501000002" // asks about drinking water, answers after the reminder
	wiCala   = "966501000003" // asks about drinking water, never answers
	wiDana   = "966501000004" // never writes; her delivery is never reported
	wiOmar   = "966501000099" // lives in Riyadh: outside the incident; asks about drinking water
	wiPeople = "phone,name,region,language,opted_in\n" +
		"+966501000001,Amal,Dammam,en,yes\n+966501000002,Badr,Dammam,en,yes\n+966501000003,Cala,Dammam,en,yes\n" +
		"+966501000004,Dana,Dammam,en,yes\n+966501000099,Omar,Riyadh,en,yes\n"
	wiPlantAnswer = "No: the plant stays closed until Thursday."
	wiCorrection  = "Correction: boil tap water for one minute before drinking it."
	wiUnanswered  = "how much does a new passport cost?"
)

// TestWholeIncident runs an incident from its opening to its closing
// report over the API, against the fake Graph API: an FAQ overlay entry
// answers before the general FAQ; a check-in goes out with a reminder as
// the clock moves; a correction of an FAQ answer reaches exactly the
// people who got the old one, in the incident and out of it; the close
// keeps a report whose figures are recomputed here from what the fake
// Graph API received, the statuses the test reported and the
// transcripts.
func TestWholeIncident(t *testing.T) {
	w := newWholeIncident(t)
	if code, body := call(t, w.s, "POST", "/admin/contacts/import", w.admin, "text/csv", wiPeople); code != 200 {
		t.Fatalf("import: %d %s", code, body)
	}

	// Open; an overlay entry that only the incident has.
	w.must("POST", "/admin/incidents", w.admin, floodJSON, 201)
	w.must("POST", "/admin/incidents/inc000001/faq", w.admin, overlayPlant, 201)
	// An overlay entry asking what a general entry asks replaces it
	// while the incident is open.
	w.must("POST", "/admin/incidents/inc000001/faq", w.admin, overlayShelter, 201)

	w.ask(wiAmal, "is the dammam plant open tomorrow?")
	w.ask(wiAmal, "where is the nearest shelter?")
	if got := w.textsTo(wiAmal, 0); len(got) < 2 || !strings.Contains(got[0], wiPlantAnswer) || !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, dammamShelter) }) {
		t.Fatalf("Amal got %q, want the overlay's answers (plant, then the Dammam shelter before the general one)", got)
	}
	for _, u := range []string{wiBadr, wiCala, wiOmar} {
		w.ask(u, "is the tap water safe to drink?")
	}
	// A question the FAQ has no answer for.
	w.ask(wiCala, wiUnanswered)
	var oldWater string
	for _, s := range w.textsTo(wiBadr, 0) {
		if strings.Contains(s, "water") {
			oldWater = s
		}
	}
	if oldWater == "" {
		t.Fatalf("Badr got no drinking-water answer: %q", w.textsTo(wiBadr, 0))
	}

	// A check-in with one reminder, half an hour after it went out.
	checkin := `{"name": "are you safe", "kind": "checkin", "incident": "inc000001", "audience": {"regions": ["Dammam"]},
	 "templates": {"en": {"name": "safety_checkin", "language": "en_US", "body": [{"value": "{{name}}"}, {"value": "Dammam"}]}},
	 "reminders": {"every": "30m", "count": 1}}`
	w.must("POST", "/admin/broadcasts", w.admin, checkin, 202)
	waitFor(t, "the check-in sent", func() bool { return w.status("bc000001").State == broadcast.StateSent })
	first := w.templatesSent("safety_checkin")
	if len(first) != 4 || first[wiOmar] != 0 {
		t.Fatalf("check-in sent to %v, want the 4 people of Dammam once each", first)
	}
	// WhatsApp reports three delivered, Dana's never.
	callback := map[string]string{}
	for _, r := range w.graph.Messages() {
		if r.Body["type"] == "template" {
			callback[r.To] = fmt.Sprint(r.Body["biz_opaque_callback_data"])
		}
	}
	var statuses []whatsapp.Status
	for i, u := range []string{wiAmal, wiBadr, wiCala} {
		statuses = append(statuses, whatsapp.Status{ID: fmt.Sprintf("wamid.st.%d", i), Status: "delivered", RecipientID: u,
			PhoneNumberID: "1001", Timestamp: w.clock.now(), BizOpaqueCallbackData: callback[u]})
	}
	if _, err := w.s.engine.Ingest(&whatsapp.Batch{Statuses: statuses}); err != nil {
		t.Fatal(err)
	}
	w.s.engine.WaitIdle()
	w.write(wiAmal, whatsapp.Message{Type: "interactive", InteractiveType: "button_reply", ReplyID: "checkin:bc000001:safe", ReplyTitle: "I'm safe"})
	waitFor(t, "three delivered, one answer", func() bool { st := w.status("bc000001"); return st.Delivered == 3 && st.Replied == 1 })

	w.clock.add(31 * time.Minute)
	waitFor(t, "the reminder round", func() bool {
		n := w.templatesSent("safety_checkin")
		return n[wiBadr] == 2 && n[wiCala] == 2 && n[wiDana] == 2
	})
	if n := w.templatesSent("safety_checkin"); n[wiAmal] != 1 {
		t.Fatalf("Amal answered and was reminded anyway: %v", n)
	}
	w.ask(wiBadr, "safe")
	w.clock.add(31 * time.Minute)
	waitFor(t, "the check-in completed", func() bool { return w.status("bc000001").State == broadcast.StateCompleted })

	// The drinking-water answer changes; the correction goes to who got
	// the old one: Badr and Cala in Dammam, Omar in Riyadh too (he got
	// the wrong answer all the same), and not Amal or Dana.
	w.must("PUT", "/admin/kb/entries/drinking-water", w.admin,
		`{"question": "Is the tap water safe to drink?", "answer": "Boil tap water for one minute before drinking it until the notice is lifted."}`, 200)
	before := len(w.graph.Messages())
	cor := w.must("POST", "/admin/corrections", w.admin, `{"entry": "drinking-water", "since": "48h", "incident": "inc000001", "messages": {"en": "`+wiCorrection+`"}}`, 201)
	if !strings.Contains(cor, `"people":3`) || !strings.Contains(cor, `"in_window":3`) {
		t.Fatalf("correction: %s", cor)
	}
	if len(w.graph.Messages()) != before {
		t.Fatal("a pending correction sent something")
	}
	w.must("POST", "/admin/corrections/cor000001/send", w.admin, "", 200)
	waitFor(t, "the correction sent", func() bool { return len(w.graph.Messages()) >= before+3 })
	var corrected []string
	for _, r := range w.graph.Messages()[before:] {
		if r.Body["type"] == "text" && r.Body["text"].(map[string]any)["body"] == wiCorrection {
			corrected = append(corrected, r.To)
		}
	}
	slices.Sort(corrected)
	if want := []string{wiBadr, wiCala, wiOmar}; !slices.Equal(corrected, want) {
		t.Fatalf("correction sent to %v, want exactly %v", corrected, want)
	}

	// The duty officer takes the plant entry out of the overlay.
	w.must("DELETE", "/admin/incidents/inc000001/faq/plant-open", w.second, "", 204)

	// Close; the closing report against what the fake and the transcripts say.
	var closed incident.Incident
	if err := json.Unmarshal([]byte(w.must("POST", "/admin/incidents/inc000001/close", w.admin, "", 200)), &closed); err != nil {
		t.Fatal(err)
	}
	rep := closed.ClosingReport
	if rep == nil || len(rep.Broadcasts) != 1 {
		t.Fatalf("closing report %+v", rep)
	}
	// Computed from the records the figures summarise: recipients of the
	// first round (the fake), statuses reported (the test), answers (the
	// transcripts: a check-in answer is an inbound message after it).
	sent := int64(len(first))
	delivered := int64(len(statuses))
	answered := int64(0)
	wroteIn := 0
	// The questions asked, and the ones the bot answered from the FAQ:
	// the messages the test wrote that ask something, and whether the
	// bot's next messages carry an FAQ source.
	asked := map[string]bool{"is the dammam plant open tomorrow?": true, "where is the nearest shelter?": true,
		"is the tap water safe to drink?": true, wiUnanswered: true}
	var questions, faqAnswered int64
	for _, u := range []string{wiAmal, wiBadr, wiCala, wiDana} {
		var tr struct {
			Messages []store.Entry `json:"messages"`
		}
		if err := json.Unmarshal([]byte(w.must("GET", "/admin/conversations/"+u, w.admin, "", 200)), &tr); err != nil {
			t.Fatal(err)
		}
		in := 0
		question := false
		for _, e := range tr.Messages {
			if e.Dir == store.In {
				in++
				if e.ReplyID == "checkin:bc000001:safe" || e.Text == "safe" {
					answered++
				}
				if question = asked[e.Text]; question {
					questions++
				}
				continue
			}
			if question && e.Author == "bot" && e.FAQ != nil {
				faqAnswered++
				question = false
			}
		}
		if in > 0 {
			wroteIn++
		}
	}
	figures := []struct {
		label    string
		got      incident.Rate
		num, den int64
	}{
		{"delivery", rep.Delivery, delivered, sent},
		{"engagement", rep.Engagement, answered, delivered},
		{"accounted for", *rep.AccountedFor, answered, sent},
		{"check-in delivery", rep.Broadcasts[0].Delivery, delivered, sent},
	}
	for _, f := range figures {
		if f.got.Numerator != f.num || f.got.Denominator != f.den || f.got.Value == nil || *f.got.Value != float64(int(float64(f.num)/float64(f.den)*10000+0.5))/10000 {
			t.Errorf("%s: %d/%d = %v, want %d/%d", f.label, f.got.Numerator, f.got.Denominator, f.got.Value, f.num, f.den)
		}
	}
	if sent != 4 || delivered != 3 || answered != 2 || rep.Delivery.Met == nil || *rep.Delivery.Met || !*rep.Engagement.Met {
		t.Errorf("figures sent %d delivered %d answered %d; delivery met %v, engagement met %v", sent, delivered, answered, rep.Delivery.Met, rep.Engagement.Met)
	}
	var unaccounted []string
	for _, u := range rep.Unaccounted {
		unaccounted = append(unaccounted, u.WaID)
	}
	if !slices.Equal(unaccounted, []string{wiCala, wiDana}) || !rep.Broadcasts[0].Final {
		t.Errorf("unaccounted %v (final %v), want Cala and Dana", unaccounted, rep.Broadcasts[0].Final)
	}
	// Amal, Badr and Cala wrote in (Omar is outside the incident); each
	// got the bot's reply.
	if rep.WroteIn != wroteIn || wroteIn != 3 || rep.BotReply.Count != 3 || rep.BotReply.Waiting != 0 {
		t.Errorf("wrote in %d (transcripts %d), bot replies %+v", rep.WroteIn, wroteIn, rep.BotReply)
	}
	// The FAQ answered the overlay's two questions and the drinking
	// water twice in Dammam (Omar's is outside the incident), not the
	// passport.
	if questions != 5 || faqAnswered != 4 {
		t.Fatalf("the transcripts hold %d questions, %d answered from the FAQ; want 5 and 4", questions, faqAnswered)
	}
	faq := rep.FAQ
	if faq.Questions != questions || faq.Answered != faqAnswered || faq.Suggested+faq.None+faq.NotSearched != questions-faqAnswered ||
		faq.Share.Numerator != faqAnswered || faq.Share.Denominator != questions || faq.Share.Value == nil || *faq.Share.Value != 0.8 ||
		faq.Share.Target != nil || faq.Unread != 0 {
		t.Errorf("FAQ figures %+v, want %d questions, %d answered: share 0.8, no target", faq, questions, faqAnswered)
	}
	if len(rep.NotDerivable) != 0 {
		t.Errorf("not derivable %v, want every figure derived", rep.NotDerivable)
	}

	// The overlay ended with the incident: the general FAQ answers again.
	at := len(w.graph.Messages())
	w.ask(wiAmal, "is the dammam plant open tomorrow?")
	if got := w.textsTo(wiAmal, at); slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, wiPlantAnswer) }) {
		t.Errorf("after the close the overlay still answers: %q", got)
	}
	// The timeline has the reminder and the correction.
	tl := w.must("GET", "/admin/incidents/inc000001/timeline", w.admin, "", 200)
	for _, k := range []string{`"kind":"incident.opened"`, `"kind":"broadcast.reminder_due"`, `"kind":"correction.send"`, `"kind":"incident.closed"`} {
		if !strings.Contains(tl, k) {
			t.Errorf("timeline lacks %s: %s", k, tl)
		}
	}
	// And the FAQ's changes while it was open, with who made them: the
	// drinking-water edit (a new version of the general FAQ), the
	// overlay's entries and the removal; also in the CSV and in the
	// closing report's printable page.
	var timeline incident.Timeline
	if err := json.Unmarshal([]byte(tl), &timeline); err != nil {
		t.Fatal(err)
	}
	var faqRows []string
	for _, r := range timeline.Rows {
		if strings.HasPrefix(r.Kind, "faq.") {
			faqRows = append(faqRows, r.Kind+" | "+r.Actor+" | "+r.Detail)
		}
	}
	wantRows := []string{
		"faq.overlay.entry | bootstrap | entry plant-open (en)",
		"faq.overlay.entry | bootstrap | entry dammam-shelter (en)",
		"faq.version | bootstrap | update of entry drinking-water",
		"faq.overlay.remove | duty officer | entry plant-open",
	}
	if len(faqRows) != len(wantRows) {
		t.Fatalf("FAQ rows of the timeline:\n%s\nwant:\n%s", strings.Join(faqRows, "\n"), strings.Join(wantRows, "\n"))
	}
	for i, want := range wantRows {
		kind, rest, _ := strings.Cut(want, " | ")
		actor, detail, _ := strings.Cut(rest, " | ")
		if !strings.HasPrefix(faqRows[i], kind+" | "+actor) || !strings.HasSuffix(faqRows[i], detail) {
			t.Errorf("FAQ row %d: %s, want %s", i, faqRows[i], want)
		}
	}
	if !slices.ContainsFunc(faqRows, func(s string) bool {
		return strings.Contains(s, "version ") && strings.Contains(s, ": update of entry drinking-water")
	}) {
		t.Errorf("the FAQ version row names no version number: %q", faqRows)
	}
	csv := w.must("GET", "/admin/incidents/inc000001/timeline?format=csv", w.admin, "", 200)
	html := w.must("GET", "/admin/incidents/inc000001/report?format=html", w.admin, "", 200)
	for _, page := range []string{csv, html} {
		if !strings.Contains(page, "faq.version") || !strings.Contains(page, "update of entry drinking-water") || !strings.Contains(page, "faq.overlay.remove") {
			t.Errorf("FAQ changes missing from %.200s...", page)
		}
	}
}

// TestDrillNeverReachesPeopleWithoutSayingSo: in a drill incident, a
// check-in whose template does not say DRILL is refused and the fake
// Graph API receives nothing, a real incident refuses a drill broadcast,
// and the drill template (drill_checkin) goes out to the audience.
func TestDrillNeverReachesPeopleWithoutSayingSo(t *testing.T) {
	w := newWholeIncident(t)
	if code, body := call(t, w.s, "POST", "/admin/contacts/import", w.admin, "text/csv", wiPeople); code != 200 {
		t.Fatalf("import: %d %s", code, body)
	}
	w.must("POST", "/admin/incidents", w.admin, drillJSON, 201) // inc000001, a drill
	w.must("POST", "/admin/incidents", w.admin, floodJSON, 201) // inc000002, real
	checkin := func(incident, tpl, param string, drill bool) string {
		return fmt.Sprintf(`{"name": "are you safe", "kind": "checkin", "incident": %q, "drill": %v, "audience": {"regions": ["Dammam"]},
		 "templates": {"en": {"name": %q, "language": "en_US", "body": [{"value": %q}]}}}`, incident, drill, tpl, param)
	}
	refusals := []struct {
		label, body, want string
	}{
		{"drill incident, real template", checkin("inc000001", "flood_notice", "{{name}}", false), "a drill must say so in language en"},
		{"drill broadcast in a real incident", checkin("inc000002", "drill_checkin", "{{name}}", true), "incident inc000002 is real"},
		{"critical drill", strings.Replace(checkin("inc000001", "drill_checkin", "{{name}}", false), `"kind"`, `"critical": true, "consent_override_reason": "x", "kind"`, 1), "critical"},
	}
	for _, r := range refusals {
		body := w.must("POST", "/admin/broadcasts", w.admin, r.body, 400)
		if !strings.Contains(body, r.want) {
			t.Errorf("%s: %s, want %q", r.label, body, r.want)
		}
	}
	if n := len(w.graph.Messages()); n != 0 {
		t.Fatalf("refused drills sent %d messages", n)
	}
	w.must("POST", "/admin/broadcasts", w.admin, checkin("inc000001", "drill_checkin", "{{name}}", false), 202)
	waitFor(t, "the drill sent", func() bool { return len(w.templatesSent("drill_checkin")) == 4 })
	if n := len(w.graph.Messages()); n != 4 {
		t.Errorf("the drill sent %d messages, want 4", n)
	}
}
