package correction

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot"
	"lifeline/bot/broadcast"
	"lifeline/bot/contacts"
	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/incident"
	"lifeline/kb"
	"lifeline/store"
)

// clock is the one time of the engine, the broadcasts and the
// corrections: a test moves it to close a person's 24-hour window.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is Lifeline without HTTP: the engine answering from the sample FAQ
// and the broadcast service, both sending to the fake Graph API.
type env struct {
	t     *testing.T
	db    *store.DB
	clock *clock
	graph *whatsapptest.Server
	eng   *bot.Engine
	bc    *broadcast.Service
	kb    *kb.KB
	inc   *incident.Service
	svc   *Service
}

var (
	amira = Actor{ID: "agent:amira", Name: "Amira", Role: "admin", MayApprove: true}
	badr  = Actor{ID: "agent:badr", Name: "Badr", Role: "admin", MayApprove: true}
	// cala may correct answers but not approve broadcasts.
	cala = Actor{ID: "agent:cala", Name: "Cala", Role: "admin"}
)

func newEnv(t *testing.T, approval bool) *env {
	t.Helper()
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	faq, err := kb.Open(db, zerolog.Nop()) // the sample FAQ, version 1
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Now().UTC().Add(-30 * time.Hour)}
	graph := whatsapptest.NewServer(t)
	client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: graph.URL, AccessToken: "tok", Timeout: 5 * time.Second})
	fast := func(whatsapp.Action, int) time.Duration { return time.Millisecond }
	eng := bot.New(bot.Config{PhoneNumberIDs: []string{"1001"}, RatePerNumber: 1000, Backoff: fast, ShutdownGrace: 100 * time.Millisecond},
		bot.Options{DB: db, Sender: client, KB: faq, Logger: zerolog.Nop(), Now: clk.now})
	bc := broadcast.New(broadcast.Config{PhoneNumberIDs: []string{"1001"}, RatePerNumber: 1000, Tick: 10 * time.Millisecond,
		CommitEvery: 5 * time.Millisecond, Backoff: fast, FrequencyCap: -1, InFlightGrace: -1, PairGap: -1, Approval: approval},
		broadcast.Options{DB: db, Sender: client, Logger: zerolog.Nop(), Incidents: incident.Gate{}, Now: clk.now})
	eng.Intercept(bc)
	eng.ObserveStatuses(bc)
	eng.AddTranscriptSource(bc)
	if err := eng.Start(); err != nil {
		t.Fatal(err)
	}
	if err := bc.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bc.Close(); eng.Close(); faq.Close(); db.Close() })
	return &env{t: t, db: db, clock: clk, graph: graph, eng: eng, bc: bc, kb: faq,
		inc: incident.NewService(incident.Options{DB: db, Broadcasts: bc, Logger: zerolog.Nop(), Now: clk.now}),
		svc: NewService(Options{DB: db, KB: faq, Engine: eng, Broadcasts: bc, Logger: zerolog.Nop(), Now: clk.now})}
}

// ask has from write text now (on the test's clock) and waits until it is
// answered.
func (e *env) ask(from, text string) {
	e.t.Helper()
	m := whatsapp.Message{From: from, ID: fmt.Sprintf("wamid.in.%s.%d", from, time.Now().UnixNano()), Timestamp: e.clock.now(), Type: "text", Text: text}
	if _, err := e.eng.Ingest(&whatsapp.Batch{Messages: []whatsapp.Message{m}}); err != nil {
		e.t.Fatal(err)
	}
	e.eng.WaitIdle()
}

