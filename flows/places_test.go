package flows

import (
	"strings"
	"testing"
	"time"

	"lifeline/bot/whatsapp"
	"lifeline/understand"
)

// fakePlaces knows shelters only; near is what Nearest answers. With
// districts, "North" has the school shelter open and "Harbour" none;
// without, no place has a district.
type fakePlaces struct {
	near      []PlaceHit
	districts bool
}

func (p fakePlaces) InDistrict(kind, words, lang string, n int) (string, []PlaceHit, error) {
	w := strings.ToLower(words)
	switch {
	case !p.districts:
	case strings.Contains(w, "north"):
		return "North", []PlaceHit{{Name: "School shelter", Address: "12 School St", Lat: 26.45, Lon: 50.11}}, nil
	case strings.Contains(w, "harbour"):
		return "Harbour", nil, nil
	}
	return "", nil, nil
}

func (p fakePlaces) Districts(kind, lang string, n int) ([]PlaceDistrict, int, error) {
	if !p.districts {
		return nil, 0, nil
	}
	return []PlaceDistrict{{Name: "North", Open: 1}}, 1, nil
}

func (fakePlaces) Knows(kind string) bool { return kind == "shelter" }
func (fakePlaces) RadiusKm() float64      { return 50 }
func (p fakePlaces) Nearest(kind string, lat, lon float64, lang string, n int) ([]PlaceHit, error) {
	return p.near[:min(n, len(p.near))], nil
}
func (fakePlaces) Open(kind, lang string, n int) ([]PlaceHit, error) {
	return []PlaceHit{{Name: "School shelter", Address: "12 School St"}, {Name: "Town hall", Address: "1 Main St"}}, nil
}

var twoShelters = []PlaceHit{
	{Name: "Town hall", Address: "1 Main St", Lat: 26.43, Lon: 50.1, DistanceKm: 0.4},
	{Name: "School shelter", Address: "12 School St", Lat: 26.45, Lon: 50.11, DistanceKm: 2.6},
}

