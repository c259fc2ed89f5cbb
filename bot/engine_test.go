package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/coord"
	"lifeline/kb"
	"lifeline/store"
)

const (
	testSecret = "test-app-secret"
	testPhone  = "100200300400500"
	testToken  = "test-access-token"
)

// stubKB answers questions about shelters and nothing else.
type stubKB struct{}

func (stubKB) Search(q, lang string, limit int) kb.Result {
	if strings.Contains(strings.ToLower(q), "shelter") || strings.Contains(q, "مأوى") {
		return kb.Result{Decision: kb.DecisionAnswer, Lang: "en", Results: []kb.Hit{
			{ID: "shelter", Question: "Where are the shelters?", Answer: "Shelters are open at the town hall.", Lang: "en"}}}
	}
	return kb.Result{Decision: kb.DecisionNone, Lang: lang}
}

type harness struct {
	t      *testing.T
	db     *store.DB
	engine *Engine
	graph  *whatsapptest.Server
}

type harnessOpts struct {
	dir     string // on-disk store; in memory when empty
	cfg     Config
	now     func() time.Time
	timeout time.Duration
	graph   *whatsapptest.Server
	obs     Observer // nil for none
	log     *zerolog.Logger
	// media, when set, builds the engine's downloader over the store
	// and the fake's client.
	media func(*store.DB, *whatsapp.Client) MediaQueue
	// wakers replaces the engine's wake-ups (Options.Wakers).
	wakers func(in, out coord.Waker) (coord.Waker, coord.Waker)
	// backend, when set, wraps the store the engine works on (fault
	// injection); the wrapper's Close closes the store.
	backend func(*store.DB) store.Backend
}

func newHarness(t *testing.T, o harnessOpts) *harness {
	t.Helper()
	opts := store.Options{Dir: o.dir, InMemory: o.dir == "", Logger: zerolog.Nop()}
	if o.media != nil && o.dir == "" {
		opts.MediaDir = t.TempDir()
	}
	db, err := store.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	if o.backend != nil {
		if db, err = store.OpenBackend(o.backend(db), "wrapped", opts); err != nil {
			t.Fatal(err)
		}
	}
	graph := o.graph
	if graph == nil {
		graph = whatsapptest.NewServer(t, whatsapptest.Strict()) // a call to anything but a send fails the test
	}
	if o.timeout == 0 {
		o.timeout = 5 * time.Second
	}
	client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: graph.URL, Version: "v23.0", AccessToken: testToken, Timeout: o.timeout})
	cfg := o.cfg
	cfg.PhoneNumberIDs = []string{testPhone}
	if cfg.RatePerNumber == 0 {
		cfg.RatePerNumber = 1000
	}
	if cfg.Backoff == nil {
		cfg.Backoff = func(whatsapp.Action, int) time.Duration { return time.Millisecond }
	}
	logger := zerolog.Nop()
	if o.log != nil {
		logger = *o.log
	}
	eo := Options{DB: db, Sender: client, KB: stubKB{}, Logger: logger, Now: o.now, Observer: o.obs, Wakers: o.wakers}
	if o.media != nil {
		eo.Media = o.media(db, client)
	}
	e := New(cfg, eo)
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, db: db, engine: e, graph: graph}
	t.Cleanup(h.stop)
	return h
}

func (h *harness) stop() {
	if h.engine == nil {
		return
	}
	h.engine.Close()
	h.db.Close()
	h.engine = nil
}

// accept hands body to the engine as the webhook does once its signature
// is checked (the HTTP side is tested in package admin).
func (h *harness) accept(body []byte) error {
	h.t.Helper()
	return h.engine.Accept(body)
}

func (h *harness) mustAccept(body []byte) {
	h.t.Helper()
	if err := h.accept(body); err != nil {
		h.t.Fatal(err)
	}
}

// read runs fn against the store and fails the test on error.
func (h *harness) read(fn func(ctx context.Context, r store.Reader) error) {
	h.t.Helper()
	ctx := context.Background()
	if err := h.db.Read(ctx, func(r store.Reader) error { return fn(ctx, r) }); err != nil {
		h.t.Fatal(err)
	}
}

