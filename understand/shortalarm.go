package understand

import "strings"

// A danger shouted in two or three words of dialect: "l3afya l3afya" (fire
// fire, Moroccan), "8ar2anin ya gama3a" (we're drowning, folks), "حريقة
// عندنا" (a fire at ours), "socorro enchente", "Füür bi öis!!" (Swiss German,
// fire at ours). The classifier has met too few such words to read them,
// and alone the hazard word is not a danger phrase. Three shapes make one:
// the hazard word said twice, the hazard word with "here / at ours", a plea
// or "!!" or 🆘, and "we are drowning" in the first person, which needs
// nothing else. A question, a well-being word, a word of the alerts or an
// end ("fire's out") keeps it apart: "fire here?", "flood alerts pls".

// shortAlarmWords is the longest message read: a longer one has told
// enough for the classifier and the other rules.
const shortAlarmWords = 4

// alarmHazards are hazard words that are a shout alone (normalised).
var alarmHazards = wordSet(
	"fire", "smoke", "flood", "flooding", "feu", "incendie", "fumée", "fumee", "inondation", "crue", "fuego", "incendio", "humo",
	"inundación", "inundacion", "feuer", "brand", "rauch", "hochwasser", "füür", "fuur", "füür", "fogo", "incêndio", "fumaça", "fumaca",
	"enchente", "alagamento", "نار", "حريق", "حريقه", "دخان", "سيل", "فيضان", "l3afya", "l3afia", "lafya", "nar", "7ari2", "7ari2a", "7ariqa",
	"dokhan", "du5an", "seil", "fayadan", "आग", "धुआं", "धुआँ", "बाढ़", "aag", "dhuan", "dhuaan", "baadh", "baarh", "اگ", "دھواں", "سیلاب", "selab",
)

// alarmDrowning say "we are drowning": a danger with nothing else.
var alarmDrowning = wordSet(
	"drowning", "noyons", "ahogamos", "ahogando", "ertrinken", "afogando", "غرقانين", "غرقانه", "غرقانين", "بنغرق", "8ar2anin", "ghar2anin",
	"gharqanin", "8ar2ana", "ghar9anin", "8ar9anin",
)

// alarmCues say the hazard is here and now, or call for help.
var alarmCues = wordSet(
	"here", "ours", "aca", "acá", "aqui", "aquí", "ici", "uns", "öis", "ois", "üs", "عندنا", "عنا", "3andna", "3ndna", "3anna", "यहां", "यहाँ",
	"یہاں", "help", "socorro", "hilfe", "secours", "ayuda", "ajuda", "النجده", "الحقونا", "bachao", "बचाओ", "بچاؤ", "بچاو", "!!", "🆘",
)

// shortAlarm reports a danger shouted in a few words (see above). text is
// the message as sent, rd its reading.
func shortAlarm(text string, rd *reading) bool {
	if strings.Count(strings.TrimSpace(rd.masked), " ") >= shortAlarmWords+2 {
		return false // the common case: a longer message
	}
	var hazard []string
	cue, drowning, words := false, false, 0
	for w := range fieldsOf(rd.masked) {
		switch {
		case alarmDrowning[w]:
			drowning = true
		case alarmHazards[w]:
			hazard = append(hazard, w)
		case alarmCues[w] || strings.HasPrefix(w, "!!"):
			cue = true
			continue // a shout mark is not a word
		}
		if hasContent([]string{w}) {
			words++
		}
	}
	if words == 0 || words > shortAlarmWords || !drowning && len(hazard) == 0 {
		return false
	}
	if strings.ContainsAny(text, "?؟") || wellSet.match(rd.padded) || alertsSet.match(rd.padded) || resolutionTags.scan(rd.padded)&resMark != 0 {
		return false
	}
	return drowning || cue || len(hazard) > 1 && hazard[0] == hazard[1]
}
