package flows

import (
	"fmt"
	"strings"

	"lifeline/bot/whatsapp"
	"lifeline/understand"
)

// Someone who asks for the emergency number ("what's the ambulance
// number", "رقم الطوارئ كم", "numéro des pompiers ?") is given it, the
// number the danger reply gives (Input.EmergencyNumber, chosen by the
// engine from the contact's country or phone number), in their language.
// The FAQ cannot do this: its answer is the same for everyone and says
// "your local emergency number" without one. The understanding step says
// that the message asks for it (Result.NumberAsked); one that also tells
// an emergency is danger, and the danger reply gives the number.
//
// Someone who asks may be in an emergency they have not told, so the
// number is followed by one question with two buttons: is anyone in
// danger right now? Yes (the button, a typed yes, or any message read as
// danger) takes the danger path at once: the danger reply, a location
// request and an urgent handoff. No ends it. Anything else lets the
// question lapse, and the message is handled as usual.

// Ids of the buttons of the question that follows the number.
const (
	IDDangerNow   = "numcheck_danger"
	IDJustAsking  = "numcheck_asking"
	numberAskKeep = 200 // runes of the question kept until it is answered
)

// emergencyNumber answers a question for the emergency number with the
// number, in every state but a person's (they answer). Someone who also
// asks for a person or for help ("I need help, what is the emergency
// number") is given the number and then handled as usual: done is false,
// and the priority handoff that follows asks no more. Anyone else is asked
// whether someone is in danger now.
func (c *turn) emergencyNumber(words string, acts bool) (done bool, err error) {
	c.say(fmt.Sprintf(c.t.EmergencyNumberAsked, c.number))
	if acts && (c.r.Class == understand.NeedHelp || c.r.Class == understand.Human) {
		return false, nil
	}
	c.s.NumberAsked = Truncate(words, numberAskKeep)
	c.replies = append(c.replies, whatsapp.Outbound{Kind: whatsapp.KindButtons, Text: c.t.NumberCheck,
		Buttons: []whatsapp.Button{{ID: IDDangerNow, Title: c.t.BtnDangerNow}, {ID: IDJustAsking, Title: c.t.BtnJustAsking}}})
	if c.waiting() {
		return true, nil
	}
	return true, fire(c.m, EvDone)
}

// numberCheck handles the answer to "is anyone in danger right now?". A
// tap on either button answers it whenever it comes; a typed yes or no
// only while the question is open. A message read as danger is left to
// the danger path, whatever it starts with ("no, he is not breathing").
// The question is open for one message only.
func (c *turn) numberCheck(words string) (done bool, err error) {
	asked := c.s.NumberAsked
	c.s.NumberAsked = ""
	if c.r.Class == understand.Danger {
		return false, nil
	}
	// A typed answer that asks for the number again ("اي رقم؟", "which
	// number?") is no answer: it is asked again.
	typed := asked != "" && c.in.ReplyID == "" && !c.r.NumberAsked
	switch {
	case c.in.ReplyID == IDDangerNow || typed && answersYes(words, c.t.BtnYes, c.t.BtnDangerNow):
		// The handoff tells the agent what was asked and what was answered.
		query := c.t.BtnDangerNow
		if typed {
			query = words
		}
		if asked != "" {
			query = asked + " / " + query
		}
		c.s.Concern, c.s.ConcernAt = understand.Danger, c.in.At
		return true, c.danger(query)
	case c.in.ReplyID == IDJustAsking || typed && answersNo(words, c.t.BtnNo, c.t.BtnJustAsking) &&
		c.r.Class != understand.NeedHelp && c.r.Class != understand.Human:
		if c.m.Current() == StateHandoff {
			return true, nil // a person answers
		}
		c.say(c.t.NumberCheckNo)
		if c.waiting() {
			return true, nil
		}
		return true, fire(c.m, EvDone)
	}
	return false, nil
}

// yesWords are the typed answers that say yes, beside the buttons' own
// titles in the person's language; noWords say no.
var (
	yesWords = wordsOf("yes", "y", "yeah", "yep", "نعم", "ايوه", "أيوه", "اي", "oui", "si", "sí", "ja", "sim", "हाँ", "हां", "haan", "ہاں", "جی", "جی ہاں")
	noWords  = wordsOf("no", "n", "nope", "nah", "لا", "non", "nein", "não", "nao", "नहीं", "नही", "ना", "nahi", "nahin", "نہیں", "نہ")
)

func wordsOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[Normalize(w)] = true
	}
	return m
}

// saysYes reports whether words are a yes: a yes word alone, or a yes
// button's title typed.
func saysYes(words string, titles ...string) bool {
	w := Normalize(words)
	return yesWords[w] || titled(w, titles)
}

// answersYes reports whether words answer yes: they start with a yes
// ("yes", "yes please come", "جی ہاں، جلدی"), or are a button's title.
func answersYes(words string, titles ...string) bool {
	return startsWith(Normalize(words), yesWords) || titled(Normalize(words), titles)
}

// answersNo reports whether words answer no: they start with a no ("no",
// "no just asking", "non merci"), or are a button's title.
func answersNo(words string, titles ...string) bool {
	return startsWith(Normalize(words), noWords) || titled(Normalize(words), titles)
}

// startsWith reports whether the first word of w, or its first two, are
// in set.
func startsWith(w string, set map[string]bool) bool {
	f := strings.Fields(w)
	return len(f) > 0 && (set[f[0]] || len(f) > 1 && set[f[0]+" "+f[1]])
}

func titled(w string, titles []string) bool {
	for _, t := range titles {
		if w != "" && w == Normalize(t) {
			return true
		}
	}
	return false
}