// sources lists the FAQ sources in user's transcript.
func (e *env) sources(user string) []store.FAQSource {
	e.t.Helper()
	var out []store.FAQSource
	ctx := context.Background()
	err := e.db.Read(ctx, func(r store.Reader) error {
		return store.EachTranscriptEntry(ctx, r, user, func(en store.Entry) error {
			if en.FAQ != nil {
				out = append(out, *en.FAQ)
			}
			return nil
		})
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

// sentAfter is what the fake Graph API received after the first n
// messages, as "to kind detail" lines (detail: the text or the template's name).
func (e *env) sentAfter(n int) []string {
	var out []string
	for _, r := range e.graph.Messages()[n:] {
		switch r.Body["type"] {
		case "text":
			out = append(out, fmt.Sprintf("%s text %v", r.To, r.Body["text"].(map[string]any)["body"]))
		case "template":
			out = append(out, fmt.Sprintf("%s template %v", r.To, r.Body["template"].(map[string]any)["name"]))
		default:
			out = append(out, fmt.Sprintf("%s %v", r.To, r.Body["type"]))
		}
	}
	slices.Sort(out)
	return out
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

const (
	bilal = "966500000001" // asked about drinking water 25 hours before the correction: outside his window
	aisha = "966500000002" // asked about drinking water an hour before it: inside her window
	carl  = "966500000003" // asked about pets: another entry
	water = "drinking-water"
	fixed = "Correction: boil tap water for one minute before drinking it."
)

var correctionTemplate = map[string]broadcast.Template{"en": {Name: "answer_correction", Language: "en_US", Body: []broadcast.Param{{Value: "drinking water"}}}}

// askThree has two people receive the drinking-water answer (one of them
// long enough ago that his window closes) and one the pets answer, then
// changes the drinking-water entry.
func (e *env) askThree() {
	t := e.t
	t.Helper()
	e.ask(bilal, "is the tap water safe to drink?")
	e.clock.add(25 * time.Hour)
	e.ask(aisha, "is the tap water safe to drink?")
	e.ask(carl, "can I bring my dog to the shelter?")
	for _, c := range []struct {
		user, entry string
	}{{bilal, water}, {aisha, water}, {carl, "pets"}} {
		src := e.sources(c.user)
		if len(src) == 0 || src[0].Entry != c.entry || src[0].Version != 1 || src[0].Lang != "en" {
			t.Fatalf("%s's transcript records FAQ sources %+v, want entry %s of version 1 in en", c.user, src, c.entry)
		}
	}
	ent, ok := e.kb.Entry(water)
	if !ok {
		t.Fatal("no drinking-water entry in the sample FAQ")
	}
	ent.Answer = "Boil tap water for one minute before drinking it until the notice is lifted."
	if _, err := e.kb.UpdateEntry(water, ent); err != nil {
		t.Fatal(err)
	}
	e.clock.add(time.Hour)
}

// TestCorrectionReachesExactlyWhoGotTheOldAnswer: three people asked,
// two got the drinking-water entry and one the pets entry; only the two
// receive the correction, the one inside her window as text, the one
// outside his as the correction template, and the incident's timeline
// shows it.
func TestCorrectionReachesExactlyWhoGotTheOldAnswer(t *testing.T) {
	e := newEnv(t, false)
	ctx := context.Background()
	e.askThree()
	in, err := e.inc.Create(ctx, incident.New{Name: "Water contamination", Kind: incident.KindOutbreak, Audience: contacts.Audience{All: true}}, incident.Actor{ID: amira.ID, Role: "admin"})
	if err != nil {
		t.Fatal(err)
	}

	v, err := e.svc.Create(ctx, New{Entry: water, Since: "48h", Messages: map[string]string{"en": fixed}, Incident: in.ID}, amira)
	if err != nil {
		t.Fatal(err)
	}
	if v.State != StatePending || v.People != 2 || v.InWindow != 1 || v.OutsideWindow != 1 || !v.NeedsTemplate ||
		v.Preview["en"] != fixed || v.ByLanguage["en"] != 2 || len(v.Sample) != 2 {
		t.Fatalf("pending correction %+v", v)
	}
	for _, s := range v.Sample {
		if s == bilal || s == aisha || !strings.Contains(s, "*") {
			t.Errorf("sample number %q is not masked", s)
		}
	}

	before := len(e.graph.Messages())
	// Bilal's window has closed and no template was given: refused,
	// nothing sent, still pending.
	_, err = e.svc.Send(ctx, v.ID, SendOptions{}, amira)
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "1 people are outside their 24-hour window") {
		t.Fatalf("send without a template: %v", err)
	}
	if got, _ := e.svc.Get(ctx, v.ID); got.State != StatePending {
		t.Fatalf("after a refused send the correction is %s", got.State)
	}

	sent, err := e.svc.Send(ctx, v.ID, SendOptions{Templates: correctionTemplate}, amira)
	if err != nil {
		t.Fatal(err)
	}
	if sent.State != StateSent || sent.FreeForm != 1 || sent.Template != 1 || sent.Broadcast == "" {
		t.Fatalf("sent correction %+v", sent.Correction)
	}
	waitFor(t, "the correction text and template sent", func() bool { return len(e.graph.Messages()) >= before+2 })
	waitFor(t, "the correction broadcast completed", func() bool {
		st, err := e.bc.Status(sent.Broadcast)
		return err == nil && st.State == broadcast.StateCompleted
	})
	want := []string{bilal + " template answer_correction", aisha + " text " + fixed} // sorted
	if got := e.sentAfter(before); !slices.Equal(got, want) {
		t.Errorf("sent after the correction:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Sent once: a second send is refused.
	if _, err := e.svc.Send(ctx, v.ID, SendOptions{Templates: correctionTemplate}, amira); !errors.Is(err, ErrState) {
		t.Errorf("second send: %v", err)
	}

	tl, err := e.inc.Timeline(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, r := range tl.Rows {
		if strings.HasPrefix(r.Kind, "correction.") || r.Subject == sent.Broadcast && r.Kind == "broadcast.create" {
			kinds = append(kinds, r.Kind)
		}
	}
	slices.Sort(kinds) // the broadcast is created and the correction sent at the same time
	if !slices.Equal(kinds, []string{"broadcast.create", "correction.create", "correction.send"}) {
		t.Errorf("incident timeline rows of the correction %v", kinds)
	}
}

// TestCorrectionNobodyReceivedIsRefused: a correction that would reach
// nobody is refused with 409's error and leaves nothing behind.
func TestCorrectionNobodyReceivedIsRefused(t *testing.T) {
	e := newEnv(t, false)
	ctx := context.Background()
	e.askThree()
	cases := []struct {
		label string
		n     New
		want  string
	}{
		{"entry nobody asked about", New{Entry: "donations", Since: "48h", Messages: map[string]string{"en": "x"}}, "nobody received entry donations since "},
		{"answers older than the period", New{Entry: water, Since: "30m", Messages: map[string]string{"en": "x"}}, "nobody received entry drinking-water since "},
		{"entry not changed: everyone got its current text", New{Entry: "pets", Since: "48h", Messages: map[string]string{"en": "x"}}, "in a text other than the current one"},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			_, err := e.svc.Create(ctx, c.n, amira)
			var nobody *NobodyError
			if !errors.As(err, &nobody) || !errors.Is(err, ErrState) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want a refusal saying %q", err, c.want)
			}
		})
	}
	if cs, err := e.svc.List(ctx); err != nil || len(cs) != 0 {
		t.Errorf("refused corrections left %v (%v)", cs, err)
	}
}

// TestCorrectionBadInput: each bad request names its problem and stores
// nothing.
func TestCorrectionBadInput(t *testing.T) {
	e := newEnv(t, false)
	ctx := context.Background()
	cases := []struct {
		label string
		n     New
		want  string
	}{
		{"no entry", New{Since: "1h", Messages: map[string]string{"en": "x"}}, "entry: name the FAQ entry"},
		{"no period", New{Entry: water, Messages: map[string]string{"en": "x"}}, "since: give the start of the period"},
		{"bad period", New{Entry: water, Since: "yesterday", Messages: map[string]string{"en": "x"}}, `since "yesterday"`},
		{"no message", New{Entry: water, Since: "1h"}, "messages: give the message per language"},
		{"new answer of an unknown entry", New{Entry: "nope", Since: "1h", NewAnswer: true}, "not in the live FAQ"},
		{"two templates, no fallback", New{Entry: water, Since: "1h", Messages: map[string]string{"en": "x"},
			Templates: map[string]broadcast.Template{"en": {Name: "a", Language: "en"}, "ar": {Name: "a", Language: "ar"}}}, "fallback_language"},
		{"unknown incident", New{Entry: water, Since: "1h", Messages: map[string]string{"en": "x"}, Incident: "inc999999"}, `incident "inc999999"`},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			_, err := e.svc.Create(ctx, c.n, amira)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an invalid correction saying %q", err, c.want)
			}
		})
	}
	if cs, _ := e.svc.List(ctx); len(cs) != 0 {
		t.Errorf("bad requests stored %v", cs)
	}
}

