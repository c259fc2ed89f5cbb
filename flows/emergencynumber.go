package flows

import (
	"strings"
	"unicode/utf8"
)

// Someone who asks for the emergency number ("What is the number for
// emergency services", "رقم الطوارئ كم", "numéro des urgences ?") is given
// it, the number the danger reply gives (Input.EmergencyNumber, chosen by
// the engine from the contact's country or phone number), in their
// language. The FAQ cannot do this: its answer is the same for everyone
// and says "your local emergency number" without one.
//
// The understanding step reads these messages as questions (or, when
// short, as something else: "emergency number please" reads as opt_in),
// and has no class for "which number": what the question asks for is
// recognised here, from three small lists per language: a word for the
// emergency (or the ambulance), a word for a number or a call, and a word
// that asks. The last keeps out messages that only mention the number
// ("I called the emergency number but nobody answers"); a message of a
// few words ("emergency number", "Notruf?") asks by itself.

// emergencyTerms name the emergency services. Latin ones match the start
// of a word ("emergencies", "Notrufnummer"); the others anywhere in a
// word, since Arabic joins the article and conjunctions to it ("والطوارئ").
var emergencyTerms = []string{
	"emergenc", "ambulance", // English
	"urgence", "secours", // French
	"emergencia", "ambulancia", // Spanish
	"notruf", "notfall", "rettungsdienst", "krankenwagen", // German
	"emergência", "ambulância", // Portuguese
	"طوارئ", "طواري", "طوارى", "اسعاف", // Arabic, folded by Normalize (إسعاف)
	"ایمرجنسی", "ہنگامی", "ریسکیو", "ایمبولینس", // Urdu
	"आपात", "इमरजेंसी", "इमर्जेंसी", "एम्बुलेंस", "एंबुलेंस", // Hindi
}

// numberTerms name a number, a phone or a call; they match anywhere in a
// word ("Notrufnummer", "الرقم", "telephone").
var numberTerms = []string{
	"number", "call", "dial", "phone", "hotline", // English
	"numéro", "numero", "appel", "compose", // French
	"número", "llam", "marcar", "teléfono", "telefono", // Spanish
	"nummer", "ruf", "telefon", "wähl", // German
	"ligar", "ligo", "telefone", "chamar", // Portuguese
	"رقم", "نمره", "اتصل", "اتصال", "اكلم", "تلفون", "تليفون", "هاتف", // Arabic
	"نمبر", "فون", "کال", // Urdu
	"नंबर", "नम्बर", "फोन", "फ़ोन", "कॉल", // Hindi
}

// askWords ask or request, as whole words.
var askWords = map[string]bool{
	// English
	"what": true, "what's": true, "whats": true, "which": true, "who": true, "how": true, "where": true, "tell": true, "give": true,
	"need": true, "want": true, "please": true, "pls": true, "plz": true, "know": true, "send": true,
	// French
	"quel": true, "quelle": true, "quels": true, "est": true, "c'est": true, "qu'est": true, "donnez": true, "donner": true, "dites": true,
	"svp": true, "stp": true, "besoin": true, "comment": true, "où": true,
	// Spanish
	"cuál": true, "cual": true, "qué": true, "que": true, "dónde": true, "donde": true, "cómo": true, "como": true, "dame": true,
	"deme": true, "necesito": true, "favor": true,
	// German
	"wie": true, "welche": true, "welcher": true, "was": true, "wo": true, "bitte": true, "brauche": true, "gib": true, "geben": true, "sagen": true,
	// Portuguese
	"qual": true, "quais": true, "onde": true, "preciso": true, "passa": true,
	// Arabic (folded by Normalize)
	"كم": true, "ما": true, "ماذا": true, "ماهو": true, "شو": true, "ايش": true, "وش": true, "شنو": true, "ايه": true, "اي": true,
	"سمحت": true, "ابغى": true, "ابي": true, "بدي": true, "عايز": true, "اريد": true, "اعطني": true, "عطني": true, "ممكن": true, "فين": true, "وين": true,
	// Urdu
	"کیا": true, "کون": true, "کیسے": true, "کہاں": true, "بتائیں": true, "بتا": true, "چاہیے": true,
	// Hindi, and Hindi and Urdu in Latin letters
	"क्या": true, "कौन": true, "कैसे": true, "कहाँ": true, "बताइए": true, "बताओ": true, "चाहिए": true,
	"kya": true, "kaun": true, "kitna": true, "batao": true, "bataye": true, "chahiye": true,
}

const (
	// askShort is how many words ask by themselves ("emergency number").
	askShort = 4
	// askLong is the most words a question for the number takes; a
	// longer message tells something, and is read for what it tells.
	askLong = 14
)

// asksEmergencyNumber reports whether words ask for the emergency number.
func asksEmergencyNumber(words string) bool {
	norm := Normalize(words)
	tokens := strings.Fields(norm)
	if len(tokens) == 0 || len(tokens) > askLong {
		return false
	}
	var emergency, number, ask bool
	for _, tok := range tokens {
		emergency = emergency || namesAny(tok, emergencyTerms)
		number = number || containsAny(tok, numberTerms)
		ask = ask || askWords[tok]
	}
	ask = ask || len(tokens) <= askShort || strings.ContainsAny(words, "?؟")
	return emergency && number && ask
}

// namesAny reports whether tok starts with one of terms, or, for a term
// not in Latin letters, contains it.
func namesAny(tok string, terms []string) bool {
	for _, t := range terms {
		if strings.HasPrefix(tok, t) {
			return true
		}
		if r, _ := utf8.DecodeRuneInString(t); r > 0x24F && strings.Contains(tok, t) {
			return true
		}
	}
	return false
}

func containsAny(tok string, terms []string) bool {
	for _, t := range terms {
		if strings.Contains(tok, t) {
			return true
		}
	}
	return false
}
