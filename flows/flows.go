// Package flows decides what the bot says. It is pure: a stored session and
// one inbound message go in; the next session, the replies and the effects
// on the rest of the system come out. It does no I/O of its own; the engine
// in package bot persists and sends what it returns.
package flows

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/looplab/fsm"

	"lifeline/bot/whatsapp"
	"lifeline/catalog"
	"lifeline/kb"
	"lifeline/understand"
)

// States of a conversation.
const (
	StateIdle       = "idle"       // new, or expired after inactivity
	StateMenu       = "menu"       // greeted or between questions
	StateAsking     = "asking"     // the user chose "ask a question"
	StateAnswered   = "answered"   // an FAQ answer was sent; feedback expected
	StateSuggesting = "suggesting" // a "did you mean" list was sent
	StateHandoff    = "handoff"    // a person owns the conversation; the bot is silent
	StatePlace      = "place"      // asked where to find a place; the person's location expected (places.go)
)

// Events of the conversation state machine.
const (
	EvGreet   = "greet"
	EvPrompt  = "prompt"
	EvAnswer  = "answer"
	EvSuggest = "suggest"
	EvNoMatch = "nomatch"
	EvDone    = "done"
	EvClaim   = "claim"
	EvRelease = "release"
	EvExpire  = "expire"
	EvPlace   = "place"
)

var botStates = []string{StateIdle, StateMenu, StateAsking, StateAnswered, StateSuggesting, StatePlace}

// Events is the conversation's transition table. The bot's own states may
// go anywhere among themselves; an agent's claim enters the handoff state
// and only Release leaves it, which is how "the bot does not reply while a
// person owns the conversation" is enforced.
var Events = fsm.Events{
	{Name: EvGreet, Src: botStates, Dst: StateMenu},
	{Name: EvPrompt, Src: botStates, Dst: StateAsking},
	{Name: EvAnswer, Src: botStates, Dst: StateAnswered},
	{Name: EvSuggest, Src: botStates, Dst: StateSuggesting},
	{Name: EvNoMatch, Src: botStates, Dst: StateMenu},
	{Name: EvDone, Src: botStates, Dst: StateMenu},
	{Name: EvClaim, Src: botStates, Dst: StateHandoff},
	{Name: EvRelease, Src: []string{StateHandoff}, Dst: StateMenu},
	{Name: EvPlace, Src: botStates, Dst: StatePlace},
	{Name: EvExpire, Src: []string{StateMenu, StateAsking, StateAnswered, StateSuggesting, StatePlace}, Dst: StateIdle},
}

// Session is the stored state of one user's conversation.
type Session struct {
	State          string    `json:"state"`
	Lang           string    `json:"lang,omitempty"`
	Name           string    `json:"name,omitempty"`
	LastInboundAt  time.Time `json:"last_inbound_at"`
	LastActivityAt time.Time `json:"last_activity_at"`
	OptedOut       bool      `json:"opted_out,omitempty"`
	LastQuery      string    `json:"last_query,omitempty"`
	LastEntryID    string    `json:"last_entry_id,omitempty"`
	Alternatives   []string  `json:"alternatives,omitempty"`
	NoneStreak     int       `json:"none_streak,omitempty"`
	// AwaitingAgent is set while the user waits for a person; the FAQ
	// keeps answering until an agent claims the conversation.
	AwaitingAgent bool `json:"awaiting_agent,omitempty"`
	// Concern is the most serious thing the person said recently (danger
	// or need_help) and when: a location shared soon after it opens a
	// priority handoff instead of a question.
	Concern   understand.Class `json:"concern,omitempty"`
	ConcernAt time.Time        `json:"concern_at,omitzero"`
	// PriorityUntil keeps a person who needed help at the front of the
	// queue for a while after their handoff was closed or released.
	PriorityUntil time.Time `json:"priority_until,omitzero"`
	// InboxSeq belongs to the engine: the sequence number of the last
	// inbound event applied to this conversation. The engine's commit
	// refuses an event at or below it, so that one replayed (after a
	// crash, or by a second worker) is never answered twice. The flows
	// carry it unchanged.
	InboxSeq uint64 `json:"inbox_seq,omitempty"`
	// PlaceKind is the kind of place the person asked for while the
	// conversation waits for their location (StatePlace).
	PlaceKind string `json:"place_kind,omitempty"`
	// PlaceListed says the districts were listed once while waiting: a
	// second answer that names none gets the places by name.
	PlaceListed bool `json:"place_listed,omitempty"`
	// OptedIn mirrors the contact's opt-in (the engine sets it): a person
	// already opted in is not asked again.
	OptedIn bool `json:"opted_in,omitempty"`
	// ConsentTopic is the topic of the explicit opt-in question the bot
	// asked and the person has not answered yet ("" for none).
	ConsentTopic string `json:"consent_topic,omitempty"`
	// NumberAsked is the person's question for the emergency number while
	// the bot's question that followed it (is anyone in danger right
	// now?) awaits its answer: the next message only (emergencynumber.go).
	NumberAsked string `json:"number_asked,omitempty"`
}