func TestPlaceConversation(t *testing.T) {
	here := &whatsapp.Location{Latitude: 26.429, Longitude: 50.099}
	reads := reader{
		"where is the nearest shelter": sure(understand.Question, "en"),
		"where can I get water":        sure(understand.Question, "en"),
		"north district":               unsure(understand.Other),
		"I am at the harbour":          unsure(understand.Other),
		"I can't share my location":    unsure(understand.Other),
		"somewhere else":               unsure(understand.Other),
		"my father collapsed":          {Class: understand.Danger, Confidence: 0.8, Lang: "en"},
		"I need a person":              sure(understand.Human, "en"),
	}
	type pstep struct {
		text    string
		reply   string // a tapped row's id
		loc     *whatsapp.Location
		want    []string
		state   string
		effects []EffectKind
	}
	ask := pstep{text: "where is the nearest shelter", want: []string{"location_request:To find the nearest open places (shelter)"}, state: StatePlace}
	cases := []struct {
		name   string
		places fakePlaces
		steps  []pstep
	}{
		{"a location gets the nearest open places as location messages", fakePlaces{near: twoShelters}, []pstep{
			ask,
			{loc: here, want: []string{"text:The nearest open places (shelter):", "text:Town hall: 0.4 km, open", "location:Town hall",
				"text:School shelter: 2.6 km, open", "location:School shelter"}, state: StateMenu},
		}},
		{"words instead of a location, when no place has a district, get the places by name", fakePlaces{near: twoShelters}, []pstep{
			ask,
			{text: "north district", want: []string{"text:Open places (shelter):\n• School shelter, 12 School St\n• Town hall, 1 Main St"}, state: StateMenu},
		}},
		{"a district named instead of a location gets its open places as location messages", fakePlaces{near: twoShelters, districts: true}, []pstep{
			ask,
			{text: "north district", want: []string{"text:Open places (shelter) in North:", "location:School shelter"}, state: StateMenu},
		}},
		{"a district with none open: said, and a person offered", fakePlaces{near: twoShelters, districts: true}, []pstep{
			ask,
			{text: "I am at the harbour", want: []string{"buttons:No place (shelter) in Harbour is open"}, state: StateMenu},
		}},
		{"words that name no district get the districts to choose from, then a tap answers", fakePlaces{near: twoShelters, districts: true}, []pstep{
			ask,
			{text: "I can't share my location", want: []string{"list:I could not find the district you wrote"}, state: StatePlace},
			{reply: IDDistrict + "shelter:North", want: []string{"text:Open places (shelter) in North:", "location:School shelter"}, state: StateMenu},
		}},
		{"after the districts list, words that name none again get the places by name", fakePlaces{near: twoShelters, districts: true}, []pstep{
			ask,
			{text: "I can't share my location", want: []string{"list:I could not find the district you wrote"}, state: StatePlace},
			{text: "somewhere else", want: []string{"text:Open places (shelter):\n• School shelter"}, state: StateMenu},
		}},
		{"after the districts list, a location still gets the nearest", fakePlaces{near: twoShelters, districts: true}, []pstep{
			ask,
			{text: "I can't share my location", want: []string{"list:I could not find the district you wrote"}, state: StatePlace},
			{loc: here, want: []string{"text:The nearest open places (shelter):", "text:Town hall", "location:Town hall", "text:School shelter", "location:School shelter"}, state: StateMenu},
		}},
		{"none near: said, and a person offered", fakePlaces{}, []pstep{
			ask,
			{loc: here, want: []string{"buttons:We know of no open place (shelter) within 50.0 km"}, state: StateMenu},
		}},
		{"danger while asked for a location goes the danger way", fakePlaces{near: twoShelters}, []pstep{
			ask,
			{text: "my father collapsed", want: []string{"text:If anyone is in danger", "location_request:Please share your location so we can send help"},
				state: StateMenu, effects: []EffectKind{EffectHandoff}},
			{loc: here, want: []string{"text:Thank you, we have added your location"}, state: StateMenu, effects: []EffectKind{EffectLocation}},
		}},
		{"asking for a person instead is the usual handoff", fakePlaces{near: twoShelters}, []pstep{
			ask,
			{text: "I need a person", want: []string{"text:A person from our team"}, state: StateMenu, effects: []EffectKind{EffectHandoff}},
		}},
		{"while waiting for a person, the location also goes to the handoff", fakePlaces{near: twoShelters}, []pstep{
			{text: "I need a person", want: []string{"text:A person from our team"}, state: StateMenu, effects: []EffectKind{EffectHandoff}},
			ask,
			{loc: here, want: []string{"text:The nearest", "text:Town hall", "location:Town hall", "text:School shelter", "location:School shelter"},
				state: StateMenu, effects: []EffectKind{EffectLocation}},
		}},
		{"a kind no place is kept for is a question for the FAQ", fakePlaces{near: twoShelters}, []pstep{
			{text: "where can I get water", want: []string{"list:I am not sure"}, state: StateSuggesting},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := &Flow{KB: fakeKB{}, Reader: reads, Places: tc.places, Expiry: time.Hour}
			var s Session
			at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
			for i, st := range tc.steps {
				at = at.Add(time.Minute)
				in := Input{Type: "text", Text: st.text, At: at}
				if st.reply != "" {
					in.Type, in.ReplyID, in.ReplyTitle = "interactive", st.reply, "North"
				}
				if st.loc != nil {
					in.Type, in.Location = "location", st.loc
				}
				out, err := f.Handle(s, in)
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				var got []string
				for _, r := range out.Replies {
					text := r.Text
					if r.Location != nil {
						text = r.Location.Name
					}
					got = append(got, r.Kind+":"+text)
				}
				if len(got) != len(st.want) {
					t.Fatalf("step %d (%q): replies %q, want %q", i, st.text, got, st.want)
				}
				for j := range got {
					if !strings.HasPrefix(got[j], st.want[j]) {
						t.Errorf("step %d reply %d: %q, want prefix %q", i, j, got[j], st.want[j])
					}
				}
				if out.Session.State != st.state {
					t.Errorf("step %d: state %s, want %s", i, out.Session.State, st.state)
				}
				var kinds []EffectKind
				for _, e := range out.Effects {
					kinds = append(kinds, e.Kind)
				}
				if strings.Join(effStrings(kinds), ",") != strings.Join(effStrings(st.effects), ",") {
					t.Errorf("step %d: effects %v, want %v", i, kinds, st.effects)
				}
				s = out.Session
			}
		})
	}
}