// inboxLeft is how many inbound events wait in the inbox, readable or not.
func (h *harness) inboxLeft() int {
	n := 0
	h.read(func(ctx context.Context, r store.Reader) error {
		return store.EachPendingInbox(ctx, r, func(uint64, json.RawMessage, error) error { n++; return nil })
	})
	return n
}

// deadLetters is how many events were set aside as unprocessable.
func (h *harness) deadLetters() int {
	n := 0
	h.read(func(ctx context.Context, r store.Reader) error {
		return store.EachDeadLetter(ctx, r, func(json.RawMessage) error { n++; return nil })
	})
	return n
}

// handoffCount is how many handoffs are open or queued.
func (h *harness) handoffCount() int {
	n := 0
	h.read(func(ctx context.Context, r store.Reader) error {
		return store.EachHandoff(ctx, r, func(json.RawMessage) error { n++; return nil })
	})
	return n
}

// contactCount is how many contacts are stored.
func (h *harness) contactCount() int {
	n := 0
	h.read(func(ctx context.Context, r store.Reader) error {
		return store.EachContact(ctx, r, "", func(*store.Contact) error { n++; return nil })
	})
	return n
}

// contact is user's stored contact; a missing one fails the test.
func (h *harness) contact(user string) store.Contact {
	h.t.Helper()
	var c store.Contact
	h.read(func(ctx context.Context, r store.Reader) (err error) {
		c, err = store.GetContact(ctx, r, user)
		if err != nil {
			return fmt.Errorf("contact %q: %w", user, err)
		}
		return nil
	})
	return c
}

// seen is how many inbound ids starting with idPrefix are remembered.
func (h *harness) seen(idPrefix string) int {
	n := 0
	h.read(func(ctx context.Context, r store.Reader) (err error) {
		n, err = store.CountSeen(ctx, r, idPrefix)
		return err
	})
	return n
}

func (h *harness) transcript(user string) []store.Entry {
	var out []store.Entry
	h.read(func(ctx context.Context, r store.Reader) error {
		return store.EachTranscriptEntry(ctx, r, user, func(e store.Entry) error { out = append(out, e); return nil })
	})
	return out
}