// Input is one inbound message, as the flows see it.
type Input struct {
	MessageID  string
	Type       string // the WhatsApp message type
	Text       string // text body or media caption
	ReplyID    string // id of a tapped button or list row
	ReplyTitle string
	Voice      bool
	Location   *whatsapp.Location
	Name       string // the user's profile name
	ContextID  string // wamid of the message this one answers (a template tapped in a broadcast)
	At         time.Time
	// Meaning is what the message is about, from Flow.Understand; Handle
	// fills it when the caller has not, so every feature that sees the
	// message acts on the same reading.
	Meaning *understand.Result
	// EmergencyNumber is the number to call where the person is;
	// FallbackEmergencyNumber when empty (see CallNumber).
	EmergencyNumber string
}

// CallNumber is the number a person in danger is told to call.
func (in Input) CallNumber() string {
	if in.EmergencyNumber == "" {
		return FallbackEmergencyNumber
	}
	return in.EmergencyNumber
}

// EffectKind names a change outside the conversation that the engine applies.
type EffectKind string

// Effects.
const (
	EffectOptOut      EffectKind = "opt_out"
	EffectOptIn       EffectKind = "opt_in"       // Query is the person's wording
	EffectConsent     EffectKind = "consent"      // an explicit YES; Query is the question and the answer
	EffectFeedback    EffectKind = "feedback"     // EntryID, Helpful
	EffectChoice      EffectKind = "choice"       // Query chosen as EntryID from a suggestion list
	EffectUnanswered  EffectKind = "unanswered"   // Query, Reason
	EffectHandoff     EffectKind = "handoff"      // Reason, Priority, Urgent
	EffectSafe        EffectKind = "safe"         //
	EffectLocation    EffectKind = "location"     // Location, attached to the open handoff
	EffectQueueStatus EffectKind = "queue_status" // tell the person their place in the queue
)

// Effect is one change for the engine to apply after the conversation is saved.
type Effect struct {
	Kind     EffectKind
	EntryID  string
	Helpful  bool
	Query    string
	Lang     string
	Reason   string
	Priority bool
	// Urgent marks danger to life: the handoff goes before every other.
	Urgent   bool
	Location *whatsapp.Location
}

// Output is what one inbound message leads to.
type Output struct {
	Session Session
	Replies []whatsapp.Outbound // To is left empty: the engine addresses them
	Effects []Effect
	// Answer says which replies are an FAQ answer and where it came
	// from; the engine records it on their transcript entries.
	Answer *Answer
	// FAQ is what the FAQ decided when this turn searched it for the
	// message (answer, suggest or none); empty when it was not searched.
	// The engine records it with the message, for the share of questions
	// the FAQ answered.
	FAQ kb.Decision
}

// Answer is an FAQ answer given in a turn: the entry, its language and
// the FAQ version it was read from, and the replies that carry it
// (Replies[First:First+Count]).
type Answer struct {
	Entry   string
	Lang    string
	Version int
	// Overlay names the incident whose FAQ overlay answered, if one did.
	Overlay      string
	First, Count int
}

// Answerer finds FAQ answers; kb.KB is the implementation.
type Answerer interface {
	Search(query, lang string, limit int) kb.Result
}

// Understander reads what a message is about; understand.Default() is the
// implementation, tests about a flow may use a table.
type Understander interface {
	Understand(text string) understand.Result
}

var _ Understander = (*understand.Model)(nil)

// Flow holds what the decisions depend on.
type Flow struct {
	KB     Answerer
	Reader Understander  // nil means understand.Default()
	Places PlaceFinder   // nil: no places known, "nearest shelter" goes to the FAQ
	Expiry time.Duration // a conversation idle for longer starts over
	// AlertTopic is what a person who has not opted in is asked to
	// consent to when they ask for alerts ("Reply YES to receive alerts
	// about <topic>"); "" records their keyword as the opt-in at once.
	AlertTopic string
	// AlertTopics is the topic by language (the person's); it replaces
	// AlertTopic when set.
	AlertTopics catalog.Topics
}

// alertTopic is the opt-in question's topic in lang.
func (f *Flow) alertTopic(lang string) string {
	if f.AlertTopics.Empty() {
		return f.AlertTopic
	}
	return f.AlertTopics.For(lang)
}

