// Package catalog owns every text the bot says, in every language: the
// conversation, check-in replies, queue notices and emergency messages.
// One file per language holds a complete Texts value; a language that has
// no file yet falls back to English.
//
// To add a language, copy en.go to <code>.go, translate every field
// (keeping each %s and %d: the tests check), and add the value to byLang
// below. Button titles must stay within WhatsApp's limits (the tests check
// those too).
package catalog

import (
	"slices"
	"strings"
)

// Texts is everything the bot says in one language. Fields whose name
// starts with Btn are reply-button titles (at most 20 characters), Row
// titles at most 24 and RowDesc descriptions at most 72, ListButton at
// most 20.
type Texts struct {
	// Conversation.
	Welcome        string // %s is " Name" (with its leading space) or empty
	MenuPrompt     string
	BtnAsk         string
	BtnSafe        string
	BtnHuman       string
	AskPrompt      string
	SafeThanks     string
	HumanQueued    string
	Helpful        string
	BtnYes         string
	BtnNo          string
	ThanksFeedback string
	ThanksReply    string // the person said thank you
	DidYouMean     string
	ListButton     string
	NoMatchAgain   string
	NotHelpful     string
	Unreadable     string
	VoiceHandoff   string // a voice note: the bot cannot listen, a person will
	MediaResend    string // a file the person sent could not be downloaded
	OffTopic       string // the FAQ has nothing: what the bot can help with, and a person
	Clarify        string // a message the bot could not place: one short question
	BtnNeedHelp    string
	OptedOut       string
	OptedIn        string
	OptInRecorded  string // a new person subscribed
	ConsentAsk     string // the explicit opt-in question; %s is the topic of the alerts
	RowHuman       string
	RowHumanDesc   string

	// Danger and locations. The emergency texts promise a person "as
	// soon as possible" or "with priority", never "first": several people
	// may be in danger at once, and the place in the queue (QueueNext or
	// QueuePosition) follows the text.
	Emergency        string // %s is the emergency number(s)
	EmergencyWaiting string // danger while already waiting for a person; %s is the number
	// EmergencySelfHarm answers a message about suicide or self-harm, in
	// any state: the emergency number as a line to call for help or only
	// to talk; %s is the number.
	EmergencySelfHarm string
	// EmergencyNumberAsked answers someone who asks for the emergency
	// number, without danger told: %s is the number(s), the one the
	// emergency texts give.
	EmergencyNumberAsked string
	// NumberCheck follows EmergencyNumberAsked: someone who asks for the
	// number and tells no emergency may still be in one, so they are asked,
	// with the buttons BtnDangerNow (the danger reply and an urgent
	// handoff) and BtnJustAsking (NumberCheckNo, nothing more).
	NumberCheck      string
	BtnDangerNow     string
	BtnJustAsking    string
	NumberCheckNo    string
	LocationRequest  string // body of the WhatsApp location request
	LocationAttached string // a location added to an open handoff
	LocationAskHelp  string // a location with no context: do they need help?

	// Waiting for a person.
	MessageAdded    string // a message passed on to the person who will answer
	HandoffClosed   string // an agent closed a need-help or urgent conversation
	HandoffReleased string // an agent gave the conversation back to the bot
	QueueNext       string
	QueuePosition   string // %d is the place in the queue
	QueueWait       string // %s is one of the Wait ranges
	QueueUnknown    string
	QueueUpdate     string // prefix of a notice sent because the queue moved
	// QueuePassed says why a waiting person's place moved back: someone
	// more urgent (in danger, or back after a need-help conversation) was
	// put ahead of them. It follows QueueUpdate, before the new place.
	QueuePassed    string
	WaitFewMinutes string
	Wait5To15      string
	Wait15To30     string
	Wait30To60     string
	WaitOverHour   string

	// Check-ins and confirmations.
	CheckinSafe               string
	CheckinHelp               string
	CheckinGotLocation        string
	CheckinDetailsAskLocation string
	CheckinDetailsDone        string
	CheckinClarify            string // free text to an open check-in the bot could not place
	CheckinAskTime            string
	CheckinTimeNoted          string
	CheckinConfirmed          string // %s is the chosen option's title

	// Places: where to go. %s in the first six is one of the kind names
	// below; PlaceDistance is a place's name and its distance in km;
	// PlaceNoneNear's second %s is the radius in km.
	PlaceAskLocation string // body of the location request after "nearest shelter"
	PlaceNearest     string
	PlaceDistance    string
	PlaceNoneNear    string
	PlaceList        string // the open places listed when no location came
	PlaceNoneOpen    string
	// Without a location, the person's words are matched to the places'
	// districts: PlaceInDistrict and PlaceNoneInDistrict take the kind
	// name and the district; PlaceChooseDistrict the kind name, above a
	// list of districts whose rows say PlaceOpenCount; BtnDistricts opens it.
	PlaceInDistrict     string
	PlaceNoneInDistrict string
	PlaceChooseDistrict string
	PlaceOpenCount      string
	BtnDistricts        string
	// RowMoreDistricts is the last row of a list of districts that has
	// more than fit (WhatsApp lists take ten rows), PlaceMoreCount its
	// description with how many more there are.
	RowMoreDistricts string
	PlaceMoreCount   string
	// AttachmentFailed tells a person that an FAQ answer's file could not
	// be sent in the end, and how to get it (a person from the team).
	AttachmentFailed string
	PlaceShelter     string
	PlaceClinic      string
	PlaceWater       string
	PlaceFood        string
	PlaceCharging    string
	PlaceOffice      string
}

// WaitRanges are the wait estimates in order, shortest first.
func (t Texts) WaitRanges() []string {
	return []string{t.WaitFewMinutes, t.Wait5To15, t.Wait15To30, t.Wait30To60, t.WaitOverHour}
}

// byLang holds every language the bot speaks, by ISO 639-1 code.
var byLang = map[string]*Texts{
	"en": &en,
	"ar": &ar,
	"de": &de,
	"es": &es,
	"fr": &fr,
	"hi": &hi,
	"pt": &pt,
	"ur": &ur,
}

// Base reduces a language tag to its base language: "en_GB" and "en-GB" are "en".
func Base(lang string) string {
	if i := strings.IndexAny(lang, "_-"); i >= 0 {
		lang = lang[:i]
	}
	return strings.ToLower(strings.TrimSpace(lang))
}

// For returns the texts for lang, or English when the language has none.
func For(lang string) Texts {
	if t, ok := byLang[Base(lang)]; ok {
		return *t
	}
	return en
}

// Has reports whether lang has its own texts.
func Has(lang string) bool {
	_, ok := byLang[Base(lang)]
	return ok
}

// Languages lists the languages with their own texts, sorted.
func Languages() []string {
	out := make([]string, 0, len(byLang))
	for l := range byLang {
		out = append(out, l)
	}
	slices.Sort(out)
	return out
}

// rtl are the languages written right to left.
var rtl = map[string]bool{"ar": true, "ur": true, "fa": true, "he": true, "ps": true, "sd": true, "ug": true, "yi": true, "dv": true, "ckb": true}

// RTL reports whether lang is written right to left.
func RTL(lang string) bool { return rtl[Base(lang)] }
