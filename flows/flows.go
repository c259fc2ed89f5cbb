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

	"github.com/looplab/fsm"

	"lifeline/bot/whatsapp"
	"lifeline/catalog"
	"lifeline/kb"
)

// States of a conversation.
const (
	StateIdle       = "idle"       // new, or expired after inactivity
	StateMenu       = "menu"       // greeted or between questions
	StateAsking     = "asking"     // the user chose "ask a question"
	StateAnswered   = "answered"   // an FAQ answer was sent; feedback expected
	StateSuggesting = "suggesting" // a "did you mean" list was sent
	StateHandoff    = "handoff"    // a person owns the conversation; the bot is silent
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
)

var botStates = []string{StateIdle, StateMenu, StateAsking, StateAnswered, StateSuggesting}

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
	{Name: EvExpire, Src: []string{StateMenu, StateAsking, StateAnswered, StateSuggesting}, Dst: StateIdle},
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
}

// EffectKind names a change outside the conversation that the engine applies.
type EffectKind string

// Effects.
const (
	EffectOptOut     EffectKind = "opt_out"
	EffectOptIn      EffectKind = "opt_in"
	EffectFeedback   EffectKind = "feedback"   // EntryID, Helpful
	EffectChoice     EffectKind = "choice"     // Query chosen as EntryID from a suggestion list
	EffectUnanswered EffectKind = "unanswered" // Query, Reason
	EffectHandoff    EffectKind = "handoff"    // Reason, Priority
	EffectSafe       EffectKind = "safe"
	EffectLocation   EffectKind = "location"
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
}

// Output is what one inbound message leads to.
type Output struct {
	Session Session
	Replies []whatsapp.Outbound // To is left empty: the engine addresses them
	Effects []Effect
}

// Answerer finds FAQ answers; kb.KB is the implementation.
type Answerer interface {
	Search(query, lang string, limit int) kb.Result
}

// Flow holds what the decisions depend on.
type Flow struct {
	KB     Answerer
	Expiry time.Duration // a conversation idle for longer starts over
}

// Button and row ids the bot sends and understands.
const (
	IDAsk      = "menu_ask"
	IDSafe     = "menu_safe"
	IDHuman    = "menu_human"
	idYes      = "fb_yes:"
	idNo       = "fb_no:"
	idFAQ      = "faq:"
	suggestMax = 3
)

// Handle runs one inbound message through the conversation.
func (f *Flow) Handle(s Session, in Input) (Output, error) {
	if s.State == "" {
		s.State = StateIdle
	}
	machine := fsm.NewFSM(s.State, Events, nil)
	if s.State != StateHandoff && f.Expiry > 0 && !s.LastActivityAt.IsZero() && in.At.Sub(s.LastActivityAt) > f.Expiry {
		if err := fire(machine, EvExpire); err != nil {
			return Output{}, err
		}
		s = Session{State: machine.Current(), Lang: s.Lang, Name: s.Name, OptedOut: s.OptedOut, LastInboundAt: s.LastInboundAt}
	}
	if in.At.After(s.LastInboundAt) {
		s.LastInboundAt = in.At
	}
	s.LastActivityAt = in.At
	if in.Name != "" {
		s.Name = in.Name
	}
	norm := Normalize(in.Text)
	if lang := kb.DetectLang(in.Text); lang != "" && len(strings.Fields(norm)) > 0 {
		// One-word messages such as "ok" say little about the language;
		// Arabic script always does.
		if len(strings.Fields(norm)) > 1 || lang == "ar" || s.Lang == "" {
			s.Lang = lang
		}
	}
	c := &turn{flow: f, s: s, m: machine, in: in, norm: norm, t: catalog.For(s.Lang)}
	if err := c.run(); err != nil {
		return Output{}, err
	}
	c.s.State = machine.Current()
	return Output{Session: c.s, Replies: c.replies, Effects: c.effects}, nil
}

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
	norm    string
	t       catalog.Texts
	replies []whatsapp.Outbound
	effects []Effect
}

