package understand

import "strings"

// A message sent before it was finished: a person, then "under", then one
// dangling word ("my boy is under the", "ابني تحت ال", "meine tochter ist
// unter dem", "मेरा बेटा नीचे दब"). Whoever types that was stopped while
// telling where someone is trapped; the bot must not wait for the rest.
// The dangling word is what makes it cut off: "my son is under the table"
// names a place, and "ابني تحت" or "मेरा बेटा नीचे है" say the son is
// downstairs, as both words also mean.

// cutUnder are the words for "under" in the nine varieties.
var cutUnder = map[string]bool{
	"under": true, "underneath": true, "beneath": true, "sous": true, "dessous": true, "debajo": true, "bajo": true,
	"unter": true, "unterm": true, "embaixo": true, "debaixo": true, "sob": true,
	"تحت": true, "ta7t": true, "ta7at": true, "taht": true, "ta7et": true,
	"नीचे": true, "niche": true, "neeche": true, "نيچے": true, "نیچے": true,
}

// cutDangling are words that cannot end a finished sentence after
// "under": articles, possessives, a pronoun object, the Hindi and Urdu
// postpositions, and the stem of "pressed/buried" cut before its ending.
var cutDangling = map[string]bool{
	"the": true, "a": true, "an": true, "his": true, "her": true, "their": true, "some": true,
	"le": true, "la": true, "les": true, "l": true, "un": true, "une": true, "du": true, "des": true, "son": true, "sa": true,
	"el": true, "los": true, "las": true, "una": true, "del": true, "unos": true,
	"dem": true, "der": true, "den": true, "die": true, "das": true, "einem": true, "einer": true, "einen": true, "seinem": true,
	"o": true, "os": true, "as": true, "do": true, "da": true, "um": true, "uma": true,
	"ال": true, "عليه": true, "عليها": true, "عليهم": true, "3alih": true, "3aleh": true, "3aliha": true, "3aleha": true,
	"के": true, "की": true, "का": true, "दब": true, "ke": true, "ki": true, "dab": true,
	"کے": true, "كے": true, "کی": true, "كی": true, "دب": true,
}

// cutPersonSet names the person, as concepts name a person at risk, and
// the Arabizi "my son/daughter" spellings the concept lists do not.
var cutPersonSet = compile(append([]string{"ebni", "ibni", "benti", "bneyya", "wladi"}, conceptPerson...))

// cutOffUnder reports a short message that stops right after a person,
// "under" and one dangling word. It runs on every message the classifier
// did not decide, so it reads the last two words in place.
func cutOffUnder(padded string) bool {
	end := strings.TrimRight(padded, " ")
	i := strings.LastIndexByte(end, ' ')
	if i < 0 || !cutDangling[end[i+1:]] {
		return false
	}
	j := strings.LastIndexByte(end[:i], ' ')
	if j < 0 || !cutUnder[end[j+1:i]] || strings.Count(end[:j], " ") > cutMaxWords-2 {
		return false
	}
	return cutPersonSet.match(end[:j+1])
}

// cutMaxWords is the longest cut-off message read: a longer one has told
// enough for the classifier and the other rules to read it.
const cutMaxWords = 7
