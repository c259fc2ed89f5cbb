package flows

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/looplab/fsm"

	"lifeline/catalog"
	"lifeline/kb"
	"lifeline/understand"
)

// fakeKB answers "shelter", is unsure about "water", knows nothing else.
type fakeKB struct{}

var (
	shelter = kb.Hit{ID: "shelter", Question: "Where are the shelters?", Answer: "Shelters are open at the town hall.", Lang: "en"}
	water   = kb.Hit{ID: "water", Question: "Is tap water safe to drink?", Answer: "Boil tap water for one minute.", Lang: "en"}
	ice     = kb.Hit{ID: "ice", Question: "Can I use ice from my freezer?", Answer: "Throw away ice made during the flood.", Lang: "en"}
)

func (fakeKB) Search(q, lang string, limit int) kb.Result {
	q = strings.ToLower(q)
	switch {
	case strings.Contains(q, "shelter"), strings.Contains(q, "مأوى"):
		return kb.Result{Decision: kb.DecisionAnswer, Lang: "en", Results: []kb.Hit{shelter, water, ice}}
	case strings.Contains(q, "water"):
		return kb.Result{Decision: kb.DecisionSuggest, Lang: "en", Results: []kb.Hit{water, ice}}
	}
	return kb.Result{Decision: kb.DecisionNone, Lang: lang}
}

// reader is a table of readings for flow tests: what the classifier
// says is tested in package understand; here the question is what the
// conversation does with each reading. Unknown texts read as an unsure "other".
type reader map[string]understand.Result

func sure(c understand.Class, lang string) understand.Result {
	return understand.Result{Class: c, Confidence: 0.9, Lang: lang,
		Scores: []understand.Scored{{Class: c, Score: 0.9}, {Class: understand.Other, Score: 0.1}}}
}

func unsure(c understand.Class) understand.Result {
	return understand.Result{Class: c, Confidence: 0.4,
		Scores: []understand.Scored{{Class: c, Score: 0.4}, {Class: understand.Question, Score: 0.35}}}
}

// asks marks a reading as a question for the emergency number.
func asks(r understand.Result) understand.Result {
	r.NumberAsked = true
	return r
}

func (r reader) Understand(text string) understand.Result {
	if res, ok := r[text]; ok {
		return res
	}
	return unsure(understand.Other)
}

