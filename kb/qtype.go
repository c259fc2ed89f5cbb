package kb

import (
	"strings"
	"unicode"
)

// questionWords maps the words that open a question to the kind of
// answer it asks for. Matching kinds is a weak but general signal: "where
// is a shelter" wants the entry that says where, not the one about pets in
// shelters. Stop-word removal drops these words from the terms, so they are
// read here from the raw text.
var questionWords = map[string]string{
	// English
	"where": "where", "when": "when", "how": "how", "what": "what", "why": "why", "who": "who", "which": "what",
	// German
	"wo": "where", "wohin": "where", "woher": "where", "wann": "when", "wie": "how", "was": "what", "warum": "why",
	"wieso": "why", "weshalb": "why", "wer": "who", "welche": "what", "welcher": "what", "welches": "what",
	// French, Spanish, Portuguese
	"où": "where", "quand": "when", "comment": "how", "pourquoi": "why", "qui": "who",
	"dónde": "where", "donde": "where", "cuándo": "when", "cómo": "how", "qué": "what", "por qué": "why", "quién": "who",
	"onde": "where", "quando": "when", "como": "how", "porque": "why", "quem": "who",
	// Arabic
	"أين": "where", "اين": "where", "متى": "when", "كيف": "how", "ماذا": "what", "ما": "what", "لماذا": "why", "من": "who",
}

// questionType returns the kind of answer text asks for, or "" when its
// first words say nothing about it.
func questionType(text string) string {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' })
	for i, w := range words {
		if i == 4 {
			break
		}
		// Arabic attaches "and" to the next word: "وأين".
		w = strings.TrimPrefix(w, "و")
		if k, ok := questionWords[w]; ok {
			return k
		}
	}
	return ""
}
