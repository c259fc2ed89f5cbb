package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lifeline/bot/broadcast"
	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/cluster"
	"lifeline/sms/smstest"
	"lifeline/store"
)

// What a broadcast does after its first round (the SMS fallback, reminder
// rounds, counting the answers, completing) happens on whichever instance
// holds the broadcast's lease at the time, while the people's answers and
// WhatsApp's statuses arrive through any instance and are worked by the
// owner of the person's partition. These tests check that none of it is
// done twice or lost when it is spread so, and when the instance doing it
// dies.

// skewClock is the broadcasts' clock on every instance: the real clock
// moved forward by what the test adds, so that leases, commits and ticks
// keep their real pace while reminder intervals and SMS delays (a minute
// at least) pass at once.
type skewClock struct{ ahead atomic.Int64 }

func (c *skewClock) Now() time.Time      { return time.Now().Add(time.Duration(c.ahead.Load())) }
func (c *skewClock) Add(d time.Duration) { c.ahead.Add(int64(d)) }

// trio is three instances connected to a NATS node of their own (none
// embeds it, so that any one may die alone), their broadcasts on one
// skewed clock.
type trio struct {
	node *cluster.Node
	all  []*servingInstance
	clk  *skewClock
	dead sync.Map // *servingInstance -> true
}

