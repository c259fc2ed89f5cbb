package flows

import (
	"strings"
	"unicode"
)

// Normalize folds a short answer for exact matching against option
// titles (a confirmation's "1", "Reschedule", "إعادة الجدولة"): lower
// case, Arabic letter variants and diacritics folded, punctuation and
// emoji dropped, spaces collapsed. What a message is about is decided by
// package understand, not here. understand.Normalize does another job and
// folds otherwise: it keeps "?" as a word, turns emoji into words ("✅"
// is "ok"), folds Urdu ک and ی and collapses letter runs, so "1?" or a
// title with an emoji would no longer match.
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
		// Marks stay with their letters: a Devanagari vowel sign or
		// virama is part of the word (the Arabic ones are dropped above).
		if unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsNumber(r) || r == '\'' {
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
