package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/clocktest"
	"lifeline/bot/goldentest"
	"lifeline/bot/handoffs"
	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/store"
)

var update = flag.Bool("update", false, "rewrite the golden conversation transcripts in testdata/conversations")

// act is one thing that happens in a scripted conversation: a person
// writes, taps or shares a location, or an agent acts on their handoff.
type act struct {
	From     string             `json:"from,omitempty"`
	Says     string             `json:"says,omitempty"`
	Taps     string             `json:"taps,omitempty"` // a button id; its title is Says
	Location *whatsapp.Location `json:"shares_location,omitempty"`
	Agent    string             `json:"agent,omitempty"` // "claim", "close: <outcome>" or "release", on From's handoff
	After    string             `json:"after,omitempty"` // time passed before the act
}

// turn is an act and everything that followed: every message sent to
// anyone, exactly as the Graph API received it, and the handoff of the
// person who acted.
type turn struct {
	act
	Sent    []json.RawMessage `json:"sent"`
	Handoff *handoffState     `json:"handoff,omitempty"`
	Events  []string          `json:"integration_events,omitempty"`
	Metrics []string          `json:"metrics,omitempty"`
	// Consent is the person's consent record on their contact: when they
	// opted in and in which words, or when they opted out.
	Consent string `json:"consent,omitempty"`
}

type handoffState struct {
	Status      string             `json:"status"`
	Urgent      bool               `json:"urgent,omitempty"`
	Priority    bool               `json:"priority,omitempty"`
	Returning   bool               `json:"returning,omitempty"`
	Position    int                `json:"position,omitempty"`
	Reason      string             `json:"reason,omitempty"`
	LastMessage string             `json:"last_message,omitempty"`
	Location    *whatsapp.Location `json:"location,omitempty"`
	Outcome     string             `json:"outcome,omitempty"`
}

// emergencies records what the integration webhooks would be told.
type emergencies struct {
	mu  sync.Mutex
	got []string
}

func (n *emergencies) Emergency(_ store.Writer, user, lang, reason string, _ time.Time) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.got = append(n.got, fmt.Sprintf("emergency %s lang=%s (%s)", user, lang, reason))
	return nil
}

func (n *emergencies) take() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := n.got
	n.got = nil
	return out
}

// meter records what the metrics would count about emergencies.
type meter struct {
	NopObserver
	got emergencies
}

func (m *meter) Emergency(lang string) {
	m.got.mu.Lock()
	defer m.got.mu.Unlock()
	m.got.got = append(m.got.got, "emergencies lang="+lang)
}

