package broadcast

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot"
	"lifeline/bot/clocktest"
	"lifeline/bot/contacts"
	"lifeline/bot/outgoing"
	"lifeline/bot/pace"
	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/coord"
	"lifeline/kb"
	"lifeline/store"
)

type harness struct {
	t      *testing.T
	sms    SMSSender
	dir    string
	db     *store.DB
	svc    *Service
	graph  *whatsapptest.Server
	client *whatsapp.Client
	cfg    Config
	now    func() time.Time
	engine *bot.Engine
	pacer  *pace.Numbers // shared by the service and the engine, as in production
	obs    bot.Observer
	leases coord.Leases
	sender bot.Sender
	log    zerolog.Logger
}

type hopts struct {
	cfg    Config
	dir    string // on disk when set
	now    func() time.Time
	engine bool // run the conversation engine too, for answers
	graph  *whatsapptest.Server
	obs    bot.Observer // told of the service's send attempts
	leases coord.Leases // nil for the service's default
	sender bot.Sender   // nil for a client of the fake Graph API
	log    io.Writer    // the service's and the engine's log; nil for none
	sms    SMSSender    // the SMS fallback channel; nil for none
	// timeout is the Graph API client's; 5 s when zero.
	timeout time.Duration
}

func testConfig(c Config) Config {
	if len(c.PhoneNumberIDs) == 0 {
		c.PhoneNumberIDs = []string{"1001"}
	}
	if c.RatePerNumber == 0 {
		c.RatePerNumber = 1000
	}
	if c.Tick == 0 {
		c.Tick = 10 * time.Millisecond
	}
	if c.CommitEvery == 0 {
		c.CommitEvery = 5 * time.Millisecond
	}
	if c.Backoff == nil {
		c.Backoff = func(whatsapp.Action, int) time.Duration { return 5 * time.Millisecond }
	}
	if c.FrequencyCap == 0 {
		c.FrequencyCap = -1
	}
	if c.InFlightGrace == 0 {
		c.InFlightGrace = -1
	}
	return c
}

func newHarness(t *testing.T, o hopts) *harness {
	t.Helper()
	h := &harness{sms: o.sms, t: t, dir: o.dir, cfg: testConfig(o.cfg), now: o.now, graph: o.graph, obs: o.obs, leases: o.leases, sender: o.sender, log: zerolog.Nop()}
	if o.log != nil {
		h.log = zerolog.New(o.log)
	}
	h.pacer = pace.New(h.cfg.RatePerNumber)
	if h.graph == nil {
		h.graph = whatsapptest.NewServer(t)
	}
	if h.now == nil {
		h.now = time.Now
	}
	if o.timeout == 0 {
		o.timeout = 5 * time.Second
	}
	h.client = whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: h.graph.URL, AccessToken: "tok", Timeout: o.timeout})
	h.open(o.engine)
	t.Cleanup(h.close)
	return h
}

func (h *harness) open(engine bool) {
	h.t.Helper()
	db, err := store.Open(store.Options{Dir: h.dir, InMemory: h.dir == "", Logger: zerolog.Nop()})
	if err != nil {
		h.t.Fatal(err)
	}
	h.db = db
	sender := h.sender
	if sender == nil {
		sender = h.client
	}
	// As in production, the engine and the service share one send step
	// when they send through the same client.
	var out *outgoing.Step
	if engine && h.sender == nil {
		out = outgoing.New(outgoing.Options{Client: h.client, Pacer: h.pacer, Observer: h.obs, Logger: h.log, Now: h.now})
	}
	h.svc = New(h.cfg, Options{DB: db, Sender: sender, Logger: h.log, Now: h.now, Pacer: h.pacer, Observer: h.obs, Outgoing: out, Leases: h.leases, SMS: h.sms})
	if engine {
		h.engine = bot.New(bot.Config{PhoneNumberIDs: h.cfg.PhoneNumberIDs, RatePerNumber: h.cfg.RatePerNumber,
			Backoff: func(whatsapp.Action, int) time.Duration { return time.Millisecond }, ShutdownGrace: 100 * time.Millisecond},
			bot.Options{DB: db, Sender: h.client, KB: noKB{}, Logger: h.log, Now: h.now, Pacer: h.pacer, Outgoing: out})
		h.engine.Intercept(h.svc)
		h.engine.ObserveStatuses(h.svc)
		h.engine.AddTranscriptSource(h.svc)
		h.engine.NotifyEmergencies(h.svc)
		if err := h.engine.Start(); err != nil {
			h.t.Fatal(err)
		}
	}
	if err := h.svc.Start(); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) close() {
	if h.svc == nil {
		return
	}
	h.svc.Close()
	if h.engine != nil {
		h.engine.Close()
	}
	h.db.Close()
	h.svc, h.engine = nil, nil
}

type noKB struct{}

func (noKB) Search(q, lang string, limit int) kb.Result {
	return kb.Result{Decision: kb.DecisionNone, Lang: lang}
}

// contact writes one contact.
func (h *harness) contact(c store.Contact) {
	h.t.Helper()
	if c.CreatedAt.IsZero() {
		c.CreatedAt = time.Now()
	}
	ctx := context.Background()
	if err := h.db.WriteAny(ctx, func(tx store.Writer) error { return store.PutContact(ctx, tx, c) }); err != nil {
		h.t.Fatal(err)
	}
}

// contacts writes n contacts 9665000000xx tagged employees, opted in.
func (h *harness) contacts(n int, lang string) []string {
	var ids []string
	for i := range n {
		id := fmt.Sprintf("96650%07d", i+1)
		ids = append(ids, id)
		h.contact(store.Contact{WaID: id, Name: fmt.Sprintf("Person %d", i+1), Language: lang, Tags: []string{"employees"}, OptedIn: true})
	}
	return ids
}

