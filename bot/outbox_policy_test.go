package bot

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/clocktest"
	"lifeline/bot/handoffs"
	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/store"
)

// outageObserver counts the outage alerts and recoveries the engine reports.
type outageObserver struct {
	NopObserver
	mu                 sync.Mutex
	stalled, recovered map[string]int
	failed             int
}

func newOutageObserver() *outageObserver {
	return &outageObserver{stalled: map[string]int{}, recovered: map[string]int{}}
}

func (o *outageObserver) SendingStalled(phone string, code int) {
	o.mu.Lock()
	o.stalled[phone]++
	o.mu.Unlock()
}

func (o *outageObserver) SendingRecovered(phone string, after time.Duration) {
	o.mu.Lock()
	o.recovered[phone]++
	o.mu.Unlock()
}

func (o *outageObserver) SendFailed(string, int) {
	o.mu.Lock()
	o.failed++
	o.mu.Unlock()
}

// statusPayload is a status webhook in Meta's shape; errCode != 0 makes
// it a failed status with that error.
func statusPayload(wamid, status, to, callback string, errCode int, at time.Time) []byte {
	errs := ""
	if errCode != 0 {
		errs = fmt.Sprintf(`,"errors":[{"code":%d,"title":"error %d","message":"error %d","error_data":{"details":"x"}}]`, errCode, errCode, errCode)
	}
	return []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":%q},"statuses":[{"id":%q,"status":%q,"timestamp":"%d","recipient_id":%q,"biz_opaque_callback_data":%q%s}]}}]}]}`,
		testPhone, wamid, status, at.Unix(), to, callback, errs))
}

// waitFor polls the store until cond holds; it fails the test after 20 s.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// outbox returns the stored outbox items.
func (h *harness) outbox() []store.OutboxItem {
	var out []store.OutboxItem
	h.read(func(ctx context.Context, r store.Reader) error {
		return store.EachOutboxItem(ctx, r, func(it store.OutboxItem) error { out = append(out, it); return nil })
	})
	return out
}

// replies returns the outbound transcript entries of user.
func (h *harness) replies(user string) []store.Entry {
	var out []store.Entry
	for _, e := range h.transcript(user) {
		if e.Dir == store.Out {
			out = append(out, e)
		}
	}
	return out
}