// play runs a script through the real engine and understanding step,
// with a Graph API fake and a clock that moves a minute per act.
func play(t *testing.T, script []act) []turn {
	t.Helper()
	clk := clocktest.New(time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC))
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	metrics := &meter{}
	graph := whatsapptest.NewServer(t)
	client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: graph.URL, Version: "v23.0", AccessToken: testToken, Timeout: 5 * time.Second})
	e := New(Config{PhoneNumberIDs: []string{testPhone}, RatePerNumber: 1000, Backoff: func(whatsapp.Action, int) time.Duration { return time.Millisecond }},
		Options{DB: db, Sender: client, KB: stubKB{}, Logger: zerolog.Nop(), Now: clk.Now, Observer: metrics})
	hooks := &emergencies{}
	e.NotifyEmergencies(hooks)
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close(); db.Close() })

	var turns []turn
	seen := 0
	for i, a := range script {
		d := time.Minute
		if a.After != "" {
			if d, err = time.ParseDuration(a.After); err != nil {
				t.Fatal(err)
			}
		}
		clk.Add(d)
		switch {
		case a.Agent != "":
			var err error
			verb, outcome, _ := strings.Cut(a.Agent, ":")
			switch outcome = strings.TrimSpace(outcome); verb {
			case "claim":
				_, err = e.Handoffs().Claim(a.From, "agent.amal")
			case "close":
				_, err = e.Handoffs().Close(a.From, "agent.amal", outcome, false)
			case "release":
				_, err = e.Handoffs().Release(a.From, "agent.amal", false)
			default:
				t.Fatalf("act %d: unknown agent action %q", i, a.Agent)
			}
			if err != nil {
				t.Fatalf("act %d %s: %v", i, a.Agent, err)
			}
		default:
			m := whatsapp.Message{ID: fmt.Sprintf("wamid.golden.%d", i), From: a.From, Timestamp: clk.Now(), Type: "text", Text: a.Says}
			switch {
			case a.Taps != "":
				m.Type, m.InteractiveType, m.ReplyID, m.ReplyTitle, m.Text = "interactive", "button_reply", a.Taps, a.Says, ""
			case a.Location != nil:
				m.Type, m.Location, m.Text = "location", a.Location, ""
			}
			if _, err := e.Ingest(&whatsapp.Batch{Messages: []whatsapp.Message{m}}); err != nil {
				t.Fatal(err)
			}
		}
		e.WaitIdle()
		tr := turn{act: a, Sent: []json.RawMessage{}}
		msgs := graph.Messages()
		for _, r := range msgs[seen:] {
			tr.Sent = append(tr.Sent, json.RawMessage(r.Raw))
		}
		seen = len(msgs)
		// Messages to different people leave from different workers:
		// list them by recipient so the transcript does not depend on timing.
		slices.SortStableFunc(tr.Sent, func(x, y json.RawMessage) int { return bytes.Compare(recipient(x), recipient(y)) })
		tr.Handoff = handoffOf(t, e, a.From)
		tr.Events = hooks.take()
		tr.Metrics = metrics.got.take()
		tr.Consent = consentOf(t, db, a.From)
		turns = append(turns, tr)
	}
	return turns
}

func recipient(raw json.RawMessage) []byte {
	var m struct {
		To string `json:"to"`
	}
	_ = json.Unmarshal(raw, &m)
	return []byte(m.To)
}

func handoffOf(t *testing.T, e *Engine, user string) *handoffState {
	t.Helper()
	for _, status := range []string{"", handoffs.Closed} {
		list, err := e.Handoffs().List(status)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range list {
			if h.User == user {
				return &handoffState{Status: h.Status, Urgent: h.Urgent, Priority: h.Priority, Returning: h.Returning, Position: h.Position, Reason: h.Reason,
					LastMessage: h.LastMessage, Location: h.Location, Outcome: h.Outcome}
			}
		}
	}
	return nil
}