// textPayload is a webhook POST with one text message, in Meta's shape.
func textPayload(id, from, text string, at time.Time) []byte {
	return []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"900800700600500","changes":[{"field":"messages","value":{
"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":%q},
"contacts":[{"profile":{"name":"Test"},"wa_id":%q}],
"messages":[{"from":%q,"id":%q,"timestamp":"%d","type":"text","text":{"body":%q}}]}}]}]}`,
		testPhone, from, from, id, at.Unix(), text))
}

func TestSignedTextGetsExactlyOneReplyAndReplayGetsNone(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	body := textPayload("wamid.T1", "966512345678", "hello", time.Now())
	if err := h.accept(body); err != nil {
		t.Fatalf("POST: %v", err)
	}
	msgs := h.graph.WaitMessages(t, 1, 10*time.Second)
	h.engine.WaitIdle()
	if len(msgs) != 1 {
		t.Fatalf("got %d reply requests, want 1", len(msgs))
	}
	if msgs[0].To != "966512345678" || msgs[0].PhoneNumberID != testPhone || msgs[0].Version != "v23.0" {
		t.Errorf("reply went to %q via %s/%s", msgs[0].To, msgs[0].Version, msgs[0].PhoneNumberID)
	}
	reads := 0
	for _, r := range h.graph.Requests() {
		if r.Kind == "read" {
			reads++
		}
	}
	if reads != 1 {
		t.Errorf("mark-read requests = %d, want 1", reads)
	}

	// Meta delivers at least once: the same POST again changes nothing.
	if err := h.accept(body); err != nil {
		t.Fatalf("replayed POST: %v", err)
	}
	h.engine.WaitIdle()
	if n := len(h.graph.Messages()); n != 1 {
		t.Fatalf("after replay: %d reply requests, want still 1", n)
	}
	if n := h.inboxLeft(); n != 0 {
		t.Errorf("inbox holds %d entries after processing", n)
	}
}

// Every fixture of the Cloud API package is accepted and processed without
// leaving anything behind: no inbox entry, nothing set aside.
func TestEveryFixtureIsAcceptedAndProcessed(t *testing.T) {
	files, err := filepath.Glob("whatsapp/testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	fixtureTime := time.Unix(1750000000, 0).Add(time.Minute)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			body, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			h := newHarness(t, harnessOpts{now: func() time.Time { return fixtureTime }})
			if err := h.accept(body); err != nil {
				t.Fatalf("POST: %v", err)
			}
			h.engine.WaitIdle()
			if n := h.inboxLeft(); n != 0 {
				t.Errorf("inbox holds %d entries", n)
			}
			if n := h.deadLetters(); n != 0 {
				t.Errorf("%d events set aside", n)
			}
			if n := len(h.outbox()); n != 0 {
				t.Errorf("outbox holds %d entries", n)
			}
			for _, m := range h.graph.Messages() {
				if m.To == "" && m.Body["recipient"] == nil {
					t.Errorf("reply without recipient: %s", m.Raw)
				}
			}
		})
	}
}

func TestUnreadableTypesGetAPoliteReply(t *testing.T) {
	// A voice note is not among them: it goes to a person (TestVoiceNoteOpensAHandoff).
	for _, fixture := range []string{"sticker_animated.json", "unknown_type.json", "unsupported.json"} {
		t.Run(fixture, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("whatsapp/testdata", fixture))
			if err != nil {
				t.Fatal(err)
			}
			h := newHarness(t, harnessOpts{now: func() time.Time { return time.Unix(1750000060, 0) }})
			h.mustAccept(body)
			msgs := h.graph.WaitMessages(t, 1, 10*time.Second)
			inter, _ := msgs[0].Body["interactive"].(map[string]any)
			if inter == nil || inter["type"] != "button" {
				t.Fatalf("want a menu with buttons, got %s", msgs[0].Raw)
			}
		})
	}
}

func TestSendErrorsAreClassified(t *testing.T) {
	cases := []struct {
		name       string
		respond    []whatsapptest.Response // answers to the reply, in order
		template   bool                    // a re-engagement template is configured
		wantSends  int                     // reply requests the fake receives
		wantStatus string                  // final transcript status of the reply
		wantCode   int
		templateAt int // index of the request that must be a template, or -1
	}{
		{"throughput 130429 retried", []whatsapptest.Response{{Code: 130429}}, false, 2, store.StatusSent, 0, -1},
		{"pair rate 131056 retried", []whatsapptest.Response{{Code: 131056}, {Code: 131056}}, false, 3, store.StatusSent, 0, -1},
		{"5xx without body retried", []whatsapptest.Response{{Status: 502}}, false, 2, store.StatusSent, 0, -1},
		{"131000 retried", []whatsapptest.Response{{Code: 131000, Status: 500}}, false, 2, store.StatusSent, 0, -1},
		{"timeout held for its status, sent again after the grace", []whatsapptest.Response{{Hang: true}}, false, 2, store.StatusSent, 0, -1},
		{"131026 final", []whatsapptest.Response{{Code: 131026}}, false, 1, store.StatusFailed, 131026, -1},
		{"131047 without template final", []whatsapptest.Response{{Code: 131047}}, false, 1, store.StatusFailed, 131047, -1},
		{"131047 switches to template", []whatsapptest.Response{{Code: 131047}}, true, 2, store.StatusSent, 0, 1},
		{"100 developer error final", []whatsapptest.Response{{Code: 100}}, false, 1, store.StatusFailed, 100, -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			graph := whatsapptest.NewServer(t)
			var mu sync.Mutex
			n := 0
			graph.SetResponder(func(r whatsapptest.Request) whatsapptest.Response {
				if r.Kind != "message" {
					return whatsapptest.Response{}
				}
				mu.Lock()
				defer mu.Unlock()
				n++
				if n <= len(tc.respond) {
					return tc.respond[n-1]
				}
				return whatsapptest.Response{}
			})
			cfg := Config{UnknownGrace: 50 * time.Millisecond} // no status webhooks come in this test
			if tc.template {
				cfg.ReengageTemplate = &whatsapp.Template{Name: "crisis_update", Language: "en"}
			}
			h := newHarness(t, harnessOpts{graph: graph, cfg: cfg, timeout: 300 * time.Millisecond})
			h.mustAccept(textPayload("wamid.E1", "15550001234", "hello", time.Now()))
			h.graph.WaitMessages(t, tc.wantSends, 10*time.Second)
			h.engine.WaitIdle()
			msgs := h.graph.Messages()
			if len(msgs) != tc.wantSends {
				t.Fatalf("reply requests = %d, want %d", len(msgs), tc.wantSends)
			}
			if tc.templateAt >= 0 && msgs[tc.templateAt].Body["type"] != "template" {
				t.Errorf("request %d is %v, want a template", tc.templateAt, msgs[tc.templateAt].Body["type"])
			}
			var reply *store.Entry
			for _, e := range h.transcript("15550001234") {
				if e.Dir == store.Out {
					reply = &e
				}
			}
			if reply == nil {
				t.Fatal("no reply in transcript")
			}
			if reply.Status != tc.wantStatus || reply.ErrorCode != tc.wantCode {
				t.Errorf("reply status %q code %d, want %q %d", reply.Status, reply.ErrorCode, tc.wantStatus, tc.wantCode)
			}
		})
	}
}

func TestDeliveryStatusesAdvanceMonotonically(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.mustAccept(textPayload("wamid.S1", "15550004321", "hello", time.Now()))
	h.graph.WaitMessages(t, 1, 10*time.Second)
	h.engine.WaitIdle()
	var wamid string
	for _, e := range h.transcript("15550004321") {
		if e.Dir == store.Out {
			wamid = e.MessageID
		}
	}
	if wamid == "" {
		t.Fatal("reply has no wamid")
	}
	for _, st := range []string{"read", "delivered", "sent"} { // out of order, as Meta may send them
		body := []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":%q},"statuses":[{"id":%q,"status":%q,"timestamp":"%d","recipient_id":"15550004321"}]}}]}]}`,
			testPhone, wamid, st, time.Now().Unix()))
		if err := h.accept(body); err != nil {
			t.Fatalf("status POST: %v", err)
		}
	}
	h.engine.WaitIdle()
	for _, e := range h.transcript("15550004321") {
		if e.MessageID == wamid && e.Status != store.StatusRead {
			t.Errorf("status = %q, want read", e.Status)
		}
	}
}