func tpl(name, lang string) Template {
	return Template{Name: name, Language: lang, Body: []Param{{Value: "{{name|colleague}}"}}}
}

func checkinSpec() Spec {
	return Spec{Name: "storm check-in", Kind: KindCheckin, FallbackLanguage: "en", Audience: contacts.Audience{All: true},
		Templates: map[string]Template{"en": tpl("safety_checkin", "en_US"), "ar": tpl("safety_checkin", "ar")}}
}

func noticeSpec() Spec {
	return Spec{Name: "port closed", Kind: KindNotice, Audience: contacts.Audience{All: true}, Templates: map[string]Template{"en": tpl("port_notice", "en_US")}}
}

func (h *harness) create(sp Spec) string {
	h.t.Helper()
	b, err := h.svc.Create(sp, "test", "")
	if err != nil {
		h.t.Fatal(err)
	}
	return b.ID
}

// eventually waits for cond, checking every few milliseconds.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (h *harness) status(id string) *Status {
	h.t.Helper()
	st, err := h.svc.Status(id)
	if err != nil {
		h.t.Fatal(err)
	}
	return st
}

func (h *harness) waitState(id string, states ...string) *Status {
	h.t.Helper()
	var st *Status
	eventually(h.t, 20*time.Second, "broadcast "+id+" in "+strings.Join(states, "|"), func() bool {
		st = h.status(id)
		for _, s := range states {
			if st.State == s {
				return true
			}
		}
		return false
	})
	return st
}

