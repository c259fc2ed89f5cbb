package flows

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"lifeline/catalog"
	"lifeline/understand"
)

// TestNumberCheck: someone who asks for the emergency number is given it
// and asked whether anyone is in danger; what each answer does.
func TestNumberCheck(t *testing.T) {
	en := catalog.For("en")
	danger := []string{"text:" + fmt.Sprintf(en.Emergency, "999"), "location_request:" + en.LocationRequest}
	asked := []string{"text:" + fmt.Sprintf(en.EmergencyNumberAsked, "999"), "buttons:" + en.NumberCheck + " [" + en.BtnDangerNow + "|" + en.BtnJustAsking + "]"}
	type msg struct {
		text, tap string
		want      []string
		effects   string // kind, with +urgent
		query     string // the urgent handoff's query
		waits     bool
	}
	ask := msg{text: "what's the ambulance number", want: asked}
	cases := []struct {
		label string
		msgs  []msg
	}{
		{"the yes button: the danger path, the question and answer for the agent", []msg{ask,
			{tap: IDDangerNow, want: danger, effects: "handoff+urgent", query: "what's the ambulance number / " + en.BtnDangerNow, waits: true}}},
		{"a typed yes: the danger path", []msg{ask,
			{text: "yes", want: danger, effects: "handoff+urgent", query: "what's the ambulance number / yes", waits: true}}},
		{"a yes with more words: the danger path", []msg{ask,
			{text: "yes please come", want: danger, effects: "handoff+urgent", query: "what's the ambulance number / yes please come", waits: true}}},
		{"a danger message instead of an answer: the danger path", []msg{ask,
			{text: "my father collapsed", want: danger, effects: "handoff+urgent", query: "my father collapsed", waits: true}}},
		{"a no that tells danger is danger", []msg{ask,
			{text: "no, he is not breathing", want: danger, effects: "handoff+urgent", query: "no, he is not breathing", waits: true}}},
		{"the no button: ends it, no handoff", []msg{ask,
			{tap: IDJustAsking, want: []string{"text:" + en.NumberCheckNo}}}},
		{"a typed no, though read as an opt-out: ends it, no opt-out", []msg{ask,
			{text: "no", want: []string{"text:" + en.NumberCheckNo}}}},
		{"the no button's words typed", []msg{ask,
			{text: "no just asking", want: []string{"text:" + en.NumberCheckNo}}}},
		{"something else: the question lapses, then a yes is only a yes", []msg{ask,
			{text: "hello", want: []string{"buttons:" + fmt.Sprintf(en.Welcome, "") + "\n\n" + en.MenuPrompt + " [" + en.BtnAsk + "|" + en.BtnSafe + "|" + en.BtnHuman + "]"}},
			{text: "yes", want: []string{"text:" + en.SafeThanks}, effects: "safe"}}},
		{"asking again is no answer: the number and the question again", []msg{ask,
			{text: "which number?", want: asked}}},
		{"the yes button later, the question lapsed: the danger path still", []msg{ask,
			{text: "hello", want: []string{"buttons:" + fmt.Sprintf(en.Welcome, "") + "\n\n" + en.MenuPrompt + " [" + en.BtnAsk + "|" + en.BtnSafe + "|" + en.BtnHuman + "]"}},
			{tap: IDDangerNow, want: danger, effects: "handoff+urgent", query: en.BtnDangerNow, waits: true}}},
		{"asking and telling an emergency: danger at once, no question", []msg{
			{text: "ambulance number quick my dad collapsed", want: danger, effects: "handoff+urgent", query: "ambulance number quick my dad collapsed", waits: true}}},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			f := &Flow{KB: fakeKB{}, Reader: readings, Expiry: time.Hour}
			s := Session{Lang: "en"}
			at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
			for i, m := range c.msgs {
				at = at.Add(time.Minute)
				in := Input{Type: "text", Text: m.text, At: at, EmergencyNumber: "999"}
				if m.tap != "" {
					in.Type, in.ReplyID, in.ReplyTitle = "interactive", m.tap, "(title)"
				}
				out, err := f.Handle(s, in)
				if err != nil {
					t.Fatal(err)
				}
				s = out.Session
				if got := replyStrings(out); strings.Join(got, "\n") != strings.Join(m.want, "\n") {
					t.Errorf("message %d: replies\n got: %q\nwant: %q", i, got, m.want)
				}
				var effs []string
				query := ""
				for _, e := range out.Effects {
					k := string(e.Kind)
					if e.Urgent {
						k += "+urgent"
						query = e.Query
					}
					effs = append(effs, k)
				}
				if strings.Join(effs, ",") != m.effects || query != m.query {
					t.Errorf("message %d: effects %v query %q, want %s query %q", i, effs, query, m.effects, m.query)
				}
				if s.AwaitingAgent != m.waits {
					t.Errorf("message %d: waiting %v, want %v", i, s.AwaitingAgent, m.waits)
				}
			}
		})
	}
}

