package understand

// Hazard words used as names: a cat called Orkan, a car its owner calls
// the Tornado, the bar Le Volcan, a café by the fire station where friends
// meet ("oma nennt ihren kater Orkan", "el mat3am esmo Borkan", "rdv devant
// le bar Le Volcan"). The classifier, having met the word in storms and
// fires, reads danger. A hazard word within three words after a word that
// names (called, "nennt", "appelle", "اسمه", "नाम") or a place to eat or
// drink is read as a name; when nothing else names a danger and nothing
// is urgent, only a safety rule may raise the message. "We called 911,
// fire in the kitchen" is no name: "called" alone is a phone call.

import (
	"slices"
	"strings"
)

// nameVerbs name: a hazard word up to three words after one is a name.
// "calls", "appelle", "nennt" count only with a possessive after them
// ("calls his car", "appelle sa voiture"): "mum calls, fire in the
// kitchen" is a phone call.
var nameVerbs = wordSet(
	"named", "nicknamed", "s'appelle", "surnommé", "surnommée", "nommé", "nommée", "llamado", "llamada", "apodado", "apodada",
	"heißt", "namens", "chamado", "chamada", "apelidou", "apelidado",
	"اسمه", "اسمها", "سماه", "سماها", "بيسميه", "بيسميها", "esmo", "esmha", "ismo", "ismha", "sammah", "sammaha", "नाम", "naam", "نام",
)

// possessiveNamers name only with a possessive after them.
var possessiveNamers = wordSet("calls", "call", "appelle", "nennt", "nennen")

var possessives = wordSet(
	"his", "her", "their", "my", "our", "its", "sa", "son", "ses", "leur", "ihren", "ihre", "ihr", "seinen", "seine", "sein", "meinen", "meine",
	"unseren", "unsere",
)

// nameVenues are places to eat, drink or meet, named after them: a hazard
// word right after one, or after an article or "at the", is its name.
var nameVenues = wordSet(
	"bar", "pub", "café", "cafe", "restaurant", "club", "diner", "resto", "brasserie", "restaurante", "cantina", "kneipe", "lokal", "imbiss",
	"boteco", "lanchonete", "مطعم", "المطعم", "كافيه", "الكافيه", "mat3am", "kafeh", "ढाबा", "ढाबे", "कैफे", "dhaba", "ڈھابہ", "ڈھابے", "کیفے",
)

// nameFillers may stand between a venue and its name.
var nameFillers = wordSet(
	"the", "le", "la", "les", "l'", "el", "al", "los", "las", "der", "die", "das", "dem", "den", "zum", "zur", "o", "a", "os", "as", "do", "da",
	"an", "at", "by", "near", "next", "to", "à", "au", "de", "du", "des", "près", "am", "bei", "ال",
)

// nameCueSet holds every word that may start a name (nameVerbs,
// possessiveNamers, nameVenues).
var nameCueSet = func() phraseSet {
	var l []string
	for _, m := range []map[string]bool{nameVerbs, possessiveNamers, nameVenues} {
		for w := range m {
			l = append(l, w)
		}
	}
	slices.Sort(l) // the same set on every start
	return compileWhole(l)
}()

// wordSet returns the normalised words as a set, for readings that look
// words up one by one.
func wordSet(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[Normalize(w)] = true
	}
	return m
}

// nameHazards are the hazard words people give as names, and the fire
// station named as a landmark.
var nameHazards = wordSet(
	"fire", "blaze", "inferno", "storm", "tornado", "hurricane", "typhoon", "cyclone", "volcano", "tsunami", "earthquake", "avalanche",
	"thunder", "lightning", "twister", "firestation", "firehouse",
	"feu", "incendie", "tempête", "tempete", "tornade", "ouragan", "volcan", "tonnerre", "foudre", "caserne",
	"fuego", "incendio", "tormenta", "huracán", "huracan", "volcán", "trueno", "rayo", "tifón",
	"feuer", "brand", "sturm", "orkan", "vulkan", "blitz", "donner", "feuerwache",
	"fogo", "incêndio", "tempestade", "furacão", "furacao", "vulcão", "vulcao", "trovão", "raio",
	"نار", "النار", "حريق", "الحريق", "عاصفه", "العاصفه", "اعصار", "الاعصار", "بركان", "البركان", "زلزال", "الزلزال", "صاعقه", "طوفان",
	"المطافي", "nar", "7ari2", "3asifa", "e3sar", "i3sar", "borkan", "burkan", "zelzal", "zilzal",
	"आग", "तूफान", "तूफ़ान", "ज्वालामुखी", "भूकंप", "aag", "toofan", "tufan", "آگ", "طوفان", "آندھی", "زلزلہ",
)

// namedHazardMasked returns masked with each hazard word read as a name
// blanked, and whether any was.
func namedHazardMasked(masked string) (string, bool) {
	found := false
	const none, verb, venue = 0, 1, 2
	mode, since, prev := none, 0, ""
	for i := 0; i < len(masked); {
		for i < len(masked) && masked[i] == ' ' {
			i++
		}
		j := i
		for j < len(masked) && masked[j] != ' ' {
			j++
		}
		if i == j {
			break
		}
		w := masked[i:j]
		since++
		switch {
		case mode != none && since <= 3 && nameHazards[w]:
			masked = masked[:i] + strings.Repeat(" ", j-i) + masked[j:]
			found, mode = true, none
		case nameVerbs[w] || possessiveNamers[prev] && possessives[w]:
			mode, since = verb, 0
		case nameVenues[w]:
			mode, since = venue, 0
		case mode == venue && !nameFillers[w], since > 3:
			mode = none
		}
		prev = w
		i = j
	}
	return masked, found
}

// namedOnly reports whether a hazard word is read as a name and, with the
// names blanked, nothing names a danger and nothing is urgent.
func namedOnly(rd *reading) bool {
	if !nameCueSet.match(rd.padded) {
		return false // one scan, where the word walk looks up every word
	}
	m, ok := namedHazardMasked(rd.masked)
	return ok && signlessMasked(m) && cueSets.scan(rd.padded)&cueUrgent == 0
}