func (h *harness) recipient(id string, seq uint64) (Recipient, Engagement) {
	var r Recipient
	var e Engagement
	ctx := context.Background()
	err := h.db.Read(ctx, func(tx store.Reader) (err error) {
		if r, err = store.GetBroadcastRecipient[Recipient](ctx, tx, id, seq); err != nil {
			return err
		}
		e, _, err = store.GetBroadcastEngagement[Engagement](ctx, tx, id, seq)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return r, e
}

func sendsTo(reqs []whatsapptest.Request) map[string]int {
	n := map[string]int{}
	for _, r := range reqs {
		if r.Kind == "message" && r.Body["type"] == "template" {
			n[r.To]++
		}
	}
	return n
}

func TestSendsEachLanguageItsTemplateAndSkipsOptedOut(t *testing.T) {
	h := newHarness(t, hopts{})
	h.contact(store.Contact{WaID: "966500000001", Name: "Ahmed Ali", Language: "ar", Tags: []string{"employees"}, OptedIn: true})
	h.contact(store.Contact{WaID: "447700000002", Name: "Jane", Language: "en_gb", Tags: []string{"employees"}, OptedIn: true})
	h.contact(store.Contact{WaID: "33600000003", Language: "fr", Tags: []string{"employees"}, OptedIn: true})
	h.contact(store.Contact{WaID: "447700000004", Name: "Out", Language: "en", Tags: []string{"employees"}, OptedIn: true, OptedOut: true})
	h.contact(store.Contact{WaID: "447700000005", Name: "Vendor", Language: "en", Tags: []string{"vendors"}, OptedIn: true})
	sp := checkinSpec()
	sp.Audience = contacts.Audience{TagsAny: []string{"Employees"}}
	id := h.create(sp)
	st := h.waitState(id, StateSent)
	if st.Targeted != 3 || st.Sent != 3 || st.Excluded["opted_out"] != 1 {
		t.Fatalf("targeted %d sent %d excluded %v, want 3, 3, opted_out 1", st.Targeted, st.Sent, st.Excluded)
	}
	byTo := map[string]map[string]any{}
	for _, r := range h.graph.Messages() {
		byTo[r.To] = r.Body
	}
	if _, ok := byTo["447700000004"]; ok {
		t.Fatal("an opted-out contact got the broadcast")
	}
	cases := []struct{ to, lang, name string }{
		{"966500000001", "ar", "Ahmed Ali"},
		{"447700000002", "en_US", "Jane"},
		{"33600000003", "en_US", "colleague"}, // fallback language, default variable
	}
	for _, c := range cases {
		body := byTo[c.to]
		if body == nil {
			t.Fatalf("%s got nothing", c.to)
		}
		tm := body["template"].(map[string]any)
		if got := tm["language"].(map[string]any)["code"]; got != c.lang {
			t.Errorf("%s: template language %v, want %s", c.to, got, c.lang)
		}
		raw := fmt.Sprint(tm["components"])
		if !strings.Contains(raw, c.name) || !strings.Contains(raw, "checkin:"+id+":safe") || !strings.Contains(raw, "checkin:"+id+":help") {
			t.Errorf("%s: components %s lack the name %q or the check-in payloads", c.to, raw, c.name)
		}
		if cb, _ := body["biz_opaque_callback_data"].(string); !strings.HasPrefix(cb, "bc:"+id+":") {
			t.Errorf("%s: callback data %q", c.to, cb)
		}
	}
}

func TestPreviewRendersEachLanguage(t *testing.T) {
	h := newHarness(t, hopts{})
	h.contact(store.Contact{WaID: "966500000001", Name: "Ahmed", Language: "ar", OptedIn: true})
	h.contact(store.Contact{WaID: "447700000002", Language: "en", OptedIn: true})
	h.contact(store.Contact{WaID: "447700000003", Language: "en", OptedIn: true, OptedOut: true})
	sp := checkinSpec()
	sp.Templates["en"] = Template{Name: "safety_checkin", Language: "en_US", Body: []Param{{Value: "{{name}}"}}}
	pv, err := h.svc.PreviewSpec(sp)
	if err != nil {
		t.Fatal(err)
	}
	if pv.Targeted != 2 || pv.Excluded["opted_out"] != 1 || len(pv.Languages) != 2 {
		t.Fatalf("preview %+v", pv)
	}
	for _, l := range pv.Languages {
		if strings.Contains(string(l.Payload), "966500000001") {
			t.Error("preview shows an unmasked number")
		}
		if l.Template == "en" && l.MissingVariables["name"] != 1 {
			t.Errorf("en: missing variables %v, want name: 1", l.MissingVariables)
		}
	}
	if len(h.graph.Messages()) != 0 {
		t.Fatal("preview sent something")
	}
}

func TestPacingPerNumber(t *testing.T) {
	const rate, n = 100.0, 150
	h := newHarness(t, hopts{cfg: Config{RatePerNumber: rate}})
	h.contacts(n, "en")
	id := h.create(noticeSpec())
	reqs := h.graph.WaitMessages(t, n, 30*time.Second)
	h.waitState(id, StateSent, StateCompleted)
	span := reqs[n-1].Time.Sub(reqs[0].Time).Seconds()
	burst := int(pace.Burst(rate))
	observed := float64(n-burst) / span
	// Load only slows a sender down, so the upper bound is tight and the
	// lower one generous.
	if observed > rate*1.1 {
		t.Fatalf("sent %d in %.2fs: %.0f mps, above the %v mps pace", n, span, observed, rate)
	}
	if observed < rate*0.3 {
		t.Fatalf("sent %d in %.2fs: %.0f mps, far below %v mps", n, span, observed, rate)
	}
}

func TestPoolOfTwoNumbersAddsUp(t *testing.T) {
	const rate, n = 60.0, 180
	h := newHarness(t, hopts{cfg: Config{RatePerNumber: rate, PhoneNumberIDs: []string{"1001", "1002"}}})
	h.contacts(n, "en")
	h.create(noticeSpec())
	reqs := h.graph.WaitMessages(t, n, 30*time.Second)
	per := map[string]int{}
	for _, r := range reqs {
		per[r.PhoneNumberID]++
	}
	if per["1001"] < n/4 || per["1002"] < n/4 {
		t.Fatalf("sends per number %v: both numbers should carry the load", per)
	}
	span := reqs[n-1].Time.Sub(reqs[0].Time).Seconds()
	observed := float64(n) / span
	if observed > 2*rate*1.15 {
		t.Fatalf("%.0f mps with two numbers at %v: over the combined pace", observed, rate)
	}
	// The rates add up when the two numbers send at the same time, each at
	// its own pace, rather than one after the other. Measured as an overlap
	// of their sending windows, not as a throughput: a loaded machine only
	// slows both, and a lower bound on speed would measure the machine.
	first, last := map[string]time.Time{}, map[string]time.Time{}
	for _, r := range reqs {
		if f, ok := first[r.PhoneNumberID]; !ok || r.Time.Before(f) {
			first[r.PhoneNumberID] = r.Time
		}
		if r.Time.After(last[r.PhoneNumberID]) {
			last[r.PhoneNumberID] = r.Time
		}
	}
	overlap := minTime(last["1001"], last["1002"]).Sub(maxTime(first["1001"], first["1002"]))
	shorter := min(last["1001"].Sub(first["1001"]), last["1002"].Sub(first["1002"]))
	if overlap < shorter/2 {
		t.Fatalf("numbers sent in %v to %v and %v to %v: they overlap %v, want at least half of %v (the rates do not add up)",
			first["1001"].Format(time.StampMilli), last["1001"].Format(time.StampMilli),
			first["1002"].Format(time.StampMilli), last["1002"].Format(time.StampMilli), overlap, shorter)
	}
	if len(sendsTo(reqs)) != n {
		t.Fatalf("%d distinct recipients, want %d", len(sendsTo(reqs)), n)
	}
}

func TestRetryByErrorClass(t *testing.T) {
	cases := []struct {
		label       string
		code        int
		status      int
		failures    int
		wantState   string // recipient state
		wantReason  string
		paused      bool
		unreachable bool
	}{
		{label: "generic transient retried", code: 131000, status: 500, failures: 2, wantState: recSent},
		{label: "throughput limit slows the number and retries", code: 130429, status: 429, failures: 1, wantState: recSent},
		{label: "pair limit retries that recipient", code: 131056, status: 400, failures: 1, wantState: recSent},
		{label: "undeliverable is final and recorded", code: 131026, failures: 1, wantState: recFailed, wantReason: "131026", unreachable: true},
		{label: "stopped marketing is final", code: 131050, failures: 1, wantState: recFailed, wantReason: "131050"},
		{label: "ecosystem drop is final", code: 131049, failures: 1, wantState: recFailed, wantReason: "131049"},
		{label: "template missing is a request error", code: 132001, failures: 1, wantState: recFailed, wantReason: "132001"},
		{label: "window closed cannot happen to a template but is final", code: 131047, failures: 1, wantState: recFailed, wantReason: "131047"},
		{label: "expired token pauses and alerts", code: 190, status: 401, failures: 1, wantState: recPending, paused: true},
		{label: "paused template pauses and alerts", code: 132015, failures: 1, wantState: recPending, paused: true},
		{label: "retries run out", code: 131000, status: 500, failures: 100, wantState: recFailed, wantReason: "131000: still failing after 1ns, the template wait"},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			// A template wait of 1ns: the outage outlasts it at once.
			h := newHarness(t, hopts{cfg: Config{MaxAttempts: 3, TemplateWait: time.Nanosecond}})
			h.contacts(1, "en")
			h.graph.FailNext(c.failures, c.status, c.code)
			id := h.create(noticeSpec())
			var st *Status
			if c.paused {
				st = h.waitState(id, StatePaused)
				if len(st.Alerts) == 0 || st.Alerts[0].Code != c.code || !strings.HasPrefix(st.PauseReason, "alert:") {
					t.Fatalf("paused without the alert: %+v", st)
				}
			} else {
				st = h.waitState(id, StateCompleted)
			}
			r, _ := h.recipient(id, 1)
			if r.State != c.wantState || r.Reason != c.wantReason && c.wantReason != "" {
				t.Fatalf("recipient %+v, want state %s reason %s", r, c.wantState, c.wantReason)
			}
			if c.wantReason != "" && st.FailedByReason[strconv.Itoa(c.code)] != 1 {
				t.Errorf("failed_by_reason %v", st.FailedByReason)
			}
			if c.unreachable {
				ct := h.contactOf(r.WaID)
				if !ct.Unreachable || ct.LastErrorCode != c.code {
					t.Errorf("contact %+v: want unreachable with code %d", ct, c.code)
				}
			}
			if c.paused {
				if _, err := h.svc.Resume(id, "test"); err != nil {
					t.Fatal(err)
				}
				h.waitState(id, StateCompleted)
				if r, _ := h.recipient(id, 1); r.State != recSent {
					t.Fatalf("after resume: %+v", r)
				}
			}
		})
	}
}