// TestNumberCheckInEveryLanguage: the number, the question and its
// buttons in the person's language, and a yes or a no typed in it.
func TestNumberCheckInEveryLanguage(t *testing.T) {
	answers := map[string]struct{ yes, no string }{
		"en": {"yes", "no"}, "ar": {"نعم", "لا شكرا"}, "fr": {"oui", "non merci"}, "es": {"sí", "no, gracias"},
		"de": {"ja", "nein danke"}, "pt": {"sim", "não, obrigado"}, "hi": {"हाँ", "नहीं"}, "ur": {"جی ہاں", "نہیں"},
	}
	for _, lang := range catalog.Languages() {
		a, ok := answers[lang]
		if !ok {
			t.Errorf("%s: no yes and no to try", lang)
			continue
		}
		tx := catalog.For(lang)
		r := reader{
			"number?": {Class: understand.Question, Confidence: 0.9, Lang: lang, NumberAsked: true},
			a.yes:     {Class: understand.Safe, Confidence: 0.9, Lang: lang},
			a.no:      {Class: understand.OptOut, Confidence: 0.9, Lang: lang},
		}
		asked := []string{"text:" + fmt.Sprintf(tx.EmergencyNumberAsked, "112"), "buttons:" + tx.NumberCheck + " [" + tx.BtnDangerNow + "|" + tx.BtnJustAsking + "]"}
		for _, c := range []struct {
			answer string
			want   []string
			urgent bool
		}{
			{a.yes, []string{"text:" + fmt.Sprintf(tx.Emergency, "112"), "location_request:" + tx.LocationRequest}, true},
			{a.no, []string{"text:" + tx.NumberCheckNo}, false},
		} {
			f := &Flow{KB: fakeKB{}, Reader: r}
			at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
			out, err := f.Handle(Session{}, Input{Type: "text", Text: "number?", At: at})
			if err != nil {
				t.Fatal(err)
			}
			if got := replyStrings(out); strings.Join(got, "\n") != strings.Join(asked, "\n") || len(out.Effects) != 0 {
				t.Errorf("%s: asked: replies %q effects %v, want %q and none", lang, got, out.Effects, asked)
			}
			out, err = f.Handle(out.Session, Input{Type: "text", Text: c.answer, At: at.Add(time.Minute)})
			if err != nil {
				t.Fatal(err)
			}
			if got := replyStrings(out); strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("%s: %q: replies %q, want %q", lang, c.answer, got, c.want)
			}
			urgent := len(out.Effects) == 1 && out.Effects[0].Kind == EffectHandoff && out.Effects[0].Urgent
			if urgent != c.urgent || !c.urgent && len(out.Effects) != 0 {
				t.Errorf("%s: %q: effects %+v, want urgent handoff %v and nothing else", lang, c.answer, out.Effects, c.urgent)
			}
		}
	}
}

// replyStrings is each reply as kind:text, with its buttons' titles.
func replyStrings(out Output) []string {
	var got []string
	for _, r := range out.Replies {
		g := r.Kind + ":" + r.Text
		if len(r.Buttons) > 0 {
			var titles []string
			for _, b := range r.Buttons {
				titles = append(titles, b.Title)
			}
			g += " [" + strings.Join(titles, "|") + "]"
		}
		got = append(got, g)
	}
	return got
}
