package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lifeline/bot/broadcast"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/cluster"
	"lifeline/store"
)

// severalToken is the admin token startServing gives every instance.
const severalToken = "several-test-admin-token-0123456789"

// adminCall calls an instance's admin API with token; out, when not
// nil, receives a successful JSON answer.
func adminCall(t *testing.T, token, method, url, contentType string, body []byte, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Logf("%s %s: %d %s", method, url, resp.StatusCode, raw)
	} else if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, url, err, raw)
		}
	}
	return resp.StatusCode
}

// contactsCSV is n opted-in contacts tagged "employees", numbered from
// prefix, and the set of their wa_ids.
func contactsCSV(prefix string, n int) ([]byte, map[string]bool) {
	var b strings.Builder
	b.WriteString("phone,name,language,tags,opted_in\n")
	want := map[string]bool{}
	for i := range n {
		wa := fmt.Sprintf("%s%07d", prefix, i)
		want[wa] = true
		fmt.Fprintf(&b, "+%s,Person %d,en,employees,yes\n", wa, i)
	}
	return []byte(b.String()), want
}

// noticeSpec is a notice to the "employees" at rate per second.
func noticeSpec(name string, rate int) []byte {
	return []byte(fmt.Sprintf(`{"name":%q,"kind":"notice","templates":{"en":{"name":"port_notice","language":"en_US","body":[{"value":"{{first_name|friend}}"}]}},
		"audience":{"tags_any":["employees"]},"rate_per_second":%d}`, name, rate))
}

