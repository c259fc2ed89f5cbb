package understand

import (
	"strings"
	"unicode/utf8"
)

// Someone who asks for the emergency number ("What is the number for
// emergency services", "رقم الطوارئ كم", "numéro des urgences ?") is given
// it by the conversation, the number of their country, in their language
// (Result.NumberAsked). What the question asks for is recognised from
// three small lists per language: a word for the emergency service, a
// word for a number or a call, and a word that asks. The last keeps out
// messages that only mention the number ("I called the emergency number
// but nobody answers"); a message of a few words ("emergency number",
// "Notruf?") asks by itself.
//
// Naming the ambulance is no emergency told: "what's the ambulance
// number" is a question, while "ambulance number quick my dad collapsed"
// is danger. A danger reading is kept unless the message, read again
// without the names of the service, is no danger and nothing in it is
// urgent (numberAskOnly); the conversation then asks whether anyone is in
// danger, so the question lowers no one who is.

// emergencyTerms name the emergency services. Latin ones match the start
// of a word ("emergencies", "Notrufnummer"); the others anywhere in a
// word, since Arabic joins the article and conjunctions to it ("والطوارئ").
var emergencyTerms = []string{
	"emergenc", "ambulance", "fire brigade", "fire department", // English
	"urgence", "secours", "pompier", // French
	"emergencia", "ambulancia", "bombero", // Spanish
	"notruf", "notfall", "rettungsdienst", "krankenwagen", "feuerwehr", // German
	"emergência", "ambulância", "bombeiro", // Portuguese
	"طوارئ", "طواري", "طوارى", "اسعاف", "مطافي", "الدفاع المدني", // Arabic
	"ایمرجنسی", "ہنگامی", "ریسکیو", "ایمبولینس", "فائر بریگیڈ", // Urdu
	"आपात", "इमरजेंसी", "इमर्जेंसी", "एम्बुलेंस", "एंबुलेंस", "फायर ब्रिगेड", "दमकल", // Hindi
}

// emergencyWords name an emergency service as whole words: a prefix
// would find "samu" in "Samuel".
var emergencyWords = []string{"samu"}

// numberWords name a number; callWords a phone or a call. Both match
// anywhere in a word ("Notrufnummer", "الرقم", "telephone").
var numberWords = []string{
	"number", "hotline", "numéro", "numero", "número", "nummer", "رقم", "نمره", "نمبر", "नंबर", "नम्बर",
}

var callWords = []string{
	"call", "dial", "phone", // English
	"appel", "compose", // French
	"llam", "marcar", "teléfono", "telefono", // Spanish
	"ruf", "telefon", "wähl", // German
	"ligar", "ligo", "telefone", "chamar", // Portuguese
	"اتصل", "اتصال", "اكلم", "تلفون", "تليفون", "هاتف", // Arabic
	"فون", "کال", // Urdu
	"फोन", "फ़ोन", "कॉल", // Hindi
}

// whWords ask a question; requestWords ask for something or carry a
// question ("quel est"). Both as whole words.
var whWords = []string{
	"what", "what's", "whats", "which", "who", "how", "where", // English
	"quel", "quelle", "quels", "comment", "où", // French
	"cuál", "cual", "qué", "que", "dónde", "donde", "cómo", "como", // Spanish
	"wie", "welche", "welcher", "was", "wo", // German
	"qual", "quais", "onde", // Portuguese
	"كم", "كام", "ما", "ماذا", "ماهو", "شو", "ايش", "وش", "شنو", "ايه", "اي", "فين", "وين", // Arabic
	"کیا", "کون", "کیسے", "کہاں", // Urdu
	"क्या", "कौन", "कैसे", "कहाँ", "kya", "kaun", "kitna", // Hindi, and Hindi and Urdu in Latin letters
}

var requestWords = []string{
	"tell", "give", "need", "want", "please", "pls", "plz", "know", "send", // English
	"est", "c'est", "qu'est", "donnez", "donner", "dites", "svp", "stp", "besoin", // French
	"dame", "deme", "necesito", "favor", // Spanish
	"bitte", "brauche", "gib", "geben", "sagen", // German
	"preciso", "passa", // Portuguese
	"سمحت", "ابغى", "ابي", "بدي", "عايز", "اريد", "اعطني", "عطني", "ممكن", // Arabic
	"بتائیں", "بتا", "چاہیے", // Urdu
	"बताइए", "बताओ", "चाहिए", "batao", "bataye", "chahiye", // Hindi, and Hindi and Urdu in Latin letters
}

