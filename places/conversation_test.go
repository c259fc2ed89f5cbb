package places

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot"
	"lifeline/bot/clocktest"
	"lifeline/bot/goldentest"
	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/kb"
	"lifeline/store"
)

var update = flag.Bool("update", false, "rewrite the golden conversation transcripts in testdata/conversations")

type noFAQ struct{}

func (noFAQ) Search(q, lang string, limit int) kb.Result {
	return kb.Result{Decision: kb.DecisionNone, Lang: lang}
}

// step is one thing that happens in the conversation: the person writes
// or shares a location, or an admin changes a place's state.
type step struct {
	Says     string             `json:"says,omitempty"`
	Location *whatsapp.Location `json:"shares_location,omitempty"`
	Taps     string             `json:"taps,omitempty"`  // a list row's id
	Admin    string             `json:"admin,omitempty"` // "close <id>"
	Sent     []json.RawMessage  `json:"sent"`
}

var admin = Actor{ID: "token:test", Name: "ops", Role: "admin"}

func f(v float64) *float64 { return &v }

// TestNearestShelterConversation: a person asks for the nearest shelter,
// shares a location and gets the two nearest open shelters (the full one
// and the far one are not offered) as location messages; an admin closes
// one, and the next answer leaves it out at once.
func TestNearestShelterConversation(t *testing.T) {
	ctx := context.Background()
	clk := clocktest.New(time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC))
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	svc := NewService(Options{DB: db, Logger: zerolog.Nop(), Now: clk.Now})
	for _, in := range []Input{
		{ID: "town-hall", Name: map[string]string{"default": "Town hall shelter", "ar": "ملجأ دار البلدية"}, Kind: KindShelter, Lat: f(26.4300), Lon: f(50.1000), Address: "1 King Fahd Rd",
			District: map[string]string{"default": "Al Shati", "ar": "الشاطئ"}},
		{ID: "school", Name: map[string]string{"default": "North school shelter"}, Kind: KindShelter, Lat: f(26.4500), Lon: f(50.1100), Address: "12 School St",
			District: map[string]string{"default": "Al-Shati"}},
		{ID: "stadium", Name: map[string]string{"default": "Stadium shelter"}, Kind: KindShelter, Lat: f(26.4800), Lon: f(50.0500), Address: "Stadium gate 3",
			District: map[string]string{"default": "Al Khobar", "ar": "الخبر"}},
		{ID: "mosque", Name: map[string]string{"default": "Mosque hall (full)"}, Kind: KindShelter, Lat: f(26.4310), Lon: f(50.1010), State: StateFull},
		{ID: "far", Name: map[string]string{"default": "Riyadh shelter"}, Kind: KindShelter, Lat: f(24.7136), Lon: f(46.6753)},
		{ID: "well", Name: map[string]string{"default": "Water point"}, Kind: KindWater, Lat: f(26.4301), Lon: f(50.1001)},
	} {
		if _, err := svc.Create(ctx, in, admin); err != nil {
			t.Fatal(err)
		}
	}
	graph := whatsapptest.NewServer(t)
	client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: graph.URL, Version: "v23.0", AccessToken: "test-token", Timeout: 5 * time.Second})
	e := bot.New(bot.Config{PhoneNumberIDs: []string{"100200300400500"}, RatePerNumber: 1000},
		bot.Options{DB: db, Sender: client, KB: noFAQ{}, Places: Finder{S: svc}, Logger: zerolog.Nop(), Now: clk.Now})
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close(); db.Close() })

	here := &whatsapp.Location{Latitude: 26.4290, Longitude: 50.0990}
	script := []step{
		{Says: "where is the nearest shelter?"},
		{Location: here},
		{Admin: "close town-hall"},
		{Says: "nearest shelter"},
		{Location: here},
		{Says: "أقرب ملجأ"},
		{Says: "شارع الملك فهد"},
		{Says: "أقرب ملجأ"},
		{Says: "انا في حي الشاطىء"},
		{Says: "nearest shelter"},
		{Says: "I'm in Alkhobar"},
		{Says: "nearest shelter"},
		{Says: "I can't share my location"},
		{Taps: "place-district:shelter:Al Shati"},
	}
	seen := 0
	for i := range script {
		s := &script[i]
		clk.Add(time.Minute)
		switch {
		case s.Admin != "":
			if _, err := svc.SetState(ctx, s.Admin[len("close "):], StateClosed, admin); err != nil {
				t.Fatal(err)
			}
		default:
			m := whatsapp.Message{ID: fmt.Sprintf("wamid.places.%d", i), From: "966501110001", Timestamp: clk.Now(), Type: "text", Text: s.Says}
			if s.Location != nil {
				m.Type, m.Location = "location", s.Location
			}
			if s.Taps != "" {
				m.Type, m.ReplyID, m.ReplyTitle, m.Text = "interactive", s.Taps, "Al Shati", ""
			}
			if _, err := e.Ingest(&whatsapp.Batch{Messages: []whatsapp.Message{m}}); err != nil {
				t.Fatal(err)
			}
		}
		e.WaitIdle()
		s.Sent = []json.RawMessage{}
		msgs := graph.Messages()
		for _, r := range msgs[seen:] {
			s.Sent = append(s.Sent, json.RawMessage(r.Raw))
		}
		seen = len(msgs)
	}
	goldentest.Check(t, filepath.Join("testdata", "conversations", "nearest_shelter.json"), script, *update)

	// What the golden file shows, checked in words as well.
	locations := func(s step) []string {
		var names []string
		for _, raw := range s.Sent {
			var m struct {
				Type     string `json:"type"`
				Location struct {
					Name string `json:"name"`
				} `json:"location"`
			}
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			if m.Type == "location" {
				names = append(names, m.Location.Name)
			}
		}
		return names
	}
	if got := fmt.Sprint(locations(script[1])); got != "[Town hall shelter North school shelter Stadium shelter]" {
		t.Errorf("first answer: locations %s", got)
	}
	if got := fmt.Sprint(locations(script[4])); got != "[North school shelter Stadium shelter]" {
		t.Errorf("after closing the town hall: locations %s", got)
	}
}