// Button and row ids the bot sends and understands.
const (
	IDAsk      = "menu_ask"
	IDSafe     = "menu_safe"
	IDHuman    = "menu_human"
	IDNeedHelp = "menu_help"
	// IDConsentYes is the YES button of the explicit opt-in question.
	IDConsentYes = "consent_yes"
	idYes        = "fb_yes:"
	idNo         = "fb_no:"
	idFAQ        = "faq:"
	suggestMax   = 3
)

const (
	// concernFor is how long danger or a need for help said in words
	// makes a shared location a request for help.
	concernFor = time.Hour
	// PriorityKeep is how long after a need-help or urgent handoff ends a
	// new request for a person goes to the front of the queue again.
	PriorityKeep = 24 * time.Hour
	// FallbackEmergencyNumber is called where nothing better is known.
	FallbackEmergencyNumber = "112"
)

// ownReply reports whether id is one of the bot's own buttons or rows.
func ownReply(id string) bool {
	switch id {
	case IDAsk, IDSafe, IDHuman, IDNeedHelp, IDDangerNow, IDJustAsking:
		return true
	}
	return strings.HasPrefix(id, idYes) || strings.HasPrefix(id, idNo) || strings.HasPrefix(id, idFAQ) || strings.HasPrefix(id, IDDistrict) || strings.HasPrefix(id, IDDistrictMore)
}

// Words returns what the person wrote: the text, or the title of a tapped
// button that is not one of the bot's own (a template's quick reply).
func (in Input) Words() string {
	if strings.TrimSpace(in.Text) != "" {
		return in.Text
	}
	if in.ReplyID == "" || !ownReply(in.ReplyID) {
		return in.ReplyTitle
	}
	return ""
}

// Understand reads what in is about. It is the one place that decides:
// the engine calls it once per message and hands the result to every
// feature that sees the message.
func (f *Flow) Understand(in Input) understand.Result {
	if in.Meaning != nil {
		return *in.Meaning
	}
	u := f.Reader
	if u == nil {
		u = understand.Default()
	}
	words := in.Words()
	if strings.TrimSpace(words) == "" {
		return understand.Result{Class: understand.Other}
	}
	return u.Understand(words)
}

// Acts reports whether r is sure enough to act on: confident, or decided
// by a safety rule (danger, "not safe").
func Acts(r understand.Result) bool {
	return r.Class == understand.Danger || r.Rule == understand.RuleNegatedSafe || r.Confident()
}

// Handle runs one inbound message through the conversation.
func (f *Flow) Handle(s Session, in Input) (Output, error) {
	if s.State == "" {
		s.State = StateIdle
	}
	first := s.LastInboundAt.IsZero()
	machine := fsm.NewFSM(s.State, Events, nil)
	if s.State != StateHandoff && !s.AwaitingAgent && f.Expiry > 0 && !s.LastActivityAt.IsZero() && in.At.Sub(s.LastActivityAt) > f.Expiry {
		if err := fire(machine, EvExpire); err != nil {
			return Output{}, err
		}
		s = Session{State: machine.Current(), Lang: s.Lang, Name: s.Name, OptedOut: s.OptedOut, OptedIn: s.OptedIn, LastInboundAt: s.LastInboundAt,
			PriorityUntil: s.PriorityUntil, Concern: s.Concern, ConcernAt: s.ConcernAt}
	}
	if in.At.After(s.LastInboundAt) {
		s.LastInboundAt = in.At
	}
	s.LastActivityAt = in.At
	if in.Name != "" {
		s.Name = in.Name
	}
	r := f.Understand(in)
	in.Meaning = &r
	s.Lang = LangFor(s.Lang, in.Words(), r)
	if r.Has(understand.Danger) || r.Has(understand.NeedHelp) {
		if r.Has(understand.Danger) || s.Concern != understand.Danger || in.At.Sub(s.ConcernAt) > concernFor {
			s.Concern = understand.NeedHelp
			if r.Has(understand.Danger) {
				s.Concern = understand.Danger
			}
		}
		s.ConcernAt = in.At
	}
	c := &turn{flow: f, s: s, m: machine, in: in, r: r, first: first, number: in.CallNumber(), t: catalog.For(s.Lang)}
	if err := c.run(); err != nil {
		return Output{}, err
	}
	c.s.State = machine.Current()
	return Output{Session: c.s, Replies: c.replies, Effects: c.effects, Answer: c.answer, FAQ: c.faq}, nil
}

// LangFor is the conversation's language after a message: the language
// the message was read in, except that one-word messages such as "ok" say
// little about it, while a script of its own (Arabic, Urdu, Hindi) always does.
func LangFor(current, words string, r understand.Result) string {
	if r.Lang == "" {
		return current
	}
	if len(strings.Fields(words)) > 1 || (!r.Latin && ownScript(r.Lang)) || current == "" {
		return r.Lang
	}
	return current
}