func TestPauseResumeCancel(t *testing.T) {
	h := newHarness(t, hopts{cfg: Config{RatePerNumber: 50}})
	h.contacts(60, "en")
	id := h.create(noticeSpec())
	h.graph.WaitMessages(t, 10, 10*time.Second)
	if _, err := h.svc.Pause(id, "test"); err != nil {
		t.Fatal(err)
	}
	paused := len(h.graph.Messages())
	st := h.status(id)
	if st.State != StatePaused || st.Sent != int64(paused) {
		t.Fatalf("after pause: state %s sent %d, graph got %d", st.State, st.Sent, paused)
	}
	if _, err := h.svc.Pause(id, "test"); !errors.Is(err, ErrState) {
		t.Fatalf("pausing twice: %v, want ErrState", err)
	}
	if n := len(h.graph.Messages()); n != paused {
		t.Fatalf("%d sends after pause, want none", n-paused)
	}
	if _, err := h.svc.Resume(id, "test"); err != nil {
		t.Fatal(err)
	}
	h.graph.WaitMessages(t, paused+10, 10*time.Second)
	if _, err := h.svc.Cancel(id, "test"); err != nil {
		t.Fatal(err)
	}
	stopped := len(h.graph.Messages())
	st = h.status(id)
	if st.State != StateCancelled || st.Sent != int64(stopped) || st.Pending == 0 {
		t.Fatalf("after cancel: %+v (graph got %d)", st, stopped)
	}
	if got := sendsTo(h.graph.Messages()); len(got) != stopped {
		t.Fatalf("someone got the notice twice: %v", got)
	}
}

func TestCrashResumeLosesNobody(t *testing.T) {
	const n = 400
	graph := whatsapptest.NewServer(t)
	h := newHarness(t, hopts{dir: t.TempDir(), graph: graph, cfg: Config{RatePerNumber: 400, ChunkSize: 32, InFlightGrace: 200 * time.Millisecond}})
	h.contacts(n, "en")
	id := h.create(noticeSpec())
	graph.WaitMessages(t, n/3, 20*time.Second)
	h.svc.crash() // like kill -9: results in flight are lost
	h.db.Close()
	h.svc = nil
	before := len(graph.Messages())

	h.open(false) // same data directory
	st := h.waitState(id, StateCompleted)
	counts := sendsTo(graph.Messages())
	dups := 0
	for i := range n {
		to := fmt.Sprintf("96650%07d", i+1)
		switch counts[to] {
		case 0:
			t.Fatalf("%s never got the broadcast", to)
		case 1:
		default:
			dups++
		}
	}
	if st.Sent != n {
		t.Fatalf("sent %d, want %d", st.Sent, n)
	}
	if int64(dups) > st.PossibleDuplicates {
		t.Fatalf("%d recipients got it twice but only %d possible duplicates counted", dups, st.PossibleDuplicates)
	}
	// WhatsApp's statuses then tell which of the possible duplicates were real.
	for i, m := range graph.Messages() {
		cb, _ := m.Body["biz_opaque_callback_data"].(string)
		sent := &whatsapp.Status{ID: fmt.Sprintf("wamid.S%05d", i), Status: store.StatusSent, RecipientID: m.To, BizOpaqueCallbackData: cb}
		if err := h.db.WriteAny(storeCtx, func(w store.Writer) error { return h.svc.ObserveStatus(w, sent) }); err != nil {
			t.Fatal(err)
		}
	}
	if got := h.status(id).Duplicates; got != int64(dups) {
		t.Fatalf("statuses show %d duplicates, want %d", got, dups)
	}
	t.Logf("crashed after %d sends; %d duplicates, %d counted as possible", before, dups, st.PossibleDuplicates)
}