// TestCorrectionNeedsASecondAdminWhenBroadcastsDo: with two-person
// approval on, the creator cannot send a correction; another admin can,
// and the template broadcast is approved by them through the broadcast
// service's own approval.
func TestCorrectionNeedsASecondAdminWhenBroadcastsDo(t *testing.T) {
	e := newEnv(t, true)
	ctx := context.Background()
	e.askThree()
	v, err := e.svc.Create(ctx, New{Entry: water, Since: "48h", NewAnswer: true, Templates: correctionTemplate}, amira)
	if err != nil {
		t.Fatal(err)
	}
	before := len(e.graph.Messages())
	if _, err := e.svc.Send(ctx, v.ID, SendOptions{}, amira); !errors.Is(err, ErrState) || !strings.Contains(err.Error(), "an admin other than its creator") {
		t.Fatalf("send by the creator: %v", err)
	}
	// Sending approves it: an admin without the approve permission may not.
	if _, err := e.svc.Send(ctx, v.ID, SendOptions{}, cala); !errors.Is(err, ErrNotApprover) || !strings.Contains(err.Error(), `lacks the "approve" permission`) {
		t.Fatalf("send by an admin who may not approve: %v", err)
	}
	if n := len(e.graph.Messages()); n != before {
		t.Fatalf("a refused send sent %d messages", n-before)
	}
	if got, _ := e.svc.Get(ctx, v.ID); got.State != StatePending {
		t.Fatalf("after refused sends the correction is %s, want pending", got.State)
	}
	sent, err := e.svc.Send(ctx, v.ID, SendOptions{}, badr)
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.bc.Get(sent.Broadcast)
	if err != nil {
		t.Fatal(err)
	}
	if b.CreatedByID != amira.ID || b.Approval == nil || b.Approval.Decision != broadcast.Approved || !strings.Contains(b.Approval.By, badr.ID) {
		t.Errorf("correction broadcast created by %s, approval %+v", b.CreatedByID, b.Approval)
	}
	waitFor(t, "the correction sent", func() bool { return len(e.graph.Messages()) >= before+2 })
	ent, _ := e.kb.Entry(water)
	want := []string{bilal + " template answer_correction", aisha + " text " + ent.Answer} // sorted
	if got := e.sentAfter(before); !slices.Equal(got, want) {
		t.Errorf("sent:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