// tornBetween reports whether a reading without confidence is torn only
// between classes a and b, which the conversation answers alike: a
// clarifying question would ask the person to choose between two equal
// replies. A third reading left with a real share (more than otherShare)
// keeps the question.
func tornBetween(r understand.Result, a, b understand.Class) bool {
	const otherShare = 0.2
	if r.Class != a && r.Class != b {
		return false
	}
	for _, sc := range r.Scores {
		if sc.Class == r.Class {
			continue
		}
		return (sc.Class == a || sc.Class == b) && 1-r.Confidence-sc.Score <= otherShare
	}
	return false
}

func ownScript(lang string) bool { return lang == "ar" || lang == "ur" || lang == "hi" || lang == "fa" }

// fire moves the machine; a self-transition is success, not an error.
func fire(m *fsm.FSM, event string) error {
	err := m.Event(context.Background(), event)
	var noTransition fsm.NoTransitionError
	if err == nil || errors.As(err, &noTransition) {
		return nil
	}
	return fmt.Errorf("conversation event %s from %s: %w", event, m.Current(), err)
}

// turn is the work of handling one message.
type turn struct {
	flow    *Flow
	s       Session
	m       *fsm.FSM
	in      Input
	r       understand.Result
	first   bool   // the person's first message ever
	number  string // emergency number
	t       catalog.Texts
	replies []whatsapp.Outbound
	effects []Effect
	answer  *Answer
	faq     kb.Decision
}

// waiting reports whether the person waits for, or talks with, a person.
func (c *turn) waiting() bool { return c.s.AwaitingAgent || c.m.Current() == StateHandoff }

func (c *turn) run() error {
	r, acts := c.r, Acts(c.r)
	words := c.in.Words()
	// The answer to "is anyone in danger right now?", asked after the
	// emergency number was: before opting out reads a typed "no".
	if done, err := c.numberCheck(words); done {
		return err
	}
	// A question for the emergency number is answered with it before
	// anything else reads the message: "emergency number please" is no
	// request for alerts. Danger is answered with the number anyway, and
	// an opt-out read with confidence is what the person wants.
	if r.NumberAsked && r.Class != understand.Danger && !(acts && r.Class == understand.OptOut) && c.m.Current() != StateHandoff {
		if done, err := c.emergencyNumber(words, acts); done {
			return err
		}
	}
	// Opt-out and opt-in work in every state, also while a person owns the conversation.
	if words != "" && acts {
		switch r.Class {
		case understand.OptOut:
			c.s.OptedOut = true
			c.effects = append(c.effects, Effect{Kind: EffectOptOut})
			c.say(c.t.OptedOut)
			return nil
		case understand.OptIn:
			if c.s.OptedOut {
				c.s.OptedOut, c.s.OptedIn, c.s.ConsentTopic = false, true, ""
				c.effects = append(c.effects, Effect{Kind: EffectOptIn, Query: Truncate(words, 200)})
				c.say(c.t.OptedIn)
				return nil
			}
		}
	}
	// Danger wins over everything, in every state.
	if r.Class == understand.Danger {
		return c.danger(words)
	}
	if c.s.ConsentTopic != "" {
		topic := c.s.ConsentTopic
		c.s.ConsentTopic = ""
		if c.in.ReplyID == IDConsentYes || (c.in.ReplyID == "" && saysYes(words, c.t.BtnYes)) {
			// The consent record keeps what the person agreed to, in the
			// words they were asked, and what they answered.
			question := fmt.Sprintf(c.t.ConsentAsk, topic)
			c.s.OptedIn = true
			c.effects = append(c.effects, Effect{Kind: EffectConsent, Query: Truncate(question+" / "+Truncate(words, 60), 500)})
			c.say(c.t.OptInRecorded)
			return fire(c.m, EvDone)
		}
		// Anything else: the question lapses and the message is handled as usual.
	}
	if c.m.Current() == StateHandoff {
		// A person answers; the engine keeps the message for them.
		if c.in.Type == "location" && c.in.Location != nil {
			c.effects = append(c.effects, Effect{Kind: EffectLocation, Location: c.in.Location})
		}
		return nil
	}

	if done, err := c.places(words, acts); done {
		return err
	}
	switch {
	case c.in.ReplyID != "" && ownReply(c.in.ReplyID):
		return c.onReply()
	case c.in.Type == "location" && c.in.Location != nil:
		return c.location()
	case c.in.Type == "reaction":
		return nil // a reaction is an acknowledgement, not a request
	case strings.TrimSpace(words) == "":
		if c.s.AwaitingAgent {
			c.say(c.t.MessageAdded)
			return nil
		}
		if c.in.Voice || c.in.Type == "audio" {
			return c.voice()
		}
		c.sayMenu(c.t.Unreadable)
		return fire(c.m, EvGreet)
	}
	if c.s.AwaitingAgent {
		return c.whileWaiting(words, acts)
	}
	if !acts {
		switch {
		case tornBetween(r, understand.Greeting, understand.QueueStatus) && !c.in.At.Before(c.s.PriorityUntil):
			// "bonjour ??": a greeting or "is anyone there", the menu either way
			return c.greet()
		case tornBetween(r, understand.Question, understand.Other):
			// "¿a qué hora cierra la panadería?" (question 0.48, other
			// 0.44): the FAQ, then what the bot can help with, either way
			return c.ask(words, false)
		}
		return c.ask(words, true)
	}
	switch r.Class {
	case understand.OptIn:
		if topic := c.flow.alertTopic(c.s.Lang); topic != "" && !c.s.OptedIn {
			c.s.ConsentTopic = topic
			c.replies = append(c.replies, whatsapp.Outbound{Kind: "buttons", Text: fmt.Sprintf(c.t.ConsentAsk, topic),
				Buttons: []whatsapp.Button{{ID: IDConsentYes, Title: c.t.BtnYes}}})
			return fire(c.m, EvDone)
		}
		c.s.OptedIn = true
		c.effects = append(c.effects, Effect{Kind: EffectOptIn, Query: Truncate(words, 200)})
		c.say(c.t.OptInRecorded)
		if c.first {
			return c.greet()
		}
		return fire(c.m, EvDone)
	case understand.Greeting:
		return c.greet()
	case understand.QueueStatus:
		if c.in.At.Before(c.s.PriorityUntil) {
			break // the FAQ, then a person at the front: see ask
		}
		// Nobody waits here: "hello??" or "is anyone there" asks whether
		// the line answers at all, and the FAQ has nothing to say to it.
		// The menu answers, with its button to a person; a question the
		// FAQ knows still gets its answer.
		if ok, err := c.answerIfKnown(words); ok {
			return err
		}
		return c.greet()
	case understand.Human:
		return c.handoff("asked", false)
	case understand.NeedHelp:
		return c.handoff("needs help", true)
	case understand.Safe, understand.Thanks:
		if c.m.Current() == StateAnswered {
			// "ok" or "thanks" after an answer says it helped.
			c.effects = append(c.effects, Effect{Kind: EffectFeedback, EntryID: c.s.LastEntryID, Helpful: true})
			c.say(c.t.ThanksFeedback)
			return fire(c.m, EvDone)
		}
		if r.Class == understand.Thanks {
			c.say(c.t.ThanksReply)
			return fire(c.m, EvDone)
		}
		return c.safe()
	}
	return c.ask(words, false)
}