// After a crash, WhatsApp's statuses tell which of the sends in flight
// went out: those are recorded as sent and not sent again.
func TestInFlightSendsWithAStatusAreNotSentAgain(t *testing.T) {
	const n = 300
	graph := whatsapptest.NewServer(t)
	graph.SetResponder(func(whatsapptest.Request) whatsapptest.Response {
		return whatsapptest.Response{Delay: 20 * time.Millisecond} // many sends in flight at the crash
	})
	h := newHarness(t, hopts{dir: t.TempDir(), graph: graph, cfg: Config{RatePerNumber: 400, ChunkSize: 32, InFlightGrace: 300 * time.Millisecond}})
	h.contacts(n, "en")
	id := h.create(checkinSpec())
	graph.WaitMessages(t, n/3, 20*time.Second)
	h.svc.crash() // the sends in flight finish, their results are lost
	firstLife := graph.Messages()

	inFlight := 0
	for seq := uint64(1); seq <= n; seq++ {
		if rec, _ := h.recipient(id, seq); rec.State == recSending {
			inFlight++
		}
	}
	// WhatsApp's "sent" status for every message that reached it, as its
	// webhook redelivers them once the server is back, before sending resumes.
	obs := New(h.cfg, Options{DB: h.db, Sender: h.client, Logger: zerolog.Nop()})
	for i, m := range firstLife {
		cb, _ := m.Body["biz_opaque_callback_data"].(string)
		st := &whatsapp.Status{ID: fmt.Sprintf("wamid.LIFE1%04d", i), Status: store.StatusSent, RecipientID: m.To,
			BizOpaqueCallbackData: cb, PhoneNumberID: m.PhoneNumberID, Timestamp: m.Time}
		if err := h.db.WriteAny(storeCtx, func(w store.Writer) error { return obs.ObserveStatus(w, st) }); err != nil {
			t.Fatal(err)
		}
	}
	h.db.Close()
	h.svc = nil

	h.open(false)
	st := h.waitState(id, StateSent)
	counts := sendsTo(graph.Messages())
	for i := range n {
		to := fmt.Sprintf("96650%07d", i+1)
		if counts[to] != 1 {
			t.Fatalf("%s got the check-in %d times, want once", to, counts[to])
		}
	}
	if st.Sent != n {
		t.Fatalf("sent %d, want %d", st.Sent, n)
	}
	confirmed := 0
	for seq := uint64(1); seq <= n; seq++ {
		rec, e := h.recipient(id, seq)
		if rec.State != recSent || rec.WAMID == "" {
			t.Fatalf("recipient %d: %+v, want sent with its wamid", seq, rec)
		}
		if strings.HasPrefix(rec.WAMID, "wamid.LIFE1") && rec.Dups == 0 && e.WAMID == rec.WAMID {
			confirmed++
		}
	}
	// Without the statuses these would have been sent twice.
	if confirmed == 0 || inFlight == 0 {
		t.Fatalf("%d in flight at the crash, %d confirmed by a status: the test did not catch sends in flight", inFlight, confirmed)
	}
	t.Logf("%d sent before the crash, %d in flight, %d confirmed by status, %d counted as possible duplicates",
		len(firstLife), inFlight, confirmed, st.PossibleDuplicates)
}

