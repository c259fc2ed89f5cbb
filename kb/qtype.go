package kb

import (
	"strings"
	"unicode"
)

// The kind of answer a question asks for: a place, a time, a duration, a
// number, a reason, a person, a manner, a yes or no, or a thing. Matching
// kinds is a weak but general signal: "where is a shelter" wants the entry
// that says where, not the one about pets in shelters; "how long does it
// last" wants a duration, not a manner. These are coarse classes of
// question classification (Li and Roth 2002), read off the opening words;
// stop-word removal drops those words from the terms, so they are read here
// from the raw text. (A class for "what to do", joining "how can I" and
// "what should I do", was tried and left out: it moved the English COVID
// paraphrases by one query and cost the sample FAQ's decisions.)
const (
	qWhere    = "where"
	qWhen     = "when"
	qDuration = "duration"
	qQuantity = "quantity"
	qReason   = "why"
	qWho      = "who"
	qManner   = "how"
	qYesNo    = "yesno"
	qWhat     = "what"
)

// questionWords maps the words that open a question to the kind of answer
// it asks for, before the words after them refine it.
var questionWords = map[string]string{
	// English
	"where": qWhere, "when": qWhen, "how": qManner, "what": qWhat, "why": qReason, "who": qWho, "whom": qWho, "which": qWhat,
	// German
	"wo": qWhere, "wohin": qWhere, "woher": qWhere, "wann": qWhen, "wie": qManner, "was": qWhat, "warum": qReason,
	"wieso": qReason, "weshalb": qReason, "wer": qWho, "wen": qWho, "wem": qWho, "welche": qWhat, "welcher": qWhat,
	"welches": qWhat, "welchen": qWhat, "womit": qWhat, "wozu": qReason, "wodurch": qManner, "woran": qWhat, "worauf": qWhat,
	// French, Spanish, Portuguese
	"où": qWhere, "quand": qWhen, "comment": qManner, "pourquoi": qReason, "qui": qWho, "quel": qWhat, "quelle": qWhat,
	"dónde": qWhere, "donde": qWhere, "cuándo": qWhen, "cómo": qManner, "qué": qWhat, "quién": qWho, "cuál": qWhat,
	"onde": qWhere, "quando": qWhen, "como": qManner, "porque": qReason, "quem": qWho, "qual": qWhat,
	"combien": qQuantity, "cuántos": qQuantity, "cuántas": qQuantity, "cuánto": qQuantity, "quantos": qQuantity, "quantas": qQuantity,
	// Arabic
	"أين": qWhere, "اين": qWhere, "متى": qWhen, "كيف": qManner, "ماذا": qWhat, "ما": qWhat, "لماذا": qReason, "من": qWho,
}

// followers refine a question word by the word after it: "how long" asks
// for a duration, "how many" for a number, "wie viele" for a number.
var followers = map[string]map[string]string{
	"how": {"long": qDuration, "many": qQuantity, "much": qQuantity, "often": qQuantity},
	"wie": {"lange": qDuration, "viele": qQuantity, "viel": qQuantity, "oft": qQuantity, "hoch": qQuantity},
}

// auxiliaries open yes-or-no questions ("can I", "is it", "ist es", "gibt es",
// "est-ce que", "هل"). English "was" is left out: German "Was" opens far more
// questions than it.
var auxiliaries = map[string]bool{
	"is": true, "are": true, "am": true, "were": true, "can": true, "could": true, "should": true, "do": true,
	"does": true, "did": true, "will": true, "would": true, "may": true, "might": true, "must": true, "has": true,
	"have": true, "had": true, "shall": true,
	"ist": true, "sind": true, "bin": true, "kann": true, "können": true, "könnte": true, "sollte": true, "soll": true,
	"sollen": true, "muss": true, "müssen": true, "darf": true, "dürfen": true, "gibt": true, "hat": true, "habe": true,
	"haben": true, "wird": true, "werden": true, "besteht": true, "bekomme": true, "brauche": true, "brauchen": true,
	"est": true, "هل": true,
}

// questionType returns the kind of answer text asks for, or "" when its
// first words say nothing about it.
func questionType(text string) string {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\''
	})
	for i, w := range words {
		if i == 4 {
			break
		}
		// Arabic attaches "and" to the next word: "وأين".
		w = strings.TrimPrefix(w, "و")
		if i == 0 && auxiliaries[w] {
			return qYesNo
		}
		k, ok := questionWords[w]
		if !ok {
			continue
		}
		if i+1 < len(words) {
			if f, ok := followers[w][words[i+1]]; ok {
				return f
			}
			if k == qWhat {
				if h, ok := headNouns[words[i+1]]; ok {
					return h
				}
			}
		}
		return k
	}
	return ""
}

// headNouns turn a "what" or "which" question into the kind its noun asks
// for: "which countries" asks where, "which groups" who, "what time" when
// (the head-noun rule of question classification).
var headNouns = map[string]string{
	"country": qWhere, "countries": qWhere, "place": qWhere, "places": qWhere, "area": qWhere, "areas": qWhere,
	"region": qWhere, "regions": qWhere, "city": qWhere, "cities": qWhere,
	"people": qWho, "person": qWho, "persons": qWho, "group": qWho, "groups": qWho, "patients": qWho, "individuals": qWho,
	"time": qWhen, "day": qWhen, "date": qWhen,
	"reason": qReason, "reasons": qReason, "purpose": qReason, "goal": qReason, "aim": qReason,
	"grund": qReason, "gründe": qReason, "ziel": qReason, "zweck": qReason,
	"land": qWhere, "länder": qWhere, "ländern": qWhere, "ort": qWhere, "orte": qWhere, "orten": qWhere,
	"regionen": qWhere, "gebiet": qWhere, "gebiete": qWhere, "gebieten": qWhere, "stadt": qWhere, "städte": qWhere, "städten": qWhere,
	"personen": qWho, "personengruppen": qWho, "gruppen": qWho, "menschen": qWho, "leute": qWho, "patienten": qWho,
	"uhrzeit": qWhen, "tag": qWhen, "tagen": qWhen,
}