// danger answers a message about danger to life: the emergency number,
// a request for the location, and an urgent handoff whose query is what
// the person said. Never the FAQ.
func (c *turn) danger(query string) error {
	text := c.t.Emergency
	switch {
	case c.r.Rule == understand.RuleSelfHarm:
		text = c.t.EmergencySelfHarm
	case c.waiting():
		text = c.t.EmergencyWaiting
	}
	c.say(fmt.Sprintf(text, c.number))
	c.replies = append(c.replies, whatsapp.Outbound{Kind: whatsapp.KindLocationRequest, Text: c.t.LocationRequest})
	c.effects = append(c.effects, Effect{Kind: EffectHandoff, Reason: "danger", Priority: true, Urgent: true,
		Query: Truncate(query, 500), Lang: c.s.Lang})
	if c.m.Current() == StateHandoff {
		return nil
	}
	c.s.AwaitingAgent = true
	return fire(c.m, EvDone)
}

// whileWaiting answers someone waiting for a person: their place when
// they ask or grow impatient, FAQ answers when the FAQ has one, and for
// everything else a note that it was passed on. The menu does not restart.
func (c *turn) whileWaiting(words string, acts bool) error {
	if acts {
		switch c.r.Class {
		case understand.QueueStatus, understand.Greeting, understand.Human:
			c.effects = append(c.effects, Effect{Kind: EffectQueueStatus, Lang: c.s.Lang})
			return nil
		case understand.NeedHelp:
			c.effects = append(c.effects, Effect{Kind: EffectHandoff, Reason: "needs help", Priority: true, Lang: c.s.Lang})
			c.say(c.t.MessageAdded)
			return nil
		case understand.Thanks:
			c.say(c.t.ThanksReply)
			return nil
		case understand.Safe:
			c.effects = append(c.effects, Effect{Kind: EffectSafe})
			c.say(c.t.SafeThanks)
			return nil
		case understand.Question:
		default:
			c.say(c.t.MessageAdded)
			return nil
		}
	}
	if ok, err := c.answerIfKnown(words); ok {
		return err
	}
	// While waiting for a person, suggestions are not offered: the
	// person gets no answer from the FAQ.
	c.faq = kb.DecisionNone
	if c.r.Has(understand.QueueStatus) {
		// Impatience read without confidence ("بسرعة الله يخليكم" reads
		// as thanks and hurry alike): the place in the queue answers it,
		// and tells the person nothing wrong whatever they meant.
		c.effects = append(c.effects, Effect{Kind: EffectQueueStatus, Lang: c.s.Lang})
		return nil
	}
	c.say(c.t.MessageAdded)
	return nil
}