var readings = reader{
	"hello":                        sure(understand.Greeting, "en"),
	"hi":                           sure(understand.Greeting, "en"),
	"hello?":                       sure(understand.QueueStatus, "en"),
	"how long do I have to wait":   sure(understand.QueueStatus, "en"),
	"how long is the shelter open": sure(understand.QueueStatus, "en"),
	"where is a shelter":           sure(understand.Question, "en"),
	"shelter please":               sure(understand.Question, "en"),
	"shelter?":                     sure(understand.Question, "en"),
	"water":                        sure(understand.Question, "en"),
	"who won the match last night": sure(understand.Other, "en"),
	"what is the capital of peru":  sure(understand.Question, "en"),
	"I need a person":              sure(understand.Human, "en"),
	"I would really like to talk with a real person about my claim": sure(understand.Human, "en"),
	"can a person get a shelter":                                    sure(understand.Question, "en"),
	"stop":                                                          sure(understand.OptOut, "en"),
	"STOP":                                                          sure(understand.OptOut, ""),
	"start":                                                         sure(understand.OptIn, ""),
	"remove me from this list":                                      sure(understand.OptOut, "en"),
	"how do I stop water coming into the shelter": sure(understand.Question, "en"),
	"مرحبا":               sure(understand.Greeting, "ar"),
	"أين أقرب مأوى؟":      sure(understand.Question, "ar"),
	"إيقاف":               sure(understand.OptOut, "ar"),
	"thank you so much":   sure(understand.Thanks, "en"),
	"ok":                  sure(understand.Safe, ""),
	"we are fine":         sure(understand.Safe, "en"),
	"please help us":      sure(understand.NeedHelp, "en"),
	"my father collapsed": {Class: understand.Danger, Confidence: 0.8, Lang: "en"},
	"i took all the pills, i don't want to be alive": {Class: understand.Danger, Confidence: 0.9, Lang: "en", Rule: understand.RuleSelfHarm},
	"I want to end my life":                          {Class: understand.Danger, Confidence: 0.9, Lang: "en", Rule: understand.RuleSelfHarm},
	"نحن محاصرون على السطح":                          {Class: understand.Danger, Confidence: 0.9, Lang: "ar", Rule: understand.RuleDangerLexicon},
	"things are not ok here":                         {Class: understand.NeedHelp, Confidence: 0.5, Lang: "en", Rule: understand.RuleNegatedSafe},
	"asdf": {Class: understand.Other, Confidence: 0.4,
		Scores: []understand.Scored{{Class: understand.Other, Score: 0.4}, {Class: understand.NeedHelp, Score: 0.35}}},
	// as the model reads them: a question and chatter about equal
	"متى يسكر الفرن؟": {Class: understand.Other, Confidence: 0.45, Lang: "ar", Also: []understand.Class{understand.Question},
		Scores: []understand.Scored{{Class: understand.Other, Score: 0.45}, {Class: understand.Question, Score: 0.42}, {Class: understand.QueueStatus, Score: 0.12}}},
	"bonjour ??": {Class: understand.QueueStatus, Confidence: 0.58, Lang: "fr", Also: []understand.Class{understand.Greeting},
		Scores: []understand.Scored{{Class: understand.QueueStatus, Score: 0.58}, {Class: understand.Greeting, Score: 0.41}}},
	"maybe a question": {Class: understand.Question, Confidence: 0.4, Lang: "en",
		Scores: []understand.Scored{{Class: understand.Question, Score: 0.4}, {Class: understand.Other, Score: 0.3}, {Class: understand.NeedHelp, Score: 0.3}}},
	"the parcel had no baby milk in it": sure(understand.Other, "en"),
	// asking for the emergency number, as the model reads it
	"What is the number for emergency services":        asks(sure(understand.Question, "en")),
	"رقم الطوارئ كم":                                   asks(understand.Result{Class: understand.Question, Confidence: 0.63, Lang: "ar"}),
	"emergency number please":                          asks(sure(understand.OptIn, "en")),
	"we need help, what is the emergency number":       asks(sure(understand.NeedHelp, "en")),
	"I called the emergency number but nobody answers": unsure(understand.QueueStatus),
	"what's the ambulance number": asks(understand.Result{Class: understand.Question, Confidence: 0.9, Lang: "en", Rule: understand.RuleNumberAsked,
		Scores: []understand.Scored{{Class: understand.Danger, Score: 0.7}, {Class: understand.Question, Score: 0.2}}}),
	"ما هو رقم الإسعاف":                       asks(understand.Result{Class: understand.Question, Confidence: 0.9, Lang: "ar", Rule: understand.RuleNumberAsked}),
	"which number?":                           asks(sure(understand.Question, "en")),
	"ambulance number quick my dad collapsed": asks(understand.Result{Class: understand.Danger, Confidence: 0.95, Lang: "en"}),
	"no, he is not breathing":                 {Class: understand.Danger, Confidence: 0.9, Lang: "en", Rule: understand.RuleDangerLexicon},
	"yes":                                     sure(understand.Safe, "en"),
	"yes please come":                         sure(understand.NeedHelp, "en"),
	"no":                                      sure(understand.OptOut, "en"),
	"no just asking":                          sure(understand.Other, "en"),
	"نعم":                                     sure(understand.Safe, "ar"),
	"لا شكرا":                                 sure(understand.Thanks, "ar"),
	"maybe safe":                              unsure(understand.Safe),
	// as the model reads it: thanks and queue status about equal
	"بسرعة الله يخليكم": {Class: understand.Thanks, Confidence: 0.40, Lang: "ar", Also: []understand.Class{understand.QueueStatus},
		Scores: []understand.Scored{{Class: understand.Thanks, Score: 0.40}, {Class: understand.QueueStatus, Score: 0.35}}},
}

// step is one message of a conversation and what must follow.
type step struct {
	text, reply string // what the user sends: text, or the id of a tapped button
	want        []string
	state       string
	effects     []EffectKind
}