// A Graph API outage of 30 minutes (on the engine's clock) with every
// kind of transient failure: no reply is lost, each is sent once it
// recovers, and the admin is alerted once for the number, not per
// message, and told when sending recovers.
func TestThirtyMinuteOutageLosesNoReplyAndAlertsOnce(t *testing.T) {
	start := time.Now().Truncate(time.Second)
	clock := clocktest.New(start)
	// Every look at the clock moves it a little, so short waits on the
	// engine's clock pass; each failed request moves it a minute for four
	// users, less for more, so that each reply meets about as many
	// failures whatever the number of users.
	now := func() time.Time { clock.Add(time.Millisecond); return clock.Now() }
	failures := []whatsapptest.Response{
		{Status: 503},                                      // load balancer, no body
		{Code: 130429, Status: 400},                        // throughput
		{Code: 131000, Status: 500},                        // something went wrong
		{Code: 131016, Status: 503},                        // service unavailable
		{Body: []byte(`{"messaging_product":"whatsapp"}`)}, // 200 without a message id: outcome unknown
	}
	graph := whatsapptest.NewServer(t, faultLatency(t))
	// LIFELINE_OUTAGE_USERS makes the long run (see BENCHMARKS.md, Fault run).
	users := make([]string, envInt("LIFELINE_OUTAGE_USERS", 4))
	for i := range users {
		users[i] = fmt.Sprintf("1555111%04d", i+1)
	}
	step := 4 * time.Minute / time.Duration(len(users))
	var (
		mu        sync.Mutex
		failed    int
		successes = map[string]int{}
	)
	graph.SetResponder(func(r whatsapptest.Request) whatsapptest.Response {
		if r.Kind != "message" {
			return whatsapptest.Response{}
		}
		mu.Lock()
		defer mu.Unlock()
		if clock.Now().Sub(start) < 30*time.Minute {
			clock.Add(step)
			failed++
			return failures[failed%len(failures)]
		}
		successes[r.To]++
		return whatsapptest.Response{}
	})
	obs := newOutageObserver()
	var logs syncBuffer
	logger := zerolog.New(&logs).Level(zerolog.InfoLevel)
	h := newHarness(t, harnessOpts{graph: graph, now: now, obs: obs, log: &logger,
		// Three fast retries: the old engine dropped a reply after them.
		cfg: Config{MaxAttempts: 3, UnknownGrace: 5 * time.Millisecond}})

	for i, u := range users {
		if err := h.accept(textPayload(fmt.Sprintf("wamid.outage.%d", i), u, "hello", start)); err != nil {
			t.Fatalf("webhook: %v", err)
		}
	}
	h.engine.WaitIdle()

	mu.Lock()
	defer mu.Unlock()
	if elapsed := clock.Now().Sub(start); elapsed < 30*time.Minute {
		t.Fatalf("the outage lasted %v on the engine's clock, want 30 minutes", elapsed)
	}
	for _, u := range users {
		if successes[u] != 1 {
			t.Errorf("%s: %d replies accepted, want exactly 1", u, successes[u])
		}
		for _, e := range h.replies(u) {
			if e.Status != store.StatusSent || e.MessageID == "" {
				t.Errorf("%s: reply %q ended %q (%s), want sent", u, e.Text, e.Status, e.Error)
			}
		}
	}
	if n := len(h.outbox()); n != 0 {
		t.Errorf("%d items left in the outbox", n)
	}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if obs.stalled[testPhone] != 1 || obs.recovered[testPhone] != 1 || obs.failed != 0 {
		t.Errorf("observer told of %d outages, %d recoveries, %d messages given up; want 1, 1, 0", obs.stalled[testPhone], obs.recovered[testPhone], obs.failed)
	}
	if n := strings.Count(logs.String(), "ALERT:"); n != 1 {
		t.Errorf("%d ALERT lines, want 1:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "sending recovered") {
		t.Error("no log line says sending recovered")
	}
	t.Logf("%d users, %d failed requests over %v, every reply accepted once", len(users), failed, clock.Now().Sub(start).Round(time.Minute))
}

// A free-form reply waiting through an outage is kept until its 24-hour
// window closes; then the re-engagement template goes if one is set, and
// otherwise the transcript says why the reply failed.
func TestOutageOutlastingTheWindow(t *testing.T) {
	for _, withTemplate := range []bool{true, false} {
		t.Run(fmt.Sprintf("template=%v", withTemplate), func(t *testing.T) {
			// The person wrote almost 24 hours ago: 10 minutes of window
			// are left after the margin.
			start := time.Now().Truncate(time.Second)
			clock := clocktest.New(start)
			now := func() time.Time { clock.Add(time.Millisecond); return clock.Now() }
			wrote := start.Add(-24*time.Hour + 20*time.Minute)
			graph := whatsapptest.NewServer(t)
			graph.SetResponder(func(r whatsapptest.Request) whatsapptest.Response {
				if r.Kind != "message" || r.Body["type"] == "template" {
					return whatsapptest.Response{}
				}
				clock.Add(time.Minute)
				return whatsapptest.Response{Code: 131000, Status: 500}
			})
			cfg := Config{MaxAttempts: 2}
			if withTemplate {
				cfg.ReengageTemplate = &whatsapp.Template{Name: "crisis_update", Language: "en"}
			}
			obs := newOutageObserver()
			h := newHarness(t, harnessOpts{graph: graph, now: now, obs: obs, cfg: cfg})
			// The message itself arrives late (a webhook replayed after an
			// outage of ours); its timestamp says when it was written.
			if err := h.accept(textPayload("wamid.late.1", "15551110009", "hello", wrote)); err != nil {
				t.Fatalf("webhook: %v", err)
			}
			h.engine.WaitIdle()
			var templates int
			for _, m := range graph.Messages() {
				if m.Body["type"] == "template" {
					templates++
				}
			}
			reply := h.replies("15551110009")[0]
			if withTemplate {
				if templates != 1 || reply.Status != store.StatusSent {
					t.Fatalf("%d templates sent, reply %q %s; want the template sent once", templates, reply.Status, reply.Error)
				}
				return
			}
			if templates != 0 || reply.Status != store.StatusFailed || !strings.Contains(reply.Error, "window closed") {
				t.Fatalf("reply %q %q, %d templates; want failed because the window closed", reply.Status, reply.Error, templates)
			}
			if obs.failed != 1 {
				t.Errorf("%d messages given up, want 1", obs.failed)
			}
		})
	}
}

// A send whose answer is lost (the client times out, or the answer is
// broken JSON; WhatsApp accepted it) is not sent again: its status
// webhook, which names the outbox item in biz_opaque_callback_data,
// settles it, whether the status comes while the client still waits or
// after the item was held.
func TestSlowSuccessIsSettledByItsStatus(t *testing.T) {
	cases := []struct {
		label  string
		early  bool // the status webhook arrives before the client gives up
		broken bool // a 200 whose body is cut short, instead of no answer
	}{
		{"status while the send is under way", true, false},
		{"status after the send was held", false, false},
		{"broken success answer, status after the send was held", false, true},
	}
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			const user = "15552220001"
			graph := whatsapptest.NewServer(t)
			var h *harness
			var once sync.Once
			graph.SetResponder(func(r whatsapptest.Request) whatsapptest.Response {
				if r.Kind != "message" {
					return whatsapptest.Response{}
				}
				cb, _ := r.Body["biz_opaque_callback_data"].(string)
				if !strings.HasPrefix(cb, "o:") {
					t.Errorf("reply carries callback data %q, want o:<seq>", cb)
				}
				resp := whatsapptest.Response{}
				once.Do(func() {
					resp = whatsapptest.Response{Hang: true}
					if tc.broken {
						resp = whatsapptest.Response{Body: []byte(`{"messaging_product":"whatsapp","messages":[{"id":"wamid.SL`)}
					}
					if tc.early {
						h.mustAccept(statusPayload("wamid.SLOW1", "sent", user, cb, 0, time.Now()))
					}
				})
				return resp
			})
			// The default grace (a minute) is far longer than the test: a
			// second request could only come from a resend without a status.
			h = newHarness(t, harnessOpts{graph: graph, timeout: 200 * time.Millisecond})
			if err := h.accept(textPayload("wamid.slow.1", user, "hello", time.Now())); err != nil {
				t.Fatalf("webhook: %v", err)
			}
			first := graph.WaitMessages(t, 1, 10*time.Second)[0]
			cb := first.Body["biz_opaque_callback_data"].(string)
			if !tc.early {
				h.waitFor("the send to be held for its status", func() bool {
					items := h.outbox()
					return len(items) == 1 && !items[0].UnknownSince.IsZero()
				})
				h.mustAccept(statusPayload("wamid.SLOW1", "sent", user, cb, 0, time.Now()))
			}
			h.mustAccept(statusPayload("wamid.SLOW1", "delivered", user, cb, 0, time.Now()))
			h.engine.WaitIdle()
			if n := len(graph.Messages()); n != 1 {
				t.Fatalf("%d message requests reached the Graph API, want exactly 1", n)
			}
			reply := h.replies(user)[0]
			if reply.MessageID != "wamid.SLOW1" || reply.Status != store.StatusDelivered {
				t.Errorf("reply %q status %q, want wamid.SLOW1 delivered", reply.MessageID, reply.Status)
			}
			if n := len(h.outbox()); n != 0 {
				t.Errorf("%d items left in the outbox", n)
			}
		})
	}
}