// Messages of one user are processed in the order they arrived, one at a time.
func TestOneUsersMessagesStayInOrder(t *testing.T) {
	h := newHarness(t, harnessOpts{cfg: Config{Workers: 8}})
	const n = 20
	for i := 0; i < n; i++ {
		h.mustAccept(textPayload(fmt.Sprintf("wamid.O%d", i), "15550007777", fmt.Sprintf("shelter %d", i), time.Now()))
	}
	h.engine.WaitIdle()
	var got []string
	for _, e := range h.transcript("15550007777") {
		if e.Dir == store.In {
			got = append(got, e.Text)
		}
	}
	if len(got) != n {
		t.Fatalf("processed %d messages, want %d", len(got), n)
	}
	for i, text := range got {
		if want := fmt.Sprintf("shelter %d", i); text != want {
			t.Fatalf("message %d is %q, want %q", i, text, want)
		}
	}
}

// A burst is acknowledged, the server stops before it has processed it,
// and a new server on the same data directory finishes the work: every
// message gets exactly one reply.
func TestRestartLosesNothingAndRepliesOnce(t *testing.T) {
	dir := t.TempDir()
	graph := whatsapptest.NewServer(t)
	graph.SetResponder(func(whatsapptest.Request) whatsapptest.Response {
		return whatsapptest.Response{Delay: 25 * time.Millisecond}
	})
	const users, perUser = 40, 5
	first := newHarness(t, harnessOpts{dir: dir, graph: graph, cfg: Config{SendWorkers: 2, MaxInFlight: 2, ShutdownGrace: time.Millisecond}})
	for i := 0; i < perUser; i++ {
		for u := 0; u < users; u++ {
			body := textPayload(fmt.Sprintf("wamid.B%d.%d", u, i), fmt.Sprintf("1555010%04d", u), "hello", time.Now())
			if err := first.accept(body); err != nil {
				t.Fatalf("POST: %v", err)
			}
		}
	}
	first.stop()
	sentBefore := len(graph.Messages())
	if sentBefore >= users*perUser {
		t.Fatalf("all %d replies went out before the stop; the test proves nothing", sentBefore)
	}

	second := newHarness(t, harnessOpts{dir: dir, graph: graph})
	graph.WaitMessages(t, users*perUser, 30*time.Second)
	second.engine.WaitIdle()
	perTo := map[string]int{}
	for _, m := range graph.Messages() {
		perTo[m.To]++
	}
	if len(perTo) != users {
		t.Fatalf("replies reached %d users, want %d", len(perTo), users)
	}
	for to, n := range perTo {
		if n != perUser {
			t.Errorf("%s got %d replies, want %d", to, n, perUser)
		}
	}
	if n := second.inboxLeft(); n != 0 {
		t.Errorf("inbox holds %d entries", n)
	}
	t.Logf("%d of %d replies were sent before the stop", sentBefore, users*perUser)
}