func (c *turn) run() error {
	// Opt-out and opt-in work in every state, also while a person owns the conversation.
	switch {
	case stopWords[c.norm]:
		c.s.OptedOut = true
		c.effects = append(c.effects, Effect{Kind: EffectOptOut})
		c.say(c.t.OptedOut)
		return nil
	case startWords[c.norm] && c.s.OptedOut:
		c.s.OptedOut = false
		c.effects = append(c.effects, Effect{Kind: EffectOptIn})
		c.say(c.t.OptedIn)
		return nil
	}
	if c.m.Current() == StateHandoff {
		// A person answers; the engine keeps the message for them.
		return nil
	}

	switch {
	case c.in.ReplyID != "":
		return c.onReply()
	case c.in.Type == "location" && c.in.Location != nil:
		c.effects = append(c.effects, Effect{Kind: EffectLocation})
		c.say(c.t.LocationAskHelp)
		return nil
	case c.in.Type == "reaction":
		return nil // a reaction is an acknowledgement, not a request
	case strings.TrimSpace(c.in.Text) == "":
		c.sayMenu(c.t.Unreadable)
		return fire(c.m, EvGreet)
	}

	switch {
	case greetWords[c.norm] || startWords[c.norm]:
		return c.greet()
	case asksForHuman(c.norm) || helpWords[c.norm]:
		return c.handoff("asked", helpWords[c.norm])
	case safeWords[c.norm] && c.m.Current() != StateAnswered:
		return c.safe()
	case c.m.Current() == StateAnswered && safeWords[c.norm]:
		// "ok" after an answer is a thank-you, not a check-in.
		c.effects = append(c.effects, Effect{Kind: EffectFeedback, EntryID: c.s.LastEntryID, Helpful: true})
		c.say(c.t.ThanksFeedback)
		return fire(c.m, EvDone)
	}
	return c.ask(c.in.Text)
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
		return c.handoff("asked", false)
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
				return c.sendAnswer(h, nil)
			}
		}
		// The entry is not among the results any more (the FAQ changed);
		// search again with the title the user picked.
		return c.ask(c.in.ReplyTitle)
	}
	// A button from an older message or another feature: read its title as text.
	if c.in.ReplyTitle != "" {
		return c.ask(c.in.ReplyTitle)
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
// keeps answering, until an agent claims it.
func (c *turn) handoff(reason string, priority bool) error {
	c.effects = append(c.effects, Effect{Kind: EffectHandoff, Reason: reason, Priority: priority, Query: c.s.LastQuery})
	c.s.AwaitingAgent = true
	c.say(c.t.HumanQueued)
	return fire(c.m, EvDone)
}

func (c *turn) ask(query string) error {
	res := c.flow.KB.Search(query, c.s.Lang, 10)
	if c.s.Lang == "" && res.Lang != "" {
		c.s.Lang = res.Lang
		c.t = catalog.For(res.Lang)
	}
	c.s.LastQuery = query
	switch res.Decision {
	case kb.DecisionAnswer:
		if len(res.Results) > 0 {
			c.s.NoneStreak = 0
			return c.sendAnswer(res.Results[0], res.Results[1:])
		}
	case kb.DecisionSuggest:
		if len(res.Results) > 0 {
			c.s.NoneStreak = 0
			c.s.Alternatives = nil
			hits := res.Results
			if len(hits) > suggestMax {
				hits = hits[:suggestMax]
			}
			c.sayList(c.t.DidYouMean, hits, true)
			return fire(c.m, EvSuggest)
		}
	}
	c.s.NoneStreak++
	c.effects = append(c.effects, Effect{Kind: EffectUnanswered, Query: query, Lang: c.s.Lang, Reason: "none"})
	if c.s.NoneStreak >= 2 {
		c.s.NoneStreak = 0
		c.say(c.t.NoMatchAgain)
		return c.handoff("no_answer", false)
	}
	c.replies = append(c.replies, whatsapp.Outbound{
		Kind: "buttons", Text: c.t.OffTopic,
		Buttons: []whatsapp.Button{{ID: IDHuman, Title: c.t.BtnHuman}, {ID: IDAsk, Title: c.t.BtnAsk}},
	})
	return fire(c.m, EvNoMatch)
}

// sendAnswer sends an FAQ answer, then asks whether it helped; rest are
// kept as the alternatives a "no" offers.
func (c *turn) sendAnswer(h kb.Hit, rest []kb.Hit) error {
	body := h.Answer
	if h.Link != "" && !strings.Contains(body, h.Link) {
		body += "\n\n" + h.Link
	}
	for _, part := range kb.SplitAnswer(body, 4096) {
		c.replies = append(c.replies, whatsapp.Outbound{Kind: "text", Text: part, PreviewURL: false})
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