// answerIfKnown sends the FAQ's answer when the FAQ clearly has one, and
// nothing otherwise: for messages that are not questions first, where a
// "did you mean" list would be out of place.
func (c *turn) answerIfKnown(words string) (bool, error) {
	res := c.flow.KB.Search(words, c.s.Lang, 10)
	if res.Decision != kb.DecisionAnswer || len(res.Results) == 0 {
		return false, nil
	}
	c.s.LastQuery = words
	c.faq = kb.DecisionAnswer
	return true, c.sendAnswer(res.Results[0], res.Results[1:], res.Version)
}

// location handles a location shared outside a check-in.
func (c *turn) location() error {
	loc := c.in.Location
	switch {
	case c.s.AwaitingAgent:
		c.effects = append(c.effects, Effect{Kind: EffectLocation, Location: loc})
		c.say(c.t.LocationAttached)
		return nil
	case c.s.Concern != "" && c.in.At.Sub(c.s.ConcernAt) <= concernFor:
		urgent := c.s.Concern == understand.Danger
		c.effects = append(c.effects,
			Effect{Kind: EffectHandoff, Reason: "location after " + string(c.s.Concern), Priority: true, Urgent: urgent, Lang: c.s.Lang},
			Effect{Kind: EffectLocation, Location: loc})
		c.s.AwaitingAgent = true
		c.say(c.t.LocationAttached)
		return fire(c.m, EvDone)
	}
	c.replies = append(c.replies, whatsapp.Outbound{
		Kind: whatsapp.KindButtons, Text: c.t.LocationAskHelp,
		Buttons: []whatsapp.Button{{ID: IDNeedHelp, Title: c.t.BtnNeedHelp}, {ID: IDSafe, Title: c.t.BtnSafe}, {ID: IDHuman, Title: c.t.BtnHuman}},
	})
	return fire(c.m, EvDone)
}

func (c *turn) onReply() error {
	id := c.in.ReplyID
	switch {
	case id == IDAsk:
		c.say(c.t.AskPrompt)
		return fire(c.m, EvPrompt)
	case id == IDSafe:
		return c.safe()
	case id == IDHuman:
		if c.s.AwaitingAgent {
			c.effects = append(c.effects, Effect{Kind: EffectQueueStatus, Lang: c.s.Lang})
			return nil
		}
		return c.handoff("asked", false)
	case id == IDNeedHelp:
		return c.handoff("needs help", true)
	case strings.HasPrefix(id, idYes):
		c.effects = append(c.effects, Effect{Kind: EffectFeedback, EntryID: strings.TrimPrefix(id, idYes), Helpful: true})
		c.say(c.t.ThanksFeedback)
		return fire(c.m, EvDone)
	case strings.HasPrefix(id, idNo):
		entry := strings.TrimPrefix(id, idNo)
		c.effects = append(c.effects,
			Effect{Kind: EffectFeedback, EntryID: entry, Helpful: false},
			Effect{Kind: EffectUnanswered, Query: c.s.LastQuery, Lang: c.s.Lang, Reason: "not_helpful"})
		if len(c.s.Alternatives) == 0 {
			return c.handoff("not_helpful", false)
		}
		c.sayList(c.t.NotHelpful, c.alternatives(), true)
		return fire(c.m, EvSuggest)
	case strings.HasPrefix(id, idFAQ):
		entry := strings.TrimPrefix(id, idFAQ)
		if c.s.LastQuery != "" {
			c.effects = append(c.effects, Effect{Kind: EffectChoice, Query: c.s.LastQuery, Lang: c.s.Lang, EntryID: entry})
		}
		res := c.flow.KB.Search(c.s.LastQuery, c.s.Lang, 10)
		for _, h := range res.Results {
			if h.ID == entry {
				return c.sendAnswer(h, nil, res.Version)
			}
		}
		// The entry is not among the results any more (the FAQ changed);
		// search again with the title the user picked.
		return c.ask(c.in.ReplyTitle, false)
	}
	return c.greet()
}

func (c *turn) greet() error {
	name := ""
	if c.s.Name != "" {
		name = " " + c.s.Name
	}
	c.sayMenu(fmt.Sprintf(c.t.Welcome, name) + "\n\n" + c.t.MenuPrompt)
	return fire(c.m, EvGreet)
}

