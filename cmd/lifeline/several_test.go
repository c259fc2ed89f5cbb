package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot"
	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/store"
)

const (
	severalSecret = "several-test-app-secret"
	// severalTTL is the instances' lease TTL: short, so that a dead
	// instance's partitions move within the test (a real deployment is
	// refused one below cluster.MinLeaseTTL).
	severalTTL = 2 * time.Second
)

// servingInstance is one `serve` in this process, on loopback.
type servingInstance struct {
	name string
	inst *instance
	base string
	nc   *natsCluster
}

// startServing starts serve on nats as instance name: with url empty it
// embeds the cluster's node, else it connects to url. extra are more
// settings, each NAME=VALUE (LIFELINE_BACKEND=badger serves alone).
func startServing(t *testing.T, name, url, graphURL string, extra ...string) *servingInstance {
	t.Helper()
	return startServingWith(t, name, url, graphURL, nil, extra...)
}

// startServingWith is startServing with adjust, when not nil, applied to
// the configuration last (for what no setting gives, such as a clock).
func startServingWith(t *testing.T, name, url, graphURL string, adjust func(*Config), extra ...string) *servingInstance {
	t.Helper()
	env := map[string]string{
		"LIFELINE_BACKEND": "nats", "LIFELINE_DATA_DIR": t.TempDir(), "LIFELINE_INSTANCE_ID": name,
		"LIFELINE_NATS_PARTITIONS": "8", "LIFELINE_ADMIN_TOKEN": "several-test-admin-token-0123456789",
		"WA_ACCESS_TOKEN": "graph-token", "WA_PHONE_NUMBER_ID": crashPhone, "WA_APP_SECRET": severalSecret,
		"WA_VERIFY_TOKEN": "verify", "WA_API_URL": graphURL, "WA_RATE_PER_NUMBER": "1000",
	}
	if url != "" {
		env["LIFELINE_NATS_URL"] = url
	}
	for _, kv := range extra {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	cfg, err := loadConfig(nil, envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	cfg.ThesaurusDir = ""
	cfg.NATS.Listen = "127.0.0.1:0"
	cfg.LeaseTTL = severalTTL
	if adjust != nil {
		adjust(&cfg)
	}
	inst, err := start(cfg, zerolog.Nop(), &bytes.Buffer{})
	if err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		inst.close()
		t.Fatal(err)
	}
	go func() { _ = inst.http.App().Listener(ln) }()
	if inst.cluster == nil && cfg.Backend == backendNATS {
		inst.close()
		t.Fatalf("%s does not serve from the cluster", name)
	}
	return &servingInstance{name: name, inst: inst, base: "http://" + ln.Addr().String(), nc: inst.cluster}
}

// ownedOnce reports whether every partition has exactly one owner among
// ss and each of ss owns some.
func ownedOnce(count int, ss ...*servingInstance) bool {
	for _, s := range ss {
		if len(s.nc.parts.Owned()) == 0 {
			return false
		}
	}
	for p := range count {
		n := 0
		for _, s := range ss {
			if s.nc.parts.OwnsPartition(p) {
				n++
			}
		}
		if n != 1 {
			return false
		}
	}
	return true
}

func waitUntil(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting after %s for %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Three instances serve from one cluster: the partitions are spread over
// them and each owned once; webhooks for many users posted to random
// instances are all answered, once each, and each user's messages are
// processed in the order they were sent. Then one instance dies (its
// connection to the cluster goes, nothing is released): a message for a
// user of its partitions, stored through another instance, is answered
// once the survivors have taken the dead instance's partitions over.
func TestSeveralInstancesServeOneCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster and three servers")
	}
	graph := whatsapptest.NewServer(t)
	a := startServing(t, "inst-a", "", graph.URL)
	url := a.inst.node.ClientURL()
	b := startServing(t, "inst-b", url, graph.URL)
	c := startServing(t, "inst-c", url, graph.URL)
	all := []*servingInstance{a, b, c}
	closed := map[*servingInstance]bool{}
	defer func() {
		// The connected ones first: a holds the node.
		for _, s := range []*servingInstance{c, b, a} {
			if !closed[s] {
				s.inst.close()
			}
		}
	}()
	const parts = 8
	waitUntil(t, 30*time.Second, "every partition owned once, by every instance some", func() bool { return ownedOnce(parts, all...) })
	for _, s := range all {
		t.Logf("%s owns %v", s.name, s.nc.parts.Owned())
	}
	client := &http.Client{Timeout: 30 * time.Second}
	post := func(s *servingInstance, body []byte) error {
		req, _ := http.NewRequest("POST", s.base+"/webhook", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Hub-Signature-256", whatsapp.Sign(body, severalSecret))
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("webhook on %s: %d", s.name, resp.StatusCode)
		}
		return nil
	}
	const users, questions = 16, 4
	user := func(u int) string { return fmt.Sprintf("1777%07d", u) }
	// C's console hears the live events of every instance.
	events, err := c.inst.bus.Subscribe(bot.EventsTopic, 4096)
	if err != nil {
		t.Fatal(err)
	}
	defer events.Close()

	// Every user's questions go out one after another, each once the
	// previous one was acknowledged (as Meta delivers one person's
	// messages); the users all at once, each question to any instance.
	started := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, users)
	for u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(7, uint64(u)))
			for q := range questions {
				id := uint64(u*questions + q + 1)
				if err := post(all[rng.IntN(len(all))], payload(id, user(u), crashPhone, fmt.Sprintf("question %d", q))); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	id := uint64(users * questions)
	t.Logf("%d webhooks acknowledged in %s", users*questions, time.Since(started).Round(time.Millisecond))
	db := a.inst.db
	transcript := func(u string) (in []string, out int) { return storedTranscript(t, db, u) }
	inbound := func(u string) []string { in, _ := transcript(u); return in }
	replied := func() map[string]int { return sentPerUser(graph) }
	waitUntil(t, 60*time.Second, "every question answered", func() bool {
		sent := replied()
		for u := range users {
			if len(inbound(user(u))) < questions || sent[user(u)] < questions {
				return false
			}
		}
		return true
	})
	t.Logf("%d questions of %d users, posted to random instances, answered in %s", questions, users, time.Since(started).Round(time.Millisecond))
	for _, s := range all {
		s.inst.engine.WaitIdle()
	}
	heard := map[string]bool{}
	for len(events.C) > 0 {
		if ev, err := bot.DecodeEvent(<-events.C); err == nil && ev.Kind == "message" {
			heard[ev.User] = true
		}
	}
	for u := range users {
		if !heard[user(u)] {
			t.Errorf("c's bus did not carry the live event of user %s's message (owned by another instance: %v)", user(u), !c.nc.parts.Owns(user(u)))
		}
	}
	sent := replied()
	for u := range users {
		got := inbound(user(u))
		want := make([]string, questions)
		for q := range want {
			want[q] = fmt.Sprintf("question %d", q)
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("user %s: processed %q, want %q (in the order sent, each once)", user(u), got, want)
		}
		if _, out := transcript(user(u)); sent[user(u)] != out || out < questions {
			t.Errorf("user %s: %d messages sent, %d replies in the transcript for %d questions; want each reply sent once", user(u), sent[user(u)], out, questions)
		}
	}

	// B dies: its connection to the cluster goes (a kill -9 of a process
	// connected to a cluster it does not embed), nothing is released.
	var orphan string
	for u := 1000; orphan == ""; u++ {
		if b.nc.parts.Owns(user(u)) {
			orphan = user(u)
		}
	}
	bOwned := b.nc.parts.Owned()
	b.inst.node.Close()
	died := time.Now()
	// A message for one of B's users, acknowledged by A: stored, and
	// nobody processes it until B's partitions are taken over.
	id++
	if err := post(a, payload(id, orphan, crashPhone, "are you there")); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, 30*time.Second, "a and c to own every partition once", func() bool { return ownedOnce(parts, a, c) })
	t.Logf("b's partitions %v taken over %s after it died", bOwned, time.Since(died).Round(time.Millisecond))
	// B renewed its leases at most a third of the TTL before it died.
	if took := time.Since(died); took < severalTTL*2/3 {
		t.Errorf("b's partitions taken %s after it died: before its leases could expire", took)
	}
	waitUntil(t, 30*time.Second, "the dead instance's user answered by the new owner", func() bool {
		return len(inbound(orphan)) == 1 && replied()[orphan] >= 1
	})
	t.Logf("the message stored for b's user answered %s after b died", time.Since(died).Round(time.Millisecond))
	// The number's budget has one owner among the survivors: whoever
	// sent the reply drew its permit from it.
	if n := btoi(a.nc.owner.Owns(crashPhone)) + btoi(c.nc.owner.Owns(crashPhone)); n != 1 {
		t.Errorf("%d survivors own the number's budget, want 1", n)
	}
	b.inst.close()
	closed[b] = true
	for _, s := range []*servingInstance{a, c} {
		s.inst.engine.WaitIdle()
	}
	if _, out := transcript(orphan); replied()[orphan] != out || out == 0 {
		t.Errorf("the dead instance's user: %d messages sent, %d replies in the transcript; want each reply sent once", replied()[orphan], out)
	}
}

// storedTranscript is u's messages in, in order, and the number of replies
// the transcript holds.
func storedTranscript(t *testing.T, db *store.DB, u string) (in []string, out int) {
	t.Helper()
	ctx := context.Background()
	if err := db.ReadIn(ctx, store.UserScope(u), func(r store.Reader) error {
		return store.EachTranscriptEntry(ctx, r, u, func(e store.Entry) error {
			if e.Dir == store.In {
				in = append(in, e.Text)
			} else {
				out++
			}
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	return in, out
}

// sentPerUser counts the messages the fake Graph API took, per recipient.
func sentPerUser(graph *whatsapptest.Server) map[string]int {
	m := map[string]int{}
	for _, r := range graph.Messages() {
		m[r.To]++
	}
	return m
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