// A held send survives a restart: the new process still waits for the
// status, and the status settles it without a second request.
func TestHeldSendSurvivesARestart(t *testing.T) {
	const user = "15552220002"
	dir := t.TempDir()
	graph := whatsapptest.NewServer(t)
	var once sync.Once
	graph.SetResponder(func(r whatsapptest.Request) whatsapptest.Response {
		resp := whatsapptest.Response{}
		if r.Kind == "message" {
			once.Do(func() { resp = whatsapptest.Response{Hang: true} })
		}
		return resp
	})
	first := newHarness(t, harnessOpts{dir: dir, graph: graph, timeout: 200 * time.Millisecond, cfg: Config{ShutdownGrace: time.Millisecond}})
	first.mustAccept(textPayload("wamid.held.1", user, "hello", time.Now()))
	cb := graph.WaitMessages(t, 1, 10*time.Second)[0].Body["biz_opaque_callback_data"].(string)
	first.waitFor("the send to be held", func() bool {
		items := first.outbox()
		return len(items) == 1 && !items[0].UnknownSince.IsZero()
	})
	first.stop()

	second := newHarness(t, harnessOpts{dir: dir, graph: graph})
	second.mustAccept(statusPayload("wamid.HELD1", "read", user, cb, 0, time.Now()))
	second.engine.WaitIdle()
	if n := len(graph.Messages()); n != 1 {
		t.Fatalf("%d message requests, want 1", n)
	}
	if r := second.replies(user)[0]; r.MessageID != "wamid.HELD1" || r.Status != store.StatusRead {
		t.Errorf("reply %q %q, want wamid.HELD1 read", r.MessageID, r.Status)
	}
}

