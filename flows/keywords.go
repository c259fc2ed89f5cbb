package flows

import (
	"strings"
	"unicode"
)

// Normalize folds a message for keyword matching: lower case, Arabic letter
// variants and diacritics folded, punctuation and emoji dropped, spaces
// collapsed. Check-in answers are matched the same way.
func Normalize(s string) string {
	var b strings.Builder
	space := true
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 0x064B && r <= 0x065F, r == 0x0670, r == 0x0640: // harakat, superscript alef, tatweel
			continue
		case r == 'أ' || r == 'إ' || r == 'آ':
			r = 'ا'
		case r == 'ى':
			r = 'ي'
		case r == 'ة':
			r = 'ه'
		case r == '’':
			r = '\''
		}
		if unicode.IsLetter(r) || unicode.IsNumber(r) || r == '\'' {
			b.WriteRune(r)
			space = false
			continue
		}
		if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}

// WordSet is a set of whole messages, normalised for matching with Normalize.
func WordSet(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[Normalize(w)] = true
	}
	return m
}

// Whole-message commands. A keyword only counts when it is the entire
// message, so that "how do I stop the bleeding" is a question, not an opt-out.
var (
	stopWords  = WordSet("stop", "unsubscribe", "stop alerts", "stopall", "cancel alerts", "إيقاف", "ايقاف", "توقف", "أوقف", "الغاء الاشتراك", "إلغاء الاشتراك", "arrêt", "stopp", "baja", "parar")
	startWords = WordSet("start", "subscribe", "unstop", "ابدأ", "ابدا", "اشتراك", "اشترك", "alta", "commencer")
	greetWords = WordSet("hi", "hello", "hey", "hi there", "good morning", "good evening", "menu", "help", "start over", "restart",
		"مرحبا", "مرحباً", "اهلا", "أهلا", "السلام عليكم", "سلام", "القائمة", "قائمة", "مساعدة", "صباح الخير", "مساء الخير",
		"hallo", "bonjour", "hola", "olá", "ola", "namaste", "नमस्ते")
	safeWords = WordSet("safe", "i'm safe", "im safe", "i am safe", "we are safe", "we're safe", "ok", "okay", "all good", "fine", "i am fine", "i'm fine",
		"آمن", "امن", "بأمان", "أنا بأمان", "انا بامان", "انا امن", "نحن بأمان", "بخير", "انا بخير", "أنا بخير")
	helpWords = WordSet("help me", "need help", "i need help", "sos", "emergency", "ساعدوني", "ساعدني", "النجدة", "أحتاج مساعدة", "احتاج مساعده", "طوارئ")
)

// humanWords ask for a person when they appear in a short message.
var humanWords = WordSet("agent", "human", "person", "operator", "someone", "representative", "staff", "people",
	"وكيل", "موظف", "شخص", "انسان", "إنسان", "احد", "أحد", "بشري", "مندوب")

// questionWords veto the person request: "can a person catch it twice" is a question.
var questionWords = WordSet("can", "could", "does", "do", "is", "are", "how", "what", "when", "where", "why", "which", "should", "will",
	"هل", "كيف", "ماذا", "متى", "أين", "لماذا", "ما")

// asksForHuman reports whether a message is a request to talk to a person.
func asksForHuman(norm string) bool {
	words := strings.Fields(norm)
	if len(words) == 0 || len(words) > 6 {
		return false
	}
	if questionWords[words[0]] {
		return false
	}
	for _, w := range words {
		if humanWords[w] {
			return true
		}
	}
	return false
}