func (c *turn) safe() error {
	c.effects = append(c.effects, Effect{Kind: EffectSafe})
	c.say(c.t.SafeThanks)
	return fire(c.m, EvDone)
}

// handoff asks for a person. The conversation stays with the bot, which
// keeps answering, until an agent claims it. Someone whose need-help or
// urgent conversation ended recently goes to the front again.
func (c *turn) handoff(reason string, priority bool) error {
	if c.in.At.Before(c.s.PriorityUntil) {
		priority = true
	}
	c.effects = append(c.effects, Effect{Kind: EffectHandoff, Reason: reason, Priority: priority, Query: c.s.LastQuery, Lang: c.s.Lang})
	c.s.AwaitingAgent = true
	c.say(c.t.HumanQueued)
	return fire(c.m, EvDone)
}

// voice passes a voice note to a person: the bot cannot listen to it,
// and what someone says aloud in a crisis may be urgent.
func (c *turn) voice() error {
	priority := c.in.At.Before(c.s.PriorityUntil)
	c.effects = append(c.effects, Effect{Kind: EffectHandoff, Reason: "voice note", Priority: priority, Lang: c.s.Lang})
	c.s.AwaitingAgent = true
	c.say(c.t.VoiceHandoff)
	return fire(c.m, EvDone)
}

// ask searches the FAQ. When it has nothing, the person is told what the
// bot can help with, or, when the message could not be read with
// confidence (unsure), asked one short question instead of guessed at.
func (c *turn) ask(query string, unsure bool) error {
	res := c.flow.KB.Search(query, c.s.Lang, 10)
	if c.s.Lang == "" && res.Lang != "" {
		c.s.Lang = res.Lang
		c.t = catalog.For(res.Lang)
	}
	c.s.LastQuery = query
	c.faq = kb.DecisionNone
	switch res.Decision {
	case kb.DecisionAnswer:
		if len(res.Results) > 0 {
			c.s.NoneStreak = 0
			c.faq = kb.DecisionAnswer
			return c.sendAnswer(res.Results[0], res.Results[1:], res.Version)
		}
	case kb.DecisionSuggest:
		if len(res.Results) > 0 {
			c.s.NoneStreak = 0
			c.s.Alternatives = nil
			c.faq = kb.DecisionSuggest
			hits := res.Results
			if len(hits) > suggestMax {
				hits = hits[:suggestMax]
			}
			c.sayList(c.t.DidYouMean, hits, true)
			return fire(c.m, EvSuggest)
		}
	}
	if c.in.At.Before(c.s.PriorityUntil) {
		// Someone whose need-help or urgent conversation ended within a
		// day was told to write again and be answered first: what the FAQ
		// cannot answer goes to a person, at the front of the queue.
		return c.handoff("follow-up", true)
	}
	if unsure {
		c.replies = append(c.replies, whatsapp.Outbound{
			Kind: whatsapp.KindButtons, Text: c.t.Clarify,
			Buttons: []whatsapp.Button{{ID: IDNeedHelp, Title: c.t.BtnNeedHelp}, {ID: IDAsk, Title: c.t.BtnAsk}, {ID: IDHuman, Title: c.t.BtnHuman}},
		})
		return fire(c.m, EvNoMatch)
	}
	if c.r.Class == understand.Question {
		// Only real questions teach the FAQ what it lacks.
		c.effects = append(c.effects, Effect{Kind: EffectUnanswered, Query: query, Lang: c.s.Lang, Reason: "none"})
	}
	c.s.NoneStreak++
	if c.s.NoneStreak >= 2 {
		c.s.NoneStreak = 0
		c.say(c.t.NoMatchAgain)
		return c.handoff("no_answer", false)
	}
	c.replies = append(c.replies, whatsapp.Outbound{
		Kind: whatsapp.KindButtons, Text: c.t.OffTopic,
		Buttons: []whatsapp.Button{{ID: IDHuman, Title: c.t.BtnHuman}, {ID: IDAsk, Title: c.t.BtnAsk}},
	})
	return fire(c.m, EvNoMatch)
}