// manyDistricts has n districts with open shelters, D01 to Dnn.
type manyDistricts struct {
	fakePlaces
	n int
}

func (p manyDistricts) Districts(kind, lang string, n int) ([]PlaceDistrict, int, error) {
	var ds []PlaceDistrict
	for i := 1; i <= p.n && len(ds) < n; i++ {
		ds = append(ds, PlaceDistrict{Name: "D" + string(rune('0'+i/10)) + string(rune('0'+i%10)), Open: 1})
	}
	return ds, p.n, nil
}

// TestDistrictListPages: WhatsApp lists take ten rows, so a list of more
// districts ends with a row for the next page; every district can be
// reached and none is shown twice.
func TestDistrictListPages(t *testing.T) {
	type page struct {
		first, last string // first and last district row
		districts   int
		more        string // the more row's id and description, "" for none
	}
	cases := []struct {
		n     int
		pages []page
	}{
		{1, []page{{"D01", "D01", 1, ""}}},
		{10, []page{{"D01", "D10", 10, ""}}},
		{11, []page{{"D01", "D09", 9, "place-more:shelter:9 2 more"}, {"D10", "D11", 2, ""}}},
		{23, []page{{"D01", "D09", 9, "place-more:shelter:9 14 more"}, {"D10", "D18", 9, "place-more:shelter:18 5 more"}, {"D19", "D23", 5, ""}}},
	}
	reads := reader{
		"where is the nearest shelter": sure(understand.Question, "en"),
		"I can't share my location":    unsure(understand.Other),
	}
	for _, tc := range cases {
		f := &Flow{KB: fakeKB{}, Reader: reads, Places: manyDistricts{fakePlaces{near: twoShelters, districts: true}, tc.n}, Expiry: time.Hour}
		at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
		var s Session
		for _, text := range []string{"where is the nearest shelter", "I can't share my location"} {
			at = at.Add(time.Minute)
			out, err := f.Handle(s, Input{Type: "text", Text: text, At: at})
			if err != nil {
				t.Fatal(err)
			}
			s = out.Session
			if text != "where is the nearest shelter" {
				var next string
				for i, want := range tc.pages {
					if i > 0 {
						at = at.Add(time.Minute)
						if out, err = f.Handle(s, Input{Type: "interactive", ReplyID: next, ReplyTitle: "More districts", At: at}); err != nil {
							t.Fatal(err)
						}
						s = out.Session
					}
					if len(out.Replies) != 1 || out.Replies[0].Kind != whatsapp.KindList {
						t.Fatalf("%d districts, page %d: replies %+v, want one list", tc.n, i+1, out.Replies)
					}
					rows := out.Replies[0].Sections[0].Rows
					if len(rows) > whatsapp.MaxRows {
						t.Errorf("%d districts, page %d: %d rows, WhatsApp takes %d", tc.n, i+1, len(rows), whatsapp.MaxRows)
					}
					next = ""
					if last := rows[len(rows)-1]; strings.HasPrefix(last.ID, IDDistrictMore) {
						next, rows = last.ID, rows[:len(rows)-1]
						if got := last.ID + " " + last.Description; got != want.more {
							t.Errorf("%d districts, page %d: more row %q, want %q", tc.n, i+1, got, want.more)
						}
					} else if want.more != "" {
						t.Errorf("%d districts, page %d: no more row, want %q", tc.n, i+1, want.more)
					}
					if len(rows) != want.districts || rows[0].Title != want.first || rows[len(rows)-1].Title != want.last {
						t.Errorf("%d districts, page %d: %d rows %s..%s, want %d %s..%s", tc.n, i+1, len(rows), rows[0].Title, rows[len(rows)-1].Title,
							want.districts, want.first, want.last)
					}
					if s.State != StatePlace {
						t.Errorf("%d districts, page %d: state %s, want %s (a district or a location still answers)", tc.n, i+1, s.State, StatePlace)
					}
				}
			}
		}
		// A district tapped on the last page answers with its places.
		at = at.Add(time.Minute)
		out, err := f.Handle(s, Input{Type: "interactive", ReplyID: IDDistrict + "shelter:North", ReplyTitle: "North", At: at})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Replies) < 2 || out.Replies[1].Kind != whatsapp.KindLocation {
			t.Errorf("%d districts: a tapped district got %+v, want its places", tc.n, out.Replies)
		}
	}
}