// The sandbox's phones report what WhatsApp would: sent and delivered with
// each message, read when the person writes back, once.
func TestSandboxPhonesReportDeliveryAndReading(t *testing.T) {
	var (
		mu      sync.Mutex
		got     []whatsapp.Status
		arrived = make(chan struct{}, 10)
	)
	s := &SandboxSender{Report: func(b *whatsapp.Batch) (int, error) {
		mu.Lock()
		got = append(got, b.Statuses...)
		mu.Unlock()
		arrived <- struct{}{}
		return len(b.Statuses), nil
	}}
	msg := whatsapp.Outbound{To: "966501234567", Kind: whatsapp.KindText, Text: "stay indoors", CallbackData: "bc:bc000001:1"}
	res, err := s.Send(context.Background(), "sandbox", msg)
	if err != nil {
		t.Fatal(err)
	}
	<-arrived
	s.ReadBy("966501234567")
	s.ReadBy("966501234567") // nothing new to read
	s.ReadBy("15550001111")  // never sent anything
	mu.Lock()
	defer mu.Unlock()
	want := []string{store.StatusSent, store.StatusDelivered, store.StatusRead}
	if len(got) != len(want) {
		t.Fatalf("statuses %+v, want %v", got, want)
	}
	for i, st := range got {
		if st.Status != want[i] || st.ID != res.MessageID || st.RecipientID != msg.To || st.BizOpaqueCallbackData != msg.CallbackData || st.PhoneNumberID != "sandbox" {
			t.Errorf("status %d: %+v", i, st)
		}
	}
}

// A restarted sandbox must not hand out message ids again: statuses are
// de-duplicated by id, so a repeated id would lose the new message's.
func TestSandboxIdsStayUniqueAcrossRestarts(t *testing.T) {
	msg := whatsapp.Outbound{To: "966501234567", Kind: whatsapp.KindText, Text: "hello"}
	first, err := (&SandboxSender{}).Send(context.Background(), "sandbox", msg)
	if err != nil {
		t.Fatal(err)
	}
	again, err := (&SandboxSender{}).Send(context.Background(), "sandbox", msg)
	if err != nil {
		t.Fatal(err)
	}
	if first.MessageID == again.MessageID {
		t.Fatalf("the first message of two runs share the id %s", first.MessageID)
	}
}
