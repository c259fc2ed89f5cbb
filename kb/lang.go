package kb

import (
	"strings"
	"unicode"
)

// stopHints are frequent function words that identify a language written in
// Latin script. A word counts for every language whose list has it.
var stopHints = map[string][]string{
	"en": {"the", "is", "are", "what", "how", "can", "i", "you", "my", "do", "does", "to", "of", "and", "in", "where", "when", "why", "who", "should", "it", "a", "be", "will", "there", "get", "have", "for", "with", "need", "help", "please", "me", "safe", "water"},
	"de": {"der", "die", "das", "ist", "sind", "wie", "was", "ich", "kann", "ein", "eine", "und", "nicht", "mit", "wo", "wann", "warum", "wer", "muss", "soll", "gibt", "es", "zu", "auf", "bei", "mich", "mein", "meine", "habe", "sich", "werden", "darf", "man"},
	"fr": {"le", "la", "les", "est", "sont", "comment", "quoi", "que", "je", "peux", "un", "une", "et", "pas", "avec", "où", "quand", "pourquoi", "qui", "dois", "il", "des", "du", "mon", "ma", "mes", "pour", "dans", "ce", "suis", "faire", "y"},
	"es": {"el", "la", "los", "las", "es", "son", "cómo", "como", "qué", "que", "yo", "puedo", "un", "una", "y", "no", "con", "dónde", "donde", "cuándo", "por", "quién", "debo", "hay", "del", "mi", "mis", "para", "en", "estoy", "tengo", "se"},
	"pt": {"o", "a", "os", "as", "é", "são", "como", "que", "eu", "posso", "um", "uma", "e", "não", "com", "onde", "quando", "porque", "quem", "devo", "há", "do", "da", "meu", "minha", "para", "em", "estou", "tenho", "se", "no", "na"},
	"it": {"il", "lo", "la", "gli", "le", "è", "sono", "come", "cosa", "che", "io", "posso", "un", "una", "e", "non", "con", "dove", "quando", "perché", "chi", "devo", "ci", "di", "del", "mio", "mia", "per"},
	"pl": {"jest", "są", "jak", "co", "czy", "ja", "mogę", "i", "nie", "z", "gdzie", "kiedy", "dlaczego", "kto", "się", "na", "w", "do", "to", "mój", "moja"},
	"sv": {"är", "hur", "vad", "jag", "kan", "en", "ett", "och", "inte", "med", "var", "när", "varför", "vem", "måste", "det", "som", "på", "för", "min", "mitt", "att"},
}

var stopIndex = func() map[string][]string {
	m := map[string][]string{}
	for lang, words := range stopHints {
		for _, w := range words {
			m[w] = append(m[w], lang)
		}
	}
	return m
}()

// letterHints are letters that occur in one language (or a few) only.
var letterHints = map[rune][]string{
	'ß': {"de"}, 'ä': {"de", "sv"}, 'ö': {"de", "sv"}, 'ü': {"de"},
	'ñ': {"es"}, '¿': {"es"}, '¡': {"es"},
	'ã': {"pt"}, 'õ': {"pt"}, 'ç': {"fr", "pt"},
	'è': {"fr", "it"}, 'ê': {"fr", "pt"}, 'à': {"fr", "it", "pt"}, 'ù': {"fr"}, 'œ': {"fr"},
	'å': {"sv"}, 'ł': {"pl"}, 'ą': {"pl"}, 'ę': {"pl"}, 'ś': {"pl"}, 'ż': {"pl"}, 'ź': {"pl"}, 'ć': {"pl"}, 'ń': {"pl"},
}

// DetectLang guesses the language of a message from its script and, for
// Latin script, from function words and language-specific letters. It
// answers "" when the evidence is too thin ("ok", digits, a lone noun).
// Text that is at least a third Arabic script is Arabic.
func DetectLang(text string) string {
	var arabic, devanagari, latin, other int
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Arabic, r):
			if unicode.IsLetter(r) {
				arabic++
			}
		case unicode.Is(unicode.Devanagari, r):
			if unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) {
				devanagari++
			}
		case unicode.Is(unicode.Latin, r):
			latin++
		case unicode.IsLetter(r):
			other++
		}
	}
	total := arabic + devanagari + latin + other
	switch {
	case total == 0:
		return ""
	case arabic*3 >= total:
		return "ar"
	case devanagari*3 >= total:
		return "hi"
	case latin*2 < total:
		return ""
	}
	score := map[string]float64{}
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\''
	})
	for _, w := range words {
		w = strings.Trim(w, "'")
		if ls := stopIndex[w]; len(ls) > 0 {
			for _, l := range ls {
				score[l] += 1 / float64(len(ls))
			}
		}
		for _, r := range w {
			for _, l := range letterHints[r] {
				score[l] += 0.5
			}
		}
	}
	best, second := "", 0.0
	for _, l := range []string{"en", "de", "fr", "es", "pt", "it", "pl", "sv"} {
		if score[l] > score[best] {
			if best != "" {
				second = max(second, score[best])
			}
			best = l
		} else {
			second = max(second, score[l])
		}
	}
	if best == "" || score[best] < 1 || score[best] <= second {
		return ""
	}
	return best
}