// consentOf describes the consent record on user's contact, empty when
// there is none.
func consentOf(t *testing.T, db *store.DB, user string) string {
	t.Helper()
	var c store.Contact
	err := db.Read(context.Background(), func(tx store.Reader) error {
		var err error
		c, err = store.GetContact(context.Background(), tx, user)
		return err
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return ""
	case err != nil:
		t.Fatal(err)
	}
	var parts []string
	if c.OptedIn {
		parts = append(parts, fmt.Sprintf("opted in %s by %s: %q", c.OptInAt.Format(time.RFC3339), c.OptInSource, c.OptInWording))
	}
	if c.OptedOut {
		parts = append(parts, "opted out "+c.OptOutAt.Format(time.RFC3339))
	}
	return strings.Join(parts, "; ")
}

// checkGolden compares got with testdata/conversations/name.json; -update rewrites it.
func checkGolden(t *testing.T, name string, got any) {
	t.Helper()
	goldentest.Check(t, filepath.Join("testdata", "conversations", name+".json"), got, *update)
}

const (
	saudi   = "966501110001"
	emirati = "971502220002"
	british = "447700900003"
	egypt   = "201003330004"

	pakistani = "923001110005"
	indian    = "919812220006"
	french    = "33612330007"
	german    = "4915112340008"
	brazilian = "5511912340009"
)

// TestConversationTranscripts are conversations as the person sees them,
// through the engine, the understanding step and the queue.
func TestConversationTranscripts(t *testing.T) {
	scripts := map[string][]act{
		"danger_from_a_new_person": {
			{From: saudi, Says: "my father collapsed and is not breathing"},
			{From: saudi, Location: &whatsapp.Location{Latitude: 24.7136, Longitude: 46.6753, Name: "Al Olaya"}},
			{From: saudi, Says: "please hurry"},
		},
		"danger_in_arabic_while_waiting": {
			{From: emirati, Says: "أبغى أكلم موظف"},
			{From: emirati, Says: "في حريق في البيت والدخان كثير"},
			{From: emirati, Agent: "claim"},
			{From: emirati, Agent: "close: civil defence on site", After: "30m"},
			{From: emirati, Says: "الدخان رجع مرة ثانية", After: "2h"},
		},
		"speaking_the_persons_language": {
			{From: pakistani, Says: "السلام علیکم، مجھے کسی انسان سے بات کرنی ہے"},
			{From: indian, Says: "नमस्ते, क्या आप मेरी मदद कर सकते हैं"},
			{From: french, Says: "bonjour, puis-je parler à un conseiller"},
			{From: german, Says: "Hallo, wir sind alle in Sicherheit"},
			{From: brazilian, Says: "meu pai desmaiou e não está respirando"},
		},
		"asking_for_a_person_in_a_long_sentence": {
			{From: british, Says: "I would really like to talk with a real person about my insurance claim please"},
		},
		"opting_out_in_words": {
			{From: british, Says: "hello"},
			{From: british, Says: "please remove me from this list"},
		},
		"impatience_while_waiting": {
			{From: egypt, Says: "I want to speak to an agent"},
			{From: british, Says: "can I talk to a human please"},
			{From: british, Says: "hello??"},
			{From: british, Says: "how long do I have to wait"},
			{From: british, Says: "hi"},
			{From: british, Says: "the landlord says we must leave tomorrow"},
			{From: egypt, Agent: "claim"},
			{From: british, Says: "please hurry"},
		},
		"closing_a_need_help_handoff": {
			{From: egypt, Says: "I want to speak to an agent"},
			{From: british, Says: "I need help, we have no food left"},
			{From: british, Agent: "claim"},
			{From: british, Agent: "close: food parcel delivered", After: "20m"},
			{From: emirati, Says: "can I talk to a human please"},
			{From: british, Says: "can I talk to someone again please", After: "3h"},
		},
		"a_later_message_after_a_closed_need_help_handoff": {
			{From: british, Says: "I need help, we have no food left"},
			{From: british, Agent: "claim"},
			{From: british, Agent: "close: food parcel delivered", After: "20m"},
			{From: egypt, Says: "I want to speak to an agent"},
			{From: emirati, Says: "we need help, the water is off since yesterday"},
			{From: saudi, Says: "there is a gas leak in our building"},
			// Back within the day: ahead of the older need-help and
			// ordinary ones, behind the person in danger.
			{From: british, Says: "the parcel had no baby milk in it", After: "5h"},
		},
		"a_location_outside_a_checkin": {
			{From: egypt, Location: &whatsapp.Location{Latitude: 30.0444, Longitude: 31.2357}},
			{From: british, Says: "I need help, we have no food left"},
			{From: british, Location: &whatsapp.Location{Latitude: 51.5072, Longitude: -0.1276, Name: "Flat 4"}},
			{From: saudi, Says: "we need help, my mother cannot walk"},
			{From: saudi, Agent: "claim"},
			{From: saudi, Agent: "close: neighbour is with her", After: "10m"},
			{From: saudi, Location: &whatsapp.Location{Latitude: 24.7136, Longitude: 46.6753}, After: "10m"},
		},
		"subscribing_in_words": {
			{From: british, Says: "START"},
			{From: saudi, Says: "subscribe"},
		},
		"off_topic": {
			{From: british, Says: "what time does the bakery close"},
		},
		"questions_that_mention_people_or_stopping": {
			{From: british, Says: "can a person get reinfected"},
			{From: egypt, Says: "is it passed between people"},
			{From: saudi, Says: "how do I stop a nosebleed"},
			{From: emirati, Says: "will the storm stop tonight"},
		},
		"danger_behind_another_danger": {
			{From: saudi, Says: "there is a gas leak in our building"},
			{From: brazilian, Says: "I want to speak to an agent"},
			// Second in danger: not promised to be first, told the place.
			{From: british, Says: "my father collapsed and is not breathing"},
		},
		"asking_for_the_emergency_number": {
			// The number of the person's country (by their phone number),
			// in their language; never the FAQ's answer without one.
			{From: british, Says: "What is the number for emergency services"},
			{From: saudi, Says: "رقم الطوارئ كم"},
			{From: french, Says: "numéro des urgences ?"},
			{From: german, Says: "Wie ist die Notrufnummer?"},
			{From: brazilian, Says: "qual é o número de emergência?"},
			{From: pakistani, Says: "ایمرجنسی نمبر کیا ہے"},
			// Waiting for a person: the number, and the place is kept.
			{From: egypt, Says: "I want to speak to an agent"},
			{From: egypt, Says: "what number do I call in an emergency"},
		},
		// Asking for the ambulance number tells no emergency: the number
		// and one question, no handoff. Yes takes the danger path at
		// once (urgent handoff, location request, emergency event); no
		// ends it.
		"asking_for_the_ambulance_number_then_yes": {
			{From: british, Says: "what's the ambulance number"},
			{From: british, Says: "yes"},
		},
		"asking_for_the_ambulance_number_then_no": {
			{From: british, Says: "what's the ambulance number"},
			{From: british, Says: "no"},
		},
		"asking_for_the_ambulance_number_with_the_buttons": {
			{From: saudi, Says: "رقم الاسعاف كام"},
			{From: saudi, Taps: "numcheck_danger", Says: "نعم، ساعدونا الآن"},
			{From: french, Says: "numéro des pompiers ?"},
			{From: french, Taps: "numcheck_asking", Says: "Non, simple question"},
		},
		// Asking for the number and telling an emergency: danger at once.
		"asking_for_the_number_in_an_emergency": {
			{From: british, Says: "what number do I call my husband is not breathing"},
			{From: saudi, Says: "رقم الإسعاف بسرعة أبوي طاح"},
		},
		"people_passed_in_the_queue": {
			{From: british, Says: "I want to speak to an agent"},
			{From: saudi, Says: "أبغى أكلم موظف"},
			// Both are told, once, in their language, with their new place.
			{From: french, Says: "il y a le feu dans notre immeuble"},
			// Passed again five minutes later: not told again so soon.
			{From: brazilian, Says: "meu pai desmaiou e não está respirando", After: "5m"},
			// Someone asking for a person goes behind: nobody is passed.
			{From: pakistani, Says: "مجھے کسی انسان سے بات کرنی ہے"},
			// A quarter of an hour on, someone who needs help is placed
			// ahead: told again, the whole move back since.
			{From: egypt, Says: "I need help, we have no food left", After: "15m"},
			{From: egypt, Agent: "claim"},
			{From: egypt, Agent: "close: food parcel delivered"},
			// Back within the day, and a quarter of an hour since the
			// last such notice: the people passed are told once more.
			{From: egypt, Says: "can I talk to someone again please", After: "15m"},
		},
		"releasing_an_urgent_handoff": {
			{From: saudi, Says: "there is a gas leak in our building"},
			{From: saudi, Agent: "claim"},
			{From: saudi, Agent: "release"},
		},
	}
	names := make([]string, 0, len(scripts))
	for n := range scripts {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			checkGolden(t, name, play(t, scripts[name]))
		})
	}
}