// Failures reported later, in a failed status webhook, enter the same
// policy as failures in the answer to the send.
func TestFailedStatusesReEnterThePolicy(t *testing.T) {
	tpl := &whatsapp.Template{Name: "crisis_update", Language: "en"}
	cases := []struct {
		label     string
		code      int
		template  *whatsapp.Template
		resends   int  // Config.StatusResends
		failAgain bool // the re-sent message fails the same way
		wantSends int  // message requests in all
		wantType  string
		wantFinal string // final status of the original reply's entry
		wantCode  int
		unreach   bool
	}{
		{label: "131047 sends the re-engagement template", code: 131047, template: tpl, wantSends: 2, wantType: "template", wantFinal: store.StatusFailed, wantCode: 131047},
		{label: "131047 without a template fails the reply", code: 131047, wantSends: 1, wantFinal: store.StatusFailed, wantCode: 131047},
		{label: "131000 sends the message again once", code: 131000, wantSends: 2, wantType: "interactive", wantFinal: store.StatusSent},
		{label: "130429 sends the message again once", code: 130429, wantSends: 2, wantType: "interactive", wantFinal: store.StatusSent},
		{label: "131056 sends the message again once", code: 131056, wantSends: 2, wantType: "interactive", wantFinal: store.StatusSent},
		{label: "re-sends after failed statuses are bounded", code: 131016, resends: 1, failAgain: true, wantSends: 2, wantType: "interactive", wantFinal: store.StatusFailed, wantCode: 131016},
		{label: "131026 marks the contact and is not sent again", code: 131026, wantSends: 1, wantFinal: store.StatusFailed, wantCode: 131026, unreach: true},
	}
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			const user = "15553330001"
			h := newHarness(t, harnessOpts{cfg: Config{ReengageTemplate: tc.template, StatusResends: tc.resends}})
			h.mustAccept(textPayload("wamid.fs.1", user, "hello", time.Now()))
			sent := h.graph.WaitMessages(t, 1, 10*time.Second)[0]
			h.engine.WaitIdle()
			orig := h.replies(user)[0]
			fail := func(wamid, cb string) {
				if err := h.accept(statusPayload(wamid, "failed", user, cb, tc.code, time.Now())); err != nil {
					t.Fatalf("status webhook: %v", err)
				}
				h.engine.WaitIdle()
			}
			fail(orig.MessageID, sent.Body["biz_opaque_callback_data"].(string))
			if tc.failAgain {
				again := h.graph.WaitMessages(t, 2, 10*time.Second)[1]
				h.engine.WaitIdle()
				if cb := again.Body["biz_opaque_callback_data"]; !strings.HasSuffix(cb.(string), ":1") {
					t.Errorf("re-sent message carries %v, want its re-send count", cb)
				}
				fail(h.replies(user)[0].MessageID, again.Body["biz_opaque_callback_data"].(string))
			}
			msgs := h.graph.Messages()
			if len(msgs) != tc.wantSends {
				t.Fatalf("%d message requests, want %d", len(msgs), tc.wantSends)
			}
			if tc.wantType != "" && msgs[len(msgs)-1].Body["type"] != tc.wantType {
				t.Errorf("last request is %v, want %s", msgs[len(msgs)-1].Body["type"], tc.wantType)
			}
			if tc.wantType == "interactive" && string(msgs[1].Body["interactive"].(map[string]any)["body"].(map[string]any)["text"].(string)) !=
				msgs[0].Body["interactive"].(map[string]any)["body"].(map[string]any)["text"].(string) {
				t.Errorf("the re-sent message differs from the original:\n%s\n%s", msgs[0].Raw, msgs[1].Raw)
			}
			got := h.replies(user)[0]
			if got.Status != tc.wantFinal || got.ErrorCode != tc.wantCode {
				t.Errorf("reply entry %q code %d (%s), want %q code %d", got.Status, got.ErrorCode, got.Error, tc.wantFinal, tc.wantCode)
			}
			if tc.wantFinal == store.StatusSent && got.MessageID == orig.MessageID {
				t.Errorf("reply entry keeps the failed wamid %s", got.MessageID)
			}
			c := h.contact(user)
			if c.Unreachable != tc.unreach {
				t.Errorf("contact unreachable = %v, want %v", c.Unreachable, tc.unreach)
			}
			if n := len(h.outbox()); n != 0 {
				t.Errorf("%d items left in the outbox", n)
			}
		})
	}
}