func startTrio(t *testing.T, prefix, graphURL string, extra ...string) *trio {
	t.Helper()
	ctx := context.Background()
	node, err := cluster.Start(ctx, cluster.Options{Name: prefix, Listen: "127.0.0.1:0", StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(node.Close)
	if err := node.WaitJetStream(ctx); err != nil {
		t.Fatal(err)
	}
	tr := &trio{node: node, clk: &skewClock{}}
	clock := func(c *Config) { c.broadcastNow = tr.clk.Now }
	for _, n := range []string{"a", "b", "c"} {
		s := startServingWith(t, prefix+"-"+n, node.ClientURL(), graphURL, clock, extra...)
		t.Cleanup(func() { _ = s.inst.close() }) // before the node's: cleanups run last first
		tr.all = append(tr.all, s)
	}
	waitUntil(t, 30*time.Second, "every partition owned once, by every instance some", func() bool { return ownedOnce(8, tr.all...) })
	return tr
}

// kill ends s's connection to the cluster, as a kill -9 would: it renews
// nothing, releases nothing and commits nothing more.
func (tr *trio) kill(s *servingInstance) {
	tr.dead.Store(s, true)
	s.inst.node.Close()
}

func (tr *trio) live() []*servingInstance {
	var out []*servingInstance
	for _, s := range tr.all {
		if _, dead := tr.dead.Load(s); !dead {
			out = append(out, s)
		}
	}
	return out
}

// dispatchers are the live instances running a round of broadcast id.
func (tr *trio) dispatchers(id string) []*servingInstance {
	var out []*servingInstance
	for _, s := range tr.live() {
		if s.inst.broadcasts.Dispatching(id) {
			out = append(out, s)
		}
	}
	return out
}

// named is the instance called name.
func (tr *trio) named(name string) *servingInstance {
	for _, s := range tr.all {
		if s.name == name {
			return s
		}
	}
	return nil
}

// watchDispatchers notes, until the test ends, the most live instances
// that dispatched broadcast id at one moment.
func (tr *trio) watchDispatchers(t *testing.T, id string) *atomic.Int32 {
	var most atomic.Int32
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			if n := int32(len(tr.dispatchers(id))); n > most.Load() {
				most.Store(n)
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	t.Cleanup(func() { close(stop); <-done })
	return &most
}

// status reads broadcast id's counts through s.
func status(t *testing.T, s *servingInstance, id string) broadcast.Status {
	t.Helper()
	var st broadcast.Status
	if code := adminCall(t, severalToken, "GET", s.base+"/admin/broadcasts/"+id, "", nil, &st); code != 200 {
		t.Fatalf("status through %s: %d", s.name, code)
	}
	return st
}

// create starts a broadcast of spec through s and returns its id.
func create(t *testing.T, s *servingInstance, spec string) string {
	t.Helper()
	var created struct{ ID string }
	if code := adminCall(t, severalToken, "POST", s.base+"/admin/broadcasts", "application/json", []byte(spec), &created); code != 202 || created.ID == "" {
		t.Fatalf("create broadcast through %s: %d %+v", s.name, code, created)
	}
	return created.ID
}

func importContacts(t *testing.T, s *servingInstance, prefix string, n int) map[string]bool {
	t.Helper()
	csv, want := contactsCSV(prefix, n)
	if code := adminCall(t, severalToken, "POST", s.base+"/admin/contacts/import", "text/csv", csv, nil); code != 200 {
		t.Fatalf("contact import through %s: %d", s.name, code)
	}
	return want
}

// sendWebhook posts a signed webhook to s; unlike postWebhook it may be
// called from any goroutine.
func sendWebhook(s *servingInstance, body []byte) error {
	req, err := http.NewRequest("POST", s.base+"/webhook", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature-256", whatsapp.Sign(body, severalSecret))
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return fmt.Errorf("webhook on %s: %w", s.name, err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("webhook on %s: %d", s.name, resp.StatusCode)
	}
	return nil
}

// webhookOf wraps one change value (messages or statuses) of phone as
// Meta posts it.
func webhookOf(phone string, value map[string]any) []byte {
	value["messaging_product"] = "whatsapp"
	value["metadata"] = map[string]string{"display_phone_number": "15550001111", "phone_number_id": phone}
	b, _ := json.Marshal(map[string]any{"object": "whatsapp_business_account",
		"entry": []any{map[string]any{"id": "900800700600500", "changes": []any{map[string]any{"field": "messages", "value": value}}}}})
	return b
}

// buttonTap is the tap, by from, of a template's quick-reply button
// carrying payload.
func buttonTap(msgID, from, payload string) []byte {
	return webhookOf(crashPhone, map[string]any{
		"contacts": []any{map[string]any{"profile": map[string]string{"name": "Tapper"}, "wa_id": from}},
		"messages": []any{map[string]any{"from": from, "id": msgID, "timestamp": fmt.Sprint(time.Now().Unix()), "type": "button",
			"button": map[string]string{"payload": payload, "text": "tapped"}}},
	})
}

// statusWebhook is WhatsApp's status of message wamid to to, with the
// send's biz_opaque_callback_data cb and, when code is not 0, its error.
func statusWebhook(phone, wamid, status, to, cb string, code int) []byte {
	st := map[string]any{"id": wamid, "status": status, "timestamp": fmt.Sprint(time.Now().Unix()), "recipient_id": to, "biz_opaque_callback_data": cb}
	if code != 0 {
		st["errors"] = []any{map[string]any{"code": code, "title": "error " + strconv.Itoa(code)}}
	}
	return webhookOf(phone, map[string]any{"statuses": []any{st}})
}

// acceptedAs is the Graph API's answer to a send it accepted as wamid.
func acceptedAs(to, wamid string, delay time.Duration) whatsapptest.Response {
	body, _ := json.Marshal(map[string]any{"messaging_product": "whatsapp",
		"contacts": []map[string]string{{"input": to, "wa_id": to}}, "messages": []map[string]string{{"id": wamid, "message_status": "accepted"}}})
	return whatsapptest.Response{Delay: delay, Body: body}
}

// broadcastSend is one template send of a broadcast the fake took.
type broadcastSend struct {
	to, tpl, cb string
	round       int
}

// broadcastSends lists the template sends of broadcast id.
func broadcastSends(graph *whatsapptest.Server, id string) []broadcastSend {
	var out []broadcastSend
	for _, m := range graph.Messages() {
		tpl, _ := m.Body["template"].(map[string]any)
		cb, _ := m.Body["biz_opaque_callback_data"].(string)
		parts := strings.Split(cb, ":")
		if tpl == nil || len(parts) < 3 || parts[1] != id {
			continue
		}
		round := 0
		if len(parts) == 4 {
			round, _ = strconv.Atoi(parts[3])
		}
		name, _ := tpl["name"].(string)
		out = append(out, broadcastSend{to: m.To, tpl: name, cb: cb, round: round})
	}
	return out
}

// perPerson counts sends by recipient, for round (or every round when
// round < 0).
func perPerson(sends []broadcastSend, round int) map[string]int {
	got := map[string]int{}
	for _, s := range sends {
		if round < 0 || s.round == round {
			got[s.to]++
		}
	}
	return got
}

// smsRecords reads the SMS fallback record of every recipient of
// broadcast id, by wa_id.
func smsRecords(t *testing.T, db *store.DB, id string) map[string]broadcast.SMSRecord {
	t.Helper()
	ctx := context.Background()
	out := map[string]broadcast.SMSRecord{}
	if err := db.ReadIn(ctx, store.BroadcastScope(id), func(r store.Reader) error {
		return store.EachBroadcastRecipient(ctx, r, id, 0, func(seq uint64, rec *broadcast.Recipient) error {
			sr, found, err := store.GetBroadcastSMS[broadcast.SMSRecord](ctx, r, id, seq)
			if found {
				out[rec.WaID] = sr
			}
			return err
		})
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// A critical notice with an SMS fallback goes to 200 people through three
// instances. WhatsApp refuses a fifth at the send (131026); for another
// fifth it reports the failure (131026) later, on status webhooks that
// reach random instances; two fifths are reported delivered or read the
// same way, and the last fifth is never delivered. The refused get their
// SMS at once, the undelivered once the broadcast's "after" has passed;
// the instance sending those dies in the middle of them, and a survivor
// sends the rest. Nobody gets two SMS, nobody delivered gets one, and
// every SMS owed is sent or, if the dead instance's send of it was in
// flight, recorded as of unknown outcome (never sent again).
func TestCheckinSMSFallbackCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a NATS node and three servers")
	}
	prov := smstest.New()
	defer prov.Close()
	graph := whatsapptest.NewServer(t)
	const recipients = 200
	kind := func(wa string) int { n, _ := strconv.Atoi(wa[len(wa)-3:]); return n % 5 }
	const (
		refused     = 0 // 131026 answered to the send
		failedLater = 1 // a failed status with 131026
		delivered   = 2
		read        = 3
		silent      = 4 // sent, never delivered
	)
	var mu sync.Mutex
	sendOf := map[string][2]string{} // wa_id -> wamid, callback data of the broadcast's send
	graph.SetResponder(func(r whatsapptest.Request) whatsapptest.Response {
		if r.Kind != "message" {
			return whatsapptest.Response{}
		}
		if kind(r.To) == refused {
			return whatsapptest.Response{Status: 400, Code: store.CodeUndeliverable}
		}
		cb, _ := r.Body["biz_opaque_callback_data"].(string)
		mu.Lock()
		defer mu.Unlock()
		wamid := fmt.Sprintf("wamid.SMSFB%05d", len(sendOf)+1)
		sendOf[r.To] = [2]string{wamid, cb}
		return acceptedAs(r.To, wamid, 2*time.Millisecond)
	})
	tr := startTrio(t, "sf", graph.URL, "LIFELINE_BROADCAST_INFLIGHT_GRACE=1s",
		"LIFELINE_SMS_ACCOUNT_SID="+smstest.AccountSID, "LIFELINE_SMS_AUTH_TOKEN="+smstest.AuthToken,
		"LIFELINE_SMS_FROM=+15005550006", "LIFELINE_SMS_CALLBACK_URL=http://127.0.0.1:1", "LIFELINE_SMS_API_URL="+prov.URL(),
		"LIFELINE_SMS_RATE=25")
	a := tr.all[0]
	want := importContacts(t, a, "1555", recipients)
	owed := map[string]string{} // wa_id -> why
	for wa := range want {
		switch kind(wa) {
		case refused, failedLater:
			owed[wa] = "131026"
		case silent:
			owed[wa] = "not_delivered_in_time"
		}
	}
	id := create(t, a, `{"name":"port closed","kind":"notice","critical":true,
		"templates":{"en":{"name":"port_notice","language":"en_US","body":[{"value":"{{first_name|friend}}"}]}},
		"audience":{"tags_any":["employees"]},"rate_per_second":100,
		"sms":{"texts":{"en":"Port closed. Go to the north shelter."},"after":"1m"}}`)
	most := tr.watchDispatchers(t, id)
	waitUntil(t, 60*time.Second, "the notice sent", func() bool { return status(t, tr.all[1], id).State == "sent" })

	// WhatsApp's statuses arrive through random instances.
	rng := rand.New(rand.NewPCG(13, 1))
	mu.Lock()
	for wa, s := range sendOf {
		st, code := "", 0
		switch kind(wa) {
		case failedLater:
			st, code = "failed", store.CodeUndeliverable
		case delivered:
			st = "delivered"
		case read:
			st = "read"
		default:
			continue
		}
		if err := sendWebhook(tr.all[rng.IntN(3)], statusWebhook(crashPhone, s[0], st, wa, s[1], code)); err != nil {
			t.Fatal(err)
		}
	}
	mu.Unlock()
	smsTo := func() map[string]int {
		got := map[string]int{}
		for _, r := range prov.Received() {
			if r.Code == 0 {
				got[strings.TrimPrefix(r.To, "+")]++
			}
		}
		return got
	}
	// A failure reported on a status is looked at by the fallback's next
	// pass, due when the first "after" ends; those WhatsApp refused at the
	// send get their SMS at once.
	early := recipients / 5
	waitUntil(t, 30*time.Second, "the statuses counted and the SMS of the refused sent", func() bool {
		st := status(t, tr.all[2], id)
		return st.Delivered == recipients*2/5 && st.Failed == recipients*2/5 && len(smsTo()) >= early
	})
	for wa := range smsTo() {
		if kind(wa) == silent {
			t.Errorf("%s got an SMS before the notice's \"after\" passed", wa)
		}
	}

	// The undelivered and those reported failed are owed their SMS now;
	// the instance sending them dies in the middle.
	tr.clk.Add(time.Minute + time.Second)
	var holder string
	waitUntil(t, 30*time.Second, "some of those SMS sent, under a lease holder", func() bool {
		if n := len(prov.Received()); n >= early+8 && n < len(owed)-5 {
			holder = leaseHolder(t, tr.node, "broadcast."+id)
		}
		return holder != ""
	})
	victim := tr.named(holder)
	if victim == nil {
		t.Fatalf("the SMS fallback runs under lease holder %q, not an instance", holder)
	}
	tr.kill(victim)
	died, atDeath := time.Now(), len(prov.Received())
	t.Logf("%s, sending the SMS after the delay, died at %d SMS", victim.name, atDeath)
	survivor := tr.live()[0]
	for deadline := time.Now().Add(60 * time.Second); status(t, survivor, id).State != "completed"; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			byState := map[string]int{}
			for _, r := range smsRecords(t, survivor.inst.db, id) {
				byState[r.State+"/"+r.Why]++
			}
			st := status(t, survivor, id)
			t.Fatalf("not completed a minute after %s died: %s, channels %+v, SMS records %v, %d SMS sent, lease holder %q",
				victim.name, st.State, st.Channels, byState, len(prov.Received()), leaseHolder(t, tr.node, "broadcast."+id))
		}
	}
	t.Logf("completed %s after %s died, %d SMS in all", time.Since(died).Round(time.Millisecond), victim.name, len(prov.Received()))

	got := smsTo()
	records := smsRecords(t, survivor.inst.db, id)
	unknown := 0
	for wa := range want {
		rec, n := records[wa], got[wa]
		why, isOwed := owed[wa]
		switch {
		case !isOwed && n > 0:
			t.Errorf("%s (delivered on WhatsApp) got %d SMS", wa, n)
		case !isOwed:
		case n > 1:
			t.Errorf("%s got %d SMS, want one", wa, n)
		case rec.State == "unknown":
			unknown++ // the dead instance's send in flight: sent at most once
		case n == 0:
			t.Errorf("%s was owed an SMS (%s) and got none; record %+v", wa, why, rec)
		case rec.State != "sent" || rec.Why != why:
			t.Errorf("%s got its SMS, recorded %+v, want sent because %s", wa, rec, why)
		}
	}
	for wa := range got {
		if !want[wa] {
			t.Errorf("an SMS went to %s, who is not in the audience", wa)
		}
	}
	// Of unknown outcome: the dead instance's sends in flight (one per
	// SMS worker, 25) and the results it was writing when its connection
	// went (at most one per worker again).
	if unknown > 2*25 {
		t.Errorf("%d SMS of unknown outcome after one death, more than could be in flight", unknown)
	}
	if m := most.Load(); m > 1 {
		t.Errorf("%d live instances dispatched the notice at once", m)
	}
	st := status(t, survivor, id)
	if st.Channels == nil || st.Channels.SMS+int64(unknown) != int64(len(owed)) {
		t.Errorf("channels %+v, want %d reached by SMS (%d of unknown outcome)", st.Channels, len(owed)-unknown, unknown)
	}
	t.Logf("%d owed an SMS: %d people got one, %d of unknown outcome; channels %+v", len(owed), len(got), unknown, st.Channels)
}

// checkinSpec is a check-in of the "employees" at rate per second, with
// reminders (every minute) when count > 0.
func checkinSpec(name string, rate, count int) string {
	reminders := ""
	if count > 0 {
		reminders = fmt.Sprintf(`,"reminders":{"every":"1m","count":%d,"templates":{"en":{"name":"checkin_reminder","language":"en_US"}}}`, count)
	}
	return fmt.Sprintf(`{"name":%q,"kind":"checkin","templates":{"en":{"name":"safety_checkin","language":"en_US"}},
		"audience":{"tags_any":["employees"]},"rate_per_second":%d%s}`, name, rate, reminders)
}

// answerAll posts, for each of whom, a tap of answer on check-in id to a
// random instance, each tap once the previous one was acknowledged.
func answerAll(t *testing.T, tr *trio, rng *rand.Rand, id, answer string, whom []string) {
	t.Helper()
	for _, wa := range whom {
		live := tr.live()
		if err := sendWebhook(live[rng.IntN(len(live))], buttonTap("wamid.TAP"+answer+wa, wa, "checkin:"+id+":"+answer)); err != nil {
			t.Fatal(err)
		}
	}
}

// A check-in with two reminder rounds goes to 150 people through three
// instances. A third answer after the check-in, a third after the first
// reminder, a third never; every answer is posted to a random instance.
// The instance dispatching the first reminder round dies in its middle;
// a survivor completes the round. Those who answered get no reminder
// after their answer, the others one per round (a second copy only
// within possible_duplicates), no two instances send a round at once,
// and the check-in completes with the silent third unaccounted for.
func TestCheckinRemindersCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a NATS node and three servers")
	}
	graph := whatsapptest.NewServer(t)
	graph.SetResponder(func(whatsapptest.Request) whatsapptest.Response {
		return whatsapptest.Response{Delay: 2 * time.Millisecond}
	})
	tr := startTrio(t, "rm", graph.URL, "LIFELINE_BROADCAST_INFLIGHT_GRACE=1s")
	const recipients = 150
	want := importContacts(t, tr.all[1], "1444", recipients)
	var early, late, never []string
	for wa := range want {
		switch n, _ := strconv.Atoi(wa[len(wa)-3:]); n % 3 {
		case 0:
			early = append(early, wa)
		case 1:
			late = append(late, wa)
		default:
			never = append(never, wa)
		}
	}
	id := create(t, tr.all[1], checkinSpec("roll call", 50, 2))
	most := tr.watchDispatchers(t, id)
	rng := rand.New(rand.NewPCG(13, 2))
	pick := func() *servingInstance { live := tr.live(); return live[rng.IntN(len(live))] }
	waitUntil(t, 60*time.Second, "the check-in sent", func() bool { return status(t, pick(), id).State == "sent" })
	answerAll(t, tr, rng, id, "safe", early)
	waitUntil(t, 30*time.Second, "the early answers counted", func() bool { return status(t, pick(), id).Replied == int64(len(early)) })

	// The first reminder round is due; its dispatcher dies in its middle.
	tr.clk.Add(time.Minute + time.Second)
	var victim *servingInstance
	waitUntil(t, 30*time.Second, "an instance to dispatch the first reminders and send some", func() bool {
		ds := tr.dispatchers(id)
		if len(ds) == 1 && len(perPerson(broadcastSends(graph, id), 1)) >= 10 {
			victim = ds[0]
			return true
		}
		return false
	})
	tr.kill(victim)
	died := time.Now()
	t.Logf("%s died dispatching the first reminders, at %d of %d", victim.name, len(perPerson(broadcastSends(graph, id), 1)), len(late)+len(never))
	waitUntil(t, 60*time.Second, "the first reminder round completed by a survivor", func() bool {
		st := status(t, pick(), id)
		return st.ReminderRounds == 1 && st.State == "sent"
	})
	t.Logf("first reminder round done %s after %s died", time.Since(died).Round(time.Millisecond), victim.name)
	answerAll(t, tr, rng, id, "safe", late)
	waitUntil(t, 30*time.Second, "the late answers counted", func() bool {
		return status(t, pick(), id).Replied == int64(len(early)+len(late))
	})

	// The second round, then the completion.
	tr.clk.Add(time.Minute + time.Second)
	waitUntil(t, 30*time.Second, "the second reminder round sent", func() bool {
		st := status(t, pick(), id)
		return st.ReminderRounds == 2 && st.State == "sent"
	})
	tr.clk.Add(time.Minute + time.Second)
	var st broadcast.Status
	waitUntil(t, 30*time.Second, "the check-in completed", func() bool {
		st = status(t, pick(), id)
		return st.State == "completed"
	})

	sends := broadcastSends(graph, id)
	for _, s := range sends {
		if (s.round == 0) != (s.tpl == "safety_checkin") || (s.round > 0 && s.tpl != "checkin_reminder") {
			t.Errorf("round %d sent template %s to %s", s.round, s.tpl, s.to)
		}
	}
	extras := 0
	check := func(round int, who []string, n int) {
		got := perPerson(sends, round)
		for _, wa := range who {
			switch {
			case got[wa] < n:
				t.Errorf("round %d: %s got %d messages, want %d", round, wa, got[wa], n)
			case n == 0 && got[wa] > 0:
				t.Errorf("round %d: %s, who had answered, got %d reminders", round, wa, got[wa])
			default:
				extras += got[wa] - n
			}
		}
	}
	all := append(append(append([]string(nil), early...), late...), never...)
	check(0, all, 1)
	check(1, early, 0)
	check(1, append(append([]string(nil), late...), never...), 1)
	check(2, append(append([]string(nil), early...), late...), 0)
	check(2, never, 1)
	for wa := range perPerson(sends, -1) {
		if !want[wa] {
			t.Errorf("the check-in went to %s, who is not in the audience", wa)
		}
	}
	if int64(extras) > st.PossibleDuplicates {
		t.Errorf("%d second copies, but the check-in reports %d possible duplicates", extras, st.PossibleDuplicates)
	}
	if m := most.Load(); m > 1 {
		t.Errorf("%d live instances dispatched the check-in at once", m)
	}
	answered := int64(len(early) + len(late))
	if st.Safe == nil || *st.Safe != answered || st.Replied != answered || st.Unaccounted != int64(len(never)) ||
		st.RemindersSent != int64(len(late)+2*len(never)) {
		t.Errorf("completed check-in: safe %v, replied %d, unaccounted %d, reminders %d; want %d, %d, %d, %d",
			deref(st.Safe), st.Replied, st.Unaccounted, st.RemindersSent, answered, answered, len(never), len(late)+2*len(never))
	}
	t.Logf("%d sends (%d second copies, possible duplicates %d); safe %v, unaccounted %d", len(sends), extras, st.PossibleDuplicates, deref(st.Safe), st.Unaccounted)
}

func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// A check-in goes to 200 people through three instances, and each taps
// an answer the moment WhatsApp takes the message (before the dispatcher
// has committed the send's result), posted to a random instance: a
// quarter "safe", a quarter "need help", a quarter "safe" and then "need
// help", a quarter nothing. The counts read through every instance equal
// the last answers, and the check-in completes with the silent quarter
// unaccounted for.
func TestCheckinAnswersCountedCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a NATS node and three servers")
	}
	graph := whatsapptest.NewServer(t)
	const recipients = 200
	var (
		tr      *trio
		ready   = make(chan struct{})
		taps    sync.WaitGroup
		tapErrs = make(chan error, recipients)
		tapped  atomic.Int64
	)
	answers := func(wa string) []string {
		switch n, _ := strconv.Atoi(wa[len(wa)-3:]); n % 4 {
		case 0:
			return []string{"safe"}
		case 1:
			return []string{"help"}
		case 2:
			return []string{"safe", "help"}
		}
		return nil
	}
	graph.SetResponder(func(r whatsapptest.Request) whatsapptest.Response {
		cb, _ := r.Body["biz_opaque_callback_data"].(string)
		parts := strings.Split(cb, ":")
		if r.Kind != "message" || len(parts) != 3 || len(answers(r.To)) == 0 {
			return whatsapptest.Response{}
		}
		tap := func() {
			<-ready
			rng := rand.New(rand.NewPCG(13, uint64(len(r.To))+uint64(r.Time.UnixNano())))
			for i, ans := range answers(r.To) {
				s := tr.all[rng.IntN(3)]
				if err := sendWebhook(s, buttonTap(fmt.Sprintf("wamid.TAP%s%d", r.To, i), r.To, "checkin:"+parts[1]+":"+ans)); err != nil {
					tapErrs <- err
					return
				}
				tapped.Add(1)
			}
		}
		taps.Add(1)
		go func() { defer taps.Done(); tap() }()
		return whatsapptest.Response{Delay: 2 * time.Millisecond}
	})
	tr = startTrio(t, "ck", graph.URL)
	close(ready)
	want := importContacts(t, tr.all[2], "1333", recipients)
	var safe, help, silent int64
	for wa := range want {
		switch as := answers(wa); {
		case len(as) == 0:
			silent++
		case as[len(as)-1] == "safe":
			safe++
		default:
			help++
		}
	}
	id := create(t, tr.all[2], checkinSpec("are you safe", 150, 0))
	waitUntil(t, 60*time.Second, "the check-in sent", func() bool { return status(t, tr.all[0], id).State == "sent" })
	taps.Wait()
	close(tapErrs)
	for err := range tapErrs {
		t.Fatal(err)
	}
	t.Logf("%d taps acknowledged", tapped.Load())
	counted := func(st broadcast.Status) bool {
		return st.Safe != nil && *st.Safe == safe && st.NeedHelp != nil && *st.NeedHelp == help && st.Replied == safe+help
	}
	deadline := time.Now().Add(30 * time.Second)
	for !counted(status(t, tr.all[0], id)) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	for _, s := range tr.all {
		if st := status(t, s, id); !counted(st) {
			t.Errorf("through %s: safe %v, need help %v, replied %d; want %d, %d, %d", s.name, deref(st.Safe), deref(st.NeedHelp), st.Replied, safe, help, safe+help)
		}
	}
	if sends := perPerson(broadcastSends(graph, id), -1); len(sends) != recipients {
		t.Errorf("the check-in reached %d people, want %d", len(sends), recipients)
	}

	// The answer window closes: the check-in completes once.
	tr.clk.Add(7*24*time.Hour + time.Minute)
	var st broadcast.Status
	waitUntil(t, 30*time.Second, "the check-in completed", func() bool {
		st = status(t, tr.all[1], id)
		return st.State == "completed"
	})
	if st.Unaccounted != silent || !counted(st) {
		t.Errorf("completed: unaccounted %d, safe %v, need help %v; want %d, %d, %d", st.Unaccounted, deref(st.Safe), deref(st.NeedHelp), silent, safe, help)
	}
}
