package flows

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"lifeline/bot/whatsapp"
	"lifeline/catalog"
)

// TestWhatEachClassDoes is the specification of what the conversation
// does with each reading, in the states where it differs: a new person,
// someone waiting for a person, and a conversation a person has claimed.
func TestWhatEachClassDoes(t *testing.T) {
	en, ar := catalog.For("en"), catalog.For("ar")
	at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	fresh := Session{}
	waiting := Session{State: StateMenu, Lang: "en", AwaitingAgent: true, LastInboundAt: at.Add(-time.Minute), LastActivityAt: at.Add(-time.Minute)}
	claimed := Session{State: StateHandoff, Lang: "en", LastInboundAt: at.Add(-time.Minute), LastActivityAt: at.Add(-time.Minute)}
	answered := Session{State: StateAnswered, Lang: "en", LastEntryID: "shelter", LastInboundAt: at.Add(-time.Minute), LastActivityAt: at.Add(-time.Minute)}
	recentlyHelped := Session{State: StateMenu, Lang: "en", PriorityUntil: at.Add(time.Hour), LastInboundAt: at.Add(-time.Minute), LastActivityAt: at.Add(-time.Minute)}
	spokeOfHelp := Session{State: StateMenu, Lang: "en", Concern: "need_help", ConcernAt: at.Add(-10 * time.Minute), LastInboundAt: at.Add(-time.Minute), LastActivityAt: at.Add(-time.Minute)}
	pin := &whatsapp.Location{Latitude: 24.7, Longitude: 46.7}

	text := func(s string) string { return "text:" + s }
	buttons := func(s string, titles ...string) string {
		return "buttons:" + s + " [" + strings.Join(titles, "|") + "]"
	}
	locreq := func(s string) string { return "location_request:" + s }
	numberCheck := func(t catalog.Texts) string { return buttons(t.NumberCheck, t.BtnDangerNow, t.BtnJustAsking) }
	menu := func(t catalog.Texts, name string) string {
		return buttons(fmt.Sprintf(t.Welcome, name)+"\n\n"+t.MenuPrompt, t.BtnAsk, t.BtnSafe, t.BtnHuman)
	}

	cases := []struct {
		label   string
		s       Session
		in      Input
		replies []string
		effects []string // kind, with +priority and +urgent
		state   string
		waits   bool // AwaitingAgent afterwards
	}{
		{"danger from a new person: the number, a location request, an urgent handoff",
			fresh, Input{Text: "my father collapsed", EmergencyNumber: "997"},
			[]string{text(fmt.Sprintf(en.Emergency, "997")), locreq(en.LocationRequest)}, []string{"handoff+priority+urgent"}, StateMenu, true},
		{"danger in Arabic, number unknown: 112",
			fresh, Input{Text: "نحن محاصرون على السطح"},
			[]string{text(fmt.Sprintf(ar.Emergency, "112")), locreq(ar.LocationRequest)}, []string{"handoff+priority+urgent"}, StateMenu, true},
		{"danger while waiting: raised to urgent, still told the number",
			waiting, Input{Text: "my father collapsed", EmergencyNumber: "999"},
			[]string{text(fmt.Sprintf(en.EmergencyWaiting, "999")), locreq(en.LocationRequest)}, []string{"handoff+priority+urgent"}, StateMenu, true},
		{"danger in a claimed conversation: the bot speaks up once",
			claimed, Input{Text: "my father collapsed", EmergencyNumber: "911"},
			[]string{text(fmt.Sprintf(en.EmergencyWaiting, "911")), locreq(en.LocationRequest)}, []string{"handoff+priority+urgent"}, StateHandoff, false},
		{"self-harm: the number as a line to talk to as well, a location request, an urgent handoff",
			fresh, Input{Text: "i took all the pills, i don't want to be alive", EmergencyNumber: "999"},
			[]string{text(fmt.Sprintf(en.EmergencySelfHarm, "999")), locreq(en.LocationRequest)}, []string{"handoff+priority+urgent"}, StateMenu, true},
		{"self-harm while waiting: the same words, the conversation stays urgent",
			waiting, Input{Text: "I want to end my life", EmergencyNumber: "999"},
			[]string{text(fmt.Sprintf(en.EmergencySelfHarm, "999")), locreq(en.LocationRequest)}, []string{"handoff+priority+urgent"}, StateMenu, true},
		{"asking for the emergency number: the number where the person is, not the FAQ, and whether anyone is in danger",
			fresh, Input{Text: "What is the number for emergency services", EmergencyNumber: "999"},
			[]string{text(fmt.Sprintf(en.EmergencyNumberAsked, "999")), numberCheck(en)}, nil, StateMenu, false},
		{"asking for the emergency number in Arabic, number unknown: 112",
			fresh, Input{Text: "رقم الطوارئ كم"},
			[]string{text(fmt.Sprintf(ar.EmergencyNumberAsked, "112")), numberCheck(ar)}, nil, StateMenu, false},
		{"asking for the emergency number, read as a request for alerts: the number, no opt-in",
			fresh, Input{Text: "emergency number please", EmergencyNumber: "911"},
			[]string{text(fmt.Sprintf(en.EmergencyNumberAsked, "911")), numberCheck(en)}, nil, StateMenu, false},
		{"asking for the ambulance number, danger only in its name: no handoff, the number and the question",
			fresh, Input{Text: "what's the ambulance number", EmergencyNumber: "999"},
			[]string{text(fmt.Sprintf(en.EmergencyNumberAsked, "999")), numberCheck(en)}, nil, StateMenu, false},
		{"asking for the ambulance number and telling an emergency: danger at once",
			fresh, Input{Text: "ambulance number quick my dad collapsed", EmergencyNumber: "999"},
			[]string{text(fmt.Sprintf(en.Emergency, "999")), locreq(en.LocationRequest)}, []string{"handoff+priority+urgent"}, StateMenu, true},
		{"asking for help and the emergency number: the number, then a priority handoff",
			fresh, Input{Text: "we need help, what is the emergency number", EmergencyNumber: "999"},
			[]string{text(fmt.Sprintf(en.EmergencyNumberAsked, "999")), text(en.HumanQueued)}, []string{"handoff+priority"}, StateMenu, true},
		{"waiting: asking for the emergency number gets it and the question, the place is kept",
			waiting, Input{Text: "What is the number for emergency services", EmergencyNumber: "999"},
			[]string{text(fmt.Sprintf(en.EmergencyNumberAsked, "999")), numberCheck(en)}, nil, StateMenu, true},
		{"claimed: the person who answers gives the number",
			claimed, Input{Text: "What is the number for emergency services", EmergencyNumber: "999"},
			nil, nil, StateHandoff, false},
		{"telling of the emergency number is not asking for it",
			fresh, Input{Text: "I called the emergency number but nobody answers", EmergencyNumber: "999"},
			[]string{buttons(en.Clarify, en.BtnNeedHelp, en.BtnAsk, en.BtnHuman)}, nil, StateMenu, false},
		{"a person, in a long sentence",
			fresh, Input{Text: "I would really like to talk with a real person about my claim"},
			[]string{text(en.HumanQueued)}, []string{"handoff"}, StateMenu, true},
		{"a person again within a day of a need-help handoff: priority",
			recentlyHelped, Input{Text: "I need a person"},
			[]string{text(en.HumanQueued)}, []string{"handoff+priority"}, StateMenu, true},
		{"anything the FAQ cannot answer within a day of a need-help handoff: a person, at the front",
			recentlyHelped, Input{Text: "the parcel had no baby milk in it"},
			[]string{text(en.HumanQueued)}, []string{"handoff+priority"}, StateMenu, true},
		{"unsure within a day of a need-help handoff: a person, not a question",
			recentlyHelped, Input{Text: "asdf"},
			[]string{text(en.HumanQueued)}, []string{"handoff+priority"}, StateMenu, true},
		{"the FAQ still answers within a day of a need-help handoff",
			recentlyHelped, Input{Text: "where is a shelter"},
			[]string{text(shelter.Answer), buttons(en.Helpful, en.BtnYes, en.BtnNo)}, nil, StateAnswered, false},
		{"a greeting within a day of a need-help handoff: the menu",
			recentlyHelped, Input{Text: "hello"},
			[]string{menu(en, "")}, nil, StateMenu, false},
		{"needs help: a priority handoff",
			fresh, Input{Text: "please help us"},
			[]string{text(en.HumanQueued)}, []string{"handoff+priority"}, StateMenu, true},
		{"\"not ok\" is acted on as need help though the score is low",
			fresh, Input{Text: "things are not ok here"},
			[]string{text(en.HumanQueued)}, []string{"handoff+priority"}, StateMenu, true},
		{"opting out in words",
			fresh, Input{Text: "remove me from this list"},
			[]string{text(en.OptedOut)}, []string{"opt_out"}, StateIdle, false},
		{"a new person's START records the opt-in and shows the menu",
			fresh, Input{Text: "start"},
			[]string{text(en.OptInRecorded), menu(en, "")}, []string{"opt_in"}, StateMenu, false},
		{"greeting: the menu",
			fresh, Input{Text: "hello", Name: "Sara"},
			[]string{menu(en, " Sara")}, nil, StateMenu, false},
		{"thanks: a short reply",
			fresh, Input{Text: "thank you so much"},
			[]string{text(en.ThanksReply)}, nil, StateMenu, false},
		{"thanks after an answer: it helped",
			answered, Input{Text: "thank you so much"},
			[]string{text(en.ThanksFeedback)}, []string{"feedback"}, StateMenu, false},
		{"safe: recorded",
			fresh, Input{Text: "we are fine"},
			[]string{text(en.SafeThanks)}, []string{"safe"}, StateMenu, false},
		{"question the FAQ answers",
			fresh, Input{Text: "where is a shelter"},
			[]string{text(shelter.Answer), buttons(en.Helpful, en.BtnYes, en.BtnNo)}, nil, StateAnswered, false},
		{"question the FAQ lacks: what the bot can do, and a person",
			fresh, Input{Text: "what is the capital of peru"},
			[]string{buttons(en.OffTopic, en.BtnHuman, en.BtnAsk)}, []string{"unanswered"}, StateMenu, false},
		{"unsure: one short question with buttons",
			fresh, Input{Text: "asdf"},
			[]string{buttons(en.Clarify, en.BtnNeedHelp, en.BtnAsk, en.BtnHuman)}, nil, StateMenu, false},
		{"unsure between a question and chatter only: what the bot can do, not a question back",
			fresh, Input{Text: "متى يسكر الفرن؟"},
			[]string{buttons(ar.OffTopic, ar.BtnHuman, ar.BtnAsk)}, nil, StateMenu, false},
		{"unsure between a greeting and \"anyone there?\": the menu",
			fresh, Input{Text: "bonjour ??"},
			[]string{menu(catalog.For("fr"), "")}, nil, StateMenu, false},
		{"the same while waiting: the place in the queue",
			waiting, Input{Text: "bonjour ??"},
			nil, []string{"queue_status"}, StateMenu, true},
		{"unsure between a question and a need: one short question",
			fresh, Input{Text: "maybe a question"},
			[]string{buttons(en.Clarify, en.BtnNeedHelp, en.BtnAsk, en.BtnHuman)}, nil, StateMenu, false},
		{"unsure \"safe\" is not recorded as safe",
			fresh, Input{Text: "maybe safe"},
			[]string{buttons(en.Clarify, en.BtnNeedHelp, en.BtnAsk, en.BtnHuman)}, nil, StateMenu, false},
		{"\"hello?\" from someone nobody is answering: the menu, not \"no answer to that\"",
			fresh, Input{Text: "hello?"},
			[]string{menu(en, "")}, nil, StateMenu, false},
		{"\"how long\" from someone not waiting, that the FAQ answers: the answer",
			fresh, Input{Text: "how long is the shelter open"},
			[]string{text(shelter.Answer), buttons(en.Helpful, en.BtnYes, en.BtnNo)}, nil, StateAnswered, false},
		{"\"how long\" within a day of a need-help handoff: a person, at the front",
			recentlyHelped, Input{Text: "how long do I have to wait"},
			[]string{text(en.HumanQueued)}, []string{"handoff+priority"}, StateMenu, true},
		{"waiting: impatience gets the place in the queue",
			waiting, Input{Text: "hello?"},
			nil, []string{"queue_status"}, StateMenu, true},
		{"waiting: how long",
			waiting, Input{Text: "how long do I have to wait"},
			nil, []string{"queue_status"}, StateMenu, true},
		{"waiting: a greeting does not restart the menu",
			waiting, Input{Text: "hello"},
			nil, []string{"queue_status"}, StateMenu, true},
		{"waiting: asking for a person again gets the place",
			waiting, Input{Text: "I need a person"},
			nil, []string{"queue_status"}, StateMenu, true},
		{"waiting: impatience read without confidence still gets the place",
			waiting, Input{Text: "بسرعة الله يخليكم"},
			nil, []string{"queue_status"}, StateMenu, true},
		{"waiting: anything else is passed on",
			waiting, Input{Text: "asdf"},
			[]string{text(en.MessageAdded)}, nil, StateMenu, true},
		{"waiting: the FAQ still answers what it knows",
			waiting, Input{Text: "where is a shelter"},
			[]string{text(shelter.Answer), buttons(en.Helpful, en.BtnYes, en.BtnNo)}, nil, StateAnswered, true},
		{"waiting: a question it does not know is passed on, not filed",
			waiting, Input{Text: "what is the capital of peru"},
			[]string{text(en.MessageAdded)}, nil, StateMenu, true},
		{"waiting: needing help raises the priority",
			waiting, Input{Text: "please help us"},
			[]string{text(en.MessageAdded)}, []string{"handoff+priority"}, StateMenu, true},
		{"waiting: a location is attached to the handoff",
			waiting, Input{Type: "location", Location: pin},
			[]string{text(en.LocationAttached)}, []string{"location"}, StateMenu, true},
		{"claimed: a location is attached silently",
			claimed, Input{Type: "location", Location: pin},
			nil, []string{"location"}, StateHandoff, false},
		{"a location soon after asking for help opens a priority handoff",
			spokeOfHelp, Input{Type: "location", Location: pin},
			[]string{text(en.LocationAttached)}, []string{"handoff+priority", "location"}, StateMenu, true},
		{"a location out of the blue: do you need help?",
			fresh, Input{Type: "location", Location: pin},
			[]string{buttons(en.LocationAskHelp, en.BtnNeedHelp, en.BtnSafe, en.BtnHuman)}, nil, StateMenu, false},
		{"the need-help button",
			fresh, Input{Type: "interactive", ReplyID: IDNeedHelp, ReplyTitle: en.BtnNeedHelp},
			[]string{text(en.HumanQueued)}, []string{"handoff+priority"}, StateMenu, true},
		{"a template's quick reply is read by its title",
			fresh, Input{Type: "button", ReplyID: "some_campaign_payload", ReplyTitle: "I need a person"},
			[]string{text(en.HumanQueued)}, []string{"handoff"}, StateMenu, true},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			f := &Flow{KB: fakeKB{}, Reader: readings, Expiry: time.Hour}
			in := c.in
			if in.Type == "" {
				in.Type = "text"
			}
			in.At = at
			out, err := f.Handle(c.s, in)
			if err != nil {
				t.Fatal(err)
			}
			got := replyStrings(out)
			if strings.Join(got, "\n") != strings.Join(c.replies, "\n") {
				t.Errorf("replies\n got: %q\nwant: %q", got, c.replies)
			}
			var effs []string
			for _, e := range out.Effects {
				s := string(e.Kind)
				if e.Priority {
					s += "+priority"
				}
				if e.Urgent {
					s += "+urgent"
				}
				effs = append(effs, s)
			}
			if strings.Join(effs, ",") != strings.Join(c.effects, ",") {
				t.Errorf("effects %v, want %v", effs, c.effects)
			}
			if out.Session.State != c.state || out.Session.AwaitingAgent != c.waits {
				t.Errorf("state %s waiting %v, want %s waiting %v", out.Session.State, out.Session.AwaitingAgent, c.state, c.waits)
			}
		})
	}
}

// A button of the bot's own is never read as words: "I'm safe" tapped is
// the menu's safe, whatever a classifier would make of the title.
func TestOwnButtonsAreNotReadAsWords(t *testing.T) {
	for _, in := range []Input{
		{ReplyID: IDSafe, ReplyTitle: "my father collapsed"},
		{ReplyID: "fb_yes:x", ReplyTitle: "I need a person"},
	} {
		if w := in.Words(); w != "" {
			t.Errorf("Words() of a tap on %s = %q, want nothing", in.ReplyID, w)
		}
	}
	if w := (Input{ReplyID: "campaign_7", ReplyTitle: "Talk to us"}).Words(); w != "Talk to us" {
		t.Errorf("a foreign button's title is what the person said; got %q", w)
	}
}
