package broadcast

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"lifeline/bot/clocktest"
	"lifeline/bot/goldentest"
	"lifeline/bot/whatsapp"
	"lifeline/store"
)

var update = flag.Bool("update", false, "rewrite the golden conversation transcripts in testdata/conversations")

// act is one thing a person does while a safety check-in is open.
type act struct {
	From     string             `json:"from"`
	Says     string             `json:"says,omitempty"`
	Taps     string             `json:"taps,omitempty"` // a button id; its title is Says
	Location *whatsapp.Location `json:"shares_location,omitempty"`
}

// turn is an act and what followed: the messages sent, exactly as the
// Graph API received them, the person's check-in answer, their handoff,
// and the events the integration webhooks received.
type turn struct {
	act
	Sent    []json.RawMessage `json:"sent"`
	Answer  string            `json:"checkin_answer,omitempty"`
	Handoff string            `json:"handoff,omitempty"` // status and flags
	Events  []string          `json:"integration_events,omitempty"`
}

// playCheckin sends a check-in to people, then runs the script through
// the real engine, the understanding step and the check-in interceptor.
func playCheckin(t *testing.T, people []store.Contact, script []act) []turn {
	t.Helper()
	var mu sync.Mutex
	var events []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev Event
		if err := json.NewDecoder(r.Body).Decode(&ev); err != nil {
			t.Error(err)
		}
		mu.Lock()
		events = append(events, ev.Type+" "+ev.Contact)
		mu.Unlock()
	}))
	t.Cleanup(hook.Close)
	clk := clocktest.New(time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC))
	h := newHarness(t, hopts{engine: true, now: clk.Now, cfg: Config{WebhookURLs: []string{hook.URL}, WebhookSecret: "golden-secret-0123456789"}})
	for _, c := range people {
		c.Tags, c.OptedIn = []string{"employees"}, true
		h.contact(c)
	}
	id := h.create(checkinSpec())
	h.waitState(id, StateSent)
	eventually(t, 10*time.Second, "every check-in sent", func() bool { return len(h.graph.Messages()) == len(people) })
	seqOf := map[string]uint64{}
	for seq := uint64(1); seq <= uint64(len(people)); seq++ {
		r, _ := h.recipient(id, seq)
		seqOf[r.WaID] = seq
	}
	seen := len(h.graph.Messages())
	var turns []turn
	for i, a := range script {
		clk.Add(time.Minute)
		m := whatsapp.Message{ID: fmt.Sprintf("wamid.golden.%d", i), From: a.From, Type: "text", Text: a.Says}
		switch {
		case a.Taps != "":
			m.Type, m.InteractiveType, m.ReplyID, m.ReplyTitle, m.Text = "interactive", "button_reply", a.Taps, a.Says, ""
		case a.Location != nil:
			m.Type, m.Location, m.Text = "location", a.Location, ""
		}
		h.ingest(m)
		eventually(t, 10*time.Second, "integration events delivered", func() bool {
			n := 0
			ctx := context.Background()
			_ = h.db.Read(ctx, func(tx store.Reader) error {
				return store.EachBroadcastEvent(ctx, tx, func(uint64, json.RawMessage) error { n++; return nil })
			})
			return n == 0
		})
		tr := turn{act: a, Sent: []json.RawMessage{}}
		msgs := h.graph.Messages()
		for _, r := range msgs[seen:] {
			tr.Sent = append(tr.Sent, json.RawMessage(r.Raw))
		}
		seen = len(msgs)
		_, e := h.recipient(id, seqOf[a.From])
		tr.Answer = e.Answer
		if hand, err := h.handoffOf(a.From); err == nil {
			tr.Handoff = hand.Status
			if hand.Priority {
				tr.Handoff += " priority"
			}
			if hand.Urgent {
				tr.Handoff += " urgent"
			}
		}
		mu.Lock()
		tr.Events, events = events, nil
		mu.Unlock()
		slices.Sort(tr.Events)
		turns = append(turns, tr)
	}
	return turns
}

// checkGolden compares got with testdata/conversations/name.json; -update rewrites it.
func checkGolden(t *testing.T, name string, got any) {
	t.Helper()
	goldentest.Check(t, filepath.Join("testdata", "conversations", name+".json"), got, *update)
}

// TestCheckinTranscripts are answers to a safety check-in in people's
// own words, as they see them.
func TestCheckinTranscripts(t *testing.T) {
	const (
		en1 = "966500000001"
		ar1 = "966500000002"
		en2 = "447700900003"
	)
	people := []store.Contact{{WaID: en1, Name: "Omar", Language: "en"}, {WaID: ar1, Name: "Huda", Language: "ar"}, {WaID: en2, Name: "Jane", Language: "en"}}
	cases := map[string][]act{
		"free_text_checkin_answers": {
			{From: en1, Says: "yes I am ok, all good here"},
			{From: ar1, Says: "احنا مش كويسين"},
			{From: ar1, Says: "نحتاج ماء وطعام، الكهرباء مقطوعة"},
			{From: en2, Says: "we're managing i guess"},
			{From: en2, Taps: "checkin:bc000001:safe", Says: "I'm safe"},
		},
		"an_answer_that_is_no_answer": {
			{From: en2, Says: "hmm"},
			{From: en2, Says: "all good"},
		},
		"danger_during_a_checkin": {
			{From: en1, Says: "we climbed onto the roof with the kids, the water is still rising"},
			{From: en1, Location: &whatsapp.Location{Latitude: 26.4207, Longitude: 50.0888}},
			{From: en1, Says: "two adults and three children"},
			{From: ar1, Says: "الحمد لله تمام"},
		},
	}
	for name, script := range cases {
		t.Run(name, func(t *testing.T) { checkGolden(t, name, playCheckin(t, people, script)) })
	}
}