// A failed status for a send that was held (outcome unknown) decides it
// like a failed send: a transient code sends it again, once.
func TestFailedStatusForAHeldSendSendsItAgain(t *testing.T) {
	const user = "15552220003"
	graph := whatsapptest.NewServer(t)
	var once sync.Once
	graph.SetResponder(func(r whatsapptest.Request) whatsapptest.Response {
		resp := whatsapptest.Response{}
		if r.Kind == "message" {
			once.Do(func() { resp = whatsapptest.Response{Hang: true} })
		}
		return resp
	})
	h := newHarness(t, harnessOpts{graph: graph, timeout: 200 * time.Millisecond})
	h.mustAccept(textPayload("wamid.hf.1", user, "hello", time.Now()))
	cb := graph.WaitMessages(t, 1, 10*time.Second)[0].Body["biz_opaque_callback_data"].(string)
	h.waitFor("the send to be held", func() bool {
		items := h.outbox()
		return len(items) == 1 && !items[0].UnknownSince.IsZero()
	})
	h.mustAccept(statusPayload("wamid.HF1", "failed", user, cb, 131000, time.Now()))
	graph.WaitMessages(t, 2, 10*time.Second)
	h.engine.WaitIdle()
	if n := len(graph.Messages()); n != 2 {
		t.Fatalf("%d message requests, want 2", n)
	}
	if r := h.replies(user)[0]; r.Status != store.StatusSent || r.MessageID == "" {
		t.Errorf("reply %q %q, want sent", r.Status, r.MessageID)
	}
}

// Every message that leaves through the outbox names its item in
// biz_opaque_callback_data, whoever wrote it: the conversation's replies
// and an agent's, so that a status can settle a send whose answer was lost.
func TestEveryReplyNamesItsOutboxItem(t *testing.T) {
	const user = "15554440001"
	h := newHarness(t, harnessOpts{})
	h.mustAccept(textPayload("wamid.cb.1", user, "I want to speak to an agent", time.Now()))
	h.engine.WaitIdle()
	if _, err := h.engine.Handoffs().Claim(user, "agent.amal"); err != nil {
		t.Fatalf("claim: %v", err)
	}
	if _, err := h.engine.Handoffs().Reply(user, "agent.amal", handoffs.AgentReply{Text: "I am here, tell me more"}); err != nil {
		t.Fatalf("agent reply: %v", err)
	}
	h.engine.WaitIdle()
	msgs := h.graph.Messages()
	agent := 0
	for i, m := range msgs {
		cb, _ := m.Body["biz_opaque_callback_data"].(string)
		if _, _, ok := parseOutboxCallback(cb); !ok {
			t.Errorf("message %d carries callback data %q, want o:<outbox seq>", i, cb)
		}
		if strings.Contains(string(m.Raw), "I am here, tell me more") {
			agent++
		}
	}
	if len(msgs) < 2 || agent != 1 {
		t.Fatalf("%d messages sent, %d of them the agent's reply; want the conversation's replies and the agent's one", len(msgs), agent)
	}
}