const (
	// askShort is how many words ask by themselves ("emergency number").
	askShort = 4
	// askLong is the most words a question for the number takes; a
	// longer message tells something, and is read for what it tells.
	askLong = 14
)

// The lists as Normalize folds a message: Urdu ک and ی are the Arabic
// letters, and a service named in two words ("fire brigade") is read as
// two tokens whose first must start the name.
var (
	serviceNames     = normalizeAll(emergencyTerms)
	serviceWords     = wordSet(emergencyWords...)
	numberNames      = normalizeAll(numberWords)
	callNames        = normalizeAll(callWords)
	numberWhSet      = wordSet(whWords...)
	numberRequestSet = wordSet(requestWords...)
)

func normalizeAll(terms []string) []string {
	out := make([]string, len(terms))
	for i, t := range terms {
		out[i] = Normalize(t)
	}
	return out
}

// asksNumber reports whether a message, in words (as fields of Normalize),
// asks for the emergency number.
func asksNumber(words []string) bool {
	n := 0
	for _, tok := range words {
		if !punctToken(tok) {
			n++
		}
	}
	if n == 0 || n > askLong {
		return false
	}
	var emergency, number, ask bool
	for i, tok := range words {
		emergency = emergency || serviceAt(words, i) > 0
		number = number || containsAnyOf(tok, numberNames) || containsAnyOf(tok, callNames)
		ask = ask || tok == "?" || tok == "??" || numberWhSet[tok] || numberRequestSet[tok]
	}
	return emergency && number && (ask || n <= askShort)
}

// punctToken reports whether tok is one of the marks Normalize keeps.
func punctToken(tok string) bool { return tok == "?" || tok == "??" || tok == "!!" }

// containsAnyOf reports whether tok holds one of terms.
func containsAnyOf(tok string, terms []string) bool {
	for _, t := range terms {
		if strings.Contains(tok, t) {
			return true
		}
	}
	return false
}

// serviceAt returns how many of words, from i, name an emergency service:
// 0 for none. A Latin name matches the start of a word, any other
// anywhere in one.
func serviceAt(words []string, i int) int {
	tok := words[i]
	if serviceWords[tok] {
		return 1
	}
	for _, name := range serviceNames {
		first, rest, two := strings.Cut(name, " ")
		if r, _ := utf8.DecodeRuneInString(first); !strings.HasPrefix(tok, first) && (r <= 0x24F || !strings.Contains(tok, first)) {
			continue
		}
		if !two {
			return 1
		}
		if i+1 < len(words) && strings.HasPrefix(words[i+1], rest) {
			return 2
		}
	}
	return 0
}

// withoutService is words without the names of the emergency service.
func withoutService(words []string) []string {
	out := make([]string, 0, len(words))
	for i := 0; i < len(words); {
		if n := serviceAt(words, i); n > 0 {
			i += n
			continue
		}
		out = append(out, words[i])
		i++
	}
	return out
}

// asksForTheNumber reports whether words ask for a number, or who or
// how to call: "call an ambulance!" asks for the ambulance itself.
func asksForTheNumber(words []string) bool {
	for _, tok := range words {
		if numberWhSet[tok] || containsAnyOf(tok, numberNames) {
			return true
		}
	}
	return false
}

// numberAskOnly reports whether a message read as danger that asks for
// the emergency number tells no emergency: it asks for the number itself
// (asksForTheNumber), nothing in it is urgent ("quick", "الحين", "जल्दी"),
// and without the names of the service nothing in it names a danger (no
// danger phrase, hazard, risk pair or situation: "what's the emergency
// number, there's a fire" stays danger though it reads as a question) and
// read again it is no danger ("ambulance number pls" is "number pls";
// "ambulance number my dad collapsed" is still danger). It reads the
// message a second time, which only such questions cost.
func (m *Model) numberAskOnly(words []string, rd *reading) bool {
	if !asksForTheNumber(words) || cueSets.scan(rd.padded)&cueUrgent != 0 {
		return false
	}
	rest := strings.Join(withoutService(words), " ")
	if rest == "" {
		return true
	}
	return signless(" "+rest+" ") && m.Understand(rest).Class != Danger
}