func TestConversations(t *testing.T) {
	cases := []struct {
		name  string
		steps []step
	}{
		{"greeting shows the menu", []step{
			{text: "hello", want: []string{"buttons:Hello"}, state: StateMenu},
		}},
		{"menu: ask a question, get an answer, say it helped", []step{
			{text: "hi", want: []string{"buttons:"}, state: StateMenu},
			{reply: IDAsk, want: []string{"text:Please type your question"}, state: StateAsking},
			{text: "where is a shelter", want: []string{"text:Shelters are open", "buttons:Was this helpful?"}, state: StateAnswered},
			{reply: "fb_yes:shelter", want: []string{"text:Thank you"}, state: StateMenu, effects: []EffectKind{EffectFeedback}},
		}},
		{"not helpful offers the alternatives and a person", []step{
			{text: "shelter please", want: []string{"text:Shelters", "buttons:Was this helpful?"}, state: StateAnswered},
			{reply: "fb_no:shelter", want: []string{"list:Sorry about that"}, state: StateSuggesting, effects: []EffectKind{EffectFeedback, EffectUnanswered}},
			{reply: "faq:water", want: []string{"text:Boil tap water", "buttons:Was this helpful?"}, state: StateAnswered, effects: []EffectKind{EffectChoice}},
		}},
		{"unsure search suggests a list", []step{
			{text: "water", want: []string{"list:I am not sure"}, state: StateSuggesting},
		}},
		{"off-topic twice: what the bot can help with, then a person", []step{
			{text: "who won the match last night", want: []string{"buttons:Sorry, I don't have an answer to that. I can answer"}, state: StateMenu},
			{text: "what is the capital of peru", want: []string{"text:I still could not", "text:A person from our team"}, state: StateMenu, effects: []EffectKind{EffectUnanswered, EffectHandoff}},
			{text: "shelter?", want: []string{"text:Shelters", "buttons:Was this helpful?"}, state: StateAnswered}, // the FAQ still answers while they wait
		}},
		{"asking for a person", []step{
			{text: "I need a person", want: []string{"text:A person from our team"}, state: StateMenu, effects: []EffectKind{EffectHandoff}},
		}},
		{"a claimed conversation is silent", []step{
			{text: "claim", want: nil, state: StateHandoff},
			{text: "hello?", want: nil, state: StateHandoff},
			{text: "stop", want: []string{"text:You will no longer"}, state: StateHandoff, effects: []EffectKind{EffectOptOut}},
		}},
		{"a question mentioning a person is still a question", []step{
			{text: "can a person get a shelter", want: []string{"text:Shelters", "buttons:Was this helpful?"}, state: StateAnswered},
		}},
		{"check in as safe from the menu", []step{
			{reply: IDSafe, want: []string{"text:Thank you for letting us know"}, state: StateMenu, effects: []EffectKind{EffectSafe}},
		}},
		{"stop and start", []step{
			{text: "STOP", want: []string{"text:You will no longer receive alerts"}, state: StateIdle, effects: []EffectKind{EffectOptOut}},
			{text: "start", want: []string{"text:You will receive our alerts again"}, state: StateIdle, effects: []EffectKind{EffectOptIn}},
		}},
		{"stop inside a question is not an opt-out", []step{
			{text: "how do I stop water coming into the shelter", want: []string{"text:Shelters", "buttons:Was this helpful?"}, state: StateAnswered},
		}},
		{"arabic is answered in arabic", []step{
			{text: "مرحبا", want: []string{"buttons:مرحباً"}, state: StateMenu},
			{text: "أين أقرب مأوى؟", want: []string{"text:Shelters", "buttons:هل كانت الإجابة مفيدة؟"}, state: StateAnswered},
			{text: "إيقاف", want: []string{"text:لن تصلك تنبيهاتنا"}, state: StateAnswered, effects: []EffectKind{EffectOptOut}},
		}},
		{"a voice note goes to a person, who can listen to it", []step{
			{text: "", want: []string{"text:I cannot listen to voice notes"}, state: StateMenu, effects: []EffectKind{EffectHandoff}},
			{text: "", want: []string{"text:Thank you, we have added this"}, state: StateMenu}, // a second one joins the first
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := &Flow{KB: fakeKB{}, Reader: readings, Expiry: time.Hour}
			var s Session
			at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
			for i, st := range tc.steps {
				at = at.Add(time.Minute)
				if st.text == "claim" { // an agent takes the conversation
					var err error
					if s, err = Claim(s); err != nil {
						t.Fatal(err)
					}
					continue
				}
				in := Input{Type: "text", Text: st.text, ReplyID: st.reply, At: at}
				if st.text == "" && st.reply == "" {
					in.Type, in.Voice = "audio", true
				}
				out, err := f.Handle(s, in)
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				var got []string
				for _, r := range out.Replies {
					got = append(got, r.Kind+":"+r.Text)
				}
				if len(got) != len(st.want) {
					t.Fatalf("step %d (%q): replies %q, want %q", i, st.text+st.reply, got, st.want)
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

func effStrings(k []EffectKind) []string {
	var s []string
	for _, e := range k {
		s = append(s, string(e))
	}
	return s
}

// The real model decides the language.
func TestLanguageIsRemembered(t *testing.T) {
	f := &Flow{KB: fakeKB{}, Expiry: time.Hour}
	at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	out, _ := f.Handle(Session{}, Input{Type: "text", Text: "مرحبا بكم", At: at})
	if out.Session.Lang != "ar" {
		t.Fatalf("lang = %q, want ar", out.Session.Lang)
	}
	// "ok" says nothing about the language: the conversation stays in Arabic.
	out, _ = f.Handle(out.Session, Input{Type: "text", Text: "ok", At: at.Add(time.Minute)})
	if out.Session.Lang != "ar" || !strings.HasPrefix(out.Replies[0].Text, "شكراً") {
		t.Fatalf("after ok: lang %q, reply %q", out.Session.Lang, out.Replies[0].Text)
	}
}

func TestConversationExpiresAfterInactivity(t *testing.T) {
	f := &Flow{KB: fakeKB{}, Reader: readings, Expiry: time.Hour}
	at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	out, _ := f.Handle(Session{}, Input{Type: "text", Text: "shelter", At: at})
	if out.Session.State != StateAnswered || out.Session.LastEntryID != "shelter" {
		t.Fatalf("state %s", out.Session.State)
	}
	// Two hours later "no" is not feedback on an answer from long ago.
	out, _ = f.Handle(out.Session, Input{Type: "text", Text: "hello", At: at.Add(2 * time.Hour)})
	if out.Session.LastEntryID != "" || out.Session.State != StateMenu {
		t.Fatalf("after expiry: state %s, last entry %q", out.Session.State, out.Session.LastEntryID)
	}
}

func TestReleaseReturnsTheConversationToTheBot(t *testing.T) {
	s, err := Claim(Session{State: StateMenu, AwaitingAgent: true})
	if err != nil || s.State != StateHandoff || s.AwaitingAgent {
		t.Fatalf("claim: %v %+v", err, s)
	}
	if s, err = Claim(s); err != nil || s.State != StateHandoff {
		t.Fatalf("second claim must be harmless: %v %s", err, s.State)
	}
	s, err = Release(s)
	if err != nil || s.State != StateMenu {
		t.Fatalf("release: %v %s", err, s.State)
	}
	if _, err := Release(s); err == nil {
		t.Fatal("releasing a conversation nobody owns must fail")
	}
}

// Every event of the table can fire from each of its sources: a typo in
// the table would otherwise only show up in production.
func TestEventTableIsConsistent(t *testing.T) {
	for _, ev := range Events {
		for _, src := range ev.Src {
			m := fsm.NewFSM(src, Events, nil)
			if err := m.Event(context.Background(), ev.Name); err != nil {
				var nt fsm.NoTransitionError
				if !asNoTransition(err, &nt) {
					t.Errorf("%s from %s: %v", ev.Name, src, err)
				}
			}
			if m.Current() != ev.Dst {
				t.Errorf("%s from %s ends in %s, want %s", ev.Name, src, m.Current(), ev.Dst)
			}
		}
	}
}

func asNoTransition(err error, target *fsm.NoTransitionError) bool {
	nt, ok := err.(fsm.NoTransitionError)
	if ok {
		*target = nt
	}
	return ok
}

// The explicit opt-in question names the topic in the person's language;
// a language without its own topic gets the default.
func TestOptInQuestionTopicInThePersonsLanguage(t *testing.T) {
	topics, err := catalog.ParseTopics("floods in the east,ar=الفيضانات في الشرق")
	if err != nil {
		t.Fatal(err)
	}
	f := &Flow{KB: fakeKB{}, Reader: readings, Expiry: time.Hour, AlertTopics: topics}
	at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct{ lang, want string }{
		{"ar", fmt.Sprintf(catalog.For("ar").ConsentAsk, "الفيضانات في الشرق")},
		{"en", fmt.Sprintf(catalog.For("en").ConsentAsk, "floods in the east")},
		{"fr", fmt.Sprintf(catalog.For("fr").ConsentAsk, "floods in the east")},
	} {
		out, err := f.Handle(Session{Lang: c.lang}, Input{Type: "text", Text: "start", At: at})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Replies) != 1 || out.Replies[0].Text != c.want {
			t.Errorf("%s: replies %+v, want %q", c.lang, out.Replies, c.want)
		}
	}
}