// recipientStates counts a broadcast's stored recipient records by state.
func recipientStates(t *testing.T, db *store.DB, id string) map[string]int {
	t.Helper()
	ctx := context.Background()
	states := map[string]int{}
	if err := db.ReadIn(ctx, store.BroadcastScope(id), func(r store.Reader) error {
		return store.EachBroadcastRecipient(ctx, r, id, 0, func(_ uint64, rec *broadcast.Recipient) error {
			states[rec.State]++
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	return states
}

// templateSends counts the broadcast template's sends per recipient and
// reports any other message.
func templateSends(t *testing.T, graph *whatsapptest.Server) map[string]int {
	t.Helper()
	got := map[string]int{}
	for _, m := range graph.Messages() {
		if tpl, _ := m.Body["template"].(map[string]any); tpl == nil || tpl["name"] != "port_notice" {
			t.Errorf("unexpected send to %s: %s", m.To, m.Raw)
			continue
		}
		got[m.To]++
	}
	return got
}

// Three instances serve one cluster. A broadcast created through A is
// learnt by every instance, and exactly one of them dispatches it at any
// moment. A pause through an instance that does not dispatch it stops
// the run where it is (before its round ends), every send that went out
// recorded; a resume through the third continues it; when the instance
// dispatching it then dies (its connection to the cluster goes, nothing
// is released), a survivor takes the run over after the lease TTL and
// completes it. Every recipient gets the notice once (a second copy only
// within possible_duplicates), and the counts equal the recipient
// records.
func TestBroadcastAcrossInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a NATS node and three servers")
	}
	ctx := context.Background()
	node, err := cluster.Start(ctx, cluster.Options{Name: "bx", Listen: "127.0.0.1:0", StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer node.Close()
	if err := node.WaitJetStream(ctx); err != nil {
		t.Fatal(err)
	}
	graph := whatsapptest.NewServer(t)
	graph.SetResponder(func(whatsapptest.Request) whatsapptest.Response {
		return whatsapptest.Response{Delay: 2 * time.Millisecond}
	})
	// Sends the dead instance left in flight are sent again after a
	// second (no status webhooks here): counted as possible duplicates.
	grace := "LIFELINE_BROADCAST_INFLIGHT_GRACE=1s"
	all := []*servingInstance{
		startServing(t, "bx-a", node.ClientURL(), graph.URL, grace),
		startServing(t, "bx-b", node.ClientURL(), graph.URL, grace),
		startServing(t, "bx-c", node.ClientURL(), graph.URL, grace),
	}
	a := all[0]
	var dead atomic.Pointer[servingInstance]
	defer func() {
		for _, s := range all {
			s.inst.close()
		}
	}()

	const recipients, rate = 600, 150
	csv, want := contactsCSV("1666", recipients)
	if code := adminCall(t, severalToken, "POST", a.base+"/admin/contacts/import", "text/csv", csv, nil); code != 200 {
		t.Fatalf("contact import through a: %d", code)
	}
	var created struct{ ID string }
	if code := adminCall(t, severalToken, "POST", a.base+"/admin/broadcasts", "application/json", noticeSpec("across", rate), &created); code != 202 || created.ID == "" {
		t.Fatalf("create broadcast through a: %d %+v", code, created)
	}
	id := created.ID
	dispatchers := func() []*servingInstance {
		var out []*servingInstance
		for _, s := range all {
			if s != dead.Load() && s.inst.broadcasts.Dispatching(id) {
				out = append(out, s)
			}
		}
		return out
	}
	// Watch, for the whole test, that no two live instances dispatch the
	// broadcast at once. The instances are asked one after another, so a
	// lease handed from one to the next between two questions would look
	// like two dispatchers; an overlap counts only when a second sweep in
	// the reverse order finds the same instances dispatching: each was
	// then dispatching over an interval that contains the other's.
	overlapping := func() int32 {
		first := dispatchers()
		if len(first) < 2 {
			return int32(len(first))
		}
		var n int32
		for i := len(first) - 1; i >= 0; i-- {
			if s := first[i]; s != dead.Load() && s.inst.broadcasts.Dispatching(id) {
				n++
			}
		}
		return n
	}
	stop := make(chan struct{})
	var watched sync.WaitGroup
	var most atomic.Int32
	watched.Add(1)
	go func() {
		defer watched.Done()
		for {
			if n := overlapping(); n > most.Load() {
				most.Store(n)
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	defer func() { close(stop); watched.Wait() }()
	status := func(s *servingInstance) crashStatus {
		var st crashStatus
		if code := adminCall(t, severalToken, "GET", s.base+"/admin/broadcasts/"+id, "", nil, &st); code != 200 {
			t.Fatalf("status through %s: %d", s.name, code)
		}
		return st
	}
	sends := func() int { return len(graph.Messages()) }

	var d *servingInstance
	waitUntil(t, 60*time.Second, "an instance to dispatch the broadcast and send a tenth of it", func() bool {
		if ds := dispatchers(); len(ds) == 1 && sends() >= recipients/10 {
			d = ds[0]
			return true
		}
		return false
	})
	// The pause goes through an instance that does not dispatch, the
	// resume through the third.
	var others []*servingInstance
	for _, s := range all[1:] {
		if s != d {
			others = append(others, s)
		}
	}
	if d != a {
		others = append(others, a)
	}
	pauser, resumer := others[0], others[1]
	t.Logf("created through %s, dispatched by %s; pause through %s, resume through %s", a.name, d.name, pauser.name, resumer.name)
	if code := adminCall(t, severalToken, "POST", pauser.base+"/admin/broadcasts/"+id+"/pause", "", nil, nil); code != 200 {
		t.Fatalf("pause through %s: %d", pauser.name, code)
	}
	paused := time.Now()
	waitUntil(t, 30*time.Second, "the dispatcher's run to end", func() bool { return len(dispatchers()) == 0 && !d.inst.broadcasts.Running(id) })
	t.Logf("%s's run stopped %s after the pause through %s returned, at %d of %d sends",
		d.name, time.Since(paused).Round(time.Millisecond), pauser.name, sends(), recipients)
	st := status(resumer)
	if st.State != "paused" {
		t.Fatalf("after the pause: state %q", st.State)
	}
	// Stopped where it was, not at the end of its round, and every send
	// that went out is recorded.
	if st.Sent >= recipients || st.Pending == 0 {
		t.Errorf("after the pause: %+v; want the round stopped before its end", st)
	}
	if n := sends(); int64(n) != st.Sent {
		t.Errorf("after the pause: %d sends went out, %d recorded", n, st.Sent)
	}
	atPause := sends()

	if code := adminCall(t, severalToken, "POST", resumer.base+"/admin/broadcasts/"+id+"/resume", "", nil, nil); code != 200 {
		t.Fatalf("resume through %s: %d", resumer.name, code)
	}
	var d2 *servingInstance
	waitUntil(t, 30*time.Second, "an instance to dispatch the resumed broadcast and send more", func() bool {
		if ds := dispatchers(); len(ds) == 1 && sends() >= atPause+recipients/10 {
			d2 = ds[0]
			return true
		}
		return false
	})
	// The dispatcher dies: its connection to the cluster goes; it renews
	// nothing and releases nothing.
	dead.Store(d2)
	d2.inst.node.Close()
	died, atDeath := time.Now(), sends()
	t.Logf("resumed through %s, dispatched by %s, which died at %d sends", resumer.name, d2.name, atDeath)
	var survivor *servingInstance
	for _, s := range all {
		if s != d2 {
			survivor = s
		}
	}
	waitUntil(t, 60*time.Second, "a survivor to take the run over", func() bool { return len(dispatchers()) == 1 })
	t.Logf("%s took the run over %s after %s died", dispatchers()[0].name, time.Since(died).Round(time.Millisecond), d2.name)
	waitUntil(t, 60*time.Second, "the broadcast sent", func() bool {
		st = status(survivor)
		return (st.State == "sent" || st.State == "completed") && st.Pending == 0 && st.Retrying == 0
	})
	if m := most.Load(); m > 1 {
		t.Errorf("%d live instances dispatched the broadcast at once", m)
	}
	got := templateSends(t, graph)
	lost, dups, strays := tally(want, got)
	for _, wa := range strays {
		t.Errorf("the notice went to %s, who is not in the audience", wa)
	}
	if lost > 0 {
		t.Errorf("%d of %d recipients never got the notice", lost, recipients)
	}
	if int64(dups) > st.PossibleDuplicates {
		t.Errorf("%d second copies, but the broadcast reports %d possible duplicates", dups, st.PossibleDuplicates)
	}
	states := recipientStates(t, survivor.inst.db, id)
	if st.Targeted != recipients || st.Sent != recipients || st.Failed != 0 || st.Skipped != 0 || states["sent"] != recipients {
		t.Errorf("status %+v, recipient records by state %v: want %d targeted, sent and recorded sent", st, states, recipients)
	}
	t.Logf("%d recipients: %d sends, %d second copies (possible duplicates %d), recipient records %v", recipients, sends(), dups, st.PossibleDuplicates, states)
}