// sendAnswer sends an FAQ answer, then asks whether it helped; rest are
// kept as the alternatives a "no" offers. version is the FAQ version
// the hit was read from.
func (c *turn) sendAnswer(h kb.Hit, rest []kb.Hit, version int) error {
	body := h.Answer
	if h.Link != "" && !strings.Contains(body, h.Link) {
		body += "\n\n" + h.Link
	}
	// A translation's hit id is "<entry>/<lang>": the source names the
	// entry, whatever the language it was read in.
	entry, _, _ := strings.Cut(h.ID, "/")
	c.answer = &Answer{Entry: entry, Lang: h.Lang, Version: version, First: len(c.replies)}
	for _, part := range kb.SplitAnswer(body, 4096) {
		c.replies = append(c.replies, whatsapp.Outbound{Kind: "text", Text: part, PreviewURL: false})
	}
	c.answer.Count = len(c.replies) - c.answer.First
	if o, ok := c.attachment(h.Attachment); ok {
		c.replies = append(c.replies, o)
	}
	c.replies = append(c.replies, whatsapp.Outbound{
		Kind: "buttons", Text: c.t.Helpful,
		Buttons: []whatsapp.Button{{ID: idYes + h.ID, Title: c.t.BtnYes}, {ID: idNo + h.ID, Title: c.t.BtnNo}},
	})
	c.s.LastEntryID = h.ID
	c.s.Alternatives = nil
	for i, r := range rest {
		if i == suggestMax {
			break
		}
		c.s.Alternatives = append(c.s.Alternatives, r.ID)
	}
	return fire(c.m, EvAnswer)
}

// attachment is the message an answer's attachment sends right after
// its text: a kept file (its media id filled in by the sender, from the
// number it sends from) or a place's pin in the person's language. A
// place no longer kept sends nothing.
func (c *turn) attachment(a *kb.Attachment) (whatsapp.Outbound, bool) {
	switch {
	case a == nil:
	case a.SHA256 != "":
		kind := a.Kind
		if kind == "" {
			kind = whatsapp.KindDocument
		}
		m := &whatsapp.OutMedia{SHA256: a.SHA256}
		if kind == whatsapp.KindDocument {
			m.Filename = a.Filename
		}
		return whatsapp.Outbound{Kind: kind, Media: m}, true
	case a.Place != "":
		pf, ok := c.flow.Places.(interface {
			Place(id, lang string) (PlaceHit, bool)
		})
		if !ok {
			return whatsapp.Outbound{}, false
		}
		if h, ok := pf.Place(a.Place, c.s.Lang); ok {
			return whatsapp.Outbound{Kind: whatsapp.KindLocation,
				Location: &whatsapp.Location{Latitude: h.Lat, Longitude: h.Lon, Name: h.Name, Address: h.Address}}, true
		}
	}
	return whatsapp.Outbound{}, false
}

// alternatives looks the stored alternative ids up again, so the list
// shows current questions.
func (c *turn) alternatives() []kb.Hit {
	res := c.flow.KB.Search(c.s.LastQuery, c.s.Lang, 10)
	var hits []kb.Hit
	for _, id := range c.s.Alternatives {
		for _, h := range res.Results {
			if h.ID == id {
				hits = append(hits, h)
			}
		}
	}
	return hits
}

func (c *turn) say(text string) {
	c.replies = append(c.replies, whatsapp.Outbound{Kind: "text", Text: text})
}

func (c *turn) sayMenu(text string) {
	c.replies = append(c.replies, whatsapp.Outbound{
		Kind: "buttons", Text: text,
		Buttons: []whatsapp.Button{{ID: IDAsk, Title: c.t.BtnAsk}, {ID: IDSafe, Title: c.t.BtnSafe}, {ID: IDHuman, Title: c.t.BtnHuman}},
	})
}

// sayList offers FAQ entries as a WhatsApp list, with a person as the last row.
func (c *turn) sayList(text string, hits []kb.Hit, withHuman bool) {
	var rows []whatsapp.Row
	for _, h := range hits {
		rows = append(rows, whatsapp.Row{ID: idFAQ + h.ID, Title: h.Question, Description: h.Question})
	}
	if withHuman {
		rows = append(rows, whatsapp.Row{ID: IDHuman, Title: c.t.RowHuman, Description: c.t.RowHumanDesc})
	}
	c.replies = append(c.replies, whatsapp.Outbound{
		Kind: "list", Text: text, ListButton: c.t.ListButton,
		Sections: []whatsapp.Section{{Rows: rows}},
	})
}

// Truncate trims s and cuts it to at most n runes and an ellipsis: what a
// person wrote, kept short on a handoff or an effect.
func Truncate(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// Release returns a conversation from a person to the bot.
func Release(s Session) (Session, error) {
	m := fsm.NewFSM(s.State, Events, nil)
	if err := fire(m, EvRelease); err != nil {
		return s, err
	}
	s.State = m.Current()
	s.AwaitingAgent = false
	return s, nil
}

// Claim puts the conversation in an agent's hands: from now on the bot is
// silent. Claiming a conversation a person already owns changes nothing.
func Claim(s Session) (Session, error) {
	if s.State == StateHandoff {
		return s, nil
	}
	if s.State == "" {
		s.State = StateIdle
	}
	m := fsm.NewFSM(s.State, Events, nil)
	if err := fire(m, EvClaim); err != nil {
		return s, err
	}
	s.State = m.Current()
	s.AwaitingAgent = false
	return s, nil
}