// An agent who takes over a conversation sees the broadcasts the person got,
// with their delivery state, among the conversation's own messages.
func TestConversationShowsTheBroadcastsSent(t *testing.T) {
	h := newHarness(t, hopts{engine: true})
	users := h.contacts(2, "en")
	id := h.create(checkinSpec())
	h.waitState(id, StateSent)
	transcript := func() []store.Entry {
		var out []store.Entry
		if err := h.db.Read(storeCtx, func(r store.Reader) (err error) {
			out, err = h.engine.Transcript(r, users[0], 100)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	rec, _ := h.recipient(id, 1)
	got := transcript()
	if len(got) != 1 {
		t.Fatalf("conversation has %d entries, want the check-in: %+v", len(got), got)
	}
	e := got[0]
	if e.Dir != store.Out || e.Author != "broadcast:"+id || e.MessageID != rec.WAMID || e.Status != store.StatusSent ||
		e.Text != `[broadcast "storm check-in": template safety_checkin (Person 1)]` {
		t.Fatalf("entry %+v; recipient %+v", e, rec)
	}
	delivered := &whatsapp.Status{ID: rec.WAMID, Status: store.StatusDelivered, RecipientID: users[0], BizOpaqueCallbackData: callbackData(id, 1, 0)}
	if err := h.db.WriteAny(storeCtx, func(w store.Writer) error { return h.svc.ObserveStatus(w, delivered) }); err != nil {
		t.Fatal(err)
	}
	// The person answers: the answer follows the check-in.
	h.engine.Submit(whatsapp.Message{ID: "wamid.ANSWER1", From: users[0], Type: "text", Text: "safe", Timestamp: time.Now()}, 10*time.Second)
	got = transcript()
	if len(got) < 2 || got[0].Status != store.StatusDelivered || got[1].Dir != store.In || got[1].Text != "safe" {
		t.Fatalf("conversation after the answer: %+v", got)
	}
}

func TestFrequencyCapSparesCritical(t *testing.T) {
	h := newHarness(t, hopts{cfg: Config{FrequencyCap: 1, PairGap: -1}})
	h.contacts(2, "en")
	first := h.create(noticeSpec())
	h.waitState(first, StateCompleted)
	second := h.create(noticeSpec())
	st := h.waitState(second, StateCompleted)
	if st.Sent != 0 || st.SkippedByReason["frequency_cap"] != 2 {
		t.Fatalf("second non-critical broadcast: %+v", st)
	}
	sp := noticeSpec()
	sp.Critical = true
	third := h.create(sp)
	st = h.waitState(third, StateCompleted)
	if st.Sent != 2 {
		t.Fatalf("critical broadcast sent %d, want 2", st.Sent)
	}
	if len(h.graph.Messages()) != 4 {
		t.Fatalf("%d messages, want 4", len(h.graph.Messages()))
	}
}

// ingest feeds one inbound message through the engine and waits for it.
func (h *harness) ingest(m whatsapp.Message) {
	h.t.Helper()
	if m.ID == "" {
		m.ID = fmt.Sprintf("wamid.in.%d", time.Now().UnixNano())
	}
	if m.Timestamp.IsZero() {
		m.Timestamp = h.now()
	}
	if _, err := h.engine.Ingest(&whatsapp.Batch{Messages: []whatsapp.Message{m}}); err != nil {
		h.t.Fatal(err)
	}
	h.engine.WaitIdle()
}

// texts joins every text message sent to a user.
func texts(reqs []whatsapptest.Request, to string) string {
	var b strings.Builder
	for _, r := range reqs {
		if r.To == to && r.Body["type"] == "text" {
			b.WriteString(fmt.Sprint(r.Body["text"].(map[string]any)["body"]) + "\n")
		}
	}
	return b.String()
}

func TestCheckinAnswers(t *testing.T) {
	h := newHarness(t, hopts{engine: true})
	ids := h.contacts(6, "en")
	h.contact(store.Contact{WaID: ids[4], Name: "Arabic speaker", Language: "ar", OptedIn: true, Tags: []string{"employees"}})
	id := h.create(checkinSpec())
	h.waitState(id, StateSent)
	wamid := map[string]string{}
	for seq := uint64(1); seq <= 6; seq++ {
		r, _ := h.recipient(id, seq)
		wamid[r.WaID] = r.WAMID
	}
	cases := []struct {
		label  string
		msg    whatsapp.Message
		answer string
		reply  string // fragment of the reply
	}{
		{"template button payload", whatsapp.Message{From: ids[0], Type: "button", ReplyID: "checkin:" + id + ":safe", ReplyTitle: "I'm safe",
			Context: &whatsapp.Context{ID: wamid[ids[0]]}}, AnswerSafe, "recorded that you are safe"},
		{"interactive button", whatsapp.Message{From: ids[1], Type: "interactive", InteractiveType: "button_reply", ReplyID: "checkin:" + id + ":help", ReplyTitle: "I need help"},
			AnswerHelp, "share your location"},
		{"free text English", whatsapp.Message{From: ids[2], Type: "text", Text: "I'm safe!"}, AnswerSafe, "recorded that you are safe"},
		{"free text Arabic safe", whatsapp.Message{From: ids[4], Type: "text", Text: "آمن"}, AnswerSafe, "سجّلنا أنك بأمان"},
		{"free text Arabic help", whatsapp.Message{From: ids[3], Type: "text", Text: "ساعدوني"}, AnswerHelp, "موقعك"},
	}
	for _, c := range cases {
		h.ingest(c.msg)
		eventually(t, 5*time.Second, c.label+" reply", func() bool { return strings.Contains(texts(h.graph.Messages(), c.msg.From), c.reply) })
	}
	for i, c := range cases {
		seq := map[int]uint64{0: 1, 1: 2, 2: 3, 3: 5, 4: 4}[i]
		if _, e := h.recipient(id, seq); e.Answer != c.answer {
			t.Errorf("%s: answer %q, want %q", c.label, e.Answer, c.answer)
		}
	}
	// The need-help follow-up: location then description, and a priority handoff.
	h.ingest(whatsapp.Message{From: ids[1], Type: "location", Location: &whatsapp.Location{Latitude: 24.7, Longitude: 46.7}})
	h.ingest(whatsapp.Message{From: ids[1], Type: "text", Text: "we need drinking water and blankets"})
	_, e := h.recipient(id, 2)
	if !e.HasLocation || !strings.Contains(e.Description, "drinking water") || e.Stage != "" {
		t.Fatalf("need-help details not recorded: %+v", e)
	}
	hand, err := h.handoffOf(ids[1])
	if err != nil {
		t.Fatalf("no handoff for the person who needs help: %v", err)
	}
	if !hand.Priority {
		t.Fatalf("handoff %+v is not priority", hand)
	}
	// The details update the handoff; the place in the queue, unchanged,
	// is told once.
	h.engine.WaitIdle()
	if got := texts(h.graph.Messages(), ids[1]); !strings.Contains(got, "has your details") || strings.Count(got, "in the queue") != 1 {
		t.Fatalf("replies to the person who needs help: %s", got)
	}
	st := h.status(id)
	if *st.Safe != 3 || *st.NeedHelp != 2 || *st.NoResponse != 1 || st.Replied != 5 {
		t.Fatalf("counts safe %d help %d no_response %d replied %d", *st.Safe, *st.NeedHelp, *st.NoResponse, st.Replied)
	}
	// A free-text message from someone who already answered goes to the conversation.
	h.ingest(whatsapp.Message{From: ids[0], Type: "text", Text: "ok"})
	if st2 := h.status(id); *st2.Safe != 3 {
		t.Fatalf("a second 'ok' changed the counts: %+v", st2)
	}
}

// Someone with an open check-in who asks for the ambulance number is
// asked by the conversation whether anyone is in danger: their "yes we
// are" answers that question (the danger path, an urgent handoff), and is not
// recorded as the check-in's answer.
func TestNumberCheckYesIsNotACheckinAnswer(t *testing.T) {
	h := newHarness(t, hopts{engine: true})
	ids := h.contacts(1, "en")
	id := h.create(checkinSpec())
	h.waitState(id, StateSent)
	h.ingest(whatsapp.Message{From: ids[0], Type: "text", Text: "what's the ambulance number"})
	eventually(t, 5*time.Second, "the number and the question", func() bool {
		return strings.Contains(texts(h.graph.Messages(), ids[0]), "The emergency number where you are")
	})
	// "yes we are" alone reads as safe, which the check-in would record.
	h.ingest(whatsapp.Message{From: ids[0], Type: "text", Text: "yes we are"})
	eventually(t, 5*time.Second, "the danger reply", func() bool {
		return strings.Contains(texts(h.graph.Messages(), ids[0]), "marked your conversation as urgent")
	})
	if _, e := h.recipient(id, 1); e.Answer != "" {
		t.Errorf("check-in answer %q, want none", e.Answer)
	}
	hand, err := h.handoffOf(ids[0])
	if err != nil || !hand.Urgent {
		t.Fatalf("handoff %+v (%v), want urgent", hand, err)
	}
}

func TestStatusesCountMonotonically(t *testing.T) {
	h := newHarness(t, hopts{})
	h.contacts(2, "en")
	id := h.create(noticeSpec())
	h.waitState(id, StateCompleted)
	apply := func(seq uint64, status string, code int) {
		st := &whatsapp.Status{ID: "w", Status: status, RecipientID: "x", BizOpaqueCallbackData: callbackData(id, seq, 0)}
		if code != 0 {
			st.Errors = []whatsapp.APIError{{Code: code}}
		}
		if err := h.db.WriteAny(storeCtx, func(w store.Writer) error { return h.svc.ObserveStatus(w, st) }); err != nil {
			t.Fatal(err)
		}
	}
	apply(1, "read", 0) // read before delivered: both count
	apply(1, "delivered", 0)
	apply(1, "read", 0)
	apply(2, "failed", 131026)
	st := h.status(id)
	if st.Delivered != 1 || st.Read != 1 || st.Failed != 1 || st.FailedByReason["131026"] != 1 {
		t.Fatalf("delivered %d read %d failed %d %v", st.Delivered, st.Read, st.Failed, st.FailedByReason)
	}
	if st.DeliveryRate != 0.5 || st.ReadRate != 1 {
		t.Fatalf("rates %v %v", st.DeliveryRate, st.ReadRate)
	}
}

func TestRemindersThenUnaccounted(t *testing.T) {
	clk := clocktest.New(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	h := newHarness(t, hopts{engine: true, now: clk.Now, cfg: Config{PairGap: -1}})
	ids := h.contacts(3, "en")
	sp := checkinSpec()
	sp.Reminders = &Reminders{Every: Duration(30 * time.Minute), Count: 2}
	id := h.create(sp)
	h.waitState(id, StateSent)
	h.ingest(whatsapp.Message{From: ids[0], Type: "text", Text: "safe"})

	clk.Add(31 * time.Minute)
	eventually(t, 10*time.Second, "first reminder round", func() bool { st := h.status(id); return st.ReminderRounds == 1 })
	if got := sendsTo(h.graph.Messages()); got[ids[0]] != 1 || got[ids[1]] != 2 || got[ids[2]] != 2 {
		t.Fatalf("after round 1, templates per person %v", got)
	}
	h.ingest(whatsapp.Message{From: ids[1], Type: "text", Text: "help"})
	clk.Add(30 * time.Minute)
	eventually(t, 10*time.Second, "second reminder round", func() bool { return h.status(id).ReminderRounds == 2 })
	if got := sendsTo(h.graph.Messages()); got[ids[1]] != 2 || got[ids[2]] != 3 {
		t.Fatalf("after round 2, templates per person %v", got)
	}
	clk.Add(30 * time.Minute)
	st := h.waitState(id, StateCompleted)
	if st.Unaccounted != 1 || st.RemindersSent != 3 {
		t.Fatalf("unaccounted %d reminders %d, want 1 and 3", st.Unaccounted, st.RemindersSent)
	}
	var csv strings.Builder
	if err := h.svc.WriteRecipientsCSV(id, &csv); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csv.String(), ids[2]) || strings.Count(csv.String(), ",yes,") != 1 {
		t.Fatalf("recipients.csv does not flag the one unaccounted person:\n%s", csv.String())
	}
}

func TestConfirmationWithReschedule(t *testing.T) {
	h := newHarness(t, hopts{engine: true})
	ids := h.contacts(3, "en")
	sp := Spec{Name: "flight LH123 rebooked", Kind: KindConfirmation, Audience: contacts.Audience{All: true}, Templates: map[string]Template{"en": tpl("rebooking", "en_US")},
		Options: []Option{{ID: "confirm", Titles: map[string]string{"en": "Confirm", "ar": "تأكيد"}}, {ID: "cancel", Titles: map[string]string{"en": "Cancel"}},
			{ID: "reschedule", Titles: map[string]string{"en": "Reschedule"}, AsksTime: true}}}
	id := h.create(sp)
	h.waitState(id, StateSent)
	h.ingest(whatsapp.Message{From: ids[0], Type: "button", ReplyID: "confirm:" + id + ":confirm"})
	h.ingest(whatsapp.Message{From: ids[1], Type: "text", Text: "Reschedule"})
	h.ingest(whatsapp.Message{From: ids[1], Type: "text", Text: "tomorrow after 3pm"})
	h.ingest(whatsapp.Message{From: ids[2], Type: "text", Text: "2"})
	st := h.status(id)
	if st.Options["confirm"] != 1 || st.Options["reschedule"] != 1 || st.Options["cancel"] != 1 || *st.Rescheduled != 1 {
		t.Fatalf("options %v rescheduled %d", st.Options, *st.Rescheduled)
	}
	if _, e := h.recipient(id, 2); e.Preferred != "tomorrow after 3pm" {
		t.Fatalf("preferred time %q", e.Preferred)
	}
}

func TestIntegrationWebhooksSignedAndRetried(t *testing.T) {
	const secret = "integration-secret-123"
	var calls atomic.Int32
	got := make(chan Event, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !ValidSignature(body, r.Header.Get(SignatureHeader), secret) {
			t.Errorf("bad signature %q", r.Header.Get(SignatureHeader))
		}
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable) // the first try fails
			return
		}
		var ev Event
		if err := jsonUnmarshal(body, &ev); err != nil {
			t.Error(err)
		}
		got <- ev
	}))
	defer srv.Close()
	clk := clocktest.New(time.Now())
	h := newHarness(t, hopts{engine: true, now: clk.Now, cfg: Config{WebhookURLs: []string{srv.URL}, WebhookSecret: secret}})
	ids := h.contacts(1, "en")
	id := h.create(checkinSpec())
	h.waitState(id, StateSent)
	h.ingest(whatsapp.Message{From: ids[0], Type: "text", Text: "help"})
	deadline := time.After(20 * time.Second)
	types := map[string]bool{}
	for !types["checkin.need_help"] {
		clk.Add(time.Minute) // past any retry backoff
		select {
		case ev := <-got:
			types[ev.Type] = true
			if ev.Broadcast != id || ev.Contact != ids[0] {
				t.Fatalf("event %+v", ev)
			}
		case <-deadline:
			t.Fatalf("events received %v, want checkin.need_help", types)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// A stop whose time for sends ends (CutSends) while a broadcast's send
// is at a Graph API that does not answer ends without waiting for the
// client's timeout (a minute here): the cut send's outcome is unknown, so
// it is counted among the possible duplicates and sent once more, after
// the in-flight grace, by the run that takes the broadcast up.
func TestCutSendsEndsABroadcastSendHeldAtTheGraphAPI(t *testing.T) {
	graph := whatsapptest.NewServer(t)
	var held atomic.Bool
	graph.SetResponder(func(r whatsapptest.Request) whatsapptest.Response {
		if r.Kind == "message" && held.CompareAndSwap(false, true) {
			return whatsapptest.Response{Hold: make(chan struct{})} // until the client gives up
		}
		return whatsapptest.Response{}
	})
	h := newHarness(t, hopts{dir: t.TempDir(), graph: graph, timeout: time.Minute, cfg: Config{InFlightGrace: 100 * time.Millisecond}})
	to := h.contacts(1, "en")[0]
	id := h.create(noticeSpec())
	graph.WaitMessages(t, 1, 20*time.Second)

	closed := make(chan struct{})
	go func() { defer close(closed); h.svc.Close() }()
	h.svc.CutSends()
	select {
	case <-closed:
	case <-time.After(20 * time.Second):
		t.Fatal("Close still waiting 20s after its sends were cut, for a send held at the Graph API")
	}
	h.db.Close()
	h.svc = nil

	h.open(false)
	st := h.waitState(id, StateCompleted)
	if n := sendsTo(graph.Messages())[to]; n != 2 || st.Sent != 1 || st.PossibleDuplicates != 1 {
		t.Errorf("%d messages to the recipient, %d recorded sent, %d possible duplicates; want 2 (the cut one sent again), 1, 1",
			n, st.Sent, st.PossibleDuplicates)
	}
}

// After a dispatcher dies, possible_duplicates counts the sends it had
// handed to WhatsApp without a recorded outcome, not the recipients it
// had only marked and queued: those never reached WhatsApp and are sent
// once by the run that takes over.
func TestPossibleDuplicatesCountOnlySendsHandedToWhatsApp(t *testing.T) {
	const n = 400
	graph := whatsapptest.NewServer(t)
	graph.SetResponder(func(whatsapptest.Request) whatsapptest.Response {
		return whatsapptest.Response{Delay: 20 * time.Millisecond}
	})
	h := newHarness(t, hopts{dir: t.TempDir(), graph: graph, cfg: Config{RatePerNumber: 400, ChunkSize: 32, Concurrency: 2, InFlightGrace: 200 * time.Millisecond}})
	h.contacts(n, "en")
	id := h.create(noticeSpec())
	graph.WaitMessages(t, n/4, 20*time.Second)
	h.svc.crash() // like kill -9: results in flight are lost, queued sends never go
	got := sendsTo(graph.Messages())
	marked, handed := 0, 0
	for seq := uint64(1); seq <= n; seq++ {
		rec, _ := h.recipient(id, seq)
		if rec.State != recSending {
			continue
		}
		marked++
		if got[rec.WaID] > 0 {
			handed++
		}
	}
	if marked <= handed {
		t.Fatalf("%d marked sending at the crash, %d of them handed to WhatsApp: the test caught no queued send", marked, handed)
	}
	h.db.Close()
	h.svc = nil

	h.open(false)
	st := h.waitState(id, StateCompleted)
	counts := sendsTo(graph.Messages())
	dups := 0
	for who, c := range counts {
		if c > 1 {
			dups++
		}
		if c == 0 {
			t.Fatalf("%s never got the broadcast", who)
		}
	}
	if len(counts) != n || st.Sent != n {
		t.Fatalf("%d people reached, %d recorded sent; want %d", len(counts), st.Sent, n)
	}
	if int64(dups) > st.PossibleDuplicates || st.PossibleDuplicates > int64(handed) {
		t.Fatalf("possible duplicates %d, want between the %d real ones and the %d sends handed to WhatsApp at the crash (%d were marked)",
			st.PossibleDuplicates, dups, handed, marked)
	}
	t.Logf("%d marked sending at the crash, %d of them handed to WhatsApp; %d possible duplicates, %d real", marked, handed, st.PossibleDuplicates, dups)
}
